/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A receipt (what the ledger returns for an entry it recorded) for people
 * and as JSON: printed by check and by ledger policy, revoke and ratify.
 * The JSON carries the signed receipt as base64 ("receipt", design §9).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void cli_receipt_print(const kansa_receipt *r, const char *what)
{
	char hex[2 * KANSA_HASH_LEN + 1];

	kansa_hex_encode(hex, r->leaf_hash, KANSA_HASH_LEN);
	if (strcmp(what, "decision") == 0)
		printf("%s: %s (%s)\n", what, r->verdict == KANSA_ALLOW ? "allow" : "deny",
		    kansa_reason_name(r->reason));
	else
		printf("%s\n", what);
	if (r->detail[0])
		printf("detail:    %s\n", r->detail);
	printf("seq:       %llu\n", (unsigned long long)r->seq);
	printf("leaf hash: %s\n", hex);
	if (r->ratify_by) {
		char t[32];

		kansa_time_format(t, r->ratify_by);
		printf("ratify by: %s (emergency act: the commission must ratify it)\n", t);
	}
}

json_t *cli_receipt_json(const kansa_receipt *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "decision", json_string(r->verdict == KANSA_ALLOW ? "allow" : "deny"));
	json_object_set_new(o, "reason", json_string(kansa_reason_name(r->reason)));
	json_object_set_new(o, "detail", json_string(r->detail));
	json_object_set_new(o, "seq", json_integer((json_int_t)r->seq));
	json_object_set_new(o, "leaf_hash", cli_json_hex(r->leaf_hash, KANSA_HASH_LEN));
	cli_json_time(o, "time", r->time);
	if (r->ratify_by)
		cli_json_time(o, "ratify_by", r->ratify_by);
	json_object_set_new(o, "recorded", json_boolean(r->recorded));
	if (r->cose_len > 0) { /* the signed receipt (design §9), what the data holder checks */
		char b64[KANSA_RECEIPT_MAX_BASE64];

		if (kansa_receipt_to_base64(b64, r->cose, r->cose_len) == 0)
			json_object_set_new(o, "receipt", json_string(b64));
	}
	return o;
}

int cli_receipt_read(uint8_t **out, size_t *len, const char *path)
{
	uint8_t *in = NULL;
	size_t n = 0;
	int error;

	*out = NULL;
	*len = 0;
	if ((error = kansa_file_read(&in, &n, path, 2 * KANSA_PROVEN_RECEIPT_MAX_BYTES, 0)) < 0)
		return error;
	error = kansa_receipt_proof_decode(out, len, in, n);
	free(in);
	return error;
}
