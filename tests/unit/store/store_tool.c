/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny driver of the storage layer for tests/cli/store-encryption.sh:
 *   store_tool create DB KEYFILE N   make a ledger with N trivial entries
 *   store_tool count DB KEYFILE      print the number of entries
 * Exit status: 0 ok, 4 on a kansa error (the message goes to stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/store/store.h"

static int build(void *ctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	static const uint8_t zero = 0;
	kansa_sha256_ctx *c = NULL;
	char text[64];
	int n, error;

	(void)ctx;
	(void)s;
	n = snprintf(text, sizeof(text), "entry %llu", (unsigned long long)pos->seq);
	if ((out->body = (uint8_t *)kansa_strndup(text, (size_t)n)) == NULL)
		return KANSA_ENOMEM;
	out->body_len = (size_t)n;
	out->time = 1700000000 + (int64_t)pos->seq;
	if ((error = kansa_sha256_new(&c)) == 0 && (error = kansa_sha256_update(c, &zero, 1)) == 0 &&
	    (error = kansa_sha256_update(c, out->body, out->body_len)) == 0)
		error = kansa_sha256_final(out->leaf_hash, c);
	kansa_sha256_free(c);
	return error;
}

int main(int argc, char **argv)
{
	kansa_secret *key = NULL;
	kansa_store *s = NULL;
	uint64_t count;
	int error;

	if (argc < 4 || (strcmp(argv[1], "create") == 0 && argc != 5)) {
		fprintf(stderr, "usage: store_tool create|count DB KEYFILE [N]\n");
		return 2;
	}
	if ((error = kansa_secret_read_file(&key, argv[3])) < 0)
		goto out;
	if (strcmp(argv[1], "create") == 0) {
		long n = strtol(argv[4], NULL, 10);
		if ((error = kansa_store__open(&s, argv[2], key, KANSA_STORE_CREATE)) < 0)
			goto out;
		for (long i = 0; i < n; i++)
			if ((error = kansa_store__append(s, build, NULL, NULL)) < 0)
				goto out;
	} else {
		if ((error = kansa_store__open(&s, argv[2], key, KANSA_STORE_READONLY)) < 0 ||
		    (error = kansa_store__count(&count, s)) < 0)
			goto out;
		printf("%llu\n", (unsigned long long)count);
	}
out:
	if (error < 0)
		fprintf(stderr, "store_tool: %s (%s)\n", kansa_error_last()->message,
		    kansa_error_name(error));
	kansa_store__close(s);
	kansa_secret_free(key);
	return error < 0 ? 4 : 0;
}
