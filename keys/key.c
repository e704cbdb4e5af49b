/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ed25519 keys: generation, PKCS#8 / SubjectPublicKeyInfo PEM in and out,
 * key ids, signing and verification, all through OpenSSL's EVP. Encrypted
 * private keys use PBES2 with scrypt (N=2^14, r=8, p=1) and AES-256-CBC, as
 * `openssl pkcs8 -topk8 -scrypt` writes them, so `openssl pkey` reads them.
 * Unencrypted private PEM text only ever exists in OpenSSL's secure heap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "keys/keys.h"

#define SCRYPT_N 16384
#define SCRYPT_R 8
#define SCRYPT_P 1
#define KEY_NAME_MAX 64

struct kansa_key {
	EVP_PKEY *pkey;                /* owned; an Ed25519 key */
	bool priv;                     /* holds the private part */
	uint8_t pub[KANSA_PUBKEY_LEN]; /* raw public key, cached */
	char name[KEY_NAME_MAX + 1];   /* member name from "kansa-name:", or "" */
};

#define NAME_TAG "kansa-name: "

static bool name_is_valid(const char *name, size_t len)
{
	if (len == 0 || len > KEY_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-' || c == '@'))
			return false;
	}
	return true;
}

int kansa_key_set_name(kansa_key *key, const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (!name_is_valid(name, len))
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
		    "invalid key name: use 1 to %d characters from A-Z a-z 0-9 . _ - @", KEY_NAME_MAX);
	memcpy(key->name, name, len + 1);
	return 0;
}

const char *kansa_key_name(const kansa_key *key)
{
	return key->name;
}

/* Pick up a "kansa-name: NAME" line that precedes the PEM block. */
static void parse_name(kansa_key *key, const char *pem, size_t len)
{
	const char *end = pem + len, *p = pem;

	while (p < end && strncmp(p, "-----BEGIN", (size_t)(end - p) < 10 ? (size_t)(end - p) : 10) != 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t tag = sizeof(NAME_TAG) - 1;
		if ((size_t)(eol - p) > tag && strncmp(p, NAME_TAG, tag) == 0 &&
		    name_is_valid(p + tag, (size_t)(eol - p) - tag)) {
			memcpy(key->name, p + tag, (size_t)(eol - p) - tag);
			key->name[(size_t)(eol - p) - tag] = '\0';
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/*
 * The y coordinates of the eight points of order 1, 2, 4 and 8 on edwards25519 (RFC 8032 §5.1), little-endian with the sign bit
 * clear: with the sign bit either way these are the canonical encodings of
 * all eight, plus the two invalid "negative zero" encodings of the identity
 * and of (0, -1). The same list as libsodium's small-order blocklist.
 */
static const uint8_t small_order_y[5][KANSA_PUBKEY_LEN] = {
	/* y = 0: (+-sqrt(-1), 0), the two points of order 4 */
	{ 0 },
	/* y = 1: the identity (0, 1), order 1 */
	{ 0x01 },
	/* y = p - 1: (0, -1), order 2 */
	{ 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
	/* the two y of the four points of order 8 */
	{ 0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
	  0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05 },
	{ 0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
	  0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a },
};

/* p = 2^255 - 19, little-endian. */
static const uint8_t field_p[KANSA_PUBKEY_LEN] = {
	0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
};

int kansa_key__pub_check(const uint8_t pub[KANSA_PUBKEY_LEN])
{
	uint8_t y[KANSA_PUBKEY_LEN];
	int i;

	/* Public data: plain comparisons are fine here. */
	memcpy(y, pub, sizeof(y));
	y[31] &= 0x7f; /* the sign bit of x */
	/* REQ: KEY-PUB-CANONICAL y < p (RFC 8032 §5.1.3 step 1); this also
	 * refuses y + p, the other encodings of the points with y = 0 and 1 */
	for (i = KANSA_PUBKEY_LEN - 1; i > 0 && y[i] == field_p[i]; i--)
		;
	if (y[i] >= field_p[i])
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
		    "public key is not canonically encoded (y >= 2^255 - 19)");
	/* REQ: KEY-PUB-SMALL-ORDER a small-order key accepts signatures that
	 * nobody had to sign (R = identity, S = 0 verifies on any message) */
	for (size_t k = 0; k < sizeof(small_order_y) / sizeof(small_order_y[0]); k++)
		if (kansa_ct_equal(y, small_order_y[k], sizeof(y)))
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
			    "public key is a small-order point (it would accept forged signatures)");
	return 0;
}

static int key_wrap(kansa_key **out, EVP_PKEY *pkey, bool priv)
{
	int error;

	kansa_key *k;
	size_t len = KANSA_PUBKEY_LEN;

	*out = NULL;
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		const char *type = EVP_PKEY_get0_type_name(pkey);
		EVP_PKEY_free(pkey);
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
		    "not an Ed25519 key (found %s); kansa uses Ed25519 keys only: "
		    "make one with 'kansa keys generate'", type ? type : "another type");
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	if (EVP_PKEY_get_raw_public_key(pkey, k->pub, &len) != 1 || len != KANSA_PUBKEY_LEN) {
		EVP_PKEY_free(pkey);
		free(k);
		return kansa_error_openssl(KANSA_ERROR, "cannot read the public key");
	}
	/* Every key enters kansa here: PEM, raw public bytes, seed, generation. */
	if ((error = kansa_key__pub_check(k->pub)) < 0) {
		EVP_PKEY_free(pkey);
		OPENSSL_cleanse(k, sizeof(*k));
		free(k);
		return error;
	}
	k->pkey = pkey;
	k->priv = priv;
	*out = k;
	return 0;
}

int kansa_key_generate(kansa_key **out)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;

	*out = NULL;
	if ((ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pkey) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return kansa_error_openssl(KANSA_ERROR, "ed25519 key generation failed");
	}
	EVP_PKEY_CTX_free(ctx);
	return key_wrap(out, pkey, true);
}

int kansa_key_from_seed(kansa_key **out, const uint8_t seed[32])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);

	*out = NULL;
	if (pkey == NULL)
		return kansa_error_openssl(KANSA_EFORMAT, "not a valid ed25519 private key");
	return key_wrap(out, pkey, true);
}

int kansa_key_from_public(kansa_key **out, const uint8_t pub[KANSA_PUBKEY_LEN])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, KANSA_PUBKEY_LEN);

	*out = NULL;
	if (pkey == NULL)
		return kansa_error_openssl(KANSA_EFORMAT, "not a valid ed25519 public key");
	return key_wrap(out, pkey, false);
}

/* The label of the first PEM block, or NULL. */
static const char *pem_label(const char *pem, size_t len, size_t *label_len)
{
	static const char begin[] = "-----BEGIN ";
	const char *p = pem, *end = pem + len;

	for (; p + sizeof(begin) - 1 <= end; p++) {
		if (strncmp(p, begin, sizeof(begin) - 1) == 0) {
			const char *l = p + sizeof(begin) - 1, *q = l;
			while (q < end && *q != '-' && *q != '\n')
				q++;
			*label_len = (size_t)(q - l);
			return l;
		}
	}
	return NULL;
}

static bool label_is(const char *l, size_t n, const char *want)
{
	return n == strlen(want) && strncmp(l, want, n) == 0;
}

/*
 * The Ed25519 key of a PKCS#8 PrivateKeyInfo, taken from its bytes rather
 * than with EVP_PKCS82PKEY(): OpenSSL 3.0's decoder frees a heap copy of the
 * inner OCTET STRING (the seed) without wiping it, so the seed outlived the
 * key in freed memory (found by the core scan of tests/cli/secrets.sh).
 * RFC 8410 §7: algorithm id-Ed25519 without parameters; privateKey is an
 * OCTET STRING holding CurvePrivateKey, an OCTET STRING of 32 bytes.
 */
static int p8_ed25519(EVP_PKEY **out, const PKCS8_PRIV_KEY_INFO *p8inf)
{
	const ASN1_OBJECT *obj = NULL, *aobj = NULL;
	const X509_ALGOR *alg = NULL;
	const unsigned char *p = NULL;
	int plen = 0, ptype = V_ASN1_UNDEF, nid;

	*out = NULL;
	if (PKCS8_pkey_get0(&obj, &p, &plen, &alg, p8inf) != 1 || alg == NULL)
		return kansa_error_openssl(KANSA_EFORMAT, "malformed private key");
	X509_ALGOR_get0(&aobj, &ptype, NULL, alg);
	if ((nid = OBJ_obj2nid(obj)) != NID_ED25519)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
		    "not an Ed25519 key (found %s); kansa uses Ed25519 keys only: "
		    "make one with 'kansa keys generate'", nid != NID_undef ? OBJ_nid2sn(nid) : "another type");
	/* REQ: KEYS-PKCS8 04 20 <32-byte seed>, nothing else */
	if (ptype != V_ASN1_UNDEF || p == NULL || plen != 34 || p[0] != 0x04 || p[1] != 0x20)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
		    "malformed Ed25519 private key (RFC 8410)");
	if ((*out = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, p + 2, 32)) == NULL)
		return kansa_error_openssl(KANSA_EFORMAT, "not a valid ed25519 private key");
	return 0;
}

static int parse_private(kansa_key **out, BIO *bio, bool encrypted, const kansa_secret *pass)
{
	PKCS8_PRIV_KEY_INFO *p8inf = NULL;
	X509_SIG *p8 = NULL;
	EVP_PKEY *pkey = NULL;
	int error = 0;

	if (encrypted) {
		if ((p8 = PEM_read_bio_PKCS8(bio, NULL, NULL, NULL)) == NULL)
			return kansa_error_openssl(KANSA_EFORMAT,
			    "malformed encrypted private key (truncated or corrupt PEM)");
		if (pass == NULL) {
			error = kansa_error_set(KANSA_EKEY, KANSA_ERRCLASS_CRYPTO,
			    "the private key is encrypted and no passphrase was given");
			goto out;
		}
		p8inf = PKCS8_decrypt(p8, (const char *)kansa_secret_data(pass),
		    (int)kansa_secret_len(pass));
		if (p8inf == NULL) {
			error = kansa_error_openssl(KANSA_EKEY,
			    "wrong passphrase for the private key");
			goto out;
		}
	} else if ((p8inf = PEM_read_bio_PKCS8_PRIV_KEY_INFO(bio, NULL, NULL, NULL)) == NULL) {
		return kansa_error_openssl(KANSA_EFORMAT,
		    "malformed private key (truncated or corrupt PEM)");
	}
	if ((error = p8_ed25519(&pkey, p8inf)) < 0)
		goto out;
	error = key_wrap(out, pkey, true);
out:
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	X509_SIG_free(p8);
	return error;
}

int kansa_key_parse_pem(kansa_key **out, const char *pem, size_t len, const kansa_secret *pass)
{
	const char *label;
	size_t label_len = 0;
	BIO *bio;
	int error;

	*out = NULL;
	if (len > KANSA_MAX_PEM_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CRYPTO,
		    "key is larger than %d bytes", KANSA_MAX_PEM_BYTES);
	if ((label = pem_label(pem, len, &label_len)) == NULL)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
		    "not a PEM key: no '-----BEGIN' line");
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if (label_is(label, label_len, "ENCRYPTED PRIVATE KEY")) {
		error = parse_private(out, bio, true, pass);
	} else if (label_is(label, label_len, "PRIVATE KEY")) {
		error = parse_private(out, bio, false, NULL);
	} else if (label_is(label, label_len, "PUBLIC KEY")) {
		EVP_PKEY *pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		error = pkey ? key_wrap(out, pkey, false)
		    : kansa_error_openssl(KANSA_EFORMAT, "malformed public key (truncated or corrupt PEM)");
	} else {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
		    "unsupported PEM block '%.*s': expected PKCS#8 'PRIVATE KEY', "
		    "'ENCRYPTED PRIVATE KEY' or 'PUBLIC KEY'", (int)(label_len > 40 ? 40 : label_len), label);
	}
	BIO_free(bio);
	ERR_clear_error();
	if (error == 0)
		parse_name(*out, pem, len);
	return error;
}

int kansa_key_load(kansa_key **out, const char *path, const kansa_secret *pass)
{
	uint8_t *pem = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if ((error = kansa_file_read(&pem, &len, path, KANSA_MAX_PEM_BYTES, 0)) < 0)
		return error;
	if (strstr((char *)pem, "PRIVATE KEY") != NULL) {
		/* A private key readable by others is refused, as ssh does. */
		OPENSSL_cleanse(pem, len);
		free(pem);
		pem = NULL;
		if ((error = kansa_file_read(&pem, &len, path, KANSA_MAX_PEM_BYTES, KANSA_FILE_SECRET)) < 0)
			goto out;
	}
	if ((error = kansa_key_parse_pem(out, (char *)pem, len, pass)) < 0)
		kansa_error_prefix("%s", path);
out:
	if (pem) {
		OPENSSL_cleanse(pem, len);
		free(pem);
	}
	return error;
}

bool kansa_key_file_is_encrypted(const char *path)
{
	uint8_t *pem = NULL;
	size_t len = 0;
	bool enc;

	if (kansa_file_read(&pem, &len, path, KANSA_MAX_PEM_BYTES, 0) < 0)
		return false;
	enc = strstr((char *)pem, "-----BEGIN ENCRYPTED PRIVATE KEY") != NULL;
	OPENSSL_cleanse(pem, len);
	free(pem);
	return enc;
}

/* Write the key's PEM into a secure-heap BIO and hand it to kansa_file_write. */
static int save_bio(BIO *bio, const char *path, bool secret)
{
	char *data = NULL;
	long n = BIO_get_mem_data(bio, &data);

	if (n <= 0)
		return kansa_error_openssl(KANSA_ERROR, "cannot encode the key");
	return kansa_file_write(path, data, (size_t)n, secret ? 0600 : 0644,
	    secret ? KANSA_FILE_SECRET : 0);
}

int kansa_key_save_private(const kansa_key *key, const char *path, const kansa_secret *pass)
{
	PKCS8_PRIV_KEY_INFO *p8inf = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *p8 = NULL;
	BIO *bio = NULL;
	int error = 0;

	if (key == NULL || !key->priv)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CRYPTO, "not a private key");
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    (p8inf = EVP_PKEY2PKCS8(key->pkey)) == NULL ||
	    (key->name[0] && BIO_printf(bio, NAME_TAG "%s\n", key->name) <= 0)) {
		error = kansa_error_openssl(KANSA_ERROR, "cannot encode the private key");
		goto out;
	}
	if (pass == NULL) {
		if (PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio, p8inf) != 1) {
			error = kansa_error_openssl(KANSA_ERROR, "cannot encode the private key");
			goto out;
		}
	} else {
		if (kansa_secret_len(pass) == 0) {
			error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CRYPTO, "empty passphrase");
			goto out;
		}
		pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, 0, NULL,
		    SCRYPT_N, SCRYPT_R, SCRYPT_P);
		if (pbe == NULL) {
			error = kansa_error_openssl(KANSA_ERROR, "cannot set up scrypt encryption");
			goto out;
		}
		p8 = PKCS8_set0_pbe((const char *)kansa_secret_data(pass),
		    (int)kansa_secret_len(pass), p8inf, pbe);
		if (p8 == NULL) {
			error = kansa_error_openssl(KANSA_ERROR, "cannot encrypt the private key");
			goto out;
		}
		pbe = NULL; /* owned by p8 now */
		if (PEM_write_bio_PKCS8(bio, p8) != 1) {
			error = kansa_error_openssl(KANSA_ERROR, "cannot encode the private key");
			goto out;
		}
	}
	error = save_bio(bio, path, true);
out:
	X509_ALGOR_free(pbe);
	X509_SIG_free(p8);
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	BIO_free(bio); /* secmem BIO: cleansed on free */
	return error;
}

int kansa_key_public_pem(char **out, const kansa_key *key)
{
	BIO *bio;
	char *data = NULL;
	long n;
	int error = 0;

	*out = NULL;
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    (key->name[0] && BIO_printf(bio, NAME_TAG "%s\n", key->name) <= 0) ||
	    PEM_write_bio_PUBKEY(bio, key->pkey) != 1 ||
	    (n = BIO_get_mem_data(bio, &data)) <= 0) {
		error = kansa_error_openssl(KANSA_ERROR, "cannot encode the public key");
		goto out;
	}
	if ((*out = kansa_strndup(data, (size_t)n)) == NULL)
		error = KANSA_ENOMEM;
out:
	BIO_free(bio);
	return error;
}

int kansa_key_save_public(const kansa_key *key, const char *path)
{
	char *pem = NULL;
	int error;

	if ((error = kansa_key_public_pem(&pem, key)) < 0)
		return error;
	error = kansa_file_write(path, pem, strlen(pem), 0644, 0);
	free(pem);
	return error;
}

bool kansa_key_is_private(const kansa_key *key)
{
	return key != NULL && key->priv;
}

void kansa_key_public_raw(uint8_t out[KANSA_PUBKEY_LEN], const kansa_key *key)
{
	memcpy(out, key->pub, KANSA_PUBKEY_LEN);
}

void kansa_key_kid(uint8_t out[KANSA_KID_LEN], const kansa_key *key)
{
	uint8_t h[KANSA_HASH_LEN];

	/* REQ: KEY-KID first 8 bytes of SHA-256 over the raw public key (design §3) */
	if (kansa_sha256(h, key->pub, KANSA_PUBKEY_LEN) < 0)
		memset(h, 0, sizeof(h)); /* EVP_Digest of 32 bytes does not fail in practice */
	memcpy(out, h, KANSA_KID_LEN);
}

int kansa_key_sign(uint8_t out[KANSA_SIG_LEN], const kansa_key *key, const uint8_t *msg, size_t len)
{
	EVP_MD_CTX *md;
	size_t siglen = KANSA_SIG_LEN;
	int error = 0;

	if (key == NULL || !key->priv)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CRYPTO,
		    "signing needs a private key, not a public key");
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, NULL, NULL, key->pkey) != 1 ||
	    EVP_DigestSign(md, out, &siglen, msg, len) != 1 || siglen != KANSA_SIG_LEN)
		error = kansa_error_openssl(KANSA_ERROR, "ed25519 signing failed");
	EVP_MD_CTX_free(md);
	return error;
}

int kansa_key_verify(const kansa_key *key, const uint8_t *msg, size_t len,
    const uint8_t sig[KANSA_SIG_LEN])
{
	EVP_MD_CTX *md;
	int rc;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, key->pkey) != 1) {
		EVP_MD_CTX_free(md);
		return kansa_error_openssl(KANSA_ERROR, "ed25519 verify init failed");
	}
	rc = EVP_DigestVerify(md, sig, KANSA_SIG_LEN, msg, len);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	if (rc != 1)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_CRYPTO, "ed25519 signature does not verify");
	return 0;
}

void kansa_key_free(kansa_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey); /* OpenSSL cleanses the private key */
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}

int kansa_key__seed(kansa_secret **out, const kansa_key *key)
{
	uint8_t seed[32];
	size_t len = sizeof(seed);
	int error;

	*out = NULL;
	if (key == NULL || !key->priv)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CRYPTO, "not a private key");
	if (EVP_PKEY_get_raw_private_key(key->pkey, seed, &len) != 1 || len != sizeof(seed))
		return kansa_error_openssl(KANSA_ERROR, "cannot read the private key");
	error = kansa_secret_from(out, seed, sizeof(seed));
	OPENSSL_cleanse(seed, sizeof(seed));
	return error;
}
