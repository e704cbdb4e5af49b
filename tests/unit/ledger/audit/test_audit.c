/* SPDX-License-Identifier: Apache-2.0 */
/* kansa_ledger_audit and kansa_ledger_report through the library: a clean
 * ledger has no finding; stored Merkle nodes and checkpoints that lie are
 * found; the audit reads one snapshot while appends go on. Entry-level
 * tampering with the sqlcipher CLI is in tests/cli/tamper.sh. */
#include "tests/unit/hang_guard.h"
#include <pthread.h>

#include "tests/unit/ledger/fixture.h"
#include "ledger/audit/audit.h"
#include "ledger/ledger_impl.h"
#include "ledger/store/store.h"

typedef struct {
	int kinds[64];
	uint64_t seqs[64];
	bool has_seq[64];
	size_t n;
	uint64_t progress_calls, last_done;
} seen;

static void on_finding(void *ctx, const kansa_audit_finding *f)
{
	seen *s = ctx;

	if (s->n < 64) {
		s->kinds[s->n] = f->kind;
		s->seqs[s->n] = f->seq;
		s->has_seq[s->n] = f->has_seq;
		s->n++;
	}
	cr_assert_str_neq(kansa_finding_name(f->kind), "unknown");
	cr_assert_gt(strlen(f->message), 10);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	seen *s = ctx;

	cr_assert_leq(done, total);
	cr_assert_geq(done, s->last_done);
	s->last_done = done;
	s->progress_calls++;
}

static bool found(const seen *s, int kind)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->kinds[i] == kind)
			return true;
	return false;
}

static void audit(kansa_audit_summary *sum, seen *s, kansa_ledger *lg, int flags)
{
	kansa_audit_options opt = { flags, on_finding, on_progress, s, NULL };

	memset(s, 0, sizeof(*s));
	cr_assert_eq(kansa_ledger_audit(sum, lg, &opt), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(sum->findings, s->n < 64 ? s->n : sum->findings);
}

Test(kansa_ledger_audit, a_clean_ledger_has_no_finding, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 10);
	kansa_audit_summary sum;
	kansa_ledger_info info;
	char *note = NULL;
	seen s;

	cr_assert_eq(kansa_ledger_checkpoint(&note, NULL, lg), 0);
	free(note);
	audit(&sum, &s, lg, KANSA_AUDIT_REPLAY);
	cr_assert_eq(sum.findings, 0, "finding: kind %d", s.n ? s.kinds[0] : 0);
	cr_assert_eq(sum.entries, 11);
	cr_assert_eq(sum.size, 11);
	cr_assert_eq(sum.decisions, 10);
	cr_assert_eq(sum.documents, 2); /* the policy and the warrant */
	cr_assert_eq(sum.checkpoints, 1);
	cr_assert_not(sum.has_first_bad);
	cr_assert_eq(kansa_ledger_get_info(&info, lg), 0);
	cr_assert_arr_eq(sum.root, info.root, KANSA_HASH_LEN);
	cr_assert_geq(s.progress_calls, 1);
	cr_assert_eq(s.last_done, 11);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_ledger_audit, a_stored_merkle_node_that_lies_is_found, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 5);
	uint8_t bad[KANSA_HASH_LEN];
	kansa_audit_summary sum;
	seen s;

	memset(bad, 0x42, sizeof(bad));
	cr_assert_eq(kansa_store__node_put(kansa_ledger__store(lg), 0, 3, bad), 0);
	audit(&sum, &s, lg, 0);
	cr_assert(found(&s, KANSA_FINDING_TREE_MISMATCH));
	cr_assert(sum.has_first_bad);
	cr_assert_eq(sum.first_bad_seq, 3);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_ledger_audit, an_inner_node_that_lies_is_found, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 7); /* 8 entries: a perfect tree */
	uint8_t bad[KANSA_HASH_LEN];
	kansa_audit_summary sum;
	seen s;

	memset(bad, 0x17, sizeof(bad));
	cr_assert_eq(kansa_store__node_put(kansa_ledger__store(lg), 2, 1, bad), 0);
	audit(&sum, &s, lg, 0);
	cr_assert_eq(sum.findings, 1);
	cr_assert_eq(s.kinds[0], KANSA_FINDING_TREE_MISMATCH);
	cr_assert_not(s.has_seq[0]);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* REQ: AUDIT-TREE-EXTRA a node above the tree's height, or past the width
 * of its level for the tree's size, is a node the tree does not have */
Test(kansa_ledger_audit, a_node_the_tree_does_not_have_is_found, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 5); /* 6 entries: levels 0..2 */
	uint8_t h[KANSA_HASH_LEN];
	kansa_audit_summary sum;
	seen s;

	memset(h, 0x5a, sizeof(h));
	audit(&sum, &s, lg, 0);
	cr_assert_eq(sum.findings, 0);
	cr_assert_eq(kansa_store__node_put(kansa_ledger__store(lg), 9, 0, h), 0);   /* above the height */
	cr_assert_eq(kansa_store__node_put(kansa_ledger__store(lg), 1, 3, h), 0);   /* 6 >> 1 = 3 wide */
	cr_assert_eq(kansa_store__node_put(kansa_ledger__store(lg), 2, 1, h), 0);   /* 6 >> 2 = 1 wide */
	audit(&sum, &s, lg, 0);
	cr_assert_eq(sum.findings, 3, "findings: %zu", s.n);
	for (size_t i = 0; i < s.n; i++) {
		cr_expect_eq(s.kinds[i], KANSA_FINDING_TREE_MISMATCH);
		cr_expect_not(s.has_seq[i]);
	}
	cr_expect_not(sum.has_first_bad);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* REQ: AUDIT-MALFORMED a damaged policy row in the store is a finding of
 * the audit; opened for auditing the ledger does not load it */
Test(kansa_ledger_audit, a_damaged_policy_row_is_a_finding_not_an_open_error, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 2), *au = NULL;
	kansa_audit_summary sum;
	seen s;

	cr_assert_eq(kansa_store__meta_put(kansa_ledger__store(lg), "policy.version",
	    (const uint8_t *)"x", 1), 0);
	kansa_ledger_close(lg);
	lg = NULL;
	cr_expect_eq(kansa_ledger_open(&lg, f.db, f.dbkey, KANSA_LEDGER_READONLY), KANSA_EFORMAT);
	cr_expect_null(lg);
	cr_assert_eq(kansa_ledger_open(&au, f.db, f.dbkey, KANSA_LEDGER_AUDIT), 0, "%s",
	    kansa_error_last()->message);
	audit(&sum, &s, au, 0);
	cr_expect_eq(sum.findings, 0, "verify does not read derived state");
	audit(&sum, &s, au, KANSA_AUDIT_REPLAY);
	cr_expect_eq(sum.findings, 1);
	cr_expect_eq(s.kinds[0], KANSA_FINDING_STATE);
	cr_expect_eq(sum.decisions, 2);
	kansa_ledger_close(au);
	fixture_free(&f);
}

Test(kansa_ledger_audit, checkpoints_not_signed_by_the_ledger_or_with_another_root, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 4);
	kansa_key *other = NULL;
	uint8_t root[KANSA_HASH_LEN];
	kansa_audit_summary sum;
	char *note = NULL;
	size_t len = 0;
	seen s;

	/* a checkpoint of size 3 with the right root, signed by another key */
	memset(root, 0, sizeof(root));
	cr_assert_eq(kansa_key_generate(&other), 0);
	cr_assert_eq(kansa_checkpoint_sign(&note, &len, other, kansa_ledger__origin(lg),
	    kansa_ledger__origin(lg), 3, root), 0);
	cr_assert_eq(kansa_store__checkpoint_put(kansa_ledger__store(lg), 3, (uint8_t *)note, len), 0);
	free(note);
	/* a checkpoint of size 4 signed by the ledger's key, with a wrong root */
	memset(root, 0x99, sizeof(root));
	cr_assert_eq(kansa_checkpoint_sign(&note, &len, kansa_ledger__log_key(lg), kansa_ledger__origin(lg),
	    kansa_ledger__origin(lg), 4, root), 0);
	cr_assert_eq(kansa_store__checkpoint_put(kansa_ledger__store(lg), 4, (uint8_t *)note, len), 0);
	free(note);
	/* a checkpoint of size 9 (the ledger has 5 entries), signed by the ledger */
	cr_assert_eq(kansa_checkpoint_sign(&note, &len, kansa_ledger__log_key(lg), kansa_ledger__origin(lg),
	    kansa_ledger__origin(lg), 9, root), 0);
	cr_assert_eq(kansa_store__checkpoint_put(kansa_ledger__store(lg), 9, (uint8_t *)note, len), 0);
	free(note);

	audit(&sum, &s, lg, 0);
	cr_assert_eq(sum.checkpoints, 3);
	cr_assert(found(&s, KANSA_FINDING_CHECKPOINT_SIGNATURE));
	cr_assert(found(&s, KANSA_FINDING_CHECKPOINT_ROOT));
	cr_assert(found(&s, KANSA_FINDING_TRUNCATED));
	cr_assert_eq(sum.first_bad_seq, 5, "truncation names the first missing entry");
	kansa_key_free(other);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

typedef struct {
	ledger_fixture *f;
	kansa_ledger *lg;
	int appended;
} writer_arg;

static void *writer(void *p)
{
	writer_arg *a = p;
	kansa_receipt r;

	for (int i = 0; i < 50; i++)
		if (kansa_check(&r, a->lg, a->f->warrant, a->f->warrant_len, a->f->request, a->f->request_len) == 0)
			a->appended++;
	return NULL;
}

Test(kansa_ledger_audit, reads_one_snapshot_while_appends_go_on, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 200), *ro = NULL;
	kansa_audit_summary sum;
	writer_arg a;
	pthread_t t;
	seen s;

	cr_assert_eq(kansa_ledger_open(&ro, f.db, f.dbkey, KANSA_LEDGER_READONLY), 0);
	a = (writer_arg){ &f, lg, 0 };
	cr_assert_eq(pthread_create(&t, NULL, writer, &a), 0);
	audit(&sum, &s, ro, KANSA_AUDIT_REPLAY);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(sum.findings, 0);
	cr_assert_eq(sum.entries, sum.size, "the pass read exactly its snapshot");
	cr_assert_geq(sum.entries, 201);
	cr_assert_eq(a.appended, 50);
	audit(&sum, &s, ro, KANSA_AUDIT_REPLAY);
	cr_assert_eq(sum.entries, 251);
	cr_assert_eq(sum.findings, 0);
	kansa_ledger_close(ro);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_ledger_report, counts_uses_and_denials, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 3);
	kansa_audit_summary sum;
	kansa_receipt r;
	char *json = NULL;

	/* a denial: the request without a warrant */
	cr_assert_eq(kansa_check(&r, lg, NULL, 0, f.request, f.request_len), 0);
	cr_assert_eq(r.verdict, KANSA_DENY);
	cr_assert_eq(kansa_ledger_report(&json, &sum, lg, NULL, (int64_t)time(NULL)), 0);
	cr_assert_eq(sum.findings, 0);
	cr_assert_not_null(strstr(json, "\"schema\": \"kansa.audit.report/1\""));
	cr_assert_not_null(strstr(json, "\"uses\": 3"), "%s", json);
	cr_assert_not_null(strstr(json, "\"malformed-warrant\": 1"), "%s", json);
	cr_assert_not_null(strstr(json, "\"requester\": \"npa-cyber-3\""), "%s", json);
	free(json);
	cr_assert_eq(kansa_ledger_report(NULL, &sum, lg, NULL, 0), KANSA_EINVAL);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_finding_name, every_kind_has_a_stable_name)
{
	cr_assert_str_eq(kansa_finding_name(KANSA_FINDING_BODY_ALTERED), "body-altered");
	cr_assert_str_eq(kansa_finding_name(KANSA_FINDING_TRUNCATED), "ledger-shorter-than-checkpoint");
	cr_assert_str_eq(kansa_finding_name(KANSA_FINDING_STATE), "state-mismatch");
	cr_assert_str_eq(kansa_finding_name(0), "unknown");
	cr_assert_str_eq(kansa_finding_name(99), "unknown");
	for (int k = KANSA_FINDING_MALFORMED_ENTRY; k <= KANSA_FINDING_STATE; k++)
		cr_assert_str_neq(kansa_finding_name(k), "unknown");
}
