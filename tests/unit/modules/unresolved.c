/*
 * unresolved.c: a module that needs a symbol nobody defines; linked with
 * -z now, loading it must fail and name that symbol.
 */

#include "aemp-module.h"

void	aemp_test_missing_symbol(void);

static int
unresolved_load(void)
{
	aemp_test_missing_symbol();
	return (0);
}

AEMP_SERVICE("unresolved", unresolved_load, NULL, NULL);
