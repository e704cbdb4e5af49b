/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client of kansa serve (design §10): kansa_client_open/check/close on
 * libcurl, over TLS 1.3 with a client certificate, trusting only the CA the
 * caller names. kansa_client_check() answers with the same receipt as
 * kansa_check_json(), read from the service's JSON; kansa_client_check_cbor()
 * sends and reads CBOR.
 *
 * This file must never report an allow it did not read, whole and well
 * formed, from a 200 answer of the service: every other outcome (transport,
 * TLS, status, a body it cannot read) is a deny with an error.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "service/service.h"

/* The largest answer read from the service. */
#define CLIENT_MAX_ANSWER (1024 * 1024)

struct kansa_client {
	CURL *curl;
	char *url;                  /* URL of /v1/check */
	struct curl_slist *headers; /* a JSON body */
	struct curl_slist *cbor;    /* a CBOR body (and answer) */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int set_options(kansa_client *c, const char *cert, const uint8_t *key, size_t key_len,
    const char *ca)
{
	struct curl_blob blob = { (void *)key, key_len, CURL_BLOB_COPY };
	CURL *h = c->curl;

	/* REQ: SERVICE-CLIENT-TLS TLS 1.3, the server verified against --ca only, https only */
	if (curl_easy_setopt(h, CURLOPT_URL, c->url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_3) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CAINFO, ca) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CAPATH, NULL) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSLCERT, cert) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &blob) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L) != CURLE_OK)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "libcurl refused an option (built without TLS 1.3 or blobs?)");
	return 0;
}

int kansa_client_open(kansa_client **out, const char *url, const char *cert, const char *key,
    const char *ca)
{
	kansa_client *c;
	uint8_t *pem = NULL;
	size_t pem_len = 0, n;
	int error;

	*out = NULL;
	if (url == NULL || cert == NULL || key == NULL || ca == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "the client needs --server URL, --cert, --key and --ca");
	if (strncmp(url, "https://", 8) != 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "--server '%.100s': give an https:// URL, as https://kansa.example:8443", url);
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "libcurl did not start");
	/* the key as a secret file (mode 0600), handed to libcurl from memory */
	if ((error = kansa_file_read(&pem, &pem_len, key, 64 * 1024, KANSA_FILE_SECRET)) < 0)
		return kansa_error_prefix("client key");
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	n = strlen(url);
	while (n > 8 && url[n - 1] == '/')
		n--;
	if ((c->url = malloc(n + sizeof("/v1/check"))) == NULL || (c->curl = curl_easy_init()) == NULL ||
	    (c->headers = curl_slist_append(NULL, "Content-Type: application/json")) == NULL ||
	    (c->cbor = curl_slist_append(NULL, "Content-Type: application/cbor")) == NULL) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	memcpy(c->url, url, n);
	memcpy(c->url + n, "/v1/check", sizeof("/v1/check"));
	error = set_options(c, cert, pem, pem_len, ca);
out:
	OPENSSL_cleanse(pem, pem_len);
	free(pem);
	if (error < 0) {
		kansa_client_close(c);
		return error;
	}
	*out = c;
	return 0;
}

void kansa_client_close(kansa_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers);
	curl_slist_free_all(c->cbor);
	free(c->url);
	free(c);
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	kansa_buf *b = arg;

	(void)size; /* always 1 */
	return kansa_buf_put(b, p, n) == 0 ? n : 0; /* past the bound: the transfer fails */
}

/* {"warrant": base64 | null, "request": <the request's JSON as given>}: a
 * request that is not JSON makes a body that is not either, and the service
 * records it as malformed-request, as kansa_check_json() would. */
static int make_body(kansa_buf *b, const uint8_t *warrant, size_t wlen, const char *req, size_t rlen)
{
	char *w64 = NULL;
	size_t n;
	int error;

	if ((error = kansa_buf_printf(b, "{\"warrant\":")) < 0)
		return error;
	if (warrant != NULL && wlen > 0) {
		n = kansa_base64_encoded_len(wlen) + 1;
		if ((w64 = malloc(n)) == NULL)
			return KANSA_ENOMEM;
		error = kansa_base64_encode(w64, n, warrant, wlen);
		if (error == 0)
			error = kansa_buf_printf(b, "\"%s\"", w64);
		free(w64);
	} else {
		error = kansa_buf_printf(b, "null");
	}
	if (error < 0 || (error = kansa_buf_printf(b, ",\"request\":")) < 0 ||
	    (error = kansa_buf_put(b, req, rlen)) < 0 || (error = kansa_buf_putc(b, '}')) < 0)
		return error;
	return 0;
}

int kansa_check_answer_json_read(kansa_receipt *out, const char *body, size_t len)
{
	json_t *j;
	const char *decision = NULL, *reason = NULL, *detail = NULL, *leaf = NULL, *receipt = NULL;
	const char *unsigned_msg = NULL;
	json_int_t seq = -1, t = 0, ratify = 0;
	int error = 0;

	if (out == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "kansa_check_answer_json_read: no receipt");
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	if (body == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "kansa_check_answer_json_read: no answer");
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	/* REQ: SERVICE-CLIENT-FAIL an answer that is not whole, or carries no receipt, is a deny */
	if (j == NULL || json_unpack(j, "{s:s, s:s, s:s, s:I, s:s, s:I, s?I, s?s, s?{s:s}}", "decision",
	    &decision, "reason", &reason, "detail", &detail, "seq", &seq, "leaf_hash", &leaf,
	    "time_unix", &t, "ratify_by_unix", &ratify, "receipt", &receipt, "error", "message",
	    &unsigned_msg) != 0 || seq < 0 ||
	    kansa_hex_decode(out->leaf_hash, KANSA_HASH_LEN, leaf) < 0 ||
	    (out->reason = kansa_reason_from_name(reason)) < 0 ||
	    (strcmp(decision, "allow") != 0 && strcmp(decision, "deny") != 0) ||
	    (receipt == NULL && unsigned_msg == NULL) ||
	    (receipt != NULL && kansa_receipt_decode(out->cose, &out->cose_len, (const uint8_t *)receipt,
	    strlen(receipt)) < 0)) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_OS,
		    "the service's answer is not a check's receipt: treated as deny");
	} else {
		out->verdict = strcmp(decision, "allow") == 0 ? KANSA_ALLOW : KANSA_DENY;
		out->seq = (uint64_t)seq;
		out->time = (int64_t)t;
		out->ratify_by = (int64_t)ratify;
		out->recorded = true;
		snprintf(out->detail, sizeof(out->detail), "%s", detail);
		/* recorded by the service, but not signed: no receipt, so deny */
		if (unsigned_msg != NULL)
			error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS,
			    "the service recorded entry %llu but signed no receipt: %.160s",
			    (unsigned long long)out->seq, unsigned_msg);
	}
	json_decref(j);
	if (error < 0)
		out->verdict = KANSA_DENY;
	return error;
}

/* A refusal: the service's own message when it gave one. */
static int refused(long status, const char *body, size_t len)
{
	json_t *j = json_loadb(body, len, 0, NULL);
	const char *msg = NULL;
	int code = status == 413 ? KANSA_ELIMIT : status == 403 ? KANSA_EPERM : KANSA_EIO;
	int error;

	if (j != NULL)
		(void)json_unpack(j, "{s:{s:s}}", "error", "message", &msg);
	error = kansa_error_set(code, KANSA_ERRCLASS_OS, "the service answered %ld: %.180s", status,
	    msg ? msg : "no message");
	json_decref(j);
	return error;
}

/* The answer of a check that was not a 200 in CBOR: the service's message when it gave one. */
static int refused_cbor(long status, const uint8_t *body, size_t len)
{
	kansa_receipt r;

	if (status == 503 && kansa_check_answer_cbor_read(&r, body, len) == KANSA_EIO)
		return KANSA_EIO; /* its "not-recorded" answer, with the service's message */
	return refused(status, (const char *)body, len);
}

/* POST @p body (freed here) to /v1/check and read the answer into @p out. */
static int post_check(kansa_receipt *out, kansa_client *c, kansa_buf *body, bool cbor)
{
	kansa_buf ans = KANSA_BUF_INIT(CLIENT_MAX_ANSWER);
	char errbuf[CURL_ERROR_SIZE] = "";
	const char *a;
	long status = 0;
	CURLcode rc;
	int error;

	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, cbor ? c->cbor : c->headers);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, (const char *)body->ptr);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &ans);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
	kansa_buf_dispose(body);
	a = ans.ptr ? (const char *)ans.ptr : "";
	/* REQ: SERVICE-CLIENT-FAIL any transport or TLS failure is a deny */
	if (rc != CURLE_OK) {
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "cannot reach the service: %.200s",
		    errbuf[0] ? errbuf : curl_easy_strerror(rc));
	} else {
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status != 200)
			error = cbor ? refused_cbor(status, (const uint8_t *)a, ans.len) : refused(status, a, ans.len);
		else
			error = cbor ? kansa_check_answer_cbor_read(out, (const uint8_t *)a, ans.len) :
			    kansa_check_answer_json_read(out, a, ans.len);
	}
	kansa_buf_dispose(&ans);
	return error;
}

/* A check that did not come back whole: deny, not recorded as far as we know. */
static int not_answered(kansa_receipt *out, int error)
{
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	out->reason = KANSA_REASON_MALFORMED_REQUEST;
	snprintf(out->detail, sizeof(out->detail), "not recorded: %.180s", kansa_error_last()->message);
	return error;
}

static int too_large(int error)
{
	if (error == KANSA_ELIMIT)
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_OS,
		    "the warrant and request are larger than the service takes (1 MiB): not sent");
	return error;
}

int kansa_client_check(kansa_receipt *out, kansa_client *c, const uint8_t *warrant,
    size_t warrant_len, const char *request_json, size_t json_len)
{
	kansa_buf body = KANSA_BUF_INIT(KANSA_SERVICE_MAX_BODY);
	int error;

	if (out == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "kansa_client_check: no receipt");
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	if (c == NULL || request_json == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "kansa_client_check: missing argument");
	if ((error = make_body(&body, warrant, warrant_len, request_json, json_len)) < 0) {
		kansa_buf_dispose(&body);
		return not_answered(out, too_large(error));
	}
	if ((error = post_check(out, c, &body, false)) < 0)
		return not_answered(out, error);
	return 0;
}

int kansa_client_check_cbor(kansa_receipt *out, kansa_client *c, const uint8_t *warrant,
    size_t warrant_len, const uint8_t *request, size_t request_len)
{
	kansa_buf body = KANSA_BUF_INIT(KANSA_SERVICE_MAX_BODY);
	uint8_t *cbor = NULL;
	size_t n = 0;
	int error;

	if (out == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "kansa_client_check_cbor: no receipt");
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	if (c == NULL || request == NULL || request_len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "kansa_client_check_cbor: missing argument");
	if ((error = kansa_check_body_cbor(&cbor, &n, warrant_len ? warrant : NULL, warrant_len, request,
	    request_len)) == 0)
		error = kansa_buf_put(&body, cbor, n);
	free(cbor);
	if (error < 0) {
		kansa_buf_dispose(&body);
		return not_answered(out, too_large(error));
	}
	if ((error = post_check(out, c, &body, true)) < 0)
		return not_answered(out, error);
	return 0;
}
