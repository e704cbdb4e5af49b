/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The readers of JSON values that the builders of policy/doc_json.c use
 * (policy/doc_json_value.c): each reads one JSON key or value, checks its
 * type and puts its canonical CBOR form into a map. Errors are KANSA_EFORMAT
 * (or KANSA_ELIMIT) naming the field the way the JSON form does
 * ("scope.targets[2]: ..."); paths are made with kansa_field__subpath and
 * kansa_field__indexpath (doc_field.h).
 *
 * Private to the JSON builders; nothing outside policy/ includes it.
 */
#ifndef KANSA_POLICY_DOC_JSON_H
#define KANSA_POLICY_DOC_JSON_H

#include <jansson.h>

#include "policy/doc_field.h"

/* "path: message" as KANSA_EFORMAT; path may be "" for the top level. */
int kansa_json__error(const char *path, const char *fmt, ...) KANSA_PRINTF(2, 3);
/* JSON text -> one JSON object (*out the caller's, json_decref), strictly:
 * bounded, no duplicate keys. */
int kansa_json__load(json_t **out, const char *json, size_t len);
/* Refuse keys of @p obj not in the NULL-terminated list @p allowed. */
int kansa_json__check_keys(const json_t *obj, const char *path, const char *const *allowed);
/* *out = obj[key] (borrowed); absent -> "path.key: required". */
int kansa_json__need(json_t **out, const json_t *obj, const char *path, const char *key);
/* Put @p value (consumed) under the text key @p key. */
int kansa_json__put(cbor_item_t *map, const char *key, cbor_item_t *value);
/* A JSON string obj[key] to a CBOR text (left out when absent and not @p required). */
int kansa_json__put_text(cbor_item_t *map, const char *key, const json_t *obj, const char *path,
    bool required);
/* An array of strings obj[key] -> CBOR array of texts (at most @p max entries). */
int kansa_json__put_texts(cbor_item_t *map, const char *key, const json_t *obj, const char *path,
    size_t max);
/* Exactly @p n bytes of hex from the JSON string obj[key] -> CBOR bytes. */
int kansa_json__put_hex(cbor_item_t *m, const char *key, const json_t *j, size_t n);
/* A JSON time (string, or integer seconds since the epoch), against @p now. */
int kansa_json__time(int64_t *out, const json_t *v, const char *path, int64_t now);
/* A JSON duration ("90d") in seconds. */
int kansa_json__duration(int64_t *out, const json_t *v, const char *path);
int kansa_json__uint(uint64_t *out, const json_t *v, const char *path);
/* An array of IP prefix strings -> a CBOR array of RFC 9164 items. */
int kansa_json__prefixes(cbor_item_t **out, const json_t *v, const char *p, size_t max,
    bool address_only);
/* The policy's origin, witnesses and witness_quorum (policy/doc_witness.c). */
int kansa_policy_doc__witnesses_from_json(cbor_item_t *m, const json_t *j);
/* The policy's "emergency" (policy/doc_emergency.c): short or long form per action. */
int kansa_policy_doc__emergency_from_json(cbor_item_t *m, const json_t *j);
/* [from, to] times -> CBOR [int, int]. */
int kansa_json__window(cbor_item_t **out, const json_t *v, const char *p, int64_t now);

#endif
