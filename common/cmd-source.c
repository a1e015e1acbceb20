#include "cmd-source.h"
#include "strbuf.h"
#include "usage.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int source_setup_open(struct source_setup *s, const struct source_args *args)
{
	char *root = NULL;
	int ret;

	memset(s, 0, sizeof(*s));
	if (args->root && !args->staged && !args->rev) {
		char *cfgpath;

		if (source_open(&s->src, SOURCE_DIR, NULL, args->root))
			return -1;
		cfgpath = xstrfmt("%s.synapseconfig", s->src.dir);
		ret = config_load(&s->config, NULL, cfgpath);
		free(cfgpath);
		if (ret)
			return -1;
		/* <dir> is the artifact root, or holds the roots further down */
		ret = workspace_find_roots(&s->src, &s->roots);
		if (ret < 0)
			return -1;
		s->roots_nr = (size_t)ret;
		return 0;
	}
	ret = source_open(&s->src, args->staged ? SOURCE_INDEX : args->rev ? SOURCE_COMMIT
					       : SOURCE_WORKTREE, args->rev, NULL);
	if (ret)
		return -1;
	if (config_load(&s->config, s->src.repo, NULL))
		return -1;
	if (args->root) {
		char *rel = source_setup_relative(s, args->root);

		if (!rel)
			return -1;
		root = rel;
	} else {
		root = config_get_string(&s->config, "synapse.root");
	}
	if (root) {
		size_t n = strlen(root);

		while (n && root[n - 1] == '/')
			root[--n] = '\0';
		s->roots = xcalloc(2, sizeof(char *));
		s->roots[0] = (n && strcmp(root, ".")) ? xstrfmt("%s/", root) : xstrdup("");
		s->roots_nr = 1;
		free(root);
		return 0;
	}
	ret = workspace_find_roots(&s->src, &s->roots);
	if (ret < 0)
		return -1;
	s->roots_nr = (size_t)ret;
	return 0;
}

void source_setup_release(struct source_setup *s)
{
	for (size_t i = 0; s->roots && s->roots[i]; i++)
		free(s->roots[i]);
	free(s->roots);
	config_release(&s->config);
	source_release(&s->src);
	memset(s, 0, sizeof(*s));
}

/* Normalise "a/./b/../c" to "a/c"; returns 0, or -1 when it climbs above the top. */
static int normalize(struct strbuf *path)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = path->buf;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash;

			if (!out.len) {
				strbuf_release(&out);
				return -1;
			}
			slash = strrchr(out.buf, '/');
			strbuf_setlen(&out, slash ? (size_t)(slash - out.buf) : 0);
		} else {
			if (out.len)
				strbuf_addch(&out, '/');
			strbuf_add(&out, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	strbuf_release(path);
	*path = out;
	return 0;
}

char *source_setup_relative(const struct source_setup *s, const char *arg)
{
	char cwd[PATH_MAX], top[PATH_MAX];
	struct strbuf abs = STRBUF_INIT;
	size_t tl;

	if (!getcwd(cwd, sizeof(cwd)) || !s->src.dir || !realpath(s->src.dir, top)) {
		set_error("cannot find the current directory: %s", strerror(errno));
		return NULL;
	}
	if (arg[0] == '/')
		strbuf_addstr(&abs, arg);
	else
		strbuf_addf(&abs, "%s/%s", cwd, arg);
	if (normalize(&abs) < 0) {
		strbuf_release(&abs);
		set_error("'%s' is outside the repository", arg);
		return NULL;
	}
	tl = strlen(top);
	/* normalize() dropped the leading '/' */
	if (tl == 1) {
		return strbuf_detach(&abs, NULL);
	}
	if (strncmp(abs.buf, top + 1, tl - 1) ||
	    (abs.buf[tl - 1] != '\0' && abs.buf[tl - 1] != '/')) {
		set_error("'%s' is outside '%s'", arg, s->src.label ? s->src.label : top);
		strbuf_release(&abs);
		return NULL;
	}
	{
		const char *rest = abs.buf + tl - 1;
		char *ret;

		while (*rest == '/')
			rest++;
		ret = xstrdup(rest);
		strbuf_release(&abs);
		return ret;
	}
}

int want_color(const struct config *c, int fd)
{
	char *ui;
	int ret;

	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		return 0;
	ui = config_get_string(c, "color.ui");
	if (ui && (!strcmp(ui, "false") || !strcmp(ui, "never") || !strcmp(ui, "0")))
		ret = 0;
	else if (ui && !strcmp(ui, "always"))
		ret = 1;
	else
		ret = isatty(fd);
	free(ui);
	return ret;
}

int path_is_wanted(const char *path, char *const *want, size_t want_nr)
{
	if (!want_nr)
		return 1;
	for (size_t i = 0; i < want_nr; i++) {
		size_t n = strlen(want[i]);

		if (!n || (!strncmp(path, want[i], n) && (!path[n] || path[n] == '/')))
			return 1;
	}
	return 0;
}

void source_setup_open_or_die(struct source_setup *s, const struct source_args *args,
			      const char *outside_hint)
{
	if (source_setup_open(s, args) < 0) {
		if (!args->root && !getenv("GIT_DIR")) {
			error("%s", last_error());
			hint("%s", outside_hint);
			exit(EXIT_FATAL);
		}
		die("%s", last_error());
	}
}

void source_setup_require_roots(struct source_setup *s)
{
	if (s->roots_nr)
		return;
	error("no Synapse artifacts found in '%s'", s->src.label);
	hint("set the artifact folder with 'git config -f .synapseconfig synapse.root <dir>'");
	hint("or pass '--root <dir>'");
	source_setup_release(s);
	exit(EXIT_FATAL);
}
