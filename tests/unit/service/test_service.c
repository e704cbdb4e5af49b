/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service's pieces without a network: the client refuses what it must
 * before sending anything, and every failure to reach a service is a deny
 * with an error (never an allow, never a half-filled receipt); kansa_serve
 * refuses missing options and a read-only ledger; the JSON answer of a
 * check is an allow only when whole and with a receipt; the collection of
 * cosignatures reports every witness it could not ask, and stops when told.
 * The end-to-end behaviour (TLS, units, limits, SIGTERM, witnesses) is
 * tests/cli/serve.sh and tests/cli/serve-witness.sh.
 */
#include "tests/unit/hang_guard.h"

#include <sys/stat.h>

#include "tests/unit/ledger/fixture.h"

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(chmod(path, mode), 0);
}

Test(kansa_client_open, refuses_what_it_must_before_sending, .timeout = KANSA_HANG_GUARD)
{
	char dir[] = "/tmp/kansa-client-XXXXXX", key[64], cert[64];
	kansa_client *c = (kansa_client *)1;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/k.pem", dir);
	snprintf(cert, sizeof(cert), "%s/c.pem", dir);
	write_file(key, "not a key\n", 0600);
	write_file(cert, "not a cert\n", 0644);
	/* REQ: SERVICE-CLIENT-TLS https only */
	cr_expect_eq(kansa_client_open(&c, "http://127.0.0.1:1", cert, key, cert), KANSA_EINVAL);
	cr_expect_null(c);
	cr_expect(strstr(kansa_error_last()->message, "https://") != NULL, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_client_open(&c, "https://127.0.0.1:1", NULL, key, cert), KANSA_EINVAL);
	/* the key is a secret: a mode that lets others read it is refused */
	cr_assert_eq(chmod(key, 0644), 0);
	cr_expect_eq(kansa_client_open(&c, "https://127.0.0.1:1", cert, key, cert), KANSA_EPERM);
	cr_expect_null(c);
	remove(key);
	remove(cert);
	rmdir(dir);
}

Test(kansa_client_check, a_service_that_does_not_answer_is_a_deny, .timeout = KANSA_HANG_GUARD)
{
	char dir[] = "/tmp/kansa-client-XXXXXX", key[64], cert[64];
	static const char req[] = "{\"requester\":\"npa-cyber-3\"}";
	kansa_client *c = NULL;
	kansa_receipt r;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/k.pem", dir);
	snprintf(cert, sizeof(cert), "%s/c.pem", dir);
	write_file(key, "not a key\n", 0600);
	write_file(cert, "not a cert\n", 0644);
	cr_assert_eq(kansa_client_open(&c, "https://127.0.0.1:1/", cert, key, cert), 0, "%s",
	    kansa_error_last()->message);
	memset(&r, 0x5a, sizeof(r));
	r.verdict = KANSA_ALLOW;
	/* REQ: SERVICE-CLIENT-FAIL nothing listening (or a certificate curl cannot use): deny */
	cr_expect_eq(kansa_client_check(&r, c, NULL, 0, req, strlen(req)), KANSA_EIO);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(r.seq, 0);
	cr_expect(strstr(r.detail, "not recorded") == r.detail, "%s", r.detail);
	cr_expect_eq(kansa_client_check(NULL, c, NULL, 0, req, strlen(req)), KANSA_EINVAL);
	kansa_client_close(c);
	kansa_client_close(NULL);
	remove(key);
	remove(cert);
	rmdir(dir);
}

Test(kansa_serve, refuses_missing_options_and_a_read_only_ledger, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_serve_options o;

	memset(&o, 0, sizeof(o));
	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, KANSA_LEDGER_READONLY), 0);
	cr_expect_eq(kansa_serve(lg, &o), KANSA_EINVAL, "no certificate, key or client CA");
	o.cert = o.key = o.client_ca = "/nonexistent";
	o.listen = "127.0.0.1:0";
	cr_expect_eq(kansa_serve(lg, &o), KANSA_EINVAL, "a read-only ledger records nothing");
	cr_expect_eq(kansa_serve(NULL, &o), KANSA_EINVAL);
	kansa_ledger_close(lg);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	cr_expect_lt(kansa_serve(lg, &o), 0, "certificate files that do not exist");
	{
		static const char *const urls[] = { "https://127.0.0.1:1", "http://127.0.0.1:1" };

		/* REQ: SERVICE-CHECKPOINTER-OPTIONS witnesses need a trigger; https only */
		o.witness_urls = urls;
		o.n_witness_urls = 1;
		cr_expect_eq(kansa_serve(lg, &o), KANSA_EINVAL, "witnesses without --checkpoint-*");
		cr_expect(strstr(kansa_error_last()->message, "--checkpoint-every") != NULL, "%s",
		    kansa_error_last()->message);
		o.checkpoint_every = 3;
		o.n_witness_urls = 2;
		cr_expect_eq(kansa_serve(lg, &o), KANSA_EINVAL, "a witness URL that is not https");
		o.n_witness_urls = 65;
		cr_expect_eq(kansa_serve(lg, &o), KANSA_ELIMIT, "more witnesses than are counted");
	}
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* What kansa_ledger_collect_cosignatures() tells on_witness, in order. */
typedef struct {
	size_t calls, last_index;
	int last_error;
	bool stop;
} collect_log;

static void on_witness(void *ctx, size_t index, const kansa_cosign_witness *w)
{
	collect_log *l = ctx;

	cr_expect_eq(index, l->calls, "witnesses are told in order");
	l->calls++;
	l->last_index = index;
	l->last_error = w->error;
}

static int stop_now(void *ctx)
{
	return ((collect_log *)ctx)->stop;
}

Test(kansa_ledger_collect_cosignatures, reports_each_witness_and_never_keeps_a_line_it_did_not_verify,
    .timeout = KANSA_HANG_GUARD)
{
	static const char *const urls[] = { "http://127.0.0.1:1", "https://127.0.0.1:1" };
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	collect_log log = { 0, 0, 0, false };
	kansa_cosign_options o = { .urls = urls, .n_urls = 2, .timeout = 5, .quorum = SIZE_MAX,
	    .stop = stop_now, .on_witness = on_witness, .ctx = &log };
	kansa_cosign_result r;
	char *note = NULL;
	size_t len = 0;

	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	cr_assert_eq(kansa_ledger_checkpoint(&note, &len, lg), 0);
	cr_expect_eq(kansa_ledger_collect_cosignatures(NULL, lg, note, len, &o), KANSA_EINVAL);
	cr_expect_eq(kansa_ledger_collect_cosignatures(&r, NULL, note, len, &o), KANSA_EINVAL);
	cr_expect_null(r.witnesses, "the result is empty on an error");

	/* the fixture's policy lists no witnesses and no quorum: nothing is needed */
	cr_assert_eq(kansa_ledger_collect_cosignatures(&r, lg, note, len, &o), 0, "%s",
	    kansa_error_last()->message);
	cr_expect_eq(log.calls, 2, "on_witness once per witness");
	cr_expect_eq(r.n_witnesses, 2);
	cr_expect_eq(r.trusted, 0);
	cr_expect_eq(r.have, 0);
	cr_expect_eq(r.need, 0);
	cr_expect_eq(r.stored, 0);
	cr_expect_eq(r.witnesses[0].error, KANSA_EINVAL, "not an https URL");
	cr_expect(strstr(r.witnesses[0].message, "https://") != NULL, "%s", r.witnesses[0].message);
	/* REQ: SERVICE-CHECKPOINTER a witness that is down is its entry's error, not the call's */
	cr_expect_eq(r.witnesses[1].error, KANSA_EIO, "nothing listens on port 1");
	cr_expect_eq(r.witnesses[1].status, 0);
	cr_expect_str_eq(r.witnesses[1].url, urls[1]);
	cr_expect_str_eq(r.witnesses[1].names, "");
	cr_expect_eq(r.witnesses[1].kept, 0);
	cr_expect_eq(r.len, len, "no line was added");
	cr_expect_eq(memcmp(r.note, note, len), 0);
	kansa_cosign_result_dispose(&r);
	cr_expect_null(r.note);
	kansa_cosign_result_dispose(NULL);

	/* REQ: WITNESS-CLIENT-QUORUM short of a quorum: KANSA_EVERIFY with the result filled */
	o.quorum = 1;
	o.n_urls = 1;
	log.calls = 0;
	cr_expect_eq(kansa_ledger_collect_cosignatures(&r, lg, note, len, &o), KANSA_EVERIFY);
	cr_expect_eq(r.need, 1);
	cr_expect_eq(r.n_witnesses, 1);
	cr_expect_not_null(r.note);
	kansa_cosign_result_dispose(&r);

	/* stopping: no witness is asked, each is reported */
	log.stop = true;
	log.calls = 0;
	o.n_urls = 2;
	o.quorum = SIZE_MAX;
	cr_expect_eq(kansa_ledger_collect_cosignatures(&r, lg, note, len, &o), 0);
	cr_expect_eq(log.calls, 2);
	cr_expect_eq(r.witnesses[1].error, KANSA_EIO);
	cr_expect(strstr(r.witnesses[1].message, "stopped") != NULL, "%s", r.witnesses[1].message);
	kansa_cosign_result_dispose(&r);
	free(note);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* The JSON answer of a check as kansa serve gives it, with @p extra fields
 * spliced in before the closing brace. */
static int answer_read(kansa_receipt *r, const char *fields)
{
	char json[1024];

	snprintf(json, sizeof(json), "{\"decision\":\"allow\",\"reason\":\"allowed\",\"detail\":\"\","
	    "\"seq\":7,\"leaf_hash\":\"%064d\",\"time\":\"2026-12-07T10:00:00Z\",%s}", 0, fields);
	return kansa_check_answer_json_read(r, json, strlen(json));
}

Test(kansa_check_answer_json_read, an_allow_only_when_whole_and_with_a_receipt, .timeout = KANSA_HANG_GUARD)
{
	static const char receipt[] = "\"receipt\":\"0oRAoPZA\""; /* d2 84 40 a0 f6 40: syntax only */
	kansa_receipt r;
	char fields[256];

	snprintf(fields, sizeof(fields), "\"time_unix\":1796637600,%s", receipt);
	cr_assert_eq(answer_read(&r, fields), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(r.verdict, KANSA_ALLOW);
	cr_expect(r.recorded);
	cr_expect_eq(r.seq, 7);
	cr_expect_eq(r.time, 1796637600);
	cr_expect_eq(r.cose_len, 6);

	/* no receipt: nothing the data holder could check */
	cr_expect_eq(answer_read(&r, "\"time_unix\":1796637600"), KANSA_EFORMAT);
	cr_expect_eq(r.verdict, KANSA_DENY);
	/* recorded, but the service signed no receipt */
	cr_expect_eq(answer_read(&r, "\"time_unix\":1796637600,\"error\":{\"code\":\"EIO\",\"message\":\"x\"}"),
	    KANSA_EIO);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect(r.recorded);
	/* a time as a bare integer only, the seconds missing */
	snprintf(fields, sizeof(fields), "%s", receipt);
	cr_expect_eq(answer_read(&r, fields), KANSA_EFORMAT);
	cr_expect_eq(r.verdict, KANSA_DENY);
	/* a key twice, a receipt that is not one, a negative seq, not JSON */
	snprintf(fields, sizeof(fields), "\"time_unix\":1,\"time_unix\":2,%s", receipt);
	cr_expect_eq(answer_read(&r, fields), KANSA_EFORMAT);
	cr_expect_eq(answer_read(&r, "\"time_unix\":1,\"receipt\":\"not base64!\""), KANSA_EFORMAT);
	cr_expect_eq(r.verdict, KANSA_DENY);
	snprintf(fields, sizeof(fields), "\"time_unix\":1,%s", receipt);
	cr_expect_eq(answer_read(&r, fields), 0);
	{
		char neg[1024];
		snprintf(neg, sizeof(neg), "{\"decision\":\"allow\",\"reason\":\"allowed\",\"detail\":\"\",\"seq\":-1,"
		    "\"leaf_hash\":\"%064d\",\"time_unix\":1,%s}", 0, receipt);
		cr_expect_eq(kansa_check_answer_json_read(&r, neg, strlen(neg)), KANSA_EFORMAT);
	}
	cr_expect_eq(kansa_check_answer_json_read(&r, "allow", 5), KANSA_EFORMAT);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(kansa_check_answer_json_read(NULL, "{}", 2), KANSA_EINVAL);
	cr_expect_eq(kansa_check_answer_json_read(&r, NULL, 0), KANSA_EINVAL);
}
