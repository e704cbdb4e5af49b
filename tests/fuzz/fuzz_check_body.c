/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the CBOR body of kansa serve's check
 * (policy/check_body.c). Input: any bytes, as a unit may send them. Must
 * never crash, leak or read out of bounds; a body that splits gives a
 * request that is canonical CBOR and a warrant no longer than the body,
 * and the CBOR answer of any receipt is itself canonical CBOR, read back
 * the same by the client's reader; the input read as an answer, CBOR or
 * JSON (service/client.c), is an allow only when whole, recorded and with a
 * receipt, and a deny on any error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cbor.h"
#include "policy/check_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *warrant = NULL, *request = NULL, *answer = NULL;
	size_t warrant_len = 0, request_len = 0, answer_len = 0;
	kansa_receipt r, back;
	int e;

	if (kansa_check_body__split(&warrant, &warrant_len, &request, &request_len, data, size) == 0) {
		if (request == NULL || kansa_cbor__validate(request, request_len) != 0 ||
		    request_len >= size || warrant_len >= size)
			abort();
	} else if (warrant != NULL || request != NULL) {
		abort(); /* nothing is handed back from a body that does not split */
	}
	free(warrant);
	free(request);
	/* the answer of a receipt whose fields come from the input */
	memset(&r, 0, sizeof(r));
	r.recorded = size > 0 && (data[0] & 1);
	r.verdict = size > 1 && (data[1] & 1) ? KANSA_ALLOW : KANSA_DENY;
	r.cose_len = size < sizeof(r.cose) ? size : sizeof(r.cose);
	memcpy(r.cose, data, r.cose_len);
	if (kansa_check_answer_cbor(&answer, &answer_len, &r, "npa-cyber-3", size > 2 && (data[2] & 1) ?
	    KANSA_EIO : 0, NULL) != 0 || kansa_cbor__validate(answer, answer_len) != 0)
		abort();
	e = kansa_check_answer_cbor_read(&back, answer, answer_len);
	if (e == 0 && (!r.recorded || back.verdict != r.verdict || back.cose_len != r.cose_len ||
	    memcmp(back.cose, r.cose, r.cose_len) != 0))
		abort(); /* read back other than written */
	free(answer);
	/* the input as the service's answer */
	e = kansa_check_answer_cbor_read(&back, data, size);
	if ((e != 0 && back.verdict != KANSA_DENY) || (e == 0 && (!back.recorded || back.cose_len == 0)))
		abort();
	e = kansa_check_answer_json_read(&back, (const char *)data, size);
	if ((e != 0 && back.verdict != KANSA_DENY) || (e == 0 && (!back.recorded || back.cose_len == 0)))
		abort();
	return 0;
}
