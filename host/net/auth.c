/*
 * auth.c: the digests of the AEMP handshake (PROTOCOL.md 3.6), the nonce,
 * and the comparison of tokens.
 */

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "net.h"

#define AUTH_DIGEST_LEN	64

static void
auth_hex(const unsigned char *md, size_t len, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 0xf];
	}
	out[2 * len] = '\0';
}

/* Write the lowercase hex HMAC-SHA3-512 of msg under key to out. */
int
auth_hmac_sha3_512_hex(const char *key, size_t keylen, const char *msg,
    size_t msglen, char out[129])
{
	unsigned char	 md[AUTH_DIGEST_LEN];
	char		 digest[] = "SHA3-512";
	OSSL_PARAM	 params[2];
	EVP_MAC		*mac = NULL;
	EVP_MAC_CTX	*ctx = NULL;
	size_t		 mdlen = 0;
	int		 r = AEMP_ERR_STATE;

	out[0] = '\0';
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();

	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		goto out;
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto out;

	/* An empty key is legal for HMAC; OpenSSL wants a non-NULL one. */
	if (EVP_MAC_init(ctx, (const unsigned char *)(keylen ? key : ""),
	    keylen, params) != 1)
		goto out;
	if (EVP_MAC_update(ctx, (const unsigned char *)msg, msglen) != 1)
		goto out;
	if (EVP_MAC_final(ctx, md, &mdlen, sizeof md) != 1 ||
	    mdlen != AUTH_DIGEST_LEN)
		goto out;

	auth_hex(md, mdlen, out);
	r = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return r;
}

/* Write the lowercase hex SHA3-512 of msg to out. */
int
auth_sha3_512_hex(const char *msg, size_t msglen, char out[129])
{
	unsigned char	 md[AUTH_DIGEST_LEN];
	unsigned int	 mdlen = 0;

	out[0] = '\0';
	if (EVP_Digest(msg, msglen, md, &mdlen, EVP_sha3_512(), NULL) != 1 ||
	    mdlen != AUTH_DIGEST_LEN)
		return AEMP_ERR_STATE;
	auth_hex(md, mdlen, out);
	return 0;
}

static int
auth_cleartext(const char *secret, char **out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i, len;
	char			*hex;

	if (secret == NULL || *secret == '\0')
		return AEMP_ERR_NOENT;
	len = strlen(secret);
	hex = xcalloc(2, len + 1);
	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[(unsigned char)secret[i] >> 4];
		hex[2 * i + 1] = digits[(unsigned char)secret[i] & 0xf];
	}
	*out = hex;
	return 0;
}

/* Write a fresh nonce (66 random bytes, base64, 88 characters) to out. */
int
auth_nonce(char out[AUTH_NONCE_LEN + 1])
{
	unsigned char	 raw[66];

	out[0] = '\0';
	if (RAND_bytes(raw, sizeof raw) != 1)
		return AEMP_ERR_STATE;
	if (EVP_EncodeBlock((unsigned char *)out, raw, sizeof raw) !=
	    AUTH_NONCE_LEN)
		return AEMP_ERR_STATE;
	return 0;
}

/*
 * Compute into *out (malloc'd) the token of method over first1..second2,
 * each line followed by a LF: what the side owning first1/first2 sends.
 * tls says whether the connection runs TLS.  Returns 0, AEMP_ERR_NOENT
 * for a method that needs a missing secret, or AEMP_ERR_INVAL for a
 * method that cannot be used here.
 */
int
auth_token(const char *method, const char *secret, int tls,
    const char *first1, const char *first2, const char *second1,
    const char *second2, char **out)
{
	char	 hex[129];
	char	*msg = NULL;
	int	 r, len, hmac = strcmp(method, "hmac_sha3_512") == 0;

	*out = NULL;
	if (strcmp(method, "cleartext") == 0)
		return auth_cleartext(secret, out);
	if (tls && strcmp(method, "tls_anon") == 0) {
		*out = xstrdup("");
		return 0;
	}
	if (!hmac && !(tls && strcmp(method, "tls_sha3_512") == 0))
		return AEMP_ERR_INVAL;
	if (hmac && (secret == NULL || *secret == '\0'))
		return AEMP_ERR_NOENT;

	len = xasprintf(&msg, "%s\n%s\n%s\n%s\n", first1, first2, second1,
	    second2);
	if (hmac)
		r = auth_hmac_sha3_512_hex(secret, strlen(secret), msg, len,
		    hex);
	else
		r = auth_sha3_512_hex(msg, len, hex);
	free(msg);
	if (r == 0)
		*out = xstrdup(hex);
	return r;
}

/* 1 when the token a (alen bytes) equals b, in time independent of b. */
int
auth_token_equal(const char *a, size_t alen, const char *b)
{
	size_t	 blen = strlen(b);

	if (alen != blen)
		return 0;
	return CRYPTO_memcmp(a, b, alen) == 0;
}
