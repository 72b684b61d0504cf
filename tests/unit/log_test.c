/*
 * Unit tests of host/base/log.c: the line format, thresholds and the
 * environment, node and module prefixes, escaping, libevent's messages
 * and fatal exits.  stderr is redirected to a file and read back.
 */

#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "base.h"
#include "testing.h"

static int
matches(const char *re, const char *s)
{
	regex_t	 r;
	int	 ok;

	if (regcomp(&r, re, REG_EXTENDED | REG_NEWLINE) != 0)
		return 0;
	ok = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	if (!ok)
		printf("  /%s/ does not match \"%s\"\n", re, s);
	return ok;
}

#define STAMP							\
	"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} "

DEF_TEST(log, format)
{
	const char	*out;

	log_threshold = AEMP_LOG_NOTE;
	capture_start();
	log_note("hello %d", 42);
	log_info("hidden");
	log_error_r(AEMP_ERR_NOENT, "open %s", "x");
	log_warn_f("careful");
	log_set_node("aemp/vm/2J6mDlPOjA");
	aemp_log(AEMP_LOG_WARN, "from %s", "sdk");
	aemp_log(AEMP_LOG_DEBUG, "hidden too");
	log_set_node(NULL);
	log_at(AEMP_LOG_FATAL, "lvl1");
	log_at(AEMP_LOG_CRIT, "lvl3");
	out = capture_end();
	EXPECT_TRUE(matches(STAMP "note \\[-\\] hello 42\n"
	    STAMP "error \\[-\\] open x: not found\n"
	    STAMP "warn \\[-\\] test_log_format: careful\n"
	    STAMP "warn \\[aemp/vm/2J6mDlPOjA\\] from sdk\n"
	    STAMP "fatal \\[-\\] lvl1\n"
	    STAMP "crit \\[-\\] lvl3\n$", out));
}

DEF_TEST(log, lines)
{
	const char	*out;
	char		 big[3000];

	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	capture_start();
	log_note("one\ntwo\x1b[31m\tend\n");
	log_note("%s", big);
	log_note("%s", "");
	out = capture_end();
	EXPECT_TRUE(matches(STAMP "note \\[-\\] one\n"
	    STAMP "note \\[-\\] two\\\\x1b\\[31m\tend\n"
	    STAMP "note \\[-\\] b{2999}\n"
	    STAMP "note \\[-\\] \n$", out));
}

DEF_TEST(log, prefix)
{
	const char	*out;
	int		 i;

	capture_start();
	log_push_prefix("chat");
	aemp_log(AEMP_LOG_NOTE, "in chat");
	log_push_prefix("cbor plugin");
	log_note("nested");
	log_pop_prefix();
	log_note("back");
	log_pop_prefix();
	log_pop_prefix();
	log_note("none");
	for (i = 0; i < 40; i++)
		log_push_prefix("deep");
	log_note("very deep");
	for (i = 0; i < 40; i++)
		log_pop_prefix();
	log_note("none again");
	out = capture_end();
	EXPECT_TRUE(matches(STAMP "note \\[-\\] chat: in chat\n"
	    STAMP "note \\[-\\] cbor plugin: nested\n"
	    STAMP "note \\[-\\] chat: back\n"
	    STAMP "note \\[-\\] none\n"
	    STAMP "note \\[-\\] very deep\n"
	    STAMP "note \\[-\\] none again\n$", out));
}

DEF_TEST(log, escape)
{
	char	*s;

	s = log_escape("ab\n\x01\xff\\c", 7, 0);
	EXPECT_STR("ab\\x0a\\x01\\xff\\\\c", s);
	free(s);
	s = log_escape("abcdef", 6, 3);
	EXPECT_STR("abc...", s);
	free(s);
	s = log_escape("abc", 3, 3);
	EXPECT_STR("abc", s);
	free(s);
	s = log_escape("a\0b", 3, 100);
	EXPECT_STR("a\\x00b", s);
	free(s);
	s = log_escape(NULL, 0, 10);
	EXPECT_STR("(null)", s);
	free(s);
}

DEF_TEST(log, env)
{
	setenv("AE_VERBOSE", "9", 1);
	unsetenv("AEMP_VERBOSE");
	unsetenv("AEMP_TRACE");
	setenv("PERL_ANYEVENT_MP_TRACE", "1", 1);
	log_init();
	EXPECT_INT(9, log_threshold);
	EXPECT_INT(1, log_trace_on);

	setenv("AEMP_VERBOSE", "4", 1);
	setenv("AEMP_TRACE", "0", 1);
	unsetenv("PERL_ANYEVENT_MP_TRACE");
	log_init();
	EXPECT_INT(4, log_threshold);
	EXPECT_INT(0, log_trace_on);

	unsetenv("AEMP_VERBOSE");
	unsetenv("AE_VERBOSE");
	setenv("AEMP_TRACE", "1", 1);
	log_init();
	EXPECT_INT(6, log_threshold);
	EXPECT_INT(1, log_trace_on);

	setenv("AEMP_VERBOSE", "junk", 1);
	log_init();
	EXPECT_INT(6, log_threshold);
	unsetenv("AEMP_VERBOSE");
	unsetenv("AEMP_TRACE");
}

DEF_TEST(log, libevent)
{
	struct event_config	*cfg;
	struct event_base	*base;
	const char		*out;

	log_init();
	cfg = event_config_new();
	event_config_avoid_method(cfg, "epoll");
	event_config_avoid_method(cfg, "poll");
	event_config_avoid_method(cfg, "select");
	capture_start();
	base = event_base_new_with_config(cfg);
	out = capture_end();
	EXPECT_TRUE(base == NULL);
	EXPECT_TRUE(matches(STAMP "warn \\[-\\] libevent: .*no event "
	    "mechanism", out));
	event_config_free(cfg);
}

static int
child_status(int with_errno)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == 0) {
		errno = ENOENT;
		if (with_errno)
			fatal("open %s", "f");
		fatalx("bad %d", 1);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

DEF_TEST(log, fatal)
{
	const char	*out;

	capture_start();
	EXPECT_INT(1, child_status(1));
	EXPECT_INT(1, child_status(0));
	out = capture_end();
	EXPECT_TRUE(matches(STAMP "fatal \\[-\\] open f: No such file or "
	    "directory\n" STAMP "fatal \\[-\\] bad 1\n$", out));
}

int
main(void)
{
	RUN_TEST(log, format);
	RUN_TEST(log, lines);
	RUN_TEST(log, prefix);
	RUN_TEST(log, escape);
	RUN_TEST(log, env);
	RUN_TEST(log, libevent);
	RUN_TEST(log, fatal);
	return END_TESTS();
}
