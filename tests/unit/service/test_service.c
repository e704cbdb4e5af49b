/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service's pieces without a network: the client refuses what it must
 * before sending anything, and every failure to reach a service is a deny
 * with an error (never an allow, never a half-filled receipt); kansa_serve
 * refuses missing options and a read-only ledger. The end-to-end behaviour
 * (TLS, units, limits, SIGTERM) is tests/cli/serve.sh.
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
	kansa_ledger_close(lg);
	fixture_free(&f);
}
