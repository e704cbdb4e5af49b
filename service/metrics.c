/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The counters of kansa serve and GET /metrics in the Prometheus text
 * exposition format (version 0.0.4): checks by decision and reason, checks
 * that could not be recorded, the check latency histogram, responses by
 * status class, open connections, and the ledger's size and commit batches.
 * Counters are atomics: workers and the event loop update them without a lock.
 */
#include <stdlib.h>

#include "service/service.h"

/* Upper bounds of the latency buckets, seconds. */
static const double buckets[KANSA_METRICS_BUCKETS] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
};

void kansa_metrics__check(kansa_metrics *m, int error, const kansa_receipt *r, double seconds)
{
	size_t b = 0;

	if (error < 0 || r->reason < 0 || r->reason >= KANSA_REASON_COUNT)
		atomic_fetch_add(&m->not_recorded, 1);
	else
		atomic_fetch_add(&m->checks[r->verdict == KANSA_ALLOW][r->reason], 1);
	while (b < KANSA_METRICS_BUCKETS && seconds > buckets[b])
		b++;
	atomic_fetch_add(&m->latency[b], 1);
	atomic_fetch_add(&m->latency_us, (uint_least64_t)(seconds * 1e6));
}

void kansa_metrics__response(kansa_metrics *m, int status)
{
	int c = status / 100;

	if (c >= 2 && c <= 5)
		atomic_fetch_add(&m->responses[c], 1);
}

static bool allow_reason(int r)
{
	return r == KANSA_REASON_ALLOWED || r == KANSA_REASON_EMERGENCY;
}

static int checks_text(kansa_buf *b, kansa_metrics *m)
{
	int error;

	if ((error = kansa_buf_printf(b, "# HELP kansa_checks_total Checks recorded in the ledger, by "
	    "decision and reason.\n# TYPE kansa_checks_total counter\n")) < 0)
		return error;
	for (int v = 1; v >= 0; v--) {
		for (int r = 0; r < KANSA_REASON_COUNT; r++) {
			if (allow_reason(r) != (v == 1))
				continue;
			if ((error = kansa_buf_printf(b,
			    "kansa_checks_total{decision=\"%s\",reason=\"%s\"} %llu\n", v ? "allow" : "deny",
			    kansa_reason_name(r), (unsigned long long)atomic_load(&m->checks[v][r]))) < 0)
				return error;
		}
	}
	return kansa_buf_printf(b, "# HELP kansa_checks_not_recorded_total Checks answered deny "
	    "because the ledger could not record them.\n# TYPE kansa_checks_not_recorded_total counter\n"
	    "kansa_checks_not_recorded_total %llu\n",
	    (unsigned long long)atomic_load(&m->not_recorded));
}

static int latency_text(kansa_buf *b, kansa_metrics *m)
{
	uint64_t cum = 0;
	int error;

	if ((error = kansa_buf_printf(b, "# HELP kansa_check_duration_seconds Time to decide and "
	    "record one check.\n# TYPE kansa_check_duration_seconds histogram\n")) < 0)
		return error;
	for (size_t i = 0; i <= KANSA_METRICS_BUCKETS; i++) {
		cum += atomic_load(&m->latency[i]);
		if (i < KANSA_METRICS_BUCKETS)
			error = kansa_buf_printf(b, "kansa_check_duration_seconds_bucket{le=\"%g\"} %llu\n",
			    buckets[i], (unsigned long long)cum);
		else
			error = kansa_buf_printf(b, "kansa_check_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
			    (unsigned long long)cum);
		if (error < 0)
			return error;
	}
	return kansa_buf_printf(b, "kansa_check_duration_seconds_sum %.6f\n"
	    "kansa_check_duration_seconds_count %llu\n",
	    (double)atomic_load(&m->latency_us) / 1e6, (unsigned long long)cum);
}

static int server_text(kansa_buf *b, kansa_metrics *m)
{
	static const char *const cls[] = { "", "", "2xx", "3xx", "4xx", "5xx" };
	int error;

	if ((error = kansa_buf_printf(b, "# HELP kansa_http_responses_total HTTP responses sent, by "
	    "status class.\n# TYPE kansa_http_responses_total counter\n")) < 0)
		return error;
	for (int c = 2; c <= 5; c++)
		if ((error = kansa_buf_printf(b, "kansa_http_responses_total{code=\"%s\"} %llu\n", cls[c],
		    (unsigned long long)atomic_load(&m->responses[c]))) < 0)
			return error;
	return kansa_buf_printf(b,
	    "# HELP kansa_http_refused_busy_total Requests answered 503: queue full or stopping.\n"
	    "# TYPE kansa_http_refused_busy_total counter\nkansa_http_refused_busy_total %llu\n"
	    "# HELP kansa_connections_open TLS connections open now.\n"
	    "# TYPE kansa_connections_open gauge\nkansa_connections_open %llu\n",
	    (unsigned long long)atomic_load(&m->refused_busy),
	    (unsigned long long)atomic_load(&m->connections));
}

static int ledger_text(kansa_buf *b, kansa_ledger *lg)
{
	kansa_ledger_info info;
	kansa_ledger_stats st;
	int error;

	if ((error = kansa_ledger_get_info(&info, lg)) < 0 || (error = kansa_ledger_get_stats(&st, lg)) < 0)
		return error;
	return kansa_buf_printf(b,
	    "# HELP kansa_ledger_entries Entries in the ledger.\n# TYPE kansa_ledger_entries gauge\n"
	    "kansa_ledger_entries %llu\n"
	    "# HELP kansa_ledger_commits_total Write transactions committed (group commits).\n"
	    "# TYPE kansa_ledger_commits_total counter\nkansa_ledger_commits_total %llu\n"
	    "# HELP kansa_ledger_appends_total Entries committed; appends / commits is the mean batch.\n"
	    "# TYPE kansa_ledger_appends_total counter\nkansa_ledger_appends_total %llu\n",
	    (unsigned long long)info.size, (unsigned long long)st.commits,
	    (unsigned long long)st.appends);
}

int kansa_metrics__text(char **out, size_t *len, kansa_metrics *m, kansa_ledger *lg)
{
	kansa_buf b = KANSA_BUF_INIT(1024 * 1024);
	int error;

	*out = NULL;
	*len = 0;
	if ((error = checks_text(&b, m)) < 0 || (error = latency_text(&b, m)) < 0 ||
	    (error = server_text(&b, m)) < 0 || (error = ledger_text(&b, lg)) < 0 ||
	    (error = kansa_buf_putc(&b, '\0')) < 0) {
		kansa_buf_dispose(&b);
		return error;
	}
	*out = (char *)kansa_buf_detach(&b, len);
	(*len)--; /* the NUL */
	return 0;
}
