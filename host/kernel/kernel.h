/*
 * kernel.h: ports, local delivery, port context, kill and monitor
 * bookkeeping, timers and the node port's table of requests.
 *
 * The kernel knows nothing of sockets or files: it reaches other nodes
 * and the module loader only through the hooks the upper layers install.
 */

#ifndef KERNEL_H
#define KERNEL_H

#include "base.h"

struct event_base;

/*
 * Hooks installed by the layers above.  Any of them may be NULL (then the
 * node is alone and knows only its own registered functions).
 */
struct kernel_hooks {
	/*
	 * Queue msg (borrowed; an array whose element 0 is the destination
	 * port name) for node, connecting on demand.  Loss is reported only
	 * through kernel_node_down.
	 */
	void	(*send)(const char *node, struct aemp_val *msg);

	/* Make sure a connection to node exists or is being made. */
	void	(*connect)(const char *node);

	/* 1 connected, 0 known but down, -1 unknown. */
	int	(*node_state)(const char *node);

	/*
	 * Resolve "module::function" to an init function.  remote is 1 when
	 * the request came from the network.  Returns 0, or an AEMP_ERR_*
	 * code with *reason set to a new ("spawn_failed", kind, text) array.
	 */
	int	(*resolve)(const char *function, int remote, aemp_init_cb *fn,
		    struct aemp_val **reason);
};

/* kernel.c */
void		 kernel_init(struct event_base *);
void		 kernel_set_hooks(const struct kernel_hooks *);
const struct kernel_hooks *kernel_get_hooks(void);
struct event_base *kernel_base(void);
void		 kernel_set_node(const char *, const char *);
const char	*kernel_node(void);
const char	*kernel_uniq(void);
const char	*kernel_runiq(void);
int		 kernel_stopping(void);
int		 kernel_null_arg(const char *, const char *, const void *);
void		 kernel_shutdown(void);

/* kernel-receive.c, kernel-node.c: what comes in from the network. */
void		 kernel_receive(const char *, struct aemp_val *);
void		 kernel_node_up(const char *);
void		 kernel_node_down(const char *, struct aemp_val *);
const char	*kernel_srcnode(void);	/* kernel.c */

/*
 * The node port's requests: msg is the whole message as received
 * (["", request, args...]), borrowed.  srcnode is the sending node (this
 * node for local sends).
 */
typedef void (*kernel_request_cb)(const char *srcnode, struct aemp_val *msg);

struct kernel_request {
	const char		*name;
	kernel_request_cb	 fn;
	int			 flags;
#define KERNEL_REQ_NOSECURE	0x1	/* refused when "secure" is set */
};

/*
 * kernel-request.c: add a table of requests ended by a NULL name; later
 * tables override.
 */
void		 kernel_request_add(const struct kernel_request *);
int		 kernel_request_known(const char *);

/* port.c: names and local ports. */
char		*port_new_name(int);
int		 port_exists(const char *);

/* guard.c: the handles of monitors, timers and subscriptions. */
typedef void (*guard_cancel_cb)(void *);

/*
 * A new guard whose aemp_guard_free calls cancel(arg), unless
 * guard_fired said the object is gone already.  Other layers (db) make
 * their guards this way.
 */
struct aemp_guard *guard_new(guard_cancel_cb, void *);
void		 guard_fired(struct aemp_guard *);
void		 guard_free_all(void);

/* ------------------------------------------------------------------ */
/* Inside the kernel only.                                            */
/* ------------------------------------------------------------------ */

#include <sys/queue.h>

/* table.c: a string-keyed hash table; keys are copied. */
typedef void (*table_free_cb)(void *);

struct table;
struct table	*table_new(void);
void		 table_free(struct table *, table_free_cb);
void		*table_get(struct table *, const char *);
void		 table_put(struct table *, const char *, void *);
void		*table_del(struct table *, const char *);
size_t		 table_count(struct table *);
void		*table_next(struct table *, void **, const char **);

/* mon.c */
struct mon {
	TAILQ_ENTRY(mon)	 entry;		/* in *owner */
	TAILQ_ENTRY(mon)	 node_entry;	/* MON_REMOTE: in knode rmon */
	struct monq		*owner;
	int			 kind;
#define MON_CB		1	/* call cb(reason, arg) */
#define MON_LINK	2	/* kill rcvport on an error kill */
#define MON_MSG		3	/* snd rcvport prefix..., reason... */
#define MON_REMOTE	4	/* mon1 of node: answer with kil0 */
	aemp_mon_cb		 cb;
	void			*arg;
	char			*rcvport;
	struct aemp_val		*prefix;
	char			*node;		/* target or requesting node */
	char			*name;		/* target port name */
	struct aemp_guard	*guard;
	struct knode		*knode;		/* MON_REMOTE */
	int			 state;
#define MON_PENDING	0	/* waits in a queued job */
#define MON_LISTED	1	/* in a port's or node's list */
#define MON_FIRING	2	/* in a batch being fired */
	int			 cancelled;
};
TAILQ_HEAD(monq, mon);

void		 mon_fire_all(struct monq *, struct aemp_val *);
void		 mon_fire_one(struct mon *, struct aemp_val *);
void		 mon_destroy(struct mon *);
void		 mon_request(const char *, const char *);
void		 mon_request_cancel(const char *, const char *);
void		 mon_remote_killed(const char *, const char *,
		    struct aemp_val *);
void		 mon_node_down(const char *, struct aemp_val *);
struct aemp_val	*mon_missing_reason(const char *);

/* port.c */
typedef void (*port_dtor_cb)(void *);

struct handler {
	TAILQ_ENTRY(handler)	 entry;
	char			*tag;
	aemp_msg_cb		 cb;
	void			*arg;
};

struct timer;

struct port {
	char			*name;
	char			*id;
	TAILQ_HEAD(, handler)	 handlers;
	aemp_msg_cb		 dflt;
	void			*dflt_arg;
	int			 flags;
#define PORT_DEFAULT	0x1	/* dflt is set */
#define PORT_NODE	0x2	/* the node port "" */
#define PORT_DEAD	0x4	/* killed, freed when no longer busy */
	struct monq		 mons;
	TAILQ_HEAD(, timer)	 timers;
	int			 busy;
	port_dtor_cb		 dtor;
	void			*dtor_arg;
};

struct port	*port_find(const char *);
struct port	*port_create(const char *, aemp_msg_cb, void *, int);
void		 port_deliver(const char *, struct aemp_val *);
void		 port_kill(const char *, struct aemp_val *);
void		 port_hold(struct port *);
void		 port_release(struct port *);
int		 port_may_create(const char *);
void		 port_free_all(void);

/* snd.c */
void		 snd_node(const char *, const char *, struct aemp_val *);
struct aemp_val	*snd_concat(struct aemp_val *, size_t, struct aemp_val *);
struct aemp_val	*snd_prepend(const char *, struct aemp_val *);

/* queue.c: work for the next loop turns, in order. */
struct job;
typedef void (*queue_job_cb)(struct job *);

#define JOB_NAME_INLINE	24

struct job {
	TAILQ_ENTRY(job)	 entry;
	queue_job_cb		 run;
	char			*name;		/* local port or node */
	char			 namebuf[JOB_NAME_INLINE]; /* short names */
	char			*srcnode;	/* NULL: this node */
	char			*function;	/* spawn */
	struct aemp_val		*val;		/* message, reason, args */
	struct mon		*mon;		/* freed with the job */
	int			 flag;
};

struct job	*queue_job(queue_job_cb, const char *, struct aemp_val *);
const char	*queue_srcnode(void);
void		 queue_free(void);

/* context.c: the port a callback runs for, and aemp_die's way out. */
typedef void (*context_call_cb)(void *);

int		 context_run(const char *, const char *, context_call_cb,
		    void *);
int		 context_run_port(struct port *, context_call_cb, void *);
const char	*context_name(void);
void		 context_port_created(const char *);
struct aemp_val	*context_take_death(void);
void		 context_free_all(void);

/* timer.c */
struct aemp_guard *timer_after(double, aemp_fn_cb, void *, const char *,
		    const char *);
void		 timer_cancel_port(struct port *);
void		 timer_adopt(struct port *);
void		 timer_free_all(void);

/* spawn.c */
int		 spawn_resolve(const char *, int, aemp_init_cb *,
		    struct aemp_val **);
int		 spawn_run(const char *, const char *, struct aemp_val *, int);
int		 spawn_pending(const char *);
struct aemp_val	*spawn_failure(const char *);
void		 spawn_free_all(void);

/* kernel-request.c */
void		 kernel_request_dispatch(const char *, struct aemp_val *);
void		 kernel_request_free_all(void);

/* nodes.c: what the kernel knows of other nodes. */
struct knode {
	char			*id;
	int			 up;
	struct table		*lmon;	/* port name -> struct monq * */
	struct monq		 rmon;	/* their mon1 requests */
};

struct knode	*nodes_get(const char *, int);
void		 nodes_gc(struct knode *);
void		 nodes_emit(const char *, int, struct aemp_val *);
int		 nodes_split(const char *, const char **);
int		 nodes_is_self(const char *, size_t);
void		 nodes_free_all(void);

#endif /* KERNEL_H */
