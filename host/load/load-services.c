/*
 * load-services.c: the profile's "services" list, run at start-up.
 */

#include <stdlib.h>
#include <string.h>

#include "load.h"

/* Start function with args (borrowed) as a local spawn. */
static int
load_services_call(const char *function, struct aemp_val *args)
{
	struct aemp_val	*reason = NULL;
	aemp_init_cb	 fn;
	char		*port;
	int		 r;

	if (strncmp(function, "::", 2) != 0 &&
	    (r = load_resolve(function, 0, &fn, &reason)) != 0) {
		log_error("services: cannot run %.100s: %s: %s", function,
		    aemp_str_ptr(aemp_at(reason, 1), NULL),
		    aemp_str_ptr(aemp_at(reason, 2), NULL));
		aemp_unref(reason);
		return (r);
	}

	if ((port = aemp_spawnv(aemp_node(), function, args)) == NULL) {
		log_error("service %.100s: cannot spawn", function);
		return (AEMP_ERR_NOMEM);
	}
	log_debug("service %.100s runs as %s", function, port);
	free(port);
	return (0);
}

/* One entry: "mod::" loads mod, "mod::fn" or ["mod::fn", args...] runs. */
static int
load_services_entry(struct aemp_val *entry, size_t i)
{
	struct aemp_val	*args, *reason;
	const char	*s;
	char		*mod;
	size_t		 len, k;
	int		 r;

	if ((s = aemp_str_ptr(entry, &len)) != NULL &&
	    len > 2 && strcmp(s + len - 2, "::") == 0) {
		mod = xstrndup(s, len - 2);
		if ((r = load_module(mod, AEMP_MODULE_SERVICE, &reason)) != 0) {
			log_error("services: cannot load module %.100s: %s",
			    mod, aemp_str_ptr(aemp_at(reason, 2), NULL));
			aemp_unref(reason);
		}
		free(mod);
		return (r);
	}

	if (s != NULL)
		args = aemp_array_new(0);
	else if (aemp_type(entry) != AEMP_T_ARRAY ||
	    (s = aemp_str_ptr(aemp_at(entry, 0), NULL)) == NULL) {
		log_error("services: entry %zu is neither a name nor a list "
		    "starting with one", i);
		return (AEMP_ERR_TYPE);
	} else {
		args = aemp_array_new(aemp_len(entry));
		for (k = 1; k < aemp_len(entry); k++)
			aemp_array_push(args, aemp_ref(aemp_at(entry, k)));
	}

	r = load_services_call(s, args);
	aemp_unref(args);
	return (r);
}

/*
 * Run a profile's services list (array): every entry is tried, failures
 * are logged.  Returns 0, or the error of the last entry that failed.
 */
int
load_services(struct aemp_val *list)
{
	size_t	i;
	int	r, ret = 0;

	if (list == NULL || aemp_type(list) == AEMP_T_NULL)
		return (0);
	if (aemp_type(list) != AEMP_T_ARRAY) {
		log_error("services: not a list");
		return (AEMP_ERR_TYPE);
	}
	for (i = 0; i < aemp_len(list); i++) {
		if ((r = load_services_entry(aemp_at(list, i), i)) != 0)
			ret = r;
	}
	return (ret);
}
