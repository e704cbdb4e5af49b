/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy's "emergency" (design §5, §12, docs/documents.md): per warrant
 * action, either the short form, a ratification window
 *
 *   "emergency": {"neutralize": "24h"}
 *
 * or the long form, the window and the bounds of an act without a warrant:
 *
 *   "emergency": {"neutralize": {"ratify_within": "24h", "max_hosts": 1,
 *                                "ops": ["stop-process", "block-c2"]},
 *                 "metadata-query": {"ratify_within": "24h", "max_hosts": 256,
 *                                    "max_prefix_v4": 24, "max_prefix_v6": 48,
 *                                    "max_window": "7d"}}
 *
 * In CBOR the short form is an integer of seconds and the long form a map
 * with the same text keys (durations in seconds). Every key but
 * ratify_within is optional; "ops" is for neutralize only, the prefix and
 * window bounds for metadata-query only; numbers are positive, prefix
 * lengths at most 32 / 128, emergency ops among the policy's ops.
 *
 * The JSON builder checks shapes and types; the rules on values live in the
 * CBOR parser, which every built payload goes through (doc_json.c).
 */
#include <stdlib.h>
#include <string.h>

#include "policy/doc_json.h"

enum { B_RATIFY, B_MAX_HOSTS, B_OPS, B_PREFIX_V4, B_PREFIX_V6, B_WINDOW, B_NKEYS };

static const kansa_field_def bound_defs[B_NKEYS] = {
	[B_RATIFY] = { "ratify_within", 0, true }, [B_MAX_HOSTS] = { "max_hosts", 0, false },
	[B_OPS] = { "ops", 0, false }, [B_PREFIX_V4] = { "max_prefix_v4", 0, false },
	[B_PREFIX_V6] = { "max_prefix_v6", 0, false }, [B_WINDOW] = { "max_window", 0, false },
};

/* Which keys of the long form an action may use. */
static bool bound_applies(int key, int action)
{
	switch (key) {
	case B_OPS:
		return action == KANSA_ACT_NEUTRALIZE;
	case B_PREFIX_V4:
	case B_PREFIX_V6:
	case B_WINDOW:
		return action == KANSA_ACT_METADATA_QUERY;
	default:
		return true;
	}
}

void kansa_policy_doc__dispose_emergency(kansa_policy_doc *p)
{
	for (int a = 0; a < 2; a++) {
		kansa_field__free_names(p->emergency_bounds[a].ops, p->emergency_bounds[a].n_ops);
		memset(&p->emergency_bounds[a], 0, sizeof(p->emergency_bounds[a]));
	}
}

/* A positive number of seconds (a ratification window or max_window). */
static int positive_seconds(int64_t *out, const cbor_item_t *v, const char *path)
{
	uint64_t s;
	int error;

	if ((error = kansa_field__uint(&s, v, path)) < 0)
		return error;
	if (s == 0 || s > (uint64_t)INT64_MAX)
		return kansa_field__error(path, "must be a positive number of seconds");
	*out = (int64_t)s;
	return 0;
}

/* max_prefix_v4 / max_prefix_v6: a prefix length 1..32 / 1..128. */
static int prefix_bound(uint8_t *out, const cbor_item_t *v, const char *path, unsigned max)
{
	uint64_t n;
	int error;

	if ((error = kansa_field__uint(&n, v, path)) < 0)
		return error;
	if (n < 1 || n > max)
		return kansa_field__error(path, "must be a prefix length from 1 to %u", max);
	*out = (uint8_t)n;
	return 0;
}

/* REQ: POLICY-EMERGENCY-OPS emergency ops are a subset of the policy's ops */
static int bound_ops(kansa_emergency_bounds *b, const kansa_policy_doc *p, const cbor_item_t *v,
    const char *path)
{
	char pi[128];
	int error;

	if ((error = kansa_field__names(&b->ops, &b->n_ops, v, path, KANSA_MAX_VOCABULARY, false)) < 0)
		return error;
	for (size_t i = 0; i < b->n_ops; i++) {
		bool known = false;

		for (size_t k = 0; k < p->n_ops; k++)
			known |= strcmp(p->ops[k], b->ops[i]) == 0;
		if (!known) {
			kansa_field__indexpath(pi, path, i);
			return kansa_field__error(pi, "\"%s\" is not one of the policy's ops", b->ops[i]);
		}
	}
	return 0;
}

/* The long form of one action. */
static int parse_bounds(kansa_policy_doc *p, int a, const cbor_item_t *v, const char *path)
{
	kansa_emergency_bounds *b = &p->emergency_bounds[a];
	cbor_item_t *vals[B_NKEYS];
	char pk[128];
	int error;

	if ((error = kansa_field__walk(vals, v, bound_defs, B_NKEYS, path, "emergency bounds")) < 0)
		return error;
	for (int k = 0; k < B_NKEYS; k++) {
		if (vals[k] != NULL && !bound_applies(k, a)) {
			kansa_field__subpath(pk, path, bound_defs[k].name);
			return kansa_field__error(pk, "does not apply to %s", kansa_action__name(a));
		}
	}
	kansa_field__subpath(pk, path, "ratify_within");
	if ((error = positive_seconds(&p->emergency[a], vals[B_RATIFY], pk)) < 0)
		return error;
	kansa_field__subpath(pk, path, "max_hosts");
	if (vals[B_MAX_HOSTS] != NULL) {
		if ((error = kansa_field__uint(&b->max_hosts, vals[B_MAX_HOSTS], pk)) < 0)
			return error;
		if (b->max_hosts == 0)
			return kansa_field__error(pk, "must be at least 1");
	}
	kansa_field__subpath(pk, path, "ops");
	if (vals[B_OPS] != NULL && (error = bound_ops(b, p, vals[B_OPS], pk)) < 0)
		return error;
	kansa_field__subpath(pk, path, "max_prefix_v4");
	if (vals[B_PREFIX_V4] != NULL && (error = prefix_bound(&b->max_prefix[0], vals[B_PREFIX_V4], pk, 32)) < 0)
		return error;
	kansa_field__subpath(pk, path, "max_prefix_v6");
	if (vals[B_PREFIX_V6] != NULL && (error = prefix_bound(&b->max_prefix[1], vals[B_PREFIX_V6], pk, 128)) < 0)
		return error;
	kansa_field__subpath(pk, path, "max_window");
	if (vals[B_WINDOW] != NULL && (error = positive_seconds(&b->max_window, vals[B_WINDOW], pk)) < 0)
		return error;
	return 0;
}

int kansa_policy_doc__parse_emergency(kansa_policy_doc *p, const cbor_item_t *v)
{
	static const kansa_field_def defs[] = { { "metadata-query", 0, false }, { "neutralize", 0, false } };
	cbor_item_t *vals[2];
	char pk[128];
	int error;

	if ((error = kansa_field__walk(vals, v, defs, 2, "emergency", "map of actions")) < 0)
		return error;
	if (cbor_map_size(v) == 0)
		return kansa_field__error("emergency", "empty (leave it out instead)");
	for (int a = 0; a < 2; a++) {
		if (vals[a] == NULL)
			continue;
		kansa_field__subpath(pk, "emergency", defs[a].name);
		if (cbor_isa_map(vals[a]))
			error = parse_bounds(p, a, vals[a], pk);
		else
			error = positive_seconds(&p->emergency[a], vals[a], pk);
		if (error < 0)
			return error;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* JSON -> CBOR                                                            */
/* ---------------------------------------------------------------------- */

static int put_duration(cbor_item_t *m, const char *key, const json_t *v, const char *path)
{
	int64_t secs;
	int error;

	if ((error = kansa_json__duration(&secs, v, path)) < 0)
		return error;
	return kansa_json__put(m, key, kansa_cbor__int(secs));
}

/* One action's long form as a CBOR map (types here, values in the parser). */
static int bounds_from_json(cbor_item_t **out, const json_t *o, const char *path)
{
	static const char *const keys[] = { "ratify_within", "max_hosts", "ops", "max_prefix_v4",
		"max_prefix_v6", "max_window", NULL };
	static const char *const numbers[] = { "max_hosts", "max_prefix_v4", "max_prefix_v6" };
	cbor_item_t *m;
	json_t *v;
	char pk[128];
	int error;

	*out = NULL;
	if ((error = kansa_json__check_keys(o, path, keys)) < 0)
		return error;
	if ((m = kansa_cbor__map()) == NULL)
		return KANSA_ENOMEM;
	if ((error = kansa_json__need(&v, o, path, "ratify_within")) < 0)
		goto fail;
	kansa_field__subpath(pk, path, "ratify_within");
	if ((error = put_duration(m, "ratify_within", v, pk)) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		uint64_t u;

		if ((v = json_object_get(o, numbers[i])) == NULL)
			continue;
		kansa_field__subpath(pk, path, numbers[i]);
		if ((error = kansa_json__uint(&u, v, pk)) < 0 ||
		    (error = kansa_json__put(m, numbers[i], kansa_cbor__uint(u))) < 0)
			goto fail;
	}
	if (json_object_get(o, "ops") != NULL &&
	    (error = kansa_json__put_texts(m, "ops", o, path, KANSA_MAX_VOCABULARY)) < 0)
		goto fail;
	kansa_field__subpath(pk, path, "max_window");
	if ((v = json_object_get(o, "max_window")) != NULL && (error = put_duration(m, "max_window", v, pk)) < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	cbor_decref(&m);
	return error;
}

int kansa_policy_doc__emergency_from_json(cbor_item_t *m, const json_t *j)
{
	static const char *const actions[] = { "metadata-query", "neutralize", NULL };
	json_t *v = json_object_get(j, "emergency");
	cbor_item_t *map, *item = NULL;
	char pa[128];
	int error;

	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return kansa_json__error("emergency",
		    "must be an object like {\"neutralize\": \"24h\"} or {\"neutralize\": {\"ratify_within\": \"24h\", ...}}");
	if ((error = kansa_json__check_keys(v, "emergency", actions)) < 0)
		return error;
	if (json_object_size(v) == 0)
		return 0;
	if ((map = kansa_cbor__map()) == NULL)
		return KANSA_ENOMEM;
	for (size_t i = 0; actions[i] != NULL; i++) {
		json_t *d = json_object_get(v, actions[i]);
		int64_t secs;

		if (d == NULL)
			continue;
		kansa_field__subpath(pa, "emergency", actions[i]);
		if (json_is_object(d))
			error = bounds_from_json(&item, d, pa);
		else if ((error = kansa_json__duration(&secs, d, pa)) == 0)
			item = kansa_cbor__int(secs);
		if (error < 0 || (error = kansa_json__put(map, actions[i], item)) < 0) {
			cbor_decref(&map);
			return error;
		}
	}
	return kansa_json__put(m, "emergency", map);
}

/* ---------------------------------------------------------------------- */
/* Shown                                                                   */
/* ---------------------------------------------------------------------- */

static json_t *jduration(int64_t s)
{
	char buf[32];

	kansa_duration__text(buf, s);
	return json_string(buf);
}

static bool has_bounds(const kansa_emergency_bounds *b)
{
	return b->max_hosts || b->n_ops || b->max_prefix[0] || b->max_prefix[1] || b->max_window;
}

static json_t *bounds_to_json(const kansa_policy_doc *p, int a)
{
	const kansa_emergency_bounds *b = &p->emergency_bounds[a];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "ratify_within", jduration(p->emergency[a]));
	if (b->max_hosts)
		json_object_set_new(o, "max_hosts", json_integer((json_int_t)b->max_hosts));
	if (b->n_ops) {
		json_t *ops = json_array();

		for (size_t i = 0; ops != NULL && i < b->n_ops; i++)
			json_array_append_new(ops, json_string(b->ops[i]));
		json_object_set_new(o, "ops", ops);
	}
	if (b->max_prefix[0])
		json_object_set_new(o, "max_prefix_v4", json_integer(b->max_prefix[0]));
	if (b->max_prefix[1])
		json_object_set_new(o, "max_prefix_v6", json_integer(b->max_prefix[1]));
	if (b->max_window)
		json_object_set_new(o, "max_window", jduration(b->max_window));
	return o;
}

json_t *kansa_policy_doc__emergency_to_json(const kansa_policy_doc *p)
{
	json_t *o = json_object();

	for (int a = 0; o != NULL && a < 2; a++) {
		if (p->emergency[a] <= 0)
			continue;
		json_object_set_new(o, kansa_action__name(a), has_bounds(&p->emergency_bounds[a]) ?
		    bounds_to_json(p, a) : jduration(p->emergency[a]));
	}
	return o;
}
