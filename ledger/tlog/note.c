/* SPDX-License-Identifier: Apache-2.0 */
/*
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 (type 0x01)
 * signatures, and tlog checkpoints (c2sp.org/tlog-checkpoint) on top.
 *
 * The parser is strict and bounded: a note is at most KANSA_NOTE_MAX_BYTES
 * of UTF-8 with no control characters but newline, the text is split from
 * the signatures at the last blank line, and every line after it must be a
 * signature line. It never recurses and keeps only pointers into the input.
 * The verifier follows the spec: signatures from unknown keys (name and key
 * ID not both matching) are ignored but counted, a known key whose signature
 * fails rejects the whole note, and a note with no verified signature is
 * rejected. The checkpoint body is parsed only after its signatures verify.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/tlog/cosig.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"

/* U+2014 EM DASH and a space: the start of every signature line. */
static const char SIG_PREFIX[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN (sizeof(SIG_PREFIX) - 1)
#define B64_HASH_LEN 44 /* base64 of 32 bytes */

static int note_error(int code, const char *fmt, ...) KANSA_PRINTF(2, 3);
static int note_error(int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = kansa_error_vset(code, KANSA_ERRCLASS_LEDGER, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * Decode one UTF-8 code point at s (n bytes left): the strict form of
 * RFC 3629 (no overlong forms, no surrogates, at most U+10FFFF). Returns its
 * length, or 0 when the bytes are not valid UTF-8.
 */
static size_t utf8_next(uint32_t *cp, const unsigned char *s, size_t n)
{
	uint32_t c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Unicode White_Space (as Go's unicode.IsSpace, which C2SP implementations use). */
static bool is_unicode_space(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	    c == 0x205f || c == 0x3000;
}

int kansa_note__check_text(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t c;

	while (i < len) {
		if ((n = utf8_next(&c, u + i, len - i)) == 0)
			return note_error(KANSA_EFORMAT, "note: invalid utf-8 at byte %zu", i);
		/* REQ: signed-note: no ASCII control characters other than newline */
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return note_error(KANSA_EFORMAT, "note: control character at byte %zu", i);
		i += n;
	}
	return 0;
}

bool kansa_note__name_is_valid(const char *name, size_t len)
{
	const unsigned char *u = (const unsigned char *)name;
	size_t i = 0, n;
	uint32_t c;

	if (name == NULL || len == 0 || len > KANSA_NOTE_MAX_NAME)
		return false;
	while (i < len) {
		if ((n = utf8_next(&c, u + i, len - i)) == 0)
			return false;
		/* REQ: signed-note: names are non-empty, no Unicode spaces, no '+' */
		if (c < 0x20 || c == 0x7f || c == '+' || is_unicode_space(c))
			return false;
		i += n;
	}
	return true;
}

int kansa_note__key_id(uint8_t out[KANSA_NOTE_KEY_ID_LEN], uint8_t type, const char *name,
    size_t name_len, const uint8_t pub[KANSA_PUBKEY_LEN])
{
	const uint8_t sep[2] = { 0x0a, type };
	uint8_t h[KANSA_HASH_LEN];
	kansa_sha256_ctx *c = NULL;
	int error;

	/* key ID = SHA-256(key name || 0x0A || type || 32-byte public key)[:4] */
	if ((error = kansa_sha256_new(&c)) < 0 ||
	    (error = kansa_sha256_update(c, name, name_len)) < 0 ||
	    (error = kansa_sha256_update(c, sep, sizeof(sep))) < 0 ||
	    (error = kansa_sha256_update(c, pub, KANSA_PUBKEY_LEN)) < 0 ||
	    (error = kansa_sha256_final(h, c)) < 0)
		goto out;
	memcpy(out, h, KANSA_NOTE_KEY_ID_LEN);
out:
	kansa_sha256_free(c);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Parsing                                                                 */
/* ---------------------------------------------------------------------- */

void kansa_note__parsed_dispose(kansa_note_parsed *p)
{
	if (p == NULL)
		return;
	free(p->sigs);
	memset(p, 0, sizeof(*p));
}

/* One signature line (without its newline) into sig; scratch holds
 * KANSA_NOTE_MAX_SIG_B64 / 4 * 3 bytes. */
static int parse_sig_line(kansa_note_sig *sig, const char *line, size_t n, size_t lineno,
    uint8_t *scratch)
{
	const char *sp, *b64;
	size_t b64_len, dlen;

	if (n < SIG_PREFIX_LEN || strncmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
		return note_error(KANSA_EFORMAT,
		    "note: signature line %zu does not start with an em dash and a space", lineno);
	sp = memchr(line + SIG_PREFIX_LEN, ' ', n - SIG_PREFIX_LEN);
	if (sp == NULL)
		return note_error(KANSA_EFORMAT, "note: signature line %zu has no signature", lineno);
	sig->line = line;
	sig->line_len = n;
	sig->name = line + SIG_PREFIX_LEN;
	sig->name_len = (size_t)(sp - sig->name);
	if (!kansa_note__name_is_valid(sig->name, sig->name_len))
		return note_error(KANSA_EFORMAT, "note: signature line %zu: invalid key name", lineno);
	b64 = sp + 1;
	b64_len = (size_t)(line + n - b64);
	if (b64_len > KANSA_NOTE_MAX_SIG_B64)
		return note_error(KANSA_ELIMIT, "note: signature line %zu: signature longer than %d characters",
		    lineno, KANSA_NOTE_MAX_SIG_B64);
	if (kansa_base64_decode(scratch, KANSA_NOTE_MAX_SIG_B64 / 4 * 3, &dlen, b64, b64_len) < 0)
		return note_error(KANSA_EFORMAT, "note: signature line %zu: signature is not base64", lineno);
	if (dlen < KANSA_NOTE_KEY_ID_LEN + 1)
		return note_error(KANSA_EFORMAT, "note: signature line %zu: signature too short", lineno);
	memcpy(sig->key_id, scratch, KANSA_NOTE_KEY_ID_LEN);
	sig->sig_len = dlen - KANSA_NOTE_KEY_ID_LEN;
	if (sig->sig_len == KANSA_SIG_LEN || sig->sig_len == KANSA_NOTE_MAX_SIG_PAYLOAD)
		memcpy(sig->sig, scratch + KANSA_NOTE_KEY_ID_LEN, sig->sig_len);
	return 0;
}

int kansa_note__parse(kansa_note_parsed *out, const char *note, size_t len)
{
	const char *p, *end = note + len, *sigs;
	uint8_t *scratch = NULL;
	size_t split = 0, lineno = 0;
	bool found = false;
	int error;

	memset(out, 0, sizeof(*out));
	if (note == NULL)
		return note_error(KANSA_EINVAL, "note: missing");
	if (len > KANSA_NOTE_MAX_BYTES)
		return note_error(KANSA_ELIMIT, "note: longer than %d bytes", KANSA_NOTE_MAX_BYTES);
	if ((error = kansa_note__check_text(note, len)) < 0)
		return error;
	if (len == 0 || note[len - 1] != '\n')
		return note_error(KANSA_EFORMAT, "note: does not end with a newline");
	/* REQ: signed-note: the text ends at the LAST blank line */
	for (size_t i = len - 1; i-- > 0;)
		if (note[i] == '\n' && note[i + 1] == '\n') {
			split = i;
			found = true;
			break;
		}
	if (!found)
		return note_error(KANSA_EFORMAT, "note: no blank line before the signatures");
	sigs = note + split + 2;
	if (sigs == end)
		return note_error(KANSA_EFORMAT, "note: no signature lines after the blank line");
	out->text = note;
	out->text_len = split + 1;
	if ((out->sigs = calloc(KANSA_NOTE_MAX_SIGNATURES, sizeof(*out->sigs))) == NULL ||
	    (scratch = malloc(KANSA_NOTE_MAX_SIG_B64 / 4 * 3)) == NULL) {
		error = note_error(KANSA_ENOMEM, "out of memory");
		goto out;
	}
	for (p = sigs; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)); /* the note ends in \n */
		kansa_note_sig *s;

		lineno++;
		if (out->n_sigs == KANSA_NOTE_MAX_SIGNATURES) {
			error = note_error(KANSA_ELIMIT, "note: more than %d signatures",
			    KANSA_NOTE_MAX_SIGNATURES);
			goto out;
		}
		s = &out->sigs[out->n_sigs];
		if ((error = parse_sig_line(s, p, (size_t)(nl - p), lineno, scratch)) < 0)
			goto out;
		for (size_t j = 0; j < out->n_sigs; j++)
			if (out->sigs[j].line_len == s->line_len &&
			    strncmp(out->sigs[j].line, s->line, s->line_len) == 0)
				s->duplicate = true;
		out->n_sigs++;
		p = nl + 1;
	}
	error = 0;
out:
	free(scratch);
	if (error < 0)
		kansa_note__parsed_dispose(out);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Verification and signing                                                */
/* ---------------------------------------------------------------------- */

/* The signature line @p s verifies under @p v: an Ed25519 signature over
 * the text (type 0x01), or a C2SP cosignature over it (type 0x04). */
static bool signature_ok(const kansa_note_verifier *v, const kansa_note_parsed *parsed,
    const kansa_note_sig *s)
{
	if (v->type == KANSA_NOTE_SIG_COSIG_V1)
		return kansa_cosig__check(NULL, v, parsed->text, parsed->text_len, s->sig, s->sig_len) == 0;
	return s->sig_len == KANSA_SIG_LEN &&
	    kansa_key_verify(v->key, (const uint8_t *)parsed->text, parsed->text_len, s->sig) == 0;
}

int kansa_note_verify(kansa_note_report *out, const char *note, size_t len,
    const kansa_note_verifier *const *verifiers, size_t n_verifiers, size_t n_required)
{
	kansa_note_parsed parsed;
	kansa_note_report r = { 0 };
	int error;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (out == NULL || (verifiers == NULL && n_verifiers > 0) ||
	    n_verifiers > KANSA_NOTE_MAX_VERIFIERS || n_required > n_verifiers)
		return note_error(KANSA_EINVAL, "note verify: bad arguments");
	for (size_t i = 0; i < n_verifiers; i++)
		if (verifiers[i] == NULL)
			return note_error(KANSA_EINVAL, "note verify: verifier %zu is NULL", i);
	if ((error = kansa_note__parse(&parsed, note, len)) < 0)
		return error;

	r.text_len = parsed.text_len;
	for (size_t i = 0; i < parsed.n_sigs; i++) {
		const kansa_note_sig *s = &parsed.sigs[i];
		size_t v;

		if (s->duplicate)
			continue; /* the same line twice counts once */
		r.signatures++;
		/* REQ: signed-note: a key is known by its name AND key ID together */
		for (v = 0; v < n_verifiers; v++)
			if (verifiers[v]->name_len == s->name_len &&
			    strncmp(verifiers[v]->name, s->name, s->name_len) == 0 &&
			    kansa_ct_equal(verifiers[v]->key_id, s->key_id, KANSA_NOTE_KEY_ID_LEN))
				break;
		if (v == n_verifiers) {
			r.unknown++; /* REQ: signed-note: ignore signatures from unknown keys */
			continue;
		}
		/* REQ: signed-note: a known key's failing signature rejects the note */
		if (!signature_ok(verifiers[v], &parsed, s)) {
			char hex[2 * KANSA_NOTE_KEY_ID_LEN + 1];
			kansa_hex_encode(hex, s->key_id, KANSA_NOTE_KEY_ID_LEN);
			error = note_error(KANSA_EVERIFY, "note: invalid signature for key %s+%s",
			    verifiers[v]->name, hex);
			goto out;
		}
		r.verified_mask |= (uint64_t)1 << v;
	}
	/* REQ: signed-note: no verified signature from a known key, no note */
	if (r.verified_mask == 0) {
		error = note_error(KANSA_EVERIFY, "note: no signature from a known key (%zu unknown)",
		    r.unknown);
		goto out;
	}
	for (size_t i = 0; i < n_required; i++)
		if ((r.verified_mask >> i & 1) == 0) {
			error = note_error(KANSA_EVERIFY, "note: not signed by required key %s",
			    verifiers[i]->name);
			goto out;
		}
	*out = r;
	error = 0;
out:
	kansa_note__parsed_dispose(&parsed);
	return error;
}

/* Append "— name base64(key ID || signature)\n" over text to b. */
static int put_signature(kansa_buf *b, const char *text, size_t text_len, const kansa_key *key,
    const char *name)
{
	uint8_t payload[KANSA_NOTE_KEY_ID_LEN + KANSA_SIG_LEN], pub[KANSA_PUBKEY_LEN];
	char b64[(sizeof(payload) + 2) / 3 * 4 + 1];
	size_t name_len = name ? strlen(name) : 0;
	int error;

	if (key == NULL || !kansa_key_is_private(key))
		return note_error(KANSA_EINVAL, "note: signing needs a private key");
	if (!kansa_note__name_is_valid(name, name_len))
		return note_error(KANSA_EFORMAT,
		    "note key name must be 1 to %d bytes of utf-8 without spaces, '+' or control characters",
		    KANSA_NOTE_MAX_NAME);
	kansa_key_public_raw(pub, key);
	if ((error = kansa_note__key_id(payload, KANSA_NOTE_SIG_ED25519, name, name_len, pub)) < 0 ||
	    (error = kansa_key_sign(payload + KANSA_NOTE_KEY_ID_LEN, key, (const uint8_t *)text,
	        text_len)) < 0 ||
	    (error = kansa_base64_encode(b64, sizeof(b64), payload, sizeof(payload))) < 0)
		return error;
	if ((error = kansa_buf_put(b, SIG_PREFIX, SIG_PREFIX_LEN)) < 0 ||
	    (error = kansa_buf_put(b, name, name_len)) < 0 ||
	    (error = kansa_buf_printf(b, " %s\n", b64)) < 0)
		return error;
	return 0;
}

/* Hand a finished note in b to the caller, NUL-terminated. */
static int finish(char **out, size_t *len_out, kansa_buf *b)
{
	size_t n;
	int error;

	if ((error = kansa_buf_putc(b, '\0')) < 0)
		return error;
	*out = (char *)kansa_buf_detach(b, &n);
	if (len_out)
		*len_out = n - 1;
	return 0;
}

static int check_note_text(const char *text, size_t len)
{
	int error;

	if (text == NULL || len == 0 || text[len - 1] != '\n')
		return note_error(KANSA_EFORMAT, "note text must be non-empty and end with a newline");
	if ((error = kansa_note__check_text(text, len)) < 0)
		return error;
	return 0;
}

int kansa_note_sign(char **out, size_t *len_out, const char *text, size_t text_len,
    const kansa_key *key, const char *name)
{
	kansa_buf b = KANSA_BUF_INIT(KANSA_NOTE_MAX_BYTES + 1);
	int error;

	*out = NULL;
	if (len_out)
		*len_out = 0;
	if ((error = check_note_text(text, text_len)) < 0 ||
	    (error = kansa_buf_put(&b, text, text_len)) < 0 ||
	    (error = kansa_buf_putc(&b, '\n')) < 0 ||
	    (error = put_signature(&b, text, text_len, key, name)) < 0 ||
	    (error = finish(out, len_out, &b)) < 0)
		goto out;
out:
	kansa_buf_dispose(&b);
	return error;
}

int kansa_note_add_signature(char **out, size_t *len_out, const char *note, size_t len,
    const kansa_key *key, const char *name)
{
	kansa_buf b = KANSA_BUF_INIT(KANSA_NOTE_MAX_BYTES + 1);
	kansa_note_parsed parsed;
	uint8_t pub[KANSA_PUBKEY_LEN], id[KANSA_NOTE_KEY_ID_LEN];
	size_t name_len = name ? strlen(name) : 0;
	int error;

	*out = NULL;
	if (len_out)
		*len_out = 0;
	if ((error = kansa_note__parse(&parsed, note, len)) < 0)
		return error;
	if (key == NULL || !kansa_key_is_private(key)) {
		error = note_error(KANSA_EINVAL, "note: signing needs a private key");
		goto out;
	}
	if (!kansa_note__name_is_valid(name, name_len)) {
		error = note_error(KANSA_EFORMAT, "note: invalid key name");
		goto out;
	}
	kansa_key_public_raw(pub, key);
	if ((error = kansa_note__key_id(id, KANSA_NOTE_SIG_ED25519, name, name_len, pub)) < 0)
		goto out;
	for (size_t i = 0; i < parsed.n_sigs; i++)
		if (parsed.sigs[i].name_len == name_len &&
		    strncmp(parsed.sigs[i].name, name, name_len) == 0 &&
		    kansa_ct_equal(parsed.sigs[i].key_id, id, sizeof(id))) {
			error = note_error(KANSA_EEXISTS, "note: already signed by %s", name);
			goto out;
		}
	if (parsed.n_sigs == KANSA_NOTE_MAX_SIGNATURES) {
		error = note_error(KANSA_ELIMIT, "note: already has %d signatures", KANSA_NOTE_MAX_SIGNATURES);
		goto out;
	}
	if ((error = kansa_buf_put(&b, note, len)) < 0 ||
	    (error = put_signature(&b, parsed.text, parsed.text_len, key, name)) < 0)
		goto out;
	if (b.len > KANSA_NOTE_MAX_BYTES) {
		error = note_error(KANSA_ELIMIT, "note: longer than %d bytes", KANSA_NOTE_MAX_BYTES);
		goto out;
	}
	error = finish(out, len_out, &b);
out:
	kansa_note__parsed_dispose(&parsed);
	kansa_buf_dispose(&b);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Checkpoints                                                             */
/* ---------------------------------------------------------------------- */

int kansa_checkpoint__parse_text(const char **origin_out, size_t *origin_len_out, uint64_t *size_out,
    uint8_t root_out[KANSA_HASH_LEN], size_t *extensions_out, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *line[3];
	size_t n[3], lines = 0, ext = 0, got;
	int error;

	if ((error = kansa_note__check_text(text, len)) < 0)
		return error;
	if (len == 0 || text[len - 1] != '\n')
		return note_error(KANSA_EFORMAT, "checkpoint: text does not end with a newline");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (lines < 3) {
			line[lines] = p;
			n[lines] = (size_t)(nl - p);
		} else if (nl == p) {
			/* REQ: tlog-checkpoint: extension lines MUST be non-empty */
			return note_error(KANSA_EFORMAT, "checkpoint: empty extension line %zu", lines + 1);
		} else {
			ext++;
		}
		lines++;
		p = nl + 1;
	}
	if (lines < 3)
		return note_error(KANSA_EFORMAT, "checkpoint: %zu lines, need origin, size and root", lines);
	if (n[0] == 0)
		return note_error(KANSA_EFORMAT, "checkpoint: empty origin");
	if (n[0] > KANSA_CHECKPOINT_MAX_ORIGIN)
		return note_error(KANSA_ELIMIT, "checkpoint: origin longer than %d bytes",
		    KANSA_CHECKPOINT_MAX_ORIGIN);
	/* REQ: tlog-checkpoint: no leading zeroes unless the size is 0 */
	if (kansa_parse_u64(size_out, line[1], n[1]) < 0)
		return note_error(KANSA_EFORMAT,
		    "checkpoint: tree size is not a decimal number without leading zeros below 2^64");
	/* We keep RFC 9162 SHA-256 trees: the root is exactly 32 bytes. */
	if (n[2] != B64_HASH_LEN || kansa_base64_decode(root_out, KANSA_HASH_LEN, &got, line[2], n[2]) < 0 ||
	    got != KANSA_HASH_LEN)
		return note_error(KANSA_EFORMAT, "checkpoint: root hash is not base64 of 32 bytes");
	*origin_out = line[0];
	*origin_len_out = n[0];
	*extensions_out = ext;
	return 0;
}

int kansa_checkpoint__format_text(kansa_buf *b, const char *origin, uint64_t size,
    const uint8_t root[KANSA_HASH_LEN])
{
	char b64[B64_HASH_LEN + 1];
	size_t olen = origin ? strlen(origin) : 0;
	int error;

	if (olen == 0 || memchr(origin, '\n', olen) != NULL)
		return note_error(KANSA_EFORMAT, "checkpoint: origin must be one non-empty line");
	if (olen > KANSA_CHECKPOINT_MAX_ORIGIN)
		return note_error(KANSA_ELIMIT, "checkpoint: origin longer than %d bytes",
		    KANSA_CHECKPOINT_MAX_ORIGIN);
	if ((error = kansa_note__check_text(origin, olen)) < 0 ||
	    (error = kansa_base64_encode(b64, sizeof(b64), root, KANSA_HASH_LEN)) < 0 ||
	    (error = kansa_buf_put(b, origin, olen)) < 0 ||
	    (error = kansa_buf_printf(b, "\n%llu\n%s\n", (unsigned long long)size, b64)) < 0)
		return error;
	return 0;
}

int kansa_checkpoint_sign(char **out, size_t *len_out, const kansa_key *key,
    const char *name, const char *origin, uint64_t size, const uint8_t root[KANSA_HASH_LEN])
{
	kansa_buf text = KANSA_BUF_INIT(KANSA_CHECKPOINT_MAX_ORIGIN + 128);
	int error;

	*out = NULL;
	if (len_out)
		*len_out = 0;
	if (root == NULL)
		return note_error(KANSA_EINVAL, "checkpoint: missing root");
	if ((error = kansa_checkpoint__format_text(&text, origin, size, root)) < 0)
		goto out;
	error = kansa_note_sign(out, len_out, (const char *)text.ptr, text.len, key,
	    name ? name : origin);
out:
	kansa_buf_dispose(&text);
	return error;
}

int kansa_checkpoint_verify(kansa_checkpoint *out, const char *note, size_t len,
    const kansa_note_verifier *const *verifiers, size_t n_verifiers, size_t n_required)
{
	kansa_note_report r;
	const char *origin;
	size_t olen, ext;
	uint64_t size;
	uint8_t root[KANSA_HASH_LEN];
	int error;

	if (out == NULL)
		return note_error(KANSA_EINVAL, "checkpoint verify: missing output");
	memset(out, 0, sizeof(*out));
	/* Verify, then use: the body is read only once a known key vouched for it. */
	if ((error = kansa_note_verify(&r, note, len, verifiers, n_verifiers, n_required)) < 0)
		return error;
	if ((error = kansa_checkpoint__parse_text(&origin, &olen, &size, root, &ext, note, r.text_len)) < 0)
		return error;
	memcpy(out->origin, origin, olen);
	out->origin[olen] = '\0';
	out->size = size;
	memcpy(out->root, root, KANSA_HASH_LEN);
	out->extensions = ext;
	out->note = r;
	return 0;
}
