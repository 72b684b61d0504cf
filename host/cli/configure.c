/*
 * aemp_configure: turn the process into a networked node.  Reads the
 * config file, merges it with the arguments, computes the node ID and
 * starts the layers in order; aemp_shutdown stops them in reverse.
 */

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* How far the start got, so shutdown stops exactly what runs. */
#define CONFIGURE_S_NONE	0
#define CONFIGURE_S_SETTINGS	1
#define CONFIGURE_S_LOAD	2
#define CONFIGURE_S_NET		3
#define CONFIGURE_S_DB		4

static int	 configure_called;
static int	 configure_stage;
static int	 configure_shut;

struct configure_key {
	const char	*name;
	int		 kind;
};

static const struct configure_key configure_keys[] = {
	{ "profile",		CONFIGURE_K_STRING },
	{ "nodeid",		CONFIGURE_K_STRING },
	{ "secret",		CONFIGURE_K_STRING },
	{ "cert",		CONFIGURE_K_STRING },
	{ "parent",		CONFIGURE_K_STRING },
	{ "eval",		CONFIGURE_K_STRING },
	{ "binds",		CONFIGURE_K_LIST },
	{ "seeds",		CONFIGURE_K_LIST },
	{ "services",		CONFIGURE_K_LIST },
	{ "framing_format",	CONFIGURE_K_LIST },
	{ "auth_offer",		CONFIGURE_K_LIST },
	{ "auth_accept",	CONFIGURE_K_LIST },
	{ "module_path",	CONFIGURE_K_LIST },
	{ "plugins",		CONFIGURE_K_LIST },
	{ "spawn_allow",	CONFIGURE_K_LIST },
	{ NULL,			0 }
};

/* What kind of value a config key holds (CONFIGURE_K_*). */
int
configure_kind(const char *key)
{
	const struct configure_key	*k;

	for (k = configure_keys; k->name != NULL; k++) {
		if (strcmp(k->name, key) == 0)
			return k->kind;
	}
	return CONFIGURE_K_SCALAR;
}

/* The comma-separated parts of text, empty ones left out. */
static struct aemp_val *
configure_split(const char *text, size_t len)
{
	struct aemp_val	*list;
	const char	*p, *end = text + len, *comma;

	list = aemp_array_new(4);
	for (p = text; p < end; p = comma + 1) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		if (comma > p)
			aemp_array_push(list,
			    aemp_str_n(p, (size_t)(comma - p)));
	}
	return list;
}

static struct aemp_val *
configure_json(const char *text)
{
	struct aemp_val	*v = NULL;

	if (aemp_from_json(text, strlen(text), &v, NULL) != 0)
		return NULL;
	return v;
}

/*
 * The value of key given as text: JSON for lists, numbers and booleans,
 * else a plain string; a plain string for a list key is split at commas.
 * Returns a new reference, or NULL for a list key with invalid JSON.
 */
struct aemp_val *
configure_value(const char *key, const char *text)
{
	struct aemp_val	*v;

	switch (configure_kind(key)) {
	case CONFIGURE_K_STRING:
		if (*text == '"' && (v = configure_json(text)) != NULL &&
		    aemp_type(v) == AEMP_T_STR)
			return v;
		return aemp_str(text);
	case CONFIGURE_K_LIST:
		if (*text == '[')
			return configure_json(text);
		return configure_split(text, strlen(text));
	default:
		if ((v = configure_json(text)) != NULL)
			return v;
		return aemp_str(text);
	}
}

/*
 * Bring a value into the shape its key wants: a string for a list key
 * becomes the list of its comma-separated parts.  Takes over v's
 * reference and returns a new one.
 */
struct aemp_val *
configure_normalize(const char *key, struct aemp_val *v)
{
	struct aemp_val	*list;
	const char	*s;
	size_t		 len;

	if (configure_kind(key) != CONFIGURE_K_LIST ||
	    (s = aemp_str_ptr(v, &len)) == NULL)
		return v;
	list = configure_split(s, len);
	aemp_unref(v);
	return list;
}

/* 0 when v has the type key wants, else AEMP_ERR_TYPE. */
int
configure_check(const char *key, const struct aemp_val *v)
{
	switch (configure_kind(key)) {
	case CONFIGURE_K_STRING:
		return aemp_type(v) == AEMP_T_STR ? 0 : AEMP_ERR_TYPE;
	case CONFIGURE_K_LIST:
		return aemp_type(v) == AEMP_T_ARRAY ? 0 : AEMP_ERR_TYPE;
	default:
		return 0;
	}
}

static void
configure_append(char **buf, size_t *len, size_t *cap, const char *s,
    size_t n)
{
	while (*len + n + 1 > *cap) {
		*cap = *cap * 2 + 16;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/*
 * The node ID (PROTOCOL.md 5): nodeid, or "<profile>/" when it is NULL;
 * %n becomes the host name, %u and the end after a trailing '/' a fresh
 * RUNIQ.  *randomized tells whether a RUNIQ went in.  Returns a malloc'd
 * string, or NULL for an empty ID or one holding '#'.
 */
char *
configure_node_id(const char *nodeid, const char *profile, int *randomized)
{
	char		 runiq[11], *id = NULL, *base = NULL;
	const char	*p, *host = util_hostname();
	size_t		 len = 0, cap = 0;

	*randomized = 0;
	if (nodeid == NULL)
		xasprintf(&base, "%s/", profile);
	else
		base = xstrdup(nodeid);
	random_runiq(runiq);
	configure_append(&id, &len, &cap, "", 0);

	for (p = base; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'n') {
			configure_append(&id, &len, &cap, host, strlen(host));
			p++;
		} else if (p[0] == '%' && p[1] == 'u') {
			configure_append(&id, &len, &cap, runiq, 10);
			*randomized = 1;
			p++;
		} else
			configure_append(&id, &len, &cap, p, 1);
	}
	if (len > 0 && id[len - 1] == '/') {
		configure_append(&id, &len, &cap, runiq, 10);
		*randomized = 1;
	}
	free(base);

	if (len == 0 || strchr(id, '#') != NULL) {
		free(id);
		return NULL;
	}
	return id;
}

/*
 * The arguments with every value in its key's shape, as a new map, or
 * NULL (logged) when one has the wrong type or makes no sense.
 */
static struct aemp_val *
configure_args(const struct aemp_val *args)
{
	struct aemp_val	*out, *v;
	const char	*k;
	char		*why;
	size_t		 i, klen;

	out = aemp_map_new(aemp_len(args));
	for (i = 0; i < aemp_len(args); i++) {
		k = aemp_map_key_at(args, i, &klen);
		v = configure_normalize(k, aemp_ref(aemp_map_val_at(args, i)));
		if (config_check_value(k, v, &why) != 0) {
			log_error("configure: argument %.100s: %s", k, why);
			free(why);
			aemp_unref(v);
			aemp_unref(out);
			return NULL;
		}
		aemp_map_put_n(out, k, klen, v);
	}
	return out;
}

/* The merged settings of profile, without the profile table. */
static int
configure_merge(struct aemp_val *args, const char *profile,
    struct aemp_val **out)
{
	struct config	 cfg;
	struct aemp_val	*merged;
	char		*err = NULL;
	int		 norc, force, r;

	*out = NULL;
	memset(&cfg, 0, sizeof cfg);
	norc = aemp_truthy(aemp_map_get(args, "norc"));
	force = aemp_truthy(aemp_map_get(args, "force"));

	if (!norc && ((r = config_load(&cfg, &err)) != 0 ||
	    (r = config_check_file(&cfg, profile, &err)) != 0)) {
		log_error("%s", err);
		free(err);
		config_free(&cfg);
		return r;
	}
	merged = config_profile(norc ? NULL : &cfg, profile, args, force);
	config_free(&cfg);

	*out = config_map_with(merged, "profile", NULL);
	aemp_unref(merged);
	return 0;
}

/* Compute the node ID and hand it to the kernel and log. */
static int
configure_set_node(const char *profile)
{
	struct aemp_val	*v;
	const char	*nodeid = NULL;
	char		*node;
	int		 randomized;

	if ((v = settings_get("nodeid")) != NULL &&
	    (nodeid = aemp_str_ptr(v, NULL)) == NULL) {
		log_error("configure: nodeid must be a string");
		return AEMP_ERR_TYPE;
	}
	if ((node = configure_node_id(nodeid, profile, &randomized)) == NULL) {
		log_error("configure: \"%.100s\": illegal node ID",
		    nodeid != NULL ? nodeid : "");
		return AEMP_ERR_INVAL;
	}

	kernel_set_node(node, randomized ? "" : NULL);
	log_set_node(node);
	log_note("node %s starting", node);
	free(node);
	return 0;
}

/* Listen on the binds, then start the database client. */
static int
configure_listen(void)
{
	struct aemp_val	*binds, *seeds, *addrs = NULL, *none;
	int		 r;

	none = aemp_array_new(0);
	if ((binds = settings_get("binds")) == NULL) {
		binds = aemp_array_new(1);
		aemp_array_push(binds, aemp_str("*"));
	} else
		aemp_ref(binds);

	if ((r = net_listen(binds, &addrs)) != 0) {
		log_error_r(r, "configure: cannot listen");
		goto out;
	}

	if ((r = db_init()) != 0) {
		log_error_r(r, "configure: database");
		goto out;
	}
	configure_stage = CONFIGURE_S_DB;
	if ((seeds = settings_get("seeds")) == NULL)
		seeds = none;
	if ((r = db_start(seeds, addrs != NULL ? addrs : none)) != 0)
		log_error_r(r, "configure: cannot start the database client");

out:
	aemp_unref(binds);
	aemp_unref(addrs);
	aemp_unref(none);
	return r;
}

/* Whether name is one of the framing_format entries. */
static int
configure_is_codec(const char *name)
{
	struct aemp_val	*ff = settings_get("framing_format");
	size_t		 i;

	for (i = 0; i < aemp_len(ff); i++) {
		if (aemp_str_ptr(aemp_at(ff, i), NULL) != NULL &&
		    strcmp(aemp_str_ptr(aemp_at(ff, i), NULL), name) == 0)
			return 1;
	}
	return 0;
}

/* Load the plugins the settings list; failures are logged. */
static void
configure_plugins(void)
{
	struct aemp_val	*plugins = settings_get("plugins"), *reason = NULL;
	const char	*name;
	size_t		 i;
	int		 r;

	for (i = 0; i < aemp_len(plugins); i++) {
		if ((name = aemp_str_ptr(aemp_at(plugins, i), NULL)) == NULL) {
			log_error("configure: plugins: entry %zu is no name",
			    i);
			continue;
		}
		if (configure_is_codec(name))
			r = load_codec(name);
		else
			r = load_module(name, AEMP_MODULE_PLUGIN, &reason);
		if (r != 0)
			log_error_r(r, "configure: plugin %.100s", name);
		aemp_unref(reason);
		reason = NULL;
	}
}

/* Start the layers above the settings, in order. */
static int
configure_start(const char *profile)
{
	struct aemp_val	*services;
	int		 r;

	if ((r = configure_set_node(profile)) != 0)
		return r;
	if ((r = load_init()) != 0) {
		log_error_r(r, "configure: module loader");
		return r;
	}
	configure_stage = CONFIGURE_S_LOAD;

	if ((r = net_init(kernel_base())) != 0) {
		log_error_r(r, "configure: network");
		return r;
	}
	configure_stage = CONFIGURE_S_NET;
	if ((r = configure_listen()) != 0)
		return r;

	configure_plugins();
	if ((services = settings_get("services")) != NULL &&
	    (r = load_services(services)) != 0)
		log_error_r(r, "configure: services");
	if (settings_get("eval") != NULL)
		log_warn("configure: ignoring \"eval\", a Perl-only key");
	return 0;
}

/*
 * aemp_configure with the pairs in a map (borrowed).  Only the first
 * call of either form does anything.
 */
int
aemp_configure_map(const struct aemp_val *args)
{
	struct aemp_val	*norm, *merged = NULL;
	const char	*profile;
	int		 r;

	if (configure_called)
		return AEMP_ERR_STATE;
	configure_called = 1;
	log_init();

	if ((norm = configure_args(args)) == NULL)
		return AEMP_ERR_TYPE;
	if ((profile = aemp_str_ptr(aemp_map_get(norm, "profile"),
	    NULL)) == NULL)
		profile = util_hostname();
	if ((r = configure_merge(norm, profile, &merged)) != 0)
		goto out;

	settings_set(merged);
	merged = NULL;
	configure_stage = CONFIGURE_S_SETTINGS;
	r = configure_start(profile);

out:
	aemp_unref(merged);
	aemp_unref(norm);
	return r;
}

/*
 * Turn the process into a node: pairs of key and value texts ended by
 * NULL; a lone first key names the profile, as in the reference.
 */
int
aemp_configure(const char *key, ...)
{
	struct aemp_val	*args, *v;
	const char	*k, *text;
	va_list		 ap;
	int		 r = 0;

	args = aemp_map_new(8);
	va_start(ap, key);
	for (k = key; k != NULL; k = va_arg(ap, const char *)) {
		if ((text = va_arg(ap, const char *)) == NULL) {
			if (k == key)
				aemp_map_put(args, "profile", aemp_str(k));
			else
				r = AEMP_ERR_INVAL;
			break;
		}
		if ((v = configure_value(k, text)) == NULL) {
			log_error("configure: %.100s: invalid JSON list", k);
			r = AEMP_ERR_PARSE;
			break;
		}
		aemp_map_put(args, k, v);
	}
	va_end(ap);

	if (r == 0)
		r = aemp_configure_map(args);
	else
		log_error_r(r, "configure: bad arguments");
	aemp_unref(args);
	return r;
}

/* Stop what aemp_configure started, in reverse order. */
void
aemp_shutdown(void)
{
	if (configure_shut)
		return;
	configure_shut = 1;

	if (configure_stage >= CONFIGURE_S_DB)
		db_shutdown();
	if (configure_stage >= CONFIGURE_S_NET)
		net_shutdown();
	if (configure_stage >= CONFIGURE_S_LOAD)
		load_shutdown();
	kernel_shutdown();
	settings_free();
	configure_stage = CONFIGURE_S_NONE;
}
