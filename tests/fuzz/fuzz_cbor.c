/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the canonical CBOR validator, decoder and encoder
 * (policy/cbor.c). Input: any bytes. Must never crash, leak, recurse or read
 * out of bounds, and must hold these invariants:
 *  - validate and decode agree on every input;
 *  - whatever decodes re-encodes to exactly the input (canonical is a fixed
 *    point), and the readers do not crash on the tree;
 *  - every refusal is EFORMAT or ELIMIT with a "cbor: " message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cbor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void poke(const cbor_item_t *it)
{
	int64_t i;
	uint64_t u;
	bool b;
	char *s = NULL;
	const uint8_t *p;
	size_t n;

	(void)kansa_cbor__get_int(&i, it);
	(void)kansa_cbor__get_uint(&u, it);
	(void)kansa_cbor__get_bool(&b, it);
	(void)kansa_cbor__get_bytes(&p, &n, it);
	if (kansa_cbor__get_text(&s, it) == 0)
		free(s);
	(void)kansa_cbor__map_get(it, "a");
	(void)kansa_cbor__map_get_int(it, 1);
	(void)kansa_cbor__map_get_int(it, -8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cbor_item_t *item = NULL;
	uint8_t *out = NULL;
	size_t out_len = 0;
	int v = kansa_cbor__validate(data, size);
	int d = kansa_cbor__decode(&item, data, size);

	if (v != d)
		abort();
	if (d < 0) {
		if (item != NULL || (d != KANSA_EFORMAT && d != KANSA_ELIMIT) ||
		    strncmp(kansa_error_last()->message, "cbor: ", 6) != 0)
			abort();
		return 0;
	}
	poke(item);
	if (cbor_isa_array(item))
		for (size_t i = 0; i < cbor_array_size(item); i++)
			poke(cbor_array_handle(item)[i]);
	if (cbor_isa_map(item))
		for (size_t i = 0; i < cbor_map_size(item); i++)
			poke(cbor_map_handle(item)[i].value);
	if (kansa_cbor__encode(&out, &out_len, item) != 0 || out_len != size ||
	    memcmp(out, data, size) != 0)
		abort();
	free(out);
	cbor_decref(&item);
	return 0;
}
