/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_check_cbor_as(): the service's check with a CBOR body (design §10).
 * A body of the right shape is decided as kansa_check_as() decides its
 * parts. Any other is still recorded (design §5 row 1): the body's bytes
 * are handed over as the request, which kansa_check() records as any CBOR
 * it cannot parse: deny malformed-request, the bytes kept, or by their
 * SHA-256 and size past KANSA_MAX_REQUEST_BYTES.
 *
 * This file must never answer a body it was handed without an entry,
 * unless nothing could be recorded (then the caller gets the error, deny).
 */
#include <stdlib.h>

#include "ledger/ledger_impl.h"
#include "policy/check_body.h"

int kansa_check_cbor_as(kansa_receipt *out, kansa_ledger *lg, const char *unit,
    const uint8_t *body, size_t len)
{
	uint8_t *warrant = NULL, *request = NULL;
	size_t warrant_len = 0, request_len = 0;
	int error;

	if (body == NULL) /* kansa_check answers a missing body */
		return kansa_check_as(out, lg, unit, NULL, 0, NULL, 0);
	error = kansa_check_body__split(&warrant, &warrant_len, &request, &request_len, body, len);
	if (error == 0) {
		error = kansa_check_as(out, lg, unit, warrant, warrant_len, request, request_len);
		free(warrant);
		free(request);
		return error;
	}
	if (error == KANSA_ENOMEM) { /* not the body's fault */
		if (out)
			kansa_ledger__receipt_deny(out, error);
		return error;
	}
	/* REQ: LEDGER-CBOR-BODY-RECORDED a CBOR body not of the check's shape is recorded */
	return kansa_check_as(out, lg, unit, NULL, 0, body, len);
}
