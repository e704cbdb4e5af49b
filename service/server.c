/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_serve() (design §10): libevent's evhttp over OpenSSL bufferevents.
 * One thread runs the event loop: it accepts, does TLS and HTTP, and hands
 * every route that reads or writes the ledger to the worker pool, so a slow
 * client or a commit never holds up anyone else. A worker's answer comes
 * back to the loop through an event made active from the worker's thread
 * (libevent with pthreads locking), and the loop sends it.
 *
 * Limits: bodies over KANSA_SERVICE_MAX_BODY get 413 (evhttp reads no more
 * of them), headers over KANSA_SERVICE_MAX_HEADERS are refused, each
 * connection has opt->timeout seconds for its handshake, headers and body
 * (however steadily it trickles them) and for each idle time between
 * requests, and at opt->max_connections the listener stops accepting until
 * one closes (new ones wait in the kernel's backlog).
 *
 * SIGTERM or SIGINT: the listener closes, requests that arrive get 503 with
 * Connection: close, every check already accepted is answered, and once the
 * open connections have closed (idle ones at opt->timeout) the
 * loop ends and kansa_serve() returns; the caller closes the ledger.
 * SIGHUP: the certificate, key and client CA files are read again.
 *
 * kansa_witness_serve() runs the same loop for a witness (design §11):
 * POST /add-checkpoint and GET /healthz, over TLS without client
 * certificates (C2SP tlog-witness authenticates a checkpoint by its log's
 * signature, not its sender).
 *
 * This file must never answer a request that came without TLS, nor run a
 * check without the unit of a verified client certificate.
 */
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "service/service.h"

typedef struct {
	kansa_ledger *lg;         /* kansa_serve(); NULL for a witness */
	kansa_witness *witness;   /* kansa_witness_serve(); NULL for kansa serve */
	const kansa_serve_options *opt;
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *listener; /* NULL once stopping */
	SSL_CTX *ctx;
	kansa_pool *pool;
	kansa_checkpointer *checkpointer; /* NULL unless opt asks for checkpoints */
	kansa_metrics metrics;
	unsigned max_connections;
	bool paused;      /* the listener is disabled at max_connections */
	bool draining;    /* a signal came: answer what is in flight, then stop */
	size_t inflight;  /* requests handed to workers, not yet answered */
	struct event *sig[3];   /* SIGTERM, SIGINT, SIGHUP */
	struct timeval timeout; /* opt->timeout, or 10 s */
} server;

/* A connection's deadline. evhttp's timeout starts again with every byte
 * read, so a client that sends its handshake, headers or body a byte at a
 * time would hold its connection for ever, and enough of them, at
 * max_connections, would starve the lawful units. This one does not start
 * again: armed when the connection opens and after each answer, disarmed
 * while a whole request is being answered, it shuts the socket down
 * s->timeout after it was armed, and evhttp then frees the connection as
 * one the client closed. */
typedef struct {
	server *srv;
	struct bufferevent *bev;
	struct event *deadline;
} connection;

typedef struct {
	kansa_job job;                 /* first: the pool's link */
	server *srv;
	struct evhttp_request *req;    /* loop thread only */
	struct event *done;            /* made active by the worker */
	int route;
	char unit[KANSA_SERVICE_UNIT_SIZE]; /* "" when none (read routes under --public-read) */
	uint8_t *body;
	size_t len;
	uint64_t arg[2];               /* a proof route's numbers (routes_proof.c) */
	kansa_response res;            /* the worker's answer */
} request_job;

static void say(server *s, const char *fmt, ...) KANSA_PRINTF(2, 3);

static void say(server *s, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (s->opt->on_event == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->opt->on_event(s->opt->ctx, line);
}

/* ---- connections ----------------------------------------------------- */

static void maybe_finish(server *s);

/* OpenSSL freed a connection's SSL (loop thread): one fewer open. */
static void connection_closed(void *arg)
{
	connection *c = arg;
	server *s = c->srv;

	event_free(c->deadline);
	free(c);
	atomic_fetch_sub(&s->metrics.connections, 1);
	if (s->paused && s->listener != NULL &&
	    atomic_load(&s->metrics.connections) < s->max_connections) {
		evconnlistener_enable(s->listener);
		s->paused = false;
	}
	maybe_finish(s);
}

/* REQ: SERVICE-LIMIT-SLOW a connection's deadline passed: shut it down */
static void deadline_passed(evutil_socket_t fd, short what, void *arg)
{
	connection *c = arg;
	evutil_socket_t sock = bufferevent_getfd(c->bev);

	(void)fd;
	(void)what;
	if (sock >= 0)
		(void)shutdown(sock, SHUT_RDWR);
}

/* The deadline of the connection @p req came on: armed again (an answer
 * goes out: the next request has s->timeout), or disarmed. */
static void deadline_set(server *s, struct evhttp_request *req, bool arm)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
	connection *c = ssl ? kansa_service__tracked(ssl) : NULL;

	if (c == NULL)
		return;
	if (arm)
		evtimer_add(c->deadline, &s->timeout);
	else
		evtimer_del(c->deadline);
}

/* A new connection: its TLS bufferevent (evhttp calls this for each one). */
static struct bufferevent *new_connection(struct event_base *base, void *arg)
{
	server *s = arg;
	SSL *ssl = SSL_new(s->ctx);
	connection *c = calloc(1, sizeof(*c));
	struct bufferevent *bev;

	/* on failure evhttp would fall back to plain TCP: on_request refuses it */
	if (ssl == NULL || c == NULL || (c->deadline = evtimer_new(base, deadline_passed, c)) == NULL ||
	    kansa_service__track(ssl, connection_closed, c) < 0) {
		if (c && c->deadline)
			event_free(c->deadline);
		free(c);
		SSL_free(ssl);
		return NULL;
	}
	c->srv = s;
	atomic_fetch_add(&s->metrics.connections, 1); /* SSL_free from here on counts it down */
	bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	c->bev = bev;
	evtimer_add(c->deadline, &s->timeout);
	/* REQ: SERVICE-LIMIT-CONN past max_connections, stop accepting until one closes */
	if (atomic_load(&s->metrics.connections) >= s->max_connections && s->listener && !s->paused) {
		evconnlistener_disable(s->listener);
		s->paused = true;
	}
	return bev;
}

/* ---- answers ------------------------------------------------------------ */

static const char *status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 409: return "Conflict";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

static void reply(server *s, struct evhttp_request *req, const kansa_response *res)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", res->content_type ? res->content_type : "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	if (res->proof)
		evhttp_add_header(h, "Kansa-Receipt-Proof", res->proof);
	if (s->draining)
		evhttp_add_header(h, "Connection", "close");
	if (res->body)
		evbuffer_add(evhttp_request_get_output_buffer(req), res->body, res->len);
	deadline_set(s, req, true); /* before the reply, which may free the connection */
	evhttp_send_reply(req, res->status, status_text(res->status), NULL);
	kansa_metrics__response(&s->metrics, res->status);
}

static void reply_error(server *s, struct evhttp_request *req, int status, const char *code,
    const char *message)
{
	kansa_response res = { 0 };

	kansa_route__error(&res, status, code, message);
	reply(s, req, &res);
	free(res.body);
}

/* Every check is answered and every connection closed: the loop may end.
 * A connection open at the signal may still bring a request; it gets 503
 * (Connection: close), and an idle one closes at --timeout. */
static void maybe_finish(server *s)
{
	static const struct timeval flush = { 0, 200000 }; /* let the last answers go out */

	if (s->draining && s->inflight == 0 && atomic_load(&s->metrics.connections) == 0) {
		say(s, "every request in flight answered; stopping");
		event_base_loopexit(s->base, &flush);
	}
}

/* A worker's answer is ready (loop thread). */
static void job_done(evutil_socket_t fd, short what, void *arg)
{
	request_job *j = arg;
	server *s = j->srv;

	(void)fd;
	(void)what;
	reply(s, j->req, &j->res); /* a request whose client left is freed by evhttp here */
	free(j->res.body);
	free(j->body);
	event_free(j->done);
	free(j);
	s->inflight--;
	maybe_finish(s);
}

/* Whether @p route may append an entry: a check or a commission document. */
static bool appends(int route)
{
	int r = route & KANSA_ROUTE_MASK;

	return r == KANSA_ROUTE_CHECK || (r >= KANSA_ROUTE_POLICIES && r <= KANSA_ROUTE_RATIFICATIONS);
}

static void job_run(kansa_job *job)
{
	request_job *j = (request_job *)job;

	if (j->srv->witness)
		kansa_route__witness(&j->res, j->route, j->srv->witness, j->body, j->len);
	else if (j->route == KANSA_ROUTE_PROOF_INCLUSION || j->route == KANSA_ROUTE_PROOF_CONSISTENCY)
		kansa_route__proof(&j->res, j->route, j->srv->lg, j->arg[0], j->arg[1]);
	else if (j->route == KANSA_ROUTE_RECEIPT)
		kansa_route__receipt(&j->res, j->srv->lg, j->arg[0]);
	else
		kansa_route__run(&j->res, j->route, j->srv->lg, &j->srv->metrics, j->unit, j->body, j->len);
	if (appends(j->route))
		kansa_checkpointer__appended(j->srv->checkpointer);
	event_active(j->done, 0, 0);
}

/* ---- requests ----------------------------------------------------------- */

#define RECEIPT_PREFIX "/v1/receipt/"

/* The route of @p path for @p method, or 0 (404), or -1 (405). */
static int route_of(const char *path, enum evhttp_cmd_type method, bool witness)
{
	static const struct { const char *path; int route; enum evhttp_cmd_type method; } wroutes[] = {
		{ "/add-checkpoint", KANSA_ROUTE_ADD_CHECKPOINT, EVHTTP_REQ_POST },
		{ "/healthz", KANSA_ROUTE_HEALTHZ, EVHTTP_REQ_GET },
	};
	static const struct { const char *path; int route; enum evhttp_cmd_type method; } routes[] = {
		{ "/v1/check", KANSA_ROUTE_CHECK, EVHTTP_REQ_POST },
		{ "/v1/info", KANSA_ROUTE_INFO, EVHTTP_REQ_GET },
		{ "/v1/checkpoint", KANSA_ROUTE_CHECKPOINT, EVHTTP_REQ_GET },
		{ "/metrics", KANSA_ROUTE_METRICS, EVHTTP_REQ_GET },
		{ "/healthz", KANSA_ROUTE_HEALTHZ, EVHTTP_REQ_GET },
		{ "/v1/proof/inclusion", KANSA_ROUTE_PROOF_INCLUSION, EVHTTP_REQ_GET },
		{ "/v1/proof/consistency", KANSA_ROUTE_PROOF_CONSISTENCY, EVHTTP_REQ_GET },
		{ "/v1/policies", KANSA_ROUTE_POLICIES, EVHTTP_REQ_POST },
		{ "/v1/revocations", KANSA_ROUTE_REVOCATIONS, EVHTTP_REQ_POST },
		{ "/v1/ratifications", KANSA_ROUTE_RATIFICATIONS, EVHTTP_REQ_POST },
	};

	for (size_t i = 0; witness && path && i < KANSA_ARRAY_SIZE(wroutes); i++)
		if (strcmp(path, wroutes[i].path) == 0)
			return wroutes[i].method == method ? wroutes[i].route : -1;
	for (size_t i = 0; !witness && path && i < KANSA_ARRAY_SIZE(routes); i++)
		if (strcmp(path, routes[i].path) == 0)
			return routes[i].method == method ? routes[i].route : -1;
	/* /v1/receipt/SEQ: SEQ is checked in dispatch() */
	if (!witness && path && strncmp(path, RECEIPT_PREFIX, strlen(RECEIPT_PREFIX)) == 0)
		return method == EVHTTP_REQ_GET ? KANSA_ROUTE_RECEIPT : -1;
	return 0;
}

/* A commission document's route: its authority is the document's quorum. */
static bool is_document(int route)
{
	return route >= KANSA_ROUTE_POLICIES && route <= KANSA_ROUTE_RATIFICATIONS;
}

/* Whether the header value @p h names the media type @p type (parameters
 * after ';' aside; absent: @p absent). */
static bool media_is(const char *h, const char *type, bool absent)
{
	size_t n = strlen(type);

	if (h == NULL)
		return absent;
	h += strspn(h, " \t");
	return strncasecmp(h, type, n) == 0 && (h[n] == '\0' || h[n] == ';' || h[n] == ' ');
}

/* The forms of a POST's body (Content-Type) and answer (Accept, or a CBOR
 * body) or'd into @p route (design §10); -1 for a body type it does not take. */
static int with_forms(int route, struct evhttp_request *req)
{
	const struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	const char *ctype = evhttp_find_header(h, "Content-Type");
	const char *accept = evhttp_find_header(h, "Accept");

	if (route == KANSA_ROUTE_CHECK) {
		if (media_is(ctype, "application/cbor", false))
			return route | KANSA_ROUTE_BODY_CBOR | KANSA_ROUTE_ANSWER_CBOR;
		if (!media_is(ctype, "application/json", true))
			return -1;
		return media_is(accept, "application/cbor", false) ? route | KANSA_ROUTE_ANSWER_CBOR : route;
	}
	if (is_document(route)) {
		/* a signed document is COSE_Sign, itself CBOR: as either type, its bytes */
		if (media_is(ctype, "application/cose", false) || media_is(ctype, "application/cbor", false))
			return route | KANSA_ROUTE_BODY_COSE;
		return media_is(ctype, "application/json", true) ? route : -1;
	}
	return route;
}

/* The body, copied (evhttp has bounded it already; checked again). */
static int take_body(request_job *j, struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);

	if (n > KANSA_SERVICE_MAX_BODY)
		return KANSA_ELIMIT;
	if ((j->body = malloc(n ? n : 1)) == NULL)
		return KANSA_ENOMEM;
	j->len = (size_t)evbuffer_remove(in, j->body, n);
	return j->len == n ? 0 : KANSA_EIO;
}

/* A decimal uint64 without sign or leading zeros. */
static bool parse_u64(uint64_t *out, const char *t)
{
	uint64_t v = 0;

	if (t == NULL || t[0] == '\0' || (t[0] == '0' && t[1] != '\0') || strlen(t) > 20)
		return false;
	for (; *t; t++) {
		if (*t < '0' || *t > '9' || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*t - '0'), &v))
			return false;
	}
	*out = v;
	return true;
}

/* A proof route's query (through evhttp's parser): @p first required, "size"
 * optional (0: the whole ledger), nothing else, each once. */
static bool proof_query(uint64_t v[2], const char *query, const char *first)
{
	struct evkeyvalq q;
	struct evkeyval *kv;
	bool ok = query != NULL && evhttp_parse_query_str(query, &q) == 0, seen[2] = { false, false };

	v[0] = v[1] = 0;
	if (!ok)
		return false;
	for (kv = q.tqh_first; kv != NULL; kv = kv->next.tqe_next) {
		int i = strcmp(kv->key, first) == 0 ? 0 : strcmp(kv->key, "size") == 0 ? 1 : -1;

		if (i < 0 || seen[i] || !parse_u64(&v[i], kv->value)) {
			ok = false;
			break;
		}
		seen[i] = true;
	}
	evhttp_clear_headers(&q);
	return ok && seen[0];
}

static void dispatch(server *s, struct evhttp_request *req, int route, const char *unit)
{
	request_job *j = calloc(1, sizeof(*j));
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	int error;

	if (j == NULL) {
		reply_error(s, req, 503, "ENOMEM", "out of memory; try again");
		return;
	}
	/* REQ: SERVICE-PROOF-QUERY a proof's query is exactly its numbers, or 400 */
	if ((route == KANSA_ROUTE_PROOF_INCLUSION && !proof_query(j->arg, query, "seq")) ||
	    (route == KANSA_ROUTE_PROOF_CONSISTENCY && !proof_query(j->arg, query, "old"))) {
		free(j);
		reply_error(s, req, 400, "EINVAL", route == KANSA_ROUTE_PROOF_INCLUSION ?
		    "give ?seq=N and optionally &size=M (decimal), nothing else" :
		    "give ?old=A and optionally &size=B (decimal), nothing else");
		return;
	}
	/* REQ: SERVICE-RECEIPT-SEQ SEQ is exactly a decimal uint64 (no sign, no leading zero), no query */
	if (route == KANSA_ROUTE_RECEIPT && (query != NULL || !parse_u64(&j->arg[0],
	    evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req)) + strlen(RECEIPT_PREFIX)))) {
		free(j);
		reply_error(s, req, 400, "EINVAL", "give /v1/receipt/SEQ, SEQ the entry's number in decimal "
		    "(no sign, no leading zero), and no query");
		return;
	}
	j->job.run = job_run;
	j->srv = s;
	j->req = req;
	j->route = route;
	snprintf(j->unit, sizeof(j->unit), "%s", unit);
	if ((error = take_body(j, req)) < 0 ||
	    (j->done = event_new(s->base, -1, 0, job_done, j)) == NULL ||
	    (error = kansa_pool__push(s->pool, &j->job)) < 0) {
		if (error == KANSA_ELIMIT && j->body == NULL)
			reply_error(s, req, 413, "ELIMIT", "the body is larger than 1 MiB");
		else {
			atomic_fetch_add(&s->metrics.refused_busy, 1);
			reply_error(s, req, 503, "EBUSY", "the service is busy; nothing was recorded; try again");
		}
		if (j->done)
			event_free(j->done);
		free(j->body);
		free(j);
		return;
	}
	s->inflight++;
}

/* Send each answer at once: its TLS records are written separately, and
 * with Nagle's algorithm the last would wait for the client's delayed ACK
 * (some 40 ms per answer on a keep-alive connection). */
static void no_delay(struct bufferevent *bev)
{
	int one = 1;
	evutil_socket_t fd = bufferevent_getfd(bev);

	if (fd >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void on_request(struct evhttp_request *req, void *arg)
{
	server *s = arg;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
	char unit[KANSA_SERVICE_UNIT_SIZE];
	bool has_unit;
	int route;

	/* REQ: SERVICE-TLS-ONLY a connection without TLS is never answered with data */
	if (ssl == NULL) {
		reply_error(s, req, 400, "EPERM", "kansa serve speaks HTTPS only");
		return;
	}
	deadline_set(s, req, false); /* the whole request came; the answer arms it again */
	no_delay(bev);
	route = route_of(evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req)),
	    evhttp_request_get_command(req), s->witness != NULL);
	if (route == 0) {
		reply_error(s, req, 404, "ENOTFOUND", "no such route: see docs/service.md");
		return;
	}
	if (route < 0) {
		reply_error(s, req, 405, "EINVAL", "wrong method for this route: see docs/service.md");
		return;
	}
	has_unit = s->witness == NULL && kansa_service__peer_unit(unit, ssl) == 0;
	/* REQ: SERVICE-UNIT-CERT a check only under a unit a verified certificate names */
	if (!has_unit && s->witness == NULL && (route == KANSA_ROUTE_CHECK ||
	    (!s->opt->public_read && !is_document(route)))) {
		reply_error(s, req, 403, "EPERM", "this needs a client certificate from the client CA "
		    "naming one unit (subject CN, or URI SAN kansa:unit:NAME); nothing was recorded");
		return;
	}
	/* REQ: SERVICE-DOC-CERT a commission document only from a client whose certificate verified */
	if (is_document(route) && kansa_service__peer_verified(ssl) < 0) {
		reply_error(s, req, 403, "EPERM", "a commission document needs a client certificate "
		    "from the client CA; nothing was recorded");
		return;
	}
	if ((route = with_forms(route, req)) < 0) {
		reply_error(s, req, 415, "EFORMAT", "a check's body is JSON (application/json) or CBOR "
		    "(application/cbor); a document's is COSE (application/cose) or JSON");
		return;
	}
	if (s->draining) {
		atomic_fetch_add(&s->metrics.refused_busy, 1);
		reply_error(s, req, 503, "EBUSY", "the service is stopping; nothing was recorded; try another");
		return;
	}
	dispatch(s, req, route, has_unit ? unit : "");
}

/* ---- start and stop ----------------------------------------------------- */

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	server *s = arg;

	(void)what;
	if (s->draining)
		return;
	s->draining = true;
	say(s, "signal %d: no new connections; answering %zu request(s) in flight", (int)sig, s->inflight);
	/* REQ: SERVICE-SIGTERM stop accepting, answer what is in flight */
	if (s->listener) {
		evconnlistener_disable(s->listener);
		s->listener = NULL; /* freed with the http object */
	}
	maybe_finish(s);
}

/* ADDRESS:PORT through libevent's parser, which refuses port 0: that one
 * is parsed as port 1 and set to 0 after (the kernel then picks a port). */
static int parse_address(struct sockaddr_storage *ss, int *len, const char *text)
{
	char copy[128];
	size_t n = text ? strlen(text) : 0;
	bool any = n >= 2 && strcmp(text + n - 2, ":0") == 0;

	if (n == 0 || n >= sizeof(copy))
		return -1;
	memcpy(copy, text, n + 1);
	if (any)
		copy[n - 1] = '1';
	if (evutil_parse_sockaddr_port(copy, (struct sockaddr *)ss, len) < 0)
		return -1;
	if (any && ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = 0;
	else if (any && ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = 0;
	return 0;
}

/* SIGHUP: read the certificate, key and client CA files again; new
 * connections use them, open ones keep theirs (each SSL holds its context). */
static void on_reload(evutil_socket_t sig, short what, void *arg)
{
	server *s = arg;
	SSL_CTX *next = NULL;

	(void)sig;
	(void)what;
	/* REQ: SERVICE-SIGHUP certificates re-read; on failure the old ones stay */
	if (kansa_service__tls_ctx(&next, s->opt) < 0) {
		say(s, "SIGHUP: kept the certificates in use: %s", kansa_error_last()->message);
		return;
	}
	SSL_CTX_free(s->ctx);
	s->ctx = next;
	say(s, "SIGHUP: certificates, key and client CA read again");
}

static int listen_on(server *s)
{
	struct sockaddr_storage ss;
	int len = (int)sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	socklen_t sl = sizeof(ss);
	unsigned port = 0;

	memset(&ss, 0, sizeof(ss));
	if (parse_address(&ss, &len, s->opt->listen) < 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "--listen '%.100s': give ADDRESS:PORT, as 127.0.0.1:8443 or [::1]:8443 (port 0: any free)",
		    s->opt->listen ? s->opt->listen : "");
	s->listener = evconnlistener_new_bind(s->base, NULL, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 128,
	    (struct sockaddr *)&ss, len);
	if (s->listener == NULL)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "cannot listen on %s: %s (in use? "
		    "another address?)", s->opt->listen, evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	if (evhttp_bind_listener(s->http, s->listener) == NULL) {
		evconnlistener_free(s->listener);
		s->listener = NULL;
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory (listener)");
	}
	if (getsockname(evconnlistener_get_fd(s->listener), (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
			port = ntohs(a->sin_port);
			say(s, "listening on https://%s:%u", host, port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			port = ntohs(a->sin6_port);
			say(s, "listening on https://[%s]:%u", host, port);
		}
	}
	return 0;
}

static pthread_once_t threads_once = PTHREAD_ONCE_INIT;
static int threads_ok = -1;

static void threads_init(void)
{
	threads_ok = evthread_use_pthreads();
}

static int start(server *s)
{
	int error;

	pthread_once(&threads_once, threads_init);
	if (threads_ok != 0)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "libevent: no pthreads locking");
	if ((error = kansa_service__tls_ctx(&s->ctx, s->opt)) < 0)
		return error;
	if ((s->base = event_base_new()) == NULL || (s->http = evhttp_new(s->base)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory (event loop)");
	evhttp_set_bevcb(s->http, new_connection, s);
	evhttp_set_gencb(s->http, on_request, s);
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	/* REQ: SERVICE-LIMIT-BODY 413 past 1 MiB; the rest is read and dropped first */
	evhttp_set_max_body_size(s->http, KANSA_SERVICE_MAX_BODY);
	evhttp_set_max_headers_size(s->http, KANSA_SERVICE_MAX_HEADERS);
	evhttp_set_flags(s->http, EVHTTP_SERVER_LINGERING_CLOSE);
	/* REQ: SERVICE-LIMIT-TIME handshake, headers, body and idle each bounded */
	s->timeout.tv_sec = s->opt->timeout ? (time_t)s->opt->timeout : 10;
	s->timeout.tv_usec = 0;
	evhttp_set_timeout(s->http, (int)s->timeout.tv_sec);
	for (int i = 0; i < 3; i++) {
		s->sig[i] = evsignal_new(s->base, i == 0 ? SIGTERM : i == 1 ? SIGINT : SIGHUP,
		    i == 2 ? on_reload : on_signal, s);
		if (s->sig[i] == NULL || event_add(s->sig[i], NULL) < 0)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "cannot watch signals");
	}
	if ((error = kansa_pool__start(&s->pool, s->opt->workers ? s->opt->workers : 8,
	    KANSA_SERVICE_MAX_QUEUE)) < 0 || (error = listen_on(s)) < 0)
		return error;
	/* REQ: SERVICE-CHECKPOINTER checkpoints signed and cosigned on a thread of their own */
	return s->lg ? kansa_checkpointer__start(&s->checkpointer, s->lg, s->opt, &s->metrics) : 0;
}

static void stop(server *s)
{
	kansa_pool__stop(s->pool); /* nothing is queued: every job was answered */
	kansa_checkpointer__stop(s->checkpointer); /* no worker wakes it any more */
	s->listener = NULL;
	if (s->http)
		evhttp_free(s->http); /* closes the listener and the idle connections */
	for (int i = 0; i < 3; i++)
		if (s->sig[i])
			event_free(s->sig[i]);
	if (s->base)
		event_base_free(s->base);
	SSL_CTX_free(s->ctx);
}

static int serve(server *s)
{
	int error;

	signal(SIGPIPE, SIG_IGN); /* a client that goes away is an error of that write, not of the process */
	if ((error = start(s)) == 0) {
		if (event_base_dispatch(s->base) < 0)
			error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "the event loop failed");
	}
	stop(s);
	return error;
}

int kansa_witness_serve(kansa_witness *w, const kansa_serve_options *opt)
{
	kansa_serve_options o;
	server s;

	if (w == NULL || opt == NULL || opt->cert == NULL || opt->key == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "kansa witness serve needs the witness, --cert and --key");
	o = *opt;
	o.client_ca = NULL; /* no client certificates: tls.c asks for none */
	memset(&s, 0, sizeof(s));
	s.witness = w;
	s.opt = &o;
	s.max_connections = opt->max_connections ? opt->max_connections : 256;
	return serve(&s);
}

int kansa_serve(kansa_ledger *lg, const kansa_serve_options *opt)
{
	server s;
	int error;

	if (lg == NULL || opt == NULL || opt->cert == NULL || opt->key == NULL || opt->client_ca == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "kansa serve needs the ledger, --cert, --key and --client-ca");
	if (kansa_ledger_is_readonly(lg))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "kansa serve needs a writable ledger");
	if ((error = kansa_checkpointer__options(opt)) < 0)
		return error;
	memset(&s, 0, sizeof(s));
	s.lg = lg;
	s.opt = opt;
	s.metrics.checkpointer = opt->checkpoint_every || opt->checkpoint_interval;
	s.metrics.witness_urls = opt->witness_urls;
	s.metrics.n_witnesses = opt->n_witness_urls;
	s.max_connections = opt->max_connections ? opt->max_connections : 256;
	return serve(&s);
}
