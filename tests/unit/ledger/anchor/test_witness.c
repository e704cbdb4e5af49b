/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The witness (ledger/anchor/witness.c): the add-checkpoint body parser
 * (strict: old size without leading zeros, at most 63 base64 hashes, the
 * empty line), and kansa_witness_add_checkpoint()'s state logic: cosign from
 * size 0, 409 with the size cosigned last, 422 for a bad proof, a valid
 * proof from 1 to 2, refusal of a smaller size and of another root for the
 * size cosigned (no state change), 404 and 403, a state file of another
 * witness refused, and parallel requests for one log serialized: exactly
 * one cosigned. tests/cli/witness-serve.sh runs it over HTTPS.
 */
#include "tests/unit/hang_guard.h"
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kansa.h"
#include "keys/keys.h"
#include "ledger/anchor/witness.h"

#define ORIGIN "example.org/log"
#define H44 "vfUWOQcrzp6HR4yx7Gy9wb8gALX1vYlWN3mfMR4VCtw="

static int parse(kansa_witness_request *rq, const char *s)
{
	return kansa_witness__parse(rq, s, strlen(s));
}

Test(kansa_witness__parse, splits_a_valid_body)
{
	static kansa_witness_request rq;
	const char *body = "old 20852014\n" H44 "\n" H44 "\n\nexample\n";

	cr_assert_eq(parse(&rq, body), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(rq.old_size, 20852014);
	cr_assert_eq(rq.n_proof, 2);
	cr_assert_str_eq(rq.note, "example\n");
	cr_assert_eq(parse(&rq, "old 0\n\nx"), 0);
	cr_assert_eq(rq.old_size, 0);
	cr_assert_eq(rq.n_proof, 0);
	cr_assert_eq(parse(&rq, "old 18446744073709551615\n\nx"), 0);
	cr_assert_eq(rq.old_size, UINT64_MAX);
}

Test(kansa_witness__parse, refuses_what_c2sp_does_not_allow)
{
	static kansa_witness_request rq;
	char big[80 * 64 + 64];
	int n;

	cr_assert_eq(parse(&rq, ""), KANSA_EFORMAT);
	cr_assert_eq(parse(&rq, "old 1"), KANSA_EFORMAT);           /* no newline */
	cr_assert_eq(parse(&rq, "old \n\nx"), KANSA_EFORMAT);
	cr_assert_eq(parse(&rq, "old 01\n\nx"), KANSA_EFORMAT);     /* leading zero */
	cr_assert_eq(parse(&rq, "old +1\n\nx"), KANSA_EFORMAT);
	cr_assert_eq(parse(&rq, "old  1\n\nx"), KANSA_EFORMAT);
	cr_assert_eq(parse(&rq, "Old 1\n\nx"), KANSA_EFORMAT);
	cr_assert_eq(parse(&rq, "old 18446744073709551616\n\nx"), KANSA_EFORMAT); /* 2^64 */
	cr_assert_eq(parse(&rq, "old 1\n" H44 "\nx\n"), KANSA_EFORMAT); /* no empty line */
	cr_assert_eq(parse(&rq, "old 1\n" H44 "\n\n"), KANSA_EFORMAT);  /* no checkpoint */
	cr_assert_eq(parse(&rq, "old 1\nAAAA\n\nx"), KANSA_EFORMAT);   /* 3 bytes */
	cr_assert_eq(parse(&rq, "old 1\n" H44 " \n\nx"), KANSA_EFORMAT);
	cr_assert_eq(parse(&rq, "old 1\r\n\nx"), KANSA_EFORMAT);
	n = snprintf(big, sizeof(big), "old 1\n");
	for (int i = 0; i < 63; i++)
		n += snprintf(big + n, sizeof(big) - (size_t)n, H44 "\n");
	snprintf(big + n, sizeof(big) - (size_t)n, "\nx");
	cr_assert_eq(parse(&rq, big), 0, "63 proof lines are allowed");
	snprintf(big + n, sizeof(big) - (size_t)n, H44 "\n\nx");
	cr_assert_eq(parse(&rq, big), KANSA_ELIMIT, "64 are not");
}

/* ---- the state logic ------------------------------------------------------- */

typedef struct {
	char dir[256];
	kansa_key *log_key, *me, *other;
	kansa_note_verifier *log;
	kansa_witness *w;
} wfix;

static void setup(wfix *f)
{
	const kansa_note_verifier *logs[1];
	const char *tmp = getenv("TMPDIR");

	snprintf(f->dir, sizeof(f->dir), "%s/kansa-witness-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
	cr_assert_not_null(mkdtemp(f->dir));
	cr_assert_eq(kansa_key_generate(&f->log_key), 0);
	cr_assert_eq(kansa_key_generate(&f->me), 0);
	cr_assert_eq(kansa_key_generate(&f->other), 0);
	cr_assert_eq(kansa_key_set_name(f->me, "witness-w1"), 0);
	cr_assert_eq(kansa_key_set_name(f->other, "witness-w2"), 0);
	cr_assert_eq(kansa_note_verifier_from_key(&f->log, f->log_key, ORIGIN), 0);
	logs[0] = f->log;
	cr_assert_eq(kansa_witness_open(&f->w, f->me, logs, 1, f->dir), 0, "%s", kansa_error_last()->message);
}

static void teardown(wfix *f)
{
	char cmd[300];

	kansa_witness_free(f->w);
	kansa_note_verifier_free(f->log);
	kansa_key_free(f->log_key);
	kansa_key_free(f->me);
	kansa_key_free(f->other);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	cr_expect_eq(system(cmd), 0);
}

/* A body: old size, proof hashes, a checkpoint of (size, root) signed by @p key. */
static char *body_of(const kansa_key *key, const char *origin, uint64_t old, uint64_t size,
    const uint8_t root[KANSA_HASH_LEN], const uint8_t (*proof)[KANSA_HASH_LEN], size_t n_proof)
{
	kansa_buf b = KANSA_BUF_INIT(1 << 20);
	char *note = NULL, h[64];
	size_t len = 0;

	cr_assert_eq(kansa_checkpoint_sign(&note, &len, key, origin, origin, size, root), 0);
	cr_assert_eq(kansa_buf_printf(&b, "old %llu\n", (unsigned long long)old), 0);
	for (size_t i = 0; i < n_proof; i++) {
		cr_assert_eq(kansa_base64_encode(h, sizeof(h), proof[i], KANSA_HASH_LEN), 0);
		cr_assert_eq(kansa_buf_printf(&b, "%s\n", h), 0);
	}
	cr_assert_eq(kansa_buf_printf(&b, "\n%s", note), 0);
	cr_assert_eq(kansa_buf_putc(&b, 0), 0);
	free(note);
	return (char *)kansa_buf_detach(&b, &len);
}

static int post(kansa_witness_answer *a, wfix *f, const kansa_key *key, uint64_t old, uint64_t size,
    const uint8_t root[KANSA_HASH_LEN], const uint8_t (*proof)[KANSA_HASH_LEN], size_t n_proof)
{
	char *body = body_of(key, ORIGIN, old, size, root, proof, n_proof);
	int error = kansa_witness_add_checkpoint(a, f->w, body, strlen(body));

	free(body);
	return error;
}

/* Leaf hashes l0, l1 and the roots of the trees of 1 and 2 leaves. */
static void tree2(uint8_t l[2][KANSA_HASH_LEN], uint8_t r1[KANSA_HASH_LEN], uint8_t r2[KANSA_HASH_LEN])
{
	uint8_t node[1 + 2 * KANSA_HASH_LEN] = { 1 };

	cr_assert_eq(kansa_sha256_leaf(l[0], (const uint8_t *)"a", 1), 0);
	cr_assert_eq(kansa_sha256_leaf(l[1], (const uint8_t *)"b", 1), 0);
	memcpy(r1, l[0], KANSA_HASH_LEN);
	memcpy(node + 1, l[0], KANSA_HASH_LEN);
	memcpy(node + 1 + KANSA_HASH_LEN, l[1], KANSA_HASH_LEN);
	cr_assert_eq(kansa_sha256(r2, node, sizeof(node)), 0);
}

Test(kansa_witness_add_checkpoint, follows_the_state, .timeout = KANSA_HANG_GUARD)
{
	wfix f;
	kansa_witness_answer a;
	uint8_t l[2][KANSA_HASH_LEN], r1[KANSA_HASH_LEN], r2[KANSA_HASH_LEN], junk[1][KANSA_HASH_LEN];
	char vkey_path[300];

	setup(&f);
	tree2(l, r1, r2);
	memset(junk, 0x5a, sizeof(junk));
	/* first: old 0, no proof */
	cr_assert_eq(post(&a, &f, f.log_key, 0, 1, r1, NULL, 0), 0);
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_assert(strncmp(a.body, "\xe2\x80\x94 witness-w1 ", 15) == 0, "%s", a.body);
	cr_assert_eq(a.body[a.len - 1], '\n');
	kansa_witness_answer_dispose(&a);
	snprintf(vkey_path, sizeof(vkey_path), "%s/example.org_log", f.dir);
	cr_assert_eq(access(vkey_path, R_OK), 0, "the state file is named by the origin, / as _");
	/* 409: old 0 again, the body the size cosigned */
	cr_assert_eq(post(&a, &f, f.log_key, 0, 2, r2, NULL, 0), 0);
	cr_assert_eq(a.status, 409);
	cr_assert_str_eq(a.body, "1\n");
	cr_assert_str_eq(a.content_type, "text/x.tlog.size");
	cr_assert_eq(a.known_size, 1);
	kansa_witness_answer_dispose(&a);
	/* 422: a wrong proof, and none */
	cr_assert_eq(post(&a, &f, f.log_key, 1, 2, r2, (const uint8_t (*)[KANSA_HASH_LEN])junk, 1), 0);
	cr_assert_eq(a.status, 422);
	kansa_witness_answer_dispose(&a);
	cr_assert_eq(post(&a, &f, f.log_key, 1, 2, r2, NULL, 0), 0);
	cr_assert_eq(a.status, 422);
	kansa_witness_answer_dispose(&a);
	/* another root for size 1: 409, nothing cosigned */
	cr_assert_eq(post(&a, &f, f.log_key, 1, 1, r2, NULL, 0), 0);
	cr_assert_eq(a.status, 409);
	kansa_witness_answer_dispose(&a);
	/* the same size and root again: cosigned again */
	cr_assert_eq(post(&a, &f, f.log_key, 1, 1, r1, NULL, 0), 0);
	cr_assert_eq(a.status, 200);
	kansa_witness_answer_dispose(&a);
	/* the valid proof from 1 to 2: the audit path is l1 */
	cr_assert_eq(post(&a, &f, f.log_key, 1, 2, r2, (const uint8_t (*)[KANSA_HASH_LEN])&l[1], 1), 0);
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_assert_eq(a.previous_size, 1);
	kansa_witness_answer_dispose(&a);
	/* rollback to size 1: old 2 > 1 is 400, old 1 is 409 naming 2 */
	cr_assert_eq(post(&a, &f, f.log_key, 2, 1, r1, NULL, 0), 0);
	cr_assert_eq(a.status, 400);
	kansa_witness_answer_dispose(&a);
	cr_assert_eq(post(&a, &f, f.log_key, 1, 1, r1, NULL, 0), 0);
	cr_assert_eq(a.status, 409);
	cr_assert_str_eq(a.body, "2\n");
	kansa_witness_answer_dispose(&a);
	/* 403: signed by another key under the log's name */
	cr_assert_eq(post(&a, &f, f.other, 2, 2, r2, NULL, 0), 0);
	cr_assert_eq(a.status, 403);
	kansa_witness_answer_dispose(&a);
	teardown(&f);
}

Test(kansa_witness_add_checkpoint, refuses_unknown_logs_and_bad_bodies, .timeout = KANSA_HANG_GUARD)
{
	wfix f;
	kansa_witness_answer a;
	uint8_t root[KANSA_HASH_LEN] = { 7 };
	char *body;

	setup(&f);
	body = body_of(f.log_key, "example.org/other", 0, 1, root, NULL, 0);
	cr_assert_eq(kansa_witness_add_checkpoint(&a, f.w, body, strlen(body)), 0);
	cr_assert_eq(a.status, 404);
	kansa_witness_answer_dispose(&a);
	free(body);
	cr_assert_eq(kansa_witness_add_checkpoint(&a, f.w, "old 0\n\nnot a note", 17), 0);
	cr_assert_eq(a.status, 400);
	kansa_witness_answer_dispose(&a);
	cr_assert_eq(kansa_witness_add_checkpoint(&a, f.w, "old 0\n", 6), 0);
	cr_assert_eq(a.status, 400);
	kansa_witness_answer_dispose(&a);
	teardown(&f);
}

Test(kansa_witness_add_checkpoint, refuses_another_witnesss_state, .timeout = KANSA_HANG_GUARD)
{
	wfix f;
	kansa_witness *w2 = NULL;
	kansa_witness_answer a;
	uint8_t root[KANSA_HASH_LEN] = { 7 };
	const kansa_note_verifier *logs[1];
	char *body;

	setup(&f);
	cr_assert_eq(post(&a, &f, f.log_key, 0, 1, root, NULL, 0), 0);
	cr_assert_eq(a.status, 200);
	kansa_witness_answer_dispose(&a);
	logs[0] = f.log;
	cr_assert_eq(kansa_witness_open(&w2, f.other, logs, 1, f.dir), 0);
	body = body_of(f.log_key, ORIGIN, 1, 1, root, NULL, 0);
	cr_assert_eq(kansa_witness_add_checkpoint(&a, w2, body, strlen(body)), KANSA_EVERIFY);
	cr_assert_eq(a.status, 500);
	kansa_witness_answer_dispose(&a);
	free(body);
	kansa_witness_free(w2);
	teardown(&f);
}

Test(kansa_witness_open, checks_its_arguments)
{
	wfix f;
	kansa_witness *w = NULL;
	kansa_key *anon = NULL;
	kansa_note_verifier *wv = NULL;
	const kansa_note_verifier *logs[2];

	setup(&f);
	logs[0] = logs[1] = f.log;
	cr_assert_eq(kansa_witness_open(&w, f.me, logs, 2, f.dir), KANSA_EINVAL, "a log twice");
	cr_assert_eq(kansa_witness_open(&w, f.me, logs, 0, f.dir), KANSA_EINVAL, "no log");
	cr_assert_eq(kansa_key_generate(&anon), 0);
	cr_assert_eq(kansa_witness_open(&w, anon, logs, 1, f.dir), KANSA_EINVAL, "a key without a name");
	cr_assert_eq(kansa_cosig_verifier_from_key(&wv, f.other, "witness-w2"), 0);
	logs[0] = wv;
	cr_assert_eq(kansa_witness_open(&w, f.me, logs, 1, f.dir), KANSA_EINVAL, "a witness key as a log");
	cr_assert_null(w);
	kansa_note_verifier_free(wv);
	kansa_key_free(anon);
	teardown(&f);
}

/* ---- parallel requests ------------------------------------------------ */

typedef struct {
	kansa_witness *w;
	const char *body;
	int status;
} par_arg;

static void *par_post(void *arg)
{
	par_arg *p = arg;
	kansa_witness_answer a;

	(void)kansa_witness_add_checkpoint(&a, p->w, p->body, strlen(p->body));
	p->status = a.status;
	kansa_witness_answer_dispose(&a);
	return NULL;
}

Test(kansa_witness_add_checkpoint, serializes_one_log, .timeout = KANSA_HANG_GUARD)
{
	enum { N = 8 };
	wfix f;
	pthread_t t[N];
	par_arg p[N];
	kansa_witness_answer a;
	uint8_t root[KANSA_HASH_LEN] = { 9 };
	char *body;
	int n200 = 0, n409 = 0;

	setup(&f);
	body = body_of(f.log_key, ORIGIN, 0, 5, root, NULL, 0);
	for (int i = 0; i < N; i++) {
		p[i] = (par_arg){ f.w, body, 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, par_post, &p[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		n200 += p[i].status == 200;
		n409 += p[i].status == 409;
	}
	free(body);
	cr_assert_eq(n200, 1, "exactly one request from old 0 is cosigned");
	cr_assert_eq(n409, N - 1, "the others see size 5");
	cr_assert_eq(post(&a, &f, f.log_key, 0, 5, root, NULL, 0), 0);
	cr_assert_eq(a.status, 409);
	cr_assert_str_eq(a.body, "5\n");
	kansa_witness_answer_dispose(&a);
	teardown(&f);
}
