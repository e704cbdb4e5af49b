/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verified-document cache: warrants whose signatures were verified
 * against a policy's members, keyed by (SHA-256 of the warrant's COSE bytes,
 * SHA-256 of the policy's COSE bytes). Verification is a pure function of
 * those two byte strings (policy/decide.h, kansa_decide__verify_warrant), so
 * a hit is exactly what a fresh verification would give; everything that
 * depends on time or ledger state (validity, revocation, uses) is decided
 * afresh inside the write transaction and is never cached.
 *
 * Bounded LRU: at most max_entries entries and max_bytes estimated bytes;
 * the least recently used entry goes first. Entries are refcounted: a
 * caller that got one keeps it valid until it releases it, even if the
 * entry is evicted or invalidated meanwhile (it is then freed on the last
 * release). All functions are thread-safe (one mutex; nothing slow runs
 * under it but freeing an evicted document).
 *
 * It must never hand out an entry for another key, nor free an entry that
 * a caller still holds.
 */
#ifndef KANSA_LEDGER_CACHE_H
#define KANSA_LEDGER_CACHE_H

#include "policy/decide.h"

#define KANSA_CACHE_MAX_ENTRIES 1024          /* default bound on entries */
#define KANSA_CACHE_MAX_BYTES (16u << 20)     /* default bound on estimated bytes: 16 MiB */
#define KANSA_CACHE_KEY_LEN (2 * KANSA_HASH_LEN) /* warrant hash || policy hash */

typedef struct kansa_cache kansa_cache;
typedef struct kansa_cache_entry kansa_cache_entry;

typedef struct {
	uint64_t hits;          /* get found the key */
	uint64_t misses;        /* get did not */
	uint64_t inserts;       /* put added an entry */
	uint64_t evictions;     /* entries dropped for the bounds */
	uint64_t invalidations; /* entries dropped by invalidate_* */
	size_t entries;         /* entries in the cache now */
	size_t bytes;           /* their estimated bytes */
} kansa_cache_stats;

/* A new, empty cache. max_entries >= 1, max_bytes >= 1. KANSA_ENOMEM, KANSA_EINVAL. */
int kansa_cache__new(kansa_cache **out, size_t max_entries, size_t max_bytes);

/* Free the cache and every entry. No entry may still be held. Accepts NULL. */
void kansa_cache__free(kansa_cache *c);

/* The entry for (warrant_hash, policy_hash), now the most recently used,
 * with a reference the caller must release; NULL on a miss. */
kansa_cache_entry *kansa_cache__get(kansa_cache *c, const uint8_t warrant_hash[KANSA_HASH_LEN],
    const uint8_t policy_hash[KANSA_HASH_LEN]);

/*
 * Add a verification result under (warrant_hash, policy_hash) and return it
 * referenced in *out. The cache takes *value (the caller's struct is
 * zeroed); @p cost is its estimated size in bytes. If the key is already
 * cached, *value is disposed and the cached entry is returned instead.
 * Least recently used entries that are over the bounds are evicted.
 * @return 0; KANSA_ELIMIT (cost alone exceeds max_bytes) or KANSA_ENOMEM, and
 * then *out is NULL and *value stays the caller's.
 */
int kansa_cache__put(kansa_cache_entry **out, kansa_cache *c,
    const uint8_t warrant_hash[KANSA_HASH_LEN], const uint8_t policy_hash[KANSA_HASH_LEN],
    kansa_warrant_check *value, size_t cost);

/* Give back a reference from get or put. Accepts NULL. */
void kansa_cache__release(kansa_cache *c, kansa_cache_entry *e);

/* The verification result; borrowed, valid while the reference is held. */
const kansa_warrant_check *kansa_cache_entry__value(const kansa_cache_entry *e);

/* Whether the warrant's bytes are known to be committed in the ledger (set
 * after a check that stored them committed), so later checks need not
 * insert the document again. */
bool kansa_cache_entry__is_stored(const kansa_cache_entry *e);
void kansa_cache_entry__mark_stored(kansa_cache_entry *e);

/* Drop every entry of warrant id @p cti (a revocation). Returns how many. */
size_t kansa_cache__invalidate_cti(kansa_cache *c, const uint8_t cti[16]);

/* Drop every entry verified against another policy than @p keep_policy_hash
 * (NULL: drop everything). Returns how many. */
size_t kansa_cache__invalidate_policy(kansa_cache *c, const uint8_t *keep_policy_hash);

/* Counters and sizes. */
void kansa_cache__stats(kansa_cache_stats *out, kansa_cache *c);

#endif
