/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger (design §6): ties the store, the entry format, the Merkle tree
 * and the decision function together, and is the home of kansa_check().
 *
 * Every append builds its entry INSIDE the store's write transaction (the
 * store's callback), because the decision depends on the ledger state at that
 * moment: use counts, revocations, the policy in force, the previous entry's
 * hash and time. The store commits with synchronous=FULL before any caller
 * returns, so an allow is only ever returned for a durable entry; on any
 * error nothing of the batch remains and the caller gets the error (deny).
 *
 * The pure, expensive part of a check (parsing the request, parsing the
 * warrant and verifying its signatures against the policy's members) runs
 * on the caller's thread BEFORE the transaction, with the warrant check
 * taken from the verified-document cache (ledger/cache.h) when it is there.
 * Inside the transaction the policy in force is read again: if it is not
 * the one the warrant was verified against, it is verified again there.
 * Time, revocations and use counts are only ever read inside it.
 *
 * This file must never return KANSA_ALLOW without a committed entry, nor
 * decide outside the transaction that records the decision (only the
 * policy-and-bytes-determined verification may happen before it).
 *
 * Meta values kept inside the encrypted database:
 *   log.seed        the ledger's Ed25519 signing key (32-byte seed)
 *   log.origin      the checkpoint origin line (the log's name)
 *   policy.version  the version in force (decimal text)
 *   policy.<n>      SHA-256 of policy version n's COSE bytes
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys/keys.h"
#include "ledger/cache.h"
#include "ledger/entry.h"
#include "ledger/ledger_impl.h"
#include "ledger/tlog/merkle.h"
#include "ledger/store/store.h"
#include "policy/decide.h"
#include "policy/doc.h"

struct kansa_ledger {
	kansa_store *store;      /* owned */
	kansa_key *log_key;      /* owned: the ledger's signing key */
	char origin[128];        /* checkpoint origin line */
	pthread_mutex_t lock;    /* guards policy and retired (swapped when a new version is activated).
				    Lock order (docs/ledger.md "Locks"): the store's db_mu, then this
				    lock, then the cache's; never a store call while holding it */
	kansa_policy *policy;    /* the policy in force, verified along its chain */
	kansa_policy **retired;  /* policies replaced while open: kept until close, because a
				    check may still verify against one outside the lock */
	size_t n_retired;        /* entries in retired */
	kansa_cache *cache;      /* verified warrants by (warrant hash, policy hash) */
	bool readonly;           /* opened with KANSA_LEDGER_READONLY */
};

/* Keep @p p until close: a check may still use it outside the lock. Caller holds lg->lock. */
static int retire(kansa_ledger *lg, kansa_policy *p)
{
	kansa_policy **r = realloc(lg->retired, (lg->n_retired + 1) * sizeof(*r));

	if (r == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	lg->retired = r;
	lg->retired[lg->n_retired++] = p;
	return 0;
}

/* Replace the policy in force. Caller holds lg->lock. The old one is kept
 * (retired) until close; stale cache entries are dropped. */
static int swap_policy(kansa_ledger *lg, kansa_policy *next)
{
	uint8_t h[KANSA_HASH_LEN];
	int error;

	if (lg->policy && (error = retire(lg, lg->policy)) < 0)
		return error;
	lg->policy = next;
	kansa_policy_hash(h, next);
	/* REQ: PERF-CACHE-3 a policy change drops what was verified against another policy */
	if (lg->cache)
		(void)kansa_cache__invalidate_policy(lg->cache, h);
	return 0;
}

/* ---- Merkle nodes in the store ---------------------------------------- */

int kansa_ledger__node_source(void *ctx, uint64_t level, uint64_t index, uint8_t out[KANSA_HASH_LEN])
{
	return kansa_store__node_get(out, ctx, (uint32_t)level, index);
}

/* Store leaf @p seq and every perfect node it completes: O(log n). Runs in
 * the append's transaction, so the nodes roll back with the entry. */
static int merkle_append(kansa_store *s, uint64_t seq, const uint8_t leaf[KANSA_HASH_LEN])
{
	uint8_t cur[KANSA_HASH_LEN], left[KANSA_HASH_LEN];
	uint64_t idx = seq;
	uint32_t level = 0;
	int error;

	memcpy(cur, leaf, sizeof(cur));
	if ((error = kansa_store__node_put(s, 0, seq, cur)) < 0)
		return error;
	while (idx & 1) {
		if ((error = kansa_store__node_get(left, s, level, idx - 1)) < 0 ||
		    (error = kansa_merkle__node_hash(cur, left, cur)) < 0)
			return error;
		idx >>= 1;
		level++;
		if ((error = kansa_store__node_put(s, level, idx, cur)) < 0)
			return error;
	}
	return 0;
}

/* ---- meta helpers ---------------------------------------------------- */

int kansa_ledger__meta_put_text(kansa_store *s, const char *key, const char *text)
{
	return kansa_store__meta_put(s, key, (const uint8_t *)text, strlen(text));
}

static int meta_get_u64(uint64_t *out, kansa_store *s, const char *key)
{
	uint8_t *v = NULL;
	size_t len = 0;
	char *end = NULL;
	int error;

	if ((error = kansa_store__meta_get(&v, &len, s, key)) < 0)
		return error;
	*out = strtoull((char *)v, &end, 10);
	if (len == 0 || end != (char *)v + len)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "ledger: bad meta value '%s'", key);
	free(v);
	return error;
}

/* Load the policy chain 1..n from the store, verifying each link. */
static int load_policy(kansa_policy **out, kansa_store *s)
{
	kansa_policy *prev = NULL, *cur = NULL;
	uint64_t n = 0;
	int error;

	*out = NULL;
	if ((error = meta_get_u64(&n, s, "policy.version")) < 0)
		return kansa_error_prefix("ledger has no policy (not a kansa ledger?)");
	for (uint64_t v = 1; v <= n; v++) {
		uint8_t *hash = NULL, *doc = NULL;
		size_t hlen = 0, dlen = 0;
		char key[40];
		int kind;

		snprintf(key, sizeof(key), "policy.%llu", (unsigned long long)v);
		if ((error = kansa_store__meta_get(&hash, &hlen, s, key)) == 0) {
			if (hlen != KANSA_HASH_LEN)
				error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "ledger: bad %s", key);
			else
				error = kansa_store__doc_get(&doc, &dlen, &kind, s, hash);
		}
		if (error == 0)
			error = kansa_policy_load(&cur, doc, dlen, prev);
		free(hash);
		free(doc);
		kansa_policy_free(prev);
		prev = NULL;
		if (error < 0)
			return kansa_error_prefix("ledger: policy version %llu", (unsigned long long)v);
		prev = cur;
	}
	*out = prev;
	return 0;
}

/*
 * The policy in force as @p s (a transaction, or the store) sees it, into
 * *out: borrowed, valid until close (replaced policies are retired, never
 * freed). Reloads when another process or thread activated a newer version.
 * REQ: LEDGER-LOCKS-1 the store is read without lg->lock, which is taken only
 * around the swap: the batch leader holds the store lock and then takes
 * lg->lock, so holding lg->lock into a store call would deadlock.
 */
static int current_policy(const kansa_policy **out, kansa_ledger *lg, kansa_store *s)
{
	uint64_t v = 0;
	kansa_policy *p = NULL;
	int error = 0;

	*out = NULL;
	if ((error = meta_get_u64(&v, s, "policy.version")) < 0)
		return error;
	pthread_mutex_lock(&lg->lock);
	if (lg->policy && kansa_policy_version(lg->policy) == v)
		*out = lg->policy;
	pthread_mutex_unlock(&lg->lock);
	if (*out != NULL)
		return 0;
	if ((error = load_policy(&p, s)) < 0)
		return error;
	pthread_mutex_lock(&lg->lock);
	if (lg->policy == NULL || kansa_policy_version(lg->policy) < kansa_policy_version(p)) {
		if ((error = swap_policy(lg, p)) == 0)
			*out = p;
	} else if (kansa_policy_version(lg->policy) == kansa_policy_version(p)) {
		*out = lg->policy; /* another thread loaded it meanwhile */
		kansa_policy_free(p);
		p = NULL;
	} else if ((error = retire(lg, p)) == 0) {
		*out = p; /* older than one loaded meanwhile: what @p s sees, kept until close */
	}
	pthread_mutex_unlock(&lg->lock);
	if (error < 0)
		kansa_policy_free(p);
	return error;
}

int64_t kansa_ledger__entry_time(const kansa_store_pos *pos)
{
	int64_t now = kansa_ledger__now();

	/* REQ: LEDGER-TIME entry times never go backwards */
	return (pos->seq > 0 && now < pos->last_time) ? pos->last_time : now;
}

/* Encode e, hash it (its leaf hash, which the store checks before storing),
 * persist its Merkle nodes, hand it to the store. */
int kansa_ledger__finish_entry(kansa_store *s, kansa_entry *e, kansa_store_entry *out, kansa_receipt *r)
{
	int error;

	if ((error = kansa_entry__encode(&out->body, &out->body_len, e)) < 0 ||
	    (error = kansa_merkle_leaf_hash(out->leaf_hash, out->body, out->body_len)) < 0 ||
	    (error = merkle_append(s, e->seq, out->leaf_hash)) < 0)
		return error;
	out->time = e->time;
	out->kind = e->kind;
	if (r) {
		r->seq = e->seq;
		r->time = e->time;
		memcpy(r->leaf_hash, out->leaf_hash, KANSA_HASH_LEN);
	}
	return 0;
}

/* ---- init / open / close ------------------------------------------- */

typedef struct {
	kansa_ledger *lg;
	const uint8_t *doc;          /* the policy bytes */
	size_t len;
	kansa_policy *policy;        /* verified */
	const kansa_secret *seed;    /* init only: the new log key */
	const char *origin;          /* init only */
	kansa_receipt *receipt;
} policy_ctx;

static int build_policy(void *vctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	policy_ctx *c = vctx;
	uint64_t version = kansa_policy_version(c->policy);
	kansa_entry e;
	char key[40], val[24];
	int error;

	memset(&e, 0, sizeof(e));
	if (c->seed) { /* ledger init: the log key and origin go in with entry 0 */
		if (pos->seq != 0)
			return kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_LEDGER, "ledger is not empty");
		if ((error = kansa_store__meta_put(s, "log.seed", kansa_secret_data(c->seed),
		    kansa_secret_len(c->seed))) < 0 ||
		    (error = kansa_ledger__meta_put_text(s, "log.origin", c->origin)) < 0)
			return error;
	} else {
		uint64_t cur = 0;
		if ((error = meta_get_u64(&cur, s, "policy.version")) < 0)
			return error;
		if (cur + 1 != version)
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
			    "policy version %llu does not follow version %llu in force",
			    (unsigned long long)version, (unsigned long long)cur);
	}
	kansa_policy_hash(e.document, c->policy);
	e.seq = pos->seq;
	e.time = kansa_ledger__entry_time(pos);
	e.kind = KANSA_ENTRY_POLICY;
	memcpy(e.prev, pos->prev, KANSA_HASH_LEN);
	e.version = version;
	snprintf(key, sizeof(key), "policy.%llu", (unsigned long long)version);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)version);
	if ((error = kansa_store__meta_put(s, key, e.document, KANSA_HASH_LEN)) < 0 ||
	    (error = kansa_ledger__meta_put_text(s, "policy.version", val)) < 0)
		return error;
	out->docs[0] = (kansa_store_doc){ c->doc, c->len, KANSA_DOC_POLICY, NULL };
	out->n_docs = 1;
	if (c->receipt) {
		c->receipt->verdict = KANSA_ALLOW;
		c->receipt->reason = KANSA_REASON_ALLOWED;
		snprintf(c->receipt->detail, sizeof(c->receipt->detail), "policy version %llu in force",
		    (unsigned long long)version);
	}
	return kansa_ledger__finish_entry(s, &e, out, c->receipt);
}

int kansa_ledger_init(const char *path, const kansa_secret *db_key, const uint8_t *policy,
    size_t policy_len)
{
	kansa_policy *p = NULL;
	kansa_store *s = NULL;
	kansa_key *log = NULL;
	kansa_secret *seed = NULL;
	uint8_t id[8];
	char origin[128], idhex[17];
	policy_ctx c;
	int error;

	if (path == NULL || db_key == NULL || policy == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "ledger init: missing argument");
	/* REQ: LEDGER-INIT the first policy carries its own quorum */
	if ((error = kansa_policy_load(&p, policy, policy_len, NULL)) < 0)
		return error;
	if ((error = kansa_key_generate(&log)) < 0 || (error = kansa_key__seed(&seed, log)) < 0 ||
	    (error = kansa_random(id, sizeof(id))) < 0)
		goto out;
	kansa_hex_encode(idhex, id, sizeof(id));
	/* REQ: WITNESS-ORIGIN a schema-less URL-like origin (C2SP tlog-checkpoint):
	 * the policy's origin prefix, else kansa.example/<commission>, then this
	 * ledger's random id; stored at init, so existing ledgers keep theirs */
	if (kansa_policy_origin(p) != NULL)
		snprintf(origin, sizeof(origin), "%s/%s", kansa_policy_origin(p), idhex);
	else
		snprintf(origin, sizeof(origin), "kansa.example/%.64s/%s", kansa_policy_commission(p), idhex);
	if ((error = kansa_store__open(&s, path, db_key, KANSA_STORE_CREATE)) < 0)
		goto out;
	c = (policy_ctx){ NULL, policy, policy_len, p, seed, origin, NULL };
	error = kansa_store__append(s, build_policy, &c, NULL);
	kansa_store__close(s);
	s = NULL;
	if (error < 0)
		(void)remove(path); /* a ledger without its policy is no ledger */
out:
	kansa_secret_free(seed);
	kansa_key_free(log);
	kansa_policy_free(p);
	return error;
}

int kansa_ledger_open(kansa_ledger **out, const char *path, const kansa_secret *db_key, int flags)
{
	kansa_ledger *lg;
	kansa_secret *seed = NULL;
	uint8_t *origin = NULL;
	size_t olen = 0;
	int error;

	*out = NULL;
	if (path == NULL || db_key == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "ledger open: missing argument");
	if ((lg = calloc(1, sizeof(*lg))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	pthread_mutex_init(&lg->lock, NULL);
	lg->readonly = (flags & (KANSA_LEDGER_READONLY | KANSA_LEDGER_AUDIT)) != 0;
	if ((error = kansa_cache__new(&lg->cache, KANSA_CACHE_MAX_ENTRIES, KANSA_CACHE_MAX_BYTES)) < 0)
		goto out;
	if ((error = kansa_store__open(&lg->store, path, db_key,
	    lg->readonly ? KANSA_STORE_READONLY : 0)) < 0)
		goto out;
	if ((error = kansa_store__meta_get_secret(&seed, lg->store, "log.seed")) < 0 ||
	    kansa_secret_len(seed) != 32) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "'%s' has no ledger signing key: not a kansa ledger, or damaged", path);
		goto out;
	}
	if ((error = kansa_key_from_seed(&lg->log_key, kansa_secret_data(seed))) < 0 ||
	    (error = kansa_store__meta_get(&origin, &olen, lg->store, "log.origin")) < 0)
		goto out;
	snprintf(lg->origin, sizeof(lg->origin), "%.*s", (int)olen, (char *)origin);
	/* REQ: AUDIT-MALFORMED an audit trusts no derived state: replay rebuilds
	 * the policy chain from the entries and compares the meta rows with it */
	if (!(flags & KANSA_LEDGER_AUDIT))
		error = load_policy(&lg->policy, lg->store);
out:
	kansa_secret_free(seed);
	free(origin);
	if (error < 0) {
		kansa_ledger_close(lg);
		return error;
	}
	*out = lg;
	return 0;
}

void kansa_ledger_close(kansa_ledger *lg)
{
	if (lg == NULL)
		return;
	kansa_store__close(lg->store);
	kansa_key_free(lg->log_key);
	kansa_policy_free(lg->policy);
	for (size_t i = 0; i < lg->n_retired; i++)
		kansa_policy_free(lg->retired[i]);
	free(lg->retired);
	kansa_cache__free(lg->cache);
	pthread_mutex_destroy(&lg->lock);
	free(lg);
}

void kansa_ledger__receipt_deny(kansa_receipt *out, int error)
{
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	out->reason = KANSA_REASON_MALFORMED_REQUEST;
	snprintf(out->detail, sizeof(out->detail), "not recorded: %s", kansa_strerror(error));
}

/* ---- check ---------------------------------------------------------- */

/* A warrant check: a reference into the cache, or a private result. */
typedef struct {
	kansa_cache_entry *ref;           /* cached result (a held reference), or NULL */
	kansa_warrant_check local;        /* the result when it is not cached */
	uint8_t policy_hash[KANSA_HASH_LEN]; /* the policy it was verified against */
	bool have;                        /* a result is held */
} verified;

static const kansa_warrant_check *verified_value(const verified *v)
{
	return v->ref ? kansa_cache_entry__value(v->ref) : &v->local;
}

static void verified_release(kansa_ledger *lg, verified *v)
{
	kansa_cache__release(lg->cache, v->ref);
	kansa_warrant_check__dispose(&v->local);
	memset(v, 0, sizeof(*v));
}

/*
 * Verify @p warrant (whose hash is @p whash) against @p policy, through the
 * cache: a hit costs a hash-table lookup; a miss parses and verifies the
 * signatures (the expensive part) and caches the result when it is a
 * verified warrant or a bad signature (malformed ones are cheap to redo).
 */
static int verify_warrant(verified *out, kansa_ledger *lg, const kansa_policy *policy,
    const uint8_t *warrant, size_t len, const uint8_t whash[KANSA_HASH_LEN])
{
	kansa_warrant_check wc;
	size_t cost;
	int error;

	verified_release(lg, out);
	kansa_policy_hash(out->policy_hash, policy);
	out->have = true;
	/* REQ: PERF-CACHE-2 a warrant's signatures are verified once per (warrant, policy) */
	if ((out->ref = kansa_cache__get(lg->cache, whash, out->policy_hash)) != NULL)
		return 0;
	if ((error = kansa_decide__verify_warrant(&wc, kansa_policy__doc(policy), warrant, len, whash)) < 0)
		return error;
	/* parsed form: about three times the COSE bytes (copies, strings, prefixes) */
	if (wc.doc != NULL && kansa_mul_size(&cost, len, 3) == 0 &&
	    kansa_cache__put(&out->ref, lg->cache, whash, out->policy_hash, &wc, cost) == 0)
		return 0;
	out->local = wc; /* not cached: used once, disposed by verified_release */
	return 0;
}

typedef struct {
	kansa_ledger *lg;
	const char *unit;          /* the service's authenticated unit, or NULL */
	const uint8_t *warrant;
	size_t warrant_len;
	const uint8_t *request;
	size_t request_len;
	kansa_receipt *receipt;
	kansa_store *store;        /* for the state lookup */
	kansa_warrant_state state; /* what the decision saw (recorded as "uses") */
	bool state_read;           /* the decision looked the state up */
	bool request_hashed;       /* the request's bytes are not kept, only their hash and size */
	int request_form;          /* KANSA_REQUEST_FORM_*: what the bytes are */
	uint8_t rhash[KANSA_HASH_LEN]; /* SHA-256 of the request's bytes, when hashed */
	kansa_decision first;      /* stage 1 (request), decided before the transaction */
	kansa_request_doc req;     /* the parsed request */
	bool req_ok;               /* stage 1 passed */
	uint8_t whash[KANSA_HASH_LEN]; /* SHA-256 of the warrant bytes */
	verified v;                /* stage 2, possibly redone inside the transaction */
	kansa_receipt_info info;   /* what the receipt will say of the act (warrant set inside) */
	int64_t receipt_ttl;       /* the receipt_ttl of the policy the decision used */
} check_ctx;

static int warrant_state(void *vctx, const uint8_t hash[KANSA_HASH_LEN], const uint8_t cti[16],
    kansa_warrant_state *out)
{
	check_ctx *c = vctx;
	uint64_t rseq;
	int error;

	(void)hash;
	if ((error = kansa_store__uses(&out->uses, c->store, cti)) < 0 ||
	    (error = kansa_store__is_revoked(&out->revoked, &rseq, c->store, cti)) < 0)
		return error;
	c->state = *out;
	c->state_read = true;
	return 0;
}

static bool has_warrant(const check_ctx *c)
{
	return c->warrant != NULL && c->warrant_len > 0;
}

/* Stages 2 and 3 inside the transaction, against the policy in force now. */
static int decide_in_txn(kansa_decision *d, check_ctx *c, kansa_store *s, int64_t time,
    uint64_t *policy_version)
{
	kansa_ledger *lg = c->lg;
	const kansa_policy *policy;
	uint8_t ph[KANSA_HASH_LEN];
	int error;

	if ((error = current_policy(&policy, lg, s)) < 0)
		return error;
	*policy_version = kansa_policy_version(policy);
	c->receipt_ttl = kansa_policy__doc(policy)->receipt_ttl;
	*d = c->first;
	if (!c->req_ok)
		return 0;
	if (has_warrant(c)) {
		kansa_policy_hash(ph, policy);
		/* verified against another policy than the one in force: again, now */
		if (!c->v.have || !kansa_ct_equal(ph, c->v.policy_hash, KANSA_HASH_LEN)) {
			if ((error = verify_warrant(&c->v, lg, policy, c->warrant, c->warrant_len,
			    c->whash)) < 0)
				return error;
		}
	}
	return kansa_decide__finish(d, kansa_policy__doc(policy), &c->req,
	    has_warrant(c) ? verified_value(&c->v) : NULL, c->unit, time, warrant_state, c);
}

static int build_check(void *vctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	check_ctx *c = vctx;
	kansa_decision d;
	kansa_entry e;
	int error;

	memset(&e, 0, sizeof(e));
	c->store = s;
	memset(&c->state, 0, sizeof(c->state));
	c->state_read = false;
	e.seq = pos->seq;
	e.time = kansa_ledger__entry_time(pos);
	e.kind = KANSA_ENTRY_DECISION;
	memcpy(e.prev, pos->prev, KANSA_HASH_LEN);

	if ((error = decide_in_txn(&d, c, s, e.time, &e.policy_version)) < 0)
		return error;

	/* The entry keeps the request as given and the warrant by hash, so that
	 * replay decides on exactly the same bytes; a request that cannot fit
	 * (or is not CBOR) is kept by hash and size. */
	if (c->request_hashed) {
		e.request_hashed = true;
		memcpy(e.request_hash, c->rhash, KANSA_HASH_LEN);
		e.request_size = (uint64_t)c->request_len;
		e.request_form = c->request_form;
	} else {
		e.request = (uint8_t *)c->request;
		e.request_len = c->request_len;
	}
	if (has_warrant(c)) {
		e.has_warrant = true;
		memcpy(e.warrant, c->whash, KANSA_HASH_LEN);
		/* Documents are stored once: skip the insert (a hash and a statement
		 * in the serialized append) once a committed check stored it. */
		if (c->v.ref == NULL || !kansa_cache_entry__is_stored(c->v.ref)) {
			out->docs[0] = (kansa_store_doc){ c->warrant, c->warrant_len, KANSA_DOC_WARRANT, c->whash };
			out->n_docs = 1;
		}
	}
	e.verdict = d.verdict;
	e.reason = d.reason;
	e.detail = d.detail;
	e.ratify_by = d.ratify_by;
	e.unit = (char *)c->unit; /* borrowed */
	out->has_decision = true;
	out->allowed = d.verdict == KANSA_ALLOW;
	if (d.has_warrant) {
		out->has_warrant = true;
		memcpy(out->warrant_hash, d.warrant_hash, KANSA_HASH_LEN);
		memcpy(out->warrant_cti, d.cti, sizeof(d.cti));
		/* uses before this entry: as the decision saw them, or read now when
		 * it stopped before looking (e.g. bad-signature) */
		if (c->state_read)
			e.uses = c->state.uses;
		else if ((error = kansa_store__uses(&e.uses, s, d.cti)) < 0)
			return error;
	}
	c->info.has_warrant = d.has_warrant;
	memcpy(c->info.warrant_cti, d.cti, sizeof(d.cti));
	c->receipt->verdict = d.verdict;
	c->receipt->reason = d.reason;
	c->receipt->ratify_by = d.ratify_by;
	snprintf(c->receipt->detail, sizeof(c->receipt->detail), "%s", d.detail);
	error = kansa_ledger__finish_entry(s, &e, out, c->receipt);
	e.request = NULL; /* borrowed */
	e.detail = NULL;
	e.unit = NULL;
	return error;
}

/* The decision's detail is stored in the entry as it is. */
_Static_assert(sizeof(((kansa_decision *)0)->detail) <= KANSA_MAX_DETAIL_BYTES,
    "a decision's detail fits an entry's fixed part");

int kansa_check(kansa_receipt *out, kansa_ledger *lg, const uint8_t *warrant, size_t warrant_len,
    const uint8_t *request, size_t request_len)
{
	const kansa_check_input in = { warrant, warrant_len, request, request_len,
		KANSA_REQUEST_FORM_CBOR, NULL, NULL, NULL };

	return kansa_ledger__check(out, lg, &in);
}

/* A unit name the entry can hold as it is: 1..KANSA_MAX_UNIT_BYTES of text
 * without control characters (a certificate's name is the CA's to vouch for,
 * not ours to rewrite). */
static bool unit_ok(const char *unit)
{
	char copy[KANSA_MAX_UNIT_BYTES + 1];
	size_t n = strlen(unit);

	if (n == 0 || n > KANSA_MAX_UNIT_BYTES)
		return false;
	memcpy(copy, unit, n + 1);
	kansa_text__sanitize(copy);
	return strcmp(copy, unit) == 0;
}

int kansa_ledger__check(kansa_receipt *out, kansa_ledger *lg, const kansa_check_input *in)
{
	const uint8_t *warrant = in->warrant, *request = in->request;
	size_t warrant_len = in->warrant_len, request_len = in->request_len;
	const char *why = in->why;
	int form = in->form;
	check_ctx c;
	const kansa_policy *policy;
	int error;

	memset(&c, 0, sizeof(c));
	if (in->parsed != NULL) { /* taken: disposed on every path below */
		c.req = *in->parsed;
		memset(in->parsed, 0, sizeof(*in->parsed));
	}
	if (out == NULL) {
		kansa_request__dispose(&c.req);
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "kansa_check: no receipt");
	}
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	if (lg == NULL || request == NULL) {
		error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "kansa_check: missing argument");
		goto out;
	}
	if (warrant_len > KANSA_MAX_DOC_BYTES) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
		    "warrant larger than %d bytes: not recorded", KANSA_MAX_DOC_BYTES);
		goto out;
	}
	if (lg->readonly) {
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER, "ledger is open read-only");
		goto out;
	}
	if (in->unit != NULL && !unit_ok(in->unit)) {
		error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "unit name is empty, longer than %d bytes or not text: not recorded",
		    KANSA_MAX_UNIT_BYTES);
		goto out;
	}
	c.lg = lg;
	c.unit = in->unit;
	c.warrant = warrant;
	c.warrant_len = warrant_len;
	c.request = request;
	c.request_len = request_len;
	c.receipt = out;

	/* Before the transaction, on this thread: the request, and the warrant
	 * against the policy in force now (through the cache). A request whose
	 * bytes cannot be kept is decided (malformed) and hashed here, so that
	 * nothing about it can fail the batch it joins. */
	/* REQ: LEDGER-REQUEST-FITS the bound is checked before the request is queued */
	if (form != KANSA_REQUEST_FORM_CBOR || request_len > KANSA_MAX_REQUEST_BYTES) {
		char size_why[64];

		if (why == NULL && form == KANSA_REQUEST_FORM_CBOR) {
			snprintf(size_why, sizeof(size_why), "larger than %d bytes", KANSA_MAX_REQUEST_BYTES);
			why = size_why;
		}
		c.request_hashed = true;
		c.request_form = form;
		kansa_decide__request_unkept(&c.first, (uint64_t)request_len,
		    form == KANSA_REQUEST_FORM_JSON, why);
		c.req_ok = false;
		if ((error = kansa_sha256(c.rhash, request, request_len)) < 0)
			goto out;
	} else if (in->parsed != NULL) {
		c.req_ok = kansa_decide__request_parsed(&c.first, &c.req);
	} else {
		c.req_ok = kansa_decide__request(&c.first, &c.req, request, request_len);
	}
	if (c.req_ok && has_warrant(&c)) {
		pthread_mutex_lock(&lg->lock);
		policy = lg->policy;
		pthread_mutex_unlock(&lg->lock);
		if ((error = kansa_sha256(c.whash, warrant, warrant_len)) < 0 ||
		    (error = verify_warrant(&c.v, lg, policy, warrant, warrant_len, c.whash)) < 0)
			goto out;
	} else if (has_warrant(&c) && (error = kansa_sha256(c.whash, warrant, warrant_len)) < 0) {
		goto out;
	}
	/* REQ: LEDGER-DURABLE allow only after the entry's commit */
	if ((error = kansa_store__append(lg->store, build_check, &c, NULL)) < 0)
		goto out;
	out->recorded = true;
	if (c.v.ref != NULL && has_warrant(&c))
		kansa_cache_entry__mark_stored(c.v.ref); /* committed with (or before) this entry */
	/* REQ: RECEIPT-AFTER-COMMIT signed after the commit, on this thread, outside the write lock */
	if (c.request_hashed)
		memcpy(c.info.request_hash, c.rhash, KANSA_HASH_LEN);
	else if ((error = kansa_sha256(c.info.request_hash, request, request_len)) < 0)
		goto out;
	if (c.req_ok)
		kansa_ledger__receipt_act(&c.info, &c.req);
	error = kansa_ledger__receipt_sign(out, lg, &c.info, c.receipt_ttl);
out:
	if (lg != NULL)
		verified_release(lg, &c.v);
	kansa_request__dispose(&c.req);
	if (error < 0 && !out->recorded)
		kansa_ledger__receipt_deny(out, error);
	return error;
}

/* ---- policy and revocation -------------------------------------------- */

int kansa_ledger_activate_policy(kansa_receipt *out, kansa_ledger *lg, const uint8_t *policy,
    size_t policy_len)
{
	const kansa_policy *cur = NULL;
	kansa_policy *next = NULL;
	policy_ctx c;
	int error;

	memset(out, 0, sizeof(*out));
	/* REQ: POLICY-CHAIN version n+1 carries the policy quorum of version n */
	if ((error = current_policy(&cur, lg, lg->store)) < 0 ||
	    (error = kansa_policy_load(&next, policy, policy_len, cur)) < 0)
		return error;
	c = (policy_ctx){ lg, policy, policy_len, next, NULL, NULL, out };
	if ((error = kansa_store__append(lg->store, build_policy, &c, NULL)) < 0) {
		kansa_policy_free(next);
		kansa_ledger__receipt_deny(out, error);
		return error;
	}
	pthread_mutex_lock(&lg->lock);
	/* another process's activation may have been loaded meanwhile */
	if (kansa_policy_version(lg->policy) < kansa_policy_version(next))
		error = swap_policy(lg, next);
	else
		kansa_policy_free(next);
	pthread_mutex_unlock(&lg->lock);
	if (error < 0)
		return error;
	return kansa_ledger__receipt_sign_doc(out, lg, KANSA_DOC_POLICY, policy, policy_len, NULL);
}

/* ---- for the ledger's other files (ledger_impl.h) ----------------------- */

int kansa_ledger__policy_quorum(size_t *have, size_t *need, uint64_t *version, kansa_ledger *lg,
    kansa_store *s, const kansa_signed_doc *d)
{
	const kansa_policy *p = NULL;
	int error;

	if ((error = current_policy(&p, lg, s)) < 0)
		return error;
	error = kansa_signed_doc__verify_quorum(have, need, d, kansa_policy__doc(p), NULL);
	if (version)
		*version = kansa_policy_version(p);
	return error;
}

int kansa_ledger__policy_summary(uint64_t *version, char *commission, size_t size, kansa_ledger *lg)
{
	const kansa_policy *p = NULL;
	int error;

	if ((error = current_policy(&p, lg, lg->store)) < 0)
		return error;
	*version = kansa_policy_version(p);
	snprintf(commission, size, "%s", kansa_policy_commission(p));
	return 0;
}

int kansa_ledger_witnesses(char **vkeys_out, size_t *quorum_out, kansa_ledger *lg)
{
	kansa_buf b = KANSA_BUF_INIT(64 * 1024);
	const kansa_policy *p = NULL;
	size_t n;
	int error;

	*vkeys_out = NULL;
	*quorum_out = 0;
	if ((error = current_policy(&p, lg, lg->store)) < 0)
		return error;
	for (size_t i = 0; i < kansa_policy_witness_count(p) && error == 0; i++)
		error = kansa_buf_printf(&b, "%s\n", kansa_policy_witness_vkey(p, i));
	if (error == 0 && (error = kansa_buf_putc(&b, 0)) == 0) {
		*vkeys_out = (char *)kansa_buf_detach(&b, &n);
		*quorum_out = kansa_policy_witness_quorum(p);
	}
	kansa_buf_dispose(&b);
	return error;
}

/* ---- accessors for the ledger's other files (ledger_impl.h) -------------- */

int kansa_ledger_get_stats(kansa_ledger_stats *out, kansa_ledger *lg)
{
	kansa_cache_stats cs;

	if (out == NULL || lg == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "stats: missing argument");
	memset(out, 0, sizeof(*out));
	kansa_store__stats(lg->store, &out->commits, &out->appends);
	kansa_cache__stats(&cs, lg->cache);
	out->cache_hits = cs.hits;
	out->cache_misses = cs.misses;
	out->cache_evictions = cs.evictions;
	out->cache_invalidations = cs.invalidations;
	out->cache_entries = cs.entries;
	out->cache_bytes = cs.bytes;
	return 0;
}

kansa_cache *kansa_ledger__cache(kansa_ledger *lg)
{
	return lg->cache;
}

kansa_store *kansa_ledger__store(kansa_ledger *lg)
{
	return lg->store;
}

const kansa_key *kansa_ledger__log_key(const kansa_ledger *lg)
{
	return lg->log_key;
}

const char *kansa_ledger__origin(const kansa_ledger *lg)
{
	return lg->origin;
}

bool kansa_ledger__readonly(const kansa_ledger *lg)
{
	return lg->readonly;
}

bool kansa_ledger_is_readonly(const kansa_ledger *lg)
{
	return lg != NULL && lg->readonly;
}
