/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR form of kansa serve's check (design §10): the body
 * {"warrant": bstr (COSE) | null, "request": map} split into its parts, and
 * the answer (kansa_check_answer_cbor(), public) as one canonical map.
 */
#ifndef KANSA_POLICY_CHECK_BODY_H
#define KANSA_POLICY_CHECK_BODY_H

#include "common/common.h"

/* Split a canonical CBOR check body into the warrant's COSE bytes (*warrant
 * NULL when it is null or absent) and the request's canonical CBOR, both
 * malloc'd and the caller's. The map has "request" (a map) and at most
 * "warrant" besides. Returns 0; KANSA_EFORMAT or KANSA_ELIMIT (not such a
 * body, with a message saying what); KANSA_ENOMEM. */
int kansa_check_body__split(uint8_t **warrant, size_t *warrant_len, uint8_t **request,
    size_t *request_len, const uint8_t *body, size_t len);

#endif
