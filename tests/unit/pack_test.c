/*
 * Unit tests of host/base/pack.c: every pack and unpack format item,
 * nesting, counts and refusals.
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "testing.h"

DEF_TEST(pack, scalars)
{
	struct aemp_val	*a, *keep;
	size_t		 len;

	keep = aemp_str("kept");
	a = aemp_pack("s S i I f b n v V s v", "str", "a\0bc", (size_t)3, -5,
	    (int64_t)1 << 40, 2.5, 1, keep, aemp_int(9), NULL, NULL);
	EXPECT_TRUE(a != NULL);
	EXPECT_INT(11, aemp_len(a));
	EXPECT_STR("str", aemp_str_ptr(aemp_at(a, 0), NULL));
	aemp_str_ptr(aemp_at(a, 1), &len);
	EXPECT_INT(3, len);
	EXPECT_INT(-5, aemp_as_int(aemp_at(a, 2), NULL));
	EXPECT_TRUE(aemp_as_int(aemp_at(a, 3), NULL) == (int64_t)1 << 40);
	EXPECT_INT(AEMP_T_DOUBLE, aemp_type(aemp_at(a, 4)));
	EXPECT_INT(AEMP_T_BOOL, aemp_type(aemp_at(a, 5)));
	EXPECT_INT(AEMP_T_NULL, aemp_type(aemp_at(a, 6)));
	EXPECT_TRUE(aemp_at(a, 7) == keep);
	EXPECT_INT(9, aemp_as_int(aemp_at(a, 8), NULL));
	EXPECT_INT(AEMP_T_NULL, aemp_type(aemp_at(a, 9)));
	EXPECT_INT(AEMP_T_NULL, aemp_type(aemp_at(a, 10)));
	aemp_unref(a);
	EXPECT_STR("kept", aemp_str_ptr(keep, NULL));
	aemp_unref(keep);

	a = aemp_pack("");
	EXPECT_INT(AEMP_T_ARRAY, aemp_type(a));
	EXPECT_INT(0, aemp_len(a));
	aemp_unref(a);
}

DEF_TEST(pack, nested)
{
	struct aemp_val	*a, *m, *in;

	a = aemp_pack("s [i [s] {}] { s i s [n] } []", "tag", 1, "deep",
	    "k", 2, "l");
	EXPECT_TRUE(a != NULL);
	EXPECT_INT(4, aemp_len(a));
	in = aemp_at(a, 1);
	EXPECT_INT(3, aemp_len(in));
	EXPECT_STR("deep", aemp_str_ptr(aemp_at(aemp_at(in, 1), 0), NULL));
	EXPECT_INT(AEMP_T_MAP, aemp_type(aemp_at(in, 2)));
	m = aemp_at(a, 2);
	EXPECT_INT(2, aemp_len(m));
	EXPECT_INT(2, aemp_as_int(aemp_map_get(m, "k"), NULL));
	EXPECT_INT(1, aemp_len(aemp_map_get(m, "l")));
	EXPECT_INT(0, aemp_len(aemp_at(a, 3)));
	aemp_unref(a);
}

DEF_TEST(pack, bad)
{
	EXPECT_TRUE(aemp_pack("x") == NULL);
	EXPECT_TRUE(aemp_pack("[i", 1) == NULL);
	EXPECT_TRUE(aemp_pack("i]", 1) == NULL);
	EXPECT_TRUE(aemp_pack("{i i}", 1, 2) == NULL);
	EXPECT_TRUE(aemp_pack("{s}", "k") == NULL);
	EXPECT_TRUE(aemp_pack("{s i}", NULL, 1) == NULL);
	EXPECT_TRUE(aemp_pack(NULL) == NULL);
}

DEF_TEST(pack, unpack)
{
	struct aemp_val	*a, *v = NULL;
	const char	*s = NULL;
	int64_t		 I = 0;
	double		 f = 0;
	int		 i = 0, b = 0;

	a = aemp_pack("s s f b [s] i", "tag", "12", 0.5, 1, "x", 3);
	EXPECT_INT(0, aemp_unpack(a, "s I f b v .", &s, &I, &f, &b, &v));
	EXPECT_STR("tag", s);
	EXPECT_INT(12, I);
	EXPECT_TRUE(f == 0.5);
	EXPECT_INT(1, b);
	EXPECT_INT(AEMP_T_ARRAY, aemp_type(v));
	EXPECT_INT(0, aemp_unpack(a, "s i *", &s, &i));
	EXPECT_INT(12, i);
	EXPECT_INT(0, aemp_unpack(a, ". . . . [s] i", &s, &i));
	EXPECT_STR("x", s);
	EXPECT_INT(3, i);

	/* Counts. */
	EXPECT_INT(AEMP_ERR_RANGE, aemp_unpack(a, "s s", &s, &s));
	EXPECT_INT(AEMP_ERR_RANGE,
	    aemp_unpack(a, ". . . . . . s", &s));
	EXPECT_INT(AEMP_ERR_RANGE, aemp_unpack(a, ". . . . [] *"));

	/* Types. */
	EXPECT_INT(AEMP_ERR_TYPE, aemp_unpack(a, "i *", &i));
	EXPECT_INT(AEMP_ERR_TYPE, aemp_unpack(a, ". . . . s *", &s));
	EXPECT_INT(AEMP_ERR_TYPE, aemp_unpack(a, "[ *] *"));
	EXPECT_INT(AEMP_ERR_TYPE, aemp_unpack(aemp_null(), "*"));
	EXPECT_INT(AEMP_ERR_INVAL, aemp_unpack(a, "x *"));
	aemp_unref(a);

	a = aemp_pack("i s", 1, "");
	EXPECT_INT(AEMP_ERR_TYPE, aemp_unpack(a, "s *", &s));
	EXPECT_INT(0, aemp_unpack(a, ". b", &b));
	EXPECT_INT(0, b);
	aemp_unref(a);

	a = aemp_pack("s", "3000000000");
	EXPECT_INT(AEMP_ERR_TYPE, aemp_unpack(a, "i", &i));
	EXPECT_INT(0, aemp_unpack(a, "I", &I));
	EXPECT_TRUE(I == 3000000000LL);
	aemp_unref(a);
}

DEF_TEST(pack, optional)
{
	struct aemp_val	*a, *v = NULL;
	const char	*s1 = "unset", *s2 = "unset";
	int		 i = -1, j = -1;

	a = aemp_pack("s [i] s", "a", 1, "b");
	EXPECT_INT(0, aemp_unpack(a, "s ? v s", &s1, &v, &s2));
	EXPECT_STR("b", s2);
	EXPECT_INT(AEMP_ERR_TYPE, aemp_unpack(a, "s ? s", &s1, &s2));
	aemp_unref(a);

	a = aemp_pack("s", "only");
	s1 = s2 = "unset";
	EXPECT_INT(0, aemp_unpack(a, "s ? s i", &s1, &s2, &i));
	EXPECT_STR("only", s1);
	EXPECT_STR("unset", s2);
	EXPECT_INT(-1, i);
	aemp_unref(a);

	/* A short nested array still lets later items find their pointers. */
	a = aemp_pack("[i] i", 5, 6);
	EXPECT_INT(0, aemp_unpack(a, "[i ? i] i", &i, &j, &j));
	EXPECT_INT(5, i);
	EXPECT_INT(6, j);
	aemp_unref(a);
}

int
main(void)
{
	RUN_TEST(pack, scalars);
	RUN_TEST(pack, nested);
	RUN_TEST(pack, bad);
	RUN_TEST(pack, unpack);
	RUN_TEST(pack, optional);
	return END_TESTS();
}
