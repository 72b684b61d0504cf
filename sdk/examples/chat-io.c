/*
 * chat-io.c: the part of the tutorial's chat clients that does not depend
 * on how they find the server: options, the client port and its monitors,
 * reconnection a second after a loss, stdin lines and the output lines
 * "CONNECTED <port>", "MSG <line>" and "DISCONNECTED <reason>".
 */

#include <event2/buffer.h>
#include <event2/event.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aemp.h"
#include "chat-io.h"

static const char		*prog;
static double			 drain = 1.0;
static chat_io_join_cb		 join_cb;
static chat_io_send_cb		 send_cb;
static char			*server;	/* port stdin lines go to */
static char			*client;	/* our port, NULL if none */
static struct aemp_guard	*client_mon, *server_link, *retry, *stopper;
static int			 waiting;	/* a reconnect is due */
static struct event		*input_ev;
static struct evbuffer		*input;
static int			 input_done;

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

/* After a disconnection: connect again. */
static void
reconnect(void *arg)
{
	waiting = 0;
	drop_client();
	chat_io_join();
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

/* The drain after the end of input is over. */
static void
stop(void *arg)
{
	aemp_break();
}

/* Lines from stdin go to the server; the end of it ends us. */
static void
on_input(evutil_socket_t fd, short events, void *arg)
{
	char	*line;
	size_t	 len;
	int	 n;

	n = evbuffer_read(input, fd, 4096);
	while ((line = evbuffer_readln(input, &len, EVBUFFER_EOL_LF)) != NULL) {
		if (server != NULL)
			send_cb(server, line);
		free(line);
	}
	if (n <= 0 && !input_done) {
		event_del(input_ev);
		input_done = 1;
		stopper = aemp_after(drain, stop, NULL);
	}
}

static void
usage(const char *operands)
{
	fprintf(stderr, "usage: %s [-s seeds [-k secret] [-b binds]] "
	    "[-i nodeid] [-d drain] %s\n", prog, operands);
	exit(2);
}

/* Parse the options, configure the node and return the operands. */
char **
chat_io_configure(int argc, char **argv, const char *name,
    const char *operands, int nargs)
{
	const char	*seeds = NULL, *secret = getenv("AEMP_SECRET");
	const char	*binds = "*", *nodeid = NULL;
	char		 defid[64];
	int		 ch, r;

	prog = name;
	snprintf(defid, sizeof(defid), "%s/%%u", name);
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
			usage(operands);
		}
	}
	if (argc - optind != nargs || (seeds != NULL && secret == NULL))
		usage(operands);
	if (nodeid == NULL)
		nodeid = defid;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (seeds == NULL)
		r = aemp_configure("profile", name, "nodeid", nodeid, NULL);
	else
		r = aemp_configure("norc", "1", "profile", name,
		    "nodeid", nodeid, "binds", binds, "seeds", seeds,
		    "secret", secret, NULL);
	return (r == 0 ? argv + optind : NULL);
}

/* Watch stdin and remember how to join and how to send. */
void
chat_io_start(chat_io_join_cb join, chat_io_send_cb send)
{
	join_cb = join;
	send_cb = send;
	input = evbuffer_new();
	input_ev = event_new(aemp_base(), STDIN_FILENO, EV_READ | EV_PERSIST,
	    on_input, NULL);
}

/* Make a client port that dies with the server's, and read stdin. */
void
chat_io_join(void)
{
	if ((client = aemp_port(on_line, NULL)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(1);
	}
	if ((server = join_cb(client)) == NULL) {
		aemp_kil(client, NULL);
		free(client);
		client = NULL;
		return;
	}
	client_mon = aemp_mon(client, on_disconnect, NULL);
	server_link = aemp_mon_port(server, client);
	printf("CONNECTED %s\n", server);
	if (!input_done)
		event_add(input_ev, NULL);
}

/* Return 1 if no client port exists and no reconnection is due. */
int
chat_io_idle(void)
{
	return (client == NULL && !waiting);
}

/* Kill the client port and free what chat_io holds. */
void
chat_io_finish(void)
{
	aemp_guard_free(retry);
	aemp_guard_free(stopper);
	if (client != NULL)
		aemp_kil(client, NULL);
	drop_client();
	event_free(input_ev);
	evbuffer_free(input);
}
