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

#include <stdlib.h>
#include <string.h>

#include "aemp.h"
#include "chat-io.h"

static const char	*nick;
static char		*latest;	/* newest server port known */

/* Join the room of the newest server known, if any. */
static char *
join(const char *client)
{
	char	*server;

	if (latest == NULL)
		return (NULL);
	if ((server = strdup(latest)) != NULL)
		aemp_snd(server, "sss", "join", client, nick);
	return (server);
}

/* A line from stdin becomes a privmsg message. */
static void
send_line(const char *server, const char *line)
{
	aemp_snd(server, "sss", "privmsg", nick, line);
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
	if (chat_io_idle())
		chat_io_join();
}

int
main(int argc, char **argv)
{
	struct aemp_guard	*servers;
	char			**args;

	if ((args = chat_io_configure(argc, argv, "chat_client", "nick",
	    1)) == NULL)
		return (1);
	nick = args[0];
	chat_io_start(join, send_line);
	servers = aemp_db_mon("chat", on_servers, NULL);

	aemp_run();

	aemp_guard_free(servers);
	chat_io_finish();
	free(latest);
	aemp_shutdown();
	return (0);
}
