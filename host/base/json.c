/*
 * JSON: the built-in "json" framing codec (PROTOCOL.md section 4.2), the
 * text conversions of sdk/aemp.h and the relaxed parser and pretty
 * printer of the config file.
 *
 * Strings are byte strings.  The encoder copies valid UTF-8 as it is and
 * writes every byte that is not part of a valid UTF-8 sequence as \u00XX
 * of its value, so the output is always valid JSON and a Perl peer reads
 * such a string as latin1 characters, the way JSON::XS writes them.
 *
 * The decoder finds frame boundaries with a small scanner of its own
 * (strings, escapes and bracket depth), so it knows the size of every
 * frame while it arrives, and hands yajl each frame in one piece: a frame
 * complete in the input chunk is parsed in place, the bytes of one split
 * across chunks are gathered (at most max_frame of them) and parsed once
 * it is complete.  yajl's lexer copies a token that arrives in pieces
 * again for every piece, which made one long string quadratic.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <yajl/yajl_parse.h>

#include "base.h"

#define JSON_MAX_DEPTH	128
#define JSON_OUT_CHUNK	4096

/* The values under construction while yajl parses one text. */
struct json_build {
	struct {
		struct aemp_val	*c;
		char		*key;	/* pending map key */
		size_t		 klen;
	}		 stack[JSON_MAX_DEPTH + 1];
	size_t		 depth;
	struct aemp_val	*root;
	int		 tabs;	/* byte 0xff stands for a literal tab */
	int		 error;	/* AEMP_ERR_* from a callback */
	const char	*why;	/* what a callback refused */
};

struct json_decoder {
	yajl_handle	 yajl;
	struct json_build b;
	size_t		 max_frame;
	size_t		 frame_len;	/* bytes of the frame so far */
	size_t		 depth;		/* scanner bracket depth */
	unsigned char	*acc;		/* a frame split across chunks */
	size_t		 acc_len;
	size_t		 acc_cap;
	size_t		 parses;	/* yajl_parse calls, for the tests */
	int		 in_frame;
	int		 in_str;
	int		 esc;
	int		 dead;
};

/* Output: a chunk buffer flushed into an evbuffer or a growing string. */
struct json_out {
	struct evbuffer	*eb;
	char		*s;
	size_t		 slen;
	size_t		 scap;
	int		 error;
	size_t		 len;
	char		 buf[JSON_OUT_CHUNK];
};

/* ------------------------------------------------------------------ */
/* Building values from yajl callbacks                                */
/* ------------------------------------------------------------------ */

static void
json_build_init(struct json_build *b)
{
	memset(b, 0, sizeof *b);
}

static void
json_build_clear(struct json_build *b)
{
	while (b->depth > 0) {
		b->depth--;
		aemp_unref(b->stack[b->depth].c);
		free(b->stack[b->depth].key);
	}
	aemp_unref(b->root);
	b->root = NULL;
	b->error = 0;
	b->why = NULL;
}

/* Place a finished value (reference taken over); 1 to go on, 0 to stop. */
static int
json_build_add(struct json_build *b, struct aemp_val *v)
{
	int	 r;

	if (v == NULL) {
		b->error = AEMP_ERR_NOMEM;
		return 0;
	}
	if (b->depth == 0) {
		aemp_unref(b->root);
		b->root = v;
		return 1;
	}
	if (aemp_type(b->stack[b->depth - 1].c) == AEMP_T_ARRAY)
		r = aemp_array_push(b->stack[b->depth - 1].c, v);
	else {
		r = aemp_map_put_n(b->stack[b->depth - 1].c,
		    b->stack[b->depth - 1].key, b->stack[b->depth - 1].klen, v);
		free(b->stack[b->depth - 1].key);
		b->stack[b->depth - 1].key = NULL;
	}
	if (r != 0) {
		b->error = r;
		return 0;
	}
	return 1;
}

static int
json_build_open(struct json_build *b, struct aemp_val *c)
{
	if (c == NULL) {
		b->error = AEMP_ERR_NOMEM;
		return 0;
	}
	if (b->depth >= JSON_MAX_DEPTH) {
		aemp_unref(c);
		b->error = AEMP_ERR_RANGE;
		b->why = "nesting too deep";
		return 0;
	}
	b->stack[b->depth].c = c;
	b->stack[b->depth].key = NULL;
	b->depth++;
	return 1;
}

static int
json_build_close(struct json_build *b)
{
	b->depth--;
	return json_build_add(b, b->stack[b->depth].c);
}

static int
json_cb_null(void *ctx)
{
	return json_build_add(ctx, aemp_null());
}

static int
json_cb_bool(void *ctx, int v)
{
	return json_build_add(ctx, aemp_bool(v));
}

/* Integers that do not fit int64 become doubles. */
static int
json_cb_number(void *ctx, const char *s, size_t len)
{
	char		 tmp[64], *end, *big = NULL;
	const char	*p;
	long long	 i;
	double		 d;

	if (len < sizeof tmp) {
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		p = tmp;
	} else {
		if ((big = strndup(s, len)) == NULL) {
			((struct json_build *)ctx)->error = AEMP_ERR_NOMEM;
			return 0;
		}
		p = big;
	}
	errno = 0;
	if (strpbrk(p, ".eE") == NULL) {
		i = strtoll(p, &end, 10);
		if (errno == 0) {
			free(big);
			return json_build_add(ctx, aemp_int(i));
		}
	}
	d = strtod(p, &end);
	free(big);
	return json_build_add(ctx, aemp_double(d));
}

/* Turn the stand-ins of literal tabs back (see json_parse_relaxed). */
static void
json_untab(char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] == 0xff)
			p[i] = '\t';
}

static int
json_cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct json_build	*b = ctx;
	struct aemp_val		*v;
	char			*copy;

	if (!b->tabs || memchr(s, 0xff, len) == NULL)
		return json_build_add(b, aemp_str_n((const char *)s, len));
	if ((copy = malloc(len)) == NULL)
		return json_build_add(b, NULL);
	memcpy(copy, s, len);
	json_untab(copy, len);
	v = aemp_str_n(copy, len);
	free(copy);
	return json_build_add(b, v);
}

static int
json_cb_start_map(void *ctx)
{
	return json_build_open(ctx, aemp_map_new(0));
}

static int
json_cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct json_build	*b = ctx;

	if ((b->stack[b->depth - 1].key = malloc(len + 1)) == NULL) {
		b->error = AEMP_ERR_NOMEM;
		return 0;
	}
	memcpy(b->stack[b->depth - 1].key, s, len);
	b->stack[b->depth - 1].key[len] = '\0';
	if (b->tabs)
		json_untab(b->stack[b->depth - 1].key, len);
	b->stack[b->depth - 1].klen = len;
	return 1;
}

static int
json_cb_end(void *ctx)
{
	return json_build_close(ctx);
}

static int
json_cb_start_array(void *ctx)
{
	return json_build_open(ctx, aemp_array_new(0));
}

static const yajl_callbacks json_callbacks = {
	json_cb_null,
	json_cb_bool,
	NULL,
	NULL,
	json_cb_number,
	json_cb_string,
	json_cb_start_map,
	json_cb_map_key,
	json_cb_end,
	json_cb_start_array,
	json_cb_end
};

/* yajl's error text, without its trailing newline, as a malloc'd string. */
static char *
json_yajl_error(yajl_handle h, struct json_build *b)
{
	unsigned char	*e;
	char		*s;
	size_t		 n;

	if (b->why != NULL)
		return xstrdup(b->why);
	if (b->error == AEMP_ERR_NOMEM)
		return xstrdup("out of memory");
	if ((e = yajl_get_error(h, 0, NULL, 0)) == NULL)
		return xstrdup("parse error");
	s = xstrdup((char *)e);
	yajl_free_error(h, e);
	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

/* ------------------------------------------------------------------ */
/* The framing decoder                                                */
/* ------------------------------------------------------------------ */

static void *
json_decoder_new(size_t max_frame)
{
	struct json_decoder	*d;

	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	json_build_init(&d->b);
	d->yajl = yajl_alloc(&json_callbacks, NULL, &d->b);
	if (d->yajl == NULL) {
		free(d);
		return NULL;
	}
	yajl_config(d->yajl, yajl_allow_multiple_values, 1);
	yajl_config(d->yajl, yajl_dont_validate_strings, 1);
	d->max_frame = max_frame;
	return d;
}

static void
json_decoder_free(void *arg)
{
	struct json_decoder	*d = arg;

	if (d == NULL)
		return;
	json_build_clear(&d->b);
	yajl_free(d->yajl);
	free(d->acc);
	free(d);
}

/*
 * Advance the scanner over byte c of a frame; returns 1 when c ends the
 * frame, -1 when the frame nests too deep.
 */
static int
json_scan(struct json_decoder *d, unsigned char c)
{
	if (d->in_str) {
		if (d->esc)
			d->esc = 0;
		else if (c == '\\')
			d->esc = 1;
		else if (c == '"')
			d->in_str = 0;
		return 0;
	}
	switch (c) {
	case '"':
		d->in_str = 1;
		break;
	case '[':
	case '{':
		if (++d->depth > JSON_MAX_DEPTH)
			return -1;
		break;
	case ']':
	case '}':
		if (d->depth > 0 && --d->depth == 0)
			return 1;
		break;
	}
	return 0;
}

/* Feed len bytes of the current frame to yajl. */
static int
json_feed(struct json_decoder *d, const unsigned char *p, size_t len,
    char **err)
{
	d->parses++;
	if (yajl_parse(d->yajl, p, len) == yajl_status_ok)
		return 0;
	*err = json_yajl_error(d->yajl, &d->b);
	return d->b.error == AEMP_ERR_RANGE ? AEMP_ERR_RANGE : AEMP_ERR_PARSE;
}

/* The scanner saw the end of a frame: hand over the message. */
static int
json_frame_done(struct json_decoder *d, aemp_emit_cb emit, void *arg,
    char **err)
{
	struct aemp_val	*msg = d->b.root;

	d->b.root = NULL;
	d->in_frame = 0;
	if (msg == NULL || d->b.depth != 0) {
		aemp_unref(msg);
		*err = xstrdup("json frame did not end where its brackets did");
		return AEMP_ERR_PARSE;
	}
	return emit(msg, arg) != 0 ? 1 : 0;
}

/* Skip whitespace between frames and check how the next one starts. */
static int
json_frame_start(struct json_decoder *d, unsigned char c, char **err)
{
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return 0;
	if (c != '[') {
		if (c > 0x20 && c < 0x7f)
			xasprintf(err, "json frame is not an array (starts "
			    "with '%c')", c);
		else
			xasprintf(err, "json frame is not an array (starts "
			    "with byte 0x%02x)", c);
		return AEMP_ERR_PARSE;
	}
	d->in_frame = 1;
	d->frame_len = 0;
	return 0;
}

/* Keep len bytes of a frame that goes on in the next chunk. */
static int
json_keep(struct json_decoder *d, const unsigned char *p, size_t len,
    char **err)
{
	unsigned char	*n;
	size_t		 cap;

	if (d->acc_len + len > d->acc_cap) {
		cap = d->acc_cap == 0 ? JSON_OUT_CHUNK : d->acc_cap;
		while (cap < d->acc_len + len)
			cap *= 2;
		if (d->max_frame != 0 && cap > d->max_frame)
			cap = d->max_frame;
		if ((n = realloc(d->acc, cap)) == NULL) {
			*err = xstrdup("out of memory");
			return AEMP_ERR_NOMEM;
		}
		d->acc = n;
		d->acc_cap = cap;
	}
	memcpy(d->acc + d->acc_len, p, len);
	d->acc_len += len;
	return 0;
}

/* The last len bytes of a frame arrived: parse the whole frame. */
static int
json_feed_frame(struct json_decoder *d, const unsigned char *p, size_t len,
    char **err)
{
	int	 r;

	if (d->acc_len == 0)
		return json_feed(d, p, len, err);
	if ((r = json_keep(d, p, len, err)) != 0)
		return r;
	r = json_feed(d, d->acc, d->acc_len, err);
	d->acc_len = 0;
	if (d->acc_cap > JSON_OUT_CHUNK * 16) {
		/* Give back what one large frame took. */
		free(d->acc);
		d->acc = NULL;
		d->acc_cap = 0;
	}
	return r;
}

static int
json_frame_too_big(struct json_decoder *d, char **err)
{
	xasprintf(err, "json frame larger than max_frame (%zu bytes)",
	    d->max_frame);
	return AEMP_ERR_RANGE;
}

/* Decode one chunk: frames may be split or coalesced anyhow. */
static int
json_decode_chunk(struct json_decoder *d, const unsigned char *buf,
    size_t len, aemp_emit_cb emit, void *arg, char **err)
{
	size_t	 i = 0, start;
	int	 r, s;

	while (i < len) {
		if (!d->in_frame) {
			if ((r = json_frame_start(d, buf[i], err)) != 0)
				return r;
			if (!d->in_frame) {
				i++;
				continue;
			}
		}

		start = i;
		for (s = 0; i < len && s == 0; i++) {
			if (d->max_frame != 0 && ++d->frame_len > d->max_frame)
				return json_frame_too_big(d, err);
			s = json_scan(d, buf[i]);
		}
		if (s < 0) {
			*err = xstrdup("json frame nests too deep");
			return AEMP_ERR_RANGE;
		}

		if (s == 0)
			return json_keep(d, buf + start, i - start, err);
		if ((r = json_feed_frame(d, buf + start, i - start, err)) != 0)
			return r;
		if ((r = json_frame_done(d, emit, arg, err)) != 0)
			return r;
	}
	return 0;
}

static int
json_decode(void *arg, const unsigned char *buf, size_t len,
    aemp_emit_cb emit, void *emit_arg, char **err)
{
	struct json_decoder	*d = arg;
	int			 r;

	*err = NULL;
	if (d->dead) {
		*err = xstrdup("json decoder used after an error");
		return AEMP_ERR_STATE;
	}
	r = json_decode_chunk(d, buf, len, emit, emit_arg, err);
	if (r != 0)
		d->dead = 1;
	return r < 0 ? r : 0;
}

/* How many times decoder arg has called yajl_parse. */
size_t
json_decoder_parses(const void *arg)
{
	const struct json_decoder	*d = arg;

	return d->parses;
}

/* ------------------------------------------------------------------ */
/* The encoder                                                        */
/* ------------------------------------------------------------------ */

static void
json_out_flush(struct json_out *o)
{
	char	*p;
	size_t	 cap;

	if (o->len == 0 || o->error)
		return;
	if (o->eb != NULL) {
		if (evbuffer_add(o->eb, o->buf, o->len) != 0)
			o->error = AEMP_ERR_NOMEM;
		o->len = 0;
		return;
	}
	if (o->slen + o->len + 1 > o->scap) {
		cap = o->scap == 0 ? JSON_OUT_CHUNK : o->scap;
		while (cap < o->slen + o->len + 1)
			cap *= 2;
		if ((p = realloc(o->s, cap)) == NULL) {
			o->error = AEMP_ERR_NOMEM;
			return;
		}
		o->s = p;
		o->scap = cap;
	}
	memcpy(o->s + o->slen, o->buf, o->len);
	o->slen += o->len;
	o->s[o->slen] = '\0';
	o->len = 0;
}

static void
json_out_add(struct json_out *o, const char *p, size_t len)
{
	size_t	 n;

	while (len > 0) {
		if (o->len == sizeof o->buf)
			json_out_flush(o);
		n = sizeof o->buf - o->len;
		if (n > len)
			n = len;
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		p += n;
		len -= n;
	}
}

static void
json_out_char(struct json_out *o, char c)
{
	if (o->len == sizeof o->buf)
		json_out_flush(o);
	o->buf[o->len++] = c;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t
json_utf8_len(const unsigned char *p, size_t n)
{
	uint32_t	 cp;
	size_t		 len, i;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = p[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void
json_out_string(struct json_out *o, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 esc[8];
	size_t			 i, run = 0, n;

	json_out_char(o, '"');
	for (i = 0; i < len; i += n) {
		n = 1;
		if (p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' &&
		    p[i] != '\\') {
			run++;
			continue;
		}
		if (p[i] >= 0x80 && (n = json_utf8_len(p + i, len - i)) > 0) {
			run += n;
			continue;
		}

		n = 1;
		json_out_add(o, s + i - run, run);
		run = 0;
		if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\';
			esc[1] = p[i];
			json_out_add(o, esc, 2);
		} else if (p[i] == '\n')
			json_out_add(o, "\\n", 2);
		else if (p[i] == '\t')
			json_out_add(o, "\\t", 2);
		else if (p[i] == '\r')
			json_out_add(o, "\\r", 2);
		else {
			snprintf(esc, sizeof esc, "\\u%04x", p[i]);
			json_out_add(o, esc, 6);
		}
	}

	json_out_add(o, s + len - run, run);
	json_out_char(o, '"');
}

/*
 * The shortest of %.15g, %.16g and %.17g that reads back as d; integral
 * values keep a ".0" so they stay doubles.  JSON has no NaN or infinity:
 * those are written as null.
 */
static void
json_out_double(struct json_out *o, double d)
{
	char	 tmp[64];
	int	 prec, n = 0;

	if (!isfinite(d)) {
		json_out_add(o, "null", 4);
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof tmp - 2, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	if (strpbrk(tmp, ".e") == NULL) {
		memcpy(tmp + n, ".0", 3);
		n += 2;
	}
	json_out_add(o, tmp, n);
}

static int json_out_value(struct json_out *, const struct aemp_val *,
    int);

static int
json_out_array(struct json_out *o, const struct aemp_val *v, int depth)
{
	size_t	 i;
	int	 r;

	json_out_char(o, '[');
	for (i = 0; i < aemp_len(v); i++) {
		if (i > 0)
			json_out_char(o, ',');
		if ((r = json_out_value(o, aemp_at(v, i), depth + 1)) != 0)
			return r;
	}
	json_out_char(o, ']');
	return 0;
}

static int
json_out_map(struct json_out *o, const struct aemp_val *v, int depth)
{
	const char	*k;
	size_t		 i, klen;
	int		 r;

	json_out_char(o, '{');
	for (i = 0; i < aemp_len(v); i++) {
		if (i > 0)
			json_out_char(o, ',');
		k = aemp_map_key_at(v, i, &klen);
		json_out_string(o, k, klen);
		json_out_char(o, ':');
		r = json_out_value(o, aemp_map_val_at(v, i), depth + 1);
		if (r != 0)
			return r;
	}
	json_out_char(o, '}');
	return 0;
}

static int
json_out_value(struct json_out *o, const struct aemp_val *v, int depth)
{
	char		 tmp[32];
	const char	*s;
	size_t		 len;
	int		 n;

	if (depth > JSON_MAX_DEPTH * 4)
		return AEMP_ERR_RANGE;
	switch (aemp_type(v)) {
	case AEMP_T_NULL:
		json_out_add(o, "null", 4);
		break;
	case AEMP_T_BOOL:
		if (aemp_truthy(v))
			json_out_add(o, "true", 4);
		else
			json_out_add(o, "false", 5);
		break;
	case AEMP_T_INT:
		n = snprintf(tmp, sizeof tmp, "%lld",
		    (long long)aemp_as_int(v, NULL));
		json_out_add(o, tmp, n);
		break;
	case AEMP_T_DOUBLE:
		json_out_double(o, aemp_as_double(v, NULL));
		break;
	case AEMP_T_STR:
		s = aemp_str_ptr(v, &len);
		json_out_string(o, s, len);
		break;
	case AEMP_T_ARRAY:
		return json_out_array(o, v, depth);
	case AEMP_T_MAP:
		return json_out_map(o, v, depth);
	}
	return 0;
}

static int
json_out_finish(struct json_out *o, int r)
{
	json_out_flush(o);
	if (r == 0)
		r = o->error;
	return r;
}

/* Append the compact JSON text of v to out. */
int
json_encode_value(struct evbuffer *out, const struct aemp_val *v)
{
	struct json_out	*o;
	int		 r;

	if ((o = calloc(1, sizeof *o)) == NULL)
		return AEMP_ERR_NOMEM;
	o->eb = out;
	r = json_out_finish(o, json_out_value(o, v, 0));
	free(o);
	return r;
}

static int
json_encode(struct evbuffer *out, const char *port, size_t plen,
    const struct aemp_val *msg)
{
	struct json_out	*o;
	size_t		 i;
	int		 r = 0;

	if (msg != NULL && aemp_type(msg) != AEMP_T_ARRAY)
		return AEMP_ERR_TYPE;
	if ((o = calloc(1, sizeof *o)) == NULL)
		return AEMP_ERR_NOMEM;
	o->eb = out;
	json_out_char(o, '[');
	json_out_string(o, port, plen);
	for (i = 0; i < aemp_len(msg) && r == 0; i++) {
		json_out_char(o, ',');
		r = json_out_value(o, aemp_at(msg, i), 1);
	}
	json_out_char(o, ']');
	r = json_out_finish(o, r);
	free(o);
	return r;
}

/* The compact JSON text of v, malloc'd; NULL when out of memory. */
char *
aemp_to_json(const struct aemp_val *v)
{
	struct json_out	*o;
	char		*s;
	int		 r;

	if ((o = calloc(1, sizeof *o)) == NULL)
		return NULL;
	r = json_out_finish(o, json_out_value(o, v, 0));
	s = o->s;
	if (r == 0 && s == NULL)
		s = strdup("");
	else if (r != 0) {
		free(s);
		s = NULL;
	}
	free(o);
	return s;
}

const struct aemp_codec json_codec = {
	"json",
	json_decoder_new,
	json_decoder_free,
	json_decode,
	json_encode
};

/* ------------------------------------------------------------------ */
/* Whole texts                                                        */
/* ------------------------------------------------------------------ */

/* Line and column (from 1) of byte offset off of text. */
static void
json_position(const char *text, size_t len, size_t off, size_t *line,
    size_t *col)
{
	size_t	 i;

	*line = *col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/*
 * Parse one JSON text; on error, *err says what and where in orig (the
 * text as the user wrote it, of the same length as text).
 */
static int
json_parse_text(const char *text, size_t len, const char *orig, int tabs,
    struct aemp_val **out, char **err)
{
	struct json_build	*b;
	yajl_handle		 h = NULL;
	yajl_status		 st;
	size_t			 off, line, col;
	char			*why;
	int			 r = AEMP_ERR_NOMEM;

	*out = NULL;
	if ((b = calloc(1, sizeof *b)) == NULL)
		goto out;
	b->tabs = tabs;
	if ((h = yajl_alloc(&json_callbacks, NULL, b)) == NULL)
		goto out;
	yajl_config(h, yajl_dont_validate_strings, 1);

	st = yajl_parse(h, (const unsigned char *)text, len);
	off = yajl_get_bytes_consumed(h);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		off = len + 1;
	}

	if (st == yajl_status_ok && b->root != NULL) {
		*out = b->root;
		b->root = NULL;
		r = 0;
		goto out;
	}

	r = b->error == AEMP_ERR_NOMEM ? AEMP_ERR_NOMEM : AEMP_ERR_PARSE;
	if (err != NULL) {
		/* yajl counts the offending token as consumed. */
		json_position(orig, len, off > 0 ? off - 1 : 0, &line, &col);
		why = json_yajl_error(h, b);
		xasprintf(err, "%s at line %zu, column %zu", why, line, col);
		free(why);
	}
out:
	if (b != NULL)
		json_build_clear(b);
	free(b);
	if (h != NULL)
		yajl_free(h);
	return r;
}

/* Parse one JSON text into *out (a new reference). */
int
aemp_from_json(const char *text, size_t len, struct aemp_val **out,
    char **err)
{
	if (err != NULL)
		*err = NULL;
	return json_parse_text(text, len, text, 0, out, err);
}

/* Blank a '#' comment starting at i; returns the index of its end. */
static size_t
json_relax_comment(char *t, size_t len, size_t i)
{
	while (i < len && t[i] != '\n')
		t[i++] = ' ';
	return i;
}

/* Blank a trailing comma at i if only space and comments lead to a close. */
static void
json_relax_comma(char *t, size_t len, size_t i)
{
	size_t	 j;

	for (j = i + 1; j < len; j++) {
		if (t[j] == '#')
			j = json_relax_comment(t, len, j);
		else if (t[j] != ' ' && t[j] != '\t' && t[j] != '\n' &&
		    t[j] != '\r')
			break;
	}
	if (j < len && (t[j] == ']' || t[j] == '}'))
		t[i] = ' ';
}

/*
 * Blank what relaxed mode allows in t (in place, keeping the length) and,
 * when tabs is set, replace literal tabs inside strings by byte 0xff.
 */
static void
json_relax(char *t, size_t len, int tabs)
{
	size_t	 i;
	int	 in_str = 0;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (t[i] == '\\')
				i++;
			else if (t[i] == '"')
				in_str = 0;
			else if (t[i] == '\t' && tabs)
				t[i] = (char)0xff;
		} else if (t[i] == '"')
			in_str = 1;
		else if (t[i] == '#')
			i = json_relax_comment(t, len, i);
		else if (t[i] == ',')
			json_relax_comma(t, len, i);
	}
}

/*
 * Parse JSON the way JSON::XS does in relaxed mode: '#' comments up to the
 * end of the line, trailing commas in arrays and maps, and literal tabs
 * in strings are allowed.  Comments and commas are blanked in a copy of
 * the same length, so error positions are those of the original text;
 * tabs travel through yajl as byte 0xff, which valid UTF-8 never holds
 * (a text that holds it keeps its tabs refused).
 */
int
json_parse_relaxed(const char *text, size_t len, struct aemp_val **out,
    char **err)
{
	char	*t;
	int	 tabs, r;

	if (err != NULL)
		*err = NULL;
	*out = NULL;
	if ((t = malloc(len + 1)) == NULL)
		return AEMP_ERR_NOMEM;
	memcpy(t, text, len);
	t[len] = '\0';
	tabs = memchr(text, 0xff, len) == NULL;
	json_relax(t, len, tabs);
	r = json_parse_text(t, len, text, tabs, out, err);
	free(t);
	return r;
}

/* ------------------------------------------------------------------ */
/* Pretty printing                                                    */
/* ------------------------------------------------------------------ */

static void
json_pretty_indent(struct json_out *o, int depth)
{
	int	 i;

	json_out_char(o, '\n');
	for (i = 0; i < depth; i++)
		json_out_add(o, "   ", 3);
}

static void json_pretty_value(struct json_out *, const struct aemp_val *,
    int);

static void
json_pretty_container(struct json_out *o, const struct aemp_val *v,
    int depth)
{
	int	 map = aemp_type(v) == AEMP_T_MAP;
	const char *k;
	size_t	 i, klen;

	json_out_char(o, map ? '{' : '[');
	for (i = 0; i < aemp_len(v); i++) {
		if (i > 0)
			json_out_char(o, ',');
		json_pretty_indent(o, depth + 1);
		if (map) {
			k = aemp_map_key_at(v, i, &klen);
			json_out_string(o, k, klen);
			json_out_add(o, " : ", 3);
			json_pretty_value(o, aemp_map_val_at(v, i), depth + 1);
		} else
			json_pretty_value(o, aemp_at(v, i), depth + 1);
	}
	if (aemp_len(v) > 0)
		json_pretty_indent(o, depth);
	json_out_char(o, map ? '}' : ']');
}

static void
json_pretty_value(struct json_out *o, const struct aemp_val *v, int depth)
{
	if (depth > JSON_MAX_DEPTH * 4) {
		o->error = AEMP_ERR_RANGE;
		return;
	}
	if (aemp_type(v) == AEMP_T_ARRAY || aemp_type(v) == AEMP_T_MAP)
		json_pretty_container(o, v, depth);
	else
		json_out_value(o, v, depth);
}

/*
 * The JSON text of v indented by 3 spaces per level, keys in insertion
 * order, ending in a newline, like JSON::XS's pretty output; malloc'd.
 */
char *
json_pretty(const struct aemp_val *v)
{
	struct json_out	*o;
	char		*s;

	o = xcalloc(1, sizeof *o);
	json_pretty_value(o, v, 0);
	json_out_char(o, '\n');
	json_out_flush(o);
	if (o->error)
		fatalx("json_pretty: %s", aemp_strerror(o->error));
	s = o->s;
	free(o);
	return s;
}
