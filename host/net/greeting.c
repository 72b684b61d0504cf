/*
 * greeting.c: the lines of the AEMP handshake (PROTOCOL.md 3.1, 3.4 and
 * 3.6), parsed and built as plain strings so they can be tested alone.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "net.h"

#define GREETING_PROTOCOL	"aemp"
#define GREETING_VERSION	1

static char *
greeting_next(char **p)
{
	char	*field = *p, *semi;

	if (field == NULL)
		return NULL;
	if ((semi = strchr(field, ';')) != NULL) {
		*semi = '\0';
		*p = semi + 1;
	} else
		*p = NULL;
	return field;
}

/*
 * Split greeting line 1 (len bytes, no terminator) into g.  Missing fields
 * are NULL; greeting_check says whether the line is usable.
 */
void
greeting_parse(struct greeting *g, const char *line, size_t len)
{
	char	*p, *field, *eq;

	memset(g, 0, sizeof *g);
	g->buf = p = xstrndup(line, len);

	g->protocol = greeting_next(&p);
	g->version = greeting_next(&p);
	g->node = greeting_next(&p);
	g->auths = greeting_next(&p);
	g->framings = greeting_next(&p);

	while ((field = greeting_next(&p)) != NULL &&
	    g->nkv < GREETING_MAX_KV) {
		if ((eq = strchr(field, '=')) != NULL)
			*eq++ = '\0';
		g->keys[g->nkv] = field;
		g->values[g->nkv] = eq != NULL ? eq : "";
		g->nkv++;
	}
}

/* Release what greeting_parse allocated. */
void
greeting_free(struct greeting *g)
{
	free(g->buf);
	memset(g, 0, sizeof *g);
}

/* The value of extra field key, "" when it has none, NULL when absent. */
const char *
greeting_get(const struct greeting *g, const char *key)
{
	size_t	 i;

	for (i = 0; i < g->nkv; i++) {
		if (strcmp(g->keys[i], key) == 0)
			return g->values[i];
	}
	return NULL;
}

/* The integer part of extra field key, 0 when absent or not a number. */
int
greeting_number(const struct greeting *g, const char *key)
{
	const char	*v = greeting_get(g, key);
	long		 n;

	if (v == NULL)
		return 0;
	n = strtol(v, NULL, 10);
	if (n < 0 || n > 1000000)
		return 0;
	return (int)n;
}

/*
 * Check the fixed fields in the order of PROTOCOL.md 3.3.  Returns 0,
 * AEMP_ERR_PARSE with *why set for a line that is not an AEMP greeting, or
 * AEMP_ERR_RANGE when only the version differs.
 */
int
greeting_check(const struct greeting *g, const char **why)
{
	char	*end;
	double	 version;

	*why = NULL;
	if (g->protocol == NULL || strcmp(g->protocol, GREETING_PROTOCOL)) {
		*why = "unparsable greeting, expected protocol 'aemp'";
		return AEMP_ERR_PARSE;
	}
	if (g->version == NULL || *g->version == '\0') {
		*why = "garbled greeting: no version";
		return AEMP_ERR_PARSE;
	}
	version = strtod(g->version, &end);
	if (*end != '\0' || version != GREETING_VERSION) {
		*why = "version mismatch";
		return AEMP_ERR_RANGE;
	}
	if (g->node == NULL || *g->node == '\0') {
		*why = "garbled greeting: no node ID";
		return AEMP_ERR_PARSE;
	}
	if (g->auths == NULL || g->framings == NULL) {
		*why = "garbled greeting: no auth or framing list";
		return AEMP_ERR_PARSE;
	}
	return 0;
}

static void
greeting_join(char **line, struct aemp_val *list)
{
	char		*next;
	const char	*s;
	size_t		 i;

	for (i = 0; i < aemp_len(list); i++) {
		if ((s = aemp_str_ptr(aemp_at(list, i), NULL)) == NULL)
			continue;
		xasprintf(&next, "%s%s%s", *line, i == 0 ? ";" : ",", s);
		free(*line);
		*line = next;
	}
	if (aemp_len(list) == 0) {
		xasprintf(&next, "%s;", *line);
		free(*line);
		*line = next;
	}
}

/*
 * Build greeting line 1 (without terminator) for node: accept and
 * framings are arrays of strings, peeraddr the address of the other end,
 * hb the heartbeat interval (0: none), tls set to ask for TLS.  Returns a
 * malloc'd string.
 */
char *
greeting_build(const char *node, struct aemp_val *accept,
    struct aemp_val *framings, const char *peeraddr, int hb, int tls)
{
	char	*line, *next;

	xasprintf(&line, "%s;%d;%s", GREETING_PROTOCOL, GREETING_VERSION,
	    node);
	greeting_join(&line, accept);
	greeting_join(&line, framings);

	xasprintf(&next, "%s;provider=aemp-c-%s;peeraddr=%s;mproto=1;gproto=1",
	    line, PACKAGE_VERSION, peeraddr);
	free(line);
	line = next;

	if (hb > 0) {
		xasprintf(&next, "%s;hb=%d", line, hb);
		free(line);
		line = next;
	}
	if (tls) {
		xasprintf(&next, "%s;tls=1.0", line);
		free(line);
		line = next;
	}
	return line;
}

/*
 * The entry of a comma-separated list that *next points to, its length
 * in *len; *next moves to the entry after it.  NULL after the last one.
 */
static const char *
greeting_list_next(const char **next, size_t *len)
{
	const char	*p = *next, *comma;

	if (p == NULL)
		return NULL;
	comma = strchr(p, ',');
	*len = comma != NULL ? (size_t)(comma - p) : strlen(p);
	*next = comma != NULL ? comma + 1 : NULL;
	return p;
}

/* 1 when the comma-separated list holds item (len bytes). */
int
greeting_list_has(const char *list, const char *item, size_t len)
{
	const char	*p;
	size_t		 n;

	while ((p = greeting_list_next(&list, &n)) != NULL) {
		if (n == len && memcmp(p, item, len) == 0)
			return 1;
	}
	return 0;
}

/* 1 when the array of strings ours holds item (len bytes). */
int
greeting_array_has(struct aemp_val *ours, const char *item, size_t len)
{
	const char	*s;
	size_t		 i, slen;

	for (i = 0; i < aemp_len(ours); i++) {
		s = aemp_str_ptr(aemp_at(ours, i), &slen);
		if (s != NULL && slen == len && memcmp(s, item, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Walk the peer's comma-separated list in order and return (malloc'd) the
 * first entry that ours (an array of strings) holds; entries starting
 * with "tls_" count only when tls is set.  NULL when none does.
 */
char *
greeting_choose(const char *peer, struct aemp_val *ours, int tls)
{
	const char	*p;
	size_t		 n;

	while ((p = greeting_list_next(&peer, &n)) != NULL) {
		if (n > 0 && greeting_array_has(ours, p, n) &&
		    (tls || n < 4 || strncmp(p, "tls_", 4) != 0))
			return xstrndup(p, n);
	}
	return NULL;
}

/*
 * Split an auth line (len bytes, no terminator) into method, token and
 * framing; missing fields are "".  Fields after the third are ignored.
 */
void
greeting_parse_auth(struct greeting_auth *a, const char *line, size_t len)
{
	char		*p;
	const char	*f;

	memset(a, 0, sizeof *a);
	a->buf = p = xstrndup(line, len);

	a->method = (f = greeting_next(&p)) != NULL ? f : "";
	a->token = (f = greeting_next(&p)) != NULL ? f : "";
	a->framing = (f = greeting_next(&p)) != NULL ? f : "";
}

/* Release what greeting_parse_auth allocated. */
void
greeting_auth_free(struct greeting_auth *a)
{
	free(a->buf);
	memset(a, 0, sizeof *a);
}
