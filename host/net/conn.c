/*
 * conn.c: one TCP connection to another node: the bufferevent, reading
 * the handshake lines, the data phase (frames in both directions, the
 * send queue limit, heartbeats), and its end.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>

#include "net.h"

#define CONN_DEFAULT_MAX_QUEUE	16777216

struct conns conn_list = TAILQ_HEAD_INITIALIZER(conn_list);

static struct evbuffer	*conn_scratch;

static void	conn_read_cb(struct bufferevent *, void *);
static void	conn_event_cb(struct bufferevent *, short, void *);
static void	conn_timeout_cb(int, short, void *);
static void	conn_heartbeat_cb(int, short, void *);
static void	conn_fail_cb(int, short, void *);
static void	conn_run(struct conn *);

static double
conn_now(void)
{
	struct timeval	 tv;

	event_base_gettimeofday_cached(net_base(), &tv);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
conn_tv(struct timeval *tv, double t)
{
	tv->tv_sec = (time_t)t;
	tv->tv_usec = (suseconds_t)((t - (double)tv->tv_sec) * 1e6);
}

static struct conn *
conn_new(struct bufferevent *bev, const char *addr)
{
	struct event_base	*base = net_base();
	struct timeval		 tv;
	struct conn		*c;

	c = xcalloc(1, sizeof *c);
	c->bev = bev;
	c->addr = xstrdup(addr);
	c->timer = evtimer_new(base, conn_timeout_cb, c);
	c->hbev = event_new(base, -1, EV_PERSIST, conn_heartbeat_cb, c);
	c->fail = evtimer_new(base, conn_fail_cb, c);
	if (c->timer == NULL || c->hbev == NULL || c->fail == NULL)
		fatalx("conn_new: cannot make timers");

	conn_tv(&tv, net_setting("monitor_timeout", 30));
	evtimer_add(c->timer, &tv);
	bufferevent_setcb(bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&conn_list, c, entry);
	return c;
}

static void
conn_sockopts(evutil_socket_t fd)
{
	int	 on = 1, nodelay = settings_bool("nodelay", 1);

	if (nodelay && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof on) == -1)
		log_debug("TCP_NODELAY: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == -1)
		log_debug("SO_KEEPALIVE: %s", strerror(errno));
}

/*
 * Dial addr ("host:port", numeric).  p is the node the attempt is for
 * (NULL: whoever answers, reported to cb).  Returns 0 or AEMP_ERR_*.
 */
int
conn_connect(const char *addr, struct peer *p, net_addr_cb cb, void *arg)
{
	struct sockaddr_storage	 ss;
	struct bufferevent	*bev;
	struct conn		*c;
	int			 sslen = sizeof ss;

	if (evutil_parse_sockaddr_port(addr, (struct sockaddr *)&ss,
	    &sslen) != 0) {
		log_error("cannot connect to \"%.100s\": not a numeric "
		    "host:port", addr);
		return AEMP_ERR_INVAL;
	}
	bev = bufferevent_socket_new(net_base(), -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return AEMP_ERR_NOMEM;

	c = conn_new(bev, addr);
	c->flags = CONN_OUTGOING;
	c->cb = cb;
	c->cbarg = arg;
	if ((c->peer = p) != NULL) {
		p->nconns++;
		p->attempts++;
		c->flags |= CONN_ATTEMPT;
	}

	if (bufferevent_socket_connect(bev, (struct sockaddr *)&ss,
	    sslen) != 0)
		conn_close_later(c, evutil_socket_error_to_string(
		    EVUTIL_SOCKET_ERROR()));
	return 0;
}

/* Serve the accepted socket fd; addr is the peer's address. */
void
conn_accept(int fd, const char *addr)
{
	struct bufferevent	*bev;
	struct conn		*c;

	conn_sockopts(fd);
	bev = bufferevent_socket_new(net_base(), fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_error("%s: cannot serve the connection", addr);
		evutil_closesocket(fd);
		return;
	}
	log_debug("%s: connection accepted", addr);
	c = conn_new(bev, addr);
	handshake_start(c);
}

/*
 * Switch c to TLS in the client or server role: the bytes written from
 * now on are encrypted.  Returns 0, or -1 when c was closed.
 */
int
conn_start_tls(struct conn *c, int client)
{
	struct bufferevent	*under = c->bev, *f;

	if ((f = tls_wrap(under, client)) == NULL) {
		log_error("%s: cannot start TLS; closing", c->addr);
		conn_close(c, "cannot start TLS");
		return -1;
	}
	c->bev = f;
	c->flags |= CONN_TLS;
	bufferevent_setcb(f, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_enable(f, EV_READ | EV_WRITE);
	log_debug("%s: starting TLS as %s", c->addr, client ? "client" :
	    "server");

	tls_kick(under);
	return c->state == CONN_DEAD ? -1 : 0;
}

/* Write len bytes of handshake text. */
void
conn_write(struct conn *c, const char *text, size_t len)
{
	if (c->bev != NULL)
		bufferevent_write(c->bev, text, len);
}

static void
conn_free(struct conn *c)
{
	TAILQ_REMOVE(&conn_list, c, entry);
	if (c->drain != NULL && c->bev != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_output(c->bev),
		    c->drain);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	event_free(c->timer);
	event_free(c->hbev);
	event_free(c->fail);
	if (c->dec != NULL)
		c->rcodec->decoder_free(c->dec);
	greeting_free(&c->rg);
	free(c->fail_text);
	free(c->frames);
	free(c->addr);
	free(c->l1);
	free(c->r1);
	free(c->r2);
	free(c);
}

static void
conn_detach(struct conn *c, int prev, const char *text)
{
	struct peer	*p = c->peer;

	if (p == NULL)
		return;
	if (prev == CONN_DATA && p->conn == c)
		peer_down(p, text);
	if (c->flags & CONN_ATTEMPT) {
		c->flags &= ~CONN_ATTEMPT;
		p->attempts--;
	}
	c->peer = NULL;
	p->nconns--;
	if (!p->stopping) {
		peer_waiting(p);
		peer_conn_ended(p, text, prev == CONN_NONCE ||
		    prev == CONN_AUTH);
	}
	peer_gc_later();
}

/*
 * End c.  text says why (NULL: no reason worth telling); when c was the
 * connection in use, its node goes down with it.  c is freed now unless
 * a callback of c is running.
 */
void
conn_close(struct conn *c, const char *text)
{
	int	 prev = c->state;

	if (prev == CONN_DEAD)
		return;
	c->state = CONN_DEAD;

	if (c->drain != NULL) {
		evbuffer_remove_cb_entry(bufferevent_get_output(c->bev),
		    c->drain);
		c->drain = NULL;
	}
	bufferevent_free(c->bev);
	c->bev = NULL;
	event_del(c->timer);
	event_del(c->hbev);
	event_del(c->fail);

	if (c->cb != NULL) {
		log_debug("%s: %s", c->addr, text != NULL ? text : "closed");
		c->cb(c->addr, NULL, c->cbarg);
		c->cb = NULL;
	}
	conn_detach(c, prev, text != NULL ? text : "closed");

	if (c->busy == 0)
		conn_free(c);
}

/* End c with text from the loop, never inside the caller. */
void
conn_close_later(struct conn *c, const char *text)
{
	struct timeval	 now = { 0, 0 };

	if (c->state == CONN_DEAD || c->fail_text != NULL)
		return;
	c->fail_text = xstrdup(text);
	evtimer_add(c->fail, &now);
}

static void
conn_fail_cb(int fd, short events, void *arg)
{
	struct conn	*c = arg;

	conn_close(c, c->fail_text);
}

/* 1 while c may still become a connection to its node. */
int
conn_pending(const struct conn *c)
{
	return c->state < CONN_WAITING;
}

static int
conn_wins(const struct conn *c)
{
	const char	*self = kernel_node(), *other = c->peer->id;
	int		 self_smaller = strcmp(self, other) < 0;

	return (c->flags & CONN_OUTGOING) ? self_smaller : !self_smaller;
}

/*
 * c is authenticated.  Between two nodes of this project the connection
 * opened by the smaller node ID wins a race (PROTOCOL.md 13), so a loser
 * waits while the other handshake runs; nothing is written on it.
 */
void
conn_authenticated(struct conn *c)
{
	struct peer	*p = c->peer;
	struct conn	*o;

	if (p->state == PEER_UP && (c->flags & CONN_AEMP_C)) {
		log_note("%.100s (%s): already connected, dropping this one",
		    p->id, c->addr);
		conn_close(c, "already connected");
		return;
	}

	/*
	 * The reference keeps the newest connection and drops the older
	 * one, firing the monitors (PROTOCOL.md 9): do the same, so that
	 * both sides can end up on one connection.
	 */
	if (p->state == PEER_UP && p->conn != NULL) {
		log_note("%.100s (%s): switched connections", p->id, c->addr);
		conn_close(p->conn, "switched connections");
	}
	if ((c->flags & CONN_AEMP_C) && !conn_wins(c)) {
		TAILQ_FOREACH(o, &conn_list, entry) {
			if (o != c && o->peer == p && conn_pending(o)) {
				log_debug("%.100s (%s): waiting for the other "
				    "connection", p->id, c->addr);
				c->state = CONN_WAITING;
				return;
			}
		}
	}
	conn_promote(c);
}

static void
conn_drain_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn	*c = arg;
	size_t		 n = info->n_deleted;

	while (n > 0 && c->nframes > 0) {
		if (c->frames[c->frames_head] > n) {
			c->frames[c->frames_head] -= n;
			break;
		}
		n -= c->frames[c->frames_head];
		c->frames_head = (c->frames_head + 1) % c->frames_size;
		c->nframes--;
	}
}

static void
conn_frame_push(struct conn *c, size_t len)
{
	size_t	*grown, i, size;

	if (c->nframes == c->frames_size) {
		size = c->frames_size ? c->frames_size * 2 : 16;
		grown = xreallocarray(NULL, size, sizeof *grown);
		for (i = 0; i < c->nframes; i++)
			grown[i] = c->frames[(c->frames_head + i) %
			    c->frames_size];
		free(c->frames);
		c->frames = grown;
		c->frames_size = size;
		c->frames_head = 0;
	}
	c->frames[(c->frames_head + c->nframes) % c->frames_size] = len;
	c->nframes++;
}

/* How often c looks at its heartbeats: a quarter of the shorter one. */
static double
conn_tick(const struct conn *c, double own)
{
	double	 tick = own > 0 ? own / 4 : 0;

	if (c->hb > 0 && (tick == 0 || c->hb / 4.0 < tick))
		tick = c->hb / 4.0;
	return tick;
}

static void
conn_data_start(struct conn *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	double		 tick;
	struct timeval	 tv;

	c->state = CONN_DATA;
	event_del(c->timer);
	c->last_read = c->last_write = conn_now();

	if (evbuffer_get_length(out) > 0)
		conn_frame_push(c, evbuffer_get_length(out));
	c->drain = evbuffer_add_cb(out, conn_drain_cb, c);

	tick = conn_tick(c, settings_number("heartbeat", 5));
	if (tick > 0) {
		conn_tv(&tv, tick);
		event_add(c->hbev, &tv);
	}
}

/* c is the connection to its node from now on. */
void
conn_promote(struct conn *c)
{
	conn_data_start(c);
	peer_up(c->peer, c);
	if (c->state == CONN_DATA)
		conn_run(c);
}

static void
conn_trace(const char *what, const char *node, const char *dir,
    struct aemp_val *msg)
{
	char	*json = aemp_to_json(msg);

	log_emit(AEMP_LOG_TRACE, __FILE__, __func__, __LINE__, "%s %s %s %s",
	    what, node, dir, json != NULL ? json : "?");
	free(json);
}

static struct aemp_val *
conn_tail(struct aemp_val *msg)
{
	size_t		 i, n = aemp_len(msg);
	struct aemp_val	*tail = aemp_array_new(n);

	for (i = 1; i < n && tail != NULL; i++)
		aemp_array_push(tail, aemp_ref(aemp_at(msg, i)));
	return tail;
}

static size_t
conn_queued(const struct conn *c)
{
	size_t	 len = evbuffer_get_length(bufferevent_get_output(c->bev));

	if (c->nframes > 0 && len >= c->frames[c->frames_head])
		len -= c->frames[c->frames_head];
	return len;
}

/* Encode msg (borrowed; element 0 the port name) and write it to c. */
void
conn_send(struct conn *c, struct aemp_val *msg)
{
	struct aemp_val	*tail;
	const char	*port;
	size_t		 plen, len, waiting;
	int		 r;

	if (c->state != CONN_DATA || c->fail_text != NULL)
		return;
	if (aemp_type(msg) != AEMP_T_ARRAY ||
	    (port = aemp_str_ptr(aemp_at(msg, 0), &plen)) == NULL) {
		log_error("%.100s: message without a port name not sent",
		    c->peer->id);
		return;
	}
	if (log_trace_on)
		conn_trace("SND", c->peer->id, "<-", msg);

	if (conn_scratch == NULL && (conn_scratch = evbuffer_new()) == NULL)
		fatalx("conn_send: cannot make a buffer");
	tail = conn_tail(msg);
	r = tail != NULL ? c->scodec->encode(conn_scratch, port, plen,
	    tail) : AEMP_ERR_NOMEM;
	aemp_unref(tail);
	if (r != 0) {
		evbuffer_drain(conn_scratch, evbuffer_get_length(conn_scratch));
		log_error_r(r, "%.100s: message not sent", c->peer->id);
		return;
	}

	waiting = conn_queued(c);
	len = evbuffer_get_length(conn_scratch);
	conn_frame_push(c, len);
	evbuffer_add_buffer(bufferevent_get_output(c->bev), conn_scratch);
	c->last_write = conn_now();

	/* a frame with nothing waiting before it passes, however large */
	if (waiting > 0 && conn_queued(c) > (size_t)net_setting("max_queue",
	    CONN_DEFAULT_MAX_QUEUE)) {
		log_error("%.100s: send queue limit reached", c->peer->id);
		conn_close_later(c, "send queue limit");
	}
}

static int
conn_emit(struct aemp_val *msg, void *arg)
{
	struct conn	*c = arg;

	if (c->state != CONN_DATA) {
		aemp_unref(msg);
		return 1;
	}
	if (aemp_type(msg) != AEMP_T_ARRAY || (aemp_len(msg) > 0 &&
	    aemp_type(aemp_at(msg, 0)) != AEMP_T_STR)) {
		aemp_unref(msg);
		c->flags |= CONN_MALFORMED;
		return 1;
	}
	if (log_trace_on && aemp_len(msg) > 0)
		conn_trace("RCV", c->peer->id, "->", msg);

	kernel_receive(c->peer->id, msg);
	aemp_unref(msg);
	return c->state != CONN_DATA;
}

static void
conn_read_data(struct conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);
	unsigned char	*p;
	char		*err = NULL, *esc;
	size_t		 n;
	int		 r;

	c->last_read = conn_now();
	while (c->state == CONN_DATA &&
	    (n = evbuffer_get_contiguous_space(in)) > 0) {
		p = evbuffer_pullup(in, n);
		r = c->rcodec->decode(c->dec, p, n, conn_emit, c, &err);
		if (c->state != CONN_DATA)
			break;
		evbuffer_drain(in, n);
		if (c->flags & CONN_MALFORMED) {
			log_error("%.100s: frame is not an array starting "
			    "with a port name; closing", c->peer->id);
			conn_close(c, "malformed frame");
			break;
		}
		if (r != 0) {
			esc = log_escape(err, err ? strlen(err) : 0, 200);
			log_error("%.100s: bad frame: %s; closing", c->peer->id,
			    esc);
			conn_close(c, err != NULL ? err : "bad frame");
			free(esc);
			break;
		}
	}
	free(err);
}

static int
conn_line(struct conn *c, char **line, size_t *len)
{
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct evbuffer_ptr	 eol;

	*line = NULL;
	eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	if (eol.pos < 0) {
		if (evbuffer_get_length(in) >= GREETING_MAX_LINE)
			return -1;
		return 0;
	}
	if (eol.pos >= GREETING_MAX_LINE)
		return -1;

	*line = evbuffer_readln(in, len, EVBUFFER_EOL_LF);
	if (*line != NULL && *len > 0 && (*line)[*len - 1] == '\r')
		(*line)[--*len] = '\0';
	return *line != NULL;
}

/* Run the handshake step for one line; 0 when c waits for more. */
static int
conn_step(struct conn *c)
{
	char	*line;
	size_t	 len;
	int	 r, state = c->state;

	if (state == CONN_DATA) {
		conn_read_data(c);
		return 0;
	}
	if (state < CONN_GREETING || state > CONN_AUTH)
		return 0;
	if ((r = conn_line(c, &line, &len)) <= 0) {
		if (r < 0) {
			log_note("%s: handshake line longer than %d bytes; "
			    "closing", c->addr, GREETING_MAX_LINE);
			conn_close(c, "handshake line too long");
		}
		return 0;
	}

	if (state == CONN_GREETING)
		r = handshake_greeting(c, line, len);
	else if (state == CONN_NONCE)
		r = handshake_nonce(c, line, len);
	else
		r = handshake_auth(c, line, len);
	free(line);
	return r == 0 && c->state != CONN_DEAD;
}

static void
conn_run(struct conn *c)
{
	c->busy++;
	while (conn_step(c))
		;
	if (--c->busy == 0 && c->state == CONN_DEAD)
		conn_free(c);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	conn_run(c);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	const char	*text;
	char		 buf[256];

	if ((what & BEV_EVENT_CONNECTED) && c->state == CONN_CONNECTING) {
		conn_sockopts(bufferevent_getfd(bev));
		log_debug("%s: connected", c->addr);
		handshake_start(c);
		return;
	}
	if (what & BEV_EVENT_CONNECTED) {
		tls_describe(bev, buf, sizeof buf);
		log_info("%s: TLS established: %s", c->addr, buf);
		return;
	}

	if ((what & BEV_EVENT_EOF) && c->state == CONN_AUTH)
		text = "connection closed during handshake (wrong secret, "
		    "or this node ID is already connected?)";
	else if ((what & BEV_EVENT_EOF) && c->state >= CONN_GREETING &&
	    c->state < CONN_WAITING)
		text = "connection closed during handshake";
	else if (what & BEV_EVENT_EOF)
		text = "Unexpected end-of-file";
	else if ((c->flags & CONN_TLS) && tls_error(bev, buf, sizeof buf)) {
		log_note("%s: TLS failed: %s", c->addr, buf);
		text = buf;
	} else
		text = evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR());
	if (c->state != CONN_DATA)
		log_debug("%s: %s during the handshake", c->addr, text);

	conn_close(c, text);
}

static void
conn_timeout_cb(int fd, short events, void *arg)
{
	struct conn	*c = arg;

	if (c->state == CONN_WAITING)
		conn_promote(c);
	else {
		log_note("%s: handshake timeout; closing", c->addr);
		conn_close(c, "handshake timeout");
	}
}

static void
conn_heartbeat_cb(int fd, short events, void *arg)
{
	struct conn	*c = arg;
	struct aemp_val	*hb;
	double		 now = conn_now(), own, tick;

	if (c->hb > 0 && now - c->last_read >= 3.0 * c->hb) {
		conn_close(c, "heartbeat timeout");
		return;
	}

	/* Write again before own seconds of silence have passed. */
	own = settings_number("heartbeat", 5);
	tick = conn_tick(c, own);
	if (own > 0 && now - c->last_write >= own - tick - 0.01) {
		hb = aemp_pack("s", "");
		conn_send(c, hb);
		aemp_unref(hb);
	}
}

/* Free every connection without telling anyone (at shutdown). */
void
conn_free_all(void)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&conn_list)) != NULL) {
		c->state = CONN_DEAD;
		c->peer = NULL;
		conn_free(c);
	}
	if (conn_scratch != NULL)
		evbuffer_free(conn_scratch);
	conn_scratch = NULL;
}
