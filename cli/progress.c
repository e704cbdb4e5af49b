/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A progress bar on stderr for long operations (verify, replay), drawn only
 * when stderr is a terminal, so that logs and pipes stay clean.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

void cli_progress_init(cli_progress *p, const char *label)
{
	memset(p, 0, sizeof(*p));
	p->label = label;
	p->on = isatty(STDERR_FILENO) == 1;
	p->last_pct = -1;
}

void cli_progress_update(void *ctx, uint64_t done, uint64_t total)
{
	cli_progress *p = ctx;
	char bar[31];
	int pct, fill;

	if (!p->on || total == 0)
		return;
	if (done > total)
		done = total;
	pct = (int)(done * 100 / total);
	if (pct == p->last_pct)
		return;
	p->last_pct = pct;
	fill = pct * 30 / 100;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(30 - fill));
	bar[30] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%% %llu/%llu", p->label, bar, pct, (unsigned long long)done,
	    (unsigned long long)total);
	fflush(stderr);
	p->drawn = true;
}

void cli_progress_done(cli_progress *p)
{
	if (p->on && p->drawn) {
		fprintf(stderr, "\r%*s\r", 80, "");
		fflush(stderr);
	}
	p->drawn = false;
}
