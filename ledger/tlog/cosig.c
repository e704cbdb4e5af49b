/* SPDX-License-Identifier: Apache-2.0 */
/*
 * C2SP tlog-cosignature v1: witness cosignatures on checkpoints (see
 * cosig.h for the byte layout). A cosignature is a signed-note signature
 * line, so a type 0x04 verifier passed to kansa_note_verify() checks it like
 * any other known key; the calls here make one, find and check one with its
 * timestamp, and build the witness's verifier.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/tlog/cosig.h"

/* U+2014 EM DASH and a space: the start of every signature line. */
static const char SIG_PREFIX[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN (sizeof(SIG_PREFIX) - 1)
#define PAYLOAD_LEN (KANSA_NOTE_KEY_ID_LEN + KANSA_COSIG_SIG_LEN)

static int cosig_error(int code, const char *fmt, ...) KANSA_PRINTF(2, 3);
static int cosig_error(int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = kansa_error_vset(code, KANSA_ERRCLASS_LEDGER, fmt, ap);
	va_end(ap);
	return rc;
}

int kansa_cosig__message(kansa_buf *b, uint64_t timestamp, const char *text, size_t text_len)
{
	int error;

	/* REQ: tlog-cosignature: "cosignature/v1\n", "time <decimal, no leading zeroes>\n", body */
	if ((error = kansa_buf_printf(b, "cosignature/v1\ntime %llu\n", (unsigned long long)timestamp)) < 0 ||
	    (error = kansa_buf_put(b, text, text_len)) < 0)
		return error;
	return 0;
}

static uint64_t get_u64be(const uint8_t *p)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_u64be(uint8_t *p, uint64_t v)
{
	for (size_t i = 8; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
}

int kansa_cosig__check(uint64_t *time_out, const kansa_note_verifier *v, const char *text,
    size_t text_len, const uint8_t *sig, size_t sig_len)
{
	kansa_buf msg = KANSA_BUF_INIT(KANSA_NOTE_MAX_BYTES + 64);
	uint64_t t;
	int error;

	if (v->type != KANSA_NOTE_SIG_COSIG_V1)
		return cosig_error(KANSA_EINVAL, "cosignature: %s is not a cosignature (type 0x04) key",
		    v->name);
	if (sig_len != KANSA_COSIG_SIG_LEN)
		return cosig_error(KANSA_EVERIFY, "cosignature by %s: %zu bytes after the key ID, a "
		    "tlog-cosignature v1 has %d (timestamp and Ed25519 signature)", v->name, sig_len,
		    KANSA_COSIG_SIG_LEN);
	t = get_u64be(sig);
	/* REQ: tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1 */
	if (t > KANSA_COSIG_MAX_TIME)
		return cosig_error(KANSA_EVERIFY, "cosignature by %s: timestamp above 2^63 - 1", v->name);
	if ((error = kansa_cosig__message(&msg, t, text, text_len)) < 0)
		goto out;
	if (kansa_key_verify(v->key, msg.ptr, msg.len, sig + KANSA_COSIG_TIME_LEN) < 0) {
		error = cosig_error(KANSA_EVERIFY, "cosignature by %s at time %llu does not verify",
		    v->name, (unsigned long long)t);
		goto out;
	}
	if (time_out)
		*time_out = t;
out:
	kansa_buf_dispose(&msg);
	return error;
}

int kansa_cosig__line(kansa_buf *b, const char *text, size_t text_len, const kansa_key *key,
    const char *name, uint64_t timestamp)
{
	kansa_buf msg = KANSA_BUF_INIT(KANSA_NOTE_MAX_BYTES + 64);
	uint8_t payload[PAYLOAD_LEN], pub[KANSA_PUBKEY_LEN];
	char b64[(PAYLOAD_LEN + 2) / 3 * 4 + 1];
	size_t name_len = name ? strlen(name) : 0;
	int error;

	if (key == NULL || !kansa_key_is_private(key))
		return cosig_error(KANSA_EINVAL, "cosignature: signing needs a private key");
	if (!kansa_note__name_is_valid(name, name_len))
		return cosig_error(KANSA_EFORMAT, "cosignature: the witness name must be 1 to %d bytes "
		    "of utf-8 without spaces, '+' or control characters", KANSA_NOTE_MAX_NAME);
	if (timestamp > KANSA_COSIG_MAX_TIME)
		return cosig_error(KANSA_EINVAL, "cosignature: timestamp above 2^63 - 1");
	kansa_key_public_raw(pub, key);
	put_u64be(payload + KANSA_NOTE_KEY_ID_LEN, timestamp);
	if ((error = kansa_note__key_id(payload, KANSA_NOTE_SIG_COSIG_V1, name, name_len, pub)) < 0 ||
	    (error = kansa_cosig__message(&msg, timestamp, text, text_len)) < 0 ||
	    (error = kansa_key_sign(payload + KANSA_NOTE_KEY_ID_LEN + KANSA_COSIG_TIME_LEN, key,
	        msg.ptr, msg.len)) < 0 ||
	    (error = kansa_base64_encode(b64, sizeof(b64), payload, sizeof(payload))) < 0)
		goto out;
	if ((error = kansa_buf_put(b, SIG_PREFIX, SIG_PREFIX_LEN)) < 0 ||
	    (error = kansa_buf_put(b, name, name_len)) < 0 ||
	    (error = kansa_buf_printf(b, " %s\n", b64)) < 0)
		goto out;
out:
	kansa_buf_dispose(&msg);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Public calls                                                            */
/* ---------------------------------------------------------------------- */

int kansa_note_verifier_type(const kansa_note_verifier *v)
{
	return v->type;
}

int kansa_cosig_verifier_from_key(kansa_note_verifier **out, const kansa_key *key, const char *name)
{
	uint8_t pub[KANSA_PUBKEY_LEN];

	*out = NULL;
	if (key == NULL || name == NULL)
		return cosig_error(KANSA_EINVAL, "cosignature verifier: missing key or name");
	kansa_key_public_raw(pub, key);
	return kansa_note__verifier_new(out, KANSA_NOTE_SIG_COSIG_V1, name, strlen(name), pub);
}

/* Does line @p s carry @p name with @p key_id? */
static bool line_is(const kansa_note_sig *s, const char *name, size_t name_len,
    const uint8_t key_id[KANSA_NOTE_KEY_ID_LEN])
{
	return s->name_len == name_len && memcmp(s->name, name, name_len) == 0 &&
	    kansa_ct_equal(s->key_id, key_id, KANSA_NOTE_KEY_ID_LEN);
}

int kansa_cosig_add(char **out, size_t *len_out, const char *note, size_t len, const kansa_key *key,
    const char *name, uint64_t timestamp)
{
	kansa_buf b = KANSA_BUF_INIT(KANSA_NOTE_MAX_BYTES + 1);
	kansa_note_parsed parsed;
	uint8_t pub[KANSA_PUBKEY_LEN], id[KANSA_NOTE_KEY_ID_LEN], root[KANSA_HASH_LEN];
	const char *origin;
	size_t name_len = name ? strlen(name) : 0, olen, ext, n;
	uint64_t size;
	int error;

	*out = NULL;
	if (len_out)
		*len_out = 0;
	if (key == NULL || !kansa_key_is_private(key) || !kansa_note__name_is_valid(name, name_len))
		return cosig_error(KANSA_EINVAL, "cosignature: needs a private key and a valid name");
	if ((error = kansa_note__parse(&parsed, note, len)) < 0)
		return error;
	/* REQ: tlog-cosignature: a cosignature is applied to a checkpoint */
	if ((error = kansa_checkpoint__parse_text(&origin, &olen, &size, root, &ext, parsed.text,
	    parsed.text_len)) < 0)
		goto out;
	kansa_key_public_raw(pub, key);
	if ((error = kansa_note__key_id(id, KANSA_NOTE_SIG_COSIG_V1, name, name_len, pub)) < 0)
		goto out;
	for (size_t i = 0; i < parsed.n_sigs; i++)
		if (line_is(&parsed.sigs[i], name, name_len, id)) {
			error = cosig_error(KANSA_EEXISTS, "checkpoint: already cosigned by %s", name);
			goto out;
		}
	if (parsed.n_sigs == KANSA_NOTE_MAX_SIGNATURES) {
		error = cosig_error(KANSA_ELIMIT, "note: already has %d signatures", KANSA_NOTE_MAX_SIGNATURES);
		goto out;
	}
	if ((error = kansa_buf_put(&b, note, len)) < 0 ||
	    (error = kansa_cosig__line(&b, parsed.text, parsed.text_len, key, name, timestamp)) < 0)
		goto out;
	if (b.len > KANSA_NOTE_MAX_BYTES) {
		error = cosig_error(KANSA_ELIMIT, "note: longer than %d bytes", KANSA_NOTE_MAX_BYTES);
		goto out;
	}
	if ((error = kansa_buf_putc(&b, '\0')) < 0)
		goto out;
	*out = (char *)kansa_buf_detach(&b, &n);
	if (len_out)
		*len_out = n - 1;
out:
	kansa_note__parsed_dispose(&parsed);
	kansa_buf_dispose(&b);
	return error;
}

int kansa_cosig_verify(uint64_t *time_out, const char *note, size_t len,
    const kansa_note_verifier *witness)
{
	kansa_note_parsed parsed;
	bool found = false;
	int error = 0;

	if (time_out)
		*time_out = 0;
	if (witness == NULL)
		return cosig_error(KANSA_EINVAL, "cosignature verify: missing witness key");
	if (witness->type != KANSA_NOTE_SIG_COSIG_V1)
		return cosig_error(KANSA_EINVAL, "cosignature verify: %s is a type 0x%02x key, not a "
		    "witness cosignature key (type 0x04)", witness->name, witness->type);
	if ((error = kansa_note__parse(&parsed, note, len)) < 0)
		return error;
	for (size_t i = 0; i < parsed.n_sigs && error == 0; i++) {
		const kansa_note_sig *s = &parsed.sigs[i];
		if (s->duplicate || !line_is(s, witness->name, witness->name_len, witness->key_id))
			continue;
		/* REQ: signed-note: a known key's failing signature rejects the note */
		error = kansa_cosig__check(time_out, witness, parsed.text, parsed.text_len, s->sig,
		    s->sig_len);
		found = true;
	}
	if (error == 0 && !found)
		error = cosig_error(KANSA_ENOTFOUND, "checkpoint: no cosignature by %s", witness->name);
	kansa_note__parsed_dispose(&parsed);
	return error;
}
