/*
 * Unit tests of host/base/util.c: port ID splitting, host name, clock.
 */

#include "config.h"

#include <sys/utsname.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base.h"
#include "testing.h"

DEF_TEST(util, node_of)
{
	char	*s;

	s = util_node_of("aemp/vm/2J6mDlPOjA#b");
	EXPECT_STR("aemp/vm/2J6mDlPOjA", s);
	free(s);
	s = util_node_of("seed");
	EXPECT_STR("seed", s);
	free(s);
	s = util_node_of("n#a#b");
	EXPECT_STR("n", s);
	free(s);
	s = util_node_of("#x");
	EXPECT_STR("", s);
	free(s);
}

DEF_TEST(util, port_name)
{
	EXPECT_STR("b", util_port_name("aemp/vm/2J6mDlPOjA#b"));
	EXPECT_STR("", util_port_name("seed"));
	EXPECT_STR("a#b", util_port_name("n#a#b"));
	EXPECT_STR("", util_port_name("n#"));
}

DEF_TEST(util, hostname)
{
	struct utsname	 u;

	uname(&u);
	EXPECT_STR(u.nodename, util_hostname());
	EXPECT_TRUE(util_hostname() == util_hostname());
}

DEF_TEST(util, now)
{
	double	 a, b;

	a = util_now();
	b = util_now();
	EXPECT_TRUE(b >= a);
	EXPECT_TRUE(a - (double)time(NULL) < 2 && (double)time(NULL) - a < 2);
}

int
main(void)
{
	RUN_TEST(util, node_of);
	RUN_TEST(util, port_name);
	RUN_TEST(util, hostname);
	RUN_TEST(util, now);
	return END_TESTS();
}
