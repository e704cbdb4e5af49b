/* SPDX-License-Identifier: Apache-2.0 */
/*
 * COSE_Sign (RFC 9052 §4.1, CBOR tag 98) as kansa uses it (design §3):
 *
 *   98([ protected: bstr .cbor {3: "application/kansa-<kind>+cbor"},
 *        unprotected: {},
 *        payload: bstr (canonical CBOR of the document),
 *        signatures: [ [ bstr .cbor {1: -8}, {4: kid (8-byte bstr)}, sig (64-byte bstr) ], ... ] ])
 *
 * Each signature is Ed25519 over the Sig_structure of RFC 9052 §4.4:
 *   ["Signature", body_protected (bstr), sign_protected (bstr), external_aad = h'', payload (bstr)]
 * encoded canonically. Only alg EdDSA (-8) is accepted; any other alg, any
 * unknown or critical header, a missing kid, a kid that is not 8 bytes, a
 * signature that is not 64 bytes, or a non-canonical encoding anywhere is
 * KANSA_EFORMAT with a message naming what ("cose: signatures[1]: alg -7
 * is not EdDSA (-8)").
 *
 * A parsed document copies everything it keeps, so the input may be freed
 * at once. The payload accessor is named _unverified: verify first.
 */
#ifndef KANSA_POLICY_COSE_H
#define KANSA_POLICY_COSE_H

#include "common/common.h"

#define KANSA_COSE_TAG 98
#define KANSA_COSE_ALG_EDDSA (-8)

typedef struct kansa_cose_sign kansa_cose_sign;

typedef struct {
	uint8_t kid[KANSA_KID_LEN]; /* from the signature's unprotected header {4: kid} */
	uint8_t sig[KANSA_SIG_LEN]; /* Ed25519 signature */
} kansa_cose_signature;

/* Parse (strictly; see above). At most KANSA_MAX_SIGNATURES signatures. */
int kansa_cose__parse(kansa_cose_sign **out, const uint8_t *in, size_t len);
void kansa_cose__free(kansa_cose_sign *c);

/* The body's content type ("application/kansa-warrant+cbor"); borrowed. */
const char *kansa_cose__content_type(const kansa_cose_sign *c);

/* The payload bytes before any signature check; borrowed. */
const uint8_t *kansa_cose__payload_unverified(const kansa_cose_sign *c, size_t *len_out);

size_t kansa_cose__signature_count(const kansa_cose_sign *c);
/* Borrowed; i < signature_count. */
const kansa_cose_signature *kansa_cose__signature(const kansa_cose_sign *c, size_t i);

/* Verify signature i with key: the kid must match the key's kid (checked in
 * constant time before any crypto), then Ed25519 over the Sig_structure.
 * Returns 0 or KANSA_EVERIFY. */
int kansa_cose__verify_signature(const kansa_cose_sign *c, size_t i, const kansa_key *key);

/* Build a draft (no signatures) around a canonical CBOR payload. */
int kansa_cose__build(uint8_t **out, size_t *out_len, const char *content_type,
    const uint8_t *payload, size_t payload_len);

/* Append one signature by key (a private key) to the parsed document c,
 * whose bytes have the SHA-256 @p hash, leaving every existing signature
 * byte-for-byte as it was: the new bytes are c's bytes with one more
 * signature. If key's kid already signed, *already is set, *out is a copy
 * of c's bytes, and 0 is returned. */
int kansa_cose__add_signature(uint8_t **out, size_t *out_len, bool *already,
    const kansa_cose_sign *c, const uint8_t hash[KANSA_HASH_LEN], const kansa_key *key);

/* Remove every signature by @p kid from the parsed document c (whose bytes
 * have the SHA-256 @p hash), leaving the others byte for byte; *removed is
 * how many went. KANSA_ENOTFOUND when none carries that kid. */
int kansa_cose__remove_signatures(uint8_t **out, size_t *out_len, size_t *removed,
    const kansa_cose_sign *c, const uint8_t hash[KANSA_HASH_LEN], const uint8_t kid[KANSA_KID_LEN]);

/* The canonical Sig_structure bytes for signature i (for tests and tools). */
int kansa_cose__sig_structure(uint8_t **out, size_t *out_len, const kansa_cose_sign *c, size_t i);

/* The canonical Sig_structure of RFC 9052 §4.4 from its parts, for any
 * COSE_Sign signer (used by kansa_cose__sig_structure, and by tests against
 * upstream vectors whose headers the kansa profile refuses). *out is
 * malloc'd. Returns 0, KANSA_ENOMEM or KANSA_ELIMIT. */
int kansa_cose__sig_structure_raw(uint8_t **out, size_t *out_len,
    const uint8_t *body_protected, size_t body_protected_len,
    const uint8_t *sign_protected, size_t sign_protected_len,
    const uint8_t *external_aad, size_t external_aad_len,
    const uint8_t *payload, size_t payload_len);

#endif
