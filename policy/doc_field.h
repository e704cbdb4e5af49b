/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The strict reader of CBOR maps and fields that every payload parser of
 * policy/ uses (policy/doc_field.c): a map walker over known keys, and
 * readers of texts, integers, times, name lists, prefix lists, windows,
 * fixed-size byte strings and actions. Errors are KANSA_EFORMAT (or
 * KANSA_ELIMIT) naming the field the way the JSON form does
 * ("scope.targets[2]: ...").
 *
 * Private to policy/'s document parsers; nothing outside policy/ includes it.
 */
#ifndef KANSA_POLICY_DOC_FIELD_H
#define KANSA_POLICY_DOC_FIELD_H

#include "policy/cbor.h"
#include "policy/doc.h"

/* What a text may hold (kansa_field__text). */
enum {
	KANSA_TEXT_ID,   /* commission, subject, requester, officer, case: 1..127 bytes, no controls */
	KANSA_TEXT_NAME, /* member, field and op names: 1..64 of [A-Za-z0-9._@-] */
	KANSA_TEXT_FREE, /* basis, reason, justification: 1..KANSA_MAX_TEXT_BYTES, no controls but \n */
};

typedef struct {
	const char *name; /* the JSON name; also the CBOR text key unless label != 0 */
	int64_t label;    /* a CBOR integer key (CWT claims), or 0 for a text key */
	bool required;    /* absent -> "<name>: required" */
} kansa_field_def; /* one known key of a map (kansa_field__walk) */

/* "path: message" as KANSA_EFORMAT; path may be "" or NULL for the top level. */
int kansa_field__error(const char *path, const char *fmt, ...) KANSA_PRINTF(2, 3);
/* "path: more than max entries" as KANSA_ELIMIT. */
int kansa_field__limit(const char *path, size_t max);
/* KANSA_ENOMEM. */
int kansa_field__nomem(void);
/* "path.key" and "path[i]" for messages; cut short if long. */
void kansa_field__subpath(char out[128], const char *path, const char *key);
void kansa_field__indexpath(char out[128], const char *path, size_t i);

/* Decode @p in as canonical CBOR into *root (the caller's, cbor_decref). */
int kansa_field__decode(cbor_item_t **root, const uint8_t *in, size_t len, const char *what);
/*
 * Find each key of @p defs in @p map (borrowed values, NULL when absent);
 * any other key is an error, and so is a required key that is absent.
 */
int kansa_field__walk(cbor_item_t **vals, const cbor_item_t *map, const kansa_field_def *defs,
    size_t n, const char *path, const char *what);

/* A text of kind @p what (KANSA_TEXT_*): non-empty, bounded, no control
 * characters. *out is the caller's (free), NULL on error. */
int kansa_field__text(char **out, const cbor_item_t *v, const char *path, int what);
int kansa_field__int(int64_t *out, const cbor_item_t *v, const char *path);
int kansa_field__uint(uint64_t *out, const cbor_item_t *v, const char *path);
/* Times are seconds since the epoch from 1970 to 9999: bounded, so that no
 * difference or sum of two times can overflow (here or in the decision). */
#define KANSA_FIELD_TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */
/* Seconds since the epoch, 1970 to 9999. */
int kansa_field__time(int64_t *out, const cbor_item_t *v, const char *path);
/* An array of 1..max (0..max when @p may_be_empty) distinct names; free
 * with kansa_field__free_names. */
int kansa_field__names(char ***out, size_t *n_out, const cbor_item_t *v, const char *path,
    size_t max, bool may_be_empty);
void kansa_field__free_names(char **l, size_t n);
/* KANSA_EFORMAT "path[i]: "x" is listed twice" when name @p l[i] is one of
 * l[0..i-1]; both name-list readers (tree and pull) check with it. */
int kansa_field__name_once(char *const *l, size_t i, const char *path);
/* An array of 1..max prefixes (addresses when @p address_only); the caller frees *out. */
int kansa_field__prefixes(kansa_prefix **out, size_t *n_out, const cbor_item_t *v,
    const char *path, size_t max, bool address_only);
/* [from, to], two times. */
int kansa_field__window(int64_t w[2], const cbor_item_t *v, const char *path);
/* A byte string of exactly @p n bytes, copied to @p out. */
int kansa_field__bytes(uint8_t *out, size_t n, const cbor_item_t *v, const char *path);
/* "metadata-query" or "neutralize" as a kansa_action; *out -1 on error. */
int kansa_field__action(int *out, const cbor_item_t *v, const char *path);

/*
 * The same readers over a pull reader (policy/doc_field_read.c), for the
 * request on every check's path. kansa_field__walk_val gives each known
 * key's value as a kansa_field_val (the head already read); containers are
 * read on from @p r's input. Each reader gives the error its tree twin
 * gives, and reads an absent value as its twin reads NULL.
 */
typedef struct {
	kansa_cbor_head head; /* major -1 when absent */
	size_t at;            /* offset of the head; SIZE_MAX when absent */
	size_t body;          /* offset past the head: a container's first item, a tag's content */
} kansa_field_val;

int kansa_field__walk_val(kansa_field_val *vals, const kansa_cbor_reader *r, size_t at,
    const kansa_field_def *defs, size_t n, const char *path, const char *what);
int kansa_field__text_val(char **out, const kansa_field_val *v, const char *path, int what);
int kansa_field__bool_val(bool *out, const kansa_field_val *v);
int kansa_field__action_val(int *out, const kansa_field_val *v, const char *path);
int kansa_field__names_val(char ***out, size_t *n_out, const kansa_cbor_reader *r, const kansa_field_val *v,
    const char *path, size_t max, bool may_be_empty);
int kansa_field__prefixes_val(kansa_prefix **out, size_t *n_out, const kansa_cbor_reader *r,
    const kansa_field_val *v, const char *path, size_t max, bool address_only);
int kansa_field__window_val(int64_t w[2], const kansa_cbor_reader *r, const kansa_field_val *v,
    const char *path);
/* kansa_prefix__from_cbor of the item at in->pos (policy/prefix.c), moving
 * past it on success; a position past the input reads as an absent item. */
int kansa_prefix__read(kansa_prefix *out, kansa_cbor_reader *in, bool address_only);
/* The checks the text and time readers share with their pull twins. */
int kansa_field__check_text(const char *s, size_t n, int what, const char *path);
int kansa_field__check_time(int64_t t, const char *path);

/* The policy's origin, witnesses and witness_quorum fields, each NULL when
 * absent (policy/doc_witness.c). */
int kansa_policy_doc__parse_witnesses(kansa_policy_doc *p, const cbor_item_t *origin,
    const cbor_item_t *witnesses, const cbor_item_t *quorum);

/* The policy's "emergency" map (policy/doc_emergency.c): per action a
 * ratification window in seconds, or the map of its bounds. Needs p->ops. */
int kansa_policy_doc__parse_emergency(kansa_policy_doc *p, const cbor_item_t *v);

#endif
