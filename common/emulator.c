/*
 * git synapse emulator: HTTP glue (libmicrohttpd), routing and the
 * Synapse data plane. State lives in emulator-store.c, Azure AD in
 * emulator-aad.c.
 */
#include "emulator-int.h"
#include "artifact-type.h"
#include "usage.h"

#include <microhttpd.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MS "Microsoft.Synapse/workspaces/"
#define MAX_BODY (64UL * 1024 * 1024)

/* ---- responses ---- */

void em_response_init(struct em_response *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 0);
}

void em_response_release(struct em_response *r)
{
	for (size_t i = 0; i < r->headers_nr; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	strbuf_release(&r->body);
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 0);
}

void em_response_header(struct em_response *r, const char *name, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(r->headers, r->headers_nr + 1, r->headers_alloc);
	r->headers[r->headers_nr].name = xstrdup(name);
	r->headers[r->headers_nr].value = strbuf_detach(&sb, NULL);
	r->headers_nr++;
}

void em_json_answer(struct em_response *res, int status, json_t *body, int pretty)
{
	char *text;

	res->status = status;
	strbuf_reset(&res->body);
	res->content_type = "application/json; charset=utf-8";
	if (!body)
		return;
	text = json_dumps(body, pretty ? JSON_INDENT(2) : JSON_COMPACT);
	strbuf_addstr(&res->body, text);
	free(text);
	json_decref(body);
}

void em_error(struct em_response *res, int status, int wrapped, const char *code,
	      const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (wrapped)
		em_json_answer(res, status, json_pack("{s:{s:s, s:s}}", "error", "code", code,
						      "message", msg.buf), 0);
	else
		em_json_answer(res, status, json_pack("{s:s, s:s}", "code", code,
						      "message", msg.buf), 0);
	strbuf_release(&msg);
}

void em_log(struct emulator *em, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!em->o.log_fn)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	em->o.log_fn(em->o.log_data, sb.buf);
	strbuf_release(&sb);
}

const char *em_query(const struct em_request *req, const char *name)
{
	for (size_t i = 0; req->query && req->query[i]; i += 2)
		if (!strcasecmp(req->query[i], name))
			return req->query[i + 1] ? req->query[i + 1] : "";
	return NULL;
}

const char *em_header(const struct em_request *req, const char *name)
{
	for (size_t i = 0; req->headers && req->headers[i]; i += 2)
		if (!strcasecmp(req->headers[i], name))
			return req->headers[i + 1] ? req->headers[i + 1] : "";
	return NULL;
}

/* ---- the data plane ---- */

struct ctx {
	struct emulator *em;
	const struct em_request *req;
	struct em_response *res;
	struct em_workspace *ws;
	struct strbuf base;      /* scheme://host[/workspace] */
	const char *api;
	char **segs;
	int nsegs;
};

static char *lower(const char *s)
{
	char *r = xstrdup(s);

	for (char *p = r; *p; p++)
		*p = tolower((unsigned char)*p);
	return r;
}

/* "Pipeline" from "PipelineReference"; the artifact-state and 404 name. */
static void type_word(const struct artifact_type *t, struct strbuf *sb)
{
	if (!strcmp(t->name, "library")) {
		strbuf_addstr(sb, "LibraryArtifact");
	} else if (t->ref_type && strlen(t->ref_type) > 9) {
		strbuf_add(sb, t->ref_type, strlen(t->ref_type) - 9);
	} else {
		strbuf_addch(sb, toupper((unsigned char)t->name[0]));
		strbuf_addstr(sb, t->name + 1);
	}
}

static char *resource_type(const struct artifact_type *t)
{
	char *low;
	char *ret;

	if (strchr(t->collection, '/') || !t->arm_type)
		return xstrdup(t->arm_type ? t->arm_type : t->collection);
	low = lower(t->collection);
	ret = xstrfmt(MS "%s", low);
	free(low);
	return ret;
}

static void add_id(struct ctx *c, struct strbuf *sb, const char *collseg, const char *name)
{
	strbuf_addf(sb, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
		    "emulator-rg/providers/Microsoft.Synapse/workspaces/%s/%s/%s",
		    c->ws->name, collseg, name);
}

static void not_found(struct ctx *c, const struct artifact_type *t, const char *name)
{
	struct strbuf w = STRBUF_INIT, id = STRBUF_INIT;

	type_word(t, &w);
	if (!strcmp(t->name, "sqlscript")) {
		char *low = lower(t->collection);

		add_id(c, &id, low, name);
		free(low);
		em_json_answer(c->res, 404,
			       json_pack("{s:s, s:s, s:s, s:n, s:n}", "code", "NotFound",
					 "message", "The document could not be retrieved because it does not exist.",
					 "target", id.buf, "details", "error"), 0);
		c->res->content_type = "application/json; charset=UTF-8";
	} else if (!strcmp(t->name, "notebook")) {
		struct strbuf e = STRBUF_INIT;
		char *low = lower(t->collection);

		add_id(c, &id, low, name);
		free(low);
		strbuf_addf(&e, "GetNotebook failed [statusCode from ADF: NotFound, ErrorMessage: "
			    "{\"code\":\"NotFound\",\"message\":\"The document could not be retrieved "
			    "because it does not exist.\",\"target\":\"%s\",\"details\":null,\"error\":null}]",
			    id.buf);
		em_json_answer(c->res, 404,
			       json_pack("{s:i, s:s, s:n, s:n, s:n, s:s}", "code", 404, "message",
					 "Failed Component = DataFactoryResourceProvider, ErrorCode = 404, Error = NotFound ",
					 "result", "target", "details", "error", e.buf), 0);
		strbuf_release(&e);
	} else if (!strcmp(t->name, "library")) {
		em_error(c->res, 404, 0, "LibraryDoesNotExistInWorkspace",
			 "The LibraryArtifact %s does not exist.", name);
	} else if (t->flags & ATF_NOT_LRO) {
		struct strbuf code = STRBUF_INIT;

		strbuf_addf(&code, "%sNotFound", w.buf);
		em_error(c->res, 404, 1, code.buf, "The %s %s was not found.", w.buf, name);
		strbuf_release(&code);
	} else {
		struct strbuf code = STRBUF_INIT;

		strbuf_addf(&code, "%sNotFound", w.buf);
		em_error(c->res, 404, 0, code.buf,
			 "The %s %s was not found in (subscription=00000000-0000-0000-0000-000000000000 "
			 "resourceGroup=emulator-rg workspace=%s)", w.buf, name, c->ws->name);
		strbuf_release(&code);
	}
	strbuf_release(&w);
	strbuf_release(&id);
}

/* An If-Match / If-None-Match value matches etag ("x", W/"x" or x). */
static int etag_matches(const char *want, const char *etag)
{
	size_t n;

	if (!etag)
		return 0;
	if (!strncmp(want, "W/", 2))
		want += 2;
	n = strlen(want);
	if (n >= 2 && want[0] == '"' && want[n - 1] == '"')
		return n - 2 == strlen(etag) && !strncmp(want + 1, etag, n - 2);
	return !strcmp(want, etag);
}

static int valid_artifact_name(const struct artifact_type *t, const char *name)
{
	size_t n = strlen(name);

	if (!n || n > 260)
		return 0;
	if (!isalnum((unsigned char)name[0]) && name[0] != '_')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (strchr("<>*#%&:\\+?/", name[i]) || (unsigned char)name[i] < 0x20)
			return 0;
		if (name[i] == '.' && strcmp(t->name, "library"))
			return 0;
	}
	return 1;
}

static void side_key(struct strbuf *sb, const char *collkey, const char *name)
{
	strbuf_reset(sb);
	for (const char *p = collkey; *p; p++)
		strbuf_addch(sb, tolower((unsigned char)*p));
	strbuf_addch(sb, '/');
	for (const char *p = name; *p; p++)
		strbuf_addch(sb, tolower((unsigned char)*p));
}

static json_t *side_get(struct ctx *c, const char *collkey, const char *name, int create)
{
	struct strbuf k = STRBUF_INIT;
	json_t *s;

	side_key(&k, collkey, name);
	s = json_object_get(c->ws->side, k.buf);
	if (!s && create) {
		s = json_object();
		json_object_set_new(c->ws->side, k.buf, s);
	}
	strbuf_release(&k);
	return s;
}

static void side_del(struct ctx *c, const char *collkey, const char *name)
{
	struct strbuf k = STRBUF_INIT;

	side_key(&k, collkey, name);
	json_object_del(c->ws->side, k.buf);
	strbuf_release(&k);
}

static json_t *item_get(json_t *coll, const char *name)
{
	char *low = lower(name);
	json_t *v = json_object_get(coll, low);

	free(low);
	return v;
}

static void item_set(json_t *coll, const char *name, json_t *v)
{
	char *low = lower(name);

	json_object_set_new(coll, low, v);
	free(low);
}

static void item_del(json_t *coll, const char *name)
{
	char *low = lower(name);

	json_object_del(coll, low);
	free(low);
}

/* ---- references ---- */

struct ref_walk {
	json_t *found;  /* [[type, name]...] */
};

static void collect_refs(json_t *v, json_t *out, int depth)
{
	const char *k;
	json_t *x;
	size_t i;

	if (depth > 64)
		return;
	if (json_is_object(v)) {
		json_t *rn = json_object_get(v, "referenceName");
		json_t *rt = json_object_get(v, "type");

		if (json_is_string(rn) && json_is_string(rt) &&
		    json_string_value(rn)[0] != '@')
			json_array_append_new(out, json_pack("[s, s]", json_string_value(rt),
							     json_string_value(rn)));
		json_object_foreach(v, k, x)
			collect_refs(x, out, depth + 1);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			collect_refs(x, out, depth + 1);
	}
}

/* The stored collection key of a type, or NULL when it is not stored. */
static const char *checked_collection(const struct artifact_type *t)
{
	if (!t || !t->collection || (t->flags & (ATF_LIVE_ONLY | ATF_PART)))
		return NULL;
	return t->collection;
}

/* A reference in body to something missing: its name in *missing. */
static int missing_reference(struct ctx *c, json_t *body, const struct artifact_type *self,
			     const char *self_name, struct strbuf *missing)
{
	json_t *refs = json_array(), *r;
	size_t i;
	int ret = 0;

	collect_refs(json_object_get(body, "properties"), refs, 0);
	json_array_foreach(refs, i, r) {
		const char *rt = json_string_value(json_array_get(r, 0));
		const char *rn = json_string_value(json_array_get(r, 1));
		const struct artifact_type *t = artifact_type_by_ref(rt);
		const char *coll = checked_collection(t);

		if (!coll || (t == self && !strcasecmp(rn, self_name)))
			continue;
		if (!item_get(em_coll(c->ws, coll, 1), rn)) {
			strbuf_addstr(missing, rn);
			ret = 1;
			break;
		}
	}
	json_decref(refs);
	return ret;
}

/* Who refers to (t, name): the first referrer's name in *by. */
static int referenced_by(struct ctx *c, const struct artifact_type *t, const char *name,
			 struct strbuf *by)
{
	for (size_t k = 0; k < artifact_types_nr; k++) {
		const struct artifact_type *o = &artifact_types[k];
		json_t *coll, *v;
		const char *key;

		if (!checked_collection(o))
			continue;
		coll = em_coll(c->ws, o->collection, 0);
		json_object_foreach(coll, key, v) {
			json_t *refs = json_array(), *r;
			size_t i;
			int hit = 0;

			collect_refs(json_object_get(v, "properties"), refs, 0);
			json_array_foreach(refs, i, r) {
				if (t->ref_type &&
				    !strcasecmp(json_string_value(json_array_get(r, 0)), t->ref_type) &&
				    !strcasecmp(json_string_value(json_array_get(r, 1)), name) &&
				    !(o == t && !strcasecmp(key, name)))
					hit = 1;
			}
			json_decref(refs);
			if (hit) {
				strbuf_addstr(by, json_string_value(json_object_get(v, "name")));
				return 1;
			}
		}
	}
	return 0;
}

/* ---- long-running operations ---- */

static const char *poll_path_for(struct ctx *c, const struct artifact_type *t)
{
	const char *p = t->poll_path ? t->poll_path : "operationResults";

	/* recorded: notebooks polled /operationResults on 2019-06-01-preview */
	if (!strcmp(p, "notebookOperationResults") && c->api && !strncmp(c->api, "2019", 4))
		return "operationResults";
	return p;
}

static void start_lro(struct ctx *c, const struct artifact_type *t, const char *name,
		      const char *state, json_t *final, json_t *error, int status_if_sync)
{
	char opid[37], artid[37], now[40];
	struct strbuf id = STRBUF_INIT, w = STRBUF_INIT, loc = STRBUF_INIT;
	const char *seg = strrchr(t->arm_type ? t->arm_type : t->collection, '/');
	int deleting = !strcmp(state, "Deleting");
	json_t *side = side_get(c, t->collection, name, 0);
	const char *known_art = json_string_value(json_object_get(side, "artifactId"));
	json_t *body;

	(void)status_if_sync;
	em_guid(c->em, opid, 0);
	if (known_art)
		snprintf(artid, sizeof(artid), "%s", known_art);
	else
		em_guid(c->em, artid, 1);
	if (!deleting && !error) {
		side = side_get(c, t->collection, name, 1);
		json_object_set_new(side, "artifactId", json_string(artid));
	}
	em_iso_now(now, time(NULL));
	add_id(c, &id, seg ? seg + 1 : t->collection, name);
	type_word(t, &w);
	body = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "id", id.buf, "recordId", (json_int_t)(deleting ? 0 : ++c->ws->record_id),
			 "state", state, "created", deleting ? "0001-01-01T00:00:00" : now,
			 "changed", deleting ? "0001-01-01T00:00:00" : now,
			 "type", w.buf, "name", name, "operationId", opid, "artifactId", artid);
	json_object_set_new(c->em->ops, opid,
			    json_pack("{s:s, s:i, s:o, s:o}", "workspace", c->ws->name,
				      "polls", c->em->o.poll_count,
				      "result", final ? final : json_null(),
				      "error", error ? error : json_null()));
	strbuf_addf(&loc, "%s/%s/%s?api-version=%s", c->base.buf, poll_path_for(c, t), opid,
		    c->api);
	em_json_answer(c->res, 202, body, 0);
	em_response_header(c->res, "Location", "%s", loc.buf);
	if (deleting) {
		em_response_header(c->res, "Access-Control-Allow-Headers", "Location");
		em_response_header(c->res, "Access-Control-Expose-Headers", "Location");
	} else {
		em_response_header(c->res, "Retry-After", "%d", c->em->o.retry_after);
		em_response_header(c->res, "Access-Control-Allow-Headers", "Location, Retry-After");
		em_response_header(c->res, "Access-Control-Expose-Headers", "Location, Retry-After");
	}
	strbuf_release(&id);
	strbuf_release(&w);
	strbuf_release(&loc);
}

static void poll_operation(struct ctx *c, const char *opid)
{
	json_t *op = json_object_get(c->em->ops, opid);
	json_t *result, *error;
	json_int_t polls;

	if (!op || strcasecmp(json_string_value(json_object_get(op, "workspace")), c->ws->name)) {
		em_error(c->res, 404, 1, "OperationNotFound", "The operation '%s' was not found.", opid);
		return;
	}
	polls = json_integer_value(json_object_get(op, "polls"));
	if (polls > 0) {
		json_object_set_new(op, "polls", json_integer(polls - 1));
		em_json_answer(c->res, 202, json_pack("{s:s}", "status", "InProgress"), 0);
		em_response_header(c->res, "Location", "%s/%s/%s?api-version=%s", c->base.buf,
				   c->segs[0], opid, c->api);
		em_response_header(c->res, "Retry-After", "%d", c->em->o.retry_after);
		em_response_header(c->res, "Access-Control-Allow-Headers", "Location, Retry-After");
		em_response_header(c->res, "Access-Control-Expose-Headers", "Location, Retry-After");
		return;
	}
	result = json_object_get(op, "result");
	error = json_object_get(op, "error");
	if (!json_is_null(error)) {
		em_json_answer(c->res, 200, json_pack("{s:s, s:O}", "status", "Failed", "error", error), 0);
	} else if (!json_is_null(result)) {
		em_json_answer(c->res, 200, json_incref(result), 1);
	} else {
		c->res->status = 200;
		c->res->content_type = NULL;
	}
}

/* ---- artifacts ---- */

static const struct artifact_type *match_collection(struct ctx *c, int *used)
{
	const struct artifact_type *best = NULL;
	int best_n = 0;

	for (size_t i = 0; i < artifact_types_nr; i++) {
		const struct artifact_type *t = &artifact_types[i];
		const char *p;
		int n = 0, ok = 1;

		if (!t->collection)
			continue;
		p = t->collection;
		while (*p && ok) {
			size_t len = strcspn(p, "/");

			if (n >= c->nsegs || strlen(c->segs[n]) != len ||
			    strncasecmp(c->segs[n], p, len))
				ok = 0;
			n++;
			p += len;
			if (*p == '/')
				p++;
		}
		if (ok && n > best_n) {
			best = t;
			best_n = n;
		}
	}
	*used = best_n;
	return best;
}

static int writable(const struct artifact_type *t)
{
	return t->poll_path || (t->flags & ATF_NOT_LRO);
}

static void list_items(struct ctx *c, const struct artifact_type *t, const char *collkey,
		       const char *path)
{
	json_t *coll = em_coll(c->ws, collkey, 0), *v, *value = json_array(), *body;
	const char *key, *tok = em_query(c->req, "continuationToken");
	long start = tok ? strtol(tok, NULL, 10) : 0, i = 0, page = c->em->o.page_size;
	long total = (long)json_object_size(coll);

	(void)t;
	if (start < 0)
		start = 0;
	json_object_foreach(coll, key, v) {
		if (i >= start && i < start + page)
			json_array_append(value, v);
		i++;
	}
	body = json_pack("{s:o}", "value", value);
	if (start + page < total) {
		struct strbuf next = STRBUF_INIT;

		strbuf_addf(&next, "%s/%s?api-version=%s&continuationToken=%ld", c->base.buf, path,
			    c->api, start + page);
		json_object_set_new(body, "nextLink", json_string(next.buf));
		strbuf_release(&next);
	}
	em_json_answer(c->res, 200, body, 0);
}

static void put_item(struct ctx *c, const struct artifact_type *t, const char *collkey,
		     const char *name)
{
	json_t *coll = em_coll(c->ws, collkey, 1);
	json_t *old = item_get(coll, name), *body = NULL, *res, *props, *err = NULL;
	const char *if_match = em_header(c->req, "If-Match");
	const char *if_none = em_header(c->req, "If-None-Match");
	struct strbuf id = STRBUF_INIT, missing = STRBUF_INIT;
	char etag[40], now[40];
	char *rtype = NULL, *low = lower(collkey);
	json_error_t jerr;
	const char *k;
	json_t *v;
	int library = !strcmp(t->name, "library");

	if (library && em_query(c->req, "comp")) {
		if (!old) {
			not_found(c, t, name);
		} else if (!c->req->body_len) {
			c->res->status = 400;
			c->res->content_type = "text/html; charset=us-ascii";
			strbuf_addstr(&c->res->body,
				      "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"
				      "<HTML><HEAD><TITLE>Bad Request</TITLE>\r\n"
				      "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"
				      "<BODY><h2>Bad Request - Invalid Verb</h2>\r\n<hr><p>HTTP Error 400. "
				      "The request verb is invalid.</p>\r\n</BODY></HTML>\r\n");
		} else {
			c->res->status = 201;
		}
		goto cleanup;
	}
	if (!writable(t)) {
		em_error(c->res, 405, 1, "MethodNotAllowed",
			 "The %s collection is read-only on the data plane.", t->collection);
		goto cleanup;
	}
	if (!valid_artifact_name(t, name)) {
		em_error(c->res, 400, 1, "InvalidArtifactName",
			 "The name '%s' is invalid: it must match ^[A-Za-z0-9_][^<>*#.%%&:\\\\+?/]*$ "
			 "and have 1 to 260 characters.", name);
		goto cleanup;
	}
	if (c->req->body_len) {
		body = json_loadb(c->req->body, c->req->body_len, 0, &jerr);
		if (!json_is_object(body)) {
			em_error(c->res, 400, 1, "BadRequest",
				 "The request body is not a JSON object: %s (line %d, column %d)",
				 body ? "not an object" : jerr.text, jerr.line, jerr.column);
			goto cleanup;
		}
	} else if (library) {
		body = json_object();
	} else {
		em_error(c->res, 400, 1, "BadRequest", "The request body is missing.");
		goto cleanup;
	}
	if (if_match && strcmp(if_match, "*") &&
	    (!old || !etag_matches(if_match, json_string_value(json_object_get(old, "etag"))))) {
		em_error(c->res, 412, 1, "PreconditionFailed",
			 "The ETag '%s' does not match the current one of '%s'.", if_match, name);
		goto cleanup;
	}
	if (if_match && !old) {
		not_found(c, t, name);
		goto cleanup;
	}
	if (if_none && !strcmp(if_none, "*") && old) {
		em_error(c->res, 412, 1, "PreconditionFailed", "'%s' already exists.", name);
		goto cleanup;
	}

	/* the resource as the service returns it */
	res = json_object();
	json_object_foreach(body, k, v)
		if (strcmp(k, "id") && strcmp(k, "name") && strcmp(k, "type") && strcmp(k, "etag"))
			json_object_set(res, k, v);
	props = json_object_get(res, "properties");
	if (!json_is_object(props)) {
		props = json_object();
		json_object_set_new(res, "properties", props);
	}
	add_id(c, &id, low, name);
	rtype = resource_type(t);
	em_new_etag(c->em, etag);
	em_iso_now(now, time(NULL));
	json_object_set_new(res, "id", json_string(id.buf));
	json_object_set_new(res, "name", json_string(name));
	json_object_set_new(res, "type", json_string(rtype));
	json_object_set_new(res, "etag", json_string(etag));
	if (!strcmp(t->name, "pipeline"))
		json_object_set_new(props, "lastPublishTime", json_string(now));
	if (!strcmp(t->name, "trigger"))
		json_object_set_new(props, "runtimeState", json_string("Stopped"));
	if (!strcmp(t->name, "notebook")) {
		json_object_set_new(props, "entityState", json_null());
		json_object_set_new(props, "renameOperationDetails", json_null());
	}
	if (library) {
		const char *dot = strrchr(name, '.');
		struct strbuf path = STRBUF_INIT;

		strbuf_addf(&path, "%s/libraries/%s", c->ws->name, name);
		json_object_set_new(props, "name", json_string(name));
		json_object_set_new(props, "path", json_string(path.buf));
		json_object_set_new(props, "containerName", json_string("prep"));
		json_object_set_new(props, "uploadedTimestamp", json_string(now));
		json_object_set_new(props, "type", json_string(dot ? dot + 1 : ""));
		json_object_set_new(props, "provisioningStatus", json_string("Incomplete"));
		json_object_set_new(props, "creatorId", json_string(EMULATOR_DEFAULT_CLIENT_ID));
		strbuf_release(&path);
	}
	if (t->flags & ATF_NOT_LRO) {
		if (!strcmp(t->name, "managedPrivateEndpoint")) {
			json_object_del(props, "fqdns");
			json_object_set_new(props, "provisioningState", json_string("Provisioning"));
			json_object_set_new(props, "connectionState", json_object());
			json_object_set_new(props, "isReserved", json_false());
			json_object_set_new(props, "fqdns", json_array());
			json_object_set_new(props, "isCompliant", json_true());
			json_object_set_new(side_get(c, collkey, name, 1), "gets",
					    json_integer(c->em->o.poll_count));
		}
		item_set(coll, name, json_incref(res));
		c->em->dirty = 1;
		em_json_answer(c->res, 200, res, 0);
		em_response_header(c->res, "Location", "%s/%s/%s?api-version=%s", c->base.buf,
				   collkey, name, c->api);
		goto cleanup;
	}

	/* failures surface at the end of the operation, as the service does */
	if (old && !strcmp(t->name, "trigger") &&
	    !strcmp(json_string_value(json_object_get(json_object_get(old, "properties"),
						      "runtimeState")) ?
		    json_string_value(json_object_get(json_object_get(old, "properties"), "runtimeState")) : "",
		    "Started"))
		err = json_pack("{s:s, s:s}", "code", "TriggerEnabledCannotUpdate", "message",
				"Cannot update enabled Trigger; the trigger needs to be disabled first. ");
	else if (missing_reference(c, res, t, name, &missing))
		err = json_pack("{s:s, s:s}", "code", "BadRequest", "message", "");
	if (err && !strcmp(json_string_value(json_object_get(err, "code")), "BadRequest")) {
		struct strbuf m = STRBUF_INIT;

		strbuf_addf(&m, "The document creation or update failed because of invalid reference '%s'.",
			    missing.buf);
		json_object_set_new(err, "message", json_string(m.buf));
		strbuf_release(&m);
	}
	if (!err && em_fault_pick(c->em, c->req->method, c->req->path, 1u << EMF_LRO_FAIL))
		err = json_pack("{s:s, s:s}", "code", "InternalServerError", "message",
				"The operation failed (injected by the emulator).");
	if (!err) {
		item_set(coll, name, json_incref(res));
		c->em->dirty = 1;
	}
	start_lro(c, t, name, old ? "Updating" : "Creating", err ? NULL : json_incref(res), err, 0);
	json_decref(res);
cleanup:
	json_decref(body);
	free(rtype);
	free(low);
	strbuf_release(&id);
	strbuf_release(&missing);
}

static void get_item(struct ctx *c, const struct artifact_type *t, const char *collkey,
		     const char *name)
{
	json_t *v = item_get(em_coll(c->ws, collkey, 0), name);
	const char *inm = em_header(c->req, "If-None-Match");

	if (!v) {
		not_found(c, t, name);
		return;
	}
	if (!strcmp(t->name, "managedPrivateEndpoint")) {
		json_t *side = side_get(c, collkey, name, 0);
		json_int_t gets = json_integer_value(json_object_get(side, "gets"));

		if (side && gets <= 0) {
			json_object_set_new(json_object_get(v, "properties"), "provisioningState",
					    json_string("Succeeded"));
			json_object_set_new(json_object_get(v, "properties"), "connectionState",
					    json_pack("{s:s, s:s, s:s}", "status", "Approved",
						      "description", "Auto-approved by the emulator",
						      "actionsRequired", "None"));
			side_del(c, collkey, name);
		} else if (side) {
			json_object_set_new(side, "gets", json_integer(gets - 1));
		}
	}
	if (inm && strcmp(t->name, "dataflow") && strcmp(t->name, "kqlscript") &&
	    (!strcmp(inm, "*") || etag_matches(inm, json_string_value(json_object_get(v, "etag"))))) {
		c->res->status = 304;
		c->res->content_type = NULL;
		em_response_header(c->res, "ETag", "\"%s\"", json_string_value(json_object_get(v, "etag")));
		return;
	}
	em_json_answer(c->res, 200, json_incref(v), 1);
	em_response_header(c->res, "ETag", "\"%s\"", json_string_value(json_object_get(v, "etag")));
}

static int trigger_started(json_t *v)
{
	const char *s = json_string_value(json_object_get(json_object_get(v, "properties"),
							  "runtimeState"));

	return s && !strcmp(s, "Started");
}

static void delete_item(struct ctx *c, const struct artifact_type *t, const char *collkey,
			const char *name)
{
	json_t *coll = em_coll(c->ws, collkey, 0), *v = item_get(coll, name), *err = NULL;
	struct strbuf by = STRBUF_INIT;
	char *stored_name;

	if (!writable(t)) {
		em_error(c->res, 405, 1, "MethodNotAllowed",
			 "The %s collection is read-only on the data plane.", t->collection);
		return;
	}
	if (!v) {
		c->res->status = 204;
		return;
	}
	stored_name = xstrdup(json_string_value(json_object_get(v, "name")));
	if (t->flags & ATF_NOT_LRO) {
		item_del(coll, name);
		side_del(c, collkey, name);
		c->em->dirty = 1;
		c->res->status = 202;
		free(stored_name);
		return;
	}
	if (!strcmp(t->name, "trigger") && trigger_started(v))
		err = json_pack("{s:s, s:s}", "code", "TriggerEnabledCannotUpdate", "message",
				"Cannot update enabled Trigger; the trigger needs to be disabled first. ");
	else if (referenced_by(c, t, stored_name, &by)) {
		struct strbuf m = STRBUF_INIT;

		strbuf_addf(&m, "The document cannot be deleted since it is referenced by %s.", by.buf);
		err = json_pack("{s:s, s:s}", "code", "BadRequest", "message", m.buf);
		strbuf_release(&m);
	} else if (em_fault_pick(c->em, c->req->method, c->req->path, 1u << EMF_LRO_FAIL)) {
		err = json_pack("{s:s, s:s}", "code", "InternalServerError", "message",
				"The operation failed (injected by the emulator).");
	}
	start_lro(c, t, stored_name, "Deleting", NULL, err, 0);
	if (!err) {
		item_del(coll, name);
		side_del(c, collkey, name);
		c->em->dirty = 1;
	}
	free(stored_name);
	strbuf_release(&by);
}

static void rename_item(struct ctx *c, const struct artifact_type *t, const char *collkey,
			const char *name)
{
	json_t *coll = em_coll(c->ws, collkey, 0), *v = item_get(coll, name), *body, *err = NULL;
	const char *new_name;
	json_t *side;
	char etag[40];
	struct strbuf id = STRBUF_INIT;
	char *low = lower(collkey);

	if (!v) {
		not_found(c, t, name);
		goto done;
	}
	body = json_loadb(c->req->body, c->req->body_len, 0, NULL);
	new_name = json_string_value(json_object_get(body, "newName"));
	if (!new_name || !valid_artifact_name(t, new_name)) {
		em_error(c->res, 400, 1, "BadRequest", "The rename request needs a valid \"newName\".");
		json_decref(body);
		goto done;
	}
	if (item_get(coll, new_name) && strcasecmp(new_name, name)) {
		em_error(c->res, 409, 1, "Conflict", "An artifact named '%s' already exists.", new_name);
		json_decref(body);
		goto done;
	}
	if (!strcmp(t->name, "trigger") && trigger_started(v))
		err = json_pack("{s:s, s:s}", "code", "TriggerEnabledCannotUpdate", "message",
				"Cannot update enabled Trigger; the trigger needs to be disabled first. ");
	start_lro(c, t, json_string_value(json_object_get(v, "name")), "Renaming", NULL, err, 0);
	if (!err) {
		side = json_incref(side_get(c, collkey, name, 1));
		v = json_incref(v);
		item_del(coll, name);
		side_del(c, collkey, name);
		json_object_set_new(v, "name", json_string(new_name));
		add_id(c, &id, low, new_name);
		json_object_set_new(v, "id", json_string(id.buf));
		em_new_etag(c->em, etag);
		json_object_set_new(v, "etag", json_string(etag));
		item_set(coll, new_name, v);
		{
			struct strbuf k = STRBUF_INIT;

			side_key(&k, collkey, new_name);
			json_object_set_new(c->ws->side, k.buf, side);
			strbuf_release(&k);
		}
		c->em->dirty = 1;
	}
	json_decref(body);
done:
	free(low);
	strbuf_release(&id);
}

static void trigger_action(struct ctx *c, const struct artifact_type *t, const char *name,
			   const char *action)
{
	json_t *v = item_get(em_coll(c->ws, t->collection, 0), name), *side;
	const char *st;

	if (!v) {
		not_found(c, t, name);
		return;
	}
	if (!strcasecmp(action, "start") || !strcasecmp(action, "stop")) {
		json_object_set_new(json_object_get(v, "properties"), "runtimeState",
				    json_string(!strcasecmp(action, "start") ? "Started" : "Stopped"));
		c->em->dirty = 1;
		c->res->status = 200;
		return;
	}
	side = side_get(c, t->collection, name, 1);
	st = json_string_value(json_object_get(side, "subscription"));
	if (!st)
		st = "Disabled";
	if (!strcasecmp(action, "subscribeToEvents")) {
		st = !strcmp(st, "Enabled") ? "Enabled" : "Provisioning";
	} else if (!strcasecmp(action, "unsubscribeFromEvents")) {
		st = !strcmp(st, "Disabled") ? "Disabled" : "Deprovisioning";
	} else {
		/* getEventSubscriptionStatus: the transition finishes */
		if (!strcmp(st, "Provisioning"))
			st = "Enabled";
		else if (!strcmp(st, "Deprovisioning"))
			st = "Disabled";
	}
	json_object_set_new(side, "subscription", json_string(st));
	c->em->dirty = 1;
	em_json_answer(c->res, 200, json_pack("{s:s, s:s}", "triggerName",
					      json_string_value(json_object_get(v, "name")),
					      "status", st), 0);
}

static json_t *new_run(struct ctx *c, const char *pipeline, json_t *params)
{
	char runid[37], now[40];

	em_guid(c->em, runid, 0);
	em_iso_now(now, time(NULL));
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:{s:s, s:s, s:s}, s:s, s:n, s:n, s:s, s:s, s:s, s:i}",
			 "runId", runid, "debugRunId", "", "runGroupId", runid, "isLatest", 1,
			 "pipelineName", pipeline, "parameters", params ? params : json_object(),
			 "invokedBy", "name", "Manual", "id", runid, "invokedByType", "Manual",
			 "runStart", now, "runEnd", "durationInMs", "status", "Queued",
			 "message", "", "lastUpdated", now, "_gets", 0);
}

static json_t *run_view(struct ctx *c, json_t *run)
{
	json_t *v = json_deep_copy(run);
	struct strbuf id = STRBUF_INIT;
	char *up;

	json_object_del(v, "_gets");
	json_object_set_new(v, "debugRunId", json_null());
	json_object_set_new(v, "annotations", json_array());
	json_object_set_new(v, "runDimension", json_object());
	json_object_set_new(v, "output", json_null());
	add_id(c, &id, "pipelineruns", json_string_value(json_object_get(run, "runId")));
	/* recorded: the id is upper-cased up to the workspace name */
	up = strstr(id.buf, "/pipelineruns/");
	for (char *p = id.buf; p < up; p++)
		*p = toupper((unsigned char)*p);
	json_object_set_new(v, "id", json_string(id.buf));
	strbuf_release(&id);
	return v;
}

static void pipeline_action(struct ctx *c, const struct artifact_type *t, const char *name,
			    const char *action)
{
	json_t *v = item_get(em_coll(c->ws, t->collection, 0), name), *params = NULL, *run;

	if (strcasecmp(action, "createRun")) {
		em_error(c->res, 404, 1, "NotFound", "No action '%s' on pipelines.", action);
		return;
	}
	if (!v) {
		not_found(c, t, name);
		return;
	}
	if (c->req->body_len) {
		params = json_loadb(c->req->body, c->req->body_len, 0, NULL);
		if (!json_is_object(params)) {
			json_decref(params);
			em_error(c->res, 400, 1, "BadRequest", "The run parameters must be a JSON object.");
			return;
		}
	}
	run = new_run(c, json_string_value(json_object_get(v, "name")), params);
	json_object_set(c->ws->runs, json_string_value(json_object_get(run, "runId")), run);
	em_json_answer(c->res, 202, json_pack("{s:s}", "runId",
					      json_string_value(json_object_get(run, "runId"))), 0);
	json_decref(run);
	c->em->dirty = 1;
}

static void pipelinerun(struct ctx *c)
{
	json_t *run = c->nsegs >= 2 ? json_object_get(c->ws->runs, c->segs[1]) : NULL;

	if (!run) {
		em_error(c->res, 404, 0, "PipelineRunNotFound", "The pipeline run '%s' was not found.",
			 c->nsegs >= 2 ? c->segs[1] : "");
		return;
	}
	if (c->nsegs == 3 && !strcasecmp(c->segs[2], "cancel") && !strcasecmp(c->req->method, "POST")) {
		json_object_set_new(run, "status", json_string("Cancelled"));
		c->res->status = 200;
		return;
	}
	if (c->nsegs != 2 || strcasecmp(c->req->method, "GET")) {
		em_error(c->res, 404, 1, "NotFound", "Unknown pipeline run operation.");
		return;
	}
	{
		const char *st = json_string_value(json_object_get(run, "status"));
		json_int_t gets = json_integer_value(json_object_get(run, "_gets"));
		char now[40];

		/* Queued -> InProgress -> Succeeded, one step per read */
		int queued = st && !strcmp(st, "Queued"), running = st && !strcmp(st, "InProgress");

		/* st dies with the old "status" value: decide before replacing it */
		if (queued || running) {
			em_iso_now(now, time(NULL));
			json_object_set_new(run, "status",
					    json_string(queued ? "InProgress" : "Succeeded"));
			json_object_set_new(run, "lastUpdated", json_string(now));
			if (running) {
				json_object_set_new(run, "runEnd", json_string(now));
				json_object_set_new(run, "durationInMs", json_integer(1000));
			}
		}
		json_object_set_new(run, "_gets", json_integer(gets + 1));
		c->em->dirty = 1;
	}
	em_json_answer(c->res, 200, run_view(c, run), 1);
}

static void query_runs(struct ctx *c)
{
	json_t *body = json_loadb(c->req->body, c->req->body_len, 0, NULL);
	json_t *filters = json_object_get(body, "filters"), *value = json_array(), *run, *f;
	const char *key;
	size_t i;

	json_object_foreach(c->ws->runs, key, run) {
		int keep = 1;

		json_array_foreach(filters, i, f) {
			const char *operand = json_string_value(json_object_get(f, "operand"));
			const char *want = json_string_value(json_array_get(json_object_get(f, "values"), 0));

			if (operand && want && !strcasecmp(operand, "PipelineName") &&
			    strcasecmp(want, json_string_value(json_object_get(run, "pipelineName"))))
				keep = 0;
		}
		if (keep)
			json_array_append_new(value, run_view(c, run));
	}
	json_decref(body);
	em_json_answer(c->res, 200, json_pack("{s:o}", "value", value), 0);
}

static void artifacts(struct ctx *c)
{
	int used;
	const struct artifact_type *t = match_collection(c, &used);
	const char *m = c->req->method;
	struct strbuf path = STRBUF_INIT, collkey = STRBUF_INIT;
	const char *name;

	if (!t) {
		em_error(c->res, 404, 1, "NotFound", "The path '%s' is not part of the Synapse API.",
			 c->req->path);
		return;
	}
	for (int i = 0; i < used; i++)
		strbuf_addf(&path, "%s%s", i ? "/" : "", c->segs[i]);
	strbuf_addstr(&collkey, t->collection);
	name = used < c->nsegs ? c->segs[used] : NULL;
	/* parts: databases/{db}/tables/{t} are kept as their own collections */
	if (c->nsegs == used + 3) {
		strbuf_addf(&collkey, "/%s/%s", c->segs[used], c->segs[used + 1]);
		strbuf_addf(&path, "/%s/%s", c->segs[used], c->segs[used + 1]);
		name = c->segs[used + 2];
		used += 2;
	}
	if (!name) {
		if (!strcasecmp(m, "GET"))
			list_items(c, t, collkey.buf, path.buf);
		else
			em_error(c->res, 405, 1, "MethodNotAllowed", "%s is not allowed on a collection.", m);
	} else if (c->nsegs == used + 1) {
		if (!strcasecmp(m, "GET"))
			get_item(c, t, collkey.buf, name);
		else if (!strcasecmp(m, "PUT"))
			put_item(c, t, collkey.buf, name);
		else if (!strcasecmp(m, "DELETE"))
			delete_item(c, t, collkey.buf, name);
		else
			em_error(c->res, 405, 1, "MethodNotAllowed", "%s is not allowed here.", m);
	} else if (c->nsegs == used + 2 && !strcasecmp(m, "POST")) {
		const char *action = c->segs[used + 1];

		if (!strcasecmp(action, "rename") && strcmp(t->name, "credential"))
			rename_item(c, t, collkey.buf, name);
		else if (!strcmp(t->name, "trigger") &&
			 (!strcasecmp(action, "start") || !strcasecmp(action, "stop") ||
			  !strcasecmp(action, "subscribeToEvents") ||
			  !strcasecmp(action, "unsubscribeFromEvents") ||
			  !strcasecmp(action, "getEventSubscriptionStatus")))
			trigger_action(c, t, name, action);
		else if (!strcmp(t->name, "pipeline"))
			pipeline_action(c, t, name, action);
		else if ((!strcmp(t->name, "library") && !strcasecmp(action, "flush")) ||
			 (!strcmp(t->name, "sparkJobDefinition") && !strcasecmp(action, "execute"))) {
			json_t *v = item_get(em_coll(c->ws, collkey.buf, 0), name);

			if (!v) {
				not_found(c, t, name);
			} else {
				if (!strcmp(t->name, "library"))
					json_object_set_new(json_object_get(v, "properties"),
							    "provisioningStatus", json_string("Succeeded"));
				start_lro(c, t, json_string_value(json_object_get(v, "name")),
					  "Updating", json_incref(v), NULL, 0);
			}
		} else {
			em_error(c->res, 404, 1, "NotFound", "No action '%s' on %s.", action, t->collection);
		}
	} else if (!strcmp(t->name, "pipeline") && c->nsegs == used + 4 &&
		   !strcasecmp(c->segs[used + 1], "pipelineruns") &&
		   !strcasecmp(c->segs[used + 3], "queryActivityruns")) {
		em_json_answer(c->res, 200, json_pack("{s:[]}", "value"), 0);
	} else {
		em_error(c->res, 404, 1, "NotFound", "The path '%s' is not part of the Synapse API.",
			 c->req->path);
	}
	strbuf_release(&path);
	strbuf_release(&collkey);
}

static int is_poll_path(const char *seg)
{
	if (!strcasecmp(seg, "operationResults"))
		return 1;
	for (size_t i = 0; i < artifact_types_nr; i++)
		if (artifact_types[i].poll_path && !strcasecmp(artifact_types[i].poll_path, seg))
			return 1;
	return 0;
}

static int known_top(const char *seg)
{
	static const char *const extra[] = {
		"workspace", "pipelineruns", "queryPipelineRuns", "queryTriggerRuns",
		"roleAssignments", "notebooksSummary", "roleDefinitions", NULL
	};

	if (is_poll_path(seg))
		return 1;
	for (size_t i = 0; extra[i]; i++)
		if (!strcasecmp(extra[i], seg))
			return 1;
	for (size_t i = 0; i < artifact_types_nr; i++) {
		const char *c = artifact_types[i].collection;

		if (c && !strncasecmp(c, seg, strcspn(c, "/")) && strlen(seg) == strcspn(c, "/"))
			return 1;
	}
	return 0;
}

static void workspace_object(struct ctx *c)
{
	struct strbuf id = STRBUF_INIT, dev = STRBUF_INIT;

	strbuf_addf(&id, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
		    "emulator-rg/providers/Microsoft.Synapse/workspaces/%s", c->ws->name);
	strbuf_addbuf(&dev, &c->base);
	em_json_answer(c->res, 200,
		       json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:{}, s:{s:s, s:{s:s}, s:s}}",
				 "id", id.buf, "location", "local", "name", c->ws->name,
				 "type", "Microsoft.Synapse/workspaces", "identity",
				 "type", "SystemAssigned", "tenantId",
				 c->em->o.tenant ? c->em->o.tenant : EMULATOR_DEFAULT_TENANT,
				 "principalId", EMULATOR_DEFAULT_CLIENT_ID, "tags", "properties",
				 "managedVirtualNetwork", "default", "connectivityEndpoints",
				 "dev", dev.buf, "provisioningState", "Succeeded"), 1);
	strbuf_release(&id);
	strbuf_release(&dev);
}

static int valid_api_version(const char *v)
{
	int y, m, d, n = 0;

	if (!v || sscanf(v, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return 0;
	return !v[10] || !strcmp(v + 10, "-preview");
}

static void data_plane(struct ctx *c)
{
	const char *m = c->req->method;

	if (!c->nsegs) {
		workspace_object(c);
		return;
	}
	if (is_poll_path(c->segs[0])) {
		if (c->nsegs == 2 && !strcasecmp(m, "GET"))
			poll_operation(c, c->segs[1]);
		else
			em_error(c->res, 404, 1, "NotFound", "Unknown operation path.");
	} else if (!strcasecmp(c->segs[0], "workspace") && c->nsegs == 1) {
		workspace_object(c);
	} else if (!strcasecmp(c->segs[0], "pipelineruns")) {
		pipelinerun(c);
	} else if (!strcasecmp(c->segs[0], "queryPipelineRuns") && !strcasecmp(m, "POST")) {
		query_runs(c);
	} else if (!strcasecmp(c->segs[0], "queryTriggerRuns") && !strcasecmp(m, "POST")) {
		em_json_answer(c->res, 200, json_pack("{s:[]}", "value"), 0);
	} else if (!strcasecmp(c->segs[0], "notebooksSummary") && !strcasecmp(m, "GET")) {
		const struct artifact_type *t = artifact_type_by_name("notebook");

		list_items(c, t, t->collection, "notebooksSummary");
	} else if (!strcasecmp(c->segs[0], "roleAssignments")) {
		if (c->nsegs == 1 && !strcasecmp(m, "GET")) {
			em_json_answer(c->res, 200, json_pack("{s:i, s:[]}", "count", 0, "value"), 0);
			em_response_header(c->res, "x-ms-continuation", "%s", "");
		} else if (c->nsegs == 2 && !strcasecmp(m, "DELETE")) {
			c->res->status = 204;
		} else {
			em_error(c->res, 404, 1, "RoleAssignmentNotFound", "RoleAssignmentNotFound");
		}
	} else {
		artifacts(c);
	}
}

/* ---- the entry point ---- */

static int split_path(const char *path, char ***segs_out)
{
	char **segs = NULL;
	size_t nr = 0, alloc = 0;
	const char *p = path;

	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		len = strcspn(p, "/");
		if (nr >= 64)
			break;
		ALLOC_GROW(segs, nr + 1, alloc);
		segs[nr++] = xstrndup(p, len);
		p += len;
	}
	*segs_out = segs;
	return (int)nr;
}

static char *host_workspace(const char *host)
{
	size_t n;
	const char *dot;

	if (!host || !*host || *host == '[')
		return NULL;
	n = strcspn(host, ":");
	dot = memchr(host, '.', n);
	if (!dot)
		return NULL;
	/* an IPv4 address is no workspace */
	if (strspn(host, "0123456789.") >= n)
		return NULL;
	if (!strncasecmp(host, "localhost", n))
		return NULL;
	return xstrndup(host, dot - host);
}

static void common_headers(struct emulator *em, const struct em_request *req,
			   struct em_response *res)
{
	char rid[37];
	const char *crid = em_header(req, "x-ms-client-request-id");

	em_guid(em, rid, 0);
	em_response_header(res, "x-ms-request-id", "%s", rid);
	if (crid)
		em_response_header(res, "x-ms-client-request-id", "%s", crid);
	if (em->tls)
		em_response_header(res, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

void em_handle(struct emulator *em, const struct em_request *req, struct em_response *res)
{
	char **segs = NULL, *hostws = NULL, *principal = NULL;
	int nsegs, off = 0;
	struct ctx c;
	struct em_fault *f;
	const char *wsname = NULL;

	memset(&c, 0, sizeof(c));
	strbuf_init(&c.base, 0);
	nsegs = split_path(req->path ? req->path : "/", &segs);
	pthread_mutex_lock(&em->lock);
	em->requests++;
	common_headers(em, req, res);
	res->delay_ms = em->o.latency_ms;

	if (nsegs >= 1 && !strcmp(segs[0], ".emulator")) {
		if (nsegs == 2 && !strcmp(segs[1], "health"))
			em_json_answer(res, 200, json_pack("{s:s, s:I}", "status", "ok", "requests",
							   (json_int_t)em->requests), 0);
		else
			em_error(res, 404, 1, "NotFound", "Unknown emulator path.");
		goto done;
	}
	if (em_aad_handle(em, req, segs, nsegs, res))
		goto done;

	hostws = host_workspace(req->host);
	if (hostws && (!nsegs || known_top(segs[0]) || !em_workspace_get(em, segs[0], 0))) {
		wsname = hostws;
	} else if (nsegs) {
		wsname = segs[0];
		off = 1;
	}
	if (!wsname || !(c.ws = em_workspace_get(em, wsname, 1))) {
		em_error(res, 404, 1, "WorkspaceNotFound",
			 "No workspace in the path or the Host header (use /<workspace>/...).");
		goto done;
	}
	c.em = em;
	c.req = req;
	c.res = res;
	c.segs = segs + off;
	c.nsegs = nsegs - off;
	strbuf_addf(&c.base, "%s://%s", em->tls ? "https" : "http",
		    req->host ? req->host : "127.0.0.1");
	if (off)
		strbuf_addf(&c.base, "/%s", c.ws->name);

	f = em_fault_pick(em, req->method, req->path,
			  1u << EMF_429 | 1u << EMF_500 | 1u << EMF_502 | 1u << EMF_503 |
			  1u << EMF_DROP | 1u << EMF_SLOW | 1u << EMF_EXPIRE | 1u << EMF_403 |
			  1u << EMF_BROKEN);
	if (f) {
		em_log(em, "fault %d on %s %s", (int)f->kind, req->method, req->path);
		switch (f->kind) {
		case EMF_DROP:
			res->drop = 1;
			goto done;
		case EMF_SLOW:
			res->delay_ms += f->ms;
			break;
		case EMF_429:
			em_error(res, 429, 1, "TooManyRequests",
				 "The request was throttled; retry after %ld seconds.", f->after);
			em_response_header(res, "Retry-After", "%ld", f->after);
			goto done;
		case EMF_503:
			em_error(res, 503, 1, "ServiceUnavailable", "The service is unavailable.");
			em_response_header(res, "Retry-After", "%ld", f->after);
			goto done;
		case EMF_500:
		case EMF_502:
			em_error(res, f->kind == EMF_500 ? 500 : 502, 1,
				 f->kind == EMF_500 ? "InternalServerError" : "BadGateway",
				 "The emulator failed this request on purpose.");
			em_response_header(res, "x-ms-failure-cause", "gateway");
			goto done;
		case EMF_EXPIRE:
			{
				const char *tenant = em->o.tenant ? em->o.tenant : EMULATOR_DEFAULT_TENANT;

				em_error(res, 401, 1, "Unauthorized",
					 "Token Authentication failed with SecurityTokenExpiredException: "
					 "ExpiredAuthenticationToken");
				em_response_header(res, "WWW-Authenticate",
						   "Bearer authorization_uri=\"https://login.microsoftonline.com/%s\", "
						   "error=\"invalid_token\", error_description=\"The access token expired\"",
						   tenant);
			}
			goto done;
		case EMF_403:
			em_error(res, 403, 1, "Unauthorized",
				 "The principal does not have the required Synapse RBAC permission to "
				 "perform this action.");
			goto done;
		case EMF_BROKEN:
			res->status = 200;
			res->content_type = "application/json; charset=utf-8";
			strbuf_addstr(&res->body, "{\"value\":[{\"name\":");
			goto done;
		default:
			break;
		}
	}

	c.api = em_query(req, "api-version");
	if (!c.api) {
		em_error(res, 400, 1, "MissingApiVersionParameter",
			 "The api-version query parameter (?api-version=) is required for all requests.");
		goto done;
	}
	if (!valid_api_version(c.api)) {
		em_error(res, 400, 1, "InvalidApiVersionParameter",
			 "The api-version '%s' is invalid.", c.api);
		goto done;
	}
	if (!em->o.anonymous) {
		if (em_check_token(em, em_header(req, "Authorization"), res, &principal))
			goto done;
		for (size_t i = 0; em->o.deny && em->o.deny[i]; i++) {
			if (!strcasecmp(em->o.deny[i], principal)) {
				em_error(res, 403, 1, "Unauthorized",
					 "The principal '%s' does not have the required Synapse RBAC "
					 "permission to perform this action. Required permission: Action: "
					 "Microsoft.Synapse/workspaces/read, Scope: workspaces/%s/*.",
					 principal, c.ws->name);
				goto done;
			}
		}
	}
	data_plane(&c);
	em_save(em, 0);
done:
	if (!res->status && !res->drop)
		res->status = 500;
	pthread_mutex_unlock(&em->lock);
	for (int i = 0; i < nsegs; i++)
		free(segs[i]);
	free(segs);
	free(hostws);
	free(principal);
	strbuf_release(&c.base);
}

/* ---- lifecycle ---- */

int emulator_new(struct emulator **out, const struct emulator_options *opts)
{
	struct emulator *em = xcalloc(1, sizeof(*em));

	em->o = *opts;
	if (em->o.poll_count < 0)
		em->o.poll_count = 1;
	if (em->o.retry_after < 0)
		em->o.retry_after = 10;
	if (em->o.page_size <= 0)
		em->o.page_size = 50;
	em->rng = opts->seed ? opts->seed : (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 20);
	em->token_key = em_random(em);
	pthread_mutex_init(&em->lock, NULL);
	em->ops = json_object();
	for (size_t i = 0; opts->faults && opts->faults[i]; i++)
		if (em_faults_parse(em, opts->faults[i]))
			goto fail;
	if (em_load(em))
		goto fail;
	for (size_t i = 0; opts->workspaces && opts->workspaces[i]; i++)
		if (!em_workspace_get(em, opts->workspaces[i], 1)) {
			set_error("invalid workspace name '%s'", opts->workspaces[i]);
			goto fail;
		}
	*out = em;
	return 0;
fail:
	emulator_free(em);
	return -1;
}

void emulator_free(struct emulator *em)
{
	if (!em)
		return;
	em_workspaces_free(em);
	em_faults_release(em);
	json_decref(em->ops);
	pthread_mutex_destroy(&em->lock);
	free(em->cert_pem);
	free(em->key_pem);
	free(em);
}

struct conn {
	struct strbuf body;
	int too_big;
};

struct kv {
	const char **items;
	size_t nr, alloc;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	struct kv *kv = cls;

	(void)kind;
	ALLOC_GROW(kv->items, kv->nr + 3, kv->alloc);
	kv->items[kv->nr++] = key;
	kv->items[kv->nr++] = value ? value : "";
	kv->items[kv->nr] = NULL;
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct emulator *em = cls;
	struct conn *cc = *con_cls;
	struct em_request req;
	struct em_response res;
	struct kv q = { NULL, 0, 0 }, h = { NULL, 0, 0 };
	struct MHD_Response *mr;
	enum MHD_Result ret;

	(void)version;
	if (!cc) {
		cc = xcalloc(1, sizeof(*cc));
		strbuf_init(&cc->body, 0);
		*con_cls = cc;
		return MHD_YES;
	}
	if (*upload_size) {
		if (cc->body.len + *upload_size > MAX_BODY)
			cc->too_big = 1;
		else
			strbuf_add(&cc->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect, &q);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, collect, &h);
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = url;
	req.host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	req.query = q.items;
	req.headers = h.items;
	req.body = cc->body.buf;
	req.body_len = cc->body.len;
	em_response_init(&res);
	if (cc->too_big)
		em_error(&res, 413, 1, "RequestEntityTooLarge", "The request body is too large.");
	else
		em_handle(em, &req, &res);
	free(q.items);
	free(h.items);
	if (em->o.log_fn)
		em_log(em, "%s %s -> %d%s", method, url, res.status, res.drop ? " (dropped)" : "");
	if (res.delay_ms > 0)
		usleep((useconds_t)res.delay_ms * 1000);
	if (res.drop) {
		em_response_release(&res);
		return MHD_NO;
	}
	mr = MHD_create_response_from_buffer(res.body.len, res.body.buf, MHD_RESPMEM_MUST_COPY);
	if (res.content_type)
		MHD_add_response_header(mr, "Content-Type", res.content_type);
	for (size_t i = 0; i < res.headers_nr; i++)
		MHD_add_response_header(mr, res.headers[i].name, res.headers[i].value);
	ret = MHD_queue_response(conn, (unsigned)res.status, mr);
	MHD_destroy_response(mr);
	em_response_release(&res);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn *cc = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (cc) {
		strbuf_release(&cc->body);
		free(cc);
		*con_cls = NULL;
	}
}

static int loopback(const char *host)
{
	return !strcmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "::1");
}

int emulator_start(struct emulator **out, const struct emulator_options *opts)
{
	struct emulator *em;
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	const char *host = opts->listen_host ? opts->listen_host : "127.0.0.1";
	struct strbuf cert = STRBUF_INIT, key = STRBUF_INIT;

	if (emulator_new(&em, opts))
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)opts->port);
	if (!strcmp(host, "localhost"))
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		set_error("cannot listen on '%s': an IPv4 address is needed", host);
		goto fail;
	}
	if ((opts->cert_file != NULL) != (opts->key_file != NULL)) {
		set_error("--cert and --key go together");
		goto fail;
	}
	if (opts->cert_file) {
		if (strbuf_read_file(&cert, opts->cert_file, 0)) {
			set_error("cannot read '%s': %s", opts->cert_file, strerror(errno));
			goto fail;
		}
		if (strbuf_read_file(&key, opts->key_file, 0)) {
			set_error("cannot read '%s': %s", opts->key_file, strerror(errno));
			goto fail;
		}
		em->cert_pem = strbuf_detach(&cert, NULL);
		em->key_pem = strbuf_detach(&key, NULL);
		em->tls = 1;
		flags |= MHD_USE_TLS;
	} else if (!loopback(host)) {
		set_error("refusing to serve plain HTTP on '%s': use --cert and --key, or a loopback address",
			  host);
		goto fail;
	}
	if (em->tls)
		em->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, em,
					      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
					      MHD_OPTION_NOTIFY_COMPLETED, on_completed, em,
					      MHD_OPTION_HTTPS_MEM_CERT, em->cert_pem,
					      MHD_OPTION_HTTPS_MEM_KEY, em->key_pem,
					      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
					      MHD_OPTION_END);
	else
		em->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, em,
					      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
					      MHD_OPTION_NOTIFY_COMPLETED, on_completed, em,
					      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
					      MHD_OPTION_END);
	if (!em->daemon) {
		set_error("cannot listen on %s:%d%s", host, opts->port,
			  em->tls ? " (or the certificate and key are unusable)" : "");
		goto fail;
	}
	info = MHD_get_daemon_info(em->daemon, MHD_DAEMON_INFO_BIND_PORT);
	em->port = info ? info->port : opts->port;
	*out = em;
	return 0;
fail:
	strbuf_release(&cert);
	strbuf_release(&key);
	emulator_free(em);
	return -1;
}

int emulator_port(const struct emulator *em)
{
	return em->port;
}

const char *emulator_scheme(const struct emulator *em)
{
	return em->tls ? "https" : "http";
}

void emulator_stop(struct emulator *em)
{
	if (!em)
		return;
	if (em->daemon)
		MHD_stop_daemon(em->daemon);
	pthread_mutex_lock(&em->lock);
	if (em_save(em, 1))
		em_log(em, "%s", last_error());
	pthread_mutex_unlock(&em->lock);
	emulator_free(em);
}
