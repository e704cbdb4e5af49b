/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signed-note verifier keys (c2sp.org/signed-note "Verifier keys"):
 * "name+hex(key ID)+base64(type || public key)" for Ed25519 note keys
 * (type 0x01) and C2SP witness cosignature keys (type 0x04, see cosig.c).
 * The key ID must match the name, type and key.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/tlog/note.h"

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

void kansa_note_verifier_free(kansa_note_verifier *v)
{
	if (v == NULL)
		return;
	kansa_key_free(v->key);
	free(v);
}

const char *kansa_note_verifier_name(const kansa_note_verifier *v)
{
	return v->name;
}

int kansa_note__verifier_new(kansa_note_verifier **out, uint8_t type, const char *name,
    size_t name_len, const uint8_t pub[KANSA_PUBKEY_LEN])
{
	kansa_note_verifier *v;
	int error;

	*out = NULL;
	if (!kansa_note__name_is_valid(name, name_len))
		return note_error(KANSA_EFORMAT,
		    "note key name must be 1 to %d bytes of utf-8 without spaces, '+' or control characters",
		    KANSA_NOTE_MAX_NAME);
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return note_error(KANSA_ENOMEM, "out of memory");
	memcpy(v->name, name, name_len);
	v->name[name_len] = '\0';
	v->name_len = name_len;
	memcpy(v->pub, pub, KANSA_PUBKEY_LEN);
	v->type = type;
	if ((error = kansa_note__key_id(v->key_id, type, name, name_len, pub)) < 0 ||
	    (error = kansa_key_from_public(&v->key, pub)) < 0) {
		kansa_note_verifier_free(v);
		return error;
	}
	*out = v;
	return 0;
}

int kansa_note_verifier_parse(kansa_note_verifier **out, const char *vkey, size_t len)
{
	uint8_t id[KANSA_NOTE_KEY_ID_LEN], key[1 + KANSA_PUBKEY_LEN];
	char hex[2 * KANSA_NOTE_KEY_ID_LEN + 1];
	const char *plus1, *plus2, *end = vkey + len;
	size_t klen;
	kansa_note_verifier *v = NULL;
	int error;

	*out = NULL;
	if (vkey == NULL)
		return note_error(KANSA_EINVAL, "verifier key: missing");
	if (len > KANSA_NOTE_MAX_NAME + 1 + 8 + 1 + 44 || memchr(vkey, '\0', len) != NULL)
		return note_error(KANSA_EFORMAT, "verifier key: too long or contains a NUL");
	/* name+hash+key, split at the first two '+' (the base64 may hold more) */
	if ((plus1 = memchr(vkey, '+', len)) == NULL ||
	    (plus2 = memchr(plus1 + 1, '+', (size_t)(end - plus1 - 1))) == NULL)
		return note_error(KANSA_EFORMAT, "verifier key: expected name+keyid+key");
	if (plus2 - plus1 - 1 != 2 * KANSA_NOTE_KEY_ID_LEN)
		return note_error(KANSA_EFORMAT, "verifier key: key id is not 8 hex digits");
	memcpy(hex, plus1 + 1, 2 * KANSA_NOTE_KEY_ID_LEN);
	hex[2 * KANSA_NOTE_KEY_ID_LEN] = '\0';
	if (kansa_hex_decode(id, sizeof(id), hex) < 0)
		return note_error(KANSA_EFORMAT, "verifier key: key id is not 8 hex digits");
	if (kansa_base64_decode(key, sizeof(key), &klen, plus2 + 1, (size_t)(end - plus2 - 1)) < 0 ||
	    klen != sizeof(key))
		return note_error(KANSA_EFORMAT, "verifier key: key is not base64 of 33 bytes");
	/* REQ: signed-note: 0x01 Ed25519 note keys; tlog-cosignature: 0x04 witness keys */
	if (key[0] != KANSA_NOTE_SIG_ED25519 && key[0] != KANSA_NOTE_SIG_COSIG_V1)
		return note_error(KANSA_EFORMAT, "verifier key: unsupported signature type 0x%02x "
		    "(kansa knows 0x01, Ed25519 notes, and 0x04, C2SP cosignatures)", key[0]);
	if ((error = kansa_note__verifier_new(&v, key[0], vkey, (size_t)(plus1 - vkey), key + 1)) < 0)
		return error;
	if (!kansa_ct_equal(v->key_id, id, sizeof(id))) {
		kansa_note_verifier_free(v);
		return note_error(KANSA_EFORMAT, "verifier key: key id does not match the name and key");
	}
	*out = v;
	return 0;
}

int kansa_note_verifier_from_key(kansa_note_verifier **out, const kansa_key *key, const char *name)
{
	uint8_t pub[KANSA_PUBKEY_LEN];

	*out = NULL;
	if (key == NULL || name == NULL)
		return note_error(KANSA_EINVAL, "verifier: missing key or name");
	kansa_key_public_raw(pub, key);
	return kansa_note__verifier_new(out, KANSA_NOTE_SIG_ED25519, name, strlen(name), pub);
}

int kansa_note_verifier_format(char **out, const kansa_note_verifier *v)
{
	uint8_t key[1 + KANSA_PUBKEY_LEN];
	char hex[2 * KANSA_NOTE_KEY_ID_LEN + 1], b64[B64_HASH_LEN + 4 + 1];
	kansa_buf b = KANSA_BUF_INIT(KANSA_NOTE_MAX_NAME + 64);
	int error;

	*out = NULL;
	key[0] = v->type;
	memcpy(key + 1, v->pub, KANSA_PUBKEY_LEN);
	kansa_hex_encode(hex, v->key_id, KANSA_NOTE_KEY_ID_LEN);
	if ((error = kansa_base64_encode(b64, sizeof(b64), key, sizeof(key))) < 0 ||
	    (error = kansa_buf_printf(&b, "%s+%s+%s", v->name, hex, b64)) < 0 ||
	    (error = kansa_buf_putc(&b, '\0')) < 0) {
		kansa_buf_dispose(&b);
		return error;
	}
	*out = (char *)kansa_buf_detach(&b, NULL);
	return 0;
}
