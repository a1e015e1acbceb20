#ifndef FINDINGS_H
#define FINDINGS_H

#include <stdio.h>

/*
 * Findings of lint and scan: one record each, kept in a list, sorted and
 * printed in one of the output formats. The library fills the list; the
 * command prints it.
 */
enum severity {
	SEV_NOTE,
	SEV_WARNING,
	SEV_ERROR,
};

struct finding {
	const char *rule;      /* "SYN004" (static) */
	const char *name;      /* "missing-reference" (static) */
	enum severity severity;
	char *path;            /* as shown to the user, '/'-separated */
	int line, column;      /* 1-based; 0 when not known */
	char *pointer;         /* JSON pointer, or NULL */
	char *message;
	char *hint;            /* or NULL */
	/* scan only; NULL elsewhere */
	char *commit;          /* hex id when found in history */
	char *excerpt;         /* redacted: never the secret itself */
	char *fingerprint;
};

struct findings {
	struct finding *items;
	size_t nr, alloc;
	size_t files;          /* how many files were examined */
};
#define FINDINGS_INIT { NULL, 0, 0, 0 }

enum output_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_SARIF,
};

/* Parse "text", "json" or "sarif"; -1 otherwise. */
int output_format_parse(const char *s);

/* Append a finding; strings are copied, pointer/hint may be NULL. Returns it. */
struct finding *findings_add(struct findings *f, const char *rule, const char *name,
			     enum severity sev, const char *path, int line, int column,
			     const char *pointer, const char *message, const char *hint);
void findings_sort(struct findings *f);
size_t findings_count(const struct findings *f, enum severity sev);
void findings_release(struct findings *f);

/* Description of a rule for SARIF's rule table. */
struct rule_info {
	const char *id;
	const char *name;
	enum severity severity;
	const char *description;
};

struct findings_output {
	const char *tool;               /* "git-synapse-lint" */
	const char *tool_version;
	const struct rule_info *rules;  /* for SARIF */
	size_t rules_nr;
	int color;
};

void findings_print(FILE *out, const struct findings *f, enum output_format fmt,
		    const struct findings_output *o);

const char *severity_name(enum severity sev);

#endif
