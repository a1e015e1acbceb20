#include "lint.h"
#include "tpd.h"
#include "graph.h"
#include "refs.h"
#include "usage.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum lint_rule_id {
	R_INVALID_JSON,
	R_FILE_NAME,
	R_WRONG_FOLDER,
	R_UNKNOWN_FOLDER,
	R_INVALID_NAME,
	R_NAME_PATTERN,
	R_DUPLICATE,
	R_MISSING_REF,
	R_WRONG_REF_TYPE,
	R_CYCLE,
	R_TRIGGER_PIPELINE,
	R_PARAM_DEF,
	R_PUBLISH_CONFIG,
	R_REF_CASE,
	R_NOT_A_FILE,
	R_SHAPE,
	R_EXTENSION,
};

const struct rule_info lint_rules[] = {
	[R_INVALID_JSON] = { "SYN001", "invalid-json", SEV_ERROR,
		"the file is not valid JSON" },
	[R_FILE_NAME] = { "SYN002", "file-name", SEV_ERROR,
		"the file name is not <name>.json for the artifact's name" },
	[R_WRONG_FOLDER] = { "SYN003", "wrong-folder", SEV_ERROR,
		"the artifact is in a folder that is not its type's" },
	[R_UNKNOWN_FOLDER] = { "SYN004", "unknown-folder", SEV_WARNING,
		"a folder under the artifact root that Synapse does not know" },
	[R_INVALID_NAME] = { "SYN005", "invalid-name", SEV_ERROR,
		"a name Synapse would refuse (characters or length)" },
	[R_NAME_PATTERN] = { "SYN006", "name-pattern", SEV_ERROR,
		"the name breaks the configured lint.<type>.pattern" },
	[R_DUPLICATE] = { "SYN007", "duplicate-name", SEV_ERROR,
		"two artifacts of one type whose names differ only by case" },
	[R_MISSING_REF] = { "SYN008", "missing-reference", SEV_ERROR,
		"a reference to an artifact that does not exist" },
	[R_WRONG_REF_TYPE] = { "SYN009", "wrong-reference-type", SEV_ERROR,
		"a reference to an artifact of another type" },
	[R_CYCLE] = { "SYN010", "pipeline-cycle", SEV_ERROR,
		"Execute Pipeline activities that call each other in a cycle" },
	[R_TRIGGER_PIPELINE] = { "SYN011", "trigger-missing-pipeline", SEV_WARNING,
		"a trigger references a pipeline that does not exist (Publish drops it)" },
	[R_PARAM_DEF] = { "SYN012", "invalid-parameter-definition", SEV_ERROR,
		"template-parameters-definition.json is invalid" },
	[R_PUBLISH_CONFIG] = { "SYN013", "invalid-publish-config", SEV_ERROR,
		"publish_config.json is invalid" },
	[R_REF_CASE] = { "SYN014", "reference-case", SEV_WARNING,
		"a reference whose name differs by case from the artifact's" },
	[R_NOT_A_FILE] = { "SYN015", "not-a-file", SEV_ERROR,
		"a directory, symbolic link or special file where an artifact belongs" },
	[R_SHAPE] = { "SYN016", "invalid-artifact", SEV_ERROR,
		"the JSON is not an artifact: {\"name\": ..., \"properties\": {...}}" },
	[R_EXTENSION] = { "SYN017", "file-extension", SEV_WARNING,
		"the file extension is not lower-case .json" },
};
const size_t lint_rules_nr = ARRAY_SIZE(lint_rules);

int lint_rule_enabled(const struct config *c, const struct rule_info *rule)
{
	char key[128];

	snprintf(key, sizeof(key), "lint.%s", rule->name);
	if (!config_get_bool(c, key, 1))
		return 0;
	snprintf(key, sizeof(key), "lint.%s", rule->id);
	return config_get_bool(c, key, 1) == 1;
}

struct lint {
	struct workspace *ws;
	const struct lint_options *opts;
	struct findings *out;
	int enabled[ARRAY_SIZE(lint_rules)];
	pcre2_code *pattern[32];       /* per artifact type, from lint.<type>.pattern */
	pcre2_match_data *md;
};

static int reported(const struct lint *l, const char *path)
{
	if (!l->opts || !l->opts->only_nr)
		return 1;
	for (size_t i = 0; i < l->opts->only_nr; i++)
		if (!strcmp(l->opts->only_paths[i], path))
			return 1;
	return 0;
}

/* Add a finding at a JSON pointer inside artifact a (NULL: the file itself). */
static void report(struct lint *l, enum lint_rule_id r, const struct artifact *a,
		   const char *path, const char *pointer, const char *hint,
		   const char *fmt, ...) PRINTF_LIKE(7, 8);

static void report(struct lint *l, enum lint_rule_id r, const struct artifact *a,
		   const char *path, const char *pointer, const char *hint,
		   const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	int line = 0, col = 0;
	va_list ap;

	if (!l->enabled[r] || !reported(l, path))
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (a && a->data && pointer)
		json_locate(a->data, a->len, pointer, &line, &col);
	else if (a && a->data)
		line = col = 1;
	findings_add(l->out, lint_rules[r].id, lint_rules[r].name, lint_rules[r].severity,
		     path, line, col, pointer, msg.buf, hint);
	strbuf_release(&msg);
}

/* --- per-file rules --- */

/*
 * Guess an artifact's type from its content, only where the shape is
 * unmistakable; NULL when unsure.
 */
static const struct artifact_type *guess_type(const json_t *json)
{
	const json_t *p = json_object_get(json, "properties");
	const char *type = json_str(p, "type");
	const char *entity = json_str(p, "EntityType");

	if (!json_is_object(p))
		return NULL;
	if (json_is_array(json_object_get(p, "activities")))
		return artifact_type_by_name("pipeline");
	if (entity) {
		if (!strcmp(entity, "DATABASE"))
			return artifact_type_by_name("database");
		if (!strcmp(entity, "TABLE"))
			return artifact_type_by_name("databaseTable");
		if (!strcmp(entity, "RELATIONSHIP"))
			return artifact_type_by_name("databaseRelationship");
		if (!strcmp(entity, "VIEW"))
			return artifact_type_by_name("databaseView");
	}
	if (json_object_get(p, "cells") || json_object_get(p, "nbformat"))
		return artifact_type_by_name("notebook");
	if (json_is_object(json_object_get(p, "jobProperties")))
		return artifact_type_by_name("sparkJobDefinition");
	if (json_is_string(json_object_get(p, "privateLinkResourceId")))
		return artifact_type_by_name("managedPrivateEndpoint");
	if (type) {
		size_t n = strlen(type);

		if (n > 7 && !strcmp(type + n - 7, "Trigger"))
			return artifact_type_by_name("trigger");
		if (!strcmp(type, "MappingDataFlow") || !strcmp(type, "Flowlet") ||
		    !strcmp(type, "WranglingDataFlow"))
			return artifact_type_by_name("dataflow");
		if (!strcmp(type, "SqlQuery"))
			return artifact_type_by_name("sqlscript");
		if (!strcmp(type, "KqlQuery"))
			return artifact_type_by_name("kqlscript");
		if (!strcmp(type, "ManagedIdentity") || !strcmp(type, "ServicePrincipal"))
			return artifact_type_by_name("credential");
		if (!strcmp(type, "Managed") || !strcmp(type, "SelfHosted"))
			return artifact_type_by_name("integrationRuntime");
	}
	if (json_is_object(json_object_get(p, "linkedServiceName")) && type)
		return artifact_type_by_name("dataset");
	return NULL;
}

/*
 * Synapse refuses names with these characters, and names longer than
 * 140 characters; a name must not start or end with a space.
 */
static const char *name_problem(const char *name, size_t n)
{
	if (memchr(name, '\0', n))
		return "contains a control character (NUL)";
	if (!n)
		return "is empty";
	if (n > 140)
		return "is longer than 140 characters";
	if (name[0] == ' ' || name[n - 1] == ' ')
		return "starts or ends with a space";
	for (const char *p = name; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "contains a control character";
		if (strchr(".+?/<>*%&:\\\"", *p))
			return "contains a character Synapse does not allow (. + ? / < > * % & : \\ \")";
	}
	return NULL;
}

static void check_pattern(struct lint *l, struct artifact *a)
{
	size_t ti = (size_t)(a->type - artifact_types);
	pcre2_code *re = ti < ARRAY_SIZE(l->pattern) ? l->pattern[ti] : NULL;
	char key[96];
	char *pat;

	if (!re)
		return;
	if (pcre2_match(re, (PCRE2_SPTR)a->name, PCRE2_ZERO_TERMINATED, 0, 0, l->md, NULL) >= 0)
		return;
	snprintf(key, sizeof(key), "lint.%s.pattern", a->type->name);
	pat = config_get_string(l->opts ? l->opts->config : NULL, key);
	report(l, R_NAME_PATTERN, a, a->path, "/name", NULL,
	       "%s name '%s' does not match the pattern '%s' (%s)", a->type->name, a->name,
	       pat ? pat : "?", key);
	free(pat);
}

static void check_file(struct lint *l, struct artifact *a)
{
	const char *name;
	const char *ext;
	const struct artifact_type *guess;
	const char *problem;

	if (a->kind == SENTRY_DIR) {
		report(l, R_NOT_A_FILE, NULL, a->path, NULL, NULL,
		       "'%s' is a directory, not an artifact file", a->relpath);
		return;
	}
	if (a->kind == SENTRY_SYMLINK || a->kind == SENTRY_OTHER) {
		report(l, R_NOT_A_FILE, NULL, a->path, NULL,
		       "Synapse Studio writes plain files; replace the link with the file",
		       "'%s' is a symbolic link or special file, not an artifact file", a->relpath);
		return;
	}
	if (artifact_load(l->ws, a) < 0) {
		report(l, R_NOT_A_FILE, NULL, a->path, NULL, NULL, "cannot read '%s': %s",
		       a->relpath, last_error());
		return;
	}
	if (!a->json) {
		if (l->enabled[R_INVALID_JSON] && reported(l, a->path))
			findings_add(l->out, lint_rules[R_INVALID_JSON].id,
				     lint_rules[R_INVALID_JSON].name, SEV_ERROR, a->path,
				     a->error.line, a->error.column, NULL, a->error.text, NULL);
		return;
	}
	if (!json_is_object(a->json) || !json_is_string(json_object_get(a->json, "name")) ||
	    (!json_is_object(json_object_get(a->json, "properties")) &&
	     (!a->type || strcmp(a->type->name, "managedVirtualNetwork")))) {
		report(l, R_SHAPE, a, a->path, "", NULL,
		       "'%s' is not an artifact: expected an object with \"name\" and \"properties\"",
		       a->relpath);
		return;
	}
	name = json_str(a->json, "name");
	ext = a->relpath + strlen(a->relpath) - 5;
	if (strcmp(ext, ".json"))
		report(l, R_EXTENSION, a, a->path, NULL, NULL,
		       "file extension '%s' is not '.json'", ext);
	if (!a->type) {
		report(l, R_WRONG_FOLDER, a, a->path, NULL, NULL,
		       "'%s' is in no artifact folder Synapse reads", a->relpath);
		return;
	}
	if (strcmp(name, a->stem)) {
		char *hint = xstrfmt("rename the file to '%s.json', or the artifact to '%s'",
				     name, a->stem);

		report(l, R_FILE_NAME, a, a->path, "/name", hint,
		       "artifact name '%s' does not match the file name '%s'", name, a->stem);
		free(hint);
	}
	if ((problem = name_problem(name, json_string_length(json_object_get(a->json, "name")))))
		report(l, R_INVALID_NAME, a, a->path, "/name", NULL, "%s name '%s' %s",
		       a->type->name, name, problem);
	else
		check_pattern(l, a);
	guess = guess_type(a->json);
	if (guess && guess != a->type && !(a->type->flags & ATF_PART && guess->flags & ATF_PART)) {
		char *hint = xstrfmt("move it to '%s/'", guess->folder);

		report(l, R_WRONG_FOLDER, a, a->path, "/properties", guess->folder ? hint : NULL,
		       "'%s' looks like a %s, but it is in the %s folder", a->relpath,
		       guess->name, a->type->folder);
		free(hint);
	}
}

/* --- names across the workspace --- */

static int artifact_cmp(const void *va, const void *vb)
{
	const struct artifact *a = *(const struct artifact *const *)va;
	const struct artifact *b = *(const struct artifact *const *)vb;
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((c = strcasecmp(a->name, b->name)))
		return c;
	return strcmp(a->path, b->path);
}

static void check_duplicates(struct lint *l)
{
	struct artifact **v = xmalloc((l->ws->nr ? l->ws->nr : 1) * sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < l->ws->nr; i++)
		if (l->ws->items[i]->type && !(l->ws->items[i]->type->flags & ATF_PART))
			v[n++] = l->ws->items[i];
	qsort(v, n, sizeof(*v), artifact_cmp);
	for (size_t i = 1; i < n; i++) {
		struct artifact *a = v[i - 1], *b = v[i];

		if (a->type != b->type || strcasecmp(a->name, b->name))
			continue;
		if (reported(l, b->path) || !reported(l, a->path))
			report(l, R_DUPLICATE, b, b->path, "/name", NULL,
			       "%s '%s' has the same name as '%s' (Synapse names ignore case)",
			       b->type->name, b->name, a->path);
		else
			report(l, R_DUPLICATE, a, a->path, "/name", NULL,
			       "%s '%s' has the same name as '%s' (Synapse names ignore case)",
			       a->type->name, a->name, b->path);
	}
	free(v);
}

/* --- references --- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row, best;

	if (la > 256 || lb > 256)
		return (size_t)-1;
	row = xmalloc((lb + 1) * sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t m = prev + cost;

			if (row[j] + 1 < m)
				m = row[j] + 1;
			if (row[j - 1] + 1 < m)
				m = row[j - 1] + 1;
			row[j] = m;
			prev = cur;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

static const struct artifact *near_miss(struct lint *l, const struct artifact_type *t,
					const char *name)
{
	const struct artifact *best = NULL;
	size_t best_d = strlen(name) / 3 + 1;

	if (best_d < 2)
		best_d = 2;
	for (size_t i = 0; i < l->ws->nr; i++) {
		const struct artifact *a = l->ws->items[i];
		size_t d;

		if (a->type != t)
			continue;
		d = edit_distance(name, a->name);
		if (d <= best_d) {
			best = a;
			best_d = d;
		}
	}
	return best;
}

static void ensure_refs(struct workspace *ws, struct artifact *a)
{
	if (a->refs_done)
		return;
	a->refs_done = 1;
	if (artifact_load(ws, a) == 0 && a->json)
		refs_extract(a->json, &a->refs, &a->refs_nr, &a->refs_alloc);
}

static void check_reference(struct lint *l, struct artifact *a, const struct reference *r)
{
	struct artifact *target;

	if (r->dynamic || !r->type || !r->name)
		return;
	if (artifact_is_implicit(r->type, r->name))
		return;
	target = workspace_find(l->ws, r->type, r->name);
	if (target && strcmp(target->name, r->name) && !target->loaded) {
		artifact_load(l->ws, target);
		target = workspace_find(l->ws, r->type, r->name);
	}
	if (target) {
		if (strcmp(target->name, r->name))
			report(l, R_REF_CASE, a, a->path, r->pointer, NULL,
			       "reference to %s '%s' differs in case from '%s'",
			       r->type->name, r->name, target->name);
		return;
	}
	/* the name exists, as another type? */
	for (size_t i = 0; i < artifact_types_nr; i++) {
		const struct artifact_type *t = &artifact_types[i];
		struct artifact *other;

		if (t == r->type || (t->flags & ATF_PART) || !(t->flags & ATF_IN_GIT))
			continue;
		other = workspace_find(l->ws, t, r->name);
		if (other) {
			report(l, R_WRONG_REF_TYPE, a, a->path, r->pointer, NULL,
			       "%s refers to '%s', which is a %s, not a %s ('%s')", r->type_name,
			       r->name, t->name, r->type->name, other->path);
			return;
		}
	}
	if (a->type && !strcmp(a->type->name, "trigger") && !strcmp(r->type->name, "pipeline")) {
		report(l, R_TRIGGER_PIPELINE, a, a->path, r->pointer,
		       "Synapse Publish silently drops this pipeline from the trigger",
		       "trigger '%s' references pipeline '%s', which does not exist",
		       a->name, r->name);
		return;
	}
	{
		const struct artifact *miss = near_miss(l, r->type, r->name);
		char *hint = miss ? xstrfmt("did you mean '%s' (%s)?", miss->name, miss->path) : NULL;

		report(l, R_MISSING_REF, a, a->path, r->pointer, hint,
		       "%s '%s' does not exist", r->type->name, r->name);
		free(hint);
	}
}

/* --- Execute Pipeline cycles --- */

struct cycle_ctx {
	struct lint *l;
	struct artifact **nodes;
	size_t *edge_ref;       /* per edge: index of the reference in the source's refs */
	struct graph *g;
};

static void report_cycle(const size_t *nodes, size_t len, void *data)
{
	struct cycle_ctx *c = data;
	struct strbuf chain = STRBUF_INIT;
	struct artifact *first = c->nodes[nodes[0]];
	size_t at = 0;
	const char *pointer = NULL;

	/* report at the member that is reported (staged), else the first */
	for (size_t i = 0; i < len; i++)
		if (reported(c->l, c->nodes[nodes[i]]->path)) {
			at = i;
			break;
		}
	first = c->nodes[nodes[at]];
	for (size_t i = 0; i <= len; i++) {
		if (i)
			strbuf_addstr(&chain, " -> ");
		strbuf_addstr(&chain, c->nodes[nodes[(at + i) % len]]->name);
	}
	for (size_t e = 0; e < c->g->edges; e++)
		if (c->g->edge_from[e] == nodes[at] && c->g->edge_to[e] == nodes[(at + 1) % len]) {
			pointer = first->refs[c->edge_ref[e]].pointer;
			break;
		}
	report(c->l, R_CYCLE, first, first->path, pointer,
	       "a pipeline that runs itself never finishes; break the chain",
	       "Execute Pipeline cycle: %s", chain.buf);
	strbuf_release(&chain);
}

static void check_cycles(struct lint *l, struct artifact **seeds, size_t nseeds)
{
	const struct artifact_type *pt = artifact_type_by_name("pipeline");
	struct artifact **nodes = NULL;
	size_t nr = 0, alloc = 0, *edge_ref = NULL, er_alloc = 0;
	struct graph g;
	struct cycle_ctx c;

	if (!l->enabled[R_CYCLE])
		return;
	/* breadth-first from the seeds, loading pipelines as the edges reach them */
	for (size_t i = 0; i < nseeds; i++) {
		ALLOC_GROW(nodes, nr + 1, alloc);
		nodes[nr++] = seeds[i];
	}
	graph_init(&g, 0);
	for (size_t i = 0; i < nr; i++) {
		struct artifact *a = nodes[i];

		ensure_refs(l->ws, a);
		for (size_t k = 0; k < a->refs_nr; k++) {
			struct reference *r = &a->refs[k];
			struct artifact *t;
			size_t j;

			if (!r->execute_pipeline || r->type != pt || r->dynamic || !r->name)
				continue;
			t = workspace_find(l->ws, pt, r->name);
			if (!t)
				continue;
			for (j = 0; j < nr && nodes[j] != t; j++)
				;
			if (j == nr) {
				ALLOC_GROW(nodes, nr + 1, alloc);
				nodes[nr++] = t;
			}
			g.n = nr;
			graph_add_edge(&g, i, j);
			ALLOC_GROW(edge_ref, g.edges, er_alloc);
			edge_ref[g.edges - 1] = k;
		}
	}
	g.n = nr;
	c.l = l;
	c.nodes = nodes;
	c.edge_ref = edge_ref;
	c.g = &g;
	graph_foreach_cycle(&g, report_cycle, &c);
	graph_release(&g);
	free(nodes);
	free(edge_ref);
}

/* --- root files --- */

static void check_publish_config(struct lint *l)
{
	struct artifact *a = l->ws->publish_config;
	const json_t *branch;

	if (!a || !reported(l, a->path))
		return;
	if (artifact_load(l->ws, a) < 0 || !a->json) {
		if (a->json == NULL && a->data && l->enabled[R_PUBLISH_CONFIG])
			findings_add(l->out, lint_rules[R_PUBLISH_CONFIG].id,
				     lint_rules[R_PUBLISH_CONFIG].name, SEV_ERROR, a->path,
				     a->error.line, a->error.column, NULL, a->error.text, NULL);
		return;
	}
	branch = json_object_get(a->json, "publishBranch");
	if (!json_is_object(a->json) || !json_is_string(branch)) {
		report(l, R_PUBLISH_CONFIG, a, a->path, "", NULL,
		       "publish_config.json must be an object with a string \"publishBranch\"");
		return;
	}
	{
		char *ref = xstrfmt("refs/heads/%s", json_string_value(branch));
		int valid = 0;

		if (git_reference_name_is_valid(&valid, ref) < 0 || !valid || !*json_string_value(branch))
			report(l, R_PUBLISH_CONFIG, a, a->path, "/publishBranch", NULL,
			       "publishBranch '%s' is not a valid branch name",
			       json_string_value(branch));
		free(ref);
	}
}

/*
 * template-parameters-definition.json, read by the parser build uses, so
 * that what lint accepts is what Publish accepts. Types that are not
 * Synapse resources are legal there but never match: a warning-worthy
 * typo, reported as an error because nothing of it would take effect.
 */
static void check_param_def(struct lint *l)
{
	struct artifact *a = l->ws->tpd;
	struct tpd t;
	struct tpd_error err;
	const char *key;
	json_t *child;
	struct strbuf ptr = STRBUF_INIT;

	if (!a || !reported(l, a->path) || !l->enabled[R_PARAM_DEF])
		return;
	if (artifact_load(l->ws, a) < 0 || !a->data)
		return;
	if (tpd_parse_at(&t, a->data, a->len, a->path, &err) < 0) {
		findings_add(l->out, lint_rules[R_PARAM_DEF].id, lint_rules[R_PARAM_DEF].name,
			     SEV_ERROR, a->path, err.line, err.column,
			     *err.pointer ? err.pointer : NULL, err.message, NULL);
		tpd_error_release(&err);
		return;
	}
	tpd_release(&t);
	json_object_foreach(a->json, key, child) {
		if (artifact_type_by_arm(key) || !strncmp(key, "Microsoft.Synapse/workspaces/", 29))
			continue;
		strbuf_reset(&ptr);
		strbuf_addch(&ptr, '/');
		strbuf_add_pointer_token(&ptr, key);
		report(l, R_PARAM_DEF, a, a->path, ptr.buf, NULL,
		       "'%s' is not a Synapse resource type", key);
	}
	strbuf_release(&ptr);
}

/* --- driver --- */

static int compile_patterns(struct lint *l)
{
	const struct config *c = l->opts ? l->opts->config : NULL;

	for (size_t i = 0; i < artifact_types_nr && i < ARRAY_SIZE(l->pattern); i++) {
		char key[96];
		char *pat;
		int errcode;
		PCRE2_SIZE erroff;

		snprintf(key, sizeof(key), "lint.%s.pattern", artifact_types[i].name);
		if (!(pat = config_get_string(c, key)))
			continue;
		l->pattern[i] = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
					      &errcode, &erroff, NULL);
		if (!l->pattern[i]) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(errcode, msg, sizeof(msg));
			set_error("bad regular expression in '%s' at offset %zu: %s", key,
				  (size_t)erroff, (char *)msg);
			free(pat);
			return -1;
		}
		pcre2_jit_compile(l->pattern[i], PCRE2_JIT_COMPLETE);
		free(pat);
	}
	l->md = pcre2_match_data_create(4, NULL);
	return 0;
}

int lint_workspace(struct workspace *ws, const struct lint_options *opts, struct findings *out)
{
	struct lint l;
	struct artifact **seeds = NULL;
	size_t nseeds = 0, seeds_alloc = 0;
	const struct artifact_type *pt = artifact_type_by_name("pipeline");
	int ret = -1;

	memset(&l, 0, sizeof(l));
	l.ws = ws;
	l.opts = opts;
	l.out = out;
	for (size_t i = 0; i < lint_rules_nr; i++)
		l.enabled[i] = lint_rule_enabled(opts ? opts->config : NULL, &lint_rules[i]);
	if (compile_patterns(&l) < 0)
		goto cleanup;

	for (size_t i = 0; i < ws->unknown_nr; i++) {
		char *path = xstrfmt("%s%s", ws->root, ws->unknown_folders[i]);

		if (!opts || !opts->only_nr)
			report(&l, R_UNKNOWN_FOLDER, NULL, path, NULL,
			       "Synapse ignores it; move non-artifact files outside the artifact root",
			       "unknown folder '%s' under the artifact root", ws->unknown_folders[i]);
		free(path);
	}
	for (size_t i = 0; i < ws->nr; i++) {
		struct artifact *a = ws->items[i];

		if (!reported(&l, a->path))
			continue;
		out->files++;
		check_file(&l, a);
		/*
		 * The later checks need only the references and the text: drop
		 * the tree now, so a large workspace never holds every tree.
		 */
		if (a->json && a->type) {
			ensure_refs(ws, a);
			json_decref(a->json);
			a->json = NULL;
			a->json_dropped = 1;
		}
	}
	check_publish_config(&l);
	check_param_def(&l);
	if (l.enabled[R_DUPLICATE])
		check_duplicates(&l);
	for (size_t i = 0; i < ws->nr; i++) {
		struct artifact *a = ws->items[i];

		if (!reported(&l, a->path) || !a->type || !(a->json || a->json_dropped))
			continue;
		ensure_refs(ws, a);
		for (size_t k = 0; k < a->refs_nr; k++)
			check_reference(&l, a, &a->refs[k]);
		if (a->type == pt) {
			ALLOC_GROW(seeds, nseeds + 1, seeds_alloc);
			seeds[nseeds++] = a;
		}
	}
	check_cycles(&l, seeds, nseeds);
	ret = 0;
cleanup:
	for (size_t i = 0; i < ARRAY_SIZE(l.pattern); i++)
		pcre2_code_free(l.pattern[i]);
	pcre2_match_data_free(l.md);
	free(seeds);
	return ret;
}
