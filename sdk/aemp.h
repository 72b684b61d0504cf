/*
 * aemp.h: the public API of the aemp node host.
 *
 * A node is a process; ports are message endpoints named "node#port";
 * messages are arrays of JSON-like values.  Everything here is called from
 * the thread that runs the node's event loop (aemp_run), unless a comment
 * says otherwise.
 */

#ifndef AEMP_H
#define AEMP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define AEMP_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define AEMP_NORETURN		__attribute__((noreturn))
#else
#define AEMP_PRINTF(f, a)
#define AEMP_NORETURN
#endif

struct event_base;

/*
 * Error codes.  Every function of this API that can fail returns 0 on
 * success or one of these negative values.
 */
#define AEMP_OK			0
#define AEMP_ERR_NOMEM		-1	/* out of memory */
#define AEMP_ERR_INVAL		-2	/* invalid argument */
#define AEMP_ERR_TYPE		-3	/* value has the wrong type */
#define AEMP_ERR_RANGE		-4	/* index or number out of range */
#define AEMP_ERR_NOENT		-5	/* no such port, key, file or name */
#define AEMP_ERR_IO		-6	/* system call failed */
#define AEMP_ERR_PARSE		-7	/* malformed input */
#define AEMP_ERR_STATE		-8	/* not possible in the current state */
#define AEMP_ERR_EXISTS		-9	/* already exists */
#define AEMP_ERR_ABI		-10	/* module built for another ABI */
#define AEMP_ERR_DENIED		-11	/* refused by policy */

/*
 * Return a static, human-readable text for the error code r.
 */
const char	*aemp_strerror(int r);

/* ------------------------------------------------------------------ */
/* Values                                                             */
/* ------------------------------------------------------------------ */

/*
 * One immutable, reference-counted value with the JSON data model.
 * Strings are byte strings that carry their length and are always
 * NUL-terminated in memory.  Arrays and maps are immutable once they are
 * shared; the builders below fill a fresh one before it is handed on.
 * Values are not thread-safe.
 */
struct aemp_val;

enum aemp_type {
	AEMP_T_NULL,
	AEMP_T_BOOL,
	AEMP_T_INT,
	AEMP_T_DOUBLE,
	AEMP_T_STR,
	AEMP_T_ARRAY,
	AEMP_T_MAP
};

/*
 * Constructors.  Each returns a new reference (count 1), or NULL when out
 * of memory.  aemp_str_n copies len bytes from s; aemp_str copies a
 * NUL-terminated string.
 */
struct aemp_val	*aemp_null(void);
struct aemp_val	*aemp_bool(int b);
struct aemp_val	*aemp_int(int64_t i);
struct aemp_val	*aemp_double(double d);
struct aemp_val	*aemp_str(const char *s);
struct aemp_val	*aemp_str_n(const char *s, size_t len);
struct aemp_val	*aemp_strf(const char *fmt, ...) AEMP_PRINTF(1, 2);

/*
 * Array and map builders.  aemp_array_new and aemp_map_new return an
 * empty container with room for hint elements.  aemp_array_push and
 * aemp_map_put take over the reference to v (also on failure) and may
 * only be used on a container nobody else holds yet (reference count 1).
 * aemp_map_put replaces an existing key.  Both return 0 or AEMP_ERR_*.
 */
struct aemp_val	*aemp_array_new(size_t hint);
int		 aemp_array_push(struct aemp_val *a, struct aemp_val *v);
struct aemp_val	*aemp_map_new(size_t hint);
int		 aemp_map_put(struct aemp_val *m, const char *key,
		    struct aemp_val *v);
int		 aemp_map_put_n(struct aemp_val *m, const char *key,
		    size_t keylen, struct aemp_val *v);

/*
 * Reference counting.  aemp_ref returns v; aemp_unref(NULL) is a no-op.
 */
struct aemp_val	*aemp_ref(struct aemp_val *v);
void		 aemp_unref(struct aemp_val *v);

/*
 * Accessors.  None of them take or give a reference: a returned value or
 * string is borrowed from v and lives as long as v does.
 *
 * aemp_len: elements of an array, pairs of a map, bytes of a string, else 0.
 * aemp_at: element i of an array, or NULL.
 * aemp_map_get: the value for key in a map, or NULL.
 * aemp_map_key_at / aemp_map_val_at: pair i of a map in insertion order.
 * aemp_str_ptr: bytes of a string (NUL-terminated) and, if lenp is not
 *   NULL, their count; NULL for any other type.
 * aemp_as_int / aemp_as_double: numeric value, accepting decimal strings
 *   and booleans as the wire requires; 0 on failure with *ok set to 0 when
 *   ok is not NULL.
 * aemp_truthy: Perl's idea of truth (null, 0, "", "0" and false are false).
 */
enum aemp_type	 aemp_type(const struct aemp_val *v);
size_t		 aemp_len(const struct aemp_val *v);
struct aemp_val	*aemp_at(const struct aemp_val *v, size_t i);
struct aemp_val	*aemp_map_get(const struct aemp_val *m, const char *key);
const char	*aemp_map_key_at(const struct aemp_val *m, size_t i,
		    size_t *lenp);
struct aemp_val	*aemp_map_val_at(const struct aemp_val *m, size_t i);
const char	*aemp_str_ptr(const struct aemp_val *v, size_t *lenp);
int64_t		 aemp_as_int(const struct aemp_val *v, int *ok);
double		 aemp_as_double(const struct aemp_val *v, int *ok);
int		 aemp_truthy(const struct aemp_val *v);

/*
 * Deep comparison: 1 if a and b hold the same data, else 0.  Strings that
 * spell a number compare equal to that number, as on the wire.
 */
int		 aemp_equal(const struct aemp_val *a, const struct aemp_val *b);

/*
 * Encode v as compact JSON into a new NUL-terminated string that the
 * caller frees with free(); NULL when out of memory.
 */
char		*aemp_to_json(const struct aemp_val *v);

/*
 * Parse one JSON text into *out (a new reference).  Returns 0 or
 * AEMP_ERR_PARSE; on error, if err is not NULL, *err is a malloc'd text
 * saying what and where, for the caller to free.
 */
int		 aemp_from_json(const char *text, size_t len,
		    struct aemp_val **out, char **err);

/*
 * Pack format, used by aemp_pack, aemp_snd and friends:
 *   s  const char *	string (NULL packs null)
 *   S  const char *, size_t	string with explicit length
 *   i  int		integer
 *   I  int64_t		integer
 *   f  double		double
 *   b  int		boolean
 *   n  (nothing)	null
 *   v  struct aemp_val *	existing value, borrowed (NULL packs null)
 *   V  struct aemp_val *	existing value, reference taken over
 *   [ ]		array of the enclosed items
 *   { }		map: alternating keys ("s") and values
 * Spaces are ignored.  aemp_pack returns a new array holding the items, or
 * NULL on a bad format or when out of memory.
 */
struct aemp_val	*aemp_pack(const char *fmt, ...);
struct aemp_val	*aemp_vpack(const char *fmt, va_list ap);

/*
 * Unpack the elements of array msg by format:
 *   s  const char **	borrowed string (numbers are refused)
 *   i  int *		integer (decimal strings accepted)
 *   I  int64_t *	integer
 *   f  double *	number
 *   b  int *		truth value
 *   v  struct aemp_val **	borrowed element, any type
 *   .			skip one element
 *   *			accept any further elements (default: must end)
 *   ?			the following items are optional; missing ones are
 *			left untouched
 * Returns 0, AEMP_ERR_TYPE for an element of the wrong type or
 * AEMP_ERR_RANGE for the wrong count.
 */
int		 aemp_unpack(const struct aemp_val *msg, const char *fmt, ...);
int		 aemp_vunpack(const struct aemp_val *msg, const char *fmt,
		    va_list ap);

/* ------------------------------------------------------------------ */
/* Logging                                                            */
/* ------------------------------------------------------------------ */

/* The reference's levels; AEMP_VERBOSE sets the threshold (default 6). */
#define AEMP_LOG_FATAL	1
#define AEMP_LOG_ALERT	2
#define AEMP_LOG_CRIT	3
#define AEMP_LOG_ERROR	4
#define AEMP_LOG_WARN	5
#define AEMP_LOG_NOTE	6
#define AEMP_LOG_INFO	7
#define AEMP_LOG_DEBUG	8
#define AEMP_LOG_TRACE	9

/*
 * Log one line at level.  Inside a module the host prefixes the line with
 * the module's name.  Safe to call before aemp_configure.
 */
void		 aemp_log(int level, const char *fmt, ...) AEMP_PRINTF(2, 3);

/* ------------------------------------------------------------------ */
/* The node                                                           */
/* ------------------------------------------------------------------ */

/*
 * Turn the process into a networked node.  Arguments are pairs of a key
 * (const char *) and a value (const char *; JSON for lists, numbers and
 * booleans, else taken as a plain string), ended by NULL.  Keys are the
 * reference's configure keys: "profile", "nodeid", "binds", "seeds",
 * "secret", "services", "norc", "force", ... .  The config file wins
 * unless "force" is true.  Only the first call does anything; later ones
 * return AEMP_ERR_STATE.  Returns 0 or AEMP_ERR_*; errors are logged.
 */
int		 aemp_configure(const char *key, ...);

/* The same, with the pairs in a map value (borrowed). */
int		 aemp_configure_map(const struct aemp_val *args);

/*
 * This node's ID, "" before aemp_configure.  The string belongs to the
 * host and stays valid for the life of the process.
 */
const char	*aemp_node(void);

/*
 * Run the event loop until aemp_break is called.  Returns 0, or
 * AEMP_ERR_STATE when the loop could not run.
 */
int		 aemp_run(void);
void		 aemp_break(void);

/* The node's libevent base, to add the program's own events. */
struct event_base *aemp_base(void);

/*
 * Release everything the node holds: ports, peers, timers, modules.
 * Called at most once, after aemp_run returned.  Optional at exit.
 */
void		 aemp_shutdown(void);

/* ------------------------------------------------------------------ */
/* Ports                                                              */
/* ------------------------------------------------------------------ */

/*
 * A message handler.  msg is the message (an array, borrowed: take a
 * reference to keep it); for tagged handlers the tag is removed.  arg is
 * what was registered with the handler.  The handler runs in the port's
 * context: aemp_self() is the port.
 */
typedef void (*aemp_msg_cb)(struct aemp_val *msg, void *arg);

/*
 * Create a local port whose default handler is cb (called with the whole
 * message).  Returns the new port ID ("node#name") as a malloc'd string
 * the caller frees, or NULL when out of memory.
 */
char		*aemp_port(aemp_msg_cb cb, void *arg);

/*
 * Create a local port without a default handler: a message that no tag
 * handler matches kills it with ("unhandled_message", "no callback found
 * for message '<tag>'").
 */
char		*aemp_port_new(void);

/*
 * Set the handler for tag on local port.  tag NULL sets the default
 * handler; cb NULL removes the handler.  Creates the port when it does
 * not exist yet but its name belongs to this node and was never used
 * (spawned ports come into being this way); such a port gets a no-op
 * default handler.  Returns 0, AEMP_ERR_INVAL for a remote or NULL port
 * or AEMP_ERR_NOENT for a port that is gone.  Like every function here
 * that takes a port or node, it logs and refuses a NULL one.
 */
int		 aemp_rcv(const char *port, const char *tag, aemp_msg_cb cb,
		    void *arg);

/*
 * The port whose handler, init function or timer is running, or NULL
 * outside any port context, as in a module function called by name
 * (["", "Pkg::func", ...] to the node port).  Valid until the callback
 * returns.
 */
const char	*aemp_self(void);

/*
 * Send a message, built from fmt like aemp_pack, to port.  Never blocks
 * and never reports failure (only monitors see loss); a local receiver
 * runs later, from the event loop, never inside this call.
 */
void		 aemp_snd(const char *port, const char *fmt, ...);

/* Send the array msg (borrowed). */
void		 aemp_sndv(const char *port, struct aemp_val *msg);

/*
 * Kill port, asynchronously.  A NULL fmt means a normal kill (empty
 * reason); otherwise the reason list is built from fmt.  A remote port is
 * killed through its node.
 */
void		 aemp_kil(const char *port, const char *fmt, ...);
void		 aemp_kilv(const char *port, struct aemp_val *reason);

/* ------------------------------------------------------------------ */
/* Monitors                                                           */
/* ------------------------------------------------------------------ */

struct aemp_guard;

/*
 * Monitor callback: reason is the kill reason (an array, possibly empty
 * for a normal kill), borrowed.
 */
typedef void (*aemp_mon_cb)(struct aemp_val *reason, void *arg);

/*
 * Call cb once when port dies, or when messages to it may have been lost
 * (("transport_error", node, text)), or at once (later, from the loop)
 * when it does not exist (("no_such_port", ...)).  Returns a guard that
 * aemp_guard_free cancels; the guard stays valid after the monitor fired
 * and must be freed by the caller in any case (NULL is fine).
 */
struct aemp_guard *aemp_mon(const char *port, aemp_mon_cb cb, void *arg);

/*
 * Link: when port dies with a non-empty reason, kill rcvport with the same
 * reason.  A normal kill is ignored.
 */
struct aemp_guard *aemp_mon_port(const char *port, const char *rcvport);

/*
 * When port dies, send rcvport the message built from fmt followed by the
 * elements of the kill reason.
 */
struct aemp_guard *aemp_mon_msg(const char *port, const char *rcvport,
		    const char *fmt, ...);

/*
 * Cancel what g guards (a monitor, a timer, a subscription) unless it
 * has fired already, and free g.  NULL is fine.  Guards the program
 * never frees are released by aemp_shutdown.
 */
void		 aemp_guard_free(struct aemp_guard *g);

/* ------------------------------------------------------------------ */
/* Port context                                                       */
/* ------------------------------------------------------------------ */

typedef void (*aemp_fn_cb)(void *arg);

/*
 * Kill the current port with ("die", text) and leave the handler at once
 * (siglongjmp to the frame that invoked it).  Code between an allocation
 * and its release must not call it.  Outside a port context it logs the
 * text at fatal level and exits.
 */
void		 aemp_die(const char *fmt, ...) AEMP_PRINTF(1, 2) AEMP_NORETURN;

/*
 * Run cb(arg) in the context of port: aemp_self() is port, and
 * aemp_die inside kills port.  Returns 0, or AEMP_ERR_NOENT when port is
 * not a live local port.
 */
int		 aemp_peval(const char *port, aemp_fn_cb cb, void *arg);

/*
 * A closure that remembers the current port: aemp_psub_call runs cb(arg)
 * as aemp_peval on that port would.  Returns NULL outside a port context.
 * Free with aemp_psub_free.
 */
struct aemp_psub;
struct aemp_psub *aemp_psub(aemp_fn_cb cb, void *arg);
void		 aemp_psub_call(struct aemp_psub *p);
void		 aemp_psub_free(struct aemp_psub *p);

/*
 * Call cb(arg) once after seconds, in the port context current now (none
 * outside a port).  The timer is cancelled when that port dies.  Returns a
 * guard that cancels it, freed by the caller (also after it ran).
 */
struct aemp_guard *aemp_after(double seconds, aemp_fn_cb cb, void *arg);

/* ------------------------------------------------------------------ */
/* RPC and spawn                                                      */
/* ------------------------------------------------------------------ */

/*
 * Reply callback of aemp_cal: reply is the first message that reached the
 * reply port, or NULL after a timeout or when port died.
 */
typedef void (*aemp_reply_cb)(struct aemp_val *reply, void *arg);

/*
 * Send port the message built from fmt with a fresh reply port appended,
 * and call cb with the first reply.  timeout > 0: give up after that many
 * seconds; otherwise give up when port dies.  Returns the reply port ID
 * (malloc'd) or NULL.
 */
char		*aemp_cal(const char *port, aemp_reply_cb cb, void *arg,
		    double timeout, const char *fmt, ...);

/*
 * Create a port on node (a node ID or any port ID on it) that runs
 * function ("module::function", or "::name" for aemp_register'ed names)
 * with the arguments built from fmt.  Returns the new port ID at once
 * (malloc'd); failures reach the monitors of that port.  A local spawn
 * runs the function later, from the loop.
 */
char		*aemp_spawn(const char *node, const char *function,
		    const char *fmt, ...);
char		*aemp_spawnv(const char *node, const char *function,
		    struct aemp_val *args);

/*
 * An init function: runs in the new port's context with the spawn's
 * arguments (an array, borrowed).
 */
typedef void (*aemp_init_cb)(struct aemp_val *args);

/*
 * Make "::name" spawnable and callable on this node.  Returns 0 or
 * AEMP_ERR_EXISTS.
 */
int		 aemp_register(const char *name, aemp_init_cb fn);

/* ------------------------------------------------------------------ */
/* Nodes                                                              */
/* ------------------------------------------------------------------ */

/* Node up/down callback: reason is NULL when up. */
typedef void (*aemp_node_cb)(const char *node, int up,
    struct aemp_val *reason, void *arg);

/*
 * Call cb whenever a connection to another node comes up or goes down;
 * up and down alternate per node, and reason on down is the
 * ("transport_error", node, text) array.  Returns a guard that stops it.
 */
struct aemp_guard *aemp_mon_nodes(aemp_node_cb cb, void *arg);

/*
 * Connected nodes (excluding this one) as a new array of strings.
 */
struct aemp_val	*aemp_up_nodes(void);

/* 1 connected (or self), 0 known but not connected, -1 unknown. */
int		 aemp_node_is_up(const char *node);

/* node_of: the node part of a port ID, as a malloc'd string. */
char		*aemp_node_of(const char *port);

/* 1 when port lives on this node. */
int		 aemp_port_is_local(const char *port);

/* ------------------------------------------------------------------ */
/* The distributed database                                           */
/* ------------------------------------------------------------------ */

/*
 * Set family/key to value (borrowed; NULL means null) in this node's
 * share of the database.  Returns a guard that deletes the key again when
 * freed, or NULL if the caller passes guard = 0.
 */
struct aemp_guard *aemp_db_set(const char *family, const char *key,
		    struct aemp_val *value, int guard);
void		 aemp_db_del(const char *family, const char *key);

/*
 * db_set family/port (port NULL: aemp_self()) and delete it again when the
 * port dies.
 */
struct aemp_guard *aemp_db_reg(const char *family, const char *port,
		    struct aemp_val *value);

/*
 * db_mon callback: family is the whole family (a map, borrowed); added,
 * changed and deleted are arrays of keys (never NULL).
 */
typedef void (*aemp_db_cb)(struct aemp_val *family, struct aemp_val *added,
    struct aemp_val *changed, struct aemp_val *deleted, void *arg);

/*
 * Watch family: cb runs once with the whole family as it stands (all
 * keys added, even when it is empty), then once per batch of changes.
 * Returns a guard; freeing the last guard of a family stops watching it.
 */
struct aemp_guard *aemp_db_mon(const char *family, aemp_db_cb cb, void *arg);

/*
 * Asynchronous queries of the merged view: cb gets a map (family), an
 * array of keys or an array of values.
 */
void		 aemp_db_family(const char *family, aemp_reply_cb cb,
		    void *arg);
void		 aemp_db_keys(const char *family, aemp_reply_cb cb, void *arg);
void		 aemp_db_values(const char *family, aemp_reply_cb cb,
		    void *arg);

#ifdef __cplusplus
}
#endif

#endif /* AEMP_H */
