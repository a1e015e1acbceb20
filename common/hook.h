#ifndef HOOK_H
#define HOOK_H

#include <stdio.h>
#include <git2.h>
#include "config.h"
#include "findings.h"

/*
 * The logic of the hooks that "git synapse init" installs. Each function
 * fills a report; the command prints it and exits 1 when it holds a veto.
 *
 *   pre-commit   lint + scan of the staged files, read from the index git
 *                is committing (GIT_INDEX_FILE: "commit -a" and
 *                "commit <path>" use a temporary one)
 *   commit-msg   AI trailers, no agent sign-off, no secret in the message
 *   pre-push     lint + scan of every commit the remote does not have, and
 *                the protected-branch policy; then publish on push
 *   pre-receive  the same gate on the server (a bare repository)
 */
struct hook_report {
	struct findings findings;   /* lint and scan findings (errors veto) */
	char **vetoes;              /* policy problems, one line each */
	size_t vetoes_nr, vetoes_alloc;
	char **notes;               /* information ("AI-assisted commit ...") */
	size_t notes_nr, notes_alloc;
	size_t commits;             /* commits checked (push, receive) */
};
#define HOOK_REPORT_INIT { FINDINGS_INIT, NULL, 0, 0, NULL, 0, 0, 0 }

void hook_report_release(struct hook_report *r);
/* Whether the report blocks the operation. */
int hook_report_vetoed(const struct hook_report *r);

int hook_pre_commit(struct hook_report *r);
int hook_commit_msg(struct hook_report *r, const char *message_file);
/* in: the hook's standard input; remote: its first argument (name or URL) */
int hook_pre_push(struct hook_report *r, const char *remote, FILE *in);
int hook_pre_receive(struct hook_report *r, FILE *in);

/*
 * Publish on push: where an environment sets "env.<e>.publishOnPush" to the
 * branch being pushed, publishing belongs here. It is not available yet
 * (it comes with deploy): the hook says so, only when configured.
 */
int hook_publish_on_push(struct hook_report *r, const struct config *c, const char *branch);

/*
 * The environments that protect a branch: "env.<e>.protected" is "true"
 * (the branch "env.<e>.branch", else synapse.collaborationBranch, else
 * main) or a list of branch names and globs. Calls fn for each.
 */
int hook_protecting_envs(const struct config *c, const char *branch,
			 int (*fn)(const char *env, void *data), void *data);

/* Whether identity ("Name <email>", or an e-mail) is in env.<e>.publishers. */
int hook_is_publisher(const struct config *c, const char *env, const char *identity);

#endif
