/*
 * cachetest.c: a trivial module that a test copies over a broken file of
 * the same name, to see the cached failure forgotten.
 */

#include "aemp-module.h"

static void
cachetest_fn(struct aemp_val *args)
{
}

static const struct aemp_function cachetest_functions[] = {
	{ "fn", cachetest_fn, AEMP_FN_REMOTE },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("cachetest", NULL, NULL, cachetest_functions);
