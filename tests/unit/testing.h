/*
 * testing.h: a tiny unit test harness.
 *
 *	DEF_TEST(group, name) { EXPECT_INT(1, x); }
 *	int main(void) { RUN_TEST(group, name); return END_TESTS(); }
 *
 * Each test prints "ok group/name" or "not ok group/name" with the failed
 * expectations; the program exits 0 only when every test passed.
 */

#ifndef TESTING_H
#define TESTING_H

#include <stdio.h>
#include <string.h>

static int	 testing_failures;
static int	 testing_current_failed;

#define DEF_TEST(group, name) static void test_##group##_##name(void)

#define RUN_TEST(group, name)						\
	do {								\
		testing_current_failed = 0;				\
		test_##group##_##name();				\
		printf("%s %s/%s\n", testing_current_failed ?		\
		    "not ok" : "ok", #group, #name);			\
		if (testing_current_failed)				\
			testing_failures++;				\
		fflush(stdout);						\
	} while (0)

#define END_TESTS() (testing_failures == 0 ? 0 : 1)

#define EXPECT_FAIL(...)						\
	do {								\
		printf("  %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		testing_current_failed = 1;				\
	} while (0)

#define EXPECT_TRUE(cond)						\
	do {								\
		if (!(cond))						\
			EXPECT_FAIL("expected true: %s", #cond);	\
	} while (0)

#define EXPECT_INT(expect, actual)					\
	do {								\
		long long e_ = (long long)(expect);			\
		long long a_ = (long long)(actual);			\
		if (e_ != a_)						\
			EXPECT_FAIL("%s: expected %lld, got %lld",	\
			    #actual, e_, a_);				\
	} while (0)

#define EXPECT_STR(expect, actual)					\
	do {								\
		const char *e_ = (expect), *a_ = (actual);		\
		if (a_ == NULL || strcmp(e_, a_) != 0)			\
			EXPECT_FAIL("%s: expected \"%s\", got \"%s\"",	\
			    #actual, e_, a_ ? a_ : "(null)");		\
	} while (0)

#endif /* TESTING_H */
