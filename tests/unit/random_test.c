/*
 * Unit tests of host/base/random.c: alphabet, lengths, the RUNIQ shape
 * and a rough uniformity check.
 */

#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "testing.h"

DEF_TEST(random, bytes)
{
	unsigned char	 a[32], b[32];

	EXPECT_INT(0, random_bytes(a, sizeof a));
	EXPECT_INT(0, random_bytes(b, sizeof b));
	EXPECT_TRUE(memcmp(a, b, sizeof a) != 0);
	EXPECT_INT(0, random_bytes(a, 0));
}

DEF_TEST(random, alnum)
{
	static char	 s[62 * 2000 + 1];
	int		 count[256], i, bad = 0, lo = 1 << 30, hi = 0;

	memset(s, '!', sizeof s);
	random_alnum(s, sizeof s - 1);
	EXPECT_INT('!', s[sizeof s - 1]);
	memset(count, 0, sizeof count);
	for (i = 0; i < (int)sizeof s - 1; i++) {
		if (!isalnum((unsigned char)s[i]))
			bad++;
		count[(unsigned char)s[i]]++;
	}
	EXPECT_INT(0, bad);
	for (i = 0; i < 256; i++) {
		if (!isalnum(i))
			continue;
		if (count[i] < lo)
			lo = count[i];
		if (count[i] > hi)
			hi = count[i];
	}
	/* 2000 expected per character; 6 sigma is about 270. */
	printf("  (per character: min %d, max %d of 2000)\n", lo, hi);
	EXPECT_TRUE(lo > 1700 && hi < 2300);
}

DEF_TEST(random, runiq)
{
	char	 a[11], b[11];
	int	 i, bad = 0;

	for (i = 0; i < 1000; i++) {
		memset(a, 'x', sizeof a);
		random_runiq(a);
		if (strlen(a) != 10 || !(isupper((unsigned char)a[9]) ||
		    isdigit((unsigned char)a[9])))
			bad++;
	}
	EXPECT_INT(0, bad);
	random_runiq(b);
	EXPECT_TRUE(strcmp(a, b) != 0);
}

int
main(void)
{
	RUN_TEST(random, bytes);
	RUN_TEST(random, alnum);
	RUN_TEST(random, runiq);
	return END_TESTS();
}
