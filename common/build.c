#include "build.h"
#include "json-studio.h"
#include "json.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define API_VERSION "2019-06-01-preview"

/*
 * The order of resource types in Studio's template. Pools (live only)
 * would come between databases and private endpoints.
 */
static const char *const type_order[] = {
	"pipeline", "dataset", "linkedService", "trigger", "integrationRuntime",
	"dataflow", "credential", "managedVirtualNetwork", "sqlscript", "kqlscript",
	"notebook", "sparkJobDefinition", "sparkConfiguration", "database",
	"managedPrivateEndpoint",
};

struct dep {
	const struct artifact_type *type;
	char *name;          /* referenceName before parameterization */
	json_t *ref;         /* the reference object, to see its final referenceName */
};

struct resource {
	const struct artifact_type *type;
	struct artifact *a;
	int rank;
	char *name;          /* "X", or "default/X" for a private endpoint */
	json_t *props;
	struct dep *deps;
	size_t deps_nr, deps_alloc;
	int has_encrypted_credential;
};

struct build_ctx {
	struct workspace *ws;
	const struct build_options *opts;
	struct build_result *out;
	struct resource *res;
	size_t nr, alloc;
	struct tpd_params params;
};

void build_result_init(struct build_result *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->template_json, 0);
	strbuf_init(&r->parameters_json, 0);
}

void build_result_release(struct build_result *r)
{
	strbuf_release(&r->template_json);
	strbuf_release(&r->parameters_json);
	for (size_t i = 0; i < r->warnings_nr; i++)
		free(r->warnings[i]);
	free(r->warnings);
	build_result_init(r);
}

int build_studio_parse(const char *s)
{
	if (!strcmp(s, "current"))
		return BUILD_STUDIO_CURRENT;
	if (!strcmp(s, "2022"))
		return BUILD_STUDIO_2022;
	return -1;
}

static void add_warning(struct build_ctx *c, char *msg)
{
	ALLOC_GROW(c->out->warnings, c->out->warnings_nr + 1, c->out->warnings_alloc);
	c->out->warnings[c->out->warnings_nr++] = msg;
}

static int type_rank(const struct artifact_type *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_order); i++)
		if (!strcmp(t->name, type_order[i]))
			return (int)i;
	return -1;
}

static int is_type(const struct resource *r, const char *name)
{
	return !strcmp(r->type->name, name);
}

/* --- ordered-object helpers: jansson keeps insertion order --- */

struct kv {
	const char *key;
	json_t *val;
};

/* Rebuild obj from a list of pairs (takes the references in kv). */
static void obj_refill(json_t *obj, struct kv *kv, size_t n, char **keys)
{
	json_object_clear(obj);
	for (size_t i = 0; i < n; i++)
		json_object_set_new(obj, kv[i].key, kv[i].val);
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
}

static size_t obj_take(json_t *obj, struct kv **kv, char ***keys)
{
	size_t n = json_object_size(obj), i = 0;
	const char *key;
	json_t *val;

	*kv = xcalloc(n + 1, sizeof(**kv));
	*keys = xcalloc(n + 1, sizeof(**keys));
	json_object_foreach(obj, key, val) {
		(*keys)[i] = xstrdup(key);
		(*kv)[i].key = (*keys)[i];
		(*kv)[i].val = json_incref(val);
		i++;
	}
	return n;
}

/*
 * Insert key (stealing val) right after the key "after", or before
 * "before" when after is NULL, or at the end when neither is found.
 */
static void obj_insert(json_t *obj, const char *after, const char *const *before,
		       const char *key, json_t *val)
{
	struct kv *kv, *nkv;
	char **keys;
	size_t n = obj_take(obj, &kv, &keys), pos = n, k = 0;

	if (after) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(kv[i].key, after))
				pos = i + 1;
	} else if (before) {
		for (size_t i = 0; i < n && pos == n; i++)
			for (size_t b = 0; before[b]; b++)
				if (!strcmp(kv[i].key, before[b])) {
					pos = i;
					break;
				}
	}
	nkv = xcalloc(n + 1, sizeof(*nkv));
	for (size_t i = 0; i < n; i++) {
		if (i == pos) {
			nkv[k].key = key;
			nkv[k++].val = val;
		}
		nkv[k++] = kv[i];
	}
	if (pos == n) {
		nkv[k].key = key;
		nkv[k++].val = val;
	}
	obj_refill(obj, nkv, k, keys);
	free(kv);
	free(nkv);
	free(keys);
}

/* Put the listed keys first, in that order; the rest keep theirs. */
static void obj_reorder(json_t *obj, const char *const *first)
{
	struct kv *kv, *nkv;
	char **keys;
	size_t n = obj_take(obj, &kv, &keys), k = 0;
	char *used = xcalloc(n + 1, 1);

	nkv = xcalloc(n + 1, sizeof(*nkv));
	for (size_t f = 0; first[f]; f++)
		for (size_t i = 0; i < n; i++)
			if (!used[i] && !strcmp(kv[i].key, first[f])) {
				nkv[k++] = kv[i];
				used[i] = 1;
			}
	for (size_t i = 0; i < n; i++)
		if (!used[i])
			nkv[k++] = kv[i];
	obj_refill(obj, nkv, k, keys);
	free(used);
	free(kv);
	free(nkv);
	free(keys);
}

static void set_if_absent(json_t *obj, const char *key, json_t *val)
{
	if (json_object_get(obj, key))
		json_decref(val);
	else
		json_object_set_new(obj, key, val);
}

/* --- normalization: what Studio's object model adds or drops --- */

static void normalize_activities(struct build_ctx *c, json_t *activities);

static void normalize_activity(struct build_ctx *c, json_t *act)
{
	int current = c->opts->studio == BUILD_STUDIO_CURRENT;
	const char *type = json_str(act, "type");
	json_t *tp = json_object_get(act, "typeProperties");
	static const char *const nested[] = {
		"activities", "ifTrueActivities", "ifFalseActivities", "defaultActivities",
	};

	if (!json_is_object(act))
		return;
	for (int io = 0; io < 2; io++) {
		json_t *arr = json_object_get(act, io ? "outputs" : "inputs");
		size_t i;
		json_t *ref;

		json_array_foreach(arr, i, ref) {
			const char *rt = json_str(ref, "type");

			if (rt && !strcmp(rt, "DatasetReference"))
				set_if_absent(ref, "parameters", json_object());
		}
	}
	if (json_is_object(tp)) {
		json_t *cases = json_object_get(tp, "cases"), *cs;
		size_t i;

		for (size_t k = 0; k < ARRAY_SIZE(nested); k++)
			normalize_activities(c, json_object_get(tp, nested[k]));
		json_array_foreach(cases, i, cs)
			normalize_activities(c, json_object_get(cs, "activities"));
	}
	if (!type || !json_is_object(tp))
		return;

	if (!strcmp(type, "WebActivity") || !strcmp(type, "WebHook")) {
		if (!json_object_get(tp, "headers"))
			obj_insert(tp, json_object_get(tp, "method") ? "method" : NULL, NULL,
				   "headers", json_object());
		if (current && !strcmp(type, "WebActivity")) {
			static const char *const order[] = { "method", "headers", "url",
							     "connectVia", NULL };
			obj_reorder(tp, order);
		}
	} else if (!strcmp(type, "ExecuteDataFlow")) {
		json_t *df = json_object_get(tp, "dataflow");

		if (json_is_object(df)) {
			const char *dfname = json_str(df, "referenceName");
			const struct artifact_type *dft = artifact_type_by_name("dataflow");
			struct artifact *target = dfname ? workspace_find(c->ws, dft, dfname) : NULL;

			set_if_absent(df, "parameters", json_object());
			if (!json_object_get(df, "datasetParameters")) {
				json_t *dp = json_object();
				json_t *dtp = target ? json_path(target->json, "properties.typeProperties")
						     : NULL;

				for (int s = 0; s < 2; s++) {
					json_t *arr = json_object_get(dtp, s ? "sinks" : "sources"), *e;
					size_t i;

					json_array_foreach(arr, i, e) {
						const char *n = json_str(e, "name");

						if (n)
							set_if_absent(dp, n, json_object());
					}
				}
				json_object_set_new(df, "datasetParameters", dp);
			}
			if (!json_object_get(tp, "staging"))
				obj_insert(tp, "dataflow", NULL, "staging", json_object());
		}
	} else if (!strcmp(type, "ExecutePipeline") && current) {
		if (!json_object_get(act, "policy")) {
			json_t *pol = json_object();

			json_object_set_new(pol, "secureInput", json_false());
			obj_insert(act, json_object_get(act, "dependsOn") ? "dependsOn" : "type",
				   NULL, "policy", pol);
		}
		set_if_absent(tp, "parameters", json_object());
	} else if (!strcmp(type, "SynapseNotebook") && current) {
		if (!json_object_get(tp, "conf")) {
			json_t *conf = json_object();

			json_object_set_new(conf, "spark.dynamicAllocation.enabled", json_null());
			json_object_set_new(conf, "spark.dynamicAllocation.minExecutors", json_null());
			json_object_set_new(conf, "spark.dynamicAllocation.maxExecutors", json_null());
			json_object_set_new(tp, "conf", conf);
			set_if_absent(tp, "numExecutors", json_null());
		}
	}
}

static void normalize_activities(struct build_ctx *c, json_t *activities)
{
	size_t i;
	json_t *act;

	json_array_foreach(activities, i, act)
		normalize_activity(c, act);
}

static void normalize_pipeline(struct build_ctx *c, json_t *props)
{
	static const char *const before[] = {
		"parameters", "variables", "folder", "annotations", "lastPublishTime", NULL,
	};

	normalize_activities(c, json_object_get(props, "activities"));
	if (!json_object_get(props, "policy")) {
		json_t *pol = json_object();

		json_object_set_new(pol, "elapsedTimeMetric", json_object());
		if (c->opts->studio == BUILD_STUDIO_2022)
			json_object_set_new(pol, "cancelAfter", json_object());
		obj_insert(props, NULL, before, "policy", pol);
	}
}

static void normalize_notebook(json_t *props)
{
	json_t *opts = json_path(props, "metadata.a365ComputeOptions");
	json_t *cells = json_object_get(props, "cells"), *cell;
	size_t i;

	if (json_is_object(opts))
		json_object_del(opts, "automaticScaleJobs");
	json_array_foreach(cells, i, cell) {
		const char *ct = json_str(cell, "cell_type");

		if (!ct || strcmp(ct, "code") || json_object_get(cell, "outputs"))
			continue;
		if (json_object_get(cell, "execution_count")) {
			static const char *const before[] = { "execution_count", NULL };

			obj_insert(cell, NULL, before, "outputs", json_array());
		} else {
			json_object_set_new(cell, "outputs", json_array());
		}
	}
}

static void normalize_trigger(struct build_ctx *c, struct resource *r)
{
	json_t *pipelines = json_object_get(r->props, "pipelines");
	const struct artifact_type *pt = artifact_type_by_name("pipeline");
	size_t i = 0;

	while (json_is_array(pipelines) && i < json_array_size(pipelines)) {
		json_t *e = json_array_get(pipelines, i);
		json_t *ref = json_object_get(e, "pipelineReference");
		const char *name = json_str(ref, "referenceName");

		if (name && !workspace_find(c->ws, pt, name)) {
			add_warning(c, xstrfmt("trigger '%s': pipeline '%s' does not exist; "
					       "its reference is left out, as Publish does",
					       r->name, name));
			json_array_remove(pipelines, i);
			continue;
		}
		if (json_is_object(e) && !json_object_get(e, "parameters"))
			obj_insert(e, "pipelineReference", NULL, "parameters", json_object());
		i++;
	}
}

static void normalize_linked_service(struct resource *r)
{
	static const char *const order[] = {
		"description", "parameters", "annotations", "type", "typeProperties",
		"connectVia", NULL,
	};
	json_t *tp = json_object_get(r->props, "typeProperties");

	if (json_is_object(tp) && json_object_get(tp, "encryptedCredential")) {
		r->has_encrypted_credential = 1;
		json_object_del(tp, "encryptedCredential");
	}
	obj_reorder(r->props, order);
}

static void normalize(struct build_ctx *c, struct resource *r)
{
	if (is_type(r, "pipeline"))
		normalize_pipeline(c, r->props);
	else if (is_type(r, "linkedService"))
		normalize_linked_service(r);
	else if (is_type(r, "dataset") || is_type(r, "credential"))
		set_if_absent(r->props, "typeProperties", json_object());
	else if (is_type(r, "notebook"))
		normalize_notebook(r->props);
	else if (is_type(r, "trigger"))
		normalize_trigger(c, r);
}

/* --- references, breadth first --- */

static int counts_as_dependency(const struct resource *r, const struct artifact_type *t)
{
	if (!t || !t->arm_type || (t->flags & ATF_PART))
		return 0;
	if (!strcmp(t->name, "sqlPool"))
		return 0;
	/* a notebook's (or job's) Spark pool is where it runs, not a dependency */
	if (!strcmp(t->name, "bigDataPool") &&
	    (is_type(r, "notebook") || is_type(r, "sparkJobDefinition")))
		return 0;
	return 1;
}

static void collect_deps(struct build_ctx *c, struct resource *r)
{
	json_t **queue = NULL;
	size_t head = 0, tail = 0, alloc = 0;

	ALLOC_GROW(queue, tail + 1, alloc);
	queue[tail++] = r->props;
	while (head < tail) {
		json_t *v = queue[head++];

		if (json_is_object(v)) {
			const char *rt = json_str(v, "type"), *name = json_str(v, "referenceName");
			const struct artifact_type *t = rt ? artifact_type_by_ref(rt) : NULL;
			const char *key;
			json_t *child;

			if (name && t && counts_as_dependency(r, t)) {
				int dup = 0;

				for (size_t i = 0; i < r->deps_nr; i++)
					if (r->deps[i].type == t && !strcmp(r->deps[i].name, name))
						dup = 1;
				/* a reference to an artifact that is not in Git is left out */
				if (!dup && (!(t->flags & ATF_IN_GIT) || workspace_find(c->ws, t, name))) {
					ALLOC_GROW(r->deps, r->deps_nr + 1, r->deps_alloc);
					r->deps[r->deps_nr].type = t;
					r->deps[r->deps_nr].name = xstrdup(name);
					r->deps[r->deps_nr].ref = json_incref(v);
					r->deps_nr++;
				}
			}
			json_object_foreach(v, key, child) {
				if (json_is_object(child) || json_is_array(child)) {
					ALLOC_GROW(queue, tail + 1, alloc);
					queue[tail++] = child;
				}
			}
		} else if (json_is_array(v)) {
			size_t i;
			json_t *child;

			json_array_foreach(v, i, child) {
				if (json_is_object(child) || json_is_array(child)) {
					ALLOC_GROW(queue, tail + 1, alloc);
					queue[tail++] = child;
				}
			}
		}
	}
	free(queue);
}

static const char *arm_suffix(const struct artifact_type *t)
{
	return t->arm_type + strlen("Microsoft.Synapse/workspaces/");
}

/* The parameter name in "[parameters('<name>')]", or NULL. */
static char *param_in_expr(const char *s)
{
	size_t n;

	if (!s || strncmp(s, "[parameters('", 13))
		return NULL;
	n = strlen(s);
	if (n < 16 || strcmp(s + n - 3, "')]"))
		return NULL;
	return xstrndup(s + 13, n - 16);
}

static json_t *depends_on(const struct resource *r)
{
	json_t *arr = json_array();

	if (is_type(r, "managedPrivateEndpoint")) {
		const char *vnet = r->a->parent ? r->a->parent : "default";
		char *s = xstrfmt("[concat(variables('workspaceId'), '/managedVirtualNetworks/%s')]",
				  vnet);

		json_array_append_new(arr, json_string(s));
		free(s);
	}
	for (size_t i = 0; i < r->deps_nr; i++) {
		const struct dep *d = &r->deps[i];
		const char *now = json_str(d->ref, "referenceName");
		char *param = now && strcmp(now, d->name) ? param_in_expr(now) : NULL;
		char *s;

		if (param)
			s = xstrfmt("[concat(variables('workspaceId'), '/%s/', parameters('%s'))]",
				    arm_suffix(d->type), param);
		else
			s = xstrfmt("[concat(variables('workspaceId'), '/%s/%s')]",
				    arm_suffix(d->type), d->name);
		json_array_append_new(arr, json_string(s));
		free(s);
		free(param);
	}
	return arr;
}

/* --- the secure-string pass over linked services --- */

static void secure_strings(struct build_ctx *c, struct resource *r)
{
	json_t *tp = json_object_get(r->props, "typeProperties");
	const char *ls_type = json_str(r->props, "type");
	void *it;

	if (!json_is_object(tp))
		return;
	for (it = json_object_iter(tp); it; it = json_object_iter_next(tp, it)) {
		const char *key = json_object_iter_key(it);
		json_t *v = json_object_iter_value(it);
		const char *vt = json_str(v, "type");
		int secure = json_is_object(v) && vt && !strcmp(vt, "SecureString");
		int conn = !strcmp(key, "connectionString") && json_is_string(v);
		char *name, *meta, *expr;
		json_t *def, *wrap;

		if (!secure && !conn)
			continue;
		name = xstrfmt("%s_%s", r->name, key);
		if (!json_object_get(c->params.defs, name)) {
			def = json_object();
			json_object_set_new(def, "type", json_string("secureString"));
			meta = xstrfmt("Secure string for '%s' of '%s'", key, r->name);
			json_object_set_new(def, "metadata", json_string(meta));
			free(meta);
			if (conn && !r->has_encrypted_credential) {
				const char *cs = json_string_value(v);

				if (ls_type && !strcmp(ls_type, "AzureSqlDW") &&
				    strncmp(cs, "Integrated Security", 19)) {
					char *full = xstrfmt("Integrated Security=False;Encrypt=True;"
							     "Connection Timeout=30;%s", cs);

					json_object_set_new(def, "defaultValue", json_string(full));
					free(full);
				} else {
					json_object_set_new(def, "defaultValue", json_string(cs));
				}
			}
			json_object_set_new(c->params.defs, name, def);
			json_object_set_new(c->params.secure_wrapped, name, json_true());
		}
		wrap = json_object();
		json_object_set_new(wrap, "type", json_string("SecureString"));
		expr = tpd_param_expr(name);
		json_object_set_new(wrap, "value", json_string(expr));
		free(expr);
		json_object_iter_set_new(tp, it, wrap);
		free(name);
	}
}

/* --- collecting resources --- */

static int res_cmp(const void *va, const void *vb)
{
	const struct resource *a = va, *b = vb;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return strcmp(a->a->relpath, b->a->relpath);
}

static int part_cmp(const void *va, const void *vb)
{
	static const char *const kinds[] = { "databaseTable", "databaseView",
					     "databaseRelationship" };
	const struct artifact *a = *(struct artifact *const *)va, *b = *(struct artifact *const *)vb;
	int ka = 0, kb = 0;

	for (int i = 0; i < 3; i++) {
		if (!strcmp(a->type->name, kinds[i]))
			ka = i;
		if (!strcmp(b->type->name, kinds[i]))
			kb = i;
	}
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return strcmp(a->relpath, b->relpath);
}

static json_t *ddl(json_t *entity)
{
	json_t *d = json_object(), *src = json_object();

	json_object_set_new(d, "ActionType", json_string("CREATE"));
	json_object_set_new(d, "OldEntity", json_null());
	json_object_set(d, "NewEntity", entity ? entity : json_null());
	json_object_set_new(src, "Type", json_string("SPARK"));
	json_object_set_new(d, "Source", src);
	return d;
}

static int lake_database(struct build_ctx *c, struct resource *r)
{
	struct artifact **parts = NULL;
	size_t nr = 0, alloc = 0;
	json_t *ddls = json_array();

	for (size_t i = 0; i < c->ws->nr; i++) {
		struct artifact *a = c->ws->items[i];

		if (a->type && (a->type->flags & ATF_PART) && a->parent &&
		    !strcmp(a->parent, r->a->stem)) {
			ALLOC_GROW(parts, nr + 1, alloc);
			parts[nr++] = a;
		}
	}
	if (nr > 1)
		qsort(parts, nr, sizeof(*parts), part_cmp);
	json_array_append_new(ddls, ddl(json_object_get(r->a->json, "properties")));
	for (size_t i = 0; i < nr; i++)
		json_array_append_new(ddls, ddl(json_object_get(parts[i]->json, "properties")));
	free(parts);
	r->props = json_object();
	json_object_set_new(r->props, "Ddls", ddls);
	return 0;
}

static int check_loaded(struct workspace *ws, struct artifact *a)
{
	if (artifact_load(ws, a) < 0)
		return set_error("cannot read '%s': %s", a->path, last_error());
	if (!a->json)
		return set_error("cannot parse '%s': %s at line %d, column %d", a->path,
				 a->error.text, a->error.line, a->error.column);
	if (!json_is_object(a->json))
		return set_error("'%s' is not a JSON object", a->path);
	/* the tree is all we need from here on: keep peak memory low */
	free(a->data);
	a->data = NULL;
	a->len = 0;
	return 0;
}

static int collect(struct build_ctx *c)
{
	for (size_t i = 0; i < c->ws->nr; i++) {
		struct artifact *a = c->ws->items[i];
		struct resource *r;
		json_t *props;
		int rank;

		if (!a->type || (a->type->flags & ATF_LIVE_ONLY))
			continue;
		if (check_loaded(c->ws, a) < 0)
			return -1;
		if (a->type->flags & ATF_PART)
			continue;
		rank = type_rank(a->type);
		if (rank < 0)
			continue;
		ALLOC_GROW(c->res, c->nr + 1, c->alloc);
		r = &c->res[c->nr++];
		memset(r, 0, sizeof(*r));
		r->type = a->type;
		r->a = a;
		r->rank = rank;
		if (is_type(r, "managedPrivateEndpoint"))
			r->name = xstrfmt("%s/%s", a->parent ? a->parent : "default", a->name);
		else
			r->name = xstrdup(a->name);
		props = json_object_get(a->json, "properties");
		if (is_type(r, "database")) {
			continue; /* after every part is loaded */
		} else if (json_is_object(props)) {
			r->props = json_incref(props);
		} else {
			r->props = json_object();
		}
	}
	for (size_t i = 0; i < c->nr; i++)
		if (is_type(&c->res[i], "database") && lake_database(c, &c->res[i]) < 0)
			return -1;
	if (c->nr > 1)
		qsort(c->res, c->nr, sizeof(*c->res), res_cmp);
	return 0;
}

static int load_tpd(struct build_ctx *c, struct tpd *t)
{
	struct artifact *a = c->ws->tpd;

	if (!a)
		return tpd_load_default(t);
	if (artifact_load(c->ws, a) < 0)
		return set_error("cannot read '%s': %s", a->path, last_error());
	return tpd_parse(t, a->data, a->len, a->path);
}

static void write_files(struct build_ctx *c)
{
	json_t *tmpl = json_object(), *params = json_object(), *pfile = json_object();
	json_t *resources = json_array(), *vars = json_object(), *ws = json_object();
	const char *key;
	json_t *def;

	json_object_set_new(ws, "type", json_string("string"));
	json_object_set_new(ws, "metadata", json_string("Workspace name"));
	json_object_set_new(ws, "defaultValue", json_string(c->opts->workspace_name));
	json_object_set_new(params, "workspaceName", ws);
	json_object_foreach(c->params.defs, key, def)
		json_object_set(params, key, def);

	json_object_set_new(vars, "workspaceId",
			    json_string("[concat('Microsoft.Synapse/workspaces/', "
					"parameters('workspaceName'))]"));
	for (size_t i = 0; i < c->nr; i++) {
		struct resource *r = &c->res[i];
		json_t *o = json_object();
		char *n = xstrfmt("[concat(parameters('workspaceName'), '/%s')]", r->name);

		json_object_set_new(o, "name", json_string(n));
		free(n);
		json_object_set_new(o, "type", json_string(r->type->arm_type));
		json_object_set_new(o, "apiVersion", json_string(API_VERSION));
		json_object_set(o, "properties", r->props);
		json_object_set_new(o, "dependsOn", depends_on(r));
		json_array_append_new(resources, o);
	}
	json_object_set_new(tmpl, "$schema", json_string("http://schema.management.azure.com/"
			    "schemas/2015-01-01/deploymentTemplate.json#"));
	json_object_set_new(tmpl, "contentVersion", json_string("1.0.0.0"));
	json_object_set(tmpl, "parameters", params);
	json_object_set_new(tmpl, "variables", vars);
	json_object_set_new(tmpl, "resources", resources);
	json_studio_write(&c->out->template_json, tmpl);
	json_decref(tmpl);

	json_object_set_new(pfile, "$schema", json_string("https://schema.management.azure.com/"
			    "schemas/2015-01-01/deploymentParameters.json#"));
	json_object_set_new(pfile, "contentVersion", json_string("1.0.0.0"));
	{
		json_t *values = json_object();

		json_object_foreach(params, key, def) {
			json_t *dv = json_object_get(def, "defaultValue");
			json_t *v = json_object();

			json_object_set_new(v, "value", dv ? json_incref(dv) : json_string(""));
			json_object_set_new(values, key, v);
		}
		json_object_set_new(pfile, "parameters", values);
	}
	json_studio_write(&c->out->parameters_json, pfile);
	json_decref(pfile);
	c->out->resources = c->nr;
	c->out->parameters = json_object_size(params);
	json_decref(params);
}

int build_workspace(struct workspace *ws, const struct build_options *opts,
		    struct build_result *out)
{
	struct build_ctx c;
	struct tpd t;
	int ret = -1;

	memset(&c, 0, sizeof(c));
	c.ws = ws;
	c.opts = opts;
	c.out = out;
	tpd_init(&t);
	tpd_params_init(&c.params);
	c.params.keep_unwrapped_default = opts->studio != BUILD_STUDIO_2022;
	if (!opts->workspace_name || !*opts->workspace_name) {
		set_error("no workspace name");
		goto cleanup;
	}
	if (load_tpd(&c, &t) < 0 || collect(&c) < 0)
		goto cleanup;
	for (size_t i = 0; i < c.nr; i++)
		normalize(&c, &c.res[i]);
	for (size_t i = 0; i < c.nr; i++)
		collect_deps(&c, &c.res[i]);
	for (size_t i = 0; i < c.nr; i++)
		if (is_type(&c.res[i], "linkedService"))
			secure_strings(&c, &c.res[i]);
	for (size_t i = 0; i < c.nr; i++) {
		struct resource *r = &c.res[i];
		const char *sub = tpd_type_has_subtypes(r->type->arm_type) ?
				  json_str(r->props, "type") : NULL;

		if (tpd_apply(&t, &c.params, r->type->arm_type, sub, r->name, r->props) < 0)
			goto cleanup;
	}
	write_files(&c);
	ret = 0;
cleanup:
	for (size_t i = 0; i < c.nr; i++) {
		struct resource *r = &c.res[i];

		for (size_t k = 0; k < r->deps_nr; k++) {
			free(r->deps[k].name);
			json_decref(r->deps[k].ref);
		}
		free(r->deps);
		free(r->name);
		json_decref(r->props);
	}
	free(c.res);
	tpd_params_release(&c.params);
	tpd_release(&t);
	return ret;
}
