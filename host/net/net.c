/*
 * net.c: the layer's entry points: start and stop, the kernel's hooks,
 * the lookup hook of the database layer, and connections to addresses.
 */

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "net.h"

static struct event_base	*net_evbase;
static net_lookup_cb		 net_lookup_fn;
static struct kernel_hooks	 net_hooks;

static void
net_hook_send(const char *node, struct aemp_val *msg)
{
	if (node == NULL || *node == '\0' || net_evbase == NULL)
		return;
	peer_send(peer_get(node), msg);
}

static void
net_hook_connect(const char *node)
{
	if (node == NULL || *node == '\0' || net_evbase == NULL)
		return;
	peer_connect(peer_get(node));
}

static int
net_hook_node_state(const char *node)
{
	struct peer	*p;

	if (net_evbase == NULL || (p = peer_find(node)) == NULL)
		return -1;
	return p->state == PEER_UP ? 1 : 0;
}

/* Start the layer on base and install the kernel's network hooks. */
int
net_init(struct event_base *base)
{
	if (base == NULL)
		return AEMP_ERR_INVAL;
	if (net_evbase != NULL)
		return AEMP_ERR_STATE;
	net_evbase = base;

	/* kernel_set_hooks merges: the loader's resolve hook stays. */
	memset(&net_hooks, 0, sizeof net_hooks);
	net_hooks.send = net_hook_send;
	net_hooks.connect = net_hook_connect;
	net_hooks.node_state = net_hook_node_state;
	kernel_set_hooks(&net_hooks);
	return 0;
}

/* Close every listener and connection and free every node object. */
void
net_shutdown(void)
{
	if (net_evbase == NULL)
		return;

	/* The hooks stay installed; they do nothing once net_evbase is NULL. */
	net_listen_free();
	conn_free_all();
	peer_free_all();
	tls_free();
	net_lookup_fn = NULL;
	net_evbase = NULL;
}

/* The event base the layer runs on. */
struct event_base *
net_base(void)
{
	return net_evbase;
}

/* The lookup hook, or NULL. */
net_lookup_cb
net_lookup(void)
{
	return net_lookup_fn;
}

/* The number setting key, or def when unset or not positive. */
double
net_setting(const char *key, double def)
{
	double	 v = settings_number(key, def);

	return v > 0 ? v : def;
}

/* Install the hook that asks for the listen addresses of a node. */
void
net_set_lookup(net_lookup_cb cb)
{
	net_lookup_fn = cb;
}

/* Answer a lookup for node with addrs (borrowed, or NULL). */
void
net_found(const char *node, struct aemp_val *addrs)
{
	struct peer	*p;

	if (net_evbase == NULL || (p = peer_find(node)) == NULL)
		return;
	peer_found(p, addrs);
}

/* Fail a lookup for node at once, saying why no address is known. */
void
net_not_found(const char *node, const char *why)
{
	struct peer	*p;

	if (net_evbase == NULL || (p = peer_find(node)) == NULL)
		return;
	peer_not_found(p, why);
}

/* Connect to addr whoever is there and tell cb who answered. */
int
net_connect_addr(const char *addr, net_addr_cb cb, void *arg)
{
	if (net_evbase == NULL || addr == NULL)
		return AEMP_ERR_STATE;
	return conn_connect(addr, NULL, cb, arg);
}

/* Drop the connection to node with reason text, firing its monitors. */
void
net_disconnect(const char *node, const char *text)
{
	struct peer	*p;

	if (net_evbase == NULL || (p = peer_find(node)) == NULL)
		return;
	if (text == NULL)
		text = "disconnected";

	if (p->state == PEER_UP && p->conn != NULL)
		conn_close_later(p->conn, text);
	else if (p->state == PEER_CONNECTING)
		peer_fail_later(p, text);
}
