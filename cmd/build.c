/*
 * git synapse build: the ARM template Synapse Studio's Publish would
 * write, built offline from the artifacts in Git.
 */
#include "build.h"
#include "cmd-source.h"
#include "parse-options.h"
#include "publish.h"
#include "usage.h"
#include "workspace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const build_usage[] = {
	"git synapse build [--root <dir>] [--rev <commit>] [--workspace <name>] [--out <dir>] [--studio=current|2022] [--publish [--branch <name>]]",
	NULL
};

struct env_ws {
	char *name;
	int count;
};

static int note_env_workspace(const char *key, const char *value, void *data)
{
	struct env_ws *e = data;

	(void)key;
	if (!value || !*value)
		return 0;
	if (!e->name || strcmp(e->name, value)) {
		e->count++;
		free(e->name);
		e->name = xstrdup(value);
	}
	return 0;
}

/* --workspace, else synapse.workspace, else the one environment's workspace. */
static char *workspace_name(const struct config *cfg, const char *opt)
{
	struct env_ws e = { NULL, 0 };
	char *name;

	if (opt)
		return xstrdup(opt);
	name = config_get_string(cfg, "synapse.workspace");
	if (name && *name)
		return name;
	free(name);
	if (config_foreach_match(cfg, "^env\\..*\\.workspace$", note_env_workspace, &e) < 0)
		die("%s", last_error());
	if (e.count == 1)
		return e.name;
	free(e.name);
	if (e.count > 1)
		error("no workspace name: several environments name one");
	else
		error("no workspace name: the templates are named after the workspace");
	hint("pass '--workspace <name>' or set it with 'git config -f .synapseconfig synapse.workspace <name>'");
	exit(EXIT_FATAL);
}

static int mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1; ; s++) {
		char c = *s;

		if (c != '/' && c)
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			ret = -1;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

/* Write through a temporary file and rename, so a reader never sees half a file. */
static void write_file(const char *dir, const char *name, const struct strbuf *sb)
{
	char *path = xstrfmt("%s/%s", dir, name);
	char *tmp = xstrfmt("%s/.%s.tmp", dir, name);
	FILE *f = fopen(tmp, "wb");

	if (!f)
		die_errno("cannot create '%s'", tmp);
	if (fwrite(sb->buf, 1, sb->len, f) != sb->len || fclose(f)) {
		unlink(tmp);
		die_errno("cannot write '%s'", tmp);
	}
	if (rename(tmp, path) < 0)
		die_errno("cannot rename '%s' to '%s'", tmp, path);
	free(path);
	free(tmp);
}

int main(int argc, const char **argv)
{
	struct source_args sa = { NULL, 0, NULL };
	const char *ws_opt = NULL, *out_dir = NULL, *branch_opt = NULL, *studio = "current";
	int publish = 0, quiet = 0, mode;
	struct source_setup setup;
	struct workspace ws;
	struct build_result res;
	struct build_options bo;
	char *name, *dir;
	const struct option options[] = {
		OPT_STRING(0, "root", &sa.root, "dir", "build from the artifacts under <dir>"),
		OPT_STRING(0, "rev", &sa.rev, "commit", "build from <commit> instead of the work tree"),
		OPT_STRING(0, "workspace", &ws_opt, "name", "the workspace the templates are for"),
		OPT_STRING(0, "out", &out_dir, "dir", "write <dir>/<workspace>/ (default: .)"),
		OPT_STRING(0, "studio", &studio, "era", "reproduce Studio 'current' (default) or '2022'"),
		OPT_BOOL(0, "publish", &publish, "commit the templates to the publish branch"),
		OPT_STRING(0, "branch", &branch_opt, "name", "publish to <name>"),
		OPT__QUIET(&quiet),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, build_usage, "git-synapse-build");
	if (argc)
		usage_msg_opt("too many arguments", build_usage, options);
	if ((mode = build_studio_parse(studio)) < 0)
		usage_msg_opt("--studio must be 'current' or '2022'", build_usage, options);
	if (branch_opt && !publish)
		usage_msg_opt("--branch needs --publish", build_usage, options);
	if (publish && !sa.rev)
		sa.rev = "HEAD"; /* Publish publishes commits, never the work tree */

	source_setup_open_or_die(&setup, &sa,
				 "use '--root <dir>' to build from a folder outside a repository");
	if (publish && !setup.src.repo)
		die("--publish needs a repository");
	source_setup_require_roots(&setup);
	if (setup.roots_nr > 1) {
		error("several artifact roots in '%s': '%s' and '%s'", setup.src.label,
		      *setup.roots[0] ? setup.roots[0] : ".", setup.roots[1]);
		hint("choose one with '--root <dir>' or 'synapse.root'");
		source_setup_release(&setup);
		exit(EXIT_FATAL);
	}
	name = workspace_name(&setup.config, ws_opt);
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		die("'%s' is not a valid workspace name", name);

	if (workspace_open(&ws, &setup.src, setup.roots[0]) < 0)
		die("cannot list '%s': %s", setup.src.label, last_error());
	bo.workspace_name = name;
	bo.studio = (enum build_studio)mode;
	build_result_init(&res);
	if (build_workspace(&ws, &bo, &res) < 0)
		die("%s", last_error());
	for (size_t i = 0; i < res.warnings_nr; i++)
		warning("%s", res.warnings[i]);

	if (!publish || out_dir) {
		dir = xstrfmt("%s/%s", out_dir ? out_dir : ".", name);
		if (mkdir_p(dir) < 0)
			die_errno("cannot create '%s'", dir);
		write_file(dir, "TemplateForWorkspace.json", &res.template_json);
		write_file(dir, "TemplateParametersForWorkspace.json", &res.parameters_json);
		if (!quiet)
			fprintf(stderr, "wrote '%s/': %zu resources, %zu parameters\n", dir,
				res.resources, res.parameters);
		free(dir);
	}
	if (publish) {
		char *branch = branch_opt ? xstrdup(branch_opt)
					  : publish_branch_name(&ws, &setup.config);
		struct publish_request req;
		enum publish_outcome outcome;
		git_oid commit;
		char hex[GIT_OID_HEXSZ + 1];

		if (!branch)
			die("%s", last_error());
		req.branch = branch;
		req.workspace_name = name;
		req.template_json = &res.template_json;
		req.parameters_json = &res.parameters_json;
		req.source = git_commit_id(setup.src.commit);
		if (publish_commit(setup.src.repo, &req, &outcome, &commit) < 0)
			die("cannot publish to '%s': %s", branch, last_error());
		git_oid_tostr(hex, sizeof(hex), &commit);
		if (!quiet) {
			if (outcome == PUBLISH_UP_TO_DATE)
				fprintf(stderr, "'%s' is up to date (%.12s)\n", branch, hex);
			else
				fprintf(stderr, "%s '%s' at %.12s for %s\n",
					outcome == PUBLISH_CREATED ? "created" : "updated",
					branch, hex, setup.src.label);
		}
		free(branch);
	}
	build_result_release(&res);
	workspace_release(&ws);
	free(name);
	source_setup_release(&setup);
	return 0;
}
