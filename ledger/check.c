/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_check() (design §5, §6): a request, and its warrant, decided and
 * recorded in one append.
 *
 * The pure, expensive part of a check (parsing the request, parsing the
 * warrant and verifying its signatures against the policy's members) runs
 * on the caller's thread BEFORE the store's write transaction, with the
 * warrant check taken from the verified-document cache (ledger/cache.h)
 * when it is there. Inside the transaction (the store's build callback) the
 * policy in force is read again: if it is not the one the warrant was
 * verified against, it is verified again there. Time, revocations and use
 * counts are only ever read inside it.
 *
 * This file must never return KANSA_ALLOW without a committed entry, nor
 * decide outside the transaction that records the decision (only the
 * policy-and-bytes-determined verification may happen before it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/cache.h"
#include "ledger/entry.h"
#include "ledger/ledger_impl.h"
#include "ledger/store/store.h"
#include "policy/decide.h"
#include "policy/doc.h"

/* A warrant check: a reference into the cache, or a private result. */
typedef struct {
	kansa_cache_entry *ref;           /* cached result (a held reference), or NULL */
	kansa_warrant_check local;        /* the result when it is not cached */
	uint8_t policy_hash[KANSA_HASH_LEN]; /* the policy it was verified against */
	bool have;                        /* a result is held */
} verified;

static const kansa_warrant_check *verified_value(const verified *v)
{
	return v->ref ? kansa_cache_entry__value(v->ref) : &v->local;
}

static void verified_release(kansa_ledger *lg, verified *v)
{
	kansa_cache__release(kansa_ledger__cache(lg), v->ref);
	kansa_warrant_check__dispose(&v->local);
	memset(v, 0, sizeof(*v));
}

/*
 * Verify @p warrant (whose hash is @p whash) against @p policy, through the
 * cache: a hit costs a hash-table lookup; a miss parses and verifies the
 * signatures (the expensive part) and caches the result when it is a
 * verified warrant or a bad signature (malformed ones are cheap to redo).
 */
static int verify_warrant(verified *out, kansa_ledger *lg, const kansa_policy *policy,
    const uint8_t *warrant, size_t len, const uint8_t whash[KANSA_HASH_LEN])
{
	kansa_warrant_check wc;
	size_t cost;
	int error;

	verified_release(lg, out);
	kansa_policy_hash(out->policy_hash, policy);
	out->have = true;
	/* REQ: PERF-CACHE-2 a warrant's signatures are verified once per (warrant, policy) */
	if ((out->ref = kansa_cache__get(kansa_ledger__cache(lg), whash, out->policy_hash)) != NULL)
		return 0;
	if ((error = kansa_decide__verify_warrant(&wc, kansa_policy__doc(policy), warrant, len, whash)) < 0)
		return error;
	/* parsed form: about three times the COSE bytes (copies, strings, prefixes) */
	if (wc.doc != NULL && kansa_mul_size(&cost, len, 3) == 0 &&
	    kansa_cache__put(&out->ref, kansa_ledger__cache(lg), whash, out->policy_hash, &wc, cost) == 0)
		return 0;
	out->local = wc; /* not cached: used once, disposed by verified_release */
	return 0;
}

typedef struct {
	kansa_ledger *lg;
	const char *unit;          /* the service's authenticated unit, or NULL */
	const uint8_t *warrant;
	size_t warrant_len;
	const uint8_t *request;
	size_t request_len;
	kansa_receipt *receipt;
	kansa_store *store;        /* for the state lookup */
	kansa_warrant_state state; /* what the decision saw (recorded as "uses") */
	bool state_read;           /* the decision looked the state up */
	bool request_hashed;       /* the request's bytes are not kept, only their hash and size */
	int request_form;          /* KANSA_REQUEST_FORM_*: what the bytes are */
	uint8_t rhash[KANSA_HASH_LEN]; /* SHA-256 of the request's bytes, when hashed */
	kansa_decision first;      /* stage 1 (request), decided before the transaction */
	kansa_request_doc req;     /* the parsed request */
	bool req_ok;               /* stage 1 passed */
	uint8_t whash[KANSA_HASH_LEN]; /* SHA-256 of the warrant bytes */
	verified v;                /* stage 2, possibly redone inside the transaction */
	kansa_receipt_info info;   /* what the receipt will say of the act (warrant set inside) */
	int64_t receipt_ttl;       /* the receipt_ttl of the policy the decision used */
} check_ctx;

static int warrant_state(void *vctx, const uint8_t hash[KANSA_HASH_LEN], const uint8_t cti[16],
    kansa_warrant_state *out)
{
	check_ctx *c = vctx;
	int error;

	(void)hash;
	if ((error = kansa_store__warrant_state(&out->uses, &out->revoked, c->store, cti)) < 0)
		return error;
	c->state = *out;
	c->state_read = true;
	return 0;
}

static bool has_warrant(const check_ctx *c)
{
	return c->warrant != NULL && c->warrant_len > 0;
}

/* Stages 2 and 3 inside the transaction, against the policy in force now. */
static int decide_in_txn(kansa_decision *d, check_ctx *c, kansa_store *s, int64_t time,
    uint64_t *policy_version)
{
	kansa_ledger *lg = c->lg;
	const kansa_policy *policy;
	uint8_t ph[KANSA_HASH_LEN];
	int error;

	if ((error = kansa_ledger__batch_policy(&policy, lg, s)) < 0)
		return error;
	*policy_version = kansa_policy_version(policy);
	c->receipt_ttl = kansa_policy__doc(policy)->receipt_ttl;
	*d = c->first;
	if (!c->req_ok)
		return 0;
	if (has_warrant(c)) {
		kansa_policy_hash(ph, policy);
		/* verified against another policy than the one in force: again, now */
		if (!c->v.have || !kansa_ct_equal(ph, c->v.policy_hash, KANSA_HASH_LEN)) {
			if ((error = verify_warrant(&c->v, lg, policy, c->warrant, c->warrant_len,
			    c->whash)) < 0)
				return error;
		}
	}
	return kansa_decide__finish(d, kansa_policy__doc(policy), &c->req,
	    has_warrant(c) ? verified_value(&c->v) : NULL, c->unit, time, warrant_state, c);
}

static int build_check(void *vctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	check_ctx *c = vctx;
	kansa_decision d;
	kansa_entry e;
	int error;

	memset(&e, 0, sizeof(e));
	c->store = s;
	memset(&c->state, 0, sizeof(c->state));
	c->state_read = false;
	e.seq = pos->seq;
	e.time = kansa_ledger__entry_time(pos);
	e.kind = KANSA_ENTRY_DECISION;
	memcpy(e.prev, pos->prev, KANSA_HASH_LEN);

	if ((error = decide_in_txn(&d, c, s, e.time, &e.policy_version)) < 0)
		return error;

	/* The entry keeps the request as given and the warrant by hash, so that
	 * replay decides on exactly the same bytes; a request that cannot fit
	 * (or is not CBOR) is kept by hash and size. */
	if (c->request_hashed) {
		e.request_hashed = true;
		memcpy(e.request_hash, c->rhash, KANSA_HASH_LEN);
		e.request_size = (uint64_t)c->request_len;
		e.request_form = c->request_form;
	} else {
		e.request = (uint8_t *)c->request;
		e.request_len = c->request_len;
	}
	if (has_warrant(c)) {
		e.has_warrant = true;
		memcpy(e.warrant, c->whash, KANSA_HASH_LEN);
		/* Documents are stored once: skip the insert (a hash and a statement
		 * in the serialized append) once a committed check stored it. */
		if (c->v.ref == NULL || !kansa_cache_entry__is_stored(c->v.ref)) {
			out->docs[0] = (kansa_store_doc){ c->warrant, c->warrant_len, KANSA_DOC_WARRANT, c->whash };
			out->n_docs = 1;
		}
	}
	e.verdict = d.verdict;
	e.reason = d.reason;
	e.detail = d.detail;
	e.ratify_by = d.ratify_by;
	e.unit = (char *)c->unit; /* borrowed */
	out->has_decision = true;
	out->allowed = d.verdict == KANSA_ALLOW;
	if (d.has_warrant) {
		out->has_warrant = true;
		memcpy(out->warrant_hash, d.warrant_hash, KANSA_HASH_LEN);
		memcpy(out->warrant_cti, d.cti, sizeof(d.cti));
		/* uses before this entry: as the decision saw them, or read now when
		 * it stopped before looking (e.g. bad-signature) */
		if (c->state_read)
			e.uses = c->state.uses;
		else if ((error = kansa_store__uses(&e.uses, s, d.cti)) < 0)
			return error;
	}
	c->info.has_warrant = d.has_warrant;
	memcpy(c->info.warrant_cti, d.cti, sizeof(d.cti));
	c->receipt->verdict = d.verdict;
	c->receipt->reason = d.reason;
	c->receipt->ratify_by = d.ratify_by;
	snprintf(c->receipt->detail, sizeof(c->receipt->detail), "%s", d.detail);
	error = kansa_ledger__finish_entry(s, &e, out, c->receipt);
	e.request = NULL; /* borrowed */
	e.detail = NULL;
	e.unit = NULL;
	return error;
}

/* The decision's detail is stored in the entry as it is. */
_Static_assert(sizeof(((kansa_decision *)0)->detail) <= KANSA_MAX_DETAIL_BYTES,
    "a decision's detail fits an entry's fixed part");

int kansa_check(kansa_receipt *out, kansa_ledger *lg, const uint8_t *warrant, size_t warrant_len,
    const uint8_t *request, size_t request_len)
{
	const kansa_check_input in = { warrant, warrant_len, request, request_len,
		KANSA_REQUEST_FORM_CBOR, NULL, NULL, NULL };

	return kansa_ledger__check(out, lg, &in);
}

/* A unit name the entry can hold as it is: 1..KANSA_MAX_UNIT_BYTES of text
 * without control characters (a certificate's name is the CA's to vouch for,
 * not ours to rewrite). */
static bool unit_ok(const char *unit)
{
	char copy[KANSA_MAX_UNIT_BYTES + 1];
	size_t n = strlen(unit);

	if (n == 0 || n > KANSA_MAX_UNIT_BYTES)
		return false;
	memcpy(copy, unit, n + 1);
	kansa_text__sanitize(copy);
	return strcmp(copy, unit) == 0;
}

int kansa_ledger__check(kansa_receipt *out, kansa_ledger *lg, const kansa_check_input *in)
{
	const uint8_t *warrant = in->warrant, *request = in->request;
	size_t warrant_len = in->warrant_len, request_len = in->request_len;
	const char *why = in->why;
	int form = in->form;
	check_ctx c;
	const kansa_policy *policy;
	int error;

	memset(&c, 0, sizeof(c));
	if (in->parsed != NULL) { /* taken: disposed on every path below */
		c.req = *in->parsed;
		memset(in->parsed, 0, sizeof(*in->parsed));
	}
	if (out == NULL) {
		kansa_request__dispose(&c.req);
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "kansa_check: no receipt");
	}
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	if (lg == NULL || request == NULL) {
		error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "kansa_check: missing argument");
		goto out;
	}
	if (warrant_len > KANSA_MAX_DOC_BYTES) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
		    "warrant larger than %d bytes: not recorded", KANSA_MAX_DOC_BYTES);
		goto out;
	}
	if (kansa_ledger__readonly(lg)) {
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER, "ledger is open read-only");
		goto out;
	}
	if (in->unit != NULL && !unit_ok(in->unit)) {
		error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "unit name is empty, longer than %d bytes or not text: not recorded",
		    KANSA_MAX_UNIT_BYTES);
		goto out;
	}
	c.lg = lg;
	c.unit = in->unit;
	c.warrant = warrant;
	c.warrant_len = warrant_len;
	c.request = request;
	c.request_len = request_len;
	c.receipt = out;

	/* Before the transaction, on this thread: the request, and the warrant
	 * against the policy in force now (through the cache). A request whose
	 * bytes cannot be kept is decided (malformed) and hashed here, so that
	 * nothing about it can fail the batch it joins. */
	/* REQ: LEDGER-REQUEST-FITS the bound is checked before the request is queued */
	if (form != KANSA_REQUEST_FORM_CBOR || request_len > KANSA_MAX_REQUEST_BYTES) {
		char size_why[64];

		if (why == NULL && form == KANSA_REQUEST_FORM_CBOR) {
			snprintf(size_why, sizeof(size_why), "larger than %d bytes", KANSA_MAX_REQUEST_BYTES);
			why = size_why;
		}
		c.request_hashed = true;
		c.request_form = form;
		kansa_decide__request_unkept(&c.first, (uint64_t)request_len,
		    form == KANSA_REQUEST_FORM_JSON, why);
		c.req_ok = false;
		if ((error = kansa_sha256(c.rhash, request, request_len)) < 0)
			goto out;
	} else if (in->parsed != NULL) {
		c.req_ok = kansa_decide__request_parsed(&c.first, &c.req);
	} else {
		c.req_ok = kansa_decide__request(&c.first, &c.req, request, request_len);
	}
	if (c.req_ok && has_warrant(&c)) {
		policy = kansa_ledger__policy_in_force(lg);
		if ((error = kansa_sha256(c.whash, warrant, warrant_len)) < 0 ||
		    (error = verify_warrant(&c.v, lg, policy, warrant, warrant_len, c.whash)) < 0)
			goto out;
	} else if (has_warrant(&c) && (error = kansa_sha256(c.whash, warrant, warrant_len)) < 0) {
		goto out;
	}
	/* REQ: LEDGER-DURABLE allow only after the entry's commit */
	if ((error = kansa_store__append(kansa_ledger__store(lg), build_check, &c, NULL)) < 0)
		goto out;
	out->recorded = true;
	if (c.v.ref != NULL && has_warrant(&c))
		kansa_cache_entry__mark_stored(c.v.ref); /* committed with (or before) this entry */
	/* REQ: RECEIPT-AFTER-COMMIT signed after the commit, on this thread, outside the write lock */
	if (c.request_hashed)
		memcpy(c.info.request_hash, c.rhash, KANSA_HASH_LEN);
	else if ((error = kansa_sha256(c.info.request_hash, request, request_len)) < 0)
		goto out;
	if (c.req_ok)
		kansa_ledger__receipt_act(&c.info, &c.req);
	error = kansa_ledger__receipt_sign(out, lg, &c.info, c.receipt_ttl);
out:
	if (lg != NULL)
		verified_release(lg, &c.v);
	kansa_request__dispose(&c.req);
	if (error < 0 && !out->recorded)
		kansa_ledger__receipt_deny(out, error);
	return error;
}
