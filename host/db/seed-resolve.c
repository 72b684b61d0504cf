/*
 * seed-resolve.c: turn configured seed addresses into numeric ones.
 *
 * Seeds are resolved once, when the node starts, as the reference does:
 * a "*" host names every non-loopback local address (127.0.0.1 when there
 * is none), a bare port names this host, and host names are looked up.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* Append "host:port" (brackets for IPv6) unless out has it already. */
static void
seed_resolve_add(struct aemp_val *out, int family, const char *host,
    const char *port)
{
	struct aemp_val	*s;
	size_t		 i;

	if (family == AF_INET6)
		s = aemp_strf("[%s]:%s", host, port);
	else
		s = aemp_strf("%s:%s", host, port);
	if (s == NULL)
		return;

	for (i = 0; i < aemp_len(out); i++) {
		if (aemp_equal(aemp_at(out, i), s)) {
			aemp_unref(s);
			return;
		}
	}
	aemp_array_push(out, s);
}

/* A local address the "*" host stands for, as the reference picks them. */
static int
seed_resolve_usable(const struct ifaddrs *ifa)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	unsigned char			 b;

	if (ifa->ifa_addr == NULL)
		return (0);
	if (ifa->ifa_addr->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)ifa->ifa_addr;
		return ((ntohl(sin->sin_addr.s_addr) >> 24) != 127);
	}
	if (ifa->ifa_addr->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)ifa->ifa_addr;
		b = sin6->sin6_addr.s6_addr[0];
		return ((b >= 0x20 && b <= 0x3f) || b == 0xfc || b == 0xfd);
	}
	return (0);
}

static void
seed_resolve_any(const char *port, struct aemp_val *out)
{
	struct ifaddrs	*ifs, *ifa;
	char		 host[INET6_ADDRSTRLEN];
	size_t		 before = aemp_len(out);
	socklen_t	 len;

	if (getifaddrs(&ifs) == -1) {
		log_error("getifaddrs: %s", strerror(errno));
		ifs = NULL;
	}
	for (ifa = ifs; ifa != NULL; ifa = ifa->ifa_next) {
		if (!seed_resolve_usable(ifa))
			continue;
		len = ifa->ifa_addr->sa_family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
		if (getnameinfo(ifa->ifa_addr, len, host, sizeof host, NULL,
		    0, NI_NUMERICHOST) != 0 || strchr(host, '%') != NULL)
			continue;
		seed_resolve_add(out, ifa->ifa_addr->sa_family, host, port);
	}
	if (ifs != NULL)
		freeifaddrs(ifs);

	if (aemp_len(out) == before) {
		log_note("no non-loopback address found: seed *:%.100s is "
		    "127.0.0.1:%.100s", port, port);
		seed_resolve_add(out, AF_INET, "127.0.0.1", port);
	}
}

static void
seed_resolve_name(const char *name, const char *port, struct aemp_val *out)
{
	struct addrinfo	 hints, *res, *ai;
	char		 host[INET6_ADDRSTRLEN];
	int		 r;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(name, port, &hints, &res)) != 0) {
		log_error("seed %.100s:%.100s: %s", name, port,
		    gai_strerror(r));
		return;
	}

	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host,
		    sizeof host, NULL, 0, NI_NUMERICHOST) == 0)
			seed_resolve_add(out, ai->ai_family, host, port);
	}
	freeaddrinfo(res);
}

/*
 * Append the numeric addresses seed stands for to the array out.
 * Returns 0, or AEMP_ERR_INVAL when seed names no port.
 */
int
seed_resolve(const char *seed, struct aemp_val *out)
{
	char	*host, *port;
	int	 r = 0;

	if (seed[strspn(seed, "0123456789")] == '\0')
		xasprintf(&host, "%s:%s", util_hostname(), seed);
	else
		host = xstrdup(seed);

	if ((port = strrchr(host, ':')) == NULL ||
	    strchr(host, ']') > port) {
		log_error("seed \"%.100s\": no port", seed);
		r = AEMP_ERR_INVAL;
		goto out;
	}
	*port++ = '\0';
	if (*host == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	if (*port == '\0' || strcmp(port, "*") == 0) {
		log_error("seed \"%.100s\": no port", seed);
		r = AEMP_ERR_INVAL;
		goto out;
	}

	if (*host == '\0' || strcmp(host, "*") == 0)
		seed_resolve_any(port, out);
	else
		seed_resolve_name(host, port, out);

out:
	free(host);
	return (r);
}
