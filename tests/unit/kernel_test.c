/*
 * Unit tests of host/kernel: ports, local delivery, kills, monitors,
 * port context, timers, cal and spawn, run in this process on the real
 * event loop.  Remote behaviour is tested by recording what the kernel
 * hands to the send hook and by injecting messages with kernel_receive.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "kernel.h"
#include "testing.h"

#define SENT_MAX	64

static char	*sent[SENT_MAX];
static int	 nsent;
static char	*connected;

static void
fake_send(const char *node, struct aemp_val *msg)
{
	char	*json = aemp_to_json(msg);

	if (nsent < SENT_MAX)
		xasprintf(&sent[nsent++], "%s %s", node, json);
	free(json);
}

static void
fake_connect(const char *node)
{
	free(connected);
	connected = xstrdup(node);
}

static const struct kernel_hooks fake_hooks = {
	.send = fake_send,
	.connect = fake_connect,
};

/* 1 when exactly line was sent. */
static int
was_sent(const char *line)
{
	int	i;

	for (i = 0; i < nsent; i++)
		if (strcmp(sent[i], line) == 0)
			return 1;
	return 0;
}

static void
sent_clear(void)
{
	while (nsent > 0)
		free(sent[--nsent]);
}

/* A networked node "me" with the fake hooks. */
static void
networked(void)
{
	kernel_set_node("me", "U");
	kernel_set_hooks(&fake_hooks);
}

static void
reset(void)
{
	kernel_shutdown();
	sent_clear();
	free(connected);
	connected = NULL;
	settings_set(NULL);
}

/* One loop turn: runs what is queued now, not what that queues. */
static void
turn(void)
{
	event_base_loop(kernel_base(), EVLOOP_ONCE | EVLOOP_NONBLOCK);
}

static void
spin(void)
{
	int	i;

	for (i = 0; i < 10; i++)
		turn();
}

static void
stop_cb(void *arg)
{
	aemp_break();
}

/* Run the loop for seconds. */
static void
run_for(double seconds)
{
	struct aemp_guard	*g;

	g = aemp_after(seconds, stop_cb, NULL);
	aemp_run();
	aemp_guard_free(g);
}

/* Monitor callback: keep the reason as JSON in *(char **)arg. */
static void
record_reason(struct aemp_val *reason, void *arg)
{
	char	**slot = arg;

	free(*slot);
	*slot = aemp_to_json(reason);
}

/* Message handler: append the message as JSON to the buffer arg. */
static void
record_msg(struct aemp_val *msg, void *arg)
{
	char	*buf = arg, *json = aemp_to_json(msg);

	if (strlen(buf) + strlen(json) + 2 < 1024) {
		strcat(buf, json);
		strcat(buf, ";");
	}
	free(json);
}

static void
inject(const char *node, const char *fmt, ...)
{
	struct aemp_val	*msg;
	va_list		 ap;

	va_start(ap, fmt);
	msg = aemp_vpack(fmt, ap);
	va_end(ap);
	kernel_receive(node, msg);
	aemp_unref(msg);
}

DEF_TEST(port, name_sequence)
{
	char	*a, *b, *c, *want;
	int	 i;

	a = aemp_port_new();
	b = aemp_port_new();
	xasprintf(&want, "#%sb", kernel_uniq());
	EXPECT_STR(want, a);
	free(want);
	xasprintf(&want, "#%sc", kernel_uniq());
	EXPECT_STR(want, b);
	free(want);
	free(a);
	free(b);

	for (i = 0; i < 23; i++)
		free(aemp_port_new());
	c = aemp_port_new();
	xasprintf(&want, "#%saa", kernel_uniq());
	EXPECT_STR(want, c);
	free(want);
	free(c);

	networked();
	c = aemp_port_new();
	EXPECT_STR("me#Uab", c);
	free(c);
	reset();
}

DEF_TEST(snd, asynchronous)
{
	char	 buf[1024] = "";
	char	*p;

	p = aemp_port(record_msg, buf);
	aemp_snd(p, "si", "hello", 1);
	EXPECT_STR("", buf);
	spin();
	EXPECT_STR("[\"hello\",1];", buf);
	free(p);
	reset();
}

static int	order_next, order_bad;

static void
order_cb(struct aemp_val *msg, void *arg)
{
	int	i;

	if (aemp_unpack(msg, "i", &i) != 0 || i != order_next)
		order_bad = 1;
	order_next++;
}

DEF_TEST(snd, order)
{
	char	*p, *q;
	int	 i;

	p = aemp_port(order_cb, NULL);
	q = aemp_port(order_cb, NULL);
	for (i = 0; i < 200; i++)
		aemp_snd(i % 2 ? q : p, "i", i);
	spin();
	EXPECT_INT(200, order_next);
	EXPECT_INT(0, order_bad);
	free(p);
	free(q);
	reset();
}

static char	burst_log[64];

static void
burst_cb(struct aemp_val *msg, void *arg)
{
	const char	*s;

	if (aemp_unpack(msg, "s", &s) != 0 ||
	    strlen(burst_log) + 2 >= sizeof burst_log)
		return;
	strcat(burst_log, *s == 'f' ? "f" : "s");
	if (*s == 'f')
		aemp_snd(aemp_self(), "s", "second");
}

/* What a burst queues runs in the same turn, after the burst, in order. */
DEF_TEST(snd, follow_on_same_turn)
{
	char	*p;

	p = aemp_port(burst_cb, NULL);
	aemp_snd(p, "s", "first");
	aemp_snd(p, "s", "first");
	aemp_snd(p, "s", "first");
	EXPECT_STR("", burst_log);
	turn();
	EXPECT_STR("fffsss", burst_log);
	free(p);
	reset();
}

static long	 pp_count, pp_limit, pp_write_at, pp_seen_read;
static int	 pp_fd = -1;
static char	*pp_port;

/*
 * A port that sends itself a message for each one, until pp_limit; at
 * message pp_write_at it makes pp_fd readable.
 */
static void
pingpong_cb(struct aemp_val *msg, void *arg)
{
	if (++pp_count == pp_write_at && write(pp_fd, "x", 1) != 1)
		pp_write_at = -1;
	if (pp_count >= pp_limit) {
		aemp_break();
		return;
	}
	aemp_snd(pp_port, "si", "ping", 1);
}

static void
pp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	char	c;

	if (read(fd, &c, 1) == 1 && pp_seen_read == 0)
		pp_seen_read = pp_count;
	aemp_break();
}

/*
 * An endless ping-pong: a turn ends after a bounded number of messages,
 * I/O gets its turn while it goes on, and aemp_break stops it at once.
 */
DEF_TEST(snd, turn_budget)
{
	struct event	*ev;
	int		 fds[2];
	long		 n;

	pp_port = aemp_port(pingpong_cb, NULL);
	pp_limit = 1000000;
	aemp_snd(pp_port, "s", "ping");
	turn();
	n = pp_count;
	EXPECT_TRUE(n > 1 && n <= 100000);
	turn();
	EXPECT_TRUE(pp_count > n);

	EXPECT_INT(0, pipe(fds));
	ev = event_new(kernel_base(), fds[0], EV_READ, pp_read_cb, NULL);
	event_add(ev, NULL);
	pp_fd = fds[1];
	pp_write_at = pp_count + 10;
	aemp_run();
	EXPECT_TRUE(pp_seen_read >= pp_write_at);
	EXPECT_TRUE(pp_seen_read <= pp_write_at + 100000);
	EXPECT_INT(pp_seen_read, pp_count);
	event_free(ev);
	close(fds[0]);
	close(fds[1]);

	pp_limit = pp_count + 3;
	aemp_run();
	EXPECT_INT(pp_limit, pp_count);
	free(pp_port);
	reset();
}

DEF_TEST(rcv, tag_and_default)
{
	char	 dflt[1024] = "", tagged[1024] = "", num[1024] = "";
	char	*p;

	p = aemp_port(record_msg, dflt);
	EXPECT_INT(0, aemp_rcv(p, "a", record_msg, tagged));
	EXPECT_INT(0, aemp_rcv(p, "7", record_msg, num));
	aemp_snd(p, "si", "a", 1);
	aemp_snd(p, "si", "b", 2);
	aemp_snd(p, "is", 7, "x");
	spin();
	EXPECT_STR("[1];", tagged);
	EXPECT_STR("[\"b\",2];", dflt);
	EXPECT_STR("[\"x\"];", num);

	EXPECT_INT(0, aemp_rcv(p, "a", NULL, NULL));
	aemp_snd(p, "si", "a", 3);
	spin();
	EXPECT_STR("[\"b\",2];[\"a\",3];", dflt);

	EXPECT_INT(AEMP_ERR_INVAL, aemp_rcv("other#x", "a", record_msg, NULL));
	free(p);
	reset();
}

DEF_TEST(rcv, unhandled_message)
{
	struct aemp_guard	*g, *g2;
	char			*p, *p2, *reason = NULL, *reason2 = NULL;
	char			 tag[41];

	p = aemp_port_new();
	EXPECT_INT(0, aemp_rcv(p, "known", record_msg, NULL));
	g = aemp_mon(p, record_reason, &reason);
	aemp_snd(p, "s", "hello");
	spin();
	EXPECT_STR("[\"unhandled_message\","
	    "\"no callback found for message 'hello'\"]", reason);
	EXPECT_INT(AEMP_ERR_NOENT, aemp_rcv(p, "known", record_msg, NULL));

	memset(tag, 'x', 40);
	tag[40] = '\0';
	tag[2] = '\001';
	p2 = aemp_port_new();
	g2 = aemp_mon(p2, record_reason, &reason2);
	aemp_snd(p2, "s", tag);
	spin();
	EXPECT_STR("[\"unhandled_message\",\"no callback found for message "
	    "'xx.xxxxxxxxxxxxxxxxxxxxxxxxxxx'\"]", reason2);

	aemp_guard_free(g);
	aemp_guard_free(g2);
	free(reason);
	free(reason2);
	free(p);
	free(p2);
	reset();
}

DEF_TEST(kil, async_and_reasons)
{
	struct aemp_guard	*g1, *g2;
	char			*p, *q, *r1 = NULL, *r2 = NULL;
	const char		*name;

	p = aemp_port(record_msg, NULL);
	q = aemp_port(record_msg, NULL);
	g1 = aemp_mon(p, record_reason, &r1);
	g2 = aemp_mon(q, record_reason, &r2);
	aemp_kil(p, "ss", "bad", "thing");
	aemp_kil(q, NULL);

	nodes_split(p, &name);
	EXPECT_INT(1, port_exists(name));
	EXPECT_TRUE(r1 == NULL);
	spin();
	EXPECT_INT(0, port_exists(name));
	EXPECT_STR("[\"bad\",\"thing\"]", r1);
	EXPECT_STR("[]", r2);

	aemp_kil("#nonexistent", NULL);
	aemp_kil(aemp_node(), NULL);
	spin();

	aemp_guard_free(g1);
	aemp_guard_free(g2);
	free(r1);
	free(r2);
	free(p);
	free(q);
	reset();
}

DEF_TEST(mon, link_ignores_normal_kill)
{
	struct aemp_guard	*l1, *l2, *m1, *m2;
	char			*a, *b, *c, *d, *rb = NULL, *rd = NULL;

	a = aemp_port_new();
	b = aemp_port_new();
	c = aemp_port_new();
	d = aemp_port_new();
	l1 = aemp_mon_port(a, b);
	l2 = aemp_mon_port(c, d);
	m1 = aemp_mon(b, record_reason, &rb);
	m2 = aemp_mon(d, record_reason, &rd);

	aemp_kil(a, NULL);
	aemp_kil(c, "ss", "err", "x");
	spin();
	EXPECT_TRUE(rb == NULL);
	EXPECT_STR("[\"err\",\"x\"]", rd);
	EXPECT_INT(0, aemp_rcv(b, "still", record_msg, NULL));
	EXPECT_INT(AEMP_ERR_NOENT, aemp_rcv(d, "still", record_msg, NULL));

	aemp_guard_free(l1);
	aemp_guard_free(l2);
	aemp_guard_free(m1);
	aemp_guard_free(m2);
	free(rb);
	free(rd);
	free(a);
	free(b);
	free(c);
	free(d);
	reset();
}

DEF_TEST(mon, msg)
{
	struct aemp_guard	*g;
	char			 buf[1024] = "";
	char			*a, *r;

	a = aemp_port_new();
	r = aemp_port_new();
	EXPECT_INT(0, aemp_rcv(r, "died", record_msg, buf));
	g = aemp_mon_msg(a, r, "si", "died", 42);
	aemp_kil(a, "s", "why");
	spin();
	EXPECT_STR("[42,\"why\"];", buf);
	aemp_guard_free(g);
	free(a);
	free(r);
	reset();
}

DEF_TEST(mon, no_such_port)
{
	struct aemp_guard	*g;
	char			*reason = NULL, *want;

	networked();
	g = aemp_mon("me#Uzzzzzz", record_reason, &reason);
	EXPECT_TRUE(reason == NULL);
	spin();
	xasprintf(&want, "[\"no_such_port\",\"cannot monitor nonexistent "
	    "port\",\"me#Uzzzzzz\"]");
	EXPECT_STR(want, reason);
	free(want);
	aemp_guard_free(g);
	free(reason);
	reset();
}

DEF_TEST(mon, guard_cancel)
{
	struct aemp_guard	*g, *g2;
	char			*p, *reason = NULL, *r2 = NULL;

	p = aemp_port_new();
	g = aemp_mon(p, record_reason, &reason);
	aemp_guard_free(g);
	g2 = aemp_mon("#Unope", record_reason, &r2);
	aemp_guard_free(g2);
	aemp_kil(p, "s", "x");
	spin();
	EXPECT_TRUE(reason == NULL);
	EXPECT_TRUE(r2 == NULL);
	aemp_guard_free(NULL);
	free(p);
	reset();
}

static void
die_cb(struct aemp_val *msg, void *arg)
{
	aemp_die("boom %d\n\n", 7);
}

DEF_TEST(context, die)
{
	struct aemp_guard	*g, *g2;
	char			*p, *q, *reason = NULL, *r2 = NULL;

	p = aemp_port(die_cb, NULL);
	g = aemp_mon(p, record_reason, &reason);
	aemp_snd(p, "s", "x");
	q = aemp_port_new();
	EXPECT_INT(0, aemp_rcv(q, "t", die_cb, NULL));
	g2 = aemp_mon(q, record_reason, &r2);
	aemp_snd(q, "sii", "t", 1, 2);
	spin();
	EXPECT_STR("[\"die\",\"boom 7\"]", reason);
	EXPECT_STR("[\"die\",\"boom 7\"]", r2);
	aemp_guard_free(g);
	aemp_guard_free(g2);
	free(reason);
	free(r2);
	free(p);
	free(q);
	reset();
}

static char	 self_seen[256];

static void
peval_cb(void *arg)
{
	snprintf(self_seen, sizeof self_seen, "%s",
	    aemp_self() != NULL ? aemp_self() : "(none)");
	if (arg != NULL)
		aemp_die("peval died");
}

static void
make_psub(void *arg)
{
	*(struct aemp_psub **)arg = aemp_psub(peval_cb, NULL);
}

DEF_TEST(context, peval_psub)
{
	struct aemp_guard	*g;
	struct aemp_psub	*ps;
	char			*p, *reason = NULL;

	EXPECT_TRUE(aemp_self() == NULL);
	EXPECT_TRUE(aemp_psub(peval_cb, NULL) == NULL);
	p = aemp_port_new();
	EXPECT_INT(0, aemp_peval(p, peval_cb, NULL));
	EXPECT_STR(p, self_seen);

	ps = NULL;
	EXPECT_INT(0, aemp_peval(p, make_psub, &ps));
	EXPECT_TRUE(ps != NULL);
	self_seen[0] = '\0';
	aemp_psub_call(ps);
	EXPECT_STR(p, self_seen);

	g = aemp_mon(p, record_reason, &reason);
	EXPECT_INT(0, aemp_peval(p, peval_cb, p));
	EXPECT_STR("[\"die\",\"peval died\"]", reason);
	EXPECT_INT(AEMP_ERR_NOENT, aemp_peval(p, peval_cb, NULL));

	self_seen[0] = '\0';
	aemp_psub_call(ps);
	EXPECT_STR("", self_seen);
	aemp_psub_free(ps);
	aemp_psub_free(NULL);
	aemp_guard_free(g);
	free(reason);
	free(p);
	reset();
}

static int	after_ran;
static char	after_self[256];

static void
after_cb(void *arg)
{
	after_ran++;
	snprintf(after_self, sizeof after_self, "%s",
	    aemp_self() != NULL ? aemp_self() : "(none)");
}

static struct aemp_guard *after_guard;

static void
start_after(void *arg)
{
	after_guard = aemp_after(*(double *)arg, after_cb, NULL);
}

DEF_TEST(after, context_and_death)
{
	struct aemp_guard	*g;
	double			 d = 0.01;
	char			*p;

	p = aemp_port_new();
	EXPECT_INT(0, aemp_peval(p, start_after, &d));
	run_for(0.1);
	EXPECT_INT(1, after_ran);
	EXPECT_STR(p, after_self);
	aemp_guard_free(after_guard);

	d = 0.05;
	EXPECT_INT(0, aemp_peval(p, start_after, &d));
	aemp_kil(p, NULL);
	run_for(0.15);
	EXPECT_INT(1, after_ran);
	aemp_guard_free(after_guard);

	g = aemp_after(0.2, after_cb, NULL);
	aemp_guard_free(g);
	run_for(0.25);
	EXPECT_INT(1, after_ran);
	free(p);
	reset();
}

/* Init: a timer first, then the port. */
static void
init_timer_then_rcv(struct aemp_val *args)
{
	double	d = 0.05;

	start_after(&d);
	EXPECT_INT(0, aemp_rcv(aemp_self(), NULL, record_msg, NULL));
}

/* A timer made in a spawn's init before its port dies with the port. */
DEF_TEST(after, made_before_port)
{
	char	*a;

	networked();
	after_ran = 0;
	EXPECT_INT(0, aemp_register("::timer", init_timer_then_rcv));
	a = aemp_spawn("me", "::timer", NULL);
	spin();
	EXPECT_INT(1, port_exists(a + 3));
	aemp_kil(a, "s", "gone");
	run_for(0.15);
	EXPECT_INT(0, after_ran);
	aemp_guard_free(after_guard);
	after_guard = NULL;
	free(a);
	reset();
}

static char	*cal_reply;
static int	 cal_calls;

static void
cal_cb(struct aemp_val *reply, void *arg)
{
	cal_calls++;
	free(cal_reply);
	cal_reply = reply != NULL ? aemp_to_json(reply) : xstrdup("NULL");
}

/* ["ping", data, replyport] => replyport gets ["pong", data]. */
static void
echo_cb(struct aemp_val *msg, void *arg)
{
	struct aemp_val	*data;
	const char	*reply;

	if (aemp_unpack(msg, ".vs", &data, &reply) != 0)
		return;
	aemp_snd(reply, "sv", "pong", data);
}

static void
noop_cb(struct aemp_val *msg, void *arg)
{
}

DEF_TEST(cal, reply_timeout_death)
{
	char		*echo, *silent, *r;
	const char	*name;

	echo = aemp_port(echo_cb, NULL);
	r = aemp_cal(echo, cal_cb, NULL, 0, "si", "ping", 42);
	EXPECT_TRUE(r != NULL);
	spin();
	EXPECT_INT(1, cal_calls);
	EXPECT_STR("[\"pong\",42]", cal_reply);
	nodes_split(r, &name);
	EXPECT_INT(0, port_exists(name));
	free(r);

	silent = aemp_port(noop_cb, NULL);
	r = aemp_cal(silent, cal_cb, NULL, 0.05, "s", "ping");
	spin();
	EXPECT_INT(1, cal_calls);
	run_for(0.15);
	EXPECT_INT(2, cal_calls);
	EXPECT_STR("NULL", cal_reply);
	nodes_split(r, &name);
	EXPECT_INT(0, port_exists(name));
	free(r);

	r = aemp_cal(silent, cal_cb, NULL, 0, "s", "ping");
	spin();
	EXPECT_INT(2, cal_calls);
	aemp_kil(silent, "s", "gone");
	spin();
	EXPECT_INT(3, cal_calls);
	EXPECT_STR("NULL", cal_reply);
	free(r);

	free(echo);
	free(silent);
	free(cal_reply);
	cal_reply = NULL;
	reset();
}

static int	 init_ran;
static char	 init_self[256];
static char	 init_args[256];

static void
init_fn(struct aemp_val *args)
{
	char	*json = aemp_to_json(args);

	init_ran++;
	snprintf(init_self, sizeof init_self, "%s",
	    aemp_self() != NULL ? aemp_self() : "(none)");
	snprintf(init_args, sizeof init_args, "%s", json);
	free(json);
	if (aemp_self() != NULL)
		aemp_rcv(aemp_self(), "x", record_msg, NULL);
}

DEF_TEST(spawn, local_deferred)
{
	char		*id;
	const char	*name;

	networked();
	EXPECT_INT(0, aemp_register("::init", init_fn));
	EXPECT_INT(AEMP_ERR_EXISTS, aemp_register("init", init_fn));
	EXPECT_TRUE(aemp_spawn("me", "noseparator", NULL) == NULL);

	init_ran = 0;
	id = aemp_spawn("me#anyport", "::init", "i", 5);
	EXPECT_TRUE(id != NULL && strncmp(id, "me#", 3) == 0);
	EXPECT_INT(0, init_ran);
	spin();
	EXPECT_INT(1, init_ran);
	EXPECT_STR(id, init_self);
	EXPECT_STR("[5]", init_args);
	nodes_split(id, &name);
	EXPECT_INT(1, port_exists(name));
	EXPECT_INT(0, aemp_rcv(id, "y", record_msg, NULL));
	aemp_snd(id, "s", "unknown-tag");
	spin();
	EXPECT_INT(1, port_exists(name));
	free(id);
	reset();
}

DEF_TEST(spawn, missing_function)
{
	struct aemp_guard	*g;
	char			*id, *reason = NULL, *line;
	const char		*name;

	networked();
	id = aemp_spawn(aemp_node(), "::missing", NULL);
	g = aemp_mon(id, record_reason, &reason);
	spin();
	EXPECT_STR("[\"spawn_failed\",\"no_such_function\","
	    "\"unable to resolve function '::missing'\"]", reason);

	nodes_split(id, &name);
	inject("other", "sss", "", "mon1", name);
	spin();
	xasprintf(&line, "other [\"\",\"kil0\",\"%s\",\"spawn_failed\","
	    "\"no_such_function\",\"unable to resolve function "
	    "'::missing'\"]", name);
	EXPECT_TRUE(was_sent(line));
	free(line);
	aemp_guard_free(g);
	free(reason);
	free(id);
	reset();
}

DEF_TEST(remote, outgoing)
{
	struct aemp_val		*down;
	struct aemp_guard	*g1, *g2, *g3;
	char			*reason = NULL, *id;

	networked();
	aemp_snd("other#p1", "si", "t", 1);
	EXPECT_TRUE(was_sent("other [\"p1\",\"t\",1]"));
	aemp_kil("other#p1", "s", "r");
	EXPECT_TRUE(was_sent("other [\"\",\"kil1\",\"p1\",\"r\"]"));

	g1 = aemp_mon("other#p2", record_reason, &reason);
	g2 = aemp_mon("other#p2", record_reason, &reason);
	EXPECT_INT(3, nsent);
	EXPECT_TRUE(was_sent("other [\"\",\"mon1\",\"p2\"]"));
	aemp_guard_free(g1);
	EXPECT_INT(3, nsent);
	aemp_guard_free(g2);
	EXPECT_TRUE(was_sent("other [\"\",\"mon0\",\"p2\"]"));

	g3 = aemp_mon("other", record_reason, &reason);
	EXPECT_STR("other", connected);
	EXPECT_INT(4, nsent);

	id = aemp_spawn("other#x", "Foo::bar", "i", 1);
	EXPECT_TRUE(id != NULL && strncmp(id, "other#", 6) == 0);
	EXPECT_INT(5, nsent);
	EXPECT_TRUE(strstr(sent[4], "\"AnyEvent::MP::_spawn\"") != NULL);
	EXPECT_TRUE(strstr(sent[4], "\"Foo::bar\",1]") != NULL);

	aemp_snd("", "s", "x");
	aemp_snd("#nonode", "s", "x");
	EXPECT_INT(5, nsent);

	down = aemp_pack("sss", "transport_error", "other",
	    "Connection refused");
	kernel_node_down("other", down);
	aemp_unref(down);
	EXPECT_TRUE(reason == NULL);
	spin();
	EXPECT_STR("[\"transport_error\",\"other\",\"Connection refused\"]",
	    reason);
	aemp_guard_free(g3);
	free(reason);
	free(id);
	reset();
}

DEF_TEST(remote, unnetworked)
{
	struct aemp_guard	*g;
	char			*reason = NULL;

	aemp_snd("other#p1", "s", "t");
	EXPECT_INT(0, nsent);
	g = aemp_mon("other#p1", record_reason, &reason);
	spin();
	EXPECT_STR("[\"transport_error\",\"other\","
	    "\"this node is not networked\"]", reason);
	aemp_guard_free(g);
	free(reason);
	reset();
}

DEF_TEST(remote, incoming_monitors)
{
	struct aemp_guard	*g;
	char			*p, *reason = NULL, *line;
	const char		*name;

	networked();
	inject("other", "sss", "", "mon1", "nope");
	spin();
	EXPECT_TRUE(was_sent("other [\"\",\"kil0\",\"nope\",\"no_such_port\","
	    "\"cannot monitor nonexistent port\",\"me#nope\"]"));

	p = aemp_port_new();
	nodes_split(p, &name);
	inject("other", "sss", "", "mon1", name);
	inject("other", "sss", "", "mon1", name);
	spin();
	sent_clear();
	aemp_kil(p, "s", "bye");
	spin();
	EXPECT_INT(1, nsent);
	xasprintf(&line, "other [\"\",\"kil0\",\"%s\",\"bye\"]", name);
	EXPECT_TRUE(was_sent(line));
	free(line);
	free(p);

	p = aemp_port_new();
	nodes_split(p, &name);
	inject("other", "sss", "", "mon1", name);
	kernel_node_up("other");
	kernel_node_down("other", NULL);
	spin();
	sent_clear();
	aemp_kil(p, "s", "bye");
	spin();
	EXPECT_INT(0, nsent);
	free(p);

	g = aemp_mon("other#rp", record_reason, &reason);
	inject("other", "ssss", "", "kil0", "rp", "gone");
	spin();
	EXPECT_STR("[\"gone\"]", reason);
	aemp_guard_free(g);
	free(reason);
	reset();
}

static char	src_seen[64];

static void
src_cb(struct aemp_val *msg, void *arg)
{
	snprintf(src_seen, sizeof src_seen, "%s", kernel_srcnode());
	record_msg(msg, arg);
}

static int	fn_calls;
static char	fn_args[128];

static void
fn_called(struct aemp_val *args)
{
	char	*json = aemp_to_json(args);

	fn_calls++;
	snprintf(fn_args, sizeof fn_args, "%s%s", json,
	    aemp_self() == NULL ? "" : " in a port");
	free(json);
}

DEF_TEST(remote, requests)
{
	struct aemp_val		*secure;
	struct aemp_guard	*g;
	char			 buf[1024] = "";
	char			*p, *reason = NULL;
	const char		*name;
	int			 i;

	networked();
	p = aemp_port(src_cb, buf);
	nodes_split(p, &name);

	inject("other", "ssi", name, "t", 1);
	spin();
	EXPECT_STR("[\"t\",1];", buf);
	EXPECT_STR("other", src_seen);
	aemp_snd(p, "s", "local");
	spin();
	EXPECT_STR("me", src_seen);

	inject("other", "sssi", "", "snd", p, 5);
	inject("other", "sssi", "", "snd", "third#q", 6);
	spin();
	EXPECT_STR("[\"t\",1];[\"local\"];[5];", buf);
	EXPECT_TRUE(was_sent("third [\"q\",6]"));

	inject("other", "ssss", "", "can", "time", "other#r");
	inject("other", "ssss", "", "can", "nosuch", "other#r");
	inject("other", "ssss", "", "eval", "1+2", "other#r");
	inject("other", "ssss", "", "time", "other#r", "extra");
	spin();
	EXPECT_TRUE(was_sent("other [\"r\",\"1\"]"));
	EXPECT_TRUE(was_sent("other [\"r\",\"\"]"));
	EXPECT_TRUE(was_sent("other [\"r\","
	    "\"eval: not supported by this node\"]"));
	for (i = 0; i < nsent; i++)
		if (strncmp(sent[i], "other [\"r\",\"extra\",", 19) == 0)
			break;
	EXPECT_TRUE(i < nsent);

	inject("other", "");
	inject("other", "s", "");
	inject("other", "ss", "", "devnull");
	inject("other", "ss", "", "no-such-request");
	inject("other", "ii", 1, 2);
	inject("other", "i", 3);
	secure = aemp_int(4);
	kernel_receive("other", secure);
	aemp_unref(secure);
	spin();

	EXPECT_INT(0, aemp_register("::fn", fn_called));
	inject("other", "ssii", "", "::fn", 1, 2);
	spin();
	EXPECT_INT(1, fn_calls);
	EXPECT_STR("[1,2]", fn_args);

	EXPECT_INT(0, aemp_register("::init", init_fn));
	init_ran = 0;
	inject("other", "ssssi", "", "AnyEvent::MP::_spawn", "RSPAWNa",
	    "::init", 9);
	spin();
	EXPECT_INT(1, init_ran);
	EXPECT_STR("me#RSPAWNa", init_self);
	EXPECT_INT(1, port_exists("RSPAWNa"));

	g = aemp_mon(p, record_reason, &reason);
	inject("other", "ssss", "", "kil1", name, "x");
	spin();
	EXPECT_STR("[\"x\"]", reason);

	secure = aemp_map_new(1);
	aemp_map_put(secure, "secure", aemp_bool(1));
	settings_set(secure);
	init_ran = 0;
	inject("other", "ssss", "", "AnyEvent::MP::_spawn", "RSPAWNb",
	    "::init");
	inject("other", "ss", "", "::fn");
	inject("other", "sss", "", "mon1", "RSPAWNb");
	spin();
	EXPECT_INT(0, init_ran);
	EXPECT_INT(1, fn_calls);
	EXPECT_TRUE(was_sent("other [\"\",\"kil0\",\"RSPAWNb\","
	    "\"spawn_failed\",\"not_allowed\",\"this node is secure and "
	    "refuses '::init' from the network\"]"));

	aemp_guard_free(g);
	free(reason);
	free(p);
	reset();
}

static int	node_events;
static char	node_last[128];

static void
node_cb(const char *node, int up, struct aemp_val *reason, void *arg)
{
	char	*json = reason != NULL ? aemp_to_json(reason) : NULL;

	node_events++;
	snprintf(node_last, sizeof node_last, "%s %d %s", node, up,
	    json != NULL ? json : "-");
	free(json);
}

DEF_TEST(nodes, up_down)
{
	struct aemp_guard	*g;
	struct aemp_val		*up;
	char			*n;

	networked();
	g = aemp_mon_nodes(node_cb, NULL);
	EXPECT_INT(1, aemp_node_is_up("me"));
	EXPECT_INT(-1, aemp_node_is_up("other"));
	kernel_node_up("other");
	spin();
	EXPECT_INT(1, node_events);
	EXPECT_STR("other 1 -", node_last);
	EXPECT_INT(1, aemp_node_is_up("other"));
	up = aemp_up_nodes();
	EXPECT_INT(1, aemp_len(up));
	EXPECT_STR("other", aemp_str_ptr(aemp_at(up, 0), NULL));
	aemp_unref(up);

	kernel_node_down("other", NULL);
	spin();
	EXPECT_INT(2, node_events);
	EXPECT_STR("other 0 [\"transport_error\",\"other\","
	    "\"connection lost\"]", node_last);

	aemp_guard_free(g);
	kernel_node_up("other");
	spin();
	EXPECT_INT(2, node_events);

	n = aemp_node_of("a#b#c");
	EXPECT_STR("a", n);
	free(n);
	EXPECT_INT(1, aemp_port_is_local("me#x"));
	EXPECT_INT(0, aemp_port_is_local("mex#x"));
	reset();
}

static void
init_die(struct aemp_val *args)
{
	aemp_rcv(aemp_self(), "x", record_msg, NULL);
	aemp_die("init failed");
}

static void
init_nothing(struct aemp_val *args)
{
}

DEF_TEST(spawn, init_dies_or_idles)
{
	struct aemp_guard	*g1, *g2, *g3;
	struct aemp_val		*allow;
	char			*a, *b, *r1 = NULL, *r2 = NULL, *r3 = NULL;

	networked();
	EXPECT_INT(0, aemp_register("::die", init_die));
	EXPECT_INT(0, aemp_register("::nothing", init_nothing));
	a = aemp_spawn("me", "::die", NULL);
	b = aemp_spawn("me", "main::nothing", NULL);
	g1 = aemp_mon(a, record_reason, &r1);
	g2 = aemp_mon(b, record_reason, &r2);
	spin();
	EXPECT_STR("[\"die\",\"init failed\"]", r1);
	EXPECT_TRUE(r2 != NULL && strncmp(r2, "[\"no_such_port\",\"cannot "
	    "monitor nonexistent port\",\"me#", 50) == 0);

	allow = aemp_map_new(1);
	aemp_map_put(allow, "spawn_allow", aemp_pack("s", "::die"));
	settings_set(allow);
	inject("other", "ssss", "", "AnyEvent::MP::_spawn", "RALLOWa",
	    "::nothing");
	g3 = aemp_mon("me#RALLOWa", record_reason, &r3);
	spin();
	EXPECT_STR("[\"spawn_failed\",\"not_allowed\","
	    "\"'::nothing' is not in spawn_allow\"]", r3);

	aemp_guard_free(g1);
	aemp_guard_free(g2);
	aemp_guard_free(g3);
	free(r1);
	free(r2);
	free(r3);
	free(a);
	free(b);
	reset();
}

static void
peval_die(void *arg)
{
	aemp_die("first");
}

/* Init: create the port, then die (twice when arg is set). */
static void
init_rcv_die(struct aemp_val *args)
{
	EXPECT_INT(0, aemp_rcv(aemp_self(), NULL, record_msg, NULL));
	if (aemp_len(args) > 0)
		EXPECT_INT(0, aemp_peval(aemp_self(), peval_die, NULL));
	aemp_die("second");
}

/* The log says whether a dying init had a port, and the right reason. */
DEF_TEST(spawn, init_dies_with_port)
{
	struct aemp_guard	*g1, *g2;
	const char		*log;
	char			*a, *b, *r1 = NULL, *r2 = NULL;

	networked();
	EXPECT_INT(0, aemp_register("::rcvdie", init_rcv_die));
	a = aemp_spawn("me", "::rcvdie", NULL);
	b = aemp_spawn("me", "::rcvdie", "i", 1);
	g1 = aemp_mon(a, record_reason, &r1);
	g2 = aemp_mon(b, record_reason, &r2);
	capture_start();
	spin();
	log = capture_end();
	EXPECT_STR("[\"die\",\"second\"]", r1);
	EXPECT_STR("[\"die\",\"first\"]", r2);
	EXPECT_TRUE(strstr(log, "before it had a port") == NULL);
	EXPECT_TRUE(strstr(log, "died after its port was gone: second") !=
	    NULL);
	EXPECT_INT(0, port_exists(a + 3));
	EXPECT_INT(0, port_exists(b + 3));

	aemp_guard_free(g1);
	aemp_guard_free(g2);
	free(r1);
	free(r2);
	free(a);
	free(b);
	reset();
}

static struct aemp_guard	*victim_guard;
static int			 victim_fired, refire_count;

static void
victim_cb(struct aemp_val *reason, void *arg)
{
	victim_fired++;
}

static void
killer_cb(struct aemp_val *reason, void *arg)
{
	aemp_guard_free(victim_guard);
	victim_guard = NULL;
}

static struct aemp_guard	*refire_guard, *victim2_guard, *again_guard;
static char			*again_reason;

static int			 victim2_fired;

/* Fires before or after swap_cb: the order of ports is not defined. */
static void
victim2_cb(struct aemp_val *reason, void *arg)
{
	victim2_fired++;
}

static void
swap_cb(struct aemp_val *reason, void *arg)
{
	aemp_guard_free(victim2_guard);
	victim2_guard = NULL;
	again_guard = aemp_mon("other#r", record_reason, &again_reason);
}

static void
refire_cb(struct aemp_val *reason, void *arg)
{
	refire_count++;
	refire_guard = aemp_mon("other#p", refire_cb, NULL);
}

DEF_TEST(mon, callbacks_change_monitors)
{
	struct aemp_guard	*k, *k2, *first, *swap;
	char			*p;

	networked();
	p = aemp_port_new();
	k = aemp_mon(p, killer_cb, NULL);
	victim_guard = aemp_mon(p, victim_cb, NULL);
	aemp_kil(p, "s", "x");
	spin();
	EXPECT_INT(0, victim_fired);

	k2 = aemp_mon("other#q", killer_cb, NULL);
	victim_guard = aemp_mon("other#q", victim_cb, NULL);
	first = aemp_mon("other#p", refire_cb, NULL);
	swap = aemp_mon("other#a", swap_cb, NULL);
	victim2_guard = aemp_mon("other#r", victim2_cb, NULL);
	kernel_node_down("other", NULL);
	spin();
	EXPECT_INT(0, victim_fired);
	EXPECT_INT(1, refire_count);
	EXPECT_TRUE(refire_guard != NULL);
	EXPECT_TRUE(again_reason == NULL);
	inject("other", "ssss", "", "kil0", "r", "late");
	spin();
	EXPECT_STR("[\"late\"]", again_reason);
	EXPECT_INT(0, victim_fired);
	EXPECT_TRUE(victim2_fired <= 1);
	aemp_guard_free(swap);
	aemp_guard_free(again_guard);
	free(again_reason);

	aemp_guard_free(k);
	aemp_guard_free(k2);
	aemp_guard_free(first);
	free(p);
	reset();
}

DEF_TEST(kernel, hooks_run_break)
{
	static const struct kernel_hooks connect_only = {
		.connect = fake_connect,
	};
	struct aemp_guard	*g;
	char			 buf[1024] = "";

	networked();
	kernel_set_hooks(&connect_only);
	EXPECT_TRUE(kernel_get_hooks()->send == fake_send);
	aemp_snd("other#x", "s", "still");
	EXPECT_TRUE(was_sent("other [\"x\",\"still\"]"));

	aemp_snd("me#Unever", "s", "dropped");
	EXPECT_INT(0, aemp_rcv("me#custom", "t", record_msg, buf));
	aemp_snd("me#custom", "si", "t", 1);
	spin();
	EXPECT_STR("[1];", buf);

	aemp_break();
	g = aemp_after(5, stop_cb, NULL);
	EXPECT_INT(0, aemp_run());
	aemp_guard_free(g);
	reset();
}

static int	custom_calls;
static char	custom_src[64];

static void
custom_req(const char *srcnode, struct aemp_val *msg)
{
	custom_calls++;
	snprintf(custom_src, sizeof custom_src, "%s %zu", srcnode,
	    aemp_len(msg));
}

static const struct kernel_request custom_requests[] = {
	{ .name = "g_test", .fn = custom_req },
	{ .name = "time", .fn = custom_req },
	{ .name = "g_secret", .fn = custom_req,
	  .flags = KERNEL_REQ_NOSECURE },
	{ .name = NULL }
};

DEF_TEST(request, table_override)
{
	struct aemp_val	*secure;

	networked();
	kernel_request_add(custom_requests);
	EXPECT_INT(1, kernel_request_known("g_test"));
	EXPECT_INT(1, kernel_request_known("mon1"));
	EXPECT_INT(0, kernel_request_known("g_none"));

	inject("other", "ssi", "", "g_test", 1);
	inject("other", "sss", "", "time", "other#r");
	aemp_snd("me", "s", "g_test");
	spin();
	EXPECT_INT(3, custom_calls);
	EXPECT_STR("me 2", custom_src);
	EXPECT_INT(0, nsent);

	secure = aemp_map_new(1);
	aemp_map_put(secure, "secure", aemp_bool(1));
	settings_set(secure);
	inject("other", "ss", "", "g_secret");
	spin();
	EXPECT_INT(3, custom_calls);
	reset();
	EXPECT_INT(0, kernel_request_known("g_test"));
}

/* Every API function taking a port or node refuses NULL, never crashes. */
DEF_TEST(api, null_arguments)
{
	struct aemp_val	*msg;

	networked();
	msg = aemp_pack("s", "x");
	EXPECT_INT(AEMP_ERR_INVAL, aemp_rcv(NULL, NULL, record_msg, NULL));
	EXPECT_INT(AEMP_ERR_INVAL, aemp_rcv(NULL, "t", record_msg, NULL));
	EXPECT_INT(AEMP_ERR_INVAL, aemp_peval(NULL, stop_cb, NULL));
	EXPECT_TRUE(aemp_mon(NULL, record_reason, NULL) == NULL);
	EXPECT_TRUE(aemp_mon_port(NULL, "me#a") == NULL);
	EXPECT_TRUE(aemp_mon_port("me#a", NULL) == NULL);
	EXPECT_TRUE(aemp_mon_msg(NULL, "me#a", "s", "x") == NULL);
	EXPECT_TRUE(aemp_mon_msg("me#a", NULL, NULL) == NULL);
	EXPECT_TRUE(aemp_spawn(NULL, "::x", NULL) == NULL);
	EXPECT_TRUE(aemp_spawnv(NULL, "::x", msg) == NULL);
	EXPECT_TRUE(aemp_spawn("me", NULL, NULL) == NULL);
	EXPECT_TRUE(aemp_cal(NULL, NULL, NULL, 1, "s", "x") == NULL);
	EXPECT_TRUE(aemp_node_of(NULL) == NULL);
	EXPECT_INT(0, aemp_port_is_local(NULL));
	EXPECT_INT(-1, aemp_node_is_up(NULL));
	aemp_snd(NULL, "s", "x");
	aemp_sndv(NULL, msg);
	aemp_kil(NULL, NULL);
	aemp_kil(NULL, "s", "x");
	aemp_kilv(NULL, msg);
	spin();
	EXPECT_INT(0, nsent);

	aemp_unref(msg);
	reset();
}

int
main(void)
{
	log_init();

	RUN_TEST(port, name_sequence);
	RUN_TEST(snd, asynchronous);
	RUN_TEST(snd, order);
	RUN_TEST(snd, follow_on_same_turn);
	RUN_TEST(snd, turn_budget);
	RUN_TEST(rcv, tag_and_default);
	RUN_TEST(rcv, unhandled_message);
	RUN_TEST(kil, async_and_reasons);
	RUN_TEST(mon, link_ignores_normal_kill);
	RUN_TEST(mon, msg);
	RUN_TEST(mon, no_such_port);
	RUN_TEST(mon, guard_cancel);
	RUN_TEST(context, die);
	RUN_TEST(context, peval_psub);
	RUN_TEST(after, context_and_death);
	RUN_TEST(after, made_before_port);
	RUN_TEST(cal, reply_timeout_death);
	RUN_TEST(spawn, local_deferred);
	RUN_TEST(spawn, missing_function);
	RUN_TEST(spawn, init_dies_or_idles);
	RUN_TEST(spawn, init_dies_with_port);
	RUN_TEST(mon, callbacks_change_monitors);
	RUN_TEST(kernel, hooks_run_break);
	RUN_TEST(request, table_override);
	RUN_TEST(remote, outgoing);
	RUN_TEST(remote, unnetworked);
	RUN_TEST(remote, incoming_monitors);
	RUN_TEST(remote, requests);
	RUN_TEST(nodes, up_down);
	RUN_TEST(api, null_arguments);
	return END_TESTS();
}
