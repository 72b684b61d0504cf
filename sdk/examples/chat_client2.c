/*
 * chat_client2.c: the tutorial's second chat client, the "bridge head"
 * way: it spawns chat::client_connect on the server node, named on the
 * command line, with (clientport, nick); every line read from stdin goes
 * to that port as [line].
 *
 *	chat_client2 [-s seeds [-k secret] [-b binds]] [-i nodeid]
 *	    [-d drain] servernode nick
 *
 * Without -s, seeds, secret and binds come from the config file
 * (profile "chat_client2"), as for any node.  With -s the file is not
 * read, and the secret comes from -k or $AEMP_SECRET.  Output, one line
 * each:
 * "CONNECTED <spawned port>", "MSG <line from the room>",
 * "DISCONNECTED <reason>" (a failed spawn shows its spawn_failed reason
 * here).  A lost client port makes it spawn again a second later.  At
 * the end of stdin it waits drain seconds (default 1) for the last
 * replies, then exits.
 */

#include <stdio.h>
#include <stdlib.h>

#include "aemp.h"
#include "chat-io.h"

static const char	*server_node;
static const char	*nick;

/* Spawn our port on the server node. */
static char *
join(const char *client)
{
	char	*server;

	server = aemp_spawn(server_node, "chat::client_connect", "ss", client,
	    nick);
	if (server == NULL) {
		fprintf(stderr, "chat_client2: out of memory\n");
		exit(1);
	}
	return (server);
}

/* A line from stdin goes to our port on the server. */
static void
send_line(const char *server, const char *line)
{
	aemp_snd(server, "s", line);
}

int
main(int argc, char **argv)
{
	char	**args;

	if ((args = chat_io_configure(argc, argv, "chat_client2",
	    "servernode nick", 2)) == NULL)
		return (1);
	server_node = args[0];
	nick = args[1];
	chat_io_start(join, send_line);
	chat_io_join();

	aemp_run();

	chat_io_finish();
	aemp_shutdown();
	return (0);
}
