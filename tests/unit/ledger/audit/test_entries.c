/* SPDX-License-Identifier: Apache-2.0 */
/* kansa_audit_entries_*: every entry decoded, the filters, one snapshot
 * while appends go on, and the argument checks (design §12). The CLI side
 * is tests/cli/audit-entries.sh. */
#include "tests/unit/hang_guard.h"

#include "tests/unit/ledger/fixture.h"

/* A ledger: policy (0), three allows (1-3), a deny without warrant (4). */
static kansa_ledger *four_checks(ledger_fixture *f)
{
	kansa_ledger *lg = NULL;
	kansa_receipt r;

	fixture_make(f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f->db, f->dbkey, 0), 0, "%s", kansa_error_last()->message);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(kansa_check(&r, lg, f->warrant, f->warrant_len, f->request, f->request_len), 0);
	cr_assert_eq(kansa_check(&r, lg, NULL, 0, f->request, f->request_len), 0);
	cr_assert_eq(r.verdict, KANSA_DENY);
	return lg;
}

/* The seqs the filter lets through, as "1 2 3". */
static void list(char *out, size_t size, kansa_ledger *lg, const kansa_audit_filter *f)
{
	kansa_audit_entries *it = NULL;
	const kansa_audit_entry *e;
	size_t used = 0;
	int rc;

	out[0] = 0;
	cr_assert_eq(kansa_audit_entries_new(&it, lg, f), 0, "%s", kansa_error_last()->message);
	while ((rc = kansa_audit_entries_next(&e, it)) == 1)
		used += (size_t)snprintf(out + used, size - used, "%s%llu", used ? " " : "",
		    (unsigned long long)e->seq);
	cr_assert_eq(rc, 0);
	kansa_audit_entries_free(it);
}

Test(kansa_audit_entries, decodes_every_field_of_a_decision, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = four_checks(&f);
	kansa_audit_entries *it = NULL;
	const kansa_audit_entry *e;
	uint64_t done, total;

	cr_assert_eq(kansa_audit_entries_new(&it, lg, NULL), 0);
	cr_assert_eq(kansa_audit_entries_next(&e, it), 1);
	cr_expect_eq(e->kind, KANSA_AUDIT_ENTRY_POLICY);
	cr_expect_str_eq(e->kind_name, "policy");
	cr_expect_eq(e->version, 1);
	cr_assert_eq(kansa_audit_entries_next(&e, it), 1);
	cr_expect_eq(e->seq, 1);
	cr_expect_eq(e->kind, KANSA_AUDIT_ENTRY_DECISION);
	cr_expect_eq(e->verdict, KANSA_ALLOW);
	cr_expect_eq(e->reason, KANSA_REASON_ALLOWED);
	cr_expect(e->has_request);
	cr_expect_str_eq(e->requester, "npa-cyber-3");
	cr_expect_str_eq(e->officer, "officer-1");
	cr_expect_str_eq(e->action, "metadata-query");
	cr_expect_str_eq(e->justification, "test");
	cr_assert_eq(e->n_targets, 1);
	cr_expect_str_eq(e->targets[0], "203.0.113.17");
	cr_assert_eq(e->n_fields, 1);
	cr_expect_str_eq(e->fields[0], "src_ip");
	cr_expect(e->has_window);
	cr_expect_lt(e->window[0], e->window[1]);
	cr_expect(e->has_warrant && e->has_cti);
	cr_expect_str_eq(e->case_id, "T-1");
	cr_expect_str_eq(e->host, "");
	cr_expect_eq(e->altered, false);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(kansa_audit_entries_next(&e, it), 1);
	cr_expect_eq(e->seq, 4);
	cr_expect_eq(e->reason, KANSA_REASON_MALFORMED_WARRANT);
	cr_expect_eq(e->has_warrant, false);
	cr_expect_eq(e->has_cti, false);
	cr_assert_eq(kansa_audit_entries_next(&e, it), 0);
	cr_assert_null(e);
	kansa_audit_entries_progress(&done, &total, it);
	cr_expect_eq(done, 5);
	cr_expect_eq(total, 5);
	kansa_audit_entries_free(it);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_audit_entries, filters, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = four_checks(&f);
	kansa_audit_filter flt = KANSA_AUDIT_FILTER_INIT;
	const kansa_audit_entry *e;
	kansa_audit_entries *it;
	char got[256];

	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "0 1 2 3 4");
	flt.decision = KANSA_DENY;
	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "4");
	flt.decision = KANSA_ALLOW;
	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "1 2 3");
	flt = (kansa_audit_filter)KANSA_AUDIT_FILTER_INIT;
	flt.officer = "officer-1";
	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "1 2 3 4", "an officer filter keeps decisions only");
	flt.officer = "officer-2";
	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "");
	flt = (kansa_audit_filter)KANSA_AUDIT_FILTER_INIT;
	flt.requester = "npa-cyber-3";
	flt.reason = KANSA_REASON_MALFORMED_WARRANT;
	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "4");
	/* by warrant: the cti of entry 1 */
	flt = (kansa_audit_filter)KANSA_AUDIT_FILTER_INIT;
	flt.first_seq = 1;
	cr_assert_eq(kansa_audit_entries_new(&it, lg, &flt), 0);
	cr_assert_eq(kansa_audit_entries_next(&e, it), 1);
	cr_assert_eq(e->seq, 1);
	flt.first_seq = 0;
	flt.has_warrant = true;
	memcpy(flt.warrant_cti, e->cti, 16);
	kansa_audit_entries_free(it);
	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "1 2 3");
	flt.warrant_cti[0] ^= 1;
	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "");
	/* by time: every entry is from now */
	flt = (kansa_audit_filter)KANSA_AUDIT_FILTER_INIT;
	flt.from = (int64_t)time(NULL) + 3600;
	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "");
	flt.from = INT64_MIN;
	flt.until = (int64_t)time(NULL) - 3600;
	list(got, sizeof(got), lg, &flt);
	cr_expect_str_eq(got, "");
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_audit_entries, reads_one_snapshot, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = four_checks(&f);
	kansa_audit_entries *it = NULL;
	const kansa_audit_entry *e;
	kansa_receipt r;
	int n = 0;

	cr_assert_eq(kansa_audit_entries_new(&it, lg, NULL), 0);
	cr_assert_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, f.request, f.request_len), 0);
	while (kansa_audit_entries_next(&e, it) == 1)
		n++;
	cr_expect_eq(n, 5, "the append after the iterator began is not seen");
	kansa_audit_entries_free(it);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_audit_entries, refuses_bad_arguments, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = four_checks(&f);
	kansa_audit_filter flt = KANSA_AUDIT_FILTER_INIT;
	kansa_audit_entries *it = (kansa_audit_entries *)&flt;
	const kansa_audit_entry *e;

	cr_expect_eq(kansa_audit_entries_new(&it, NULL, NULL), KANSA_EINVAL);
	flt.version = 99;
	cr_expect_eq(kansa_audit_entries_new(&it, lg, &flt), KANSA_EINVAL);
	cr_expect_null(it);
	cr_expect_not_null(strstr(kansa_error_last()->message, "KANSA_AUDIT_FILTER_INIT"));
	cr_expect_eq(kansa_audit_entries_next(&e, NULL), KANSA_EINVAL);
	kansa_audit_entries_free(NULL);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

#include <malloc.h>

/* Memory does not grow with the ledger: while the iterator reads a ledger
 * of 6000 entries, the heap at entry 6000 is what it was at entry 5000
 * (the rows stream; only the warrant's id is kept). SQLite's page cache
 * grows until its bound (about 4500 such entries here), hence the late
 * window. A leak of 32 bytes an entry would show. Skipped where malloc is
 * not glibc's, so that mallinfo2 does not see it (valgrind, sanitizers). */
Test(kansa_audit_entries, memory_does_not_grow_with_the_ledger, .timeout = KANSA_HANG_GUARD)
{
	const char *preload = getenv("LD_PRELOAD");
	size_t before = mallinfo2().uordblks, with;
	void *volatile probe = malloc(4096);
	ledger_fixture f;
	kansa_ledger *lg;
	kansa_audit_entries *it = NULL;
	const kansa_audit_entry *e;
	size_t at5000 = 0, at6000 = 0;
	kansa_receipt r;

	with = mallinfo2().uordblks;
	free(probe);
	if ((preload && strstr(preload, "vgpreload")) || probe == NULL || with < before + 4096)
		cr_skip_test("mallinfo2 does not see this malloc (valgrind or a sanitizer)");
	lg = four_checks(&f);
	for (int i = 0; i < 6000; i++)
		cr_assert_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, f.request, f.request_len), 0);
	cr_assert_eq(kansa_audit_entries_new(&it, lg, NULL), 0);
	while (kansa_audit_entries_next(&e, it) == 1) {
		if (e->seq == 5000)
			at5000 = mallinfo2().uordblks;
		if (e->seq == 6000)
			at6000 = mallinfo2().uordblks;
	}
	cr_assert_gt(at5000, 0);
	cr_expect_lt(at6000, at5000 + 32 * 1024, "heap at entry 5000: %zu bytes, at 6000: %zu", at5000,
	    at6000);
	kansa_audit_entries_free(it);
	kansa_ledger_close(lg);
	fixture_free(&f);
}
