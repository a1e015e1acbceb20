#ifndef PARSE_OPTIONS_H
#define PARSE_OPTIONS_H

#include <stddef.h>
#include "usage.h"

/*
 * A small option parser with git's behaviour: long options with "=" or a
 * separate argument, bundled short flags, "--" ends options, "--no-<x>"
 * negates booleans, -h/--help prints usage to stdout and exits 0 (after
 * trying the man page for --help), an unknown option exits 129.
 */
enum opt_type {
	OPT_T_END,
	OPT_T_BOOL,      /* int *, set to 1 (or 0 with --no-) */
	OPT_T_COUNT,     /* int *, incremented */
	OPT_T_STRING,    /* const char **, the argument */
	OPT_T_INT,       /* int *, a decimal number */
	OPT_T_SET_INT,   /* int *, set to defval */
	OPT_T_STRING_LIST, /* struct string_list *, appended */
	OPT_T_GROUP,     /* a heading in the usage text */
};

struct string_list {
	char **items;
	size_t nr, alloc;
};
#define STRING_LIST_INIT { NULL, 0, 0 }
void string_list_append(struct string_list *l, const char *s);
void string_list_clear(struct string_list *l);

struct option {
	enum opt_type type;
	int short_name;
	const char *long_name;
	void *value;
	const char *argh;
	const char *help;
	int defval;
};

#define OPT_END() { OPT_T_END, 0, NULL, NULL, NULL, NULL, 0 }
#define OPT_GROUP(h) { OPT_T_GROUP, 0, NULL, NULL, NULL, (h), 0 }
#define OPT_BOOL(s, l, v, h) { OPT_T_BOOL, (s), (l), (v), NULL, (h), 0 }
#define OPT__VERBOSE(v) { OPT_T_COUNT, 'v', "verbose", (v), NULL, "be more verbose", 0 }
#define OPT__QUIET(v) { OPT_T_BOOL, 'q', "quiet", (v), NULL, "be quiet", 0 }
#define OPT_STRING(s, l, v, a, h) { OPT_T_STRING, (s), (l), (v), (a), (h), 0 }
#define OPT_INTEGER(s, l, v, h) { OPT_T_INT, (s), (l), (v), "n", (h), 0 }
#define OPT_SET_INT(s, l, v, h, i) { OPT_T_SET_INT, (s), (l), (v), NULL, (h), (i) }
#define OPT_STRING_LIST(s, l, v, a, h) { OPT_T_STRING_LIST, (s), (l), (v), (a), (h), 0 }

/*
 * Parse argv (argv[0] is the command name and is skipped). Returns the
 * number of remaining arguments, moved to the front of argv. usagestr
 * is a NULL-terminated array whose first line is the SYNOPSIS.
 * man_page, when not NULL, is shown for --help (falling back to usage).
 */
int parse_options(int argc, const char **argv, const struct option *opts,
		  const char *const *usagestr, const char *man_page);

/* Print usage (to stderr) and exit 129, after an optional error line. */
NORETURN void usage_with_options(const char *const *usagestr, const struct option *opts);
NORETURN void usage_msg_opt(const char *msg, const char *const *usagestr,
			    const struct option *opts);

/* Try to show a man page with man(1); returns only if that failed. */
void show_man_page(const char *page);

#endif
