/*
 * Unit tests of host/cli/config.c and the node ID and value rules of
 * host/cli/configure.c.
 */

#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "testing.h"

static char	 dir[] = "/tmp/aemp-config-test.XXXXXX";
static char	 rc[256];

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static char *
read_file(const char *path)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	buf = calloc(1, 65536);
	len = fread(buf, 1, 65535, f);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static int
count_files(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

/* A config with root parsed from text, as if loaded from rc. */
static void
load_text(struct config *cfg, const char *text)
{
	char	*err = NULL;

	write_file(rc, text);
	EXPECT_INT(0, config_load(cfg, &err));
	if (err != NULL)
		EXPECT_FAIL("load: %s", err);
	free(err);
}

static const char *
str_at(struct aemp_val *m, const char *key, size_t i)
{
	struct aemp_val	*v = aemp_map_get(m, key);

	if (aemp_type(v) == AEMP_T_ARRAY)
		v = aemp_at(v, i);
	return aemp_str_ptr(v, NULL) != NULL ? aemp_str_ptr(v, NULL) : "";
}

static int64_t
int_of(struct aemp_val *m, const char *key)
{
	return aemp_as_int(aemp_map_get(m, key), NULL);
}

DEF_TEST(path, rules)
{
	setenv("AEMP_RC", "/x/aemp-rc", 1);
	setenv("PERL_ANYEVENT_MP_RC", "/x/perl-rc", 1);
	EXPECT_STR("/x/aemp-rc", config_path());

	unsetenv("AEMP_RC");
	EXPECT_STR("/x/perl-rc", config_path());

	unsetenv("PERL_ANYEVENT_MP_RC");
	setenv("HOME", "/home/someone", 1);
	EXPECT_STR("/home/someone/.perl-anyevent-mp", config_path());

	setenv("AEMP_RC", rc, 1);
}

DEF_TEST(load, missing_file_is_version_1)
{
	struct config	 cfg;
	char		*err = NULL;

	unlink(rc);
	EXPECT_INT(0, config_load(&cfg, &err));
	EXPECT_TRUE(err == NULL);
	EXPECT_INT(1, cfg.loaded);
	EXPECT_INT(1, int_of(cfg.root, "version"));
	EXPECT_INT(1, aemp_len(cfg.root));
	config_free(&cfg);
}

DEF_TEST(load, relaxed_comments_and_trailing_commas)
{
	struct config	 cfg;

	load_text(&cfg, "# a comment\n{\n \"version\" : 1, # why\n"
	    " \"binds\" : [ \"127.0.0.1:4040\", \"a#b\", ],\n"
	    " \"profile\" : { \"seed\" : { \"nodeid\" : \"seed\", }, },\n}\n");
	EXPECT_STR("127.0.0.1:4040", str_at(cfg.root, "binds", 0));
	EXPECT_STR("a#b", str_at(cfg.root, "binds", 1));
	EXPECT_INT(2, aemp_len(aemp_map_get(cfg.root, "binds")));
	EXPECT_STR("seed", str_at(config_target(&cfg, "seed"), "nodeid", 0));
	config_free(&cfg);
}

DEF_TEST(load, corrupt_file_refused_and_kept)
{
	struct config	 cfg;
	char		*err = NULL, *before, *after;

	write_file(rc, "{\"version\":1,,\n");
	before = read_file(rc);
	EXPECT_TRUE(config_load(&cfg, &err) != 0);
	EXPECT_TRUE(err != NULL && strncmp(err, rc, strlen(rc)) == 0);
	EXPECT_TRUE(err != NULL && strstr(err, ": line 1, column ") != NULL);
	EXPECT_INT(0, cfg.loaded);
	free(err);
	err = NULL;

	cfg.dirty = 1;
	EXPECT_TRUE(config_save(&cfg, &err) != 0);
	free(err);
	after = read_file(rc);
	EXPECT_STR(before, after);
	free(before);
	free(after);
	config_free(&cfg);
}

DEF_TEST(load, directory_is_unreadable)
{
	struct config	 cfg;
	char		*err = NULL;

	unlink(rc);
	mkdir(rc, 0700);
	EXPECT_TRUE(config_load(&cfg, &err) != 0);
	EXPECT_TRUE(err != NULL && strstr(err, rc) != NULL);
	EXPECT_INT(0, cfg.loaded);
	free(err);
	config_free(&cfg);
	rmdir(rc);
}

static const char chain_text[] =
    "{ \"version\":1, \"secret\":\"g\", \"binds\":[\"global\"],"
    "  \"monitor_timeout\":7,"
    "  \"profile\": {"
    "   \"base\": { \"binds\":[\"base\"], \"seeds\":[\"s-base\"],"
    "             \"connect_interval\":9 },"
    "   \"mid\":  { \"parent\":\"base\", \"seeds\":[\"s-mid\"] },"
    "   \"p\":    { \"parent\":\"mid\", \"nodeid\":\"pn\" },"
    "   \"l1\":   { \"parent\":\"l2\", \"x\":1 },"
    "   \"l2\":   { \"parent\":\"l1\", \"y\":2, \"x\":3 } } }";

static struct aemp_val *
chain_args(void)
{
	struct aemp_val	*a = aemp_map_new(4);

	aemp_map_put(a, "binds", configure_value("binds", "arg"));
	aemp_map_put(a, "nodeid", aemp_str("argn"));
	aemp_map_put(a, "heartbeat", aemp_int(9));
	aemp_map_put(a, "profile", aemp_str("p"));
	aemp_map_put(a, "norc", aemp_int(0));
	return a;
}

DEF_TEST(merge, precedence_and_parent_chain)
{
	struct config	 cfg;
	struct aemp_val	*args = chain_args(), *m;

	load_text(&cfg, chain_text);
	m = config_profile(&cfg, "p", args, 0);
	EXPECT_STR("base", str_at(m, "binds", 0));
	EXPECT_STR("s-mid", str_at(m, "seeds", 0));
	EXPECT_STR("pn", str_at(m, "nodeid", 0));
	EXPECT_STR("g", str_at(m, "secret", 0));
	EXPECT_INT(9, int_of(m, "connect_interval"));
	EXPECT_INT(7, int_of(m, "monitor_timeout"));
	EXPECT_INT(9, int_of(m, "heartbeat"));
	EXPECT_INT(67108864, int_of(m, "max_frame"));
	EXPECT_STR("cbor", str_at(m, "framing_format", 0));
	EXPECT_TRUE(aemp_map_get(m, "norc") == NULL);
	aemp_unref(m);

	m = config_profile(&cfg, "nosuch", args, 0);
	EXPECT_STR("global", str_at(m, "binds", 0));
	EXPECT_STR("argn", str_at(m, "nodeid", 0));
	aemp_unref(m);

	aemp_unref(args);
	config_free(&cfg);
}

DEF_TEST(merge, force_puts_arguments_on_top)
{
	struct config	 cfg;
	struct aemp_val	*args = chain_args(), *m;

	load_text(&cfg, chain_text);
	m = config_profile(&cfg, "p", args, 1);
	EXPECT_STR("arg", str_at(m, "binds", 0));
	EXPECT_STR("argn", str_at(m, "nodeid", 0));
	EXPECT_STR("s-mid", str_at(m, "seeds", 0));
	aemp_unref(m);

	m = config_profile(NULL, "p", args, 0);
	EXPECT_STR("arg", str_at(m, "binds", 0));
	EXPECT_TRUE(aemp_map_get(m, "secret") == NULL);
	EXPECT_INT(30, int_of(m, "monitor_timeout"));
	aemp_unref(m);

	aemp_unref(args);
	config_free(&cfg);
}

DEF_TEST(merge, parent_loop_terminates)
{
	struct config	 cfg;
	struct aemp_val	*m;

	load_text(&cfg, chain_text);
	m = config_profile(&cfg, "l1", NULL, 0);
	EXPECT_INT(1, int_of(m, "x"));
	EXPECT_INT(2, int_of(m, "y"));
	aemp_unref(m);
	config_free(&cfg);
}

static int
runiq_ok(const char *s)
{
	size_t	 i;

	if (strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	}
	return !(s[9] >= 'a' && s[9] <= 'z');
}

DEF_TEST(nodeid, expansion)
{
	const char	*host = util_hostname();
	char		*id, want[512];
	int		 rnd;

	id = configure_node_id("seed", "p", &rnd);
	EXPECT_STR("seed", id);
	EXPECT_INT(0, rnd);
	free(id);

	id = configure_node_id(NULL, "vm", &rnd);
	EXPECT_TRUE(id != NULL && strncmp(id, "vm/", 3) == 0 &&
	    runiq_ok(id + 3));
	EXPECT_INT(1, rnd);
	free(id);

	snprintf(want, sizeof want, "aemp/%s/", host);
	id = configure_node_id("aemp/%n/%u", "aemp", &rnd);
	EXPECT_TRUE(id != NULL && strncmp(id, want, strlen(want)) == 0 &&
	    runiq_ok(id + strlen(want)));
	EXPECT_INT(1, rnd);
	free(id);

	id = configure_node_id("%n", "p", &rnd);
	EXPECT_STR(host, id);
	EXPECT_INT(0, rnd);
	free(id);

	id = configure_node_id("x/%u/", "p", &rnd);
	EXPECT_TRUE(id != NULL && strlen(id) == 23 && id[12] == '/' &&
	    memcmp(id + 2, id + 13, 10) == 0);
	free(id);

	EXPECT_TRUE(configure_node_id("", "p", &rnd) == NULL);
	EXPECT_TRUE(configure_node_id("a#b", "p", &rnd) == NULL);
}

DEF_TEST(value, text_shapes)
{
	struct aemp_val	*v;

	v = configure_value("binds", "127.0.0.1:4040");
	EXPECT_INT(AEMP_T_ARRAY, aemp_type(v));
	EXPECT_INT(1, aemp_len(v));
	aemp_unref(v);

	v = configure_value("seeds", "a:1,b:2");
	EXPECT_INT(2, aemp_len(v));
	EXPECT_STR("b:2", aemp_str_ptr(aemp_at(v, 1), NULL));
	aemp_unref(v);

	v = configure_value("binds", "[\"x:1\"]");
	EXPECT_STR("x:1", aemp_str_ptr(aemp_at(v, 0), NULL));
	aemp_unref(v);
	EXPECT_TRUE(configure_value("binds", "[oops") == NULL);

	v = configure_value("monitor_timeout", "5");
	EXPECT_INT(AEMP_T_INT, aemp_type(v));
	aemp_unref(v);

	v = configure_value("nodeid", "123");
	EXPECT_STR("123", aemp_str_ptr(v, NULL));
	aemp_unref(v);

	v = configure_normalize("services", aemp_str("chat::,echo::"));
	EXPECT_INT(2, aemp_len(v));
	aemp_unref(v);
}

DEF_TEST(save, atomic_and_private_with_secret)
{
	struct config	 cfg;
	struct stat	 st;
	char		*err = NULL;

	unlink(rc);
	EXPECT_INT(0, config_load(&cfg, &err));
	config_set(&cfg, NULL, "binds", configure_value("binds", "a:1"));
	config_set(&cfg, "seed", "nodeid", aemp_str("seed"));
	EXPECT_INT(0, config_save(&cfg, &err));
	EXPECT_INT(0, stat(rc, &st));
	EXPECT_INT(0644, st.st_mode & 0777);
	EXPECT_INT(1, count_files());

	config_set(&cfg, "seed", "secret", aemp_str("s3cret"));
	EXPECT_INT(1, cfg.dirty);
	EXPECT_INT(0, config_save(&cfg, &err));
	EXPECT_INT(0, cfg.dirty);
	EXPECT_INT(0, stat(rc, &st));
	EXPECT_INT(0600, st.st_mode & 0777);
	EXPECT_INT(1, count_files());
	config_free(&cfg);

	EXPECT_INT(0, config_load(&cfg, &err));
	EXPECT_STR("s3cret", str_at(config_target(&cfg, "seed"), "secret", 0));
	EXPECT_STR("a:1", str_at(cfg.root, "binds", 0));
	EXPECT_STR("version", aemp_map_key_at(cfg.root, 0, NULL));
	config_free(&cfg);
}

DEF_TEST(save, delete_keeps_order)
{
	struct config	 cfg;
	char		*err = NULL;

	load_text(&cfg, "{\"version\":1,\"a\":1,\"b\":2,\"c\":3}");
	config_set(&cfg, NULL, "b", NULL);
	config_set(&cfg, NULL, "a", aemp_int(5));
	EXPECT_INT(3, aemp_len(cfg.root));
	EXPECT_STR("a", aemp_map_key_at(cfg.root, 1, NULL));
	EXPECT_STR("c", aemp_map_key_at(cfg.root, 2, NULL));
	EXPECT_INT(5, int_of(cfg.root, "a"));
	config_set_profile(&cfg, "x", aemp_map_new(0));
	config_set_profile(&cfg, "x", NULL);
	EXPECT_INT(0, aemp_len(aemp_map_get(cfg.root, "profile")));
	EXPECT_INT(0, config_save(&cfg, &err));
	config_free(&cfg);
}

/* A TCP port on 127.0.0.1 that nobody listens on now. */
static int
free_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	int			 fd, port = 0;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

DEF_TEST(configure, once_with_merged_settings)
{
	struct aemp_val	*binds;
	char		 bind[64];

	snprintf(bind, sizeof bind, "127.0.0.1:%d", free_port());
	write_file(rc, "{\"version\":1,\"heartbeat\":7,"
	    "\"profile\":{\"u\":{\"nodeid\":\"unit/%u\"}}}");
	EXPECT_INT(0, aemp_configure("profile", "u", "binds", bind,
	    "monitor_timeout", "4", "heartbeat", "2", NULL));
	EXPECT_TRUE(strncmp(aemp_node(), "unit/", 5) == 0 &&
	    runiq_ok(aemp_node() + 5));

	binds = settings_get("binds");
	EXPECT_INT(1, aemp_len(binds));
	EXPECT_STR(bind, aemp_str_ptr(aemp_at(binds, 0), NULL));
	EXPECT_INT(4, (int)settings_number("monitor_timeout", 0));
	EXPECT_INT(7, (int)settings_number("heartbeat", 0));
	EXPECT_TRUE(settings_get("profile") == NULL);

	EXPECT_INT(AEMP_ERR_STATE, aemp_configure("profile", "x", NULL));
	EXPECT_TRUE(strncmp(aemp_node(), "unit/", 5) == 0);
	aemp_shutdown();
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(rc, sizeof rc, "%s/rc", dir);
	setenv("AEMP_RC", rc, 1);

	RUN_TEST(path, rules);
	RUN_TEST(load, missing_file_is_version_1);
	RUN_TEST(load, relaxed_comments_and_trailing_commas);
	RUN_TEST(load, corrupt_file_refused_and_kept);
	RUN_TEST(load, directory_is_unreadable);
	RUN_TEST(merge, precedence_and_parent_chain);
	RUN_TEST(merge, force_puts_arguments_on_top);
	RUN_TEST(merge, parent_loop_terminates);
	RUN_TEST(nodeid, expansion);
	RUN_TEST(value, text_shapes);
	RUN_TEST(save, atomic_and_private_with_secret);
	RUN_TEST(save, delete_keeps_order);
	RUN_TEST(configure, once_with_merged_settings);

	unlink(rc);
	rmdir(dir);
	return END_TESTS();
}
