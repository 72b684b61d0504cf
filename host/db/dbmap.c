/*
 * dbmap.c: a small string-keyed hash table for the database.
 *
 * Values are immutable, so the database keeps its mutable levels
 * (families, keys, owners) in these tables and builds value maps only
 * when something leaves the node.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define DBMAP_MIN	8

static uint32_t
dbmap_hash(const char *key, size_t len)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 16777619u;
	}
	return (h);
}

/* Prepare an empty table. */
void
dbmap_init(struct dbmap *m)
{
	m->tab = NULL;
	m->size = 0;
	m->count = 0;
}

/* The entry for key, or NULL. */
struct dbmap_ent *
dbmap_find(const struct dbmap *m, const char *key, size_t len)
{
	struct dbmap_ent	*e;
	uint32_t		 h;

	if (m->size == 0)
		return (NULL);

	h = dbmap_hash(key, len);
	for (e = m->tab[h & (m->size - 1)]; e != NULL; e = e->next) {
		if (e->hash == h && e->len == len &&
		    memcmp(e->key, key, len) == 0)
			return (e);
	}
	return (NULL);
}

/* The data stored under a NUL-terminated key, or NULL. */
void *
dbmap_get(const struct dbmap *m, const char *key)
{
	struct dbmap_ent	*e;

	e = dbmap_find(m, key, strlen(key));
	return (e != NULL ? e->data : NULL);
}

static void
dbmap_grow(struct dbmap *m)
{
	struct dbmap_ent	**tab, *e, *next;
	size_t			  size, i;

	size = m->size == 0 ? DBMAP_MIN : m->size * 2;
	tab = xcalloc(size, sizeof *tab);

	for (i = 0; i < m->size; i++) {
		for (e = m->tab[i]; e != NULL; e = next) {
			next = e->next;
			e->next = tab[e->hash & (size - 1)];
			tab[e->hash & (size - 1)] = e;
		}
	}

	free(m->tab);
	m->tab = tab;
	m->size = size;
}

/*
 * The entry for key, created with NULL data when missing; *created (if
 * not NULL) says which.
 */
struct dbmap_ent *
dbmap_add(struct dbmap *m, const char *key, size_t len, int *created)
{
	struct dbmap_ent	*e;
	size_t			 slot;

	if (created != NULL)
		*created = 0;
	if ((e = dbmap_find(m, key, len)) != NULL)
		return (e);

	if (m->count >= m->size)
		dbmap_grow(m);

	e = xmalloc(sizeof *e + len + 1);
	e->hash = dbmap_hash(key, len);
	e->len = len;
	e->data = NULL;
	memcpy(e->key, key, len);
	e->key[len] = '\0';

	slot = e->hash & (m->size - 1);
	e->next = m->tab[slot];
	m->tab[slot] = e;
	m->count++;

	if (created != NULL)
		*created = 1;
	return (e);
}

/*
 * Remove key; returns 1 and its data in *data (if not NULL) when it was
 * there, else 0.
 */
int
dbmap_del(struct dbmap *m, const char *key, size_t len, void **data)
{
	struct dbmap_ent	**ep, *e;
	uint32_t		  h;

	if (m->size == 0)
		return (0);

	h = dbmap_hash(key, len);
	for (ep = &m->tab[h & (m->size - 1)]; (e = *ep) != NULL;
	    ep = &e->next) {
		if (e->hash != h || e->len != len ||
		    memcmp(e->key, key, len) != 0)
			continue;

		*ep = e->next;
		if (data != NULL)
			*data = e->data;
		free(e);
		m->count--;
		return (1);
	}
	return (0);
}

/* The entry after e (the first one when e is NULL), in table order. */
struct dbmap_ent *
dbmap_next(const struct dbmap *m, const struct dbmap_ent *e)
{
	size_t	 i;

	if (e != NULL) {
		if (e->next != NULL)
			return (e->next);
		i = (e->hash & (m->size - 1)) + 1;
	} else
		i = 0;

	for (; i < m->size; i++) {
		if (m->tab[i] != NULL)
			return (m->tab[i]);
	}
	return (NULL);
}

/* Remove every entry, handing each one's data to fn (if not NULL). */
void
dbmap_clear(struct dbmap *m, void (*fn)(void *))
{
	struct dbmap_ent	*e, *next;
	size_t			 i;

	for (i = 0; i < m->size; i++) {
		for (e = m->tab[i]; e != NULL; e = next) {
			next = e->next;
			if (fn != NULL)
				fn(e->data);
			free(e);
		}
	}
	free(m->tab);
	dbmap_init(m);
}

static void
dbmap_unref_cb(void *data)
{
	aemp_unref(data);
}

/* Empty a table of key => value, releasing the values. */
void
dbmap_clear_vals(struct dbmap *m)
{
	dbmap_clear(m, dbmap_unref_cb);
}

/* A new table of key => value (a reference each) for family levels. */
struct dbmap *
dbmap_new(void)
{
	struct dbmap	*m;

	m = xmalloc(sizeof *m);
	dbmap_init(m);
	return (m);
}

/* Free a table of key => value made by dbmap_new. */
void
dbmap_free_vals(void *arg)
{
	struct dbmap	*m = arg;

	if (m == NULL)
		return;
	dbmap_clear(m, dbmap_unref_cb);
	free(m);
}

/* Free a table of family => table of key => value. */
void
dbmap_free_families(void *arg)
{
	struct dbmap	*m = arg;

	if (m == NULL)
		return;
	dbmap_clear(m, dbmap_free_vals);
	free(m);
}

/* Free a table whose data is unused. */
void
dbmap_free_set(void *arg)
{
	struct dbmap	*m = arg;

	if (m == NULL)
		return;
	dbmap_clear(m, NULL);
	free(m);
}

/*
 * Store value (a reference taken over) under key in a key => value
 * table, releasing the old one.
 */
void
dbmap_put_val(struct dbmap *m, const char *key, size_t len,
    struct aemp_val *v)
{
	struct dbmap_ent	*e;

	e = dbmap_add(m, key, len, NULL);
	aemp_unref(e->data);
	e->data = v;
}

/* Remove key from a key => value table; 1 when it was there. */
int
dbmap_del_val(struct dbmap *m, const char *key, size_t len)
{
	void	*old;

	if (!dbmap_del(m, key, len, &old))
		return (0);
	aemp_unref(old);
	return (1);
}

/* A new map value holding the pairs of a key => value table. */
struct aemp_val *
dbmap_to_map(const struct dbmap *m)
{
	struct aemp_val		*out;
	struct dbmap_ent	*e;

	out = aemp_map_new(m != NULL ? m->count : 0);
	if (out == NULL || m == NULL)
		return (out);

	for (e = dbmap_next(m, NULL); e != NULL; e = dbmap_next(m, e)) {
		if (aemp_map_put_n(out, e->key, e->len,
		    aemp_ref(e->data)) != 0)
			goto fail;
	}
	return (out);

fail:
	aemp_unref(out);
	return (NULL);
}

/* A new array of the keys (values is 0) or values (1) of a table. */
struct aemp_val *
dbmap_to_array(const struct dbmap *m, int values)
{
	struct aemp_val		*out, *v;
	struct dbmap_ent	*e;

	out = aemp_array_new(m != NULL ? m->count : 0);
	if (out == NULL || m == NULL)
		return (out);

	for (e = dbmap_next(m, NULL); e != NULL; e = dbmap_next(m, e)) {
		if (values)
			v = aemp_ref(e->data);
		else
			v = aemp_str_n(e->key, e->len);
		if (v == NULL || aemp_array_push(out, v) != 0)
			goto fail;
	}
	return (out);

fail:
	aemp_unref(out);
	return (NULL);
}
