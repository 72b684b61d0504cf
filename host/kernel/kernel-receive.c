/*
 * What comes in from the network: messages and node up/down events.
 * They are queued like local work, so that they keep their order with
 * it and no handler runs inside the net layer's callbacks.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel.h"

static void
kernel_receive_job(struct job *j)
{
	port_deliver(j->name, j->val);
}

/*
 * A message from srcnode: msg (borrowed) is [portname, elements...];
 * "" is the node port.  Malformed messages are logged and dropped.
 */
void
kernel_receive(const char *srcnode, struct aemp_val *msg)
{
	struct aemp_val	*rest;
	const char	*name;
	struct job	*j;

	if (aemp_type(msg) != AEMP_T_ARRAY) {
		log_error("message from %.100s is not an array, dropped",
		    srcnode);
		return;
	}
	if (aemp_len(msg) == 0)
		return;
	if (aemp_type(aemp_at(msg, 0)) != AEMP_T_STR) {
		log_error("message from %.100s without a port name, dropped",
		    srcnode);
		return;
	}

	name = aemp_str_ptr(aemp_at(msg, 0), NULL);
	rest = snd_concat(msg, 1, NULL);
	j = queue_job(kernel_receive_job, name, rest);
	j->srcnode = xstrdup(srcnode);
}

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

/* The node the running message came from (this node for local sends). */
const char *
kernel_srcnode(void)
{
	return queue_srcnode();
}
