/*
 * relaxed.c: libFuzzer target for json_parse_relaxed, the parser of the
 * config file.
 *
 * Whatever the input, the parser must return a value or an error text.
 * A value must come back unchanged through aemp_to_json and
 * aemp_from_json, and through json_pretty and json_parse_relaxed.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Parse text strictly or relaxed; it must give back exactly v. */
static void
fuzz_expect_text(const char *text, int relaxed, const struct aemp_val *v)
{
	struct aemp_val	*back = NULL;
	char		*err = NULL;
	int		 r;

	FUZZ_ASSERT(text != NULL);
	if (relaxed)
		r = json_parse_relaxed(text, strlen(text), &back, &err);
	else
		r = aemp_from_json(text, strlen(text), &back, &err);
	FUZZ_ASSERT(r == 0 && err == NULL && back != NULL);
	FUZZ_ASSERT(aemp_equal(v, back));
	aemp_unref(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aemp_val	*v = NULL;
	char		*err = NULL, *text;
	int		 r;

	r = json_parse_relaxed((const char *)data, size, &v, &err);
	if (r != 0) {
		FUZZ_ASSERT(v == NULL);
		FUZZ_ASSERT(r == AEMP_ERR_NOMEM || err != NULL);
		free(err);
		return 0;
	}
	FUZZ_ASSERT(v != NULL && err == NULL);

	if (fuzz_json_exact(v)) {
		text = aemp_to_json(v);
		fuzz_expect_text(text, 0, v);
		free(text);
		text = json_pretty(v);
		fuzz_expect_text(text, 1, v);
		free(text);
	}
	aemp_unref(v);
	return 0;
}
