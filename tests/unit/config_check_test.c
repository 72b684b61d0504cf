/*
 * Unit tests of host/cli/config-check.c: which config values are
 * refused, and that the reasons name the value, key, profile and file.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "testing.h"

/* The verdict on key = JSON text; *why freed unless wanted. */
static int
check(const char *key, const char *json, char **whyp)
{
	struct aemp_val	*v = NULL;
	char		*why = NULL;
	int		 r;

	if (aemp_from_json(json, strlen(json), &v, NULL) != 0) {
		fprintf(stderr, "bad test JSON %s\n", json);
		exit(2);
	}
	r = config_check_value(key, v, &why);
	aemp_unref(v);
	if (whyp != NULL)
		*whyp = why;
	else
		free(why);
	return r;
}

DEF_TEST(value, numbers)
{
	EXPECT_INT(0, check("heartbeat", "0", NULL));
	EXPECT_INT(0, check("heartbeat", "2.5", NULL));
	EXPECT_INT(0, check("heartbeat", "\"5\"", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("heartbeat", "-1", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("heartbeat", "\"abc\"", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("heartbeat", "true", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("heartbeat", "[]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("monitor_timeout", "0", NULL));
	EXPECT_INT(0, check("monitor_timeout", "0.1", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("connect_interval", "-0.5", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("connect_interval", "1e9", NULL));
	EXPECT_INT(0, check("max_frame", "1024", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("max_frame", "1023", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("max_frame", "2048.5", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("max_frame", "1e12", NULL));
	EXPECT_INT(0, check("max_queue", "16777216", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("max_queue", "0", NULL));
}

DEF_TEST(value, booleans)
{
	EXPECT_INT(0, check("secure", "true", NULL));
	EXPECT_INT(0, check("secure", "false", NULL));
	EXPECT_INT(0, check("autocork", "0", NULL));
	EXPECT_INT(0, check("nodelay", "1", NULL));
	EXPECT_INT(0, check("nodelay", "\"1\"", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("secure", "2", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("secure", "\"yes\"", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("secure", "null", NULL));
}

DEF_TEST(value, nodeid)
{
	char	*why;

	EXPECT_INT(0, check("nodeid", "\"aemp/%n/%u\"", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("nodeid", "\"a#b\"", &why));
	EXPECT_TRUE(why != NULL && strstr(why, "\"a#b\"") == why &&
	    strchr(why, '#') != NULL);
	free(why);
	EXPECT_INT(AEMP_ERR_INVAL, check("nodeid", "\"\"", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("nodeid", "\"a\\nb\"", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("nodeid", "5", NULL));
}

DEF_TEST(value, addresses)
{
	char	*why;

	EXPECT_INT(0, check("binds", "[\"*\",\"*:*\",\"127.0.0.1:*\","
	    "\"[::1]:1\",\"a-b.example:65535\",\"host\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("binds", "[\"a:1\",\"b:0\"]",
	    &why));
	EXPECT_TRUE(why != NULL && strncmp(why, "entry 2, \"b:0\"", 14) == 0);
	free(why);
	EXPECT_INT(AEMP_ERR_INVAL, check("binds", "[\"x:65536\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("binds", "[\"::1\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("binds", "[\"[zz]:1\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("binds", "[\":1\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("binds", "[\"300.1.1.1:1\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("binds", "[5]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("binds", "\"a:1\"", NULL));
	EXPECT_INT(0, check("seeds", "[\"4040\",\"*:4040\",\"[::1]:2\"]",
	    NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("seeds", "[\"host\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("seeds", "[\"host:*\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("seeds", "[\"0\"]", NULL));
}

DEF_TEST(value, names)
{
	struct aemp_val	*e;
	char		*why;

	EXPECT_INT(0, check("framing_format", "[\"cbor\",\"json\"]", NULL));
	/* the reference's default list, as a shared file may hold it */
	EXPECT_INT(0, check("framing_format",
	    "[\"cbor\",\"json\",\"storable\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("framing_format", "[]", NULL));
	EXPECT_INT(0, check("auth_accept", "[\"tls_sha3_512\",\"tls_anon\","
	    "\"cleartext\",\"hmac_sha3_512\"]", NULL));
	EXPECT_INT(AEMP_ERR_INVAL, check("auth_offer", "[\"md5\"]", NULL));

	e = aemp_str("xml");
	EXPECT_INT(AEMP_ERR_INVAL, config_check_entry("framing_format", e,
	    &why));
	EXPECT_TRUE(why != NULL &&
	    strstr(why, "json, cbor or storable") != NULL);
	free(why);
	EXPECT_INT(0, config_check_entry("services", e, &why));
	EXPECT_TRUE(why == NULL);
	aemp_unref(e);

	/* Keys without a rule take anything of the right type. */
	EXPECT_INT(0, check("spawn_allow", "[\"x::*\"]", NULL));
	EXPECT_INT(0, check("version", "1", NULL));
}

DEF_TEST(file, names_file_profile_and_key)
{
	struct config	 cfg;
	const char	*json = "{\"version\":1,\"profile\":{\"a\":"
	    "{\"parent\":\"b\"},\"b\":{\"heartbeat\":-1,\"parent\":\"a\"},"
	    "\"other\":{\"nodeid\":\"x#y\"}}}";
	char		*why = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.path = xstrdup("/some/rc");
	aemp_from_json(json, strlen(json), &cfg.root, NULL);

	EXPECT_INT(0, config_check_file(&cfg, NULL, &why));
	EXPECT_INT(0, config_check_file(&cfg, "missing", &why));
	EXPECT_INT(AEMP_ERR_INVAL, config_check_file(&cfg, "a", &why));
	EXPECT_STR("/some/rc: profile b: heartbeat: -1: must be a number "
	    "of seconds from 0 (off) to 86400", why);
	free(why);
	EXPECT_INT(AEMP_ERR_INVAL, config_check_file(&cfg, "other", &why));
	EXPECT_TRUE(why != NULL && strstr(why, "profile other: nodeid: ") !=
	    NULL);
	free(why);
	config_free(&cfg);

	cfg.path = xstrdup("/some/rc");
	json = "{\"profile\":5}";
	aemp_from_json(json, strlen(json), &cfg.root, NULL);
	EXPECT_INT(AEMP_ERR_TYPE, config_check_file(&cfg, "a", &why));
	EXPECT_STR("/some/rc: \"profile\" must be an object holding the "
	    "profiles", why);
	free(why);
	config_free(&cfg);
}

int
main(void)
{
	RUN_TEST(value, numbers);
	RUN_TEST(value, booleans);
	RUN_TEST(value, nodeid);
	RUN_TEST(value, addresses);
	RUN_TEST(value, names);
	RUN_TEST(file, names_file_profile_and_key);
	return END_TESTS();
}
