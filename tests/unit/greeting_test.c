/*
 * greeting_test.c: parsing, checking and building the handshake lines.
 */

#include <stdlib.h>
#include <string.h>

#include "config.h"

#include "net.h"
#include "testing.h"

static void
parse(struct greeting *g, const char *line)
{
	greeting_parse(g, line, strlen(line));
}

DEF_TEST(greeting, perl_line)
{
	struct greeting	 g;
	const char	*why;

	parse(&g, "aemp;1;seed;tls_sha3_512,hmac_sha3_512,tls_anon,cleartext;"
	    "cbor,json,storable;mproto=1;peeraddr=127.0.0.1:54816;"
	    "provider=AE-2.02;gproto=1;flag");
	EXPECT_INT(0, greeting_check(&g, &why));
	EXPECT_STR("aemp", g.protocol);
	EXPECT_STR("seed", g.node);
	EXPECT_STR("cbor,json,storable", g.framings);
	EXPECT_STR("AE-2.02", greeting_get(&g, "provider"));
	EXPECT_STR("127.0.0.1:54816", greeting_get(&g, "peeraddr"));
	EXPECT_STR("", greeting_get(&g, "flag"));
	EXPECT_TRUE(greeting_get(&g, "hb") == NULL);
	EXPECT_INT(0, greeting_number(&g, "hb"));
	EXPECT_INT(1, greeting_number(&g, "gproto"));
	greeting_free(&g);
}

DEF_TEST(greeting, minimal_line)
{
	struct greeting	 g;
	const char	*why;

	parse(&g, "aemp;1;probe/k1;hmac_sha3_512,cleartext;json");
	EXPECT_INT(0, greeting_check(&g, &why));
	EXPECT_STR("probe/k1", g.node);
	EXPECT_INT(0, g.nkv);
	greeting_free(&g);
}

DEF_TEST(greeting, bad_lines)
{
	struct greeting	 g;
	const char	*why;

	parse(&g, "GET / HTTP/1.0");
	EXPECT_INT(AEMP_ERR_PARSE, greeting_check(&g, &why));
	greeting_free(&g);

	parse(&g, "aemp;2;other;hmac_sha3_512;json");
	EXPECT_INT(AEMP_ERR_RANGE, greeting_check(&g, &why));
	EXPECT_STR("2", g.version);
	greeting_free(&g);

	parse(&g, "aemp;1.0;other;hmac_sha3_512;json");
	EXPECT_INT(0, greeting_check(&g, &why));
	greeting_free(&g);

	parse(&g, "aemp;1;;hmac_sha3_512;json");
	EXPECT_INT(AEMP_ERR_PARSE, greeting_check(&g, &why));
	greeting_free(&g);

	parse(&g, "aemp;1;x");
	EXPECT_INT(AEMP_ERR_PARSE, greeting_check(&g, &why));
	greeting_free(&g);

	parse(&g, "");
	EXPECT_INT(AEMP_ERR_PARSE, greeting_check(&g, &why));
	greeting_free(&g);
}

DEF_TEST(greeting, build)
{
	struct aemp_val	*accept = aemp_pack("ss", "tls_sha3_512",
	    "hmac_sha3_512");
	struct aemp_val	*framings = aemp_pack("s", "json");
	char		*line, *expect;
	struct greeting	 g;
	const char	*why;

	line = greeting_build("n1", accept, framings, "127.0.0.1:1", 5, 0);
	xasprintf(&expect, "aemp;1;n1;tls_sha3_512,hmac_sha3_512;json;"
	    "provider=aemp-c-%s;peeraddr=127.0.0.1:1;mproto=1;gproto=1;hb=5",
	    PACKAGE_VERSION);
	EXPECT_STR(expect, line);
	parse(&g, line);
	EXPECT_INT(0, greeting_check(&g, &why));
	EXPECT_INT(5, greeting_number(&g, "hb"));
	greeting_free(&g);
	free(line);
	free(expect);

	line = greeting_build("n1", accept, framings, "x", 0, 1);
	EXPECT_TRUE(strstr(line, "hb=") == NULL);
	parse(&g, line);
	EXPECT_INT(1, greeting_number(&g, "tls"));
	EXPECT_STR("1.0", greeting_get(&g, "tls"));
	greeting_free(&g);
	free(line);
	aemp_unref(accept);
	aemp_unref(framings);
}

DEF_TEST(greeting, choose)
{
	struct aemp_val	*ours = aemp_pack("ss", "tls_sha3_512",
	    "hmac_sha3_512");
	struct aemp_val	*fr = aemp_pack("ss", "cbor", "json");
	char		*c;

	c = greeting_choose("tls_sha3_512,hmac_sha3_512,cleartext", ours, 0);
	EXPECT_STR("hmac_sha3_512", c);
	free(c);
	c = greeting_choose("tls_sha3_512,hmac_sha3_512", ours, 1);
	EXPECT_STR("tls_sha3_512", c);
	free(c);
	EXPECT_TRUE(greeting_choose("cleartext,tls_anon", ours, 0) == NULL);
	EXPECT_TRUE(greeting_choose("", ours, 0) == NULL);

	c = greeting_choose("storable,json,cbor", fr, 1);
	EXPECT_STR("json", c);
	free(c);
	EXPECT_TRUE(greeting_choose("storable", fr, 1) == NULL);

	EXPECT_INT(1, greeting_list_has("a,bb,c", "bb", 2));
	EXPECT_INT(0, greeting_list_has("a,bb,c", "b", 1));
	EXPECT_INT(1, greeting_array_has(fr, "json", 4));
	EXPECT_INT(0, greeting_array_has(fr, "jso", 3));
	aemp_unref(ours);
	aemp_unref(fr);
}

DEF_TEST(greeting, auth_line)
{
	struct greeting_auth	 a;
	const char		*line = "hmac_sha3_512;ff00;cbor;extra=1";

	greeting_parse_auth(&a, line, strlen(line));
	EXPECT_STR("hmac_sha3_512", a.method);
	EXPECT_STR("ff00", a.token);
	EXPECT_STR("cbor", a.framing);
	greeting_auth_free(&a);

	greeting_parse_auth(&a, "junk", 4);
	EXPECT_STR("junk", a.method);
	EXPECT_STR("", a.token);
	EXPECT_STR("", a.framing);
	greeting_auth_free(&a);
}

int
main(void)
{
	RUN_TEST(greeting, perl_line);
	RUN_TEST(greeting, minimal_line);
	RUN_TEST(greeting, bad_lines);
	RUN_TEST(greeting, build);
	RUN_TEST(greeting, choose);
	RUN_TEST(greeting, auth_line);
	return END_TESTS();
}
