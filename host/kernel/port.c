/*
 * Local ports: their names, handlers, delivery of a message to the
 * handler that matches it, and death.
 */

#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

#define PORT_TAG_MAX	30

static struct table	*port_table;

/*
 * Perl's magic string counter: "a", then "b" ... "z", "aa", ...  Static,
 * so that names are never reused even across kernel_shutdown; 22 letters
 * last longer than any process.
 */
#define PORT_COUNTER_MAX	22
static char		 port_counter[PORT_COUNTER_MAX + 1];

struct port_call {
	aemp_msg_cb	 cb;
	void		*arg;
	struct aemp_val	*msg;
};

static void
port_counter_next(void)
{
	size_t	 len = strlen(port_counter), i;

	for (i = len; i > 0; i--) {
		if (port_counter[i - 1] != 'z') {
			port_counter[i - 1]++;
			return;
		}
		port_counter[i - 1] = 'a';
	}

	if (len == PORT_COUNTER_MAX)
		fatalx("port names exhausted");
	memmove(port_counter + 1, port_counter, len + 1);
	port_counter[0] = 'a';
}

/*
 * A port name never given out before: the node's UNIQ (or, for spawn,
 * RUNIQ) followed by the next counter value.  The caller frees it.
 */
char *
port_new_name(int spawn)
{
	char	*name;

	if (port_counter[0] == '\0')
		port_counter[0] = 'a';
	port_counter_next();
	xasprintf(&name, "%s%s", spawn ? kernel_runiq() : kernel_uniq(),
	    port_counter);
	return name;
}

/* 1 when the counter value s was already handed out. */
static int
port_counter_used(const char *s)
{
	size_t	len = strlen(s), clen;

	if (len == 0 || port_counter[0] == '\0')
		return 0;
	if (strspn(s, "abcdefghijklmnopqrstuvwxyz") != len)
		return 0;
	clen = strlen(port_counter);
	if (len != clen)
		return len < clen;
	return strcmp(s, port_counter) <= 0;
}

/*
 * 1 when aemp_rcv may create a port of that name: a pending spawn, or a
 * name this node never handed out.
 */
int
port_may_create(const char *name)
{
	const char	*uniq = kernel_uniq(), *runiq = kernel_runiq();
	size_t		 ulen = strlen(uniq);

	if (*name == '\0')
		return 0;
	if (spawn_pending(name))
		return 1;
	if (strncmp(name, runiq, strlen(runiq)) == 0)
		return 0;
	if (strncmp(name, uniq, ulen) == 0 && port_counter_used(name + ulen))
		return 0;
	return 1;
}

static struct table *
port_get_table(void)
{
	struct port	*p;

	if (port_table != NULL)
		return port_table;

	port_table = table_new();
	p = xcalloc(1, sizeof *p);
	p->name = xstrdup("");
	p->id = xstrdup("");
	p->flags = PORT_NODE;
	TAILQ_INIT(&p->handlers);
	TAILQ_INIT(&p->mons);
	TAILQ_INIT(&p->timers);
	table_put(port_table, "", p);
	return port_table;
}

/* The live local port called name, or NULL. */
struct port *
port_find(const char *name)
{
	return table_get(port_get_table(), name);
}

/* 1 when the local port name exists. */
int
port_exists(const char *name)
{
	return port_find(name) != NULL;
}

/* Create the local port name with an optional default handler. */
struct port *
port_create(const char *name, aemp_msg_cb cb, void *arg, int flags)
{
	struct port	*p;

	p = xcalloc(1, sizeof *p);
	p->name = xstrdup(name);
	xasprintf(&p->id, "%s#%s", kernel_node(), name);
	p->dflt = cb;
	p->dflt_arg = arg;
	p->flags = flags;
	TAILQ_INIT(&p->handlers);
	TAILQ_INIT(&p->mons);
	TAILQ_INIT(&p->timers);
	table_put(port_get_table(), name, p);
	timer_adopt(p);
	context_port_created(name);
	return p;
}

static void
port_free(struct port *p)
{
	struct handler	*h;
	struct mon	*m;

	if (p->dtor != NULL)
		p->dtor(p->dtor_arg);
	while ((h = TAILQ_FIRST(&p->handlers)) != NULL) {
		TAILQ_REMOVE(&p->handlers, h, entry);
		free(h->tag);
		free(h);
	}
	while ((m = TAILQ_FIRST(&p->mons)) != NULL)
		mon_destroy(m);
	free(p->name);
	free(p->id);
	free(p);
}

/* Keep p allocated while a callback of it runs, even if it dies. */
void
port_hold(struct port *p)
{
	p->busy++;
}

/* End a port_hold; frees p if it died meanwhile. */
void
port_release(struct port *p)
{
	if (--p->busy == 0 && (p->flags & PORT_DEAD))
		port_free(p);
}

/*
 * Kill the local port name with reason (an array, borrowed) at once:
 * it is gone from the table, its timers stop and its monitors fire.  A
 * nonexistent port is fine; the node port cannot be killed.
 */
void
port_kill(const char *name, struct aemp_val *reason)
{
	struct port	*p;
	char		*json;

	if ((p = port_find(name)) == NULL)
		return;
	if (p->flags & PORT_NODE) {
		log_error("refusing to kill the node port");
		return;
	}

	table_del(port_table, name);
	p->flags |= PORT_DEAD;
	port_hold(p);
	timer_cancel_port(p);

	if (TAILQ_EMPTY(&p->mons) && aemp_len(reason) > 0) {
		json = aemp_to_json(reason);
		log_error("unmonitored local port %s died with reason: %.300s",
		    p->id, json != NULL ? json : "?");
		free(json);
	}
	mon_fire_all(&p->mons, reason);
	port_release(p);
}

static void
port_call_tramp(void *arg)
{
	struct port_call	*c = arg;

	c->cb(c->msg, c->arg);
}

static void
port_invoke(struct port *p, aemp_msg_cb cb, void *arg, struct aemp_val *msg)
{
	struct port_call	c;

	c.cb = cb;
	c.arg = arg;
	c.msg = msg;
	port_hold(p);
	context_run_port(p, port_call_tramp, &c);
	port_release(p);
}

/* The tag of msg as a string: element 0 as text, or NULL. */
static const char *
port_tag(struct aemp_val *msg, char *buf, size_t bufsz, size_t *lenp)
{
	struct aemp_val	*e = aemp_at(msg, 0);

	if (e == NULL)
		return NULL;
	if (aemp_type(e) == AEMP_T_STR)
		return aemp_str_ptr(e, lenp);
	if (aemp_type(e) != AEMP_T_INT)
		return NULL;
	*lenp = (size_t)snprintf(buf, bufsz, "%" PRId64, aemp_as_int(e, NULL));
	return buf;
}

static void
port_unhandled(struct port *p, const char *tag, size_t len)
{
	struct aemp_val	*reason;
	char		 t[PORT_TAG_MAX + 1];
	size_t		 i;

	if (tag == NULL)
		len = 0;
	if (len > PORT_TAG_MAX)
		len = PORT_TAG_MAX;
	for (i = 0; i < len; i++)
		t[i] = isprint((unsigned char)tag[i]) ? tag[i] : '.';
	t[len] = '\0';

	reason = aemp_array_new(2);
	aemp_array_push(reason, aemp_str("unhandled_message"));
	aemp_array_push(reason, aemp_strf("no callback found for message '%s'",
	    t));
	port_kill(p->name, reason);
	aemp_unref(reason);
}

/* msg without its first element, sharing the others. */
static struct aemp_val *
port_untag(struct aemp_val *msg)
{
	struct aemp_val	*rest;
	size_t		 i, n = aemp_len(msg);

	rest = aemp_array_new(n > 0 ? n - 1 : 0);
	for (i = 1; i < n; i++)
		aemp_array_push(rest, aemp_ref(aemp_at(msg, i)));
	return rest;
}

/*
 * Deliver msg (the elements after the port name, borrowed) to the local
 * port name: the tag handler that matches element 0, else the default
 * handler, else kill the port with unhandled_message.  Unknown ports
 * drop the message.
 */
void
port_deliver(const char *name, struct aemp_val *msg)
{
	struct port	*p;
	struct handler	*h;
	struct aemp_val	*rest;
	const char	*tag;
	char		 buf[32], *esc;
	size_t		 len = 0;

	if ((p = port_find(name)) == NULL) {
		if (log_threshold >= AEMP_LOG_DEBUG) {
			esc = log_escape(name, strlen(name), 100);
			log_debug("message to unknown port '%s' dropped", esc);
			free(esc);
		}
		return;
	}
	if (p->flags & PORT_NODE) {
		rest = snd_prepend("", msg);
		kernel_request_dispatch(queue_srcnode(), rest);
		aemp_unref(rest);
		return;
	}

	tag = port_tag(msg, buf, sizeof buf, &len);
	TAILQ_FOREACH(h, &p->handlers, entry) {
		if (tag == NULL || strlen(h->tag) != len ||
		    memcmp(h->tag, tag, len) != 0)
			continue;
		rest = port_untag(msg);
		port_invoke(p, h->cb, h->arg, rest);
		aemp_unref(rest);
		return;
	}

	if (p->flags & PORT_DEFAULT)
		port_invoke(p, p->dflt, p->dflt_arg, msg);
	else
		port_unhandled(p, tag, len);
}

static void
port_noop(struct aemp_val *msg, void *arg)
{
}

static int
port_set_handler(struct port *p, const char *tag, aemp_msg_cb cb, void *arg)
{
	struct handler	*h;

	TAILQ_FOREACH(h, &p->handlers, entry)
		if (strcmp(h->tag, tag) == 0)
			break;

	if (cb == NULL) {
		if (h != NULL) {
			TAILQ_REMOVE(&p->handlers, h, entry);
			free(h->tag);
			free(h);
		}
		return 0;
	}

	if (h == NULL) {
		h = xcalloc(1, sizeof *h);
		h->tag = xstrdup(tag);
		TAILQ_INSERT_TAIL(&p->handlers, h, entry);
	}
	h->cb = cb;
	h->arg = arg;
	return 0;
}

/* Set or remove the default or a tag handler of a local port. */
int
aemp_rcv(const char *port, const char *tag, aemp_msg_cb cb, void *arg)
{
	struct port	*p;
	const char	*name;
	int		 len;

	if (kernel_null_arg("rcv", "port", port))
		return AEMP_ERR_INVAL;
	len = nodes_split(port, &name);
	if (!nodes_is_self(port, (size_t)len))
		return AEMP_ERR_INVAL;

	if ((p = port_find(name)) == NULL) {
		if (!port_may_create(name))
			return AEMP_ERR_NOENT;
		p = port_create(name, port_noop, NULL, PORT_DEFAULT);
	}
	if (p->flags & PORT_NODE)
		return AEMP_ERR_INVAL;

	if (tag != NULL)
		return port_set_handler(p, tag, cb, arg);

	p->dflt = cb;
	p->dflt_arg = arg;
	if (cb != NULL)
		p->flags |= PORT_DEFAULT;
	else
		p->flags &= ~PORT_DEFAULT;
	return 0;
}

/* Create a local port with default handler cb; returns its ID. */
char *
aemp_port(aemp_msg_cb cb, void *arg)
{
	struct port	*p;
	char		*name;

	name = port_new_name(0);
	p = port_create(name, cb, arg, cb != NULL ? PORT_DEFAULT : 0);
	free(name);
	return xstrdup(p->id);
}

/* Create a local port without a default handler; returns its ID. */
char *
aemp_port_new(void)
{
	return aemp_port(NULL, NULL);
}

static void
port_free_dead(void *arg)
{
	struct port	*p = arg;

	p->flags |= PORT_DEAD;
	if (p->busy == 0)
		port_free(p);
}

/* Free every port without firing monitors (shutdown). */
void
port_free_all(void)
{
	struct table	*t;

	while ((t = port_table) != NULL) {
		port_table = NULL;
		table_free(t, port_free_dead);
	}
}
