/*
 * The merged configuration in force: one map, set once the config file,
 * profile and configure arguments have been merged (PROTOCOL.md sections
 * 11 and 13 list the keys).
 */

#include "config.h"

#include <stdlib.h>

#include "base.h"

static struct aemp_val *settings;

/* Make map m (reference taken over) the settings in force. */
void
settings_set(struct aemp_val *m)
{
	aemp_unref(settings);
	settings = NULL;
	if (m != NULL && aemp_type(m) != AEMP_T_MAP) {
		log_error("settings: not a map, ignored");
		aemp_unref(m);
		return;
	}
	settings = m;
}

/* The whole map in force (borrowed), or NULL before settings_set. */
struct aemp_val *
settings_all(void)
{
	return settings;
}

/* The value of key (borrowed), or NULL when unset. */
struct aemp_val *
settings_get(const char *key)
{
	return aemp_map_get(settings, key);
}

/* The number at key (numeric strings accepted), else def. */
double
settings_number(const char *key, double def)
{
	struct aemp_val	*v;
	double		 d;
	int		 ok;

	if ((v = settings_get(key)) == NULL)
		return def;
	d = aemp_as_double(v, &ok);
	return ok ? d : def;
}

/* The truth of key (Perl's truth), or def when unset or null. */
int
settings_bool(const char *key, int def)
{
	struct aemp_val	*v;

	if ((v = settings_get(key)) == NULL || aemp_type(v) == AEMP_T_NULL)
		return def;
	return aemp_truthy(v);
}

/* The string at key (borrowed), or def when unset or not a string. */
const char *
settings_string(const char *key, const char *def)
{
	const char	*s;

	if ((s = aemp_str_ptr(settings_get(key), NULL)) == NULL)
		return def;
	return s;
}

/* Drop the settings in force. */
void
settings_free(void)
{
	aemp_unref(settings);
	settings = NULL;
}
