/*
 * The config file: where it is, reading it as leniently as the reference
 * does, writing it atomically, and the effective configuration of a
 * profile (defaults, arguments, global section, parent chain, profile).
 *
 * Values are immutable once shared, so an edit builds new maps along the
 * path from the root to the changed key.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CONFIG_MAX_SIZE		(16 * 1024 * 1024)
#define CONFIG_MAX_DEPTH	64	/* parent chain links followed */

/* Our defaults (PROTOCOL.md 11 and 13), below everything else. */
static const char config_defaults[] =
    "{\"monitor_timeout\":30,\"connect_interval\":2,"
    "\"framing_format\":[\"cbor\",\"json\"],"
    "\"auth_offer\":[\"tls_sha3_512\",\"hmac_sha3_512\"],"
    "\"auth_accept\":[\"tls_sha3_512\",\"hmac_sha3_512\"],"
    "\"heartbeat\":5,\"max_frame\":67108864,\"max_queue\":16777216,"
    "\"module_path\":[],\"plugins\":[]}";

/* Keys of configure() that steer it and are no settings. */
static const char *const config_control_keys[] = {
	"profile", "norc", "force", NULL
};

static char	 config_path_buf[PATH_MAX];

/* The config file's path: $AEMP_RC, $PERL_ANYEVENT_MP_RC, ~/.perl-... */
const char *
config_path(void)
{
	const char	*p, *home;
	struct passwd	*pw;

	if ((p = getenv("AEMP_RC")) != NULL && *p != '\0')
		return p;
	if ((p = getenv("PERL_ANYEVENT_MP_RC")) != NULL && *p != '\0')
		return p;

	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : "/";
	}
	snprintf(config_path_buf, sizeof config_path_buf,
	    "%s/.perl-anyevent-mp", home);
	return config_path_buf;
}

/* The whole regular file on fd, NUL-terminated. */
static int
config_read_fd(int fd, const char *path, char **textp, size_t *lenp,
    char **errp)
{
	struct stat	 st;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;

	if (fstat(fd, &st) == -1) {
		xasprintf(errp, "%s: %s", path, strerror(errno));
		return AEMP_ERR_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(errp, "%s: %s", path, S_ISDIR(st.st_mode) ?
		    strerror(EISDIR) : "not a regular file");
		return AEMP_ERR_IO;
	}
	if (st.st_size > CONFIG_MAX_SIZE) {
		xasprintf(errp, "%s: larger than %d bytes", path,
		    CONFIG_MAX_SIZE);
		return AEMP_ERR_RANGE;
	}

	buf = xmalloc((size_t)st.st_size + 1);
	while ((n = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)n;
	if (n == -1) {
		xasprintf(errp, "%s: %s", path, strerror(errno));
		free(buf);
		return AEMP_ERR_IO;
	}
	buf[len] = '\0';
	*textp = buf;
	*lenp = len;
	return 0;
}

/* "<file>: line L, column C: <why>" from the parser's "<why> at line..." */
static void
config_parse_error(const char *path, const char *perr, char **errp)
{
	const char	*at;

	if (perr == NULL)
		xasprintf(errp, "%s: invalid JSON", path);
	else if ((at = strstr(perr, " at line ")) == NULL)
		xasprintf(errp, "%s: %s", path, perr);
	else
		xasprintf(errp, "%s: %s: %.*s", path, at + 4,
		    (int)(at - perr), perr);
}

/* Parse the file's text; the root must be an object. */
static int
config_parse(struct config *cfg, const char *text, size_t len, char **errp)
{
	struct aemp_val	*v = NULL;
	char		*perr = NULL;
	int		 r;

	if ((r = json_parse_relaxed(text, len, &v, &perr)) != 0) {
		config_parse_error(cfg->path, perr, errp);
		free(perr);
		return r;
	}
	if (aemp_type(v) != AEMP_T_MAP) {
		xasprintf(errp, "%s: line 1, column 1: not a JSON object",
		    cfg->path);
		aemp_unref(v);
		return AEMP_ERR_PARSE;
	}
	cfg->root = v;
	return 0;
}

/*
 * Read the config file into cfg.  A missing file gives {"version":1}; a
 * file that cannot be read or parsed is an error, *errp naming the file
 * (and the parser's position), and cfg then refuses to be saved.
 */
int
config_load(struct config *cfg, char **errp)
{
	char	*text = NULL;
	size_t	 len = 0;
	int	 fd, r;

	memset(cfg, 0, sizeof *cfg);
	*errp = NULL;
	cfg->path = xstrdup(config_path());

	if ((fd = open(cfg->path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT) {
			xasprintf(errp, "%s: %s", cfg->path, strerror(errno));
			return AEMP_ERR_IO;
		}
		cfg->root = aemp_map_new(1);
		aemp_map_put(cfg->root, "version", aemp_int(1));
		cfg->loaded = 1;
		return 0;
	}

	r = config_read_fd(fd, cfg->path, &text, &len, errp);
	close(fd);
	if (r == 0 && (r = config_parse(cfg, text, len, errp)) == 0)
		cfg->loaded = 1;
	free(text);
	return r;
}

/* Release what cfg holds; cfg may be loaded again afterwards. */
void
config_free(struct config *cfg)
{
	free(cfg->path);
	aemp_unref(cfg->root);
	memset(cfg, 0, sizeof *cfg);
}

static int
config_has_secret(const struct aemp_val *m)
{
	return aemp_map_get(m, "secret") != NULL ||
	    aemp_map_get(m, "cert") != NULL;
}

/* A file holding a secret or a key is private. */
static mode_t
config_save_mode(struct config *cfg)
{
	struct aemp_val	*profiles;
	struct stat	 st;
	size_t		 i;

	if (config_has_secret(cfg->root))
		return 0600;
	profiles = aemp_map_get(cfg->root, "profile");
	for (i = 0; i < aemp_len(profiles); i++) {
		if (config_has_secret(aemp_map_val_at(profiles, i)))
			return 0600;
	}

	if (stat(cfg->path, &st) == 0)
		return st.st_mode & 07777;
	return 0644;
}

static int
config_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the folder of path, so the rename is durable. */
static void
config_sync_dir(const char *path)
{
	char	*dir, *slash;
	int	 fd;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';

	if ((fd = open(dir, O_RDONLY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Write the pretty JSON of cfg to fd, then fsync. */
static int
config_write_tmp(struct config *cfg, const char *tmp, int fd, char **errp)
{
	char	*text;
	size_t	 len;
	int	 failed;

	text = json_pretty(cfg->root);
	len = strlen(text);
	failed = config_write_all(fd, text, len) == -1 ||
	    ((len == 0 || text[len - 1] != '\n') &&
	    config_write_all(fd, "\n", 1) == -1) ||
	    fchmod(fd, config_save_mode(cfg)) == -1 || fsync(fd) == -1;
	free(text);

	if (failed) {
		xasprintf(errp, "%s: %s", tmp, strerror(errno));
		return AEMP_ERR_IO;
	}
	return 0;
}

/*
 * Write cfg back if it changed: pretty JSON to a temporary file in the
 * same folder, fsync, rename over the file.  Never writes a config whose
 * file could not be read.
 */
int
config_save(struct config *cfg, char **errp)
{
	char	*tmp = NULL;
	int	 fd = -1, r = 0;

	*errp = NULL;
	if (!cfg->loaded || cfg->root == NULL) {
		xasprintf(errp, "%s: not saved, it could not be read",
		    cfg->path != NULL ? cfg->path : config_path());
		return AEMP_ERR_STATE;
	}
	if (!cfg->dirty)
		return 0;

	xasprintf(&tmp, "%s.XXXXXX", cfg->path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(errp, "%s: cannot create a file beside it: %s",
		    cfg->path, strerror(errno));
		r = AEMP_ERR_IO;
		goto out;
	}
	if ((r = config_write_tmp(cfg, tmp, fd, errp)) != 0)
		goto out;
	if (close(fd) == -1 || rename(tmp, cfg->path) == -1) {
		fd = -1;
		xasprintf(errp, "%s: %s", cfg->path, strerror(errno));
		r = AEMP_ERR_IO;
		goto out;
	}
	fd = -1;
	config_sync_dir(cfg->path);
	cfg->dirty = 0;

out:
	if (fd != -1)
		close(fd);
	if (r != 0 && tmp != NULL)
		unlink(tmp);
	free(tmp);
	return r;
}

/*
 * A copy of map m with key set to v (reference taken over), or removed
 * when v is NULL.  The key keeps its place; a new key goes last.
 */
struct aemp_val *
config_map_with(const struct aemp_val *m, const char *key,
    struct aemp_val *v)
{
	struct aemp_val	*out;
	const char	*k;
	size_t		 i, klen, n = aemp_len(m);
	int		 done = 0;

	out = aemp_map_new(n + 1);
	for (i = 0; i < n; i++) {
		k = aemp_map_key_at(m, i, &klen);
		if (klen == strlen(key) && memcmp(k, key, klen) == 0) {
			if (v != NULL)
				aemp_map_put(out, key, v);
			done = 1;
			continue;
		}
		aemp_map_put_n(out, k, klen, aemp_ref(aemp_map_val_at(m, i)));
	}
	if (!done && v != NULL)
		aemp_map_put(out, key, v);
	return out;
}

/* The map a profile name (NULL: the global section) stands for. */
struct aemp_val *
config_target(struct config *cfg, const char *profile)
{
	struct aemp_val	*p;

	if (profile == NULL)
		return cfg->root;
	p = aemp_map_get(aemp_map_get(cfg->root, "profile"), profile);
	return aemp_type(p) == AEMP_T_MAP ? p : NULL;
}

/* Replace profile name by p (reference taken over); NULL removes it. */
void
config_set_profile(struct config *cfg, const char *name, struct aemp_val *p)
{
	struct aemp_val	*profiles, *root;

	profiles = aemp_map_get(cfg->root, "profile");
	if (aemp_type(profiles) != AEMP_T_MAP)
		profiles = NULL;
	profiles = config_map_with(profiles, name, p);
	root = config_map_with(cfg->root, "profile", profiles);
	aemp_unref(cfg->root);
	cfg->root = root;
	cfg->dirty = 1;
}

/*
 * Set key in the global section (profile NULL) or in the named profile,
 * created when missing; v's reference is taken over, NULL deletes.
 */
void
config_set(struct config *cfg, const char *profile, const char *key,
    struct aemp_val *v)
{
	struct aemp_val	*m;

	m = config_map_with(config_target(cfg, profile), key, v);
	if (profile == NULL) {
		aemp_unref(cfg->root);
		cfg->root = m;
		cfg->dirty = 1;
		return;
	}
	config_set_profile(cfg, profile, m);
}

static int
config_is_control(const char *key)
{
	int	 i;

	for (i = 0; config_control_keys[i] != NULL; i++) {
		if (strcmp(key, config_control_keys[i]) == 0)
			return 1;
	}
	return 0;
}

/* Copy every pair of layer into out, later ones winning. */
static void
config_merge_into(struct aemp_val *out, const struct aemp_val *layer,
    int skip_control)
{
	const char	*k;
	size_t		 i, klen;

	for (i = 0; i < aemp_len(layer); i++) {
		k = aemp_map_key_at(layer, i, &klen);
		if (skip_control && config_is_control(k))
			continue;
		aemp_map_put_n(out, k, klen, aemp_ref(aemp_map_val_at(layer,
		    i)));
	}
}

/* The profile chain of name, nearest first, each link once. */
static size_t
config_chain(struct config *cfg, const char *name,
    struct aemp_val **chain)
{
	struct aemp_val	*p, *parent;
	size_t		 n = 0, i;

	while (name != NULL && n < CONFIG_MAX_DEPTH) {
		if ((p = config_target(cfg, name)) == NULL)
			break;
		for (i = 0; i < n; i++) {
			if (chain[i] == p)
				return n;
		}
		chain[n++] = p;
		parent = aemp_map_get(p, "parent");
		name = aemp_str_ptr(parent, NULL);
	}
	return n;
}

/* The file's layers: global section, parents, profile. */
static void
config_merge_file(struct aemp_val *out, struct config *cfg,
    const char *name)
{
	struct aemp_val	*chain[CONFIG_MAX_DEPTH];
	size_t		 n;

	if (cfg == NULL || cfg->root == NULL)
		return;
	config_merge_into(out, cfg->root, 0);
	if (name == NULL)
		return;

	n = config_chain(cfg, name, chain);
	while (n > 0)
		config_merge_into(out, chain[--n], 0);
}

/*
 * The effective configuration of profile name (NULL: the global section
 * alone) as a new map: defaults, then args, then the file's global
 * section, parent chain and profile; force puts args on top.  cfg may be
 * NULL (norc).  The steering keys profile, norc and force of args are
 * left out.
 */
struct aemp_val *
config_profile(struct config *cfg, const char *name, struct aemp_val *args,
    int force)
{
	struct aemp_val	*out, *defaults = NULL;

	out = aemp_map_new(32);
	if (aemp_from_json(config_defaults, sizeof config_defaults - 1,
	    &defaults, NULL) != 0)
		fatalx("config: bad built-in defaults");
	config_merge_into(out, defaults, 0);
	aemp_unref(defaults);

	if (!force)
		config_merge_into(out, args, 1);
	config_merge_file(out, cfg, name);
	if (force)
		config_merge_into(out, args, 1);
	return out;
}
