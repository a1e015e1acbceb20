#include "workspace.h"
#include "refs.h"
#include "usage.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The name index: open addressing over (type, lower-cased name). Each
 * slot holds one artifact; duplicates occupy further slots, so a lookup
 * returns the first listed.
 */
struct name_index {
	struct artifact **slots;
	size_t size, used;
};

static uint64_t name_hash(const struct artifact_type *t, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)t;

	for (; *name; name++) {
		h ^= (unsigned char)tolower((unsigned char)*name);
		h *= 1099511628211ULL;
	}
	return h;
}

static void index_insert(struct name_index *ix, struct artifact *a, const char *name);

static void index_grow(struct name_index *ix)
{
	struct name_index bigger = { NULL, ix->size ? ix->size * 2 : 64, 0 };

	bigger.slots = xcalloc(bigger.size, sizeof(*bigger.slots));
	for (size_t i = 0; i < ix->size; i++) {
		struct artifact *a = ix->slots[i];

		if (a)
			index_insert(&bigger, a, a->name);
	}
	free(ix->slots);
	*ix = bigger;
}

static void index_insert(struct name_index *ix, struct artifact *a, const char *name)
{
	size_t i;

	if ((ix->used + 1) * 2 > ix->size)
		index_grow(ix);
	i = name_hash(a->type, name) & (ix->size - 1);
	while (ix->slots[i])
		i = (i + 1) & (ix->size - 1);
	ix->slots[i] = a;
	ix->used++;
}

static struct artifact *index_find(const struct name_index *ix,
				   const struct artifact_type *t, const char *name)
{
	size_t i;

	if (!ix->size)
		return NULL;
	i = name_hash(t, name) & (ix->size - 1);
	for (; ix->slots[i]; i = (i + 1) & (ix->size - 1)) {
		struct artifact *a = ix->slots[i];

		if (a->type == t && !strcasecmp(a->name, name))
			return a;
	}
	return NULL;
}

static int has_json_ext(const char *name, size_t *stem_len)
{
	size_t n = strlen(name);

	if (n > 5 && !strcasecmp(name + n - 5, ".json")) {
		*stem_len = n - 5;
		return 1;
	}
	return 0;
}

struct list_ctx {
	struct workspace *ws;
	size_t root_len;
};

static void note_unknown_folder(struct workspace *ws, const char *rel)
{
	size_t len = strcspn(rel, "/");

	for (size_t i = 0; i < ws->unknown_nr; i++)
		if (strlen(ws->unknown_folders[i]) == len &&
		    !strncmp(ws->unknown_folders[i], rel, len))
			return;
	ALLOC_GROW(ws->unknown_folders, ws->unknown_nr + 1, ws->unknown_alloc);
	ws->unknown_folders[ws->unknown_nr++] = xstrndup(rel, len);
}

static struct artifact *new_artifact(struct workspace *ws, const struct source_entry *e,
				     const char *rel)
{
	struct artifact *a = xcalloc(1, sizeof(*a));
	const char *base = strrchr(rel, '/');
	size_t stem_len;

	base = base ? base + 1 : rel;
	if (!has_json_ext(base, &stem_len))
		stem_len = strlen(base);
	a->stem = xstrndup(base, stem_len);
	a->name = xstrdup(a->stem);
	a->path = xstrdup(e->path);
	a->relpath = xstrdup(rel);
	a->kind = e->kind;
	if (e->has_oid) {
		git_oid_cpy(&a->oid, &e->oid);
		a->has_oid = 1;
	}
	(void)ws;
	return a;
}

static int list_entry(const struct source_entry *e, void *data)
{
	struct list_ctx *ctx = data;
	struct workspace *ws = ctx->ws;
	const char *rel = e->path + ctx->root_len;
	const char *slash = strchr(rel, '/');
	const char *parent = NULL;
	size_t parent_len = 0, stem_len;
	struct artifact *a;

	if (!slash) {
		/* files at the root: only the two Studio writes matter */
		if (!strcmp(rel, "template-parameters-definition.json") && !ws->tpd)
			ws->tpd = new_artifact(ws, e, rel);
		else if (!strcmp(rel, "publish_config.json") && !ws->publish_config)
			ws->publish_config = new_artifact(ws, e, rel);
		return 0;
	}
	if (!artifact_root_folder_known_n(rel, (size_t)(slash - rel))) {
		note_unknown_folder(ws, rel);
		return 0;
	}
	if (!strncmp(rel, "templates/", 10))
		return 0; /* Studio's gallery templates: not artifacts */
	if (e->kind == SENTRY_FILE && !has_json_ext(strrchr(rel, '/') + 1, &stem_len))
		return 0; /* README.md, .gitkeep... */
	a = new_artifact(ws, e, rel);
	a->type = artifact_type_for_path(rel, &parent, &parent_len);
	if (parent)
		a->parent = xstrndup(parent, parent_len);
	ALLOC_GROW(ws->items, ws->nr + 1, ws->alloc);
	ws->items[ws->nr++] = a;
	if (a->type)
		index_insert(ws->index, a, a->name);
	return 0;
}

int workspace_open(struct workspace *ws, struct source *src, const char *root)
{
	struct list_ctx ctx = { ws, 0 };
	int ret;

	memset(ws, 0, sizeof(*ws));
	ws->src = src;
	if (root && *root && root[strlen(root) - 1] != '/')
		ws->root = xstrfmt("%s/", root);
	else
		ws->root = xstrdup(root ? root : "");
	ws->index = xcalloc(1, sizeof(struct name_index));
	ctx.root_len = strlen(ws->root);
	ret = source_walk(src, ws->root, list_entry, &ctx);
	if (ret < 0)
		return ret;
	return 0;
}

static void artifact_free(struct artifact *a)
{
	if (!a)
		return;
	free(a->name);
	free(a->stem);
	free(a->path);
	free(a->relpath);
	free(a->parent);
	free(a->data);
	json_decref(a->json);
	refs_free(a->refs, a->refs_nr);
	free(a);
}

void workspace_release(struct workspace *ws)
{
	struct name_index *ix = ws->index;

	for (size_t i = 0; i < ws->nr; i++)
		artifact_free(ws->items[i]);
	free(ws->items);
	for (size_t i = 0; i < ws->unknown_nr; i++)
		free(ws->unknown_folders[i]);
	free(ws->unknown_folders);
	artifact_free(ws->tpd);
	artifact_free(ws->publish_config);
	if (ix)
		free(ix->slots);
	free(ix);
	free(ws->root);
	memset(ws, 0, sizeof(*ws));
}

int artifact_load(struct workspace *ws, struct artifact *a)
{
	struct strbuf sb = STRBUF_INIT;
	struct source_entry e = SOURCE_ENTRY_INIT;
	const char *name;

	if (a->loaded)
		return a->load_failed ? -1 : 0;
	a->loaded = 1;
	if (a->kind != SENTRY_FILE) {
		a->load_failed = 1;
		return set_error("'%s' is not a regular file", a->path);
	}
	e.path = a->path;
	e.kind = a->kind;
	e.has_oid = a->has_oid;
	if (a->has_oid)
		git_oid_cpy(&e.oid, &a->oid);
	if (source_read(ws->src, &e, &sb) < 0) {
		a->load_failed = 1;
		strbuf_release(&sb);
		return -1;
	}
	a->data = strbuf_detach(&sb, &a->len);
	a->json = json_parse(a->data, a->len, &a->error);
	name = json_str(a->json, "name");
	if (name && strcmp(name, a->name)) {
		free(a->name);
		a->name = xstrdup(name);
		if (a->type && strcasecmp(a->name, a->stem))
			index_insert(ws->index, a, a->name);
	}
	return 0;
}

int workspace_load_all(struct workspace *ws)
{
	int failed = 0;

	for (size_t i = 0; i < ws->nr; i++)
		if (artifact_load(ws, ws->items[i]) < 0)
			failed++;
	return failed;
}

struct artifact *workspace_find(struct workspace *ws, const struct artifact_type *type,
				const char *name)
{
	return index_find(ws->index, type, name);
}

struct artifact *workspace_find_path(struct workspace *ws, const char *path)
{
	for (size_t i = 0; i < ws->nr; i++)
		if (!strcmp(ws->items[i]->path, path))
			return ws->items[i];
	return NULL;
}

int artifact_is_implicit(const struct artifact_type *type, const char *name)
{
	size_t n = strlen(name);

	if (!type)
		return 0;
	if (type->flags & ATF_LIVE_ONLY)
		return 1;
	if (!strcmp(type->name, "integrationRuntime"))
		return !strcasecmp(name, "AutoResolveIntegrationRuntime");
	if (!strcmp(type->name, "credential"))
		return !strcasecmp(name, "WorkspaceSystemIdentity");
	if (!strcmp(type->name, "managedVirtualNetwork"))
		return !strcasecmp(name, "default");
	if (!strcmp(type->name, "linkedService"))
		return (n > 24 && !strcasecmp(name + n - 24, "-WorkspaceDefaultStorage")) ||
		       (n > 26 && !strcasecmp(name + n - 26, "-WorkspaceDefaultSqlServer"));
	return 0;
}

/* --- root discovery --- */

struct candidate {
	char *dir;
	unsigned folders;   /* distinct type folders seen */
	int marker;         /* publish_config.json or template-parameters-definition.json */
	char seen[32];
};

struct roots_ctx {
	struct candidate *c;
	size_t nr, alloc;
};

static struct candidate *candidate_get(struct roots_ctx *ctx, const char *dir, size_t len)
{
	for (size_t i = 0; i < ctx->nr; i++)
		if (strlen(ctx->c[i].dir) == len && !strncmp(ctx->c[i].dir, dir, len))
			return &ctx->c[i];
	ALLOC_GROW(ctx->c, ctx->nr + 1, ctx->alloc);
	memset(&ctx->c[ctx->nr], 0, sizeof(ctx->c[0]));
	ctx->c[ctx->nr].dir = xstrndup(dir, len);
	return &ctx->c[ctx->nr++];
}

static int roots_entry(const struct source_entry *e, void *data)
{
	struct roots_ctx *ctx = data;
	const char *p = e->path, *last = strrchr(p, '/');
	const char *base = last ? last + 1 : p;
	int depth = 0;

	for (const char *q = p; *q; q++)
		depth += *q == '/';
	if (depth > 8)
		return 0;
	if (!strcmp(base, "publish_config.json") ||
	    !strcmp(base, "template-parameters-definition.json")) {
		candidate_get(ctx, p, (size_t)(base - p))->marker = 1;
		return 0;
	}
	if (!last || last == p)
		return 0;
	/* <dir><folder>/<file>.json with <folder> a type folder */
	{
		const char *fstart = last - 1;
		size_t flen;

		while (fstart > p && fstart[-1] != '/')
			fstart--;
		flen = (size_t)(last - fstart);
		for (size_t i = 0; i < artifact_types_nr; i++) {
			const char *f = artifact_types[i].folder;

			if (f && !strchr(f, '/') && strlen(f) == flen && !strncmp(f, fstart, flen)) {
				struct candidate *c = candidate_get(ctx, p, (size_t)(fstart - p));

				if (i < sizeof(c->seen) && !c->seen[i]) {
					c->seen[i] = 1;
					c->folders++;
				}
				break;
			}
		}
	}
	return 0;
}

/* "templates/" is Studio's template gallery, never an artifact root. */
static int is_templates_dir(const char *dir)
{
	size_t n = strlen(dir);

	return n >= 10 && !strcmp(dir + n - 10, "templates/") && (n == 10 || dir[n - 11] == '/');
}

static int candidate_cmp(const void *va, const void *vb)
{
	const struct candidate *a = va, *b = vb;

	return strcmp(a->dir, b->dir);
}

int workspace_find_roots(struct source *src, char ***roots)
{
	struct roots_ctx ctx = { NULL, 0, 0 };
	size_t n = 0;
	int ret, has_folders = 0;

	*roots = NULL;
	ret = source_walk(src, "", roots_entry, &ctx);
	if (ret < 0)
		goto cleanup;
	if (ctx.nr > 1)
		qsort(ctx.c, ctx.nr, sizeof(*ctx.c), candidate_cmp);
	*roots = xcalloc(ctx.nr + 1, sizeof(char *));
	/*
	 * Folders with artifacts first; a publish_config.json alone makes a
	 * root only when no folder holds artifacts (a new, empty workspace).
	 */
	for (size_t i = 0; i < ctx.nr; i++)
		if (ctx.c[i].folders && !is_templates_dir(ctx.c[i].dir))
			has_folders = 1;
	for (size_t i = 0; i < ctx.nr; i++) {
		int nested = 0;

		if (has_folders ? !ctx.c[i].folders || is_templates_dir(ctx.c[i].dir)
				: !ctx.c[i].marker)
			continue;
		/* outermost wins: skip a candidate inside an accepted one */
		for (size_t k = 0; k < n; k++)
			if (!strncmp(ctx.c[i].dir, (*roots)[k], strlen((*roots)[k])))
				nested = 1;
		if (!nested)
			(*roots)[n++] = xstrdup(ctx.c[i].dir);
	}
	ret = (int)n;
cleanup:
	for (size_t i = 0; i < ctx.nr; i++)
		free(ctx.c[i].dir);
	free(ctx.c);
	return ret;
}
