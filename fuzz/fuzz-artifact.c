/*
 * libFuzzer target: artifact loading and reference extraction. Any bytes
 * are parsed as an artifact file; when they parse, every reference is
 * extracted and its pointer located back in the text, as lint does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "refs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_error err;
	struct reference *refs = NULL;
	size_t nr = 0, alloc = 0;
	char *buf = malloc(size + 1);
	json_t *j;
	int line, col;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	j = json_parse(buf, size, &err);
	if (!j) {
		/* a failed parse always has a position inside the text */
		if (err.line < 1 || err.column < 1)
			abort();
		free(buf);
		return 0;
	}
	refs_extract(j, &refs, &nr, &alloc);
	for (size_t i = 0; i < nr; i++) {
		if (json_locate(buf, size, refs[i].pointer, &line, &col) != 0)
			abort(); /* a pointer we produced must lead somewhere */
		if (line < 1 || col < 1)
			abort();
	}
	json_locate(buf, size, "/properties/activities/0/name", &line, &col);
	json_locate(buf, size, (const char *)buf, &line, &col);
	refs_free(refs, nr);
	json_decref(j);
	free(buf);
	return 0;
}
