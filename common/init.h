#ifndef INIT_H
#define INIT_H

#include <git2.h>
#include "strbuf.h"

/*
 * What "git synapse init" does: write .synapseconfig when missing and
 * install the hook shims where git looks for hooks, chaining a hook that
 * was there before and restoring it on uninstall. The library returns
 * what it did as lines in "done"; the command prints them.
 */
#define INIT_SHIM_MARKER "# git-synapse hook shim"
#define INIT_CHAINED_SUFFIX ".synapse-chained"

/* The hooks installed in a repository with a work tree, and in a bare one. */
extern const char *const init_client_hooks[];
extern const char *const init_server_hooks[];

/* The shim that runs "git synapse hook <name>" (what hooks/<name> holds). */
void init_shim_text(struct strbuf *out, const char *name);

/*
 * The directory git runs hooks from, as "git rev-parse --git-path hooks"
 * says (core.hooksPath honoured), created when missing. Returns 0 or -1.
 */
int init_hooks_dir(struct strbuf *out);

/*
 * Install one hook. Returns 0 (done, or already there), 1 when an
 * existing hook is left alone because what it is cannot be told without
 * --force (last_error() says why), or -1 on an error.
 */
int init_install_hook(const char *dir, const char *name, int force, struct strbuf *done);

/* Remove our shim and put back the hook it chained. 0, or -1. */
int init_uninstall_hook(const char *dir, const char *name, struct strbuf *done);

/* Write <top>/.synapseconfig unless it exists. 0, or -1. */
int init_write_config(git_repository *repo, struct strbuf *done);

#endif
