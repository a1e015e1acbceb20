#ifndef CONFIG_H
#define CONFIG_H

#include <git2.h>

/*
 * Configuration: ".synapseconfig" at the top of the work tree (or the
 * --root directory), in git-config syntax, overridden by git's own
 * configuration (repository, global, system), read through libgit2.
 * Keys are "section.subsection.name" as git spells them.
 */
struct config {
	git_config *cfg;
};
#define CONFIG_INIT { NULL }

/*
 * repo may be NULL (a plain directory). synapseconfig is the path of the
 * committed file, or NULL to use "<workdir>/.synapseconfig" when there is
 * a work tree. A missing file is not an error.
 */
int config_load(struct config *c, git_repository *repo, const char *synapseconfig);

/* Like config_load, with the .synapseconfig text taken from a buffer. */
int config_load_buffer(struct config *c, git_repository *repo, const char *buf, size_t len);

void config_release(struct config *c);

/* Getters: return the default when unset; a malformed value is an error (-1). */
char *config_get_string(const struct config *c, const char *key); /* malloc'd or NULL */
int config_get_bool(const struct config *c, const char *key, int def);
int config_get_int(const struct config *c, const char *key, int def);

/* Every value of a multi-valued key, in order, calling fn; stops on fn's non-zero. */
int config_get_all(const struct config *c, const char *key,
		   int (*fn)(const char *value, void *data), void *data);

/*
 * Every entry whose name matches a regular expression (PCRE2, caseless:
 * names are lowercase but for the subsection), or every entry when regexp
 * is NULL, calling fn; stops on fn's non-zero.
 */
int config_foreach_match(const struct config *c, const char *regexp,
			 int (*fn)(const char *name, const char *value, void *data), void *data);

#endif
