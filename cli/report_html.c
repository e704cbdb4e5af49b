/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa audit report --html FILE (design §12, docs/audit.md "The HTML
 * report"): the report's JSON object (kansa_ledger_report) as one
 * self-contained page for the commission. Everything is inline: the CSS,
 * the SVG chart of denials by reason; there is no script, no font, no
 * image, no link to anything outside the page, and a Content-Security-Policy
 * that forbids loading any. Every text from the ledger is escaped, so an
 * officer's name or a justification cannot inject markup into the page.
 * Each figure sits in an element with a data-figure attribute, so that a
 * test can read the page as a browser renders it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Rows of the look-at-first list the page shows (the JSON has them all). */
#define HTML_MAX_ATTENTION 200

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#1a1a1a;padding:0 1em}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:2px solid #444}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}"
    "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top;"
    "overflow-wrap:break-word}th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "table.kv{width:auto;min-width:40em}code{word-break:break-all}"
    ".ok{color:#16621c;font-weight:bold}.bad{color:#a00;font-weight:bold}"
    ".st-ratified{color:#16621c}.st-refused{color:#a00}.st-pending{color:#8a5a00}"
    ".st-overdue,.st-ratified-late{color:#a00;font-weight:bold}"
    ".meta{color:#555}code{font-size:.9em}svg text{font:12px system-ui,sans-serif}";

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static long long num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void td_text(FILE *f, const char *s)
{
	fputs("<td>", f);
	esc(f, s);
	fputs("</td>", f);
}

static void td_num(FILE *f, long long n)
{
	fprintf(f, "<td class=\"n\">%lld</td>", n);
}

static void reasons(FILE *f, const json_t *by)
{
	const char *k;
	json_t *v;
	bool any = false;

	fputs("<td>", f);
	json_object_foreach((json_t *)by, k, v) {
		fputs(any ? ", " : "", f);
		esc(f, k);
		fprintf(f, " %lld", (long long)json_integer_value(v));
		any = true;
	}
	fputs(any ? "</td>" : "-</td>", f);
}

static void summary(FILE *f, const json_t *j)
{
	const json_t *s = json_object_get(j, "summary");
	bool ok = json_is_true(json_object_get(s, "ok"));

	fputs("<h2 id=\"summary\">Summary</h2><table class=\"kv\">", f);
	fprintf(f, "<tr><th>entries</th><td class=\"n\" data-figure=\"entries\">%lld</td></tr>",
	    num(s, "entries"));
	fprintf(f, "<tr><th>decisions</th><td class=\"n\" data-figure=\"decisions\">%lld</td></tr>",
	    num(s, "decisions"));
	fprintf(f, "<tr><th>allowed</th><td class=\"n\" data-figure=\"allowed\">%lld</td></tr>",
	    num(s, "allowed"));
	fprintf(f, "<tr><th>denied</th><td class=\"n\" data-figure=\"denied\">%lld</td></tr>",
	    num(s, "denied"));
	fprintf(f, "<tr><th>audit (replay)</th><td data-figure=\"audit\" class=\"%s\">", ok ? "ok" : "bad");
	if (ok)
		fputs("every entry, document and decision checks out", f);
	else
		fprintf(f, "%lld problems found: the ledger was altered or is damaged", num(s, "finding_count"));
	fputs("</td></tr><tr><th>root</th><td><code>", f);
	esc(f, str(s, "root"));
	fputs("</code></td></tr></table>", f);
	if (json_array_size(json_object_get(j, "findings")) == 0)
		return;
	fputs("<table><tr><th>finding</th><th>seq</th><th>what</th></tr>", f);
	{
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(j, "findings"), i, x) {
			fputs("<tr>", f);
			td_text(f, str(x, "kind"));
			if (json_object_get(x, "seq"))
				td_num(f, num(x, "seq"));
			else
				td_text(f, "-");
			td_text(f, str(x, "message"));
			fputs("</tr>", f);
		}
	}
	fputs("</table>", f);
}

/* A horizontal bar per reason, scaled to the largest count. */
static void chart(FILE *f, const json_t *by)
{
	const int label_w = 190, bar_w = 460, row_h = 24;
	size_t n = json_object_size(by), i = 0;
	long long max = 1;
	const char *k;
	json_t *v;

	fputs("<h2 id=\"denials\">Denials by reason</h2>", f);
	if (n == 0) {
		fputs("<p data-figure=\"no-denials\">No request was denied.</p>", f);
		return;
	}
	json_object_foreach((json_t *)by, k, v)
		if (json_integer_value(v) > max)
			max = (long long)json_integer_value(v);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"denials by reason\" "
	    "width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\">", label_w + bar_w + 60,
	    n * (size_t)row_h + 8, label_w + bar_w + 60, n * (size_t)row_h + 8);
	json_object_foreach((json_t *)by, k, v) {
		long long c = (long long)json_integer_value(v);
		long long w = c * bar_w / max;
		size_t y = 4 + i++ * (size_t)row_h;
		fprintf(f, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">", label_w - 8, y + 16);
		esc(f, k);
		fprintf(f, "</text><rect x=\"%d\" y=\"%zu\" width=\"%lld\" height=\"18\" fill=\"#b03a2e\">"
		    "<title>", label_w, y + 2, w < 1 ? 1 : w);
		esc(f, k);
		fprintf(f, ": %lld</title></rect><text x=\"%lld\" y=\"%zu\" data-figure=\"denied-", c,
		    label_w + (w < 1 ? 1 : w) + 6, y + 16);
		esc(f, k);
		fprintf(f, "\">%lld</text>", c);
	}
	fputs("</svg>", f);
}

static void warrants(FILE *f, const json_t *ws)
{
	size_t i, k;
	json_t *w, *s;

	fprintf(f, "<h2 id=\"warrants\">Use per warrant (<span data-figure=\"warrants\">%zu</span>)</h2>",
	    json_array_size(ws));
	fputs("<table><tr><th>warrant</th><th>case</th><th>action</th><th>subject</th><th>signed by</th>"
	    "<th>valid</th><th>uses</th><th>allowed</th><th>denied</th><th>denials by reason</th>"
	    "<th>revoked</th></tr>", f);
	json_array_foreach(ws, i, w) {
		fputs("<tr><td><code>", f);
		esc(f, str(w, "cti"));
		fputs("</code></td>", f);
		td_text(f, str(w, "case"));
		td_text(f, str(w, "action"));
		td_text(f, str(w, "subject"));
		fputs("<td>", f);
		json_array_foreach(json_object_get(w, "signers"), k, s) {
			fputs(k ? ", " : "", f);
			esc(f, json_string_value(s));
		}
		fputs("</td><td>", f);
		esc(f, str(w, "not_before"));
		fputs(" to ", f);
		esc(f, str(w, "expires"));
		fputs("</td>", f);
		if (num(w, "max_uses"))
			fprintf(f, "<td class=\"n\">%lld / %lld</td>", num(w, "uses"), num(w, "max_uses"));
		else
			fprintf(f, "<td class=\"n\">%lld (no limit)</td>", num(w, "uses"));
		td_num(f, num(w, "allowed"));
		td_num(f, num(w, "denied"));
		reasons(f, json_object_get(w, "denied_by"));
		td_text(f, json_is_true(json_object_get(w, "revoked")) ? "REVOKED" : "no");
		fputs("</tr>", f);
	}
	fputs("</table>", f);
}

static void emergencies(FILE *f, const json_t *es)
{
	size_t i;
	json_t *e;

	fprintf(f, "<h2 id=\"emergencies\">Emergency acts (<span data-figure=\"emergencies\">%zu</span>)</h2>",
	    json_array_size(es));
	fputs("<table><tr><th>seq</th><th>time</th><th>ratify by</th><th>state</th><th>ratification</th></tr>", f);
	json_array_foreach(es, i, e) {
		fputs("<tr>", f);
		td_num(f, num(e, "seq"));
		td_text(f, str(e, "time"));
		td_text(f, str(e, "ratify_by"));
		fputs("<td class=\"st-", f);
		esc(f, str(e, "status"));
		fputs("\" data-figure=\"status\">", f);
		esc(f, strcmp(str(e, "status"), "ratified-late") == 0 ? "ratified late" : str(e, "status"));
		fputs("</td>", f);
		if (json_object_get(e, "ratification_seq"))
			fprintf(f, "<td>seq %lld</td>", num(e, "ratification_seq"));
		else
			td_text(f, "-");
		fputs("</tr>", f);
	}
	fputs("</table>", f);
}

static void officers(FILE *f, const json_t *os)
{
	size_t i;
	json_t *o;

	fprintf(f, "<h2 id=\"officers\">Officers (<span data-figure=\"officers\">%zu</span>)</h2>",
	    json_array_size(os));
	fputs("<table><tr><th>officer</th><th>unit</th><th>allowed</th><th>denied</th>"
	    "<th>denials by reason</th><th>first</th><th>last</th></tr>", f);
	json_array_foreach(os, i, o) {
		fputs("<tr>", f);
		td_text(f, str(o, "officer"));
		td_text(f, str(o, "requester"));
		td_num(f, num(o, "allowed"));
		td_num(f, num(o, "denied"));
		reasons(f, json_object_get(o, "denied_by"));
		td_text(f, str(o, "first"));
		td_text(f, str(o, "last"));
		fputs("</tr>", f);
	}
	fputs("</table>", f);
}

static void attention(FILE *f, const json_t *as, long long total)
{
	size_t i;
	json_t *a;

	fprintf(f, "<h2 id=\"attention\">Denied attempts to look at first (<span data-figure=\"attention\">"
	    "%lld</span>)</h2>", total);
	fputs("<table><tr><th>seq</th><th>time</th><th>reason</th><th>unit</th><th>officer</th>"
	    "<th>action</th><th>why</th></tr>", f);
	json_array_foreach(as, i, a) {
		if (i >= HTML_MAX_ATTENTION)
			break;
		fputs("<tr>", f);
		td_num(f, num(a, "seq"));
		td_text(f, str(a, "time"));
		td_text(f, str(a, "reason"));
		td_text(f, str(a, "requester"));
		td_text(f, str(a, "officer"));
		td_text(f, str(a, "action"));
		td_text(f, str(a, "detail"));
		fputs("</tr>", f);
	}
	fputs("</table>", f);
	if (total > HTML_MAX_ATTENTION)
		fprintf(f, "<p class=\"meta\">%lld more: see <code>kansa audit report --json</code> or "
		    "<code>kansa audit entries --decision deny</code>.</p>", total - HTML_MAX_ATTENTION);
}

static void checkpoints(FILE *f, const json_t *c)
{
	bool ok = json_is_true(json_object_get(c, "ok"));

	fputs("<h2 id=\"checkpoints\">Checkpoints</h2><table class=\"kv\">", f);
	fprintf(f, "<tr><th>signed checkpoints checked</th><td class=\"n\" data-figure=\"checkpoints\">%lld"
	    "</td></tr>", num(c, "count"));
	fprintf(f, "<tr><th>latest checkpoint covers</th><td class=\"n\" data-figure=\"latest-checkpoint\">"
	    "%lld</td></tr>", num(c, "latest_size"));
	fprintf(f, "<tr><th>entries after it (not yet in a checkpoint)</th><td class=\"n\" "
	    "data-figure=\"uncovered\">%lld</td></tr>", num(c, "uncovered"));
	fprintf(f, "<tr><th>state</th><td class=\"%s\" data-figure=\"checkpoint-state\">%s</td></tr></table>",
	    ok ? "ok" : "bad", ok ? "every checkpoint is signed by the ledger and matches its entries"
	    : "A CHECKPOINT DOES NOT MATCH (see the findings)");
}

int cli_report_html(FILE *f, const json_t *j)
{
	const json_t *s = json_object_get(j, "summary");

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'\"><meta name=\"viewport\" content=\"width=device-width\">"
	    "<title>kansa audit report: ", f);
	esc(f, str(j, "origin"));
	fprintf(f, "</title><style>%s</style></head><body>\n<h1>Audit report</h1><p class=\"meta\">Ledger "
	    "<code data-figure=\"origin\">", css);
	esc(f, str(j, "origin"));
	fputs("</code>, generated <span data-figure=\"generated\">", f);
	esc(f, str(j, "generated"));
	fputs("</span> by <code>kansa audit report</code>. Every figure is recomputed from the ledger's "
	    "entries and the documents they name.</p>\n", f);
	summary(f, j);
	chart(f, json_object_get(s, "denied_by"));
	warrants(f, json_object_get(j, "warrants"));
	emergencies(f, json_object_get(j, "emergencies"));
	officers(f, json_object_get(j, "officers"));
	checkpoints(f, json_object_get(j, "checkpoints"));
	attention(f, json_object_get(j, "attention"), num(j, "attention_count"));
	fputs("\n</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}

int cli_report_html_write(const char *path, const json_t *j)
{
	FILE *f = stdout;
	int fd = -1, rc;

	if (strcmp(path, "-") != 0) {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0 ||
		    (f = fdopen(fd, "w")) == NULL) {
			cli_warn("cannot write '%s': %s (check the directory and that it is no symbolic link)",
			    path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return EXIT_ENV;
		}
	}
	rc = cli_report_html(f, j);
	if (f != stdout ? fclose(f) != 0 : fflush(f) != 0)
		rc = -1;
	if (rc < 0) {
		cli_warn("writing '%s' failed: %s", path, strerror(errno));
		return EXIT_ENV;
	}
	return EXIT_OK;
}
