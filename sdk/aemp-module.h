/*
 * aemp-module.h: what a service module or a host plugin exports.
 *
 * A module is a shared object that exports exactly one symbol,
 * "aemp_module", a const struct aemp_module.  The host checks abi_version
 * before it calls anything in the module, and finds functions only
 * through the table below.
 */

#ifndef AEMP_MODULE_H
#define AEMP_MODULE_H

#include "aemp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever struct aemp_module or the API it relies on changes. */
#define AEMP_ABI_VERSION	1

#define AEMP_MODULE_SERVICE	1	/* spawnable functions */
#define AEMP_MODULE_PLUGIN	2	/* host extension, not spawnable */

/* A function a module offers to spawn and to calls by name. */
struct aemp_function {
	const char	*name;		/* "client_connect" */
	aemp_init_cb	 fn;
	int		 flags;
#define AEMP_FN_REMOTE	0x1		/* may be called from the network */
};

struct evbuffer;

/*
 * Decoder output: one complete message (an array), reference taken over.
 * Returns 0 to go on, non-zero to stop decoding.
 */
typedef int (*aemp_emit_cb)(struct aemp_val *msg, void *arg);

/*
 * A framing codec, the interface a plugin of kind AEMP_MODULE_PLUGIN may
 * provide ("cbor", for instance); JSON is built into the host.
 */
struct aemp_codec {
	const char	*name;		/* as in framing_format: "json" */

	/* A decoder that refuses frames longer than max_frame bytes. */
	void		*(*decoder_new)(size_t max_frame);
	void		 (*decoder_free)(void *dec);

	/*
	 * Feed len bytes; every frame completed by them is passed to emit,
	 * in order.  Frames may be split or coalesced anyhow.  Returns 0, or
	 * AEMP_ERR_PARSE (or _RANGE for an oversized frame) with *err a
	 * malloc'd text; the decoder is unusable afterwards.
	 */
	int		 (*decode)(void *dec, const unsigned char *buf,
			    size_t len, aemp_emit_cb emit, void *arg,
			    char **err);

	/*
	 * Append one frame to out: an array made of the string port (plen
	 * bytes) followed by the elements of msg.  Returns 0 or AEMP_ERR_*.
	 */
	int		 (*encode)(struct evbuffer *out, const char *port,
			    size_t plen, const struct aemp_val *msg);
};

struct aemp_module {
	int		 abi_version;	/* AEMP_ABI_VERSION */
	int		 kind;		/* AEMP_MODULE_SERVICE or _PLUGIN */
	const char	*name;		/* "chat", "Foo::Bar" */

	/*
	 * Called once after loading, before any function; a non-zero return
	 * refuses the load.  May create ports.
	 */
	int		(*load)(void);
	/* Called once before the module is unloaded at shutdown. */
	void		(*unload)(void);

	/* Table of functions, ended by an entry with a NULL name. */
	const struct aemp_function *functions;

	/* Plugins: the framing codec provided, or NULL. */
	const struct aemp_codec *codec;
};

/*
 * Define the descriptor of a service module in one line.
 */
#define AEMP_SERVICE(modname, loadfn, unloadfn, table)			\
	const struct aemp_module aemp_module = {			\
		AEMP_ABI_VERSION, AEMP_MODULE_SERVICE, (modname),	\
		(loadfn), (unloadfn), (table), NULL			\
	}

#ifdef __cplusplus
}
#endif

#endif /* AEMP_MODULE_H */
