/*
 * libFuzzer target: the secret scanner's rule engine. The input is scanned
 * as JSON files (keyword prefilter, string units, unescaping, JSON
 * pointers, structural rules, a parameters file) and as a text file. Every
 * finding must point inside the input, and its excerpt must never be
 * longer than four characters of the secret plus the length note. The
 * vector keyword pass and the byte loop must find the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct scanner *scanner, *bytes;

/* A scanner that has seen a megabyte, with or without its vector pass. */
static struct scanner *warm(const char *simd)
{
	struct findings f = FINDINGS_INIT;
	struct scanner *s;
	size_t n = 2 * 1024 * 1024;
	char *filler = calloc(1, n);

	if (simd)
		setenv("GIT_SYNAPSE_SIMD", simd, 1);
	s = scanner_new(NULL);
	if (filler)
		scan_buffer(s, "filler.txt", filler, n, NULL, &f);
	findings_release(&f);
	free(filler);
	unsetenv("GIT_SYNAPSE_SIMD");
	return s;
}

static void same(const struct findings *a, const struct findings *b)
{
	if (a->nr != b->nr)
		abort();
	for (size_t i = 0; i < a->nr; i++)
		if (strcmp(a->items[i].rule, b->items[i].rule) ||
		    a->items[i].line != b->items[i].line ||
		    a->items[i].column != b->items[i].column)
			abort();
}

static void check(const struct findings *f, const char *buf, size_t size)
{
	int lines = 1;

	for (size_t i = 0; i < size; i++)
		if (buf[i] == '\n')
			lines++;
	for (size_t i = 0; i < f->nr; i++) {
		const struct finding *x = &f->items[i];

		if (x->line > lines || x->line < 0 || x->column < 0)
			abort();
		if (!x->fingerprint || !x->excerpt || !strstr(x->excerpt, " characters)"))
			abort();
		if (strstr(x->excerpt, "...") - x->excerpt > 4)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct findings f = FINDINGS_INIT, g = FINDINGS_INIT;
	char *buf = malloc(size + 1);

	if (!buf)
		return 0;
	if (!scanner) {
		scanner = warm(NULL);
		bytes = warm("none");
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	scan_buffer(scanner, "pipeline/PL_Fuzz.json", buf, size, NULL, &f);
	check(&f, buf, size);
	scan_buffer(bytes, "pipeline/PL_Fuzz.json", buf, size, NULL, &g);
	same(&f, &g);
	findings_release(&f);
	findings_release(&g);
	scan_buffer(scanner, "linkedService/LS_Fuzz.json", buf, size, "0123", &f);
	check(&f, buf, size);
	findings_release(&f);
	scan_buffer(scanner, "notes.txt", buf, size, NULL, &f);
	check(&f, buf, size);
	findings_release(&f);
	scan_buffer(scanner, "TemplateParametersForWorkspace.json", buf, size, NULL, &f);
	check(&f, buf, size);
	findings_release(&f);
	free(buf);
	return 0;
}
