/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every bound that kansa puts on untrusted input, in one place (as SQLite's
 * sqliteLimit.h). Each says what it protects against. A parser that meets a
 * bound fails with KANSA_ELIMIT and names the bound; it never truncates.
 */
#ifndef KANSA_LIMITS_H
#define KANSA_LIMITS_H

#include "kansa.h" /* the public bounds: KANSA_MAX_DOC_BYTES, _JSON_BYTES, _REQUEST_BYTES */

/* Any CBOR input to a decoder of signed data (design §3): a bigger input is
 * refused before a byte of it is parsed, so memory is bounded by the caller. */
#define KANSA_MAX_CBOR_BYTES (1024 * 1024)

/* Nesting of CBOR arrays, maps and tags (design §3). Documents are shallow;
 * the bound keeps the explicit decoder stack fixed and small. */
#define KANSA_MAX_CBOR_DEPTH 16

/* Items (of any kind, at any depth) in one decoded CBOR input: bounds the
 * memory libcbor allocates for an input of at most KANSA_MAX_CBOR_BYTES
 * (a 1 MiB array of one-byte items would otherwise be a million items). */
#define KANSA_MAX_CBOR_ITEMS 100000

/* A signed document (policy, warrant, revocation) as COSE bytes: KANSA_MAX_DOC_BYTES
 * (public), which must not exceed what the decoder takes. */
_Static_assert(KANSA_MAX_DOC_BYTES <= KANSA_MAX_CBOR_BYTES, "a document must fit the CBOR decoder");

/* One ledger entry in canonical CBOR. */
#define KANSA_MAX_ENTRY_BYTES KANSA_MAX_CBOR_BYTES

/* The "detail" text of a decision entry (what failed, for people). */
#define KANSA_MAX_DETAIL_BYTES 256

/* Everything of a decision entry but the request's bytes: eleven keys, four
 * integers of at most 9 bytes, two 34-byte hashes, the decision, the longest
 * reason name, a detail of KANSA_MAX_DETAIL_BYTES and the request's byte
 * string header come to about 500 bytes; this leaves twice that. */
#define KANSA_MAX_ENTRY_FIXED_BYTES 1024

/* A request whose bytes are kept in its decision entry (design §5 row 1,
 * §6). Derived from the entry bound, so that a request of any size makes an
 * entry that fits: one caller's oversized request must never fail the
 * group commit it shares with lawful callers. A larger request is still
 * recorded, as deny malformed-request with the SHA-256 and the size of its
 * bytes instead of the bytes. */
_Static_assert(KANSA_MAX_REQUEST_BYTES == KANSA_MAX_ENTRY_BYTES - KANSA_MAX_ENTRY_FIXED_BYTES,
    "KANSA_MAX_REQUEST_BYTES (public) is an entry less its fixed fields");

/* A PEM key file: an Ed25519 key is well under 1 KiB even encrypted. */
#define KANSA_MAX_PEM_BYTES (16 * 1024)

/* A passphrase or key file line. */
#define KANSA_MAX_SECRET_BYTES 1024

/* A JSON input (KANSA_MAX_JSON_BYTES, public). Nesting of JSON is bounded by
 * jansson itself (JSON_PARSER_MAX_DEPTH, 2048) and our documents are 3 deep. */

/* Signatures on one COSE_Sign document: more than any commission has members. */
#define KANSA_MAX_SIGNATURES 64

/* Members of one policy. */
#define KANSA_MAX_MEMBERS 256

/* Targets of a warrant's scope, and hosts of a neutralize warrant. */
#define KANSA_MAX_SCOPE_ITEMS 4096

/* The upper bound of a policy's max_targets for requests. */
#define KANSA_MAX_REQUEST_TARGETS 4096

/* Names in a field or op vocabulary. */
#define KANSA_MAX_VOCABULARY 256

/* Units a policy names (design §10): more than any commission oversees. */
#define KANSA_MAX_UNITS 256

/* A unit's name, as a policy's text ids (a certificate's CN is at most 64). */
#define KANSA_MAX_UNIT_BYTES 127

/* A text string inside a document (names, case numbers, reasons). */
#define KANSA_MAX_TEXT_BYTES 4096

/* Anchor repositories (ledger/anchor*.c) come from anyone who can push to a
 * mirror: every blob is sized from its header before it is inflated, and the
 * walk of the history is bounded, so a hostile repository costs bounded
 * memory and time. A checkpoint file is a signed note (KANSA_NOTE_MAX_BYTES,
 * room for many cosignatures); a proof file is proof text. */
#define KANSA_MAX_ANCHOR_CHECKPOINT_BYTES (256 * 1024)
#define KANSA_MAX_ANCHOR_PROOF_BYTES 4096

/* Commits walked by anchor verify and cosign: one commit per anchor or
 * cosignature; a million covers decades of hourly anchoring of many sites. */
#define KANSA_MAX_ANCHOR_COMMITS (1024 * 1024)

/* Log keys and witness keys given to one verification (each is one bit of a
 * signed-note verification mask, which has 64). */
#define KANSA_MAX_ANCHOR_LOGS 256
#define KANSA_MAX_ANCHOR_WITNESSES 63

/* The policy's witness fields (policy/doc_witness.c): listed witnesses,
 * the length of a witness name (its vkey then fits a 127-byte text), and of
 * the origin prefix (with "/<16 hex>" it fits the ledger's origin buffer). */
#define KANSA_POLICY_MAX_WITNESSES 32
#define KANSA_POLICY_WITNESS_NAME_MAX 64
#define KANSA_POLICY_ORIGIN_MAX 100

/* Remotes one anchor push updates. */
#define KANSA_MAX_ANCHOR_REMOTES 32

_Static_assert(KANSA_MAX_ANCHOR_REMOTES <= KANSA_ANCHOR_MAX_REMOTES, "every remote is reported");
_Static_assert(KANSA_MAX_CBOR_DEPTH <= 64, "the decoder stack is fixed size");
_Static_assert(KANSA_MAX_CBOR_BYTES <= (1 << 24), "CBOR inputs stay small");
_Static_assert(KANSA_MAX_SECRET_BYTES <= 4096, "secrets live in the secure heap");
_Static_assert(KANSA_MAX_SIGNATURES <= 256, "signature sets stay small");
_Static_assert(KANSA_MAX_CBOR_ITEMS <= KANSA_MAX_CBOR_BYTES, "every item takes at least one byte");
_Static_assert(KANSA_MAX_REQUEST_TARGETS <= KANSA_MAX_SCOPE_ITEMS, "a request is no wider than a warrant");
/* A receipt (design §9) is small and fixed in shape: a bounded buffer inside
 * kansa_receipt, parsed before any signature check by gateways, from anyone. */
_Static_assert(KANSA_RECEIPT_MAX_BYTES >= 1024 && KANSA_RECEIPT_MAX_BYTES <= 4096,
    "a receipt holds its worst-case fields (policy/receipt.c) and stays small");
_Static_assert(KANSA_RECEIPT_TTL > 0 && KANSA_RECEIPT_TTL <= KANSA_RECEIPT_MAX_TTL && KANSA_RECEIPT_MAX_TTL <= 24 * 3600,
    "receipts are short-lived");
/* REQ: LEDGER-REQUEST-FITS a request kept in full always fits its entry */
_Static_assert(KANSA_MAX_REQUEST_BYTES + KANSA_MAX_ENTRY_FIXED_BYTES <= KANSA_MAX_ENTRY_BYTES,
    "a kept request and the rest of its entry fit the entry bound");
_Static_assert(KANSA_MAX_DETAIL_BYTES * 2 <= KANSA_MAX_ENTRY_FIXED_BYTES,
    "the detail is a small part of an entry's fixed part");
_Static_assert(KANSA_MAX_REQUEST_BYTES <= KANSA_MAX_CBOR_BYTES, "a kept request can be decoded");
_Static_assert(KANSA_MAX_MEMBERS <= 1024, "the quorum count uses a member bitmap on the stack");

_Static_assert(KANSA_MAX_ANCHOR_CHECKPOINT_BYTES <= (1 << 20), "checkpoint files stay small");
_Static_assert(KANSA_MAX_ANCHOR_COMMITS <= (1 << 24), "anchor walks stay bounded");
_Static_assert(KANSA_MAX_ANCHOR_WITNESSES + 1 <= 64, "log key plus witnesses fit one verification mask");

#endif
