/*
 * seed.c: keep a connection to every seed address.
 *
 * Each seed is dialled until its node is up; the retry delay starts at
 * 1.2 to 2.4 seconds and doubles up to monitor_timeout.  A seed that
 * turns out to be this node makes it global.  Ours: the timer runs until
 * every seed is up, so a connection that greeted but never came up (a
 * refused handshake) is dialled again after monitor_timeout.  While every
 * seed refused us that way and none is up, lookups cannot be answered:
 * they fail at once with the refusal instead of waiting for a master.
 */

#include <sys/queue.h>

#include <event2/event.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

struct seed {
	TAILQ_ENTRY(seed)	 entry;
	char			*addr;
	char			*node;		/* once greeted */
	int			 state;
#define SEED_IDLE	0
#define SEED_CONNECTING	1	/* net_connect_addr in flight */
#define SEED_GREETED	2	/* node known, waiting for it to be up */
#define SEED_SELF	3	/* this node */
	double			 since;
	int			 up;		/* came up since it greeted */
	char			*refused;	/* why its handshake failed */
	struct aemp_guard	*mon;		/* its node port, greeted */
};

static TAILQ_HEAD(, seed) seeds = TAILQ_HEAD_INITIALIZER(seeds);
static struct event	*seed_timer;
static double		 seed_retry;

static void	seed_all(evutil_socket_t, short, void *);

static double
seed_rand(void)
{
	uint32_t	 u = 0;

	random_bytes(&u, sizeof u);
	return ((double)u / 4294967296.0);
}

static struct seed *
seed_find_addr(const char *addr)
{
	struct seed	*s;

	TAILQ_FOREACH(s, &seeds, entry) {
		if (strcmp(s->addr, addr) == 0)
			return (s);
	}
	return (NULL);
}

static struct seed *
seed_find_node(const char *node)
{
	struct seed	*s;

	TAILQ_FOREACH(s, &seeds, entry) {
		if (s->node != NULL && strcmp(s->node, node) == 0)
			return (s);
	}
	return (NULL);
}

static void
seed_again(void)
{
	struct timeval	 tv = { 0, 0 };

	seed_retry = (1 + seed_rand()) * 0.6;
	if (seed_timer != NULL)
		evtimer_add(seed_timer, &tv);
}

static void
seed_add(const char *addr)
{
	struct seed	*s;

	if (seed_find_addr(addr) != NULL)
		return;

	s = xcalloc(1, sizeof *s);
	s->addr = xstrdup(addr);
	TAILQ_INSERT_TAIL(&seeds, s, entry);
}

/* Resolve every seed of the array list and start dialling them. */
int
seed_start(struct aemp_val *list)
{
	struct aemp_val	*addrs;
	const char	*seed;
	size_t		 i;
	int		 r = 0;

	if (aemp_type(list) != AEMP_T_ARRAY)
		return (AEMP_ERR_TYPE);

	addrs = aemp_array_new(aemp_len(list));
	for (i = 0; addrs != NULL && i < aemp_len(list); i++) {
		if ((seed = aemp_str_ptr(aemp_at(list, i), NULL)) == NULL)
			r = AEMP_ERR_TYPE;
		else
			r = seed_resolve(seed, addrs);
		if (r != 0)
			break;
	}
	for (i = 0; r == 0 && i < aemp_len(addrs); i++)
		seed_add(aemp_str_ptr(aemp_at(addrs, i), NULL));
	aemp_unref(addrs);
	if (r != 0)
		return (r);

	if (TAILQ_EMPTY(&seeds))
		return (0);
	seed_timer = evtimer_new(kernel_base(), seed_all, NULL);
	if (seed_timer == NULL)
		return (AEMP_ERR_NOMEM);
	seed_again();
	return (0);
}

static void
seed_up(struct seed *s)
{
	log_debug("seed %.100s (%s) is up", s->node, s->addr);
	aemp_snd(s->node, "s", "g_slave");
}

/* Its handshake failed after it greeted us, unless it came up. */
static void
seed_mon_cb(struct aemp_val *reason, void *arg)
{
	struct seed	*s = arg;
	const char	*why;
	char		*text;

	if (s->up || s->state != SEED_GREETED)
		return;
	why = aemp_str_ptr(aemp_at(reason, 2), NULL);
	if (why == NULL)
		why = "handshake failed";
	if (strncmp(why, "authentication refused: ", 24) == 0)
		why += 24;

	xasprintf(&text, "seed %.100s refused us: %.200s", s->node, why);
	free(s->refused);
	s->refused = text;
	if ((why = seed_refusal()) != NULL)
		dbclient_lookups_fail(why);
}

static void
seed_connected(const char *addr, const char *node, void *arg)
{
	struct seed	*s;

	(void)arg;
	if (!db_running() || (s = seed_find_addr(addr)) == NULL)
		return;

	if (node == NULL) {
		log_debug("seed %s: no connection", addr);
		s->state = SEED_IDLE;
		return;
	}

	if (strcmp(node, kernel_node()) == 0) {
		log_debug("seed %s is this node", addr);
		s->state = SEED_SELF;
		db_become_global();
		return;
	}

	free(s->node);
	s->node = xstrdup(node);
	s->state = SEED_GREETED;
	s->since = util_now();
	s->up = 0;
	aemp_guard_free(s->mon);
	s->mon = aemp_mon(node, seed_mon_cb, s);

	/* start its global service now; node-up sends this again */
	aemp_snd(node, "s", "g_slave");
	if (aemp_node_is_up(node) == 1)
		db_master_search();
}

static void
seed_connect(struct seed *s)
{
	int	 r;

	log_trace("trying connect to seed %s", s->addr);
	s->state = SEED_CONNECTING;
	r = net_connect_addr(s->addr, seed_connected, NULL);
	if (r != 0) {
		log_debug("seed %s: %s", s->addr, aemp_strerror(r));
		if (s->state == SEED_CONNECTING)
			s->state = SEED_IDLE;
	}
}

/* Is s waiting for nothing, so it must be dialled now? */
static int
seed_needs_dial(struct seed *s, int *waiting)
{
	switch (s->state) {
	case SEED_SELF:
		return (0);
	case SEED_CONNECTING:
		*waiting = 1;
		return (0);
	case SEED_GREETED:
		if (aemp_node_is_up(s->node) == 1)
			return (0);
		*waiting = 1;
		if (util_now() - s->since < db_retry_cap())
			return (0);
		s->state = SEED_IDLE;
		return (1);
	default:
		*waiting = 1;
		return (1);
	}
}

static void
seed_all(evutil_socket_t fd, short what, void *arg)
{
	struct seed	*s;
	struct timeval	 tv;
	int		 waiting = 0;

	(void)fd;
	(void)what;
	(void)arg;

	TAILQ_FOREACH(s, &seeds, entry) {
		if (seed_needs_dial(s, &waiting))
			seed_connect(s);
	}
	if (!waiting)
		return;

	seed_retry *= 2;
	if (seed_retry > db_retry_cap())
		seed_retry = db_retry_cap();
	tv.tv_sec = (time_t)seed_retry;
	tv.tv_usec = (suseconds_t)((seed_retry - tv.tv_sec) * 1e6);
	evtimer_add(seed_timer, &tv);
}

/* A node came up or went down: greet a seed, or dial it again. */
void
seed_node_event(const char *node, int up)
{
	struct seed	*s;

	if ((s = seed_find_node(node)) == NULL)
		return;

	if (up) {
		s->up = 1;
		free(s->refused);
		s->refused = NULL;
		seed_up(s);
		return;
	}

	if (s->state == SEED_GREETED)
		s->state = SEED_IDLE;
	seed_again();
}

/* 1 when node is the node of a seed address. */
int
seed_is_seed(const char *node)
{
	return (seed_find_node(node) != NULL);
}

/* The node of the first seed (in configured order) that is up, or NULL. */
const char *
seed_first_up(void)
{
	struct seed	*s;

	TAILQ_FOREACH(s, &seeds, entry) {
		if (s->node != NULL && s->state != SEED_SELF &&
		    aemp_node_is_up(s->node) == 1)
			return (s->node);
	}
	return (NULL);
}

/*
 * Why no lookup can be answered: the refusal of the first seed when every
 * seed that is not this node refused us and none is up; else NULL.
 */
const char *
seed_refusal(void)
{
	struct seed	*s;
	const char	*why = NULL;

	TAILQ_FOREACH(s, &seeds, entry) {
		if (s->state == SEED_SELF)
			continue;
		if (s->refused == NULL || s->up)
			return (NULL);
		if (why == NULL)
			why = s->refused;
	}
	return (why);
}

/* Forget every seed and stop the timer. */
void
seed_shutdown(void)
{
	struct seed	*s;

	while ((s = TAILQ_FIRST(&seeds)) != NULL) {
		TAILQ_REMOVE(&seeds, s, entry);
		aemp_guard_free(s->mon);
		free(s->refused);
		free(s->addr);
		free(s->node);
		free(s);
	}
	if (seed_timer != NULL)
		event_free(seed_timer);
	seed_timer = NULL;
}
