/*
 * load-dl.c: the libltdl calls, and dlopen for the real reason when
 * libltdl refuses a file (it says "file not found" for every failure).
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

/* Stop libltdl; resident modules stay mapped until the process ends. */
void
load_dl_exit(void)
{
	lt_dlexit();
}

/* Why path cannot be loaded, asking the system loader itself. */
static char *
load_dl_reason(const char *path, const char *ltdl_text)
{
	void		*h;
	const char	*text;
	char		*s;

	dlerror();
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h != NULL) {
		dlclose(h);
		text = ltdl_text != NULL ? ltdl_text : "unknown error";
	} else if ((text = dlerror()) == NULL)
		text = "unknown error";

	xasprintf(&s, "cannot load %s: %s (check dependencies with ldd)",
	    path, text);
	return (s);
}

/*
 * Open the shared object at absolute path and find its descriptor, the
 * only symbol read from it.  Returns 0 with *handle and *desc set, or
 * AEMP_ERR_IO (cannot load) or AEMP_ERR_NOENT (no descriptor) with *err
 * a malloc'd text.
 */
int
load_dl_open(const char *path, void **handle,
    const struct aemp_module **desc, char **err)
{
	lt_dladvise	 advise;
	lt_dlhandle	 h = NULL;
	void		*sym;

	*handle = NULL;
	*desc = NULL;
	*err = NULL;
	if (lt_dladvise_init(&advise) != 0 ||
	    lt_dladvise_local(&advise) != 0) {
		xasprintf(err, "libltdl: %s", lt_dlerror());
		lt_dladvise_destroy(&advise);
		return (AEMP_ERR_IO);
	}
	h = lt_dlopenadvise(path, advise);
	lt_dladvise_destroy(&advise);
	if (h == NULL) {
		*err = load_dl_reason(path, lt_dlerror());
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

/*
 * Keep a module mapped for good: once its code ran, callbacks into it may
 * be held anywhere, so it is never unmapped.
 */
void
load_dl_keep(void *handle)
{
	if (lt_dlmakeresident(handle) != 0)
		log_warn("libltdl: %s", lt_dlerror());
}

/* Close a handle from load_dl_open (a no-op for kept ones). */
void
load_dl_close(void *handle)
{
	if (handle != NULL)
		lt_dlclose(handle);
}
