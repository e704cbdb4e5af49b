/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa serve (design §10), inside the service folder: the TLS context and
 * the unit a client certificate names (tls.c), the routes that answer on
 * worker threads (routes.c), the worker pool (workers.c), the counters of
 * /metrics (metrics.c) and the event loop that ties them together
 * (server.c). libevent's evhttp parses HTTP, OpenSSL does TLS; nothing here
 * parses either by hand.
 *
 * Private to service/; nothing outside it includes this header.
 */
#ifndef KANSA_SERVICE_H
#define KANSA_SERVICE_H

#include <openssl/ssl.h>
#include <stdatomic.h>

#include "common/common.h"

/* The largest request body (design §10): a larger one is answered 413. */
#define KANSA_SERVICE_MAX_BODY (1024 * 1024)
/* All request headers together. */
#define KANSA_SERVICE_MAX_HEADERS (16 * 1024)
/* Checks waiting for a worker; past it the answer is 503 (try again). */
#define KANSA_SERVICE_MAX_QUEUE 4096
/* A unit name as a certificate gives it, with its NUL. */
#define KANSA_SERVICE_UNIT_SIZE (KANSA_MAX_UNIT_BYTES + 1)

/* ---- tls.c ------------------------------------------------------------- */

/* A TLS 1.3 server context: the certificate chain and key of @p opt, client
 * certificates verified against its client CA, required unless public_read
 * (then verified when one is given); with no client CA (a witness) none are
 * asked for. The key file must be mode 0600. */
int kansa_service__tls_ctx(SSL_CTX **out, const kansa_serve_options *opt);

/* The unit a verified client certificate names: its one URI SAN
 * kansa:unit:NAME, else its one subject CN. Returns 0, or -1 when there is
 * no verified certificate or the name is missing, ambiguous, or not text. */
int kansa_service__peer_unit(char out[KANSA_SERVICE_UNIT_SIZE], SSL *ssl);

/* 0 when the client gave a certificate that verified against the client CA
 * (whatever it names), else -1. */
int kansa_service__peer_verified(SSL *ssl);

/* Call @p on_free(@p arg) when OpenSSL frees @p ssl, whoever frees it:
 * how the server counts its open connections (evhttp has no hook for it). */
int kansa_service__track(SSL *ssl, void (*on_free)(void *arg), void *arg);

/* The @p arg given to kansa_service__track() for @p ssl, or NULL. */
void *kansa_service__tracked(SSL *ssl);

/* ---- witness_client.c, witness_collect.c, checkpointer.c ----------------- */

/* kansa_ledger_witness() that gives up when @p stop (may be NULL) returns
 * nonzero, checked about once a second while it waits for the witness. */
int kansa_service__witness_ask(kansa_witness_reply *out, kansa_ledger *lg, const char *note,
    size_t len, const char *url, const char *ca, unsigned timeout, int (*stop)(void *ctx), void *ctx);

/* The size line of a checkpoint note (its second line), strictly decimal;
 * KANSA_EFORMAT when it is not one. */
int kansa_service__note_size(uint64_t *out, const char *note, size_t len);

/* The most witnesses kansa serve collects from (each has its counters). */
#define KANSA_SERVICE_MAX_WITNESSES 64

struct kansa_metrics;
typedef struct kansa_checkpointer kansa_checkpointer;

/* 0 when the checkpointer's options of @p opt can be used: witnesses (at
 * most KANSA_SERVICE_MAX_WITNESSES, https:// URLs) only with
 * checkpoint_every or checkpoint_interval; else KANSA_EINVAL or
 * KANSA_ELIMIT saying what to give. */
int kansa_checkpointer__options(const kansa_serve_options *opt);
/* Start the thread that signs checkpoints of @p lg as @p opt says
 * (checkpoint_every, checkpoint_interval) and collects the cosignatures of
 * opt->witness_urls, counted in @p m. *out NULL when opt asks for none. */
int kansa_checkpointer__start(kansa_checkpointer **out, kansa_ledger *lg,
    const kansa_serve_options *opt, struct kansa_metrics *m);
/* An entry may have been appended (a worker, after a check or a document):
 * wakes the thread when it has enough to do. Takes a lock for an instant.
 * Accepts NULL. */
void kansa_checkpointer__appended(kansa_checkpointer *c);
/* Stop the thread (a collection in progress gives up within about a
 * second), join it and free it. Accepts NULL. */
void kansa_checkpointer__stop(kansa_checkpointer *c);

/* ---- metrics.c ----------------------------------------------------------- */

#define KANSA_METRICS_BUCKETS 12

typedef struct kansa_metrics {
	atomic_uint_least64_t checks[2][KANSA_REASON_COUNT]; /* [verdict][reason], recorded */
	atomic_uint_least64_t not_recorded;                  /* checks that could not be recorded (deny) */
	atomic_uint_least64_t latency[KANSA_METRICS_BUCKETS + 1]; /* check seconds, per bucket, +Inf last */
	atomic_uint_least64_t latency_us;                    /* sum, microseconds */
	atomic_uint_least64_t responses[6];                  /* by status class: [2] 2xx ... [5] 5xx */
	atomic_uint_least64_t connections;                   /* open now */
	atomic_uint_least64_t refused_busy;                  /* 503: queue full or draining */
	/* the checkpointer (checkpointer.c), when it runs */
	bool checkpointer;                                   /* its lines are shown */
	const char *const *witness_urls;                     /* borrowed from the options */
	size_t n_witnesses;
	atomic_uint_least64_t cosignatures[KANSA_SERVICE_MAX_WITNESSES]; /* lines kept, per witness */
	atomic_uint_least64_t witness_failures[KANSA_SERVICE_MAX_WITNESSES]; /* rounds without one */
	atomic_uint_least64_t checkpoints;                   /* checkpoints signed */
	atomic_uint_least64_t checkpoint_errors;             /* rounds that could not sign or store */
	atomic_uint_least64_t cosigned_size;                 /* size of the last cosigned checkpoint */
	atomic_uint_least64_t quorum_met;                    /* 0/1: the last round's */
} kansa_metrics;

/* One check answered: @p error 0 with @p r recorded, or the error (deny). */
void kansa_metrics__check(kansa_metrics *m, int error, const kansa_receipt *r, double seconds);
/* One HTTP response of @p status sent. */
void kansa_metrics__response(kansa_metrics *m, int status);
/* The checkpointer signed a checkpoint. */
void kansa_metrics__signed(kansa_metrics *m);
/* What witness @p index gave in a round, as soon as it is known. */
void kansa_metrics__witness(kansa_metrics *m, size_t index, const kansa_cosign_witness *w);
/* One round of the checkpointer: a checkpoint of @p size signed (error 0)
 * or not, and @p r (NULL without witnesses or when the collection failed as
 * a whole) what the witnesses gave. */
void kansa_metrics__round(kansa_metrics *m, int error, uint64_t size, const kansa_cosign_result *r);
/* The Prometheus text exposition format (version 0.0.4), with the ledger's
 * size and commit batches. *out is the caller's (free). */
int kansa_metrics__text(char **out, size_t *len, kansa_metrics *m, kansa_ledger *lg);

/* ---- routes.c ------------------------------------------------------------ */

/* A response made on a worker thread, sent from the event loop. */
typedef struct {
	int status;               /* HTTP status */
	const char *content_type; /* static */
	char *body;               /* owned (free) */
	size_t len;
	const char *proof;        /* static: the Kansa-Receipt-Proof header, or NULL */
} kansa_response;

enum {
	KANSA_ROUTE_CHECK = 1,      /* POST /v1/check */
	KANSA_ROUTE_INFO = 2,       /* GET /v1/info */
	KANSA_ROUTE_CHECKPOINT = 3, /* GET /v1/checkpoint */
	KANSA_ROUTE_METRICS = 4,    /* GET /metrics */
	KANSA_ROUTE_HEALTHZ = 5,    /* GET /healthz */
	KANSA_ROUTE_ADD_CHECKPOINT = 6, /* POST /add-checkpoint (kansa witness serve) */
	KANSA_ROUTE_PROOF_INCLUSION = 30,   /* GET /v1/proof/inclusion?seq=N[&size=M] */
	KANSA_ROUTE_PROOF_CONSISTENCY = 31, /* GET /v1/proof/consistency?old=A[&size=B] */
	KANSA_ROUTE_RECEIPT = 32,           /* GET /v1/receipt/SEQ */
};

/* The forms of a route's body and answer, or'd into its route number:
 * the body is CBOR (a check) or COSE (a commission document); the answer is CBOR. */
#define KANSA_ROUTE_MASK 0xff
#define KANSA_ROUTE_BODY_CBOR 0x100
#define KANSA_ROUTE_BODY_COSE 0x200
#define KANSA_ROUTE_ANSWER_CBOR 0x400

/* Commission documents (routes_docs.c): POST /v1/policies, /v1/revocations,
 * /v1/ratifications; each document's own quorum is its authority. */
enum {
	KANSA_ROUTE_POLICIES = 20,
	KANSA_ROUTE_REVOCATIONS = 21,
	KANSA_ROUTE_RATIFICATIONS = 22,
};

/* Answer @p route (on a worker thread). @p unit is the authenticated unit
 * ("" when none: only read routes are dispatched without one). Never fails:
 * an error is a response (a check's is a deny, 503). */
void kansa_route__run(kansa_response *out, int route, kansa_ledger *lg, kansa_metrics *m,
    const char *unit, const uint8_t *body, size_t len);

/* Answer @p route of kansa witness serve (on a worker thread): the C2SP
 * tlog-witness answer of kansa_witness_add_checkpoint(), or "ok". */
void kansa_route__witness(kansa_response *out, int route, kansa_witness *w, const uint8_t *body,
    size_t len);

/* routes_proof.c: an RFC 9162 proof as `kansa ledger proof --json` prints
 * it: inclusion of entry @p a in the tree of @p size entries (0: all), or
 * consistency from @p a entries to @p size. A bad number is 400. */
void kansa_route__proof(kansa_response *out, int route, kansa_ledger *lg, uint64_t a, uint64_t size);
/* GET /v1/receipt/SEQ (routes_proof.c): the receipt of entry @p seq again
 * (application/cose), proven once a checkpoint covers it (header
 * Kansa-Receipt-Proof: inclusion), plain before (none); 404 no such entry. */
void kansa_route__receipt(kansa_response *out, kansa_ledger *lg, uint64_t seq);

/* @p j (stolen) as the compact JSON body of @p out (500 when it cannot be). */
struct json_t;
void kansa_route__json(kansa_response *out, int status, struct json_t *j);

/* Record the commission document of @p route (KANSA_ROUTE_POLICIES ...,
 * with KANSA_ROUTE_BODY_COSE when the body is its bytes, else JSON
 * {"document": base64}) and answer its entry (routes_docs.c). */
void kansa_route__document(kansa_response *out, int route, kansa_ledger *lg, const uint8_t *body,
    size_t len);

/* The CBOR answer of a check (routes_docs.c): @p r and @p error as the check returned. */
void kansa_route__check_cbor(kansa_response *out, const kansa_receipt *r, const char *unit, int error);


/* A small JSON error body {"ok": false, "error": {"code", "message"}}. */
void kansa_route__error(kansa_response *out, int status, const char *code, const char *message);

/* ---- workers.c ----------------------------------------------------------- */

typedef struct kansa_job kansa_job;
struct kansa_job {
	kansa_job *next;  /* the queue's link */
	void (*run)(kansa_job *job); /* on a worker thread */
};

typedef struct kansa_pool kansa_pool;

/* Start @p n worker threads taking jobs in order. */
int kansa_pool__start(kansa_pool **out, unsigned n, size_t max_queue);
/* Queue @p job: 0, or KANSA_ELIMIT when max_queue jobs wait already. */
int kansa_pool__push(kansa_pool *p, kansa_job *job);
/* Run every queued job, then stop and join the threads, and free the pool. */
void kansa_pool__stop(kansa_pool *p);

#endif
