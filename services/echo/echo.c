/*
 * echo.c: a service that answers ["echo", args..., replyport] by sending
 * args back to replyport.  Loading it starts one such port, registered in
 * the database family "echo"; "echo::server" makes more.
 *
 * Both functions may also be called by name (["", "echo::server", ...]
 * to the node port), as PROTOCOL.md allows for any Pkg::func.  Such a
 * call runs without a port context (aemp_self() is NULL, as $SELF is
 * unset in the Perl reference): echo::reply needs none, echo::server
 * has no port to set up then, so it logs that it must be spawned and
 * returns.
 */

#include <stdlib.h>

#include "aemp-module.h"

static char			*echo_port;
static struct aemp_guard	*echo_guard;

/* Send every element of msg but the last to the port named by the last. */
static void
echo_answer(struct aemp_val *msg, void *arg)
{
	struct aemp_val	*args;
	const char	*reply;
	size_t		 n = aemp_len(msg), i;

	if (n == 0 ||
	    (reply = aemp_str_ptr(aemp_at(msg, n - 1), NULL)) == NULL) {
		aemp_log(AEMP_LOG_DEBUG, "echo without a reply port ignored");
		return;
	}
	if ((args = aemp_array_new(n - 1)) == NULL)
		return;
	for (i = 0; i + 1 < n; i++)
		aemp_array_push(args, aemp_ref(aemp_at(msg, i)));
	aemp_sndv(reply, args);
	aemp_unref(args);
}

/* Messages without the "echo" tag are ignored, not fatal to the port. */
static void
echo_other(struct aemp_val *msg, void *arg)
{
	aemp_log(AEMP_LOG_DEBUG, "echo: message without the echo tag ignored");
}

/* Init function: the spawned port answers "echo" messages. */
static void
echo_server(struct aemp_val *args)
{
	const char	*self = aemp_self();

	if (self == NULL) {
		aemp_log(AEMP_LOG_ERROR, "echo::server called without a "
		    "port (by name?): spawn it instead");
		return;
	}
	if (aemp_rcv(self, NULL, echo_other, NULL) != 0 ||
	    aemp_rcv(self, "echo", echo_answer, NULL) != 0)
		aemp_die("echo: cannot set the handlers");
}

/* Called by name (["", "echo::reply", args..., replyport]): answer once. */
static void
echo_reply(struct aemp_val *args)
{
	echo_answer(args, NULL);
}

/* The load hook: one echo port, registered in family "echo". */
static int
echo_load(void)
{
	if ((echo_port = aemp_port(echo_other, NULL)) == NULL)
		return (AEMP_ERR_NOMEM);
	if (aemp_rcv(echo_port, "echo", echo_answer, NULL) != 0)
		return (AEMP_ERR_STATE);
	echo_guard = aemp_db_reg("echo", echo_port, NULL);
	aemp_log(AEMP_LOG_NOTE, "echo port %s ready", echo_port);
	return (0);
}

/* The unload hook: drop the registration. */
static void
echo_unload(void)
{
	aemp_guard_free(echo_guard);
	echo_guard = NULL;
	free(echo_port);
	echo_port = NULL;
}

static const struct aemp_function echo_functions[] = {
	{ "server", echo_server, AEMP_FN_REMOTE },
	{ "reply", echo_reply, AEMP_FN_REMOTE },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("echo", echo_load, echo_unload, echo_functions);
