#ifndef LINT_H
#define LINT_H

#include "config.h"
#include "findings.h"
#include "workspace.h"

/*
 * The lint rules, over one workspace. Each rule has an id (SYN001...),
 * a short name, a severity, and can be switched off in configuration
 * with "lint.<name> = false" (or "lint.SYN004 = false").
 */
extern const struct rule_info lint_rules[];
extern const size_t lint_rules_nr;

struct lint_options {
	const struct config *config;  /* may be NULL */
	/*
	 * Only report findings in these paths (relative to the source top);
	 * NULL or empty: the whole workspace. Cross-artifact checks still see
	 * every artifact, loading others only as needed.
	 */
	const char *const *only_paths;
	size_t only_nr;
};

/* Run every enabled rule on ws, appending to out. Returns 0, or -1 on a fatal error. */
int lint_workspace(struct workspace *ws, const struct lint_options *opts, struct findings *out);

/* A rule's switch: 1 unless configuration turns it off. */
int lint_rule_enabled(const struct config *c, const struct rule_info *rule);

#endif
