/*
 * handshake.c: the steps of PROTOCOL.md 3 for one connection: our two
 * greeting lines, the checks of the peer's, the auth line each way.
 * Each step returns 0 to go on or -1 when it closed the connection.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define HANDSHAKE_DEFAULT_MAX_FRAME	67108864

static struct aemp_val *
handshake_list(const char *key)
{
	struct aemp_val	*v = settings_get(key);

	if (v != NULL && aemp_type(v) == AEMP_T_ARRAY)
		return aemp_ref(v);
	if (strcmp(key, "framing_format") == 0)
		return aemp_pack("ss", "cbor", "json");
	return aemp_pack("ss", "tls_sha3_512", "hmac_sha3_512");
}

/* The framings of framing_format that a codec exists for. */
static struct aemp_val *
handshake_framings(void)
{
	struct aemp_val	*conf = handshake_list("framing_format");
	struct aemp_val	*usable = aemp_array_new(aemp_len(conf));
	const char	*name;
	size_t		 i;

	for (i = 0; i < aemp_len(conf); i++) {
		name = aemp_str_ptr(aemp_at(conf, i), NULL);
		if (name != NULL && codec_find(name) != NULL)
			aemp_array_push(usable, aemp_str(name));
	}
	aemp_unref(conf);

	if (aemp_len(usable) == 0)
		aemp_array_push(usable, aemp_str("json"));
	return usable;
}

static const char *
handshake_secret(void)
{
	const char	*secret = settings_string("secret", NULL);

	return secret != NULL && *secret != '\0' ? secret : NULL;
}

/* A printable, bounded copy of a string from the peer, to log. */
static char *
handshake_escape(const char *s)
{
	return log_escape(s, strlen(s), 100);
}

static int
handshake_refuse(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Log why the handshake with c ends (never a secret) and close it. */
static int
handshake_refuse(struct conn *c, const char *fmt, ...)
{
	va_list	 ap;
	char	*why;

	va_start(ap, fmt);
	xvasprintf(&why, fmt, ap);
	va_end(ap);

	if (c->peer != NULL)
		log_note("%.100s (%s): %s; closing", c->peer->id, c->addr, why);
	else
		log_note("%s: %s; closing", c->addr, why);
	conn_close(c, why);
	free(why);
	return -1;
}

/* Send our two greeting lines on a fresh connection. */
int
handshake_start(struct conn *c)
{
	struct aemp_val	*accept = handshake_list("auth_accept");
	struct aemp_val	*framings = handshake_framings();
	double		 hb = settings_number("heartbeat", 5);
	char		*lines;
	int		 len;

	c->l1 = greeting_build(kernel_node(), accept, framings, c->addr,
	    hb > 0 ? (int)hb : 0, tls_available());
	aemp_unref(accept);
	aemp_unref(framings);

	if (auth_nonce(c->l2) != 0)
		return handshake_refuse(c, "cannot make a nonce");

	len = xasprintf(&lines, "%s\n%s\n", c->l1, c->l2);
	conn_write(c, lines, len);
	free(lines);
	c->state = CONN_GREETING;
	return 0;
}

static int
handshake_node_ok(const char *node)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)node; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '#')
			return 0;
	}
	return 1;
}

static int
handshake_bad_greeting(struct conn *c, int r, const char *why,
    const char *line, size_t len)
{
	char	*esc;
	int	 ret;

	if (r == AEMP_ERR_RANGE) {
		esc = log_escape(c->rg.version, strlen(c->rg.version), 100);
		ret = handshake_refuse(c, "peer speaks AEMP version %s, "
		    "this node speaks 1", esc);
	} else {
		esc = log_escape(line, len, 100);
		ret = handshake_refuse(c, "%s: \"%s\"", why, esc);
	}
	free(esc);
	return ret;
}

static void
handshake_tell(struct conn *c, const char *node)
{
	net_addr_cb	 cb = c->cb;

	c->cb = NULL;
	if (cb != NULL)
		cb(c->addr, node, c->cbarg);
}

/* The peer's greeting line 1 arrived: check it (PROTOCOL.md 3.3). */
int
handshake_greeting(struct conn *c, const char *line, size_t len)
{
	const char	*why, *node, *provider;
	struct peer	*p;
	int		 r;

	greeting_parse(&c->rg, line, len);
	c->r1 = xstrndup(line, len);
	if (memchr(line, '\0', len) != NULL)
		return handshake_bad_greeting(c, AEMP_ERR_PARSE,
		    "garbled greeting: NUL byte", line, len);
	if ((r = greeting_check(&c->rg, &why)) != 0)
		return handshake_bad_greeting(c, r, why, line, len);

	node = c->rg.node;
	if (!handshake_node_ok(node))
		return handshake_bad_greeting(c, AEMP_ERR_PARSE,
		    "garbled greeting: bad node ID", line, len);
	if (strcmp(node, kernel_node()) == 0) {
		handshake_tell(c, node);
		log_debug("%s: I refuse to talk to myself", c->addr);
		conn_close(c, "I refuse to talk to myself");
		return -1;
	}

	handshake_tell(c, node);
	if (c->state == CONN_DEAD)
		return -1;
	if (c->peer != NULL && strcmp(c->peer->id, node) != 0)
		return handshake_refuse(c, "node %.100s answered there", node);
	if ((p = peer_find(node)) != NULL && p->state == PEER_UP &&
	    p->conn != c) {
		log_note("%s: %.100s already connected, not connecting again",
		    c->addr, node);
		conn_close(c, "already connected");
		return -1;
	}

	if (c->peer == NULL) {
		c->peer = peer_get(node);
		c->peer->nconns++;
	}
	provider = greeting_get(&c->rg, "provider");
	if (provider != NULL && strncmp(provider, "aemp-c-", 7) == 0)
		c->flags |= CONN_AEMP_C;
	c->hb = greeting_number(&c->rg, "hb");
	c->state = CONN_NONCE;
	return 0;
}

/* The peer's nonce arrived: choose auth and framing, send our auth line. */
int
handshake_nonce(struct conn *c, const char *line, size_t len)
{
	struct aemp_val	*offer = NULL, *framings = NULL;
	char		*auth = NULL, *framing = NULL, *token = NULL, *out;
	char		*esc = NULL;
	const char	*secret = handshake_secret();
	int		 n, tls, ret = -1;

	c->r2 = xstrndup(line, len);
	if (strcmp(c->l1, c->r1) == 0 && strcmp(c->l2, c->r2) == 0) {
		handshake_refuse(c, "authentication error, echo attack?");
		goto out;
	}

	/* Both sides switch when both have a cert and asked (3.4, 3.5). */
	tls = tls_available() && greeting_number(&c->rg, "tls") == 1;
	if (tls && conn_start_tls(c, strcmp(c->l2, c->r2) < 0) != 0)
		goto out;

	offer = handshake_list("auth_offer");
	if ((auth = greeting_choose(c->rg.auths, offer, tls)) == NULL) {
		esc = handshake_escape(c->rg.auths);
		handshake_refuse(c, "no common auth type (peer accepts "
		    "\"%s\")", esc);
		goto out;
	}
	framings = handshake_framings();
	if ((framing = greeting_choose(c->rg.framings, framings, 1)) == NULL) {
		esc = handshake_escape(c->rg.framings);
		handshake_refuse(c, "no common framing (peer receives "
		    "\"%s\")", esc);
		goto out;
	}
	if (!tls && secret == NULL) {
		handshake_refuse(c, "unable to handshake TLS and no shared "
		    "secret configured");
		goto out;
	}
	if ((strcmp(auth, "hmac_sha3_512") != 0 &&
	    strcmp(auth, "tls_sha3_512") != 0) || auth_token(auth, secret, tls,
	    c->l1, c->l2, c->r1, c->r2, &token) != 0) {
		handshake_refuse(c, "auth method %s cannot be sent", auth);
		goto out;
	}

	c->scodec = codec_find(framing);
	n = xasprintf(&out, "%s;%s;%s\n", auth, token, framing);
	conn_write(c, out, n);
	free(out);
	c->state = CONN_AUTH;
	ret = 0;
out:
	aemp_unref(offer);
	aemp_unref(framings);
	free(auth);
	free(framing);
	free(token);
	free(esc);
	return ret;
}

static int
handshake_verify(struct conn *c, const struct greeting_auth *a)
{
	struct aemp_val	*accept = handshake_list("auth_accept");
	char		*expect = NULL, *esc;
	int		 ok;

	ok = greeting_array_has(accept, a->method, strlen(a->method));
	aemp_unref(accept);
	if (!ok) {
		esc = handshake_escape(a->method);
		handshake_refuse(c, "authentication refused: method \"%s\" "
		    "not accepted", esc);
		free(esc);
		return -1;
	}

	if (auth_token(a->method, handshake_secret(), c->flags & CONN_TLS,
	    c->r1, c->r2, c->l1, c->l2, &expect) != 0)
		return handshake_refuse(c, "authentication refused: method "
		    "%s not usable here", a->method);

	ok = auth_token_equal(a->token, strlen(a->token), expect);
	free(expect);
	if (!ok)
		return handshake_refuse(c, "authentication refused: "
		    "authentication failure/shared secret mismatch");
	return 0;
}

/* The peer's auth line arrived: verify it and enter the data phase. */
int
handshake_auth(struct conn *c, const char *line, size_t len)
{
	struct greeting_auth	 a;
	double			 max_frame;
	char			*esc;
	int			 ret = -1;

	greeting_parse_auth(&a, line, len);
	if (handshake_verify(c, &a) != 0)
		goto out;

	if ((c->rcodec = codec_find(a.framing)) == NULL) {
		esc = handshake_escape(a.framing);
		handshake_refuse(c, "unusable remote framing \"%s\"", esc);
		free(esc);
		goto out;
	}
	max_frame = net_setting("max_frame", HANDSHAKE_DEFAULT_MAX_FRAME);
	if ((c->dec = c->rcodec->decoder_new((size_t)max_frame)) == NULL) {
		handshake_refuse(c, "cannot make a %s decoder", a.framing);
		goto out;
	}

	log_info("%.100s: accepted auth method %s; receiving %s, sending %s",
	    c->peer->id, a.method, c->rcodec->name, c->scodec->name);
	conn_authenticated(c);
	ret = c->state == CONN_DEAD ? -1 : 0;
out:
	greeting_auth_free(&a);
	return ret;
}
