/*
 * Sending and killing: local messages and kills go through the work
 * queue; remote ones go to the net layer's send hook.
 */

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

/* A new array: the elements of a from index from, then those of b. */
struct aemp_val *
snd_concat(struct aemp_val *a, size_t from, struct aemp_val *b)
{
	struct aemp_val	*out;
	size_t		 i, na = aemp_len(a), nb = aemp_len(b);

	out = aemp_array_new((na > from ? na - from : 0) + nb);
	for (i = from; i < na; i++)
		aemp_array_push(out, aemp_ref(aemp_at(a, i)));
	for (i = 0; i < nb; i++)
		aemp_array_push(out, aemp_ref(aemp_at(b, i)));
	return out;
}

/* A new array: the string s, then the elements of msg. */
struct aemp_val *
snd_prepend(const char *s, struct aemp_val *msg)
{
	struct aemp_val	*head, *out;

	head = aemp_array_new(1);
	aemp_array_push(head, aemp_str(s));
	out = snd_concat(head, 0, msg);
	aemp_unref(head);
	return out;
}

/*
 * Send msg (borrowed) to port name on another node through the send
 * hook.  Nothing goes out from a node that is not networked.
 */
void
snd_node(const char *node, const char *name, struct aemp_val *msg)
{
	const struct kernel_hooks	*h = kernel_get_hooks();
	struct aemp_val			*wire;

	if (kernel_stopping())
		return;
	if (*node == '\0') {
		log_error("message to port '%.100s' without a node dropped",
		    name);
		return;
	}
	if (*kernel_node() == '\0' || h->send == NULL) {
		log_error("message to %.100s dropped: this node is not "
		    "networked", node);
		return;
	}

	wire = snd_prepend(name, msg);
	h->send(node, wire);
	aemp_unref(wire);
}

static void
snd_trace(const char *name, struct aemp_val *msg)
{
	struct aemp_val	*wire;
	char		*json;

	wire = snd_prepend(name, msg);
	json = aemp_to_json(wire);
	log_emit(AEMP_LOG_TRACE, __FILE__, __func__, __LINE__,
	    "SND %s <- %s", kernel_node(), json != NULL ? json : "?");
	free(json);
	aemp_unref(wire);
}

static void
snd_deliver_job(struct job *j)
{
	struct aemp_val	*wire;
	char		*json;

	if (log_trace_on) {
		wire = snd_prepend(j->name, j->val);
		json = aemp_to_json(wire);
		log_emit(AEMP_LOG_TRACE, __FILE__, __func__, __LINE__,
		    "RCV %s -> %s", kernel_node(), json != NULL ? json : "?");
		free(json);
		aemp_unref(wire);
	}
	port_deliver(j->name, j->val);
}

/* Send the array msg (borrowed) to port. */
void
aemp_sndv(const char *port, struct aemp_val *msg)
{
	const char	*name;
	char		*node;
	int		 len;

	if (port == NULL || aemp_type(msg) != AEMP_T_ARRAY) {
		log_error("snd: no port or no message array");
		return;
	}

	len = nodes_split(port, &name);
	if (nodes_is_self(port, (size_t)len)) {
		queue_job(snd_deliver_job, name, aemp_ref(msg));
		if (log_trace_on)
			snd_trace(name, msg);
		return;
	}

	node = xstrndup(port, (size_t)len);
	snd_node(node, name, msg);
	free(node);
}

/* Send a message built from fmt to port. */
void
aemp_snd(const char *port, const char *fmt, ...)
{
	struct aemp_val	*msg;
	va_list		 ap;

	va_start(ap, fmt);
	msg = aemp_vpack(fmt, ap);
	va_end(ap);

	if (msg == NULL) {
		log_error("snd to %.100s: bad pack format \"%.100s\"",
		    port != NULL ? port : "(null)", fmt);
		return;
	}
	aemp_sndv(port, msg);
	aemp_unref(msg);
}

static void
snd_kill_job(struct job *j)
{
	port_kill(j->name, j->val);
}

/* Kill port with reason (an array, borrowed; NULL: normal). */
void
aemp_kilv(const char *port, struct aemp_val *reason)
{
	struct aemp_val	*empty = NULL, *req, *msg;
	const char	*name;
	char		*node;
	int		 len;

	if (kernel_null_arg("kil", "port", port))
		return;
	len = nodes_split(port, &name);
	if (*name == '\0') {
		log_error("kil %.100s: killing a node port is not allowed",
		    port);
		return;
	}
	if (reason == NULL)
		reason = empty = aemp_array_new(0);

	if (nodes_is_self(port, (size_t)len))
		queue_job(snd_kill_job, name, aemp_ref(reason));
	else {
		req = aemp_pack("ss", "kil1", name);
		msg = snd_concat(req, 0, reason);
		node = xstrndup(port, (size_t)len);
		snd_node(node, "", msg);
		free(node);
		aemp_unref(msg);
		aemp_unref(req);
	}
	aemp_unref(empty);
}

/* Kill port with a reason built from fmt (NULL: normal kill). */
void
aemp_kil(const char *port, const char *fmt, ...)
{
	struct aemp_val	*reason = NULL;
	va_list		 ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		reason = aemp_vpack(fmt, ap);
		va_end(ap);
		if (reason == NULL) {
			log_error("kil %.100s: bad pack format \"%.100s\"",
			    port != NULL ? port : "(null)", fmt);
			return;
		}
	}
	aemp_kilv(port, reason);
	aemp_unref(reason);
}
