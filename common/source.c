#include "source.h"
#include "usage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int git_fail(const char *what)
{
	const git_error *e = git_error_last();
	int ret = set_error("%s: %s", what, e && e->message ? e->message : "unknown error");

	git_error_clear();
	return ret;
}

static int libgit2_ready;

int repo_open(git_repository **out)
{
	int err;

	if (!libgit2_ready++)
		git_libgit2_init();
	*out = NULL;
	if (getenv("GIT_WORK_TREE") && *getenv("GIT_WORK_TREE")) {
		/*
		 * libgit2 1.5 refuses GIT_WORK_TREE in its environment mode: open
		 * GIT_DIR (or discover from here) and set the work tree ourselves.
		 */
		const char *gitdir = getenv("GIT_DIR");

		err = git_repository_open_ext(out, gitdir && *gitdir ? gitdir : ".",
					      gitdir && *gitdir ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0,
					      NULL);
		if (!err && git_repository_set_workdir(*out, getenv("GIT_WORK_TREE"), 0) < 0) {
			git_repository_free(*out);
			*out = NULL;
			return git_fail("cannot use GIT_WORK_TREE");
		}
	} else {
		err = git_repository_open_ext(out, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	}
	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		set_error("not a git repository (or any of the parent directories)");
		return GIT_ENOTFOUND;
	}
	if (err < 0)
		return git_fail("cannot open the repository");
	return 0;
}

static void free_repo_parts(struct source *s)
{
	if (s->index)
		git_index_free(s->index);
	if (s->tree)
		git_tree_free(s->tree);
	if (s->commit)
		git_commit_free(s->commit);
	s->index = NULL;
	s->tree = NULL;
	s->commit = NULL;
}

int source_open_repo(struct source *s, git_repository *repo, enum source_kind kind,
		     const char *rev)
{
	const char *workdir = git_repository_workdir(repo);

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->repo = repo;
	if (workdir)
		s->dir = xstrdup(workdir);
	switch (kind) {
	case SOURCE_WORKTREE:
		if (!workdir)
			return set_error("this operation must be run in a work tree");
		s->label = xstrdup("work tree");
		return 0;
	case SOURCE_INDEX: {
		const char *file = getenv("GIT_INDEX_FILE");

		if (file && *file) {
			if (git_index_open(&s->index, file) < 0)
				return git_fail("cannot read the index");
		} else if (git_repository_index(&s->index, repo) < 0) {
			return git_fail("cannot read the index");
		}
		s->label = xstrdup("index");
		return 0;
	}
	case SOURCE_COMMIT: {
		git_object *obj = NULL;
		char hex[GIT_OID_HEXSZ + 1];

		if (git_revparse_single(&obj, repo, rev ? rev : "HEAD") < 0) {
			git_error_clear();
			return set_error("bad revision '%s'", rev ? rev : "HEAD");
		}
		if (git_object_peel((git_object **)&s->commit, obj, GIT_OBJECT_COMMIT) < 0) {
			git_object_free(obj);
			git_error_clear();
			return set_error("'%s' is not a commit", rev ? rev : "HEAD");
		}
		git_object_free(obj);
		if (git_commit_tree(&s->tree, s->commit) < 0)
			return git_fail("cannot read the commit's tree");
		git_oid_tostr(hex, sizeof(hex), git_commit_id(s->commit));
		s->label = xstrfmt("%.12s", hex);
		return 0;
	}
	case SOURCE_DIR:
		break;
	}
	return set_error("bad source kind");
}

int source_open(struct source *s, enum source_kind kind, const char *rev, const char *dir)
{
	git_repository *repo = NULL;
	int err;

	memset(s, 0, sizeof(*s));
	if (!libgit2_ready++)
		git_libgit2_init();
	if (kind == SOURCE_DIR) {
		struct stat st;
		size_t n;

		if (stat(dir, &st))
			return set_error("cannot open '%s': %s", dir, strerror(errno));
		if (!S_ISDIR(st.st_mode))
			return set_error("'%s' is not a directory", dir);
		s->kind = SOURCE_DIR;
		n = strlen(dir);
		while (n > 1 && dir[n - 1] == '/')
			n--;
		s->dir = xstrfmt("%.*s/", (int)n, dir);
		s->label = xstrndup(dir, n);
		return 0;
	}
	if ((err = repo_open(&repo)))
		return err;
	err = source_open_repo(s, repo, kind, rev);
	if (err) {
		free_repo_parts(s);
		free(s->dir);
		free(s->label);
		git_repository_free(repo);
		memset(s, 0, sizeof(*s));
		return err;
	}
	return 0;
}

void source_release(struct source *s)
{
	free_repo_parts(s);
	if (s->repo && s->kind != SOURCE_DIR)
		git_repository_free(s->repo);
	free(s->dir);
	free(s->label);
	memset(s, 0, sizeof(*s));
}

/* --- walking --- */

struct path_list {
	struct source_entry *items;
	char **paths;
	size_t nr, alloc;
};

struct dent {
	char *name;
	unsigned char type;     /* d_type: DT_UNKNOWN when the file system does not say */
};

static int dent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name, ((const struct dent *)b)->name);
}

static int has_json_ext(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && !strcasecmp(name + n - 5, ".json");
}

/*
 * In a work tree, what git ignores and does not track is not part of the
 * workspace (scratch files, exports, .env): path is relative to the top,
 * a directory's with a trailing '/'.
 */
static int ignored_untracked(git_repository *repo, const char *path)
{
	int ignored = 0, tracked = 0;
	git_index *index;
	size_t pos;

	if (!repo || git_ignore_path_is_ignored(&ignored, repo, path) < 0 || !ignored) {
		git_error_clear();
		return 0;
	}
	if (git_repository_index(&index, repo) == 0) {
		tracked = git_index_find_prefix(&pos, index, path) == 0;
		git_index_free(index);
	}
	git_error_clear();
	return !tracked;
}

/*
 * Walk a directory tree, sorted by name, never following a symbolic link
 * to a directory (so a link loop cannot trap us); links to files are
 * read through. Dot-directories (.git) are skipped, and in a work tree
 * (repo not NULL) what git ignores. Directories are opened relative to
 * their parent, and entries carry their directory's descriptor, so that
 * no path is looked up from the top twice.
 */
static int walk_dir(git_repository *repo, int parent, const char *dir, struct strbuf *rel,
		    int (*fn)(const struct source_entry *e, void *data), void *data, int depth)
{
	int dfd = openat(parent, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;
	struct dent *names = NULL;
	size_t nr = 0, alloc = 0, mark = rel->len;
	int ret = 0;

	if (!d) {
		struct source_entry e = SOURCE_ENTRY_INIT;
		int err = errno;

		if (dfd >= 0)
			close(dfd);
		e.path = rel->buf;
		e.kind = SENTRY_DIR;
		return depth ? fn(&e, data) : set_error("cannot open directory '%s': %s",
							 dir, strerror(err));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (depth == 0 || !strcmp(de->d_name, ".") ||
					     !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".git")))
			continue;
		ALLOC_GROW(names, nr + 1, alloc);
		names[nr].name = xstrdup(de->d_name);
		names[nr++].type = de->d_type;
	}
	if (nr > 1)
		qsort(names, nr, sizeof(*names), dent_cmp);
	for (size_t i = 0; i < nr && !ret; i++) {
		struct stat st;
		struct source_entry e = SOURCE_ENTRY_INIT;
		const char *name = names[i].name;

		strbuf_setlen(rel, mark);
		strbuf_addstr(rel, name);
		e.path = rel->buf;
		e.dirfd = dfd;
		e.name = name;
		/* readdir() told the type: one system call per file saved */
		memset(&st, 0, sizeof(st));
		if (names[i].type == DT_REG)
			st.st_mode = S_IFREG;
		else if (names[i].type == DT_DIR)
			st.st_mode = S_IFDIR;
		if (!st.st_mode && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
			e.kind = SENTRY_OTHER;
			ret = fn(&e, data);
		} else if (S_ISDIR(st.st_mode) && has_json_ext(name)) {
			/* "pipeline/x.json/" is a directory where a file belongs */
			e.kind = SENTRY_DIR;
			ret = fn(&e, data);
		} else if (S_ISDIR(st.st_mode)) {
			strbuf_addch(rel, '/');
			if (depth > 64 || ignored_untracked(repo, rel->buf))
				ret = 0;
			else
				ret = walk_dir(repo, dfd, name, rel, fn, data, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			struct stat target;

			if (!fstatat(dfd, name, &target, 0) && S_ISREG(target.st_mode))
				e.kind = SENTRY_FILE;
			else
				e.kind = SENTRY_SYMLINK;
			ret = fn(&e, data);
		} else if (S_ISREG(st.st_mode)) {
			if (!ignored_untracked(repo, rel->buf))
				ret = fn(&e, data);
		} else {
			e.kind = SENTRY_OTHER;
			ret = fn(&e, data);
		}
	}
	closedir(d);
	strbuf_setlen(rel, mark);
	for (size_t i = 0; i < nr; i++)
		free(names[i].name);
	free(names);
	return ret;
}

static enum source_entry_kind mode_kind(unsigned mode)
{
	switch (mode) {
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		return SENTRY_FILE;
	case GIT_FILEMODE_LINK:
		return SENTRY_SYMLINK;
	default:
		return SENTRY_OTHER;
	}
}

struct tree_walk {
	const char *prefix;
	int (*fn)(const struct source_entry *e, void *data);
	void *data;
	int ret;
	struct strbuf path;
};

static int tree_cb(const char *root, const git_tree_entry *te, void *payload)
{
	struct tree_walk *w = payload;
	struct source_entry e = SOURCE_ENTRY_INIT;

	if (git_tree_entry_type(te) == GIT_OBJECT_TREE)
		return 0;
	strbuf_reset(&w->path);
	strbuf_addf(&w->path, "%s%s%s", w->prefix, root, git_tree_entry_name(te));
	e.path = w->path.buf;
	e.kind = mode_kind(git_tree_entry_filemode(te));
	git_oid_cpy(&e.oid, git_tree_entry_id(te));
	e.has_oid = 1;
	w->ret = w->fn(&e, w->data);
	return w->ret ? -1 : 0;
}

int source_walk(struct source *s, const char *prefix,
		int (*fn)(const struct source_entry *e, void *data), void *data)
{
	size_t plen = strlen(prefix);

	switch (s->kind) {
	case SOURCE_WORKTREE:
	case SOURCE_DIR: {
		struct strbuf rel = STRBUF_INIT;
		char *top = xstrfmt("%s%s", s->dir, prefix);
		int ret;

		strbuf_addstr(&rel, prefix);
		ret = walk_dir(s->kind == SOURCE_WORKTREE ? s->repo : NULL, AT_FDCWD,
			       *top ? top : ".", &rel, fn, data, 0);
		free(top);
		strbuf_release(&rel);
		return ret;
	}
	case SOURCE_INDEX: {
		size_t n = git_index_entrycount(s->index), pos = 0;

		if (plen && git_index_find_prefix(&pos, s->index, prefix) < 0) {
			git_error_clear();
			return 0;
		}
		for (; pos < n; pos++) {
			const git_index_entry *ie = git_index_get_byindex(s->index, pos);
			struct source_entry e = SOURCE_ENTRY_INIT;
			int ret;

			if (strncmp(ie->path, prefix, plen))
				break;
			if (GIT_INDEX_ENTRY_STAGE(ie) > 1)
				continue; /* conflicts: only "ours" */
			e.path = ie->path;
			e.kind = mode_kind(ie->mode);
			git_oid_cpy(&e.oid, &ie->id);
			e.has_oid = 1;
			if ((ret = fn(&e, data)))
				return ret;
		}
		return 0;
	}
	case SOURCE_COMMIT: {
		git_tree *sub = NULL;
		struct tree_walk w = { prefix, fn, data, 0, STRBUF_INIT };
		int err;

		if (plen) {
			git_tree_entry *te = NULL;
			char *p = xstrndup(prefix, plen - (prefix[plen - 1] == '/'));

			err = git_tree_entry_bypath(&te, s->tree, p);
			free(p);
			if (err < 0 || git_tree_entry_type(te) != GIT_OBJECT_TREE) {
				git_tree_entry_free(te);
				git_error_clear();
				return 0;
			}
			err = git_tree_lookup(&sub, s->repo, git_tree_entry_id(te));
			git_tree_entry_free(te);
			if (err < 0)
				return git_fail("cannot read tree");
		}
		err = git_tree_walk(sub ? sub : s->tree, GIT_TREEWALK_PRE, tree_cb, &w);
		git_tree_free(sub);
		strbuf_release(&w.path);
		if (w.ret)
			return w.ret;
		if (err < 0)
			return git_fail("cannot walk tree");
		return 0;
	}
	}
	return 0;
}

int source_read(struct source *s, const struct source_entry *e, struct strbuf *out)
{
	if (e->has_oid && s->repo) {
		git_blob *blob = NULL;

		if (git_blob_lookup(&blob, s->repo, &e->oid) < 0)
			return git_fail("cannot read blob");
		strbuf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		git_blob_free(blob);
		return 0;
	}
	if (e->dirfd >= 0 && e->name && (s->kind == SOURCE_WORKTREE || s->kind == SOURCE_DIR)) {
		if (strbuf_read_fileat(out, e->dirfd, e->name, 0) < 0)
			return set_error("cannot read '%s': %s", e->path, strerror(errno));
		return 0;
	}
	return source_read_path(s, e->path, out);
}

int source_read_path(struct source *s, const char *path, struct strbuf *out)
{
	switch (s->kind) {
	case SOURCE_WORKTREE:
	case SOURCE_DIR: {
		char *full = xstrfmt("%s%s", s->dir, path);
		int ret = 0;

		if (strbuf_read_file(out, full, 0) < 0)
			ret = set_error("cannot read '%s': %s", path, strerror(errno));
		free(full);
		return ret;
	}
	case SOURCE_INDEX: {
		const git_index_entry *ie = git_index_get_bypath(s->index, path, 0);
		struct source_entry e = SOURCE_ENTRY_INIT;

		if (!ie)
			return set_error("'%s' is not in the index", path);
		e.path = path;
		e.kind = SENTRY_FILE;
		git_oid_cpy(&e.oid, &ie->id);
		e.has_oid = 1;
		return source_read(s, &e, out);
	}
	case SOURCE_COMMIT: {
		git_tree_entry *te = NULL;
		struct source_entry e = SOURCE_ENTRY_INIT;
		int ret;

		if (git_tree_entry_bypath(&te, s->tree, path) < 0) {
			git_error_clear();
			return set_error("'%s' does not exist in '%s'", path, s->label);
		}
		e.path = path;
		e.kind = SENTRY_FILE;
		git_oid_cpy(&e.oid, git_tree_entry_id(te));
		e.has_oid = 1;
		git_tree_entry_free(te);
		ret = source_read(s, &e, out);
		return ret;
	}
	}
	return -1;
}

int source_staged_paths(struct source *s, const char *prefix,
			int (*fn)(const char *path, void *data), void *data)
{
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	char *spec = NULL;
	int ret = 0;

	if (s->kind != SOURCE_INDEX)
		return set_error("staged paths need the index");
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (git_revparse_single(&head, s->repo, "HEAD^{tree}") == 0)
		tree = (git_tree *)head;
	else
		git_error_clear();
	if (prefix && *prefix) {
		spec = xstrdup(prefix);
		opts.pathspec.strings = &spec;
		opts.pathspec.count = 1;
	}
	if (git_diff_tree_to_index(&diff, s->repo, tree, s->index, &opts) < 0) {
		ret = git_fail("cannot compare the index with HEAD");
		goto cleanup;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !ret; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED)
			continue;
		if (prefix && strncmp(d->new_file.path, prefix, strlen(prefix)))
			continue;
		ret = fn(d->new_file.path, data);
	}
cleanup:
	git_diff_free(diff);
	git_tree_free(tree);
	free(spec);
	return ret;
}
