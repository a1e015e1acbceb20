#ifndef TPD_H
#define TPD_H

#include <jansson.h>
#include "strbuf.h"

/*
 * template-parameters-definition.json: which properties of which
 * artifacts Synapse Publish turns into ARM template parameters.
 *
 * The top-level keys are ARM resource types. Below a type comes a tree
 * that mirrors the resource from "properties" down; linked services and
 * datasets have one more level first, a sub-type key ("*" or a
 * properties.type value such as "AzureKeyVault"). A "*" key applies to
 * every key at its level that is not named explicitly; an array [T]
 * applies T to every element. A leaf is "<action>[:<name>[:<type>]]":
 *
 *   =   parameter with the current value as its default
 *   -   parameter without a default
 *   |   secure: secureString without a default; on a Key Vault secret
 *       reference its secretName; on a connection string that the
 *       secure-string pass already wrapped, the wrapper is undone
 *
 * <name> empty gives "<artifact>_<path joined by _>", "-x" gives
 * "<artifact>_x", and "x" replaces the last key of the path.
 */
enum tpd_node_kind {
	TPD_LEAF,
	TPD_OBJECT,
	TPD_ARRAY,
};

struct tpd_node {
	enum tpd_node_kind kind;
	/* TPD_LEAF */
	char action;        /* '=', '-' or '|' */
	char *name;         /* NULL or "" for the default name */
	char *type;         /* normalized ("secureString") or NULL: inferred */
	/* TPD_OBJECT: explicit keys in file order, and the "*" rule */
	char **keys;
	struct tpd_node **children;
	size_t nr, alloc;
	struct tpd_node *star;
	/* TPD_ARRAY */
	struct tpd_node *elem;
};

struct tpd_rule {
	char *arm_type;     /* "Microsoft.Synapse/workspaces/pipelines" */
	char *subtype;      /* NULL, "*" or a properties.type value */
	struct tpd_node *node; /* mirrors the resource: { "properties": ... } */
};

struct tpd {
	struct tpd_rule *rules;
	size_t nr, alloc;
};

/*
 * Parse a definition file. label names it in errors. Returns 0, or -1
 * with last_error() naming the JSON path of the offending entry.
 */
int tpd_parse(struct tpd *t, const char *buf, size_t len, const char *label);

/* Where a definition first goes wrong, for a finding (lint). */
struct tpd_error {
	char *pointer;      /* JSON pointer of the offending entry ("" for the file) */
	char *message;      /* what is wrong, naming the JSONPath */
	int line, column;   /* 0 when unknown */
};

/* tpd_parse(), filling err (when not NULL) on failure; release it after. */
int tpd_parse_at(struct tpd *t, const char *buf, size_t len, const char *label,
		 struct tpd_error *err);
void tpd_error_release(struct tpd_error *err);

/* Studio's built-in definition, used when the file is absent. */
int tpd_load_default(struct tpd *t);

void tpd_init(struct tpd *t);
void tpd_release(struct tpd *t);

/* Whether an ARM type takes a sub-type level (linkedServices, datasets). */
int tpd_type_has_subtypes(const char *arm_type);

/*
 * The template parameters being collected, in creation order, as the
 * template's "parameters" object (name -> definition).
 */
struct tpd_params {
	json_t *defs;
	int keep_unwrapped_default; /* current Studio: '|' on a wrapped value keeps the default */
	json_t *secure_wrapped;     /* names created by the secure-string pass */
};

void tpd_params_init(struct tpd_params *p);
void tpd_params_release(struct tpd_params *p);

/*
 * Apply every rule of t that matches arm_type (and, for sub-typed
 * types, "*" or subtype) to props, the resource's properties, in place.
 * artifact is the artifact name used in parameter names. Returns 0 or
 * -1 with last_error() set.
 */
int tpd_apply(const struct tpd *t, struct tpd_params *params, const char *arm_type,
	      const char *subtype, const char *artifact, json_t *props);

/* "[parameters('<name>')]" */
char *tpd_param_expr(const char *name);

#endif
