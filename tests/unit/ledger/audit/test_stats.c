/* SPDX-License-Identifier: Apache-2.0 */
/* kansa_audit_stats (and the report's emergency states) on a ledger made with a chosen clock, whose true counts
 * this test knows: several warrants and actions, every emergency outcome
 * (ratified, ratified late, refused, pending, overdue), officers, targets,
 * a revocation, a policy version, and a period that cuts entries off at
 * both ends (design §12). */
#include "tests/unit/hang_guard.h"
#include <jansson.h>

#include "tests/unit/ledger/fixture.h"
#include "ledger/clock.h"
#include "policy/doc.h"

#define DAY 86400
#define HOUR 3600

static int64_t clock_now;

static int64_t sim_clock(void *ctx)
{
	(void)ctx;
	return clock_now;
}

typedef struct {
	kansa_key *k[3];
	char *pem[3];
	kansa_ledger *lg;
	ledger_fixture f;
} world;

static void doc(uint8_t **out, size_t *len, int kind, const char *json, int signers, world *w)
{
	cr_assert_eq(kansa_doc_create_json(out, len, kind, json, strlen(json), NULL, clock_now), 0,
	    "%s: %s", json, kansa_error_last()->message);
	sign_all(out, len, w->k, signers);
}

static void policy(uint8_t **out, size_t *len, int version, world *w)
{
	char json[4096];

	snprintf(json, sizeof(json),
	    "{\"commission\":\"jp-ccisc\",\"version\":%d,\"members\":["
	    "{\"name\":\"member-a\",\"public_key\":%s},{\"name\":\"member-b\",\"public_key\":%s},"
	    "{\"name\":\"member-c\",\"public_key\":%s}],"
	    "\"quorum\":{\"metadata-query\":2,\"neutralize\":3,\"revoke\":2,\"policy\":3},"
	    "\"max_validity\":{\"metadata-query\":\"90d\",\"neutralize\":\"7d\"},"
	    "\"emergency\":{\"neutralize\":\"5d\"},"
	    "\"fields\":[\"src_ip\",\"dst_ip\",\"ts\"],\"forbidden_fields\":[\"payload\"],"
	    "\"ops\":[\"stop-process\",\"delete-file\",\"block-c2\"]}", version, w->pem[0], w->pem[1],
	    w->pem[2]);
	doc(out, len, KANSA_DOC_POLICY, json, 3, w);
}

static void query_warrant(uint8_t **out, size_t *len, const char *case_id, int signers, world *w)
{
	char json[1024];

	snprintf(json, sizeof(json),
	    "{\"commission\":\"jp-ccisc\",\"subject\":\"npa-cyber-3\",\"action\":\"metadata-query\","
	    "\"case\":\"%s\",\"not_before\":\"-1h\",\"expires\":\"+30d\","
	    "\"scope\":{\"targets\":[\"203.0.113.0/24\"],\"fields\":[\"src_ip\",\"dst_ip\"],"
	    "\"window\":[\"-30d\",\"now\"]}}", case_id);
	doc(out, len, KANSA_DOC_WARRANT, json, signers, w);
}

/* A check at the clock's time; returns the receipt. */
static kansa_receipt check(world *w, const uint8_t *warrant, size_t wlen, const char *json)
{
	kansa_receipt r;

	cr_assert_eq(kansa_check_json(&r, w->lg, warrant, wlen, json, strlen(json), clock_now), 0,
	    "%s", kansa_error_last()->message);
	return r;
}

static kansa_receipt query(world *w, const uint8_t *wt, size_t wl, const char *officer,
    const char *target, const char *field)
{
	char json[512];

	snprintf(json, sizeof(json),
	    "{\"requester\":\"npa-cyber-3\",\"officer\":\"%s\",\"action\":\"metadata-query\","
	    "\"targets\":[\"%s\"],\"fields\":[\"%s\"],\"window\":[\"-2d\",\"-1d\"],"
	    "\"justification\":\"test\"}", officer, target, field);
	return check(w, wt, wl, json);
}

static kansa_receipt neutralize(world *w, const uint8_t *wt, size_t wl, const char *host,
    const char *op)
{
	char json[512];

	snprintf(json, sizeof(json),
	    "{\"requester\":\"jsdf-cyber-1\",\"officer\":\"officer-4\",\"action\":\"neutralize\",%s"
	    "\"host\":\"%s\",\"op\":\"%s\",\"justification\":\"wiper\"}",
	    wt ? "" : "\"emergency\":true,", host, op);
	return check(w, wt, wl, json);
}

static void ratify(world *w, const kansa_receipt *act, bool approved)
{
	char json[512], hex[2 * KANSA_HASH_LEN + 1];
	uint8_t *d = NULL;
	size_t n = 0;
	kansa_receipt r;

	kansa_hex_encode(hex, act->leaf_hash, KANSA_HASH_LEN);
	snprintf(json, sizeof(json), "{\"commission\":\"jp-ccisc\",\"entry\":\"%s\",\"approved\":%s,"
	    "\"reason\":\"reviewed\"}", hex, approved ? "true" : "false");
	doc(&d, &n, KANSA_DOC_RATIFICATION, json, 2, w);
	cr_assert_eq(kansa_ledger_ratify(&r, w->lg, d, n), 0, "%s", kansa_error_last()->message);
	free(d);
}

static long long get(const json_t *j, const char *path)
{
	char buf[128], *key = buf, *dot;
	const json_t *v = j;

	snprintf(buf, sizeof(buf), "%s", path);
	for (; key; key = dot ? dot + 1 : NULL) {
		if ((dot = strchr(key, '.')) != NULL)
			*dot = 0;
		v = json_object_get(v, key);
	}
	cr_assert(json_is_integer(v), "%s is not in the statistics", path);
	return (long long)json_integer_value(v);
}

Test(kansa_audit_stats, counts_what_the_ledger_holds_in_the_period, .timeout = KANSA_HANG_GUARD)
{
	world w;
	uint8_t *p1 = NULL, *p2 = NULL, *wa = NULL, *wb = NULL, *wc = NULL, *wd = NULL, *wn = NULL, *rv = NULL;
	size_t p1l = 0, p2l = 0, wal = 0, wbl = 0, wcl = 0, wdl = 0, wnl = 0, rvl = 0;
	int64_t now = (int64_t)time(NULL), base = now - 12 * DAY;
	kansa_receipt e0, e1, e2, e3, r;
	char json[512], cti[33];
	char *out = NULL;
	json_t *j;

	memset(&w, 0, sizeof(w));
	fixture_make(&w.f, 0); /* for its directory and key; its ledger is replaced */
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(kansa_key_generate(&w.k[i]), 0);
		w.pem[i] = pem_json(w.k[i]);
	}
	kansa_ledger__set_clock(sim_clock, NULL);
	clock_now = base;
	policy(&p1, &p1l, 1, &w);
	snprintf(w.f.db, sizeof(w.f.db), "%s/s.db", w.f.dir);
	cr_assert_eq(kansa_ledger_init(w.f.db, w.f.dbkey, p1, p1l), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_open(&w.lg, w.f.db, w.f.dbkey, 0), 0);

	/* before the period: warrant A issued and used, an emergency act */
	clock_now = base + DAY;
	query_warrant(&wa, &wal, "A", 2, &w);
	cr_assert_eq(query(&w, wa, wal, "officer-1", "203.0.113.17", "src_ip").verdict, KANSA_ALLOW);
	query(&w, wa, wal, "officer-1", "203.0.113.18", "src_ip");
	query(&w, wa, wal, "officer-2", "198.51.100.1", "src_ip");
	clock_now += HOUR;
	e0 = neutralize(&w, NULL, 0, "198.51.100.8", "stop-process");
	cr_assert_eq(e0.reason, KANSA_REASON_EMERGENCY);

	/* the period: [base + 2d, base + 10d) */
	clock_now = base + 2 * DAY;
	query_warrant(&wb, &wbl, "B", 2, &w);
	cr_assert_eq(query(&w, wb, wbl, "officer-1", "203.0.113.17", "src_ip").verdict, KANSA_ALLOW);
	query(&w, wb, wbl, "officer-1", "203.0.113.20", "src_ip");
	query(&w, wb, wbl, "officer-6", "203.0.113.20", "dst_ip");
	cr_assert_eq(query(&w, wb, wbl, "officer-3", "203.0.113.17", "payload").reason,
	    KANSA_REASON_FORBIDDEN_FIELD);
	cr_assert_eq(query(&w, wb, wbl, "officer-3", "203.0.113.17", "ts").reason,
	    KANSA_REASON_FIELD_OUT_OF_SCOPE);
	/* warrants the ledger holds but the commission never approved: one member's signature under a
	 * quorum of two, and a draft no one signed */
	query_warrant(&wc, &wcl, "C", 1, &w);
	cr_assert_eq(query(&w, wc, wcl, "officer-6", "203.0.113.17", "src_ip").reason, KANSA_REASON_NO_QUORUM);
	query_warrant(&wd, &wdl, "D", 0, &w);
	cr_assert_eq(query(&w, wd, wdl, "officer-6", "203.0.113.17", "src_ip").reason, KANSA_REASON_NO_QUORUM);
	ratify(&w, &e0, true); /* an act before the period: not one of its acts */
	clock_now = base + 3 * DAY;
	doc(&wn, &wnl, KANSA_DOC_WARRANT, "{\"commission\":\"jp-ccisc\",\"subject\":\"jsdf-cyber-1\","
	    "\"action\":\"neutralize\",\"case\":\"N\",\"not_before\":\"-1h\",\"expires\":\"+5d\","
	    "\"scope\":{\"hosts\":[\"198.51.100.7\"],\"ops\":[\"stop-process\"]}}", 3, &w);
	cr_assert_eq(neutralize(&w, wn, wnl, "198.51.100.7", "stop-process").verdict, KANSA_ALLOW);
	cr_assert_eq(neutralize(&w, wn, wnl, "198.51.100.7", "delete-file").reason,
	    KANSA_REASON_OP_NOT_ALLOWED);
	clock_now = base + 4 * DAY;
	e1 = neutralize(&w, NULL, 0, "198.51.100.9", "stop-process");
	clock_now += HOUR;
	ratify(&w, &e1, true);                                     /* ratified */
	clock_now = base + 5 * DAY;
	e2 = neutralize(&w, NULL, 0, "198.51.100.10", "block-c2"); /* ratified late, below */
	clock_now += HOUR;
	e3 = neutralize(&w, NULL, 0, "198.51.100.9", "stop-process");
	clock_now += HOUR;
	ratify(&w, &e3, false);                                    /* refused */
	clock_now = base + 6 * DAY;
	neutralize(&w, NULL, 0, "198.51.100.11", "stop-process");  /* overdue */
	clock_now += HOUR;
	{
		kansa_signed_doc *d = NULL;
		cr_assert_eq(kansa_signed_doc__parse(&d, wb, wbl, KANSA_DOC_WARRANT, NULL), 0);
		kansa_hex_encode(cti, d->u.warrant.cti, 16);
		kansa_signed_doc__free(d);
	}
	snprintf(json, sizeof(json), "{\"commission\":\"jp-ccisc\",\"warrant\":\"%s\",\"reason\":\"x\"}", cti);
	doc(&rv, &rvl, KANSA_DOC_REVOCATION, json, 2, &w);
	cr_assert_eq(kansa_ledger_revoke(&r, w.lg, rv, rvl), 0, "%s", kansa_error_last()->message);
	clock_now += HOUR;
	cr_assert_eq(query(&w, wb, wbl, "officer-1", "203.0.113.17", "src_ip").reason, KANSA_REASON_REVOKED);
	clock_now = base + 8 * DAY;
	policy(&p2, &p2l, 2, &w);
	cr_assert_eq(kansa_ledger_activate_policy(&r, w.lg, p2, p2l), 0, "%s", kansa_error_last()->message);
	clock_now = base + 9 * DAY;
	neutralize(&w, NULL, 0, "198.51.100.12", "stop-process");  /* pending: 5 days to answer */
	clock_now += HOUR;
	cr_assert_eq(query(&w, NULL, 0, "officer-7", "203.0.113.17", "src_ip").reason,
	    KANSA_REASON_MALFORMED_WARRANT);

	/* after the period */
	clock_now = base + 10 * DAY + HOUR;
	ratify(&w, &e2, true); /* e2's deadline was base + 10d */
	clock_now = base + 11 * DAY;
	query(&w, wa, wal, "officer-8", "203.0.113.19", "src_ip");
	neutralize(&w, NULL, 0, "198.51.100.13", "stop-process");

	cr_assert_eq(kansa_audit_stats(&out, w.lg, base + 2 * DAY, base + 10 * DAY, now, NULL), 0,
	    "%s", kansa_error_last()->message);
	cr_assert_not_null(j = json_loads(out, 0, NULL));
	cr_expect_eq(get(j, "warrants_approved.metadata-query"), 1, "B, not A, C or D: %s", out);
	cr_expect_eq(get(j, "warrants_approved.neutralize"), 1);
	cr_expect_eq(get(j, "checks.total"), 16, "%s", out);
	cr_expect_eq(get(j, "checks.allowed"), 9);
	cr_expect_eq(get(j, "checks.denied"), 7);
	cr_expect_eq(get(j, "checks.allowed_by.allowed"), 4);
	cr_expect_eq(get(j, "checks.allowed_by.emergency"), 5);
	cr_expect_eq(get(j, "checks.denied_by.forbidden-field"), 1);
	cr_expect_eq(get(j, "checks.denied_by.field-out-of-scope"), 1);
	cr_expect_eq(get(j, "checks.denied_by.op-not-allowed"), 1);
	cr_expect_eq(get(j, "checks.denied_by.revoked"), 1);
	cr_expect_eq(get(j, "checks.denied_by.malformed-warrant"), 1);
	cr_expect_eq(get(j, "checks.denied_by.no-quorum"), 2);
	cr_expect_null(json_object_get(json_object_get(json_object_get(j, "checks"), "denied_by"),
	    "target-out-of-scope"), "officer-2's denial was before the period");
	cr_expect_eq(get(j, "emergencies.total"), 5, "%s", out);
	cr_expect_eq(get(j, "emergencies.ratified"), 1);
	cr_expect_eq(get(j, "emergencies.ratified-late"), 1);
	cr_expect_eq(get(j, "emergencies.refused"), 1);
	cr_expect_eq(get(j, "emergencies.pending"), 1);
	cr_expect_eq(get(j, "emergencies.overdue"), 1);
	cr_expect_eq(get(j, "neutralizations.total"), 6);
	cr_expect_eq(get(j, "neutralizations.by_op.stop-process"), 5);
	cr_expect_eq(get(j, "neutralizations.by_op.block-c2"), 1);
	cr_expect_eq(get(j, "distinct_targets"), 7, "%s", out); /* .17 .20, 198.51.100.7 .9 .10 .11 .12 */
	cr_expect_eq(get(j, "distinct_officers"), 5);  /* officer-1, -3, -4, -6, -7 */
	cr_expect_eq(get(j, "revocations"), 1);
	cr_expect_eq(get(j, "policy_versions.in_force"), 2);
	cr_expect_eq(json_array_size(json_object_get(json_object_get(j, "policy_versions"), "activated")), 1);
	cr_expect_null(strstr(out, "officer-"), "officers are counted, never named");
	cr_expect_null(strstr(out, "203.0.113"), "targets are counted, never named");
	json_decref(j);
	free(out);

	/* the period before: only the first day's entries */
	cr_assert_eq(kansa_audit_stats(&out, w.lg, base, base + 2 * DAY, now, NULL), 0);
	cr_assert_not_null(j = json_loads(out, 0, NULL));
	cr_expect_eq(get(j, "checks.total"), 4, "%s", out);
	cr_expect_eq(get(j, "checks.denied_by.target-out-of-scope"), 1);
	cr_expect_eq(get(j, "emergencies.ratified"), 1, "e0, ratified in the next period");
	cr_expect_eq(get(j, "policy_versions.in_force"), 1);
	cr_expect_eq(get(j, "warrants_approved.metadata-query"), 1);
	cr_expect_eq(get(j, "distinct_officers"), 3);
	json_decref(j);
	free(out);

	/* the report names the same states, ratified late included, act by act */
	cr_assert_eq(kansa_ledger_report(&out, NULL, w.lg, NULL, now), 0, "%s", kansa_error_last()->message);
	cr_assert_not_null(j = json_loads(out, 0, NULL));
	{
		const char *want[] = { "ratified", "ratified", "ratified-late", "refused", "overdue",
			"pending", "pending" };
		json_t *ems = json_object_get(j, "emergencies");
		cr_assert_eq(json_array_size(ems), 7, "%s", out);
		for (size_t i = 0; i < 7; i++)
			cr_expect_str_eq(json_string_value(json_object_get(json_array_get(ems, i), "status")),
			    want[i], "act %zu", i);
	}
	json_decref(j);
	free(out);

	/* kansa audit emergencies: the same states, and what was done */
	cr_assert_eq(kansa_audit_emergencies(&out, w.lg, now, NULL), 0, "%s", kansa_error_last()->message);
	cr_assert_not_null(j = json_loads(out, 0, NULL));
	{
		const char *want[] = { "ratified", "ratified", "ratified-late", "refused", "overdue",
			"pending", "pending" };
		json_t *ems = json_object_get(j, "emergencies");
		cr_assert_eq(json_array_size(ems), 7, "%s", out);
		for (size_t i = 0; i < 7; i++)
			cr_expect_str_eq(json_string_value(json_object_get(json_array_get(ems, i), "state")),
			    want[i], "act %zu", i);
		cr_expect_eq(get(json_array_get(ems, 2), "late_by"), HOUR, "e2 answered an hour late");
		cr_expect_str_eq(json_string_value(json_object_get(json_array_get(ems, 2), "op")), "block-c2");
		cr_expect_str_eq(json_string_value(json_object_get(json_array_get(ems, 2), "host")),
		    "198.51.100.10");
		cr_expect_eq(get(json_array_get(ems, 4), "overdue_by"), now - (base + 11 * DAY));
		cr_expect_eq(get(json_array_get(ems, 5), "time_left"), base + 14 * DAY - now);
		cr_expect_eq(get(j, "counts.ratified-late"), 1);
		cr_expect_eq(get(j, "counts.pending"), 2);
	}
	json_decref(j);
	free(out);

	/* kansa audit officers over the period: officer-3's two denials, officer-1's use after revocation */
	cr_assert_eq(kansa_audit_officers(&out, w.lg, base + 2 * DAY, base + 10 * DAY, NULL), 0);
	cr_assert_not_null(j = json_loads(out, 0, NULL));
	{
		json_t *os = json_object_get(j, "officers"), *o;
		size_t i;
		char *pat;
		cr_assert_eq(json_array_size(os), 5, "%s", out);
		json_array_foreach(os, i, o) {
			const char *name = json_string_value(json_object_get(o, "officer"));
			pat = json_dumps(json_object_get(o, "patterns"), JSON_COMPACT);
			if (strcmp(name, "officer-1") == 0) {
				cr_expect_eq(get(o, "acts"), 3);
				cr_expect_eq(get(o, "denied_by.revoked"), 1);
				cr_expect_str_eq(pat, "[\"use-after-revocation\"]");
			} else if (strcmp(name, "officer-4") == 0) {
				cr_expect_eq(get(o, "acts"), 7);
				cr_expect_eq(get(o, "emergency"), 5);
				cr_expect_str_eq(pat, "[]");
			} else {
				cr_expect(strcmp(pat, "[]") == 0, "%s: %s", name, pat);
			}
			free(pat);
		}
	}
	json_decref(j);
	free(out);

	cr_expect_eq(kansa_audit_stats(&out, w.lg, base, base, now, NULL), KANSA_EINVAL);
	cr_expect_eq(kansa_audit_stats(NULL, w.lg, base, now, now, NULL), KANSA_EINVAL);
	kansa_ledger__set_clock(NULL, NULL);
	kansa_ledger_close(w.lg);
	for (int i = 0; i < 3; i++) {
		kansa_key_free(w.k[i]);
		free(w.pem[i]);
	}
	free(p1); free(p2); free(wa); free(wb); free(wc); free(wd); free(wn); free(rv);
	fixture_free(&w.f);
}
