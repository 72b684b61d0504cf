/*
 * dbclient.c: this node's own keys, the requests it keeps for its
 * master, and the database calls of the public API.
 *
 * Requests wait in a list until a master is bound and are sent again to
 * every new master until answered.  db_mon keeps a copy of each watched
 * family, fed by g_chg1 (whole family) and g_chg2 (changes) from the
 * current master only.
 */

#include <sys/queue.h>

#include <event2/event.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* A request kept for the master until answered. */
struct dbclient_req {
	TAILQ_ENTRY(dbclient_req) entry;
	char			*id;
	struct aemp_val		*msg;
};

/* A db_family, db_keys or db_values call waiting for g_reply. */
struct dbclient_call {
	aemp_reply_cb		 cb;
	void			*arg;
	int			 what;	/* 0 family, 1 keys, 2 values */
};

struct dbclient_fam;

/* One db_mon subscriber. */
struct dbclient_sub {
	TAILQ_ENTRY(dbclient_sub) entry;
	struct dbclient_fam	*fam;
	aemp_db_cb		 cb;
	void			*arg;
	struct event		*first;	/* pending initial call */
	int			 dead;
};

/* A watched family: the local copy and its subscribers. */
struct dbclient_fam {
	char			*name;
	struct dbmap		 db;	/* key => value */
	TAILQ_HEAD(, dbclient_sub) subs;
	int			 busy;	/* callbacks running */
	int			 dropped; /* no longer in the table */
};

/* The state behind a db_set or db_reg guard. */
struct dbclient_key {
	char			*family;
	char			*key;
	struct aemp_guard	*mon;	/* db_reg: the port's monitor */
};

static struct {
	struct dbmap		 local;	/* family => key => value */
	TAILQ_HEAD(, dbclient_req) reqs;
	struct dbmap		 req_ids; /* id => struct dbclient_req */
	struct dbmap		 calls;	/* id => struct dbclient_call */
	unsigned long		 next_id;
	struct dbmap		 fams;	/* family => struct dbclient_fam */
} dbc = {
	.reqs = TAILQ_HEAD_INITIALIZER(dbc.reqs)
};

static void
dbclient_req_add(const char *id, struct aemp_val *msg)
{
	struct dbclient_req	*r;
	struct dbmap_ent	*e;
	int			 created;

	if (msg == NULL)
		return;
	e = dbmap_add(&dbc.req_ids, id, strlen(id), &created);
	if (!created) {
		aemp_unref(msg);
		return;
	}

	r = xmalloc(sizeof *r);
	r->id = xstrdup(id);
	r->msg = msg;
	e->data = r;
	TAILQ_INSERT_TAIL(&dbc.reqs, r, entry);

	if (db_master() != NULL && db_running())
		aemp_sndv(db_master(), msg);
}

static void
dbclient_req_free(struct dbclient_req *r)
{
	TAILQ_REMOVE(&dbc.reqs, r, entry);
	aemp_unref(r->msg);
	free(r->id);
	free(r);
}

static void
dbclient_req_del(const char *id)
{
	void	*data;

	if (dbmap_del(&dbc.req_ids, id, strlen(id), &data))
		dbclient_req_free(data);
}

/* This node's whole local database as family => key => value. */
static struct aemp_val *
dbclient_local_db(void)
{
	struct aemp_val		*db;
	struct dbmap_ent	*e;

	db = aemp_map_new(dbc.local.count);
	for (e = dbmap_next(&dbc.local, NULL); db != NULL && e != NULL;
	    e = dbmap_next(&dbc.local, e))
		aemp_map_put_n(db, e->key, e->len, dbmap_to_map(e->data));
	return (db);
}

/* A master was bound: send it our keys, then every pending request. */
void
dbclient_master_bound(void)
{
	struct dbclient_req	*r;
	const char		*master = db_master();

	aemp_snd(master, "sV", "g_slave", dbclient_local_db());
	TAILQ_FOREACH(r, &dbc.reqs, entry)
		aemp_sndv(master, r->msg);
}

/* Set family/key to v (borrowed; NULL is null) and tell the master. */
void
dbclient_local_set(const char *family, const char *key, struct aemp_val *v)
{
	struct dbmap		*fam;
	struct dbmap_ent	*e;
	struct aemp_val		*nv;

	nv = v != NULL ? aemp_ref(v) : aemp_null();
	if (nv == NULL)
		return;

	e = dbmap_add(&dbc.local, family, strlen(family), NULL);
	if (e->data == NULL)
		e->data = dbmap_new();
	fam = e->data;

	e = dbmap_find(fam, key, strlen(key));
	if (e != NULL && aemp_equal(e->data, nv)) {
		aemp_unref(nv);
		return;
	}
	dbmap_put_val(fam, key, strlen(key), nv);

	if (db_master() != NULL && db_running())
		aemp_snd(db_master(), "ss{sv}", "g_upd", family, key, nv);
}

/* Delete family/key of this node's keys, if set, and tell the master. */
void
dbclient_local_del(const char *family, const char *key)
{
	struct dbmap	*fam;

	fam = dbmap_get(&dbc.local, family);
	if (fam == NULL || !dbmap_del_val(fam, key, strlen(key)))
		return;
	if (fam->count == 0 &&
	    dbmap_del(&dbc.local, family, strlen(family), NULL))
		dbmap_free_vals(fam);

	if (db_master() != NULL && db_running())
		aemp_snd(db_master(), "ssn[s]", "g_upd", family, key);
}

static void
dbclient_key_free(struct dbclient_key *k)
{
	aemp_guard_free(k->mon);
	free(k->family);
	free(k->key);
	free(k);
}

static void
dbclient_key_guard(void *arg, int fire)
{
	struct dbclient_key	*k = arg;

	if (fire)
		dbclient_local_del(k->family, k->key);
	dbclient_key_free(k);
}

static struct dbclient_key *
dbclient_key_new(const char *family, const char *key)
{
	struct dbclient_key	*k;

	k = xcalloc(1, sizeof *k);
	k->family = xstrdup(family);
	k->key = xstrdup(key);
	return (k);
}

/* Set family/key in this node's share of the database. */
struct aemp_guard *
aemp_db_set(const char *family, const char *key, struct aemp_val *value,
    int guard)
{
	struct aemp_guard	*g;
	struct dbclient_key	*k;

	if (family == NULL || key == NULL)
		return (NULL);
	dbclient_local_set(family, key, value);
	if (!guard)
		return (NULL);

	k = dbclient_key_new(family, key);
	if ((g = db_guard_new(dbclient_key_guard, k)) == NULL)
		dbclient_key_free(k);
	return (g);
}

/* Delete family/key from this node's share of the database. */
void
aemp_db_del(const char *family, const char *key)
{
	if (family != NULL && key != NULL)
		dbclient_local_del(family, key);
}

static void
dbclient_reg_died(struct aemp_val *reason, void *arg)
{
	struct dbclient_key	*k = arg;

	(void)reason;
	dbclient_local_del(k->family, k->key);
}

/* Set family/port and delete it again when the port dies. */
struct aemp_guard *
aemp_db_reg(const char *family, const char *port, struct aemp_val *value)
{
	struct aemp_guard	*g;
	struct dbclient_key	*k;

	if (port == NULL)
		port = aemp_self();
	if (family == NULL || port == NULL) {
		log_error("db_reg: no family or no port (and no port "
		    "context)");
		return (NULL);
	}

	dbclient_local_set(family, port, value);
	k = dbclient_key_new(family, port);
	k->mon = aemp_mon(port, dbclient_reg_died, k);
	if ((g = db_guard_new(dbclient_key_guard, k)) == NULL)
		dbclient_key_free(k);
	return (g);
}

static void
dbclient_fam_free(struct dbclient_fam *f)
{
	struct dbclient_sub	*s;

	while ((s = TAILQ_FIRST(&f->subs)) != NULL) {
		TAILQ_REMOVE(&f->subs, s, entry);
		if (s->first != NULL)
			event_free(s->first);
		free(s);
	}
	dbmap_clear_vals(&f->db);
	free(f->name);
	free(f);
}

/* Free subscribers that went while callbacks ran, then the family. */
static void
dbclient_sweep(struct dbclient_fam *f)
{
	struct dbclient_sub	*s, *next;

	if (f->busy)
		return;

	for (s = TAILQ_FIRST(&f->subs); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (!s->dead)
			continue;
		TAILQ_REMOVE(&f->subs, s, entry);
		free(s);
	}
	if (f->dropped && TAILQ_EMPTY(&f->subs))
		dbclient_fam_free(f);
}

static int
dbclient_fam_live(struct dbclient_fam *f)
{
	struct dbclient_sub	*s;

	TAILQ_FOREACH(s, &f->subs, entry) {
		if (!s->dead)
			return (1);
	}
	return (0);
}

/* Stop watching family f: no subscriber is left. */
static void
dbclient_fam_drop(struct dbclient_fam *f)
{
	char	*id;

	dbmap_del(&dbc.fams, f->name, strlen(f->name), NULL);
	f->dropped = 1;

	if (xasprintf(&id, "mon1 %s", f->name) != -1) {
		dbclient_req_del(id);
		free(id);
	}
	if (db_master() != NULL && db_running())
		aemp_snd(db_master(), "ss", "g_mon0", f->name);
}

static void
dbclient_sub_guard(void *arg, int fire)
{
	struct dbclient_sub	*s = arg;
	struct dbclient_fam	*f = s->fam;

	if (s->first != NULL)
		event_free(s->first);
	s->first = NULL;
	s->dead = 1;

	if (fire && !f->dropped && !dbclient_fam_live(f))
		dbclient_fam_drop(f);
	dbclient_sweep(f);
}

/* Run every ready subscriber of f with the family and the changes. */
static void
dbclient_dispatch(struct dbclient_fam *f, struct aemp_val *added,
    struct aemp_val *changed, struct aemp_val *deleted)
{
	struct dbclient_sub	*s;
	struct aemp_val		*snap;

	/* XXX rebuilt per batch: costly for families of many keys */
	if ((snap = dbmap_to_map(&f->db)) == NULL)
		return;

	f->busy++;
	TAILQ_FOREACH(s, &f->subs, entry) {
		if (!s->dead && s->first == NULL)
			s->cb(snap, added, changed, deleted, s->arg);
	}
	f->busy--;

	aemp_unref(snap);
	dbclient_sweep(f);
}

/* The deferred first call of an extra subscriber: every key as added. */
static void
dbclient_first(evutil_socket_t fd, short what, void *arg)
{
	struct dbclient_sub	*s = arg;
	struct dbclient_fam	*f = s->fam;
	struct aemp_val		*snap, *keys, *none;

	(void)fd;
	(void)what;

	event_free(s->first);
	s->first = NULL;

	snap = dbmap_to_map(&f->db);
	keys = dbmap_to_array(&f->db, 0);
	none = aemp_array_new(0);
	if (snap != NULL && keys != NULL && none != NULL) {
		f->busy++;
		s->cb(snap, keys, none, none, s->arg);
		f->busy--;
	}
	aemp_unref(snap);
	aemp_unref(keys);
	aemp_unref(none);
	dbclient_sweep(f);
}

/* Watch family: cb runs with the whole family and each batch of changes. */
struct aemp_guard *
aemp_db_mon(const char *family, aemp_db_cb cb, void *arg)
{
	struct timeval		 tv = { 0, 0 };
	struct dbclient_fam	*f;
	struct dbclient_sub	*s;
	struct dbmap_ent	*e;
	char			*id;
	int			 created;

	if (family == NULL || cb == NULL)
		return (NULL);

	e = dbmap_add(&dbc.fams, family, strlen(family), &created);
	if (created) {
		f = xcalloc(1, sizeof *f);
		f->name = xstrdup(family);
		TAILQ_INIT(&f->subs);
		e->data = f;
	}
	f = e->data;

	s = xcalloc(1, sizeof *s);
	s->fam = f;
	s->cb = cb;
	s->arg = arg;
	if (!created) {
		s->first = evtimer_new(kernel_base(), dbclient_first, s);
		if (s->first != NULL)
			evtimer_add(s->first, &tv);
	}
	TAILQ_INSERT_TAIL(&f->subs, s, entry);

	if (created && xasprintf(&id, "mon1 %s", family) != -1) {
		dbclient_req_add(id, aemp_pack("ss", "g_mon1", family));
		free(id);
	}
	return (db_guard_new(dbclient_sub_guard, s));
}

static void
dbclient_call(const char *request, const char *family, aemp_reply_cb cb,
    void *arg, int what)
{
	struct dbclient_call	*call;
	struct dbmap_ent	*e;
	char			*id;

	if (family == NULL || cb == NULL)
		return;
	if (xasprintf(&id, "q%lu", ++dbc.next_id) == -1)
		return;

	call = xmalloc(sizeof *call);
	call->cb = cb;
	call->arg = arg;
	call->what = what;
	e = dbmap_add(&dbc.calls, id, strlen(id), NULL);
	e->data = call;

	dbclient_req_add(id, aemp_pack("sss", request, family, id));
	free(id);
}

/* Ask the master for the merged family (a map) of family. */
void
aemp_db_family(const char *family, aemp_reply_cb cb, void *arg)
{
	dbclient_call("g_db_family", family, cb, arg, 0);
}

/* Ask the master for the keys of family. */
void
aemp_db_keys(const char *family, aemp_reply_cb cb, void *arg)
{
	dbclient_call("g_db_keys", family, cb, arg, 1);
}

/* Ask the master for the values of family. */
void
aemp_db_values(const char *family, aemp_reply_cb cb, void *arg)
{
	dbclient_call("g_db_values", family, cb, arg, 2);
}

/* Net's lookup hook: ask the master for node's listen addresses. */
void
dbclient_lookup(const char *node)
{
	char	*id;

	if (!db_running())
		return;
	if (db_master() == NULL && seed_refusal() != NULL) {
		net_not_found(node, seed_refusal());
		return;
	}
	if (xasprintf(&id, "g_find %s", node) == -1)
		return;
	dbclient_req_add(id, aemp_pack("ss", "g_find", node));
	free(id);
}

/* No master can answer (why): fail every lookup waiting for one. */
void
dbclient_lookups_fail(const char *why)
{
	struct dbclient_req	*r, *next;
	const char		*node;

	if (db_master() != NULL)
		return;
	for (r = TAILQ_FIRST(&dbc.reqs); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (strncmp(r->id, "g_find ", 7) != 0)
			continue;
		node = r->id + 7;
		net_not_found(node, why);
		dbclient_req_del(r->id);
	}
}

static int
dbclient_from_master(const char *src)
{
	return (db_master() != NULL && strcmp(src, db_master()) == 0);
}

/* g_found node addrs: the answer to g_find. */
static void
dbclient_req_found(const char *src, struct aemp_val *msg)
{
	struct aemp_val	*addrs;
	const char	*node;
	char		*id;
	size_t		 i;

	if ((node = aemp_str_ptr(aemp_at(msg, 2), NULL)) == NULL) {
		db_bad(src, "g_found");
		return;
	}
	if (xasprintf(&id, "g_find %s", node) != -1) {
		dbclient_req_del(id);
		free(id);
	}

	addrs = aemp_at(msg, 3);
	if (aemp_type(addrs) != AEMP_T_ARRAY || aemp_len(addrs) == 0)
		addrs = NULL;
	for (i = 0; addrs != NULL && i < aemp_len(addrs); i++) {
		if (aemp_type(aemp_at(addrs, i)) != AEMP_T_STR)
			addrs = NULL;
	}
	net_found(node, addrs);
}

/* g_reply id result: the answer to g_db_family, g_db_keys, g_db_values. */
static void
dbclient_req_reply(const char *src, struct aemp_val *msg)
{
	struct dbclient_call	*call;
	struct aemp_val		*res, *empty = NULL;
	const char		*id;
	void			*data;

	if ((id = aemp_str_ptr(aemp_at(msg, 2), NULL)) == NULL) {
		db_bad(src, "g_reply");
		return;
	}
	dbclient_req_del(id);
	if (!dbmap_del(&dbc.calls, id, strlen(id), &data))
		return;
	call = data;

	res = aemp_at(msg, 3);
	if (call->what == 0 && aemp_type(res) != AEMP_T_MAP)
		res = empty = aemp_map_new(0);
	else if (call->what != 0 && aemp_type(res) != AEMP_T_ARRAY)
		res = empty = aemp_array_new(0);
	if (res != NULL)
		call->cb(res, call->arg);

	aemp_unref(empty);
	free(call);
}

static struct dbclient_fam *
dbclient_req_fam(const char *src, struct aemp_val *msg, const char *what)
{
	struct dbmap_ent	*e;
	const char		*name;
	size_t			 len;

	if (!dbclient_from_master(src))
		return (NULL);
	if ((name = aemp_str_ptr(aemp_at(msg, 2), &len)) == NULL) {
		db_bad(src, what);
		return (NULL);
	}

	e = dbmap_find(&dbc.fams, name, len);
	return (e != NULL ? e->data : NULL);
}

/* Put the pairs of map set into f's copy, sorting keys into a and ch. */
static void
dbclient_apply_set(struct dbclient_fam *f, struct aemp_val *set,
    struct aemp_val *a, struct aemp_val *ch)
{
	const char	*key;
	size_t		 i, len;

	for (i = 0; aemp_type(set) == AEMP_T_MAP && i < aemp_len(set); i++) {
		key = aemp_map_key_at(set, i, &len);
		aemp_array_push(dbmap_find(&f->db, key, len) != NULL ? ch : a,
		    aemp_str_n(key, len));
		dbmap_put_val(&f->db, key, len,
		    aemp_ref(aemp_map_val_at(set, i)));
	}
}

/* g_chg1 family db: the whole family (null when empty). */
static void
dbclient_req_chg1(const char *src, struct aemp_val *msg)
{
	struct dbclient_fam	*f;
	struct dbmap_ent	*e;
	struct aemp_val		*ndb, *a, *ch, *d;
	size_t			 i, len;
	const char		*key;

	if ((f = dbclient_req_fam(src, msg, "g_chg1")) == NULL)
		return;
	ndb = aemp_at(msg, 3);
	a = aemp_array_new(0);
	ch = aemp_array_new(0);
	d = aemp_array_new(0);
	if (a == NULL || ch == NULL || d == NULL)
		goto out;

	for (e = dbmap_next(&f->db, NULL); e != NULL;
	    e = dbmap_next(&f->db, e)) {
		if (aemp_type(ndb) != AEMP_T_MAP ||
		    aemp_map_get(ndb, e->key) == NULL)
			aemp_array_push(d, aemp_str_n(e->key, e->len));
	}
	for (i = 0; i < aemp_len(d); i++) {
		key = aemp_str_ptr(aemp_at(d, i), &len);
		dbmap_del_val(&f->db, key, len);
	}
	dbclient_apply_set(f, ndb, a, ch);

	dbclient_dispatch(f, a, ch, d);

out:
	aemp_unref(a);
	aemp_unref(ch);
	aemp_unref(d);
}

/* g_chg2 family set del: a batch of changes of a watched family. */
static void
dbclient_req_chg2(const char *src, struct aemp_val *msg)
{
	struct dbclient_fam	*f;
	struct aemp_val		*del, *a, *ch, *d;
	const char		*key;
	size_t			 i, len;

	if ((f = dbclient_req_fam(src, msg, "g_chg2")) == NULL)
		return;
	del = aemp_at(msg, 4);
	a = aemp_array_new(0);
	ch = aemp_array_new(0);
	d = aemp_array_new(0);
	if (a == NULL || ch == NULL || d == NULL)
		goto out;

	dbclient_apply_set(f, aemp_at(msg, 3), a, ch);
	for (i = 0; aemp_type(del) == AEMP_T_ARRAY && i < aemp_len(del);
	    i++) {
		if ((key = aemp_str_ptr(aemp_at(del, i), &len)) == NULL)
			continue;
		dbmap_del_val(&f->db, key, len);
		aemp_array_push(d, aemp_str_n(key, len));
	}

	dbclient_dispatch(f, a, ch, d);

out:
	aemp_unref(a);
	aemp_unref(ch);
	aemp_unref(d);
}

/* The requests every node answers as a client of its master. */
const struct kernel_request dbclient_requests[] = {
	{ .name = "g_found", .fn = dbclient_req_found },
	{ .name = "g_reply", .fn = dbclient_req_reply },
	{ .name = "g_chg1", .fn = dbclient_req_chg1 },
	{ .name = "g_chg2", .fn = dbclient_req_chg2 },
	{ .name = NULL }
};

static void
dbclient_fam_free_cb(void *arg)
{
	dbclient_fam_free(arg);
}

/* Free the local keys, the pending requests and every watched family. */
void
dbclient_shutdown(void)
{
	struct dbclient_req	*r;

	while ((r = TAILQ_FIRST(&dbc.reqs)) != NULL)
		dbclient_req_free(r);
	dbmap_clear(&dbc.req_ids, NULL);
	dbmap_clear(&dbc.calls, free);
	dbmap_clear(&dbc.fams, dbclient_fam_free_cb);
	dbmap_clear(&dbc.local, dbmap_free_vals);
}
