/*
 * load-dl.c: the libltdl calls, behind dlopen with RTLD_NOW for binding
 * at load time and for the real reason of a failure.
 */

#include <dlfcn.h>
#include <ltdl.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

/* Start libltdl.  Returns 0 or AEMP_ERR_STATE. */
int
load_dl_init(void)
{
	if (lt_dlinit() != 0) {
		log_error("libltdl: %s", lt_dlerror());
		return (AEMP_ERR_STATE);
	}
	return (0);
}

/* Stop libltdl. */
void
load_dl_exit(void)
{
	lt_dlexit();
}

/*
 * Open the shared object at absolute path and find its descriptor, the
 * only symbol read from it.  The system loader opens it first with
 * RTLD_NOW: every symbol binds now even in a module linked without
 * "-z now" (libltdl opens lazily), and a failure gets its real reason
 * (libltdl says "file not found" for all of them).  Returns 0 with
 * *handle and *desc set, or AEMP_ERR_IO (cannot load) or AEMP_ERR_NOENT
 * (no descriptor) with *err a malloc'd text.
 */
int
load_dl_open(const char *path, void **handle,
    const struct aemp_module **desc, char **err)
{
	lt_dladvise	 advise = NULL;
	lt_dlhandle	 h = NULL;
	void		*now, *sym;
	const char	*text;

	*handle = NULL;
	*desc = NULL;
	*err = NULL;
	dlerror();
	if ((now = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		if ((text = dlerror()) == NULL)
			text = "unknown error";
		xasprintf(err, "cannot load %s: %s (check dependencies with "
		    "ldd)", path, text);
		return (AEMP_ERR_IO);
	}

	if (lt_dladvise_init(&advise) == 0 &&
	    lt_dladvise_local(&advise) == 0)
		h = lt_dlopenadvise(path, advise);
	lt_dladvise_destroy(&advise);
	dlclose(now);
	if (h == NULL) {
		xasprintf(err, "cannot load %s: libltdl: %s", path,
		    lt_dlerror());
		return (AEMP_ERR_IO);
	}

	if ((sym = lt_dlsym(h, "aemp_module")) == NULL) {
		xasprintf(err, "%s exports no aemp_module descriptor", path);
		lt_dlclose(h);
		return (AEMP_ERR_NOENT);
	}
	*handle = h;
	*desc = sym;
	return (0);
}

/* Close a handle from load_dl_open; NULL is fine. */
void
load_dl_close(void *handle)
{
	if (handle != NULL)
		lt_dlclose(handle);
}
