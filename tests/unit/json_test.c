/*
 * Unit tests of host/base/json.c: text round trips, the framing decoder
 * fed split and coalesced frames, its refusals, the frame encoder, the
 * relaxed parser and the pretty printer.
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "base.h"
#include "testing.h"

/* The frames of PROTOCOL.md section 4.2, coalesced, with whitespace. */
static const char frames[] =
    "[\"\",\"g_global\"]"
    "[\"\",\"g_slave\",{\"'g\":{\"vm/TpnKRWDXLZ\":null},"
    "\"eg_receivers\":{\"vm/TpnKRWDXLZ#b\":null},"
    "\"'l\":{\"vm/TpnKRWDXLZ\":[\"127.0.0.1:4055\"]}}]"
    " \r\n\t[\"b\",1796325562.0036,\"1\",\"\"]\n"
    "[\"x\",\"\\u00e9\\\"]\\\\\",[[{}]],-12,1e3]";

struct collect {
	struct aemp_val	*msgs[16];
	size_t		 n;
	int		 stop_after;
};

static int
collect_cb(struct aemp_val *msg, void *arg)
{
	struct collect	*c = arg;

	if (c->n < 16)
		c->msgs[c->n++] = msg;
	else
		aemp_unref(msg);
	return c->stop_after != 0 && (int)c->n >= c->stop_after;
}

static void
collect_free(struct collect *c)
{
	while (c->n > 0)
		aemp_unref(c->msgs[--c->n]);
}

static char *
to_json(struct aemp_val *v)
{
	static char	 buf[1024];
	char		*s;

	s = aemp_to_json(v);
	snprintf(buf, sizeof buf, "%s", s != NULL ? s : "(null)");
	free(s);
	return buf;
}

/* Decode text fed in pieces of step bytes; returns the decoder's result. */
static int
decode_in_steps(const char *text, size_t len, size_t step, size_t max,
    struct collect *c, char **err)
{
	void	*d;
	size_t	 i, n;
	int	 r = 0;

	*err = NULL;
	d = json_codec.decoder_new(max);
	for (i = 0; i < len && r == 0; i += n) {
		n = len - i < step ? len - i : step;
		r = json_codec.decode(d, (const unsigned char *)text + i, n,
		    collect_cb, c, err);
	}
	json_codec.decoder_free(d);
	return r;
}

DEF_TEST(json, encode)
{
	struct aemp_val	*v;

	v = aemp_pack("i i f f f f s s S s b b n {s [] s {}}", 1, -2, 3.0, 0.1,
	    -0.5, 1e300, "a\"b\\\n\x01", "\xc3\xa9", "\xe9\x00z", (size_t)3,
	    "\xed\xa0\x80", 1, 0, "k", "m");
	EXPECT_STR("[1,-2,3.0,0.1,-0.5,1e+300,\"a\\\"b\\\\\\n\\u0001\","
	    "\"\xc3\xa9\",\"\\u00e9\\u0000z\",\"\\u00ed\\u00a0\\u0080\","
	    "true,false,null,{\"k\":[],\"m\":{}}]", to_json(v));
	aemp_unref(v);

	v = aemp_pack("I I f f", INT64_MAX, INT64_MIN, 1796325562.0036,
	    1.0 / 3);
	EXPECT_STR("[9223372036854775807,-9223372036854775808,"
	    "1796325562.0036,0.3333333333333333]", to_json(v));
	aemp_unref(v);
}

DEF_TEST(json, round_trip)
{
	const char	*texts[] = {
		"[]", "{}", "null", "true", "42", "-0.25", "\"x\"",
		"[1,2.5,\"s\",null,false,{\"a\":{\"b\":[[]]}}]",
		"{\"z\":1,\"a\":2,\"m\":3}",
		"[\"\\u0000\",\"\xf0\x9f\x98\x80\",4.0,1e-7]",
	};
	struct aemp_val	*v, *w;
	char		*s, *err;
	size_t		 i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		EXPECT_INT(0, aemp_from_json(texts[i], strlen(texts[i]), &v,
		    &err));
		s = aemp_to_json(v);
		EXPECT_INT(0, aemp_from_json(s, strlen(s), &w, NULL));
		EXPECT_TRUE(aemp_equal(v, w));
		if (i < 9)
			EXPECT_STR(texts[i], s);
		free(s);
		aemp_unref(v);
		aemp_unref(w);
	}

	/* Big integers become doubles; the types survive. */
	s = "[12345678901234567890,-9223372036854775808,3.0]";
	EXPECT_INT(0, aemp_from_json(s, strlen(s), &v, NULL));
	EXPECT_INT(AEMP_T_DOUBLE, aemp_type(aemp_at(v, 0)));
	EXPECT_INT(AEMP_T_INT, aemp_type(aemp_at(v, 1)));
	EXPECT_INT(AEMP_T_DOUBLE, aemp_type(aemp_at(v, 2)));
	aemp_unref(v);

	s = "[1,";
	EXPECT_INT(AEMP_ERR_PARSE, aemp_from_json(s, strlen(s), &v, &err));
	EXPECT_TRUE(v == NULL);
	EXPECT_TRUE(err != NULL && strstr(err, "line 1") != NULL);
	free(err);
}

static void
check_frames(struct collect *c)
{
	EXPECT_INT(4, c->n);
	if (c->n != 4)
		return;
	EXPECT_STR("[\"\",\"g_global\"]", to_json(c->msgs[0]));
	EXPECT_STR("[\"\",\"g_slave\",{\"'g\":{\"vm/TpnKRWDXLZ\":null},"
	    "\"eg_receivers\":{\"vm/TpnKRWDXLZ#b\":null},"
	    "\"'l\":{\"vm/TpnKRWDXLZ\":[\"127.0.0.1:4055\"]}}]",
	    to_json(c->msgs[1]));
	EXPECT_STR("[\"b\",1796325562.0036,\"1\",\"\"]", to_json(c->msgs[2]));
	EXPECT_STR("[\"x\",\"\xc3\xa9\\\"]\\\\\",[[{}]],-12,1000.0]",
	    to_json(c->msgs[3]));
}

DEF_TEST(json, decode_split)
{
	struct collect	 c;
	size_t		 step, bad = 0;
	char		*err;
	int		 r;

	for (step = 1; step <= sizeof frames; step++) {
		memset(&c, 0, sizeof c);
		r = decode_in_steps(frames, sizeof frames - 1, step, 4096, &c,
		    &err);
		if (r != 0 || c.n != 4)
			bad++;
		if (step == 1 || step == sizeof frames)
			check_frames(&c);
		collect_free(&c);
		free(err);
	}
	EXPECT_INT(0, bad);

	/* Every split point of two pieces. */
	for (step = 1; step < sizeof frames - 1; step++) {
		void *d = json_codec.decoder_new(0);

		memset(&c, 0, sizeof c);
		r = json_codec.decode(d, (const unsigned char *)frames, step,
		    collect_cb, &c, &err);
		if (r == 0)
			r = json_codec.decode(d, (const unsigned char *)frames +
			    step, sizeof frames - 1 - step, collect_cb, &c,
			    &err);
		if (r != 0 || c.n != 4)
			bad++;
		json_codec.decoder_free(d);
		collect_free(&c);
		free(err);
	}
	EXPECT_INT(0, bad);
}

DEF_TEST(json, decode_stop)
{
	struct collect	 c;
	char		*err;

	memset(&c, 0, sizeof c);
	c.stop_after = 2;
	EXPECT_INT(0, decode_in_steps(frames, sizeof frames - 1, 1000, 0, &c,
	    &err));
	EXPECT_INT(2, c.n);
	collect_free(&c);
}

static int
refused(const char *text, size_t max, int expect, const char *what)
{
	struct collect	 c;
	char		*err;
	int		 r, ok;

	memset(&c, 0, sizeof c);
	r = decode_in_steps(text, strlen(text), 3, max, &c, &err);
	ok = r == expect && err != NULL && strstr(err, what) != NULL;
	if (!ok)
		printf("  %s: r %d err %s\n", text, r, err ? err : "(null)");
	collect_free(&c);
	free(err);
	return ok;
}

DEF_TEST(json, decode_refuse)
{
	char	*deep;
	int	 i;

	EXPECT_TRUE(refused("{\"a\":1}", 0, AEMP_ERR_PARSE, "not an array"));
	EXPECT_TRUE(refused("[1] 2", 0, AEMP_ERR_PARSE, "not an array"));
	EXPECT_TRUE(refused("\"s\"", 0, AEMP_ERR_PARSE, "'\"'"));
	EXPECT_TRUE(refused("\x01", 0, AEMP_ERR_PARSE, "0x01"));
	EXPECT_TRUE(refused("[1,]", 0, AEMP_ERR_PARSE, ""));
	EXPECT_TRUE(refused("[1}", 0, AEMP_ERR_PARSE, ""));
	EXPECT_TRUE(refused("[tru]", 0, AEMP_ERR_PARSE, ""));
	EXPECT_TRUE(refused("[\"\\q\"]", 0, AEMP_ERR_PARSE, ""));
	EXPECT_TRUE(refused("[\"1234567890\"]", 10, AEMP_ERR_RANGE,
	    "max_frame"));

	/* A frame of exactly max_frame bytes passes. */
	EXPECT_TRUE(refused("[\"123456\"][\"1234567\"]", 10,
	    AEMP_ERR_RANGE, "max_frame"));

	deep = malloc(300);
	for (i = 0; i < 200; i++)
		deep[i] = '[';
	deep[i] = '\0';
	EXPECT_TRUE(refused(deep, 0, AEMP_ERR_RANGE, "deep"));
	free(deep);
}

DEF_TEST(json, decode_after_error)
{
	struct collect	 c;
	char		*err;
	void		*d;

	memset(&c, 0, sizeof c);
	d = json_codec.decoder_new(0);
	EXPECT_INT(AEMP_ERR_PARSE, json_codec.decode(d,
	    (const unsigned char *)"x", 1, collect_cb, &c, &err));
	free(err);
	EXPECT_TRUE(json_codec.decode(d, (const unsigned char *)"[]", 2,
	    collect_cb, &c, &err) != 0);
	EXPECT_INT(0, c.n);
	free(err);
	json_codec.decoder_free(d);
}

/*
 * A frame split across many chunks reaches yajl in one piece: yajl's lexer
 * copies a token that arrives in pieces again for every piece, so feeding
 * it chunk by chunk made one long string cost time quadratic in its size.
 */
DEF_TEST(json, decode_large_frame_once)
{
	struct collect	 c;
	const char	*s;
	char		*text, *err;
	size_t		 len, n, i, slen;
	void		*d;
	int		 r = 0;

	n = 1024 * 1024;
	text = malloc(n + 32);
	len = (size_t)snprintf(text, 32, "[1][\"big\",\"");
	memset(text + len, 'a', n);
	len += n;
	memcpy(text + len, "\"][2]", 6);
	len += 5;

	memset(&c, 0, sizeof c);
	d = json_codec.decoder_new(n + 64);
	for (i = 0; i < len && r == 0; i += 4096)
		r = json_codec.decode(d, (const unsigned char *)text + i,
		    len - i < 4096 ? len - i : 4096, collect_cb, &c, &err);
	EXPECT_INT(0, r);
	EXPECT_INT(3, c.n);
	EXPECT_INT(3, json_decoder_parses(d));
	if (c.n == 3) {
		s = aemp_str_ptr(aemp_at(c.msgs[1], 1), &slen);
		EXPECT_INT(n, slen);
		EXPECT_TRUE(s != NULL && s[0] == 'a' && s[n - 1] == 'a');
		EXPECT_STR("[2]", to_json(c.msgs[2]));
	}
	json_codec.decoder_free(d);
	collect_free(&c);
	free(text);
}

DEF_TEST(json, encode_frame)
{
	struct evbuffer	*eb;
	struct aemp_val	*msg;
	char		 buf[256];
	size_t		 n;

	eb = evbuffer_new();
	msg = aemp_pack("s [s] f", "time", "seed#b", 2.0);
	EXPECT_INT(0, json_codec.encode(eb, "b#x", 1, msg));
	EXPECT_INT(0, json_codec.encode(eb, "", 0, NULL));
	EXPECT_INT(0, json_encode_value(eb, msg));
	n = evbuffer_remove(eb, buf, sizeof buf - 1);
	buf[n] = '\0';
	EXPECT_STR("[\"b\",\"time\",[\"seed#b\"],2.0][\"\"]"
	    "[\"time\",[\"seed#b\"],2.0]", buf);
	EXPECT_INT(AEMP_ERR_TYPE, json_codec.encode(eb, "", 0, aemp_null()));
	aemp_unref(msg);

	/* A frame much larger than the chunk buffer. */
	msg = aemp_array_new(0);
	for (n = 0; n < 5000; n++)
		aemp_array_push(msg, aemp_str("abcdefgh"));
	EXPECT_INT(0, json_codec.encode(eb, "p", 1, msg));
	EXPECT_INT(5 + 5000 * 11, evbuffer_get_length(eb));
	aemp_unref(msg);
	evbuffer_free(eb);
}

DEF_TEST(json, relaxed)
{
	const char	*text =
	    "# a comment\n"
	    "{\n"
	    "   \"secret\" : \"a#b\", # not part of the string\n"
	    "   \"binds\" : [\"127.0.0.1:4040\", ],\n"
	    "   \"q\" : \"\\\"#,]\",\n"
	    "   \"t\ta\" : [\"\ttab\t\",],\n"
	    "}\n";
	const char	*bad = "{\n   \"a\" : [1, 2,\n   \"b\" : 2\n}\n";
	struct aemp_val	*v;
	char		*err;

	EXPECT_INT(0, json_parse_relaxed(text, strlen(text), &v, &err));
	EXPECT_TRUE(err == NULL);
	EXPECT_STR("{\"secret\":\"a#b\",\"binds\":[\"127.0.0.1:4040\"],"
	    "\"q\":\"\\\"#,]\",\"t\\ta\":[\"\\ttab\\t\"]}",
	    to_json(v));
	aemp_unref(v);

	EXPECT_INT(AEMP_ERR_PARSE, json_parse_relaxed(bad, strlen(bad), &v,
	    &err));
	EXPECT_TRUE(v == NULL);
	EXPECT_TRUE(err != NULL && strstr(err, "line 3, column") != NULL);
	printf("  (error text: %s)\n", err ? err : "");
	free(err);

	/* Without relaxed parsing, comments are errors. */
	EXPECT_INT(AEMP_ERR_PARSE, aemp_from_json(text, strlen(text), &v,
	    &err));
	EXPECT_TRUE(err != NULL && strstr(err, "line 1, column 1") != NULL);
	free(err);
}

DEF_TEST(json, pretty)
{
	struct aemp_val	*v;
	char		*s;

	v = aemp_pack("{s {s [s s] s [] s {}} s i}", "profiles", "seed",
	    "a", "b", "e", "m", "secret", 7);
	s = json_pretty(aemp_at(v, 0));
	EXPECT_STR("{\n"
	    "   \"profiles\" : {\n"
	    "      \"seed\" : [\n"
	    "         \"a\",\n"
	    "         \"b\"\n"
	    "      ],\n"
	    "      \"e\" : [],\n"
	    "      \"m\" : {}\n"
	    "   },\n"
	    "   \"secret\" : 7\n"
	    "}\n", s);
	free(s);
	aemp_unref(v);
}

DEF_TEST(json, codec_table)
{
	static const struct aemp_codec other = {
		"other", NULL, NULL, NULL, NULL
	};
	struct aemp_codec	 fake = json_codec;

	EXPECT_TRUE(codec_find("json") == &json_codec);
	EXPECT_TRUE(codec_find("cbor") == NULL);
	EXPECT_INT(AEMP_ERR_INVAL, codec_register(&other));
	EXPECT_INT(AEMP_ERR_EXISTS, codec_register(&json_codec));
	fake.name = "fake";
	EXPECT_INT(0, codec_register(&fake));
	EXPECT_INT(AEMP_ERR_EXISTS, codec_register(&fake));
	EXPECT_TRUE(codec_find("fake") == &fake);
	codec_free_all();
	EXPECT_TRUE(codec_find("fake") == NULL);
	EXPECT_TRUE(codec_find("json") == &json_codec);
}

int
main(void)
{
	RUN_TEST(json, encode);
	RUN_TEST(json, round_trip);
	RUN_TEST(json, decode_split);
	RUN_TEST(json, decode_stop);
	RUN_TEST(json, decode_refuse);
	RUN_TEST(json, decode_after_error);
	RUN_TEST(json, decode_large_frame_once);
	RUN_TEST(json, encode_frame);
	RUN_TEST(json, relaxed);
	RUN_TEST(json, pretty);
	RUN_TEST(json, codec_table);
	return END_TESTS();
}
