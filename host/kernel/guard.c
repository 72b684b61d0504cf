/*
 * Guards: the handle a caller holds for a monitor, a timer or a
 * subscription.  Freeing a guard cancels what it guards, unless that has
 * fired already; the guard itself stays valid until it is freed.  Guards
 * nobody freed are released at kernel_shutdown.
 */

#include "config.h"

#include <stdlib.h>

#include "kernel.h"

struct aemp_guard {
	TAILQ_ENTRY(aemp_guard)	 entry;
	guard_cancel_cb		 cancel;
	void			*arg;
};

static TAILQ_HEAD(, aemp_guard) guard_all = TAILQ_HEAD_INITIALIZER(guard_all);

/* A new guard that calls cancel(arg) when freed before it fired. */
struct aemp_guard *
guard_new(guard_cancel_cb cancel, void *arg)
{
	struct aemp_guard	*g;

	g = xcalloc(1, sizeof *g);
	g->cancel = cancel;
	g->arg = arg;
	TAILQ_INSERT_TAIL(&guard_all, g, entry);
	return g;
}

/* What g guards is gone: freeing g later only frees the guard. */
void
guard_fired(struct aemp_guard *g)
{
	if (g == NULL)
		return;
	g->cancel = NULL;
	g->arg = NULL;
}

/* Cancel what g guards (if still active) and free g; NULL is fine. */
void
aemp_guard_free(struct aemp_guard *g)
{
	guard_cancel_cb	 cancel;
	void		*arg;

	if (g == NULL)
		return;

	cancel = g->cancel;
	arg = g->arg;
	TAILQ_REMOVE(&guard_all, g, entry);
	free(g);

	if (cancel != NULL)
		cancel(arg);
}

/* Free every guard still held, cancelling what each guards. */
void
guard_free_all(void)
{
	struct aemp_guard	*g;

	while ((g = TAILQ_FIRST(&guard_all)) != NULL)
		aemp_guard_free(g);
}
