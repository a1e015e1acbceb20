/*
 * libFuzzer target: the template writer. Any JSON is written in Studio's
 * format; the output must be valid JSON that writes back to the same
 * bytes, with no final newline.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json-studio.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_error err;
	struct strbuf one = STRBUF_INIT, two = STRBUF_INIT;
	json_t *v = json_parse((const char *)data, size, &err), *back;

	if (!v)
		return 0;
	json_studio_write(&one, v);
	if (one.len && one.buf[one.len - 1] == '\n')
		abort();
	/* as JavaScript reads numbers: 1e20 is written out in full */
	back = json_loadb(one.buf, one.len, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL,
			  NULL);
	if (!back)
		abort(); /* we wrote something that is not JSON */
	json_studio_write(&two, back);
	if (one.len != two.len || memcmp(one.buf, two.buf, one.len))
		abort(); /* not a fixed point */
	json_decref(v);
	json_decref(back);
	strbuf_release(&one);
	strbuf_release(&two);
	return 0;
}
