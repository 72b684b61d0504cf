/*
 * load_test.c: the module loader with real modules (tests/unit/modules)
 * in a real host: lookup, descriptor checks, file checks, resolution,
 * the failure reasons (kind and text, exactly), caching, spawns.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "testing.h"

#define M	LOAD_TEST_MODDIR

static char	 tmp[PATH_MAX];		/* files made by the tests */
static char	 tmp2[PATH_MAX];	/* the caching test's folder */
static char	 pkgdir[PATH_MAX];	/* the installed services */
static struct aemp_val *reply;		/* last message to the test port */
static struct aemp_val *killed;		/* last monitor reason */

/* Settings with module_path dirs (a JSON list). */
static void
set_module_path(const char *json_list)
{
	struct aemp_val	*s, *v = NULL;
	char		*text;

	xasprintf(&text, "{\"module_path\": %s, \"monitor_timeout\": 30}",
	    json_list);
	if (aemp_from_json(text, strlen(text), &v, NULL) != 0)
		abort();
	s = v;
	settings_set(s);
	free(text);
}

/* Check a reason array: ("spawn_failed", kind, text). */
static void
expect_reason(struct aemp_val *reason, const char *kind, const char *text)
{
	if (reason == NULL) {
		EXPECT_FAIL("no reason, expected %s", kind);
		return;
	}
	EXPECT_INT(3, aemp_len(reason));
	EXPECT_STR("spawn_failed", aemp_str_ptr(aemp_at(reason, 0), NULL));
	EXPECT_STR(kind, aemp_str_ptr(aemp_at(reason, 1), NULL));
	EXPECT_STR(text, aemp_str_ptr(aemp_at(reason, 2), NULL));
}

/* Resolve name and check the failure. */
static void
expect_resolve_fails(const char *name, int remote, int err, const char *kind,
    const char *text)
{
	struct aemp_val	*reason = NULL;
	aemp_init_cb	 fn = NULL;

	EXPECT_INT(err, load_resolve(name, remote, &fn, &reason));
	EXPECT_TRUE(fn == NULL);
	expect_reason(reason, kind, text);
	aemp_unref(reason);
}

static int
resolve_ok(const char *name, int remote)
{
	struct aemp_val	*reason = NULL;
	aemp_init_cb	 fn = NULL;
	int		 r;

	r = load_resolve(name, remote, &fn, &reason);
	if (r != 0)
		printf("  %s: %s\n", name,
		    aemp_str_ptr(aemp_at(reason, 2), NULL));
	aemp_unref(reason);
	return (r == 0 && fn != NULL);
}

static void
write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	char	 t[PATH_MAX + 64];
	int	 fd;

	snprintf(t, sizeof t, "%s.new", path);
	if ((fd = open(t, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) != 0 ||
	    close(fd) != 0 || rename(t, path) != 0) {
		perror(path);
		exit(1);
	}
}

/* Copy file from to path with mode. */
static void
copy_file(const char *from, const char *path, mode_t mode)
{
	static char	 buf[1 << 20];
	FILE		*f;
	size_t		 n;

	if ((f = fopen(from, "rb")) == NULL) {
		perror(from);
		exit(1);
	}
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	write_file(path, buf, n, mode);
}

static char *
tried(const char *rel)
{
	char	*s;

	xasprintf(&s, "%s/%s.so, %s/%s.la, %s/%s.so, %s/%s.la, %s/%s.so, "
	    "%s/%s.la", M, rel, M, rel, tmp, rel, tmp, rel, pkgdir, rel,
	    pkgdir, rel);
	return (s);
}

DEF_TEST(path, module_not_found)
{
	char	*t = tried("nosuch"), *text;

	xasprintf(&text, "module nosuch not found (tried %s)", t);
	expect_resolve_fails("nosuch::f", 0, AEMP_ERR_NOENT,
	    "module_not_found", text);
	free(text);
	free(t);
}

DEF_TEST(path, module_not_found_nested)
{
	char	*t1 = tried("A/B"), *t2 = tried("A"), *text;

	xasprintf(&text, "no module for A::B::f found (tried %s, %s)", t1, t2);
	expect_resolve_fails("A::B::f", 1, AEMP_ERR_NOENT, "module_not_found",
	    text);
	free(text);
	free(t1);
	free(t2);
}

DEF_TEST(names, refused)
{
	const char	*bad[] = { "a/b::f", "..::f", "x::..", "x::y/../z",
			    "x y::f", "nocolons", "x:::f", "x::", "x::f\n" };
	struct aemp_val	*reason = NULL;
	char		*text, *safe;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		safe = log_escape(bad[i], strlen(bad[i]), 100);
		xasprintf(&text, "invalid function name '%s'", safe);
		expect_resolve_fails(bad[i], 1, AEMP_ERR_DENIED, "not_allowed",
		    text);
		free(text);
		free(safe);
	}

	EXPECT_INT(AEMP_ERR_DENIED, load_module("../evil",
	    AEMP_MODULE_SERVICE, &reason));
	expect_reason(reason, "not_allowed", "invalid module name '../evil'");
	aemp_unref(reason);
}

DEF_TEST(load, once)
{
	EXPECT_TRUE(getenv("AEMP_LOADTEST_LOADS") == NULL);
	EXPECT_TRUE(resolve_ok("loadtest::greet", 1));
	EXPECT_STR("1", getenv("AEMP_LOADTEST_LOADS"));
	EXPECT_TRUE(resolve_ok("loadtest::greet", 1));
	EXPECT_INT(0, load_module("loadtest", AEMP_MODULE_SERVICE, NULL));
	EXPECT_STR("1", getenv("AEMP_LOADTEST_LOADS"));
	EXPECT_TRUE(load_loaded("loadtest", AEMP_MODULE_SERVICE) != NULL);
}

DEF_TEST(load, remote_flag)
{
	expect_resolve_fails("loadtest::local_fn", 1, AEMP_ERR_DENIED,
	    "not_allowed", "loadtest::local_fn is not callable from the "
	    "network");
	EXPECT_TRUE(resolve_ok("loadtest::local_fn", 0));
}

DEF_TEST(load, no_such_function)
{
	expect_resolve_fails("loadtest::nope", 1, AEMP_ERR_NOENT,
	    "no_such_function", "module loadtest has no function nope");
}

DEF_TEST(load, nested)
{
	EXPECT_TRUE(resolve_ok("Nested::Deep::f", 1));
	EXPECT_TRUE(resolve_ok("Nested::Deep::g", 1));
	expect_resolve_fails("Nested::Other::h", 1, AEMP_ERR_NOENT,
	    "no_such_function", "module Nested has no function Other::h");
	expect_resolve_fails("Nested::Deep::zz", 1, AEMP_ERR_NOENT,
	    "no_such_function", "module Nested::Deep has no function zz");
}

DEF_TEST(load, abi_mismatch)
{
	expect_resolve_fails("badabi::f", 1, AEMP_ERR_ABI, "abi_mismatch",
	    M "/.libs/badabi.so was built for module ABI 99, this host has "
	    "ABI 1");
	EXPECT_TRUE(getenv("AEMP_BADABI_RAN") == NULL);
}

DEF_TEST(load, undefined_symbol)
{
	expect_resolve_fails("unresolved::f", 1, AEMP_ERR_IO, "load_failed",
	    "cannot load " M "/.libs/unresolved.so: " M "/.libs/unresolved.so:"
	    " undefined symbol: aemp_test_missing_symbol (check dependencies "
	    "with ldd)");
}

DEF_TEST(load, hook_fails)
{
	char	*text;

	xasprintf(&text, "load hook of module hookfail returned %d",
	    AEMP_ERR_STATE);
	expect_resolve_fails("hookfail::fn", 1, AEMP_ERR_STATE, "load_failed",
	    text);
	free(text);
}

DEF_TEST(load, wrong_kind)
{
	expect_resolve_fails("aplugin::x", 1, AEMP_ERR_TYPE, "load_failed",
	    M "/.libs/aplugin.so is a plugin, not a service");
}

DEF_TEST(load, codec)
{
	EXPECT_TRUE(codec_find("aplugin") == NULL);
	EXPECT_INT(0, load_codec("aplugin"));
	EXPECT_TRUE(codec_find("aplugin") != NULL);
	EXPECT_INT(0, load_codec("aplugin"));
	EXPECT_INT(AEMP_ERR_NOENT, load_codec("nocodec"));
}

DEF_TEST(files, refused)
{
	char	 path[PATH_MAX + 32], text[3 * PATH_MAX + 128];

	snprintf(path, sizeof path, "%s/perm.so", tmp);
	copy_file(M "/.libs/loadtest.so", path, 0666);
	chmod(path, 0666);
	snprintf(text, sizeof text, "%s is writable by others than its owner",
	    path);
	expect_resolve_fails("perm::f", 1, AEMP_ERR_DENIED, "not_allowed",
	    text);

	if (geteuid() == 0) {
		snprintf(path, sizeof path, "%s/owned.so", tmp);
		copy_file(M "/.libs/loadtest.so", path, 0644);
		if (chown(path, 4321, 4321) != 0)
			perror(path);
		snprintf(text, sizeof text, "%s belongs to uid 4321, neither "
		    "root nor this node's user", path);
		expect_resolve_fails("owned::f", 1, AEMP_ERR_DENIED,
		    "not_allowed", text);
	}

	snprintf(path, sizeof path, "%s/outside.so", tmp);
	if (symlink(M "/.libs/loadtest.so", path) != 0)
		perror(path);
	snprintf(text, sizeof text, "%s lies outside the module folder %s (it "
	    "is %s/.libs/loadtest.so)", path, tmp, M);
	expect_resolve_fails("outside::f", 1, AEMP_ERR_DENIED, "not_allowed",
	    text);

	snprintf(path, sizeof path, "%s/adir.so", tmp);
	mkdir(path, 0755);
	snprintf(text, sizeof text, "%s is not a regular file", path);
	expect_resolve_fails("adir::f", 1, AEMP_ERR_DENIED, "not_allowed",
	    text);

	snprintf(path, sizeof path, "%s/garbage.so", tmp);
	snprintf(text, sizeof text, "%-96s", "this is not an ELF object");
	write_file(path, text, strlen(text), 0644);
	snprintf(text, sizeof text, "cannot load %s: %s: invalid ELF header "
	    "(check dependencies with ldd)", path, path);
	expect_resolve_fails("garbage::f", 1, AEMP_ERR_IO, "load_failed",
	    text);
}

DEF_TEST(files, libtool_archive)
{
	char	 la[PATH_MAX + 32], want[PATH_MAX + 64], *target, *err;
	const char *inst = "# libtool\ndlname='x.so'\ninstalled=yes\n";
	const char *uninst = "dlname='x.so'\nlibdir='/elsewhere'\n"
	    "installed=no\n";
	const char *bad = "dlname='../x.so'\ninstalled=yes\n";

	snprintf(la, sizeof la, "%s/x.la", tmp);
	write_file(la, inst, strlen(inst), 0644);
	EXPECT_INT(0, load_path_la_target(la, &target, &err));
	snprintf(want, sizeof want, "%s/x.so", tmp);
	EXPECT_STR(want, target);
	free(target);

	write_file(la, uninst, strlen(uninst), 0644);
	EXPECT_INT(0, load_path_la_target(la, &target, &err));
	snprintf(want, sizeof want, "%s/.libs/x.so", tmp);
	EXPECT_STR(want, target);
	free(target);

	write_file(la, bad, strlen(bad), 0644);
	EXPECT_INT(AEMP_ERR_PARSE, load_path_la_target(la, &target, &err));
	snprintf(want, sizeof want, "%s names no shared object (dlname)", la);
	EXPECT_STR(want, err);
	free(err);
	unlink(la);
}

DEF_TEST(cache, until_changed)
{
	struct aemp_val	*r1 = NULL, *r2 = NULL;
	aemp_init_cb	 fn;
	char		 path[PATH_MAX + 32], list[PATH_MAX + 8];

	snprintf(list, sizeof list, "[\"%s\"]", tmp2);
	set_module_path(list);
	snprintf(path, sizeof path, "%s/cachetest.so", tmp2);
	write_file(path, "garbage", 7, 0644);

	EXPECT_INT(AEMP_ERR_IO, load_resolve("cachetest::fn", 1, &fn, &r1));
	EXPECT_INT(AEMP_ERR_IO, load_resolve("cachetest::fn", 1, &fn, &r2));
	EXPECT_TRUE(r1 != NULL && r1 == r2);
	EXPECT_STR("load_failed", aemp_str_ptr(aemp_at(r1, 1), NULL));
	aemp_unref(r1);
	aemp_unref(r2);

	copy_file(M "/.libs/cachetest.so", path, 0644);
	EXPECT_TRUE(resolve_ok("cachetest::fn", 1));
}

DEF_TEST(policy, spawn_allow_and_secure)
{
	struct aemp_val	*s = NULL;
	const char	*json;

	json = "{\"module_path\": [\"" M "\"], \"spawn_allow\": "
	    "[\"loadtest::greet\", \"Nested::*\"]}";

	aemp_from_json(json, strlen(json), &s, NULL);
	settings_set(s);
	EXPECT_TRUE(resolve_ok("loadtest::greet", 1));
	EXPECT_TRUE(resolve_ok("Nested::Deep::f", 1));
	EXPECT_TRUE(resolve_ok("cachetest::fn", 0));
	expect_resolve_fails("cachetest::fn", 1, AEMP_ERR_DENIED,
	    "not_allowed", "cachetest::fn is not in spawn_allow");

	json = "{\"module_path\": [\"" M "\"], \"secure\": true}";
	aemp_from_json(json, strlen(json), &s, NULL);
	settings_set(s);
	expect_resolve_fails("loadtest::greet", 1, AEMP_ERR_DENIED,
	    "not_allowed", "this node is secure and refuses function calls "
	    "from the network");
	EXPECT_TRUE(resolve_ok("loadtest::greet", 0));
	set_module_path("[\"" M "\"]");
}

static void
on_reply(struct aemp_val *msg, void *arg)
{
	aemp_unref(reply);
	reply = aemp_ref(msg);
	aemp_break();
}

static void
on_kill(struct aemp_val *reason, void *arg)
{
	aemp_unref(killed);
	killed = aemp_ref(reason);
	aemp_break();
}

static void
on_timeout(void *arg)
{
	aemp_break();
}

/* Run the loop until a callback breaks it, at most 5 seconds. */
static void
run_loop(void)
{
	struct aemp_guard	*g = aemp_after(5, on_timeout, NULL);

	aemp_run();
	aemp_guard_free(g);
}

static char *
json_of(struct aemp_val *v)
{
	static char	 buf[4096];
	char		*s = v != NULL ? aemp_to_json(v) : NULL;

	snprintf(buf, sizeof buf, "%s", s != NULL ? s : "(none)");
	free(s);
	return (buf);
}

DEF_TEST(spawn, local)
{
	struct aemp_guard	*g;
	char			*port, *id, *t, *want;

	port = aemp_port(on_reply, NULL);
	id = aemp_spawn(kernel_node(), "loadtest::greet", "ss", port, "x");
	run_loop();
	EXPECT_STR("[\"hello\",\"x\"]", json_of(reply));
	free(id);

	id = aemp_spawn(kernel_node(), "nosuch::f", NULL);
	g = aemp_mon(id, on_kill, NULL);
	run_loop();
	t = tried("nosuch");
	xasprintf(&want, "[\"spawn_failed\",\"module_not_found\",\"module "
	    "nosuch not found (tried %s)\"]", t);
	EXPECT_STR(want, json_of(killed));
	aemp_guard_free(g);
	free(want);
	free(t);
	free(id);
	aemp_kil(port, NULL);
	free(port);
}

DEF_TEST(services, list)
{
	struct aemp_val	*list, *args = NULL;
	char		*port, *json;

	port = aemp_port(on_reply, NULL);
	xasprintf(&json, "[\"loadtest::\", \"nosuch::\", \"nosuch::f\", 7,"
	    " [\"loadtest::greet\", \"%s\", \"y\"]]", port);
	aemp_from_json(json, strlen(json), &list, NULL);
	EXPECT_TRUE(load_services(list) != 0);
	aemp_unref(reply);
	reply = NULL;
	run_loop();
	EXPECT_STR("[\"hello\",\"y\"]", json_of(reply));
	aemp_unref(list);
	aemp_unref(args);
	free(json);
	aemp_kil(port, NULL);
	free(port);
}

/* The map of module name in a load_list, or NULL. */
static struct aemp_val *
list_find(struct aemp_val *list, const char *name)
{
	size_t	i;

	for (i = 0; i < aemp_len(list); i++) {
		if (strcmp(aemp_str_ptr(aemp_map_get(aemp_at(list, i), "name"),
		    NULL), name) == 0)
			return (aemp_at(list, i));
	}
	return (NULL);
}

DEF_TEST(list, modules)
{
	struct aemp_val	*list = load_list(), *e;

	e = list_find(list, "loadtest");
	EXPECT_STR("service", aemp_str_ptr(aemp_map_get(e, "kind"), NULL));
	EXPECT_STR("[\"greet\",\"local_fn\"]",
	    json_of(aemp_map_get(e, "functions")));
	EXPECT_STR("[\"greet\"]", json_of(aemp_map_get(e, "remote")));
	EXPECT_STR(M "/loadtest.la", aemp_str_ptr(aemp_map_get(e, "path"),
	    NULL));

	e = list_find(list, "badabi");
	EXPECT_INT(99, aemp_as_int(aemp_map_get(e, "abi"), NULL));
	EXPECT_STR("built for module ABI 99, this host has ABI 1",
	    aemp_str_ptr(aemp_map_get(e, "error"), NULL));

	e = list_find(list, "Nested::Deep");
	EXPECT_STR("[\"f\"]", json_of(aemp_map_get(e, "functions")));
	EXPECT_TRUE(list_find(list, "unresolved") != NULL &&
	    aemp_map_get(list_find(list, "unresolved"), "error") != NULL);
	EXPECT_TRUE(getenv("AEMP_BADABI_RAN") == NULL);
	aemp_unref(list);
}

/* A descriptor not named as its file: listed with the loader's error. */
DEF_TEST(list, wrong_name)
{
	struct aemp_val	*list, *e;
	char		 path[PATH_MAX + 32], text[PATH_MAX + 96];

	snprintf(path, sizeof path, "%s/wrongname.so", tmp);
	copy_file(M "/.libs/loadtest.so", path, 0644);
	snprintf(text, sizeof text, "%s calls itself 'loadtest', not "
	    "'wrongname'", path);

	list = load_list();
	e = list_find(list, "wrongname");
	EXPECT_TRUE(e != NULL);
	EXPECT_STR(text, aemp_str_ptr(aemp_map_get(e, "error"), NULL));
	EXPECT_TRUE(aemp_map_get(list_find(list, "loadtest"), "error") ==
	    NULL);
	aemp_unref(list);

	expect_resolve_fails("wrongname::greet", 1, AEMP_ERR_INVAL,
	    "load_failed", text);
	unlink(path);
}

int
main(void)
{
	char	*p;

	log_init();
	unsetenv("AEMP_MODULE_PATH");
	setenv("AEMP_PLUGIN_PATH", M, 1);
	snprintf(tmp, sizeof tmp, "%s/aemp-load-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	snprintf(tmp2, sizeof tmp2, "%s", tmp);
	if (mkdtemp(tmp) == NULL || mkdtemp(tmp2) == NULL)
		return (1);
	if ((p = realpath(tmp, NULL)) != NULL) {
		snprintf(tmp, sizeof tmp, "%s", p);
		free(p);
	}
	if ((p = realpath(tmp2, NULL)) != NULL) {
		snprintf(tmp2, sizeof tmp2, "%s", p);
		free(p);
	}
	if (realpath(AEMP_PKGLIBDIR "/services", pkgdir) == NULL)
		snprintf(pkgdir, sizeof pkgdir, "%s", AEMP_PKGLIBDIR
		    "/services");

	p = NULL;
	xasprintf(&p, "[\"%s\", \"%s\"]", M, tmp);
	set_module_path(p);
	kernel_set_node("loadtest-node", NULL);
	if (load_init() != 0)
		return (1);

	RUN_TEST(path, module_not_found);
	RUN_TEST(path, module_not_found_nested);
	RUN_TEST(names, refused);
	RUN_TEST(load, once);
	RUN_TEST(load, remote_flag);
	RUN_TEST(load, no_such_function);
	RUN_TEST(load, nested);
	RUN_TEST(load, abi_mismatch);
	RUN_TEST(load, undefined_symbol);
	RUN_TEST(load, hook_fails);
	RUN_TEST(load, wrong_kind);
	RUN_TEST(load, codec);
	RUN_TEST(files, refused);
	RUN_TEST(files, libtool_archive);
	RUN_TEST(cache, until_changed);
	RUN_TEST(policy, spawn_allow_and_secure);
	set_module_path(p);
	RUN_TEST(spawn, local);
	RUN_TEST(services, list);
	RUN_TEST(list, modules);
	RUN_TEST(list, wrong_name);

	free(p);
	aemp_unref(reply);
	aemp_unref(killed);
	load_shutdown();
	kernel_shutdown();
	codec_free_all();
	settings_free();
	xasprintf(&p, "rm -rf '%s' '%s'", tmp, tmp2);
	if (system(p) != 0)
		printf("could not remove %s\n", tmp);
	free(p);
	return (END_TESTS());
}
