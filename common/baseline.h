#ifndef BASELINE_H
#define BASELINE_H

#include <stddef.h>
#include "findings.h"

/*
 * A baseline: the fingerprints of secrets that are known and accepted
 * (or being rotated), one per line, so that only new ones fail a scan.
 * Lines starting with '#' are comments. A fingerprint is
 * "<rule>:<path>:<hash>", with no line number: moving code keeps it.
 */
struct baseline {
	char **items;     /* sorted */
	size_t nr, alloc;
};
#define BASELINE_INIT { NULL, 0, 0 }

/* Read a baseline file; a missing file is an empty baseline when missing_ok. */
int baseline_read(struct baseline *b, const char *path, int missing_ok);
int baseline_contains(const struct baseline *b, const char *fingerprint);
void baseline_add(struct baseline *b, const char *fingerprint);
/* Write the fingerprints of every finding (sorted, unique), atomically. */
int baseline_write_findings(const char *path, const struct findings *f);
void baseline_release(struct baseline *b);

#endif
