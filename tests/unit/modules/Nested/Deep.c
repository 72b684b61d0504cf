/*
 * Deep.c: module "Nested::Deep", file Nested/Deep.so, with function f.
 */

#include "aemp-module.h"

static void
deep_f(struct aemp_val *args)
{
}

static const struct aemp_function deep_functions[] = {
	{ "f", deep_f, AEMP_FN_REMOTE },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("Nested::Deep", NULL, NULL, deep_functions);
