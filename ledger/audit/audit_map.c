/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit's map from hashes and warrant ids to replay state (audit.h).
 * Linear probing over a power-of-two table kept at most half full; the slot
 * of a key comes from a universal hash with a random key (slot_of), so the
 * ledger's contents cannot pile keys into one run of slots.
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/audit/audit.h"

int kansa_audit_map__init(kansa_audit_map *m, size_t key_len)
{
	memset(m, 0, sizeof(*m));
	if (key_len == 0 || key_len > KANSA_HASH_LEN)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "audit map: bad key length");
	m->key_len = key_len;
	return kansa_random(m->seed, sizeof(m->seed));
}

/*
 * NH (the universal hash of UMAC) over the key's 32-bit words with the
 * map's random key, then a random odd multiplier: whoever wrote the ledger
 * does not know the seed, so cannot pile keys into one run of slots.
 */
static size_t slot_of(const kansa_audit_map *m, const uint8_t *key)
{
	uint32_t w[KANSA_HASH_LEN / 4] = { 0 }, k[KANSA_HASH_LEN / 4];
	uint64_t mul, h = 0;

	memcpy(w, key, m->key_len);
	memcpy(k, m->seed, sizeof(k));
	memcpy(&mul, m->seed + sizeof(k), sizeof(mul));
	for (size_t i = 0; i < KANSA_HASH_LEN / 4; i += 2)
		h += (uint64_t)(uint32_t)(w[i] + k[i]) * (uint64_t)(uint32_t)(w[i + 1] + k[i + 1]);
	h *= mul | 1;
	return (size_t)(h >> 32 ^ h) & (m->cap - 1);
}

static size_t find(const kansa_audit_map *m, const uint8_t *key, bool *found)
{
	size_t i = slot_of(m, key);

	*found = false;
	while (m->vals[i] != NULL) {
		if (kansa_ct_equal(m->keys + i * m->key_len, key, m->key_len)) {
			*found = true;
			break;
		}
		i = (i + 1) & (m->cap - 1);
	}
	return i;
}

void *kansa_audit_map__get(const kansa_audit_map *m, const uint8_t *key)
{
	bool found;
	size_t i;

	if (m->cap == 0)
		return NULL;
	i = find(m, key, &found);
	return found ? m->vals[i] : NULL;
}

static int grow(kansa_audit_map *m)
{
	kansa_audit_map bigger = *m;
	size_t cap = m->cap ? m->cap * 2 : 64;

	bigger.cap = cap;
	bigger.count = 0;
	bigger.keys = calloc(cap, m->key_len);
	bigger.vals = calloc(cap, sizeof(void *));
	if (bigger.keys == NULL || bigger.vals == NULL) {
		free(bigger.keys);
		free(bigger.vals);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	for (size_t i = 0; i < m->cap; i++) {
		bool found;
		size_t j;
		if (m->vals[i] == NULL)
			continue;
		j = find(&bigger, m->keys + i * m->key_len, &found);
		memcpy(bigger.keys + j * m->key_len, m->keys + i * m->key_len, m->key_len);
		bigger.vals[j] = m->vals[i];
		bigger.count++;
	}
	free(m->keys);
	free(m->vals);
	*m = bigger;
	return 0;
}

int kansa_audit_map__put(kansa_audit_map *m, const uint8_t *key, void *val)
{
	bool found;
	size_t i;
	int error;

	if (val == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "audit map: NULL value");
	if ((m->count + 1) * 2 > m->cap && (error = grow(m)) < 0)
		return error;
	i = find(m, key, &found);
	if (!found) {
		memcpy(m->keys + i * m->key_len, key, m->key_len);
		m->count++;
	}
	m->vals[i] = val;
	return 0;
}

void kansa_audit_map__each(const kansa_audit_map *m, void (*fn)(void *ctx, void *val), void *ctx)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->vals[i] != NULL)
			fn(ctx, m->vals[i]);
}

void kansa_audit_map__dispose(kansa_audit_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
