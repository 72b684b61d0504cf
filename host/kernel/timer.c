/*
 * aemp_after: one-shot timers that run in the port context they were
 * made in and die with that port.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "kernel.h"

struct timer {
	TAILQ_ENTRY(timer)	 entry;		/* in port->timers */
	TAILQ_ENTRY(timer)	 all_entry;
	struct event		*ev;
	aemp_fn_cb		 cb;
	void			*arg;
	struct port		*port;
	char			*id;
	char			*name;
	struct aemp_guard	*guard;
};

static TAILQ_HEAD(, timer) timer_all = TAILQ_HEAD_INITIALIZER(timer_all);

static void
timer_free(struct timer *t)
{
	if (t->port != NULL)
		TAILQ_REMOVE(&t->port->timers, t, entry);
	TAILQ_REMOVE(&timer_all, t, all_entry);
	guard_fired(t->guard);
	event_free(t->ev);
	free(t->id);
	free(t->name);
	free(t);
}

static void
timer_fire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timer	*t = arg;
	struct port	*p = t->port;
	aemp_fn_cb	 cb = t->cb;
	void		*cbarg = t->arg;
	char		*id = t->id, *name = t->name;

	t->id = t->name = NULL;
	if (p != NULL)
		port_hold(p);
	timer_free(t);

	if (p != NULL) {
		context_run(p->id, p->name, cb, cbarg);
		port_release(p);
	} else
		context_run(id, name, cb, cbarg);
	free(id);
	free(name);
}

static void
timer_cancel(void *arg)
{
	struct timer	*t = arg;

	t->guard = NULL;
	timer_free(t);
}

/* Call cb(arg) after seconds in the current port context. */
struct aemp_guard *
aemp_after(double seconds, aemp_fn_cb cb, void *arg)
{
	return timer_after(seconds, cb, arg, aemp_self(), context_name());
}

/*
 * Call cb(arg) after seconds in the context of port id (local name
 * name; both NULL: none); cancelled when that port dies.
 */
struct aemp_guard *
timer_after(double seconds, aemp_fn_cb cb, void *arg, const char *id,
    const char *name)
{
	struct timer	*t;
	struct timeval	 tv;

	t = xcalloc(1, sizeof *t);
	t->cb = cb;
	t->arg = arg;
	if ((t->ev = evtimer_new(kernel_base(), timer_fire_cb, t)) == NULL)
		fatalx("cannot create a timer");

	if (name != NULL && (t->port = port_find(name)) != NULL)
		TAILQ_INSERT_TAIL(&t->port->timers, t, entry);
	else if (name != NULL) {
		t->id = xstrdup(id);
		t->name = xstrdup(name);
	}
	TAILQ_INSERT_TAIL(&timer_all, t, all_entry);

	if (!(seconds > 0))
		seconds = 0;
	if (seconds > 1e9)
		seconds = 1e9;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	evtimer_add(t->ev, &tv);

	t->guard = guard_new(timer_cancel, t);
	return t->guard;
}

/*
 * The port p was just created: the timers made for its name before it
 * existed (in a spawn's init function) are its own now.
 */
void
timer_adopt(struct port *p)
{
	struct timer	*t;

	TAILQ_FOREACH(t, &timer_all, all_entry) {
		if (t->port != NULL || t->name == NULL ||
		    strcmp(t->name, p->name) != 0)
			continue;
		t->port = p;
		TAILQ_INSERT_TAIL(&p->timers, t, entry);
		free(t->id);
		free(t->name);
		t->id = t->name = NULL;
	}
}

/* Stop every timer of the dying port p. */
void
timer_cancel_port(struct port *p)
{
	struct timer	*t;

	while ((t = TAILQ_FIRST(&p->timers)) != NULL)
		timer_free(t);
}

/* Stop every timer (shutdown). */
void
timer_free_all(void)
{
	struct timer	*t;

	while ((t = TAILQ_FIRST(&timer_all)) != NULL)
		timer_free(t);
}
