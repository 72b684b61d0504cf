/*
 * remote.c: libaemp between two nodes on 127.0.0.1, and its memory use.
 *
 *	remote server NODEID SECRET BIND
 *	remote client NODEID SECRET BIND SEED PORT COUNT WINDOW
 *	remote mem NODEID SECRET BIND PORTS
 *
 * server: a seed node (it seeds itself) with one port that answers
 * ("ping", i, reply) with ("pong", i) to reply; prints "port ID" once it
 * listens, then runs until SIGTERM.
 * client: a node seeded by SEED that sends PORT 1000 warm-up round
 * trips, then COUNT sequential ones (prints "latency COUNT MEDIAN_US
 * P99_US"), then COUNT pipelined ones with at most WINDOW outstanding
 * (prints "pipelined COUNT SECONDS RATE").
 * mem: a configured, idle node; prints "rss_idle KB", then creates PORTS
 * ports and prints "rss_ports KB PER_PORT_BYTES".
 * Every node uses JSON framing and HMAC authentication.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "aemp.h"

#define REMOTE_WARMUP	1000
#define REMOTE_DEADLINE	45.0

static char	*remote_port_id, *remote_reply;
static long	 remote_count, remote_window, remote_sent, remote_got;
static long	 remote_phase_total;
static double	*remote_lat, remote_t0;
static int	 remote_phase, remote_failed;

static double
remote_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
remote_setup(const char *nodeid, const char *secret, const char *bind,
    const char *seed)
{
	char	binds[128], seeds[128];

	snprintf(binds, sizeof(binds), "[\"%s\"]", bind);
	snprintf(seeds, sizeof(seeds), "[\"%s\"]", seed);
	return aemp_configure("norc", "true", "force", "true",
	    "nodeid", nodeid, "secret", secret, "binds", binds,
	    "seeds", seeds, "framing_format", "[\"json\"]",
	    "auth_offer", "[\"hmac_sha3_512\"]", NULL);
}

static void
remote_echo_cb(struct aemp_val *msg, void *arg)
{
	struct aemp_val	*i;
	const char	*reply;

	if (aemp_unpack(msg, ".vs", &i, &reply) != 0)
		return;
	aemp_snd(reply, "sv", "pong", i);
}

static void
remote_stop_cb(int sig, short events, void *arg)
{
	aemp_break();
}

static int
remote_server(char **argv)
{
	struct event	*sig;

	if (remote_setup(argv[2], argv[3], argv[4], argv[4]) != 0)
		return 1;
	remote_port_id = aemp_port(remote_echo_cb, NULL);
	printf("port %s\n", remote_port_id);
	fflush(stdout);
	sig = evsignal_new(aemp_base(), SIGTERM, remote_stop_cb, NULL);
	event_add(sig, NULL);
	aemp_run();
	event_free(sig);
	free(remote_port_id);
	aemp_shutdown();
	return 0;
}

static int
remote_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
remote_ping(long i)
{
	if (remote_phase == 1)
		remote_lat[i] = remote_now();
	aemp_snd(remote_port_id, "sIs", "ping", (int64_t)i, remote_reply);
	remote_sent++;
}

static void
remote_start(int phase)
{
	long	i, n;

	remote_phase = phase;
	remote_sent = remote_got = 0;
	remote_phase_total = phase == 0 ? REMOTE_WARMUP : remote_count;
	n = phase == 2 ? remote_window : 1;
	remote_t0 = remote_now();
	for (i = 0; i < n && i < remote_phase_total; i++)
		remote_ping(remote_sent);
}

static void
remote_latency_report(void)
{
	long	n = remote_count;

	qsort(remote_lat, n, sizeof(*remote_lat), remote_cmp);
	printf("latency %ld %.1f %.1f\n", n, remote_lat[n / 2] * 1e6,
	    remote_lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] * 1e6);
	fflush(stdout);
}

static void
remote_phase_done(void)
{
	double	t = remote_now() - remote_t0;

	if (remote_phase == 1)
		remote_latency_report();
	if (remote_phase == 2) {
		printf("pipelined %ld %.6f %.0f\n", remote_count, t,
		    remote_count / t);
		fflush(stdout);
		aemp_break();
		return;
	}
	remote_start(remote_phase + 1);
}

static void
remote_pong_cb(struct aemp_val *msg, void *arg)
{
	int64_t	i = 0;

	if (aemp_unpack(msg, ".I", &i) != 0 || i < 0 ||
	    i >= remote_phase_total)
		return;
	if (remote_phase == 1)
		remote_lat[i] = remote_now() - remote_lat[i];
	if (++remote_got >= remote_phase_total) {
		remote_phase_done();
		return;
	}
	if (remote_sent < remote_phase_total)
		remote_ping(remote_sent);
}

static void
remote_deadline_cb(void *arg)
{
	fprintf(stderr, "remote: deadline passed in phase %d (%ld of %ld)\n",
	    remote_phase, remote_got, remote_phase_total);
	remote_failed = 1;
	aemp_break();
}

static int
remote_client(char **argv)
{
	struct aemp_guard	*g;

	remote_port_id = argv[6];
	remote_count = atol(argv[7]);
	remote_window = atol(argv[8]);
	if (remote_count < 1 || remote_window < 1)
		return 2;
	/* An empty ID would only log "message to port '' without a node". */
	if (*remote_port_id == '#' || strchr(remote_port_id, '#') == NULL) {
		fprintf(stderr, "remote: '%s' is not a port ID\n",
		    remote_port_id);
		return 2;
	}
	if (remote_setup(argv[2], argv[3], argv[4], argv[5]) != 0)
		return 1;
	remote_lat = calloc(remote_count, sizeof(*remote_lat));
	remote_reply = aemp_port(remote_pong_cb, NULL);
	if (remote_lat == NULL || remote_reply == NULL)
		return 1;
	g = aemp_after(REMOTE_DEADLINE, remote_deadline_cb, NULL);
	remote_start(0);
	aemp_run();
	aemp_guard_free(g);
	free(remote_reply);
	free(remote_lat);
	aemp_shutdown();
	return remote_failed;
}

static long
remote_rss_kb(void)
{
	FILE	*f = fopen("/proc/self/status", "r");
	char	 line[256];
	long	 kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

static void
remote_mem_cb(void *arg)
{
	long	 n = *(long *)arg, i, before, after;
	char	*p;

	before = remote_rss_kb();
	printf("rss_idle %ld\n", before);
	for (i = 0; i < n; i++) {
		if ((p = aemp_port_new()) == NULL)
			break;
		free(p);
	}
	after = remote_rss_kb();
	printf("rss_ports %ld %.0f\n", after, (after - before) * 1024.0 / n);
	fflush(stdout);
	aemp_break();
}

static int
remote_mem(char **argv)
{
	struct aemp_guard	*g;
	long			 n = atol(argv[5]);

	if (n < 1)
		return 2;
	if (remote_setup(argv[2], argv[3], argv[4], argv[4]) != 0)
		return 1;
	g = aemp_after(0.5, remote_mem_cb, &n);
	aemp_run();
	aemp_guard_free(g);
	aemp_shutdown();
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "server") == 0)
		return remote_server(argv);
	if (argc == 9 && strcmp(argv[1], "client") == 0)
		return remote_client(argv);
	if (argc == 6 && strcmp(argv[1], "mem") == 0)
		return remote_mem(argv);
	fprintf(stderr, "usage: remote server NODEID SECRET BIND\n"
	    "       remote client NODEID SECRET BIND SEED PORT COUNT WINDOW\n"
	    "       remote mem NODEID SECRET BIND PORTS\n");
	return 2;
}
