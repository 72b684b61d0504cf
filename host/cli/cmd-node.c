/*
 * aemp subcommands that start a node: run (a node that serves until
 * SIGTERM or SIGINT), the protocol commands that talk to running nodes
 * (snd, cal, mon, eval, trace) and modules, which lists the module path.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cli.h"

#define CMD_NODE_TIMEOUT	5.0	/* seconds, as the reference */
#define CMD_NODE_TIMEOUT_MAX	86400.0
#define CMD_NODE_TRACE_TIMEOUT	15.0
#define CMD_NODE_TRACE_MAX	1024	/* nodes a trace visits */

/* What a protocol command waits for. */
struct cmd_node_wait {
	int		 done;
	int		 status;	/* exit status */
	const char	*what;		/* for the timeout message */
	const char	*reply;		/* reply port, when there is one */
	struct aemp_val	*seen;		/* trace: nodes asked, an array */
	int		 pending;	/* trace: answers outstanding */
	const char	*note;		/* told when the command fails */
};

/* One value as the reference prints it: strings bare, the rest JSON. */
static char *
cmd_node_val_text(const struct aemp_val *v)
{
	char	*json;

	if (aemp_type(v) == AEMP_T_STR)
		return xstrdup(aemp_str_ptr(v, NULL));
	if ((json = aemp_to_json(v)) == NULL)
		return xstrdup("?");
	return json;
}

/* The elements of array v separated by spaces, as a malloc'd string. */
static char *
cmd_node_text(const struct aemp_val *v)
{
	char	*out = xstrdup(""), *next, *item;
	size_t	 i;

	for (i = 0; i < aemp_len(v); i++) {
		item = cmd_node_val_text(aemp_at(v, i));
		xasprintf(&next, "%s%s%s", out, i > 0 ? " " : "", item);
		free(item);
		free(out);
		out = next;
	}
	return out;
}

/* Print one value as cmd_node_val_text makes it. */
static void
cmd_node_print_val(const struct aemp_val *v)
{
	char	*text = cmd_node_val_text(v);

	fputs(text, stdout);
	free(text);
}

/* Print the elements of array v separated by spaces, then a newline. */
static void
cmd_node_print_list(const struct aemp_val *v)
{
	char	*text = cmd_node_text(v);

	puts(text);
	fflush(stdout);
	free(text);
}

/* The elements of array v as JSON without the outer brackets. */
static void
cmd_node_print_json(const struct aemp_val *v, size_t from)
{
	size_t	 i;
	char	*json;

	for (i = from; i < aemp_len(v); i++) {
		json = aemp_to_json(aemp_at(v, i));
		printf("%s%s", i > from ? "," : "", json != NULL ? json : "");
		free(json);
	}
	printf("\n");
	fflush(stdout);
}

/*
 * The command is over: leave the loop with status, telling its note
 * when it failed (a node of this project answers eval "not supported").
 */
static void
cmd_node_finish(struct cmd_node_wait *w, int status)
{
	if (w->done)
		return;
	w->done = 1;
	w->status = status;
	if (status != 0 && w->note != NULL)
		aemp_cmd_error(NULL, "%s", w->note);
	aemp_break();
}

/* How long snd, cal and eval wait: $AEMP_TIMEOUT seconds, default 5. */
static double
cmd_node_timeout_secs(void)
{
	static double	 secs;
	const char	*s = getenv("AEMP_TIMEOUT");
	char		*end;

	if (secs > 0)
		return secs;
	secs = CMD_NODE_TIMEOUT;
	if (s == NULL || *s == '\0')
		return secs;
	secs = strtod(s, &end);
	if (*end != '\0' || !(secs > 0 && secs <= CMD_NODE_TIMEOUT_MAX)) {
		aemp_cmd_error(NULL, "AEMP_TIMEOUT=%.100s: not a number of "
		    "seconds above 0, at most %g; waiting %g", s,
		    CMD_NODE_TIMEOUT_MAX, CMD_NODE_TIMEOUT);
		secs = CMD_NODE_TIMEOUT;
	}
	return secs;
}

/* No answer in time. */
static void
cmd_node_timeout(void *arg)
{
	struct cmd_node_wait	*w = arg;

	if (w->done)
		return;
	aemp_cmd_error(NULL, "%s: no answer within %g seconds", w->what,
	    cmd_node_timeout_secs());
	cmd_node_finish(w, 1);
}

/* The monitor of the target fired before the answer came. */
static void
cmd_node_target_died(struct aemp_val *reason, void *arg)
{
	struct cmd_node_wait	*w = arg;
	char			*text;

	if (w->done)
		return;
	text = cmd_node_text(reason);
	aemp_cmd_error(NULL, "%s: %s", w->what, text);
	free(text);
	cmd_node_finish(w, 1);
}

/* Start this process as the "aemp" client node of the reference. */
static int
cmd_node_client(struct cmd_ctx *ctx)
{
	int	 r;

	if (aemp_cmd_flush(ctx) != 0)
		return AEMP_ERR_IO;
	signal(SIGPIPE, SIG_IGN);

	/* A client's own lifecycle would drown its answer: warnings only. */
	if (getenv("AEMP_VERBOSE") == NULL && getenv("AE_VERBOSE") == NULL)
		setenv("AEMP_VERBOSE", "5", 1);
	if ((r = aemp_configure("profile", "aemp", "nodeid", "aemp/%n/%u",
	    NULL)) != 0)
		return aemp_cmd_error(ctx, "cannot start a node: %s",
		    aemp_strerror(r));
	return 0;
}

/* A message made of the command's arguments. */
static struct aemp_val *
cmd_node_message(int argc, struct aemp_val **argv)
{
	struct aemp_val	*msg;
	int		 i;

	msg = aemp_array_new((size_t)argc);
	for (i = 0; i < argc; i++)
		aemp_array_push(msg, aemp_ref(argv[i]));
	return msg;
}

/*
 * Run the loop until the command is done (5 s at most unless forever),
 * then free guard, kill the reply port and stop the node.
 */
static int
cmd_node_wait(struct cmd_node_wait *w, struct aemp_guard *guard,
    int forever)
{
	struct aemp_guard	*timer = NULL;

	if (!forever)
		timer = aemp_after(cmd_node_timeout_secs(), cmd_node_timeout,
		    w);
	if (!w->done && aemp_run() != 0)
		w->status = 1;
	aemp_guard_free(timer);
	aemp_guard_free(guard);
	if (w->reply != NULL) {
		aemp_kil(w->reply, NULL);
		free((char *)w->reply);
	}
	aemp_shutdown();
	return w->status;
}

/* The answer (snd's echo, mon's kill reason): print it, done. */
static void
cmd_node_print_done(struct aemp_val *msg, void *arg)
{
	struct cmd_node_wait	*w = arg;

	if (w->done)
		return;
	cmd_node_print_list(msg);
	cmd_node_finish(w, 0);
}

/* The PORT argument of snd, cal and mon, then the client node. */
static int
cmd_node_start(struct cmd_ctx *ctx, struct aemp_val *arg,
    const char **port)
{
	if ((*port = aemp_cmd_string(ctx, arg, "the port")) == NULL)
		return AEMP_ERR_TYPE;
	if (cmd_node_client(ctx) != 0)
		return AEMP_ERR_STATE;
	return 0;
}

/* snd PORT ARGS...: send, then wait for a relayed echo. */
static int
cmd_node_snd(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { .what = "snd" };
	struct aemp_val		*msg;
	struct aemp_guard	*mon;
	const char		*port;
	char			*node, *reply;
	int			 r;

	if ((r = cmd_node_start(ctx, argv[0], &port)) != 0)
		return r;

	msg = cmd_node_message(argc - 1, argv + 1);
	aemp_sndv(port, msg);
	aemp_unref(msg);

	mon = aemp_mon(port, cmd_node_target_died, &w);
	reply = aemp_port(cmd_node_print_done, &w);
	w.reply = reply;
	node = aemp_node_of(port);
	aemp_snd(node, "sss", "snd", reply, "message sent successfully");
	free(node);
	return cmd_node_wait(&w, mon, 0);
}

static void
cmd_node_cal_reply(struct aemp_val *msg, void *arg)
{
	struct cmd_node_wait	*w = arg;

	if (w->done)
		return;
	cmd_node_print_json(msg, 0);
	cmd_node_finish(w, 0);
}

/* cal PORT ARGS...: send with a reply port appended. */
static int
cmd_node_cal(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { .what = "cal" };
	struct aemp_val		*msg;
	struct aemp_guard	*mon;
	const char		*port;
	char			*reply;
	int			 r;

	if ((r = cmd_node_start(ctx, argv[0], &port)) != 0)
		return r;

	reply = aemp_port(cmd_node_cal_reply, &w);
	w.reply = reply;
	msg = cmd_node_message(argc - 1, argv + 1);
	aemp_array_push(msg, aemp_str(reply));
	aemp_sndv(port, msg);
	aemp_unref(msg);

	mon = aemp_mon(port, cmd_node_target_died, &w);
	return cmd_node_wait(&w, mon, 0);
}

/* mon PORT: wait until the port dies, print the reason. */
static int
cmd_node_mon(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { .what = "mon" };
	struct aemp_guard	*mon;
	const char		*port;
	int			 r;

	if ((r = cmd_node_start(ctx, argv[0], &port)) != 0)
		return r;

	mon = aemp_mon(port, cmd_node_print_done, &w);
	return cmd_node_wait(&w, mon, 1);
}

static void
cmd_node_eval_reply(struct aemp_val *msg, void *arg)
{
	struct cmd_node_wait	*w = arg;
	struct aemp_val		*err = aemp_at(msg, 0);
	char			*text;

	if (w->done)
		return;
	if (aemp_type(err) == AEMP_T_STR && aemp_len(err) > 0) {
		text = cmd_node_text(msg);
		aemp_cmd_error(NULL, "eval: %s", text);
		free(text);
		cmd_node_finish(w, 1);
		return;
	}
	cmd_node_print_json(msg, 1);
	cmd_node_finish(w, 0);
}

/* eval NODE EXPR...: Perl code, run by a Perl node. */
static int
cmd_node_eval(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { 0, 0, "eval", NULL, NULL, 0,
	    "eval: evaluates Perl and works only against Perl nodes" };
	struct aemp_val		*words;
	struct aemp_guard	*mon;
	const char		*port;
	char			*node, *expr, *reply;

	if ((port = aemp_cmd_string(ctx, argv[0], "the node")) == NULL)
		return AEMP_ERR_TYPE;
	if (cmd_node_client(ctx) != 0)
		return AEMP_ERR_STATE;

	node = aemp_node_of(port);
	words = cmd_node_message(argc - 1, argv + 1);
	expr = cmd_node_text(words);
	aemp_unref(words);
	reply = aemp_port(cmd_node_eval_reply, &w);
	w.reply = reply;
	aemp_snd(node, "sss", "eval", expr, reply);
	mon = aemp_mon(node, cmd_node_target_died, &w);
	free(expr);
	free(node);
	return cmd_node_wait(&w, mon, 0);
}

static int
cmd_node_trace_seen(struct cmd_node_wait *w, const char *node)
{
	size_t	 i;

	for (i = 0; i < aemp_len(w->seen); i++) {
		if (strcmp(aemp_str_ptr(aemp_at(w->seen, i), NULL), node) == 0)
			return 1;
	}
	return 0;
}

/* Ask node for its up_nodes, the reply tagged with the node's ID. */
static void
cmd_node_trace_ask(struct cmd_node_wait *w, const char *node)
{
	if (cmd_node_trace_seen(w, node) ||
	    aemp_len(w->seen) >= CMD_NODE_TRACE_MAX ||
	    strcmp(node, aemp_node()) == 0)
		return;
	aemp_array_push(w->seen, aemp_str(node));
	w->pending++;
	aemp_snd(node, "ssss", "eval", "AnyEvent::MP::Kernel::up_nodes",
	    w->reply, node);
}

/* One neighbour of a trace line; this node itself is left out. */
static void
cmd_node_trace_print(const struct aemp_val *v)
{
	const char	*node = aemp_str_ptr(v, NULL);

	if (node == NULL || strcmp(node, aemp_node()) != 0) {
		putchar(' ');
		cmd_node_print_val(v);
	}
}

/* A node's up_nodes: print them and ask the new ones. */
static void
cmd_node_trace_reply(struct aemp_val *msg, void *arg)
{
	struct cmd_node_wait	*w = arg;
	struct aemp_val		*err = aemp_at(msg, 1);
	const char		*node = aemp_str_ptr(aemp_at(msg, 0), NULL);
	const char		*next;
	size_t			 i;

	if (w->done || node == NULL)
		return;
	w->pending--;
	if (aemp_type(err) == AEMP_T_STR && aemp_len(err) > 0) {
		printf("%s (%s)\n", node, aemp_str_ptr(err, NULL));
		w->status = 1;
	} else {
		printf("%s ->", node);
		for (i = 2; i < aemp_len(msg); i++)
			cmd_node_trace_print(aemp_at(msg, i));
		printf("\n");
		for (i = 2; i < aemp_len(msg); i++) {
			next = aemp_str_ptr(aemp_at(msg, i), NULL);
			if (next != NULL)
				cmd_node_trace_ask(w, next);
		}
	}
	fflush(stdout);
	if (w->pending == 0)
		cmd_node_finish(w, w->status);
}

static void
cmd_node_trace_timeout(void *arg)
{
	struct cmd_node_wait	*w = arg;

	if (w->done)
		return;
	aemp_cmd_error(NULL, "trace: %d node%s did not answer within "
	    "%g seconds", w->pending, w->pending == 1 ? "" : "s",
	    CMD_NODE_TRACE_TIMEOUT);
	cmd_node_finish(w, 1);
}

/* trace NODE: who is connected to whom, through eval. */
static int
cmd_node_trace(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { 0, 0, "trace", NULL, NULL, 0,
	    "trace: asks through eval and works only against Perl nodes" };
	struct aemp_guard	*timer;
	const char		*port;
	char			*node;
	int			 r;

	if ((port = aemp_cmd_string(ctx, argv[0], "the node")) == NULL)
		return AEMP_ERR_TYPE;
	if (cmd_node_client(ctx) != 0)
		return AEMP_ERR_STATE;

	w.seen = aemp_array_new(8);
	w.reply = aemp_port(cmd_node_trace_reply, &w);
	node = aemp_node_of(port);
	cmd_node_trace_ask(&w, node);
	free(node);

	if (w.pending == 0)
		w.done = 1;

	timer = aemp_after(CMD_NODE_TRACE_TIMEOUT, cmd_node_trace_timeout,
	    &w);
	r = cmd_node_wait(&w, timer, 1);
	aemp_unref(w.seen);
	return r;
}

/* shell, restart: only the reference's aemp has them. */
static int
cmd_node_perl_only(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	return aemp_cmd_error(ctx, "needs the Perl aemp (perl bin/aemp %s):"
	    " this one does not implement it", ctx->cmd);
}

/* SIGTERM, SIGINT: leave the loop for a clean shutdown. */
static void
cmd_node_stop(evutil_socket_t fd, short what, void *arg)
{
	log_debug("signal %d: stopping", (int)fd);
	aemp_break();
}

/* run's KEY VALUE pairs (a lone first one: the profile). */
static struct aemp_val *
cmd_node_run_args(struct cmd_ctx *ctx, int argc, struct aemp_val **argv)
{
	struct aemp_val	*args, *v;
	const char	*k, *s;
	int		 i = 0;

	args = aemp_map_new((size_t)argc / 2 + 1);
	if (argc % 2 != 0)
		aemp_map_put(args, "profile", aemp_ref(argv[i++]));
	for (; i < argc; i += 2) {
		if ((k = aemp_cmd_string(ctx, argv[i], "a key")) == NULL)
			goto bad;
		if ((s = aemp_str_ptr(argv[i + 1], NULL)) == NULL)
			v = aemp_ref(argv[i + 1]);
		else if ((v = configure_value(k, s)) == NULL) {
			aemp_cmd_error(ctx, "%.100s: invalid JSON", s);
			goto bad;
		}
		aemp_map_put(args, k, v);
	}
	return args;

bad:
	aemp_unref(args);
	return NULL;
}

/* run KEY VALUE...: configure a node and serve until stopped. */
static int
cmd_node_run(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct aemp_val	*args;
	struct event	*sigterm, *sigint;
	int		 r;

	if ((args = cmd_node_run_args(ctx, argc, argv)) == NULL)
		return AEMP_ERR_INVAL;
	if (aemp_cmd_flush(ctx) != 0) {
		aemp_unref(args);
		return AEMP_ERR_IO;
	}
	signal(SIGPIPE, SIG_IGN);
	r = aemp_configure_map(args);
	aemp_unref(args);
	if (r != 0) {
		aemp_shutdown();
		return aemp_cmd_error(ctx, "cannot start the node: %s",
		    aemp_strerror(r));
	}

	sigterm = evsignal_new(aemp_base(), SIGTERM, cmd_node_stop, NULL);
	sigint = evsignal_new(aemp_base(), SIGINT, cmd_node_stop, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	r = aemp_run();

	event_free(sigterm);
	event_free(sigint);
	log_note("node %s stopping", aemp_node());
	aemp_shutdown();
	return r;
}

/* One entry of load_list: name, path, ABI, kind, functions. */
static void
cmd_node_print_module(const struct aemp_val *m)
{
	struct aemp_val	*v;
	const char	*name;

	if ((name = aemp_str_ptr(aemp_map_get(m, "name"), NULL)) == NULL)
		name = "?";
	printf("%s\t", name);
	cmd_node_print_val(aemp_map_get(m, "path"));
	printf("\n");
	if ((v = aemp_map_get(m, "error")) != NULL) {
		printf("\terror: ");
		cmd_node_print_val(v);
		printf("\n");
		return;
	}
	printf("\tABI ");
	cmd_node_print_val(aemp_map_get(m, "abi"));
	printf(", ");
	cmd_node_print_val(aemp_map_get(m, "kind"));
	printf("\n\tfunctions: ");
	cmd_node_print_list(aemp_map_get(m, "functions"));
}

/* modules: what the module path of the target holds. */
static int
cmd_node_modules(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct config	*cfg;
	struct aemp_val	*list;
	size_t		 i;
	int		 r;

	if ((cfg = aemp_cmd_config(ctx)) == NULL)
		return AEMP_ERR_IO;
	log_init();
	settings_set(config_profile(cfg, ctx->target != NULL ? ctx->target :
	    util_hostname(), NULL, 0));
	if ((r = load_init()) != 0) {
		settings_free();
		return aemp_cmd_error(ctx, "module loader: %s",
		    aemp_strerror(r));
	}

	list = load_list();
	for (i = 0; i < aemp_len(list); i++)
		cmd_node_print_module(aemp_at(list, i));
	if (aemp_len(list) == 0)
		printf("no modules in the module path\n");
	aemp_unref(list);
	load_shutdown();
	settings_free();
	return 0;
}

/* Commands that start a node of their own. */
const struct cmd_entry cmd_node_table[] = {
	{ "run",	0, -1, cmd_node_run,		NULL },
	{ "snd",	1, -1, cmd_node_snd,		NULL },
	{ "cal",	1, -1, cmd_node_cal,		NULL },
	{ "mon",	1, 1, cmd_node_mon,		NULL },
	{ "eval",	1, -1, cmd_node_eval,		NULL },
	{ "trace",	1, 1, cmd_node_trace,		NULL },
	{ "shell",	0, 1, cmd_node_perl_only,	NULL },
	{ "restart",	1, 1, cmd_node_perl_only,	NULL },
	{ "modules",	0, 0, cmd_node_modules,		NULL },
	{ NULL,		0, 0, NULL,			NULL }
};
