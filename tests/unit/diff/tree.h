/* SPDX-License-Identifier: Apache-2.0 */
/* The tree-based decoders the pull-reader ones replaced (test reference only). */
#ifndef KANSA_TEST_DIFF_TREE_H
#define KANSA_TEST_DIFF_TREE_H

#include "ledger/entry.h"
#include "policy/doc.h"

int tree_entry_decode(kansa_entry *e, const uint8_t *in, size_t len);
int tree_request_parse(kansa_request_doc *r, const uint8_t *in, size_t len);

#endif
