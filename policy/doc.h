/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The commission's documents in memory (design §4): policy, warrant,
 * revocation, ratification, and the integrator's request. Parsers fill these
 * from canonical CBOR (strictly: unknown keys, wrong types, missing required
 * fields are KANSA_EFORMAT naming the field, e.g. "scope.targets[2]: not an
 * IP prefix"); builders turn the JSON form into canonical CBOR. The decision
 * function (policy/decide.c) reads only these structs, so it stays pure.
 *
 * Every struct owns what it points to and is released by its _dispose.
 */
#ifndef KANSA_POLICY_DOC_H
#define KANSA_POLICY_DOC_H

#include "common/common.h"
#include "policy/cose.h"

/* Actions; the first two are what a warrant or request may name. */
typedef enum {
	KANSA_ACT_METADATA_QUERY = 0, /* "metadata-query" */
	KANSA_ACT_NEUTRALIZE = 1,     /* "neutralize" */
	KANSA_ACT_REVOKE = 2,         /* "revoke": quorum for revocations and ratifications */
	KANSA_ACT_POLICY = 3,         /* "policy": quorum for the next policy version */
	KANSA_ACT_COUNT = 4,
} kansa_action;

/* "metadata-query" -> KANSA_ACT_METADATA_QUERY; -1 when unknown. */
int kansa_action__from_name(const char *name);
const char *kansa_action__name(int action);

/* An IPv4 or IPv6 prefix (an address is a prefix of length 32 or 128). */
typedef struct {
	uint8_t family;   /* 4 or 6 */
	uint8_t len;      /* prefix length in bits: <= 32 or <= 128 */
	uint8_t addr[16]; /* network bytes; bits past len are zero (host bits set is an error) */
} kansa_prefix;

/* Parse "203.0.113.0/24", "203.0.113.7", "2001:db8::/32": strict, host bits
 * must be zero. RFC 9164 CBOR: tag 52/54, address = bstr, prefix =
 * [len, bstr without trailing zero bytes]. */
int kansa_prefix__parse_text(kansa_prefix *out, const char *text);
void kansa_prefix__format(char out[64], const kansa_prefix *p);
/* Whether inner lies wholly inside outer (same family only). */
bool kansa_prefix__contains(const kansa_prefix *outer, const kansa_prefix *inner);

typedef struct {
	char *name;                 /* member name */
	kansa_key *key;             /* public key, owned */
	uint8_t kid[KANSA_KID_LEN]; /* key id */
} kansa_member;

/* A unit that may call `kansa serve` (design §10): authenticated by a
 * client certificate naming it, it may ask only for its listed actions. */
typedef struct {
	char *name;                          /* the certificate's CN, or its kansa:unit:NAME URI SAN */
	bool actions[2];                     /* per warrant action: it may ask for it */
} kansa_unit;

typedef struct {
	char *name;                  /* the witness's key name */
	char *vkey;                  /* its C2SP vkey, type 0x04, checked */
	uint8_t pub[KANSA_PUBKEY_LEN]; /* the key of the vkey */
} kansa_policy_witness;

/* How far an emergency act of one action may reach (design §12, the long
 * form of the policy's "emergency"); every bound is 0 (ops: none) when the
 * policy does not set it. */
typedef struct {
	uint64_t max_hosts;     /* addresses the request's targets (or host) may cover */
	char **ops;             /* neutralize: the operations allowed without a warrant */
	size_t n_ops;
	uint8_t max_prefix[2];  /* metadata-query: shortest prefix length, [0] IPv4, [1] IPv6 */
	int64_t max_window;     /* metadata-query: longest window, seconds */
} kansa_emergency_bounds;

typedef struct {
	char *commission;                    /* "jp-ccisc" */
	uint64_t version;                    /* 1, 2, ... */
	kansa_member *members;               /* n_members entries */
	size_t n_members;
	uint64_t quorum[KANSA_ACT_COUNT];    /* distinct members needed per action */
	int64_t max_validity[2];             /* seconds, per warrant action; 0 = no limit set */
	char **fields;                       /* allowed metadata fields */
	size_t n_fields;
	char **forbidden_fields;             /* content fields, never allowed */
	size_t n_forbidden_fields;
	char **ops;                          /* allowed neutralize operations */
	size_t n_ops;
	uint64_t max_targets;                /* per request; default 256 */
	int64_t emergency[2];                /* ratification window in seconds per action; 0 = no emergency acts */
	kansa_emergency_bounds emergency_bounds[2]; /* per action: how far an emergency act may reach */
	int64_t retention[2];                /* seconds data may be kept past its window, per action; 0 = not set */
	int64_t receipt_ttl;                 /* seconds a receipt stays valid (design §9); default KANSA_RECEIPT_TTL */
	char *origin;                        /* checkpoint origin prefix of new ledgers, or NULL */
	kansa_policy_witness *witnesses;     /* listed witnesses (docs/anchoring.md) */
	size_t n_witnesses;
	uint64_t witness_quorum;             /* distinct listed witnesses needed; 0 = none */
	kansa_unit *units;                   /* units that may call the service; none when absent */
	size_t n_units;
} kansa_policy_doc;

/* policy/doc_witness.c: free the origin and witnesses fields. */
void kansa_policy_doc__dispose_witnesses(kansa_policy_doc *p);
/* policy/doc_emergency.c: free the emergency bounds. */
void kansa_policy_doc__dispose_emergency(kansa_policy_doc *p);
/* The policy's "emergency" in its JSON form: "24h" per action, or the long
 * form when the action has bounds (policy/doc_emergency.c). */
struct json_t;
struct json_t *kansa_policy_doc__emergency_to_json(const kansa_policy_doc *p);

typedef struct {
	uint8_t cti[16];        /* warrant id (CWT claim 7) */
	char *commission;       /* iss (1) */
	char *subject;          /* sub (2): who may act */
	int action;             /* kansa_action: metadata-query or neutralize */
	char *case_id;          /* "case" */
	char *basis;            /* legal basis */
	int64_t not_before;     /* nbf (5) */
	int64_t expires;        /* exp (4) */
	int64_t issued_at;      /* iat (6) */
	uint64_t max_uses;      /* 0 = no limit */
	kansa_prefix *targets;  /* metadata-query: scope.targets */
	size_t n_targets;
	char **fields;          /* metadata-query: scope.fields */
	size_t n_fields;
	int64_t window[2];      /* metadata-query: scope.window [from, to] */
	kansa_prefix *hosts;    /* neutralize: scope.hosts (addresses) */
	size_t n_hosts;
	char **ops;             /* neutralize: scope.ops */
	size_t n_ops;
} kansa_warrant_doc;

typedef struct {
	char *commission;
	uint8_t warrant_cti[16]; /* the revoked warrant */
	char *reason;
} kansa_revocation_doc;

typedef struct {
	char *commission;
	uint8_t entry[KANSA_HASH_LEN]; /* leaf hash of the emergency entry */
	bool approved;
	char *reason;
} kansa_ratification_doc;

typedef struct {
	char *requester;       /* must equal the warrant's subject */
	char *officer;         /* the named person acting; non-empty */
	int action;            /* kansa_action */
	char *justification;   /* non-empty */
	bool emergency;        /* an emergency act without a warrant */
	kansa_prefix *targets; /* metadata-query */
	size_t n_targets;
	char **fields;         /* metadata-query */
	size_t n_fields;
	bool has_window;
	int64_t window[2];     /* metadata-query */
	bool has_host;
	kansa_prefix host;     /* neutralize */
	char *op;              /* neutralize */
} kansa_request_doc;

/* A signed document of any kind: the COSE envelope plus its parsed payload. */
typedef struct {
	int kind;                       /* KANSA_DOC_* (kansa.h) */
	kansa_cose_sign *cose;          /* owned */
	uint8_t hash[KANSA_HASH_LEN];   /* SHA-256 of the whole COSE bytes */
	union {
		kansa_policy_doc policy;
		kansa_warrant_doc warrant;
		kansa_revocation_doc revocation;
		kansa_ratification_doc ratification;
	} u;
} kansa_signed_doc;

struct cbor_item_t; /* libcbor's item; doc.h does not pull in <cbor.h> */
struct json_t;      /* jansson's value; doc.h does not pull in <jansson.h> */

/* The quorum_action of a kind whose authority is the quorum of its own
 * action (a warrant: metadata-query or neutralize). */
#define KANSA_QUORUM_OWN_ACTION (-1)

/*
 * What differs between the kinds of signed document, one row per kind (as
 * libgit2's object type table). Every step of a document's life cycle --
 * built from JSON, parsed, verified, shown, freed -- looks its kind up here
 * instead of switching on it.
 */
typedef struct {
	const char *name;          /* "warrant": in messages and show --json */
	const char *content_type;  /* the COSE body's content type (design §3) */
	int quorum_action;         /* kansa_action whose quorum signs it, or KANSA_QUORUM_OWN_ACTION */
	/* the payload, strictly, into d->u (zeroed first, emptied again on error) */
	int (*parse)(kansa_signed_doc *d, const uint8_t *payload, size_t len);
	void (*dispose)(kansa_signed_doc *d);                   /* empties d->u */
	const char *(*commission)(const kansa_signed_doc *d);   /* borrowed from d */
	/* whether the document is in force at @p now (EEXPIRED, EVERIFY); NULL: always */
	int (*check_time)(const kansa_signed_doc *d, const kansa_policy_doc *policy, int64_t now);
	/* the JSON form -> the payload map @p m (policy/doc_json.c) */
	int (*from_json)(struct cbor_item_t *m, const struct json_t *j, const char *base_dir,
	    int64_t now);
	/* the payload's fields into the show --json object @p o (policy/doc_api.c) */
	void (*to_json)(struct json_t *o, const kansa_signed_doc *d, int64_t now);
} kansa_doc_kind_def;

/* The row of @p kind (KANSA_DOC_*); NULL for an unknown kind. */
const kansa_doc_kind_def *kansa_doc_kind__def(int kind);
/* "warrant"; "unknown" for an unknown kind. */
const char *kansa_doc_kind__name(int kind);
/* The kind whose content type is @p ctyp; 0 when none is. */
int kansa_doc_kind__from_content_type(const char *ctyp);
/* The kansa_action whose quorum gives @p d its authority (its kind's
 * quorum_action, or a warrant's own action). */
int kansa_signed_doc__quorum_action(const kansa_signed_doc *d);

/* Parse COSE bytes of the expected kind (0 = any) and its payload, strictly.
 * Wrong kind -> KANSA_EFORMAT "document is a revocation, not a warrant".
 * @p hash is the SHA-256 of the bytes when the caller already computed it
 * (it becomes d->hash as given), or NULL to compute it here. */
int kansa_signed_doc__parse(kansa_signed_doc **out, const uint8_t *in, size_t len, int expected_kind,
    const uint8_t *hash);
void kansa_signed_doc__free(kansa_signed_doc *d);

/* One pass over a document's signatures under one policy: for each, the
 * member who made it and whether it verifies. A document's verdict and its
 * description (kansa_doc_to_json) read the same pass, so each signature is
 * verified once. */
typedef struct {
	size_t n;                             /* signatures looked at, in order */
	int member[KANSA_MAX_SIGNATURES];     /* index into policy->members; -1: not a member */
	bool valid[KANSA_MAX_SIGNATURES];     /* Ed25519 verifies (false for a non-member) */
} kansa_signers;

/* Fill @p out for @p d under @p policy. With @p all false the pass stops
 * after the first non-member or failing signature (the verdict needs no
 * more); with @p all true it looks at every signature (for display). */
void kansa_signed_doc__check_signers(kansa_signers *out, const kansa_signed_doc *d,
    const kansa_policy_doc *policy, bool all);

/* Check every signature against the policy's members: any failing signature
 * or non-member kid -> KANSA_EVERIFY (whole document invalid), naming the
 * first in order. On success *distinct_out is the number of distinct
 * members that signed. @p known is the pass already made under @p policy,
 * or NULL to make it now. */
int kansa_signed_doc__verify_signers(size_t *distinct_out, const kansa_signed_doc *d,
    const kansa_policy_doc *policy, const kansa_signers *known);

/* Requests: canonical CBOR map (design §4 names as text keys). */
int kansa_request__parse(kansa_request_doc *out, const uint8_t *in, size_t len);
void kansa_request__dispose(kansa_request_doc *r);

/* True when @p text (NUL-terminated, may be NULL) is empty or holds only
 * white space and invisible format characters (U+0009-000D, U+0020, U+0085,
 * U+00A0, U+1680, U+180E, U+2000-200D, U+2028, U+2029, U+202F, U+205F,
 * U+2060, U+3000, U+FEFF): policy/text.c. */
bool kansa_text__is_blank(const char *text);
/* Replace, in place, every byte of @p text that is not part of well-formed
 * UTF-8, and every control character, by '?': a text built from input and
 * cut to a buffer's size (a decision's detail) is then safe to encode as
 * CBOR text and to print. */
void kansa_text__sanitize(char *text);

/* ---------------------------------------------------------------------- */
/* Additions of the "Signed documents" work (policy/prefix.c, doc*.c)      */
/* ---------------------------------------------------------------------- */

/* RFC 9164 CBOR of an address (len 32/128: tag 52/54 + 4/16-byte bstr) or a
 * prefix (tag 52/54 + [len, bstr with trailing zero bytes dropped]). A new
 * item owned by the caller, NULL on out of memory. */
struct cbor_item_t *kansa_prefix__to_cbor(const kansa_prefix *p);
/* Decode strictly: the tag, an address bstr of exactly 4/16 bytes, or a
 * prefix [len < 32/128, bstr] with no trailing zero byte and no bit set past
 * len. A full-length prefix must be written as an address (one encoding per
 * value). When @p address_only, a prefix is refused. KANSA_EFORMAT. */
int kansa_prefix__from_cbor(kansa_prefix *out, const struct cbor_item_t *item, bool address_only);
/* Whether two prefixes are the same (family, length and bytes). */
bool kansa_prefix__equal(const kansa_prefix *a, const kansa_prefix *b);

/* Times (design §3): RFC 3339 ("2026-05-01T00:00:00Z", "...+09:00"), "now",
 * or an offset from now: [+-]N followed by s, m, h or d. KANSA_EFORMAT. */
int kansa_time__parse(int64_t *out, const char *text, int64_t now);
/* "2026-05-01T00:00:00Z" (UTC). */
void kansa_time__format(char out[32], int64_t t);
/* A positive duration: N followed by s, m, h or d ("90d"). KANSA_EFORMAT. */
int kansa_duration__parse(int64_t *out, const char *text);
/* "29d 23h", "5h 10m", "42s": a short human duration. */
void kansa_duration__format(char out[32], int64_t seconds);
/* The JSON form of a duration, exact: "90d", "24h", "15m", "90s". */
void kansa_duration__text(char out[32], int64_t seconds);

/* JSON form -> canonical CBOR payload (policy/doc_json.c). Policy member
 * keys named by path are read relative to @p base_dir; with base_dir NULL
 * only PEM text is accepted (no file is read). Warrants get iat = now and a
 * random cti. Errors: KANSA_EFORMAT (the message names the field),
 * KANSA_ELIMIT, KANSA_ENOMEM, and for key files KANSA_ENOTFOUND/KANSA_EIO. */
int kansa_doc__payload_from_json(uint8_t **out, size_t *out_len, int kind, const char *json,
    size_t json_len, const char *base_dir, int64_t now);
/* The request's canonical CBOR from its JSON form; with @p parsed given,
 * also the strict parse of that CBOR (the one the check decides on: dispose
 * it with kansa_request__dispose), on success only. */
int kansa_request__from_json(uint8_t **out, size_t *out_len, kansa_request_doc *parsed,
    const char *json, size_t json_len, int64_t now);
/* For people: `requester "...", officer "..."` of a JSON request that did
 * not convert, as far as they can be read (else ""); bounded and sanitized,
 * never fails (policy/request_peek.c). */
void kansa_request__json_peek(char *out, size_t size, const char *json, size_t len);
/* The from_json of each kind's row (policy/doc_json.c). */
int kansa_policy_doc__from_json(struct cbor_item_t *m, const struct json_t *j, const char *base_dir,
    int64_t now);
int kansa_warrant_doc__from_json(struct cbor_item_t *m, const struct json_t *j, const char *base_dir,
    int64_t now);
int kansa_revocation_doc__from_json(struct cbor_item_t *m, const struct json_t *j,
    const char *base_dir, int64_t now);
int kansa_ratification_doc__from_json(struct cbor_item_t *m, const struct json_t *j,
    const char *base_dir, int64_t now);
/* The to_json of each kind's row (policy/doc_api.c). */
void kansa_policy_doc__to_json(struct json_t *o, const kansa_signed_doc *d, int64_t now);
void kansa_warrant_doc__to_json(struct json_t *o, const kansa_signed_doc *d, int64_t now);
void kansa_revocation_doc__to_json(struct json_t *o, const kansa_signed_doc *d, int64_t now);
void kansa_ratification_doc__to_json(struct json_t *o, const kansa_signed_doc *d, int64_t now);

/* Payload parsers of each kind (policy/doc_payload.c); the struct is zeroed first
 * and emptied again on error. */
int kansa_policy_doc__parse(kansa_policy_doc *out, const uint8_t *in, size_t len);
void kansa_policy_doc__dispose(kansa_policy_doc *p);
int kansa_warrant_doc__parse(kansa_warrant_doc *out, const uint8_t *in, size_t len);
void kansa_warrant_doc__dispose(kansa_warrant_doc *w);
int kansa_revocation_doc__parse(kansa_revocation_doc *out, const uint8_t *in, size_t len);
void kansa_revocation_doc__dispose(kansa_revocation_doc *r);
int kansa_ratification_doc__parse(kansa_ratification_doc *out, const uint8_t *in, size_t len);
void kansa_ratification_doc__dispose(kansa_ratification_doc *r);

/* The member of @p policy with this kid (constant-time compare), or NULL. */
const kansa_member *kansa_policy_doc__member_by_kid(const kansa_policy_doc *policy,
    const uint8_t kid[KANSA_KID_LEN]);

/*
 * Verification against a policy (design §3, §4, §5 rows 2-6):
 *  - kansa_signed_doc__verify_quorum: signers (verify_signers), commission,
 *    and the distinct-member quorum: warrant -> its action's quorum;
 *    revocation and ratification -> "revoke"; a policy -> see below.
 *    *have_out and *need_out (either may be NULL) are filled as far as known.
 *    @p known: the signature pass already made under the signing policy
 *    (kansa_signed_doc__check_signers), or NULL.
 *    Returns 0, KANSA_EVERIFY (the message says why), KANSA_EINVAL.
 *  - kansa_policy_doc__verify_next: a policy document as version 1 (prev
 *    NULL: version must be 1, signed by its own "policy" quorum of its own
 *    members) or as version n+1 of prev (same commission, version + 1, the
 *    "policy" quorum of prev's members). KANSA_EVERIFY.
 *  - kansa_warrant_doc__check_validity: not_before <= now < expires
 *    (KANSA_EEXPIRED), expires - not_before <= the policy's max_validity
 *    for the action, and some request could pass rows 10 and 14
 *    (kansa_rules__usable; "unusable"), all KANSA_EVERIFY.
 */
int kansa_signed_doc__verify_quorum(size_t *have_out, size_t *need_out,
    const kansa_signed_doc *d, const kansa_policy_doc *policy, const kansa_signers *known);
int kansa_policy_doc__verify_next(size_t *have_out, size_t *need_out,
    const kansa_signed_doc *next, const kansa_policy_doc *prev, const kansa_signers *known);
int kansa_warrant_doc__check_validity(const kansa_warrant_doc *w, const kansa_policy_doc *policy,
    int64_t now);

/* Accessors of the public opaque types (kansa.h), for the ledger. Borrowed,
 * valid until the object is freed; NULL for NULL. */
const kansa_policy_doc *kansa_policy__doc(const kansa_policy *p);
const kansa_signed_doc *kansa_policy__signed(const kansa_policy *p);
const kansa_signed_doc *kansa_doc__signed(const kansa_doc *d);

#endif
