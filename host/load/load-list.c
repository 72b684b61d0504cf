/*
 * load-list.c: what the module path holds, for "aemp modules".
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

#define LOAD_LIST_DEPTH	4	/* "A/B/C/D.so" at most */

/* One walk over the folders of one kind. */
struct load_list_walk {
	struct aemp_val	*out;		/* the result */
	struct aemp_val	*seen;		/* names listed so far (map) */
	int		 kind;
	const char	*dir;		/* the folder being walked */
};

/* Add name: value to map m, value taken over. */
static void
load_list_put(struct aemp_val *m, const char *key, struct aemp_val *v)
{
	if (v == NULL || aemp_map_put(m, key, v) != 0)
		fatalx("out of memory");
}

/* Describe a descriptor: ABI, kind, functions, codec. */
static void
load_list_desc(struct aemp_val *m, const struct aemp_module *desc)
{
	const struct aemp_function *f;
	struct aemp_val	*fns, *remote;

	load_list_put(m, "abi", aemp_int(desc->abi_version));
	if (desc->abi_version != AEMP_ABI_VERSION) {
		load_list_put(m, "error", aemp_strf("built for module ABI %d, "
		    "this host has ABI %d", desc->abi_version,
		    AEMP_ABI_VERSION));
		return;
	}
	load_list_put(m, "kind", aemp_str(desc->kind == AEMP_MODULE_PLUGIN ?
	    "plugin" : desc->kind == AEMP_MODULE_SERVICE ? "service" : "?"));

	fns = aemp_array_new(4);
	remote = aemp_array_new(4);
	for (f = desc->functions; f != NULL && f->name != NULL; f++) {
		aemp_array_push(fns, aemp_str(f->name));
		if (f->flags & AEMP_FN_REMOTE)
			aemp_array_push(remote, aemp_str(f->name));
	}
	load_list_put(m, "functions", fns);
	load_list_put(m, "remote", remote);
	if (desc->codec != NULL && desc->codec->name != NULL)
		load_list_put(m, "codec", aemp_str(desc->codec->name));
}

/*
 * Open module name, not loaded, just to read its descriptor; refuse it
 * as the loader would.
 */
static void
load_list_probe(struct aemp_val *m, const char *name, const char *path,
    const char *dir)
{
	const struct aemp_module *desc;
	void			*h;
	char			*so = NULL, *err = NULL;
	size_t			 len = strlen(path);

	if (load_path_check(path, dir, &err) != 0)
		goto out;
	if (len > 3 && strcmp(path + len - 3, ".la") == 0) {
		if (load_path_la_target(path, &so, &err) != 0 ||
		    load_path_check(so, dir, &err) != 0)
			goto out;
	} else
		so = xstrdup(path);

	if (load_dl_open(so, &h, &desc, &err) != 0)
		goto out;
	load_list_desc(m, desc);
	if (desc->abi_version == AEMP_ABI_VERSION)
		err = load_name_mismatch(name, desc, so);
	load_dl_close(h);
out:
	if (err != NULL)
		load_list_put(m, "error", aemp_str(err));
	free(err);
	free(so);
}

/*
 * Add the module in file path, unless a folder earlier in the path had
 * one of that name (the one a lookup finds).
 */
static void
load_list_file(struct load_list_walk *w, const char *name, const char *path)
{
	const struct aemp_module *desc;
	struct aemp_val		*m;

	if (!load_path_valid_name(name) || aemp_map_get(w->seen, name) != NULL)
		return;
	load_list_put(w->seen, name, aemp_null());

	m = aemp_map_new(8);
	load_list_put(m, "name", aemp_str(name));
	load_list_put(m, "path", aemp_str(path));
	if ((desc = load_loaded(name, w->kind)) != NULL)
		load_list_desc(m, desc);
	else
		load_list_probe(m, name, path, w->dir);
	aemp_array_push(w->out, m);
}

/* Module name of file base in relative folder rel: "A/B" + "C.so". */
static char *
load_list_name(const char *rel, const char *base, size_t blen)
{
	char		*name, *p;
	const char	*q;

	name = xmalloc(2 * strlen(rel) + blen + 3);
	p = name;
	for (q = rel; *q != '\0'; q++) {
		if (*q == '/') {
			*p++ = ':';
			*p++ = ':';
		} else
			*p++ = *q;
	}
	if (*rel != '\0') {
		*p++ = ':';
		*p++ = ':';
	}
	memcpy(p, base, blen);
	p[blen] = '\0';
	return (name);
}

static void	load_list_dir(struct load_list_walk *, const char *, int);

/* One folder entry: a module file, or a folder to descend into. */
static void
load_list_entry(struct load_list_walk *w, const char *rel, const char *base,
    int depth)
{
	struct stat	 st;
	char		*path, *sub, *name, *so;
	size_t		 len = strlen(base);

	xasprintf(&sub, "%s%s%s", rel, *rel != '\0' ? "/" : "", base);
	xasprintf(&path, "%s/%s", w->dir, sub);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (depth < LOAD_LIST_DEPTH)
			load_list_dir(w, sub, depth + 1);
		goto out;
	}

	if (len > 3 && (strcmp(base + len - 3, ".so") == 0 ||
	    strcmp(base + len - 3, ".la") == 0)) {
		/* A module built here has both; the .so is the one loaded. */
		xasprintf(&so, "%.*s.so", (int)(strlen(path) - 3), path);
		if (strcmp(base + len - 3, ".so") == 0 || stat(so, &st) != 0) {
			name = load_list_name(rel, base, len - 3);
			load_list_file(w, name, path);
			free(name);
		}
		free(so);
	}
out:
	free(sub);
	free(path);
}

/* List the modules in folder rel of the walk, sorted, hidden ones skipped. */
static void
load_list_dir(struct load_list_walk *w, const char *rel, int depth)
{
	struct dirent	**ents;
	char		 *path;
	int		  n, i;

	xasprintf(&path, "%s/%s", w->dir, rel);
	n = scandir(path, &ents, NULL, alphasort);
	free(path);
	if (n < 0)
		return;

	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.')
			load_list_entry(w, rel, ents[i]->d_name, depth);
		free(ents[i]);
	}
	free(ents);
}

/*
 * Describe what the module path holds: an array of maps (see load.h),
 * services first, then plugins, each in path order.
 */
struct aemp_val *
load_list(void)
{
	struct load_list_walk	 w;
	struct aemp_val		*dirs;
	int			 kinds[] = { AEMP_MODULE_SERVICE,
				    AEMP_MODULE_PLUGIN };
	size_t			 k, i;
	int			 dl;

	if ((w.out = aemp_array_new(8)) == NULL)
		fatalx("out of memory");
	dl = load_dl_init();
	for (k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		w.kind = kinds[k];
		w.seen = aemp_map_new(8);
		dirs = load_path_dirs(w.kind);
		for (i = 0; i < aemp_len(dirs); i++) {
			w.dir = aemp_str_ptr(aemp_at(dirs, i), NULL);
			load_list_dir(&w, "", 0);
		}
		aemp_unref(dirs);
		aemp_unref(w.seen);
	}
	if (dl == 0)
		load_dl_exit();
	return (w.out);
}
