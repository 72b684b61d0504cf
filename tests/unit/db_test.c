/*
 * db_test.c: the database layer's table and its global service, driven
 * through the kernel with a send hook that records what would go out.
 */

#include <event2/event.h>

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "testing.h"

static struct event_base	*base;
static struct aemp_val		*sent;	/* [node, json] pairs */
static char			 last_mon[1024];
static int			 nmon;
static char			 last_reply[256];

static void
fake_send(const char *node, struct aemp_val *msg)
{
	char	*json;

	json = aemp_to_json(msg);
	aemp_array_push(sent, aemp_pack("ss", node, json));
	free(json);
}

static void
fake_connect(const char *node)
{
	(void)node;
}

static const struct kernel_hooks fake_hooks = {
	.send = fake_send,
	.connect = fake_connect,
};

static void
pump(void)
{
	int	 i;

	for (i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* 1 when a message to node whose JSON is exactly json went out. */
static int
was_sent(const char *node, const char *json)
{
	size_t	 i;

	for (i = 0; i < aemp_len(sent); i++) {
		if (strcmp(aemp_str_ptr(aemp_at(aemp_at(sent, i), 0), NULL),
		    node) == 0 &&
		    strcmp(aemp_str_ptr(aemp_at(aemp_at(sent, i), 1), NULL),
		    json) == 0)
			return (1);
	}
	return (0);
}

/* 1 when a message to node whose JSON starts with prefix went out. */
static int
was_sent_prefix(const char *node, const char *prefix)
{
	size_t	 i;

	for (i = 0; i < aemp_len(sent); i++) {
		if (strcmp(aemp_str_ptr(aemp_at(aemp_at(sent, i), 0), NULL),
		    node) == 0 &&
		    strncmp(aemp_str_ptr(aemp_at(aemp_at(sent, i), 1), NULL),
		    prefix, strlen(prefix)) == 0)
			return (1);
	}
	return (0);
}

static void
receive(const char *node, const char *json)
{
	struct aemp_val	*msg = NULL;

	if (aemp_from_json(json, strlen(json), &msg, NULL) != 0) {
		EXPECT_FAIL("bad test JSON %s", json);
		return;
	}
	kernel_receive(node, msg);
	aemp_unref(msg);
	pump();
}

static void
keys_sorted(char *out, size_t size, struct aemp_val *keys)
{
	const char	*a[16];
	size_t		 i, j, n = 0;

	for (i = 0; i < aemp_len(keys) && n < 16; i++)
		a[n++] = aemp_str_ptr(aemp_at(keys, i), NULL);
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && strcmp(a[j - 1], a[j]) > 0; j--) {
			const char *t = a[j];

			a[j] = a[j - 1];
			a[j - 1] = t;
		}
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, ",", size - strlen(out) - 1);
		strncat(out, a[i], size - strlen(out) - 1);
	}
}

static void
mon_cb(struct aemp_val *family, struct aemp_val *added,
    struct aemp_val *changed, struct aemp_val *deleted, void *arg)
{
	char	 a[128], c[128], d[128];

	keys_sorted(a, sizeof a, added);
	keys_sorted(c, sizeof c, changed);
	keys_sorted(d, sizeof d, deleted);
	snprintf(last_mon, sizeof last_mon, "%s a=%s c=%s d=%s n=%zu",
	    (const char *)arg, a, c, d, aemp_len(family));
	nmon++;
}

static void
reply_cb(struct aemp_val *reply, void *arg)
{
	char	*json;

	(void)arg;
	if (aemp_type(reply) == AEMP_T_ARRAY) {
		keys_sorted(last_reply, sizeof last_reply, reply);
		return;
	}
	json = aemp_to_json(reply);
	snprintf(last_reply, sizeof last_reply, "%s", json);
	free(json);
}

DEF_TEST(dbmap, basic)
{
	struct dbmap		 m;
	struct dbmap_ent	*e;
	char			 key[16];
	int			 i, n, created;

	dbmap_init(&m);
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "k%d", i);
		e = dbmap_add(&m, key, strlen(key), &created);
		EXPECT_INT(1, created);
		e->data = aemp_int(i);
	}
	EXPECT_INT(100, m.count);
	dbmap_add(&m, "k7", 2, &created);
	EXPECT_INT(0, created);
	EXPECT_INT(7, aemp_as_int(dbmap_get(&m, "k7"), NULL));

	for (i = 0; i < 100; i += 2) {
		snprintf(key, sizeof key, "k%d", i);
		EXPECT_INT(1, dbmap_del_val(&m, key, strlen(key)));
	}
	EXPECT_INT(0, dbmap_del_val(&m, "k0", 2));

	n = 0;
	for (e = dbmap_next(&m, NULL); e != NULL; e = dbmap_next(&m, e))
		n++;
	EXPECT_INT(50, n);
	EXPECT_TRUE(dbmap_get(&m, "k8") == NULL);
	dbmap_clear_vals(&m);
	EXPECT_INT(0, m.count);
}

static int
has_str(struct aemp_val *a, const char *s)
{
	size_t	 i;

	for (i = 0; i < aemp_len(a); i++) {
		if (strcmp(aemp_str_ptr(aemp_at(a, i), NULL), s) == 0)
			return (1);
	}
	return (0);
}

DEF_TEST(seed, resolve)
{
	struct aemp_val	*a;
	size_t		 i;
	const char	*s;

	a = aemp_array_new(0);
	EXPECT_INT(0, seed_resolve("127.0.0.1:4040", a));
	EXPECT_INT(0, seed_resolve("127.0.0.1:4040", a));
	EXPECT_INT(1, aemp_len(a));
	EXPECT_INT(0, seed_resolve("[::1]:5", a));
	EXPECT_TRUE(has_str(a, "[::1]:5"));
	EXPECT_INT(0, seed_resolve("localhost:77", a));
	EXPECT_TRUE(has_str(a, "127.0.0.1:77") || has_str(a, "[::1]:77"));
	EXPECT_INT(AEMP_ERR_INVAL, seed_resolve("noport", a));
	EXPECT_INT(AEMP_ERR_INVAL, seed_resolve("127.0.0.1:*", a));
	aemp_unref(a);

	/* "*" is every non-loopback address, or 127.0.0.1 without one */
	a = aemp_array_new(0);
	EXPECT_INT(0, seed_resolve("*:4041", a));
	EXPECT_TRUE(aemp_len(a) > 0);
	for (i = 0; i < aemp_len(a); i++) {
		s = aemp_str_ptr(aemp_at(a, i), NULL);
		EXPECT_TRUE(strlen(s) > 5 &&
		    strcmp(s + strlen(s) - 5, ":4041") == 0);
		if (aemp_len(a) > 1)
			EXPECT_TRUE(strncmp(s, "127.", 4) != 0);
	}
	aemp_unref(a);
}

/* Set up a node "g1" whose send hook records; slaves are made up. */
static void
setup(void)
{
	struct aemp_val	*addrs;

	base = event_base_new();
	kernel_init(base);
	kernel_set_node("g1", NULL);
	kernel_set_hooks(&fake_hooks);
	sent = aemp_array_new(0);

	EXPECT_INT(0, db_init());
	addrs = aemp_pack("s", "127.0.0.1:1");
	EXPECT_INT(0, db_start(NULL, addrs));
	aemp_unref(addrs);

	kernel_node_up("s1");
	kernel_node_up("s2");
	kernel_node_up("s3");
	pump();
}

DEF_TEST(global, become)
{
	EXPECT_INT(0, db_is_global());
	EXPECT_INT(0, was_sent("s1", "[\"\",\"g_global\"]"));

	receive("s1", "[\"\",\"g_slave\"]");
	EXPECT_INT(1, db_is_global());
	EXPECT_TRUE(was_sent("s1", "[\"\",\"g_global\"]"));
	EXPECT_TRUE(was_sent("s3", "[\"\",\"g_global\"]"));
}

DEF_TEST(global, merge)
{
	receive("s1", "[\"\",\"g_slave\",{\"'l\":{\"s1\":[\"a:1\"]},"
	    "\"fam\":{\"k\":1}}]");
	receive("s2", "[\"\",\"g_mon1\",\"fam\"]");
	EXPECT_TRUE(was_sent("s2", "[\"\",\"g_chg1\",\"fam\",{\"k\":1}]"));
	receive("s2", "[\"\",\"g_mon1\",\"none\"]");
	EXPECT_TRUE(was_sent("s2", "[\"\",\"g_chg1\",\"none\",null]"));

	receive("s2", "[\"\",\"g_find\",\"s1\"]");
	EXPECT_TRUE(was_sent("s2",
	    "[\"\",\"g_found\",\"s1\",[\"a:1\"]]"));
	receive("s2", "[\"\",\"g_find\",\"zz\"]");
	EXPECT_TRUE(was_sent("s2", "[\"\",\"g_found\",\"zz\",null]"));

	/* s3 is no slave: its value wins but goes to no other global */
	receive("s3", "[\"\",\"g_upd\",\"fam\",{\"k\":2}]");
	EXPECT_TRUE(was_sent("s2",
	    "[\"\",\"g_chg2\",\"fam\",{\"k\":2},[]]"));

	receive("s2", "[\"\",\"g_db_keys\",\"fam\",\"q9\"]");
	EXPECT_TRUE(was_sent("s2", "[\"\",\"g_reply\",\"q9\",[\"k\"]]"));
	receive("s2", "[\"\",\"g_db_family\",\"nope\",\"q10\"]");
	EXPECT_TRUE(was_sent("s2", "[\"\",\"g_reply\",\"q10\",{}]"));

	/* s3 goes: s1's value comes back into view */
	kernel_node_down("s3", NULL);
	pump();
	EXPECT_TRUE(was_sent("s2",
	    "[\"\",\"g_chg2\",\"fam\",{\"k\":1},[]]"));

	/* s1 goes: the key is gone */
	kernel_node_down("s1", NULL);
	pump();
	EXPECT_TRUE(was_sent("s2",
	    "[\"\",\"g_chg2\",\"fam\",{},[\"k\"]]"));

	/* malformed requests change nothing and keep the node going */
	receive("s2", "[\"\",\"g_upd\",7,{\"k\":2}]");
	receive("s2", "[\"\",\"g_upd\",\"fam\",\"x\"]");
	receive("s2", "[\"\",\"g_set\",[]]");
	receive("s2", "[\"\",\"g_mon1\"]");
	receive("s2", "[\"\",\"g_db_keys\",\"fam\",\"q11\"]");
	EXPECT_TRUE(was_sent("s2", "[\"\",\"g_reply\",\"q11\",[]]"));
}

DEF_TEST(global, mesh)
{
	receive("s2", "[\"\",\"g_slave\",{}]");

	/* a node that comes up hears we are global; a global gets g_set */
	kernel_node_up("x1");
	pump();
	EXPECT_TRUE(was_sent("x1", "[\"\",\"g_global\"]"));
	receive("x1", "[\"\",\"g_global\"]");
	EXPECT_TRUE(was_sent_prefix("x1", "[\"\",\"g_set\",{"));

	/* changes of a slave go on to the other globals */
	receive("s2", "[\"\",\"g_upd\",\"fam\",{\"z\":1}]");
	EXPECT_TRUE(was_sent("x1",
	    "[\"\",\"g_upd\",\"fam\",{\"z\":1},[]]"));
	receive("s2", "[\"\",\"g_upd\",\"fam\",null,[\"z\"]]");
	EXPECT_TRUE(was_sent("x1",
	    "[\"\",\"g_upd\",\"fam\",{},[\"z\"]]"));

	/* a global's g_set: its keys, and its listeners mirrored */
	receive("x1", "[\"\",\"g_set\",{\"'l\":{\"x1\":[\"b:2\"]},"
	    "\"other\":{\"o\":3}}]");
	receive("s2", "[\"\",\"g_find\",\"x1\"]");
	EXPECT_TRUE(was_sent("s2",
	    "[\"\",\"g_found\",\"x1\",[\"b:2\"]]"));
	receive("s2", "[\"\",\"g_db_values\",\"other\",\"q12\"]");
	EXPECT_TRUE(was_sent("s2", "[\"\",\"g_reply\",\"q12\",[3]]"));

	/* x1 goes: its keys go, and it is no longer told anything */
	kernel_node_down("x1", NULL);
	pump();
	receive("s2", "[\"\",\"g_db_values\",\"other\",\"q13\"]");
	EXPECT_TRUE(was_sent("s2", "[\"\",\"g_reply\",\"q13\",[]]"));
	receive("s2", "[\"\",\"g_upd\",\"fam\",{\"w\":1}]");
	EXPECT_INT(0, was_sent("x1",
	    "[\"\",\"g_upd\",\"fam\",{\"w\":1},[]]"));
	receive("s2", "[\"\",\"g_upd\",\"fam\",null,[\"w\"]]");
}

DEF_TEST(client, local)
{
	struct aemp_guard	*g1, *g2, *gs;
	struct aemp_val		*one;

	g1 = aemp_db_mon("fam", mon_cb, "m1");
	pump();
	EXPECT_STR("m1 a= c= d= n=0", last_mon);

	receive("s2", "[\"\",\"g_slave\",{\"fam\":{\"x\":true}}]");
	EXPECT_STR("m1 a=x c= d= n=1", last_mon);

	one = aemp_int(1);
	gs = aemp_db_set("fam", "y", one, 1);
	pump();
	EXPECT_STR("m1 a=y c= d= n=2", last_mon);

	/* the same value again: no change goes out */
	nmon = 0;
	aemp_db_set("fam", "y", one, 0);
	pump();
	EXPECT_INT(0, nmon);
	aemp_unref(one);

	g2 = aemp_db_mon("fam", mon_cb, "m2");
	pump();
	EXPECT_STR("m2 a=x,y c= d= n=2", last_mon);

	/* g_chg2 from a node that is not the master is ignored */
	nmon = 0;
	receive("s2", "[\"\",\"g_chg2\",\"fam\",{\"evil\":1},[]]");
	EXPECT_INT(0, nmon);

	aemp_db_keys("fam", reply_cb, NULL);
	pump();
	EXPECT_STR("x,y", last_reply);

	/* freeing the db_set guard deletes the key */
	aemp_guard_free(gs);
	pump();
	EXPECT_TRUE(strstr(last_mon, "d=y n=1") != NULL);

	aemp_guard_free(g1);
	aemp_guard_free(g2);

	/* s2 goes: its key leaves the merged view */
	kernel_node_down("s2", NULL);
	pump();
	aemp_db_family("fam", reply_cb, NULL);
	pump();
	EXPECT_STR("{}", last_reply);

	/* no port and no port context: refused, nothing registered */
	EXPECT_TRUE(aemp_db_reg("fam", NULL, NULL) == NULL);
	EXPECT_TRUE(aemp_db_reg(NULL, "x#y", NULL) == NULL);
	aemp_db_keys("fam", reply_cb, NULL);
	pump();
	EXPECT_STR("", last_reply);
}

DEF_TEST(client, shutdown)
{
	struct aemp_guard	*g;

	g = aemp_db_mon("late", mon_cb, "late");
	aemp_db_set("late", "k", NULL, 1);
	aemp_db_keys("late", reply_cb, NULL);
	db_shutdown();

	/* a guard freed after shutdown does nothing */
	aemp_guard_free(g);
	kernel_shutdown();
	aemp_unref(sent);
	event_base_free(base);
}

int
main(void)
{
	RUN_TEST(dbmap, basic);
	RUN_TEST(seed, resolve);
	setup();
	RUN_TEST(global, become);
	RUN_TEST(global, merge);
	RUN_TEST(global, mesh);
	RUN_TEST(client, local);
	RUN_TEST(client, shutdown);
	return (END_TESTS());
}
