/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the JSON inputs of the CLI (policy/doc_json.c), i.e.
 * what `kansa {policy|warrant|revocation|ratification} create --in` and
 * `kansa check --request` turn into canonical CBOR. Input: any bytes, taken
 * as the JSON form of every document kind and of a request. No file is ever
 * read (base_dir NULL: a policy member's key must be PEM text).
 * Must never crash, leak or read out of bounds; whatever JSON builds must
 * parse back with the strict parser of its kind, and a draft document must
 * parse as COSE and render as JSON. What kansa_check_json records of JSON
 * that does not convert (kansa_request__json_peek) is bounded, valid UTF-8
 * and free of control characters; so is any text kansa_text__sanitize made.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	if (kansa_doc_to_json(&json, NULL, d, NULL, FUZZ_NOW) != 0 || json == NULL)
		abort();
	free(json);
	kansa_doc_free(d);
	free(cose);
}

/* A sanitized text: every byte printable ASCII or part of a multi-byte
 * sequence (the sanitizer's own decoder checked the sequences), and
 * sanitizing it again changes nothing. */
static void check_clean(char *text)
{
	size_t n = strlen(text);
	char *again = malloc(n + 1);

	if (again == NULL)
		return;
	memcpy(again, text, n + 1);
	kansa_text__sanitize(again);
	if (memcmp(again, text, n + 1) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			abort();
	free(again);
}

/* REQ: REQUEST-BLANK REQ: LEDGER-REQUEST-RECORDED */
static void text_rules(const uint8_t *data, size_t size)
{
	char peek[120], *text = malloc(size + 1);

	kansa_request__json_peek(peek, sizeof(peek), (const char *)data, size);
	if (strlen(peek) >= sizeof(peek))
		abort();
	check_clean(peek);
	if (text == NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)kansa_text__is_blank(text);
	kansa_text__sanitize(text);
	check_clean(text);
	free(text);
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
	text_rules(data, size);
	return 0;
}
