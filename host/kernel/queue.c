/*
 * The kernel's work queue: local messages, kills, monitor checks, local
 * spawns and events from the network run from here, one at a time, in
 * the order they were queued, so that no handler ever runs inside
 * another.  A loop turn runs jobs, including those that the jobs queue,
 * until the queue is empty or the turn's budget of jobs or time is
 * spent; then the rest waits for a zero timeout, which fires only after
 * the loop has polled for I/O, so that a ping-pong of messages cannot
 * starve the network.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "kernel.h"

/* At most this many jobs in one loop turn... */
#define QUEUE_TURN_JOBS		1024

/* ...and about this much time (microseconds), checked every few jobs. */
#define QUEUE_TURN_USEC		2000
#define QUEUE_CLOCK_EVERY	16

/* Freed jobs kept for reuse, at most. */
#define QUEUE_SPARE_MAX		1024

TAILQ_HEAD(jobq, job);

static struct jobq	 queue_jobs = TAILQ_HEAD_INITIALIZER(queue_jobs);
static struct jobq	 queue_spare = TAILQ_HEAD_INITIALIZER(queue_spare);
static int		 queue_nspare;
static struct event	*queue_ev;
static int		 queue_scheduled;
static int		 queue_running;
static const char	*queue_src;

static void
queue_job_free(struct job *j)
{
	if (j->mon != NULL)
		mon_destroy(j->mon);
	aemp_unref(j->val);
	if (j->name != j->namebuf)
		free(j->name);
	free(j->srcnode);
	free(j->function);

	if (queue_nspare >= QUEUE_SPARE_MAX) {
		free(j);
		return;
	}
	TAILQ_INSERT_HEAD(&queue_spare, j, entry);
	queue_nspare++;
}

static int64_t
queue_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* 1 when the turn that started at *start has run its n jobs' budget. */
static int
queue_turn_spent(int n, int64_t *start)
{
	if (n == 0) {
		*start = queue_usec();
		return 0;
	}
	if (n >= QUEUE_TURN_JOBS)
		return 1;
	if (n % QUEUE_CLOCK_EVERY != 0)
		return 0;
	return queue_usec() - *start >= QUEUE_TURN_USEC;
}

static void
queue_run_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	 now = { 0, 0 };
	struct job	*j;
	int64_t		 start = 0;
	int		 n;

	queue_scheduled = 0;
	queue_running = 1;
	for (n = 0; (j = TAILQ_FIRST(&queue_jobs)) != NULL; n++) {
		if (queue_turn_spent(n, &start) ||
		    event_base_got_break(event_get_base(queue_ev)))
			break;
		TAILQ_REMOVE(&queue_jobs, j, entry);
		queue_src = j->srcnode != NULL ? j->srcnode : kernel_node();
		j->run(j);
		queue_src = NULL;
		queue_job_free(j);
	}
	queue_running = 0;

	/* Not event_active: libevent would run it again before polling. */
	if (!TAILQ_EMPTY(&queue_jobs) && !queue_scheduled) {
		queue_scheduled = 1;
		event_add(queue_ev, &now);
	}
}

static void
queue_schedule(void)
{
	if (queue_ev == NULL) {
		queue_ev = evtimer_new(kernel_base(), queue_run_cb, NULL);
		if (queue_ev == NULL)
			fatalx("cannot create the queue event");
	}
	if (queue_scheduled || queue_running)
		return;
	queue_scheduled = 1;
	event_active(queue_ev, EV_TIMEOUT, 0);
}

static struct job *
queue_job_alloc(void)
{
	struct job	*j;

	if ((j = TAILQ_FIRST(&queue_spare)) == NULL)
		return xcalloc(1, sizeof *j);
	TAILQ_REMOVE(&queue_spare, j, entry);
	queue_nspare--;
	memset(j, 0, sizeof *j);
	return j;
}

/*
 * Queue run(job) for a coming loop turn.  name (copied) and val (a
 * reference the job takes over) are stored in the job, which the caller
 * may fill further before returning to the loop.
 */
struct job *
queue_job(queue_job_cb run, const char *name, struct aemp_val *val)
{
	struct job	*j;
	size_t		 len;

	j = queue_job_alloc();
	j->run = run;
	if (name != NULL && (len = strlen(name)) < sizeof j->namebuf) {
		memcpy(j->namebuf, name, len + 1);
		j->name = j->namebuf;
	} else if (name != NULL)
		j->name = xstrdup(name);
	j->val = val;
	TAILQ_INSERT_TAIL(&queue_jobs, j, entry);
	queue_schedule();
	return j;
}

/* The node the running job came from, or NULL outside a job. */
const char *
queue_srcnode(void)
{
	return queue_src;
}

/* Drop all queued work and the jobs kept for reuse. */
void
queue_free(void)
{
	struct job	*j;

	while ((j = TAILQ_FIRST(&queue_jobs)) != NULL) {
		TAILQ_REMOVE(&queue_jobs, j, entry);
		queue_job_free(j);
	}
	while ((j = TAILQ_FIRST(&queue_spare)) != NULL) {
		TAILQ_REMOVE(&queue_spare, j, entry);
		free(j);
	}
	queue_nspare = 0;
	if (queue_ev != NULL)
		event_free(queue_ev);
	queue_ev = NULL;
	queue_scheduled = 0;
}
