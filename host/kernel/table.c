/*
 * A small string-keyed hash table with separate chaining, for ports,
 * nodes and names.  It grows by doubling and never shrinks.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel.h"

struct table_entry {
	struct table_entry	*next;
	size_t			 bucket;
	char			*key;
	void			*val;
};

struct table {
	struct table_entry	**buckets;
	size_t			  size;
	size_t			  count;
};

static size_t
table_hash(const char *key, size_t size)
{
	uint64_t	h = 1469598103934665603ULL;

	while (*key != '\0') {
		h ^= (unsigned char)*key++;
		h *= 1099511628211ULL;
	}
	return h & (size - 1);
}

/* Create an empty table. */
struct table *
table_new(void)
{
	struct table	*t;

	t = xcalloc(1, sizeof *t);
	t->size = 16;
	t->buckets = xcalloc(t->size, sizeof *t->buckets);
	return t;
}

/* Free a table; fn (if not NULL) is called for every value left. */
void
table_free(struct table *t, table_free_cb fn)
{
	struct table_entry	*e, *next;
	size_t			 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->size; i++) {
		for (e = t->buckets[i]; e != NULL; e = next) {
			next = e->next;
			if (fn != NULL)
				fn(e->val);
			free(e->key);
			free(e);
		}
	}
	free(t->buckets);
	free(t);
}

static struct table_entry *
table_lookup(struct table *t, const char *key)
{
	struct table_entry	*e;

	for (e = t->buckets[table_hash(key, t->size)]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* The value stored under key, or NULL. */
void *
table_get(struct table *t, const char *key)
{
	struct table_entry	*e;

	e = table_lookup(t, key);
	return e == NULL ? NULL : e->val;
}

static void
table_grow(struct table *t)
{
	struct table_entry	**old = t->buckets, *e, *next;
	size_t			  oldsize = t->size, i;

	t->size *= 2;
	t->buckets = xcalloc(t->size, sizeof *t->buckets);
	for (i = 0; i < oldsize; i++) {
		for (e = old[i]; e != NULL; e = next) {
			next = e->next;
			e->bucket = table_hash(e->key, t->size);
			e->next = t->buckets[e->bucket];
			t->buckets[e->bucket] = e;
		}
	}
	free(old);
}

/* Store val under key, replacing (not freeing) an old value. */
void
table_put(struct table *t, const char *key, void *val)
{
	struct table_entry	*e;

	if ((e = table_lookup(t, key)) != NULL) {
		e->val = val;
		return;
	}

	if (t->count >= t->size * 2)
		table_grow(t);

	e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	e->val = val;
	e->bucket = table_hash(key, t->size);
	e->next = t->buckets[e->bucket];
	t->buckets[e->bucket] = e;
	t->count++;
}

/* Remove key; returns the value it had, or NULL. */
void *
table_del(struct table *t, const char *key)
{
	struct table_entry	**ep, *e;
	void			 *val;

	ep = &t->buckets[table_hash(key, t->size)];
	for (; (e = *ep) != NULL; ep = &e->next) {
		if (strcmp(e->key, key) != 0)
			continue;
		*ep = e->next;
		val = e->val;
		free(e->key);
		free(e);
		t->count--;
		return val;
	}
	return NULL;
}

/* Number of entries. */
size_t
table_count(struct table *t)
{
	return t->count;
}

/*
 * Iterate: *cursor starts NULL; returns the next value (and its key in
 * *key if key is not NULL), or NULL at the end.  The table must not
 * change during the iteration.
 */
void *
table_next(struct table *t, void **cursor, const char **key)
{
	struct table_entry	*e = *cursor;
	size_t			 i;

	if (e != NULL && e->next != NULL)
		e = e->next;
	else {
		i = e == NULL ? 0 : e->bucket + 1;
		for (e = NULL; i < t->size && e == NULL; i++)
			e = t->buckets[i];
	}

	*cursor = e;
	if (e == NULL)
		return NULL;
	if (key != NULL)
		*key = e->key;
	return e->val;
}
