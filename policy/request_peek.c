/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What can be read of a JSON request that did not convert to a request
 * (design §5 row 1: such a request is recorded as malformed-request with
 * its bytes' hash and size, "and what could be read"): the requester and
 * the officer, when the bytes are a JSON object where they are strings.
 * Only for people; nothing is decided on it.
 *
 * This file must never fail, and never let more than a bounded, sanitized
 * piece of the input into its output.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "policy/doc.h"

void kansa_request__json_peek(char *out, size_t size, const char *json, size_t len)
{
	static const char *const keys[] = { "requester", "officer" };
	json_t *j = NULL;
	size_t used = 0;

	if (size == 0)
		return;
	out[0] = '\0';
	if (json == NULL || len > KANSA_MAX_JSON_BYTES)
		return;
	j = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL || !json_is_object(j))
		goto out;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && used < size; i++) {
		const json_t *v = json_object_get(j, keys[i]);
		int n;

		if (!json_is_string(v))
			continue;
		n = snprintf(out + used, size - used, "%s%s \"%.48s\"", used ? ", " : "", keys[i],
		    json_string_value(v));
		if (n < 0)
			break;
		used += (size_t)n < size - used ? (size_t)n : size - used - 1;
	}
	kansa_text__sanitize(out);
out:
	json_decref(j);
}
