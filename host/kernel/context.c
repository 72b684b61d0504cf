/*
 * Port context: which port a callback runs for (aemp_self), and the way
 * out of it (aemp_die unwinds with siglongjmp to the frame that invoked
 * the callback, which then kills the port).  Frames nest: a peval inside
 * a handler has its own.  Callbacks that belong to no port (monitor and
 * node callbacks) run in a frame without a port, so that a die there
 * leaves only that callback.
 */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

struct context {
	struct context	*prev;
	const char	*id;		/* NULL: no port */
	const char	*name;
	int		 had_port;	/* it existed or was created */
	sigjmp_buf	 env;
};

struct aemp_psub {
	char		*id;
	aemp_fn_cb	 cb;
	void		*arg;
};

static struct context	*context_top;

/* The text of the aemp_die being unwound; global, not on the stack. */
static char		*context_death;

/* The kill reason of the latest death, for context_take_death. */
static struct aemp_val	*context_reason;

static void
context_died(const char *id, const char *name, int had_port)
{
	struct aemp_val	*reason;
	char		*text = context_death;

	context_death = NULL;
	if (id == NULL) {
		log_error("callback died: %s", text);
		free(text);
		return;
	}

	reason = aemp_array_new(2);
	aemp_array_push(reason, aemp_str("die"));
	aemp_array_push(reason, aemp_str(text));
	if (port_exists(name))
		port_kill(name, reason);
	else if (had_port) {
		/* Keep the reason it was killed with for context_take_death. */
		log_error("%s died after its port was gone: %s", id, text);
		aemp_unref(reason);
		free(text);
		return;
	} else
		log_error("%s died before it had a port: %s", id, text);
	free(text);

	aemp_unref(context_reason);
	context_reason = reason;
}

static int
context_enter(const char *id, const char *name, int had_port,
    context_call_cb cb, void *arg)
{
	struct context	c;

	c.prev = context_top;
	c.id = id;
	c.name = name;
	c.had_port = had_port;
	context_top = &c;

	if (sigsetjmp(c.env, 0) == 0) {
		cb(arg);
		context_top = c.prev;
		return 0;
	}

	context_top = c.prev;
	context_died(id, name, c.had_port);
	return 1;
}

/*
 * Run cb(arg) for the local port name with ID id (both NULL: for no
 * port).  Returns 0, or 1 when cb died; then the port has been killed
 * with ("die", text).
 */
int
context_run(const char *id, const char *name, context_call_cb cb, void *arg)
{
	return context_enter(id, name, name != NULL && port_exists(name), cb,
	    arg);
}

/* context_run for the live port p, which the caller just looked up. */
int
context_run_port(struct port *p, context_call_cb cb, void *arg)
{
	return context_enter(p->id, p->name, 1, cb, arg);
}

/* The local port name was just created: frames running for it have one. */
void
context_port_created(const char *name)
{
	struct context	*c;

	for (c = context_top; c != NULL; c = c->prev)
		if (c->name != NULL && strcmp(c->name, name) == 0)
			c->had_port = 1;
}

/* The port whose callback runs, or NULL. */
const char *
aemp_self(void)
{
	return context_top == NULL ? NULL : context_top->id;
}

/* The local name of the port whose callback runs, or NULL. */
const char *
context_name(void)
{
	return context_top == NULL ? NULL : context_top->name;
}

/* Kill the current port with ("die", text) and unwind its callback. */
void
aemp_die(const char *fmt, ...)
{
	va_list	 ap;
	char	*text;
	size_t	 len;

	va_start(ap, fmt);
	if (xvasprintf(&text, fmt, ap) < 0)
		text = xstrdup(fmt);
	va_end(ap);

	len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';

	if (context_top == NULL) {
		log_fatal("died outside any port: %s", text);
		exit(1);
	}

	free(context_death);
	context_death = text;
	siglongjmp(context_top->env, 1);
}

/* Run cb(arg) in the context of the live local port. */
int
aemp_peval(const char *port, aemp_fn_cb cb, void *arg)
{
	struct port	*p;
	const char	*name;
	int		 len;

	if (kernel_null_arg("peval", "port", port))
		return AEMP_ERR_INVAL;
	len = nodes_split(port, &name);
	if (!nodes_is_self(port, (size_t)len))
		return AEMP_ERR_NOENT;
	if ((p = port_find(name)) == NULL || (p->flags & PORT_NODE))
		return AEMP_ERR_NOENT;

	port_hold(p);
	context_run_port(p, cb, arg);
	port_release(p);
	return 0;
}

/* A closure of cb(arg) that runs in the current port's context. */
struct aemp_psub *
aemp_psub(aemp_fn_cb cb, void *arg)
{
	struct aemp_psub	*ps;

	if (aemp_self() == NULL)
		return NULL;

	ps = xcalloc(1, sizeof *ps);
	ps->id = xstrdup(aemp_self());
	ps->cb = cb;
	ps->arg = arg;
	return ps;
}

/* Run the closure as aemp_peval on its port would. */
void
aemp_psub_call(struct aemp_psub *ps)
{
	if (ps == NULL)
		return;
	if (aemp_peval(ps->id, ps->cb, ps->arg) != 0)
		log_debug("psub of dead port %s not run", ps->id);
}

/* Free a closure; NULL is fine. */
void
aemp_psub_free(struct aemp_psub *ps)
{
	if (ps == NULL)
		return;
	free(ps->id);
	free(ps);
}

/*
 * The ("die", text) reason of the latest callback that died (a reference
 * for the caller), or NULL.
 */
struct aemp_val *
context_take_death(void)
{
	struct aemp_val	*r = context_reason;

	context_reason = NULL;
	return r;
}

/* Forget any die text left over (shutdown). */
void
context_free_all(void)
{
	free(context_death);
	context_death = NULL;
	aemp_unref(context_reason);
	context_reason = NULL;
	context_top = NULL;
}
