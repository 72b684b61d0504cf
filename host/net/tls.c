/*
 * tls.c: TLS on a connection when both sides asked for it (PROTOCOL.md
 * 3.5).  The "cert" setting (PEM: certificate, private key, optionally
 * more certificates) is this node's certificate and, as in the reference,
 * also the only trusted authority; the peer must present one too.
 */

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "net.h"

static SSL_CTX	*tls_ctx;
static int	 tls_tried;

static int
tls_load_certs(SSL_CTX *ctx, const char *pem)
{
	X509_STORE	*store = SSL_CTX_get_cert_store(ctx);
	BIO		*bio;
	X509		*x;
	int		 n = 0, ok = 1;

	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return 0;
	while (ok && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (n++ == 0 && SSL_CTX_use_certificate(ctx, x) != 1)
			ok = 0;
		if (ok && X509_STORE_add_cert(store, x) != 1)
			ok = 0;
		X509_free(x);
	}
	BIO_free(bio);

	/* Reading stops with an "no start line" error at the end. */
	ERR_clear_error();
	return ok && n > 0;
}

static int
tls_load_key(SSL_CTX *ctx, const char *pem)
{
	EVP_PKEY	*key;
	BIO		*bio;
	int		 ok;

	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return 0;
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (key == NULL)
		return 0;
	ok = SSL_CTX_use_PrivateKey(ctx, key) == 1 &&
	    SSL_CTX_check_private_key(ctx) == 1;
	EVP_PKEY_free(key);
	return ok;
}

/* A context holding pem's certificate and key, or NULL and *why. */
static SSL_CTX *
tls_load_ctx(const char *pem, const char **why)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_method())) == NULL) {
		*why = "cannot make a TLS context";
		return NULL;
	}
	*why = NULL;
	if (!tls_load_certs(ctx, pem))
		*why = "no usable certificate";
	else if (!tls_load_key(ctx, pem))
		*why = "no private key matching the certificate";
	ERR_clear_error();
	if (*why != NULL) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static SSL_CTX *
tls_load(const char *pem)
{
	SSL_CTX		*ctx;
	const char	*why;

	if ((ctx = tls_load_ctx(pem, &why)) == NULL) {
		log_error("cert: %s; TLS off", why);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	log_info("cert: TLS certificate loaded");
	return ctx;
}

/*
 * Check that pem holds a certificate and the private key that matches
 * it.  Returns 0, or AEMP_ERR_INVAL with *why saying what is wrong.
 */
int
tls_check(const char *pem, const char **why)
{
	SSL_CTX	*ctx;

	if ((ctx = tls_load_ctx(pem, why)) == NULL)
		return AEMP_ERR_INVAL;
	SSL_CTX_free(ctx);
	return 0;
}

/* 1 when a usable "cert" is configured (loaded on first use). */
int
tls_available(void)
{
	const char	*pem;

	if (!tls_tried) {
		tls_tried = 1;
		pem = settings_string("cert", NULL);
		if (pem != NULL && *pem != '\0')
			tls_ctx = tls_load(pem);
	}
	return tls_ctx != NULL;
}

/*
 * Put TLS over bev (client or server role).  Returns the bufferevent to
 * use from now on (it owns bev), or NULL.
 */
struct bufferevent *
tls_wrap(struct bufferevent *bev, int client)
{
	struct bufferevent	*f;
	SSL			*ssl;

	if (!tls_available() || (ssl = SSL_new(tls_ctx)) == NULL)
		return NULL;
	f = bufferevent_openssl_filter_new(net_base(), bev, ssl, client ?
	    BUFFEREVENT_SSL_CONNECTING : BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	if (f == NULL) {
		SSL_free(ssl);
		return NULL;
	}

	/* The reference may close without a close_notify. */
	bufferevent_openssl_set_allow_dirty_shutdown(f, 1);
	return f;
}

/* Start the handshake on bytes that arrived before the switch. */
void
tls_kick(struct bufferevent *underlying)
{
	bufferevent_trigger(underlying, EV_READ | EV_WRITE,
	    BEV_TRIG_IGNORE_WATERMARKS);
}

/* Write the reason of the last TLS failure on bev to buf; 0 if none. */
int
tls_error(struct bufferevent *bev, char *buf, size_t len)
{
	unsigned long	 e, best = 0;

	/* Newest first; small values are SSL_get_error codes, not reasons. */
	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		if (best == 0 && e > SSL_ERROR_WANT_CLIENT_HELLO_CB)
			best = e;
	}
	if (best == 0)
		return 0;
	ERR_error_string_n(best, buf, len);
	return 1;
}

/* Describe the cipher and the peer's certificate of bev in buf. */
void
tls_describe(struct bufferevent *bev, char *buf, size_t len)
{
	SSL	*ssl = bufferevent_openssl_get_ssl(bev);
	X509	*peer;
	char	 subject[256] = "?";

	if (ssl == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	if ((peer = SSL_get1_peer_certificate(ssl)) != NULL) {
		X509_NAME_oneline(X509_get_subject_name(peer), subject,
		    sizeof subject);
		X509_free(peer);
	}
	snprintf(buf, len, "%s %s, peer certificate %s", SSL_get_version(ssl),
	    SSL_get_cipher_name(ssl), subject);
}

/* Forget the certificate (at shutdown). */
void
tls_free(void)
{
	SSL_CTX_free(tls_ctx);
	tls_ctx = NULL;
	tls_tried = 0;
}
