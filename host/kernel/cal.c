/*
 * aemp_cal: a request with a temporary reply port whose first message
 * is the answer.  The call gives up after a timeout, or, without one,
 * when the target port dies.
 */

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>

#include "kernel.h"

struct cal {
	char			*reply;
	aemp_reply_cb		 cb;
	void			*arg;
	struct aemp_guard	*mon;
	struct aemp_guard	*timer;
	int			 done;
};

/*
 * Answer the call once (msg NULL: no answer): no more waiting, and the
 * reply port goes, queued, so c outlives the callback.
 */
static void
cal_answer(struct cal *c, struct aemp_val *msg)
{
	if (c->done)
		return;
	c->done = 1;
	aemp_guard_free(c->mon);
	c->mon = NULL;
	aemp_guard_free(c->timer);
	c->timer = NULL;
	aemp_kilv(c->reply, NULL);

	c->cb(msg, c->arg);
}

static void
cal_reply(struct aemp_val *msg, void *arg)
{
	cal_answer(arg, msg);
}

static void
cal_timeout(void *arg)
{
	cal_answer(arg, NULL);
}

static void
cal_target_died(struct aemp_val *reason, void *arg)
{
	cal_answer(arg, NULL);
}

/* The reply port is freed: so is the call. */
static void
cal_free(void *arg)
{
	struct cal	*c = arg;

	aemp_guard_free(c->mon);
	aemp_guard_free(c->timer);
	free(c->reply);
	free(c);
}

/* Send port fmt's message plus a reply port; cb gets the first reply. */
char *
aemp_cal(const char *port, aemp_reply_cb cb, void *arg, double timeout,
    const char *fmt, ...)
{
	struct aemp_val	*msg, *tail, *full;
	struct cal	*c;
	struct port	*p;
	char		*name;
	va_list		 ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		msg = aemp_vpack(fmt, ap);
		va_end(ap);
	} else
		msg = aemp_array_new(0);
	if (msg == NULL || port == NULL) {
		log_error("cal: no port or bad pack format");
		aemp_unref(msg);
		return NULL;
	}

	c = xcalloc(1, sizeof *c);
	c->cb = cb;
	c->arg = arg;
	name = port_new_name(0);
	p = port_create(name, cal_reply, c, PORT_DEFAULT);
	p->dtor = cal_free;
	p->dtor_arg = c;
	c->reply = xstrdup(p->id);

	if (timeout > 0)
		c->timer = timer_after(timeout, cal_timeout, c, p->id, name);
	else
		c->mon = aemp_mon(port, cal_target_died, c);
	free(name);

	tail = aemp_pack("s", c->reply);
	full = snd_concat(msg, 0, tail);
	aemp_sndv(port, full);
	aemp_unref(full);
	aemp_unref(tail);
	aemp_unref(msg);
	return xstrdup(c->reply);
}
