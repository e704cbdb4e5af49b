/* SPDX-License-Identifier: Apache-2.0 */
/* JSON output: one object per command, sorted keys, a "schema" field. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

void cli_json_print(json_t *obj, const char *schema)
{
	char *s;

	if (obj == NULL) {
		fputs("{\"ok\":false,\"error\":{\"code\":\"ENOMEM\"}}\n", stdout);
		return;
	}
	if (schema)
		json_object_set_new(obj, "schema", json_string(schema));
	s = json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT);
	if (s) {
		puts(s);
		free(s);
	}
	fflush(stdout);
	json_decref(obj);
}

json_t *cli_json_hex(const uint8_t *p, size_t len)
{
	char *hex = malloc(2 * len + 1);
	json_t *j;

	if (hex == NULL)
		return NULL;
	kansa_hex_encode(hex, p, len);
	j = json_string(hex);
	free(hex);
	return j;
}

void cli_json_time(json_t *obj, const char *key, int64_t t)
{
	char text[32], k[96];

	kansa_time_format(text, t);
	json_object_set_new(obj, key, json_string(text));
	snprintf(k, sizeof(k), "%s_unix", key);
	json_object_set_new(obj, k, json_integer((json_int_t)t));
}
