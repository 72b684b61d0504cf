/*
 * config-check.c: whether config values make sense, so that a bad one
 * is refused where it enters (an aemp setter, configure's arguments, the
 * file read at start-up) with a message naming it, instead of breaking
 * something later.  Keys without a rule here take any value of the
 * right type.
 */

#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CONFIG_CHECK_NUMBER	1
#define CONFIG_CHECK_BOOL	2
#define CONFIG_CHECK_NODEID	3
#define CONFIG_CHECK_BIND	4
#define CONFIG_CHECK_SEED	5
#define CONFIG_CHECK_NAMES	6

#define CONFIG_CHECK_SECONDS	86400.0		/* longest timing */
#define CONFIG_CHECK_DEPTH	64		/* parent links followed */

struct config_check_rule {
	const char		*key;
	int			 kind;
	const char		*want;		/* what the value must be */
	double			 min;		/* numbers */
	double			 max;
	int			 open;		/* min itself excluded */
	int			 integer;
	const char *const	*names;		/* CONFIG_CHECK_NAMES */
};

/* "storable" is Perl's own: a file shared with Perl nodes may name it. */
static const char *const config_check_codecs[] = {
	"json", "cbor", "storable", NULL
};

static const char *const config_check_auths[] = {
	"tls_sha3_512", "hmac_sha3_512", "tls_anon", "cleartext", NULL
};

static const struct config_check_rule config_check_rules[] = {
	{ "heartbeat", CONFIG_CHECK_NUMBER,
	    "a number of seconds from 0 (off) to 86400",
	    0, CONFIG_CHECK_SECONDS, 0, 0, NULL },
	{ "monitor_timeout", CONFIG_CHECK_NUMBER,
	    "a number of seconds above 0, at most 86400",
	    0, CONFIG_CHECK_SECONDS, 1, 0, NULL },
	{ "connect_interval", CONFIG_CHECK_NUMBER,
	    "a number of seconds above 0, at most 86400",
	    0, CONFIG_CHECK_SECONDS, 1, 0, NULL },
	{ "max_frame", CONFIG_CHECK_NUMBER,
	    "a whole number of bytes from 1024 to 1073741824",
	    1024, 1073741824.0, 0, 1, NULL },
	{ "max_queue", CONFIG_CHECK_NUMBER,
	    "a whole number of bytes from 1024 to 17179869184",
	    1024, 17179869184.0, 0, 1, NULL },
	{ "secure", CONFIG_CHECK_BOOL, "0, 1, true or false",
	    0, 0, 0, 0, NULL },
	{ "autocork", CONFIG_CHECK_BOOL, "0, 1, true or false",
	    0, 0, 0, 0, NULL },
	{ "nodelay", CONFIG_CHECK_BOOL, "0, 1, true or false",
	    0, 0, 0, 0, NULL },
	{ "nodeid", CONFIG_CHECK_NODEID, "a node ID", 0, 0, 0, 0, NULL },
	{ "binds", CONFIG_CHECK_BIND,
	    "HOST:PORT, HOST or *, HOST being *, a name, an IPv4 address "
	    "or [IPv6], PORT 1-65535 or *", 0, 0, 0, 0, NULL },
	{ "seeds", CONFIG_CHECK_SEED,
	    "HOST:PORT or a bare PORT, HOST being *, a name, an IPv4 "
	    "address or [IPv6], PORT 1-65535", 0, 0, 0, 0, NULL },
	{ "framing_format", CONFIG_CHECK_NAMES, "json, cbor or storable",
	    0, 0, 0, 0, config_check_codecs },
	{ "auth_offer", CONFIG_CHECK_NAMES,
	    "tls_sha3_512, hmac_sha3_512, tls_anon or cleartext",
	    0, 0, 0, 0, config_check_auths },
	{ "auth_accept", CONFIG_CHECK_NAMES,
	    "tls_sha3_512, hmac_sha3_512, tls_anon or cleartext",
	    0, 0, 0, 0, config_check_auths },
	{ NULL, 0, NULL, 0, 0, 0, 0, NULL }
};

static const struct config_check_rule *
config_check_rule(const char *key)
{
	const struct config_check_rule	*r;

	for (r = config_check_rules; r->key != NULL; r++) {
		if (strcmp(r->key, key) == 0)
			return r;
	}
	return NULL;
}

/* Report that v is not what rule wants (or why); AEMP_ERR_INVAL. */
static int
config_check_fail(const struct config_check_rule *rule,
    const struct aemp_val *v, const char *why, char **whyp)
{
	char	*json = aemp_to_json(v);

	if (why != NULL)
		xasprintf(whyp, "%.100s%s: %s", json != NULL ? json : "?",
		    json != NULL && strlen(json) > 100 ? "..." : "", why);
	else
		xasprintf(whyp, "%.100s%s: must be %s",
		    json != NULL ? json : "?",
		    json != NULL && strlen(json) > 100 ? "..." : "",
		    rule->want);
	free(json);
	return AEMP_ERR_INVAL;
}

/* A number in range; a decimal string counts (the reference's files). */
static int
config_check_number(const struct config_check_rule *rule,
    const struct aemp_val *v, char **whyp)
{
	double	 d;
	int	 ok;

	if (aemp_type(v) == AEMP_T_BOOL)
		return config_check_fail(rule, v, NULL, whyp);
	d = aemp_as_double(v, &ok);
	if (!ok || d != d || d < rule->min || (rule->open && d == rule->min) ||
	    d > rule->max || (rule->integer && d != (double)(int64_t)d))
		return config_check_fail(rule, v, NULL, whyp);
	return 0;
}

/* true, false, 0 or 1, as JSON or (the reference's files) "0" and "1". */
static int
config_check_bool(const struct config_check_rule *rule,
    const struct aemp_val *v, char **whyp)
{
	const char	*s;
	double		 d;
	int		 ok;

	switch (aemp_type(v)) {
	case AEMP_T_BOOL:
		return 0;
	case AEMP_T_INT:
	case AEMP_T_DOUBLE:
		d = aemp_as_double(v, &ok);
		if (ok && (d == 0 || d == 1))
			return 0;
		break;
	case AEMP_T_STR:
		s = aemp_str_ptr(v, NULL);
		if (strcmp(s, "0") == 0 || strcmp(s, "1") == 0)
			return 0;
		break;
	default:
		break;
	}
	return config_check_fail(rule, v, NULL, whyp);
}

/* Whether s (len bytes) holds a control character. */
static int
config_check_has_control(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	}
	return 0;
}

/* Not empty, no '#' (it starts the port name), no control characters. */
static int
config_check_nodeid(const struct config_check_rule *rule,
    const struct aemp_val *v, char **whyp)
{
	const char	*s;
	size_t		 len;

	if ((s = aemp_str_ptr(v, &len)) == NULL)
		return config_check_fail(rule, v, "must be a string", whyp);
	if (len == 0)
		return config_check_fail(rule, v, "a node ID cannot be empty",
		    whyp);
	if (memchr(s, '#', len) != NULL)
		return config_check_fail(rule, v, "a node ID cannot contain "
		    "'#' (it separates the node from the port name)", whyp);
	if (config_check_has_control(s, len) || strlen(s) != len)
		return config_check_fail(rule, v, "a node ID cannot contain "
		    "control characters", whyp);
	return 0;
}

/* "*", "[IPv6]", an IPv4 address, or a host name. */
static int
config_check_host(const char *host)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	char		*inner;
	size_t		 len = strlen(host);
	int		 ok;

	if (strcmp(host, "*") == 0)
		return 1;
	if (host[0] == '[') {
		if (len < 3 || host[len - 1] != ']')
			return 0;
		inner = xstrdup(host + 1);
		inner[len - 2] = '\0';
		ok = inet_pton(AF_INET6, inner, &a6) == 1;
		free(inner);
		return ok;
	}
	if (len == 0 || len > 253 || !isalnum((unsigned char)host[0]) ||
	    host[strspn(host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")] != '\0')
		return 0;
	if (host[strspn(host, "0123456789.")] == '\0')
		return inet_pton(AF_INET, host, &a4) == 1;
	return 1;
}

/* A port number 1-65535, or "*" when star. */
static int
config_check_port(const char *port, int star)
{
	size_t	 len = strlen(port);

	if (star && strcmp(port, "*") == 0)
		return 1;
	if (len == 0 || len > 5 || port[strspn(port, "0123456789")] != '\0')
		return 0;
	return atoi(port) >= 1 && atoi(port) <= 65535;
}

/* One binds (seed 0) or seeds (seed 1) entry. */
static int
config_check_addr(const struct config_check_rule *rule,
    const struct aemp_val *v, int seed, char **whyp)
{
	const char	*s;
	char		*host, *port;
	int		 ok;

	if ((s = aemp_str_ptr(v, NULL)) == NULL)
		return config_check_fail(rule, v, "must be a string", whyp);
	if (seed && *s != '\0' && s[strspn(s, "0123456789")] == '\0')
		return config_check_port(s, 0) ? 0 :
		    config_check_fail(rule, v, NULL, whyp);

	host = xstrdup(s);
	if ((port = strrchr(host, ':')) != NULL && strchr(host, ']') < port)
		*port++ = '\0';
	else
		port = NULL;
	if (port == NULL && seed)
		ok = 0;
	else
		ok = config_check_host(host) && (port == NULL ||
		    config_check_port(port, !seed));
	free(host);
	return ok ? 0 : config_check_fail(rule, v, NULL, whyp);
}

/* One of rule's names. */
static int
config_check_name(const struct config_check_rule *rule,
    const struct aemp_val *v, char **whyp)
{
	const char	*s;
	size_t		 i;

	if ((s = aemp_str_ptr(v, NULL)) != NULL) {
		for (i = 0; rule->names[i] != NULL; i++) {
			if (strcmp(rule->names[i], s) == 0)
				return 0;
		}
	}
	return config_check_fail(rule, v, NULL, whyp);
}

static int
config_check_one(const struct config_check_rule *rule,
    const struct aemp_val *v, char **whyp)
{
	switch (rule->kind) {
	case CONFIG_CHECK_NUMBER:
		return config_check_number(rule, v, whyp);
	case CONFIG_CHECK_BOOL:
		return config_check_bool(rule, v, whyp);
	case CONFIG_CHECK_NODEID:
		return config_check_nodeid(rule, v, whyp);
	case CONFIG_CHECK_BIND:
	case CONFIG_CHECK_SEED:
		return config_check_addr(rule, v,
		    rule->kind == CONFIG_CHECK_SEED, whyp);
	default:
		return config_check_name(rule, v, whyp);
	}
}

/*
 * Whether e may be an entry of the list at key; 0, or AEMP_ERR_INVAL
 * with *whyp (malloc'd) saying why.
 */
int
config_check_entry(const char *key, const struct aemp_val *e, char **whyp)
{
	const struct config_check_rule	*rule;

	*whyp = NULL;
	if ((rule = config_check_rule(key)) == NULL ||
	    configure_kind(key) != CONFIGURE_K_LIST)
		return 0;
	return config_check_one(rule, e, whyp);
}

/*
 * Whether v may be the value of key; 0, or AEMP_ERR_INVAL with *whyp
 * (malloc'd) saying why.
 */
int
config_check_value(const char *key, const struct aemp_val *v, char **whyp)
{
	const struct config_check_rule	*rule;
	char				*why;
	size_t				 i;

	*whyp = NULL;
	if (configure_check(key, v) != 0) {
		xasprintf(whyp, "must be %s", configure_kind(key) ==
		    CONFIGURE_K_LIST ? "a list" : "a string");
		return AEMP_ERR_INVAL;
	}
	if ((rule = config_check_rule(key)) == NULL)
		return 0;
	if (configure_kind(key) != CONFIGURE_K_LIST)
		return config_check_one(rule, v, whyp);

	if (rule->kind == CONFIG_CHECK_NAMES && aemp_len(v) == 0) {
		xasprintf(whyp, "[]: must name at least one of %s",
		    rule->want);
		return AEMP_ERR_INVAL;
	}
	for (i = 0; i < aemp_len(v); i++) {
		if (config_check_one(rule, aemp_at(v, i), &why) != 0) {
			xasprintf(whyp, "entry %zu, %s", i + 1, why);
			free(why);
			return AEMP_ERR_INVAL;
		}
	}
	return 0;
}

/*
 * Check every key of the map m but the profile table; 0, or
 * AEMP_ERR_INVAL with *whyp (malloc'd) as "KEY: why".
 */
int
config_check_map(const struct aemp_val *m, char **whyp)
{
	const char	*k;
	char		*why;
	size_t		 i;

	*whyp = NULL;
	for (i = 0; i < aemp_len(m); i++) {
		k = aemp_map_key_at(m, i, NULL);
		if (strcmp(k, "profile") == 0)
			continue;
		if (config_check_value(k, aemp_map_val_at(m, i), &why) != 0) {
			xasprintf(whyp, "%.100s: %s", k, why);
			free(why);
			return AEMP_ERR_INVAL;
		}
	}
	return 0;
}

/*
 * Whether the file's profile table is a map; 0, or AEMP_ERR_TYPE with
 * *whyp (malloc'd) naming the file.
 */
int
config_check_profiles(struct config *cfg, char **whyp)
{
	struct aemp_val	*p = aemp_map_get(cfg->root, "profile");

	*whyp = NULL;
	if (p == NULL || aemp_type(p) == AEMP_T_MAP)
		return 0;
	xasprintf(whyp, "%s: \"profile\" must be an object holding the "
	    "profiles", cfg->path);
	return AEMP_ERR_TYPE;
}

/* Check one profile of the file; see config_check_file. */
static int
config_check_section(struct config *cfg, const char *name,
    const struct aemp_val *p, char **whyp)
{
	char	*why;
	int	 r;

	if (aemp_type(p) != AEMP_T_MAP) {
		xasprintf(whyp, "%s: profile %.100s: must be an object",
		    cfg->path, name);
		return AEMP_ERR_TYPE;
	}
	if ((r = config_check_map(p, &why)) != 0) {
		xasprintf(whyp, "%s: profile %.100s: %s", cfg->path, name,
		    why);
		free(why);
	}
	return r;
}

/*
 * Check what the file gives profile name (NULL: the global section
 * alone): the global section, then the profile and its parents.  0, or
 * an error with *whyp (malloc'd) naming the file, profile and key.
 */
int
config_check_file(struct config *cfg, const char *name, char **whyp)
{
	struct aemp_val	*seen[CONFIG_CHECK_DEPTH], *p;
	char		*why;
	size_t		 n = 0, i;
	int		 r;

	if ((r = config_check_profiles(cfg, whyp)) != 0)
		return r;
	if ((r = config_check_map(cfg->root, &why)) != 0) {
		xasprintf(whyp, "%s: %s", cfg->path, why);
		free(why);
		return r;
	}

	while (name != NULL && n < CONFIG_CHECK_DEPTH) {
		p = aemp_map_get(aemp_map_get(cfg->root, "profile"), name);
		for (i = 0; i < n; i++) {
			if (seen[i] == p)
				return 0;
		}
		if (p == NULL)
			return 0;
		if ((r = config_check_section(cfg, name, p, whyp)) != 0)
			return r;
		seen[n++] = p;
		name = aemp_str_ptr(aemp_map_get(p, "parent"), NULL);
	}
	return 0;
}
