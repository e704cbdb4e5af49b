/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verified-document cache (ledger/cache.h): a hash table of chains over
 * the 64-byte key, and a doubly linked LRU list, both under one mutex.
 *
 * Reference counting: an entry in the table holds one reference for the
 * table; each get/put hands out one more. Unlinking (eviction,
 * invalidation) drops the table's reference; whoever drops the last one
 * frees the entry. So a caller's entry stays valid however the cache
 * changes meanwhile, and an entry is freed exactly once.
 *
 * Keys are SHA-256 outputs, so the bucket index can be taken from their
 * bytes; keys are still compared whole (constant time, as every hash).
 * This file must never return an entry with another key.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/cache.h"

struct kansa_cache_entry {
	uint8_t key[KANSA_CACHE_KEY_LEN];  /* warrant hash || policy hash */
	uint8_t cti[16];                   /* the warrant's id (zeros when it did not parse) */
	bool has_cti;                      /* cti is meaningful */
	kansa_warrant_check value;         /* owned: the verification result */
	size_t cost;                       /* estimated bytes, counted in c->bytes while linked */
	size_t refs;                       /* the table's (while linked) plus each holder's */
	bool linked;                       /* in the table and the LRU list */
	atomic_bool stored;                /* the warrant's bytes are committed in the ledger */
	kansa_cache_entry *lru_prev;       /* towards the most recently used */
	kansa_cache_entry *lru_next;       /* towards the least recently used */
	kansa_cache_entry *chain;          /* next entry in the same bucket */
};

struct kansa_cache {
	pthread_mutex_t mu;                /* guards everything below */
	kansa_cache_entry **buckets;       /* n_buckets chains */
	size_t n_buckets;                  /* a power of two, >= 2 * max_entries */
	kansa_cache_entry *mru;            /* head of the LRU list */
	kansa_cache_entry *lru;            /* tail: evicted first */
	size_t max_entries;                /* bound on entries */
	size_t max_bytes;                  /* bound on estimated bytes */
	kansa_cache_stats st;              /* counters; entries and bytes are live */
};

static size_t bucket_of(const kansa_cache *c, const uint8_t *key)
{
	uint64_t h = 0;

	/* bytes of both hashes, so entries of one warrant under several policies spread too */
	for (size_t i = 0; i < 8; i++)
		h = (h << 8) | (uint64_t)(key[i] ^ key[KANSA_HASH_LEN + i]);
	return (size_t)(h & (c->n_buckets - 1));
}

static void make_key(uint8_t key[KANSA_CACHE_KEY_LEN], const uint8_t *whash, const uint8_t *phash)
{
	memcpy(key, whash, KANSA_HASH_LEN);
	memcpy(key + KANSA_HASH_LEN, phash, KANSA_HASH_LEN);
}

int kansa_cache__new(kansa_cache **out, size_t max_entries, size_t max_bytes)
{
	kansa_cache *c;
	size_t n = 16;

	*out = NULL;
	if (max_entries == 0 || max_bytes == 0 || max_entries > ((size_t)1 << 24))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "cache: invalid bounds");
	while (n < 2 * max_entries)
		n <<= 1;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->buckets = calloc(n, sizeof(*c->buckets))) == NULL) {
		free(c);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	pthread_mutex_init(&c->mu, NULL);
	c->n_buckets = n;
	c->max_entries = max_entries;
	c->max_bytes = max_bytes;
	*out = c;
	return 0;
}

static void entry_free(kansa_cache_entry *e)
{
	kansa_warrant_check__dispose(&e->value);
	free(e);
}

/* Drop one reference; free on the last. Caller holds c->mu. */
static void unref(kansa_cache_entry *e)
{
	if (--e->refs == 0)
		entry_free(e);
}

static void lru_remove(kansa_cache *c, kansa_cache_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		c->mru = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		c->lru = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void lru_push(kansa_cache *c, kansa_cache_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = c->mru;
	if (c->mru)
		c->mru->lru_prev = e;
	c->mru = e;
	if (c->lru == NULL)
		c->lru = e;
}

/* Take @p e out of the table and the list and drop the table's reference. */
static void unlink_entry(kansa_cache *c, kansa_cache_entry *e)
{
	kansa_cache_entry **pp = &c->buckets[bucket_of(c, e->key)];

	while (*pp && *pp != e)
		pp = &(*pp)->chain;
	if (*pp)
		*pp = e->chain;
	e->chain = NULL;
	lru_remove(c, e);
	e->linked = false;
	c->st.entries--;
	c->st.bytes -= e->cost;
	unref(e);
}

static kansa_cache_entry *find(kansa_cache *c, const uint8_t *key)
{
	for (kansa_cache_entry *e = c->buckets[bucket_of(c, key)]; e; e = e->chain)
		if (kansa_ct_equal(e->key, key, KANSA_CACHE_KEY_LEN))
			return e;
	return NULL;
}

void kansa_cache__free(kansa_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	while (c->mru)
		unlink_entry(c, c->mru);
	pthread_mutex_unlock(&c->mu);
	pthread_mutex_destroy(&c->mu);
	free(c->buckets);
	free(c);
}

kansa_cache_entry *kansa_cache__get(kansa_cache *c, const uint8_t warrant_hash[KANSA_HASH_LEN],
    const uint8_t policy_hash[KANSA_HASH_LEN])
{
	uint8_t key[KANSA_CACHE_KEY_LEN];
	kansa_cache_entry *e;

	make_key(key, warrant_hash, policy_hash);
	pthread_mutex_lock(&c->mu);
	if ((e = find(c, key)) != NULL) {
		e->refs++;
		lru_remove(c, e);
		lru_push(c, e);
		c->st.hits++;
	} else {
		c->st.misses++;
	}
	pthread_mutex_unlock(&c->mu);
	return e;
}

int kansa_cache__put(kansa_cache_entry **out, kansa_cache *c,
    const uint8_t warrant_hash[KANSA_HASH_LEN], const uint8_t policy_hash[KANSA_HASH_LEN],
    kansa_warrant_check *value, size_t cost)
{
	kansa_cache_entry *e, *have;
	size_t b;

	*out = NULL;
	if (kansa_add_size(&cost, cost, sizeof(*e)) < 0 || cost > c->max_bytes)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
		    "cache: entry larger than the cache");
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	make_key(e->key, warrant_hash, policy_hash);
	e->cost = cost;
	e->value = *value;
	memset(value, 0, sizeof(*value));
	if (e->value.doc != NULL && e->value.doc->kind == KANSA_DOC_WARRANT) {
		memcpy(e->cti, e->value.doc->u.warrant.cti, sizeof(e->cti));
		e->has_cti = true;
	}

	pthread_mutex_lock(&c->mu);
	if ((have = find(c, e->key)) != NULL) {
		/* another thread verified the same warrant first: keep one copy */
		have->refs++;
		lru_remove(c, have);
		lru_push(c, have);
		pthread_mutex_unlock(&c->mu);
		entry_free(e);
		*out = have;
		return 0;
	}
	/* REQ: PERF-CACHE-1 bounded: evict least recently used entries first */
	while (c->lru && (c->st.entries + 1 > c->max_entries ||
	    kansa_add_size(&b, c->st.bytes, cost) < 0 || b > c->max_bytes)) {
		unlink_entry(c, c->lru);
		c->st.evictions++;
	}
	b = bucket_of(c, e->key);
	e->chain = c->buckets[b];
	c->buckets[b] = e;
	lru_push(c, e);
	e->linked = true;
	e->refs = 2; /* the table's and the caller's */
	c->st.entries++;
	c->st.bytes += cost;
	c->st.inserts++;
	pthread_mutex_unlock(&c->mu);
	*out = e;
	return 0;
}

void kansa_cache__release(kansa_cache *c, kansa_cache_entry *e)
{
	if (e == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	unref(e);
	pthread_mutex_unlock(&c->mu);
}

const kansa_warrant_check *kansa_cache_entry__value(const kansa_cache_entry *e)
{
	return &e->value;
}

bool kansa_cache_entry__is_stored(const kansa_cache_entry *e)
{
	return atomic_load(&e->stored);
}

void kansa_cache_entry__mark_stored(kansa_cache_entry *e)
{
	atomic_store(&e->stored, true);
}

size_t kansa_cache__invalidate_cti(kansa_cache *c, const uint8_t cti[16])
{
	kansa_cache_entry *e, *next;
	size_t n = 0;

	pthread_mutex_lock(&c->mu);
	for (e = c->mru; e; e = next) {
		next = e->lru_next;
		if (e->has_cti && kansa_ct_equal(e->cti, cti, sizeof(e->cti))) {
			unlink_entry(c, e);
			n++;
		}
	}
	c->st.invalidations += n;
	pthread_mutex_unlock(&c->mu);
	return n;
}

size_t kansa_cache__invalidate_policy(kansa_cache *c, const uint8_t *keep_policy_hash)
{
	kansa_cache_entry *e, *next;
	size_t n = 0;

	pthread_mutex_lock(&c->mu);
	for (e = c->mru; e; e = next) {
		next = e->lru_next;
		if (keep_policy_hash == NULL ||
		    !kansa_ct_equal(e->key + KANSA_HASH_LEN, keep_policy_hash, KANSA_HASH_LEN)) {
			unlink_entry(c, e);
			n++;
		}
	}
	c->st.invalidations += n;
	pthread_mutex_unlock(&c->mu);
	return n;
}

void kansa_cache__stats(kansa_cache_stats *out, kansa_cache *c)
{
	pthread_mutex_lock(&c->mu);
	*out = c->st;
	pthread_mutex_unlock(&c->mu);
}
