/* SPDX-License-Identifier: Apache-2.0 */
/* kansa revocation create | sign | show: cli/doc.c does the work for every kind. */
#include "cli/cli.h"
#include "cli/doc.h"

int cmd_revocation_create(int argc, char **argv) { return cli_doc_create(KANSA_DOC_REVOCATION, argc, argv); }
int cmd_revocation_sign(int argc, char **argv) { return cli_doc_sign(KANSA_DOC_REVOCATION, argc, argv); }
int cmd_revocation_unsign(int argc, char **argv) { return cli_doc_unsign(KANSA_DOC_REVOCATION, argc, argv); }
int cmd_revocation_show(int argc, char **argv) { return cli_doc_show(KANSA_DOC_REVOCATION, argc, argv); }
