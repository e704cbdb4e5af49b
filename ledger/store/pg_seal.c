/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL engine's row encryption (design §13): entry bodies,
 * documents, meta values and the warrant ids of the uses and revocations
 * tables are sealed with AES-256-GCM (keys/aead.c) under the key derived at
 * open, each under associated data that names its place, so a sealed value
 * moved to another row, or a row whose clear columns (seq, time, kind,
 * hash) were changed, fails to open (KANSA_EVERIFY). The index column of a
 * warrant id is its HMAC-SHA256 under the second derived key: the database
 * can find a warrant's row without learning the warrant id.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/store/pg_impl.h"

static const uint8_t *aead_key(const kansa_secret *keys)
{
	return kansa_secret_data(keys);
}

static const uint8_t *mac_key(const kansa_secret *keys)
{
	return kansa_secret_data(keys) + KANSA_AEAD_KEY_LEN;
}

int kansa_pg__seal(uint8_t **out, size_t *out_len, const kansa_secret *keys,
    const uint8_t *ad, size_t ad_len, const uint8_t *pt, size_t len)
{
	size_t size = len + KANSA_AEAD_OVERHEAD;
	uint8_t *buf;
	int error;

	*out = NULL;
	*out_len = 0;
	if (len > KANSA_MAX_ENTRY_BYTES + (size_t)KANSA_MAX_DOC_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "ledger: value too big");
	if ((buf = malloc(size)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((error = kansa_aead_seal(buf, size, out_len, aead_key(keys), ad, ad_len, pt, len)) < 0) {
		free(buf);
		return error;
	}
	*out = buf;
	return 0;
}

int kansa_pg__open_sealed(uint8_t **out, size_t *out_len, const kansa_secret *keys,
    const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t in_len)
{
	uint8_t *buf;
	size_t size = in_len >= KANSA_AEAD_OVERHEAD ? in_len - KANSA_AEAD_OVERHEAD : 0;
	int error;

	*out = NULL;
	*out_len = 0;
	if ((buf = malloc(size + 1)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((error = kansa_aead_open(buf, size, out_len, aead_key(keys), ad, ad_len, in, in_len)) < 0) {
		free(buf);
		return error;
	}
	buf[*out_len] = 0;
	*out = buf;
	return 0;
}

static size_t put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
	return 8;
}

size_t kansa_pg__ad_entry(uint8_t ad[KANSA_PG_AD_MAX], uint64_t seq, int64_t time, int kind)
{
	size_t n = 0;

	memcpy(ad, "kansa.entry", 12); /* with its NUL: no label is a prefix of another */
	n += 12;
	n += put_u64(ad + n, seq);
	n += put_u64(ad + n, (uint64_t)time);
	n += put_u64(ad + n, (uint64_t)(int64_t)kind);
	return n;
}

size_t kansa_pg__ad_doc(uint8_t ad[KANSA_PG_AD_MAX], const uint8_t hash[KANSA_HASH_LEN], int kind)
{
	size_t n = 0;

	memcpy(ad, "kansa.doc", 10);
	n += 10;
	memcpy(ad + n, hash, KANSA_HASH_LEN);
	n += KANSA_HASH_LEN;
	n += put_u64(ad + n, (uint64_t)(int64_t)kind);
	return n;
}

int kansa_pg__ad_meta(uint8_t **ad, size_t *ad_len, const char *key)
{
	size_t klen = strlen(key);

	if ((*ad = malloc(klen + 11)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	memcpy(*ad, "kansa.meta", 11);
	memcpy(*ad + 11, key, klen);
	*ad_len = klen + 11;
	return 0;
}

size_t kansa_pg__ad_cti(uint8_t ad[KANSA_PG_AD_MAX], const uint8_t mac[KANSA_HASH_LEN])
{
	memcpy(ad, "kansa.cti", 10);
	memcpy(ad + 10, mac, KANSA_HASH_LEN);
	return 10 + KANSA_HASH_LEN;
}

size_t kansa_pg__ad_entry_cti(uint8_t ad[KANSA_PG_AD_MAX], uint64_t seq)
{
	memcpy(ad, "kansa.entry.cti", 16);
	return 16 + put_u64(ad + 16, seq);
}

int kansa_pg__cti_mac(uint8_t mac[KANSA_HASH_LEN], const kansa_secret *keys,
    const uint8_t cti[KANSA_STORE_CTI_LEN])
{
	return kansa_hmac_sha256(mac, mac_key(keys), KANSA_AEAD_KEY_LEN, cti, KANSA_STORE_CTI_LEN);
}
