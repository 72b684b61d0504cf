/*
 * badabi.c: a module built for another ABI version; the host must refuse
 * it before calling anything (its load hook would set $AEMP_BADABI_RAN).
 */

#include <stdlib.h>

#include "aemp-module.h"

static int
badabi_load(void)
{
	setenv("AEMP_BADABI_RAN", "1", 1);
	return (0);
}

const struct aemp_module aemp_module = {
	AEMP_ABI_VERSION + 98, AEMP_MODULE_SERVICE, "badabi",
	badabi_load, NULL, NULL, NULL
};
