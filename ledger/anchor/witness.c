/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa witness serve's core (design §11, c2sp.org/tlog-witness): answer an
 * add-checkpoint request for the logs this witness knows, keeping the
 * latest cosigned checkpoint of each log in the same state file the
 * offline kansa witness cosign uses (witness.h).
 *
 * Per log, reading the state, checking the request against it, writing the
 * new state (temporary file, fsync, rename, fsync of the directory) and
 * signing happen under one mutex, so two requests never both pass the
 * check of one old state. The state is durable before the cosignature is
 * returned.
 *
 * This file must never cosign a checkpoint whose size is smaller than the
 * state's, nor another root for the state's size, nor one without a valid
 * signature of the log's key, nor answer 200 before the state is durable.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kansa.h"
#include "keys/keys.h"
#include "ledger/anchor/anchor.h"
#include "ledger/anchor/witness.h"
#include "ledger/tlog/cosig.h"
#include "ledger/tlog/note.h"

#define WITNESS_PATH_MAX 4096

typedef struct {
	kansa_note_verifier *log;      /* owned copy of the log's key */
	char path[WITNESS_PATH_MAX];   /* its state file */
	pthread_mutex_t mu;            /* held around read-check-write of the state */
} witness_log;

struct kansa_witness {
	kansa_key *key;                /* borrowed: the witness's private key */
	kansa_note_verifier *me;       /* type 0x04 */
	kansa_note_verifier *me_old;   /* type 0x01, to read old state files */
	witness_log *logs;
	size_t n_logs;
};

/* ---- the request body ---------------------------------------------------- */

static int bad(const char *what)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_GIT, "add-checkpoint body: %s", what);
}

/* The next line of [p, end): its length without the newline; -1 if none. */
static long next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? (long)(nl - p) : -1;
}

static int parse_old(uint64_t *out, const char *p, long n)
{
	uint64_t v = 0;

	if (n < 5 || memcmp(p, "old ", 4) != 0)
		return bad("the first line must be \"old N\"");
	if (n > 4 + 20 || (p[4] == '0' && n != 5))
		return bad("the old size must be a decimal number without leading zeros");
	for (long i = 4; i < n; i++) {
		if (p[i] < '0' || p[i] > '9' ||
		    __builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (uint64_t)(p[i] - '0'), &v))
			return bad("the old size must be a decimal number below 2^64");
	}
	*out = v;
	return 0;
}

int kansa_witness__parse(kansa_witness_request *out, const char *body, size_t len)
{
	const char *p = body, *end = body + len;
	long n;
	int error;

	memset(out, 0, sizeof(*out));
	if (body == NULL || (n = next_line(p, end)) < 0)
		return bad("no \"old N\" line");
	if ((error = parse_old(&out->old_size, p, n)) < 0)
		return error;
	p += n + 1;
	for (;;) {
		size_t got = 0;

		if ((n = next_line(p, end)) < 0)
			return bad("no empty line between the consistency proof and the checkpoint");
		if (n == 0)
			break;
		if (out->n_proof == KANSA_WITNESS_MAX_PROOF)
			return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT,
			    "add-checkpoint body: more than %d consistency proof lines", KANSA_WITNESS_MAX_PROOF);
		if (kansa_base64_decode(out->proof[out->n_proof], KANSA_HASH_LEN, &got, p, (size_t)n) < 0 ||
		    got != KANSA_HASH_LEN)
			return bad("a consistency proof line is not one base64 SHA-256 hash");
		out->n_proof++;
		p += n + 1;
	}
	p++;
	if (p == end)
		return bad("no checkpoint after the empty line");
	out->note = p;
	out->note_len = (size_t)(end - p);
	return 0;
}

/* ---- the state ------------------------------------------------------------- */

/* REQ: WITNESS-SERVE-SHARED the state file of kansa witness cosign */
int kansa_witness__state_read(kansa_anchor_checkpoint *out, bool *have, const char *path,
    const kansa_note_verifier *log, const kansa_note_verifier *me, const kansa_note_verifier *me_old)
{
	const kansa_note_verifier *keys[2] = { log, me }, *alt[2] = { log, me_old };
	uint8_t *note = NULL;
	size_t len = 0;
	int error;

	*have = false;
	memset(out, 0, sizeof(*out));
	error = kansa_file_read(&note, &len, path, KANSA_MAX_ANCHOR_CHECKPOINT_BYTES, KANSA_FILE_SECRET);
	if (error == KANSA_ENOTFOUND)
		return 0;
	if (error == 0 && (error = kansa_anchor__checkpoint(out, (const char *)note, len, keys, alt, 2)) < 0)
		kansa_error_prefix("witness state %s", path);
	/* REQ: ANCHOR-WITNESS-STATE a state file belongs to one witness key */
	if (error == 0 && out->n_witnessed != 1)
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "witness state %s holds no cosignature by %s: it is another witness's state; give "
		    "this witness its own --state file", path, me->name);
	*have = error == 0;
	free(note);
	return error;
}

/* ---- open and free ------------------------------------------------------- */

void kansa_witness_free(kansa_witness *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n_logs; i++) {
		kansa_note_verifier_free(w->logs[i].log);
		pthread_mutex_destroy(&w->logs[i].mu);
	}
	free(w->logs);
	kansa_note_verifier_free(w->me);
	kansa_note_verifier_free(w->me_old);
	free(w);
}

/* dir "/" origin, every '/' of the origin as '_' (as kansa witness cosign). */
static int state_path(char out[WITNESS_PATH_MAX], const char *dir, const char *origin)
{
	int n = snprintf(out, WITNESS_PATH_MAX, "%s/%s", dir, origin);
	size_t skip = strlen(dir) + 1;

	if (n < 0 || n >= WITNESS_PATH_MAX)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT, "witness state path too long");
	for (char *p = out + skip; *p; p++)
		if (*p == '/')
			*p = '_';
	return 0;
}

static int add_log(kansa_witness *w, const kansa_note_verifier *v, const char *dir)
{
	witness_log *l = &w->logs[w->n_logs];
	int error;

	if (kansa_note_verifier_type(v) != KANSA_NOTE_TYPE_ED25519)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT,
		    "log key %s is a witness key (type 0x04): give the log's own key", v->name);
	for (size_t i = 0; i < w->n_logs; i++)
		if (strcmp(w->logs[i].log->name, v->name) == 0)
			return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT,
			    "log %s given twice: one key per origin", v->name);
	if ((error = state_path(l->path, dir, v->name)) < 0 ||
	    (error = kansa_note__verifier_new(&l->log, v->type, v->name, v->name_len, v->pub)) < 0)
		return error;
	if (pthread_mutex_init(&l->mu, NULL) != 0) {
		kansa_note_verifier_free(l->log);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "cannot make a mutex");
	}
	w->n_logs++;
	return 0;
}

int kansa_witness_open(kansa_witness **out, const kansa_key *key,
    const kansa_note_verifier *const *logs, size_t n_logs, const char *state_dir)
{
	kansa_witness *w;
	int error = 0;

	*out = NULL;
	if (key == NULL || logs == NULL || n_logs == 0 || state_dir == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT,
		    "a witness needs its key, at least one log key and a state directory");
	if (!kansa_key_is_private(key) || kansa_key_name(key)[0] == '\0')
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT,
		    "the witness key must be a private key with a name (kansa keys generate --name NAME)");
	if ((w = calloc(1, sizeof(*w))) == NULL || (w->logs = calloc(n_logs, sizeof(*w->logs))) == NULL) {
		free(w);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	w->key = (kansa_key *)key;
	if ((error = kansa_cosig_verifier_from_key(&w->me, key, kansa_key_name(key))) < 0 ||
	    (error = kansa_anchor__other_form(&w->me_old, w->me)) < 0)
		goto out;
	for (size_t i = 0; i < n_logs && error == 0; i++)
		error = add_log(w, logs[i], state_dir);
out:
	if (error < 0) {
		kansa_witness_free(w);
		return error;
	}
	*out = w;
	return 0;
}

/* ---- add-checkpoint ---------------------------------------------------- */

/* Fill @p out with @p status and a text body (owned). */
static int answer(kansa_witness_answer *out, int status, const char *fmt, ...) KANSA_PRINTF(3, 4);

static int answer(kansa_witness_answer *out, int status, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	free(out->body);
	out->status = status;
	out->len = (size_t)n;
	if ((out->body = malloc(out->len + 1)) == NULL) {
		out->len = 0;
		out->status = 500;
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	memcpy(out->body, line, out->len + 1);
	return 0;
}

/* The note's text, the log's signature lines and @p line: the new state. */
static int state_note(kansa_buf *b, const kansa_note_parsed *np, const kansa_note_verifier *log,
    const kansa_buf *line)
{
	int error;

	if ((error = kansa_buf_put(b, np->text, np->text_len)) < 0 || (error = kansa_buf_putc(b, '\n')) < 0)
		return error;
	for (size_t i = 0; i < np->n_sigs; i++) {
		const kansa_note_sig *s = &np->sigs[i];

		if (s->duplicate || s->name_len != log->name_len || memcmp(s->name, log->name, s->name_len) != 0 ||
		    memcmp(s->key_id, log->key_id, KANSA_NOTE_KEY_ID_LEN) != 0)
			continue;
		if ((error = kansa_buf_put(b, s->line, s->line_len)) < 0 || (error = kansa_buf_putc(b, '\n')) < 0)
			return error;
	}
	return kansa_buf_put(b, line->ptr, line->len);
}

/* Check @p cp against the state, then cosign, record, answer; under the log's mutex. */
static int add_locked(kansa_witness_answer *out, kansa_witness *w, witness_log *l,
    const kansa_witness_request *rq, const kansa_note_parsed *np, const kansa_checkpoint *cp)
{
	kansa_buf line = KANSA_BUF_INIT(1024), st = KANSA_BUF_INIT(KANSA_MAX_ANCHOR_CHECKPOINT_BYTES);
	kansa_anchor_checkpoint state;
	uint64_t known;
	bool have;
	int error;

	if ((error = kansa_witness__state_read(&state, &have, l->path, l->log, w->me, w->me_old)) < 0) {
		/* REQ: WITNESS-SERVE-STATE a state that cannot be read cosigns nothing */
		answer(out, 500, "the witness state of %s cannot be used: %s\n", l->log->name,
		    kansa_error_last()->message);
		return error;
	}
	known = have ? state.size : 0;
	/* REQ: WITNESS-SERVE-409 the old size must be the size cosigned last */
	if (rq->old_size != known) {
		out->known_size = known;
		error = answer(out, 409, "%llu\n", (unsigned long long)known);
		out->content_type = "text/x.tlog.size";
		return error;
	}
	if (rq->old_size == cp->size) {
		/* REQ: WITNESS-SERVE-FORK never two roots for one size */
		if (rq->n_proof != 0)
			return answer(out, 422, "the consistency proof must be empty for the same size\n");
		if (have && !kansa_ct_equal(state.root, cp->root, KANSA_HASH_LEN)) {
			out->known_size = known;
			error = answer(out, 409, "%llu\n", (unsigned long long)known);
			out->content_type = "text/x.tlog.size";
			return error;
		}
	} else if (rq->old_size == 0) {
		if (rq->n_proof != 0)
			return answer(out, 422, "the consistency proof must be empty from size 0\n");
	} else if (kansa_merkle_verify_consistency(rq->old_size, cp->size, state.root, cp->root,
	    (const uint8_t (*)[KANSA_HASH_LEN])rq->proof, rq->n_proof) < 0) {
		/* REQ: WITNESS-SERVE-422 cosign only what is proven to extend the state */
		return answer(out, 422, "the consistency proof from size %llu to %llu does not verify\n",
		    (unsigned long long)rq->old_size, (unsigned long long)cp->size);
	}
	/* REQ: WITNESS-C2SP the line is a C2SP tlog-cosignature v1, timestamped now */
	if ((error = kansa_cosig__line(&line, np->text, np->text_len, w->key, kansa_key_name(w->key),
	    (uint64_t)time(NULL))) < 0 || (error = state_note(&st, np, l->log, &line)) < 0)
		goto fail;
	/* REQ: WITNESS-SERVE-DURABLE the state is durable before the cosignature is returned */
	if ((error = kansa_file_write(l->path, st.ptr, st.len, 0600,
	    KANSA_FILE_SECRET | KANSA_FILE_REPLACE)) < 0)
		goto fail;
	free(out->body);
	out->status = 200;
	out->content_type = "text/plain; charset=utf-8";
	out->body = (char *)kansa_buf_detach(&line, &out->len);
	out->previous_size = known;
	goto done;
fail:
	answer(out, 500, "the witness could not cosign: %s\n", kansa_error_last()->message);
done:
	kansa_buf_dispose(&line);
	kansa_buf_dispose(&st);
	return error;
}

static witness_log *find_log(kansa_witness *w, const char *origin, size_t len)
{
	for (size_t i = 0; i < w->n_logs; i++)
		if (w->logs[i].log->name_len == len && memcmp(w->logs[i].log->name, origin, len) == 0)
			return &w->logs[i];
	return NULL;
}

int kansa_witness_add_checkpoint(kansa_witness_answer *out, kansa_witness *w, const char *body,
    size_t len)
{
	kansa_witness_request *rq = NULL;
	kansa_note_parsed np;
	kansa_checkpoint cp;
	const char *origin;
	uint8_t root[KANSA_HASH_LEN];
	size_t origin_len, ext;
	uint64_t size;
	witness_log *l;
	bool parsed = false;
	int error;

	memset(out, 0, sizeof(*out));
	out->content_type = "text/plain; charset=utf-8";
	if (w == NULL || (body == NULL && len))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT, "add-checkpoint: missing argument");
	if ((rq = malloc(sizeof(*rq))) == NULL)
	{
		answer(out, 500, "out of memory\n");
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	/* REQ: WITNESS-SERVE-400 a malformed body or checkpoint is refused */
	if ((error = kansa_witness__parse(rq, body, len)) < 0 ||
	    (error = kansa_note__parse(&np, rq->note, rq->note_len)) < 0) {
		error = answer(out, 400, "%s\n", kansa_error_last()->message);
		goto out;
	}
	parsed = true;
	if (kansa_checkpoint__parse_text(&origin, &origin_len, &size, root, &ext, np.text, np.text_len) < 0) {
		error = answer(out, 400, "%s\n", kansa_error_last()->message);
		goto out;
	}
	/* REQ: WITNESS-SERVE-404 only the logs this witness was given */
	if ((l = find_log(w, origin, origin_len)) == NULL) {
		error = answer(out, 404, "unknown log: this witness has no key for origin %.*s\n",
		    (int)(origin_len > 200 ? 200 : origin_len), origin);
		goto out;
	}
	/* REQ: WITNESS-SERVE-403 the log's own signature must verify */
	if ((error = kansa_checkpoint_verify(&cp, rq->note, rq->note_len,
	    (const kansa_note_verifier *const *)&l->log, 1, 1)) < 0) {
		error = answer(out, error == KANSA_EVERIFY ? 403 : 400, "%s\n", kansa_error_last()->message);
		goto out;
	}
	/* REQ: WITNESS-SERVE-ROLLBACK an old size above the checkpoint's is refused */
	if (rq->old_size > cp.size) {
		error = answer(out, 400, "the old size %llu is larger than the checkpoint's %llu\n",
		    (unsigned long long)rq->old_size, (unsigned long long)cp.size);
		goto out;
	}
	/* REQ: WITNESS-SERVE-SERIAL read, check, write and sign under one lock per log */
	pthread_mutex_lock(&l->mu);
	error = add_locked(out, w, l, rq, &np, &cp);
	pthread_mutex_unlock(&l->mu);
out:
	if (parsed)
		kansa_note__parsed_dispose(&np);
	free(rq);
	return error;
}

void kansa_witness_answer_dispose(kansa_witness_answer *a)
{
	if (a == NULL)
		return;
	free(a->body);
	a->body = NULL;
	a->len = 0;
}
