/*
 * git-synapse: the dispatcher. "git synapse <cmd> ..." runs
 * "git-synapse-<cmd> ...", found next to this executable first, then on
 * PATH, as git itself finds "git-synapse".
 */
#include "parse-options.h"
#include "strbuf.h"
#include "usage.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const synapse_usage[] = {
	"git synapse [--version] [--help] <command> [<args>]",
	NULL
};

struct command_info {
	const char *name;
	const char *summary;
};

/* One line each, as "git synapse" with no command lists them. */
static const struct command_info commands[] = {
	{ "init", "set up .synapseconfig and install the hooks" },
	{ "lint", "check artifacts: JSON, names, folders, references, cycles" },
	{ "scan", "find secrets in artifacts, the index or history" },
	{ "build", "write the ARM template Synapse Publish would write" },
	{ "deploy", "plan and apply a commit to a workspace" },
	{ "status", "show drift between a workspace and a commit" },
	{ "export", "pull a live workspace into the Git layout" },
	{ "triggers", "list, start and stop triggers" },
	{ "hotfix", "branch from what production runs, fix, carry back" },
	{ "log", "show the deployment history of an environment" },
	{ "auth", "show which credential would be used, and until when" },
	{ "doctor", "check token, workspace, rights, branches and hooks" },
	{ "hook", "run a hook's checks (called by the installed hooks)" },
	{ "emulator", "run a local Synapse workspace for tests and demos" },
};

static char *self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(buf);
}

/* The full path of git-synapse-<cmd>, or NULL when it is nowhere. */
static char *find_command(const char *cmd)
{
	char *dir = self_dir();
	const char *path = getenv("PATH");
	struct strbuf sb = STRBUF_INIT;

	if (dir) {
		strbuf_addf(&sb, "%s/git-synapse-%s", dir, cmd);
		free(dir);
		if (!access(sb.buf, X_OK))
			return strbuf_detach(&sb, NULL);
	}
	while (path && *path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);

		strbuf_reset(&sb);
		strbuf_add(&sb, len ? path : ".", len ? len : 1);
		strbuf_addf(&sb, "/git-synapse-%s", cmd);
		if (!access(sb.buf, X_OK))
			return strbuf_detach(&sb, NULL);
		path = end ? end + 1 : NULL;
	}
	strbuf_release(&sb);
	return NULL;
}

static void list_commands(FILE *out)
{
	fprintf(out, "usage: %s\n\n", synapse_usage[0]);
	fprintf(out, "These are the git synapse commands:\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char *path = find_command(commands[i].name);

		if (!path)
			continue;
		free(path);
		fprintf(out, "   %-10s %s\n", commands[i].name, commands[i].summary);
	}
	fprintf(out, "\nSee 'git synapse help <command>' to read about a command.\n");
}

static int run_command(const char *cmd, int argc, const char **argv)
{
	char *path;
	const char **args;

	if (strchr(cmd, '/') || !*cmd)
		die("'%s' is not a git synapse command", cmd);
	path = find_command(cmd);
	if (!path) {
		error("'%s' is not a git synapse command. See 'git synapse --help'.", cmd);
		return EXIT_USAGE;
	}
	args = xcalloc((size_t)argc + 1, sizeof(*args));
	args[0] = path;
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	execv(path, (char *const *)args);
	die_errno("cannot run '%s'", path);
}

static int cmd_help(const char *cmd)
{
	char *page;

	if (!cmd) {
		show_man_page("git-synapse");
		list_commands(stdout);
		return 0;
	}
	page = xstrfmt("git-synapse-%s", cmd);
	show_man_page(page);
	free(page);
	/* No man page installed: the command's own usage text. */
	{
		const char *argv[] = { cmd, "-h", NULL };

		return run_command(cmd, 2, argv);
	}
}

int main(int argc, const char **argv)
{
	const char *cmd;

	if (argc < 2) {
		list_commands(stdout);
		return 0;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("git-synapse version %s\n", GIT_SYNAPSE_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "-h")) {
		list_commands(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "help"))
		return cmd_help(argc > 2 ? argv[2] : NULL);
	if (cmd[0] == '-') {
		error("unknown option '%s'", cmd);
		usage_with_options(synapse_usage, NULL);
	}
	return run_command(cmd, argc - 1, argv + 1);
}
