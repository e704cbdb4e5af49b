/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL engine's row encryption (design §13): entry bodies,
 * documents, meta values and the warrant ids of the uses and revocations
 * tables are sealed with AES-256-GCM (keys/aead.c) under the key derived at
 * open, each under associated data that names its place, so a sealed value
 * moved to another row, or a row whose clear columns (seq, time, kind,
 * hash) were changed, fails to open (KANSA_EVERIFY). The index column of a
 * warrant id is its HMAC-SHA256 under the second derived key: the database
 * can find a warrant's row without learning the warrant id. The two keys
 * come from the key file's contents and the database's salt (HKDF-SHA256);
 * store_info's sealed check value tells a wrong key at open.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/store/pg_impl.h"

#define KEY_INFO "kansa postgresql store v1"
#define KEYCHECK "kansa ledger key check"
#define KEYCHECK_AD "store.key_check" /* the check value's associated data */

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

/* The key file's 32-byte input key: 64 hex digits decoded, or scrypt of a passphrase. */
static int input_key(uint8_t ikm[KANSA_HASH_LEN], const kansa_secret *key,
    const uint8_t salt[KANSA_PG_SALT_LEN])
{
	char hex[2 * KANSA_HASH_LEN + 1];
	bool raw = kansa_secret_len(key) == 2 * KANSA_HASH_LEN;

	if (raw) {
		memcpy(hex, kansa_secret_data(key), 2 * KANSA_HASH_LEN);
		hex[2 * KANSA_HASH_LEN] = '\0';
		raw = kansa_hex_decode(ikm, KANSA_HASH_LEN, hex) == 0;
		kansa_wipe(hex, sizeof(hex));
	}
	if (!raw)
		return kansa_kdf_scrypt(ikm, KANSA_HASH_LEN, key, salt, KANSA_PG_SALT_LEN,
		    KANSA_STORE_SCRYPT_N, KANSA_STORE_SCRYPT_R, KANSA_STORE_SCRYPT_P);
	return 0;
}

int kansa_pg__derive_keys(kansa_secret **out, const kansa_secret *key,
    const uint8_t salt[KANSA_PG_SALT_LEN])
{
	uint8_t ikm[KANSA_HASH_LEN], keys[KANSA_PG_KEYS_LEN];
	int error;

	*out = NULL;
	if ((error = input_key(ikm, key, salt)) == 0 &&
	    (error = kansa_hkdf_sha256(keys, sizeof(keys), ikm, sizeof(ikm), salt,
	    KANSA_PG_SALT_LEN, KEY_INFO)) == 0)
		error = kansa_secret_from(out, keys, sizeof(keys));
	kansa_wipe(ikm, sizeof(ikm));
	kansa_wipe(keys, sizeof(keys));
	return error;
}

int kansa_pg__seal_check(uint8_t **out, size_t *out_len, const kansa_secret *keys)
{
	return kansa_pg__seal(out, out_len, keys, (const uint8_t *)KEYCHECK_AD, strlen(KEYCHECK_AD),
	    (const uint8_t *)KEYCHECK, strlen(KEYCHECK));
}

bool kansa_pg__check_opens(const kansa_secret *keys, const uint8_t *sealed, size_t len)
{
	uint8_t *plain = NULL;
	size_t plain_len = 0;
	bool ok = kansa_pg__open_sealed(&plain, &plain_len, keys, (const uint8_t *)KEYCHECK_AD,
	    strlen(KEYCHECK_AD), sealed, len) == 0 && plain_len == strlen(KEYCHECK) &&
	    kansa_ct_equal(plain, KEYCHECK, plain_len);

	free(plain);
	return ok;
}
