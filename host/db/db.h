/*
 * db.h: seeds, the global service and the database client.
 */

#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"

/* A string-keyed hash table (dbmap.c). */
struct dbmap_ent {
	struct dbmap_ent	*next;
	uint32_t		 hash;
	size_t			 len;
	void			*data;
	char			 key[];
};

struct dbmap {
	struct dbmap_ent	**tab;
	size_t			  size;		/* a power of two, or 0 */
	size_t			  count;
};

/* db.c */
int		 db_init(void);

/*
 * Start after the node is configured: seeds is an array of "host:port"
 * strings (may be empty), addrs the node's own listen addresses (for
 * "'l").  Returns 0 or AEMP_ERR_*.
 */
int		 db_start(struct aemp_val *, struct aemp_val *);
void		 db_shutdown(void);

/* 1 when this node runs the global service. */
int		 db_is_global(void);

/* Run with fire 1 when the guard is freed, 0 at db_shutdown. */
typedef void (*db_guard_cb)(void *, int);

int		 db_running(void);
const char	*db_master(void);
void		 db_master_set(const char *);
void		 db_master_search(void);
void		 db_become_global(void);
struct aemp_guard *db_guard_new(db_guard_cb, void *);
void		 db_bad(const char *, const char *);
double		 db_retry_cap(void);

/* dbmap.c */
void		 dbmap_init(struct dbmap *);
struct dbmap_ent *dbmap_find(const struct dbmap *, const char *, size_t);
void		*dbmap_get(const struct dbmap *, const char *);
struct dbmap_ent *dbmap_add(struct dbmap *, const char *, size_t, int *);
int		 dbmap_del(struct dbmap *, const char *, size_t, void **);
struct dbmap_ent *dbmap_next(const struct dbmap *, const struct dbmap_ent *);
void		 dbmap_clear(struct dbmap *, void (*)(void *));
void		 dbmap_clear_vals(struct dbmap *);
struct dbmap	*dbmap_new(void);
void		 dbmap_free_vals(void *);
void		 dbmap_free_families(void *);
void		 dbmap_free_set(void *);
void		 dbmap_put_val(struct dbmap *, const char *, size_t,
		    struct aemp_val *);
int		 dbmap_del_val(struct dbmap *, const char *, size_t);
struct aemp_val	*dbmap_to_map(const struct dbmap *);
struct aemp_val	*dbmap_to_array(const struct dbmap *, int);

/* seed-resolve.c */
int		 seed_resolve(const char *, struct aemp_val *);

/* seed.c */
int		 seed_start(struct aemp_val *);
void		 seed_shutdown(void);
int		 seed_is_seed(const char *);
const char	*seed_first_up(void);
const char	*seed_refusal(void);
void		 seed_node_event(const char *, int);

/* global.c */
extern const struct kernel_request global_requests[];
void		 global_start(void);
void		 global_shutdown(void);
void		 global_node_event(const char *, int);

/* dbclient.c */
extern const struct kernel_request dbclient_requests[];
void		 dbclient_local_set(const char *, const char *,
		    struct aemp_val *);
void		 dbclient_local_del(const char *, const char *);
void		 dbclient_master_bound(void);
void		 dbclient_lookup(const char *);
void		 dbclient_lookups_fail(const char *);
void		 dbclient_shutdown(void);

#endif /* DB_H */
