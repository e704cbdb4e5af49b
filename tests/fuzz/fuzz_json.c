/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the JSON inputs of the CLI (policy/doc_json.c), i.e.
 * what `kansa {policy|warrant|revocation|ratification} create --in` and
 * `kansa check --request` turn into canonical CBOR. Input: any bytes, taken
 * as the JSON form of every document kind and of a request. No file is ever
 * read (base_dir NULL: a policy member's key must be PEM text).
 * Must never crash, leak or read out of bounds; whatever JSON builds must
 * parse back with the strict parser of its kind, and a draft document must
 * parse as COSE and render as JSON.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kansa.h"
#include "policy/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW ((int64_t)1777593600) /* 2026-05-01T00:00:00Z */

static void doc_kind(int kind, const uint8_t *data, size_t size)
{
	uint8_t *cose = NULL;
	size_t len = 0;
	kansa_doc *d = NULL;
	char *json = NULL;

	if (kansa_doc_create_json(&cose, &len, kind, (const char *)data, size, NULL, FUZZ_NOW) != 0) {
		if (cose != NULL || len != 0)
			abort(); /* on error *out is NULL */
		return;
	}
	/* a draft built from JSON always parses back as its own kind */
	if (kansa_doc_parse(&d, cose, len, kind) != 0 || kansa_doc_kind(d) != kind ||
	    kansa_doc_signature_count(d) != 0)
		abort();
	if (kansa_doc_to_json(&json, d, NULL, FUZZ_NOW) != 0 || json == NULL)
		abort();
	free(json);
	kansa_doc_free(d);
	free(cose);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *cbor = NULL;
	size_t len = 0;
	kansa_request_doc r;

	for (int kind = KANSA_DOC_POLICY; kind <= KANSA_DOC_RATIFICATION; kind++)
		doc_kind(kind, data, size);
	if (kansa_request_from_json(&cbor, &len, (const char *)data, size, FUZZ_NOW) == 0) {
		if (kansa_request__parse(&r, cbor, len) != 0)
			abort();
		kansa_request__dispose(&r);
		free(cbor);
	}
	return 0;
}
