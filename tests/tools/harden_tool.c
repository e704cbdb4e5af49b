/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helper for the hardening CLI tests (tests/cli/rekey-clock.sh, secrets.sh):
 *
 *   harden_tool make DB OFFSET     a new ledger (key TOOL_DB_KEY) whose entries
 *                                  are made with the clock OFFSET seconds from
 *                                  now (through kansa_ledger__set_clock), plus
 *                                  two checks (the first allowed when OFFSET is 0);
 *                                  prints the
 *                                  warrant's and the request's file names
 *   harden_tool verify DB KEYFILE  open with the key file and walk the chain
 *                                  (seq, prev links, leaf hashes, times);
 *                                  prints "verified N entries"
 *
 * TODO(audit): `verify` becomes kansa_ledger_audit() once it is on main.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commission.h"
#include "keys/keys.h"
#include "ledger/entry.h"
#include "ledger/ledger_impl.h"
#include "ledger/store.h"

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

static int verify(const char *db, const char *keyfile)
{
	kansa_secret *key = NULL;
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	kansa_store_iter *it = NULL;
	kansa_store_row row;
	uint8_t prev[KANSA_HASH_LEN] = { 0 }, leaf[KANSA_HASH_LEN];
	int64_t last = INT64_MIN;
	uint64_t n = 0;
	int rc;

	if (kansa_secret_read_file(&key, keyfile) != 0 || kansa_ledger_open(&lg, db, key, 0) != 0 ||
	    kansa_ledger_get_info(&info, lg) != 0 ||
	    kansa_store__iter_new(&it, kansa_ledger__store(lg), 0) != 0)
		tool_die("verify");
	while ((rc = kansa_store__iter_next(&row, it)) == 1) {
		kansa_entry e;
		if (kansa_entry__decode(&e, row.body, row.body_len) != 0)
			tool_die("malformed entry");
		kansa_entry__leaf_hash(leaf, row.body, row.body_len);
		if (e.seq != n || !kansa_ct_equal(e.prev, prev, KANSA_HASH_LEN) ||
		    !kansa_ct_equal(leaf, row.leaf_hash, KANSA_HASH_LEN) || e.time < last) {
			printf("broken at entry %llu\n", (unsigned long long)n);
			return 1;
		}
		last = e.time;
		memcpy(prev, leaf, sizeof(prev));
		kansa_entry__dispose(&e);
		n++;
	}
	if (rc != 0 || n != info.size) {
		printf("broken: %llu entries of %llu read\n", (unsigned long long)n,
		    (unsigned long long)info.size);
		return 1;
	}
	printf("verified %llu entries\n", (unsigned long long)n);
	kansa_store__iter_free(it);
	kansa_ledger_close(lg);
	kansa_secret_free(key);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "make") == 0)
		return make(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "verify") == 0)
		return verify(argv[2], argv[3]);
	fprintf(stderr, "usage: harden_tool make DB OFFSET | verify DB KEYFILE\n");
	return 2;
}
