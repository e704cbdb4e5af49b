/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON values as kansa's outputs write them (design §3): hashes and ids as
 * lowercase hex text, times as RFC 3339 text, beside NAME_unix in seconds
 * where scripts want the integer. For the audit's and the service's JSON;
 * the CLI has its own (it uses kansa.h only).
 */
#ifndef KANSA_LEDGER_JSON_H
#define KANSA_LEDGER_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* @p n bytes (at most 64) as hex text; NULL when out of memory or longer. */
json_t *kansa_json_out__hex(const uint8_t *p, size_t n);

/* A time as RFC 3339 text ("2026-05-01T09:00:00Z"). */
json_t *kansa_json_out__time(int64_t t);

/* obj[key] = RFC 3339 text of @p t, obj[key_unix] = @p t; nothing when obj is NULL. */
void kansa_json_out__set_time(json_t *obj, const char *key, int64_t t);

#endif
