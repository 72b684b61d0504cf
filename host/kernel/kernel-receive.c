/*
 * Messages that come in from the network.  They are queued like local
 * work, so that they keep their order with it and no handler runs inside
 * the net layer's callbacks.
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
	if (aemp_len(msg) == 0) {
		log_debug("empty message from %.100s ignored", srcnode);
		return;
	}
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
