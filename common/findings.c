#include "findings.h"
#include "json.h"
#include "strbuf.h"
#include "usage.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int output_format_parse(const char *s)
{
	if (!strcmp(s, "text"))
		return FORMAT_TEXT;
	if (!strcmp(s, "json"))
		return FORMAT_JSON;
	if (!strcmp(s, "sarif"))
		return FORMAT_SARIF;
	return -1;
}

const char *severity_name(enum severity sev)
{
	switch (sev) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	default: return "note";
	}
}

struct finding *findings_add(struct findings *f, const char *rule, const char *name,
			     enum severity sev, const char *path, int line, int column,
			     const char *pointer, const char *message, const char *hint)
{
	struct finding *x;

	ALLOC_GROW(f->items, f->nr + 1, f->alloc);
	x = &f->items[f->nr++];
	memset(x, 0, sizeof(*x));
	x->rule = rule;
	x->name = name;
	x->severity = sev;
	x->path = xstrdup(path ? path : "");
	x->line = line;
	x->column = column;
	x->pointer = pointer ? xstrdup(pointer) : NULL;
	x->message = xstrdup(message);
	x->hint = hint ? xstrdup(hint) : NULL;
	return x;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int finding_cmp(const void *va, const void *vb)
{
	const struct finding *a = va, *b = vb;
	int c;

	if ((c = cmp_str(a->commit, b->commit)))
		return c;
	if ((c = strcmp(a->path, b->path)))
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)))
		return c;
	return strcmp(a->message, b->message);
}

void findings_sort(struct findings *f)
{
	if (f->nr > 1)
		qsort(f->items, f->nr, sizeof(*f->items), finding_cmp);
}

size_t findings_count(const struct findings *f, enum severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nr; i++)
		n += f->items[i].severity == sev;
	return n;
}

void findings_release(struct findings *f)
{
	for (size_t i = 0; i < f->nr; i++) {
		struct finding *x = &f->items[i];

		free(x->path);
		free(x->pointer);
		free(x->message);
		free(x->hint);
		free(x->commit);
		free(x->excerpt);
		free(x->fingerprint);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static void print_text(FILE *out, const struct findings *f, const struct findings_output *o)
{
	for (size_t i = 0; i < f->nr; i++) {
		const struct finding *x = &f->items[i];
		const char *sev = severity_name(x->severity);
		const char *on = "", *off = "";

		if (o->color) {
			on = x->severity == SEV_ERROR ? "\033[1;31m" : "\033[1;33m";
			off = "\033[m";
		}
		if (x->commit)
			fprintf(out, "%.12s:", x->commit);
		fprintf(out, "%s:", x->path);
		if (x->line)
			fprintf(out, "%d:%d:", x->line, x->column ? x->column : 1);
		fprintf(out, " %s%s%s: %s [%s %s]\n", on, sev, off, x->message, x->rule, x->name);
		if (x->hint)
			fprintf(out, "hint: %s\n", x->hint);
	}
}

static json_t *finding_json(const struct finding *x)
{
	json_t *o = json_object();

	json_object_set_new(o, "rule", json_string(x->rule));
	json_object_set_new(o, "name", json_string(x->name));
	json_object_set_new(o, "severity", json_string(severity_name(x->severity)));
	json_object_set_new(o, "path", json_string(x->path));
	json_object_set_new(o, "line", json_integer(x->line));
	json_object_set_new(o, "column", json_integer(x->column));
	json_object_set_new(o, "pointer", x->pointer ? json_string(x->pointer) : json_null());
	json_object_set_new(o, "message", json_string(x->message));
	if (x->hint)
		json_object_set_new(o, "hint", json_string(x->hint));
	if (x->commit)
		json_object_set_new(o, "commit", json_string(x->commit));
	if (x->excerpt)
		json_object_set_new(o, "excerpt", json_string(x->excerpt));
	if (x->fingerprint)
		json_object_set_new(o, "fingerprint", json_string(x->fingerprint));
	return o;
}

static json_t *to_json(const struct findings *f)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object();

	for (size_t i = 0; i < f->nr; i++)
		json_array_append_new(arr, finding_json(&f->items[i]));
	json_object_set_new(root, "findings", arr);
	json_object_set_new(sum, "errors", json_integer((json_int_t)findings_count(f, SEV_ERROR)));
	json_object_set_new(sum, "warnings", json_integer((json_int_t)findings_count(f, SEV_WARNING)));
	json_object_set_new(sum, "files", json_integer((json_int_t)f->files));
	json_object_set_new(root, "summary", sum);
	return root;
}

static const char *sarif_level(enum severity sev)
{
	return sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" : "note";
}

/* A relative URI reference for a path: RFC 3986 unreserved characters and '/' stay. */
static const char *uri_escape(struct strbuf *sb, const char *path)
{
	strbuf_reset(sb);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			strbuf_addch(sb, *p);
		else
			strbuf_addf(sb, "%%%02X", *p);
	}
	return sb->buf;
}

/* SARIF 2.1.0, as GitHub code scanning and Azure DevOps' SARIF viewer read it. */
static json_t *to_sarif(const struct findings *f, const struct findings_output *o)
{
	json_t *root = json_object(), *runs = json_array(), *run = json_object();
	json_t *tool = json_object(), *driver = json_object(), *rules = json_array();
	json_t *results = json_array();

	json_object_set_new(root, "$schema",
		json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string(o->tool));
	json_object_set_new(driver, "version", json_string(o->tool_version));
	for (size_t i = 0; i < o->rules_nr; i++) {
		const struct rule_info *r = &o->rules[i];
		json_t *rule = json_object(), *cfg = json_object(), *desc = json_object();

		json_object_set_new(rule, "id", json_string(r->id));
		json_object_set_new(rule, "name", json_string(r->name));
		json_object_set_new(desc, "text", json_string(r->description));
		json_object_set_new(rule, "shortDescription", desc);
		json_object_set_new(cfg, "level", json_string(sarif_level(r->severity)));
		json_object_set_new(rule, "defaultConfiguration", cfg);
		json_array_append_new(rules, rule);
	}
	json_object_set_new(driver, "rules", rules);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	for (size_t i = 0; i < f->nr; i++) {
		const struct finding *x = &f->items[i];
		json_t *res = json_object(), *msg = json_object(), *locs = json_array();
		json_t *loc = json_object(), *phys = json_object(), *art = json_object();
		struct strbuf text = STRBUF_INIT;

		json_object_set_new(res, "ruleId", json_string(x->rule));
		for (size_t k = 0; k < o->rules_nr; k++)
			if (!strcmp(o->rules[k].id, x->rule))
				json_object_set_new(res, "ruleIndex", json_integer((json_int_t)k));
		json_object_set_new(res, "level", json_string(sarif_level(x->severity)));
		strbuf_addstr(&text, x->message);
		if (x->hint)
			strbuf_addf(&text, " (hint: %s)", x->hint);
		json_object_set_new(msg, "text", json_string(text.buf));
		json_object_set_new(res, "message", msg);
		json_object_set_new(art, "uri", json_string(uri_escape(&text, x->path)));
		strbuf_release(&text);
		json_object_set_new(art, "uriBaseId", json_string("%SRCROOT%"));
		json_object_set_new(phys, "artifactLocation", art);
		if (x->line > 0) {
			json_t *region = json_object();

			json_object_set_new(region, "startLine", json_integer(x->line));
			json_object_set_new(region, "startColumn",
					    json_integer(x->column > 0 ? x->column : 1));
			json_object_set_new(phys, "region", region);
		}
		json_object_set_new(loc, "physicalLocation", phys);
		if (x->pointer) {
			json_t *logicals = json_array(), *logical = json_object();

			json_object_set_new(logical, "fullyQualifiedName", json_string(x->pointer));
			json_array_append_new(logicals, logical);
			json_object_set_new(loc, "logicalLocations", logicals);
		}
		json_array_append_new(locs, loc);
		json_object_set_new(res, "locations", locs);
		if (x->fingerprint) {
			json_t *fp = json_object();

			json_object_set_new(fp, "gitSynapse/v1", json_string(x->fingerprint));
			json_object_set_new(res, "partialFingerprints", fp);
		}
		json_array_append_new(results, res);
	}
	json_object_set_new(run, "results", results);
	json_array_append_new(runs, run);
	json_object_set_new(root, "runs", runs);
	return root;
}

void findings_print(FILE *out, const struct findings *f, enum output_format fmt,
		    const struct findings_output *o)
{
	json_t *doc;

	if (fmt == FORMAT_TEXT) {
		print_text(out, f, o);
		return;
	}
	doc = fmt == FORMAT_JSON ? to_json(f) : to_sarif(f, o);
	json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', out);
	json_decref(doc);
}
