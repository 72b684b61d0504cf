/*
 * loadspawn: spawn a function on a node and report what came of it, for
 * the module loader's tests.
 *
 *	loadspawn [-e] [-t seconds] key value ... -- node function [json]
 *
 * The key value pairs go to aemp_configure.  The spawn's arguments are a
 * reply port followed by the elements of the JSON array json.  With -e
 * the spawned port is then sent ["echo", "ping", 42, replyport].
 * Output lines: "SPAWNED <port>", "REPLY <json>" for a message to the
 * reply port, "KILLED <json reason>" when the spawned port dies.  Exits
 * 0 after the first REPLY or KILLED, 1 when nothing came within the
 * timeout (default 10 s).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aemp.h"

static int	 outcome = 1;

static void
print_json(const char *what, struct aemp_val *v)
{
	char	*json = aemp_to_json(v);

	printf("%s %s\n", what, json != NULL ? json : "?");
	free(json);
	fflush(stdout);
}

static void
on_reply(struct aemp_val *msg, void *arg)
{
	print_json("REPLY", msg);
	outcome = 0;
	aemp_break();
}

static void
on_kill(struct aemp_val *reason, void *arg)
{
	print_json("KILLED", reason);
	outcome = 0;
	aemp_break();
}

static void
on_timeout(void *arg)
{
	printf("TIMEOUT\n");
	aemp_break();
}

/* aemp_configure with the pairs in argv[0..n-1]; "[...]" is JSON. */
static int
configure(char **argv, int n)
{
	struct aemp_val	*args = aemp_map_new(8), *v;
	int		 i, r;

	for (i = 0; i + 1 < n; i += 2) {
		if (argv[i + 1][0] != '[' || aemp_from_json(argv[i + 1],
		    strlen(argv[i + 1]), &v, NULL) != 0)
			v = aemp_str(argv[i + 1]);
		aemp_map_put(args, argv[i], v);
	}
	r = aemp_configure_map(args);
	aemp_unref(args);
	return (r);
}

int
main(int argc, char **argv)
{
	struct aemp_val		*args, *extra = NULL;
	struct aemp_guard	*mon, *timer;
	char			*reply, *port;
	double			 timeout = 10;
	int			 i = 1, echo = 0, sep;
	size_t			 k;

	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		if (strcmp(argv[i], "-e") == 0)
			echo = 1;
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			timeout = atof(argv[++i]);
	}
	for (sep = i; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	if (argc - sep < 3 || (argc - sep == 4 && aemp_from_json(argv[sep + 3],
	    strlen(argv[sep + 3]), &extra, NULL) != 0)) {
		fprintf(stderr, "usage: loadspawn [-e] [-t seconds] key value "
		    "... -- node function [json]\n");
		return (2);
	}
	if (configure(argv + i, sep - i) != 0)
		return (1);

	reply = aemp_port(on_reply, NULL);
	args = aemp_array_new(4);
	aemp_array_push(args, aemp_str(reply));
	for (k = 0; k < aemp_len(extra); k++)
		aemp_array_push(args, aemp_ref(aemp_at(extra, k)));
	if ((port = aemp_spawnv(argv[sep + 1], argv[sep + 2], args)) == NULL)
		return (1);
	printf("SPAWNED %s\n", port);
	fflush(stdout);
	mon = aemp_mon(port, on_kill, NULL);
	if (echo)
		aemp_snd(port, "ssis", "echo", "ping", 42, reply);
	timer = aemp_after(timeout, on_timeout, NULL);

	aemp_run();

	aemp_guard_free(timer);
	aemp_guard_free(mon);
	aemp_kil(reply, NULL);
	aemp_unref(args);
	aemp_unref(extra);
	free(reply);
	free(port);
	aemp_shutdown();
	return (outcome);
}
