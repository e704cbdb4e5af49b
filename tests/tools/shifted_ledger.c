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

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "make") == 0)
		return make(argv[2], argv[3]);
	fprintf(stderr, "usage: shifted_ledger make DB OFFSET\n");
	return 2;
}
