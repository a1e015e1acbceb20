#include "tpd.h"
#include "json.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Studio's built-in definition, worked out from publishes of workspaces
 * without a template-parameters-definition.json: linked services of any
 * type get these typeProperties parameterized, nothing else is.
 */
static const char default_definition[] =
	"{\"Microsoft.Synapse/workspaces/linkedServices\": {\"*\": {\"properties\": {"
	"\"typeProperties\": {"
	"\"url\": \"=\", \"baseUrl\": \"=\", \"database\": \"=\", "
	"\"subscriptionId\": \"=\", \"resourceGroupName\": \"=\", \"userName\": \"=\", "
	"\"connectionString\": \"|:-connectionString:secureString\"}}}}}";

static const char *const sub_typed[] = {
	"Microsoft.Synapse/workspaces/linkedServices",
	"Microsoft.Synapse/workspaces/datasets",
};

static const char *const param_types[] = {
	"string", "secureString", "int", "bool", "object", "secureObject", "array",
};

int tpd_type_has_subtypes(const char *arm_type)
{
	for (size_t i = 0; i < ARRAY_SIZE(sub_typed); i++)
		if (!strcasecmp(arm_type, sub_typed[i]))
			return 1;
	return 0;
}

static void node_free(struct tpd_node *n)
{
	if (!n)
		return;
	free(n->name);
	free(n->type);
	for (size_t i = 0; i < n->nr; i++) {
		free(n->keys[i]);
		node_free(n->children[i]);
	}
	free(n->keys);
	free(n->children);
	node_free(n->star);
	node_free(n->elem);
	free(n);
}

void tpd_init(struct tpd *t)
{
	memset(t, 0, sizeof(*t));
}

void tpd_release(struct tpd *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		free(t->rules[i].arm_type);
		free(t->rules[i].subtype);
		node_free(t->rules[i].node);
	}
	free(t->rules);
	tpd_init(t);
}

/* --- parsing --- */

struct parse_ctx {
	const char *label;
	const char *buf;
	size_t len;
	struct strbuf path;    /* JSONPath for messages: $['a'].b[0] */
	struct strbuf pointer; /* JSON pointer, to find the line */
	struct tpd_error *err; /* where the first problem is, when asked */
};

static int is_ident(const char *key)
{
	if (!*key)
		return 0;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
		      *p == '$' || (p != key && *p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

static void path_push_key(struct parse_ctx *c, const char *key)
{
	if (is_ident(key)) {
		strbuf_addch(&c->path, '.');
		strbuf_addstr(&c->path, key);
	} else {
		strbuf_addstr(&c->path, "['");
		for (const char *p = key; *p; p++) {
			if (*p == '\'' || *p == '\\')
				strbuf_addch(&c->path, '\\');
			strbuf_addch(&c->path, *p);
		}
		strbuf_addstr(&c->path, "']");
	}
	strbuf_addch(&c->pointer, '/');
	strbuf_add_pointer_token(&c->pointer, key);
}

static int parse_fail(struct parse_ctx *c, const char *what)
{
	int line = 0, col = 0;

	json_locate(c->buf, c->len, c->pointer.buf, &line, &col);
	if (c->err) {
		c->err->pointer = xstrdup(c->pointer.buf);
		c->err->message = xstrfmt("at %s: %s", c->path.buf, what);
		c->err->line = line;
		c->err->column = col;
	}
	if (line)
		return set_error("invalid parameter definition in '%s' at %s (line %d, column %d): %s",
				 c->label, c->path.buf, line, col, what);
	return set_error("invalid parameter definition in '%s' at %s: %s",
			 c->label, c->path.buf, what);
}

static int parse_leaf(struct parse_ctx *c, const char *s, struct tpd_node *n)
{
	const char *colon, *name, *type;
	size_t name_len;

	if (*s != '=' && *s != '-' && *s != '|')
		return parse_fail(c, "expected '=', '-' or '|' followed by ':<name>:<type>'");
	n->action = *s++;
	if (!*s)
		return 0;
	if (*s != ':')
		return parse_fail(c, "expected ':' after the action");
	name = s + 1;
	colon = strchr(name, ':');
	name_len = colon ? (size_t)(colon - name) : strlen(name);
	n->name = xstrndup(name, name_len);
	if (!colon)
		return 0;
	type = colon + 1;
	if (strchr(type, ':'))
		return parse_fail(c, "too many ':' separated parts");
	if (!*type)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(param_types); i++)
		if (!strcasecmp(type, param_types[i])) {
			n->type = xstrdup(param_types[i]);
			return 0;
		}
	{
		char *what = xstrfmt("unknown parameter type '%s' (expected string, securestring, "
				     "int, bool, object, secureobject or array)", type);
		int ret = parse_fail(c, what);

		free(what);
		return ret;
	}
}

static int parse_node(struct parse_ctx *c, const json_t *v, struct tpd_node **out)
{
	struct tpd_node *n = xcalloc(1, sizeof(*n));
	size_t path_len = c->path.len, ptr_len = c->pointer.len;
	int ret = 0;

	*out = n;
	switch (json_typeof(v)) {
	case JSON_STRING:
		n->kind = TPD_LEAF;
		if (strlen(json_string_value(v)) != json_string_length(v))
			return parse_fail(c, "NUL in a rule");
		return parse_leaf(c, json_string_value(v), n);
	case JSON_ARRAY:
		n->kind = TPD_ARRAY;
		if (json_array_size(v) != 1)
			return parse_fail(c, "an array must hold exactly one element, applied to each element");
		strbuf_addstr(&c->path, "[0]");
		strbuf_addstr(&c->pointer, "/0");
		ret = parse_node(c, json_array_get(v, 0), &n->elem);
		break;
	case JSON_OBJECT: {
		const char *key;
		json_t *child;

		n->kind = TPD_OBJECT;
		json_object_foreach((json_t *)v, key, child) {
			path_push_key(c, key);
			if (!strcmp(key, "*")) {
				ret = parse_node(c, child, &n->star);
			} else {
				ALLOC_GROW(n->keys, n->nr + 1, n->alloc);
				n->children = xrealloc(n->children, n->alloc * sizeof(*n->children));
				n->keys[n->nr] = xstrdup(key);
				ret = parse_node(c, child, &n->children[n->nr]);
				n->nr++;
			}
			if (ret < 0)
				return ret;
			strbuf_setlen(&c->path, path_len);
			strbuf_setlen(&c->pointer, ptr_len);
		}
		break;
	}
	default:
		return parse_fail(c, "expected a rule string, an object or an array");
	}
	if (ret < 0)
		return ret;
	strbuf_setlen(&c->path, path_len);
	strbuf_setlen(&c->pointer, ptr_len);
	return 0;
}

static void add_rule(struct tpd *t, const char *arm_type, const char *subtype,
		     struct tpd_node *node)
{
	ALLOC_GROW(t->rules, t->nr + 1, t->alloc);
	t->rules[t->nr].arm_type = xstrdup(arm_type);
	t->rules[t->nr].subtype = subtype ? xstrdup(subtype) : NULL;
	t->rules[t->nr].node = node;
	t->nr++;
}

void tpd_error_release(struct tpd_error *err)
{
	free(err->pointer);
	free(err->message);
	memset(err, 0, sizeof(*err));
}

int tpd_parse(struct tpd *t, const char *buf, size_t len, const char *label)
{
	return tpd_parse_at(t, buf, len, label, NULL);
}

int tpd_parse_at(struct tpd *t, const char *buf, size_t len, const char *label,
		 struct tpd_error *err)
{
	struct parse_ctx c = { label, buf, len, STRBUF_INIT, STRBUF_INIT, err };
	struct json_error jerr;
	json_t *root = json_parse(buf, len, &jerr);
	const char *type;
	json_t *v;
	int ret = 0;

	tpd_init(t);
	if (err)
		memset(err, 0, sizeof(*err));
	strbuf_addch(&c.path, '$');
	if (!root) {
		if (err) {
			err->pointer = xstrdup("");
			err->message = xstrdup(jerr.text);
			err->line = jerr.line;
			err->column = jerr.column;
		}
		ret = set_error("cannot parse '%s': %s at line %d, column %d", label, jerr.text,
				jerr.line, jerr.column);
		goto cleanup;
	}
	if (!json_is_object(root)) {
		ret = parse_fail(&c, "expected an object keyed by resource type");
		goto cleanup;
	}
	json_object_foreach(root, type, v) {
		size_t path_len, ptr_len;

		path_push_key(&c, type);
		path_len = c.path.len;
		ptr_len = c.pointer.len;
		if (!json_is_object(v)) {
			ret = parse_fail(&c, "expected an object");
			goto cleanup;
		}
		if (tpd_type_has_subtypes(type)) {
			const char *sub;
			json_t *sv;

			json_object_foreach(v, sub, sv) {
				struct tpd_node *node = NULL;

				path_push_key(&c, sub);
				if (!strcmp(sub, "properties")) {
					/* no sub-type level: the rule is for every type */
					struct tpd_node *wrap = xcalloc(1, sizeof(*wrap));

					wrap->kind = TPD_OBJECT;
					ret = parse_node(&c, sv, &node);
					wrap->keys = xmalloc(sizeof(char *));
					wrap->children = xmalloc(sizeof(*wrap->children));
					wrap->keys[0] = xstrdup("properties");
					wrap->children[0] = node;
					wrap->nr = wrap->alloc = 1;
					add_rule(t, type, "*", wrap);
				} else {
					if (!json_is_object(sv))
						ret = parse_fail(&c, "expected an object for the sub-type");
					else
						ret = parse_node(&c, sv, &node);
					add_rule(t, type, sub, node);
				}
				if (ret < 0)
					goto cleanup;
				strbuf_setlen(&c.path, path_len);
				strbuf_setlen(&c.pointer, ptr_len);
			}
		} else {
			struct tpd_node *node = NULL;

			ret = parse_node(&c, v, &node);
			add_rule(t, type, NULL, node);
			if (ret < 0)
				goto cleanup;
		}
		strbuf_setlen(&c.path, 1);
		strbuf_setlen(&c.pointer, 0);
	}
cleanup:
	if (ret < 0)
		tpd_release(t);
	json_decref(root);
	strbuf_release(&c.path);
	strbuf_release(&c.pointer);
	return ret < 0 ? -1 : 0;
}

int tpd_load_default(struct tpd *t)
{
	return tpd_parse(t, default_definition, sizeof(default_definition) - 1,
			 "built-in definition");
}

/* --- applying --- */

void tpd_params_init(struct tpd_params *p)
{
	p->defs = json_object();
	p->keep_unwrapped_default = 1;
	p->secure_wrapped = json_object();
}

void tpd_params_release(struct tpd_params *p)
{
	json_decref(p->defs);
	json_decref(p->secure_wrapped);
	p->defs = NULL;
	p->secure_wrapped = NULL;
}

char *tpd_param_expr(const char *name)
{
	return xstrfmt("[parameters('%s')]", name);
}

struct apply_ctx {
	struct tpd_params *params;
	const char *artifact;
	const char **segs;   /* path from "properties", array keys replaced by indexes */
	size_t nr, alloc;
	int in_array;
	char **owned;        /* index strings */
	size_t owned_nr, owned_alloc;
};

static void push_seg(struct apply_ctx *c, const char *s)
{
	ALLOC_GROW(c->segs, c->nr + 1, c->alloc);
	c->segs[c->nr++] = s;
}

static const char *infer_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_INTEGER:
	case JSON_REAL: return "int";
	case JSON_TRUE:
	case JSON_FALSE: return "bool";
	default: return "string";
	}
}

/*
 * The default name: the artifact, then the path from "properties" with
 * array keys replaced by the element index. Inside an array the leaf
 * key itself is left out, as Studio does. With replace, the leaf key is
 * replaced by it instead.
 */
static void default_name(struct strbuf *sb, const struct apply_ctx *c, int leaf_is_key,
			 const char *replace)
{
	size_t n = c->nr;

	if (n && leaf_is_key && (c->in_array || replace))
		n--;
	strbuf_addstr(sb, c->artifact);
	for (size_t i = 0; i < n; i++) {
		strbuf_addch(sb, '_');
		strbuf_addstr(sb, c->segs[i]);
	}
	if (replace) {
		strbuf_addch(sb, '_');
		strbuf_addstr(sb, replace);
	}
}

static void add_param(struct apply_ctx *c, const char *name, const char *type,
		      const char *key, const json_t *def_value)
{
	json_t *def;

	if (json_object_get(c->params->defs, name))
		return; /* first wins; later properties share it */
	def = json_object();
	json_object_set_new(def, "type", json_string(type));
	if (!strcmp(type, "secureString") || !strcmp(type, "secureObject")) {
		char *meta = xstrfmt("Secure string for '%s' of '%s'", key, c->artifact);

		json_object_set_new(def, "metadata", json_string(meta));
		free(meta);
	}
	if (def_value)
		json_object_set_new(def, "defaultValue", json_deep_copy(def_value));
	json_object_set_new(c->params->defs, name, def);
}

static void set_slot(json_t *container, const char *key, size_t index, json_t *v)
{
	if (json_is_object(container))
		json_object_set_new(container, key, v);
	else
		json_array_set_new(container, index, v);
}

/* The parameter the secure-string pass put in a wrapper, or NULL. */
static const char *wrapped_param(const struct apply_ctx *c, const json_t *v)
{
	const char *val = json_str(v, "value"), *end;
	static char name[512];
	size_t n;

	if (!json_is_object(v) || !val || strncmp(val, "[parameters('", 13))
		return NULL;
	end = strstr(val + 13, "')]");
	if (!end || end[3])
		return NULL;
	n = (size_t)(end - (val + 13));
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, val + 13, n);
	name[n] = '\0';
	return json_object_get(c->params->secure_wrapped, name) ? name : NULL;
}

static void apply_leaf(struct apply_ctx *c, const struct tpd_node *leaf, json_t *container,
		       const char *key, size_t index)
{
	json_t *v = json_is_object(container) ? json_object_get(container, key)
					      : json_array_get(container, index);
	struct strbuf name = STRBUF_INIT;
	const char *wrapped, *type, *vtype = json_str(v, "type");
	char *expr;

	if (!v)
		return;
	if ((wrapped = wrapped_param(c, v))) {
		json_t *def = json_object_get(c->params->defs, wrapped);

		if (!c->params->keep_unwrapped_default)
			json_object_del(def, "defaultValue");
		expr = tpd_param_expr(wrapped);
		set_slot(container, key, index, json_string(expr));
		free(expr);
		return;
	}
	if (leaf->action == '|' && json_is_object(v) && vtype &&
	    !strcmp(vtype, "AzureKeyVaultSecret")) {
		json_t *secret = json_object_get(v, "secretName");

		if (!secret)
			return;
		default_name(&name, c, json_is_object(container), NULL);
		strbuf_addstr(&name, "_secretName");
		add_param(c, name.buf, leaf->type && strcmp(leaf->type, "secureString") ?
			  leaf->type : infer_type(secret), "secretName", secret);
		expr = tpd_param_expr(name.buf);
		json_object_set_new(v, "secretName", json_string(expr));
		free(expr);
		strbuf_release(&name);
		return;
	}

	if (leaf->name && leaf->name[0] == '-') {
		strbuf_addf(&name, "%s_%s", c->artifact, leaf->name + 1);
	} else if (leaf->name && *leaf->name) {
		default_name(&name, c, json_is_object(container), leaf->name);
	} else {
		default_name(&name, c, json_is_object(container), NULL);
	}
	type = leaf->type ? leaf->type : leaf->action == '|' ? "secureString" : infer_type(v);
	add_param(c, name.buf, type, key, leaf->action == '=' ? v : NULL);
	expr = tpd_param_expr(name.buf);
	set_slot(container, key, index, json_string(expr));
	free(expr);
	strbuf_release(&name);
}

static void walk(struct apply_ctx *c, const struct tpd_node **nodes, size_t n, json_t *v);

/*
 * The rules that several nodes give one child: explicit keys before
 * "*", later nodes (a named sub-type) over earlier ones ("*").
 */
static size_t children_for(const struct tpd_node **nodes, size_t n, const char *key,
			   const struct tpd_node **out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct tpd_node *child = NULL;

		if (nodes[i]->kind != TPD_OBJECT)
			continue;
		for (size_t j = 0; j < nodes[i]->nr; j++)
			if (!strcmp(nodes[i]->keys[j], key)) {
				child = nodes[i]->children[j];
				break;
			}
		if (!child)
			child = nodes[i]->star;
		if (child)
			out[k++] = child;
	}
	return k;
}

static void visit_child(struct apply_ctx *c, const struct tpd_node **kids, size_t k,
			json_t *container, const char *key, size_t index)
{
	const struct tpd_node *leaf = NULL;
	json_t *child = json_is_object(container) ? json_object_get(container, key)
						  : json_array_get(container, index);

	for (size_t i = 0; i < k; i++)
		if (kids[i]->kind == TPD_LEAF)
			leaf = kids[i];
	if (leaf) {
		apply_leaf(c, leaf, container, key, index);
		return;
	}
	walk(c, kids, k, child);
}

static void walk(struct apply_ctx *c, const struct tpd_node **nodes, size_t n, json_t *v)
{
	const struct tpd_node **kids;

	if (!n)
		return;
	kids = xcalloc(n, sizeof(*kids));
	if (json_is_object(v)) {
		void *it;

		for (it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
			const char *key = json_object_iter_key(it);
			size_t k = children_for(nodes, n, key, kids);

			if (!k)
				continue;
			push_seg(c, key);
			visit_child(c, kids, k, v, key, 0);
			c->nr--;
		}
	} else if (json_is_array(v)) {
		size_t k = 0, saved_nr = c->nr;
		int saved_in_array = c->in_array;
		const char *array_key = c->nr ? c->segs[c->nr - 1] : NULL;

		for (size_t i = 0; i < n; i++)
			if (nodes[i]->kind == TPD_ARRAY && nodes[i]->elem)
				kids[k++] = nodes[i]->elem;
		if (k) {
			/* the array's key is dropped from names, the index kept */
			if (c->nr)
				c->nr--;
			c->in_array = 1;
			for (size_t i = 0; i < json_array_size(v); i++) {
				char *idx = xstrfmt("%zu", i);

				ALLOC_GROW(c->owned, c->owned_nr + 1, c->owned_alloc);
				c->owned[c->owned_nr++] = idx;
				push_seg(c, idx);
				visit_child(c, kids, k, v, idx, i);
				c->nr--;
			}
			c->in_array = saved_in_array;
			if (array_key)
				c->segs[c->nr] = array_key;
			c->nr = saved_nr;
		}
	}
	free(kids);
}

int tpd_apply(const struct tpd *t, struct tpd_params *params, const char *arm_type,
	      const char *subtype, const char *artifact, json_t *props)
{
	struct apply_ctx c;
	const struct tpd_node **nodes;
	json_t *holder;
	size_t n = 0;

	memset(&c, 0, sizeof(c));
	c.params = params;
	c.artifact = artifact;
	nodes = xcalloc(t->nr ? t->nr : 1, sizeof(*nodes));
	/* "*" first, then the named sub-type, which wins on a conflict */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < t->nr; i++) {
			const struct tpd_rule *r = &t->rules[i];

			if (strcasecmp(r->arm_type, arm_type) || !r->node)
				continue;
			if (!r->subtype) {
				if (pass == 0)
					nodes[n++] = r->node;
			} else if (pass == 0 ? !strcmp(r->subtype, "*")
					     : subtype && strcmp(r->subtype, "*") &&
					       !strcmp(r->subtype, subtype)) {
				nodes[n++] = r->node;
			}
		}
	/* the rules mirror the resource, whose "properties" is props */
	holder = json_object();
	json_object_set(holder, "properties", props);
	walk(&c, nodes, n, holder);
	json_decref(holder);
	free(nodes);
	for (size_t i = 0; i < c.owned_nr; i++)
		free(c.owned[i]);
	free(c.owned);
	free(c.segs);
	return 0;
}
