/*
 * Monitors: local ones of local ports (in the port), local ones of
 * remote ports (per node and port name, announced with mon1/mon0), and
 * other nodes' mon1 requests for our ports (answered with kil0).  Every
 * monitor fires at most once and is then gone; its guard stays valid
 * until the caller frees it.
 */

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

struct mon_call {
	struct mon	*m;
	struct aemp_val	*reason;
};

static struct mon *
mon_new(int kind)
{
	struct mon	*m;

	m = xcalloc(1, sizeof *m);
	m->kind = kind;
	return m;
}

/* Unlink m from every list and free it; its guard becomes inert. */
void
mon_destroy(struct mon *m)
{
	if (m->owner != NULL)
		TAILQ_REMOVE(m->owner, m, entry);
	if (m->kind == MON_REMOTE && m->knode != NULL)
		TAILQ_REMOVE(&m->knode->rmon, m, node_entry);
	guard_fired(m->guard);
	free(m->rcvport);
	aemp_unref(m->prefix);
	free(m->node);
	free(m->name);
	free(m);
}

static void
mon_call_tramp(void *arg)
{
	struct mon_call	*c = arg;

	c->m->cb(c->reason, c->m->arg);
}

static void
mon_send_kil0(const char *node, const char *name, struct aemp_val *reason)
{
	struct aemp_val	*head, *msg;

	head = aemp_pack("ss", "kil0", name);
	msg = snd_concat(head, 0, reason);
	snd_node(node, "", msg);
	aemp_unref(msg);
	aemp_unref(head);
}

/* Fire m (no longer listed anywhere) with reason, then free it. */
void
mon_fire_one(struct mon *m, struct aemp_val *reason)
{
	struct mon_call	 c;
	struct aemp_val	*msg;

	guard_fired(m->guard);
	m->guard = NULL;

	switch (m->kind) {
	case MON_CB:
		c.m = m;
		c.reason = reason;
		context_run(NULL, NULL, mon_call_tramp, &c);
		break;
	case MON_LINK:
		if (aemp_len(reason) > 0)
			aemp_kilv(m->rcvport, reason);
		break;
	case MON_MSG:
		msg = snd_concat(m->prefix, 0, reason);
		aemp_sndv(m->rcvport, msg);
		aemp_unref(msg);
		break;
	case MON_REMOTE:
		mon_send_kil0(m->node, m->name, reason);
		break;
	}
	mon_destroy(m);
}

/* Move every monitor of q to batch, where cancelling still works. */
static void
mon_take(struct monq *q, struct monq *batch)
{
	struct mon	*m;

	while ((m = TAILQ_FIRST(q)) != NULL) {
		TAILQ_REMOVE(q, m, entry);
		TAILQ_INSERT_TAIL(batch, m, entry);
		m->owner = batch;
		m->state = MON_FIRING;
	}
}

static void
mon_fire_batch(struct monq *batch, struct aemp_val *reason)
{
	struct mon	*m;

	while ((m = TAILQ_FIRST(batch)) != NULL) {
		TAILQ_REMOVE(batch, m, entry);
		m->owner = NULL;
		mon_fire_one(m, reason);
	}
}

/* Fire (and free) every monitor in q with reason. */
void
mon_fire_all(struct monq *q, struct aemp_val *reason)
{
	struct monq	batch = TAILQ_HEAD_INITIALIZER(batch);

	mon_take(q, &batch);
	mon_fire_batch(&batch, reason);
}

/* Why a monitor of the nonexistent local port name fires: new array. */
struct aemp_val *
mon_missing_reason(const char *name)
{
	struct aemp_val	*reason;

	if ((reason = spawn_failure(name)) != NULL)
		return aemp_ref(reason);

	reason = aemp_array_new(3);
	aemp_array_push(reason, aemp_str("no_such_port"));
	aemp_array_push(reason, aemp_str("cannot monitor nonexistent port"));
	aemp_array_push(reason, aemp_strf("%s#%s", kernel_node(), name));
	return reason;
}

static void
mon_list(struct monq *q, struct mon *m)
{
	TAILQ_INSERT_TAIL(q, m, entry);
	m->owner = q;
	m->state = MON_LISTED;
}

static void
mon_check_job(struct job *j)
{
	struct mon	*m = j->mon;
	struct port	*p;
	struct aemp_val	*reason;

	j->mon = NULL;
	if (m->cancelled) {
		mon_destroy(m);
		return;
	}

	if ((p = port_find(j->name)) != NULL) {
		mon_list(&p->mons, m);
		return;
	}

	if (j->val != NULL)
		reason = aemp_ref(j->val);
	else
		reason = mon_missing_reason(j->name);
	mon_fire_one(m, reason);
	aemp_unref(reason);
}

static void
mon_send_req(const char *node, const char *req, const char *name)
{
	struct aemp_val	*msg;

	if (kernel_stopping())
		return;
	msg = aemp_pack("ss", req, name);
	snd_node(node, "", msg);
	aemp_unref(msg);
}

static void
mon_cancel(void *arg)
{
	struct mon	*m = arg;
	struct monq	*q = m->owner;
	struct knode	*kn;
	char		*name;

	m->guard = NULL;
	if (m->state == MON_PENDING) {
		m->cancelled = 1;
		return;
	}
	if (m->state == MON_FIRING || m->node == NULL) {
		mon_destroy(m);
		return;
	}

	/* The last local monitor of a remote port: tell its node. */
	kn = nodes_get(m->node, 0);
	name = m->name;
	m->name = NULL;
	mon_destroy(m);
	if (kn != NULL && TAILQ_EMPTY(q)) {
		free(table_del(kn->lmon, name));
		if (*name != '\0')
			mon_send_req(kn->id, "mon0", name);
		nodes_gc(kn);
	}
	free(name);
}

static void
mon_add_remote(struct mon *m, const char *node, const char *name)
{
	const struct kernel_hooks	*h = kernel_get_hooks();
	struct knode			*kn;
	struct monq			*q;
	int				 first = 0;

	m->node = xstrdup(node);
	m->name = xstrdup(name);

	kn = nodes_get(node, 1);
	if ((q = table_get(kn->lmon, name)) == NULL) {
		q = xcalloc(1, sizeof *q);
		TAILQ_INIT(q);
		table_put(kn->lmon, name, q);
		first = 1;
	}
	mon_list(q, m);

	if (!first)
		return;
	if (*name != '\0')
		mon_send_req(node, "mon1", name);
	else if (h->connect != NULL)
		h->connect(node);
}

static struct aemp_val *
mon_unreachable(const char *node)
{
	const struct kernel_hooks	*h = kernel_get_hooks();

	if (*node == '\0')
		return aemp_pack("sss", "transport_error", node,
		    "no node ID given");
	if (*kernel_node() == '\0' || h->send == NULL)
		return aemp_pack("sss", "transport_error", node,
		    "this node is not networked");
	return NULL;
}

/* Start monitoring port with m; returns m's new guard. */
static struct aemp_guard *
mon_add(const char *port, struct mon *m)
{
	struct aemp_val	*reason;
	struct port	*p;
	struct job	*j;
	const char	*name;
	char		*node;
	int		 len;

	m->guard = guard_new(mon_cancel, m);
	len = nodes_split(port, &name);

	if (nodes_is_self(port, (size_t)len)) {
		if ((p = port_find(name)) != NULL)
			mon_list(&p->mons, m);
		else {
			j = queue_job(mon_check_job, name, NULL);
			j->mon = m;
		}
		return m->guard;
	}

	node = xstrndup(port, (size_t)len);
	if ((reason = mon_unreachable(node)) != NULL) {
		j = queue_job(mon_check_job, name, reason);
		j->mon = m;
	} else
		mon_add_remote(m, node, name);
	free(node);
	return m->guard;
}

/* Call cb(reason, arg) once when port dies. */
struct aemp_guard *
aemp_mon(const char *port, aemp_mon_cb cb, void *arg)
{
	struct mon	*m;

	if (kernel_null_arg("mon", "port", port))
		return NULL;
	m = mon_new(MON_CB);
	m->cb = cb;
	m->arg = arg;
	return mon_add(port, m);
}

/* Link: kill rcvport when port dies with a non-empty reason. */
struct aemp_guard *
aemp_mon_port(const char *port, const char *rcvport)
{
	struct mon	*m;

	if (kernel_null_arg("mon_port", "port", port) ||
	    kernel_null_arg("mon_port", "receiving port", rcvport))
		return NULL;
	m = mon_new(MON_LINK);
	m->rcvport = xstrdup(rcvport);
	return mon_add(port, m);
}

/* When port dies, send rcvport the message from fmt plus the reason. */
struct aemp_guard *
aemp_mon_msg(const char *port, const char *rcvport, const char *fmt, ...)
{
	struct mon	*m;
	va_list		 ap;

	if (kernel_null_arg("mon_msg", "port", port) ||
	    kernel_null_arg("mon_msg", "receiving port", rcvport))
		return NULL;
	m = mon_new(MON_MSG);
	m->rcvport = xstrdup(rcvport);
	if (fmt != NULL) {
		va_start(ap, fmt);
		m->prefix = aemp_vpack(fmt, ap);
		va_end(ap);
	}
	if (m->prefix == NULL)
		m->prefix = aemp_array_new(0);
	return mon_add(port, m);
}

/*
 * mon1 from srcnode: answer with kil0 when the local port name dies, or
 * at once when it does not exist.  One request per node and port.
 */
void
mon_request(const char *srcnode, const char *name)
{
	struct aemp_val	*reason;
	struct knode	*kn;
	struct port	*p;
	struct mon	*m;

	if (nodes_is_self(srcnode, strlen(srcnode))) {
		log_debug("mon1 from this node ignored");
		return;
	}

	if ((p = port_find(name)) == NULL) {
		reason = mon_missing_reason(name);
		mon_send_kil0(srcnode, name, reason);
		aemp_unref(reason);
		return;
	}

	kn = nodes_get(srcnode, 1);
	TAILQ_FOREACH(m, &kn->rmon, node_entry)
		if (strcmp(m->name, name) == 0)
			return;

	m = mon_new(MON_REMOTE);
	m->node = xstrdup(srcnode);
	m->name = xstrdup(name);
	m->knode = kn;
	TAILQ_INSERT_TAIL(&kn->rmon, m, node_entry);
	mon_list(&p->mons, m);
}

/* mon0 from srcnode: forget its request for the local port name. */
void
mon_request_cancel(const char *srcnode, const char *name)
{
	struct knode	*kn;
	struct mon	*m;

	if ((kn = nodes_get(srcnode, 0)) == NULL)
		return;
	TAILQ_FOREACH(m, &kn->rmon, node_entry) {
		if (strcmp(m->name, name) == 0) {
			mon_destroy(m);
			break;
		}
	}
	nodes_gc(kn);
}

/* kil0 from srcnode: its port name died; fire our monitors of it. */
void
mon_remote_killed(const char *srcnode, const char *name,
    struct aemp_val *reason)
{
	struct knode	*kn;
	struct monq	*q;

	if ((kn = nodes_get(srcnode, 0)) == NULL)
		return;
	if ((q = table_del(kn->lmon, name)) == NULL)
		return;

	mon_fire_all(q, reason);
	free(q);
	nodes_gc(nodes_get(srcnode, 0));
}

/*
 * node is down: fire every local monitor of its ports with reason and
 * drop its monitor requests for ours.
 */
void
mon_node_down(const char *node, struct aemp_val *reason)
{
	struct monq	 batch = TAILQ_HEAD_INITIALIZER(batch);
	struct knode	*kn;
	struct table	*lmon;
	struct monq	*q;
	struct mon	*m;
	void		*cur = NULL;

	if ((kn = nodes_get(node, 0)) == NULL)
		return;
	while ((m = TAILQ_FIRST(&kn->rmon)) != NULL)
		mon_destroy(m);

	/* Take them all before any callback can add or cancel one. */
	lmon = kn->lmon;
	kn->lmon = table_new();
	while ((q = table_next(lmon, &cur, NULL)) != NULL)
		mon_take(q, &batch);
	table_free(lmon, free);

	mon_fire_batch(&batch, reason);
	nodes_gc(nodes_get(node, 0));
}
