/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The signed documents' commands shared by every kind (cli/doc.c), and the
 * pieces of them that warrant verify also uses.
 */
#ifndef KANSA_CLI_DOC_H
#define KANSA_CLI_DOC_H

#include "cli/cli.h"

/* kansa <kind> create | sign | unsign | show, for kind KANSA_DOC_POLICY, ... */
int cli_doc_create(int kind, int argc, char **argv);
int cli_doc_sign(int kind, int argc, char **argv);
int cli_doc_unsign(int kind, int argc, char **argv);
int cli_doc_show(int kind, int argc, char **argv);

/* The --help text of one kind's command, filled in at run time. */
typedef struct {
	char usage[160], about[1024], example[256], schema[64];
	cli_help h;
} cli_doc_help;

/* Name the schema "kansa.<kind>.<verb>/1" and point h at the buffers. */
void cli_doc_help_init(cli_doc_help *d, int kind, const char *verb);

/* Read a document file (or stdin for "-"). */
int cli_doc_read(uint8_t **out, size_t *len, const char *path);

/* The policy chain named by repeated --policy: the first verified as version
 * 1, each next against the one before; *out is the last (the one in force). */
int cli_doc_load_policies(kansa_policy **out, const char *const *files, size_t n);

/* "3d 4h", "5m 2s": a number of seconds for people. */
void cli_fmt_duration(char out[32], long long s);

/* The string member @p key of @p o, or "-". */
const char *cli_jstr(const json_t *o, const char *key);

#endif
