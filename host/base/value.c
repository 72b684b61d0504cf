/*
 * Values: immutable, reference-counted, with the JSON data model.  A
 * string is one allocation holding its bytes and a NUL; a map keeps its
 * pairs in insertion order and, once it grows past a few keys, a hash
 * index of them.
 */

#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

/* Maps of more pairs than this get a hash index. */
#define VALUE_MAP_LINEAR	16

/*
 * An array keeps its first elements (at least this many, at most the
 * second figure) in its own allocation, so that a short message costs
 * one allocation less.
 */
#define VALUE_ARRAY_INLINE	4
#define VALUE_ARRAY_INLINE_MAX	16

struct value_pair {
	char		*key;
	size_t		 klen;
	uint32_t	 hash;
	struct aemp_val	*val;
};

struct aemp_val {
	int		 refs;		/* < 0: static, never freed */
	enum aemp_type	 type;
	union {
		int		 b;
		int64_t		 i;
		double		 d;
		struct {
			size_t	 len;
			char	*p;
		} s;
		struct {
			size_t		  n;
			size_t		  cap;
			struct aemp_val	**v;
		} a;
		struct {
			size_t		   n;
			size_t		   cap;
			struct value_pair *pairs;
			uint32_t	  *index; /* pair + 1, 0 = free */
			size_t		   icap;  /* power of two */
		} m;
	} u;
};

static struct aemp_val value_null = { -1, AEMP_T_NULL, { 0 } };
static struct aemp_val value_false = { -1, AEMP_T_BOOL, { 0 } };
static struct aemp_val value_true = { -1, AEMP_T_BOOL, { 1 } };

/* Return a static text for an AEMP_ERR_* code. */
const char *
aemp_strerror(int r)
{
	static const char *const texts[] = {
		"success", "out of memory", "invalid argument",
		"wrong type", "out of range", "not found",
		"system call failed", "malformed input",
		"not possible in this state", "already exists",
		"built for another ABI", "refused by policy"
	};

	if (r > 0 || -r >= (int)(sizeof texts / sizeof texts[0]))
		return "unknown error";
	return texts[-r];
}

static struct aemp_val *
value_new(enum aemp_type type)
{
	struct aemp_val	*v;

	/* malloc, not calloc: glibc serves it from the thread cache. */
	if ((v = malloc(sizeof *v)) == NULL)
		return NULL;
	memset(v, 0, sizeof *v);
	v->refs = 1;
	v->type = type;
	return v;
}

/* The null value (shared). */
struct aemp_val *
aemp_null(void)
{
	return &value_null;
}

/* A boolean (shared). */
struct aemp_val *
aemp_bool(int b)
{
	return b ? &value_true : &value_false;
}

/* A new integer. */
struct aemp_val *
aemp_int(int64_t i)
{
	struct aemp_val	*v;

	if ((v = value_new(AEMP_T_INT)) != NULL)
		v->u.i = i;
	return v;
}

/* A new double. */
struct aemp_val *
aemp_double(double d)
{
	struct aemp_val	*v;

	if ((v = value_new(AEMP_T_DOUBLE)) != NULL)
		v->u.d = d;
	return v;
}

/* A new string holding a copy of len bytes of s. */
struct aemp_val *
aemp_str_n(const char *s, size_t len)
{
	struct aemp_val	*v;

	if (len > SIZE_MAX - sizeof *v - 1)
		return NULL;
	if ((v = malloc(sizeof *v + len + 1)) == NULL)
		return NULL;
	v->refs = 1;
	v->type = AEMP_T_STR;
	v->u.s.len = len;
	v->u.s.p = (char *)(v + 1);
	if (len > 0)
		memcpy(v->u.s.p, s, len);
	v->u.s.p[len] = '\0';
	return v;
}

/* A new string holding a copy of NUL-terminated s. */
struct aemp_val *
aemp_str(const char *s)
{
	return aemp_str_n(s, strlen(s));
}

/* A new string formatted like printf. */
struct aemp_val *
aemp_strf(const char *fmt, ...)
{
	struct aemp_val	*v;
	va_list		 ap;
	char		*s;
	int		 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	v = aemp_str_n(s, n);
	free(s);
	return v;
}

static int
value_array_inline(const struct aemp_val *a)
{
	return a->u.a.v == (struct aemp_val **)(void *)(a + 1);
}

/* A new empty array with room for hint elements. */
struct aemp_val *
aemp_array_new(size_t hint)
{
	struct aemp_val	*v;
	size_t		 slots;

	slots = hint < VALUE_ARRAY_INLINE ? VALUE_ARRAY_INLINE : hint;
	if (slots <= VALUE_ARRAY_INLINE_MAX) {
		if ((v = malloc(sizeof *v + slots * sizeof *v->u.a.v)) == NULL)
			return NULL;
		memset(v, 0, sizeof *v);
		v->refs = 1;
		v->type = AEMP_T_ARRAY;
		v->u.a.v = (struct aemp_val **)(void *)(v + 1);
		v->u.a.cap = slots;
		return v;
	}

	if ((v = value_new(AEMP_T_ARRAY)) == NULL)
		return NULL;
	if (hint > 0) {
		v->u.a.v = reallocarray(NULL, hint, sizeof *v->u.a.v);
		if (v->u.a.v == NULL) {
			free(v);
			return NULL;
		}
		v->u.a.cap = hint;
	}
	return v;
}

/* Append v (reference taken over) to array a. */
int
aemp_array_push(struct aemp_val *a, struct aemp_val *v)
{
	struct aemp_val	**nv, **old;
	size_t		  cap;

	if (v == NULL)
		return AEMP_ERR_NOMEM;
	if (a == NULL || a->type != AEMP_T_ARRAY || a->refs != 1) {
		aemp_unref(v);
		if (a == NULL)
			return AEMP_ERR_INVAL;
		return a->type != AEMP_T_ARRAY ? AEMP_ERR_TYPE : AEMP_ERR_STATE;
	}
	if (a->u.a.n == a->u.a.cap) {
		cap = a->u.a.cap < 4 ? 4 : a->u.a.cap * 2;
		old = value_array_inline(a) ? NULL : a->u.a.v;
		if ((nv = reallocarray(old, cap, sizeof *nv)) == NULL) {
			aemp_unref(v);
			return AEMP_ERR_NOMEM;
		}
		if (old == NULL && a->u.a.n > 0)
			memcpy(nv, a->u.a.v, a->u.a.n * sizeof *nv);
		a->u.a.v = nv;
		a->u.a.cap = cap;
	}
	a->u.a.v[a->u.a.n++] = v;
	return 0;
}

/* A new empty map with room for hint pairs. */
struct aemp_val *
aemp_map_new(size_t hint)
{
	struct aemp_val	*v;

	if ((v = value_new(AEMP_T_MAP)) == NULL)
		return NULL;
	if (hint > 0) {
		v->u.m.pairs = reallocarray(NULL, hint, sizeof *v->u.m.pairs);
		if (v->u.m.pairs == NULL) {
			free(v);
			return NULL;
		}
		v->u.m.cap = hint;
	}
	return v;
}

#define VALUE_ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))
#define VALUE_SIPROUND(v0, v1, v2, v3) do {				\
	v0 += v1; v1 = VALUE_ROTL(v1, 13); v1 ^= v0;			\
	v0 = VALUE_ROTL(v0, 32);					\
	v2 += v3; v3 = VALUE_ROTL(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = VALUE_ROTL(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = VALUE_ROTL(v1, 17); v1 ^= v2;			\
	v2 = VALUE_ROTL(v2, 32);					\
} while (0)

/* The key of value_hash, drawn once, so peers cannot aim at collisions. */
static uint64_t	 value_hash_key[2];
static int	 value_hash_keyed;

static void
value_hash_init(void)
{
	if (random_bytes(value_hash_key, sizeof value_hash_key) != 0)
		fatal("value: no random key for map hashing");
	value_hash_keyed = 1;
}

/* SipHash-1-3 of key, folded to 32 bits. */
static uint32_t
value_hash(const char *key, size_t len)
{
	const unsigned char	*p = (const unsigned char *)key;
	uint64_t		 v0, v1, v2, v3, m;
	size_t			 i, j;

	if (!value_hash_keyed)
		value_hash_init();

	v0 = value_hash_key[0] ^ 0x736f6d6570736575ULL;
	v1 = value_hash_key[1] ^ 0x646f72616e646f6dULL;
	v2 = value_hash_key[0] ^ 0x6c7967656e657261ULL;
	v3 = value_hash_key[1] ^ 0x7465646279746573ULL;

	for (i = 0; i <= len; i += 8) {
		m = 0;
		for (j = 0; j < 8 && i + j < len; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		if (i + 8 > len)
			m |= (uint64_t)(len & 0xff) << 56;
		v3 ^= m;
		VALUE_SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
		if (i + 8 > len)
			break;
	}

	v2 ^= 0xff;
	for (j = 0; j < 3; j++)
		VALUE_SIPROUND(v0, v1, v2, v3);
	m = v0 ^ v1 ^ v2 ^ v3;
	return (uint32_t)(m ^ (m >> 32));
}

static void
value_index_add(struct aemp_val *m, size_t pair)
{
	size_t	 mask = m->u.m.icap - 1, i;

	i = m->u.m.pairs[pair].hash & mask;
	while (m->u.m.index[i] != 0)
		i = (i + 1) & mask;
	m->u.m.index[i] = (uint32_t)(pair + 1);
}

/*
 * Index the pair just appended to m: rebuild the whole index when the map
 * outgrew linear search or the index would be more than half full.
 */
static int
value_index_update(struct aemp_val *m)
{
	uint32_t	*index;
	size_t		 icap, i;

	if (m->u.m.n <= VALUE_MAP_LINEAR)
		return 0;
	if (m->u.m.index != NULL && m->u.m.n * 2 <= m->u.m.icap) {
		value_index_add(m, m->u.m.n - 1);
		return 0;
	}
	if (m->u.m.n >= UINT32_MAX / 4)
		return AEMP_ERR_RANGE;
	icap = m->u.m.icap == 0 ? 64 : m->u.m.icap * 2;
	if ((index = calloc(icap, sizeof *index)) == NULL)
		return AEMP_ERR_NOMEM;
	free(m->u.m.index);
	m->u.m.index = index;
	m->u.m.icap = icap;
	for (i = 0; i < m->u.m.n; i++) {
		m->u.m.pairs[i].hash = value_hash(m->u.m.pairs[i].key,
		    m->u.m.pairs[i].klen);
		value_index_add(m, i);
	}
	return 0;
}

/* Find the pair of key in map m; -1 when absent. */
static ssize_t
value_map_find(const struct aemp_val *m, const char *key, size_t klen,
    uint32_t hash)
{
	const struct value_pair	*p;
	size_t			 i, mask;
	uint32_t		 slot;

	if (m->u.m.index == NULL) {
		for (i = 0; i < m->u.m.n; i++) {
			p = &m->u.m.pairs[i];
			if (p->klen == klen && memcmp(p->key, key, klen) == 0)
				return i;
		}
		return -1;
	}
	mask = m->u.m.icap - 1;
	for (i = hash & mask; (slot = m->u.m.index[i]) != 0;
	    i = (i + 1) & mask) {
		p = &m->u.m.pairs[slot - 1];
		if (p->hash == hash && p->klen == klen &&
		    memcmp(p->key, key, klen) == 0)
			return slot - 1;
	}
	return -1;
}

static int
value_map_append(struct aemp_val *m, const char *key, size_t klen,
    uint32_t hash, struct aemp_val *v)
{
	struct value_pair	*np, *p;
	size_t			 cap;
	int			 r;

	if (m->u.m.n == m->u.m.cap) {
		cap = m->u.m.cap < 4 ? 4 : m->u.m.cap * 2;
		if ((np = reallocarray(m->u.m.pairs, cap, sizeof *np)) == NULL)
			return AEMP_ERR_NOMEM;
		m->u.m.pairs = np;
		m->u.m.cap = cap;
	}
	p = &m->u.m.pairs[m->u.m.n];
	if ((p->key = malloc(klen + 1)) == NULL)
		return AEMP_ERR_NOMEM;
	memcpy(p->key, key, klen);
	p->key[klen] = '\0';
	p->klen = klen;
	p->hash = hash;
	p->val = v;
	m->u.m.n++;

	if ((r = value_index_update(m)) != 0) {
		m->u.m.n--;
		free(p->key);
	}
	return r;
}

/* Set key (keylen bytes) to v (reference taken over) in map m. */
int
aemp_map_put_n(struct aemp_val *m, const char *key, size_t keylen,
    struct aemp_val *v)
{
	uint32_t	 hash;
	ssize_t		 i;
	int		 r;

	if (v == NULL)
		return AEMP_ERR_NOMEM;
	if (m == NULL || key == NULL) {
		r = AEMP_ERR_INVAL;
		goto out;
	}
	if (m->type != AEMP_T_MAP || m->refs != 1) {
		r = m->type != AEMP_T_MAP ? AEMP_ERR_TYPE : AEMP_ERR_STATE;
		goto out;
	}

	hash = m->u.m.index != NULL ? value_hash(key, keylen) : 0;
	if ((i = value_map_find(m, key, keylen, hash)) >= 0) {
		aemp_unref(m->u.m.pairs[i].val);
		m->u.m.pairs[i].val = v;
		return 0;
	}
	if ((r = value_map_append(m, key, keylen, hash, v)) == 0)
		return 0;
out:
	aemp_unref(v);
	return r;
}

/* Set NUL-terminated key to v (reference taken over) in map m. */
int
aemp_map_put(struct aemp_val *m, const char *key, struct aemp_val *v)
{
	if (key == NULL) {
		aemp_unref(v);
		return AEMP_ERR_INVAL;
	}
	return aemp_map_put_n(m, key, strlen(key), v);
}

/* Take a reference to v. */
struct aemp_val *
aemp_ref(struct aemp_val *v)
{
	if (v != NULL && v->refs > 0)
		v->refs++;
	return v;
}

/* Drop a reference to v, freeing it with the last one. */
void
aemp_unref(struct aemp_val *v)
{
	size_t	 i;

	if (v == NULL || v->refs < 0 || --v->refs > 0)
		return;

	switch (v->type) {
	case AEMP_T_ARRAY:
		for (i = 0; i < v->u.a.n; i++)
			aemp_unref(v->u.a.v[i]);
		if (!value_array_inline(v))
			free(v->u.a.v);
		break;
	case AEMP_T_MAP:
		for (i = 0; i < v->u.m.n; i++) {
			free(v->u.m.pairs[i].key);
			aemp_unref(v->u.m.pairs[i].val);
		}
		free(v->u.m.pairs);
		free(v->u.m.index);
		break;
	default:
		break;
	}
	free(v);
}

/* The type of v; null for a NULL pointer. */
enum aemp_type
aemp_type(const struct aemp_val *v)
{
	return v == NULL ? AEMP_T_NULL : v->type;
}

/* Elements of an array, pairs of a map, bytes of a string, else 0. */
size_t
aemp_len(const struct aemp_val *v)
{
	switch (aemp_type(v)) {
	case AEMP_T_STR:
		return v->u.s.len;
	case AEMP_T_ARRAY:
		return v->u.a.n;
	case AEMP_T_MAP:
		return v->u.m.n;
	default:
		return 0;
	}
}

/* Element i of array v, borrowed, or NULL. */
struct aemp_val *
aemp_at(const struct aemp_val *v, size_t i)
{
	if (aemp_type(v) != AEMP_T_ARRAY || i >= v->u.a.n)
		return NULL;
	return v->u.a.v[i];
}

/* The value for key (keylen bytes) in map m, borrowed, or NULL. */
struct aemp_val *
value_map_get_n(const struct aemp_val *m, const char *key, size_t keylen)
{
	ssize_t	 i;

	if (aemp_type(m) != AEMP_T_MAP || key == NULL)
		return NULL;
	i = value_map_find(m, key, keylen,
	    m->u.m.index != NULL ? value_hash(key, keylen) : 0);
	return i < 0 ? NULL : m->u.m.pairs[i].val;
}

/* The value for key in map m, borrowed, or NULL. */
struct aemp_val *
aemp_map_get(const struct aemp_val *m, const char *key)
{
	if (key == NULL)
		return NULL;
	return value_map_get_n(m, key, strlen(key));
}

/* The key of pair i of map m, in insertion order, or NULL. */
const char *
aemp_map_key_at(const struct aemp_val *m, size_t i, size_t *lenp)
{
	if (aemp_type(m) != AEMP_T_MAP || i >= m->u.m.n)
		return NULL;
	if (lenp != NULL)
		*lenp = m->u.m.pairs[i].klen;
	return m->u.m.pairs[i].key;
}

/* The value of pair i of map m, in insertion order, or NULL. */
struct aemp_val *
aemp_map_val_at(const struct aemp_val *m, size_t i)
{
	if (aemp_type(m) != AEMP_T_MAP || i >= m->u.m.n)
		return NULL;
	return m->u.m.pairs[i].val;
}

/* The bytes of string v and their count, or NULL. */
const char *
aemp_str_ptr(const struct aemp_val *v, size_t *lenp)
{
	if (aemp_type(v) != AEMP_T_STR)
		return NULL;
	if (lenp != NULL)
		*lenp = v->u.s.len;
	return v->u.s.p;
}

/* Parse a whole string as a decimal integer; 0 on success. */
static int
value_parse_int(const char *s, size_t len, int64_t *out)
{
	char		*end;
	long long	 n;

	if (len == 0 || strlen(s) != len)
		return -1;
	if (!(s[0] >= '0' && s[0] <= '9') && s[0] != '-' && s[0] != '+')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s)
		return -1;
	*out = n;
	return 0;
}

/* Parse a whole string as a finite decimal number; 0 on success. */
static int
value_parse_double(const char *s, size_t len, double *out)
{
	const char	*p = s;
	char		*end;
	double		 d;

	if (len == 0 || strlen(s) != len)
		return -1;
	if (*p == '-' || *p == '+')
		p++;
	if (!(*p >= '0' && *p <= '9') && *p != '.')
		return -1;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return -1;
	errno = 0;
	d = strtod(s, &end);
	if (*end != '\0' || end == s || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

/* A double as an integer when it has an integral value in range. */
static int
value_double_int(double d, int64_t *out)
{
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) ||
	    d != floor(d))
		return -1;
	*out = (int64_t)d;
	return 0;
}

/* The integer value of v, accepting decimal strings and booleans. */
int64_t
aemp_as_int(const struct aemp_val *v, int *ok)
{
	int64_t	 i = 0;
	double	 d;
	int	 r = -1;

	switch (aemp_type(v)) {
	case AEMP_T_BOOL:
		i = v->u.b;
		r = 0;
		break;
	case AEMP_T_INT:
		i = v->u.i;
		r = 0;
		break;
	case AEMP_T_DOUBLE:
		r = value_double_int(v->u.d, &i);
		break;
	case AEMP_T_STR:
		if ((r = value_parse_int(v->u.s.p, v->u.s.len, &i)) != 0 &&
		    value_parse_double(v->u.s.p, v->u.s.len, &d) == 0)
			r = value_double_int(d, &i);
		break;
	default:
		break;
	}

	if (ok != NULL)
		*ok = r == 0;
	return r == 0 ? i : 0;
}

/* The numeric value of v, accepting numeric strings and booleans. */
double
aemp_as_double(const struct aemp_val *v, int *ok)
{
	double	 d = 0;
	int	 r = -1;

	switch (aemp_type(v)) {
	case AEMP_T_BOOL:
		d = v->u.b;
		r = 0;
		break;
	case AEMP_T_INT:
		d = (double)v->u.i;
		r = 0;
		break;
	case AEMP_T_DOUBLE:
		d = v->u.d;
		r = 0;
		break;
	case AEMP_T_STR:
		r = value_parse_double(v->u.s.p, v->u.s.len, &d);
		break;
	default:
		break;
	}
	if (ok != NULL)
		*ok = r == 0;
	return r == 0 ? d : 0;
}

/* Perl's truth: null, false, 0, 0.0, "" and "0" are false. */
int
aemp_truthy(const struct aemp_val *v)
{
	switch (aemp_type(v)) {
	case AEMP_T_NULL:
		return 0;
	case AEMP_T_BOOL:
		return v->u.b != 0;
	case AEMP_T_INT:
		return v->u.i != 0;
	case AEMP_T_DOUBLE:
		return v->u.d != 0;
	case AEMP_T_STR:
		return !(v->u.s.len == 0 ||
		    (v->u.s.len == 1 && v->u.s.p[0] == '0'));
	default:
		return 1;
	}
}

static int
value_is_number(const struct aemp_val *v)
{
	enum aemp_type	 t = aemp_type(v);

	return t == AEMP_T_BOOL || t == AEMP_T_INT || t == AEMP_T_DOUBLE;
}

/*
 * Compare a number (or boolean) with anything but a container: equal when
 * both have the same numeric value; false also equals "".
 */
static int
value_equal_number(const struct aemp_val *n, const struct aemp_val *o)
{
	int64_t	 a, b;
	double	 da, db;
	int	 oka, okb;

	if (n->type == AEMP_T_BOOL && !n->u.b && o->type == AEMP_T_STR &&
	    o->u.s.len == 0)
		return 1;
	if (!value_is_number(o) && o->type != AEMP_T_STR)
		return 0;
	a = aemp_as_int(n, &oka);
	b = aemp_as_int(o, &okb);
	if (oka && okb)
		return a == b;
	da = aemp_as_double(n, &oka);
	db = aemp_as_double(o, &okb);
	return oka && okb && da == db;
}

static int
value_equal_map(const struct aemp_val *a, const struct aemp_val *b)
{
	const struct value_pair	*p;
	struct aemp_val		*bv;
	size_t			 i;

	if (a->u.m.n != b->u.m.n)
		return 0;
	for (i = 0; i < a->u.m.n; i++) {
		p = &a->u.m.pairs[i];
		bv = value_map_get_n(b, p->key, p->klen);
		if (bv == NULL || !aemp_equal(p->val, bv))
			return 0;
	}
	return 1;
}

/* Deep comparison; strings that spell a number equal that number. */
int
aemp_equal(const struct aemp_val *a, const struct aemp_val *b)
{
	size_t	 i;

	if (a == NULL)
		a = &value_null;
	if (b == NULL)
		b = &value_null;
	if (a == b)
		return 1;

	if (value_is_number(a))
		return value_equal_number(a, b);
	if (value_is_number(b))
		return value_equal_number(b, a);
	if (a->type != b->type)
		return 0;

	switch (a->type) {
	case AEMP_T_NULL:
		return 1;
	case AEMP_T_STR:
		return a->u.s.len == b->u.s.len &&
		    memcmp(a->u.s.p, b->u.s.p, a->u.s.len) == 0;
	case AEMP_T_ARRAY:
		if (a->u.a.n != b->u.a.n)
			return 0;
		for (i = 0; i < a->u.a.n; i++)
			if (!aemp_equal(a->u.a.v[i], b->u.a.v[i]))
				return 0;
		return 1;
	case AEMP_T_MAP:
		return value_equal_map(a, b);
	default:
		return 0;
	}
}
