/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite's memory, wiped when freed (REQ: SEC-WIPE-SQLITE). SQLCipher
 * decrypts pages in place into SQLite's page cache, so a page of the meta
 * table holds the ledger's Ed25519 signing seed (log.seed) in clear; the
 * SQLCipher of Debian 12 (3.4.1) frees the page cache without wiping it,
 * and every connection that reads the meta page (the main one at open, an
 * audit snapshot at the end of a replay) would leave the seed in freed heap,
 * where a core dump or a later allocation shows it.
 *
 * kansa_store__mem_init() installs, once per process and before SQLite is
 * initialised, an allocator over malloc that keeps each block's size in an
 * 8-byte header and wipes the whole block before freeing it. It must never
 * be installed after SQLite started: sqlite3_config() refuses that
 * (SQLITE_MISUSE), and then SQLite's own allocator stays, so a program that
 * initialises SQLite itself before opening a ledger keeps unwiped pages
 * (docs/ledger.md, "Handling").
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "keys/keys.h"
#include "ledger/store/store_impl.h"

#define HDR 8 /* the header: the block's size; keeps 8-byte alignment */

static void *mem_malloc(int n)
{
	uint8_t *p;
	uint64_t size;

	if (n <= 0)
		return NULL;
	size = (uint64_t)n;
	if ((p = malloc((size_t)n + HDR)) == NULL)
		return NULL;
	memcpy(p, &size, sizeof(size));
	return p + HDR;
}

static uint64_t mem_block_size(const void *q)
{
	uint64_t size;

	memcpy(&size, (const uint8_t *)q - HDR, sizeof(size));
	return size;
}

static void mem_free(void *q)
{
	uint8_t *p;

	if (q == NULL)
		return;
	p = (uint8_t *)q - HDR;
	kansa_wipe(p, (size_t)mem_block_size(q) + HDR);
	free(p);
}

/* A new block, the old bytes copied, the old block wiped and freed: never
 * realloc(), which could move the data and leave the old copy unwiped. */
static void *mem_realloc(void *q, int n)
{
	uint64_t old;
	void *r;

	if (q == NULL)
		return mem_malloc(n);
	if ((r = mem_malloc(n)) == NULL)
		return NULL;
	old = mem_block_size(q);
	memcpy(r, q, (size_t)(old < (uint64_t)n ? old : (uint64_t)n));
	mem_free(q);
	return r;
}

static int mem_size(void *q)
{
	return q ? (int)mem_block_size(q) : 0;
}

static int mem_roundup(int n)
{
	return n > INT32_MAX - 7 ? n : (n + 7) & ~7;
}

static int mem_init(void *ctx)
{
	(void)ctx;
	return SQLITE_OK;
}

static void mem_shutdown(void *ctx)
{
	(void)ctx;
}

static const sqlite3_mem_methods wiping = {
	mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup, mem_init, mem_shutdown, NULL,
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool installed;

static void install(void)
{
	installed = sqlite3_config(SQLITE_CONFIG_MALLOC, &wiping) == SQLITE_OK;
}

bool kansa_store__mem_init(void)
{
	(void)pthread_once(&once, install);
	return installed;
}
