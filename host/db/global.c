/*
 * global.c: the global service: every owner's shard of the database,
 * the merged view, subscribers, and the mesh of global nodes.
 *
 * A shard holds the keys one node set (family => key => value).  The
 * merged view holds, per key, the value written last; when an owner's
 * key goes, another owner's value for it comes back into view.  Changes
 * from this node's slaves travel on to the other global nodes; changes
 * of the merged view go to the subscribers of the family.
 */

#include <sys/queue.h>

#include <event2/event.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static struct {
	struct dbmap	 shards;	/* node => family => key => value */
	struct dbmap	 merged;	/* family => key => value */
	struct dbmap	 slaves;	/* node => NULL: bound to us */
	struct dbmap	 subs;		/* family => set of nodes */
	struct dbmap	 subs_of;	/* node => set of families */
	struct dbmap	 globals;	/* node => NULL: other global nodes */
	struct dbmap	 keep;		/* node => NULL: kept connected */
	struct dbmap	 keep_down;	/* node => NULL: ... and down now */
	struct event	*keep_timer;
	double		 keep_retry;
	struct aemp_guard *gmon;
} g;

/* The result of one update, as it goes to globals and subscribers. */
struct global_change {
	struct aemp_val	*set;		/* to globals and subscribers */
	struct aemp_val	*local_set;	/* only to subscribers */
	struct aemp_val	*del_local;	/* to subscribers */
	struct aemp_val	*del_global;	/* to globals */
};

static int
global_has(const struct dbmap *m, const char *key)
{
	return (dbmap_find(m, key, strlen(key)) != NULL);
}

static void
global_set_add(struct dbmap *m, const char *key)
{
	dbmap_add(m, key, strlen(key), NULL);
}

static struct dbmap *
global_sub_map(struct dbmap *m, const char *key, size_t len, int create)
{
	struct dbmap_ent	*e;

	if (!create) {
		e = dbmap_find(m, key, len);
		return (e != NULL ? e->data : NULL);
	}

	e = dbmap_add(m, key, len, NULL);
	if (e->data == NULL)
		e->data = dbmap_new();
	return (e->data);
}

/* Send msg (borrowed) to every other global node. */
static void
global_broadcast(struct aemp_val *msg)
{
	struct dbmap_ent	*e;

	for (e = dbmap_next(&g.globals, NULL); e != NULL;
	    e = dbmap_next(&g.globals, e))
		aemp_sndv(e->key, msg);
}

/*
 * Find another owner of family/key: the value of the first slave that
 * has it in *slave, else that of the first global node in *global.
 */
static void
global_other_owner(const char *family, size_t flen, const char *key,
    size_t klen, struct aemp_val **slave, struct aemp_val **global)
{
	struct dbmap_ent	*e, *k;
	struct dbmap		*fam;

	*slave = *global = NULL;
	for (e = dbmap_next(&g.shards, NULL); e != NULL;
	    e = dbmap_next(&g.shards, e)) {
		fam = global_sub_map(e->data, family, flen, 0);
		if (fam == NULL || (k = dbmap_find(fam, key, klen)) == NULL)
			continue;

		if (dbmap_find(&g.slaves, e->key, e->len) != NULL) {
			*slave = k->data;
			return;
		}
		if (*global == NULL)
			*global = k->data;
	}
}

static void
global_put(struct aemp_val *map, const char *key, size_t len,
    struct aemp_val *v)
{
	aemp_map_put_n(map, key, len, aemp_ref(v));
}

/* Put every pair of map from into map to (NULL is fine). */
static void
global_copy_pairs(struct aemp_val *to, struct aemp_val *from)
{
	const char	*key;
	size_t		 i, len;

	for (i = 0; to != NULL && i < aemp_len(from); i++) {
		key = aemp_map_key_at(from, i, &len);
		global_put(to, key, len, aemp_map_val_at(from, i));
	}
}

static void
global_push_key(struct aemp_val *array, const char *key, size_t len)
{
	aemp_array_push(array, aemp_str_n(key, len));
}

/* Delete key of node's shard ldb from the merged view gdb. */
static void
global_upd_del(const char *node, const char *family, size_t flen,
    struct dbmap *ldb, struct dbmap *gdb, const char *key, size_t klen,
    struct global_change *c)
{
	struct aemp_val		*slave, *global;
	struct dbmap_ent	*cur;

	dbmap_del_val(ldb, key, klen);
	global_other_owner(family, flen, key, klen, &slave, &global);
	cur = dbmap_find(gdb, key, klen);

	if (slave != NULL) {
		if (cur == NULL || !aemp_equal(cur->data, slave)) {
			dbmap_put_val(gdb, key, klen, aemp_ref(slave));
			global_put(c->set, key, klen, slave);
		}
	} else if (global != NULL) {
		global_push_key(c->del_global, key, klen);
		if (cur == NULL || !aemp_equal(cur->data, global)) {
			dbmap_put_val(gdb, key, klen, aemp_ref(global));
			global_put(c->local_set, key, klen, global);
		}
	} else {
		dbmap_del_val(gdb, key, klen);
		global_push_key(c->del_local, key, klen);
		if (global_has(&g.slaves, node))
			global_push_key(c->del_global, key, klen);
	}
}

/* Tell the other globals and the subscribers what an update changed. */
static void
global_upd_tell(const char *node, struct aemp_val *family,
    struct global_change *c)
{
	struct aemp_val		*msg, *set;
	struct dbmap		*subs;
	struct dbmap_ent	*e;
	size_t			 flen;
	const char		*fam;

	if (global_has(&g.slaves, node) &&
	    (aemp_len(c->set) != 0 || aemp_len(c->del_global) != 0)) {
		msg = aemp_pack("svvv", "g_upd", family, c->set,
		    c->del_global);
		if (msg != NULL)
			global_broadcast(msg);
		aemp_unref(msg);
	}

	if (aemp_len(c->set) == 0 && aemp_len(c->local_set) == 0 &&
	    aemp_len(c->del_local) == 0)
		return;

	set = aemp_map_new(aemp_len(c->set) + aemp_len(c->local_set));
	global_copy_pairs(set, c->set);
	global_copy_pairs(set, c->local_set);

	fam = aemp_str_ptr(family, &flen);
	subs = global_sub_map(&g.subs, fam, flen, 0);
	msg = aemp_pack("svVv", "g_chg2", family, set, c->del_local);
	if (msg != NULL && subs != NULL) {
		for (e = dbmap_next(subs, NULL); e != NULL;
		    e = dbmap_next(subs, e))
			aemp_sndv(e->key, msg);
	}
	aemp_unref(msg);
}

static void
global_change_free(struct global_change *c)
{
	aemp_unref(c->set);
	aemp_unref(c->local_set);
	aemp_unref(c->del_local);
	aemp_unref(c->del_global);
}

/*
 * Apply node's change of family: set (a map or NULL) and del (an array
 * of keys or NULL).  del must not name keys of set.
 */
static void
global_upd(const char *node, struct aemp_val *family, struct aemp_val *set,
    struct aemp_val *del)
{
	struct global_change	 c;
	struct dbmap		*shard, *ldb, *gdb;
	const char		*fam, *key;
	size_t			 flen, klen, i;

	fam = aemp_str_ptr(family, &flen);
	c.set = aemp_map_new(aemp_len(set));
	c.local_set = aemp_map_new(0);
	c.del_local = aemp_array_new(0);
	c.del_global = aemp_array_new(0);
	if (c.set == NULL || c.local_set == NULL || c.del_local == NULL ||
	    c.del_global == NULL)
		goto out;

	shard = global_sub_map(&g.shards, node, strlen(node), 1);
	ldb = global_sub_map(shard, fam, flen, 1);
	gdb = global_sub_map(&g.merged, fam, flen, 1);

	for (i = 0; aemp_type(set) == AEMP_T_MAP && i < aemp_len(set); i++) {
		key = aemp_map_key_at(set, i, &klen);
		dbmap_put_val(ldb, key, klen, aemp_ref(aemp_map_val_at(set,
		    i)));
		dbmap_put_val(gdb, key, klen, aemp_ref(aemp_map_val_at(set,
		    i)));
		global_put(c.set, key, klen, aemp_map_val_at(set, i));
	}

	for (i = 0; aemp_type(del) == AEMP_T_ARRAY && i < aemp_len(del);
	    i++) {
		if ((key = aemp_str_ptr(aemp_at(del, i), &klen)) != NULL)
			global_upd_del(node, fam, flen, ldb, gdb, key, klen,
			    &c);
	}

	if (gdb->count == 0 && dbmap_del(&g.merged, fam, flen, NULL))
		dbmap_free_vals(gdb);
	if (ldb->count == 0 && dbmap_del(shard, fam, flen, NULL))
		dbmap_free_vals(ldb);
	if (shard->count == 0 &&
	    dbmap_del(&g.shards, node, strlen(node), NULL))
		dbmap_free_families(shard);

	global_upd_tell(node, family, &c);

out:
	global_change_free(&c);
}

/* Delete every key of node's shard. */
static void
global_clr(const char *node)
{
	struct dbmap		*shard;
	struct dbmap_ent	*e;
	struct aemp_val		*fams, *keys, *f;
	size_t			 i;

	shard = global_sub_map(&g.shards, node, strlen(node), 0);
	if (shard == NULL)
		return;

	fams = aemp_array_new(shard->count);
	keys = aemp_array_new(shard->count);
	for (e = dbmap_next(shard, NULL); e != NULL; e = dbmap_next(shard, e)) {
		aemp_array_push(fams, aemp_str_n(e->key, e->len));
		aemp_array_push(keys, dbmap_to_array(e->data, 0));
	}

	for (i = 0; i < aemp_len(fams) && i < aemp_len(keys); i++) {
		f = aemp_at(fams, i);
		global_upd(node, f, NULL, aemp_at(keys, i));
	}
	aemp_unref(fams);
	aemp_unref(keys);

	shard = global_sub_map(&g.shards, node, strlen(node), 0);
	if (shard != NULL && dbmap_del(&g.shards, node, strlen(node), NULL))
		dbmap_free_families(shard);
}

/* The keys of ldb that the map want (maybe not a map) lacks. */
static struct aemp_val *
global_missing(struct dbmap *ldb, struct aemp_val *want)
{
	struct aemp_val		*gone;
	struct dbmap_ent	*e;

	gone = aemp_array_new(0);
	for (e = dbmap_next(ldb, NULL); gone != NULL && e != NULL;
	    e = dbmap_next(ldb, e)) {
		if (aemp_type(want) != AEMP_T_MAP ||
		    aemp_map_get(want, e->key) == NULL)
			global_push_key(gone, e->key, e->len);
	}
	return (gone);
}

/*
 * Make db (family => key => value) node's whole shard: keys it no
 * longer has are deleted, the others set.
 */
static void
global_replace(const char *node, struct aemp_val *db)
{
	struct dbmap		*shard;
	struct dbmap_ent	*e;
	struct aemp_val		*fams, *gone, *fam;
	const char		*key;
	size_t			 i, len;

	fams = aemp_array_new(0);
	gone = aemp_array_new(0);
	shard = global_sub_map(&g.shards, node, strlen(node), 0);
	for (e = shard != NULL ? dbmap_next(shard, NULL) : NULL;
	    e != NULL && fams != NULL && gone != NULL;
	    e = dbmap_next(shard, e)) {
		aemp_array_push(fams, aemp_str_n(e->key, e->len));
		aemp_array_push(gone, global_missing(e->data,
		    aemp_map_get(db, e->key)));
	}
	for (i = 0; i < aemp_len(fams) && i < aemp_len(gone); i++) {
		if (aemp_len(aemp_at(gone, i)) != 0)
			global_upd(node, aemp_at(fams, i), NULL,
			    aemp_at(gone, i));
	}
	aemp_unref(fams);
	aemp_unref(gone);

	for (i = 0; aemp_type(db) == AEMP_T_MAP && i < aemp_len(db); i++) {
		if (aemp_type(aemp_map_val_at(db, i)) != AEMP_T_MAP)
			continue;
		key = aemp_map_key_at(db, i, &len);
		fam = aemp_str_n(key, len);
		if (fam != NULL)
			global_upd(node, fam, aemp_map_val_at(db, i), NULL);
		aemp_unref(fam);
	}
}

/* Forget everything of node: its shard, its subscriptions, its role. */
static void
global_disconnect(const char *node)
{
	struct dbmap		*fams, *subs;
	struct dbmap_ent	*e;

	/* unsubscribe first: the node must not hear of its own keys going */
	fams = global_sub_map(&g.subs_of, node, strlen(node), 0);
	for (e = fams != NULL ? dbmap_next(fams, NULL) : NULL; e != NULL;
	    e = dbmap_next(fams, e)) {
		subs = global_sub_map(&g.subs, e->key, e->len, 0);
		if (subs == NULL)
			continue;
		dbmap_del(subs, node, strlen(node), NULL);
		if (subs->count == 0 &&
		    dbmap_del(&g.subs, e->key, e->len, NULL))
			dbmap_free_set(subs);
	}
	if (fams != NULL && dbmap_del(&g.subs_of, node, strlen(node), NULL))
		dbmap_free_set(fams);

	dbmap_del(&g.globals, node, strlen(node), NULL);
	dbclient_local_del("'g", node);
	dbclient_local_del("'l", node);
	global_clr(node);
	dbmap_del(&g.slaves, node, strlen(node), NULL);
}

/* The merged keys of this node's slaves, as family => key => value. */
static struct aemp_val *
global_slaves_db(void)
{
	struct dbmap		 merged, *fam;
	struct dbmap_ent	*n, *f, *k;
	struct aemp_val		*db;

	dbmap_init(&merged);
	for (n = dbmap_next(&g.shards, NULL); n != NULL;
	    n = dbmap_next(&g.shards, n)) {
		if (dbmap_find(&g.slaves, n->key, n->len) == NULL)
			continue;
		for (f = dbmap_next(n->data, NULL); f != NULL;
		    f = dbmap_next(n->data, f)) {
			fam = global_sub_map(&merged, f->key, f->len, 1);
			for (k = dbmap_next(f->data, NULL); k != NULL;
			    k = dbmap_next(f->data, k))
				dbmap_put_val(fam, k->key, k->len,
				    aemp_ref(k->data));
		}
	}

	db = aemp_map_new(merged.count);
	for (f = dbmap_next(&merged, NULL); db != NULL && f != NULL;
	    f = dbmap_next(&merged, f))
		aemp_map_put_n(db, f->key, f->len, dbmap_to_map(f->data));
	dbmap_clear(&merged, dbmap_free_vals);
	return (db);
}

/* Greet another global node: record it and send it our slaves' keys. */
static void
global_connect(const char *node)
{
	struct aemp_val	*db;

	dbclient_local_set("'g", node, NULL);

	db = global_slaves_db();
	if (db != NULL)
		aemp_snd(node, "sV", "g_set", db);
}

static const char *
global_arg_str(struct aemp_val *msg, size_t i, size_t *lenp)
{
	return (aemp_str_ptr(aemp_at(msg, i), lenp));
}

/* g_slave [db]: start the global service; with db, bind the sender. */
static void
global_req_slave(const char *src, struct aemp_val *msg)
{
	struct aemp_val	*db;

	db_become_global();
	if (aemp_len(msg) < 3 || !db_is_global())
		return;

	db = aemp_at(msg, 2);
	global_set_add(&g.slaves, src);
	global_replace(src, db);
}

/* g_global: the sender runs the global service. */
static void
global_req_global(const char *src, struct aemp_val *msg)
{
	(void)msg;

	if (!db_is_global()) {
		global_set_add(&g.globals, src);
		return;
	}

	global_disconnect(src);
	global_set_add(&g.globals, src);
	global_connect(src);
}

/* g_set db: another global node's slaves' keys. */
static void
global_req_set(const char *src, struct aemp_val *msg)
{
	struct aemp_val	*db, *binds;

	db = aemp_at(msg, 2);
	if (!db_is_global())
		return;
	if (aemp_type(db) != AEMP_T_MAP) {
		db_bad(src, "g_set");
		return;
	}

	binds = aemp_ref(aemp_map_get(aemp_map_get(db, "'l"), src));
	global_replace(src, db);
	if (binds != NULL)
		dbclient_local_set("'l", src, binds);
	aemp_unref(binds);
}

/* g_upd family set del: a change of the sender's shard. */
static void
global_req_upd(const char *src, struct aemp_val *msg)
{
	struct aemp_val	*family, *set, *del;

	if (!db_is_global())
		return;

	family = aemp_at(msg, 2);
	set = aemp_at(msg, 3);
	del = aemp_at(msg, 4);
	if (aemp_type(family) != AEMP_T_STR ||
	    (set != NULL && aemp_type(set) != AEMP_T_MAP &&
	    aemp_type(set) != AEMP_T_NULL) ||
	    (del != NULL && aemp_type(del) != AEMP_T_ARRAY &&
	    aemp_type(del) != AEMP_T_NULL)) {
		db_bad(src, "g_upd");
		return;
	}

	global_upd(src, family, set, del);
}

/* g_find node: answer with the node's listen addresses. */
static void
global_req_find(const char *src, struct aemp_val *msg)
{
	struct dbmap	*l;
	struct aemp_val	*addrs = NULL;
	const char	*node;
	size_t		 len;

	if (!db_is_global())
		return;
	if ((node = global_arg_str(msg, 2, &len)) == NULL) {
		db_bad(src, "g_find");
		return;
	}

	if ((l = global_sub_map(&g.merged, "'l", 2, 0)) != NULL)
		addrs = dbmap_get(l, node);
	aemp_snd(src, "svv", "g_found", aemp_at(msg, 2), addrs);
}

/* g_db_family, g_db_keys, g_db_values family id. */
static void
global_query(const char *src, struct aemp_val *msg, int what)
{
	struct dbmap	*fam;
	struct aemp_val	*res;
	const char	*name;
	size_t		 len;

	if (!db_is_global())
		return;
	if ((name = global_arg_str(msg, 2, &len)) == NULL ||
	    aemp_len(msg) < 4) {
		db_bad(src, "g_db request");
		return;
	}

	fam = global_sub_map(&g.merged, name, len, 0);
	if (what == 0)
		res = dbmap_to_map(fam);
	else
		res = dbmap_to_array(fam, what == 2);
	if (res != NULL)
		aemp_snd(src, "svV", "g_reply", aemp_at(msg, 3), res);
}

static void
global_req_family(const char *src, struct aemp_val *msg)
{
	global_query(src, msg, 0);
}

static void
global_req_keys(const char *src, struct aemp_val *msg)
{
	global_query(src, msg, 1);
}

static void
global_req_values(const char *src, struct aemp_val *msg)
{
	global_query(src, msg, 2);
}

/* g_mon1 family: subscribe the sender and send it the whole family. */
static void
global_req_mon1(const char *src, struct aemp_val *msg)
{
	struct dbmap	*fam;
	struct aemp_val	*snap = NULL;
	const char	*name;
	size_t		 len;

	if (!db_is_global())
		return;
	if ((name = global_arg_str(msg, 2, &len)) == NULL) {
		db_bad(src, "g_mon1");
		return;
	}

	dbmap_add(global_sub_map(&g.subs, name, len, 1), src, strlen(src),
	    NULL);
	dbmap_add(global_sub_map(&g.subs_of, src, strlen(src), 1), name, len,
	    NULL);

	if ((fam = global_sub_map(&g.merged, name, len, 0)) != NULL)
		snap = dbmap_to_map(fam);
	aemp_snd(src, "svV", "g_chg1", aemp_at(msg, 2), snap);
}

/* g_mon0 family: unsubscribe the sender. */
static void
global_req_mon0(const char *src, struct aemp_val *msg)
{
	struct dbmap	*subs, *fams;
	const char	*name;
	size_t		 len;

	if (!db_is_global())
		return;
	if ((name = global_arg_str(msg, 2, &len)) == NULL) {
		db_bad(src, "g_mon0");
		return;
	}

	if ((subs = global_sub_map(&g.subs, name, len, 0)) != NULL) {
		dbmap_del(subs, src, strlen(src), NULL);
		if (subs->count == 0 && dbmap_del(&g.subs, name, len, NULL))
			dbmap_free_set(subs);
	}
	if ((fams = global_sub_map(&g.subs_of, src, strlen(src), 0)) != NULL) {
		dbmap_del(fams, name, len, NULL);
		if (fams->count == 0 &&
		    dbmap_del(&g.subs_of, src, strlen(src), NULL))
			dbmap_free_set(fams);
	}
}

/* The requests of the global service (g_global also for slaves). */
const struct kernel_request global_requests[] = {
	{ .name = "g_slave", .fn = global_req_slave },
	{ .name = "g_global", .fn = global_req_global },
	{ .name = "g_set", .fn = global_req_set },
	{ .name = "g_upd", .fn = global_req_upd },
	{ .name = "g_find", .fn = global_req_find },
	{ .name = "g_db_family", .fn = global_req_family },
	{ .name = "g_db_keys", .fn = global_req_keys },
	{ .name = "g_db_values", .fn = global_req_values },
	{ .name = "g_mon1", .fn = global_req_mon1 },
	{ .name = "g_mon0", .fn = global_req_mon0 },
	{ .name = NULL }
};

static double
global_rand(void)
{
	uint32_t	 u = 0;

	random_bytes(&u, sizeof u);
	return ((double)u / 4294967296.0);
}

static void
global_keep_all(evutil_socket_t fd, short what, void *arg)
{
	const struct kernel_hooks	*hooks = kernel_get_hooks();
	struct dbmap_ent		*e;
	struct timeval			 tv;

	(void)fd;
	(void)what;
	(void)arg;

	if (g.keep_down.count == 0)
		return;
	for (e = dbmap_next(&g.keep_down, NULL); e != NULL;
	    e = dbmap_next(&g.keep_down, e)) {
		log_trace("keepalive: connecting %.100s", e->key);
		if (hooks != NULL && hooks->connect != NULL)
			hooks->connect(e->key);
	}

	g.keep_retry *= 2;
	if (g.keep_retry > db_retry_cap())
		g.keep_retry = db_retry_cap();
	tv.tv_sec = (time_t)g.keep_retry;
	tv.tv_usec = (suseconds_t)((g.keep_retry - tv.tv_sec) * 1e6);
	evtimer_add(g.keep_timer, &tv);
}

static void
global_keep_again(void)
{
	struct timeval	 tv = { 0, 0 };

	g.keep_retry = (1 + global_rand()) * 0.3;
	if (g.keep_timer != NULL)
		evtimer_add(g.keep_timer, &tv);
}

static void
global_keep_add(const char *node)
{
	int	 created;

	if (strcmp(node, kernel_node()) == 0)
		return;
	dbmap_add(&g.keep, node, strlen(node), &created);
	if (!created || aemp_node_is_up(node) == 1)
		return;

	global_set_add(&g.keep_down, node);
	global_keep_again();
}

static void
global_keep_del(const char *node)
{
	dbmap_del(&g.keep, node, strlen(node), NULL);
	dbmap_del(&g.keep_down, node, strlen(node), NULL);
	if (g.keep_down.count == 0 && g.keep_timer != NULL)
		evtimer_del(g.keep_timer);
}

/* Keep connected to every global node listed in "'g". */
static void
global_gmon_cb(struct aemp_val *family, struct aemp_val *added,
    struct aemp_val *changed, struct aemp_val *deleted, void *arg)
{
	const char	*node;
	size_t		 i;

	(void)family;
	(void)changed;
	(void)arg;

	for (i = 0; i < aemp_len(added); i++) {
		if ((node = aemp_str_ptr(aemp_at(added, i), NULL)) != NULL)
			global_keep_add(node);
	}
	for (i = 0; i < aemp_len(deleted); i++) {
		if ((node = aemp_str_ptr(aemp_at(deleted, i), NULL)) != NULL)
			global_keep_del(node);
	}
}

/* Turn this node into a global node (db_become_global calls it once). */
void
global_start(void)
{
	struct aemp_val	*up;
	const char	*node;
	size_t		 i;

	db_master_set(kernel_node());
	dbclient_local_set("'g", kernel_node(), NULL);

	up = aemp_up_nodes();
	for (i = 0; i < aemp_len(up); i++) {
		if ((node = aemp_str_ptr(aemp_at(up, i), NULL)) == NULL)
			continue;
		aemp_snd(node, "s", "g_global");
		if (global_has(&g.globals, node))
			global_connect(node);
	}
	aemp_unref(up);

	g.keep_timer = evtimer_new(kernel_base(), global_keep_all, NULL);
	g.gmon = aemp_db_mon("'g", global_gmon_cb, NULL);
}

/*
 * Whether an owner other than this node lists node in "'g": this node's
 * own entry for it is being deleted, and nobody else may still want it.
 */
static int
global_listed_elsewhere(const char *node)
{
	const char		*self = kernel_node();
	struct dbmap_ent	*e;
	struct dbmap		*fam;

	for (e = dbmap_next(&g.shards, NULL); e != NULL;
	    e = dbmap_next(&g.shards, e)) {
		if (e->len == strlen(self) && memcmp(e->key, self, e->len) == 0)
			continue;
		fam = global_sub_map(e->data, "'g", 2, 0);
		if (fam != NULL && dbmap_find(fam, node, strlen(node)) != NULL)
			return (1);
	}
	return (0);
}

/* A node came up (greet it as a global) or went down (forget it). */
void
global_node_event(const char *node, int up)
{
	if (!up)
		dbmap_del(&g.globals, node, strlen(node), NULL);
	if (!db_is_global())
		return;

	if (up) {
		aemp_snd(node, "s", "g_global");
		if (dbmap_del(&g.keep_down, node, strlen(node), NULL) &&
		    g.keep_down.count == 0)
			evtimer_del(g.keep_timer);
		return;
	}

	global_disconnect(node);

	/*
	 * Its "'g" entries went with it (its shard, our own entry on the
	 * way out): redialling it now would only fail with "no known
	 * address".  It is dialled again once something is sent to it.
	 */
	if (!global_listed_elsewhere(node)) {
		global_keep_del(node);
		return;
	}
	if (global_has(&g.keep, node)) {
		global_set_add(&g.keep_down, node);
		global_keep_again();
	}
}

/* Free every shard, subscription and timer. */
void
global_shutdown(void)
{
	aemp_guard_free(g.gmon);
	g.gmon = NULL;
	if (g.keep_timer != NULL)
		event_free(g.keep_timer);
	g.keep_timer = NULL;

	dbmap_clear(&g.shards, dbmap_free_families);
	dbmap_clear(&g.merged, dbmap_free_vals);
	dbmap_clear(&g.slaves, NULL);
	dbmap_clear(&g.subs, dbmap_free_set);
	dbmap_clear(&g.subs_of, dbmap_free_set);
	dbmap_clear(&g.globals, NULL);
	dbmap_clear(&g.keep, NULL);
	dbmap_clear(&g.keep_down, NULL);
}
