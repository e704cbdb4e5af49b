/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_audit_stats(): the figures of the commission's annual report for a
 * period [from, until) (design §12, docs/audit.md "Statistics"), from one
 * pass of the entries iterator (entries.c) over a read snapshot.
 *
 * It counts, never lists: targets and officers are kept only as SHA-256
 * keys of a set, so that the figures can be handed to a parliament without
 * naming anyone or anything. Memory grows with the distinct warrants,
 * targets, officers and emergency acts of the period, never with entries.
 * Like the listing, this decodes and does not verify: run the replay to
 * know that the entries counted are the ones decided.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/audit/audit.h"
#include "ledger/ledger_impl.h"

/* Operations counted by name; a policy lists few (the rest are "other"). */
#define STATS_MAX_OPS 64

/* An emergency act of the period and its answer. */
typedef struct {
	int64_t ratify_by;
	bool ratified, approved;
	int64_t ratified_at;
} stats_act;

typedef struct {
	char name[64];
	uint64_t n;
} stats_op;

typedef struct {
	int64_t from, until, now;
	uint64_t entries;                         /* entries of the period */
	uint64_t approved[2];                     /* warrants issued in the period, per action */
	kansa_audit_map warrants;                 /* cti -> seen (a warrant counts once) */
	uint64_t checks, allowed, denied;
	uint64_t by_reason[KANSA_REASON_COUNT];   /* allowed and denied, by reason */
	kansa_audit_map acts;                     /* leaf hash -> stats_act */
	stats_op ops[STATS_MAX_OPS];
	size_t n_ops;
	uint64_t ops_other, neutralizations;
	kansa_audit_map targets, officers;        /* SHA-256 of the text -> seen */
	uint64_t revocations;
	json_t *versions;                         /* policy versions activated in the period */
	uint64_t in_force;                        /* the version in force at until */
} stats;

/* The value of a set's members (the map wants a non-NULL value). */
static char seen_mark;

static bool in_period(const stats *s, int64_t t)
{
	return t >= s->from && t < s->until;
}

/* Add @p text to @p set (as its hash, tagged so sets cannot mix). */
static int set_add(kansa_audit_map *set, const char *tag, const char *text)
{
	uint8_t key[KANSA_HASH_LEN];
	kansa_sha256_ctx *c = NULL;
	int error;

	if ((error = kansa_sha256_new(&c)) < 0 ||
	    (error = kansa_sha256_update(c, tag, strlen(tag) + 1)) < 0 ||
	    (error = kansa_sha256_update(c, text, strlen(text))) < 0 ||
	    (error = kansa_sha256_final(key, c)) < 0)
		goto out;
	if (kansa_audit_map__get(set, key) == NULL)
		error = kansa_audit_map__put(set, key, &seen_mark);
out:
	kansa_sha256_free(c);
	return error;
}

static void count_op(stats *s, const char *op)
{
	for (size_t i = 0; i < s->n_ops; i++)
		if (strcmp(s->ops[i].name, op) == 0) {
			s->ops[i].n++;
			return;
		}
	if (s->n_ops == STATS_MAX_OPS || strlen(op) >= sizeof(s->ops[0].name)) {
		s->ops_other++;
		return;
	}
	snprintf(s->ops[s->n_ops].name, sizeof(s->ops[0].name), "%s", op);
	s->ops[s->n_ops++].n = 1;
}

/* Whether a decision's reason shows that its warrant passed rows 1-4 of the
 * decision (design §5): well formed, signed by members of the policy in
 * force, for its commission, by the action's quorum. Any reason from row 5
 * on, or an allow, does; a denial at those rows, or before the warrant was
 * looked at (a malformed request, an unauthenticated requester), does not. */
static bool warrant_verified(int reason)
{
	return reason == KANSA_REASON_ALLOWED ||
	    (reason >= KANSA_REASON_NOT_YET_VALID && reason <= KANSA_REASON_USES_EXHAUSTED);
}

/* A warrant counts as approved in the period its signers issued it in
 * (issued_at), once per warrant id, from the documents the ledger holds,
 * once a check found it signed by its quorum. */
static int note_warrant(stats *s, const kansa_audit_wdoc *w)
{
	if (w == NULL || !w->ok || kansa_audit_map__get(&s->warrants, w->cti) != NULL)
		return 0;
	if (in_period(s, w->issued_at) && (w->action == KANSA_ACT_METADATA_QUERY ||
	    w->action == KANSA_ACT_NEUTRALIZE))
		s->approved[w->action]++;
	return kansa_audit_map__put(&s->warrants, w->cti, &seen_mark);
}

static int note_act(stats *s, const kansa_audit_entry *e)
{
	stats_act *a;

	if (kansa_audit_map__get(&s->acts, e->leaf_hash) != NULL)
		return 0;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	a->ratify_by = e->ratify_by;
	return kansa_audit_map__put(&s->acts, e->leaf_hash, a);
}

static int note_allowed(stats *s, const kansa_audit_entry *e)
{
	int error;

	if (e->reason == KANSA_REASON_EMERGENCY && (error = note_act(s, e)) < 0)
		return error;
	if (!e->has_request)
		return 0;
	for (size_t i = 0; i < e->n_targets; i++)
		if ((error = set_add(&s->targets, "target", e->targets[i])) < 0)
			return error;
	if (e->host[0] && (error = set_add(&s->targets, "target", e->host)) < 0)
		return error;
	if (strcmp(e->action, "neutralize") == 0) {
		s->neutralizations++;
		count_op(s, e->op);
	}
	return 0;
}

static int note_decision(stats *s, const kansa_audit_entry *e, const kansa_audit_wdoc *w)
{
	int error;

	if ((error = note_warrant(s, warrant_verified(e->reason) ? w : NULL)) < 0 ||
	    !in_period(s, e->time))
		return error;
	s->checks++;
	if (e->reason >= 0 && e->reason < KANSA_REASON_COUNT)
		s->by_reason[e->reason]++;
	if (e->has_request && (error = set_add(&s->officers, "officer", e->officer)) < 0)
		return error;
	if (e->verdict != KANSA_ALLOW) {
		s->denied++;
		return 0;
	}
	s->allowed++;
	return note_allowed(s, e);
}

static int note_entry(stats *s, const kansa_audit_entry *e, const kansa_audit_wdoc *w)
{
	stats_act *a;

	if (in_period(s, e->time))
		s->entries++;
	switch (e->kind) {
	case KANSA_AUDIT_ENTRY_DECISION:
		return note_decision(s, e, w);
	case KANSA_AUDIT_ENTRY_POLICY:
		if (e->time < s->until)
			s->in_force = e->version;
		if (in_period(s, e->time))
			json_array_append_new(s->versions, json_integer((json_int_t)e->version));
		return 0;
	case KANSA_AUDIT_ENTRY_REVOCATION:
		s->revocations += in_period(s, e->time);
		return 0;
	case KANSA_AUDIT_ENTRY_RATIFICATION:
		/* an answer counts whenever it came: the act's outcome is known now */
		if ((a = kansa_audit_map__get(&s->acts, e->ratified_entry)) != NULL && !a->ratified) {
			a->ratified = true;
			a->approved = e->approved;
			a->ratified_at = e->time;
		}
		return 0;
	default:
		return 0;
	}
}

/* ---- the JSON ------------------------------------------------------------ */

/* "ratified", "ratified-late", "refused", "pending" or "overdue" (design §12). */
const char *kansa_audit__act_state(bool ratified, bool approved, int64_t ratified_at,
    int64_t ratify_by, int64_t now)
{
	if (ratified && !approved)
		return "refused";
	if (ratified)
		return ratified_at > ratify_by ? "ratified-late" : "ratified";
	return now > ratify_by ? "overdue" : "pending";
}

typedef struct {
	json_t *o;
	int64_t now;
} acts_ctx;

static void count_act(void *vctx, void *val)
{
	acts_ctx *c = vctx;
	const stats_act *a = val;
	const char *k = kansa_audit__act_state(a->ratified, a->approved, a->ratified_at, a->ratify_by,
	    c->now);

	json_object_set_new(c->o, k, json_integer(json_integer_value(json_object_get(c->o, k)) + 1));
}

static json_t *acts_json(const stats *s)
{
	static const char *const states[] = { "ratified", "ratified-late", "refused", "pending", "overdue" };
	acts_ctx c = { json_object(), s->now };

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		json_object_set_new(c.o, states[i], json_integer(0));
	json_object_set_new(c.o, "total", json_integer((json_int_t)s->acts.count));
	kansa_audit_map__each(&s->acts, count_act, &c);
	return c.o;
}

static json_t *checks_json(const stats *s)
{
	json_t *o = json_object(), *allowed = json_object(), *denied = json_object();

	for (int r = 0; r < KANSA_REASON_COUNT; r++) {
		if (s->by_reason[r] == 0)
			continue;
		json_object_set_new(r == KANSA_REASON_ALLOWED || r == KANSA_REASON_EMERGENCY ? allowed : denied,
		    kansa_reason_name(r), json_integer((json_int_t)s->by_reason[r]));
	}
	json_object_set_new(o, "total", json_integer((json_int_t)s->checks));
	json_object_set_new(o, "allowed", json_integer((json_int_t)s->allowed));
	json_object_set_new(o, "denied", json_integer((json_int_t)s->denied));
	json_object_set_new(o, "allowed_by", allowed);
	json_object_set_new(o, "denied_by", denied);
	return o;
}

static json_t *time_json(int64_t t)
{
	char b[32];

	kansa_time__format(b, t);
	return json_string(b);
}

static json_t *stats_json(const stats *s, kansa_ledger *lg)
{
	json_t *o = json_object(), *ops = json_object(), *n = json_object(), *pv = json_object();

	json_object_set_new(o, "schema", json_string("kansa.audit.stats/1"));
	json_object_set_new(o, "origin", json_string(kansa_ledger__origin(lg)));
	json_object_set_new(o, "from", time_json(s->from));
	json_object_set_new(o, "until", time_json(s->until));
	json_object_set_new(o, "generated", time_json(s->now));
	json_object_set_new(o, "entries", json_integer((json_int_t)s->entries));
	json_object_set_new(o, "warrants_approved", json_pack("{s:I,s:I}",
	    "metadata-query", (json_int_t)s->approved[0], "neutralize", (json_int_t)s->approved[1]));
	json_object_set_new(o, "checks", checks_json(s));
	json_object_set_new(o, "emergencies", acts_json(s));
	for (size_t i = 0; i < s->n_ops; i++)
		json_object_set_new(ops, s->ops[i].name, json_integer((json_int_t)s->ops[i].n));
	if (s->ops_other)
		json_object_set_new(ops, "(other)", json_integer((json_int_t)s->ops_other));
	json_object_set_new(n, "total", json_integer((json_int_t)s->neutralizations));
	json_object_set_new(n, "by_op", ops);
	json_object_set_new(o, "neutralizations", n);
	json_object_set_new(o, "distinct_targets", json_integer((json_int_t)s->targets.count));
	json_object_set_new(o, "distinct_officers", json_integer((json_int_t)s->officers.count));
	json_object_set_new(o, "revocations", json_integer((json_int_t)s->revocations));
	json_object_set_new(pv, "activated", json_incref(s->versions));
	json_object_set_new(pv, "in_force", json_integer((json_int_t)s->in_force));
	json_object_set_new(o, "policy_versions", pv);
	return o;
}

/* ---- the pass ---------------------------------------------------------------- */

static void free_act(void *ctx, void *val)
{
	(void)ctx;
	free(val);
}

static int visit(void *ctx, kansa_audit_entries *it, const kansa_audit_entry *e)
{
	return note_entry(ctx, e, kansa_audit_entries__warrant(it));
}

int kansa_audit_stats(char **json, kansa_ledger *lg, int64_t from, int64_t until, int64_t now,
    const kansa_audit_options *opt)
{
	stats *s;
	json_t *root = NULL;
	int error;

	if (json == NULL || lg == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "audit stats: no output or ledger");
	*json = NULL;
	if (from >= until)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "audit stats: the period is empty (from must be before until)");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	s->from = from;
	s->until = until;
	s->now = now;
	if ((s->versions = json_array()) == NULL ||
	    (error = kansa_audit_map__init(&s->warrants, 16)) < 0 ||
	    (error = kansa_audit_map__init(&s->acts, KANSA_HASH_LEN)) < 0 ||
	    (error = kansa_audit_map__init(&s->targets, KANSA_HASH_LEN)) < 0 ||
	    (error = kansa_audit_map__init(&s->officers, KANSA_HASH_LEN)) < 0) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	if ((error = kansa_audit__each_entry(lg, NULL, opt, visit, s)) < 0)
		goto out;
	if ((root = stats_json(s, lg)) == NULL ||
	    (*json = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2))) == NULL)
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
out:
	json_decref(root);
	json_decref(s->versions);
	kansa_audit_map__each(&s->acts, free_act, NULL);
	kansa_audit_map__dispose(&s->acts);
	kansa_audit_map__dispose(&s->warrants);
	kansa_audit_map__dispose(&s->targets);
	kansa_audit_map__dispose(&s->officers);
	free(s);
	return error;
}
