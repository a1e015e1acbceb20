#include "baseline.h"
#include "strbuf.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void baseline_add(struct baseline *b, const char *fingerprint)
{
	ALLOC_GROW(b->items, b->nr + 1, b->alloc);
	b->items[b->nr++] = xstrdup(fingerprint);
}

int baseline_read(struct baseline *b, const char *path, int missing_ok)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;

	if (strbuf_read_file(&sb, path, 0) < 0) {
		int e = errno;

		strbuf_release(&sb);
		if (e == ENOENT && missing_ok)
			return 0;
		return set_error("cannot read baseline '%s': %s", path, strerror(e));
	}
	p = sb.buf;
	while (*p) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		size_t l = n;

		while (l && (line[l - 1] == '\r' || line[l - 1] == ' ' || line[l - 1] == '\t'))
			line[--l] = '\0';
		if (l && line[0] != '#')
			baseline_add(b, line);
		free(line);
		p += n;
		if (*p)
			p++;
	}
	strbuf_release(&sb);
	if (b->nr > 1)
		qsort(b->items, b->nr, sizeof(*b->items), cmp);
	return 0;
}

int baseline_contains(const struct baseline *b, const char *fingerprint)
{
	if (!b->nr)
		return 0;
	return bsearch(&fingerprint, b->items, b->nr, sizeof(*b->items), cmp) != NULL;
}

int baseline_write_findings(const char *path, const struct findings *f)
{
	struct baseline b = BASELINE_INIT;
	char *tmp = xstrfmt("%s.lock", path);
	FILE *out;
	int ret = 0;

	for (size_t i = 0; i < f->nr; i++)
		if (f->items[i].fingerprint)
			baseline_add(&b, f->items[i].fingerprint);
	if (b.nr > 1)
		qsort(b.items, b.nr, sizeof(*b.items), cmp);
	out = fopen(tmp, "w");
	if (!out) {
		ret = set_error("cannot write '%s': %s", tmp, strerror(errno));
		goto cleanup;
	}
	fprintf(out, "# git synapse scan baseline: fingerprints of accepted secrets\n"
		     "# (rule:path:hash of the secret; regenerate with 'git synapse scan --update-baseline')\n");
	for (size_t i = 0; i < b.nr; i++)
		if (!i || strcmp(b.items[i], b.items[i - 1]))
			fprintf(out, "%s\n", b.items[i]);
	if (fclose(out) || rename(tmp, path)) {
		ret = set_error("cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
	}
cleanup:
	free(tmp);
	baseline_release(&b);
	return ret;
}

void baseline_release(struct baseline *b)
{
	for (size_t i = 0; i < b->nr; i++)
		free(b->items[i]);
	free(b->items);
	memset(b, 0, sizeof(*b));
}
