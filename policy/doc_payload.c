/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The payload parsers of the signed documents (doc.h): policy, warrant,
 * revocation and ratification, from canonical CBOR into their structs,
 * through the strict field reader (doc_field.h), with the rules on values
 * that each kind has (quorum bounds, distinct members, expires after
 * not_before, a scope of the warrant's action, ...).
 *
 * This file must never accept a payload that a builder of doc_json.c could
 * not have made, keep a pointer into the input, or leave a half-filled
 * struct behind on error (each parser empties it again).
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/doc_field.h"

/* ---------------------------------------------------------------------- */
/* Policy                                                                  */
/* ---------------------------------------------------------------------- */

static void dispose_members(kansa_member *m, size_t n)
{
	for (size_t i = 0; m != NULL && i < n; i++) {
		free(m[i].name);
		kansa_key_free(m[i].key);
	}
	free(m);
}

void kansa_policy_doc__dispose(kansa_policy_doc *p)
{
	if (p == NULL)
		return;
	free(p->commission);
	dispose_members(p->members, p->n_members);
	kansa_field__free_names(p->fields, p->n_fields);
	kansa_field__free_names(p->forbidden_fields, p->n_forbidden_fields);
	kansa_field__free_names(p->ops, p->n_ops);
	kansa_policy_doc__dispose_witnesses(p);
	kansa_policy_doc__dispose_emergency(p);
	for (size_t i = 0; p->units != NULL && i < p->n_units; i++)
		free(p->units[i].name);
	free(p->units);
	memset(p, 0, sizeof(*p));
}

static int parse_members(kansa_policy_doc *p, const cbor_item_t *v)
{
	static const kansa_field_def defs[] = { { "name", 0, true }, { "public_key", 0, true } };
	cbor_item_t *vals[2];
	char pm[128], pk[128];
	size_t n;
	int error;

	if (!cbor_isa_array(v))
		return kansa_field__error("members", "must be an array");
	n = cbor_array_size(v);
	if (n == 0)
		return kansa_field__error("members", "must not be empty");
	if (n > KANSA_MAX_MEMBERS)
		return kansa_field__limit("members", KANSA_MAX_MEMBERS);
	if ((p->members = calloc(n, sizeof(*p->members))) == NULL)
		return kansa_field__nomem();
	for (size_t i = 0; i < n; i++) {
		kansa_member *m = &p->members[i];
		const uint8_t *raw;
		size_t rlen;

		p->n_members = i + 1;
		kansa_field__indexpath(pm, "members", i);
		kansa_field__subpath(pk, pm, "name");
		if ((error = kansa_field__walk(vals, cbor_array_handle(v)[i], defs, 2, pm, "member")) < 0 ||
		    (error = kansa_field__text(&m->name, vals[0], pk, KANSA_TEXT_NAME)) < 0)
			return error;
		kansa_field__subpath(pk, pm, "public_key");
		if (kansa_cbor__get_bytes(&raw, &rlen, vals[1]) < 0 || rlen != KANSA_PUBKEY_LEN)
			return kansa_field__error(pk, "must be the 32-byte raw Ed25519 public key");
		if (kansa_key_from_public(&m->key, raw) < 0)
			return kansa_error_prefix("%s", pk);
		kansa_key_kid(m->kid, m->key);
		/* REQ: POLICY-MEMBERS distinct names and distinct keys */
		for (size_t k = 0; k < i; k++) {
			uint8_t a[KANSA_PUBKEY_LEN], b[KANSA_PUBKEY_LEN];

			if (strcmp(p->members[k].name, m->name) == 0)
				return kansa_field__error(pm, "member name \"%s\" is listed twice", m->name);
			kansa_key_public_raw(a, p->members[k].key);
			kansa_key_public_raw(b, m->key);
			if (kansa_ct_equal(a, b, sizeof(a)) || kansa_ct_equal(p->members[k].kid, m->kid, KANSA_KID_LEN))
				return kansa_field__error(pm, "same public key (kid) as members[%zu]", k);
		}
	}
	return 0;
}

/* One unit's "actions": 1..2 distinct warrant actions. */
static int parse_unit_actions(kansa_unit *u, const cbor_item_t *v, const char *path)
{
	char pa[128];
	int error;

	if (!cbor_isa_array(v) || cbor_array_size(v) == 0)
		return kansa_field__error(path, "must be a non-empty array of actions");
	if (cbor_array_size(v) > 2)
		return kansa_field__limit(path, 2);
	for (size_t i = 0; i < cbor_array_size(v); i++) {
		int a;

		kansa_field__indexpath(pa, path, i);
		if ((error = kansa_field__action(&a, cbor_array_handle(v)[i], pa)) < 0)
			return error;
		if (u->actions[a])
			return kansa_field__error(pa, "\"%s\" is listed twice", kansa_action__name(a));
		u->actions[a] = true;
	}
	return 0;
}

/* "units": [{"name", "actions"}] (design §10): the units that may call the
 * service, each for its actions only. Names are distinct. */
static int parse_units(kansa_policy_doc *p, const cbor_item_t *v)
{
	static const kansa_field_def defs[] = { { "name", 0, true }, { "actions", 0, true } };
	cbor_item_t *vals[2];
	char pu[128], pk[128];
	size_t n;
	int error;

	if (!cbor_isa_array(v))
		return kansa_field__error("units", "must be an array");
	n = cbor_array_size(v);
	if (n == 0)
		return kansa_field__error("units", "empty (leave it out instead)");
	if (n > KANSA_MAX_UNITS)
		return kansa_field__limit("units", KANSA_MAX_UNITS);
	if ((p->units = calloc(n, sizeof(*p->units))) == NULL)
		return kansa_field__nomem();
	for (size_t i = 0; i < n; i++) {
		kansa_unit *u = &p->units[i];

		p->n_units = i + 1;
		kansa_field__indexpath(pu, "units", i);
		kansa_field__subpath(pk, pu, "name");
		if ((error = kansa_field__walk(vals, cbor_array_handle(v)[i], defs, 2, pu, "unit")) < 0 ||
		    (error = kansa_field__text(&u->name, vals[0], pk, KANSA_TEXT_ID)) < 0)
			return error;
		kansa_field__subpath(pk, pu, "actions");
		if ((error = parse_unit_actions(u, vals[1], pk)) < 0)
			return error;
		/* REQ: POLICY-UNITS distinct unit names */
		for (size_t k = 0; k < i; k++)
			if (strcmp(p->units[k].name, u->name) == 0)
				return kansa_field__error(pu, "unit name \"%s\" is listed twice", u->name);
	}
	return 0;
}

/* {"metadata-query": s, "neutralize": s}: positive seconds per warrant action. */
static int parse_per_action(int64_t out[2], const cbor_item_t *v, const char *path)
{
	static const kansa_field_def defs[] = { { "metadata-query", 0, false }, { "neutralize", 0, false } };
	cbor_item_t *vals[2];
	char pk[128];
	int error;

	if ((error = kansa_field__walk(vals, v, defs, 2, path, "map of actions")) < 0)
		return error;
	if (cbor_map_size(v) == 0)
		return kansa_field__error(path, "empty (leave it out instead)");
	for (size_t i = 0; i < 2; i++) {
		uint64_t s;

		if (vals[i] == NULL)
			continue;
		kansa_field__subpath(pk, path, defs[i].name);
		if ((error = kansa_field__uint(&s, vals[i], pk)) < 0)
			return error;
		if (s == 0 || s > (uint64_t)INT64_MAX)
			return kansa_field__error(pk, "must be a positive number of seconds");
		out[i] = (int64_t)s;
	}
	return 0;
}

/* REQ: RECEIPT-TTL-POLICY optional, 1..KANSA_RECEIPT_MAX_TTL seconds; absent: KANSA_RECEIPT_TTL */
static int parse_receipt_ttl(int64_t *out, const cbor_item_t *v)
{
	uint64_t s = 0;
	int error;

	*out = KANSA_RECEIPT_TTL;
	if (v == NULL)
		return 0;
	if ((error = kansa_field__uint(&s, v, "receipt_ttl")) < 0)
		return error;
	if (s < 1 || s > KANSA_RECEIPT_MAX_TTL)
		return kansa_field__error("receipt_ttl", "must be at least 1 s and at most %d s",
		    KANSA_RECEIPT_MAX_TTL);
	*out = (int64_t)s;
	return 0;
}

int kansa_policy_doc__parse(kansa_policy_doc *p, const uint8_t *in, size_t len)
{
	enum { P_COMMISSION, P_VERSION, P_MEMBERS, P_QUORUM, P_MAX_VALIDITY, P_FIELDS, P_FORBIDDEN,
		P_OPS, P_MAX_TARGETS, P_EMERGENCY, P_ORIGIN, P_WITNESSES, P_WITNESS_QUORUM, P_RECEIPT_TTL,
		P_UNITS, P_RETENTION, P_NKEYS };
	static const kansa_field_def defs[P_NKEYS] = {
		[P_COMMISSION] = { "commission", 0, true }, [P_VERSION] = { "version", 0, true },
		[P_MEMBERS] = { "members", 0, true }, [P_QUORUM] = { "quorum", 0, true },
		[P_MAX_VALIDITY] = { "max_validity", 0, false }, [P_FIELDS] = { "fields", 0, true },
		[P_FORBIDDEN] = { "forbidden_fields", 0, true }, [P_OPS] = { "ops", 0, true },
		[P_MAX_TARGETS] = { "max_targets", 0, false }, [P_EMERGENCY] = { "emergency", 0, false },
		[P_ORIGIN] = { "origin", 0, false }, [P_WITNESSES] = { "witnesses", 0, false },
		[P_WITNESS_QUORUM] = { "witness_quorum", 0, false }, [P_RECEIPT_TTL] = { "receipt_ttl", 0, false },
		[P_UNITS] = { "units", 0, false }, [P_RETENTION] = { "retention", 0, false },
	};
	static const kansa_field_def qdefs[KANSA_ACT_COUNT] = {
		{ "metadata-query", 0, true }, { "neutralize", 0, true },
		{ "revoke", 0, true }, { "policy", 0, true },
	};
	cbor_item_t *root = NULL, *vals[P_NKEYS], *q[KANSA_ACT_COUNT];
	char pk[128];
	int error;

	memset(p, 0, sizeof(*p));
	if ((error = kansa_field__decode(&root, in, len, "policy")) < 0)
		return error;
	if ((error = kansa_field__walk(vals, root, defs, P_NKEYS, "", "policy")) < 0 ||
	    (error = kansa_field__text(&p->commission, vals[P_COMMISSION], "commission", KANSA_TEXT_ID)) < 0 ||
	    (error = kansa_field__uint(&p->version, vals[P_VERSION], "version")) < 0)
		goto out;
	if (p->version == 0) {
		error = kansa_field__error("version", "must be at least 1");
		goto out;
	}
	if ((error = parse_members(p, vals[P_MEMBERS])) < 0 ||
	    (error = kansa_field__walk(q, vals[P_QUORUM], qdefs, KANSA_ACT_COUNT, "quorum", "quorum map")) < 0)
		goto out;
	for (int a = 0; a < KANSA_ACT_COUNT; a++) {
		kansa_field__subpath(pk, "quorum", qdefs[a].name);
		if ((error = kansa_field__uint(&p->quorum[a], q[a], pk)) < 0)
			goto out;
		/* REQ: POLICY-QUORUM 1 <= quorum <= members, for every action */
		if (p->quorum[a] < 1 || p->quorum[a] > p->n_members) {
			error = kansa_field__error(pk, "must be at least 1 and at most the number of members (%zu)",
			    p->n_members);
			goto out;
		}
	}
	if (vals[P_MAX_VALIDITY] != NULL &&
	    (error = parse_per_action(p->max_validity, vals[P_MAX_VALIDITY], "max_validity")) < 0)
		goto out;
	if (vals[P_RETENTION] != NULL &&
	    (error = parse_per_action(p->retention, vals[P_RETENTION], "retention")) < 0)
		goto out;
	if (vals[P_UNITS] != NULL && (error = parse_units(p, vals[P_UNITS])) < 0)
		goto out;
	if ((error = kansa_field__names(&p->fields, &p->n_fields, vals[P_FIELDS], "fields", KANSA_MAX_VOCABULARY, true)) < 0 ||
	    (error = kansa_field__names(&p->forbidden_fields, &p->n_forbidden_fields, vals[P_FORBIDDEN],
		"forbidden_fields", KANSA_MAX_VOCABULARY, true)) < 0 ||
	    (error = kansa_field__names(&p->ops, &p->n_ops, vals[P_OPS], "ops", KANSA_MAX_VOCABULARY, true)) < 0)
		goto out;
	/* REQ: POLICY-FIELDS a content field can never also be a metadata field */
	for (size_t i = 0; i < p->n_forbidden_fields; i++) {
		for (size_t k = 0; k < p->n_fields; k++) {
			if (strcmp(p->forbidden_fields[i], p->fields[k]) == 0) {
				kansa_field__indexpath(pk, "forbidden_fields", i);
				error = kansa_field__error(pk, "\"%s\" is also in fields", p->fields[k]);
				goto out;
			}
		}
	}
	/* after ops: the emergency ops must be among them */
	if (vals[P_EMERGENCY] != NULL && (error = kansa_policy_doc__parse_emergency(p, vals[P_EMERGENCY])) < 0)
		goto out;
	if ((error = kansa_policy_doc__parse_witnesses(p, vals[P_ORIGIN], vals[P_WITNESSES],
	    vals[P_WITNESS_QUORUM])) < 0)
		goto out;
	p->max_targets = 256;
	if (vals[P_MAX_TARGETS] != NULL) {
		if ((error = kansa_field__uint(&p->max_targets, vals[P_MAX_TARGETS], "max_targets")) < 0)
			goto out;
		if (p->max_targets < 1 || p->max_targets > KANSA_MAX_REQUEST_TARGETS) {
			error = kansa_field__error("max_targets", "must be at least 1 and at most %d",
			    KANSA_MAX_REQUEST_TARGETS);
			goto out;
		}
	}
	if ((error = parse_receipt_ttl(&p->receipt_ttl, vals[P_RECEIPT_TTL])) < 0)
		goto out;
out:
	if (root != NULL)
		cbor_decref(&root);
	if (error < 0)
		kansa_policy_doc__dispose(p);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Warrant                                                                 */
/* ---------------------------------------------------------------------- */

void kansa_warrant_doc__dispose(kansa_warrant_doc *w)
{
	if (w == NULL)
		return;
	free(w->commission);
	free(w->subject);
	free(w->case_id);
	free(w->basis);
	free(w->targets);
	kansa_field__free_names(w->fields, w->n_fields);
	free(w->hosts);
	kansa_field__free_names(w->ops, w->n_ops);
	memset(w, 0, sizeof(*w));
}

static int parse_scope(kansa_warrant_doc *w, const cbor_item_t *v)
{
	static const kansa_field_def mq[] = { { "targets", 0, true }, { "fields", 0, true }, { "window", 0, true } };
	static const kansa_field_def nz[] = { { "hosts", 0, true }, { "ops", 0, true } };
	cbor_item_t *vals[3];
	int error;

	if (w->action == KANSA_ACT_METADATA_QUERY) {
		if ((error = kansa_field__walk(vals, v, mq, 3, "scope", "metadata-query scope")) < 0 ||
		    (error = kansa_field__prefixes(&w->targets, &w->n_targets, vals[0], "scope.targets",
			KANSA_MAX_SCOPE_ITEMS, false)) < 0 ||
		    (error = kansa_field__names(&w->fields, &w->n_fields, vals[1], "scope.fields",
			KANSA_MAX_VOCABULARY, false)) < 0 ||
		    (error = kansa_field__window(w->window, vals[2], "scope.window")) < 0)
			return error;
		if (w->window[1] < w->window[0])
			return kansa_field__error("scope.window", "ends before it starts");
		return 0;
	}
	if ((error = kansa_field__walk(vals, v, nz, 2, "scope", "neutralize scope")) < 0 ||
	    (error = kansa_field__prefixes(&w->hosts, &w->n_hosts, vals[0], "scope.hosts",
		KANSA_MAX_SCOPE_ITEMS, true)) < 0)
		return error;
	return kansa_field__names(&w->ops, &w->n_ops, vals[1], "scope.ops", KANSA_MAX_VOCABULARY, false);
}

int kansa_warrant_doc__parse(kansa_warrant_doc *w, const uint8_t *in, size_t len)
{
	enum { ISS, SUB, EXP, NBF, IAT, CTI, ACTION, CASE, BASIS, MAX_USES, SCOPE, NKEYS };
	/* REQ: WARRANT-CWT claims under their RFC 8392 integer keys */
	static const kansa_field_def defs[NKEYS] = {
		[ISS] = { "commission", 1, true }, [SUB] = { "subject", 2, true },
		[EXP] = { "expires", 4, true }, [NBF] = { "not_before", 5, true },
		[IAT] = { "issued_at", 6, true }, [CTI] = { "cti", 7, true },
		[ACTION] = { "action", 0, true }, [CASE] = { "case", 0, true },
		[BASIS] = { "basis", 0, false }, [MAX_USES] = { "max_uses", 0, false },
		[SCOPE] = { "scope", 0, true },
	};
	cbor_item_t *root = NULL, *vals[NKEYS];
	const uint8_t *cti;
	size_t cti_len;
	int error;

	memset(w, 0, sizeof(*w));
	w->action = -1;
	if ((error = kansa_field__decode(&root, in, len, "warrant")) < 0)
		return error;
	if ((error = kansa_field__walk(vals, root, defs, NKEYS, "", "warrant")) < 0 ||
	    (error = kansa_field__text(&w->commission, vals[ISS], "commission", KANSA_TEXT_ID)) < 0 ||
	    (error = kansa_field__text(&w->subject, vals[SUB], "subject", KANSA_TEXT_ID)) < 0 ||
	    (error = kansa_field__time(&w->expires, vals[EXP], "expires")) < 0 ||
	    (error = kansa_field__time(&w->not_before, vals[NBF], "not_before")) < 0 ||
	    (error = kansa_field__time(&w->issued_at, vals[IAT], "issued_at")) < 0 ||
	    (error = kansa_field__action(&w->action, vals[ACTION], "action")) < 0 ||
	    (error = kansa_field__text(&w->case_id, vals[CASE], "case", KANSA_TEXT_ID)) < 0)
		goto out;
	if (kansa_cbor__get_bytes(&cti, &cti_len, vals[CTI]) < 0 || cti_len != sizeof(w->cti)) {
		error = kansa_field__error("cti", "must be 16 bytes");
		goto out;
	}
	memcpy(w->cti, cti, sizeof(w->cti));
	/* REQ: WARRANT-VALIDITY expires after not_before */
	if (w->expires < w->not_before) {
		error = kansa_field__error("expires", "before not_before");
		goto out;
	}
	if (w->expires == w->not_before) {
		error = kansa_field__error("expires", "equal to not_before (a warrant is valid for some time)");
		goto out;
	}
	if (vals[BASIS] != NULL && (error = kansa_field__text(&w->basis, vals[BASIS], "basis", KANSA_TEXT_FREE)) < 0)
		goto out;
	if (vals[MAX_USES] != NULL) {
		if ((error = kansa_field__uint(&w->max_uses, vals[MAX_USES], "max_uses")) < 0)
			goto out;
		if (w->max_uses == 0) {
			error = kansa_field__error("max_uses", "must be at least 1 (left out: no limit)");
			goto out;
		}
	}
	error = parse_scope(w, vals[SCOPE]);
out:
	if (root != NULL)
		cbor_decref(&root);
	if (error < 0) {
		kansa_warrant_doc__dispose(w);
		w->action = -1;
	}
	return error;
}

/* ---------------------------------------------------------------------- */
/* Revocation and ratification                                             */
/* ---------------------------------------------------------------------- */

void kansa_revocation_doc__dispose(kansa_revocation_doc *r)
{
	if (r == NULL)
		return;
	free(r->commission);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

int kansa_revocation_doc__parse(kansa_revocation_doc *r, const uint8_t *in, size_t len)
{
	static const kansa_field_def defs[] = { { "commission", 0, true }, { "warrant", 0, true },
		{ "reason", 0, true } };
	cbor_item_t *root = NULL, *vals[3];
	int error;

	memset(r, 0, sizeof(*r));
	if ((error = kansa_field__decode(&root, in, len, "revocation")) < 0)
		return error;
	if ((error = kansa_field__walk(vals, root, defs, 3, "", "revocation")) == 0 &&
	    (error = kansa_field__text(&r->commission, vals[0], "commission", KANSA_TEXT_ID)) == 0 &&
	    (error = kansa_field__bytes(r->warrant_cti, sizeof(r->warrant_cti), vals[1], "warrant")) == 0)
		error = kansa_field__text(&r->reason, vals[2], "reason", KANSA_TEXT_FREE);
	cbor_decref(&root);
	if (error < 0)
		kansa_revocation_doc__dispose(r);
	return error;
}

void kansa_ratification_doc__dispose(kansa_ratification_doc *r)
{
	if (r == NULL)
		return;
	free(r->commission);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

int kansa_ratification_doc__parse(kansa_ratification_doc *r, const uint8_t *in, size_t len)
{
	static const kansa_field_def defs[] = { { "commission", 0, true }, { "entry", 0, true },
		{ "approved", 0, true }, { "reason", 0, true } };
	cbor_item_t *root = NULL, *vals[4];
	int error;

	memset(r, 0, sizeof(*r));
	if ((error = kansa_field__decode(&root, in, len, "ratification")) < 0)
		return error;
	if ((error = kansa_field__walk(vals, root, defs, 4, "", "ratification")) == 0 &&
	    (error = kansa_field__text(&r->commission, vals[0], "commission", KANSA_TEXT_ID)) == 0 &&
	    (error = kansa_field__bytes(r->entry, sizeof(r->entry), vals[1], "entry")) == 0) {
		if (kansa_cbor__get_bool(&r->approved, vals[2]) < 0)
			error = kansa_field__error("approved", "must be true or false");
		else
			error = kansa_field__text(&r->reason, vals[3], "reason", KANSA_TEXT_FREE);
	}
	cbor_decref(&root);
	if (error < 0)
		kansa_ratification_doc__dispose(r);
	return error;
}
