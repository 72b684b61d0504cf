/*
 * aplugin.c: a plugin providing a framing codec named "aplugin" that
 * refuses everything; enough to test that the host registers it.
 */

#include <stdlib.h>
#include <string.h>

#include "aemp-module.h"

static void *
aplugin_new(size_t max_frame)
{
	return (malloc(1));
}

static void
aplugin_free(void *dec)
{
	free(dec);
}

static int
aplugin_decode(void *dec, const unsigned char *buf, size_t len,
    aemp_emit_cb emit, void *arg, char **err)
{
	*err = strdup("aplugin decodes nothing");
	return (AEMP_ERR_PARSE);
}

static int
aplugin_encode(struct evbuffer *out, const char *port, size_t plen,
    const struct aemp_val *msg)
{
	return (AEMP_ERR_STATE);
}

static const struct aemp_codec aplugin_codec = {
	"aplugin", aplugin_new, aplugin_free, aplugin_decode, aplugin_encode
};

const struct aemp_module aemp_module = {
	AEMP_ABI_VERSION, AEMP_MODULE_PLUGIN, "aplugin", NULL, NULL, NULL,
	&aplugin_codec
};
