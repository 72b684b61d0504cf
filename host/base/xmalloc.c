/*
 * Allocation wrappers: running out of memory is a can't-happen for the
 * host, so these never return NULL.
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

/* Allocate size bytes or die. */
void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatal("xmalloc: %zu bytes", size);
	return p;
}

/* Allocate a zeroed array of n elements or die. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatal("xcalloc: %zu x %zu bytes", n, size);
	return p;
}

/* Resize an array to n elements of size bytes or die. */
void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("xreallocarray: %zu x %zu overflows", n, size);
	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = realloc(old, n * size)) == NULL)
		fatal("xreallocarray: %zu x %zu bytes", n, size);
	return p;
}

/* Copy a string or die. */
char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("xstrdup");
	return p;
}

/* Copy at most len bytes of a string, NUL-terminated, or die. */
char *
xstrndup(const char *s, size_t len)
{
	char	*p;

	if ((p = strndup(s, len)) == NULL)
		fatal("xstrndup");
	return p;
}

/* Format into a new string or die; returns its length. */
int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	 n;

	if ((n = vasprintf(ret, fmt, ap)) < 0 || *ret == NULL)
		fatal("xvasprintf");
	return n;
}

/* Format into a new string or die; returns its length. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}
