/*
 * Unit tests of host/base/settings.c: getters, their defaults and the
 * conversions they accept.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base.h"
#include "testing.h"

DEF_TEST(settings, unset)
{
	EXPECT_TRUE(settings_all() == NULL);
	EXPECT_TRUE(settings_get("secret") == NULL);
	EXPECT_TRUE(settings_number("heartbeat", 5) == 5);
	EXPECT_INT(1, settings_bool("nodelay", 1));
	EXPECT_STR("dflt", settings_string("secret", "dflt"));
}

DEF_TEST(settings, getters)
{
	struct aemp_val	*m;

	m = aemp_pack("{s s s s s i s f s s s s s s s [] s s s n}",
	    "secret", "s3", "heartbeat", "2.5", "max_frame", 1024,
	    "monitor_timeout", 0.5, "secure", "0", "nodelay", "",
	    "autocork", "yes", "seeds", "bad", "x", "nul");
	settings_set(aemp_ref(aemp_at(m, 0)));
	aemp_unref(m);

	EXPECT_INT(10, aemp_len(settings_all()));
	EXPECT_STR("s3", settings_string("secret", NULL));
	EXPECT_TRUE(settings_string("max_frame", NULL) == NULL);
	EXPECT_TRUE(settings_number("heartbeat", 5) == 2.5);
	EXPECT_TRUE(settings_number("max_frame", 0) == 1024);
	EXPECT_TRUE(settings_number("monitor_timeout", 30) == 0.5);
	EXPECT_TRUE(settings_number("bad", 7) == 7);
	EXPECT_TRUE(settings_number("seeds", 7) == 7);
	EXPECT_INT(0, settings_bool("secure", 1));
	EXPECT_INT(0, settings_bool("nodelay", 1));
	EXPECT_INT(1, settings_bool("autocork", 1));
	EXPECT_INT(1, settings_bool("seeds", 0));
	EXPECT_INT(1, settings_bool("nul", 1));
	EXPECT_INT(0, settings_bool("nul", 0));
	EXPECT_INT(AEMP_T_ARRAY, aemp_type(settings_get("seeds")));

	/* Replacing drops the old map; a non-map is refused. */
	settings_set(aemp_map_new(0));
	EXPECT_INT(0, aemp_len(settings_all()));
	settings_set(aemp_int(1));
	EXPECT_TRUE(settings_all() == NULL);
	settings_free();
	EXPECT_TRUE(settings_all() == NULL);
}

int
main(void)
{
	log_threshold = 0;
	RUN_TEST(settings, unset);
	RUN_TEST(settings, getters);
	return END_TESTS();
}
