/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A ledger made with a shifted clock, for the CLI tests of rekey, the clock
 * check, secrets and special files (tests/cli/rekey-clock.sh, secrets.sh,
 * special-files.sh):
 *
 *   shifted_ledger make DB OFFSET  a new ledger (key TOOL_DB_KEY) whose entries
 *                                  are made with the clock OFFSET seconds from
 *                                  now (through kansa_ledger__set_clock), plus
 *                                  two checks (the first allowed when OFFSET is
 *                                  0); prints the warrant's and the request's
 *                                  file names
 *   shifted_ledger emergencies DB  a new ledger (key TOOL_DB_KEY) whose policy
 *                                  allows emergency neutralize acts (24h), with
 *                                  one act in each state: ratified, ratified
 *                                  late, refused, overdue (times in the past)
 *                                  and pending (now), for audit-emergencies.sh
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commission.h"
#include "ledger/ledger_impl.h"

static int64_t offset;

static int64_t shifted(void *ctx)
{
	(void)ctx;
	return (int64_t)time(NULL) + offset;
}

static int write_out(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, n, f) != n) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

static int make(const char *db, const char *off)
{
	commission c;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	char path[600];

	offset = strtoll(off, NULL, 10);
	kansa_ledger__set_clock(shifted, NULL);
	commission_make(&c, db, (int64_t)time(NULL));
	if (kansa_ledger_open(&lg, db, c.dbkey, 0) != 0 ||
	    kansa_check(&r, lg, c.warrant, c.warrant_len, c.allow_req, c.allow_len) != 0 ||
	    (offset == 0 && r.verdict != KANSA_ALLOW) ||
	    kansa_check(&r, lg, c.warrant, c.warrant_len, c.deny_req, c.deny_len) != 0)
		tool_die("check");
	kansa_ledger_close(lg);
	snprintf(path, sizeof(path), "%s.warrant.cose", db);
	if (write_out(path, c.warrant, c.warrant_len) != 0)
		return 99;
	printf("%s\n", path);
	snprintf(path, sizeof(path), "%s.request.cbor", db);
	if (write_out(path, c.allow_req, c.allow_len) != 0)
		return 99;
	printf("%s\n", path);
	commission_free(&c);
	return 0;
}

/* ---- emergencies: one act in each state ------------------------------- */

static int64_t at; /* the clock of the emergencies ledger */

static int64_t fixed(void *ctx)
{
	(void)ctx;
	return at;
}

static void act(kansa_receipt *out, kansa_ledger *lg, const char *host)
{
	char json[512];

	snprintf(json, sizeof(json),
	    "{\"requester\":\"jsdf-cyber-1\",\"officer\":\"officer-0815\",\"action\":\"neutralize\","
	    "\"emergency\":true,\"host\":\"%s\",\"op\":\"stop-process\","
	    "\"justification\":\"wiper spreading to %s\"}", host, host);
	if (kansa_check_json(out, lg, NULL, 0, json, strlen(json), at) != 0 ||
	    out->reason != KANSA_REASON_EMERGENCY)
		tool_die("emergency act");
}

static void answer(kansa_ledger *lg, kansa_key **k, const kansa_receipt *a, bool approved)
{
	char json[512], hex[2 * KANSA_HASH_LEN + 1];
	uint8_t *d = NULL;
	size_t n = 0;
	kansa_receipt r;

	kansa_hex_encode(hex, a->leaf_hash, KANSA_HASH_LEN);
	snprintf(json, sizeof(json), "{\"commission\":\"jp-ccisc\",\"entry\":\"%s\",\"approved\":%s,"
	    "\"reason\":\"reviewed\"}", hex, approved ? "true" : "false");
	if (kansa_doc_create_json(&d, &n, KANSA_DOC_RATIFICATION, json, strlen(json), NULL, at) != 0)
		tool_die("ratification");
	tool_sign(&d, &n, k, 2);
	if (kansa_ledger_ratify(&r, lg, d, n) != 0)
		tool_die("ratify");
	free(d);
}

static int emergencies(const char *db)
{
	const int64_t now = (int64_t)time(NULL), H = 3600;
	kansa_receipt ok, late, refused, overdue, pending;
	kansa_secret *key = NULL;
	kansa_ledger *lg = NULL;
	kansa_key *k[3];
	char *pem[3], json[4096];
	uint8_t *policy = NULL;
	size_t plen = 0;

	for (int i = 0; i < 3; i++) {
		if (kansa_key_generate(&k[i]) != 0)
			tool_die("key");
		pem[i] = tool_pem_json(k[i]);
	}
	snprintf(json, sizeof(json),
	    "{\"commission\":\"jp-ccisc\",\"version\":1,\"members\":["
	    "{\"name\":\"member-a\",\"public_key\":%s},{\"name\":\"member-b\",\"public_key\":%s},"
	    "{\"name\":\"member-c\",\"public_key\":%s}],"
	    "\"quorum\":{\"metadata-query\":2,\"neutralize\":3,\"revoke\":2,\"policy\":3},"
	    "\"emergency\":{\"neutralize\":\"24h\"},\"fields\":[\"src_ip\"],"
	    "\"forbidden_fields\":[\"payload\"],\"ops\":[\"stop-process\"]}", pem[0], pem[1], pem[2]);
	at = now - 10 * 24 * H;
	kansa_ledger__set_clock(fixed, NULL);
	if (kansa_doc_create_json(&policy, &plen, KANSA_DOC_POLICY, json, strlen(json), NULL, at) != 0)
		tool_die("policy");
	tool_sign(&policy, &plen, k, 3);
	if (kansa_secret_from(&key, TOOL_DB_KEY, 64) != 0 || kansa_ledger_init(db, key, policy, plen) != 0 ||
	    kansa_ledger_open(&lg, db, key, 0) != 0)
		tool_die("ledger");
	act(&ok, lg, "198.51.100.1");              /* seq 1: ratified after 2h */
	act(&late, lg, "198.51.100.2");            /* seq 2: ratified 2 days later */
	act(&refused, lg, "198.51.100.3");         /* seq 3: refused */
	act(&overdue, lg, "198.51.100.4");         /* seq 4: never answered */
	at += 2 * H;
	answer(lg, k, &ok, true);                  /* seq 5 */
	answer(lg, k, &refused, false);            /* seq 6 */
	at += 2 * 24 * H;
	answer(lg, k, &late, true);                /* seq 7 */
	at = now - H;
	act(&pending, lg, "198.51.100.5");         /* seq 8: 23h left */
	kansa_ledger_close(lg);
	kansa_ledger__set_clock(NULL, NULL);
	for (int i = 0; i < 3; i++) {
		kansa_key_free(k[i]);
		free(pem[i]);
	}
	kansa_secret_free(key);
	free(policy);
	(void)overdue;
	(void)pending;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "make") == 0)
		return make(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "emergencies") == 0)
		return emergencies(argv[2]);
	fprintf(stderr, "usage: shifted_ledger make DB OFFSET | emergencies DB\n");
	return 2;
}
