/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy's witness fields (design §11, docs/anchoring.md):
 *
 *   "origin":          the schema-less URL-like prefix of the checkpoint
 *                      origin of ledgers made under this policy
 *                      ("oversight.example/jp-ccisc"); each ledger adds
 *                      "/<16 hex>" of its own
 *   "witnesses":       [{"name": N, "vkey": "N+hex(key ID)+base64(0x04 || key)"}]
 *   "witness_quorum":  how many distinct listed witnesses must have cosigned
 *
 * The JSON builder and the CBOR parser live here so that both apply the
 * same rules; a vkey is checked completely (type 0x04, key ID over the name
 * and key), as kansa_note_verifier_parse() would, with keys/ only.
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/doc_json.h"

#define VKEY_MAX (KANSA_POLICY_WITNESS_NAME_MAX + 1 + 8 + 1 + 44)

/* A schema-less origin prefix: '/'-separated parts of [A-Za-z0-9._@-], none
 * empty or starting with '.', the first with a '.' (a host name), no "://". */
static bool origin_ok(const char *s)
{
	size_t n = strlen(s), part = 0;
	bool host_dot = false, first = true;

	if (n == 0 || n > KANSA_POLICY_ORIGIN_MAX)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];
		if (c == '/' || c == '\0') {
			if (part == 0)
				return false;
			first = false;
			part = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '@' || c == '-'))
			return false;
		if (part == 0 && c == '.')
			return false;
		host_dot |= first && c == '.';
		part++;
	}
	return host_dot;
}

/* A witness name: 1..KANSA_POLICY_WITNESS_NAME_MAX printable ASCII
 * characters without space or '+' (a C2SP key name, kept to ASCII here). */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > KANSA_POLICY_WITNESS_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '+')
			return false;
	return true;
}

/* @p vkey is "name+hex(key ID)+base64(0x04 || 32-byte key)" with the key ID
 * SHA-256(name || 0x0A || 0x04 || key)[:4]; its key into @p pub. */
static int vkey_check(uint8_t pub[KANSA_PUBKEY_LEN], const char *vkey, const char *name,
    const char *path)
{
	size_t nl = strlen(name), got;
	uint8_t id[4], raw[1 + KANSA_PUBKEY_LEN], buf[KANSA_POLICY_WITNESS_NAME_MAX + 2 + KANSA_PUBKEY_LEN];
	uint8_t h[KANSA_HASH_LEN];
	char hex[9];

	if (strlen(vkey) > VKEY_MAX || strncmp(vkey, name, nl) != 0 || vkey[nl] != '+' ||
	    strlen(vkey) < nl + 10 || vkey[nl + 9] != '+')
		return kansa_field__error(path, "must be the witness vkey \"%s+<8 hex>+<base64>\" "
		    "(kansa keys show prints it as witness vkey)", name);
	memcpy(hex, vkey + nl + 1, 8);
	hex[8] = '\0';
	if (kansa_hex_decode(id, sizeof(id), hex) < 0 ||
	    kansa_base64_decode(raw, sizeof(raw), &got, vkey + nl + 10, strlen(vkey + nl + 10)) < 0 ||
	    got != sizeof(raw))
		return kansa_field__error(path, "the key ID is not 8 hex digits or the key not base64 of 33 bytes");
	/* REQ: WITNESS-C2SP witness vkeys are of type 0x04 (tlog-cosignature) */
	if (raw[0] != 0x04)
		return kansa_field__error(path, "key type 0x%02x, a witness vkey has type 0x04", raw[0]);
	memcpy(buf, name, nl);
	buf[nl] = 0x0a;
	buf[nl + 1] = 0x04;
	memcpy(buf + nl + 2, raw + 1, KANSA_PUBKEY_LEN);
	if (kansa_sha256(h, buf, nl + 2 + KANSA_PUBKEY_LEN) < 0)
		return KANSA_ENOMEM;
	if (!kansa_ct_equal(h, id, sizeof(id)))
		return kansa_field__error(path, "the key ID does not match the name and key");
	memcpy(pub, raw + 1, KANSA_PUBKEY_LEN);
	return 0;
}

void kansa_policy_doc__dispose_witnesses(kansa_policy_doc *p)
{
	for (size_t i = 0; p->witnesses != NULL && i < p->n_witnesses; i++) {
		free(p->witnesses[i].name);
		free(p->witnesses[i].vkey);
	}
	free(p->witnesses);
	free(p->origin);
	p->witnesses = NULL;
	p->origin = NULL;
	p->n_witnesses = 0;
}

static int parse_one(kansa_policy_witness *w, const cbor_item_t *item, size_t i, const kansa_policy_doc *p)
{
	static const kansa_field_def defs[] = { { "name", 0, true }, { "vkey", 0, true } };
	cbor_item_t *vals[2];
	char pw[128], pk[128];
	int error;

	kansa_field__indexpath(pw, "witnesses", i);
	kansa_field__subpath(pk, pw, "name");
	if ((error = kansa_field__walk(vals, item, defs, 2, pw, "witness")) < 0 ||
	    (error = kansa_field__text(&w->name, vals[0], pk, KANSA_TEXT_ID)) < 0)
		return error;
	if (!name_ok(w->name))
		return kansa_field__error(pk, "must be 1 to %d printable characters without spaces or '+'",
		    KANSA_POLICY_WITNESS_NAME_MAX);
	kansa_field__subpath(pk, pw, "vkey");
	if ((error = kansa_field__text(&w->vkey, vals[1], pk, KANSA_TEXT_ID)) < 0 ||
	    (error = vkey_check(w->pub, w->vkey, w->name, pk)) < 0)
		return error;
	for (size_t k = 0; k < i; k++)
		if (strcmp(p->witnesses[k].name, w->name) == 0 ||
		    memcmp(p->witnesses[k].pub, w->pub, KANSA_PUBKEY_LEN) == 0)
			return kansa_field__error(pw, "same name or key as witnesses[%zu]", k);
	return 0;
}

int kansa_policy_doc__parse_witnesses(kansa_policy_doc *p, const cbor_item_t *origin,
    const cbor_item_t *witnesses, const cbor_item_t *quorum)
{
	size_t n = 0;
	int error;

	if (origin != NULL) {
		if ((error = kansa_field__text(&p->origin, origin, "origin", KANSA_TEXT_ID)) < 0)
			return error;
		if (!origin_ok(p->origin))
			return kansa_field__error("origin", "must be a schema-less name like "
			    "\"oversight.example/jp-ccisc\": '/'-separated parts of A-Z a-z 0-9 . _ @ -, "
			    "starting with a host name, at most %d bytes", KANSA_POLICY_ORIGIN_MAX);
	}
	if (witnesses != NULL) {
		if (!cbor_isa_array(witnesses) || (n = cbor_array_size(witnesses)) == 0)
			return kansa_field__error("witnesses", "must be a non-empty array (leave it out instead)");
		if (n > KANSA_POLICY_MAX_WITNESSES)
			return kansa_field__limit("witnesses", KANSA_POLICY_MAX_WITNESSES);
		if ((p->witnesses = calloc(n, sizeof(*p->witnesses))) == NULL)
			return kansa_field__nomem();
		for (size_t i = 0; i < n; i++) {
			p->n_witnesses = i + 1;
			if ((error = parse_one(&p->witnesses[i], cbor_array_handle(witnesses)[i], i, p)) < 0)
				return error;
		}
	}
	p->witness_quorum = 0;
	if (quorum != NULL) {
		if ((error = kansa_field__uint(&p->witness_quorum, quorum, "witness_quorum")) < 0)
			return error;
		/* REQ: WITNESS-QUORUM 1 <= witness_quorum <= witnesses listed */
		if (p->witness_quorum < 1 || p->witness_quorum > n)
			return kansa_field__error("witness_quorum", "must be at least 1 and at most the number "
			    "of witnesses (%zu)", n);
	}
	return 0;
}

int kansa_policy_doc__witnesses_from_json(cbor_item_t *m, const json_t *j)
{
	static const char *const wkeys[] = { "name", "vkey", NULL };
	json_t *v, *e;
	cbor_item_t *arr, *wm;
	char p[128];
	uint64_t u;
	size_t i;
	int error;

	if ((error = kansa_json__put_text(m, "origin", j, "", false)) < 0)
		return error;
	if ((v = json_object_get(j, "witnesses")) != NULL) {
		if (!json_is_array(v))
			return kansa_json__error("witnesses", "must be an array of {\"name\", \"vkey\"}");
		if ((arr = kansa_cbor__array()) == NULL)
			return KANSA_ENOMEM;
		json_array_foreach(v, i, e) {
			kansa_field__indexpath(p, "witnesses", i);
			if (!json_is_object(e))
				error = kansa_json__error(p, "must be an object {\"name\", \"vkey\"}");
			else if ((error = kansa_json__check_keys(e, p, wkeys)) == 0 &&
			    (error = (wm = kansa_cbor__map()) == NULL ? KANSA_ENOMEM : 0) == 0) {
				if ((error = kansa_json__put_text(wm, "name", e, p, true)) < 0 ||
				    (error = kansa_json__put_text(wm, "vkey", e, p, true)) < 0)
					cbor_decref(&wm);
				else
					error = kansa_cbor__array_push(arr, wm);
			}
			if (error < 0) {
				cbor_decref(&arr);
				return error;
			}
		}
		if ((error = kansa_json__put(m, "witnesses", arr)) < 0)
			return error;
	}
	if ((v = json_object_get(j, "witness_quorum")) != NULL &&
	    ((error = kansa_json__uint(&u, v, "witness_quorum")) < 0 ||
	    (error = kansa_json__put(m, "witness_quorum", kansa_cbor__uint(u))) < 0))
		return error;
	return 0;
}
