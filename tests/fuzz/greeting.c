/*
 * greeting.c: libFuzzer target for the handshake line parsers of
 * host/net/greeting.c.
 *
 * The first byte holds flags (bit 0: TLS is on); the input up to the
 * first newline is a greeting line, the rest an auth line.  A greeting
 * that greeting_check accepts must have its fixed fields, and building a
 * greeting from its node, auth list and framing list must give a line
 * that parses back to the same fields.  greeting_choose must pick an
 * entry both sides offer.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_ASSERT(e)		do { if (!(e)) abort(); } while (0)

/* The comma-separated entries of list as a new array of strings. */
static struct aemp_val *
fuzz_split(const char *list)
{
	struct aemp_val	*a = aemp_array_new(0);
	const char	*p = list, *comma;

	FUZZ_ASSERT(a != NULL);
	for (;;) {
		comma = strchr(p, ',');
		if (comma == NULL) {
			aemp_array_push(a, aemp_str(p));
			return a;
		}
		aemp_array_push(a, aemp_str_n(p, comma - p));
		p = comma + 1;
	}
}

/* Check what greeting_choose picks from the peer's list against ours. */
static void
fuzz_choose(const char *peer, int tls)
{
	struct aemp_val	*ours;
	char		*pick;

	ours = aemp_pack("[sssss]", "tls_sha3_512", "hmac_sha3_512",
	    "tls_anon", "cleartext", "json");
	FUZZ_ASSERT(ours != NULL);
	pick = greeting_choose(peer, ours, tls);
	if (pick != NULL) {
		FUZZ_ASSERT(greeting_array_has(ours, pick, strlen(pick)));
		FUZZ_ASSERT(greeting_list_has(peer, pick, strlen(pick)));
		FUZZ_ASSERT(tls || strncmp(pick, "tls_", 4) != 0);
		free(pick);
	}
	aemp_unref(ours);
}

/* Build a greeting from the fields of g and parse it again. */
static void
fuzz_rebuild(const struct greeting *g)
{
	struct greeting	 back;
	struct aemp_val	*auths, *framings;
	const char	*why;
	char		*line;
	int		 hb = greeting_number(g, "hb");

	auths = fuzz_split(g->auths);
	framings = fuzz_split(g->framings);
	line = greeting_build(g->node, auths, framings, "127.0.0.1:1", hb,
	    greeting_number(g, "tls") == 1);
	greeting_parse(&back, line, strlen(line));
	FUZZ_ASSERT(greeting_check(&back, &why) == 0);
	FUZZ_ASSERT(strcmp(back.node, g->node) == 0);
	FUZZ_ASSERT(strcmp(back.auths, g->auths) == 0);
	FUZZ_ASSERT(strcmp(back.framings, g->framings) == 0);
	FUZZ_ASSERT(greeting_number(&back, "hb") == hb);
	greeting_free(&back);
	free(line);
	aemp_unref(auths);
	aemp_unref(framings);
}

static void
fuzz_greeting(const char *line, size_t len, int tls)
{
	struct greeting	 g;
	const char	*why = NULL;
	size_t		 i;
	int		 r;

	greeting_parse(&g, line, len);
	FUZZ_ASSERT(g.nkv <= GREETING_MAX_KV);
	for (i = 0; i < g.nkv; i++) {
		FUZZ_ASSERT(greeting_get(&g, g.keys[i]) != NULL);
		(void)greeting_number(&g, g.keys[i]);
	}
	r = greeting_check(&g, &why);
	FUZZ_ASSERT(r == 0 || r == AEMP_ERR_PARSE || r == AEMP_ERR_RANGE);
	FUZZ_ASSERT((r == 0) == (why == NULL));
	if (r == 0) {
		FUZZ_ASSERT(strcmp(g.protocol, "aemp") == 0);
		FUZZ_ASSERT(g.node != NULL && *g.node != '\0');
		fuzz_choose(g.auths, tls);
		fuzz_choose(g.framings, tls);
		fuzz_rebuild(&g);
	}
	greeting_free(&g);
}

static void
fuzz_auth(const char *line, size_t len)
{
	struct greeting_auth	 a;

	greeting_parse_auth(&a, line, len);
	FUZZ_ASSERT(a.method != NULL && a.token != NULL && a.framing != NULL);
	greeting_auth_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text, *nl;
	size_t		 len;
	int		 tls;

	if (size == 0)
		return 0;
	tls = data[0] & 1;
	text = (const char *)data + 1;
	len = size - 1;
	if ((nl = memchr(text, '\n', len)) == NULL) {
		fuzz_greeting(text, len, tls);
		return 0;
	}
	fuzz_greeting(text, nl - text, tls);
	fuzz_auth(nl + 1, len - (nl + 1 - text));
	return 0;
}
