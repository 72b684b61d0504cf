/*
 * load.c: the table of modules, one load per module, failures cached
 * until the file changes, and the resolution of "module::function".
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

struct load_mod {
	char			*name;		/* "Foo::Bar" */
	int			 kind;		/* AEMP_MODULE_* */
	char			*path;		/* the file found */
	struct stat		 st;		/* ... as it was then */
	void			*handle;
	const struct aemp_module *desc;		/* set once loaded */
	int			 error;		/* cached failure, or 0 */
	struct aemp_val		*reason;	/* ... and its reason */
	TAILQ_ENTRY(load_mod)	 entry;
};

TAILQ_HEAD(load_mod_head, load_mod);

static struct load_mod_head load_mods = TAILQ_HEAD_INITIALIZER(load_mods);
static struct load_mod_head load_retired = TAILQ_HEAD_INITIALIZER(load_retired);
static int	 load_running;

static const struct kernel_hooks load_hooks = {
	.resolve = load_resolve
};

/* A ("spawn_failed", kind, text) reason; text is taken over. */
static struct aemp_val *
load_reason(const char *kind, char *text)
{
	struct aemp_val	*v;

	v = aemp_pack("sss", "spawn_failed", kind, text);
	if (v == NULL)
		fatalx("out of memory");
	free(text);
	return (v);
}

/* The text of a reason made by load_reason. */
static const char *
load_reason_text(struct aemp_val *reason)
{
	const char	*s = aemp_str_ptr(aemp_at(reason, 2), NULL);

	return (s != NULL ? s : "?");
}

/* "service" or "plugin", for messages. */
static const char *
load_kind_name(int kind)
{
	switch (kind) {
	case AEMP_MODULE_SERVICE:
		return ("service");
	case AEMP_MODULE_PLUGIN:
		return ("plugin");
	}
	return ("module of unknown kind");
}

/* A printable, bounded copy of a name that may come from the network. */
static char *
load_safe(const char *s)
{
	return (log_escape(s, strlen(s), 100));
}

/* The entry of module name of kind, loaded or failed, or NULL. */
static struct load_mod *
load_lookup(const char *name, int kind)
{
	struct load_mod	*m;

	TAILQ_FOREACH(m, &load_mods, entry) {
		if (m->kind == kind && strcmp(m->name, name) == 0)
			return (m);
	}
	return (NULL);
}

/* Free an entry, unloading its module. */
static void
load_free(struct load_mod *m)
{
	load_dl_close(m->handle);
	aemp_unref(m->reason);
	free(m->path);
	free(m->name);
	free(m);
}

/*
 * Forget a module that failed; the next lookup tries its file again.  One
 * whose load hook ran stays mapped until shutdown, in case it left
 * something behind.
 */
static void
load_forget(struct load_mod *m)
{
	TAILQ_REMOVE(&load_mods, m, entry);
	if (m->handle != NULL)
		TAILQ_INSERT_TAIL(&load_retired, m, entry);
	else
		load_free(m);
}

/* 1 when the file found now is the one a cached failure came from. */
static int
load_same_file(struct load_mod *m, const char *path)
{
	struct stat	 st;

	if (m->path == NULL || strcmp(m->path, path) != 0 ||
	    stat(path, &st) != 0)
		return (0);
	return (st.st_dev == m->st.st_dev && st.st_ino == m->st.st_ino &&
	    st.st_size == m->st.st_size &&
	    st.st_mtim.tv_sec == m->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == m->st.st_mtim.tv_nsec);
}

/*
 * The error text when the descriptor desc in file so does not call
 * itself name (a new string), or NULL when it does.
 */
char *
load_name_mismatch(const char *name, const struct aemp_module *desc,
    const char *so)
{
	char	*text, *safe;

	if (desc->name != NULL && strcmp(desc->name, name) == 0)
		return (NULL);
	safe = desc->name != NULL ? load_safe(desc->name) : NULL;
	xasprintf(&text, "%s calls itself '%s', not '%s'", so,
	    safe != NULL ? safe : "(null)", name);
	free(safe);
	return (text);
}

/* Check a descriptor; the ABI version before anything else in it. */
static int
load_check_desc(struct load_mod *m, const struct aemp_module *desc,
    const char *so, struct aemp_val **reason)
{
	char	*text;

	if (desc->abi_version != AEMP_ABI_VERSION) {
		xasprintf(&text, "%s was built for module ABI %d, this host "
		    "has ABI %d", so, desc->abi_version, AEMP_ABI_VERSION);
		*reason = load_reason("abi_mismatch", text);
		return (AEMP_ERR_ABI);
	}
	if (desc->kind != m->kind) {
		xasprintf(&text, "%s is a %s, not a %s", so,
		    load_kind_name(desc->kind), load_kind_name(m->kind));
		*reason = load_reason("load_failed", text);
		return (AEMP_ERR_TYPE);
	}
	if ((text = load_name_mismatch(m->name, desc, so)) != NULL) {
		*reason = load_reason("load_failed", text);
		return (AEMP_ERR_INVAL);
	}
	return (0);
}

/* Run the module's load hook under its name, then take it into use. */
static int
load_start(struct load_mod *m, const struct aemp_module *desc,
    const char *so, struct aemp_val **reason)
{
	char	*text;
	int	 r = 0;

	if (desc->load != NULL) {
		log_push_prefix(m->name);
		r = desc->load();
		log_pop_prefix();
	}
	if (r != 0) {
		xasprintf(&text, "load hook of module %s returned %d", m->name,
		    r);
		*reason = load_reason("load_failed", text);
		return (AEMP_ERR_STATE);
	}

	if (desc->kind == AEMP_MODULE_PLUGIN && desc->codec != NULL &&
	    codec_register(desc->codec) != 0)
		log_error("plugin %s: codec %.100s not registered", m->name,
		    desc->codec->name != NULL ? desc->codec->name : "?");
	m->desc = desc;
	log_note("module %s loaded from %s", m->name, so);
	return (0);
}

/*
 * Open the file of m found at path in folder dir: file checks, then the
 * loader, the descriptor, the load hook.
 */
static int
load_open(struct load_mod *m, const char *path, const char *dir,
    struct aemp_val **reason)
{
	const struct aemp_module *desc;
	void			*h = NULL;
	char			*so = NULL, *err = NULL;
	size_t			 len = strlen(path);
	int			 r;

	if ((r = load_path_check(path, dir, &err)) != 0) {
		*reason = load_reason("not_allowed", err);
		goto out;
	}
	if (len > 3 && strcmp(path + len - 3, ".la") == 0) {
		if ((r = load_path_la_target(path, &so, &err)) != 0) {
			*reason = load_reason("load_failed", err);
			goto out;
		}
		if ((r = load_path_check(so, dir, &err)) != 0) {
			*reason = load_reason("not_allowed", err);
			goto out;
		}
	} else
		so = xstrdup(path);

	if (load_dl_open(so, &h, &desc, &err) != 0) {
		*reason = load_reason("load_failed", err);
		r = AEMP_ERR_IO;
		goto out;
	}
	if ((r = load_check_desc(m, desc, so, reason)) != 0)
		goto out;

	m->handle = h;
	h = NULL;
	r = load_start(m, desc, so, reason);
out:
	load_dl_close(h);
	free(so);
	return (r);
}

/*
 * Find or load module name of kind.  Returns 0 with *modp set;
 * AEMP_ERR_NOENT with *tried (malloc'd) when no file exists; any other
 * AEMP_ERR_* with *reason (a new reference).
 */
static int
load_get(const char *name, int kind, struct load_mod **modp,
    struct aemp_val **reason, char **tried)
{
	struct load_mod	*m;
	char		*path = NULL, *dir = NULL, *text, *safe;
	int		 r;

	*modp = NULL;
	*reason = NULL;
	*tried = NULL;
	if (!load_running) {
		*reason = load_reason("load_failed",
		    xstrdup("the module loader is not running"));
		return (AEMP_ERR_STATE);
	}
	if (!load_path_valid_name(name)) {
		safe = load_safe(name);
		xasprintf(&text, "invalid module name '%s'", safe);
		free(safe);
		*reason = load_reason("not_allowed", text);
		return (AEMP_ERR_DENIED);
	}

	m = load_lookup(name, kind);
	if (m != NULL && m->desc != NULL) {
		*modp = m;
		return (0);
	}
	if ((r = load_path_find(name, kind, &path, &dir, tried)) != 0) {
		if (m != NULL)
			load_forget(m);
		goto out;
	}
	if (m != NULL && load_same_file(m, path)) {
		*reason = aemp_ref(m->reason);
		r = m->error;
		goto out;
	}
	if (m != NULL)
		load_forget(m);

	m = xcalloc(1, sizeof *m);
	m->name = xstrdup(name);
	m->kind = kind;
	m->path = xstrdup(path);
	if (stat(path, &m->st) != 0)
		memset(&m->st, 0, sizeof m->st);
	TAILQ_INSERT_TAIL(&load_mods, m, entry);

	if ((r = load_open(m, path, dir, reason)) != 0) {
		m->error = r;
		m->reason = aemp_ref(*reason);
	} else
		*modp = m;
out:
	free(path);
	free(dir);
	return (r);
}

/*
 * Load module name of the given kind.  Returns 0 or AEMP_ERR_*; *reason
 * (if not NULL) gets a ("spawn_failed", kind, text) array on failure.
 */
int
load_module(const char *name, int kind, struct aemp_val **reason)
{
	struct load_mod	*m;
	struct aemp_val	*why;
	char		*tried, *text;
	int		 r;

	if (reason != NULL)
		*reason = NULL;
	r = load_get(name, kind, &m, &why, &tried);
	if (r == AEMP_ERR_NOENT && why == NULL) {
		xasprintf(&text, "%s %s not found (tried %s)",
		    kind == AEMP_MODULE_PLUGIN ? "plugin" : "module", name,
		    tried);
		why = load_reason("module_not_found", text);
	}
	free(tried);

	if (reason != NULL)
		*reason = why;
	else
		aemp_unref(why);
	return (r);
}

/* The entry of fn in a module's table, or NULL. */
static const struct aemp_function *
load_function(const struct aemp_module *desc, const char *fn)
{
	const struct aemp_function *f;

	if (desc->functions == NULL)
		return (NULL);
	for (f = desc->functions; f->name != NULL; f++) {
		if (strcmp(f->name, fn) == 0 && f->fn != NULL)
			return (f);
	}
	return (NULL);
}

/* 1 when the "spawn_allow" setting, if any, names function. */
static int
load_allowed(const char *function)
{
	struct aemp_val	*list = settings_get("spawn_allow");
	const char	*s;
	size_t		 i, len;

	if (list == NULL || aemp_type(list) == AEMP_T_NULL)
		return (1);
	for (i = 0; i < aemp_len(list); i++) {
		if ((s = aemp_str_ptr(aemp_at(list, i), &len)) == NULL)
			continue;
		if (strcmp(s, function) == 0)
			return (1);
		if (len >= 3 && strcmp(s + len - 3, "::*") == 0 &&
		    strncmp(s, function, len - 1) == 0)
			return (1);
	}
	return (0);
}

/* Policy before anything is loaded: secure, the name, spawn_allow. */
static int
load_policy(const char *function, int remote, struct aemp_val **reason)
{
	char	*text, *safe;

	if (remote && settings_bool("secure", 0)) {
		*reason = load_reason("not_allowed", xstrdup("this node is "
		    "secure and refuses function calls from the network"));
		return (AEMP_ERR_DENIED);
	}
	if (strncmp(function, "::", 2) == 0) {
		safe = load_safe(function);
		xasprintf(&text, "no function %s is registered on this node",
		    safe);
		free(safe);
		*reason = load_reason("no_such_function", text);
		return (AEMP_ERR_NOENT);
	}
	if (strstr(function, "::") == NULL || !load_path_valid_name(function)) {
		safe = load_safe(function);
		xasprintf(&text, "invalid function name '%s'", safe);
		free(safe);
		*reason = load_reason("not_allowed", text);
		return (AEMP_ERR_DENIED);
	}
	if (remote && !load_allowed(function)) {
		xasprintf(&text, "%.100s is not in spawn_allow", function);
		*reason = load_reason("not_allowed", text);
		return (AEMP_ERR_DENIED);
	}
	return (0);
}

/* Append the candidates of one module to those of the previous ones. */
static void
load_tried_add(char **all, char *tried)
{
	char	*s;

	if (*all == NULL) {
		*all = tried;
		return;
	}
	xasprintf(&s, "%s, %s", *all, tried);
	free(*all);
	free(tried);
	*all = s;
}

/* The reason when no candidate module had the function. */
static struct aemp_val *
load_unresolved(const char *function, const char *first, const char *found,
    const char *fn, const char *tried, int levels)
{
	char	*text;

	if (found != NULL) {
		xasprintf(&text, "module %s has no function %.100s", found,
		    fn);
		return (load_reason("no_such_function", text));
	}
	if (levels == 1)
		xasprintf(&text, "module %s not found (tried %s)", first,
		    tried);
	else
		xasprintf(&text, "no module for %.100s found (tried %s)",
		    function, tried);
	return (load_reason("module_not_found", text));
}

/*
 * Look for fn in module mod.  Returns 0 with *fnp set; AEMP_ERR_NOENT
 * with *tried when the module does not exist; AEMP_ERR_RANGE when it has
 * no such function; any other failure with *reason.
 */
static int
load_resolve_in(const char *mod, const char *fn, int remote,
    aemp_init_cb *fnp, struct aemp_val **reason, char **tried)
{
	const struct aemp_function *f;
	struct load_mod	*m;
	char		*text;
	int		 r;

	if ((r = load_get(mod, AEMP_MODULE_SERVICE, &m, reason, tried)) != 0)
		return (r);
	if ((f = load_function(m->desc, fn)) == NULL)
		return (AEMP_ERR_RANGE);

	if (remote && (f->flags & AEMP_FN_REMOTE) == 0) {
		xasprintf(&text, "%s::%.100s is not callable from the network",
		    mod, fn);
		*reason = load_reason("not_allowed", text);
		return (AEMP_ERR_DENIED);
	}
	*fnp = f->fn;
	return (0);
}

/* The last "::" in s, or NULL. */
static char *
load_last_sep(char *s)
{
	char	*p, *last = NULL;

	for (p = s; (p = strstr(p, "::")) != NULL; p += 2)
		last = p;
	return (last);
}

/*
 * Resolve "A::B::f" to an init function, as the kernel's resolve hook:
 * try module A::B, then A (PROTOCOL.md 7.1).  A missing module is no
 * error while a shorter one is left; any other failure ends the search.
 * The caller logs failures (the kernel does for spawns).
 */
int
load_resolve(const char *function, int remote, aemp_init_cb *fnp,
    struct aemp_val **reason)
{
	char		*mod = NULL, *cut, *tried, *all = NULL, *found = NULL;
	char		*first = NULL;
	const char	*fn, *found_fn = NULL;
	int		 r, levels = 0;

	*fnp = NULL;
	*reason = NULL;
	if ((r = load_policy(function, remote, reason)) != 0)
		goto out;

	mod = xstrdup(function);
	while ((cut = load_last_sep(mod)) != NULL) {
		*cut = '\0';
		fn = function + (cut - mod) + 2;
		if (levels++ == 0)
			first = xstrdup(mod);

		r = load_resolve_in(mod, fn, remote, fnp, reason, &tried);
		if (r == AEMP_ERR_NOENT)
			load_tried_add(&all, tried);
		else if (r == AEMP_ERR_RANGE && found == NULL) {
			found = xstrdup(mod);
			found_fn = fn;
		} else if (r != AEMP_ERR_RANGE)
			break;
	}
	if (r == AEMP_ERR_NOENT || r == AEMP_ERR_RANGE) {
		*reason = load_unresolved(function, first, found, found_fn,
		    all, levels);
		r = AEMP_ERR_NOENT;
	}
out:
	free(mod);
	free(first);
	free(found);
	free(all);
	return (r);
}

/* The descriptor of module name of kind if it is loaded, else NULL. */
const struct aemp_module *
load_loaded(const char *name, int kind)
{
	struct load_mod	*m = load_lookup(name, kind);

	return (m != NULL ? m->desc : NULL);
}

/* Load a plugin providing framing codec name; 0 when it is registered. */
int
load_codec(const char *name)
{
	struct aemp_val	*reason;
	int		 r;

	if (codec_find(name) != NULL)
		return (0);
	if ((r = load_module(name, AEMP_MODULE_PLUGIN, &reason)) != 0) {
		log_error("codec %.100s: %s", name, load_reason_text(reason));
		aemp_unref(reason);
		return (r);
	}
	if (codec_find(name) == NULL) {
		log_error("plugin %s provides no codec %s", name, name);
		return (AEMP_ERR_NOENT);
	}
	return (0);
}

/* Load every plugin named in list (array of names); failures logged. */
int
load_plugins(struct aemp_val *list)
{
	struct aemp_val	*reason;
	const char	*name;
	size_t		 i;
	int		 r, ret = 0;

	for (i = 0; i < aemp_len(list); i++) {
		if ((name = aemp_str_ptr(aemp_at(list, i), NULL)) == NULL) {
			log_error("plugins: entry %zu is not a name", i);
			ret = AEMP_ERR_TYPE;
			continue;
		}
		r = load_module(name, AEMP_MODULE_PLUGIN, &reason);
		if (r != 0) {
			log_error("plugin %.100s: %s", name,
			    load_reason_text(reason));
			aemp_unref(reason);
			ret = r;
		}
	}
	return (ret);
}

/* Start the loader and install the kernel's resolve hook. */
int
load_init(void)
{
	int	r;

	if (load_running)
		return (AEMP_ERR_STATE);
	if ((r = load_dl_init()) != 0)
		return (r);
	kernel_set_hooks(&load_hooks);
	load_running = 1;
	return (0);
}

/*
 * Run the unload hooks, newest module first, unload the modules and stop
 * libltdl.  Called after the network and the database stopped and before
 * the kernel frees its ports, which run no callback any more.
 */
void
load_shutdown(void)
{
	struct load_mod	*m;

	if (!load_running)
		return;
	while ((m = TAILQ_LAST(&load_mods, load_mod_head)) != NULL) {
		if (m->desc != NULL && m->desc->unload != NULL) {
			log_push_prefix(m->name);
			m->desc->unload();
			log_pop_prefix();
		}
		TAILQ_REMOVE(&load_mods, m, entry);
		load_free(m);
	}
	while ((m = TAILQ_FIRST(&load_retired)) != NULL) {
		TAILQ_REMOVE(&load_retired, m, entry);
		load_free(m);
	}
	load_dl_exit();
	load_running = 0;
}
