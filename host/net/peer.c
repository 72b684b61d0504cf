/*
 * peer.c: one object per remote node ID: its state, the connection in
 * use, the messages waiting for it, and connecting on demand.
 */

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "net.h"

static TAILQ_HEAD(, peer) peer_list = TAILQ_HEAD_INITIALIZER(peer_list);
static struct event	*peer_sweep;

static void	peer_timeout_cb(int, short, void *);
static void	peer_next_cb(int, short, void *);
static void	peer_fail_cb(int, short, void *);
static void	peer_lookup(struct peer *);

/* The object for node, or NULL. */
struct peer *
peer_find(const char *node)
{
	struct peer	*p;

	if (node == NULL)
		return NULL;
	TAILQ_FOREACH(p, &peer_list, entry) {
		if (strcmp(p->id, node) == 0)
			return p;
	}
	return NULL;
}

/* The object for node, made when there is none. */
struct peer *
peer_get(const char *node)
{
	struct event_base	*base = net_base();
	struct peer		*p;

	if ((p = peer_find(node)) != NULL)
		return p;

	p = xcalloc(1, sizeof *p);
	p->id = xstrdup(node);
	TAILQ_INIT(&p->queue);
	p->timeout = evtimer_new(base, peer_timeout_cb, p);
	p->next = evtimer_new(base, peer_next_cb, p);
	p->fail = evtimer_new(base, peer_fail_cb, p);
	if (p->timeout == NULL || p->next == NULL || p->fail == NULL)
		fatalx("peer_get: cannot make timers");
	TAILQ_INSERT_TAIL(&peer_list, p, entry);
	return p;
}

static void
peer_drop_queue(struct peer *p)
{
	struct peer_msg	*m;

	while ((m = TAILQ_FIRST(&p->queue)) != NULL) {
		TAILQ_REMOVE(&p->queue, m, entry);
		aemp_unref(m->msg);
		free(m);
	}
	p->nqueue = 0;
}

static void
peer_free(struct peer *p)
{
	TAILQ_REMOVE(&peer_list, p, entry);
	peer_drop_queue(p);
	event_free(p->timeout);
	event_free(p->next);
	event_free(p->fail);
	aemp_unref(p->addrs);
	free(p->error);
	free(p->fail_text);
	free(p->id);
	free(p);
}

static void
peer_sweep_cb(int fd, short events, void *arg)
{
	struct peer	*p, *next;

	for (p = TAILQ_FIRST(&peer_list); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->state == PEER_DOWN && p->nconns == 0 &&
		    p->nqueue == 0 && !evtimer_pending(p->fail, NULL))
			peer_free(p);
	}
}

/*
 * Forget, from the loop, the objects nothing refers to any more (the
 * callers may still hold one).
 */
void
peer_gc_later(void)
{
	struct timeval	 now = { 0, 0 };

	if (peer_sweep == NULL &&
	    (peer_sweep = evtimer_new(net_base(), peer_sweep_cb, NULL)) == NULL)
		fatalx("peer_gc_later: cannot make a timer");
	evtimer_add(peer_sweep, &now);
}

/* Free every object (at shutdown, after every connection is gone). */
void
peer_free_all(void)
{
	struct peer	*p;

	while ((p = TAILQ_FIRST(&peer_list)) != NULL)
		peer_free(p);
	if (peer_sweep != NULL)
		event_free(peer_sweep);
	peer_sweep = NULL;
}

/* Send msg (borrowed) to p now or once it is connected. */
void
peer_send(struct peer *p, struct aemp_val *msg)
{
	struct peer_msg	*m;

	if (p->state == PEER_UP && p->conn != NULL) {
		conn_send(p->conn, msg);
		return;
	}

	/* XXX bounded in time (connect_interval) only, not by max_queue. */
	m = xcalloc(1, sizeof *m);
	m->msg = aemp_ref(msg);
	TAILQ_INSERT_TAIL(&p->queue, m, entry);
	p->nqueue++;
	peer_connect(p);
}

#define PEER_STOP_ATTEMPTS	0	/* our own outgoing attempts */
#define PEER_STOP_UNSENT	1	/* all that have not sent auth yet */
#define PEER_STOP_ALL		2	/* every other connection */

static int
peer_stop_matches(const struct peer *p, const struct conn *c, int how)
{
	if (c->peer != p || c == p->conn || c->state == CONN_DEAD)
		return 0;
	if (how == PEER_STOP_ALL)
		return 1;
	if (how == PEER_STOP_UNSENT)
		return c->state < CONN_AUTH;
	return (c->flags & CONN_ATTEMPT) != 0;
}

/* Stop connecting to p: the timers and the connections how names. */
static void
peer_stop_trying(struct peer *p, int how)
{
	struct conn	*c;

	evtimer_del(p->timeout);
	evtimer_del(p->next);
	p->lookup = 0;
	aemp_unref(p->addrs);
	p->addrs = NULL;
	p->next_addr = 0;

	/* Closing one may change the list: start over each time. */
	p->stopping = 1;
again:
	TAILQ_FOREACH(c, &conn_list, entry) {
		if (peer_stop_matches(p, c, how)) {
			conn_close(c, NULL);
			goto again;
		}
	}
	p->stopping = 0;
}

/* Start connecting to p unless it is connected or connecting. */
void
peer_connect(struct peer *p)
{
	struct timeval	 tv;
	double		 t = net_setting("connect_interval", 2);

	if (p->state != PEER_DOWN)
		return;
	p->state = PEER_CONNECTING;
	free(p->error);
	p->error = NULL;

	tv.tv_sec = (time_t)t;
	tv.tv_usec = (suseconds_t)((t - (double)tv.tv_sec) * 1e6);
	evtimer_add(p->timeout, &tv);

	/* A connection naming p is being made already: wait for it first. */
	p->looked_up = 0;
	if (p->nconns > 0) {
		log_debug("%.100s: waiting for the connection in progress",
		    p->id);
		return;
	}
	peer_lookup(p);
}

static void
peer_lookup(struct peer *p)
{
	net_lookup_cb	 lookup;

	p->looked_up = 1;
	if ((lookup = net_lookup()) == NULL) {
		peer_fail_later(p, "no known address");
		return;
	}
	log_debug("%.100s: looking up its addresses", p->id);
	p->lookup = 1;
	lookup(p->id);
}

static double
peer_spacing(size_t naddrs)
{
	double	 interval = net_setting("connect_interval", 2);
	double	 monitor = net_setting("monitor_timeout", 30);

	if ((monitor - interval) / (double)naddrs < interval)
		interval = (monitor - interval) / (double)naddrs;
	if (interval < 0.4)
		interval = 0.4;
	return interval;
}

/* The addresses of p arrived (borrowed array, or NULL): try them. */
void
peer_found(struct peer *p, struct aemp_val *addrs)
{
	struct timeval	 now = { 0, 0 };

	if (p->state != PEER_CONNECTING || !p->lookup)
		return;
	p->lookup = 0;

	if (addrs == NULL || aemp_type(addrs) != AEMP_T_ARRAY ||
	    aemp_len(addrs) == 0) {
		peer_fail_later(p, "no known address");
		return;
	}
	aemp_unref(p->addrs);
	p->addrs = aemp_ref(addrs);
	p->next_addr = 0;
	evtimer_add(p->next, &now);
}

/* No address of p can be known now (why): fail at once. */
void
peer_not_found(struct peer *p, const char *why)
{
	char	*text;

	if (p->state != PEER_CONNECTING || !p->lookup)
		return;
	p->lookup = 0;

	xasprintf(&text, "no known address: %s", why);
	peer_fail_later(p, text);
	free(text);
}

static void
peer_next_cb(int fd, short events, void *arg)
{
	struct peer	*p = arg;
	struct timeval	 tv, now = { 0, 0 };
	const char	*addr;
	double		 t;

	if (p->state != PEER_CONNECTING || p->addrs == NULL ||
	    p->next_addr >= aemp_len(p->addrs))
		return;

	addr = aemp_str_ptr(aemp_at(p->addrs, p->next_addr++), NULL);
	if (addr != NULL)
		log_debug("%.100s: connecting to %.100s", p->id, addr);
	if (addr == NULL || conn_connect(addr, p, NULL, NULL) != 0) {
		if (p->next_addr < aemp_len(p->addrs))
			evtimer_add(p->next, &now);
		else
			peer_conn_ended(p, "address not usable", 0);
		return;
	}

	if (p->next_addr < aemp_len(p->addrs)) {
		t = peer_spacing(aemp_len(p->addrs));
		tv.tv_sec = (time_t)t;
		tv.tv_usec = (suseconds_t)((t - (double)tv.tv_sec) * 1e6);
		evtimer_add(p->next, &tv);
	}
}

/*
 * A connection naming p ended before its handshake did (text: why).  When
 * nothing is left that could still bring p up, the connect fails.
 * refused is set when p itself greeted us and then the handshake failed
 * (a refusal either way, or p closing): another address or lookup of p
 * would meet the same node, so no lookup is waited for.
 */
void
peer_conn_ended(struct peer *p, const char *text, int refused)
{
	struct timeval	 now = { 0, 0 };

	if (p->state != PEER_CONNECTING)
		return;
	if (text != NULL) {
		free(p->error);
		p->error = xstrdup(text);
	}
	if ((p->lookup && !refused) || p->attempts > 0 || p->nconns > 0)
		return;

	/* Every attempt failed early: try the next address now. */
	if (p->addrs != NULL && p->next_addr < aemp_len(p->addrs)) {
		evtimer_add(p->next, &now);
		return;
	}
	if (!p->looked_up && !refused)
		peer_lookup(p);
	else
		peer_fail_later(p, p->error ? p->error : "connect failed");
}

/* Fail the connect of p with text, from the loop (never re-entering). */
void
peer_fail_later(struct peer *p, const char *text)
{
	struct timeval	 now = { 0, 0 };
	char		*copy = xstrdup(text);

	free(p->fail_text);
	p->fail_text = copy;
	evtimer_add(p->fail, &now);
}

static void
peer_fail(struct peer *p, const char *text)
{
	struct aemp_val	*reason;

	if (p->state != PEER_CONNECTING)
		return;
	peer_stop_trying(p, PEER_STOP_ATTEMPTS);
	peer_drop_queue(p);
	p->state = PEER_DOWN;

	log_note("%.100s: cannot connect: %s", p->id, text);
	reason = aemp_pack("sss", "transport_error", p->id, text);
	kernel_node_down(p->id, reason);
	aemp_unref(reason);
	peer_waiting(p);
	peer_gc_later();
}

static void
peer_fail_cb(int fd, short events, void *arg)
{
	struct peer	*p = arg;
	char		*text = p->fail_text;

	p->fail_text = NULL;
	if (p->state == PEER_CONNECTING)
		peer_fail(p, text != NULL ? text : "connect failed");
	free(text);
}

static void
peer_timeout_cb(int fd, short events, void *arg)
{
	struct peer	*p = arg;
	struct conn	*c;

	/* A connection that waited for our attempt is good enough now. */
	TAILQ_FOREACH(c, &conn_list, entry) {
		if (c->peer == p && c->state == CONN_WAITING) {
			conn_promote(c);
			return;
		}
	}
	peer_fail(p, "connect timeout");
}

/* c finished its handshake and is the connection p uses from now on. */
void
peer_up(struct peer *p, struct conn *c)
{
	struct peer_msg	*m;

	p->conn = c;
	p->state = PEER_UP;
	/*
	 * A reference peer may still complete a handshake whose auth line
	 * went out, and switch to it (PROTOCOL.md 9): leave those be.
	 */
	evtimer_del(p->fail);
	peer_stop_trying(p, (c->flags & CONN_AEMP_C) ? PEER_STOP_ALL :
	    PEER_STOP_UNSENT);

	log_note("%.100s is up (%s)", p->id, c->addr);

	while ((m = TAILQ_FIRST(&p->queue)) != NULL &&
	    p->state == PEER_UP) {
		TAILQ_REMOVE(&p->queue, m, entry);
		p->nqueue--;
		conn_send(c, m->msg);
		aemp_unref(m->msg);
		free(m);
	}
	kernel_node_up(p->id);
}

/* The connection in use died with text: p is down, its monitors fire. */
void
peer_down(struct peer *p, const char *text)
{
	struct aemp_val	*reason;

	p->conn = NULL;
	p->state = PEER_DOWN;
	peer_drop_queue(p);

	log_note("%.100s is down (transport_error %.100s %s)", p->id, p->id,
	    text);
	reason = aemp_pack("sss", "transport_error", p->id, text);
	kernel_node_down(p->id, reason);
	aemp_unref(reason);
	peer_gc_later();
}

/*
 * A pending connection of p ended: a connection that was waiting for it
 * (PROTOCOL.md 13, races) may now be the one to use.
 */
void
peer_waiting(struct peer *p)
{
	struct conn	*c, *waiting = NULL;

	if (p->state == PEER_UP)
		return;
	TAILQ_FOREACH(c, &conn_list, entry) {
		if (c->peer != p)
			continue;
		if (conn_pending(c))
			return;
		if (c->state == CONN_WAITING && waiting == NULL)
			waiting = c;
	}
	if (waiting != NULL)
		conn_promote(waiting);
}
