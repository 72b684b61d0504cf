/*
 * net-listen.c: the listeners made from the "binds" setting, and the
 * connections they accept.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "net.h"

struct net_listener {
	struct evconnlistener		*lev;
	struct event			*retry;
	char				*addr;
	TAILQ_ENTRY(net_listener)	 entry;
};

static TAILQ_HEAD(, net_listener) net_listeners =
    TAILQ_HEAD_INITIALIZER(net_listeners);

/* Format sa as "host:port" ("[host]:port" for IPv6) into out. */
static void
net_listen_format(const struct sockaddr *sa, char *out, size_t len)
{
	char	 host[INET6_ADDRSTRLEN];
	int	 port;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
		port = ntohs(s6->sin6_port);
		snprintf(out, len, "[%s]:%d", host, port);
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
		port = ntohs(s4->sin_port);
		snprintf(out, len, "%s:%d", host, port);
	}
}

static void
net_listen_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	char	 addr[INET6_ADDRSTRLEN + 16];

	net_listen_format(sa, addr, sizeof addr);
	conn_accept(fd, addr);
}

static void
net_listen_retry_cb(int fd, short events, void *arg)
{
	struct net_listener	*l = arg;

	evconnlistener_enable(l->lev);
}

static void
net_listen_error_cb(struct evconnlistener *lev, void *arg)
{
	struct net_listener	*l = arg;
	struct timeval		 tv = { 1, 0 };
	int			 err = EVUTIL_SOCKET_ERROR();

	log_error("%s: accept: %s", l->addr,
	    evutil_socket_error_to_string(err));

	/* Out of descriptors: pause instead of spinning on accept. */
	if (err == EMFILE || err == ENFILE || err == ENOBUFS ||
	    err == ENOMEM) {
		evconnlistener_disable(lev);
		evtimer_add(l->retry, &tv);
	}
}

/* Parse numeric host and port ("*" or "": any) into ss. */
static int
net_listen_parse(const char *host, const char *port,
    struct sockaddr_storage *ss, int *sslen)
{
	char	*end;
	long	 n = 0;

	if (*port != '\0' && strcmp(port, "*") != 0) {
		n = strtol(port, &end, 10);
		if (*end != '\0' || n < 0 || n > 65535)
			return AEMP_ERR_INVAL;
	}
	memset(ss, 0, sizeof *ss);
	if (evutil_inet_pton(AF_INET, host,
	    &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)n);
		*sslen = sizeof(struct sockaddr_in);
		return 0;
	}
	if (evutil_inet_pton(AF_INET6, host,
	    &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)n);
		*sslen = sizeof(struct sockaddr_in6);
		return 0;
	}
	return AEMP_ERR_INVAL;
}

/* Listen on sa; spec names it for the log.  Appends the real address. */
static int
net_listen_sa(const struct sockaddr *sa, int salen, const char *spec,
    struct aemp_val *addrs)
{
	struct sockaddr_storage	 ss;
	struct net_listener	*l;
	socklen_t		 len = sizeof ss;
	char			 bound[INET6_ADDRSTRLEN + 16];
	unsigned		 flags = LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;

	l = xcalloc(1, sizeof *l);
	l->lev = evconnlistener_new_bind(net_base(), net_listen_accept_cb, l,
	    flags, -1, sa, salen);
	if (l->lev == NULL) {
		log_error("cannot listen on %.100s: %s", spec,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		free(l);
		return AEMP_ERR_IO;
	}

	if (getsockname(evconnlistener_get_fd(l->lev),
	    (struct sockaddr *)&ss, &len) == -1)
		fatal("getsockname");
	net_listen_format((struct sockaddr *)&ss, bound, sizeof bound);
	l->addr = xstrdup(bound);
	if ((l->retry = evtimer_new(net_base(), net_listen_retry_cb,
	    l)) == NULL)
		fatalx("net_listen_sa: cannot make a timer");
	evconnlistener_set_error_cb(l->lev, net_listen_error_cb);
	TAILQ_INSERT_TAIL(&net_listeners, l, entry);

	log_note("listening on %s", l->addr);
	aemp_array_push(addrs, aemp_str(l->addr));
	return 0;
}

/* Listen on every address a host name stands for (at start-up only). */
static int
net_listen_name(const char *host, const char *port, const char *spec,
    struct aemp_val *addrs)
{
	struct addrinfo	 hints, *res, *ai;
	int		 r, ret = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (*port == '\0' || strcmp(port, "*") == 0)
		port = "0";
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_error("cannot listen on \"%.100s\": %s", spec,
		    gai_strerror(r));
		return AEMP_ERR_INVAL;
	}
	for (ai = res; ai != NULL && ret == 0; ai = ai->ai_next)
		ret = net_listen_sa(ai->ai_addr, (int)ai->ai_addrlen, spec,
		    addrs);
	freeaddrinfo(res);
	return ret;
}

static int
net_listen_one(const char *host, const char *port, struct aemp_val *addrs)
{
	struct sockaddr_storage	 ss;
	char			*spec;
	int			 sslen = sizeof ss, r;

	xasprintf(&spec, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
	if (net_listen_parse(host, port, &ss, &sslen) == 0)
		r = net_listen_sa((struct sockaddr *)&ss, sslen, spec, addrs);
	else
		r = net_listen_name(host, port, spec, addrs);
	free(spec);
	return r;
}

static int
net_listen_usable(const struct ifaddrs *ifa)
{
	const struct sockaddr_in6	*s6;

	if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP) ||
	    (ifa->ifa_flags & IFF_LOOPBACK))
		return 0;
	if (ifa->ifa_addr->sa_family == AF_INET)
		return 1;
	if (ifa->ifa_addr->sa_family != AF_INET6)
		return 0;
	s6 = (const void *)ifa->ifa_addr;
	return !IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) &&
	    !IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
}

/* Listen on every non-loopback local address (127.0.0.1 if none). */
static int
net_listen_any(const char *port, struct aemp_val *addrs)
{
	struct ifaddrs	*ifs, *ifa;
	char		 host[INET6_ADDRSTRLEN], *pct;
	int		 r = 0, n = 0;

	if (getifaddrs(&ifs) == -1) {
		log_error("getifaddrs: %s", strerror(errno));
		ifs = NULL;
	}
	for (ifa = ifs; ifa != NULL && r == 0; ifa = ifa->ifa_next) {
		if (!net_listen_usable(ifa))
			continue;
		if (getnameinfo(ifa->ifa_addr, ifa->ifa_addr->sa_family ==
		    AF_INET ? sizeof(struct sockaddr_in) :
		    sizeof(struct sockaddr_in6), host, sizeof host, NULL, 0,
		    NI_NUMERICHOST) != 0)
			continue;
		if ((pct = strchr(host, '%')) != NULL)
			*pct = '\0';
		r = net_listen_one(host, port, addrs);
		n++;
	}
	if (ifs != NULL)
		freeifaddrs(ifs);

	if (n == 0 && r == 0) {
		log_note("no non-loopback address found: listening on "
		    "127.0.0.1 only");
		r = net_listen_one("127.0.0.1", port, addrs);
	}
	return r;
}

static int
net_listen_bind(const char *bind, struct aemp_val *addrs)
{
	char	*host, *port;
	int	 r;

	host = xstrdup(bind);
	if ((port = strrchr(host, ':')) != NULL && strchr(host, ']') <
	    port)
		*port++ = '\0';
	else
		port = "*";
	if (*host == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		memmove(host, host + 1, strlen(host));
	}

	if (*host == '\0' || strcmp(host, "*") == 0)
		r = net_listen_any(port, addrs);
	else
		r = net_listen_one(host, port, addrs);
	free(host);
	return r;
}

/* Listen on every entry of binds; *addrs gets the bound addresses. */
int
net_listen(struct aemp_val *binds, struct aemp_val **addrs)
{
	const char	*bind;
	size_t		 i;
	int		 r = 0, r1;

	*addrs = NULL;
	if (net_base() == NULL)
		return AEMP_ERR_STATE;
	if (binds != NULL && aemp_type(binds) != AEMP_T_ARRAY)
		return AEMP_ERR_TYPE;

	*addrs = aemp_array_new(4);
	if (binds == NULL)
		return net_listen_bind("*", *addrs);
	if (aemp_len(binds) == 0) {
		/* as in the reference: an empty list is set, and means none */
		log_note("binds is empty: not listening");
		return 0;
	}

	for (i = 0; i < aemp_len(binds); i++) {
		if ((bind = aemp_str_ptr(aemp_at(binds, i), NULL)) == NULL) {
			r = AEMP_ERR_TYPE;
			continue;
		}
		if ((r1 = net_listen_bind(bind, *addrs)) != 0)
			r = r1;
	}
	return r;
}

/* Close every listener. */
void
net_listen_free(void)
{
	struct net_listener	*l;

	while ((l = TAILQ_FIRST(&net_listeners)) != NULL) {
		TAILQ_REMOVE(&net_listeners, l, entry);
		evconnlistener_free(l->lev);
		event_free(l->retry);
		free(l->addr);
		free(l);
	}
}
