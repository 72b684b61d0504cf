/*
 * Unit tests of host/base/value.c: constructors, containers, accessors,
 * conversions, truth and deep equality.
 */

#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "testing.h"

DEF_TEST(value, scalars)
{
	struct aemp_val	*v;
	size_t		 len;

	EXPECT_INT(AEMP_T_NULL, aemp_type(aemp_null()));
	EXPECT_INT(AEMP_T_NULL, aemp_type(NULL));
	EXPECT_INT(AEMP_T_BOOL, aemp_type(aemp_bool(1)));
	EXPECT_TRUE(aemp_bool(7) == aemp_bool(1));
	aemp_unref(aemp_ref(aemp_null()));
	aemp_unref(aemp_null());

	v = aemp_int(INT64_MIN);
	EXPECT_INT(AEMP_T_INT, aemp_type(v));
	EXPECT_TRUE(aemp_as_int(v, NULL) == INT64_MIN);
	aemp_unref(v);

	v = aemp_str_n("a\0b", 3);
	EXPECT_INT(3, aemp_len(v));
	EXPECT_TRUE(memcmp(aemp_str_ptr(v, &len), "a\0b", 4) == 0);
	EXPECT_INT(3, len);
	EXPECT_TRUE(aemp_ref(v) == v);
	aemp_unref(v);
	aemp_unref(v);

	v = aemp_strf("%s-%d", "x", 42);
	EXPECT_STR("x-42", aemp_str_ptr(v, NULL));
	EXPECT_TRUE(aemp_str_ptr(aemp_null(), NULL) == NULL);
	aemp_unref(v);
	aemp_unref(NULL);
}

DEF_TEST(value, array)
{
	struct aemp_val	*a, *b;
	int		 i;

	a = aemp_array_new(1);
	for (i = 0; i < 100; i++)
		EXPECT_INT(0, aemp_array_push(a, aemp_int(i)));
	EXPECT_INT(100, aemp_len(a));
	EXPECT_INT(57, aemp_as_int(aemp_at(a, 57), NULL));
	EXPECT_TRUE(aemp_at(a, 100) == NULL);
	EXPECT_INT(AEMP_ERR_NOMEM, aemp_array_push(a, NULL));

	/* A shared array can no longer be changed. */
	b = aemp_ref(a);
	EXPECT_INT(AEMP_ERR_STATE, aemp_array_push(a, aemp_str("x")));
	EXPECT_INT(100, aemp_len(a));
	aemp_unref(b);
	EXPECT_INT(AEMP_ERR_TYPE, aemp_array_push(aemp_null(), aemp_int(1)));
	aemp_unref(a);
}

DEF_TEST(value, map)
{
	struct aemp_val	*m;
	char		 key[32];
	size_t		 len;
	int		 i, bad = 0;

	m = aemp_map_new(0);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		EXPECT_INT(0, aemp_map_put(m, key, aemp_int(i)));
	}
	EXPECT_INT(1000, aemp_len(m));
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		if (aemp_as_int(aemp_map_get(m, key), NULL) != i)
			bad++;
		if (strcmp(aemp_map_key_at(m, i, NULL), key) != 0)
			bad++;
	}
	EXPECT_INT(0, bad);
	EXPECT_TRUE(aemp_map_get(m, "nope") == NULL);

	/* Replacing keeps the position and the count. */
	EXPECT_INT(0, aemp_map_put(m, "k3", aemp_str("three")));
	EXPECT_INT(1000, aemp_len(m));
	EXPECT_STR("three", aemp_str_ptr(aemp_map_val_at(m, 3), NULL));
	EXPECT_STR("three", aemp_str_ptr(aemp_map_get(m, "k3"), NULL));

	EXPECT_INT(0, aemp_map_put_n(m, "a\0b", 3, aemp_int(-1)));
	EXPECT_TRUE(aemp_map_get(m, "a") == NULL);
	EXPECT_INT(-1, aemp_as_int(value_map_get_n(m, "a\0b", 3), NULL));
	aemp_map_key_at(m, 1000, &len);
	EXPECT_INT(3, len);
	EXPECT_TRUE(aemp_map_key_at(m, 1001, NULL) == NULL);
	EXPECT_INT(AEMP_ERR_INVAL, aemp_map_put(m, NULL, aemp_int(1)));
	aemp_unref(m);

	/* Small maps: linear search, replace in place. */
	m = aemp_map_new(2);
	aemp_map_put(m, "x", aemp_int(1));
	aemp_map_put(m, "y", aemp_int(2));
	aemp_map_put(m, "x", aemp_int(3));
	EXPECT_INT(2, aemp_len(m));
	EXPECT_STR("x", aemp_map_key_at(m, 0, NULL));
	EXPECT_INT(3, aemp_as_int(aemp_map_get(m, "x"), NULL));
	aemp_unref(m);
}

DEF_TEST(value, as_int)
{
	struct aemp_val	*v;
	int		 ok;

	v = aemp_str("42");
	EXPECT_INT(42, aemp_as_int(v, &ok));
	EXPECT_INT(1, ok);
	aemp_unref(v);
	v = aemp_str("-7");
	EXPECT_INT(-7, aemp_as_int(v, &ok));
	aemp_unref(v);
	v = aemp_str("42x");
	EXPECT_INT(0, aemp_as_int(v, &ok));
	EXPECT_INT(0, ok);
	aemp_unref(v);
	v = aemp_str("");
	aemp_as_int(v, &ok);
	EXPECT_INT(0, ok);
	aemp_unref(v);
	v = aemp_str("99999999999999999999");
	aemp_as_int(v, &ok);
	EXPECT_INT(0, ok);
	aemp_unref(v);
	v = aemp_double(3.0);
	EXPECT_INT(3, aemp_as_int(v, &ok));
	EXPECT_INT(1, ok);
	aemp_unref(v);
	v = aemp_double(3.5);
	aemp_as_int(v, &ok);
	EXPECT_INT(0, ok);
	aemp_unref(v);
	v = aemp_double(1e300);
	aemp_as_int(v, &ok);
	EXPECT_INT(0, ok);
	aemp_unref(v);
	EXPECT_INT(1, aemp_as_int(aemp_bool(1), &ok));
	EXPECT_INT(1, ok);
	aemp_as_int(aemp_null(), &ok);
	EXPECT_INT(0, ok);
}

DEF_TEST(value, as_double)
{
	struct aemp_val	*v;
	int		 ok;

	v = aemp_str("1796325562.0036");
	EXPECT_TRUE(aemp_as_double(v, &ok) == 1796325562.0036);
	EXPECT_INT(1, ok);
	aemp_unref(v);
	v = aemp_str("inf");
	aemp_as_double(v, &ok);
	EXPECT_INT(0, ok);
	aemp_unref(v);
	v = aemp_str("0x10");
	aemp_as_double(v, &ok);
	EXPECT_INT(0, ok);
	aemp_unref(v);
	v = aemp_int(5);
	EXPECT_TRUE(aemp_as_double(v, &ok) == 5.0);
	aemp_unref(v);
}

DEF_TEST(value, truthy)
{
	const char	*falsy[] = { "", "0" };
	const char	*truthy[] = { "00", "0.0", " ", "a", "1" };
	struct aemp_val	*v;
	size_t		 i;

	EXPECT_INT(0, aemp_truthy(aemp_null()));
	EXPECT_INT(0, aemp_truthy(NULL));
	EXPECT_INT(0, aemp_truthy(aemp_bool(0)));
	EXPECT_INT(1, aemp_truthy(aemp_bool(1)));
	for (i = 0; i < 2; i++) {
		v = aemp_str(falsy[i]);
		EXPECT_INT(0, aemp_truthy(v));
		aemp_unref(v);
	}
	for (i = 0; i < 5; i++) {
		v = aemp_str(truthy[i]);
		EXPECT_INT(1, aemp_truthy(v));
		aemp_unref(v);
	}
	v = aemp_int(0);
	EXPECT_INT(0, aemp_truthy(v));
	aemp_unref(v);
	v = aemp_double(0.0);
	EXPECT_INT(0, aemp_truthy(v));
	aemp_unref(v);
	v = aemp_array_new(0);
	EXPECT_INT(1, aemp_truthy(v));
	aemp_unref(v);
}

static struct aemp_val *
build(int n42_as_string, int order)
{
	struct aemp_val	*m, *a;

	a = aemp_array_new(0);
	aemp_array_push(a, n42_as_string ? aemp_str("42") : aemp_int(42));
	aemp_array_push(a, aemp_str("x"));
	aemp_array_push(a, aemp_null());
	m = aemp_map_new(0);
	if (order) {
		aemp_map_put(m, "a", a);
		aemp_map_put(m, "b", aemp_double(1.5));
	} else {
		aemp_map_put(m, "b", aemp_double(1.5));
		aemp_map_put(m, "a", a);
	}
	return m;
}

DEF_TEST(value, equal)
{
	struct aemp_val	*a, *b, *c, *d;

	a = build(0, 0);
	b = build(1, 1);
	EXPECT_INT(1, aemp_equal(a, b));
	EXPECT_INT(1, aemp_equal(a, a));
	aemp_unref(b);

	b = aemp_int(3);
	c = aemp_double(3.0);
	EXPECT_INT(1, aemp_equal(b, c));
	EXPECT_INT(0, aemp_equal(a, b));
	aemp_unref(c);
	c = aemp_str("3.0");
	EXPECT_INT(1, aemp_equal(b, c));
	d = aemp_str("3");
	EXPECT_INT(0, aemp_equal(c, d));
	EXPECT_INT(1, aemp_equal(d, b));
	aemp_unref(c);
	c = aemp_str("three");
	EXPECT_INT(0, aemp_equal(c, b));
	aemp_unref(c);
	c = aemp_str("");
	EXPECT_INT(1, aemp_equal(aemp_bool(0), c));
	EXPECT_INT(0, aemp_equal(aemp_bool(1), c));
	EXPECT_INT(0, aemp_equal(aemp_null(), c));
	EXPECT_INT(1, aemp_equal(aemp_null(), NULL));
	aemp_unref(c);
	aemp_unref(b);
	aemp_unref(d);

	b = build(0, 0);
	aemp_unref(a);
	a = aemp_map_new(0);
	aemp_map_put(a, "a", aemp_int(1));
	aemp_map_put(a, "c", aemp_int(1));
	EXPECT_INT(0, aemp_equal(a, b));
	aemp_unref(a);
	aemp_unref(b);
}

DEF_TEST(value, strerror)
{
	EXPECT_STR("success", aemp_strerror(0));
	EXPECT_STR("out of memory", aemp_strerror(AEMP_ERR_NOMEM));
	EXPECT_STR("refused by policy", aemp_strerror(AEMP_ERR_DENIED));
	EXPECT_STR("unknown error", aemp_strerror(-100));
	EXPECT_STR("unknown error", aemp_strerror(5));
}

int
main(void)
{
	RUN_TEST(value, scalars);
	RUN_TEST(value, array);
	RUN_TEST(value, map);
	RUN_TEST(value, as_int);
	RUN_TEST(value, as_double);
	RUN_TEST(value, truthy);
	RUN_TEST(value, equal);
	RUN_TEST(value, strerror);
	return END_TESTS();
}
