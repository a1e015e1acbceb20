#ifndef ARTIFACT_TYPE_H
#define ARTIFACT_TYPE_H

#include <stddef.h>

/*
 * The artifact types, one row each: where the type lives in Git, where
 * it lives in the REST API and in an ARM template, how other artifacts
 * refer to it, how its long-running operations are polled, and in which
 * order a deployment creates it (lower rank first).
 */
enum artifact_type_flags {
	ATF_IN_GIT = 1 << 0,    /* kept as files in the repository */
	ATF_LIVE_ONLY = 1 << 1, /* exists only in the live workspace (pools) */
	ATF_NOT_LRO = 1 << 2,   /* PUT answers 200 directly (private endpoints) */
	ATF_PART = 1 << 3,      /* a part of another artifact (lake DB tables) */
};

struct artifact_type {
	const char *name;       /* "pipeline": config keys, messages, JSON output */
	const char *folder;     /* "pipeline"; '*' matches one path segment */
	const char *collection; /* REST collection, "pipelines" */
	const char *arm_type;   /* "Microsoft.Synapse/workspaces/pipelines" */
	const char *ref_type;   /* "PipelineReference", or NULL */
	const char *poll_path;  /* "operationResults", or NULL when not an LRO */
	int deploy_rank;        /* dependency order for deployment, 0 first */
	unsigned flags;
};

extern const struct artifact_type artifact_types[];
extern const size_t artifact_types_nr;

/* Lookups; all return NULL when nothing matches. Case-insensitive. */
const struct artifact_type *artifact_type_by_name(const char *name);
const struct artifact_type *artifact_type_by_ref(const char *ref_type);
const struct artifact_type *artifact_type_by_arm(const char *arm_type);
const struct artifact_type *artifact_type_by_collection(const char *collection);

/*
 * The type whose folder holds a file at relpath (relative to the artifact
 * root), e.g. "pipeline/PL_Load.json" or
 * "managedVirtualNetwork/default/managedPrivateEndpoint/pe.json".
 * *parent receives the owning name for parts ("database/DB/table/T.json"
 * gives DB), as a pointer into relpath with *parent_len set.
 */
const struct artifact_type *artifact_type_for_path(const char *relpath,
						   const char **parent, size_t *parent_len);

/* Whether a top-level directory name under the root is one we know. */
int artifact_root_folder_known(const char *dirname);
int artifact_root_folder_known_n(const char *dirname, size_t len);

#endif
