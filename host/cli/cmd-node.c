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
};

/* One value as the reference prints it: strings bare, the rest JSON. */
static void
cmd_node_print_val(FILE *f, const struct aemp_val *v)
{
	char	*json;

	if (aemp_type(v) == AEMP_T_STR) {
		fwrite(aemp_str_ptr(v, NULL), 1, aemp_len(v), f);
		return;
	}
	json = aemp_to_json(v);
	fputs(json != NULL ? json : "?", f);
	free(json);
}

/* The elements of array v separated by spaces, then a newline. */
static void
cmd_node_print_list(FILE *f, const struct aemp_val *v, size_t from)
{
	size_t	 i;

	for (i = from; i < aemp_len(v); i++) {
		if (i > from)
			fputc(' ', f);
		cmd_node_print_val(f, aemp_at(v, i));
	}
	fputc('\n', f);
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

static void
cmd_node_finish(struct cmd_node_wait *w, int status)
{
	if (w->done)
		return;
	w->done = 1;
	w->status = status;
	aemp_break();
}

static void
cmd_node_timeout(void *arg)
{
	struct cmd_node_wait	*w = arg;

	if (w->done)
		return;
	fprintf(stderr, "aemp: %s: no answer within %g seconds\n", w->what,
	    CMD_NODE_TIMEOUT);
	cmd_node_finish(w, 1);
}

/* The monitor of the target fired before the answer came. */
static void
cmd_node_target_died(struct aemp_val *reason, void *arg)
{
	struct cmd_node_wait	*w = arg;

	if (w->done)
		return;
	fprintf(stderr, "aemp: %s: ", w->what);
	cmd_node_print_list(stderr, reason, 0);
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
	if ((r = aemp_configure("profile", "aemp", "nodeid", "aemp/%n/%u",
	    NULL)) != 0)
		return aemp_cmd_error(ctx, "cannot start a node: %s",
		    aemp_strerror(r));
	return 0;
}

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

/* Run the loop until the command is done; 5 s at most unless forever. */
static int
cmd_node_wait(struct cmd_node_wait *w, struct aemp_guard *mon, int forever)
{
	struct aemp_guard	*timer = NULL;

	if (!forever)
		timer = aemp_after(CMD_NODE_TIMEOUT, cmd_node_timeout, w);
	if (!w->done && aemp_run() != 0)
		w->status = 1;
	aemp_guard_free(timer);
	aemp_guard_free(mon);
	if (w->reply != NULL) {
		aemp_kil(w->reply, NULL);
		free((char *)w->reply);
	}
	aemp_shutdown();
	return w->status;
}

static void
cmd_node_snd_confirmed(struct aemp_val *msg, void *arg)
{
	struct cmd_node_wait	*w = arg;

	if (w->done)
		return;
	cmd_node_print_list(stdout, msg, 0);
	fflush(stdout);
	cmd_node_finish(w, 0);
}

static int
cmd_node_snd(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { 0, 0, "snd", NULL, NULL, 0 };
	struct aemp_val		*msg;
	struct aemp_guard	*mon;
	const char		*port;
	char			*node, *reply;

	if ((port = aemp_cmd_string(ctx, argv[0], "the port")) == NULL)
		return AEMP_ERR_TYPE;
	if (cmd_node_client(ctx) != 0)
		return AEMP_ERR_STATE;

	msg = cmd_node_message(argc - 1, argv + 1);
	aemp_sndv(port, msg);
	aemp_unref(msg);

	mon = aemp_mon(port, cmd_node_target_died, &w);
	reply = aemp_port(cmd_node_snd_confirmed, &w);
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

static int
cmd_node_cal(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { 0, 0, "cal", NULL, NULL, 0 };
	struct aemp_val		*msg;
	struct aemp_guard	*mon;
	const char		*port;
	char			*reply;

	if ((port = aemp_cmd_string(ctx, argv[0], "the port")) == NULL)
		return AEMP_ERR_TYPE;
	if (cmd_node_client(ctx) != 0)
		return AEMP_ERR_STATE;

	reply = aemp_port(cmd_node_cal_reply, &w);
	w.reply = reply;
	msg = cmd_node_message(argc - 1, argv + 1);
	aemp_array_push(msg, aemp_str(reply));
	aemp_sndv(port, msg);
	aemp_unref(msg);

	mon = aemp_mon(port, cmd_node_target_died, &w);
	return cmd_node_wait(&w, mon, 0);
}

static void
cmd_node_mon_fired(struct aemp_val *reason, void *arg)
{
	struct cmd_node_wait	*w = arg;

	if (w->done)
		return;
	cmd_node_print_list(stdout, reason, 0);
	fflush(stdout);
	cmd_node_finish(w, 0);
}

static int
cmd_node_mon(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { 0, 0, "mon", NULL, NULL, 0 };
	struct aemp_guard	*mon;
	const char		*port;

	if ((port = aemp_cmd_string(ctx, argv[0], "the port")) == NULL)
		return AEMP_ERR_TYPE;
	if (cmd_node_client(ctx) != 0)
		return AEMP_ERR_STATE;

	mon = aemp_mon(port, cmd_node_mon_fired, &w);
	return cmd_node_wait(&w, mon, 1);
}

/* The words of argv joined by spaces, as the reference's eval does. */
static char *
cmd_node_join(int argc, struct aemp_val **argv)
{
	char	*out = xstrdup(""), *next, *json;
	int	 i;

	for (i = 0; i < argc; i++) {
		json = aemp_type(argv[i]) == AEMP_T_STR ? NULL :
		    aemp_to_json(argv[i]);
		xasprintf(&next, "%s%s%s", out, i > 0 ? " " : "",
		    json != NULL ? json : aemp_str_ptr(argv[i], NULL));
		free(json);
		free(out);
		out = next;
	}
	return out;
}

static void
cmd_node_eval_reply(struct aemp_val *msg, void *arg)
{
	struct cmd_node_wait	*w = arg;
	struct aemp_val		*err = aemp_at(msg, 0);

	if (w->done)
		return;
	if (aemp_type(err) == AEMP_T_STR && aemp_len(err) > 0) {
		fprintf(stderr, "aemp: eval: ");
		cmd_node_print_list(stderr, msg, 0);
		cmd_node_finish(w, 1);
		return;
	}
	cmd_node_print_json(msg, 1);
	cmd_node_finish(w, 0);
}

static int
cmd_node_eval(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { 0, 0, "eval", NULL, NULL, 0 };
	struct aemp_guard	*mon;
	const char		*port;
	char			*node, *expr, *reply;

	if ((port = aemp_cmd_string(ctx, argv[0], "the node")) == NULL)
		return AEMP_ERR_TYPE;
	fprintf(stderr, "aemp: eval evaluates Perl and works only against "
	    "Perl nodes\n");
	if (cmd_node_client(ctx) != 0)
		return AEMP_ERR_STATE;

	node = aemp_node_of(port);
	expr = cmd_node_join(argc - 1, argv + 1);
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

static void
cmd_node_trace_reply(struct aemp_val *msg, void *arg)
{
	struct cmd_node_wait	*w = arg;
	struct aemp_val		*err = aemp_at(msg, 1);
	const char		*node = aemp_str_ptr(aemp_at(msg, 0), NULL);
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
			printf(" %s", aemp_str_ptr(aemp_at(msg, i), NULL) ?
			    aemp_str_ptr(aemp_at(msg, i), NULL) : "?");
		printf("\n");
		for (i = 2; i < aemp_len(msg); i++) {
			if (aemp_str_ptr(aemp_at(msg, i), NULL) != NULL)
				cmd_node_trace_ask(w, aemp_str_ptr(aemp_at(msg,
				    i), NULL));
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
	fprintf(stderr, "aemp: trace: %d node%s did not answer within "
	    "%g seconds\n", w->pending, w->pending == 1 ? "" : "s",
	    CMD_NODE_TRACE_TIMEOUT);
	cmd_node_finish(w, 1);
}

static int
cmd_node_trace(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	struct cmd_node_wait	 w = { 0, 0, "trace", NULL, NULL, 0 };
	struct aemp_guard	*timer;
	const char		*port;
	char			*node;

	if ((port = aemp_cmd_string(ctx, argv[0], "the node")) == NULL)
		return AEMP_ERR_TYPE;
	fprintf(stderr, "aemp: trace asks through eval and works only "
	    "against Perl nodes\n");
	if (cmd_node_client(ctx) != 0)
		return AEMP_ERR_STATE;

	w.seen = aemp_array_new(8);
	w.reply = aemp_port(cmd_node_trace_reply, &w);
	node = aemp_node_of(port);
	cmd_node_trace_ask(&w, node);
	free(node);

	timer = aemp_after(CMD_NODE_TRACE_TIMEOUT, cmd_node_trace_timeout,
	    &w);
	if (w.pending > 0 && aemp_run() != 0)
		w.status = 1;
	aemp_guard_free(timer);
	aemp_unref(w.seen);
	w.seen = NULL;
	return cmd_node_wait(&w, NULL, 1);
}

static int
cmd_node_perl_only(struct cmd_ctx *ctx, const char *key, int argc,
    struct aemp_val **argv)
{
	return aemp_cmd_error(ctx, "needs the Perl aemp (perl bin/aemp %s):"
	    " this one does not implement it", ctx->cmd);
}

static void
cmd_node_stop(evutil_socket_t fd, short what, void *arg)
{
	log_note("signal %d: stopping", (int)fd);
	aemp_break();
}

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

static void
cmd_node_print_module(const struct aemp_val *m)
{
	struct aemp_val	*v;

	printf("%s\t", aemp_str_ptr(aemp_map_get(m, "name"), NULL) ?
	    aemp_str_ptr(aemp_map_get(m, "name"), NULL) : "?");
	cmd_node_print_val(stdout, aemp_map_get(m, "path"));
	printf("\n");
	if ((v = aemp_map_get(m, "error")) != NULL) {
		printf("\terror: ");
		cmd_node_print_val(stdout, v);
		printf("\n");
		return;
	}
	printf("\tABI ");
	cmd_node_print_val(stdout, aemp_map_get(m, "abi"));
	printf(", ");
	cmd_node_print_val(stdout, aemp_map_get(m, "kind"));
	printf("\n\tfunctions: ");
	cmd_node_print_list(stdout, aemp_map_get(m, "functions"), 0);
}

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
