#ifndef PUBLISH_H
#define PUBLISH_H

#include <git2.h>
#include "config.h"
#include "strbuf.h"
#include "workspace.h"

/*
 * Commit a built template to the publish branch, as Synapse Studio's
 * Publish does: "<workspace>/TemplateForWorkspace.json" and
 * "<workspace>/TemplateParametersForWorkspace.json" on top of the
 * branch's previous tree, written with libgit2 alone (the work tree, the
 * index and HEAD are never touched), and the branch moved only if it
 * still points where it pointed when we read it.
 */
struct publish_request {
	const char *branch;          /* refs/heads/<branch> */
	const char *workspace_name;
	const struct strbuf *template_json;
	const struct strbuf *parameters_json;
	const git_oid *source;       /* the collaboration commit published */
};

enum publish_outcome {
	PUBLISH_COMMITTED,
	PUBLISH_CREATED,             /* the branch did not exist */
	PUBLISH_UP_TO_DATE,          /* same files already there: no commit */
};

/*
 * The publish branch: publish_config.json's "publishBranch", else
 * synapse.publishBranch, else "workspace_publish". Returns a malloc'd
 * name, or NULL with last_error() set when publish_config.json is invalid.
 */
char *publish_branch_name(struct workspace *ws, const struct config *cfg);

/* Synapse's publish commit message for a source commit. */
char *publish_message(const git_oid *source);

int publish_commit(git_repository *repo, const struct publish_request *req,
		   enum publish_outcome *outcome, git_oid *commit_out);

#endif
