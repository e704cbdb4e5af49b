/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public API of signed documents (kansa.h, "Signed documents"): drafts
 * from JSON, parsing, signing, verification against a policy, policies
 * verified along their chain of versions, and the JSON rendering that
 * `kansa ... show --json` prints.
 *
 * This file must never hand out a kansa_policy whose signatures and quorum
 * were not verified, and never report a document as valid unless the same
 * functions that the decision uses said so.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/doc.h"

struct kansa_doc {
	kansa_signed_doc *sd; /* owned: the parsed envelope and payload */
};

struct kansa_policy {
	kansa_signed_doc *sd; /* owned: a policy document, verified at load */
};

const kansa_policy_doc *kansa_policy__doc(const kansa_policy *p)
{
	return p ? &p->sd->u.policy : NULL;
}

const kansa_signed_doc *kansa_policy__signed(const kansa_policy *p)
{
	return p ? p->sd : NULL;
}

const kansa_signed_doc *kansa_doc__signed(const kansa_doc *d)
{
	return d ? d->sd : NULL;
}

int kansa_doc_create_json(uint8_t **out, size_t *out_len, int kind, const char *json,
    size_t json_len, const char *base_dir, int64_t now)
{
	uint8_t *payload = NULL;
	size_t plen = 0;
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = kansa_doc__payload_from_json(&payload, &plen, kind, json, json_len, base_dir, now)) < 0)
		return error;
	error = kansa_cose__build(out, out_len, kansa_doc_kind__def(kind)->content_type, payload, plen);
	free(payload);
	return error;
}

int kansa_doc_parse(kansa_doc **out, const uint8_t *cose, size_t len, int expected_kind)
{
	kansa_doc *d;
	int error;

	*out = NULL;
	if (expected_kind != 0 && kansa_doc_kind__def(expected_kind) == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "unknown document kind %d",
		    expected_kind);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((error = kansa_signed_doc__parse(&d->sd, cose, len, expected_kind, NULL)) < 0) {
		free(d);
		return error;
	}
	*out = d;
	return 0;
}

int kansa_doc_sign(uint8_t **out, size_t *out_len, bool *already, const kansa_doc *d,
    const kansa_key *key)
{
	*out = NULL;
	*out_len = 0;
	*already = false;
	if (d == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "sign: no document");
	/* REQ: DOC-SIGN a member signs only what a verifier would parse: d came
	 * through kansa_doc_parse, the same strict parse a verifier runs */
	return kansa_cose__add_signature(out, out_len, already, d->sd->cose, d->sd->hash, key);
}

int kansa_doc_unsign(uint8_t **out, size_t *out_len, size_t *removed, const kansa_doc *d,
    const uint8_t kid[KANSA_KID_LEN])
{
	*out = NULL;
	*out_len = 0;
	*removed = 0;
	if (d == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "unsign: no document");
	return kansa_cose__remove_signatures(out, out_len, removed, d->sd->cose, d->sd->hash, kid);
}

int kansa_doc_kind(const kansa_doc *d)
{
	return d->sd->kind;
}

void kansa_doc_hash(uint8_t out[KANSA_HASH_LEN], const kansa_doc *d)
{
	memcpy(out, d->sd->hash, KANSA_HASH_LEN);
}

size_t kansa_doc_signature_count(const kansa_doc *d)
{
	return kansa_cose__signature_count(d->sd->cose);
}

void kansa_doc_free(kansa_doc *d)
{
	if (d == NULL)
		return;
	kansa_signed_doc__free(d->sd);
	free(d);
}

/* Verify a parsed document; have/need filled as far as known. */
static int verify_signed(size_t *have, size_t *need, const kansa_signed_doc *sd,
    const kansa_policy_doc *policy, int64_t now, const kansa_signers *known)
{
	int error;

	if (sd->kind == KANSA_DOC_POLICY)
		return kansa_policy_doc__verify_next(have, need, sd, policy, known);
	if (policy == NULL) {
		*have = *need = 0;
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT,
		    "a %s is verified against a policy", kansa_doc_kind__name(sd->kind));
	}
	if ((error = kansa_signed_doc__verify_quorum(have, need, sd, policy, known)) < 0)
		return error;
	if (kansa_doc_kind__def(sd->kind)->check_time != NULL)
		return kansa_doc_kind__def(sd->kind)->check_time(sd, policy, now);
	return 0;
}

int kansa_doc_verify(const kansa_doc *d, const kansa_policy *policy, int64_t now)
{
	size_t have, need;

	if (d == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no document");
	return verify_signed(&have, &need, d->sd, kansa_policy__doc(policy), now, NULL);
}

int kansa_policy_load(kansa_policy **out, const uint8_t *cose, size_t len, const kansa_policy *previous)
{
	kansa_policy *p;
	int error;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((error = kansa_signed_doc__parse(&p->sd, cose, len, KANSA_DOC_POLICY, NULL)) < 0 ||
	    (error = kansa_policy_doc__verify_next(NULL, NULL, p->sd, kansa_policy__doc(previous),
	    NULL)) < 0) {
		kansa_policy_free(p);
		return error;
	}
	*out = p;
	return 0;
}

int kansa_policy_load_unverified(kansa_policy **out, const uint8_t *cose, size_t len)
{
	kansa_policy *p;
	int error;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((error = kansa_signed_doc__parse(&p->sd, cose, len, KANSA_DOC_POLICY, NULL)) < 0 ||
	    (p->sd->u.policy.version == 1 &&
	    (error = kansa_policy_doc__verify_next(NULL, NULL, p->sd, NULL, NULL)) < 0)) {
		kansa_policy_free(p);
		return error;
	}
	*out = p;
	return 0;
}

uint64_t kansa_policy_version(const kansa_policy *p)
{
	return p->sd->u.policy.version;
}

const char *kansa_policy_commission(const kansa_policy *p)
{
	return p->sd->u.policy.commission;
}

const char *kansa_policy_origin(const kansa_policy *p)
{
	return p->sd->u.policy.origin;
}

size_t kansa_policy_witness_count(const kansa_policy *p)
{
	return p->sd->u.policy.n_witnesses;
}

const char *kansa_policy_witness_vkey(const kansa_policy *p, size_t i)
{
	return i < p->sd->u.policy.n_witnesses ? p->sd->u.policy.witnesses[i].vkey : NULL;
}

size_t kansa_policy_witness_quorum(const kansa_policy *p)
{
	return (size_t)p->sd->u.policy.witness_quorum;
}

void kansa_policy_hash(uint8_t out[KANSA_HASH_LEN], const kansa_policy *p)
{
	memcpy(out, p->sd->hash, KANSA_HASH_LEN);
}

void kansa_policy_free(kansa_policy *p)
{
	if (p == NULL)
		return;
	kansa_signed_doc__free(p->sd);
	free(p);
}

int kansa_warrant_verify(const kansa_policy *p, const uint8_t *cose, size_t len, int64_t now)
{
	kansa_signed_doc *sd = NULL;
	size_t have, need;
	int error;

	if (p == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no policy");
	if ((error = kansa_signed_doc__parse(&sd, cose, len, KANSA_DOC_WARRANT, NULL)) < 0)
		return error;
	error = verify_signed(&have, &need, sd, &p->sd->u.policy, now, NULL);
	kansa_signed_doc__free(sd);
	return error;
}

int kansa_request_from_json(uint8_t **out, size_t *out_len, const char *json, size_t json_len,
    int64_t now)
{
	return kansa_request__from_json(out, out_len, NULL, json, json_len, now);
}

int kansa_time_parse(int64_t *out, const char *text, int64_t now)
{
	return kansa_time__parse(out, text, now);
}

void kansa_time_format(char out[32], int64_t t)
{
	kansa_time__format(out, t);
}

/* ---------------------------------------------------------------------- */
/* JSON rendering (show --json)                                            */
/* ---------------------------------------------------------------------- */

static json_t *jhex(const uint8_t *p, size_t n)
{
	char buf[2 * KANSA_HASH_LEN + 1];

	if (n > KANSA_HASH_LEN)
		return NULL;
	kansa_hex_encode(buf, p, n);
	return json_string(buf);
}

static json_t *jtime(int64_t t)
{
	char buf[32];

	kansa_time__format(buf, t);
	return json_string(buf);
}

/* Seconds as the JSON duration form: "90d", "24h", "15m", "90s". */
static json_t *jduration(int64_t s)
{
	char buf[32];

	kansa_duration__text(buf, s);
	return json_string(buf);
}

static json_t *jnames(char *const *l, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(l[i]));
	return a;
}

static json_t *jprefixes(const kansa_prefix *l, size_t n)
{
	json_t *a = json_array();
	char buf[64];

	for (size_t i = 0; a != NULL && i < n; i++) {
		kansa_prefix__format(buf, &l[i]);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

static json_t *jper_action(const int64_t v[2])
{
	json_t *o = json_object();

	for (int a = 0; o != NULL && a < 2; a++)
		if (v[a] > 0)
			json_object_set_new(o, kansa_action__name(a), jduration(v[a]));
	return o;
}

void kansa_policy_doc__to_json(json_t *o, const kansa_signed_doc *d, int64_t now)
{
	const kansa_policy_doc *p = &d->u.policy;
	json_t *members = json_array(), *q = json_object(), *units = json_array();

	(void)now;

	json_object_set_new(o, "commission", json_string(p->commission));
	json_object_set_new(o, "version", json_integer((json_int_t)p->version));
	for (size_t i = 0; members != NULL && i < p->n_members; i++) {
		uint8_t pub[KANSA_PUBKEY_LEN];

		kansa_key_public_raw(pub, p->members[i].key);
		json_array_append_new(members, json_pack("{s:s, s:o, s:o}", "name", p->members[i].name,
		    "kid", jhex(p->members[i].kid, KANSA_KID_LEN), "public_key", jhex(pub, sizeof(pub))));
	}
	json_object_set_new(o, "members", members);
	for (int a = 0; q != NULL && a < KANSA_ACT_COUNT; a++)
		json_object_set_new(q, kansa_action__name(a), json_integer((json_int_t)p->quorum[a]));
	json_object_set_new(o, "quorum_rules", q);
	json_object_set_new(o, "max_validity", jper_action(p->max_validity));
	json_object_set_new(o, "emergency", kansa_policy_doc__emergency_to_json(p));
	json_object_set_new(o, "retention", jper_action(p->retention));
	json_object_set_new(o, "fields", jnames(p->fields, p->n_fields));
	json_object_set_new(o, "forbidden_fields", jnames(p->forbidden_fields, p->n_forbidden_fields));
	json_object_set_new(o, "ops", jnames(p->ops, p->n_ops));
	json_object_set_new(o, "max_targets", json_integer((json_int_t)p->max_targets));
	json_object_set_new(o, "receipt_ttl", json_integer((json_int_t)p->receipt_ttl));
	if (p->origin)
		json_object_set_new(o, "origin", json_string(p->origin));
	if (p->n_witnesses) {
		json_t *ws = json_array();
		for (size_t i = 0; ws != NULL && i < p->n_witnesses; i++)
			json_array_append_new(ws, json_pack("{s:s, s:s}", "name", p->witnesses[i].name,
			    "vkey", p->witnesses[i].vkey));
		json_object_set_new(o, "witnesses", ws);
		json_object_set_new(o, "witness_quorum", json_integer((json_int_t)p->witness_quorum));
	}
	json_object_set_new(o, "units", units);
	for (size_t i = 0; units != NULL && i < p->n_units; i++) {
		json_t *acts = json_array();

		for (int a = 0; acts != NULL && a < 2; a++)
			if (p->units[i].actions[a])
				json_array_append_new(acts, json_string(kansa_action__name(a)));
		json_array_append_new(units, json_pack("{s:s, s:o}", "name", p->units[i].name,
		    "actions", acts));
	}
}

void kansa_warrant_doc__to_json(json_t *o, const kansa_signed_doc *d, int64_t now)
{
	const kansa_warrant_doc *w = &d->u.warrant;
	json_t *scope = json_object(), *validity, *win;
	const char *state = now < w->not_before ? "not-yet-valid" : now >= w->expires ? "expired" : "valid";

	json_object_set_new(o, "cti", jhex(w->cti, sizeof(w->cti)));
	json_object_set_new(o, "commission", json_string(w->commission));
	json_object_set_new(o, "subject", json_string(w->subject));
	json_object_set_new(o, "action", json_string(kansa_action__name(w->action)));
	json_object_set_new(o, "case", json_string(w->case_id));
	json_object_set_new(o, "basis", w->basis ? json_string(w->basis) : json_null());
	json_object_set_new(o, "not_before", jtime(w->not_before));
	json_object_set_new(o, "expires", jtime(w->expires));
	json_object_set_new(o, "issued_at", jtime(w->issued_at));
	json_object_set_new(o, "max_uses", w->max_uses ? json_integer((json_int_t)w->max_uses) : json_null());
	validity = json_pack("{s:o, s:o, s:s, s:I, s:I}", "not_before", jtime(w->not_before),
	    "expires", jtime(w->expires), "state", state,
	    "seconds", (json_int_t)(w->expires - w->not_before),
	    "seconds_left", (json_int_t)(now < w->expires ? w->expires - (now > w->not_before ? now : w->not_before) : 0));
	json_object_set_new(o, "validity", validity);
	if (w->action == KANSA_ACT_METADATA_QUERY) {
		json_object_set_new(scope, "targets", jprefixes(w->targets, w->n_targets));
		json_object_set_new(scope, "fields", jnames(w->fields, w->n_fields));
		win = json_array();
		json_array_append_new(win, jtime(w->window[0]));
		json_array_append_new(win, jtime(w->window[1]));
		json_object_set_new(scope, "window", win);
	} else {
		json_object_set_new(scope, "hosts", jprefixes(w->hosts, w->n_hosts));
		json_object_set_new(scope, "ops", jnames(w->ops, w->n_ops));
	}
	json_object_set_new(o, "scope", scope);
}

void kansa_revocation_doc__to_json(json_t *o, const kansa_signed_doc *d, int64_t now)
{
	(void)now;
	json_object_set_new(o, "commission", json_string(d->u.revocation.commission));
	json_object_set_new(o, "warrant", jhex(d->u.revocation.warrant_cti, 16));
	json_object_set_new(o, "reason", json_string(d->u.revocation.reason));
}

void kansa_ratification_doc__to_json(json_t *o, const kansa_signed_doc *d, int64_t now)
{
	(void)now;
	json_object_set_new(o, "commission", json_string(d->u.ratification.commission));
	json_object_set_new(o, "entry", jhex(d->u.ratification.entry, KANSA_HASH_LEN));
	json_object_set_new(o, "approved", json_boolean(d->u.ratification.approved));
	json_object_set_new(o, "reason", json_string(d->u.ratification.reason));
}

/* The policy whose members sign @p sd: the given one, or a version-1
 * policy's own. NULL when unknown. */
static const kansa_policy_doc *signing_policy(const kansa_signed_doc *sd, const kansa_policy_doc *given)
{
	if (sd->kind == KANSA_DOC_POLICY) {
		if (sd->u.policy.version == 1)
			return &sd->u.policy;
		return given;
	}
	return given;
}

int kansa_doc_member(const char **name, const kansa_doc *d, const kansa_policy *policy,
    const uint8_t kid[KANSA_KID_LEN])
{
	const kansa_policy_doc *vp;
	const kansa_member *m;
	char hex[2 * KANSA_KID_LEN + 1];

	*name = NULL;
	if (d == NULL || kid == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no document or kid");
	if ((vp = signing_policy(d->sd, kansa_policy__doc(policy))) == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT,
		    "the members who sign this %s are those of a policy: none was given",
		    kansa_doc_kind__name(d->sd->kind));
	if ((m = kansa_policy_doc__member_by_kid(vp, kid)) == NULL) {
		kansa_hex_encode(hex, kid, KANSA_KID_LEN);
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_DOCUMENT,
		    "kid %s is not a member of policy version %llu of %.64s", hex,
		    (unsigned long long)vp->version, vp->commission);
	}
	*name = m->name;
	return 0;
}

int kansa_doc_to_json(char **out, int *verdict, const kansa_doc *d, const kansa_policy *policy,
    int64_t now)
{
	const kansa_signed_doc *sd = d->sd;
	const kansa_policy_doc *given = kansa_policy__doc(policy);
	const kansa_policy_doc *vp = signing_policy(sd, given);
	json_t *o = json_object(), *signers = json_array();
	size_t n = kansa_cose__signature_count(sd->cose);
	kansa_signers pass;
	int error = 0, v = KANSA_EINVAL;

	*out = NULL;
	if (verdict != NULL)
		*verdict = KANSA_EINVAL;
	if (o == NULL || signers == NULL) {
		json_decref(o);
		json_decref(signers);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	json_object_set_new(o, "kind", json_string(kansa_doc_kind__name(sd->kind)));
	json_object_set_new(o, "hash", jhex(sd->hash, KANSA_HASH_LEN));
	kansa_doc_kind__def(sd->kind)->to_json(o, sd, now);

	/* each signer: its member name and whether its signature verifies, from
	 * the one pass the verdict below also reads */
	if (vp != NULL)
		kansa_signed_doc__check_signers(&pass, sd, vp, true);
	for (size_t i = 0; i < n; i++) {
		const kansa_cose_signature *s = kansa_cose__signature(sd->cose, i);
		const kansa_member *m = vp != NULL && pass.member[i] >= 0 ? &vp->members[pass.member[i]] : NULL;
		json_t *j = json_object();

		json_object_set_new(j, "kid", jhex(s->kid, KANSA_KID_LEN));
		json_object_set_new(j, "name", m ? json_string(m->name) : json_null());
		json_object_set_new(j, "valid", vp == NULL ? json_null() : json_boolean(pass.valid[i]));
		if (vp != NULL && m == NULL)
			json_object_set_new(j, "member", json_false());
		json_array_append_new(signers, j);
	}
	json_object_set_new(o, "signers", signers);
	json_object_set_new(o, "signatures", json_integer((json_int_t)n));

	if (vp != NULL && (sd->kind == KANSA_DOC_POLICY || given != NULL)) {
		size_t have = 0, need = 0;
		const kansa_policy_doc *prev = sd->kind == KANSA_DOC_POLICY && sd->u.policy.version == 1 ? NULL : given;

		v = verify_signed(&have, &need, sd, prev, now, &pass);
		json_object_set_new(o, "quorum", json_pack("{s:I, s:I}", "have", (json_int_t)have,
		    "need", (json_int_t)need));
		json_object_set_new(o, "valid", json_boolean(v == 0));
		json_object_set_new(o, "problem", v == 0 ? json_null() : json_string(kansa_error_last()->message));
		json_object_set_new(o, "policy_version", json_integer((json_int_t)vp->version));
	}
	if ((*out = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT)) == NULL) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	} else {
		kansa_error_clear();
		if (verdict != NULL)
			*verdict = v;
	}
	json_decref(o);
	return error;
}
