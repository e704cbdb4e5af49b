/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How an integrating system (an analysis platform, a neutralization
 * console) asks kansa before every act. Build against an installed kansa:
 *
 *   cc integrator.c $(pkg-config --cflags --libs kansa) -o integrator
 *   ./integrator ledger.db ledger.keyfile warrant.cose request.json
 *
 * Open the ledger once, call kansa_check_json() (or kansa_check() with
 * canonical CBOR) for every act (from as many threads as you like:
 * concurrent calls share one commit), and act ONLY
 * when it returns 0 with KANSA_ALLOW. Any error means deny: the decision
 * could not be recorded, and an unrecorded act is an unlawful act.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kansa.h>

int main(int argc, char **argv)
{
	kansa_secret *key = NULL;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	uint8_t *warrant = NULL, *json = NULL;
	size_t wlen = 0, jlen = 0;
	char leaf[2 * KANSA_HASH_LEN + 1];
	int error, allowed = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: %s LEDGER KEYFILE WARRANT.cose REQUEST.json\n", argv[0]);
		return 2;
	}
	kansa_global_init();
	if ((error = kansa_secret_read_file(&key, argv[2])) < 0 ||
	    (error = kansa_ledger_open(&lg, argv[1], key, 0)) < 0 ||
	    (error = kansa_file_read(&warrant, &wlen, argv[3], 1 << 20, 0)) < 0 ||
	    (error = kansa_file_read(&json, &jlen, argv[4], 16 << 20, 0)) < 0)
		goto out;
	/* The one call that matters: decide, record durably, then answer. The
	 * request goes in as it came: one that does not parse is recorded as
	 * malformed-request, not lost (kansa_check() takes canonical CBOR). */
	if ((error = kansa_check_json(&r, lg, warrant, wlen, (const char *)json, jlen,
	    (int64_t)time(NULL))) < 0)
		goto out;
	kansa_hex_encode(leaf, r.leaf_hash, KANSA_HASH_LEN);
	printf("%s (%s) seq %llu leaf %s\n", r.verdict == KANSA_ALLOW ? "allow" : "deny",
	    kansa_reason_name(r.reason), (unsigned long long)r.seq, leaf);
	allowed = r.verdict == KANSA_ALLOW;
out:
	if (error < 0)
		fprintf(stderr, "deny: %s\n", kansa_error_last()->message);
	kansa_ledger_close(lg);
	kansa_secret_free(key);
	free(warrant);
	free(json);
	kansa_global_shutdown();
	return error < 0 ? 4 : (allowed ? 0 : 1);
}
