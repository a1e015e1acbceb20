/*
 * git synapse lint: check artifacts before Synapse sees them.
 */
#include "cmd-source.h"
#include "findings.h"
#include "lint.h"
#include "parse-options.h"
#include "usage.h"
#include "workspace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const lint_usage[] = {
	"git synapse lint [--root <dir>] [--staged | --rev <commit>] [--format=text|json|sarif] [--strict] [<path>...]",
	NULL
};

struct path_filter {
	char **paths;    /* relative to the source top */
	size_t nr, alloc;
	char **want;     /* the command-line paths, relative to the source top */
	size_t want_nr, want_alloc;
};

static int path_wanted(const struct path_filter *pf, const char *path)
{
	return path_is_wanted(path, pf->want, pf->want_nr);
}

static void filter_add(struct path_filter *pf, const char *path)
{
	ALLOC_GROW(pf->paths, pf->nr + 1, pf->alloc);
	pf->paths[pf->nr++] = xstrdup(path);
}

static int add_staged(const char *path, void *data)
{
	struct path_filter *pf = data;

	if (path_wanted(pf, path))
		filter_add(pf, path);
	return 0;
}

static void filter_release(struct path_filter *pf)
{
	for (size_t i = 0; i < pf->nr; i++)
		free(pf->paths[i]);
	free(pf->paths);
	for (size_t i = 0; i < pf->want_nr; i++)
		free(pf->want[i]);
	free(pf->want);
}

int main(int argc, const char **argv)
{
	struct source_args sa = { NULL, 0, NULL };
	const char *format = "text";
	int strict = 0, quiet = 0, fmt, status = 0;
	struct source_setup setup;
	struct findings findings = FINDINGS_INIT;
	struct path_filter pf = { NULL, 0, 0, NULL, 0, 0 };
	struct findings_output out = { "git-synapse-lint", GIT_SYNAPSE_VERSION, lint_rules,
				       0, 0 };
	const struct option options[] = {
		OPT_STRING(0, "root", &sa.root, "dir", "lint the artifacts under <dir>"),
		OPT_BOOL(0, "staged", &sa.staged, "lint what the index would commit"),
		OPT_STRING(0, "rev", &sa.rev, "commit", "lint the artifacts of <commit>"),
		OPT_STRING(0, "format", &format, "format", "text, json or sarif"),
		OPT_BOOL(0, "strict", &strict, "fail on warnings too"),
		OPT__QUIET(&quiet),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, lint_usage, "git-synapse-lint");
	if ((fmt = output_format_parse(format)) < 0)
		usage_msg_opt("--format must be one of text, json, sarif", lint_usage, options);
	if (sa.staged && sa.rev)
		usage_msg_opt("--staged and --rev cannot be used together", lint_usage, options);

	source_setup_open_or_die(&setup, &sa,
				 "use '--root <dir>' to lint a folder outside a repository");
	source_setup_require_roots(&setup);
	for (int i = 0; i < argc; i++) {
		char *rel = source_setup_relative(&setup, argv[i]);

		if (!rel)
			die("%s", last_error());
		ALLOC_GROW(pf.want, pf.want_nr + 1, pf.want_alloc);
		pf.want[pf.want_nr++] = rel;
	}

	for (size_t r = 0; r < setup.roots_nr; r++) {
		struct workspace ws;
		struct lint_options lo = { &setup.config, NULL, 0 };

		if (workspace_open(&ws, &setup.src, setup.roots[r]) < 0)
			die("cannot list '%s%s': %s", setup.src.label, setup.roots[r], last_error());
		for (size_t i = 0; i < pf.nr; i++)
			free(pf.paths[i]);
		pf.nr = 0;
		if (sa.staged) {
			if (source_staged_paths(&setup.src, setup.roots[r], add_staged, &pf) < 0)
				die("%s", last_error());
			if (!pf.nr) {
				workspace_release(&ws);
				continue;
			}
		} else if (pf.want_nr) {
			for (size_t i = 0; i < ws.nr; i++)
				if (path_wanted(&pf, ws.items[i]->path))
					filter_add(&pf, ws.items[i]->path);
			if (ws.tpd && path_wanted(&pf, ws.tpd->path))
				filter_add(&pf, ws.tpd->path);
			if (ws.publish_config && path_wanted(&pf, ws.publish_config->path))
				filter_add(&pf, ws.publish_config->path);
			if (!pf.nr) {
				workspace_release(&ws);
				continue;
			}
		}
		lo.only_paths = (const char *const *)pf.paths;
		lo.only_nr = pf.nr;
		if (lint_workspace(&ws, &lo, &findings) < 0)
			die("%s", last_error());
		workspace_release(&ws);
	}

	/* Paths in findings are relative to the source top; show --root as given. */
	if (setup.src.kind == SOURCE_DIR && strcmp(setup.src.label, ".")) {
		for (size_t i = 0; i < findings.nr; i++) {
			char *p = xstrfmt("%s/%s", setup.src.label, findings.items[i].path);

			free(findings.items[i].path);
			findings.items[i].path = p;
		}
	}
	findings_sort(&findings);
	out.rules_nr = lint_rules_nr;
	out.color = fmt == FORMAT_TEXT && want_color(&setup.config, 1);
	findings_print(stdout, &findings, (enum output_format)fmt, &out);
	fflush(stdout);
	if (fmt == FORMAT_TEXT && !quiet && findings.nr)
		fprintf(stderr, "%zu error(s), %zu warning(s) in %zu file(s)\n",
			findings_count(&findings, SEV_ERROR),
			findings_count(&findings, SEV_WARNING), findings.files);
	if (findings_count(&findings, SEV_ERROR) ||
	    (strict && findings_count(&findings, SEV_WARNING)))
		status = EXIT_FINDINGS;
	findings_release(&findings);
	filter_release(&pf);
	source_setup_release(&setup);
	if (fflush(stdout) || ferror(stdout))
		die_errno("cannot write output");
	return status;
}
