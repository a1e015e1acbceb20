#include "config.h"
#include "strbuf.h"
#include "usage.h"

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

int config_foreach_match(const struct config *c, const char *regexp,
			 int (*fn)(const char *name, const char *value, void *data), void *data)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int ret = 0;

	if (!c || !c->cfg)
		return 0;
	if (git_config_iterator_glob_new(&it, c->cfg, regexp) < 0) {
		git_error_clear();
		return 0;
	}
	while (!ret && git_config_next(&e, it) == 0)
		ret = fn(e->name, e->value, data);
	git_config_iterator_free(it);
	git_error_clear();
	return ret;
}
