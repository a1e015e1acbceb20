#ifndef WORKSPACE_H
#define WORKSPACE_H

#include <git2.h>
#include <jansson.h>
#include "artifact-type.h"
#include "json.h"
#include "source.h"
#include "strbuf.h"

/*
 * The workspace model: every artifact under one artifact root, read from
 * a source. Artifacts are listed eagerly (path, type, name from the file
 * name) and loaded lazily (bytes and JSON), so a hook that checks one
 * staged file in a 5,000-artifact repository reads one blob.
 */
struct reference;

struct artifact {
	const struct artifact_type *type; /* NULL: a file in no known folder */
	char *name;         /* from JSON "name" once loaded, else the file stem */
	char *stem;         /* the file name without ".json" */
	char *path;         /* path as shown to the user */
	char *relpath;      /* path relative to the artifact root */
	char *parent;       /* owning artifact for parts (lake database) */
	enum source_entry_kind kind;
	git_oid oid;
	int has_oid;

	/* filled by artifact_load() */
	int loaded;
	int load_failed;    /* could not read the file */
	char *data;         /* raw bytes, NUL-terminated */
	size_t len;
	json_t *json;       /* NULL when the file is not valid JSON */
	int json_dropped;   /* valid, but the tree was released to save memory */
	struct json_error error;
	int refs_done;
	struct reference *refs;
	size_t refs_nr, refs_alloc;
};

struct workspace {
	struct source *src;
	char *root;         /* artifact root relative to the source top: "" or "workspace/" */
	struct artifact **items;
	size_t nr, alloc;
	struct strbuf *other_files; /* unused */
	char **unknown_folders;     /* top-level folders we do not know */
	size_t unknown_nr, unknown_alloc;
	struct artifact *tpd;       /* template-parameters-definition.json, or NULL */
	struct artifact *publish_config; /* publish_config.json, or NULL */
	void *index;        /* name index, private */
};

/*
 * List the artifacts under root in src. root is relative to the source
 * top ("" is the top itself). Returns 0 or -1 with last_error() set.
 */
int workspace_open(struct workspace *ws, struct source *src, const char *root);
void workspace_release(struct workspace *ws);

/* Read and parse one artifact (once). -1 only when it cannot be read. */
int artifact_load(struct workspace *ws, struct artifact *a);
/* Load every artifact; returns the number that could not be read. */
int workspace_load_all(struct workspace *ws);

/*
 * Find an artifact by type and name, case-insensitively as Synapse does
 * (names from loaded JSON and, for unloaded ones, file stems).
 */
struct artifact *workspace_find(struct workspace *ws, const struct artifact_type *type,
				const char *name);
/* The artifact listed at a path relative to the source top, or NULL. */
struct artifact *workspace_find_path(struct workspace *ws, const char *path);

/*
 * Find the artifact roots in a source: synapse.root from configuration
 * wins; else folders holding publish_config.json, or at least one type
 * folder, searched a few levels deep, outermost first. Fills roots with
 * "" or "dir/" strings (malloc'd). Returns the count, or -1.
 */
int workspace_find_roots(struct source *src, char ***roots);

/* Implicit artifacts the service always has (AutoResolveIntegrationRuntime...). */
int artifact_is_implicit(const struct artifact_type *type, const char *name);

#endif
