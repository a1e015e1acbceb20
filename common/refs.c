#include "refs.h"
#include "strbuf.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * A reference name is dynamic when it is an expression: an object such
 * as {"value": "@pipeline().parameters.x", "type": "Expression"}, or a
 * string starting with '@' (but "@@" escapes a literal '@').
 */
static int is_dynamic(const json_t *name)
{
	if (json_is_object(name))
		return 1;
	if (json_is_string(name)) {
		const char *s = json_string_value(name);

		return s[0] == '@' && s[1] != '@';
	}
	return 1;
}

struct walk {
	struct reference **refs;
	size_t *nr, *alloc;
	size_t added;
	struct strbuf ptr;
	int in_execute_pipeline;
};

static void add_ref(struct walk *w, const json_t *obj)
{
	const char *type = json_string_value(json_object_get(obj, "type"));
	const json_t *name = json_object_get(obj, "referenceName");
	struct reference *r;

	ALLOC_GROW(*w->refs, *w->nr + 1, *w->alloc);
	r = &(*w->refs)[(*w->nr)++];
	memset(r, 0, sizeof(*r));
	r->type_name = xstrdup(type);
	r->type = artifact_type_by_ref(type);
	r->dynamic = is_dynamic(name);
	r->name = r->dynamic ? NULL : xstrdup(json_string_value(name));
	r->pointer = xstrdup(w->ptr.buf);
	r->execute_pipeline = w->in_execute_pipeline;
	w->added++;
}

static void walk_value(struct walk *w, const json_t *v, unsigned depth)
{
	size_t mark = w->ptr.len;

	if (depth > 512)
		return;
	if (json_is_object(v)) {
		const char *key;
		json_t *child;
		const char *type = json_string_value(json_object_get(v, "type"));
		int saved = w->in_execute_pipeline;

		if (type && json_object_get(v, "referenceName") && ends_with(type, "Reference"))
			add_ref(w, v);
		if (type && !strcmp(type, "ExecutePipeline"))
			w->in_execute_pipeline = 1;
		else if (json_object_get(v, "activities"))
			w->in_execute_pipeline = 0;
		json_object_foreach((json_t *)v, key, child) {
			if (!json_is_object(child) && !json_is_array(child))
				continue;
			strbuf_addch(&w->ptr, '/');
			strbuf_add_pointer_token(&w->ptr, key);
			walk_value(w, child, depth + 1);
			strbuf_setlen(&w->ptr, mark);
		}
		w->in_execute_pipeline = saved;
	} else if (json_is_array(v)) {
		size_t i;
		json_t *child;

		json_array_foreach(v, i, child) {
			if (!json_is_object(child) && !json_is_array(child))
				continue;
			strbuf_addf(&w->ptr, "/%zu", i);
			walk_value(w, child, depth + 1);
			strbuf_setlen(&w->ptr, mark);
		}
	}
}

size_t refs_extract(const json_t *json, struct reference **refs, size_t *nr, size_t *alloc)
{
	struct walk w = { refs, nr, alloc, 0, STRBUF_INIT, 0 };

	if (json)
		walk_value(&w, json, 0);
	strbuf_release(&w.ptr);
	return w.added;
}

void refs_free(struct reference *refs, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(refs[i].type_name);
		free(refs[i].name);
		free(refs[i].pointer);
	}
	free(refs);
}
