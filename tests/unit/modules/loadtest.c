/*
 * loadtest.c: a test service.  Its load hook counts its runs in
 * $AEMP_LOADTEST_LOADS; "greet" (remote) answers ["hello", args...] to
 * the port given first; "local_fn" may only be called locally.
 */

#include <stdio.h>
#include <stdlib.h>

#include "aemp-module.h"

static int	loadtest_loads;

static void
loadtest_greet(struct aemp_val *args)
{
	struct aemp_val	*reply;
	const char	*port = aemp_str_ptr(aemp_at(args, 0), NULL);
	size_t		 i;

	if (port == NULL)
		aemp_die("greet needs a reply port");
	reply = aemp_array_new(aemp_len(args));
	aemp_array_push(reply, aemp_str("hello"));
	for (i = 1; i < aemp_len(args); i++)
		aemp_array_push(reply, aemp_ref(aemp_at(args, i)));
	aemp_sndv(port, reply);
	aemp_unref(reply);
}

static void
loadtest_local(struct aemp_val *args)
{
}

static int
loadtest_load(void)
{
	char	buf[16];

	snprintf(buf, sizeof buf, "%d", ++loadtest_loads);
	setenv("AEMP_LOADTEST_LOADS", buf, 1);
	aemp_log(AEMP_LOG_NOTE, "load hook ran");
	return (0);
}

static const struct aemp_function loadtest_functions[] = {
	{ "greet", loadtest_greet, AEMP_FN_REMOTE },
	{ "local_fn", loadtest_local, 0 },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("loadtest", loadtest_load, NULL, loadtest_functions);
