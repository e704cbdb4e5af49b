/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The data holder's side of kansa (design §9): a carrier's metadata gateway
 * that releases a record only for a request that comes with a valid allow
 * receipt of that very request, signed by the oversight log it trusts.
 * No valid allow receipt, no data -- as a browser refuses a certificate
 * without SCTs. It needs no ledger, no database key, and trusts nothing
 * the requesting agency says: only the log's public verifier key, which
 * the commission publishes (the log_key of `kansa ledger info`).
 *
 *   cc gateway.c $(pkg-config --cflags --libs kansa) -o gateway
 *   ./gateway log.vkey act.receipt request.json          # now
 *   ./gateway log.vkey act.receipt request.json 1796287600   # at a given time
 *   ./gateway log.vkey act.receipt act.request           # the CBOR of check --request-out
 *
 * Exit status: 0 released; 1 refused (expired, another request, a deny,
 * another log, tampered); 2 usage; 3 malformed input; 4 a file cannot be read.
 *
 * What a real gateway adds: it remembers the (log, seq) of every receipt it
 * honoured, so that one receipt releases one answer, and it logs refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kansa.h>

/* The log's verifier key: the first line of the file. */
static int load_log_key(kansa_note_verifier **out, const char *path)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int error;

	if ((error = kansa_file_read(&text, &len, path, 4096, 0)) < 0)
		return error;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	error = kansa_note_verifier_parse(out, (const char *)text, len);
	free(text);
	return error;
}

/* The receipt: the COSE_Sign1 file, or its base64 text. */
static int load_receipt(uint8_t out[KANSA_RECEIPT_MAX_BYTES], size_t *len, const char *path)
{
	uint8_t *in = NULL;
	size_t n = 0;
	int error;

	if ((error = kansa_file_read(&in, &n, path, 2 * KANSA_RECEIPT_MAX_BASE64, 0)) < 0)
		return error;
	error = kansa_receipt_decode(out, len, in, n);
	free(in);
	return error;
}

/* A fake metadata record: what the gateway would hand over. */
static void release(const kansa_receipt_info *r)
{
	char t[32];

	kansa_time_format(t, r->time);
	printf("RELEASED to %s (officer %s), entry %llu of %s, decided %s\n", r->requester, r->officer,
	    (unsigned long long)r->seq, r->log, t);
	printf("{\"src_ip\":\"203.0.113.17\",\"dst_ip\":\"198.51.100.23\",\"dst_port\":443,"
	    "\"proto\":\"tcp\",\"bytes\":5120,\"ts\":\"2026-11-28T03:14:07Z\"}\n");
}

static int exit_code(int error)
{
	switch (error) {
	case KANSA_EVERIFY:
	case KANSA_EDENIED:
	case KANSA_EEXPIRED:
		return 1;
	case KANSA_EFORMAT:
	case KANSA_ELIMIT:
		return 3;
	default:
		return 4;
	}
}

int main(int argc, char **argv)
{
	kansa_note_verifier *log = NULL;
	kansa_receipt_info seen, ri;
	uint8_t receipt[KANSA_RECEIPT_MAX_BYTES], *json = NULL, *request = NULL;
	size_t rlen = 0, jlen = 0, qlen = 0;
	int64_t now = (int64_t)time(NULL);
	int error;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: %s LOG_KEY RECEIPT REQUEST.json|REQUEST.cbor [NOW]\n", argv[0]);
		return 2;
	}
	if (argc == 5)
		now = (int64_t)strtoll(argv[4], NULL, 10);
	if ((error = load_log_key(&log, argv[1])) < 0 ||
	    (error = load_receipt(receipt, &rlen, argv[2])) < 0 ||
	    (error = kansa_file_read(&json, &jlen, argv[3], KANSA_MAX_JSON_BYTES, 0)) < 0)
		goto out;
	/* The request the agency sent, in the canonical CBOR kansa decided on:
	 * as sent when it is CBOR (a map: 0xa0-0xbf), else converted from JSON,
	 * relative times ("-7d") taken from the receipt's time (the unverified
	 * parse gives only that clock, and a forged time fails the signature
	 * below anyway). The verifier accepts only canonical CBOR. */
	if ((error = kansa_receipt_parse(&seen, receipt, rlen)) < 0)
		goto out;
	if (jlen > 0 && (json[0] & 0xe0) == 0xa0) {
		request = json;
		qlen = jlen;
		json = NULL;
	} else if ((error = kansa_request_from_json(&request, &qlen, (const char *)json, jlen,
	    seen.time)) < 0) {
		goto out;
	}
	/* The one call that matters: signed by this log, for this request, an
	 * allow, not expired. Anything else: refuse. */
	if ((error = kansa_receipt_verify(&ri, receipt, rlen, log, request, qlen, now)) < 0)
		goto out;
	release(&ri);
out:
	if (error < 0)
		printf("REFUSED: %s\n", kansa_error_last()->message);
	kansa_note_verifier_free(log);
	free(json);
	free(request);
	return error < 0 ? exit_code(error) : 0;
}
