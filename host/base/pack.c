/*
 * aemp_pack and aemp_unpack: build a message from a short format and
 * variable arguments, and take one apart again (formats in sdk/aemp.h).
 * Both accept nested "[...]"; aemp_pack also "{...}".
 */

#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "base.h"

static struct aemp_val *pack_item(const char **, va_list *);

static void
pack_skip_spaces(const char **fmt)
{
	while (**fmt == ' ')
		(*fmt)++;
}

/* Pack items up to the closing character close into container c. */
static int
pack_items(const char **fmt, va_list *ap, struct aemp_val *c, char close)
{
	struct aemp_val	*key, *v;
	int		 r;

	for (;;) {
		pack_skip_spaces(fmt);
		if (**fmt == close) {
			if (close != '\0')
				(*fmt)++;
			return 0;
		}
		if (**fmt == '\0')
			return AEMP_ERR_INVAL;
		if (close != '}') {
			if ((r = aemp_array_push(c, pack_item(fmt, ap))) != 0)
				return r;
			continue;
		}

		if (**fmt != 's' && **fmt != 'S')
			return AEMP_ERR_INVAL;
		if ((key = pack_item(fmt, ap)) == NULL)
			return AEMP_ERR_INVAL;
		if (aemp_type(key) != AEMP_T_STR) {
			aemp_unref(key);
			return AEMP_ERR_INVAL;
		}

		pack_skip_spaces(fmt);
		v = **fmt == '}' || **fmt == '\0' ? NULL : pack_item(fmt, ap);
		r = aemp_map_put_n(c, aemp_str_ptr(key, NULL), aemp_len(key),
		    v);
		aemp_unref(key);
		if (r != 0)
			return r;
	}
}

static struct aemp_val *
pack_container(const char **fmt, va_list *ap, int map)
{
	struct aemp_val	*c;

	c = map ? aemp_map_new(0) : aemp_array_new(0);
	if (c == NULL)
		return NULL;
	if (pack_items(fmt, ap, c, map ? '}' : ']') != 0) {
		aemp_unref(c);
		return NULL;
	}
	return c;
}

static struct aemp_val *
pack_string(va_list *ap, int counted)
{
	const char	*s;
	size_t		 len;

	s = va_arg(*ap, const char *);
	if (counted) {
		len = va_arg(*ap, size_t);
		return s == NULL ? aemp_null() : aemp_str_n(s, len);
	}
	return s == NULL ? aemp_null() : aemp_str(s);
}

/* Pack one item; NULL on a bad format or out of memory. */
static struct aemp_val *
pack_item(const char **fmt, va_list *ap)
{
	struct aemp_val	*v;

	switch (*(*fmt)++) {
	case 's':
		return pack_string(ap, 0);
	case 'S':
		return pack_string(ap, 1);
	case 'i':
		return aemp_int(va_arg(*ap, int));
	case 'I':
		return aemp_int(va_arg(*ap, int64_t));
	case 'f':
		return aemp_double(va_arg(*ap, double));
	case 'b':
		return aemp_bool(va_arg(*ap, int));
	case 'n':
		return aemp_null();
	case 'v':
		v = va_arg(*ap, struct aemp_val *);
		return v == NULL ? aemp_null() : aemp_ref(v);
	case 'V':
		v = va_arg(*ap, struct aemp_val *);
		return v == NULL ? aemp_null() : v;
	case '[':
		return pack_container(fmt, ap, 0);
	case '{':
		return pack_container(fmt, ap, 1);
	default:
		return NULL;
	}
}

/*
 * Build a new array of the items of fmt; NULL on a bad format or out of
 * memory.  On failure, "V" values not reached yet are not released.
 */
struct aemp_val *
aemp_vpack(const char *fmt, va_list ap)
{
	struct aemp_val	*a;
	va_list		 ap2;
	int		 r;

	if (fmt == NULL || (a = aemp_array_new(0)) == NULL)
		return NULL;
	va_copy(ap2, ap);
	r = pack_items(&fmt, &ap2, a, '\0');
	va_end(ap2);
	if (r != 0) {
		aemp_unref(a);
		return NULL;
	}
	return a;
}

/* Build a new array of the items of fmt (see aemp_vpack). */
struct aemp_val *
aemp_pack(const char *fmt, ...)
{
	struct aemp_val	*a;
	va_list		 ap;

	va_start(ap, fmt);
	a = aemp_vpack(fmt, ap);
	va_end(ap);
	return a;
}

static int unpack_items(const struct aemp_val *, const char **, va_list *,
    char);

/* Store element v by format character c. */
static int
unpack_one(const struct aemp_val *v, char c, const char **fmt, va_list *ap)
{
	int64_t	 i;
	double	 d;
	int	 ok;

	switch (c) {
	case 's':
		if (aemp_type(v) != AEMP_T_STR)
			return AEMP_ERR_TYPE;
		*va_arg(*ap, const char **) = aemp_str_ptr(v, NULL);
		return 0;
	case 'i':
	case 'I':
		i = aemp_as_int(v, &ok);
		if (!ok || (c == 'i' && (i < INT_MIN || i > INT_MAX)))
			return AEMP_ERR_TYPE;
		if (c == 'i')
			*va_arg(*ap, int *) = (int)i;
		else
			*va_arg(*ap, int64_t *) = i;
		return 0;
	case 'f':
		d = aemp_as_double(v, &ok);
		if (!ok)
			return AEMP_ERR_TYPE;
		*va_arg(*ap, double *) = d;
		return 0;
	case 'b':
		*va_arg(*ap, int *) = aemp_truthy(v);
		return 0;
	case 'v':
		*va_arg(*ap, struct aemp_val **) = (struct aemp_val *)v;
		return 0;
	case '.':
		return 0;
	case '[':
		if (aemp_type(v) != AEMP_T_ARRAY)
			return AEMP_ERR_TYPE;
		return unpack_items(v, fmt, ap, ']');
	default:
		return AEMP_ERR_INVAL;
	}
}

/*
 * Skip the rest of fmt up to close, consuming the output pointers of the
 * items skipped, so that the items after a short nested array still find
 * their own arguments.
 */
static int
unpack_skip(const char **fmt, va_list *ap, char close)
{
	int	 depth = 0;
	char	 c;

	for (;;) {
		c = *(*fmt)++;
		if (c == '\0')
			return close == '\0' ? 0 : AEMP_ERR_INVAL;
		if (c == '[')
			depth++;
		else if (c == ']' && depth > 0)
			depth--;
		else if (c == close)
			return 0;
		else if (strchr("siIfbv", c) != NULL)
			(void)va_arg(*ap, void *);
	}
}

/* Match the elements of array msg against fmt up to close. */
static int
unpack_items(const struct aemp_val *msg, const char **fmt, va_list *ap,
    char close)
{
	size_t	 i = 0, n = aemp_len(msg);
	int	 optional = 0, rest = 0, r;
	char	 c;

	for (;;) {
		pack_skip_spaces(fmt);
		c = *(*fmt)++;
		if (c == close)
			break;
		if (c == '\0')
			return AEMP_ERR_INVAL;
		if (c == '*') {
			rest = 1;
			continue;
		}
		if (c == '?') {
			optional = 1;
			continue;
		}

		if (i == n) {
			if (!optional)
				return AEMP_ERR_RANGE;
			(*fmt)--;
			return unpack_skip(fmt, ap, close);
		}
		if ((r = unpack_one(aemp_at(msg, i++), c, fmt, ap)) != 0)
			return r;
	}

	if (i < n && !rest)
		return AEMP_ERR_RANGE;
	return 0;
}

/* Unpack the elements of array msg by fmt (see sdk/aemp.h). */
int
aemp_vunpack(const struct aemp_val *msg, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 r;

	if (fmt == NULL)
		return AEMP_ERR_INVAL;
	if (aemp_type(msg) != AEMP_T_ARRAY)
		return AEMP_ERR_TYPE;
	va_copy(ap2, ap);
	r = unpack_items(msg, &fmt, &ap2, '\0');
	va_end(ap2);
	return r;
}

/* Unpack the elements of array msg by fmt (see sdk/aemp.h). */
int
aemp_unpack(const struct aemp_val *msg, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = aemp_vunpack(msg, fmt, ap);
	va_end(ap);
	return r;
}
