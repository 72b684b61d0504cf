/*
 * aemp: configure nodes, run one, and talk to running ones.
 *
 * Subcommands chain: each takes the arguments its table entry allows and
 * the rest is read as the next subcommand.  Config edits collect in
 * memory and the file is written once, at the end, if anything changed
 * and every subcommand worked: a chain that fails leaves the file alone.
 */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int	aemp_help(struct cmd_ctx *, const char *, int,
		    struct aemp_val **);

static const struct cmd_entry aemp_own_table[] = {
	{ "help",	0, 0, aemp_help, NULL },
	{ NULL,		0, 0, NULL, NULL }
};

static const struct cmd_entry *const aemp_tables[] = {
	cmd_config_table,
	cmd_node_table,
	aemp_own_table,
	NULL
};

static const char aemp_usage[] =
    "usage: aemp subcommand [args...] [subcommand [args...]]...\n"
    "\n"
    "protocol:  snd PORT ARGS...  cal PORT ARGS...  mon PORT\n"
    "           eval NODE EXPR... (Perl nodes only)\n"
    "node:      run KEY VALUE...  modules\n"
    "secret:    gensecret  setsecret S  delsecret\n"
    "cert:      gencert  setcert FILE  delcert\n"
    "lists:     setbinds A,B  addbind A  delbind A  delbinds\n"
    "           (likewise seeds, services)\n"
    "node ID:   setnodeid ID  delnodeid\n"
    "profiles:  profile NAME  delprofile NAME  setparent NAME  delparent\n"
    "           showprofile NAME  showconfig [NAME [KEY VALUE...]]\n"
    "           import PRESET\n"
    "keys:      setKEY VALUE (or KEY VALUE)  delKEY, e.g. setheartbeat 5\n"
    "           or heartbeat 5, delheartbeat; KEY is one of secure,\n"
    "           monitor_timeout, connect_interval, framing_format,\n"
    "           auth_offer, auth_accept, autocork, nodelay, heartbeat,\n"
    "           max_frame, max_queue, module_path, plugins,\n"
    "           spawn_allow, eval (seteval: eval is a protocol command)\n"
    "\n"
    "Every setX is also X unless that name is taken.\n"
    "cal, snd and eval give up after $AEMP_TIMEOUT seconds (default 5).\n";

static int
aemp_help(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	fputs(aemp_usage, stdout);
	return 0;
}

/*
 * Tell the user on stderr, after "aemp: " and the subcommand's name,
 * what went wrong (or what to know); returns AEMP_ERR_INVAL.  The one
 * place where the program writes to stderr, beside the usage text.
 */
int
aemp_cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "aemp: ");
	if (ctx != NULL && ctx->cmd != NULL)
		fprintf(stderr, "%s: ", ctx->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return AEMP_ERR_INVAL;
}

/* The string in v, or NULL after reporting that what must be one. */
const char *
aemp_cmd_string(struct cmd_ctx *ctx, struct aemp_val *v, const char *what)
{
	const char	*s;

	if ((s = aemp_str_ptr(v, NULL)) == NULL)
		aemp_cmd_error(ctx, "%s must be a string", what);
	return s;
}

/*
 * The config file, read on first use; NULL (reported) when it cannot be
 * read, and then for every later command too.
 */
struct config *
aemp_cmd_config(struct cmd_ctx *ctx)
{
	if (!ctx->cfg_tried) {
		ctx->cfg_tried = 1;
		if (config_load(&ctx->cfg, &ctx->cfg_errtext) != 0)
			ctx->cfg_error = 1;
	}
	if (ctx->cfg_error) {
		aemp_cmd_error(NULL, "%s", ctx->cfg_errtext);
		return NULL;
	}
	return &ctx->cfg;
}

/* Write pending edits now, before a command reads the file itself. */
int
aemp_cmd_flush(struct cmd_ctx *ctx)
{
	char	*err = NULL;
	int	 r;

	if (!ctx->cfg_tried || ctx->cfg_error || !ctx->cfg.dirty)
		return 0;
	if ((r = config_save(&ctx->cfg, &err)) != 0) {
		aemp_cmd_error(NULL, "%s", err);
		free(err);
	}
	return r;
}

static const struct cmd_entry *
aemp_lookup(const char *name)
{
	const struct cmd_entry	*const *t, *e;

	for (t = aemp_tables; *t != NULL; t++) {
		for (e = *t; e->name != NULL; e++) {
			if (strcmp(e->name, name) == 0)
				return e;
		}
	}
	return NULL;
}

/* A command by name; X stands for setX unless X exists itself. */
static const struct cmd_entry *
aemp_find(const char *name)
{
	const struct cmd_entry	*e;
	char			*set;

	if ((e = aemp_lookup(name)) != NULL || strncmp(name, "set", 3) == 0)
		return e;
	xasprintf(&set, "set%s", name);
	e = aemp_lookup(set);
	free(set);
	return e;
}

/* Run the chain of subcommands in argv; 0 when all of them worked. */
static int
aemp_dispatch(struct cmd_ctx *ctx, size_t n, struct aemp_val **argv)
{
	const struct cmd_entry	*e;
	const char		*name;
	size_t			 i = 0, avail, take;

	while (i < n) {
		ctx->cmd = NULL;
		if ((name = aemp_cmd_string(ctx, argv[i],
		    "a subcommand")) == NULL)
			return 1;
		if ((e = aemp_find(name)) == NULL) {
			aemp_cmd_error(ctx, "%.100s: no such subcommand "
			    "(try aemp help)", name);
			return 1;
		}
		ctx->cmd = name;

		avail = n - i - 1;
		if (avail < (size_t)e->min) {
			aemp_cmd_error(ctx, "needs %d argument%s", e->min,
			    e->min == 1 ? "" : "s");
			return 1;
		}
		take = e->max < 0 || avail < (size_t)e->max ? avail :
		    (size_t)e->max;
		if (e->fn(ctx, e->key, (int)take, argv + i + 1) != 0)
			return 1;
		i += 1 + take;
	}
	return 0;
}

static struct aemp_val *
aemp_decode_arg(const char *arg, int i)
{
	struct aemp_val	*v = NULL;
	char		*err = NULL;

	if (strchr("[{\"", arg[0]) == NULL || arg[0] == '\0')
		return aemp_str(arg);
	if (aemp_from_json(arg, strlen(arg), &v, &err) != 0) {
		aemp_cmd_error(NULL, "argument %d: invalid JSON: %s", i,
		    err != NULL ? err : "parse error");
		free(err);
		return NULL;
	}
	return v;
}

/*
 * The arguments as values: a lone argument starting with '[' is a JSON
 * array that replaces them all; otherwise each one starting with '[',
 * '{' or '"' is decoded as JSON.  NULL (reported) on bad JSON.
 */
static struct aemp_val *
aemp_preprocess(int argc, char **argv)
{
	struct aemp_val	*args, *v;
	int		 i;

	if (argc == 1 && argv[0][0] == '[')
		return aemp_decode_arg(argv[0], 1);

	args = aemp_array_new((size_t)argc);
	for (i = 0; i < argc; i++) {
		if ((v = aemp_decode_arg(argv[i], i + 1)) == NULL) {
			aemp_unref(args);
			return NULL;
		}
		aemp_array_push(args, v);
	}
	return args;
}

static int
aemp_finish(struct cmd_ctx *ctx, int status)
{
	if (status == 0 && aemp_cmd_flush(ctx) != 0)
		status = 1;
	config_free(&ctx->cfg);
	free(ctx->cfg_errtext);
	free(ctx->target);
	return status;
}

/* Preprocess the arguments, run the chain, save the file if changed. */
int
main(int argc, char **argv)
{
	struct cmd_ctx	  ctx;
	struct aemp_val	 *args, **vec;
	size_t		  i, n;
	int		  status;

	if (argc < 2) {
		fputs(aemp_usage, stderr);
		return 1;
	}
	memset(&ctx, 0, sizeof ctx);
	if ((args = aemp_preprocess(argc - 1, argv + 1)) == NULL)
		return 1;
	if (aemp_type(args) != AEMP_T_ARRAY) {
		aemp_unref(args);
		aemp_cmd_error(NULL, "a JSON argument list must be an array");
		return 1;
	}

	n = aemp_len(args);
	vec = xcalloc(n + 1, sizeof *vec);
	for (i = 0; i < n; i++)
		vec[i] = aemp_at(args, i);
	status = aemp_dispatch(&ctx, n, vec);

	free(vec);
	aemp_unref(args);
	return aemp_finish(&ctx, status);
}
