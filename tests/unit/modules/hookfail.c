/*
 * hookfail.c: a module whose load hook refuses the load.
 */

#include "aemp-module.h"

static void
hookfail_fn(struct aemp_val *args)
{
}

static int
hookfail_load(void)
{
	return (AEMP_ERR_STATE);
}

static const struct aemp_function hookfail_functions[] = {
	{ "fn", hookfail_fn, AEMP_FN_REMOTE },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("hookfail", hookfail_load, NULL, hookfail_functions);
