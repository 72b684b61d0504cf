/*
 * cli.h: the config file and profiles, aemp_configure, and the aemp
 * program's subcommands.
 */

#ifndef CLI_H
#define CLI_H

#include "db.h"
#include "load.h"

/* config.c: the file, read leniently and written atomically. */
struct config {
	char		*path;
	struct aemp_val	*root;		/* the whole file, a map */
	int		 dirty;
	int		 loaded;	/* root is the file's (or defaults) */
};

const char	*config_path(void);
int		 config_load(struct config *, char **);
int		 config_save(struct config *, char **);
void		 config_free(struct config *);
struct aemp_val	*config_profile(struct config *, const char *,
		    struct aemp_val *, int);
struct aemp_val	*config_target(struct config *, const char *);
void		 config_set(struct config *, const char *, const char *,
		    struct aemp_val *);
void		 config_set_profile(struct config *, const char *,
		    struct aemp_val *);
struct aemp_val	*config_map_with(const struct aemp_val *, const char *,
		    struct aemp_val *);

/* config-check.c: whether config values make sense. */
int		 config_check_value(const char *, const struct aemp_val *,
		    char **);
int		 config_check_entry(const char *, const struct aemp_val *,
		    char **);
int		 config_check_map(const struct aemp_val *, char **);
int		 config_check_profiles(struct config *, char **);
int		 config_check_file(struct config *, const char *, char **);

/* configure.c: aemp_configure and the node ID. */
#define CONFIGURE_K_STRING	1	/* always a plain string */
#define CONFIGURE_K_LIST	2	/* a list; "a,b" is split */
#define CONFIGURE_K_SCALAR	3	/* number or boolean, JSON text */
int		 configure_kind(const char *);
int		 configure_check(const char *, const struct aemp_val *);
struct aemp_val	*configure_value(const char *, const char *);
struct aemp_val	*configure_normalize(const char *, struct aemp_val *);
char		*configure_node_id(const char *, const char *, int *);

/* aemp.c: the program's dispatcher, shared by the command tables. */
struct cmd_ctx {
	struct config	 cfg;
	int		 cfg_tried;	/* config_load ran */
	int		 cfg_error;	/* ... and failed */
	char		*cfg_errtext;
	char		*target;	/* profile edited; NULL: global */
	const char	*cmd;		/* the subcommand running */
};

typedef int (*cmd_cb)(struct cmd_ctx *, const char *, int,
    struct aemp_val **);

struct cmd_entry {
	const char	*name;
	int		 min;		/* arguments */
	int		 max;		/* -1: every remaining argument */
	cmd_cb		 fn;
	const char	*key;		/* config key for generic handlers */
};

struct config	*aemp_cmd_config(struct cmd_ctx *);
int		 aemp_cmd_flush(struct cmd_ctx *);
int		 aemp_cmd_error(struct cmd_ctx *, const char *, ...)
		    printflike(2, 3);
const char	*aemp_cmd_string(struct cmd_ctx *, struct aemp_val *,
		    const char *);

/* cmd-check.c: the checks of config edits, reported. */
int		 cmd_check_value(struct cmd_ctx *, const char *,
		    const struct aemp_val *);
int		 cmd_check_entry(struct cmd_ctx *, const char *,
		    const struct aemp_val *);
int		 cmd_check_map(struct cmd_ctx *, const struct aemp_val *);
int		 cmd_check_profile(struct cmd_ctx *, struct config *,
		    const char *);

/* cmd-config.c: commands that edit or show the config file. */
extern const struct cmd_entry cmd_config_table[];

/* cmd-node.c: run, the protocol commands and modules. */
extern const struct cmd_entry cmd_node_table[];

#endif /* CLI_H */
