#ifndef CMD_SOURCE_H
#define CMD_SOURCE_H

#include "config.h"
#include "source.h"
#include "workspace.h"

/*
 * What lint, scan and build share on their command lines: --root,
 * --staged, --rev, and the roots found in the source. The library part
 * of it; the commands print and exit.
 */
struct source_args {
	const char *root;     /* --root <dir> */
	int staged;           /* --staged */
	const char *rev;      /* --rev <commit> */
};

struct source_setup {
	struct source src;
	struct config config;
	char **roots;         /* artifact roots ("" or "dir/"), NULL-terminated */
	size_t roots_nr;
};

/*
 * Open the source the arguments name, load configuration, and find the
 * artifact roots (synapse.root first). Returns 0, or -1 with last_error()
 * set; *not_found is set when there was no repository and no --root.
 */
int source_setup_open(struct source_setup *s, const struct source_args *args);
void source_setup_release(struct source_setup *s);

/*
 * For commands: source_setup_open(), dying on failure; outside_hint is
 * the hint given when there is no repository and no --root.
 */
void source_setup_open_or_die(struct source_setup *s, const struct source_args *args,
			      const char *outside_hint);

/* Die, with hints, when the source holds no artifact root. */
void source_setup_require_roots(struct source_setup *s);

/*
 * Turn a command-line path (relative to the current directory) into a
 * path relative to the source top. Returns NULL (with last_error() set)
 * when it lies outside.
 */
char *source_setup_relative(const struct source_setup *s, const char *arg);

/*
 * Whether path (relative to the source top) is one of the command-line
 * paths or lies below one; every path is wanted when there are none.
 */
int path_is_wanted(const char *path, char *const *want, size_t want_nr);

/* Whether colour may be used on a stream (color.ui, NO_COLOR, a terminal). */
int want_color(const struct config *c, int fd);

#endif
