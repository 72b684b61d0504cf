/*
 * Spawning: the caller invents the port name, the target node resolves
 * the init function and runs it in the new port's context.  A spawn
 * that could not run its function, or whose function died, is
 * remembered for monitor_timeout seconds, so that monitors of the port
 * learn the real reason.
 */

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

struct spawn_fn {
	aemp_init_cb	 fn;
};

struct spawn_failed {
	char			*name;
	struct aemp_val		*reason;
	struct aemp_guard	*timer;
};

struct spawn_call {
	aemp_init_cb	 fn;
	struct aemp_val	*args;
};

static struct table	*spawn_registered;	/* "name" -> spawn_fn */
static struct table	*spawn_failures;	/* port name -> spawn_failed */
static struct table	*spawn_pendings;	/* port name -> itself */

static struct table *
spawn_table(struct table **t)
{
	if (*t == NULL)
		*t = table_new();
	return *t;
}

/* The name after "::" or "main::" of a function of the program, or NULL. */
static const char *
spawn_main_name(const char *function)
{
	if (strncmp(function, "::", 2) == 0)
		return function + 2;
	if (strncmp(function, "main::", 6) == 0)
		return function + 6;
	return NULL;
}

/* Make "::name" spawnable and callable on this node. */
int
aemp_register(const char *name, aemp_init_cb fn)
{
	struct spawn_fn	*f;
	const char	*n;

	if ((n = spawn_main_name(name)) == NULL)
		n = name;
	if (*n == '\0' || strstr(n, "::") != NULL || fn == NULL)
		return AEMP_ERR_INVAL;
	if (table_get(spawn_table(&spawn_registered), n) != NULL)
		return AEMP_ERR_EXISTS;

	f = xcalloc(1, sizeof *f);
	f->fn = fn;
	table_put(spawn_registered, n, f);
	return 0;
}

static int
spawn_allowed(const char *function)
{
	struct aemp_val	*allow = settings_get("spawn_allow");
	const char	*s, *n = spawn_main_name(function);
	size_t		 i, len;

	if (allow == NULL || aemp_type(allow) != AEMP_T_ARRAY)
		return 1;
	for (i = 0; i < aemp_len(allow); i++) {
		if ((s = aemp_str_ptr(aemp_at(allow, i), &len)) == NULL)
			continue;
		if (strcmp(s, function) == 0 || strcmp(s, "::*") == 0 ||
		    strcmp(s, "main::*") == 0)
			return 1;
		if (n != NULL && strncmp(s, "::", 2) == 0 &&
		    strcmp(s + 2, n) == 0)
			return 1;
	}
	return 0;
}

static struct aemp_val *spawn_reason(const char *, const char *, ...)
    printflike(2, 3);

static struct aemp_val *
spawn_reason(const char *kind, const char *fmt, ...)
{
	struct aemp_val	*r;
	va_list		 ap;
	char		*text;

	va_start(ap, fmt);
	if (xvasprintf(&text, fmt, ap) < 0)
		text = xstrdup(fmt);
	va_end(ap);

	r = aemp_array_new(3);
	aemp_array_push(r, aemp_str("spawn_failed"));
	aemp_array_push(r, aemp_str(kind));
	aemp_array_push(r, aemp_str(text));
	free(text);
	return r;
}

/*
 * Resolve function for a spawn or a call: "::name" from the program's
 * own table, anything else through the loader hook.  Returns 0, or an
 * AEMP_ERR_* code with *reason a new ("spawn_failed", kind, text).
 */
int
spawn_resolve(const char *function, int remote, aemp_init_cb *fn,
    struct aemp_val **reason)
{
	const struct kernel_hooks	*h = kernel_get_hooks();
	struct spawn_fn			*f;
	const char			*n;

	*fn = NULL;
	*reason = NULL;
	if (remote && settings_bool("secure", 0)) {
		*reason = spawn_reason("not_allowed", "this node is secure "
		    "and refuses '%.100s' from the network", function);
		return AEMP_ERR_DENIED;
	}
	if ((n = spawn_main_name(function)) == NULL) {
		if (h->resolve != NULL)
			return h->resolve(function, remote, fn, reason);
		*reason = spawn_reason("module_not_found",
		    "no module loader to resolve '%.100s'", function);
		return AEMP_ERR_NOENT;
	}

	f = table_get(spawn_table(&spawn_registered), n);
	if (f == NULL) {
		*reason = spawn_reason("no_such_function",
		    "unable to resolve function '%.100s'", function);
		return AEMP_ERR_NOENT;
	}
	if (remote && !spawn_allowed(function)) {
		*reason = spawn_reason("not_allowed",
		    "'%.100s' is not in spawn_allow", function);
		return AEMP_ERR_DENIED;
	}
	*fn = f->fn;
	return 0;
}

static void
spawn_failed_free(void *arg)
{
	struct spawn_failed	*sf = arg;

	aemp_guard_free(sf->timer);
	aemp_unref(sf->reason);
	free(sf->name);
	free(sf);
}

static void
spawn_forget(void *arg)
{
	struct spawn_failed	*sf = arg;

	table_del(spawn_failures, sf->name);
	spawn_failed_free(sf);
}

/* Remember why the spawn of port name came to nothing. */
static void
spawn_remember(const char *name, struct aemp_val *reason)
{
	struct spawn_failed	*sf;
	double			 keep = settings_number("monitor_timeout", 30);

	if ((sf = table_del(spawn_table(&spawn_failures), name)) != NULL)
		spawn_failed_free(sf);
	sf = xcalloc(1, sizeof *sf);
	sf->name = xstrdup(name);
	sf->reason = aemp_ref(reason);
	sf->timer = timer_after(keep, spawn_forget, sf, NULL, NULL);
	table_put(spawn_failures, name, sf);
}

static void
spawn_fail(const char *name, const char *function, struct aemp_val *reason)
{
	char	*json, *efn, *ename;

	json = aemp_to_json(reason);
	efn = log_escape(function, strlen(function), 100);
	ename = log_escape(name, strlen(name), 100);
	log_error("spawn of %s as %s failed: %.300s", efn, ename,
	    json != NULL ? json : "?");
	free(ename);
	free(efn);
	free(json);

	spawn_remember(name, reason);
}

static void
spawn_call_tramp(void *arg)
{
	struct spawn_call	*c = arg;

	c->fn(c->args);
}

/*
 * Create the port name on this node by running function(args) in its
 * context.  remote is 1 for a request from the network.  Returns 0 or
 * AEMP_ERR_*; failures are logged and remembered for monitors.
 */
int
spawn_run(const char *name, const char *function, struct aemp_val *args,
    int remote)
{
	struct spawn_call	 c;
	struct aemp_val		*reason;
	char			*id;
	int			 r;

	if (*name == '\0' || port_exists(name)) {
		id = log_escape(name, strlen(name), 100);
		log_error("spawn: port name '%s' is in use", id);
		free(id);
		return AEMP_ERR_EXISTS;
	}

	if ((r = spawn_resolve(function, remote, &c.fn, &reason)) != 0) {
		if (reason == NULL)
			reason = spawn_reason("no_such_function",
			    "unable to resolve function '%.100s'", function);
		spawn_fail(name, function, reason);
		aemp_unref(reason);
		return r;
	}

	table_put(spawn_table(&spawn_pendings), name, spawn_pendings);
	c.args = args;
	xasprintf(&id, "%s#%s", kernel_node(), name);
	aemp_unref(context_take_death());
	if (context_run(id, name, spawn_call_tramp, &c) != 0 &&
	    (reason = context_take_death()) != NULL) {
		spawn_remember(name, reason);
		aemp_unref(reason);
	}
	free(id);
	table_del(spawn_pendings, name);
	return 0;
}

static void
spawn_job(struct job *j)
{
	table_del(spawn_table(&spawn_pendings), j->name);
	spawn_run(j->name, j->function, j->val, 0);
}

/* Spawn function(args...) on node; returns the new port ID at once. */
char *
aemp_spawnv(const char *node, const char *function, struct aemp_val *args)
{
	struct aemp_val	*head, *msg;
	struct job	*j;
	const char	*rest;
	char		*name, *id, *nid;
	int		 len;

	if (kernel_null_arg("spawn", "node", node))
		return NULL;
	if (function == NULL || strstr(function, "::") == NULL) {
		log_error("spawn: '%.100s' is not a module::function name",
		    function != NULL ? function : "(null)");
		return NULL;
	}
	len = nodes_split(node, &rest);
	nid = xstrndup(node, (size_t)len);
	name = port_new_name(1);
	xasprintf(&id, "%s#%s", nid, name);

	if (nodes_is_self(nid, (size_t)len)) {
		table_put(spawn_table(&spawn_pendings), name, spawn_pendings);
		j = queue_job(spawn_job, name, args != NULL ?
		    aemp_ref(args) : aemp_array_new(0));
		j->function = xstrdup(function);
	} else {
		head = aemp_pack("sss", "AnyEvent::MP::_spawn", name,
		    function);
		msg = snd_concat(head, 0, args);
		snd_node(nid, "", msg);
		aemp_unref(msg);
		aemp_unref(head);
	}
	free(name);
	free(nid);
	return id;
}

/* Spawn with arguments built from fmt (NULL: none). */
char *
aemp_spawn(const char *node, const char *function, const char *fmt, ...)
{
	struct aemp_val	*args;
	va_list		 ap;
	char		*id;

	if (fmt != NULL) {
		va_start(ap, fmt);
		args = aemp_vpack(fmt, ap);
		va_end(ap);
		if (args == NULL) {
			log_error("spawn %.100s: bad pack format",
			    function != NULL ? function : "(null)");
			return NULL;
		}
	} else
		args = aemp_array_new(0);

	id = aemp_spawnv(node, function, args);
	aemp_unref(args);
	return id;
}

/* 1 while the port name may still be created by its spawn. */
int
spawn_pending(const char *name)
{
	return spawn_pendings != NULL && table_get(spawn_pendings, name) !=
	    NULL;
}

/* The reason a recent spawn of port name failed (borrowed), or NULL. */
struct aemp_val *
spawn_failure(const char *name)
{
	struct spawn_failed	*sf;

	if (spawn_failures == NULL)
		return NULL;
	sf = table_get(spawn_failures, name);
	return sf == NULL ? NULL : sf->reason;
}

static void
spawn_free_fn(void *arg)
{
	free(arg);
}

/* Forget registrations, failures and pending spawns (shutdown). */
void
spawn_free_all(void)
{
	table_free(spawn_registered, spawn_free_fn);
	spawn_registered = NULL;
	table_free(spawn_failures, spawn_failed_free);
	spawn_failures = NULL;
	table_free(spawn_pendings, NULL);
	spawn_pendings = NULL;
}
