/*
 * json_frame.c: libFuzzer target for the incremental decoder of the
 * built-in JSON framing codec.
 *
 * The first byte chooses where the rest of the input is split in two
 * chunks, whether emit asks the decoder to stop after the first message
 * (bit 6) and whether max_frame is a small 64 bytes (bit 7).  The same
 * bytes are decoded once whole and once in two chunks: both runs must
 * emit the same messages and both succeed or both fail, and every message
 * must be an array.  Each message must also come back unchanged from
 * both encoders (json_encode_value and the codec's frame encoder).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "fuzz.h"

#define FUZZ_MAX_MSGS	64

struct fuzz_run {
	struct aemp_val	*msgs[FUZZ_MAX_MSGS];
	size_t		 n;
	size_t		 dropped;
	int		 stop;
};

static int
fuzz_emit(struct aemp_val *msg, void *arg)
{
	struct fuzz_run	*run = arg;

	FUZZ_ASSERT(aemp_type(msg) == AEMP_T_ARRAY);
	if (run->n < FUZZ_MAX_MSGS)
		run->msgs[run->n++] = msg;
	else {
		aemp_unref(msg);
		run->dropped++;
	}
	return run->stop;
}

static void
fuzz_run_clear(struct fuzz_run *run)
{
	size_t	 i;

	for (i = 0; i < run->n; i++)
		aemp_unref(run->msgs[i]);
	run->n = 0;
}

/* Decode buf in two chunks split at split; the decoder's last result. */
static int
fuzz_decode(struct fuzz_run *run, const uint8_t *buf, size_t len,
    size_t split, size_t max_frame)
{
	void	*dec;
	char	*err = NULL;
	int	 r;

	dec = json_codec.decoder_new(max_frame);
	FUZZ_ASSERT(dec != NULL);
	r = json_codec.decode(dec, buf, split, fuzz_emit, run, &err);
	FUZZ_ASSERT((r != 0) == (err != NULL));
	if (r == 0 && !(run->stop && run->n > 0)) {
		r = json_codec.decode(dec, buf + split, len - split,
		    fuzz_emit, run, &err);
		FUZZ_ASSERT((r != 0) == (err != NULL));
	}
	free(err);
	json_codec.decoder_free(dec);
	return r;
}

/* Decode the text in eb as one frame; it must give back exactly msg. */
static void
fuzz_expect_frame(struct evbuffer *eb, const struct aemp_val *msg)
{
	struct fuzz_run	 back;
	size_t		 len = evbuffer_get_length(eb);
	uint8_t		*p = evbuffer_pullup(eb, -1);

	memset(&back, 0, sizeof back);
	FUZZ_ASSERT(fuzz_decode(&back, p, len, len / 2, 0) == 0);
	FUZZ_ASSERT(back.n == 1 && back.dropped == 0);
	FUZZ_ASSERT(aemp_equal(msg, back.msgs[0]));
	fuzz_run_clear(&back);
}

/* Both encoders must write msg so that the decoder reads it back. */
static void
fuzz_round_trip(struct aemp_val *msg)
{
	struct evbuffer	*eb;
	struct aemp_val	*rest;
	const char	*port;
	size_t		 i, plen;

	if (!fuzz_json_exact(msg))
		return;
	eb = evbuffer_new();
	FUZZ_ASSERT(eb != NULL);
	FUZZ_ASSERT(json_encode_value(eb, msg) == 0);
	fuzz_expect_frame(eb, msg);

	port = aemp_str_ptr(aemp_at(msg, 0), &plen);
	if (port != NULL) {
		evbuffer_drain(eb, evbuffer_get_length(eb));
		rest = aemp_array_new(0);
		for (i = 1; i < aemp_len(msg); i++)
			aemp_array_push(rest, aemp_ref(aemp_at(msg, i)));
		FUZZ_ASSERT(json_codec.encode(eb, port, plen, rest) == 0);
		aemp_unref(rest);
		fuzz_expect_frame(eb, msg);
	}
	evbuffer_free(eb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_run	 whole, split;
	size_t		 cut, max_frame, i;
	int		 r1, r2;

	if (size == 0)
		return 0;
	max_frame = data[0] & 0x80 ? 64 : 0;
	memset(&whole, 0, sizeof whole);
	memset(&split, 0, sizeof split);
	whole.stop = split.stop = (data[0] & 0x40) != 0;
	cut = (data[0] & 0x3f) * (size - 1) / 0x3f;
	data++;
	size--;

	r1 = fuzz_decode(&whole, data, size, size, max_frame);
	r2 = fuzz_decode(&split, data, size, cut, max_frame);
	/*
	 * Only success must agree: with max_frame set, the scanner may
	 * reach the limit before yajl sees a syntax error in the same
	 * chunk, so the code (RANGE or PARSE) depends on the split.
	 */
	FUZZ_ASSERT((r1 == 0) == (r2 == 0));
	FUZZ_ASSERT(whole.n == split.n && whole.dropped == split.dropped);
	for (i = 0; i < whole.n; i++) {
		FUZZ_ASSERT(aemp_equal(whole.msgs[i], split.msgs[i]));
		fuzz_round_trip(whole.msgs[i]);
	}
	fuzz_run_clear(&whole);
	fuzz_run_clear(&split);
	return 0;
}
