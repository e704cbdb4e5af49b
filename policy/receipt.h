/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Receipts (design §9): the COSE_Sign1 (RFC 9052 §4.2, CBOR tag 18) that
 * kansa signs with the ledger's log key for every entry it records:
 *
 *   18([ protected: bstr .cbor {1: -8, 3: "application/kansa-receipt+cbor", 4: kid},
 *        unprotected: {},
 *        payload: bstr .cbor { "log", "seq", "leaf", "time", "decision", "reason",
 *                              "request", "warrant", "action", "requester",
 *                              "officer", "not_after" },
 *        signature: bstr (64 bytes, Ed25519 over the Sig_structure) ])
 *
 *   Sig_structure = ["Signature1", protected, external_aad = h'', payload]
 *
 * Every byte is canonical CBOR (design §3). "warrant" is the 16-byte cti or
 * null; "action", "requester" and "officer" are text or null (an unreadable
 * request, a commission entry). This file encodes and parses; it signs and
 * verifies nothing (ledger/receipt.c does, with the log key).
 */
#ifndef KANSA_POLICY_RECEIPT_H
#define KANSA_POLICY_RECEIPT_H

#include "common/common.h"

#define KANSA_RECEIPT_CONTENT_TYPE "application/kansa-receipt+cbor"
#define KANSA_COSE_SIGN1_TAG 18

/* The to-be-signed bytes of a receipt with payload @p info signed by @p kid:
 * the payload is encoded canonically; *protected_out and *payload_out are
 * what the message will carry; *tbs_out is the Sig_structure. All three
 * malloc'd, owned by the caller (free them even on error). */
typedef struct {
	uint8_t *protected_hdr; /* canonical {1: -8, 3: ..., 4: kid} */
	size_t protected_len;
	uint8_t *payload;       /* canonical payload map */
	size_t payload_len;
	uint8_t *tbs;           /* the Sig_structure */
	size_t tbs_len;
} kansa_receipt_parts;

void kansa_receipt__parts_dispose(kansa_receipt_parts *p);

/* Encode @p info (its kid included) into @p out's protected header, payload
 * and Sig_structure. Returns 0, KANSA_EINVAL (a text too long or a bad
 * verdict), KANSA_ENOMEM. */
int kansa_receipt__encode(kansa_receipt_parts *out, const kansa_receipt_info *info);

/* The whole COSE_Sign1 into out[0..cap): *len_out its length. Returns 0 or
 * KANSA_ELIMIT (does not fit), KANSA_ENOMEM. */
int kansa_receipt__assemble(uint8_t *out, size_t cap, size_t *len_out, const kansa_receipt_parts *p,
    const uint8_t sig[KANSA_SIG_LEN]);

/* Parse strictly (kansa_receipt_parse()), also giving the Sig_structure
 * recomputed from the bytes (in @p parts, tbs only: free with
 * kansa_receipt__parts_dispose) and the signature. */
int kansa_receipt__parse(kansa_receipt_info *out, kansa_receipt_parts *parts,
    uint8_t sig_out[KANSA_SIG_LEN], const uint8_t *in, size_t len);

#endif
