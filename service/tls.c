/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS for kansa serve (design §10): a TLS 1.3-only OpenSSL context with the
 * server's certificate, client certificates verified against the client CA
 * (required unless --public-read), the unit a verified certificate names,
 * and a hook that tells the server when OpenSSL frees a connection's SSL.
 *
 * This file must never name a unit for a certificate that did not verify,
 * nor pick one of two names a certificate gives (that is no name).
 */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"

#define UNIT_URI_PREFIX "kansa:unit:"

/* "what: OpenSSL's reason" as @p code. */
static int tls_error(int code, const char *what, const char *path)
{
	char why[160];
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, why, sizeof(why));
	ERR_clear_error();
	return kansa_error_set(code, KANSA_ERRCLASS_CRYPTO, "%s '%s': %s", what, path,
	    e ? why : "no usable PEM content");
}

/* The private key: read as a secret file (mode 0600), parsed from memory,
 * the copy wiped. */
static int use_key(SSL_CTX *ctx, const char *path)
{
	uint8_t *pem = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	int error;

	if ((error = kansa_file_read(&pem, &len, path, 64 * 1024, KANSA_FILE_SECRET)) < 0)
		return kansa_error_prefix("server key");
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    (pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL)
		error = tls_error(KANSA_EKEY, "cannot read the server key (PEM, not encrypted)", path);
	else if (SSL_CTX_use_PrivateKey(ctx, pkey) != 1 || SSL_CTX_check_private_key(ctx) != 1)
		error = tls_error(KANSA_EKEY, "the server key does not match the certificate of", path);
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	OPENSSL_cleanse(pem, len);
	free(pem);
	return error;
}

/* The client CAs' CRLs of @p path: every client certificate is checked
 * against its issuer's (X509_V_FLAG_CRL_CHECK); one revoked, or whose issuer
 * has no CRL or an expired one, fails verification (closed, not open). */
static int use_crl(SSL_CTX *ctx, const char *path)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	X509_LOOKUP *lookup = store ? X509_STORE_add_lookup(store, X509_LOOKUP_file()) : NULL;

	/* REQ: SERVICE-CRL a unit certificate on its CA's CRL is refused at TLS */
	if (lookup == NULL || X509_load_crl_file(lookup, path, X509_FILETYPE_PEM) <= 0 ||
	    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK) != 1)
		return tls_error(KANSA_EFORMAT, "cannot read the CRL (PEM)", path);
	return 0;
}

int kansa_service__tls_ctx(SSL_CTX **out, const kansa_serve_options *opt)
{
	SSL_CTX *ctx;
	STACK_OF(X509_NAME) *names;
	int mode = SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE;
	int error;

	*out = NULL;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_CRYPTO, "out of memory (TLS context)");
	/* REQ: SERVICE-TLS-1 TLS 1.3 only, no renegotiation, no session tickets to leak state */
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
	if (SSL_CTX_use_certificate_chain_file(ctx, opt->cert) != 1) {
		error = tls_error(KANSA_EFORMAT, "cannot read the server certificate", opt->cert);
		goto fail;
	}
	if ((error = use_key(ctx, opt->key)) < 0)
		goto fail;
	/* kansa witness serve: no client CA, no client certificates asked for */
	if (opt->client_ca == NULL) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		*out = ctx;
		return 0;
	}
	if (SSL_CTX_load_verify_locations(ctx, opt->client_ca, NULL) != 1 ||
	    (names = SSL_load_client_CA_file(opt->client_ca)) == NULL) {
		error = tls_error(KANSA_EFORMAT, "cannot read the client CA", opt->client_ca);
		goto fail;
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	if (opt->crl != NULL && (error = use_crl(ctx, opt->crl)) < 0)
		goto fail;
	/* REQ: SERVICE-TLS-2 a client certificate from --client-ca, required unless --public-read */
	if (!opt->public_read)
		mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	SSL_CTX_set_verify(ctx, mode, NULL);
	SSL_CTX_set_verify_depth(ctx, 4);
	*out = ctx;
	return 0;
fail:
	SSL_CTX_free(ctx);
	return error;
}

/* Copy a name of @p n bytes: 1..KANSA_MAX_UNIT_BYTES, no NUL inside. */
static int copy_name(char out[KANSA_SERVICE_UNIT_SIZE], const unsigned char *p, int n)
{
	if (n <= 0 || n > KANSA_MAX_UNIT_BYTES || memchr(p, '\0', (size_t)n) != NULL)
		return -1;
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	return 0;
}

/* The URI SANs kansa:unit:NAME: 1 found, 0 none, -1 more than one or bad. */
static int unit_from_san(char out[KANSA_SERVICE_UNIT_SIZE], X509 *cert)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	const size_t plen = strlen(UNIT_URI_PREFIX);
	int found = 0;

	for (int i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		const unsigned char *p;
		int n;

		if (gn->type != GEN_URI)
			continue;
		p = ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier);
		n = ASN1_STRING_length(gn->d.uniformResourceIdentifier);
		if ((size_t)n < plen || memcmp(p, UNIT_URI_PREFIX, plen) != 0)
			continue;
		/* REQ: SERVICE-UNIT-NAME two unit names are no name */
		if (found || copy_name(out, p + plen, n - (int)plen) < 0) {
			found = -1;
			break;
		}
		found = 1;
	}
	GENERAL_NAMES_free(sans);
	return found;
}

int kansa_service__peer_unit(char out[KANSA_SERVICE_UNIT_SIZE], SSL *ssl)
{
	X509 *cert = SSL_get0_peer_certificate(ssl);
	const X509_NAME *subject;
	unsigned char *utf8 = NULL;
	int idx, n, rc;

	out[0] = '\0';
	/* REQ: SERVICE-TLS-3 only a certificate that verified names a unit */
	if (cert == NULL || SSL_get_verify_result(ssl) != X509_V_OK)
		return -1;
	if ((rc = unit_from_san(out, cert)) != 0)
		return rc > 0 ? 0 : -1;
	subject = X509_get_subject_name(cert);
	if ((idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1)) < 0 ||
	    X509_NAME_get_index_by_NID(subject, NID_commonName, idx) >= 0)
		return -1; /* no CN, or two */
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx)));
	rc = n < 0 ? -1 : copy_name(out, utf8, n);
	OPENSSL_free(utf8);
	if (rc < 0)
		out[0] = '\0';
	return rc;
}

int kansa_service__peer_verified(SSL *ssl)
{
	return SSL_get0_peer_certificate(ssl) != NULL && SSL_get_verify_result(ssl) == X509_V_OK ? 0 : -1;
}

/* ---- freeing hook ------------------------------------------------------- */

typedef struct {
	void (*on_free)(void *arg);
	void *arg;
} track;

static int track_index = -1;
static pthread_once_t track_once = PTHREAD_ONCE_INIT;

static void track_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	track *t = ptr;

	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	if (t == NULL)
		return;
	t->on_free(t->arg);
	free(t);
}

static void track_init(void)
{
	track_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, track_free);
}

void *kansa_service__tracked(SSL *ssl)
{
	track *t = track_index < 0 ? NULL : SSL_get_ex_data(ssl, track_index);

	return t ? t->arg : NULL;
}

int kansa_service__track(SSL *ssl, void (*on_free)(void *arg), void *arg)
{
	track *t;

	pthread_once(&track_once, track_init);
	if (track_index < 0 || (t = malloc(sizeof(*t))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	t->on_free = on_free;
	t->arg = arg;
	if (SSL_set_ex_data(ssl, track_index, t) != 1) {
		free(t);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	return 0;
}
