/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The counters of kansa serve and GET /metrics in the Prometheus text
 * exposition format (version 0.0.4): checks by decision and reason, checks
 * that could not be recorded, the check latency histogram, responses by
 * status class, open connections, the ledger's size and commit batches, and
 * when the server signs checkpoints on its own (checkpointer.c) what its
 * rounds gave: per witness the cosignatures kept and the failures, the size
 * of the last cosigned checkpoint, and whether the quorum was met.
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

/* The group commits by size, a histogram whose bucket bounds are powers of two. */
static int batch_text(kansa_buf *b, kansa_ledger *lg)
{
	uint64_t counts[KANSA_BATCH_BUCKETS], sum, cum = 0;
	int error;

	if ((error = kansa_ledger_get_batch_sizes(counts, KANSA_BATCH_BUCKETS, &sum, lg)) < 0 ||
	    (error = kansa_buf_printf(b, "# HELP kansa_ledger_batch_size Entries per group commit.\n"
	    "# TYPE kansa_ledger_batch_size histogram\n")) < 0)
		return error;
	for (size_t i = 0; i < KANSA_BATCH_BUCKETS; i++) {
		cum += counts[i];
		if ((error = kansa_buf_printf(b, "kansa_ledger_batch_size_bucket{le=\"%llu\"} %llu\n",
		    1ULL << i, (unsigned long long)cum)) < 0)
			return error;
	}
	return kansa_buf_printf(b, "kansa_ledger_batch_size_bucket{le=\"+Inf\"} %llu\n"
	    "kansa_ledger_batch_size_sum %llu\nkansa_ledger_batch_size_count %llu\n",
	    (unsigned long long)cum, (unsigned long long)sum, (unsigned long long)cum);
}

static int ledger_text(kansa_buf *b, kansa_ledger *lg)
{
	kansa_ledger_info info;
	kansa_ledger_stats st;
	int error;

	if ((error = kansa_ledger_get_info(&info, lg)) < 0 || (error = kansa_ledger_get_stats(&st, lg)) < 0)
		return error;
	if ((error = kansa_buf_printf(b,
	    "# HELP kansa_ledger_entries Entries in the ledger.\n# TYPE kansa_ledger_entries gauge\n"
	    "kansa_ledger_entries %llu\n"
	    "# HELP kansa_ledger_commits_total Write transactions committed (group commits).\n"
	    "# TYPE kansa_ledger_commits_total counter\nkansa_ledger_commits_total %llu\n"
	    "# HELP kansa_ledger_appends_total Entries committed; appends / commits is the mean batch.\n"
	    "# TYPE kansa_ledger_appends_total counter\nkansa_ledger_appends_total %llu\n",
	    (unsigned long long)info.size, (unsigned long long)st.commits,
	    (unsigned long long)st.appends)) < 0)
		return error;
	return batch_text(b, lg);
}

void kansa_metrics__signed(kansa_metrics *m)
{
	atomic_fetch_add(&m->checkpoints, 1);
}

void kansa_metrics__witness(kansa_metrics *m, size_t index, const kansa_cosign_witness *w)
{
	if (index >= m->n_witnesses)
		return;
	if (w->error == 0 && w->kept > 0)
		atomic_fetch_add(&m->cosignatures[index], w->kept);
	else
		atomic_fetch_add(&m->witness_failures[index], 1);
}

void kansa_metrics__round(kansa_metrics *m, int error, uint64_t size, const kansa_cosign_result *r)
{
	if (error < 0) {
		atomic_fetch_add(&m->checkpoint_errors, 1);
		atomic_store(&m->quorum_met, 0);
		return;
	}
	if (r == NULL)
		return;
	if (r->have > 0)
		atomic_store(&m->cosigned_size, size);
	/* with no quorum in the policy, one trusted cosignature meets it */
	atomic_store(&m->quorum_met, r->have >= (r->need ? r->need : 1));
}

/* A label value: the text with \\, \" and newlines escaped (Prometheus text format). */
static int label_value(kansa_buf *b, const char *v)
{
	int error = 0;

	for (; *v && error == 0; v++)
		error = *v == '\\' ? kansa_buf_put(b, "\\\\", 2) : *v == '"' ? kansa_buf_put(b, "\\\"", 2) :
		    *v == '\n' ? kansa_buf_put(b, "\\n", 2) : kansa_buf_putc(b, *v);
	return error;
}

/* One counter per witness: NAME{witness="URL"} VALUE. */
static int per_witness(kansa_buf *b, const char *name, const char *help,
    const atomic_uint_least64_t *v, const kansa_metrics *m)
{
	int error = kansa_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);

	for (size_t i = 0; i < m->n_witnesses && error == 0; i++) {
		if ((error = kansa_buf_printf(b, "%s{witness=\"", name)) == 0 &&
		    (error = label_value(b, m->witness_urls[i])) == 0)
			error = kansa_buf_printf(b, "\"} %llu\n", (unsigned long long)atomic_load(&v[i]));
	}
	return error;
}

/* The checkpointer's lines, when it runs (checkpointer.c). */
static int checkpointer_text(kansa_buf *b, kansa_metrics *m)
{
	int error;

	if (!m->checkpointer)
		return 0;
	if ((error = kansa_buf_printf(b,
	    "# HELP kansa_checkpoints_signed_total Checkpoints the server signed on its own "
	    "(--checkpoint-every, --checkpoint-interval).\n# TYPE kansa_checkpoints_signed_total counter\n"
	    "kansa_checkpoints_signed_total %llu\n"
	    "# HELP kansa_checkpoint_errors_total Rounds that could not sign a checkpoint or store "
	    "its cosignatures.\n# TYPE kansa_checkpoint_errors_total counter\n"
	    "kansa_checkpoint_errors_total %llu\n",
	    (unsigned long long)atomic_load(&m->checkpoints),
	    (unsigned long long)atomic_load(&m->checkpoint_errors))) < 0 || m->n_witnesses == 0)
		return error;
	if ((error = per_witness(b, "kansa_witness_cosignatures_total", "Cosignature lines by a "
	    "trusted key collected from each witness.", m->cosignatures, m)) < 0 ||
	    (error = per_witness(b, "kansa_witness_failures_total", "Rounds in which a witness gave "
	    "no cosignature by a trusted key (down, slow, refused, or an untrusted key).",
	    m->witness_failures, m)) < 0)
		return error;
	return kansa_buf_printf(b,
	    "# HELP kansa_checkpoint_size Size of the last checkpoint a trusted witness cosigned.\n"
	    "# TYPE kansa_checkpoint_size gauge\nkansa_checkpoint_size %llu\n"
	    "# HELP kansa_witness_quorum_met 1 when the last round met the policy's witness quorum "
	    "(at least one witness when it sets none).\n# TYPE kansa_witness_quorum_met gauge\n"
	    "kansa_witness_quorum_met %llu\n",
	    (unsigned long long)atomic_load(&m->cosigned_size),
	    (unsigned long long)atomic_load(&m->quorum_met));
}

int kansa_metrics__text(char **out, size_t *len, kansa_metrics *m, kansa_ledger *lg)
{
	kansa_buf b = KANSA_BUF_INIT(1024 * 1024);
	int error;

	*out = NULL;
	*len = 0;
	if ((error = checks_text(&b, m)) < 0 || (error = latency_text(&b, m)) < 0 ||
	    (error = server_text(&b, m)) < 0 || (error = ledger_text(&b, lg)) < 0 ||
	    (error = checkpointer_text(&b, m)) < 0 ||
	    (error = kansa_buf_putc(&b, '\0')) < 0) {
		kansa_buf_dispose(&b);
		return error;
	}
	*out = (char *)kansa_buf_detach(&b, len);
	(*len)--; /* the NUL */
	return 0;
}
