#include "artifact-type.h"

#include <string.h>
#include <strings.h>

#define MS "Microsoft.Synapse/workspaces/"

/*
 * Deploy ranks: runtimes and credentials first, then what depends on
 * them, triggers last (they start pipelines).
 */
const struct artifact_type artifact_types[] = {
	{ "integrationRuntime", "integrationRuntime", "integrationRuntimes",
	  MS "integrationRuntimes", "IntegrationRuntimeReference", "operationResults", 0, ATF_IN_GIT },
	{ "managedVirtualNetwork", "managedVirtualNetwork", "managedVirtualNetworks",
	  MS "managedVirtualNetworks", "ManagedVirtualNetworkReference", NULL, 0,
	  ATF_IN_GIT | ATF_NOT_LRO },
	{ "managedPrivateEndpoint", "managedVirtualNetwork/*/managedPrivateEndpoint",
	  "managedVirtualNetworks/default/managedPrivateEndpoints",
	  MS "managedVirtualNetworks/managedPrivateEndpoints", NULL, NULL, 1,
	  ATF_IN_GIT | ATF_NOT_LRO },
	{ "credential", "credential", "credentials",
	  MS "credentials", "CredentialReference", "operationResults", 1, ATF_IN_GIT },
	{ "sparkConfiguration", "sparkConfiguration", "sparkconfigurations",
	  MS "sparkConfigurations", "SparkConfigurationReference", "operationResults", 1, ATF_IN_GIT },
	{ "linkedService", "linkedService", "linkedservices",
	  MS "linkedServices", "LinkedServiceReference", "operationResults", 2, ATF_IN_GIT },
	{ "database", "database", "databases",
	  MS "databases", "DatabaseReference", "operationResults", 3, ATF_IN_GIT },
	{ "databaseTable", "database/*/table", NULL, NULL, NULL, NULL, 3, ATF_IN_GIT | ATF_PART },
	{ "databaseRelationship", "database/*/relationship", NULL, NULL, NULL, NULL, 3,
	  ATF_IN_GIT | ATF_PART },
	{ "databaseView", "database/*/view", NULL, NULL, NULL, NULL, 3, ATF_IN_GIT | ATF_PART },
	{ "dataset", "dataset", "datasets",
	  MS "datasets", "DatasetReference", "operationResults", 3, ATF_IN_GIT },
	{ "dataflow", "dataflow", "dataflows",
	  MS "dataflows", "DataFlowReference", "operationResults", 4, ATF_IN_GIT },
	{ "notebook", "notebook", "notebooks",
	  MS "notebooks", "NotebookReference", "notebookOperationResults", 4, ATF_IN_GIT },
	{ "sparkJobDefinition", "sparkJobDefinition", "sparkJobDefinitions",
	  MS "sparkJobDefinitions", "SparkJobDefinitionReference", "operationResults", 4, ATF_IN_GIT },
	{ "sqlscript", "sqlscript", "sqlScripts",
	  MS "sqlscripts", "SqlScriptReference", "operationResults", 4, ATF_IN_GIT },
	{ "kqlscript", "kqlscript", "kqlScripts",
	  MS "kqlscripts", "KqlScriptReference", "operationResults", 4, ATF_IN_GIT },
	{ "pipeline", "pipeline", "pipelines",
	  MS "pipelines", "PipelineReference", "operationResults", 5, ATF_IN_GIT },
	{ "trigger", "trigger", "triggers",
	  MS "triggers", "TriggerReference", "operationResults", 6, ATF_IN_GIT },
	{ "bigDataPool", NULL, "bigDataPools",
	  MS "bigDataPools", "BigDataPoolReference", NULL, 0, ATF_LIVE_ONLY },
	{ "sqlPool", NULL, "sqlPools",
	  MS "sqlPools", "SqlPoolReference", NULL, 0, ATF_LIVE_ONLY },
	{ "library", NULL, "libraries",
	  NULL, "LibraryReference", "libraryOperationResults", 0, ATF_LIVE_ONLY },
};
const size_t artifact_types_nr = sizeof(artifact_types) / sizeof(artifact_types[0]);

/* Folders under the root that hold no artifacts of ours but are Studio's. */
static const char *const other_known_folders[] = { "templates", NULL };

#define LOOKUP(fn, field) \
	const struct artifact_type *fn(const char *key) \
	{ \
		if (!key) \
			return NULL; \
		for (size_t i = 0; i < artifact_types_nr; i++) \
			if (artifact_types[i].field && !strcasecmp(artifact_types[i].field, key)) \
				return &artifact_types[i]; \
		return NULL; \
	}

LOOKUP(artifact_type_by_name, name)
LOOKUP(artifact_type_by_ref, ref_type)
LOOKUP(artifact_type_by_arm, arm_type)
LOOKUP(artifact_type_by_collection, collection)

/*
 * Match a folder pattern against the directory part of relpath. Every
 * segment must match (case-sensitively, as Studio writes them; '*' is
 * any one segment), and exactly one segment must remain: the file name.
 */
static int folder_matches(const char *pattern, const char *relpath,
			  const char **star, size_t *star_len)
{
	const char *p = pattern, *r = relpath;

	*star = NULL;
	*star_len = 0;
	while (*p) {
		const char *pe = strchr(p, '/'), *re = strchr(r, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);

		if (!re)
			return 0;
		if (pl == 1 && *p == '*') {
			if (re == r)
				return 0;
			*star = r;
			*star_len = (size_t)(re - r);
		} else if ((size_t)(re - r) != pl || strncmp(p, r, pl)) {
			return 0;
		}
		r = re + 1;
		p = pe ? pe + 1 : p + pl;
	}
	return *r && !strchr(r, '/');
}

const struct artifact_type *artifact_type_for_path(const char *relpath,
						   const char **parent, size_t *parent_len)
{
	const char *star;
	size_t star_len;

	for (size_t i = 0; i < artifact_types_nr; i++) {
		const struct artifact_type *t = &artifact_types[i];

		if (!t->folder || !folder_matches(t->folder, relpath, &star, &star_len))
			continue;
		if (parent) {
			*parent = star;
			*parent_len = star_len;
		}
		return t;
	}
	return NULL;
}

int artifact_root_folder_known(const char *dirname)
{
	return artifact_root_folder_known_n(dirname, strlen(dirname));
}

int artifact_root_folder_known_n(const char *dirname, size_t dlen)
{
	for (size_t i = 0; i < artifact_types_nr; i++) {
		const char *f = artifact_types[i].folder;
		size_t len;

		if (!f)
			continue;
		len = strcspn(f, "/");
		if (dlen == len && !strncmp(f, dirname, len))
			return 1;
	}
	for (size_t i = 0; other_known_folders[i]; i++)
		if (strlen(other_known_folders[i]) == dlen &&
		    !strncmp(dirname, other_known_folders[i], dlen))
			return 1;
	return 0;
}
