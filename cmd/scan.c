/*
 * git synapse scan: find secrets before they reach the repository.
 */
#include "baseline.h"
#include "cmd-source.h"
#include "config.h"
#include "findings.h"
#include "parse-options.h"
#include "scan.h"
#include "source.h"
#include "strbuf.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const scan_usage[] = {
	"git synapse scan [--root <dir>] [--staged | --rev <range> | --history | --no-index] [--format=text|json|sarif] [--baseline <file>] [--update-baseline] [<path>...]",
	NULL
};

struct scan_job {
	struct scanner *scanner;
	struct source *src;
	struct findings *out;
	char **want;
	size_t want_nr, want_alloc;
	struct strbuf data;
	int err;
};

static int wanted(const struct scan_job *j, const char *path)
{
	return path_is_wanted(path, j->want, j->want_nr);
}

static int scan_entry(const struct source_entry *e, void *data)
{
	struct scan_job *j = data;

	if (e->kind != SENTRY_FILE || !wanted(j, e->path))
		return 0;
	strbuf_reset(&j->data);
	if (source_read(j->src, e, &j->data) < 0) {
		error("%s", last_error());
		j->err = 1;
		return 0;
	}
	scan_buffer(j->scanner, e->path, j->data.buf, j->data.len, NULL, j->out);
	return 0;
}

static void free_finding(struct finding *f)
{
	free(f->path);
	free(f->pointer);
	free(f->message);
	free(f->hint);
	free(f->commit);
	free(f->excerpt);
	free(f->fingerprint);
}

static int scan_staged_path(const char *path, void *data)
{
	struct scan_job *j = data;

	if (!wanted(j, path))
		return 0;
	strbuf_reset(&j->data);
	if (source_read_path(j->src, path, &j->data) < 0)
		return 0; /* removed from the index */
	scan_buffer(j->scanner, path, j->data.buf, j->data.len, NULL, j->out);
	return 0;
}

/* --no-index: files and directories on disk, paths shown as given. */
static int scan_disk_path(struct scan_job *j, const char *arg)
{
	struct stat st;

	if (stat(arg, &st) < 0)
		return error("cannot read '%s': %s", arg, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		struct source src = SOURCE_INIT;
		struct findings part = FINDINGS_INIT;
		struct scan_job sub = { j->scanner, &src, &part, NULL, 0, 0, STRBUF_INIT, 0 };
		int ret;

		if (source_open(&src, SOURCE_DIR, NULL, arg) < 0)
			return error("%s", last_error());
		ret = source_walk(&src, "", scan_entry, &sub);
		for (size_t i = 0; i < part.nr; i++) {
			struct finding *f = &part.items[i];
			char *p = strcmp(arg, ".") ? xstrfmt("%s%s%s", arg,
				arg[strlen(arg) - 1] == '/' ? "" : "/", f->path) : xstrdup(f->path);

			free(f->path);
			f->path = p;
			ALLOC_GROW(j->out->items, j->out->nr + 1, j->out->alloc);
			j->out->items[j->out->nr++] = *f;
		}
		j->out->files += part.files;
		free(part.items);
		strbuf_release(&sub.data);
		source_release(&src);
		if (ret < 0)
			return error("%s", last_error());
		return sub.err ? -1 : 0;
	}
	strbuf_reset(&j->data);
	if (strbuf_read_file(&j->data, arg, (size_t)st.st_size) < 0)
		return error("cannot read '%s': %s", arg, strerror(errno));
	scan_buffer(j->scanner, arg, j->data.buf, j->data.len, NULL, j->out);
	return 0;
}

int main(int argc, const char **argv)
{
	const char *root = NULL, *rev = NULL, *format = "text", *baseline_path = NULL;
	int staged = 0, history = 0, no_index = 0, update = 0, quiet = 0, fmt, status = 0;
	struct source_setup setup;
	struct findings findings = FINDINGS_INIT;
	struct baseline baseline = BASELINE_INIT;
	struct scan_job job;
	struct scanner *scanner;
	struct findings_output out = { "git-synapse-scan", GIT_SYNAPSE_VERSION, NULL, 0, 0 };
	char *cfg_baseline = NULL;
	const struct option options[] = {
		OPT_STRING(0, "root", &root, "dir", "scan the files under <dir>"),
		OPT_BOOL(0, "staged", &staged, "scan what the index would commit"),
		OPT_STRING(0, "rev", &rev, "range", "scan a commit, or the commits of a range"),
		OPT_BOOL(0, "history", &history, "scan every commit reachable from any ref"),
		OPT_BOOL(0, "no-index", &no_index, "scan files on disk, outside any repository"),
		OPT_STRING(0, "format", &format, "format", "text, json or sarif"),
		OPT_STRING(0, "baseline", &baseline_path, "file", "ignore the secrets listed in <file>"),
		OPT_BOOL(0, "update-baseline", &update, "write every secret found to the baseline"),
		OPT__QUIET(&quiet),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, scan_usage, "git-synapse-scan");
	if ((fmt = output_format_parse(format)) < 0)
		usage_msg_opt("--format must be one of text, json, sarif", scan_usage, options);
	if (staged + !!rev + history + no_index > 1)
		usage_msg_opt("--staged, --rev, --history and --no-index cannot be used together",
			      scan_usage, options);
	if (root && (staged || rev || history))
		usage_msg_opt("--root cannot be used with --staged, --rev or --history",
			      scan_usage, options);

	memset(&job, 0, sizeof(job));
	strbuf_init(&job.data, 0);
	job.out = &findings;
	memset(&setup, 0, sizeof(setup));

	git_libgit2_init();
	if (no_index) {
		if (config_load(&setup.config, NULL, NULL) < 0)
			die("%s", last_error());
	} else {
		struct source_args sa = { root, staged, NULL };

		if (rev && !strstr(rev, ".."))
			sa.rev = rev;
		if ((rev && strstr(rev, "..")) || history)
			sa.rev = NULL;
		source_setup_open_or_die(&setup, &sa, "use '--no-index <path>...' or "
					 "'--root <dir>' outside a repository");
	}

	scanner = scanner_new(&setup.config);
	if (!scanner)
		die("%s", last_error());
	cfg_baseline = config_get_string(&setup.config, "scan.baseline");
	if (!baseline_path && cfg_baseline) {
		if (cfg_baseline[0] != '/' && setup.src.dir)
			baseline_path = xstrfmt("%s%s", setup.src.dir, cfg_baseline);
		else
			baseline_path = xstrdup(cfg_baseline);
	} else if (baseline_path) {
		baseline_path = xstrdup(baseline_path);
	}
	if (update && !baseline_path)
		baseline_path = setup.src.dir ? xstrfmt("%s.synapse-baseline", setup.src.dir)
					      : xstrdup(".synapse-baseline");
	if (baseline_path && !update) {
		if (baseline_read(&baseline, baseline_path, 0) < 0)
			die("%s", last_error());
		scanner_set_baseline(scanner, &baseline);
	}
	job.scanner = scanner;
	job.src = &setup.src;

	if (no_index) {
		if (!argc)
			usage_msg_opt("--no-index needs a <path>", scan_usage, options);
		for (int i = 0; i < argc; i++)
			if (scan_disk_path(&job, argv[i]) < 0)
				job.err = 1;
	} else {
		for (int i = 0; i < argc; i++) {
			char *rel = source_setup_relative(&setup, argv[i]);

			if (!rel)
				die("%s", last_error());
			ALLOC_GROW(job.want, job.want_nr + 1, job.want_alloc);
			job.want[job.want_nr++] = rel;
		}
		if (history || (rev && strstr(rev, ".."))) {
			struct scan_history_opts ho;
			const char *tips[2] = { NULL, NULL }, *hide[2] = { NULL, NULL };
			char *a = NULL, *b = NULL;

			memset(&ho, 0, sizeof(ho));
			if (history) {
				ho.all_refs = 1;
			} else {
				const char *dots = strstr(rev, "..");

				a = xstrndup(rev, (size_t)(dots - rev));
				b = xstrdup(dots[2] == '.' ? dots + 3 : dots + 2);
				tips[0] = *b ? b : "HEAD";
				hide[0] = *a ? a : "HEAD";
				ho.tips = tips;
				ho.hide = hide;
			}
			ho.prefix = job.want_nr == 1 ? job.want[0] : NULL;
			if (scan_history(scanner, setup.src.repo, &ho, &findings) < 0)
				die("%s", last_error());
			free(a);
			free(b);
			if (job.want_nr > 1) {
				size_t k = 0;

				for (size_t i = 0; i < findings.nr; i++) {
					if (wanted(&job, findings.items[i].path)) {
						findings.items[k++] = findings.items[i];
					} else {
						free_finding(&findings.items[i]);
					}
				}
				findings.nr = k;
			}
		} else if (staged) {
			if (source_staged_paths(&setup.src, "", scan_staged_path, &job) < 0)
				die("%s", last_error());
		} else {
			if (source_walk(&setup.src, "", scan_entry, &job) < 0)
				die("%s", last_error());
		}
		/* paths are relative to the source top; show --root as given */
		if (setup.src.kind == SOURCE_DIR && strcmp(setup.src.label, ".")) {
			for (size_t i = 0; i < findings.nr; i++) {
				char *p = xstrfmt("%s/%s", setup.src.label, findings.items[i].path);

				free(findings.items[i].path);
				findings.items[i].path = p;
			}
		}
	}

	findings_sort(&findings);
	if (update) {
		if (baseline_write_findings(baseline_path, &findings) < 0)
			die("%s", last_error());
		if (!quiet)
			fprintf(stderr, "wrote %zu fingerprint(s) to '%s'\n", findings.nr, baseline_path);
	} else {
		out.rules = scanner_rules(scanner, &out.rules_nr);
		out.color = fmt == FORMAT_TEXT && want_color(&setup.config, 1);
		findings_print(stdout, &findings, (enum output_format)fmt, &out);
		fflush(stdout);
		if (findings.nr) {
			status = EXIT_FINDINGS;
			if (fmt == FORMAT_TEXT && !quiet) {
				fprintf(stderr, "%zu secret(s) in %zu file(s) scanned\n", findings.nr,
					findings.files);
				hint("move each secret to Azure Key Vault and reference it (AzureKeyVaultSecret)");
				hint("then rotate it: it may already have been copied");
				hint("not a secret? mark the line with '" SCAN_ALLOW_MARKER
				     "', or accept it with 'git synapse scan --update-baseline'");
			}
		}
	}
	if (job.err && !status)
		status = EXIT_FATAL;
	findings_release(&findings);
	baseline_release(&baseline);
	for (size_t i = 0; i < job.want_nr; i++)
		free(job.want[i]);
	free(job.want);
	strbuf_release(&job.data);
	scanner_free(scanner);
	free(cfg_baseline);
	free((char *)baseline_path);
	if (no_index)
		config_release(&setup.config);
	else
		source_setup_release(&setup);
	git_libgit2_shutdown();
	if (fflush(stdout) || ferror(stdout))
		die_errno("cannot write output");
	return status;
}
