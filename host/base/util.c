/*
 * Small helpers: splitting port IDs (PROTOCOL.md section 5), the host
 * name and the clock.
 */

#include "config.h"

#include <sys/time.h>
#include <sys/utsname.h>

#include <stdio.h>
#include <string.h>

#include "base.h"

/* The node part of port ID port (before the first '#'), malloc'd. */
char *
util_node_of(const char *port)
{
	const char	*p;

	if ((p = strchr(port, '#')) == NULL)
		return xstrdup(port);
	return xstrndup(port, p - port);
}

/* The port name part of port (after the first '#'), or "" if none. */
const char *
util_port_name(const char *port)
{
	const char	*p;

	if ((p = strchr(port, '#')) == NULL)
		return "";
	return p + 1;
}

/* This machine's name, as uname -n prints it (cached). */
const char *
util_hostname(void)
{
	static struct utsname	 u;
	static int		 done;

	if (!done) {
		if (uname(&u) == -1 || u.nodename[0] == '\0')
			snprintf(u.nodename, sizeof u.nodename, "localhost");
		done = 1;
	}
	return u.nodename;
}

/* The wall clock in seconds since the epoch. */
double
util_now(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}
