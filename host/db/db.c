/*
 * db.c: the database layer's life cycle, the master it talks to and the
 * node events it follows.
 *
 * Every node keeps its own keys (dbclient.c) and hands them to a master,
 * the first seed that is up; seed nodes and nodes asked to by a slave run
 * the global service (global.c) and are their own master, so a global
 * node talks to its service through its own node port like any slave.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

struct db_guard {
	db_guard_cb	 cb;
	void		*arg;
};

static struct {
	int			 inited;
	int			 running;
	int			 global;
	char			*master;
	struct aemp_guard	*nodes;
	struct dbmap		 guards;	/* id => struct db_guard */
	uintptr_t		 guard_id;
} db;

static void	db_node_cb(const char *, int, struct aemp_val *, void *);

/* Register the database requests and the address lookup. */
int
db_init(void)
{
	if (db.inited)
		return (AEMP_ERR_STATE);

	kernel_request_add(global_requests);
	kernel_request_add(dbclient_requests);
	net_set_lookup(dbclient_lookup);

	db.inited = 1;
	db.running = 1;
	return (0);
}

/* Record this node's addresses, follow node events, contact the seeds. */
int
db_start(struct aemp_val *seeds, struct aemp_val *addrs)
{
	struct aemp_val	*none = NULL;
	int		 r;

	if (!db.running || db.nodes != NULL)
		return (AEMP_ERR_STATE);

	if (addrs == NULL)
		addrs = none = aemp_array_new(0);
	dbclient_local_set("'l", kernel_node(), addrs);
	aemp_unref(none);

	db.nodes = aemp_mon_nodes(db_node_cb, NULL);
	if (db.nodes == NULL)
		return (AEMP_ERR_NOMEM);

	if (seeds != NULL && (r = seed_start(seeds)) != 0)
		return (r);

	db_master_search();
	return (0);
}

static void
db_guard_free_cb(void *arg)
{
	struct db_guard	*g = arg;

	g->cb(g->arg, 0);
	free(g);
}

/* Stop following the network and free everything the layer holds. */
void
db_shutdown(void)
{
	if (!db.inited)
		return;
	db.running = 0;

	aemp_guard_free(db.nodes);
	db.nodes = NULL;
	net_set_lookup(NULL);

	/* Guards the caller still holds become inert first. */
	dbmap_clear(&db.guards, db_guard_free_cb);
	seed_shutdown();
	global_shutdown();
	dbclient_shutdown();

	free(db.master);
	db.master = NULL;
	db.global = 0;
	db.inited = 0;
}

/* 1 when this node runs the global service. */
int
db_is_global(void)
{
	return (db.global);
}

/* 1 between db_init and db_shutdown. */
int
db_running(void)
{
	return (db.running);
}

/* The node the database talks to, or NULL while none is known. */
const char *
db_master(void)
{
	return (db.master);
}

/* Bind to master: hand it this node's keys and every pending request. */
void
db_master_set(const char *node)
{
	free(db.master);
	db.master = xstrdup(node);
	log_debug("new master node: %.100s", node);

	dbclient_master_bound();
}

/* Pick the first seed that is up as master, unless one is bound. */
void
db_master_search(void)
{
	const char	*node;

	if (db.master != NULL || db.global || !db.running)
		return;

	if ((node = seed_first_up()) != NULL)
		db_master_set(node);
}

/* Start the global service on this node (once). */
void
db_become_global(void)
{
	if (db.global || !db.running)
		return;

	db.global = 1;
	log_note("starting global service");
	global_start();
}

static void
db_node_cb(const char *node, int up, struct aemp_val *reason, void *arg)
{
	(void)reason;
	(void)arg;

	if (!db.running)
		return;

	seed_node_event(node, up);
	global_node_event(node, up);

	if (!up && db.master != NULL && strcmp(node, db.master) == 0 &&
	    !db.global) {
		log_debug("master node %.100s is down", node);
		free(db.master);
		db.master = NULL;
	}
	db_master_search();
}

static void
db_guard_cancel(void *arg)
{
	uintptr_t	 id = (uintptr_t)arg;
	void		*data;
	struct db_guard	*g;

	if (!dbmap_del(&db.guards, (const char *)&id, sizeof id, &data))
		return;

	g = data;
	g->cb(g->arg, 1);
	free(g);
}

/*
 * A guard for the caller: freeing it runs cb(arg, 1); db_shutdown runs
 * cb(arg, 0) for those still held, and a guard freed later does nothing.
 */
struct aemp_guard *
db_guard_new(db_guard_cb cb, void *arg)
{
	struct aemp_guard	*guard;
	struct dbmap_ent	*e;
	struct db_guard		*g;
	uintptr_t		 id;

	id = ++db.guard_id;
	g = xmalloc(sizeof *g);
	g->cb = cb;
	g->arg = arg;

	e = dbmap_add(&db.guards, (const char *)&id, sizeof id, NULL);
	e->data = g;

	guard = guard_new(db_guard_cancel, (void *)id);
	if (guard == NULL) {
		dbmap_del(&db.guards, (const char *)&id, sizeof id, NULL);
		free(g);
	}
	return (guard);
}

/* Log one line about a malformed request from node and drop it. */
void
db_bad(const char *node, const char *what)
{
	char	*esc;

	esc = log_escape(node, strlen(node), 100);
	log_warn("ignored malformed %s from %s", what, esc);
	free(esc);
}

/* The cap of every retry backoff: monitor_timeout. */
double
db_retry_cap(void)
{
	double	 cap;

	cap = settings_number("monitor_timeout", 30);
	return (cap > 0 ? cap : 30);
}
