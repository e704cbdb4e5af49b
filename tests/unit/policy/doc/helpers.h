/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared fixtures of the document tests: deterministic member keys, policy
 * and warrant JSON with the members' PEM text, signing to quorum, and a raw
 * COSE_Sign writer for malformed-token tests (after t_cose's test-message
 * maker): it writes exactly the bytes asked for, canonical or not.
 */
#ifndef KANSA_TEST_DOC_HELPERS_H
#define KANSA_TEST_DOC_HELPERS_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/cbor.h"
#include "policy/doc.h"

#define NOW ((int64_t)1777593600) /* 2026-05-01T00:00:00Z */
#define NKEYS 5                   /* members a, b, c; d and e are outsiders */

static inline kansa_key *test_key(int i)
{
	uint8_t seed[32];
	kansa_key *k = NULL;
	char name[16];

	memset(seed, 0x40 + i, sizeof(seed));
	cr_assert_eq(kansa_key_from_seed(&k, seed), 0);
	snprintf(name, sizeof(name), "member-%c", 'a' + i);
	cr_assert_eq(kansa_key_set_name(k, name), 0);
	return k;
}

static inline json_t *member_json(int i)
{
	kansa_key *k = test_key(i);
	char *pem = NULL;
	json_t *m;

	cr_assert_eq(kansa_key_public_pem(&pem, k), 0);
	m = json_pack("{s:s, s:s}", "name", kansa_key_name(k), "public_key", pem);
	free(pem);
	kansa_key_free(k);
	return m;
}

/* A policy JSON object: members a, b, c; quorum mq 2, nz 3, revoke 2, policy 3. */
static inline json_t *policy_json(uint64_t version)
{
	json_t *p = json_pack("{s:s, s:I, s:[o,o,o], s:{s:i, s:i, s:i, s:i}, s:{s:s, s:s},"
	    " s:[s,s,s,s,s,s], s:[s,s,s], s:[s,s,s]}",
	    "commission", "jp-ccisc", "version", (json_int_t)version,
	    "members", member_json(0), member_json(1), member_json(2),
	    "quorum", "metadata-query", 2, "neutralize", 3, "revoke", 2, "policy", 3,
	    "max_validity", "metadata-query", "90d", "neutralize", "7d",
	    "fields", "src_ip", "dst_ip", "dst_port", "proto", "ts", "command",
	    "forbidden_fields", "payload", "content", "body",
	    "ops", "stop-process", "delete-file", "block-c2");

	cr_assert_not_null(p);
	return p;
}

static inline json_t *warrant_json(void)
{
	json_t *w = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i,"
	    " s:{s:[s,s], s:[s,s,s], s:[s,s]}}",
	    "commission", "jp-ccisc", "subject", "npa-cyber-3", "action", "metadata-query",
	    "case", "2026-ACD-0042", "basis", "Art. 17(1)", "not_before", "now", "expires", "+30d",
	    "max_uses", 100,
	    "scope", "targets", "203.0.113.0/24", "2001:db8:1::/48",
	    "fields", "src_ip", "dst_ip", "ts", "window", "-30d", "now");

	cr_assert_not_null(w);
	return w;
}

static inline json_t *neutralize_json(void)
{
	json_t *w = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:[s], s:[s,s]}}",
	    "commission", "jp-ccisc", "subject", "jsdf-cyber", "action", "neutralize",
	    "case", "2026-ACD-0043", "not_before", "now", "expires", "+2d",
	    "scope", "hosts", "198.51.100.7", "ops", "stop-process", "delete-file");

	cr_assert_not_null(w);
	return w;
}

/* Build a draft of @p kind from a JSON object (stolen); returns the error. */
static inline int create_doc(uint8_t **out, size_t *len, int kind, json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	int error;

	cr_assert_not_null(text);
	json_decref(j);
	error = kansa_doc_create_json(out, len, kind, text, strlen(text), NULL, NOW);
	free(text);
	return error;
}

/* Sign @p doc in place with each key index in @p who (terminated by -1). */
static inline void sign_with(uint8_t **doc, size_t *len, const int *who)
{
	for (; *who >= 0; who++) {
		kansa_key *k = test_key(*who);
		uint8_t *out = NULL;
		size_t out_len = 0;
		bool already = false;

		kansa_doc *d = NULL;

		cr_assert_eq(kansa_doc_parse(&d, *doc, *len, 0), 0, "%s", kansa_error_last()->message);
		cr_assert_eq(kansa_doc_sign(&out, &out_len, &already, d, k), 0, "%s",
		    kansa_error_last()->message);
		kansa_doc_free(d);
		free(*doc);
		*doc = out;
		*len = out_len;
		kansa_key_free(k);
	}
}

/* A signed version-1 policy (signed by a, b, c) and its loaded form. */
static inline kansa_policy *policy_v1(uint8_t **cose, size_t *len)
{
	static const int all[] = { 0, 1, 2, -1 };
	kansa_policy *p = NULL;

	cr_assert_eq(create_doc(cose, len, KANSA_DOC_POLICY, policy_json(1)), 0, "%s",
	    kansa_error_last()->message);
	sign_with(cose, len, all);
	cr_assert_eq(kansa_policy_load(&p, *cose, *len, NULL), 0, "%s", kansa_error_last()->message);
	return p;
}

/* ---- raw CBOR bytes, canonical or not ---------------------------------- */

typedef struct {
	uint8_t b[65536];
	size_t n;
} rawbuf;

static inline void raw_put(rawbuf *r, const void *p, size_t n)
{
	cr_assert_leq(r->n + n, sizeof(r->b));
	memcpy(r->b + r->n, p, n);
	r->n += n;
}

static inline void raw_head(rawbuf *r, uint8_t major, uint64_t v)
{
	uint8_t h[9];
	size_t n = 1;

	if (v < 24) {
		h[0] = (uint8_t)(major << 5 | v);
	} else if (v <= 0xff) {
		h[0] = (uint8_t)(major << 5 | 24);
		h[1] = (uint8_t)v;
		n = 2;
	} else if (v <= 0xffff) {
		h[0] = (uint8_t)(major << 5 | 25);
		h[1] = (uint8_t)(v >> 8);
		h[2] = (uint8_t)v;
		n = 3;
	} else {
		h[0] = (uint8_t)(major << 5 | 26);
		for (int i = 0; i < 4; i++)
			h[1 + i] = (uint8_t)(v >> (24 - 8 * i));
		n = 5;
	}
	raw_put(r, h, n);
}

static inline void raw_bstr(rawbuf *r, const uint8_t *p, size_t n)
{
	raw_head(r, 2, n);
	raw_put(r, p, n);
}

static inline void raw_text(rawbuf *r, const char *s)
{
	raw_head(r, 3, strlen(s));
	raw_put(r, s, strlen(s));
}

/*
 * A COSE_Sign of content type @p ctyp around @p payload (any bytes), with
 * @p nsig signature entries given as already-encoded items.
 */
static inline void raw_cose(rawbuf *r, const char *ctyp, const uint8_t *payload, size_t plen,
    const uint8_t *sigs, size_t sigs_len, size_t nsig)
{
	rawbuf prot = { .n = 0 };

	raw_head(&prot, 5, 1);
	raw_head(&prot, 0, 3);
	raw_text(&prot, ctyp);
	r->n = 0;
	raw_head(r, 6, 98);
	raw_head(r, 4, 4);
	raw_bstr(r, prot.b, prot.n);
	raw_head(r, 5, 0);
	raw_bstr(r, payload, plen);
	raw_head(r, 4, nsig);
	if (sigs_len)
		raw_put(r, sigs, sigs_len);
}

/* The payload of a COSE document (copied into *out, malloc'd). */
static inline void payload_of(uint8_t **out, size_t *len, const uint8_t *cose, size_t cose_len)
{
	kansa_cose_sign *c = NULL;
	const uint8_t *p;

	cr_assert_eq(kansa_cose__parse(&c, cose, cose_len), 0, "%s", kansa_error_last()->message);
	p = kansa_cose__payload_unverified(c, len);
	*out = malloc(*len);
	memcpy(*out, p, *len);
	kansa_cose__free(c);
}

#define cr_expect_msg(want) \
	cr_expect(strstr(kansa_error_last()->message, (want)) != NULL, "message '%s' lacks '%s'", \
	    kansa_error_last()->message, (want))

#endif
