#ifndef BUILD_H
#define BUILD_H

#include "strbuf.h"
#include "tpd.h"
#include "workspace.h"

/*
 * Build the two files Synapse Studio's Publish writes for a workspace,
 * TemplateForWorkspace.json and TemplateParametersForWorkspace.json,
 * from the artifacts in Git alone. The live pools (bigDataPools,
 * sqlPools) are not in Git and are left out.
 */
enum build_studio {
	BUILD_STUDIO_CURRENT,   /* Studio as of 2024-2025 (the default) */
	BUILD_STUDIO_2022,      /* Studio's 2022 output, for older publish branches */
};

struct build_options {
	const char *workspace_name;
	enum build_studio studio;
};

struct build_result {
	struct strbuf template_json;
	struct strbuf parameters_json;
	size_t resources;
	size_t parameters;
	char **warnings;        /* what Publish does silently, for the user */
	size_t warnings_nr, warnings_alloc;
};

void build_result_init(struct build_result *r);
void build_result_release(struct build_result *r);

/* Studio's "2022" or "current", or -1 when unknown. */
int build_studio_parse(const char *s);

/*
 * Build from every artifact of ws (loaded here). tpd is the parameter
 * definition to honour, or NULL for the one in ws (or Studio's built-in
 * definition when ws has none). Returns 0, or -1 with last_error() set
 * (an unreadable or invalid artifact, an invalid definition).
 */
int build_workspace(struct workspace *ws, const struct build_options *opts,
		    struct build_result *out);

#endif
