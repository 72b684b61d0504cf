/*
 * chat.c: the tutorial's chat server, with both of its ways in and one
 * room for all clients.
 *
 * 1. Loading the module makes a server port, registered in the database
 *    family "chat" (and "eg_chat_server", the tutorial's).  Clients that
 *    found it with db_mon send it ["join", clientport, nick] and
 *    ["privmsg", nick, text].
 * 2. A client spawns "chat::client_connect" on this node with (clientport,
 *    nick); the new port relays every [text] it gets as nick's line.
 *
 * The room sends every client port one-string messages: "nick (joins)",
 * "nick: text", "nick (quits, reason...)".
 */

#include <sys/queue.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aemp-module.h"

#define CHAT_LINE_MAX	4096	/* longest line relayed */

struct chat_client {
	char			*port;		/* gets the room's lines */
	char			*nick;
	char			*self;		/* client_connect's port */
	struct aemp_guard	*mon;		/* announces the quit */
	struct aemp_guard	*link;		/* kills self with the client */
	TAILQ_ENTRY(chat_client) entry;
};

TAILQ_HEAD(chat_clients, chat_client);

static struct chat_clients	 chat_room = TAILQ_HEAD_INITIALIZER(chat_room);
static struct chat_clients	 chat_gone = TAILQ_HEAD_INITIALIZER(chat_gone);
static char			*chat_server;
static struct aemp_guard	*chat_reg;
static struct aemp_guard	*chat_reg_tutorial;

/* Send one line to every client in the room. */
static void
chat_say(const char *fmt, ...)
{
	struct chat_client	*c;
	char			 line[CHAT_LINE_MAX];
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);

	aemp_log(AEMP_LOG_DEBUG, "relaying: %s", line);
	TAILQ_FOREACH(c, &chat_room, entry)
		aemp_snd(c->port, "s", line);
}

/* Free a client that left, cancelling its monitors. */
static void
chat_free(struct chat_client *c)
{
	aemp_guard_free(c->mon);
	aemp_guard_free(c->link);
	free(c->port);
	free(c->nick);
	free(c->self);
	free(c);
}

/* Free the clients that quit; never from inside their own monitor. */
static void
chat_reap(void)
{
	struct chat_client	*c;

	while ((c = TAILQ_FIRST(&chat_gone)) != NULL) {
		TAILQ_REMOVE(&chat_gone, c, entry);
		chat_free(c);
	}
}

/* The kill reason as the tutorial prints it: elements joined by spaces. */
static void
chat_reason_text(struct aemp_val *reason, char *buf, size_t size)
{
	const char	*s;
	char		*json;
	size_t		 i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < aemp_len(reason) && len < size; i++) {
		json = NULL;
		if ((s = aemp_str_ptr(aemp_at(reason, i), NULL)) == NULL)
			s = json = aemp_to_json(aemp_at(reason, i));
		len += snprintf(buf + len, size - len, "%s%s",
		    i > 0 ? " " : "", s != NULL ? s : "?");
		free(json);
	}
}

/* A client's port died: it leaves the room, the others are told why. */
static void
chat_quit(struct aemp_val *reason, void *arg)
{
	struct chat_client	*c = arg;
	char			 why[CHAT_LINE_MAX / 2];

	TAILQ_REMOVE(&chat_room, c, entry);
	TAILQ_INSERT_TAIL(&chat_gone, c, entry);
	if (c->self != NULL)
		aemp_kil(c->self, NULL);

	chat_reason_text(reason, why, sizeof why);
	if (why[0] != '\0')
		chat_say("%s (quits, %s)", c->nick, why);
	else
		chat_say("%s (quits)", c->nick);
}

/* Add a client to the room, unless its port is in it already. */
static struct chat_client *
chat_join(const char *port, const char *nick, const char *self)
{
	struct chat_client	*c;

	chat_reap();
	TAILQ_FOREACH(c, &chat_room, entry) {
		if (strcmp(c->port, port) == 0)
			return (NULL);
	}
	if ((c = calloc(1, sizeof *c)) == NULL)
		return (NULL);
	c->port = strdup(port);
	c->nick = strdup(nick);
	c->self = self != NULL ? strdup(self) : NULL;
	if (c->port == NULL || c->nick == NULL ||
	    (self != NULL && c->self == NULL)) {
		chat_free(c);
		return (NULL);
	}

	TAILQ_INSERT_TAIL(&chat_room, c, entry);
	c->mon = aemp_mon(port, chat_quit, c);
	chat_say("%s (joins)", nick);
	return (c);
}

/* ["join", clientport, nick] to the server port. */
static void
chat_on_join(struct aemp_val *msg, void *arg)
{
	const char	*port, *nick;

	if (aemp_unpack(msg, "ss*", &port, &nick) != 0) {
		aemp_log(AEMP_LOG_WARN, "join without a port and a nick");
		return;
	}
	chat_join(port, nick, NULL);
}

/* ["privmsg", nick, text] to the server port. */
static void
chat_on_privmsg(struct aemp_val *msg, void *arg)
{
	const char	*nick, *text;

	if (aemp_unpack(msg, "ss*", &nick, &text) != 0) {
		aemp_log(AEMP_LOG_WARN, "privmsg without a nick and a text");
		return;
	}
	chat_say("%s: %s", nick, text);
}

/* Anything else to the server port is ignored, not fatal to it. */
static void
chat_on_other(struct aemp_val *msg, void *arg)
{
	aemp_log(AEMP_LOG_DEBUG, "server port: unknown message ignored");
}

/* [text] to a port made by client_connect: its client's line. */
static void
chat_on_line(struct aemp_val *msg, void *arg)
{
	struct chat_client	*c;
	const char		*self = aemp_self(), *text;

	if ((text = aemp_str_ptr(aemp_at(msg, 0), NULL)) == NULL)
		return;
	TAILQ_FOREACH(c, &chat_room, entry) {
		if (c->self != NULL && strcmp(c->self, self) == 0) {
			chat_say("%s: %s", c->nick, text);
			return;
		}
	}
}

/*
 * Init function spawned by a client with (clientport, nick): this port
 * joins the room for that client and dies with it.
 */
static void
chat_client_connect(struct aemp_val *args)
{
	struct chat_client	*c;
	const char		*port, *nick, *self = aemp_self();

	if (self == NULL)
		aemp_die("client_connect must be spawned, not called by name");
	if (aemp_unpack(args, "ss*", &port, &nick) != 0)
		aemp_die("client_connect expects a client port and a nick");
	if (aemp_rcv(self, NULL, chat_on_line, NULL) != 0)
		aemp_die("client_connect: cannot receive on %s", self);
	if ((c = chat_join(port, nick, self)) == NULL)
		aemp_die("client_connect: %s cannot join", port);
	c->link = aemp_mon_port(port, self);
}

/* The load hook: make and register the server port. */
static int
chat_load(void)
{
	struct aemp_val	*node;

	if ((chat_server = aemp_port(chat_on_other, NULL)) == NULL)
		return (AEMP_ERR_NOMEM);
	if (aemp_rcv(chat_server, "join", chat_on_join, NULL) != 0 ||
	    aemp_rcv(chat_server, "privmsg", chat_on_privmsg, NULL) != 0)
		return (AEMP_ERR_STATE);

	if ((node = aemp_str(aemp_node())) == NULL)
		return (AEMP_ERR_NOMEM);
	chat_reg = aemp_db_reg("chat", chat_server, node);
	chat_reg_tutorial = aemp_db_reg("eg_chat_server", chat_server, node);
	aemp_unref(node);
	aemp_log(AEMP_LOG_NOTE, "chat server port %s ready", chat_server);
	return (0);
}

/* The unload hook: forget every client and the registrations. */
static void
chat_unload(void)
{
	struct chat_client	*c;

	while ((c = TAILQ_FIRST(&chat_room)) != NULL) {
		TAILQ_REMOVE(&chat_room, c, entry);
		TAILQ_INSERT_TAIL(&chat_gone, c, entry);
	}
	chat_reap();
	aemp_guard_free(chat_reg);
	aemp_guard_free(chat_reg_tutorial);
	chat_reg = chat_reg_tutorial = NULL;
	free(chat_server);
	chat_server = NULL;
}

static const struct aemp_function chat_functions[] = {
	{ "client_connect", chat_client_connect, AEMP_FN_REMOTE },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("chat", chat_load, chat_unload, chat_functions);
