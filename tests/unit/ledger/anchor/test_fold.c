/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_anchor_publish folding a mirror's commits in (anchor_fold.c): a
 * witness's cosignature commit is fast-forwarded to; a changed checkpoint
 * text, a second line by a witness key and a bad cosignature by a given
 * witness are refused with KANSA_EVERIFY and move nothing; bad options are
 * KANSA_EINVAL. The CLI end to end is tests/cli/publish.sh.
 */
#include "tests/unit/hang_guard.h"
#include <git2.h>

#include "tests/unit/ledger/fixture.h"
#include "common/common.h"
#include "ledger/anchor/anchor.h"
#include "ledger/tlog/note.h"

typedef struct {
	ledger_fixture f;
	kansa_ledger *lg;
	kansa_note_verifier *log;
	kansa_key *wkey;            /* the witness */
	kansa_note_verifier *wv;    /* its cosignature verifier */
	char repo[192], mirror[192], clone[192], state[192];
	char cp_path[KANSA_ANCHOR_PATH_MAX];
} fold_fixture;

/* Under ASan, unwind fully so that tests/lsan.supp can name the libgit2
 * frame (git_remote_lookup) of libgit2 1.5's known regexp leak: pcre2 has no
 * frame pointers. tests/cli/anchor.sh does the same through ASAN_OPTIONS. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static const char *const remote_m[1] = { "m" };
static const char *const remote_origin[1] = { "origin" };

static void setup(fold_fixture *a)
{
	kansa_ledger_info info;
	git_repository *r = NULL;
	git_remote *rem = NULL;
	kansa_anchor_push_result pr;

	fixture_make(&a->f, 0);
	snprintf(a->repo, sizeof(a->repo), "%s/a.git", a->f.dir);
	snprintf(a->mirror, sizeof(a->mirror), "%s/m.git", a->f.dir);
	snprintf(a->clone, sizeof(a->clone), "%s/w", a->f.dir);
	snprintf(a->state, sizeof(a->state), "%s/w.state", a->f.dir);
	cr_assert_eq(kansa_ledger_open(&a->lg, a->f.db, a->f.dbkey, 0), 0);
	cr_assert_eq(kansa_ledger_get_info(&info, a->lg), 0);
	cr_assert_eq(kansa_note_verifier_parse(&a->log, info.log_key, strlen(info.log_key)), 0);
	cr_assert_eq(kansa_anchor__log_path(a->cp_path, info.origin, "checkpoint"), 0);
	cr_assert_eq(git_libgit2_init() > 0, 1);
	cr_assert_eq(kansa_key_generate(&a->wkey), 0);
	cr_assert_eq(kansa_key_set_name(a->wkey, "w1.example"), 0);
	cr_assert_eq(kansa_cosig_verifier_from_key(&a->wv, a->wkey, "w1.example"), 0);

	cr_assert_eq(kansa_anchor_push(&pr, a->lg, a->repo, NULL, 0), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(git_repository_init(&r, a->mirror, 1), 0);
	git_repository_free(r);
	cr_assert_eq(git_repository_open(&r, a->repo), 0);
	cr_assert_eq(git_remote_create(&rem, r, "m", a->mirror), 0);
	git_remote_free(rem);
	git_repository_free(r);
	cr_assert_eq(kansa_anchor_push(&pr, a->lg, a->repo, remote_m, 1), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(git_clone(&r, a->mirror, a->clone, NULL), 0);
	git_repository_free(r);
}

static void teardown(fold_fixture *a)
{
	git_libgit2_shutdown();
	kansa_note_verifier_free(a->wv);
	kansa_key_free(a->wkey);
	kansa_note_verifier_free(a->log);
	kansa_ledger_close(a->lg);
	fixture_free(&a->f);
}

static void tip(git_oid *out, const char *path)
{
	git_repository *r = NULL;

	cr_assert_eq(git_repository_open(&r, path), 0);
	cr_assert_eq(git_reference_name_to_id(out, r, "refs/heads/main"), 0);
	git_repository_free(r);
}

/* Put the mirror and the witness's clone back at @p good. */
static void reset(fold_fixture *a, const git_oid *good)
{
	git_repository *r = NULL;
	git_reference *ref = NULL;
	git_object *c = NULL;

	cr_assert_eq(git_repository_open(&r, a->mirror), 0);
	cr_assert_eq(git_reference_create(&ref, r, "refs/heads/main", good, 1, "reset"), 0);
	git_reference_free(ref);
	git_repository_free(r);
	cr_assert_eq(git_repository_open(&r, a->clone), 0);
	cr_assert_eq(git_object_lookup(&c, r, good, GIT_OBJECT_COMMIT), 0);
	cr_assert_eq(git_reset(r, c, GIT_RESET_HARD, NULL), 0);
	git_object_free(c);
	git_repository_free(r);
}

/* Commit @p data as the checkpoint in the witness's clone and push it to the mirror. */
static void mirror_commit(fold_fixture *a, const char *data, size_t len)
{
	git_repository *r = NULL;
	git_commit *head = NULL;
	kansa_anchor_file f = { a->cp_path, data, len };
	kansa_anchor_remote res[1];
	size_t pushed, n;
	git_oid oid;
	bool created;

	cr_assert_eq(kansa_anchor__open(&r, &created, a->clone, false), 0);
	cr_assert_eq(kansa_anchor__head(&head, r), 0);
	cr_assert_eq(kansa_anchor__commit(&oid, r, head, &f, 1, "hostile\n"), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_anchor__push(&pushed, res, &n, r, remote_origin, 1), 0, "%s", kansa_error_last()->message);
	git_commit_free(head);
	git_repository_free(r);
}

/* The checkpoint as the witness's clone has it now. */
static char *clone_checkpoint(fold_fixture *a, size_t *len)
{
	git_repository *r = NULL;
	git_object *tree = NULL;
	char *note = NULL;

	cr_assert_eq(git_repository_open(&r, a->clone), 0);
	cr_assert_eq(git_revparse_single(&tree, r, "HEAD^{tree}"), 0);
	cr_assert_eq(kansa_anchor__read_file(&note, len, NULL, r, (git_tree *)tree, a->cp_path,
	    KANSA_MAX_ANCHOR_CHECKPOINT_BYTES), 0);
	git_object_free(tree);
	git_repository_free(r);
	return note;
}

/* publish must refuse with KANSA_EVERIFY, naming @p why, and move nothing. */
static void expect_refused(fold_fixture *a, const kansa_anchor_push_options *po, const char *why)
{
	kansa_anchor_push_result r;
	git_oid before, mirror_before, after, mirror_after;

	tip(&before, a->repo);
	tip(&mirror_before, a->mirror);
	cr_expect_eq(kansa_anchor_publish(&r, a->lg, a->repo, remote_m, 1, po), KANSA_EVERIFY, "%s", why);
	cr_expect(strstr(kansa_error_last()->message, why) != NULL, "%s", kansa_error_last()->message);
	tip(&after, a->repo);
	tip(&mirror_after, a->mirror);
	cr_expect(git_oid_equal(&before, &after), "the repository did not move");
	cr_expect(git_oid_equal(&mirror_before, &mirror_after), "the mirror was not pushed to");
}

/* REQ: ANCHOR-FOLD REQ: ANCHOR-FOLD-TEXT REQ: ANCHOR-FOLD-VERIFY */
Test(kansa_anchor_publish, folds_cosignatures_and_refuses_anything_else, .timeout = KANSA_HANG_GUARD)
{
	fold_fixture a;
	kansa_anchor_cosign_result c;
	kansa_anchor_push_result r;
	kansa_anchor_push_options po = KANSA_ANCHOR_PUSH_OPTIONS_INIT;
	const kansa_note_verifier *wit[1];
	kansa_note_parsed p;
	git_oid good, mine;
	char *note, *bad;
	size_t len;

	setup(&a);
	wit[0] = a.wv;
	po.witnesses = wit;
	po.n_witnesses = 1;
	cr_assert_eq(kansa_anchor_cosign(&c, a.clone, a.log, a.wkey, a.state, remote_origin, 1), 0,
	    "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_anchor_publish(&r, a.lg, a.repo, remote_m, 1, &po), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(r.folded, 1);
	cr_expect_eq(r.cosignatures, 1);
	cr_expect_eq(r.unverified, 0);
	cr_expect_eq(r.rebased, 0);
	cr_expect_eq(r.remote[0].folded, 1);
	tip(&good, a.mirror);
	tip(&mine, a.repo);
	cr_expect(git_oid_equal(&good, &mine), "fast-forwarded to the witness commit");

	/* the checkpoint's text changed: the size line */
	note = clone_checkpoint(&a, &len);
	bad = strdup(note);
	cr_assert_not_null(bad);
	{
		char *size = strchr(bad, '\n') + 1;
		*size = *size == '9' ? '8' : '9';
	}
	mirror_commit(&a, bad, len);
	expect_refused(&a, &po, "changes the checkpoint itself");
	free(bad);
	reset(&a, &good);

	/* the witness's line again with another signature: a second line by its key */
	cr_assert_eq(kansa_note__parse(&p, note, len), 0);
	cr_assert_eq(p.n_sigs, 2);
	{
		kansa_buf b = KANSA_BUF_INIT(1 << 16);
		const kansa_note_sig *s = &p.sigs[1];
		size_t blen;

		char line[256];

		cr_assert(s->line_len < sizeof(line));
		memcpy(line, s->line, s->line_len);
		/* a data character of the base64 (it ends in "=="): another signature */
		line[s->line_len - 4] = line[s->line_len - 4] == 'A' ? 'B' : 'A';
		cr_assert_eq(kansa_buf_put(&b, note, len), 0);
		cr_assert_eq(kansa_buf_put(&b, line, s->line_len), 0);
		cr_assert_eq(kansa_buf_putc(&b, '\n'), 0);
		bad = (char *)kansa_buf_detach(&b, &blen);
		mirror_commit(&a, bad, blen);
		free(bad);
		kansa_buf_dispose(&b);
	}
	expect_refused(&a, &po, "a second signature by the key of w1.example");
	kansa_note__parsed_dispose(&p);
	free(note);

	po.version = 99;
	cr_expect_eq(kansa_anchor_publish(&r, a.lg, a.repo, remote_m, 1, &po), KANSA_EINVAL);
	teardown(&a);
}
