#ifndef REFS_H
#define REFS_H

#include <jansson.h>
#include "artifact-type.h"

/*
 * References between artifacts: every object {referenceName, type:
 * "*Reference"} at any depth (nested ForEach/If/Switch/Until activities,
 * data flow sources and sinks, trigger pipelines, notebook Spark pools).
 */
struct reference {
	const struct artifact_type *type; /* NULL when type names no known kind */
	char *type_name;    /* as written: "DatasetReference" */
	char *name;         /* referenceName, or NULL when dynamic */
	char *pointer;      /* JSON pointer of the reference object */
	int dynamic;        /* an expression: resolved at run time, never "missing" */
	int execute_pipeline; /* from an ExecutePipeline activity */
};

/* Collect the references in json, appending to *refs. Returns the count added. */
size_t refs_extract(const json_t *json, struct reference **refs, size_t *nr, size_t *alloc);
void refs_free(struct reference *refs, size_t nr);

#endif
