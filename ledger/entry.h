/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ledger entries (design §6): a canonical CBOR map with text keys.
 *
 *   common:       "seq" uint, "time" int, "kind" text, "prev" bstr(32)
 *   decision:     "request" bstr (the request's bytes as given, at most
 *                 KANSA_MAX_REQUEST_BYTES), or instead, for a request whose
 *                 bytes are not kept (a larger one, or JSON that is not a
 *                 request): "request_hash" bstr(32) (SHA-256 of its bytes),
 *                 "request_size" uint, "request_form" "cbor"|"json";
 *                 "warrant" bstr(32) (hash of the warrant document; absent
 *                 when none was given), "policy" uint (version in force),
 *                 "decision" "allow"|"deny", "reason" text, "detail" text,
 *                 "uses" uint (allowed uses of the warrant before this one),
 *                 "ratify_by" int (emergency acts only), "unit" text (checks
 *                 through the service only: the unit its client certificate
 *                 authenticated, design §10)
 *   policy:       "document" bstr(32), "version" uint
 *   revocation:   "document" bstr(32), "cti" bstr(16)
 *   ratification: "document" bstr(32), "entry" bstr(32), "approved" bool
 *
 * Documents (policy, warrant, revocation, ratification) are stored once in
 * the ledger's document table, keyed by SHA-256 of their COSE bytes.
 * leaf hash = SHA-256(0x00 || entry bytes) (RFC 9162).
 */
#ifndef KANSA_LEDGER_ENTRY_H
#define KANSA_LEDGER_ENTRY_H

#include "common/common.h"

typedef enum {
	KANSA_ENTRY_DECISION = 1,
	KANSA_ENTRY_POLICY = 2,
	KANSA_ENTRY_REVOCATION = 3,
	KANSA_ENTRY_RATIFICATION = 4,
} kansa_entry_kind;

/* The form of a request whose bytes an entry does not keep. */
enum {
	KANSA_REQUEST_FORM_CBOR = 1,  /* canonical CBOR, as kansa_check() takes */
	KANSA_REQUEST_FORM_JSON = 2,  /* JSON, as kansa_check_json() takes */
};

typedef struct {
	uint64_t seq;                      /* position, from 0 */
	int64_t time;                      /* decision time, seconds since the epoch */
	int kind;                          /* kansa_entry_kind */
	uint8_t prev[KANSA_HASH_LEN];      /* leaf hash of the previous entry; zeros for seq 0 */
	/* decision */
	uint8_t *request;                  /* owned copy of the request bytes; NULL when hashed */
	size_t request_len;
	bool request_hashed;               /* the bytes are not kept: hash, size and form are */
	uint8_t request_hash[KANSA_HASH_LEN]; /* hashed: SHA-256 of the request's bytes */
	uint64_t request_size;             /* hashed: their length */
	int request_form;                  /* hashed: KANSA_REQUEST_FORM_CBOR or _JSON */
	bool has_warrant;
	uint8_t warrant[KANSA_HASH_LEN];   /* hash of the warrant document */
	uint64_t policy_version;           /* policy in force */
	int verdict;                       /* KANSA_ALLOW / KANSA_DENY */
	int reason;                        /* kansa_reason */
	char *detail;                      /* owned; may be NULL */
	uint64_t uses;                     /* allowed uses before this entry */
	int64_t ratify_by;                 /* emergency: ratification deadline; else 0 */
	char *unit;                        /* the service's authenticated unit (owned); NULL in process */
	/* policy, revocation, ratification */
	uint8_t document[KANSA_HASH_LEN];  /* hash of the stored document */
	uint64_t version;                  /* policy: its version */
	uint8_t cti[16];                   /* revocation: the revoked warrant */
	uint8_t entry[KANSA_HASH_LEN];     /* ratification: the emergency entry's leaf hash */
	bool approved;                     /* ratification */
} kansa_entry;

const char *kansa_entry__kind_name(int kind);

/* Canonical CBOR of an entry; *out is malloc'd. */
int kansa_entry__encode(uint8_t **out, size_t *out_len, const kansa_entry *e);

/* Strict decode (canonical CBOR, exact shape for its kind). */
int kansa_entry__decode(kansa_entry *out, const uint8_t *in, size_t len);
void kansa_entry__dispose(kansa_entry *e);

#endif
