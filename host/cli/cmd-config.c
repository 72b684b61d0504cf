/*
 * aemp subcommands that edit or show the config file.  Edits apply to
 * the current target: the global section, or the profile named by the
 * last "profile NAME".
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CMD_CONFIG_SECRET_LEN	180
#define CMD_CONFIG_FILE_MAX	(1024 * 1024)

extern char	**environ;

/* The value of a command argument in the shape key wants. */
static struct aemp_val *
cmd_config_value(struct cmd_ctx *ctx, const char *key, struct aemp_val *arg)
{
	struct aemp_val	*v;
	const char	*s;

	if ((s = aemp_str_ptr(arg, NULL)) == NULL)
		return configure_normalize(key, aemp_ref(arg));
	if ((v = configure_value(key, s)) == NULL)
		aemp_cmd_error(ctx, "%.100s: invalid JSON", s);
	return v;
}

/* setX VALUE: the value in the shape its key wants. */
static int
cmd_config_set(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	struct aemp_val	*v;

	if ((cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	if ((v = cmd_config_value(ctx, key, argv[0])) == NULL)
		return AEMP_ERR_PARSE;
	if (configure_check(key, v) != 0) {
		aemp_unref(v);
		return aemp_cmd_error(ctx, "the value must be %s",
		    configure_kind(key) == CONFIGURE_K_LIST ? "a list" :
		    "a string");
	}
	if (cmd_check_value(ctx, key, v) != 0) {
		aemp_unref(v);
		return AEMP_ERR_INVAL;
	}
	config_set(cfg, ctx->target, key, v);
	return 0;
}

/* delX: remove the key from the current target. */
static int
cmd_config_del(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;

	if ((cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	config_set(cfg, ctx->target, key, NULL);
	return 0;
}

/* gensecret: 180 random characters of [0-9A-Za-z]. */
static int
cmd_config_gensecret(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	char		 secret[CMD_CONFIG_SECRET_LEN + 1];

	if ((cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	random_alnum(secret, CMD_CONFIG_SECRET_LEN);
	secret[CMD_CONFIG_SECRET_LEN] = '\0';
	config_set(cfg, ctx->target, "secret",
	    aemp_str_n(secret, CMD_CONFIG_SECRET_LEN));
	explicit_bzero(secret, sizeof secret);
	return 0;
}

/* Append the contents of path to *buf; 0 or -1 with errno set. */
static int
cmd_config_slurp(const char *path, char **buf, size_t *len)
{
	char	 chunk[4096];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		if (*len + (size_t)n > CMD_CONFIG_FILE_MAX) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
		*buf = xreallocarray(*buf, *len + (size_t)n + 1, 1);
		memcpy(*buf + *len, chunk, (size_t)n);
		*len += (size_t)n;
		(*buf)[*len] = '\0';
	}
	close(fd);
	return n == -1 ? -1 : 0;
}

/* setcert FILE: the PEM text (key, certificate, CAs). */
static int
cmd_config_setcert(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	const char	*path, *why;
	char		*pem = NULL;
	size_t		 len = 0;

	if ((cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	if ((path = aemp_cmd_string(ctx, argv[0], "the file name")) == NULL)
		return AEMP_ERR_TYPE;
	errno = 0;
	if (cmd_config_slurp(path, &pem, &len) == -1 || len == 0) {
		free(pem);
		return aemp_cmd_error(ctx, "%s: %s", path,
		    len == 0 && errno == 0 ? "empty" : strerror(errno));
	}
	if (tls_check(pem, &why) != 0) {
		free(pem);
		return aemp_cmd_error(ctx, "%s: %s", path, why);
	}
	config_set(cfg, ctx->target, "cert", aemp_str_n(pem, len));
	free(pem);
	return 0;
}

/* Run openssl to make a key and a self-signed certificate in dir. */
static int
cmd_config_openssl(const char *key, const char *cert)
{
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	int				 status, r;
	char *const argv[] = {
		"openssl", "req", "-x509", "-newkey", "rsa:2048",
		"-days", "3650", "-nodes", "-batch",
		"-subj", "/CN=AnyEvent::MP",
		"-keyout", (char *)key, "-out", (char *)cert, NULL
	};

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, "openssl", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -1;

	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* gencert: a new key and self-signed certificate. */
static int
cmd_config_gencert(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	const char	*tmpdir;
	char		*dir, *kpath, *cpath, *pem = NULL;
	size_t		 len = 0;
	int		 r = 0;

	if ((cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	xasprintf(&dir, "%s/aemp-cert.XXXXXX", tmpdir);
	if (mkdtemp(dir) == NULL) {
		r = aemp_cmd_error(ctx, "%s: %s", dir, strerror(errno));
		free(dir);
		return r;
	}
	xasprintf(&kpath, "%s/key.pem", dir);
	xasprintf(&cpath, "%s/cert.pem", dir);

	if (cmd_config_openssl(kpath, cpath) == -1 ||
	    cmd_config_slurp(kpath, &pem, &len) == -1 ||
	    cmd_config_slurp(cpath, &pem, &len) == -1)
		r = aemp_cmd_error(ctx, "openssl req failed");
	else
		config_set(cfg, ctx->target, "cert", aemp_str_n(pem, len));

	unlink(kpath);
	unlink(cpath);
	rmdir(dir);
	free(dir);
	free(kpath);
	free(cpath);
	if (pem != NULL)
		explicit_bzero(pem, len);
	free(pem);
	return r;
}

/*
 * A copy of list without the entries equal to item (all of them, or the
 * first); item NULL copies everything.
 */
static struct aemp_val *
cmd_config_without(struct aemp_val *list, struct aemp_val *item, int all)
{
	struct aemp_val	*out, *e;
	size_t		 i;
	int		 dropped = 0;

	out = aemp_array_new(aemp_len(list) + 1);
	for (i = 0; i < aemp_len(list); i++) {
		e = aemp_at(list, i);
		if (item != NULL && (all || !dropped) &&
		    aemp_equal(e, item)) {
			dropped = 1;
			continue;
		}
		aemp_array_push(out, aemp_ref(e));
	}
	return out;
}

/* Add (add = 1) or remove one list entry; services keep duplicates. */
static int
cmd_config_edit_list(struct cmd_ctx *ctx, const char *key,
    struct aemp_val *item, int add)
{
	struct config	*cfg;
	struct aemp_val	*list, *out;
	int		 services = strcmp(key, "services") == 0;

	if ((cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	if (add && cmd_check_entry(ctx, key, item) != 0)
		return AEMP_ERR_INVAL;
	list = aemp_map_get(config_target(cfg, ctx->target), key);
	if (aemp_type(list) != AEMP_T_ARRAY)
		list = NULL;

	if (add && services)
		out = cmd_config_without(list, NULL, 0);
	else
		out = cmd_config_without(list, item, !services);
	if (add)
		aemp_array_push(out, aemp_ref(item));
	config_set(cfg, ctx->target, key, out);
	return 0;
}

static int
cmd_config_add(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	return cmd_config_edit_list(ctx, key, argv[0], 1);
}

static int
cmd_config_remove(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	return cmd_config_edit_list(ctx, key, argv[0], 0);
}

/* The config file and the profile name in arg, or an AEMP_ERR_*. */
static int
cmd_config_named(struct cmd_ctx *ctx, struct aemp_val *arg,
    struct config **cfg, const char **name)
{
	if ((*cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	if ((*name = aemp_cmd_string(ctx, arg, "the profile name")) == NULL)
		return AEMP_ERR_TYPE;
	return 0;
}

/* profile NAME: create it if needed and edit it. */
static int
cmd_config_profile(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	const char	*name;
	int		 r;

	if ((r = cmd_config_named(ctx, argv[0], &cfg, &name)) != 0)
		return r;
	if (cmd_check_profile(ctx, cfg, name) != 0)
		return AEMP_ERR_TYPE;
	if (config_target(cfg, name) == NULL)
		config_set_profile(cfg, name, aemp_map_new(0));
	free(ctx->target);
	ctx->target = xstrdup(name);
	return 0;
}

/* delprofile NAME: remove the profile. */
static int
cmd_config_delprofile(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	const char	*name;
	int		 r;

	if ((r = cmd_config_named(ctx, argv[0], &cfg, &name)) != 0)
		return r;
	if (aemp_map_get(aemp_map_get(cfg->root, "profile"), name) != NULL)
		config_set_profile(cfg, name, NULL);
	return 0;
}

static void
cmd_config_print(const struct aemp_val *v)
{
	char	*text;
	size_t	 len;

	text = json_pretty(v);
	len = strlen(text);
	fputs(text, stdout);
	if (len == 0 || text[len - 1] != '\n')
		fputc('\n', stdout);
	free(text);
}

/* showprofile NAME: the profile's own keys only. */
static int
cmd_config_showprofile(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	struct aemp_val	*p, *empty;
	const char	*name;
	int		 r;

	if ((r = cmd_config_named(ctx, argv[0], &cfg, &name)) != 0)
		return r;
	empty = aemp_map_new(0);
	p = config_target(cfg, name);
	cmd_config_print(p != NULL ? p : empty);
	aemp_unref(empty);
	return 0;
}

/* The KEY VALUE pairs after showconfig's NAME, as configure would. */
static struct aemp_val *
cmd_config_pairs(struct cmd_ctx *ctx, int argc, struct aemp_val **argv)
{
	struct aemp_val	*args, *v;
	const char	*k;
	int		 i;

	if (argc % 2 != 0) {
		aemp_cmd_error(ctx, "a key without a value");
		return NULL;
	}
	args = aemp_map_new((size_t)argc / 2);
	for (i = 0; i < argc; i += 2) {
		if ((k = aemp_cmd_string(ctx, argv[i], "a key")) == NULL ||
		    (v = cmd_config_value(ctx, k, argv[i + 1])) == NULL) {
			aemp_unref(args);
			return NULL;
		}
		aemp_map_put(args, k, v);
	}
	return args;
}

/* showconfig [NAME [K V...]]: the effective config. */
static int
cmd_config_showconfig(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	struct aemp_val	*args, *merged, *shown;
	const char	*name = util_hostname();
	int		 norc;

	if ((cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	if (argc > 0 && (name = aemp_cmd_string(ctx, argv[0],
	    "the profile name")) == NULL)
		return AEMP_ERR_TYPE;
	if ((args = cmd_config_pairs(ctx, argc - (argc > 0),
	    argv + (argc > 0))) == NULL)
		return AEMP_ERR_INVAL;

	norc = aemp_truthy(aemp_map_get(args, "norc"));
	merged = config_profile(norc ? NULL : cfg, name, args,
	    aemp_truthy(aemp_map_get(args, "force")));
	shown = config_map_with(merged, "profile", NULL);
	aemp_unref(merged);
	merged = config_map_with(shown, "parent", NULL);
	cmd_config_print(merged);

	aemp_unref(merged);
	aemp_unref(shown);
	aemp_unref(args);
	return 0;
}

/* The file a preset name stands for, malloc'd. */
static char *
cmd_config_preset_path(const char *preset)
{
	const char	*dir;
	char		*path;
	size_t		 len = strlen(preset);

	if (strchr(preset, '/') != NULL ||
	    (len > 5 && strcmp(preset + len - 5, ".json") == 0))
		return xstrdup(preset);

	if ((dir = getenv("AEMP_PRESET_PATH")) == NULL || *dir == '\0')
		dir = AEMP_PKGDATADIR "/profiles";
	xasprintf(&path, "%s/%s.json", dir, preset);
	return path;
}

/* Read a preset file: one JSON object, relaxed. */
static int
cmd_config_read_preset(struct cmd_ctx *ctx, const char *path,
    struct aemp_val **out)
{
	char	*text = NULL, *err = NULL;
	size_t	 len = 0;
	int	 r;

	*out = NULL;
	if (cmd_config_slurp(path, &text, &len) == -1)
		return aemp_cmd_error(ctx, "%s: %s", path, strerror(errno));
	r = json_parse_relaxed(text != NULL ? text : "", len, out, &err);
	free(text);
	if (r != 0) {
		aemp_cmd_error(ctx, "%s: %s", path, err != NULL ? err :
		    "invalid JSON");
		free(err);
		return r;
	}
	if (aemp_type(*out) != AEMP_T_MAP) {
		aemp_unref(*out);
		*out = NULL;
		return aemp_cmd_error(ctx, "%s: not a JSON object", path);
	}
	return 0;
}

/* import PRESET: copy the preset's keys into the target. */
static int
cmd_config_import(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	struct aemp_val	*preset = NULL;
	const char	*name, *k;
	char		*path;
	size_t		 i;
	int		 r;

	if ((cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	if ((name = aemp_cmd_string(ctx, argv[0], "the preset")) == NULL)
		return AEMP_ERR_TYPE;
	path = cmd_config_preset_path(name);
	r = cmd_config_read_preset(ctx, path, &preset);
	free(path);
	if (r != 0)
		return r;
	if (cmd_check_map(ctx, preset) != 0) {
		aemp_unref(preset);
		return AEMP_ERR_INVAL;
	}

	for (i = 0; i < aemp_len(preset); i++) {
		k = aemp_map_key_at(preset, i, NULL);
		config_set(cfg, ctx->target, k,
		    aemp_ref(aemp_map_val_at(preset, i)));
	}
	aemp_unref(preset);
	return 0;
}

/* A key with the plain pair setKEY VALUE and delKEY. */
#define CMD_CONFIG_KEY(k)						\
	{ "set" #k, 1, 1, cmd_config_set, #k },				\
	{ "del" #k, 0, 0, cmd_config_del, #k }

/* Config commands; every setX also answers to X (aemp.c). */
const struct cmd_entry cmd_config_table[] = {
	{ "gensecret",		0, 0, cmd_config_gensecret, NULL },
	{ "setcert",		1, 1, cmd_config_setcert, NULL },
	{ "gencert",		0, 0, cmd_config_gencert, NULL },
	{ "delcert",		0, 0, cmd_config_del,	"cert" },
	{ "addbind",		1, 1, cmd_config_add,	"binds" },
	{ "delbind",		1, 1, cmd_config_remove, "binds" },
	{ "addseed",		1, 1, cmd_config_add,	"seeds" },
	{ "delseed",		1, 1, cmd_config_remove, "seeds" },
	{ "addservice",		1, 1, cmd_config_add,	"services" },
	{ "delservice",		1, 1, cmd_config_remove, "services" },
	{ "profile",		1, 1, cmd_config_profile, NULL },
	{ "delprofile",		1, 1, cmd_config_delprofile, NULL },
	{ "showprofile",	1, 1, cmd_config_showprofile, NULL },
	{ "showconfig",		0, -1, cmd_config_showconfig, NULL },
	{ "import",		1, 1, cmd_config_import, NULL },
	CMD_CONFIG_KEY(nodeid),
	CMD_CONFIG_KEY(secret),
	CMD_CONFIG_KEY(binds),
	CMD_CONFIG_KEY(seeds),
	CMD_CONFIG_KEY(services),
	CMD_CONFIG_KEY(eval),
	CMD_CONFIG_KEY(parent),
	CMD_CONFIG_KEY(secure),
	CMD_CONFIG_KEY(monitor_timeout),
	CMD_CONFIG_KEY(connect_interval),
	CMD_CONFIG_KEY(framing_format),
	CMD_CONFIG_KEY(auth_offer),
	CMD_CONFIG_KEY(auth_accept),
	CMD_CONFIG_KEY(autocork),
	CMD_CONFIG_KEY(nodelay),
	CMD_CONFIG_KEY(heartbeat),
	CMD_CONFIG_KEY(max_frame),
	CMD_CONFIG_KEY(max_queue),
	CMD_CONFIG_KEY(module_path),
	CMD_CONFIG_KEY(plugins),
	CMD_CONFIG_KEY(spawn_allow),
	{ NULL,			0, 0, NULL,		NULL }
};
