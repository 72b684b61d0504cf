/*
 * load.h: the module loader: module path, descriptor check, name
 * resolution.  The only place that calls libltdl.
 */

#ifndef LOAD_H
#define LOAD_H

#include "kernel.h"

/* load.c */
int		 load_init(void);
void		 load_shutdown(void);

/*
 * Load module name ("chat", "Foo::Bar") of the given kind.  Returns 0 or
 * AEMP_ERR_*; *reason (if not NULL) gets a ("spawn_failed", kind, text)
 * array on failure.
 */
int		 load_module(const char *, int, struct aemp_val **);

/*
 * Resolve "module::function" as the kernel's resolve hook does; remote is
 * 1 for a request from the network.
 */
int		 load_resolve(const char *, int, aemp_init_cb *,
		    struct aemp_val **);

/* Why descriptor desc in file so is not module name (new), or NULL. */
char		*load_name_mismatch(const char *, const struct aemp_module *,
		    const char *);

/* The descriptor of a loaded module, else NULL. */
const struct aemp_module *load_loaded(const char *, int);

/* Load a plugin providing framing codec name; 0 when it is registered. */
int		 load_codec(const char *);

/* Load every plugin named in list (array of names); failures logged. */
int		 load_plugins(struct aemp_val *);

/* load-services.c */
/* Run a profile's services list (array). */
int		 load_services(struct aemp_val *);

/* load-list.c */
/*
 * Describe what the module path holds: an array of maps with keys
 * "name", "path", "abi", "kind", "functions" or "error".  "kind" is
 * "service" or "plugin"; "functions" is an array of names and "remote"
 * the array of those callable from the network; a plugin that provides
 * a framing codec has "codec".  Loading a module for its description
 * does not run its load hook.
 */
struct aemp_val	*load_list(void);

/* load-path.c: where modules are looked for, and what may be loaded. */
int		 load_path_valid_name(const char *);
struct aemp_val	*load_path_dirs(int);
int		 load_path_find(const char *, int, char **, char **, char **);
int		 load_path_check(const char *, const char *, char **);
int		 load_path_la_target(const char *, char **, char **);
char		*load_path_file_name(const char *, const char *,
		    const char *);

/* load-dl.c: the libltdl calls. */
int		 load_dl_init(void);
void		 load_dl_exit(void);
int		 load_dl_open(const char *, void **,
		    const struct aemp_module **, char **);
void		 load_dl_close(void *);

#endif /* LOAD_H */
