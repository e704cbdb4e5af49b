/* SPDX-License-Identifier: Apache-2.0 */
/* JSON forms -> canonical CBOR: every field checked, messages name it. */
#include "helpers.h"

/* Build and expect @p code with a message containing @p msg. */
static void expect_fail(int kind, json_t *j, int code, const char *msg)
{
	uint8_t *out = (uint8_t *)1;
	size_t len = 1;

	cr_expect_eq(create_doc(&out, &len, kind, j), code, "got %d: %s", kansa_error_last()->code,
	    kansa_error_last()->message);
	cr_expect_null(out);
	cr_expect_eq(len, 0);
	if (msg)
		cr_expect_msg(msg);
}

static void expect_request_fail(json_t *j, int code, const char *msg)
{
	char *text = json_dumps(j, JSON_COMPACT);
	uint8_t *out = NULL;
	size_t len = 0;

	json_decref(j);
	cr_expect_eq(kansa_request_from_json(&out, &len, text, strlen(text), NOW), code, "%s",
	    kansa_error_last()->message);
	cr_expect_null(out);
	if (msg)
		cr_expect_msg(msg);
	free(text);
}

Test(doc_create_json, policy_roundtrip)
{
	uint8_t *cose = NULL;
	size_t len = 0;
	kansa_signed_doc *d = NULL;

	cr_assert_eq(create_doc(&cose, &len, KANSA_DOC_POLICY, policy_json(1)), 0, "%s",
	    kansa_error_last()->message);
	cr_assert_eq(kansa_signed_doc__parse(&d, cose, len, KANSA_DOC_POLICY, NULL), 0, "%s",
	    kansa_error_last()->message);
	cr_expect_str_eq(d->u.policy.commission, "jp-ccisc");
	cr_expect_eq(d->u.policy.version, 1);
	cr_expect_eq(d->u.policy.n_members, 3);
	cr_expect_str_eq(d->u.policy.members[1].name, "member-b");
	cr_expect_eq(d->u.policy.quorum[KANSA_ACT_NEUTRALIZE], 3);
	cr_expect_eq(d->u.policy.quorum[KANSA_ACT_REVOKE], 2);
	cr_expect_eq(d->u.policy.max_validity[KANSA_ACT_METADATA_QUERY], 90 * 86400);
	cr_expect_eq(d->u.policy.max_validity[KANSA_ACT_NEUTRALIZE], 7 * 86400);
	cr_expect_eq(d->u.policy.max_targets, 256);
	cr_expect_eq(d->u.policy.emergency[0], 0);
	cr_expect_eq(d->u.policy.n_fields, 6);
	cr_expect_eq(d->u.policy.n_forbidden_fields, 3);
	cr_expect_eq(d->u.policy.n_ops, 3);
	cr_expect_eq(kansa_cose__signature_count(d->cose), 0);
	kansa_signed_doc__free(d);
	free(cose);
}

Test(doc_create_json, warrant_claims)
{
	uint8_t *cose = NULL, *cose2 = NULL;
	size_t len = 0, len2 = 0;
	kansa_signed_doc *d = NULL, *d2 = NULL;
	kansa_warrant_doc *w;

	cr_assert_eq(create_doc(&cose, &len, KANSA_DOC_WARRANT, warrant_json()), 0, "%s",
	    kansa_error_last()->message);
	cr_assert_eq(create_doc(&cose2, &len2, KANSA_DOC_WARRANT, warrant_json()), 0);
	cr_assert_eq(kansa_signed_doc__parse(&d, cose, len, KANSA_DOC_WARRANT, NULL), 0, "%s",
	    kansa_error_last()->message);
	cr_assert_eq(kansa_signed_doc__parse(&d2, cose2, len2, KANSA_DOC_WARRANT, NULL), 0);
	w = &d->u.warrant;
	cr_expect_str_eq(w->commission, "jp-ccisc");
	cr_expect_str_eq(w->subject, "npa-cyber-3");
	cr_expect_eq(w->action, KANSA_ACT_METADATA_QUERY);
	cr_expect_str_eq(w->case_id, "2026-ACD-0042");
	cr_expect_str_eq(w->basis, "Art. 17(1)");
	cr_expect_eq(w->not_before, NOW);
	cr_expect_eq(w->expires, NOW + 30 * 86400);
	cr_expect_eq(w->issued_at, NOW);
	cr_expect_eq(w->max_uses, 100);
	cr_expect_eq(w->n_targets, 2);
	cr_expect_eq(w->targets[0].len, 24);
	cr_expect_eq(w->targets[1].family, 6);
	cr_expect_eq(w->window[0], NOW - 30 * 86400);
	cr_expect_eq(w->window[1], NOW);
	cr_expect(memcmp(w->cti, d2->u.warrant.cti, 16) != 0, "cti is random per draft");
	kansa_signed_doc__free(d);
	kansa_signed_doc__free(d2);
	free(cose);
	free(cose2);
}

Test(doc_create_json, warrant_cwt_integer_keys)
{
	uint8_t *cose = NULL, *payload = NULL;
	size_t len = 0, plen = 0;
	cbor_item_t *root = NULL;

	cr_assert_eq(create_doc(&cose, &len, KANSA_DOC_WARRANT, warrant_json()), 0);
	payload_of(&payload, &plen, cose, len);
	cr_assert_eq(kansa_cbor__decode(&root, payload, plen), 0);
	/* REQ: WARRANT-CWT 1 iss, 2 sub, 4 exp, 5 nbf, 6 iat, 7 cti */
	for (int64_t k = 1; k <= 7; k++)
		cr_expect_eq(kansa_cbor__map_get_int(root, k) != NULL, k != 3, "claim %d", (int)k);
	cr_expect_null(kansa_cbor__map_get(root, "commission"));
	cr_expect_not_null(kansa_cbor__map_get(root, "case"));
	cbor_decref(&root);
	free(payload);
	free(cose);
}

Test(doc_create_json, neutralize_revocation_ratification_request)
{
	uint8_t *out = NULL;
	size_t len = 0;
	kansa_request_doc r;
	const char *rq = "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1207\",\"action\":\"metadata-query\","
	    "\"targets\":[\"203.0.113.17\",\"203.0.113.64/28\"],\"fields\":[\"src_ip\",\"dst_ip\"],"
	    "\"window\":[\"-7d\",\"-1d\"],\"justification\":\"C2 beaconing analysis\"}";
	const char *nz = "{\"requester\":\"jsdf-cyber\",\"officer\":\"officer-9\",\"action\":\"neutralize\","
	    "\"host\":\"198.51.100.7\",\"op\":\"stop-process\",\"justification\":\"stop the C2\",\"emergency\":true}";

	cr_expect_eq(create_doc(&out, &len, KANSA_DOC_WARRANT, neutralize_json()), 0, "%s", kansa_error_last()->message);
	free(out);
	cr_expect_eq(create_doc(&out, &len, KANSA_DOC_REVOCATION, json_pack("{s:s, s:s, s:s}",
	    "commission", "jp-ccisc", "warrant", "00112233445566778899aabbccddeeff", "reason", "case closed")), 0,
	    "%s", kansa_error_last()->message);
	free(out);
	cr_expect_eq(create_doc(&out, &len, KANSA_DOC_RATIFICATION, json_pack("{s:s, s:s, s:b, s:s}",
	    "commission", "jp-ccisc", "entry", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	    "approved", 1, "reason", "justified")), 0, "%s", kansa_error_last()->message);
	free(out);

	cr_assert_eq(kansa_request_from_json(&out, &len, rq, strlen(rq), NOW), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_request__parse(&r, out, len), 0, "%s", kansa_error_last()->message);
	cr_expect_str_eq(r.officer, "officer-1207");
	cr_expect_eq(r.n_targets, 2);
	cr_expect_eq(r.window[0], NOW - 7 * 86400);
	cr_expect_eq(r.window[1], NOW - 86400);
	cr_expect(r.has_window);
	cr_expect_not(r.emergency);
	kansa_request__dispose(&r);
	free(out);
	cr_assert_eq(kansa_request_from_json(&out, &len, nz, strlen(nz), NOW), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_request__parse(&r, out, len), 0);
	cr_expect(r.has_host);
	cr_expect(r.emergency);
	cr_expect_str_eq(r.op, "stop-process");
	kansa_request__dispose(&r);
	free(out);
}

Test(doc_create_json, messages_name_the_field)
{
	json_t *w;

	w = warrant_json();
	json_array_set_new(json_object_get(json_object_get(w, "scope"), "targets"), 1, json_string("x"));
	json_array_append_new(json_object_get(json_object_get(w, "scope"), "targets"),
	    json_string("203.0.113.0/33"));
	json_array_set_new(json_object_get(json_object_get(w, "scope"), "targets"), 1,
	    json_string("10.0.0.0/8"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, NULL);
	cr_expect_str_eq(kansa_error_last()->message, "scope.targets[2]: not an IP prefix: 203.0.113.0/33");

	w = warrant_json();
	json_array_set_new(json_object_get(json_object_get(w, "scope"), "targets"), 0,
	    json_string("2001:db8::/129"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "scope.targets[0]: not an IP prefix: 2001:db8::/129");
	w = warrant_json();
	json_array_set_new(json_object_get(json_object_get(w, "scope"), "targets"), 0,
	    json_string("203.0.113.1/24"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "host bits set");

	/* REQ: WARRANT-VALIDITY */
	w = warrant_json();
	json_object_set_new(w, "expires", json_string("-1d"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, NULL);
	cr_expect_str_eq(kansa_error_last()->message, "expires: before not_before");
	w = warrant_json();
	json_object_set_new(w, "expires", json_string("now"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "expires: equal to not_before");

	{
		json_t *p = policy_json(1);

		/* REQ: POLICY-QUORUM 1 <= quorum <= members */
		json_object_set_new(json_object_get(p, "quorum"), "neutralize", json_integer(4));
		expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, NULL);
		cr_expect_str_eq(kansa_error_last()->message,
		    "quorum.neutralize: must be at least 1 and at most the number of members (3)");
		p = policy_json(1);
		json_object_set_new(json_object_get(p, "quorum"), "revoke", json_integer(0));
		expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "quorum.revoke: must be at least 1");
	}
}

Test(doc_create_json, rejects_unknown_missing_and_mistyped)
{
	json_t *w, *p;

	w = warrant_json();
	json_object_set_new(w, "colour", json_string("red"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "unknown key \"colour\"");
	w = warrant_json();
	json_object_set_new(w, "cti", json_string("00"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "unknown key \"cti\"");
	w = warrant_json();
	json_object_del(w, "case");
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "case: required");
	w = warrant_json();
	json_object_set_new(w, "case", json_string(""));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "case: must not be empty");
	w = warrant_json();
	json_object_set_new(w, "action", json_string("revoke"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "action:");
	w = warrant_json();
	json_object_set_new(json_object_get(w, "scope"), "hosts", json_pack("[s]", "198.51.100.7"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "scope: unknown key \"hosts\"");
	w = warrant_json();
	json_object_set_new(w, "max_uses", json_real(1.5));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "max_uses");
	w = warrant_json();
	json_object_set_new(w, "max_uses", json_integer(0));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "max_uses");
	w = warrant_json();
	json_object_set_new(w, "expires", json_string("+30 days"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "expires: not a time");
	w = warrant_json();
	json_object_set_new(w, "subject", json_string("line\nbreak"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "subject: contains a control character");
	w = neutralize_json();
	json_array_set_new(json_object_get(json_object_get(w, "scope"), "hosts"), 0,
	    json_string("198.51.100.0/24"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "scope.hosts[0]: not an IP address");
	w = neutralize_json();
	json_object_set_new(json_object_get(w, "scope"), "ops", json_pack("[s,s]", "a", "a"));
	expect_fail(KANSA_DOC_WARRANT, w, KANSA_EFORMAT, "scope.ops[1]: \"a\" is listed twice");

	p = policy_json(1);
	json_object_del(json_object_get(p, "quorum"), "policy");
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "quorum.policy: required");
	p = policy_json(0);
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "version");
	p = policy_json(1);
	json_object_set_new(json_object_get(p, "max_validity"), "revoke", json_string("1d"));
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "max_validity: unknown key \"revoke\"");
	p = policy_json(1);
	json_object_set_new(json_object_get(p, "max_validity"), "neutralize", json_string("7 days"));
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "max_validity.neutralize: not a duration");
	p = policy_json(1);
	/* REQ: POLICY-FIELDS a content field is never a metadata field */
	json_array_append_new(json_object_get(p, "forbidden_fields"), json_string("src_ip"));
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "forbidden_fields[3]: \"src_ip\" is also in fields");
	p = policy_json(1);
	json_object_set_new(p, "max_targets", json_integer(5000));
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "max_targets");

	expect_fail(KANSA_DOC_REVOCATION, json_pack("{s:s, s:s, s:s}", "commission", "jp-ccisc",
	    "warrant", "0011", "reason", "x"), KANSA_EFORMAT, "warrant: must be 32 hex digits");
	expect_fail(KANSA_DOC_REVOCATION, json_pack("{s:s, s:s, s:s}", "commission", "jp-ccisc",
	    "warrant", "00112233445566778899aabbccddeeff", "reason", ""), KANSA_EFORMAT, "reason: must not be empty");
}

/* REQ: POLICY-MEMBERS */
Test(doc_create_json, rejects_duplicate_members)
{
	json_t *p = policy_json(1), *m = json_object_get(p, "members");
	json_t *dup = json_deep_copy(json_array_get(m, 0));

	json_object_set_new(dup, "name", json_string("member-z"));
	json_array_append_new(m, dup);
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "members[3]: same public key (kid) as members[0]");

	p = policy_json(1);
	m = json_object_get(p, "members");
	dup = member_json(3);
	json_object_set_new(dup, "name", json_string("member-b"));
	json_array_append_new(m, dup);
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "members[3]: member name \"member-b\" is listed twice");

	p = policy_json(1);
	json_object_set_new(json_array_get(json_object_get(p, "members"), 1), "public_key",
	    json_string("member-b.pub"));
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "members[1].public_key: a key file, but key files are not allowed");
}

Test(doc_create_json, rejects_a_private_key_as_member_key)
{
	json_t *p = policy_json(1);
	kansa_key *k = test_key(0);
	char *pem = NULL;

	/* the PEM of a private key in place of member-a's public key */
	remove("/tmp/kansa-test-doc-priv.pem");
	cr_assert_eq(kansa_key_save_private(k, "/tmp/kansa-test-doc-priv.pem", NULL), 0);
	{
		uint8_t *buf = NULL;
		size_t n = 0;

		cr_assert_eq(kansa_file_read(&buf, &n, "/tmp/kansa-test-doc-priv.pem", 16384, 0), 0);
		pem = (char *)buf;
	}
	json_object_set_new(json_array_get(json_object_get(p, "members"), 0), "public_key", json_string(pem));
	expect_fail(KANSA_DOC_POLICY, p, KANSA_EFORMAT, "members[0].public_key: a private key");
	remove("/tmp/kansa-test-doc-priv.pem");
	free(pem);
	kansa_key_free(k);
}

Test(doc_create_json, rejects_bad_json)
{
	uint8_t *out = NULL;
	size_t len = 0;
	const char *dup = "{\"commission\":\"a\",\"commission\":\"b\"}";

	/* REQ: DOC-JSON duplicate keys */
	cr_expect_eq(kansa_doc_create_json(&out, &len, KANSA_DOC_REVOCATION, dup, strlen(dup), NULL, NOW),
	    KANSA_EFORMAT);
	cr_expect_msg("json:");
	cr_expect_eq(kansa_doc_create_json(&out, &len, KANSA_DOC_REVOCATION, "[]", 2, NULL, NOW), KANSA_EFORMAT);
	cr_expect_eq(kansa_doc_create_json(&out, &len, KANSA_DOC_REVOCATION, "{", 1, NULL, NOW), KANSA_EFORMAT);
	cr_expect_eq(kansa_doc_create_json(&out, &len, 9, "{}", 2, NULL, NOW), KANSA_EINVAL);
	cr_expect_null(out);
}

/* REQ: REQUEST-NAMED REQ: REQUEST-TARGETS */
Test(request_from_json, rejects_bad_requests)
{
	json_t *r;
	json_t *targets;

#define RQ() json_pack("{s:s, s:s, s:s, s:[s], s:[s], s:[s,s], s:s}", "requester", "npa-cyber-3", \
	"officer", "officer-1207", "action", "metadata-query", "targets", "203.0.113.17", "fields", "src_ip", \
	"window", "-7d", "-1d", "justification", "C2 beaconing")
	r = RQ();
	json_object_set_new(r, "officer", json_string(""));
	expect_request_fail(r, KANSA_EFORMAT, "officer: must not be empty");
	r = RQ();
	json_object_del(r, "justification");
	expect_request_fail(r, KANSA_EFORMAT, "justification: required");
	r = RQ();
	json_object_set_new(r, "justification", json_string(""));
	expect_request_fail(r, KANSA_EFORMAT, "justification: must not be empty");
	r = RQ();
	json_object_set_new(r, "host", json_string("198.51.100.7"));
	expect_request_fail(r, KANSA_EFORMAT, "unknown key \"host\"");
	r = RQ();
	json_object_set_new(r, "emergency", json_string("yes"));
	expect_request_fail(r, KANSA_EFORMAT, "emergency: must be true or false");
	r = RQ();
	json_array_set_new(json_object_get(r, "targets"), 0, json_string("203.0.113.0/33"));
	expect_request_fail(r, KANSA_EFORMAT, "targets[0]: not an IP prefix: 203.0.113.0/33");
	r = RQ();
	targets = json_object_get(r, "targets");
	for (int i = 0; i < KANSA_MAX_REQUEST_TARGETS; i++)
		json_array_append_new(targets, json_string("203.0.113.1"));
	expect_request_fail(r, KANSA_ELIMIT, "targets: more than 4096");
	r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "requester", "x", "officer", "o", "action", "neutralize",
	    "host", "198.51.100.0/24", "op", "stop-process", "justification", "j");
	expect_request_fail(r, KANSA_EFORMAT, "host: not an IP address");
#undef RQ
}
