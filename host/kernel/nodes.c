/*
 * What the kernel knows of other nodes: which are up, the local
 * monitors of their ports, their monitor requests for ours, and the
 * node up/down listeners.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel.h"

struct nodes_listener {
	TAILQ_ENTRY(nodes_listener)	 entry;
	aemp_node_cb			 cb;
	void				*arg;
	struct aemp_guard		*guard;
	int				 dead;
};

struct nodes_call {
	struct nodes_listener	*l;
	const char		*node;
	int			 up;
	struct aemp_val		*reason;
};

static struct table	*nodes_table;
static TAILQ_HEAD(, nodes_listener) nodes_listeners =
    TAILQ_HEAD_INITIALIZER(nodes_listeners);
static int		 nodes_emitting;

/*
 * Split a port ID: *name points after the first '#' (or to the end);
 * returns the length of the node part.
 */
int
nodes_split(const char *port, const char **name)
{
	const char	*p;

	if ((p = strchr(port, '#')) != NULL) {
		*name = p + 1;
		return (int)(p - port);
	}
	*name = port + strlen(port);
	return (int)strlen(port);
}

/* 1 when the len bytes of node name this node. */
int
nodes_is_self(const char *node, size_t len)
{
	const char	*self = kernel_node();

	return strlen(self) == len && memcmp(self, node, len) == 0;
}

/* The record of node id; created when create is set, else maybe NULL. */
struct knode *
nodes_get(const char *id, int create)
{
	struct knode	*kn;

	if (nodes_table == NULL)
		nodes_table = table_new();
	if ((kn = table_get(nodes_table, id)) != NULL || !create)
		return kn;

	kn = xcalloc(1, sizeof *kn);
	kn->id = xstrdup(id);
	kn->lmon = table_new();
	TAILQ_INIT(&kn->rmon);
	table_put(nodes_table, id, kn);
	return kn;
}

static void
nodes_free_lmon(void *v)
{
	struct monq	*q = v;
	struct mon	*m;

	while ((m = TAILQ_FIRST(q)) != NULL)
		mon_destroy(m);
	free(q);
}

static void
nodes_free(void *v)
{
	struct knode	*kn = v;
	struct mon	*m;

	while ((m = TAILQ_FIRST(&kn->rmon)) != NULL)
		mon_destroy(m);
	table_free(kn->lmon, nodes_free_lmon);
	free(kn->id);
	free(kn);
}

/* Forget kn when nothing refers to it any more. */
void
nodes_gc(struct knode *kn)
{
	if (kn == NULL || kn->up || table_count(kn->lmon) != 0 ||
	    !TAILQ_EMPTY(&kn->rmon))
		return;
	table_del(nodes_table, kn->id);
	nodes_free(kn);
}

static void
nodes_call_tramp(void *arg)
{
	struct nodes_call	*c = arg;

	c->l->cb(c->node, c->up, c->reason, c->l->arg);
}

static void
nodes_listener_free(struct nodes_listener *l)
{
	TAILQ_REMOVE(&nodes_listeners, l, entry);
	guard_fired(l->guard);
	free(l);
}

/* Tell every node listener that node went up or down (with reason). */
void
nodes_emit(const char *node, int up, struct aemp_val *reason)
{
	struct nodes_listener	*l, *next;
	struct nodes_call	 c;

	c.node = node;
	c.up = up;
	c.reason = up ? NULL : reason;

	nodes_emitting++;
	TAILQ_FOREACH(l, &nodes_listeners, entry) {
		if (l->dead)
			continue;
		c.l = l;
		context_run(NULL, NULL, nodes_call_tramp, &c);
	}
	nodes_emitting--;

	if (nodes_emitting > 0)
		return;
	for (l = TAILQ_FIRST(&nodes_listeners); l != NULL; l = next) {
		next = TAILQ_NEXT(l, entry);
		if (l->dead)
			nodes_listener_free(l);
	}
}

static void
nodes_listener_cancel(void *arg)
{
	struct nodes_listener	*l = arg;

	l->guard = NULL;
	if (nodes_emitting > 0)
		l->dead = 1;
	else
		nodes_listener_free(l);
}

/* Call cb for every node that goes up or down from now on. */
struct aemp_guard *
aemp_mon_nodes(aemp_node_cb cb, void *arg)
{
	struct nodes_listener	*l;

	l = xcalloc(1, sizeof *l);
	l->cb = cb;
	l->arg = arg;
	l->guard = guard_new(nodes_listener_cancel, l);
	TAILQ_INSERT_TAIL(&nodes_listeners, l, entry);
	return l->guard;
}

/* The connected nodes, excluding this one, as a new array of strings. */
struct aemp_val *
aemp_up_nodes(void)
{
	struct aemp_val	*a;
	struct knode	*kn;
	void		*cur = NULL;

	a = aemp_array_new(8);
	if (nodes_table == NULL)
		return a;
	while ((kn = table_next(nodes_table, &cur, NULL)) != NULL)
		if (kn->up && !nodes_is_self(kn->id, strlen(kn->id)))
			aemp_array_push(a, aemp_str(kn->id));
	return a;
}

/* 1 connected (or self), 0 known but not connected, -1 unknown. */
int
aemp_node_is_up(const char *node)
{
	const struct kernel_hooks	*h = kernel_get_hooks();
	struct knode			*kn;

	if (node == NULL || *node == '\0')
		return -1;
	if (nodes_is_self(node, strlen(node)))
		return 1;
	if (h->node_state != NULL)
		return h->node_state(node);
	if ((kn = nodes_get(node, 0)) == NULL)
		return -1;
	return kn->up ? 1 : 0;
}

/* The node part of a port ID, as a new string. */
char *
aemp_node_of(const char *port)
{
	const char	*name;

	if (kernel_null_arg("node_of", "port", port))
		return NULL;
	return xstrndup(port, (size_t)nodes_split(port, &name));
}

/* 1 when port lives on this node. */
int
aemp_port_is_local(const char *port)
{
	const char	*name;

	if (kernel_null_arg("port_is_local", "port", port))
		return 0;
	return nodes_is_self(port, (size_t)nodes_split(port, &name));
}

/* Forget all nodes and listeners (shutdown). */
void
nodes_free_all(void)
{
	struct nodes_listener	*l;

	table_free(nodes_table, nodes_free);
	nodes_table = NULL;
	while ((l = TAILQ_FIRST(&nodes_listeners)) != NULL)
		nodes_listener_free(l);
}
