/*
 * local.c: local message rate of libaemp, one process, no network.
 *
 *	local [COUNT [BURST]]
 *
 * pingpong: two ports send ("ping", i) back and forth COUNT times in
 * all; burst: a driver port sends BURST messages ("msg", i) to a sink,
 * which asks for the next burst when the last one arrived, until COUNT
 * messages went through.  Prints "NAME MESSAGES SECONDS RATE" lines,
 * rate in messages per second.
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "aemp.h"

static char	*local_a, *local_b, *local_sink, *local_driver;
static long	 local_count, local_burst, local_seen;

static double
local_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
local_a_cb(struct aemp_val *msg, void *arg)
{
	int	i = 0;

	aemp_unpack(msg, ".i", &i);
	if (++local_seen >= local_count) {
		aemp_break();
		return;
	}
	aemp_snd(local_b, "si", "ping", i + 1);
}

static void
local_b_cb(struct aemp_val *msg, void *arg)
{
	int	i = 0;

	aemp_unpack(msg, ".i", &i);
	++local_seen;
	aemp_snd(local_a, "si", "ping", i + 1);
}

static void
local_sink_cb(struct aemp_val *msg, void *arg)
{
	if (++local_seen >= local_count) {
		aemp_break();
		return;
	}
	if (local_seen % local_burst == 0)
		aemp_snd(local_driver, "s", "go");
}

static void
local_driver_cb(struct aemp_val *msg, void *arg)
{
	long	i;

	for (i = 0; i < local_burst; i++)
		aemp_snd(local_sink, "si", "msg", (int)i);
}

static void
local_report(const char *name, double t0)
{
	double	t = local_now() - t0;

	printf("%s %ld %.6f %.0f\n", name, local_seen, t,
	    t > 0 ? local_seen / t : 0);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	double	t0;

	local_count = argc > 1 ? atol(argv[1]) : 1000000;
	local_burst = argc > 2 ? atol(argv[2]) : 1000;
	if (local_count < 2 || local_burst < 1)
		return 2;

	local_a = aemp_port(local_a_cb, NULL);
	local_b = aemp_port(local_b_cb, NULL);
	t0 = local_now();
	aemp_snd(local_b, "si", "ping", 0);
	if (aemp_run() != 0)
		return 1;
	local_report("pingpong", t0);

	local_seen = 0;
	local_sink = aemp_port(local_sink_cb, NULL);
	local_driver = aemp_port(local_driver_cb, NULL);
	t0 = local_now();
	aemp_snd(local_driver, "s", "go");
	if (aemp_run() != 0)
		return 1;
	local_report("burst", t0);

	free(local_a);
	free(local_b);
	free(local_sink);
	free(local_driver);
	aemp_shutdown();
	return 0;
}
