/*
 * Nested.c: module "Nested", holding "Deep::g" for the resolution of
 * "Nested::Deep::g" when module Nested::Deep has no g.
 */

#include "aemp-module.h"

static void
nested_g(struct aemp_val *args)
{
}

static const struct aemp_function nested_functions[] = {
	{ "Deep::g", nested_g, AEMP_FN_REMOTE },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("Nested", NULL, NULL, nested_functions);
