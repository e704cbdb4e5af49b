/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key files: PKCS#8 / SPKI round trips, interop with the openssl command in
 * both directions, and the negative cases: wrong passphrase, truncated PEM,
 * RSA key, world-readable key file, unwritable path, existing file.
 */
#include "tests/unit/hang_guard.h"
#include "helpers.h"

static kansa_secret *pass(const char *s)
{
	kansa_secret *p = NULL;
	cr_assert_eq(kansa_secret_from(&p, s, strlen(s)), 0);
	return p;
}

static char *path_in(const char *dir, const char *name)
{
	char *p = malloc(512);
	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

static int sh(const char *fmt, const char *a, const char *b)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), fmt, a, b);
	return system(cmd);
}

Test(kansa_key_save_private, round_trips_encrypted_and_refuses_wrong_passphrase)
{
	char *dir = make_tmpdir(), *f = path_in(dir, "a.key");
	kansa_secret *good = pass("correct horse"), *bad = pass("wrong horse");
	kansa_key *k = NULL, *l = NULL;
	uint8_t a[32], b[32];
	struct stat st;

	cr_assert_eq(kansa_key_generate(&k), 0);
	cr_assert_eq(kansa_key_set_name(k, "member-a"), 0);
	cr_assert_eq(kansa_key_save_private(k, f, good), 0);
	cr_assert_eq(stat(f, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600); /* REQ: KEY-FILE-0600 */
	cr_expect(kansa_key_file_is_encrypted(f));

	cr_expect_eq(kansa_key_load(&l, f, bad), KANSA_EKEY); /* REQ: KEY-WRONG-PASS */
	cr_expect_null(l);
	cr_expect_eq(kansa_key_load(&l, f, NULL), KANSA_EKEY);
	cr_assert_eq(kansa_key_load(&l, f, good), 0);
	kansa_key_public_raw(a, k);
	kansa_key_public_raw(b, l);
	cr_expect_eq(memcmp(a, b, 32), 0);
	cr_expect(kansa_key_is_private(l));
	cr_expect_str_eq(kansa_key_name(l), "member-a");

	/* the file never holds the passphrase or the raw seed in clear */
	cr_expect_neq(sh("grep -q 'correct horse' '%s'%s", f, ""), 0);

	kansa_key_free(k); kansa_key_free(l);
	kansa_secret_free(good); kansa_secret_free(bad);
	free(f); rm_tree(dir);
}

Test(kansa_key_save_private, refuses_to_overwrite_and_leaves_nothing_on_failure)
{
	char *dir = make_tmpdir(), *f = path_in(dir, "a.key"), *bad = path_in(dir, "no/such/dir/x.key");
	kansa_key *k = NULL;

	cr_assert_eq(kansa_key_generate(&k), 0);
	cr_assert_eq(kansa_key_save_private(k, f, NULL), 0);
	cr_expect_eq(kansa_key_save_private(k, f, NULL), KANSA_EEXISTS);
	cr_expect_eq(kansa_key_save_private(k, bad, NULL), KANSA_EIO);
	/* only a.key in the directory: no temporary file left behind */
	cr_expect_eq(sh("test \"$(ls -A '%s' | tr '\\n' ' ')\" = 'a.key '%s", dir, ""), 0);
	/* an unwritable directory */
	cr_assert_eq(chmod(dir, 0500), 0);
	if (geteuid() != 0) { /* root ignores directory permissions */
		char *g = path_in(dir, "b.key");
		cr_expect_eq(kansa_key_save_private(k, g, NULL), KANSA_EIO);
		cr_expect_neq(access(g, F_OK), 0);
		free(g);
	}
	chmod(dir, 0700);
	kansa_key_free(k);
	free(f); free(bad); rm_tree(dir);
}

Test(kansa_key_load, refuses_group_or_world_readable_private_key)
{
	char *dir = make_tmpdir(), *f = path_in(dir, "a.key"), *pub = path_in(dir, "a.pub");
	kansa_key *k = NULL, *l = NULL;

	cr_assert_eq(kansa_key_generate(&k), 0);
	cr_assert_eq(kansa_key_save_private(k, f, NULL), 0);
	cr_assert_eq(kansa_key_save_public(k, pub), 0);
	cr_assert_eq(chmod(f, 0644), 0);
	cr_expect_eq(kansa_key_load(&l, f, NULL), KANSA_EPERM); /* REQ: KEY-FILE-PERM */
	cr_expect(strstr(kansa_error_last()->message, "chmod 600") != NULL);
	cr_assert_eq(chmod(f, 0640), 0);
	cr_expect_eq(kansa_key_load(&l, f, NULL), KANSA_EPERM);
	cr_assert_eq(chmod(f, 0600), 0);
	cr_expect_eq(kansa_key_load(&l, f, NULL), 0);
	kansa_key_free(l);
	l = NULL;
	/* public key files may be world-readable */
	cr_expect_eq(kansa_key_load(&l, pub, NULL), 0);
	cr_expect(!kansa_key_is_private(l));
	kansa_key_free(k); kansa_key_free(l);
	free(f); free(pub); rm_tree(dir);
}

Test(kansa_key_load, rejects_truncated_pem_and_non_ed25519_keys)
{
	char *dir = make_tmpdir(), *f = path_in(dir, "a.key"), *t = path_in(dir, "t.key"),
	     *rsa = path_in(dir, "rsa.key"), *junk = path_in(dir, "junk.key");
	kansa_secret *p = pass("pw");
	kansa_key *k = NULL, *l = NULL;

	cr_assert_eq(kansa_key_generate(&k), 0);
	cr_assert_eq(kansa_key_save_private(k, f, p), 0);
	/* keep the first 3 lines only */
	cr_assert_eq(sh("head -n 3 '%s' > '%s'", f, t), 0);
	chmod(t, 0600);
	cr_expect_eq(kansa_key_load(&l, t, p), KANSA_EFORMAT);
	cr_assert_eq(sh("openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 -out '%s' 2>/dev/null%s", rsa, ""), 0);
	chmod(rsa, 0600);
	cr_expect_eq(kansa_key_load(&l, rsa, NULL), KANSA_EFORMAT);
	cr_expect(strstr(kansa_error_last()->message, "not an Ed25519 key") != NULL);
	write_text(junk, "hello\n", 0600);
	cr_expect_eq(kansa_key_load(&l, junk, NULL), KANSA_EFORMAT);
	cr_expect_null(l);
	kansa_key_free(k);
	kansa_secret_free(p);
	free(f); free(t); free(rsa); free(junk); rm_tree(dir);
}

/* REQ: KEY-INTEROP a kansa key is read by openssl, and signatures verify both ways. */
Test(kansa_key, interoperates_with_openssl_command)
{
	char *dir = make_tmpdir(), *f = path_in(dir, "a.key"), *pub = path_in(dir, "a.pub"),
	     *pw = path_in(dir, "pw"), *msg = path_in(dir, "msg"), *sig = path_in(dir, "sig"),
	     *o = path_in(dir, "o.key"), *opub = path_in(dir, "o.pub");
	kansa_secret *p = pass("interop pass");
	kansa_key *k = NULL, *l = NULL;
	uint8_t s[64], *buf = NULL;
	size_t n = 0;
	const char text[] = "warrant 2026-ACD-0042";
	char cmd[2048];

	write_text(pw, "interop pass\n", 0600);
	write_text(msg, text, 0600);
	/* kansa -> openssl */
	cr_assert_eq(kansa_key_generate(&k), 0);
	cr_assert_eq(kansa_key_save_private(k, f, p), 0);
	cr_assert_eq(kansa_key_save_public(k, pub), 0);
	snprintf(cmd, sizeof(cmd), "openssl pkeyutl -sign -rawin -inkey '%s' -passin 'file:%s' -in '%s' -out '%s'", f, pw, msg, sig);
	cr_assert_eq(system(cmd), 0, "openssl cannot sign with a kansa key");
	cr_assert_eq(kansa_file_read(&buf, &n, sig, 1024, 0), 0);
	cr_assert_eq(n, 64);
	cr_expect_eq(kansa_key_verify(k, (const uint8_t *)text, strlen(text), buf), 0);
	free(buf);
	cr_assert_eq(kansa_key_sign(s, k, (const uint8_t *)text, strlen(text)), 0);
	cr_assert_eq(kansa_file_write(sig, s, 64, 0600, KANSA_FILE_REPLACE), 0);
	snprintf(cmd, sizeof(cmd), "openssl pkeyutl -verify -rawin -pubin -inkey '%s' -in '%s' -sigfile '%s' >/dev/null", pub, msg, sig);
	cr_expect_eq(system(cmd), 0, "openssl does not verify a kansa signature");

	/* openssl -> kansa: encrypted and unencrypted */
	snprintf(cmd, sizeof(cmd), "openssl genpkey -algorithm ed25519 -aes-256-cbc -pass 'file:%s' -out '%s' && chmod 600 '%s' && openssl pkey -in '%s' -passin 'file:%s' -pubout -out '%s'", pw, o, o, o, pw, opub);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(kansa_key_load(&l, o, p), 0);
	cr_assert_eq(kansa_key_sign(s, l, (const uint8_t *)text, strlen(text)), 0);
	cr_assert_eq(kansa_file_write(sig, s, 64, 0600, KANSA_FILE_REPLACE), 0);
	snprintf(cmd, sizeof(cmd), "openssl pkeyutl -verify -rawin -pubin -inkey '%s' -in '%s' -sigfile '%s' >/dev/null", opub, msg, sig);
	cr_expect_eq(system(cmd), 0, "openssl does not verify kansa's signature with an openssl key");
	kansa_key_free(l);
	l = NULL;
	snprintf(cmd, sizeof(cmd), "rm -f '%s' && openssl genpkey -algorithm ed25519 -out '%s' && chmod 600 '%s'", o, o, o);
	cr_assert_eq(system(cmd), 0);
	cr_expect_eq(kansa_key_load(&l, o, NULL), 0);
	cr_expect(kansa_key_is_private(l));

	kansa_key_free(k); kansa_key_free(l);
	kansa_secret_free(p);
	free(f); free(pub); free(pw); free(msg); free(sig); free(o); free(opub);
	rm_tree(dir);
}

Test(kansa_key_sign, refuses_public_keys)
{
	kansa_key *k = NULL, *pk = NULL;
	uint8_t raw[32], s[64];

	cr_assert_eq(kansa_key_generate(&k), 0);
	kansa_key_public_raw(raw, k);
	cr_assert_eq(kansa_key_from_public(&pk, raw), 0);
	cr_expect_eq(kansa_key_sign(s, pk, raw, 32), KANSA_EINVAL);
	cr_expect_eq(kansa_key_save_private(pk, "/tmp/never-written.key", NULL), KANSA_EINVAL);
	kansa_key_free(k); kansa_key_free(pk);
}

Test(kansa_key_set_name, rejects_bad_names)
{
	kansa_key *k = NULL;

	cr_assert_eq(kansa_key_generate(&k), 0);
	cr_expect_eq(kansa_key_set_name(k, ""), KANSA_EFORMAT);
	cr_expect_eq(kansa_key_set_name(k, "a b"), KANSA_EFORMAT);
	cr_expect_eq(kansa_key_set_name(k, "x\n-----BEGIN"), KANSA_EFORMAT);
	cr_expect_eq(kansa_key_set_name(k, "member-a"), 0);
	kansa_key_free(k);
}

Test(kansa_secret_read_file, enforces_mode_and_reads_first_line)
{
	char *dir = make_tmpdir(), *f = path_in(dir, "pw");
	kansa_secret *s = NULL;

	write_text(f, "line one\nline two\n", 0644);
	cr_expect_eq(kansa_secret_read_file(&s, f), KANSA_EPERM);
	cr_expect_null(s);
	chmod(f, 0600);
	cr_assert_eq(kansa_secret_read_file(&s, f), 0);
	cr_expect_eq(kansa_secret_len(s), 8);
	cr_expect_eq(memcmp(kansa_secret_data(s), "line one", 8), 0);
	kansa_secret_free(s);
	s = NULL;
	write_text(f, "\n", 0600);
	cr_expect_eq(kansa_secret_read_file(&s, f), KANSA_EFORMAT);
	free(f);
	f = path_in(dir, "missing");
	cr_expect_eq(kansa_secret_read_file(&s, f), KANSA_ENOTFOUND);
	free(f); rm_tree(dir);
}

/* REQ: SEC-FILE-OPEN a FIFO is refused at once (no writer ever comes), with
 * the input's code for documents and the environment's for secrets. */
Test(kansa_file_read, refuses_a_fifo_without_waiting, .timeout = KANSA_HANG_GUARD)
{
	char *dir = make_tmpdir(), *f = path_in(dir, "fifo");
	kansa_secret *s = NULL;
	uint8_t *buf = NULL;
	size_t n = 0;

	cr_assert_eq(mkfifo(f, 0600), 0);
	cr_expect_eq(kansa_file_read(&buf, &n, f, 1024, 0), KANSA_EFORMAT);
	cr_expect_null(buf);
	cr_expect_not_null(strstr(kansa_error_last()->message, "is not a regular file"), "%s",
	    kansa_error_last()->message);
	cr_expect_eq(kansa_file_read(&buf, &n, f, 1024, KANSA_FILE_SECRET), KANSA_EIO);
	cr_expect_eq(kansa_secret_read_file(&s, f), KANSA_EIO);
	cr_expect_null(s);
	cr_expect_eq(kansa_file_read(&buf, &n, dir, 1024, 0), KANSA_EFORMAT);
	free(f); rm_tree(dir);
}
