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
#include <unistd.h>

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

static char	 testing_captured[8192];
static int	 testing_saved_fd = -1;
static FILE	*testing_capture_file;

/* Send stderr (the log) to a file until capture_end. */
static inline void
capture_start(void)
{
	fflush(stderr);
	testing_capture_file = tmpfile();
	testing_saved_fd = dup(STDERR_FILENO);
	dup2(fileno(testing_capture_file), STDERR_FILENO);
}

/* Restore stderr; returns what was written to it meanwhile. */
static inline const char *
capture_end(void)
{
	size_t	 n;

	fflush(stderr);
	dup2(testing_saved_fd, STDERR_FILENO);
	close(testing_saved_fd);
	rewind(testing_capture_file);
	n = fread(testing_captured, 1, sizeof testing_captured - 1,
	    testing_capture_file);
	testing_captured[n] = '\0';
	fclose(testing_capture_file);
	return testing_captured;
}

#endif /* TESTING_H */
