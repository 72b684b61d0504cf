/*
 * fuzz.h: helpers shared by the libFuzzer targets of tests/fuzz/.
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Stop at once: libFuzzer saves the input that got here. */
#define FUZZ_ASSERT(e)		do { if (!(e)) abort(); } while (0)

/* 1 when the len bytes at s are valid UTF-8 (no overlongs, surrogates). */
static inline int
fuzz_utf8_ok(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 i, n, k;

	for (i = 0; i < len; i += n) {
		if (p[i] < 0x80) {
			n = 1;
			continue;
		}
		if (p[i] < 0xc2 || p[i] > 0xf4)
			return 0;
		n = p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
		if (i + n > len)
			return 0;
		cp = p[i] & (0x7f >> n);
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
	}
	return 1;
}

/*
 * 1 when JSON can carry v unchanged: no infinite double (written as
 * null) and no string or key that is not UTF-8 (its bytes come back as
 * the UTF-8 of latin1 characters, by design).
 */
static inline int
fuzz_json_exact(const struct aemp_val *v)
{
	const char	*s;
	size_t		 i, len;

	switch (aemp_type(v)) {
	case AEMP_T_DOUBLE:
		return isfinite(aemp_as_double(v, NULL));
	case AEMP_T_STR:
		s = aemp_str_ptr(v, &len);
		return fuzz_utf8_ok(s, len);
	case AEMP_T_ARRAY:
		for (i = 0; i < aemp_len(v); i++)
			if (!fuzz_json_exact(aemp_at(v, i)))
				return 0;
		return 1;
	case AEMP_T_MAP:
		for (i = 0; i < aemp_len(v); i++) {
			s = aemp_map_key_at(v, i, &len);
			if (!fuzz_utf8_ok(s, len) ||
			    !fuzz_json_exact(aemp_map_val_at(v, i)))
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

#endif /* FUZZ_H */
