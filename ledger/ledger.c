/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger (design §6): ties the store, the entry format, the Merkle tree
 * and the policy in force together: init, open, close, the policy's chain,
 * and the accessors the ledger's other files use; kansa_check() is in
 * ledger/check.c.
 *
 * Every append builds its entry INSIDE the store's write transaction (the
 * store's callback), because the decision depends on the ledger state at that
 * moment: use counts, revocations, the policy in force, the previous entry's
 * hash and time. The store commits with synchronous=FULL before any caller
 * returns, so an allow is only ever returned for a durable entry; on any
 * error nothing of the batch remains and the caller gets the error (deny).
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
	uint64_t pv_batch;       /* the write batch that read pv_value (0: none); the batch */
	uint64_t pv_value;       /* leader's only, under the store's db_mu */
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
 * The version in force as @p s sees it. A build callback reads it once per
 * write batch: nothing but this batch's own policy entry (which forgets
 * it, build_policy) changes it while the batch holds the writers' lock.
 */
static int version_in_force(uint64_t *v, kansa_ledger *lg, kansa_store *s, bool in_batch)
{
	uint64_t batch = in_batch ? kansa_store__batch_no(s) : 0;
	int error;

	if (batch != 0 && lg->pv_batch == batch) {
		*v = lg->pv_value;
		return 0;
	}
	if ((error = meta_get_u64(v, s, "policy.version")) == 0 && batch != 0) {
		lg->pv_batch = batch;
		lg->pv_value = *v;
	}
	return error;
}

/*
 * The policy in force as @p s (a transaction, or the store) sees it, into
 * *out: borrowed, valid until close (replaced policies are retired, never
 * freed). Reloads when another process or thread activated a newer version.
 * REQ: LEDGER-LOCKS-1 the store is read without lg->lock, which is taken only
 * around the swap: the batch leader holds the store lock and then takes
 * lg->lock, so holding lg->lock into a store call would deadlock.
 */
static int policy_in_force(const kansa_policy **out, kansa_ledger *lg, kansa_store *s, bool in_batch)
{
	uint64_t v = 0;
	kansa_policy *p = NULL;
	int error = 0;

	*out = NULL;
	if ((error = version_in_force(&v, lg, s, in_batch)) < 0)
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

int kansa_ledger__current_policy(const kansa_policy **out, kansa_ledger *lg, kansa_store *s)
{
	return policy_in_force(out, lg, s, false);
}

int kansa_ledger__batch_policy(const kansa_policy **out, kansa_ledger *lg, kansa_store *s)
{
	return policy_in_force(out, lg, s, true);
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
	if (c->lg != NULL)
		c->lg->pv_batch = 0; /* the batch's next entries read the new version */
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
	error = kansa_store__meta_get_secret(&seed, lg->store, "log.seed");
	/* a lost connection or a lock is the environment's failure, not a damaged ledger */
	if (error == KANSA_EIO || error == KANSA_ELOCKED || error == KANSA_ENOMEM)
		goto out;
	if (error < 0 || kansa_secret_len(seed) != 32) {
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
	if ((error = kansa_ledger__current_policy(&cur, lg, lg->store)) < 0 ||
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

	if ((error = kansa_ledger__current_policy(&p, lg, s)) < 0)
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

	if ((error = kansa_ledger__current_policy(&p, lg, lg->store)) < 0)
		return error;
	*version = kansa_policy_version(p);
	snprintf(commission, size, "%s", kansa_policy_commission(p));
	return 0;
}

int kansa_ledger_witnesses(char **vkeys_out, size_t *quorum_out, kansa_ledger *lg)
{
	kansa_buf b = KANSA_BUF_INIT(64 * 1024);
	const kansa_policy *p = NULL;
	int error;

	*vkeys_out = NULL;
	*quorum_out = 0;
	if ((error = kansa_ledger__current_policy(&p, lg, lg->store)) < 0)
		return error;
	for (size_t i = 0; i < kansa_policy_witness_count(p) && error == 0; i++)
		error = kansa_buf_printf(&b, "%s\n", kansa_policy_witness_vkey(p, i));
	if (error == 0 && (*vkeys_out = kansa_buf_detach_str(&b, NULL)) == NULL)
		error = KANSA_ENOMEM;
	if (error == 0)
		*quorum_out = kansa_policy_witness_quorum(p);
	kansa_buf_dispose(&b);
	return error;
}

/* ---- accessors for the ledger's other files (ledger_impl.h) -------------- */

int kansa_ledger_get_batch_sizes(uint64_t *counts, size_t n, uint64_t *sum_out, kansa_ledger *lg)
{
	if (lg == NULL || (counts == NULL && n > 0))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "batch sizes: missing argument");
	kansa_store__batches(lg->store, counts, n, sum_out);
	return 0;
}

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

const kansa_policy *kansa_ledger__policy_in_force(kansa_ledger *lg)
{
	const kansa_policy *p;

	pthread_mutex_lock(&lg->lock);
	p = lg->policy;
	pthread_mutex_unlock(&lg->lock);
	return p;
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
