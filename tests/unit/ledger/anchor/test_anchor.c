/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Anchoring through the library (kansa_anchor_*) and its internal pieces:
 * exact error codes for a rolled-back anchor, a fork, an oversized file, a
 * merge, paths that are not plain names, and the argument checks; the ledger
 * check rebuilds the tree from the entries and trusts only the log keys it is
 * given; witnesses write C2SP cosignatures, counted by distinct key for the
 * quorum, and keep a state per key. The CLI end to end is tests/cli/anchor.sh
 * and tests/cli/witness.sh.
 */
#include "tests/unit/hang_guard.h"
#include <git2.h>

#include "tests/unit/ledger/fixture.h"
#include "common/common.h"
#include "ledger/anchor/anchor.h"
#include "ledger/ledger_impl.h"
#include "ledger/store/store.h"

typedef struct {
	ledger_fixture f;
	kansa_ledger *lg;
	kansa_note_verifier *log;
	char repo[192];
} anchor_fixture;

static void setup(anchor_fixture *a)
{
	kansa_ledger_info info;

	fixture_make(&a->f, 0);
	snprintf(a->repo, sizeof(a->repo), "%s/a.git", a->f.dir);
	cr_assert_eq(kansa_ledger_open(&a->lg, a->f.db, a->f.dbkey, 0), 0);
	cr_assert_eq(kansa_ledger_get_info(&info, a->lg), 0);
	cr_assert_eq(kansa_note_verifier_parse(&a->log, info.log_key, strlen(info.log_key)), 0);
	cr_assert_eq(git_libgit2_init() > 0, 1);
}

static void teardown(anchor_fixture *a)
{
	git_libgit2_shutdown();
	kansa_note_verifier_free(a->log);
	kansa_ledger_close(a->lg);
	fixture_free(&a->f);
}

static void checks(anchor_fixture *a, int n)
{
	kansa_receipt r;

	for (int i = 0; i < n; i++)
		cr_assert_eq(kansa_check(&r, a->lg, a->f.warrant, a->f.warrant_len, a->f.request,
		    a->f.request_len), 0);
}

static int verify(kansa_anchor_summary *sum, anchor_fixture *a)
{
	const kansa_note_verifier *logs[1] = { a->log };

	return kansa_anchor_verify(sum, a->repo, logs, 1, NULL, 0, NULL);
}

/* kansa_anchor_check_ledger with the fixture's own log key trusted. */
static int check_ledger(kansa_anchor_checkpoint *cp, uint64_t *size, anchor_fixture *a)
{
	const kansa_note_verifier *logs[1] = { a->log };

	return kansa_anchor_check_ledger(cp, size, a->lg, a->repo, logs, 1);
}

/* Commit @p data as the log's checkpoint (and nothing else) on top of HEAD. */
static void commit_checkpoint(anchor_fixture *a, const char *data, size_t len, char hex[41])
{
	char path[KANSA_ANCHOR_PATH_MAX];
	git_repository *repo = NULL;
	git_commit *head = NULL;
	kansa_anchor_file f;
	git_oid oid;
	bool created;

	cr_assert_eq(kansa_anchor__log_path(path, kansa_note_verifier_name(a->log), "checkpoint"), 0);
	f = (kansa_anchor_file){ path, data, len };
	cr_assert_eq(kansa_anchor__open(&repo, &created, a->repo, false), 0);
	cr_assert_eq(kansa_anchor__head(&head, repo), 0);
	cr_assert_eq(kansa_anchor__commit(&oid, repo, head, &f, 1, "tamper\n"), 0,
	    "%s", kansa_error_last()->message);
	kansa_anchor__oid_hex(hex, &oid);
	git_commit_free(head);
	git_repository_free(repo);
}

/* The log's checkpoint file as of revision @p rev. */
static char *checkpoint_at(anchor_fixture *a, const char *rev, size_t *len)
{
	char path[KANSA_ANCHOR_PATH_MAX];
	git_repository *repo = NULL;
	git_object *tree = NULL;
	char *note = NULL;

	cr_assert_eq(kansa_anchor__log_path(path, kansa_note_verifier_name(a->log), "checkpoint"), 0);
	cr_assert_eq(git_repository_open(&repo, a->repo), 0);
	cr_assert_eq(git_revparse_single(&tree, repo, rev), 0);
	cr_assert_eq(kansa_anchor__read_file(&note, len, NULL, repo, (git_tree *)tree, path,
	    KANSA_MAX_ANCHOR_CHECKPOINT_BYTES), 0);
	git_object_free(tree);
	git_repository_free(repo);
	return note;
}

Test(kansa_anchor__log_path, takes_plain_names_only)
{
	char out[KANSA_ANCHOR_PATH_MAX];

	cr_expect_eq(kansa_anchor__log_path(out, "kansa/jp-ccisc/0123abcd", "checkpoint"), 0);
	cr_expect_str_eq(out, "logs/kansa/jp-ccisc/0123abcd/checkpoint");
	cr_expect_eq(kansa_anchor__log_path(out, "kansa/../x", "checkpoint"), KANSA_EFORMAT);
	cr_expect_eq(kansa_anchor__log_path(out, ".git", "checkpoint"), KANSA_EFORMAT);
	cr_expect_eq(kansa_anchor__log_path(out, "a//b", "checkpoint"), KANSA_EFORMAT);
	cr_expect_eq(kansa_anchor__log_path(out, "a/", "checkpoint"), KANSA_EFORMAT);
	cr_expect_eq(kansa_anchor__log_path(out, "a b", "checkpoint"), KANSA_EFORMAT);
	cr_expect_eq(kansa_anchor__log_path(out, "", "checkpoint"), KANSA_EFORMAT);
}

Test(kansa_anchor_push, anchors_growth_and_verifies, .timeout = KANSA_HANG_GUARD)
{
	anchor_fixture a;
	kansa_anchor_push_result r;
	kansa_anchor_summary sum;
	kansa_anchor_checkpoint cp;
	uint64_t size;

	setup(&a);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0, "%s", kansa_error_last()->message);
	cr_expect(r.created && r.committed);
	cr_expect_eq(r.checkpoint.size, 1);
	cr_expect_eq(r.checkpoint.old_size, 0);
	checks(&a, 3);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0);
	cr_expect(!r.created && r.committed);
	cr_expect_eq(r.checkpoint.old_size, 1);
	cr_expect_eq(r.checkpoint.size, 4);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0);
	cr_expect(!r.committed, "nothing new: no commit");
	cr_expect_eq(verify(&sum, &a), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(sum.commits, 2);
	cr_expect_eq(sum.checkpoints, 2);
	cr_expect_eq(sum.logs, 1);
	cr_expect_eq(check_ledger(&cp, &size, &a), 0);
	cr_expect_eq(cp.size, 4);
	cr_expect_eq(size, 4);
	teardown(&a);
}

/* REQ: ANCHOR-VERIFY-COMMIT a rolled-back git anchor is found, naming the commit */
Test(kansa_anchor_verify, flags_a_rolled_back_anchor, .timeout = KANSA_HANG_GUARD)
{
	anchor_fixture a;
	kansa_anchor_push_result r;
	kansa_anchor_summary sum;
	char hex[41], *old;
	size_t len = 0;

	setup(&a);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0);
	checks(&a, 2);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0);
	old = checkpoint_at(&a, "HEAD~1^{tree}", &len);
	commit_checkpoint(&a, old, len, hex);
	cr_expect_eq(verify(&sum, &a), KANSA_EVERIFY);
	cr_expect_str_eq(sum.bad_commit, hex);
	cr_expect_not_null(strstr(kansa_error_last()->message, hex));
	cr_expect_not_null(strstr(kansa_error_last()->message, "went back from 3 to 1"));
	free(old);
	teardown(&a);
}

/* REQ: ANCHOR-ROLLBACK a ledger shorter than its anchor is refused */
Test(kansa_anchor_push, refuses_a_repository_ahead_of_the_ledger, .timeout = KANSA_HANG_GUARD)
{
	anchor_fixture a;
	kansa_anchor_push_result r;
	kansa_anchor_checkpoint cp;
	char *note = NULL;
	size_t len = 0;
	uint64_t size;
	char hex[41];

	setup(&a);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0);
	/* a checkpoint of size 1 with another root, signed by the ledger's key:
	 * what a rewritten ledger would have anchored */
	{
		uint8_t root[KANSA_HASH_LEN];
		memset(root, 0x42, sizeof(root));
		cr_assert_eq(kansa_checkpoint_sign(&note, &len, kansa_ledger__log_key(a.lg),
		    kansa_note_verifier_name(a.log), kansa_note_verifier_name(a.log), 1, root), 0);
	}
	commit_checkpoint(&a, note, len, hex);
	cr_expect_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), KANSA_EVERIFY);
	cr_expect_not_null(strstr(kansa_error_last()->message, "rewritten or forked"));
	cr_expect_eq(check_ledger(&cp, &size, &a), KANSA_EVERIFY);
	free(note);
	teardown(&a);
}

Test(kansa_anchor_verify, bounds_the_checkpoint_file, .timeout = KANSA_HANG_GUARD)
{
	anchor_fixture a;
	kansa_anchor_push_result r;
	kansa_anchor_summary sum;
	size_t len = KANSA_MAX_ANCHOR_CHECKPOINT_BYTES + 1;
	char *big = malloc(len), hex[41];

	setup(&a);
	memset(big, 'a', len);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0);
	commit_checkpoint(&a, big, len, hex);
	cr_expect_eq(verify(&sum, &a), KANSA_ELIMIT);
	cr_expect_str_eq(sum.bad_commit, hex);
	free(big);
	teardown(&a);
}

Test(kansa_anchor_verify, refuses_a_merge, .timeout = KANSA_HANG_GUARD)
{
	anchor_fixture a;
	kansa_anchor_push_result r;
	kansa_anchor_summary sum;
	git_repository *repo = NULL;
	git_commit *head = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_oid oid;

	setup(&a);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0);
	cr_assert_eq(git_repository_open(&repo, a.repo), 0);
	cr_assert_eq(git_revparse_single((git_object **)&head, repo, "HEAD"), 0);
	cr_assert_eq(git_commit_tree(&tree, head), 0);
	cr_assert_eq(git_signature_now(&sig, "t", "t@example.org"), 0);
	{
		const git_commit *parents[2] = { head, head };
		cr_assert_eq(git_commit_create(&oid, repo, "HEAD", sig, sig, NULL, "merge\n", tree, 2,
		    parents), 0);
	}
	cr_expect_eq(verify(&sum, &a), KANSA_EVERIFY);
	cr_expect_not_null(strstr(kansa_error_last()->message, "merge"));
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(head);
	git_repository_free(repo);
	teardown(&a);
}

Test(kansa_anchor, checks_its_arguments, .timeout = KANSA_HANG_GUARD)
{
	anchor_fixture a;
	kansa_anchor_summary sum;
	kansa_anchor_cosign_result c;
	kansa_anchor_checkpoint cp;
	kansa_key *pub = NULL;
	uint8_t raw[KANSA_PUBKEY_LEN];
	uint64_t size;
	char state[192];

	setup(&a);
	cr_expect_eq(kansa_anchor_verify(&sum, a.repo, NULL, 0, NULL, 0, NULL), KANSA_EINVAL);
	cr_expect_eq(verify(&sum, &a), KANSA_ENOTFOUND, "no repository yet");
	cr_expect_eq(check_ledger(&cp, &size, &a), KANSA_ENOTFOUND);
	kansa_key_public_raw(raw, kansa_ledger__log_key(a.lg));
	cr_assert_eq(kansa_key_from_public(&pub, raw), 0);
	snprintf(state, sizeof(state), "%s/state", a.f.dir);
	cr_expect_eq(kansa_anchor_cosign(&c, a.repo, a.log, pub, state, NULL, 0), KANSA_EINVAL,
	    "a public key cannot cosign");
	kansa_key_free(pub);
	teardown(&a);
}

/* REQ: ANCHOR-DB entries rewritten under the anchored size, with the stored
 * Merkle nodes of the anchored ledger left in place, do not check out: the
 * tree is rebuilt from the entry bodies */
Test(kansa_anchor_check_ledger, rebuilds_the_tree_from_the_entries, .timeout = KANSA_HANG_GUARD)
{
	static const struct { uint32_t level; uint64_t idx; } nodes[] = {
		{ 0, 0 }, { 0, 1 }, { 0, 2 }, { 0, 3 }, { 1, 0 }, { 1, 1 }, { 2, 0 },
	};
	const char *json = "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-2\","
	    "\"action\":\"metadata-query\",\"targets\":[\"203.0.113.18\"],\"fields\":[\"src_ip\"],"
	    "\"window\":[\"-2d\",\"-1d\"],\"justification\":\"another\"}";
	anchor_fixture a;
	kansa_anchor_push_result r;
	kansa_anchor_checkpoint cp;
	kansa_ledger *b = NULL;
	kansa_receipt rc;
	uint8_t *req = NULL, h[KANSA_HASH_LEN];
	size_t req_len = 0;
	uint64_t size;
	char cmd[512], bdb[160];

	setup(&a);
	/* b: the same ledger (same key and origin) that will go another way */
	kansa_ledger_close(a.lg);
	snprintf(bdb, sizeof(bdb), "%s/b.db", a.f.dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", a.f.db, bdb);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(kansa_ledger_open(&a.lg, a.f.db, a.f.dbkey, 0), 0);
	cr_assert_eq(kansa_ledger_open(&b, bdb, a.f.dbkey, 0), 0, "%s", kansa_error_last()->message);
	checks(&a, 3);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(r.checkpoint.size, 4);
	cr_assert_eq(kansa_request_from_json(&req, &req_len, json, strlen(json), (int64_t)time(NULL)), 0);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(kansa_check(&rc, b, a.f.warrant, a.f.warrant_len, req, req_len), 0);
	cr_assert_eq(check_ledger(&cp, &size, &a), 0, "%s", kansa_error_last()->message);
	/* b's stored tree of size 4 becomes a's: what a rewrite that kept the
	 * old nodes leaves behind */
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		cr_assert_eq(kansa_ledger__node_source(kansa_ledger__store(a.lg), nodes[i].level,
		    nodes[i].idx, h), 0);
		cr_assert_eq(kansa_store__node_put(kansa_ledger__store(b), nodes[i].level, nodes[i].idx, h), 0);
	}
	{
		const kansa_note_verifier *logs[1] = { a.log };
		cr_expect_eq(kansa_anchor_check_ledger(&cp, &size, b, a.repo, logs, 1), KANSA_EVERIFY);
		cr_expect_not_null(strstr(kansa_error_last()->message,
		    "first 4 entries, hashed from their bodies, are not the ones anchored"),
		    "%s", kansa_error_last()->message);
		cr_expect_eq(size, 5);
	}
	free(req);
	kansa_ledger_close(b);
	teardown(&a);
}

/* REQ: ANCHOR-DB-KEY only a log key the caller trusts; a ledger whose key
 * was replaced is tampering (EVERIFY), not "not anchored" */
Test(kansa_anchor_check_ledger, trusts_only_the_given_log_keys, .timeout = KANSA_HANG_GUARD)
{
	anchor_fixture a;
	kansa_anchor_push_result r;
	kansa_anchor_checkpoint cp;
	kansa_note_verifier *other = NULL, *renamed = NULL;
	kansa_key *k = NULL;
	uint64_t size;

	setup(&a);
	cr_assert_eq(kansa_anchor_push(&r, a.lg, a.repo, NULL, 0), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_key_generate(&k), 0);
	/* another key under the ledger's name, and the ledger's key under another name */
	cr_assert_eq(kansa_note_verifier_from_key(&other, k, kansa_note_verifier_name(a.log)), 0);
	cr_assert_eq(kansa_note_verifier_from_key(&renamed, kansa_ledger__log_key(a.lg),
	    "kansa/jp-ccisc/0000000000000000"), 0);
	{
		const kansa_note_verifier *logs[2] = { other, renamed };
		cr_expect_eq(kansa_anchor_check_ledger(&cp, &size, a.lg, a.repo, logs, 2), KANSA_EVERIFY);
		cr_expect_not_null(strstr(kansa_error_last()->message,
		    "is not one of the log keys the verifier trusts"), "%s", kansa_error_last()->message);
		logs[1] = a.log;
		cr_expect_eq(kansa_anchor_check_ledger(&cp, &size, a.lg, a.repo, logs, 2), 0,
		    "%s", kansa_error_last()->message);
		cr_expect_eq(kansa_anchor_check_ledger(&cp, &size, a.lg, a.repo, logs, 0), KANSA_EINVAL);
	}
	kansa_note_verifier_free(renamed);
	kansa_note_verifier_free(other);
	kansa_key_free(k);
	teardown(&a);
}

/* REQ: ANCHOR-DB a repository that does not hold the ledger is a mismatch */
Test(kansa_anchor_check_ledger, a_repository_without_the_ledger_is_a_mismatch, .timeout = KANSA_HANG_GUARD)
{
	anchor_fixture a;
	kansa_anchor_checkpoint cp;
	git_repository *repo = NULL;
	bool created = false;
	uint64_t size;

	setup(&a);
	cr_assert_eq(kansa_anchor__open(&repo, &created, a.repo, true), 0);
	cr_assert(created);
	git_repository_free(repo);
	cr_expect_eq(check_ledger(&cp, &size, &a), KANSA_EVERIFY);
	cr_expect_not_null(strstr(kansa_error_last()->message, "has no checkpoint in"));
	teardown(&a);
}

/* A witness key with @p name. */
static kansa_key *witness_key(const char *name)
{
	kansa_key *k = NULL;

	cr_assert_eq(kansa_key_generate(&k), 0);
	cr_assert_eq(kansa_key_set_name(k, name), 0);
	return k;
}

/* REQ: WITNESS-C2SP REQ: WITNESS-QUORUM REQ: ANCHOR-WITNESS-STATE cosign
 * writes a tlog-cosignature; verify counts distinct witness keys for the
 * quorum; a state carrying another key's signature is refused */
Test(kansa_anchor_cosign, writes_c2sp_cosignatures_counted_by_the_quorum, .timeout = KANSA_HANG_GUARD)
{
	anchor_fixture a;
	kansa_anchor_push_result pr;
	kansa_anchor_cosign_result c;
	kansa_anchor_summary sum;
	kansa_anchor_verify_options vo = { NULL, NULL, 0 };
	kansa_key *w1 = witness_key("w1.example"), *w2 = witness_key("w2.example");
	kansa_note_verifier *v1 = NULL, *v2 = NULL, *v1_old = NULL;
	const kansa_note_verifier *logs[1];
	char s1[192], s2[192], *note;
	size_t len;
	uint64_t t;

	setup(&a);
	logs[0] = a.log;
	snprintf(s1, sizeof(s1), "%s/w1.state", a.f.dir);
	snprintf(s2, sizeof(s2), "%s/w2.state", a.f.dir);
	checks(&a, 2);
	cr_assert_eq(kansa_anchor_push(&pr, a.lg, a.repo, NULL, 0), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_cosig_verifier_from_key(&v1, w1, "w1.example"), 0);
	cr_assert_eq(kansa_cosig_verifier_from_key(&v2, w2, "w2.example"), 0);
	cr_assert_eq(kansa_note_verifier_from_key(&v1_old, w1, "w1.example"), 0);
	const kansa_note_verifier *both[2] = { v1, v2 }, *twice[2] = { v1, v1_old };

	cr_assert_eq(kansa_anchor_cosign(&c, a.repo, a.log, w1, s1, NULL, 0), 0, "%s", kansa_error_last()->message);
	note = checkpoint_at(&a, "HEAD^{tree}", &len);
	cr_expect_eq(kansa_cosig_verify(&t, note, len, v1), 0, "the line is a C2SP cosignature");
	cr_expect(t > 1700000000);
	free(note);

	vo.witness_quorum = 1;
	cr_expect_eq(kansa_anchor_verify(&sum, a.repo, logs, 1, both, 2, &vo), 0, "%s", kansa_error_last()->message);
	vo.witness_quorum = 2;
	cr_expect_eq(kansa_anchor_verify(&sum, a.repo, logs, 1, both, 2, &vo), KANSA_EVERIFY, "w2 has not cosigned");
	cr_expect_eq(kansa_anchor_verify(&sum, a.repo, logs, 1, twice, 2, &vo), KANSA_EVERIFY,
	    "one key in both forms is one witness");
	cr_expect_eq(kansa_anchor_verify(&sum, a.repo, logs, 1, both, 1, &vo), KANSA_EINVAL,
	    "a quorum above the keys given");
	/* w2 handed w1's state: refused, nothing committed */
	cr_expect_eq(kansa_anchor_cosign(&c, a.repo, a.log, w2, s1, NULL, 0), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "another witness's state") != NULL, "%s",
	    kansa_error_last()->message);
	cr_expect_eq(c.committed, false);
	cr_assert_eq(kansa_anchor_cosign(&c, a.repo, a.log, w2, s2, NULL, 0), 0);
	cr_expect_eq(kansa_anchor_verify(&sum, a.repo, logs, 1, both, 2, &vo), 0, "%s", kansa_error_last()->message);

	kansa_note_verifier_free(v1);
	kansa_note_verifier_free(v2);
	kansa_note_verifier_free(v1_old);
	kansa_key_free(w1);
	kansa_key_free(w2);
	teardown(&a);
}
