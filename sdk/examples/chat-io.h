/*
 * chat-io.h: what the tutorial's two chat clients share: the command line
 * and configuration, the client port with its monitors, the reconnection
 * after a loss, stdin and the lines printed on stdout.
 */

#ifndef CHAT_IO_H
#define CHAT_IO_H

/*
 * Make the server side for the new client port and return the port that
 * stdin lines go to (malloc'd), or NULL if there is no server now.
 */
typedef char	*(*chat_io_join_cb)(const char *client);

/* Send one line read from stdin to the server port. */
typedef void	 (*chat_io_send_cb)(const char *server, const char *line);

/*
 * Parse the options, configure the node under profile name and return
 * the nargs operands (usage names them); exit with a usage message on
 * bad options, return NULL if the node does not start.
 */
char	**chat_io_configure(int argc, char **argv, const char *name,
	    const char *operands, int nargs);

/* Watch stdin; join calls back for every (re)connection, send per line. */
void	  chat_io_start(chat_io_join_cb join, chat_io_send_cb send);

/* Connect now: make a client port and let the join callback serve it. */
void	  chat_io_join(void);

/* Return 1 if no client port exists and no reconnection is due. */
int	  chat_io_idle(void);

/* After aemp_run: kill the client port and free what chat_io holds. */
void	  chat_io_finish(void);

#endif
