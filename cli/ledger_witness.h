/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa ledger checkpoint --witness (cmd_ledger_witness.c), called by
 * cmd_ledger.c.
 */
#ifndef KANSA_CLI_LEDGER_WITNESS_H
#define KANSA_CLI_LEDGER_WITNESS_H

#include "cli/cli.h"

typedef struct {
	cli_opt_list urls;   /* --witness */
	cli_opt_list keys;   /* --witness-key, besides the policy's witnesses */
	const char *ca;      /* --witness-ca */
	unsigned timeout;    /* --witness-timeout (0: 30 s) */
	uint64_t quorum;     /* --witness-quorum; UINT64_MAX: the policy's */
	bool json;
} cli_ledger_witness_opts;

/* Ask each witness to cosign *note (a checkpoint of @p lg) and append the
 * lines that verify under a trusted key to it; "witnesses" and
 * "witness_quorum" into @p j, a line per witness on stderr without --json.
 * Returns 0, KANSA_EVERIFY short of the quorum (*note still extended), or
 * the error that kept it from asking. */
int cli_ledger_witness(json_t *j, char **note, size_t *len, kansa_ledger *lg,
    const cli_ledger_witness_opts *o);

#endif
