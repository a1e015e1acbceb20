#ifndef SOURCE_H
#define SOURCE_H

#include <git2.h>
#include "strbuf.h"

/*
 * Where artifacts are read from: the work tree, the index that git is
 * about to commit (honouring GIT_INDEX_FILE, as hooks run with a
 * temporary index during "git commit -a"), any commit without checkout,
 * or a plain directory outside any repository.
 */
enum source_kind {
	SOURCE_WORKTREE,
	SOURCE_INDEX,
	SOURCE_COMMIT,
	SOURCE_DIR,
};

struct source {
	enum source_kind kind;
	git_repository *repo;   /* NULL for SOURCE_DIR */
	git_index *index;       /* SOURCE_INDEX */
	git_commit *commit;     /* SOURCE_COMMIT */
	git_tree *tree;         /* SOURCE_COMMIT */
	char *dir;              /* top directory: work tree or --root dir, with '/' */
	char *label;            /* "index", "work tree", abbreviated commit id, dir */
};
#define SOURCE_INIT { SOURCE_WORKTREE, NULL, NULL, NULL, NULL, NULL, NULL }

/*
 * Open the repository from the environment (GIT_DIR, GIT_WORK_TREE,
 * GIT_INDEX_FILE, the current directory). Returns 0, or -1 with
 * last_error() set. Not finding a repository is GIT_ENOTFOUND.
 */
int repo_open(git_repository **out);

/* Open a source. rev is used with SOURCE_COMMIT, dir with SOURCE_DIR. */
int source_open(struct source *s, enum source_kind kind, const char *rev, const char *dir);

/* Open a source for an already opened repository (takes no ownership). */
int source_open_repo(struct source *s, git_repository *repo, enum source_kind kind,
		     const char *rev);

void source_release(struct source *s);

enum source_entry_kind {
	SENTRY_FILE,
	SENTRY_DIR,      /* only reported for empty or unreadable directories */
	SENTRY_SYMLINK,  /* a link that is not followed (loop, outside, in Git) */
	SENTRY_OTHER,    /* a device, FIFO, submodule... */
};

struct source_entry {
	const char *path;        /* relative to the source's top, '/'-separated */
	enum source_entry_kind kind;
	git_oid oid;             /* blob id (repository sources; zero for dirs) */
	int has_oid;
	/*
	 * Folders: the entry's directory, open while the callback runs, and
	 * the name in it, so that reading does not walk the path again.
	 */
	int dirfd;               /* -1: none */
	const char *name;
};
#define SOURCE_ENTRY_INIT { NULL, SENTRY_FILE, { { 0 } }, 0, -1, NULL }

/*
 * Call fn for every entry under prefix ("" for all; "workspace/" for a
 * sub-folder), in byte order of the path. Stops when fn returns non-zero
 * and returns that value.
 */
int source_walk(struct source *s, const char *prefix,
		int (*fn)(const struct source_entry *e, void *data), void *data);

/* Read a file's bytes. Returns 0, or -1 with last_error() set. */
int source_read(struct source *s, const struct source_entry *e, struct strbuf *out);
int source_read_path(struct source *s, const char *path, struct strbuf *out);

/*
 * The paths that the index changes relative to HEAD (for --staged lint
 * and scan); all indexed paths when there is no HEAD yet. fn is called
 * once per added or modified path under prefix.
 */
int source_staged_paths(struct source *s, const char *prefix,
			int (*fn)(const char *path, void *data), void *data);

#endif
