/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The proof routes of kansa serve (design §10): GET /v1/proof/inclusion
 * and /v1/proof/consistency, read-only, answered with the JSON of `kansa
 * ledger proof --json` (the proof text of docs/formats.md, the size and the
 * roots in hex), so that an auditor checks them with the same tools. The
 * query was parsed on the event loop (server.c); a number the ledger
 * cannot prove is 400. GET /v1/receipt/SEQ gives the receipt of an entry
 * again (kansa_ledger_receipt), proven when a checkpoint covers it.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/json.h"
#include "service/service.h"

void kansa_route__proof(kansa_response *out, int route, kansa_ledger *lg, uint64_t a, uint64_t size)
{
	bool inclusion = route == KANSA_ROUTE_PROOF_INCLUSION;
	kansa_merkle_proof p;
	uint8_t first[KANSA_HASH_LEN], root[KANSA_HASH_LEN];
	char *text = NULL;
	size_t len = 0;
	json_t *j;
	int error;

	memset(out, 0, sizeof(*out));
	error = inclusion ? kansa_ledger_prove_inclusion(&p, first, root, lg, a, size)
	    : kansa_ledger_prove_consistency(&p, first, root, lg, a, size);
	if (error == 0)
		error = kansa_merkle_proof_format(&text, &len, &p);
	if (error < 0) {
		/* REQ: SERVICE-PROOF-400 a proof the ledger cannot give for these numbers is 400 */
		kansa_route__error(out, error == KANSA_EINVAL ? 400 : 503, kansa_error_name(error),
		    kansa_error_last()->code == error ? kansa_error_last()->message : kansa_strerror(error));
		return;
	}
	j = json_pack("{s:b, s:s%, s:I, s:o, s:s}", "ok", 1, "proof", text, len, "size", (json_int_t)p.size,
	    "root", kansa_json_out__hex(root, KANSA_HASH_LEN), "schema", "kansa.ledger.proof/1");
	if (j != NULL && inclusion) {
		json_object_set_new(j, "seq", json_integer((json_int_t)p.index));
		json_object_set_new(j, "leaf_hash", kansa_json_out__hex(first, KANSA_HASH_LEN));
	} else if (j != NULL) {
		json_object_set_new(j, "old_size", json_integer((json_int_t)p.old_size));
		json_object_set_new(j, "old_root", kansa_json_out__hex(first, KANSA_HASH_LEN));
	}
	free(text);
	kansa_route__json(out, 200, j);
}

/* The receipt of entry @p seq again (kansa_ledger_receipt), proven against
 * the latest checkpoint when one covers the entry. Before one does, the
 * plain receipt is answered, marked so: it is the same signed statement,
 * and the client proves it later (GET it again, or 'kansa receipt prove'). */
void kansa_route__receipt(kansa_response *out, kansa_ledger *lg, uint64_t seq)
{
	uint8_t *receipt = NULL, *proven = NULL;
	size_t len = 0, proven_len = 0;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = kansa_ledger_receipt(&receipt, &len, lg, seq)) == 0) {
		error = kansa_ledger_prove_receipt(&proven, &proven_len, lg, receipt, len, NULL, 0);
		/* REQ: SERVICE-RECEIPT-PLAIN no checkpoint covers it yet: the plain receipt, marked */
		if (error == KANSA_ENOTFOUND) {
			out->proof = "none";
			proven = receipt;
			proven_len = len;
			receipt = NULL;
			error = 0;
		} else if (error == 0) {
			out->proof = "inclusion";
		}
	}
	free(receipt);
	if (error < 0) {
		/* REQ: SERVICE-RECEIPT-404 an entry the ledger does not have (or entry 0) is 404 */
		kansa_route__error(out, error == KANSA_ENOTFOUND ? 404 : error == KANSA_EVERIFY ? 422 : 503,
		    kansa_error_name(error),
		    kansa_error_last()->code == error ? kansa_error_last()->message : kansa_strerror(error));
		return;
	}
	out->status = 200;
	out->content_type = "application/cose";
	out->body = (char *)proven;
	out->len = proven_len;
}
