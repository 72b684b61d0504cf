/*
 * net.h: node objects and the transport: listeners, connections on
 * demand, the greeting, authentication, framing, heartbeats.
 *
 * net installs the kernel's send/connect/node_state hooks.  It learns the
 * addresses of nodes it must reach through the lookup hook that the
 * database layer installs.
 */

#ifndef NET_H
#define NET_H

#include <sys/queue.h>

#include "kernel.h"

struct bufferevent;
struct event;
struct evbuffer_cb_entry;

/* Called with the address and the node ID found there (NULL: failed). */
typedef void (*net_addr_cb)(const char *addr, const char *node, void *arg);

/* Called when net needs the listen addresses of node. */
typedef void (*net_lookup_cb)(const char *node);

/* net.c */
int		 net_init(struct event_base *);
void		 net_shutdown(void);

/*
 * Listen on every entry of binds (an array of "host:port" strings, "*"
 * host or port allowed; NULL means "*", an empty array no listener at
 * all).  *addrs receives a new array of the addresses actually bound,
 * ports resolved.  Returns 0 or AEMP_ERR_*.
 */
int		 net_listen(struct aemp_val *, struct aemp_val **);

/*
 * Connect to addr ("host:port") whoever is there; cb learns the node ID
 * once the greeting arrived (this node's own ID when addr is ourselves),
 * or NULL after failure.  The connection then serves that node.
 */
int		 net_connect_addr(const char *, net_addr_cb, void *);

void		 net_set_lookup(net_lookup_cb);

/*
 * Answer a lookup: addrs (borrowed array of strings, or NULL when none is
 * known) are tried in turn; when none works, the node fails.
 */
void		 net_found(const char *, struct aemp_val *);

/*
 * Answer a lookup when no address can be known: the node fails at once
 * with "no known address: " and why.
 */
void		 net_not_found(const char *, const char *);

/* Drop the connection to node with reason text, firing its monitors. */
void		 net_disconnect(const char *, const char *);

/* Everything below is internal to host/net. */

/* auth.c */
#define AUTH_NONCE_LEN	88
int		 auth_hmac_sha3_512_hex(const char *, size_t, const char *,
		    size_t, char out[129]);
int		 auth_sha3_512_hex(const char *, size_t, char out[129]);
int		 auth_token(const char *, const char *, int, const char *,
		    const char *, const char *, const char *, char **);
int		 auth_nonce(char out[AUTH_NONCE_LEN + 1]);
int		 auth_token_equal(const char *, size_t, const char *);

/* greeting.c: the handshake lines, parsed and built without I/O. */
#define GREETING_MAX_LINE	4096
#define GREETING_MAX_KV		32

struct greeting {
	char		*buf;
	const char	*protocol;
	const char	*version;
	const char	*node;
	const char	*auths;
	const char	*framings;
	size_t		 nkv;
	const char	*keys[GREETING_MAX_KV];
	const char	*values[GREETING_MAX_KV];
};

struct greeting_auth {
	char		*buf;
	const char	*method;
	const char	*token;
	const char	*framing;
};

void		 greeting_parse(struct greeting *, const char *, size_t);
void		 greeting_free(struct greeting *);
const char	*greeting_get(const struct greeting *, const char *);
int		 greeting_number(const struct greeting *, const char *);
int		 greeting_check(const struct greeting *, const char **);
char		*greeting_build(const char *, struct aemp_val *,
		    struct aemp_val *, const char *, int, int);
int		 greeting_list_has(const char *, const char *, size_t);
int		 greeting_array_has(struct aemp_val *, const char *, size_t);
char		*greeting_choose(const char *, struct aemp_val *, int);
void		 greeting_parse_auth(struct greeting_auth *, const char *,
		    size_t);
void		 greeting_auth_free(struct greeting_auth *);

/* net.c: what every file of the layer shares. */
struct event_base *net_base(void);
net_lookup_cb	 net_lookup(void);
double		 net_setting(const char *, double);

/* net-listen.c */
void		 net_listen_free(void);

/* peer.c: one object per remote node, with its queue and connect logic. */
struct peer_msg {
	struct aemp_val		*msg;
	TAILQ_ENTRY(peer_msg)	 entry;
};
TAILQ_HEAD(peer_msgs, peer_msg);

struct peer {
	char			*id;
	int			 state;
#define PEER_DOWN		0
#define PEER_CONNECTING		1
#define PEER_UP			2
	struct conn		*conn;		/* the chosen one, when up */
	int			 nconns;	/* connections naming us */
	int			 attempts;	/* own outgoing, not up */
	int			 lookup;	/* waiting for net_found */
	int			 stopping;	/* closing its attempts */
	int			 looked_up;	/* lookup asked this time */
	struct peer_msgs	 queue;
	size_t			 nqueue;
	struct aemp_val		*addrs;
	size_t			 next_addr;
	char			*error;		/* last connect failure */
	struct event		*timeout;	/* the whole connect */
	struct event		*next;		/* the next address */
	struct event		*fail;		/* failure, from the loop */
	char			*fail_text;
	TAILQ_ENTRY(peer)	 entry;
};

struct peer	*peer_find(const char *);
struct peer	*peer_get(const char *);
void		 peer_gc_later(void);
void		 peer_send(struct peer *, struct aemp_val *);
void		 peer_connect(struct peer *);
void		 peer_found(struct peer *, struct aemp_val *);
void		 peer_not_found(struct peer *, const char *);
void		 peer_fail_later(struct peer *, const char *);
void		 peer_conn_ended(struct peer *, const char *, int);
void		 peer_up(struct peer *, struct conn *);
void		 peer_down(struct peer *, const char *);
void		 peer_waiting(struct peer *);
void		 peer_free_all(void);

/* conn.c: one TCP connection, from the greeting to its end. */
struct conn {
	struct bufferevent	*bev;
	struct peer		*peer;
	int			 state;
#define CONN_CONNECTING		0
#define CONN_GREETING		1
#define CONN_NONCE		2
#define CONN_AUTH		3
#define CONN_WAITING		4	/* authenticated, race undecided */
#define CONN_DATA		5
#define CONN_DEAD		6
	int			 flags;
#define CONN_OUTGOING		0x1	/* we dialled */
#define CONN_ATTEMPT		0x2	/* counted in peer->attempts */
#define CONN_AEMP_C		0x4	/* the peer is of this project */
#define CONN_MALFORMED		0x8	/* a frame was not a message */
#define CONN_TLS		0x10	/* TLS is on */
	int			 busy;
	char			*addr;
	char			*l1;
	char			 l2[AUTH_NONCE_LEN + 1];
	char			*r1;
	char			*r2;
	struct greeting		 rg;
	int			 hb;		/* the peer's, seconds */
	const struct aemp_codec	*scodec;
	const struct aemp_codec	*rcodec;
	void			*dec;
	net_addr_cb		 cb;
	void			*cbarg;
	struct event		*timer;		/* the handshake */
	struct event		*hbev;		/* heartbeats */
	struct event		*fail;
	char			*fail_text;
	struct evbuffer_cb_entry *drain;
	double			 last_read;
	double			 last_write;
	size_t			*frames;	/* sizes queued, oldest first */
	size_t			 nframes;
	size_t			 frames_size;
	size_t			 frames_head;
	TAILQ_ENTRY(conn)	 entry;
};

TAILQ_HEAD(conns, conn);
extern struct conns conn_list;

int		 conn_connect(const char *, struct peer *, net_addr_cb, void *);
void		 conn_accept(int, const char *);
void		 conn_write(struct conn *, const char *, size_t);
void		 conn_send(struct conn *, struct aemp_val *);
void		 conn_close(struct conn *, const char *);
void		 conn_close_later(struct conn *, const char *);
int		 conn_start_tls(struct conn *, int);
void		 conn_authenticated(struct conn *);
void		 conn_promote(struct conn *);
int		 conn_pending(const struct conn *);
void		 conn_free_all(void);

/* tls.c */
int		 tls_available(void);
int		 tls_check(const char *, const char **);
struct bufferevent *tls_wrap(struct bufferevent *, int);
void		 tls_kick(struct bufferevent *);
int		 tls_error(struct bufferevent *, char *, size_t);
void		 tls_describe(struct bufferevent *, char *, size_t);
void		 tls_free(void);

/* handshake.c: greeting, checks and authentication of one connection. */
int		 handshake_start(struct conn *);
int		 handshake_greeting(struct conn *, const char *, size_t);
int		 handshake_nonce(struct conn *, const char *, size_t);
int		 handshake_auth(struct conn *, const char *, size_t);

#endif /* NET_H */
