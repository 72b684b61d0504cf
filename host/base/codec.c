/*
 * The table of framing codecs by name: "json" is built in, plugins add
 * others ("cbor") through the loader.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base.h"

static const struct aemp_codec **codec_table;
static size_t	 codec_count;

static const struct aemp_codec *
codec_lookup(const char *name)
{
	size_t	 i;

	for (i = 0; i < codec_count; i++)
		if (strcmp(codec_table[i]->name, name) == 0)
			return codec_table[i];
	return NULL;
}

/*
 * Add a codec (not copied: it must outlive the table).  Returns 0,
 * AEMP_ERR_INVAL for an incomplete one or AEMP_ERR_EXISTS for a name
 * already taken.
 */
int
codec_register(const struct aemp_codec *c)
{
	if (c == NULL || c->name == NULL || *c->name == '\0' ||
	    c->decoder_new == NULL || c->decoder_free == NULL ||
	    c->decode == NULL || c->encode == NULL)
		return AEMP_ERR_INVAL;
	if (strcmp(c->name, json_codec.name) == 0 || codec_lookup(c->name))
		return AEMP_ERR_EXISTS;
	codec_table = xreallocarray(codec_table, codec_count + 1,
	    sizeof *codec_table);
	codec_table[codec_count++] = c;
	return 0;
}

/* The codec called name, or NULL. */
const struct aemp_codec *
codec_find(const char *name)
{
	if (name == NULL)
		return NULL;
	if (strcmp(name, json_codec.name) == 0)
		return &json_codec;
	return codec_lookup(name);
}

/* Forget every registered codec (json stays). */
void
codec_free_all(void)
{
	free(codec_table);
	codec_table = NULL;
	codec_count = 0;
}
