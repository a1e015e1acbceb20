/*
 * git synapse init: configuration and hooks.
 */
#include "init.h"
#include "parse-options.h"
#include "source.h"
#include "strbuf.h"
#include "usage.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const init_usage[] = {
	"git synapse init [--hooks] [--uninstall] [--force]",
	NULL
};

int main(int argc, const char **argv)
{
	int hooks_only = 0, uninstall = 0, force = 0, quiet = 0, refused = 0;
	git_repository *repo = NULL;
	struct strbuf dir = STRBUF_INIT, done = STRBUF_INIT;
	const char *const *names;
	const struct option options[] = {
		OPT_BOOL(0, "hooks", &hooks_only, "only install the hooks"),
		OPT_BOOL(0, "uninstall", &uninstall, "remove the hooks, restoring what was there"),
		OPT_BOOL(0, "force", &force, "chain an existing hook even when unsure what it is"),
		OPT__QUIET(&quiet),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, init_usage, "git-synapse-init");
	if (argc)
		usage_msg_opt("too many arguments", init_usage, options);
	if (repo_open(&repo) < 0) {
		error("%s", last_error());
		hint("run 'git init' first, or 'cd' into a repository");
		exit(EXIT_FATAL);
	}
	names = git_repository_is_bare(repo) ? init_server_hooks : init_client_hooks;
	if (!uninstall && !hooks_only && init_write_config(repo, &done) < 0)
		die("%s", last_error());
	if (init_hooks_dir(&dir) < 0)
		die("%s", last_error());
	for (size_t i = 0; names[i]; i++) {
		int ret = uninstall ? init_uninstall_hook(dir.buf, names[i], &done)
				    : init_install_hook(dir.buf, names[i], force, &done);

		if (ret < 0)
			die("%s", last_error());
		if (ret > 0) {
			error("%s", last_error());
			refused++;
		}
	}
	if (!quiet)
		fputs(done.buf, stderr);
	if (refused)
		hint("the other hooks are installed; run 'git synapse init --force' to chain the rest");
	strbuf_release(&dir);
	strbuf_release(&done);
	git_repository_free(repo);
	return refused ? EXIT_FINDINGS : 0;
}
