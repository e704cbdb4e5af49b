/* SPDX-License-Identifier: Apache-2.0 */
/* kansa policy create | sign | show: cli/doc.c does the work for every kind. */
#include "cli/cli.h"
#include "cli/doc.h"

int cmd_policy_create(int argc, char **argv) { return cli_doc_create(KANSA_DOC_POLICY, argc, argv); }
int cmd_policy_sign(int argc, char **argv) { return cli_doc_sign(KANSA_DOC_POLICY, argc, argv); }
int cmd_policy_unsign(int argc, char **argv) { return cli_doc_unsign(KANSA_DOC_POLICY, argc, argv); }
int cmd_policy_show(int argc, char **argv) { return cli_doc_show(KANSA_DOC_POLICY, argc, argv); }
