/*
 * load-path.c: where modules are looked for and which files may be
 * loaded: the module path, name checks, file checks, libtool archives.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"

#define LOAD_PATH_MAX_TRIED	16	/* candidates named in an error */
#define LOAD_PATH_MAX_LA	65536	/* largest libtool archive read */

static const char *const load_path_exts[] = { ".so", ".la" };

/*
 * Check a module name: parts of [A-Za-z0-9_] joined by "::".  Returns 1
 * when it is one.
 */
int
load_path_valid_name(const char *name)
{
	const char	*p;
	size_t		 part = 0;

	for (p = name; *p != '\0'; p++) {
		if (p[0] == ':' && p[1] == ':') {
			if (part == 0)
				return (0);
			part = 0;
			p++;
			continue;
		}
		if (!(p[0] >= 'a' && p[0] <= 'z') &&
		    !(p[0] >= 'A' && p[0] <= 'Z') &&
		    !(p[0] >= '0' && p[0] <= '9') && p[0] != '_')
			return (0);
		part++;
	}
	return (part > 0);
}

/* Add folder to dirs unless it is already there. */
static void
load_path_add(struct aemp_val *dirs, const char *folder)
{
	char		 real[PATH_MAX];
	const char	*use = folder;
	size_t		 i;

	if (*folder == '\0')
		return;
	if (realpath(folder, real) != NULL)
		use = real;
	else if (*folder != '/') {
		log_debug("module folder %.100s ignored: %s", folder,
		    strerror(errno));
		return;
	}

	for (i = 0; i < aemp_len(dirs); i++) {
		if (strcmp(aemp_str_ptr(aemp_at(dirs, i), NULL), use) == 0)
			return;
	}
	aemp_array_push(dirs, aemp_str(use));
}

/* Add the folders of a colon-separated list such as $AEMP_MODULE_PATH. */
static void
load_path_add_env(struct aemp_val *dirs, const char *var)
{
	const char	*env = getenv(var);
	char		*copy, *p, *next;

	if (env == NULL)
		return;

	copy = xstrdup(env);
	for (p = copy; p != NULL; p = next) {
		next = strchr(p, ':');
		if (next != NULL)
			*next++ = '\0';
		load_path_add(dirs, p);
	}
	free(copy);
}

/* Add the folders of a setting that holds a list (or one string). */
static void
load_path_add_setting(struct aemp_val *dirs, const char *key)
{
	struct aemp_val	*v = settings_get(key);
	size_t		 i;

	if (v == NULL)
		return;
	if (aemp_type(v) == AEMP_T_STR) {
		load_path_add(dirs, aemp_str_ptr(v, NULL));
		return;
	}
	for (i = 0; i < aemp_len(v); i++) {
		if (aemp_type(aemp_at(v, i)) == AEMP_T_STR)
			load_path_add(dirs, aemp_str_ptr(aemp_at(v, i), NULL));
	}
}

/*
 * The folders searched for modules of kind, in order, as a new array of
 * absolute paths: services from the "module_path" setting, then
 * $AEMP_MODULE_PATH, then the installed services; plugins from
 * $AEMP_PLUGIN_PATH, then the installed plugins.
 */
struct aemp_val *
load_path_dirs(int kind)
{
	struct aemp_val	*dirs = aemp_array_new(4);

	if (dirs == NULL)
		fatalx("out of memory");

	if (kind == AEMP_MODULE_PLUGIN) {
		load_path_add_env(dirs, "AEMP_PLUGIN_PATH");
		load_path_add(dirs, AEMP_PKGLIBDIR "/plugins");
	} else {
		load_path_add_setting(dirs, "module_path");
		load_path_add_env(dirs, "AEMP_MODULE_PATH");
		load_path_add(dirs, AEMP_PKGLIBDIR "/services");
	}
	return (dirs);
}

/* The file of module name in dir with extension ext ("Foo/Bar.so"). */
char *
load_path_file_name(const char *dir, const char *name, const char *ext)
{
	char	*path, *p;
	size_t	 len = strlen(dir) + 1 + strlen(name) + strlen(ext) + 1;

	path = xmalloc(len);
	snprintf(path, len, "%s/", dir);
	p = path + strlen(path);
	while (*name != '\0') {
		if (name[0] == ':' && name[1] == ':') {
			*p++ = '/';
			name += 2;
		} else
			*p++ = *name++;
	}
	snprintf(p, len - (p - path), "%s", ext);
	return (path);
}

/* Append path to the list of candidates tried, bounded. */
static void
load_path_tried(char **tried, size_t *count, const char *path)
{
	char	*s;

	if (*count == LOAD_PATH_MAX_TRIED) {
		xasprintf(&s, "%s, ...", *tried);
		free(*tried);
		*tried = s;
	}
	(*count)++;
	if (*count > LOAD_PATH_MAX_TRIED)
		return;

	if (*tried == NULL)
		*tried = xstrdup(path);
	else {
		xasprintf(&s, "%s, %s", *tried, path);
		free(*tried);
		*tried = s;
	}
}

/*
 * Find the file of module name: the first "Foo/Bar.so" or "Foo/Bar.la"
 * that exists in the folders of kind.  Returns 0 with *path and *dir
 * (the folder) set, or AEMP_ERR_NOENT with *tried set to the candidates
 * ("none" when the path is empty).  All three are malloc'd.
 */
int
load_path_find(const char *name, int kind, char **path, char **dir,
    char **tried)
{
	struct aemp_val	*dirs;
	struct stat	 st;
	const char	*d;
	char		*cand;
	size_t		 i, e, count = 0;
	int		 r = AEMP_ERR_NOENT;

	*path = *dir = *tried = NULL;
	dirs = load_path_dirs(kind);

	for (i = 0; i < aemp_len(dirs) && r != 0; i++) {
		d = aemp_str_ptr(aemp_at(dirs, i), NULL);
		for (e = 0; e < sizeof load_path_exts / sizeof *load_path_exts;
		    e++) {
			cand = load_path_file_name(d, name, load_path_exts[e]);
			if (stat(cand, &st) == 0 ||
			    (errno != ENOENT && errno != ENOTDIR)) {
				*path = cand;
				*dir = xstrdup(d);
				r = 0;
				break;
			}
			load_path_tried(tried, &count, cand);
			free(cand);
		}
	}

	aemp_unref(dirs);
	if (r != 0 && *tried == NULL)
		*tried = xstrdup("an empty module path");
	if (r == 0) {
		free(*tried);
		*tried = NULL;
	}
	return (r);
}

/*
 * Check that path may be loaded from folder dir: a regular file of root
 * or this process's user that only its owner may write, whose real path
 * lies inside dir.  Returns 0,
 * or AEMP_ERR_DENIED (AEMP_ERR_IO when it cannot be examined) with *err
 * a malloc'd text.
 */
int
load_path_check(const char *path, const char *dir, char **err)
{
	struct stat	 st;
	char		 real[PATH_MAX];
	size_t		 dlen = strlen(dir);

	/*
	 * XXX the folders are not checked: one that others may write lets
	 * them swap the file between this check and the open.
	 */
	*err = NULL;
	if (stat(path, &st) != 0 || realpath(path, real) == NULL) {
		xasprintf(err, "cannot examine %s: %s", path, strerror(errno));
		return (AEMP_ERR_IO);
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(err, "%s is not a regular file", path);
		return (AEMP_ERR_DENIED);
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		xasprintf(err, "%s belongs to uid %u, neither root nor this "
		    "node's user", path, (unsigned)st.st_uid);
		return (AEMP_ERR_DENIED);
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		xasprintf(err, "%s is writable by others than its owner",
		    path);
		return (AEMP_ERR_DENIED);
	}
	if (strncmp(real, dir, dlen) != 0 ||
	    (real[dlen] != '/' && dir[dlen - 1] != '/')) {
		xasprintf(err, "%s lies outside the module folder %s "
		    "(it is %s)", path, dir, real);
		return (AEMP_ERR_DENIED);
	}
	return (0);
}

/* Read a libtool archive of at most LOAD_PATH_MAX_LA bytes. */
static char *
load_path_read(const char *path, char **err)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(err, "cannot open %s: %s", path, strerror(errno));
		return (NULL);
	}
	buf = xmalloc(LOAD_PATH_MAX_LA + 1);
	n = fread(buf, 1, LOAD_PATH_MAX_LA, f);
	if (ferror(f)) {
		xasprintf(err, "cannot read %s: %s", path, strerror(errno));
		free(buf);
		buf = NULL;
	} else
		buf[n] = '\0';
	fclose(f);
	return (buf);
}

/* The value of a "key='value'" line of a libtool archive, or NULL. */
static char *
load_path_la_value(const char *text, const char *key)
{
	const char	*p = text, *end;
	size_t		 klen = strlen(key);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			if (*p == '\'')
				p++;
			end = p + strcspn(p, "'\n");
			return (xstrndup(p, end - p));
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return (NULL);
}

/*
 * The shared object that libtool archive la stands for, so that the
 * loader is only ever handed the file that was checked: "dir/.libs/x.so"
 * while not installed, else "dir/x.so".  Returns 0 with *target
 * malloc'd, or AEMP_ERR_PARSE / AEMP_ERR_IO with *err.
 */
int
load_path_la_target(const char *la, char **target, char **err)
{
	char		*text, *dlname = NULL, *installed = NULL;
	const char	*slash;
	int		 r = AEMP_ERR_PARSE;

	*target = *err = NULL;
	if ((text = load_path_read(la, err)) == NULL)
		return (AEMP_ERR_IO);

	dlname = load_path_la_value(text, "dlname");
	installed = load_path_la_value(text, "installed");
	if (dlname == NULL || *dlname == '\0' || strchr(dlname, '/') != NULL) {
		xasprintf(err, "%s names no shared object (dlname)", la);
		goto out;
	}

	slash = strrchr(la, '/');
	xasprintf(target, "%.*s%s%s", (int)(slash - la + 1), la,
	    installed != NULL && strcmp(installed, "no") == 0 ? ".libs/" : "",
	    dlname);
	r = 0;
out:
	free(text);
	free(dlname);
	free(installed);
	return (r);
}
