#include "config.h"
#include "strbuf.h"
#include "usage.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int add_file(git_config *cfg, const char *path, git_config_level_t level,
		    git_repository *repo)
{
	if (access(path, R_OK))
		return 0;
	if (git_config_add_file_ondisk(cfg, path, level, repo, 0) < 0) {
		const git_error *e = git_error_last();

		return set_error("cannot read configuration '%s': %s", path,
				 e ? e->message : "unknown error");
	}
	return 0;
}

/*
 * Parse git's GIT_CONFIG_PARAMETERS ("git -c key=value synapse ..."):
 * shell-quoted 'key'='value' or 'key=value' words, separated by spaces.
 * Appends them to sb in config-file syntax. Returns the count, -1 if bad.
 */
static int sq_word(const char **p, struct strbuf *out)
{
	const char *s = *p;

	strbuf_reset(out);
	if (*s != '\'')
		return -1;
	for (;;) {
		s++;
		while (*s && *s != '\'')
			strbuf_addch(out, *s++);
		if (!*s)
			return -1;
		s++; /* closing quote */
		if (s[0] == '\\' && s[1] == '\'' && s[2] == '\'') {
			strbuf_addch(out, '\'');
			s += 2; /* continue inside the next quoted run */
			continue;
		}
		break;
	}
	*p = s;
	return 0;
}

static void add_entry(struct strbuf *sb, const char *key, const char *value)
{
	const char *dot = strchr(key, '.'), *last = strrchr(key, '.');

	if (!dot)
		return;
	strbuf_addf(sb, "[%.*s", (int)(dot - key), key);
	if (last != dot) {
		strbuf_addstr(sb, " \"");
		for (const char *c = dot + 1; c < last; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_addch(sb, '\\');
			strbuf_addch(sb, *c);
		}
		strbuf_addch(sb, '"');
	}
	strbuf_addf(sb, "]\n\t%s", last + 1);
	if (value) {
		strbuf_addstr(sb, " = \"");
		for (const char *c = value; *c; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_addch(sb, '\\');
			if (*c == '\n') {
				strbuf_addstr(sb, "\\n");
				continue;
			}
			strbuf_addch(sb, *c);
		}
		strbuf_addch(sb, '"');
	}
	strbuf_addch(sb, '\n');
}

static int parse_parameters(const char *env, struct strbuf *sb)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	int n = 0;

	while (*env) {
		while (*env == ' ')
			env++;
		if (!*env)
			break;
		if (sq_word(&env, &key) < 0)
			goto bad;
		if (*env == '=') {
			env++;
			if (sq_word(&env, &val) < 0)
				goto bad;
			add_entry(sb, key.buf, val.buf);
		} else {
			char *eq = strchr(key.buf, '=');

			if (eq) {
				*eq = '\0';
				add_entry(sb, key.buf, eq + 1);
			} else {
				add_entry(sb, key.buf, NULL);
			}
		}
		n++;
	}
	strbuf_release(&key);
	strbuf_release(&val);
	return n;
bad:
	strbuf_release(&key);
	strbuf_release(&val);
	return -1;
}

static int add_parameters(git_config *cfg, git_repository *repo)
{
	const char *env = getenv("GIT_CONFIG_PARAMETERS");
	struct strbuf sb = STRBUF_INIT;
	char tmpl[] = "/tmp/synapse-params.XXXXXX";
	int fd, ret = 0;

	if (!env || !*env)
		return 0;
	if (parse_parameters(env, &sb) <= 0) {
		strbuf_release(&sb);
		return 0;
	}
	fd = mkstemp(tmpl);
	if (fd < 0) {
		strbuf_release(&sb);
		return set_error("cannot create a temporary file for configuration");
	}
	if (write(fd, sb.buf, sb.len) != (ssize_t)sb.len)
		ret = set_error("cannot write a temporary file for configuration");
	close(fd);
	if (!ret)
		ret = add_file(cfg, tmpl, GIT_CONFIG_LEVEL_APP, repo);
	unlink(tmpl);
	strbuf_release(&sb);
	return ret;
}

/*
 * Levels, lowest first: .synapseconfig, then git's system, XDG, global
 * and repository files, so that any git configuration overrides the
 * committed defaults, as with .gitmodules and .lfsconfig.
 */
static int load(struct config *c, git_repository *repo, const char *synapseconfig)
{
	git_buf buf = GIT_BUF_INIT;
	int ret = -1;

	config_release(c);
	if (git_config_new(&c->cfg) < 0)
		return set_error("cannot create configuration");
	if (synapseconfig && add_file(c->cfg, synapseconfig, GIT_CONFIG_LEVEL_PROGRAMDATA, repo))
		goto cleanup;
	if (!getenv("GIT_CONFIG_NOSYSTEM") && !git_config_find_system(&buf)) {
		if (add_file(c->cfg, buf.ptr, GIT_CONFIG_LEVEL_SYSTEM, repo))
			goto cleanup;
	}
	git_buf_dispose(&buf);
	if (!git_config_find_xdg(&buf) && add_file(c->cfg, buf.ptr, GIT_CONFIG_LEVEL_XDG, repo))
		goto cleanup;
	git_buf_dispose(&buf);
	if (!git_config_find_global(&buf) && add_file(c->cfg, buf.ptr, GIT_CONFIG_LEVEL_GLOBAL, repo))
		goto cleanup;
	git_buf_dispose(&buf);
	if (repo) {
		char *local = xstrfmt("%sconfig", git_repository_commondir(repo));

		ret = add_file(c->cfg, local, GIT_CONFIG_LEVEL_LOCAL, repo);
		free(local);
		if (ret)
			goto cleanup;
	}
	if ((ret = add_parameters(c->cfg, repo)))
		goto cleanup;
	ret = 0;
cleanup:
	git_buf_dispose(&buf);
	if (ret)
		config_release(c);
	return ret;
}

int config_load(struct config *c, git_repository *repo, const char *synapseconfig)
{
	char *path = NULL;
	int ret;

	if (!synapseconfig && repo && git_repository_workdir(repo))
		synapseconfig = path = xstrfmt("%s.synapseconfig", git_repository_workdir(repo));
	ret = load(c, repo, synapseconfig);
	free(path);
	return ret;
}

int config_load_buffer(struct config *c, git_repository *repo, const char *buf, size_t len)
{
	char tmpl[] = "/tmp/synapseconfig.XXXXXX";
	int fd = mkstemp(tmpl), ret;

	if (fd < 0)
		return set_error("cannot create a temporary file for configuration");
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		unlink(tmpl);
		return set_error("cannot write a temporary file for configuration");
	}
	close(fd);
	ret = load(c, repo, tmpl);
	if (!ret) {
		/* read everything now, so the file can go */
		git_config *snap;

		if (git_config_snapshot(&snap, c->cfg) < 0) {
			ret = set_error("cannot read configuration");
		} else {
			git_config_free(c->cfg);
			c->cfg = snap;
		}
	}
	unlink(tmpl);
	return ret;
}

void config_release(struct config *c)
{
	if (c->cfg)
		git_config_free(c->cfg);
	c->cfg = NULL;
}

char *config_get_string(const struct config *c, const char *key)
{
	git_buf buf = GIT_BUF_INIT;
	char *ret;

	if (!c || !c->cfg || git_config_get_string_buf(&buf, c->cfg, key) < 0) {
		git_error_clear();
		return NULL;
	}
	ret = xstrdup(buf.ptr);
	git_buf_dispose(&buf);
	return ret;
}

int config_get_bool(const struct config *c, const char *key, int def)
{
	int v;
	int err;

	if (!c || !c->cfg)
		return def;
	err = git_config_get_bool(&v, c->cfg, key);
	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return def;
	}
	if (err < 0) {
		git_error_clear();
		return set_error("bad boolean config value for '%s'", key);
	}
	return v;
}

int config_get_int(const struct config *c, const char *key, int def)
{
	int32_t v;
	int err;

	if (!c || !c->cfg)
		return def;
	err = git_config_get_int32(&v, c->cfg, key);
	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return def;
	}
	if (err < 0) {
		git_error_clear();
		set_error("bad numeric config value for '%s'", key);
		return def;
	}
	return v;
}

int config_get_all(const struct config *c, const char *key,
		   int (*fn)(const char *value, void *data), void *data)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int ret = 0;

	if (!c || !c->cfg)
		return 0;
	if (git_config_multivar_iterator_new(&it, c->cfg, key, NULL) < 0) {
		git_error_clear();
		return 0;
	}
	while (!ret && git_config_next(&e, it) == 0)
		ret = fn(e->value, data);
	git_config_iterator_free(it);
	git_error_clear();
	return ret;
}

/*
 * The names are matched here, with PCRE2, rather than by libgit2's glob
 * iterator: the one in Debian's libgit2 1.5 leaks its compiled pattern.
 */
int config_foreach_match(const struct config *c, const char *regexp,
			 int (*fn)(const char *name, const char *value, void *data), void *data)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	pcre2_code *re = NULL;
	pcre2_match_data *md = NULL;
	int ret = 0;

	if (!c || !c->cfg)
		return 0;
	if (regexp) {
		int errcode;
		PCRE2_SIZE erroff;

		re = pcre2_compile((PCRE2_SPTR)regexp, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS,
				   &errcode, &erroff, NULL);
		if (!re)
			BUG("bad configuration pattern '%s'", regexp);
		md = pcre2_match_data_create_from_pattern(re, NULL);
	}
	if (git_config_iterator_new(&it, c->cfg) < 0) {
		git_error_clear();
		goto out;
	}
	while (!ret && git_config_next(&e, it) == 0)
		if (!re || pcre2_match(re, (PCRE2_SPTR)e->name, PCRE2_ZERO_TERMINATED, 0, 0,
				       md, NULL) >= 0)
			ret = fn(e->name, e->value, data);
	git_config_iterator_free(it);
	git_error_clear();
out:
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return ret;
}
