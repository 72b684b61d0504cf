/*
 * Random identifiers from the kernel's CSPRNG (getrandom(2)): secrets,
 * nonces and the RUNIQ part of node IDs (PROTOCOL.md section 5).
 */

#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <string.h>

#include "base.h"

static const char random_alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Fill buf with len random bytes; 0 or AEMP_ERR_IO. */
int
random_bytes(void *buf, size_t len)
{
	unsigned char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return AEMP_ERR_IO;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Write len characters of [0-9A-Za-z] to out (no NUL).  Bytes of 248 and
 * more are dropped, so that every character is equally likely.
 */
void
random_alnum(char *out, size_t len)
{
	unsigned char	 buf[64];
	size_t		 i, have = 0, used = 0;

	for (i = 0; i < len; ) {
		if (used == have) {
			if (random_bytes(buf, sizeof buf) != 0)
				fatal("getrandom");
			have = sizeof buf;
			used = 0;
		}
		if (buf[used] < 248)
			out[i++] = random_alphabet[buf[used] % 62];
		used++;
	}
	explicit_bzero(buf, sizeof buf);
}

/* A RUNIQ: 10 random characters, the last one upper case, and a NUL. */
void
random_runiq(char out[11])
{
	random_alnum(out, 10);
	if (out[9] >= 'a' && out[9] <= 'z')
		out[9] -= 'a' - 'A';
	out[10] = '\0';
}
