/*
 * chat_client.c: the tutorial's chat client that finds the server port
 * through the database (family "chat") and joins with
 * ["join", clientport, nick]; every line read from stdin goes out as
 * ["privmsg", nick, line].
 *
 *	chat_client [-s seeds [-k secret] [-b binds]] [-i nodeid]
 *	    [-d drain] nick
 *
 * Without -s, seeds, secret and binds come from the config file
 * (profile "chat_client"), as for any node.  With -s the file is not read,
 * and the secret comes from -k or $AEMP_SECRET.  Output, one line each:
 * "CONNECTED <server port>", "MSG <line from the room>",
 * "DISCONNECTED <reason>".  A lost client port (server gone, connection
 * lost) makes it look for a server again.  At the end of stdin it waits
 * drain seconds (default 1) for the last replies, then exits.
 */

#include <event2/buffer.h>
#include <event2/event.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aemp.h"

static const char		*nick;
static double			 drain = 1.0;
static char			*server;	/* joined server port */
static char			*latest;	/* newest server port known */
static char			*client;	/* our port, NULL if none */
static struct aemp_guard	*client_mon, *server_link, *retry, *stopper;
static int			 waiting;	/* a reconnect is due */
static struct event		*input_ev;
static struct evbuffer		*input;
static int			 input_done;

static void	server_connect(const char *);

/* A kill reason the way the tutorial prints it: elements and spaces. */
static void
print_reason(const char *what, struct aemp_val *reason)
{
	const char	*s;
	char		*json;
	size_t		 i;

	printf("%s", what);
	for (i = 0; i < aemp_len(reason); i++) {
		json = NULL;
		if ((s = aemp_str_ptr(aemp_at(reason, i), NULL)) == NULL)
			s = json = aemp_to_json(aemp_at(reason, i));
		printf(" %s", s != NULL ? s : "?");
		free(json);
	}
	printf("\n");
}

/* A line from the room: one string. */
static void
on_line(struct aemp_val *msg, void *arg)
{
	const char	*s;
	char		*json;

	if ((s = aemp_str_ptr(aemp_at(msg, 0), NULL)) != NULL) {
		printf("MSG %s\n", s);
		return;
	}
	json = aemp_to_json(msg);
	printf("MSG %s\n", json != NULL ? json : "?");
	free(json);
}

/* Forget the client port and its monitors. */
static void
drop_client(void)
{
	aemp_guard_free(client_mon);
	aemp_guard_free(server_link);
	client_mon = server_link = NULL;
	free(client);
	free(server);
	client = server = NULL;
}

/* After a disconnection: join the newest server known, if any. */
static void
reconnect(void *arg)
{
	waiting = 0;
	drop_client();
	if (latest != NULL)
		server_connect(latest);
}

/* The client port died: the server went away or the link broke. */
static void
on_disconnect(struct aemp_val *reason, void *arg)
{
	print_reason("DISCONNECTED", reason);
	event_del(input_ev);
	aemp_guard_free(retry);
	retry = aemp_after(1.0, reconnect, NULL);
	waiting = 1;
}

/* Join the room of port: a client port that dies with the server's. */
static void
server_connect(const char *port)
{
	if ((client = aemp_port(on_line, NULL)) == NULL ||
	    (server = strdup(port)) == NULL) {
		fprintf(stderr, "chat_client: out of memory\n");
		exit(1);
	}
	client_mon = aemp_mon(client, on_disconnect, NULL);
	aemp_snd(server, "sss", "join", client, nick);
	server_link = aemp_mon_port(server, client);
	printf("CONNECTED %s\n", server);
	if (!input_done)
		event_add(input_ev, NULL);
}

/* The "chat" family changed: remember a server, join it if we have none. */
static void
on_servers(struct aemp_val *family, struct aemp_val *added,
    struct aemp_val *changed, struct aemp_val *deleted, void *arg)
{
	const char	*key;

	free(latest);
	latest = NULL;
	if (aemp_len(family) == 0)
		return;
	if ((key = aemp_map_key_at(family, 0, NULL)) == NULL ||
	    (latest = strdup(key)) == NULL)
		return;
	if (client == NULL && !waiting)
		server_connect(latest);
}

/* The drain after the end of input is over. */
static void
stop(void *arg)
{
	aemp_break();
}

/* Lines from stdin become privmsg messages; the end of it ends us. */
static void
on_input(evutil_socket_t fd, short events, void *arg)
{
	char	*line;
	size_t	 len;
	int	 n;

	n = evbuffer_read(input, fd, 4096);
	while ((line = evbuffer_readln(input, &len, EVBUFFER_EOL_LF)) != NULL) {
		if (server != NULL)
			aemp_snd(server, "sss", "privmsg", nick, line);
		free(line);
	}
	if (n <= 0 && !input_done) {
		event_del(input_ev);
		input_done = 1;
		stopper = aemp_after(drain, stop, NULL);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: chat_client [-s seeds [-k secret] "
	    "[-b binds]] [-i nodeid] [-d drain] nick\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct aemp_guard	*servers;
	const char		*seeds = NULL, *secret = getenv("AEMP_SECRET");
	const char		*nodeid = "chat_client/%u", *binds = "*";
	int			 ch, r;

	while ((ch = getopt(argc, argv, "b:d:i:k:s:")) != -1) {
		switch (ch) {
		case 'b':
			binds = optarg;
			break;
		case 'd':
			drain = atof(optarg);
			break;
		case 'i':
			nodeid = optarg;
			break;
		case 'k':
			secret = optarg;
			break;
		case 's':
			seeds = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || (seeds != NULL && secret == NULL))
		usage();
	nick = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (seeds == NULL)
		r = aemp_configure("profile", "chat_client", "nodeid", nodeid,
		    NULL);
	else
		r = aemp_configure("norc", "1", "profile", "chat_client",
		    "nodeid", nodeid, "binds", binds, "seeds", seeds,
		    "secret", secret, NULL);
	if (r != 0)
		return (1);
	input = evbuffer_new();
	input_ev = event_new(aemp_base(), STDIN_FILENO, EV_READ | EV_PERSIST,
	    on_input, NULL);
	servers = aemp_db_mon("chat", on_servers, NULL);

	aemp_run();

	aemp_guard_free(servers);
	aemp_guard_free(retry);
	aemp_guard_free(stopper);
	if (client != NULL)
		aemp_kil(client, NULL);
	drop_client();
	free(latest);
	event_free(input_ev);
	evbuffer_free(input);
	aemp_shutdown();
	return (0);
}
