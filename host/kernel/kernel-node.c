/*
 * Node up and down events from the net layer, queued behind the messages
 * that came before them: node listeners hear of them, and a node that
 * went down fires the monitors of its ports.
 */

#include "config.h"

#include <stdlib.h>

#include "kernel.h"

static void
kernel_node_up_job(struct job *j)
{
	nodes_emit(j->name, 1, NULL);
}

/* A connection to node is up. */
void
kernel_node_up(const char *node)
{
	struct knode	*kn;

	kn = nodes_get(node, 1);
	if (kn->up)
		return;
	kn->up = 1;
	queue_job(kernel_node_up_job, node, NULL);
}

static void
kernel_node_down_job(struct job *j)
{
	mon_node_down(j->name, j->val);
	if (j->flag)
		nodes_emit(j->name, 0, j->val);
}

/*
 * node is down or could not be reached: its ports' monitors fire with
 * reason (borrowed; NULL: a generic transport_error).
 */
void
kernel_node_down(const char *node, struct aemp_val *reason)
{
	struct knode	*kn;
	struct job	*j;
	int		 was_up = 0;

	if ((kn = nodes_get(node, 0)) != NULL) {
		was_up = kn->up;
		kn->up = 0;
	}

	if (reason != NULL)
		aemp_ref(reason);
	else
		reason = aemp_pack("sss", "transport_error", node,
		    "connection lost");
	j = queue_job(kernel_node_down_job, node, reason);
	j->flag = was_up;
}
