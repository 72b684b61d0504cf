/*
 * The node port "": the requests other nodes (and this one) send to the
 * node itself, looked up in const tables; a name with "::" in it calls
 * that function.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel.h"

#define REQUEST_TABLES_MAX	16

static const struct kernel_request *request_tables[REQUEST_TABLES_MAX];
static int		 request_ntables;
static struct table	*request_resolved;	/* function names called */
static int		 request_eval_logged;

struct request_call {
	aemp_init_cb	 fn;
	struct aemp_val	*args;
};

/* Element i of msg if it is a string, else NULL. */
static const char *
request_str(struct aemp_val *msg, size_t i)
{
	struct aemp_val	*v = aemp_at(msg, i);

	if (v == NULL || aemp_type(v) != AEMP_T_STR)
		return NULL;
	return aemp_str_ptr(v, NULL);
}

/* Reply to the address starting at element i: port, extra..., results. */
static void
request_reply(struct aemp_val *msg, size_t i, struct aemp_val *results)
{
	struct aemp_val	*out;
	const char	*port;

	if ((port = request_str(msg, i)) == NULL)
		return;
	out = snd_concat(msg, i + 1, results);
	aemp_sndv(port, out);
	aemp_unref(out);
}

/* A printable copy of a peer's string for the log, bounded. */
static char *
request_esc(const char *s)
{
	return log_escape(s, strlen(s), 100);
}

static void
request_bad(const char *srcnode, struct aemp_val *msg)
{
	char	*req = request_esc(request_str(msg, 1));

	log_error("malformed '%s' request from %.100s dropped", req, srcnode);
	free(req);
}

static void
request_mon1(const char *srcnode, struct aemp_val *msg)
{
	const char	*name;

	if ((name = request_str(msg, 2)) == NULL) {
		request_bad(srcnode, msg);
		return;
	}
	mon_request(srcnode, name);
}

static void
request_mon0(const char *srcnode, struct aemp_val *msg)
{
	const char	*name;

	if ((name = request_str(msg, 2)) == NULL) {
		request_bad(srcnode, msg);
		return;
	}
	mon_request_cancel(srcnode, name);
}

static void
request_kil0(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*reason;
	const char	*name;

	if ((name = request_str(msg, 2)) == NULL) {
		request_bad(srcnode, msg);
		return;
	}
	reason = snd_concat(msg, 3, NULL);
	mon_remote_killed(srcnode, name, reason);
	aemp_unref(reason);
}

static void
request_kil1(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*reason;
	const char	*name;
	char		*id;

	if ((name = request_str(msg, 2)) == NULL || *name == '\0') {
		request_bad(srcnode, msg);
		return;
	}
	reason = snd_concat(msg, 3, NULL);
	xasprintf(&id, "%s#%s", kernel_node(), name);
	aemp_kilv(id, reason);
	free(id);
	aemp_unref(reason);
}

static void
request_snd(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*rest;
	const char	*port;

	if ((port = request_str(msg, 2)) == NULL) {
		request_bad(srcnode, msg);
		return;
	}
	rest = snd_concat(msg, 3, NULL);
	aemp_sndv(port, rest);
	aemp_unref(rest);
}

static void
request_can(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*res;
	const char	*req;

	if ((req = request_str(msg, 2)) == NULL) {
		request_bad(srcnode, msg);
		return;
	}
	res = aemp_pack("s", kernel_request_known(req) ? "1" : "");
	request_reply(msg, 3, res);
	aemp_unref(res);
}

static void
request_time(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*res;

	res = aemp_pack("f", util_now());
	request_reply(msg, 2, res);
	aemp_unref(res);
}

static void
request_eval(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*res;

	if (!request_eval_logged) {
		log_warn("eval requests are not supported; %.100s asked",
		    srcnode);
		request_eval_logged = 1;
	}
	res = aemp_pack("s", "eval: not supported by this node");
	request_reply(msg, 3, res);
	aemp_unref(res);
}

static void
request_ignore(const char *srcnode, struct aemp_val *msg)
{
}

static void
request_spawn(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*args;
	const char	*name, *function;

	if ((name = request_str(msg, 2)) == NULL ||
	    (function = request_str(msg, 3)) == NULL ||
	    strstr(function, "::") == NULL) {
		request_bad(srcnode, msg);
		return;
	}
	args = snd_concat(msg, 4, NULL);
	spawn_run(name, function, args, 1);
	aemp_unref(args);
}

static const struct kernel_request request_builtin[] = {
	{ .name = "mon1", .fn = request_mon1 },
	{ .name = "mon0", .fn = request_mon0 },
	{ .name = "kil0", .fn = request_kil0 },
	{ .name = "kil1", .fn = request_kil1 },
	{ .name = "snd", .fn = request_snd },
	{ .name = "can", .fn = request_can },
	{ .name = "time", .fn = request_time },
	{ .name = "eval", .fn = request_eval, .flags = KERNEL_REQ_NOSECURE },
	{ .name = "devnull", .fn = request_ignore },
	{ .name = "", .fn = request_ignore },
	{ .name = "AnyEvent::MP::_spawn", .fn = request_spawn },
	{ .name = NULL }
};

/* Add a table of requests ended by a NULL name; later tables override. */
void
kernel_request_add(const struct kernel_request *t)
{
	if (request_ntables == 0)
		request_tables[request_ntables++] = request_builtin;
	if (request_ntables == REQUEST_TABLES_MAX)
		fatalx("too many node request tables");
	request_tables[request_ntables++] = t;
}

static const struct kernel_request *
request_find(const char *name)
{
	const struct kernel_request	*r;
	int				 i;

	if (request_ntables == 0)
		request_tables[request_ntables++] = request_builtin;
	for (i = request_ntables - 1; i >= 0; i--)
		for (r = request_tables[i]; r->name != NULL; r++)
			if (strcmp(r->name, name) == 0)
				return r;
	return NULL;
}

/* 1 when name is a request or a function called before. */
int
kernel_request_known(const char *name)
{
	if (request_find(name) != NULL)
		return 1;
	return request_resolved != NULL &&
	    table_get(request_resolved, name) != NULL;
}

static void
request_call_tramp(void *arg)
{
	struct request_call	*c = arg;

	c->fn(c->args);
}

/* A "Pkg::func" request: call the function with the arguments. */
static void
request_call(const char *srcnode, const char *function,
    struct aemp_val *msg)
{
	struct request_call	 c;
	struct aemp_val		*reason;
	char			*json, *esc;

	if (spawn_resolve(function, 1, &c.fn, &reason) != 0) {
		json = reason != NULL ? aemp_to_json(reason) : NULL;
		esc = request_esc(function);
		log_error("call of %s from %.100s failed: %.300s", esc,
		    srcnode, json != NULL ? json : "?");
		free(esc);
		free(json);
		aemp_unref(reason);
		return;
	}

	if (request_resolved == NULL)
		request_resolved = table_new();
	table_put(request_resolved, function, request_resolved);

	c.args = snd_concat(msg, 2, NULL);
	context_run(NULL, NULL, request_call_tramp, &c);
	aemp_unref(c.args);
}

/*
 * Handle a message to the node port: msg is ["", request, args...],
 * borrowed, from srcnode.
 */
void
kernel_request_dispatch(const char *srcnode, struct aemp_val *msg)
{
	const struct kernel_request	*r;
	const char			*req;
	char				*esc;
	int				 secure;

	if (aemp_len(msg) < 2)
		return;
	if ((req = request_str(msg, 1)) == NULL) {
		log_error("node request from %.100s without a name dropped",
		    srcnode);
		return;
	}

	r = request_find(req);
	if (r == NULL && strstr(req, "::") == NULL) {
		esc = request_esc(req);
		log_debug("unknown node request '%s' from %.100s dropped", esc,
		    srcnode);
		free(esc);
		return;
	}

	/* Spawns and calls are refused by spawn_resolve, which reports. */
	secure = settings_bool("secure", 0);
	if (secure && r != NULL && (r->flags & KERNEL_REQ_NOSECURE)) {
		esc = request_esc(req);
		log_error("'%s' from %.100s refused: this node is secure", esc,
		    srcnode);
		free(esc);
		return;
	}

	if (r != NULL)
		r->fn(srcnode, msg);
	else
		request_call(srcnode, req, msg);
}

/* Forget the added tables and the called functions (shutdown). */
void
kernel_request_free_all(void)
{
	table_free(request_resolved, NULL);
	request_resolved = NULL;
	request_eval_logged = 0;
	request_ntables = 0;
}
