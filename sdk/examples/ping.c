/*
 * ping.c: the tutorial's first example.  A port gets a "test" handler,
 * the message ("test", 123) is sent to it, and the handler hands the
 * data back to main, which prints "Ending with: 123".  It needs no
 * network and no aemp_configure: ports and local messages work without.
 */

#include <stdio.h>
#include <stdlib.h>

#include "aemp.h"

/* The data the handler received, a new reference. */
static struct aemp_val	*ending;

/* The "test" handler: msg is the message without its tag. */
static void
test_cb(struct aemp_val *msg, void *arg)
{
	struct aemp_val	*data;

	if (aemp_unpack(msg, "v", &data) != 0)
		aemp_die("test wants exactly one element");
	ending = aemp_ref(data);
	aemp_break();
}

int
main(void)
{
	const char	*s;
	char		*port, *json = NULL;

	if ((port = aemp_port_new()) == NULL)
		return 1;
	if (aemp_rcv(port, "test", test_cb, NULL) != 0)
		return 1;
	aemp_snd(port, "si", "test", 123);

	if (aemp_run() != 0 || ending == NULL)
		return 1;

	if ((s = aemp_str_ptr(ending, NULL)) == NULL)
		s = json = aemp_to_json(ending);
	printf("Ending with: %s\n", s != NULL ? s : "?");

	free(json);
	aemp_unref(ending);
	free(port);
	aemp_shutdown();
	return 0;
}
