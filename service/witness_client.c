/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The log's side of C2SP tlog-witness (design §11): kansa_ledger_witness()
 * asks one witness to cosign a checkpoint of the ledger, over HTTPS with
 * libcurl. It starts from old size 0, which a witness that cosigned before
 * answers with 409 and the size it cosigned last (text/x.tlog.size); it
 * then sends the consistency proof from that size, once.
 *
 * This file must never return lines it did not read from a 200 answer, nor
 * send a proof from a size larger than the checkpoint's (a witness that
 * cosigned more than the ledger holds is reported, not argued with).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "service/service.h"

/* The largest answer read from a witness. */
#define WITNESS_MAX_ANSWER (64 * 1024)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Whether to give up (the caller's stop), checked by libcurl during a transfer. */
typedef struct {
	int (*stop)(void *ctx);
	void *ctx;
} stop_check;

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	const stop_check *sc = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return sc->stop(sc->ctx) ? 1 : 0; /* nonzero aborts the transfer */
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	(void)size; /* always 1 */
	return kansa_buf_put(arg, p, n) == 0 ? n : 0; /* past the bound: the transfer fails */
}

int kansa_service__note_size(uint64_t *out, const char *note, size_t len)
{
	const char *p = memchr(note, '\n', len), *end = note + len;
	uint64_t v = 0;

	if (p == NULL || ++p == end || *p == '\n' || (*p == '0' && p + 1 < end && p[1] != '\n'))
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_OS, "witness: not a checkpoint note");
	for (; p < end && *p != '\n'; p++)
		if (*p < '0' || *p > '9' || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_OS, "witness: not a checkpoint note");
	*out = v;
	return 0;
}

/* "old N\n", the proof from N to @p size as base64 lines, "\n", the note. */
static int make_body(kansa_buf *b, kansa_ledger *lg, uint64_t old, uint64_t size, const char *note,
    size_t len)
{
	uint8_t r0[KANSA_HASH_LEN], r1[KANSA_HASH_LEN];
	char h[64];
	int error;

	if ((error = kansa_buf_printf(b, "old %llu\n", (unsigned long long)old)) < 0)
		return error;
	if (old > 0 && old < size) {
		kansa_merkle_proof *pp = malloc(sizeof(*pp)); /* 2 KiB of hashes: not on the stack */

		if (pp == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		error = kansa_ledger_prove_consistency(pp, r0, r1, lg, old, size);
		for (size_t i = 0; error == 0 && i < pp->len; i++)
			if ((error = kansa_base64_encode(h, sizeof(h), pp->hashes[i], KANSA_HASH_LEN)) == 0)
				error = kansa_buf_printf(b, "%s\n", h);
		free(pp);
		if (error < 0)
			return error;
	}
	if ((error = kansa_buf_putc(b, '\n')) < 0)
		return error;
	return kansa_buf_put(b, note, len);
}

/* One POST: the status and the answer. */
static int post(long *status, kansa_buf *ans, CURL *h, const char *url, const kansa_buf *body,
    struct curl_slist *headers, const char *ca, unsigned timeout, const stop_check *sc)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	curl_easy_reset(h);
	/* REQ: WITNESS-CLIENT-TLS https only, the witness verified (against --witness-ca when given) */
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    (ca && curl_easy_setopt(h, CURLOPT_CAINFO, ca) != CURLE_OK) ||
	    (ca && curl_easy_setopt(h, CURLOPT_CAPATH, NULL) != CURLE_OK) ||
	    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)body->ptr) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, ans) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK ||
	    (sc->stop && (curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_XFERINFODATA, sc) != CURLE_OK)))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "libcurl refused an option");
	ans->len = 0;
	rc = curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "stopped before the witness answered");
	if (rc != CURLE_OK)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "cannot reach the witness: %.200s",
		    errbuf[0] ? errbuf : curl_easy_strerror(rc));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

/* A 409 body: the decimal size and a newline. */
static int known_size(uint64_t *out, const kansa_buf *ans)
{
	uint64_t v = 0;
	size_t n = ans->len;

	if (n < 2 || n > 21 || ans->ptr[n - 1] != '\n' || (ans->ptr[0] == '0' && n != 2))
		return -1;
	for (size_t i = 0; i + 1 < n; i++)
		if (ans->ptr[i] < '0' || ans->ptr[i] > '9' || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(ans->ptr[i] - '0'), &v))
			return -1;
	*out = v;
	return 0;
}

/* A 200 body: one or more lines, each "— " ... "\n". */
static bool are_sig_lines(const kansa_buf *ans)
{
	static const char dash[] = "\xe2\x80\x94 ";
	size_t i = 0;

	if (ans->len == 0 || ans->ptr[ans->len - 1] != '\n')
		return false;
	while (i < ans->len) {
		const uint8_t *nl = memchr(ans->ptr + i, '\n', ans->len - i);

		if (ans->len - i < 4 || memcmp(ans->ptr + i, dash, 4) != 0)
			return false;
		i = (size_t)(nl - ans->ptr) + 1;
	}
	return true;
}

static int refused(long status, const kansa_buf *ans)
{
	int n = (int)(ans->len > 160 ? 160 : ans->len);

	while (n > 0 && (ans->ptr[n - 1] == '\n' || ans->ptr[n - 1] == '\r'))
		n--;
	for (int i = 0; i < n; i++)
		if (ans->ptr[i] < 0x20 || ans->ptr[i] == 0x7f)
			n = i;
	return kansa_error_set(status == 403 || status == 404 || status == 409 || status == 422 ?
	    KANSA_EVERIFY : KANSA_EIO, KANSA_ERRCLASS_OS, "the witness answered %ld%s%.*s", status,
	    n ? ": " : "", n, (const char *)ans->ptr);
}

/* The exchange: old 0, then on 409 the size the witness gives. */
static int exchange(kansa_witness_reply *out, CURL *h, const char *url, struct curl_slist *headers,
    kansa_ledger *lg, const char *note, size_t len, const char *ca, unsigned timeout,
    const stop_check *sc)
{
	kansa_buf body = KANSA_BUF_INIT(KANSA_SERVICE_MAX_BODY), ans = KANSA_BUF_INIT(WITNESS_MAX_ANSWER);
	uint64_t size = 0, old = 0;
	long status = 0;
	int error;

	if ((error = kansa_service__note_size(&size, note, len)) < 0)
		goto out;
	for (int attempt = 0; attempt < 2; attempt++) {
		body.len = 0;
		out->old_size = old;
		if ((error = make_body(&body, lg, old, size, note, len)) < 0 ||
		    (error = post(&status, &ans, h, url, &body, headers, ca, timeout, sc)) < 0)
			goto out;
		out->status = (int)status;
		if (status != 409 || attempt == 1 || known_size(&old, &ans) < 0)
			break;
		/* REQ: WITNESS-CLIENT-409 retry once, from the size the witness cosigned */
		if (old > size) {
			error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_OS,
			    "the witness cosigned size %llu, more than this checkpoint's %llu: the ledger "
			    "is behind what it showed before (restored from a backup?)",
			    (unsigned long long)old, (unsigned long long)size);
			goto out;
		}
	}
	if (status != 200) {
		error = refused(status, &ans);
		goto out;
	}
	if (!are_sig_lines(&ans)) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_OS,
		    "the witness answered 200 without signature lines");
		goto out;
	}
	out->lines = (char *)kansa_buf_detach(&ans, &out->len);
out:
	kansa_buf_dispose(&body);
	kansa_buf_dispose(&ans);
	return error;
}

int kansa_service__witness_ask(kansa_witness_reply *out, kansa_ledger *lg, const char *note,
    size_t len, const char *url, const char *ca, unsigned timeout, int (*stop)(void *ctx), void *ctx)
{
	const stop_check sc = { stop, ctx };
	struct curl_slist *headers = NULL;
	char *full = NULL;
	size_t n;
	CURL *h = NULL;
	int error;

	if (out == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "kansa_ledger_witness: no reply");
	memset(out, 0, sizeof(*out));
	if (lg == NULL || note == NULL || url == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "kansa_ledger_witness: missing argument");
	if (strncmp(url, "https://", 8) != 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "--witness '%.100s': give an https:// URL, as https://witness.example:7380", url);
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "libcurl did not start");
	n = strlen(url);
	while (n > 8 && url[n - 1] == '/')
		n--;
	if ((full = malloc(n + sizeof("/add-checkpoint"))) == NULL || (h = curl_easy_init()) == NULL ||
	    (headers = curl_slist_append(NULL, "Content-Type: text/plain")) == NULL) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	memcpy(full, url, n);
	memcpy(full + n, "/add-checkpoint", sizeof("/add-checkpoint"));
	error = exchange(out, h, full, headers, lg, note, len, ca, timeout ? timeout : 30, &sc);
out:
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	free(full);
	return error;
}

int kansa_ledger_witness(kansa_witness_reply *out, kansa_ledger *lg, const char *note, size_t len,
    const char *url, const char *ca, unsigned timeout)
{
	return kansa_service__witness_ask(out, lg, note, len, url, ca, timeout, NULL, NULL);
}
