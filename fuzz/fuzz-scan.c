/*
 * libFuzzer target: the secret scanner's rule engine. The input is scanned
 * twice, as a JSON file (keyword prefilter, string units, unescaping, JSON
 * pointers, structural rules) and as a text file. Every finding must point
 * inside the input, and its excerpt must never be longer than four
 * characters of the secret plus the length note.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct scanner *scanner;

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
	struct findings f = FINDINGS_INIT;
	char *buf = malloc(size + 1);

	if (!buf)
		return 0;
	if (!scanner)
		scanner = scanner_new(NULL);
	memcpy(buf, data, size);
	buf[size] = '\0';
	scan_buffer(scanner, "pipeline/PL_Fuzz.json", buf, size, NULL, &f);
	check(&f, buf, size);
	findings_release(&f);
	scan_buffer(scanner, "linkedService/LS_Fuzz.json", buf, size, "0123", &f);
	check(&f, buf, size);
	findings_release(&f);
	scan_buffer(scanner, "notes.txt", buf, size, NULL, &f);
	check(&f, buf, size);
	findings_release(&f);
	free(buf);
	return 0;
}
