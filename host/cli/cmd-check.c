/*
 * cmd-check.c: the aemp setters' checks.  A value that makes no sense is
 * refused when it is set, with the reason, so the chain fails and the
 * file stays as it was, instead of breaking every later command.
 */

#include "config.h"

#include <stdlib.h>

#include "cli.h"

static int
cmd_check_report(struct cmd_ctx *ctx, int r, char *why)
{
	if (r != 0)
		aemp_cmd_error(ctx, "%s", why != NULL ? why : "bad value");
	free(why);
	return r;
}

/* 0 when v may be the value of key, else reported and an error. */
int
cmd_check_value(struct cmd_ctx *ctx, const char *key,
    const struct aemp_val *v)
{
	char	*why = NULL;
	int	 r;

	r = config_check_value(key, v, &why);
	return cmd_check_report(ctx, r, why);
}

/* 0 when e may be an entry of the list at key, else reported. */
int
cmd_check_entry(struct cmd_ctx *ctx, const char *key,
    const struct aemp_val *e)
{
	char	*why = NULL;
	int	 r;

	r = config_check_entry(key, e, &why);
	return cmd_check_report(ctx, r, why);
}

/* 0 when every key of map m may have its value, else reported. */
int
cmd_check_map(struct cmd_ctx *ctx, const struct aemp_val *m)
{
	char	*why = NULL;
	int	 r;

	r = config_check_map(m, &why);
	return cmd_check_report(ctx, r, why);
}

/*
 * 0 when the file's profile table is an object and profile name, if it
 * exists, is one too; else reported, so "profile NAME" replaces nothing.
 */
int
cmd_check_profile(struct cmd_ctx *ctx, struct config *cfg, const char *name)
{
	struct aemp_val	*p;
	char		*why = NULL;
	int		 r;

	if ((r = config_check_profiles(cfg, &why)) != 0)
		return cmd_check_report(ctx, r, why);
	p = aemp_map_get(aemp_map_get(cfg->root, "profile"), name);
	if (p != NULL && aemp_type(p) != AEMP_T_MAP)
		return aemp_cmd_error(ctx, "%s: profile %.100s: must be an "
		    "object", cfg->path, name);
	return 0;
}
