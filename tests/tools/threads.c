/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger's threads without Criterion, for ThreadSanitizer (test.sh,
 * step "threads"): Criterion's worker arena cannot be mapped under TSan,
 * so the concurrent paths also run from this plain program, in every
 * build. Check threads (group commit: the queue, the leader's batch, the
 * cache), threads asking for the ledger's info, and a thread activating
 * new policy versions run at once on one handle, with a second handle
 * checking on the same file. Every call must return (no deadlock: the lock
 * order of docs/ledger.md "Locks"), and the ledger must end with one chain
 * of exactly the calls made. An auditor replays the ledger while they run
 * and once after (the pass decodes entries ahead on a thread of its own,
 * ledger/audit/ahead.c): no finding, and exactly its snapshot. Prints TAP;
 * exit 0, 1 on a failed check, 99 on a setup failure.
 *
 *   threads DIR
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commission.h"

#define CHECKERS 4
#define CHECKS 100
#define READERS 2
#define INFOS 200
#define VERSIONS 8
#define AUDITS 3

typedef struct {
	commission c;
	kansa_ledger *lg[2];                    /* two handles on one file */
	uint8_t *policy[VERSIONS];              /* versions 2 .. VERSIONS + 1 */
	size_t policy_len[VERSIONS];
} shared;

typedef struct {
	shared *sh;
	int which;  /* the handle */
	int done;   /* calls that returned 0 (and, for checks, allowed) */
} worker;

static int failures, tests;

static void tap(bool ok, const char *what)
{
	tests++;
	if (!ok)
		failures++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", tests, what);
}

static void *checker(void *arg)
{
	worker *w = arg;
	commission *c = &w->sh->c;

	for (int i = 0; i < CHECKS; i++) {
		kansa_receipt r;
		if (kansa_check(&r, w->sh->lg[w->which], c->warrant, c->warrant_len, c->allow_req,
		    c->allow_len) == 0 && r.verdict == KANSA_ALLOW)
			w->done++;
	}
	return NULL;
}

static void *reader(void *arg)
{
	worker *w = arg;

	for (int i = 0; i < INFOS; i++) {
		kansa_ledger_info info;
		if (kansa_ledger_get_info(&info, w->sh->lg[w->which]) == 0)
			w->done++;
	}
	return NULL;
}

static void *activator(void *arg)
{
	worker *w = arg;

	for (int i = 0; i < VERSIONS; i++) {
		kansa_receipt r;
		if (kansa_ledger_activate_policy(&r, w->sh->lg[w->which], w->sh->policy[i],
		    w->sh->policy_len[i]) == 0)
			w->done++;
	}
	return NULL;
}

/* A replay that finds nothing and reads exactly its snapshot. */
static bool replay_clean(kansa_ledger *lg, uint64_t *entries)
{
	kansa_audit_options opt = { KANSA_AUDIT_REPLAY, NULL, NULL, NULL, NULL };
	kansa_audit_summary sum;

	if (kansa_ledger_audit(&sum, lg, &opt) != 0)
		return false;
	*entries = sum.entries;
	return sum.findings == 0 && sum.entries == sum.size;
}

static void *auditor(void *arg)
{
	worker *w = arg;
	uint64_t entries;

	for (int i = 0; i < AUDITS; i++)
		if (replay_clean(w->sh->lg[w->which], &entries))
			w->done++;
	return NULL;
}

/* Policy versions 2.. with the same members (so the warrant stays valid). */
static void make_policies(shared *sh, int64_t now)
{
	kansa_key *k[3];
	char *pem[3], json[4096];

	for (int i = 0; i < 3; i++) {
		if (kansa_key_generate(&k[i]) != 0)
			tool_die("key");
		pem[i] = tool_pem_json(k[i]);
	}
	for (int v = 1; v <= VERSIONS + 1; v++) {
		uint8_t *doc = NULL;
		size_t len = 0;
		snprintf(json, sizeof(json),
		    "{\"commission\":\"jp-ccisc\",\"version\":%d,\"members\":["
		    "{\"name\":\"member-a\",\"public_key\":%s},{\"name\":\"member-b\",\"public_key\":%s},"
		    "{\"name\":\"member-c\",\"public_key\":%s}],"
		    "\"quorum\":{\"metadata-query\":2,\"neutralize\":3,\"revoke\":2,\"policy\":2},"
		    "\"max_validity\":{\"metadata-query\":\"90d\",\"neutralize\":\"7d\"},"
		    "\"fields\":[\"src_ip\",\"dst_ip\",\"ts\"],\"forbidden_fields\":[\"payload\"],"
		    "\"ops\":[\"stop-process\"]}", v, pem[0], pem[1], pem[2]);
		if (kansa_doc_create_json(&doc, &len, KANSA_DOC_POLICY, json, strlen(json), NULL, now) != 0)
			tool_die("policy");
		tool_sign(&doc, &len, k, 3);
		if (v == 1) {
			free(sh->c.policy);
			sh->c.policy = doc;
			sh->c.policy_len = len;
		} else {
			sh->policy[v - 2] = doc;
			sh->policy_len[v - 2] = len;
		}
	}
	/* the warrant, signed by members of these keys */
	free(sh->c.warrant);
	sh->c.warrant = NULL;
	snprintf(json, sizeof(json),
	    "{\"commission\":\"jp-ccisc\",\"subject\":\"npa-cyber-3\",\"action\":\"metadata-query\","
	    "\"case\":\"T-1\",\"not_before\":\"-1h\",\"expires\":\"+30d\","
	    "\"scope\":{\"targets\":[\"203.0.113.0/24\"],\"fields\":[\"src_ip\",\"dst_ip\"],"
	    "\"window\":[\"-30d\",\"now\"]}}");
	if (kansa_doc_create_json(&sh->c.warrant, &sh->c.warrant_len, KANSA_DOC_WARRANT, json,
	    strlen(json), NULL, now) != 0)
		tool_die("warrant");
	tool_sign(&sh->c.warrant, &sh->c.warrant_len, k, 2);
	for (int i = 0; i < 3; i++) {
		kansa_key_free(k[i]);
		free(pem[i]);
	}
}

int main(int argc, char **argv)
{
	static shared sh;
	worker w[CHECKERS + READERS + 2];
	pthread_t t[CHECKERS + READERS + 2];
	kansa_ledger_info info;
	int64_t now = (int64_t)time(NULL);
	char db[512];
	size_t n = 0;
	int allowed = 0, infos = 0;
	uint64_t entries = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: threads DIR\n");
		return 99;
	}
	/* KANSA_TEST_DB_URI: the same on a PostgreSQL ledger (tests/cli/pg-threads.sh) */
	if (getenv("KANSA_TEST_DB_URI") && getenv("KANSA_TEST_DB_URI")[0])
		snprintf(db, sizeof(db), "%s", getenv("KANSA_TEST_DB_URI"));
	else
		snprintf(db, sizeof(db), "%s/threads.db", argv[1]);
	commission_make(&sh.c, NULL, now);
	make_policies(&sh, now);
	snprintf(sh.c.db, sizeof(sh.c.db), "%s", db);
	if (kansa_ledger_init(sh.c.db, sh.c.dbkey, sh.c.policy, sh.c.policy_len) != 0 ||
	    kansa_ledger_open(&sh.lg[0], db, sh.c.dbkey, 0) != 0 ||
	    kansa_ledger_open(&sh.lg[1], db, sh.c.dbkey, 0) != 0)
		tool_die("ledger");
	printf("1..6\n");
	memset(w, 0, sizeof(w));
	for (int i = 0; i < CHECKERS; i++, n++) {
		w[n] = (worker){ &sh, i % 2, 0 };
		if (pthread_create(&t[n], NULL, checker, &w[n]) != 0)
			tool_die("thread");
	}
	for (int i = 0; i < READERS; i++, n++) {
		w[n] = (worker){ &sh, 0, 0 };
		if (pthread_create(&t[n], NULL, reader, &w[n]) != 0)
			tool_die("thread");
	}
	w[n] = (worker){ &sh, 0, 0 };
	if (pthread_create(&t[n], NULL, activator, &w[n]) != 0)
		tool_die("thread");
	n++;
	w[n] = (worker){ &sh, 1, 0 };
	if (pthread_create(&t[n], NULL, auditor, &w[n]) != 0)
		tool_die("thread");
	n++;
	for (size_t i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	for (size_t i = 0; i < CHECKERS; i++)
		allowed += w[i].done;
	for (size_t i = CHECKERS; i < CHECKERS + READERS; i++)
		infos += w[i].done;
	/* REQ: LEDGER-LOCKS-1 */
	tap(allowed == CHECKERS * CHECKS, "every check from 4 threads on 2 handles is allowed and recorded");
	tap(infos == READERS * INFOS, "every info call beside them returns");
	tap(w[n - 2].done == VERSIONS, "every policy activation beside them is recorded");
	tap(w[n - 1].done == AUDITS, "every replay beside them finds nothing and reads its snapshot");
	tap(kansa_ledger_get_info(&info, sh.lg[0]) == 0 && info.size == 1 + CHECKERS * CHECKS + VERSIONS &&
	    info.policy_version == VERSIONS + 1, "one chain of exactly those entries, last policy in force");
	tap(replay_clean(sh.lg[1], &entries) && entries == 1 + CHECKERS * CHECKS + VERSIONS,
	    "a replay of the whole ledger finds nothing");
	kansa_ledger_close(sh.lg[0]);
	kansa_ledger_close(sh.lg[1]);
	for (int i = 0; i < VERSIONS; i++)
		free(sh.policy[i]);
	commission_free(&sh.c);
	return failures ? 1 : 0;
}
