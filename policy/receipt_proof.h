/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proven receipts (design §9): a receipt (policy/receipt.h) that carries,
 * in its unprotected header, an RFC 9942 COSE Receipt of its entry's
 * inclusion in the log's RFC 9162 tree and the signed checkpoint of that
 * tree. The receipt's own signature covers only its protected header and
 * payload, so adding these leaves it valid, and removing them gives back
 * exactly the receipt kansa check returned.
 *
 *   18([ protected, {394: [bstr .cbor cose_receipt], "kansa-checkpoint": tstr note},
 *        payload, signature ])      (the receipt's own four items otherwise)
 *
 *   cose_receipt = 18([ bstr .cbor {1: -8, 4: kid, 395: 1},
 *                       {396: {-1: [bstr .cbor [tree_size, leaf_index, [* bstr]]]}},
 *                       null, signature ])
 *
 * Labels: 394 "receipts" (RFC 9942 §2, the header of the signed statement
 * that carries COSE Receipts), 395 "vds" (verifiable data structure, 1 =
 * RFC9162_SHA256), 396 "vdp" (verifiable data structure proofs, -1 =
 * inclusion proofs). The COSE Receipt's payload is detached: it is the
 * tree's root recomputed from the receipt's leaf hash and the audit path,
 * and its Sig_structure is ["Signature1", protected, h'', root]. The
 * checkpoint note under the text label "kansa-checkpoint" is the C2SP
 * tlog-checkpoint of that tree, signed by the log and cosigned by the
 * witnesses kansa knows of. Everything is canonical CBOR; this file encodes
 * and parses and verifies nothing (ledger/receipt_proof.c does).
 */
#ifndef KANSA_POLICY_RECEIPT_PROOF_H
#define KANSA_POLICY_RECEIPT_PROOF_H

#include "common/common.h"

#define KANSA_COSE_LABEL_RECEIPTS 394
#define KANSA_COSE_LABEL_VDS 395
#define KANSA_COSE_LABEL_VDP 396
#define KANSA_VDS_RFC9162_SHA256 1
#define KANSA_VDP_INCLUSION (-1)
#define KANSA_RECEIPT_LABEL_CHECKPOINT "kansa-checkpoint"
/* the longest audit path: one hash per level of a 64-bit tree */
#define KANSA_RECEIPT_MAX_PATH 64

/* A proven receipt taken apart (syntax only). */
typedef struct {
	uint8_t *receipt;        /* the receipt with an empty unprotected header (malloc'd) */
	size_t receipt_len;
	char *checkpoint;        /* the checkpoint note (malloc'd, NUL-terminated) */
	size_t checkpoint_len;
	uint8_t *protected_hdr;  /* the COSE Receipt's protected header bytes (malloc'd) */
	size_t protected_len;
	uint8_t kid[KANSA_KID_LEN];
	uint64_t size;           /* tree_size */
	uint64_t index;          /* leaf_index */
	uint8_t path[KANSA_RECEIPT_MAX_PATH][KANSA_HASH_LEN];
	size_t path_len;
	uint8_t sig[KANSA_SIG_LEN];
} kansa_receipt_proof_parts;

void kansa_receipt__proof_dispose(kansa_receipt_proof_parts *p);

/* The COSE Receipt's protected header {1: -8, 4: @p kid, 395: 1} into
 * *out (malloc'd). */
int kansa_receipt__inclusion_protected(uint8_t **out, size_t *len_out, const uint8_t kid[KANSA_KID_LEN]);

/* Its Sig_structure ["Signature1", prot, h'', root] into *out (malloc'd). */
int kansa_receipt__inclusion_tbs(uint8_t **out, size_t *len_out, const uint8_t *prot, size_t prot_len,
    const uint8_t root[KANSA_HASH_LEN]);

/*
 * The proven receipt into *out (malloc'd): @p receipt (a receipt with an
 * empty unprotected header) with the COSE Receipt made of @p p's
 * protected_hdr, size, index, path and sig, and @p p's checkpoint. Returns
 * 0, KANSA_EFORMAT (not a receipt), KANSA_ELIMIT (over
 * KANSA_PROVEN_RECEIPT_MAX_BYTES), KANSA_ENOMEM.
 */
int kansa_receipt__proof_assemble(uint8_t **out, size_t *len_out, const uint8_t *receipt,
    size_t receipt_len, const kansa_receipt_proof_parts *p);

/*
 * Take a proven receipt apart strictly: the receipt's four items, an
 * unprotected header of exactly the two labels above, one COSE Receipt of
 * exactly the shape above, a note of text. *has_proof is false (and 0
 * returned, out->receipt a copy) for a receipt with an empty unprotected
 * header. Returns 0, KANSA_EFORMAT, KANSA_ELIMIT, KANSA_ENOMEM; on error
 * @p out is disposed.
 */
int kansa_receipt__proof_parse(kansa_receipt_proof_parts *out, bool *has_proof, const uint8_t *in,
    size_t len);

#endif
