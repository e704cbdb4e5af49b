/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The findings of an audit pass: counted in the summary, the first bad seq
 * tracked, each passed to the caller's callback. The pass (audit.c) and the
 * replay (replay.c) both report here, so neither calls into the other for it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ledger/audit/audit.h"

void kansa_audit__finding(kansa_audit_findings *run, int kind, bool has_seq, uint64_t seq,
    const char *fmt, ...)
{
	kansa_audit_finding f;
	va_list ap;

	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.has_seq = has_seq;
	f.seq = seq;
	va_start(ap, fmt);
	vsnprintf(f.message, sizeof(f.message), fmt, ap);
	va_end(ap);
	run->sum->findings++;
	if (has_seq && (!run->sum->has_first_bad || seq < run->sum->first_bad_seq)) {
		run->sum->has_first_bad = true;
		run->sum->first_bad_seq = seq;
	}
	if (run->opt && run->opt->on_finding)
		run->opt->on_finding(run->opt->ctx, &f);
}
