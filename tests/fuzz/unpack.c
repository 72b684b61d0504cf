/*
 * unpack.c: libFuzzer target for aemp_unpack.
 *
 * The input is a JSON text, a NUL byte, then a format.  The format is cut
 * to FUZZ_MAX_ITEMS output items, and exactly that many output pointers
 * are passed, followed by NULL: an unpacker that consumed more pointers
 * than its format names would write through NULL and crash.  Each
 * pointer leads to a slot big enough for any item; a slot that was
 * written must hold what the format letter promised (a readable string
 * for "s", a value for "v").
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define FUZZ_MAX_ITEMS	12
#define FUZZ_MAX_FMT	64

static volatile size_t fuzz_sink;

union fuzz_slot {
	const char	*s;
	int		 i;
	int64_t		 I;
	double		 f;
	struct aemp_val	*v;
	unsigned char	 raw[16];
};

/* Copy at most FUZZ_MAX_ITEMS output items of fmt; returns their count. */
static size_t
fuzz_cut_format(char *out, const uint8_t *fmt, size_t len)
{
	size_t	 i, n = 0, items = 0;

	for (i = 0; i < len && n < FUZZ_MAX_FMT - 1; i++) {
		if (fmt[i] == '\0')
			break;
		if (strchr("siIfbv", fmt[i]) != NULL) {
			if (items == FUZZ_MAX_ITEMS)
				break;
			items++;
		}
		out[n++] = (char)fmt[i];
	}
	out[n] = '\0';
	return items;
}

/* Every written slot of a successful unpack holds a plausible item. */
static void
fuzz_check_slots(const char *fmt, union fuzz_slot *slot,
    const union fuzz_slot *blank)
{
	size_t	 k = 0;

	for (; *fmt != '\0'; fmt++) {
		if (strchr("siIfbv", *fmt) == NULL)
			continue;
		if (memcmp(&slot[k], blank, sizeof *blank) != 0) {
			/* Reading the string lets ASan check the pointer. */
			if (*fmt == 's')
				fuzz_sink += strlen(slot[k].s);
			if (*fmt == 'v')
				FUZZ_ASSERT(aemp_type(slot[k].v) <= AEMP_T_MAP);
		}
		k++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union fuzz_slot	 slot[FUZZ_MAX_ITEMS], blank;
	struct aemp_val	*msg = NULL;
	const uint8_t	*nul;
	char		 fmt[FUZZ_MAX_FMT];
	size_t		 jlen;
	int		 r;

	if ((nul = memchr(data, '\0', size)) == NULL)
		return 0;
	jlen = nul - data;
	if (aemp_from_json((const char *)data, jlen, &msg, NULL) != 0)
		return 0;
	fuzz_cut_format(fmt, nul + 1, size - jlen - 1);
	memset(&blank, 0xa5, sizeof blank);
	for (jlen = 0; jlen < FUZZ_MAX_ITEMS; jlen++)
		slot[jlen] = blank;

	r = aemp_unpack(msg, fmt, &slot[0], &slot[1], &slot[2], &slot[3],
	    &slot[4], &slot[5], &slot[6], &slot[7], &slot[8], &slot[9],
	    &slot[10], &slot[11], NULL, NULL, NULL, NULL);
	FUZZ_ASSERT(r == 0 || r == AEMP_ERR_TYPE || r == AEMP_ERR_RANGE ||
	    r == AEMP_ERR_INVAL);
	if (r == 0)
		fuzz_check_slots(fmt, slot, &blank);
	aemp_unref(msg);
	return 0;
}
