/*
 * git synapse hook: what the installed hooks run.
 */
#include "findings.h"
#include "hook.h"
#include "parse-options.h"
#include "usage.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const hook_usage[] = {
	"git synapse hook pre-commit",
	"git synapse hook commit-msg <file>",
	"git synapse hook pre-push <remote> [<url>]",
	"git synapse hook pre-receive",
	NULL
};

static void print_report(const struct hook_report *r, const char *name)
{
	struct findings_output out = { "git-synapse-hook", GIT_SYNAPSE_VERSION, NULL, 0, 0 };

	for (size_t i = 0; i < r->notes_nr; i++)
		fprintf(stderr, "%s: %s\n", name, r->notes[i]);
	if (r->findings.nr)
		findings_print(stderr, &r->findings, FORMAT_TEXT, &out);
	for (size_t i = 0; i < r->vetoes_nr; i++)
		error("%s", r->vetoes[i]);
}

static void explain(const struct hook_report *r, const char *name)
{
	size_t errors = findings_count(&r->findings, SEV_ERROR);

	if (!strcmp(name, "pre-commit")) {
		error("commit blocked by the pre-commit hook: %zu problem(s) in the staged files",
		      errors + r->vetoes_nr);
		hint("fix the files and 'git add' them; a secret belongs in Azure Key Vault");
		hint("to commit anyway, once: 'git commit --no-verify'; but the pre-push hook and");
		hint("the server check every pushed commit, and a secret in history must be rotated");
	} else if (!strcmp(name, "commit-msg")) {
		error("commit blocked by the commit-msg hook");
		hint("edit the message (your text is kept in .git/COMMIT_EDITMSG)");
		hint("'git commit --no-verify' skips this check once; the push is still checked");
	} else if (!strcmp(name, "pre-push")) {
		error("push blocked: %zu problem(s) in %zu commit(s) the remote does not have",
		      errors + r->vetoes_nr, r->commits);
		hint("rewrite the offending commits ('git rebase -i'), rotate any secret pushed before");
		hint("'git push --no-verify' skips this check, but the server runs the same gate");
	} else {
		error("push rejected by git synapse: %zu problem(s) in %zu new commit(s)",
		      errors + r->vetoes_nr, r->commits);
		hint("fix the commits listed above and push again");
	}
}

int main(int argc, const char **argv)
{
	struct hook_report r = HOOK_REPORT_INIT;
	const char *name;
	int ret, status = 0;
	const struct option options[] = {
		OPT_END()
	};

	argc = parse_options(argc, argv, options, hook_usage, "git-synapse-hook");
	if (argc < 1)
		usage_msg_opt("which hook?", hook_usage, options);
	name = argv[0];
	git_libgit2_init();
	if (!strcmp(name, "pre-commit")) {
		ret = hook_pre_commit(&r);
	} else if (!strcmp(name, "commit-msg")) {
		if (argc < 2)
			usage_msg_opt("commit-msg needs the message file", hook_usage, options);
		ret = hook_commit_msg(&r, argv[1]);
	} else if (!strcmp(name, "pre-push")) {
		ret = hook_pre_push(&r, argc > 1 ? argv[1] : NULL, stdin);
	} else if (!strcmp(name, "pre-receive")) {
		ret = hook_pre_receive(&r, stdin);
	} else {
		error("unknown hook '%s'", name);
		usage_with_options(hook_usage, options);
	}
	if (ret < 0)
		die("%s hook: %s", name, last_error());
	print_report(&r, name);
	if (hook_report_vetoed(&r)) {
		explain(&r, name);
		status = EXIT_FINDINGS;
	}
	hook_report_release(&r);
	git_libgit2_shutdown();
	return status;
}
