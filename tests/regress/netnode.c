/*
 * netnode.c: a node for the net regress tests, set up by calling the
 * layers directly (no config file, no database):
 *
 *	netnode NODEID SECRET BIND [ARG...]
 *
 * ARG is one of
 *	peer=NODE=ADDR[,ADDR...]  answer lookups for NODE with these
 *	cal=NODE=TEXT	send ["", "::echo", <reply port>, TEXT] to NODE and
 *			monitor NODE's node port
 *	req=NODE=NAME	send ["", NAME, <reply port>] to NODE ("time")
 *	set=KEY=JSON	a setting (heartbeat, max_frame, ...)
 *	wait=SECONDS	send the cal and req messages that late
 *	at=EPOCH	send them at that time (seconds since 1970)
 *	onup=1		send them when the first other node comes up
 *	nodes=1		print "node up NODE" and "node down NODE" for every
 *			node event (aemp_mon_nodes)
 *
 * "::echo" answers [<reply port>, TEXT] with ["echo", TEXT].  Replies and
 * monitor reasons are printed on stdout as "reply JSON" and "mon JSON".
 * SIGTERM ends the node and frees everything.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "net.h"

static struct aemp_val	*netnode_peers;
static double		 netnode_wait;
static int		 netnode_onup;
static int		 netnode_show_nodes;
static struct aemp_guard *netnode_nodes;
static char		**netnode_argv;
static struct aemp_guard *netnode_guards[16];
static int		 netnode_nguards;

static void
netnode_print(const char *what, struct aemp_val *v)
{
	char	*json = aemp_to_json(v);

	printf("%s %s\n", what, json != NULL ? json : "?");
	fflush(stdout);
	free(json);
}

static void
netnode_echo(struct aemp_val *args)
{
	const char	*reply = aemp_str_ptr(aemp_at(args, 0), NULL);

	if (reply != NULL)
		aemp_snd(reply, "sv", "echo", aemp_at(args, 1));
}

static void
netnode_reply_cb(struct aemp_val *msg, void *arg)
{
	netnode_print("reply", msg);
}

static void
netnode_mon_cb(struct aemp_val *reason, void *arg)
{
	netnode_print("mon", reason);
}

static void
netnode_lookup(const char *node)
{
	struct aemp_val	*addr = aemp_map_get(netnode_peers, node);
	struct aemp_val	*list = NULL;
	char		*copy, *p, *a;

	if (addr != NULL) {
		list = aemp_array_new(2);
		p = copy = xstrdup(aemp_str_ptr(addr, NULL));
		while ((a = strsep(&p, ",")) != NULL)
			aemp_array_push(list, aemp_str(a));
		free(copy);
	}
	net_found(node, list);
	aemp_unref(list);
}

static void
netnode_signal_cb(int sig, short events, void *arg)
{
	aemp_break();
}

static void
netnode_cal(const char *spec, int echo)
{
	char	*node = xstrdup(spec), *text, *port;

	if ((text = strchr(node, '=')) == NULL)
		fatalx("cal=NODE=TEXT or req=NODE=NAME expected");
	*text++ = '\0';
	port = aemp_port(netnode_reply_cb, NULL);
	if (netnode_nguards < 16)
		netnode_guards[netnode_nguards++] = aemp_mon(node,
		    netnode_mon_cb, NULL);
	if (echo)
		aemp_snd(node, "sss", "::echo", port, text);
	else
		aemp_snd(node, "ss", text, port);
	free(port);
	free(node);
}

static void
netnode_arg(struct aemp_val *settings, const char *arg)
{
	char		*key, *val;
	struct aemp_val	*v;

	if (strncmp(arg, "cal=", 4) == 0 || strncmp(arg, "req=", 4) == 0)
		return;
	if (strncmp(arg, "wait=", 5) == 0) {
		netnode_wait = atof(arg + 5);
		return;
	}
	if (strncmp(arg, "onup=", 5) == 0) {
		netnode_onup = 1;
		return;
	}
	if (strncmp(arg, "nodes=", 6) == 0) {
		netnode_show_nodes = 1;
		return;
	}
	if (strncmp(arg, "at=", 3) == 0) {
		netnode_wait = atof(arg + 3) - util_now();
		if (netnode_wait < 0)
			netnode_wait = 0;
		return;
	}
	key = xstrdup(strchr(arg, '=') + 1);
	if ((val = strchr(key, '=')) == NULL)
		fatalx("%s: KIND=KEY=VALUE expected", arg);
	*val++ = '\0';
	if (strncmp(arg, "peer=", 5) == 0)
		aemp_map_put(netnode_peers, key, aemp_str(val));
	else if (strncmp(arg, "set=", 4) == 0) {
		if (aemp_from_json(val, strlen(val), &v, NULL) != 0)
			v = aemp_str(val);
		aemp_map_put(settings, key, v);
	} else
		fatalx("%s: unknown argument", arg);
	free(key);
}

static void
netnode_start_cb(int fd, short events, void *arg)
{
	char	**argv;

	for (argv = netnode_argv; *argv != NULL; argv++) {
		if (strncmp(*argv, "cal=", 4) == 0)
			netnode_cal(*argv + 4, 1);
		else if (strncmp(*argv, "req=", 4) == 0)
			netnode_cal(*argv + 4, 0);
	}
}

static void
netnode_up_cb(const char *node, int up, struct aemp_val *reason, void *arg)
{
	if (netnode_show_nodes) {
		printf("node %s %s\n", up ? "up" : "down", node);
		fflush(stdout);
	}
	if (!up || !netnode_onup)
		return;
	netnode_onup = 0;
	netnode_start_cb(-1, 0, NULL);
}

int
main(int argc, char **argv)
{
	struct aemp_val	*settings, *binds, *addrs = NULL;
	struct event	*sigterm, *sigint, *start;
	struct timeval	 tv;
	int		 i;

	if (argc < 4) {
		fprintf(stderr, "usage: netnode NODEID SECRET BIND [ARG...]\n");
		return 2;
	}
	log_init();
	netnode_peers = aemp_map_new(4);
	settings = aemp_map_new(8);
	aemp_map_put(settings, "secret", aemp_str(argv[2]));
	for (i = 4; i < argc; i++)
		netnode_arg(settings, argv[i]);
	settings_set(settings);

	kernel_init(kernel_base());
	kernel_set_node(argv[1], NULL);
	if (net_init(kernel_base()) != 0)
		fatalx("net_init failed");
	binds = aemp_pack("s", argv[3]);
	if (net_listen(binds, &addrs) != 0)
		fatalx("net_listen failed");
	netnode_print("addrs", addrs);
	aemp_unref(binds);
	aemp_unref(addrs);
	net_set_lookup(netnode_lookup);
	aemp_register("echo", netnode_echo);

	sigterm = evsignal_new(kernel_base(), SIGTERM, netnode_signal_cb, NULL);
	sigint = evsignal_new(kernel_base(), SIGINT, netnode_signal_cb, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	netnode_argv = argv + 4;
	tv.tv_sec = (time_t)netnode_wait;
	tv.tv_usec = (suseconds_t)((netnode_wait - (double)tv.tv_sec) * 1e6);
	start = evtimer_new(kernel_base(), netnode_start_cb, NULL);
	if (netnode_onup || netnode_show_nodes)
		netnode_nodes = aemp_mon_nodes(netnode_up_cb, NULL);
	if (!netnode_onup)
		evtimer_add(start, &tv);

	aemp_run();

	for (i = 0; i < netnode_nguards; i++)
		aemp_guard_free(netnode_guards[i]);
	aemp_guard_free(netnode_nodes);
	event_free(start);
	event_free(sigterm);
	event_free(sigint);
	net_shutdown();
	kernel_shutdown();
	settings_free();
	aemp_unref(netnode_peers);
	codec_free_all();
	return 0;
}
