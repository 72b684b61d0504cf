/*
 * The kernel's work queue: local messages, kills, monitor checks, local
 * spawns and events from the network run from here, in the order they
 * were queued.  Each loop turn runs the whole batch queued before it
 * started; work queued meanwhile waits for the next turn, after the loop
 * polled for I/O, so that no handler ever runs inside another and a
 * ping-pong of messages cannot starve the network.
 */

#include "config.h"

#include <stdlib.h>

#include <event2/event.h>

#include "kernel.h"

static TAILQ_HEAD(, job) queue_jobs = TAILQ_HEAD_INITIALIZER(queue_jobs);
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
	free(j->name);
	free(j->srcnode);
	free(j->function);
	free(j);
}

static void
queue_run_cb(evutil_socket_t fd, short what, void *arg)
{
	TAILQ_HEAD(, job)	 batch = TAILQ_HEAD_INITIALIZER(batch);
	struct timeval		 now = { 0, 0 };
	struct job		*j;

	queue_scheduled = 0;
	TAILQ_CONCAT(&batch, &queue_jobs, entry);

	queue_running = 1;
	while ((j = TAILQ_FIRST(&batch)) != NULL) {
		TAILQ_REMOVE(&batch, j, entry);
		queue_src = j->srcnode != NULL ? j->srcnode : kernel_node();
		j->run(j);
		queue_src = NULL;
		queue_job_free(j);
	}
	queue_running = 0;

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

/*
 * Queue run(job) for a coming loop turn.  name (copied) and val (a
 * reference the job takes over) are stored in the job, which the caller
 * may fill further before returning to the loop.
 */
struct job *
queue_job(queue_job_cb run, const char *name, struct aemp_val *val)
{
	struct job	*j;

	j = xcalloc(1, sizeof *j);
	j->run = run;
	j->name = name != NULL ? xstrdup(name) : NULL;
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

/* Drop all queued work. */
void
queue_free(void)
{
	struct job	*j;

	while ((j = TAILQ_FIRST(&queue_jobs)) != NULL) {
		TAILQ_REMOVE(&queue_jobs, j, entry);
		queue_job_free(j);
	}
	if (queue_ev != NULL)
		event_free(queue_ev);
	queue_ev = NULL;
	queue_scheduled = 0;
}
