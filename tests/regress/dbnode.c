/*
 * dbnode: a node for the database tests, driven line by line on stdin.
 *
 *	dbnode key value ... (aemp_configure pairs)
 *
 * Commands (one per line; JSON arguments without spaces):
 *	set FAMILY KEY JSON	aemp_db_set
 *	del FAMILY KEY		aemp_db_del
 *	mon FAMILY		aemp_db_mon; every call prints a "mon" line
 *	unmon FAMILY		free the newest guard of that family
 *	port NAME		a port printing what it receives
 *	reg FAMILY NAME		aemp_db_reg of port NAME
 *	kil NAME		kill port NAME with ("test", "killed")
 *	snd PORT JSONARRAY	aemp_sndv
 *	family|keys|values FAMILY	the query; prints its answer
 *	quit			stop the node
 * Output lines: "ready NODE", "port NAME ID", "mon FAMILY a=.. c=.. d=..
 * db=JSON", "rcv NAME JSON", "family FAMILY JSON" (keys and values
 * sorted), "error TEXT".
 */

#include <sys/types.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aemp.h"

#define DBNODE_MAX	64

struct dbnode_port {
	char		 name[32];
	char		*id;
};

struct dbnode_mon {
	char			 family[64];
	struct aemp_guard	*guard;
};

static struct dbnode_port	 ports[DBNODE_MAX];
static struct dbnode_mon	 mons[DBNODE_MAX];
static struct aemp_guard	*regs[DBNODE_MAX];
static int			 nports, nmons, nregs;
static struct evbuffer		*input;
static struct event		*stdin_ev;

static int
dbnode_cmp(const void *a, const void *b)
{
	const char	*const *x = a, *const *y = b;

	return (strcmp(*x, *y));
}

/* Print the string elements of an array, sorted, comma separated. */
static void
dbnode_print_keys(const char *label, struct aemp_val *keys)
{
	const char	*list[1024];
	size_t		 i, n = 0;

	for (i = 0; i < aemp_len(keys) && n < 1024; i++) {
		if (aemp_str_ptr(aemp_at(keys, i), NULL) != NULL)
			list[n++] = aemp_str_ptr(aemp_at(keys, i), NULL);
	}
	qsort(list, n, sizeof list[0], dbnode_cmp);

	printf(" %s=", label);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "," : "", list[i]);
}

static void
dbnode_print_json(struct aemp_val *v)
{
	char	*json;

	json = aemp_to_json(v);
	printf("%s", json != NULL ? json : "?");
	free(json);
}

static void
dbnode_mon_cb(struct aemp_val *family, struct aemp_val *added,
    struct aemp_val *changed, struct aemp_val *deleted, void *arg)
{
	struct dbnode_mon	*m = arg;

	printf("mon %s", m->family);
	dbnode_print_keys("a", added);
	dbnode_print_keys("c", changed);
	dbnode_print_keys("d", deleted);
	printf(" n=%zu db=", aemp_len(family));
	dbnode_print_json(family);
	printf("\n");
	fflush(stdout);
}

static void
dbnode_rcv_cb(struct aemp_val *msg, void *arg)
{
	struct dbnode_port	*p = arg;

	printf("rcv %s ", p->name);
	dbnode_print_json(msg);
	printf("\n");
	fflush(stdout);
}

static void
dbnode_query_cb(struct aemp_val *reply, void *arg)
{
	const char	*what = arg;

	if (aemp_type(reply) == AEMP_T_ARRAY &&
	    strcmp(what, "keys") == 0) {
		printf("keys");
		dbnode_print_keys("k", reply);
	} else {
		printf("%s ", what);
		dbnode_print_json(reply);
	}
	printf("\n");
	fflush(stdout);
}

static struct dbnode_port *
dbnode_port_find(const char *name)
{
	int	 i;

	for (i = 0; i < nports; i++) {
		if (strcmp(ports[i].name, name) == 0)
			return (&ports[i]);
	}
	return (NULL);
}

static struct aemp_val *
dbnode_json(const char *text)
{
	struct aemp_val	*v = NULL;

	if (text == NULL || aemp_from_json(text, strlen(text), &v, NULL) != 0)
		return (NULL);
	return (v);
}

static void
dbnode_cmd_set(char *fam, char *key, char *json)
{
	struct aemp_val	*v;

	if (key == NULL || (v = dbnode_json(json)) == NULL) {
		printf("error bad set\n");
		return;
	}
	aemp_db_set(fam, key, v, 0);
	aemp_unref(v);
}

static void
dbnode_cmd_mon(char *fam)
{
	struct dbnode_mon	*m;

	if (nmons == DBNODE_MAX)
		return;
	m = &mons[nmons++];
	snprintf(m->family, sizeof m->family, "%s", fam);
	m->guard = aemp_db_mon(fam, dbnode_mon_cb, m);
}

static void
dbnode_cmd_unmon(char *fam)
{
	int	 i;

	for (i = nmons - 1; i >= 0; i--) {
		if (mons[i].guard != NULL && strcmp(mons[i].family, fam) == 0) {
			aemp_guard_free(mons[i].guard);
			mons[i].guard = NULL;
			return;
		}
	}
}

static void
dbnode_cmd_port(char *name)
{
	struct dbnode_port	*p;

	if (nports == DBNODE_MAX || strlen(name) >= sizeof p->name)
		return;
	p = &ports[nports++];
	snprintf(p->name, sizeof p->name, "%s", name);
	p->id = aemp_port(dbnode_rcv_cb, p);
	printf("port %s %s\n", name, p->id != NULL ? p->id : "?");
}

static void
dbnode_cmd_reg(char *fam, char *name)
{
	struct dbnode_port	*p;

	if (name == NULL || (p = dbnode_port_find(name)) == NULL ||
	    nregs == DBNODE_MAX) {
		printf("error bad reg\n");
		return;
	}
	regs[nregs++] = aemp_db_reg(fam, p->id, NULL);
}

static void
dbnode_cmd_snd(char *port, char *json)
{
	struct aemp_val	*v;

	if ((v = dbnode_json(json)) == NULL) {
		printf("error bad snd\n");
		return;
	}
	aemp_sndv(port, v);
	aemp_unref(v);
}

static void
dbnode_command(char *line)
{
	char	*cmd, *a, *b, *c;
	struct dbnode_port *p;

	cmd = strtok(line, " \t");
	a = strtok(NULL, " \t");
	b = strtok(NULL, " \t");
	c = strtok(NULL, "");
	if (cmd == NULL)
		return;
	if (strcmp(cmd, "quit") == 0) {
		aemp_break();
		return;
	}
	if (a == NULL) {
		printf("error %s needs arguments\n", cmd);
		return;
	}

	if (strcmp(cmd, "set") == 0)
		dbnode_cmd_set(a, b, c);
	else if (strcmp(cmd, "del") == 0 && b != NULL)
		aemp_db_del(a, b);
	else if (strcmp(cmd, "mon") == 0)
		dbnode_cmd_mon(a);
	else if (strcmp(cmd, "unmon") == 0)
		dbnode_cmd_unmon(a);
	else if (strcmp(cmd, "port") == 0)
		dbnode_cmd_port(a);
	else if (strcmp(cmd, "reg") == 0)
		dbnode_cmd_reg(a, b);
	else if (strcmp(cmd, "kil") == 0 && (p = dbnode_port_find(a)) != NULL)
		aemp_kil(p->id, "ss", "test", "killed");
	else if (strcmp(cmd, "snd") == 0)
		dbnode_cmd_snd(a, b);
	else if (strcmp(cmd, "family") == 0)
		aemp_db_family(a, dbnode_query_cb, "family");
	else if (strcmp(cmd, "keys") == 0)
		aemp_db_keys(a, dbnode_query_cb, "keys");
	else if (strcmp(cmd, "values") == 0)
		aemp_db_values(a, dbnode_query_cb, "values");
	else
		printf("error unknown command %s\n", cmd);
	fflush(stdout);
}

static void
dbnode_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	char	*line;
	size_t	 len;
	int	 n;

	(void)what;
	(void)arg;

	n = evbuffer_read(input, fd, 4096);
	while ((line = evbuffer_readln(input, &len,
	    EVBUFFER_EOL_CRLF)) != NULL) {
		dbnode_command(line);
		free(line);
	}
	if (n <= 0) {
		event_del(stdin_ev);
		aemp_break();
	}
}

/* Configure from argv pairs, then serve the commands on stdin. */
int
main(int argc, char **argv)
{
	struct aemp_val	*args;
	int		 i, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	args = aemp_map_new(argc / 2);
	for (i = 1; i + 1 < argc; i += 2)
		aemp_map_put(args, argv[i], aemp_str(argv[i + 1]));
	r = aemp_configure_map(args);
	aemp_unref(args);
	if (r != 0) {
		printf("error configure: %s\n", aemp_strerror(r));
		return (1);
	}
	printf("ready %s\n", aemp_node());

	input = evbuffer_new();
	stdin_ev = event_new(aemp_base(), 0, EV_READ | EV_PERSIST,
	    dbnode_stdin_cb, NULL);
	event_add(stdin_ev, NULL);

	aemp_run();

	for (i = 0; i < nmons; i++)
		aemp_guard_free(mons[i].guard);
	for (i = 0; i < nregs; i++)
		aemp_guard_free(regs[i]);
	for (i = 0; i < nports; i++)
		free(ports[i].id);
	event_free(stdin_ev);
	evbuffer_free(input);
	aemp_shutdown();
	return (0);
}
