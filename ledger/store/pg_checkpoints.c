/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL engine's checkpoints (signed notes by tree size): stored
 * in clear, as they are public. put and replace are each one statement, so
 * each is atomic without a lock of its own; inside a batch they join its
 * transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/store/pg_impl.h"

/* The note stored for @p size: *note_out malloc'd, or KANSA_ENOTFOUND. */
static int read_note(uint64_t *size_out, uint8_t **note_out, size_t *len_out, kansa_store *s,
    const char *sql, const uint64_t *size)
{
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	int64_t got = 0;
	int error;

	*note_out = NULL;
	*len_out = 0;
	if (size)
		kansa_pg__p_i64(&p, (int64_t)*size);
	kansa_store__lock(s);
	error = kansa_pg__run(&r, kansa_pg__conn(s), sql, &p, "cannot read checkpoint");
	kansa_store__unlock(s);
	if (error < 0)
		return error;
	if (PQntuples(r) == 0) {
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER, "no such checkpoint");
	} else if (kansa_pg__i64(&got, r, 0, 0) < 0 || got < 0 || PQgetisnull(r, 0, 1)) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "checkpoint: malformed row");
	} else {
		size_t n = (size_t)PQgetlength(r, 0, 1);
		if ((*note_out = malloc(n + 1)) == NULL) {
			error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		} else {
			memcpy(*note_out, PQgetvalue(r, 0, 1), n);
			(*note_out)[n] = 0;
			*len_out = n;
			if (size_out)
				*size_out = (uint64_t)got;
		}
	}
	PQclear(r);
	return error;
}

int kansa_pg__checkpoint_get(uint8_t **note_out, size_t *len_out, kansa_store *s, uint64_t size)
{
	int error;

	*note_out = NULL;
	*len_out = 0;
	if ((error = kansa_store__check_u63(size, "checkpoint size")) < 0)
		return error;
	return read_note(NULL, note_out, len_out, s, "SELECT size, note FROM checkpoints WHERE size = $1",
	    &size);
}

int kansa_pg__checkpoint_latest(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
    kansa_store *s)
{
	*size_out = 0;
	return read_note(size_out, note_out, len_out, s,
	    "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1", NULL);
}

static int check_args(kansa_store *s, uint64_t size, const uint8_t *note, size_t len)
{
	int error;

	if (s->flags & KANSA_STORE_READONLY)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER, "cannot write: ledger is read-only");
	if ((error = kansa_store__check_u63(size, "checkpoint size")) < 0)
		return error;
	if (note == NULL || len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "checkpoint: empty note");
	return 0;
}

/* Whether the stored note for @p size is exactly @p note (KANSA_ENOTFOUND when none). */
static int same_note(bool *same, kansa_store *s, uint64_t size, const uint8_t *note, size_t len)
{
	uint8_t *have = NULL;
	size_t have_len = 0;
	int error;

	*same = false;
	if ((error = kansa_pg__checkpoint_get(&have, &have_len, s, size)) < 0)
		return error;
	*same = have_len == len && kansa_ct_equal(have, note, len);
	free(have);
	return 0;
}

int kansa_pg__checkpoint_put(kansa_store *s, uint64_t size, const uint8_t *note, size_t len)
{
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	bool same = false;
	int error;

	if ((error = check_args(s, size, note, len)) < 0)
		return error;
	kansa_pg__p_i64(&p, (int64_t)size);
	kansa_pg__p_blob(&p, note, len);
	kansa_store__lock(s);
	error = kansa_pg__run(&r, kansa_pg__conn(s), "INSERT INTO checkpoints(size, note) VALUES($1, $2)"
	    " ON CONFLICT (size) DO NOTHING", &p, "cannot store checkpoint");
	if (error == 0 && strcmp(PQcmdTuples(r), "0") == 0) {
		/* one already there: the same note again is OK */
		if ((error = same_note(&same, s, size, note, len)) == 0 && !same)
			error = kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_LEDGER,
			    "checkpoint at size %llu already stored with a different note",
			    (unsigned long long)size);
	}
	kansa_store__unlock(s);
	PQclear(r);
	return error;
}

int kansa_pg__checkpoint_replace(kansa_store *s, uint64_t size, const uint8_t *old, size_t old_len,
    const uint8_t *note, size_t len)
{
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	bool same = false;
	int error;

	if ((error = check_args(s, size, note, len)) < 0)
		return error;
	if (old == NULL || old_len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "checkpoint: empty note");
	kansa_pg__p_i64(&p, (int64_t)size);
	kansa_pg__p_blob(&p, note, len);
	kansa_pg__p_blob(&p, old, old_len);
	kansa_store__lock(s);
	/* Compare and replace in one statement. */
	error = kansa_pg__run(&r, kansa_pg__conn(s), "UPDATE checkpoints SET note = $2 WHERE size = $1"
	    " AND note = $3", &p, "cannot store checkpoint");
	if (error == 0 && strcmp(PQcmdTuples(r), "0") == 0 &&
	    (error = same_note(&same, s, size, old, old_len)) == 0)
		error = kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_LEDGER,
		    "checkpoint at size %llu changed meanwhile", (unsigned long long)size);
	kansa_store__unlock(s);
	PQclear(r);
	return error;
}
