/* SPDX-License-Identifier: Apache-2.0 */
/* JSON values of kansa's outputs: hex and times (json.h). */
#include <stdio.h>

#include "ledger/json.h"
#include "ledger/ledger_impl.h"

#define HEX_MAX 64

json_t *kansa_json_out__hex(const uint8_t *p, size_t n)
{
	char h[2 * HEX_MAX + 1];

	if (n > HEX_MAX)
		return NULL;
	kansa_hex_encode(h, p, n);
	return json_string(h);
}

json_t *kansa_json_out__time(int64_t t)
{
	char text[32];

	kansa_time__format(text, t);
	return json_string(text);
}

void kansa_json_out__set_time(json_t *obj, const char *key, int64_t t)
{
	char k[96];

	if (obj == NULL)
		return;
	json_object_set_new(obj, key, kansa_json_out__time(t));
	snprintf(k, sizeof(k), "%s_unix", key);
	json_object_set_new(obj, k, json_integer((json_int_t)t));
}
