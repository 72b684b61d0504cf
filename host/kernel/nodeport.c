/*
 * The node port "": the requests other nodes (and this one) send to the
 * node itself, looked up in const tables; a name with "::" in it calls
 * that function.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel.h"

#define NODEPORT_TABLES_MAX	16

static const struct kernel_request *nodeport_tables[NODEPORT_TABLES_MAX];
static int		 nodeport_ntables;
static struct table	*nodeport_resolved;	/* function names called */
static int		 nodeport_eval_logged;

struct nodeport_call {
	aemp_init_cb	 fn;
	struct aemp_val	*args;
};

/* Element i of msg if it is a string, else NULL. */
static const char *
nodeport_str(struct aemp_val *msg, size_t i)
{
	struct aemp_val	*v = aemp_at(msg, i);

	if (v == NULL || aemp_type(v) != AEMP_T_STR)
		return NULL;
	return aemp_str_ptr(v, NULL);
}

/* Reply to the address starting at element i: port, extra..., results. */
static void
nodeport_reply(struct aemp_val *msg, size_t i, struct aemp_val *results)
{
	struct aemp_val	*out;
	const char	*port;

	if ((port = nodeport_str(msg, i)) == NULL)
		return;
	out = snd_concat(msg, i + 1, results);
	aemp_sndv(port, out);
	aemp_unref(out);
}

static void
nodeport_bad(const char *srcnode, struct aemp_val *msg)
{
	log_error("malformed '%.100s' request from %.100s dropped",
	    nodeport_str(msg, 1), srcnode);
}

static void
nodeport_mon1(const char *srcnode, struct aemp_val *msg)
{
	const char	*name;

	if ((name = nodeport_str(msg, 2)) == NULL) {
		nodeport_bad(srcnode, msg);
		return;
	}
	mon_request(srcnode, name);
}

static void
nodeport_mon0(const char *srcnode, struct aemp_val *msg)
{
	const char	*name;

	if ((name = nodeport_str(msg, 2)) == NULL) {
		nodeport_bad(srcnode, msg);
		return;
	}
	mon_request_cancel(srcnode, name);
}

static void
nodeport_kil0(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*reason;
	const char	*name;

	if ((name = nodeport_str(msg, 2)) == NULL) {
		nodeport_bad(srcnode, msg);
		return;
	}
	reason = snd_concat(msg, 3, NULL);
	mon_remote_killed(srcnode, name, reason);
	aemp_unref(reason);
}

static void
nodeport_kil1(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*reason;
	const char	*name;
	char		*id;

	if ((name = nodeport_str(msg, 2)) == NULL || *name == '\0') {
		nodeport_bad(srcnode, msg);
		return;
	}
	reason = snd_concat(msg, 3, NULL);
	xasprintf(&id, "%s#%s", kernel_node(), name);
	aemp_kilv(id, reason);
	free(id);
	aemp_unref(reason);
}

static void
nodeport_snd(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*rest;
	const char	*port;

	if ((port = nodeport_str(msg, 2)) == NULL) {
		nodeport_bad(srcnode, msg);
		return;
	}
	rest = snd_concat(msg, 3, NULL);
	aemp_sndv(port, rest);
	aemp_unref(rest);
}

static void
nodeport_can(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*res;
	const char	*req;

	if ((req = nodeport_str(msg, 2)) == NULL) {
		nodeport_bad(srcnode, msg);
		return;
	}
	res = aemp_pack("s", kernel_request_known(req) ? "1" : "");
	nodeport_reply(msg, 3, res);
	aemp_unref(res);
}

static void
nodeport_time(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*res;

	res = aemp_pack("f", util_now());
	nodeport_reply(msg, 2, res);
	aemp_unref(res);
}

static void
nodeport_eval(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*res;

	if (!nodeport_eval_logged) {
		log_warn("eval requests are not supported; %.100s asked",
		    srcnode);
		nodeport_eval_logged = 1;
	}
	res = aemp_pack("s", "eval: not supported by this node");
	nodeport_reply(msg, 3, res);
	aemp_unref(res);
}

static void
nodeport_ignore(const char *srcnode, struct aemp_val *msg)
{
}

static void
nodeport_spawn(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*args;
	const char	*name, *function;

	if ((name = nodeport_str(msg, 2)) == NULL ||
	    (function = nodeport_str(msg, 3)) == NULL ||
	    strstr(function, "::") == NULL) {
		nodeport_bad(srcnode, msg);
		return;
	}
	args = snd_concat(msg, 4, NULL);
	spawn_run(name, function, args, 1);
	aemp_unref(args);
}

static const struct kernel_request nodeport_requests[] = {
	{ .name = "mon1", .fn = nodeport_mon1 },
	{ .name = "mon0", .fn = nodeport_mon0 },
	{ .name = "kil0", .fn = nodeport_kil0 },
	{ .name = "kil1", .fn = nodeport_kil1 },
	{ .name = "snd", .fn = nodeport_snd },
	{ .name = "can", .fn = nodeport_can },
	{ .name = "time", .fn = nodeport_time },
	{ .name = "eval", .fn = nodeport_eval, .flags = KERNEL_REQ_NOSECURE },
	{ .name = "devnull", .fn = nodeport_ignore },
	{ .name = "", .fn = nodeport_ignore },
	{ .name = "AnyEvent::MP::_spawn", .fn = nodeport_spawn,
	  .flags = KERNEL_REQ_NOSECURE },
	{ .name = NULL }
};

/* Add a table of requests ended by a NULL name; later tables override. */
void
kernel_request_add(const struct kernel_request *t)
{
	if (nodeport_ntables == 0)
		nodeport_tables[nodeport_ntables++] = nodeport_requests;
	if (nodeport_ntables == NODEPORT_TABLES_MAX)
		fatalx("too many node request tables");
	nodeport_tables[nodeport_ntables++] = t;
}

static const struct kernel_request *
nodeport_find(const char *name)
{
	const struct kernel_request	*r;
	int				 i;

	if (nodeport_ntables == 0)
		nodeport_tables[nodeport_ntables++] = nodeport_requests;
	for (i = nodeport_ntables - 1; i >= 0; i--)
		for (r = nodeport_tables[i]; r->name != NULL; r++)
			if (strcmp(r->name, name) == 0)
				return r;
	return NULL;
}

/* 1 when name is a request or a function called before. */
int
kernel_request_known(const char *name)
{
	if (nodeport_find(name) != NULL)
		return 1;
	return nodeport_resolved != NULL &&
	    table_get(nodeport_resolved, name) != NULL;
}

static void
nodeport_call_tramp(void *arg)
{
	struct nodeport_call	*c = arg;

	c->fn(c->args);
}

/* A "Pkg::func" request: call the function with the arguments. */
static void
nodeport_call(const char *srcnode, const char *function,
    struct aemp_val *msg)
{
	struct nodeport_call	 c;
	struct aemp_val		*reason;
	char			*json;

	if (spawn_resolve(function, 1, &c.fn, &reason) != 0) {
		json = reason != NULL ? aemp_to_json(reason) : NULL;
		log_error("call of %.100s from %.100s failed: %s", function,
		    srcnode, json != NULL ? json : "?");
		free(json);
		aemp_unref(reason);
		return;
	}

	if (nodeport_resolved == NULL)
		nodeport_resolved = table_new();
	table_put(nodeport_resolved, function, nodeport_resolved);

	c.args = snd_concat(msg, 2, NULL);
	context_run(NULL, NULL, nodeport_call_tramp, &c);
	aemp_unref(c.args);
}

/*
 * Handle a message to the node port: msg is ["", request, args...],
 * borrowed, from srcnode.
 */
void
nodeport_dispatch(const char *srcnode, struct aemp_val *msg)
{
	const struct kernel_request	*r;
	const char			*req;
	int				 secure;

	if (aemp_len(msg) < 2)
		return;
	if ((req = nodeport_str(msg, 1)) == NULL) {
		log_error("node request from %.100s without a name dropped",
		    srcnode);
		return;
	}

	r = nodeport_find(req);
	if (r == NULL && strstr(req, "::") == NULL) {
		log_debug("unknown node request '%.100s' from %.100s dropped",
		    req, srcnode);
		return;
	}

	secure = settings_bool("secure", 0);
	if (secure && (r == NULL || (r->flags & KERNEL_REQ_NOSECURE))) {
		log_error("'%.100s' from %.100s refused: this node is secure",
		    req, srcnode);
		return;
	}

	if (r != NULL)
		r->fn(srcnode, msg);
	else
		nodeport_call(srcnode, req, msg);
}

/* Forget the added tables and the called functions (shutdown). */
void
nodeport_free_all(void)
{
	table_free(nodeport_resolved, NULL);
	nodeport_resolved = NULL;
	nodeport_eval_logged = 0;
	nodeport_ntables = 0;
}
