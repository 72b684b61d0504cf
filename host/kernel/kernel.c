/*
 * The kernel's global state: the event base, this node's ID and name
 * prefixes, the hooks of the upper layers, running and stopping.
 */

#include "config.h"

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "kernel.h"

static const char kernel_alnum[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static struct event_base	*kernel_ev_base;
static int			 kernel_own_base;
static struct event		*kernel_keepalive;
static struct kernel_hooks	 kernel_hooks;
static char			*kernel_node_id;
static char			*kernel_uniq_str;
static char			 kernel_runiq_str[11];
static int			 kernel_break_flag;
static int			 kernel_stopping_flag;

/* Use base as the node's event base (NULL: create one when needed). */
void
kernel_init(struct event_base *base)
{
	if (base != NULL && kernel_ev_base == NULL) {
		kernel_ev_base = base;
		kernel_own_base = 0;
	}
	kernel_stopping_flag = 0;
}

/* The node's event base, created on first use. */
struct event_base *
kernel_base(void)
{
	if (kernel_ev_base == NULL) {
		/* A program that never configures still honours AEMP_*. */
		if (kernel_node_id == NULL)
			log_init();
		if ((kernel_ev_base = event_base_new()) == NULL)
			fatalx("cannot create the event base");
		kernel_own_base = 1;
	}
	return kernel_ev_base;
}

/* The node's libevent base, to add the program's own events. */
struct event_base *
aemp_base(void)
{
	return kernel_base();
}

/* Merge the non-NULL hooks of h into the hooks in force. */
void
kernel_set_hooks(const struct kernel_hooks *h)
{
	if (h->send != NULL)
		kernel_hooks.send = h->send;
	if (h->connect != NULL)
		kernel_hooks.connect = h->connect;
	if (h->node_state != NULL)
		kernel_hooks.node_state = h->node_state;
	if (h->resolve != NULL)
		kernel_hooks.resolve = h->resolve;
}

/* The hooks in force (fields may be NULL). */
const struct kernel_hooks *
kernel_get_hooks(void)
{
	return &kernel_hooks;
}

static char *
kernel_make_uniq(void)
{
	char	 s[10];
	long	 pid = (long)getpid();
	double	 now = util_now();

	s[0] = kernel_alnum[pid / 62 % 62];
	s[1] = kernel_alnum[pid % 62];
	s[2] = kernel_alnum[(int64_t)now % 62];
	s[3] = kernel_alnum[(int64_t)(now * 100) % 62];
	s[4] = kernel_alnum[(int64_t)(now * 10000) % 62];
	random_alnum(s + 5, 4);
	s[9] = '\0';
	return xstrdup(s);
}

/* The prefix of local port names ("" when the node ID is unique). */
const char *
kernel_uniq(void)
{
	if (kernel_uniq_str == NULL)
		kernel_uniq_str = kernel_make_uniq();
	return kernel_uniq_str;
}

/* The prefix of spawned port names: 10 characters, the last upper case. */
const char *
kernel_runiq(void)
{
	if (kernel_runiq_str[0] == '\0')
		random_runiq(kernel_runiq_str);
	return kernel_runiq_str;
}

/*
 * Set this node's ID; uniq is the prefix of local port names, NULL to
 * make one from the pid, the time and four random characters.
 */
void
kernel_set_node(const char *node, const char *uniq)
{
	free(kernel_node_id);
	kernel_node_id = xstrdup(node);
	free(kernel_uniq_str);
	kernel_uniq_str = uniq != NULL ? xstrdup(uniq) : kernel_make_uniq();
	log_set_node(node);
}

/* This node's ID, "" before it is configured. */
const char *
kernel_node(void)
{
	return kernel_node_id == NULL ? "" : kernel_node_id;
}

/* This node's ID, "" before aemp_configure. */
const char *
aemp_node(void)
{
	return kernel_node();
}

/* The node the running message came from (this node for local sends). */
const char *
kernel_srcnode(void)
{
	return queue_srcnode();
}

/*
 * 1, after logging an error, when the argument what of the API function
 * fn is NULL: such calls are refused, never followed.
 */
int
kernel_null_arg(const char *fn, const char *what, const void *arg)
{
	if (arg != NULL)
		return 0;
	log_error("%s: no %s given (NULL)", fn, what);
	return 1;
}

/* 1 while kernel_shutdown runs: nothing goes out any more. */
int
kernel_stopping(void)
{
	return kernel_stopping_flag;
}

static void
kernel_keepalive_cb(evutil_socket_t fd, short what, void *arg)
{
}

/* Run the event loop until aemp_break is called. */
int
aemp_run(void)
{
	struct event_base	*base = kernel_base();
	struct timeval		 tv = { 3600, 0 };
	int			 r = 0;

	if (kernel_keepalive == NULL)
		kernel_keepalive = event_new(base, -1, EV_PERSIST,
		    kernel_keepalive_cb, NULL);
	if (kernel_keepalive == NULL || event_add(kernel_keepalive, &tv) != 0)
		return AEMP_ERR_STATE;

	while (!kernel_break_flag) {
		if (event_base_loop(base, 0) == -1) {
			log_error("event loop failed");
			r = AEMP_ERR_STATE;
			break;
		}
	}

	kernel_break_flag = 0;
	event_del(kernel_keepalive);
	return r;
}

/* Make aemp_run return after the current callback. */
void
aemp_break(void)
{
	kernel_break_flag = 1;
	if (kernel_ev_base != NULL)
		event_base_loopbreak(kernel_ev_base);
}

/* Release everything the kernel holds. */
void
kernel_shutdown(void)
{
	kernel_stopping_flag = 1;

	queue_free();
	timer_free_all();
	port_free_all();
	nodes_free_all();
	spawn_free_all();
	kernel_request_free_all();
	context_free_all();
	guard_free_all();

	if (kernel_keepalive != NULL)
		event_free(kernel_keepalive);
	kernel_keepalive = NULL;
	if (kernel_own_base && kernel_ev_base != NULL)
		event_base_free(kernel_ev_base);
	kernel_ev_base = NULL;
	kernel_own_base = 0;

	free(kernel_node_id);
	kernel_node_id = NULL;
	log_set_node(NULL);
	free(kernel_uniq_str);
	kernel_uniq_str = NULL;
	memset(&kernel_hooks, 0, sizeof kernel_hooks);
	kernel_break_flag = 0;
	kernel_stopping_flag = 0;
}
