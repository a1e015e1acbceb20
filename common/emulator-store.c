/*
 * The emulator's state: workspaces and their artifacts, kept in memory
 * and saved to --data; fault injection; ids, etags and the random source.
 */
#include "emulator-int.h"
#include "usage.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- random, ids ---- */

unsigned long long em_random(struct emulator *em)
{
	/* splitmix64: reproducible from --seed */
	unsigned long long z = (em->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void em_guid(struct emulator *em, char out[37], int upper)
{
	unsigned long long a = em_random(em), b = em_random(em);

	snprintf(out, 37, upper ? "%08llX-%04llX-4%03llX-%04llX-%012llX" :
		 "%08llx-%04llx-4%03llx-%04llx-%012llx",
		 a >> 32, (a >> 16) & 0xffff, a & 0xfff, 0x8000 | (b >> 48 & 0x3fff),
		 b & 0xffffffffffffULL);
}

void em_new_etag(struct emulator *em, char out[40])
{
	/* the service's shape: "05000bc9-0000-0100-0000-5f45d9d90000" */
	em->counter++;
	snprintf(out, 40, "%08lx-0000-0100-0000-%08lx0000", em->counter & 0xffffffffUL,
		 (unsigned long)time(NULL) & 0xffffffffUL);
}

void em_iso_now(char out[40], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- faults ---- */

static int contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return !n;
}

static const struct {
	const char *name;
	enum em_fault_kind kind;
} fault_names[] = {
	{ "429", EMF_429 }, { "500", EMF_500 }, { "502", EMF_502 }, { "503", EMF_503 },
	{ "drop", EMF_DROP }, { "slow", EMF_SLOW }, { "lro-fail", EMF_LRO_FAIL },
	{ "expire", EMF_EXPIRE }, { "token-expired", EMF_EXPIRE }, { "403", EMF_403 },
	{ "broken-json", EMF_BROKEN },
};

int em_faults_parse(struct emulator *em, const char *spec)
{
	char *copy = xstrdup(spec), *p = copy, *key;
	struct em_fault f;
	int found = 0, ret = -1;

	memset(&f, 0, sizeof(f));
	f.ms = 2000;
	f.after = 1;
	key = strsep(&p, ":");
	for (size_t i = 0; i < ARRAY_SIZE(fault_names); i++)
		if (!strcasecmp(key, fault_names[i].name)) {
			f.kind = fault_names[i].kind;
			found = 1;
		}
	if (!found) {
		set_error("unknown fault '%s' in '%s': expected 429, 500, 502, 503, drop, slow, "
			  "lro-fail, expire, 403 or broken-json", key, spec);
		goto cleanup;
	}
	while ((key = strsep(&p, ":"))) {
		char *val = strchr(key, '='), *end;

		if (!val) {
			set_error("fault '%s': '%s' is not key=value", spec, key);
			goto cleanup;
		}
		*val++ = '\0';
		if (!strcmp(key, "rate")) {
			f.rate = strtod(val, &end);
			if (*end || f.rate < 0 || f.rate > 1) {
				set_error("fault '%s': rate must be between 0 and 1", spec);
				goto cleanup;
			}
		} else if (!strcmp(key, "nth")) {
			char *n;

			while ((n = strsep(&val, ","))) {
				if (f.nth_nr >= (int)ARRAY_SIZE(f.nth) || (f.nth[f.nth_nr++] = strtol(n, &end, 10)) <= 0 || *end) {
					set_error("fault '%s': nth takes up to 16 positive numbers", spec);
					goto cleanup;
				}
			}
		} else if (!strcmp(key, "every")) {
			f.every = strtol(val, &end, 10);
			if (*end || f.every <= 0) {
				set_error("fault '%s': every takes a positive number", spec);
				goto cleanup;
			}
		} else if (!strcmp(key, "ms")) {
			f.ms = strtol(val, &end, 10);
			if (*end || f.ms < 0) {
				set_error("fault '%s': ms takes a number", spec);
				goto cleanup;
			}
		} else if (!strcmp(key, "after")) {
			f.after = strtol(val, &end, 10);
			if (*end || f.after < 0) {
				set_error("fault '%s': after takes a number of seconds", spec);
				goto cleanup;
			}
		} else if (!strcmp(key, "path")) {
			f.path = xstrdup(val);
		} else if (!strcmp(key, "method")) {
			f.method = xstrdup(val);
		} else {
			set_error("fault '%s': unknown key '%s'", spec, key);
			goto cleanup;
		}
	}
	if (!f.rate && !f.nth_nr && !f.every)
		f.rate = 1;
	ALLOC_GROW(em->faults, em->faults_nr + 1, em->faults_alloc);
	em->faults[em->faults_nr++] = f;
	memset(&f, 0, sizeof(f));
	ret = 0;
cleanup:
	free(f.path);
	free(f.method);
	free(copy);
	return ret;
}

void em_faults_release(struct emulator *em)
{
	for (size_t i = 0; i < em->faults_nr; i++) {
		free(em->faults[i].path);
		free(em->faults[i].method);
	}
	free(em->faults);
	em->faults = NULL;
	em->faults_nr = em->faults_alloc = 0;
}

struct em_fault *em_fault_pick(struct emulator *em, const char *method, const char *path,
			       unsigned kinds_mask)
{
	struct em_fault *hit = NULL;

	for (size_t i = 0; i < em->faults_nr; i++) {
		struct em_fault *f = &em->faults[i];
		int on = 0;

		if (!(kinds_mask & (1u << f->kind)))
			continue;
		if (f->path && !contains_nocase(path, f->path))
			continue;
		if (f->method && strcasecmp(method, f->method))
			continue;
		f->count++;
		for (int k = 0; k < f->nth_nr; k++)
			if (f->nth[k] == f->count)
				on = 1;
		if (f->every && f->count % f->every == 0)
			on = 1;
		if (f->rate > 0 && f->rate >= 1)
			on = 1;
		else if (f->rate > 0 &&
			 (double)(em_random(em) % 1000000) / 1000000.0 < f->rate)
			on = 1;
		if (on && !hit)
			hit = f;
	}
	return hit;
}

/* ---- workspaces ---- */

int em_valid_workspace_name(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > 50)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
			return 0;
	return 1;
}

static json_t *seed_resource(const char *name, const char *type, json_t *props)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:s}",
			 "id", "", "name", name, "type", type, "properties", props,
			 "etag", "00000000-0000-0100-0000-000000000000");
}

static void seed_put(struct em_workspace *w, const char *coll, json_t *res)
{
	struct strbuf id = STRBUF_INIT, low = STRBUF_INIT;
	const char *name = json_string_value(json_object_get(res, "name"));

	strbuf_addf(&id, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
		    "emulator-rg/providers/Microsoft.Synapse/workspaces/%s/", w->name);
	for (const char *p = coll; *p; p++)
		strbuf_addch(&id, *p);
	strbuf_addf(&id, "/%s", name);
	json_object_set_new(res, "id", json_string(id.buf));
	for (const char *p = name; *p; p++)
		strbuf_addch(&low, tolower((unsigned char)*p));
	json_object_set_new(em_coll(w, coll, 1), low.buf, res);
	strbuf_release(&id);
	strbuf_release(&low);
}

static void seed_workspace(struct em_workspace *w)
{
	struct strbuf n = STRBUF_INIT;
	const char *MS = "Microsoft.Synapse/workspaces/";
	struct strbuf t = STRBUF_INIT;

	strbuf_addf(&t, "%sintegrationruntimes", MS);
	seed_put(w, "integrationruntimes",
		 seed_resource("AutoResolveIntegrationRuntime", t.buf,
			       json_pack("{s:s, s:{s:{s:s}}, s:n, s:{s:s, s:s}}",
					 "type", "Managed", "typeProperties", "computeProperties",
					 "location", "AutoResolve", "provisioningState",
					 "managedVirtualNetwork", "referenceName", "default",
					 "type", "ManagedVirtualNetworkReference")));
	strbuf_reset(&t);
	strbuf_addf(&t, "%slinkedservices", MS);
	strbuf_addf(&n, "%s-WorkspaceDefaultStorage", w->name);
	seed_put(w, "linkedservices",
		 seed_resource(n.buf, t.buf,
			       json_pack("{s:s, s:{s:s}, s:{s:s, s:s}}", "type", "AzureBlobFS",
					 "typeProperties", "url", "https://emulator.dfs.core.windows.net",
					 "connectVia", "referenceName", "AutoResolveIntegrationRuntime",
					 "type", "IntegrationRuntimeReference")));
	strbuf_reset(&n);
	strbuf_addf(&n, "%s-WorkspaceDefaultSqlServer", w->name);
	seed_put(w, "linkedservices",
		 seed_resource(n.buf, t.buf,
			       json_pack("{s:s, s:{s:s}, s:{s:s, s:s}}", "type", "AzureSqlDW",
					 "typeProperties", "connectionString",
					 "Data Source=tcp:emulator.sql.azuresynapse.net,1433;Initial Catalog=@{linkedService().DBName}",
					 "connectVia", "referenceName", "AutoResolveIntegrationRuntime",
					 "type", "IntegrationRuntimeReference")));
	strbuf_reset(&t);
	strbuf_addf(&t, "%smanagedVirtualNetworks", MS);
	seed_put(w, "managedvirtualnetworks",
		 seed_resource("default", t.buf,
			       json_pack("{s:s}", "vNetId", "00b37b7e-290e-4973-9420-b91c9919100d")));
	strbuf_release(&n);
	strbuf_release(&t);
}

static struct em_workspace *workspace_new(struct emulator *em, const char *name)
{
	struct em_workspace *w = xcalloc(1, sizeof(*w));

	w->name = xstrdup(name);
	w->colls = json_object();
	w->side = json_object();
	w->runs = json_object();
	w->record_id = 100000;
	ALLOC_GROW(em->ws, em->ws_nr + 1, em->ws_alloc);
	em->ws[em->ws_nr++] = w;
	return w;
}

struct em_workspace *em_workspace_get(struct emulator *em, const char *name, int create)
{
	struct em_workspace *w;

	for (size_t i = 0; i < em->ws_nr; i++)
		if (!strcasecmp(em->ws[i]->name, name))
			return em->ws[i];
	if (!create || !em_valid_workspace_name(name))
		return NULL;
	w = workspace_new(em, name);
	seed_workspace(w);
	em->dirty = 1;
	return w;
}

json_t *em_coll(struct em_workspace *ws, const char *key, int create)
{
	struct strbuf low = STRBUF_INIT;
	json_t *c;

	for (const char *p = key; *p; p++)
		strbuf_addch(&low, tolower((unsigned char)*p));
	c = json_object_get(ws->colls, low.buf);
	if (!c && create) {
		c = json_object();
		json_object_set_new(ws->colls, low.buf, c);
	}
	strbuf_release(&low);
	return c;
}

void em_workspaces_free(struct emulator *em)
{
	for (size_t i = 0; i < em->ws_nr; i++) {
		free(em->ws[i]->name);
		json_decref(em->ws[i]->colls);
		json_decref(em->ws[i]->side);
		json_decref(em->ws[i]->runs);
		free(em->ws[i]);
	}
	free(em->ws);
	em->ws = NULL;
	em->ws_nr = em->ws_alloc = 0;
}

/* ---- persistence: <data>/<workspace>.json ---- */

int em_load(struct emulator *em)
{
	DIR *d;
	struct dirent *de;

	if (!em->o.data_dir)
		return 0;
	if (mkdir(em->o.data_dir, 0777) && errno != EEXIST)
		return set_error("cannot create '%s': %s", em->o.data_dir, strerror(errno));
	d = opendir(em->o.data_dir);
	if (!d)
		return set_error("cannot open '%s': %s", em->o.data_dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char *path, *name;
		json_t *root;
		json_error_t jerr;
		struct em_workspace *w;

		if (n < 6 || strcmp(de->d_name + n - 5, ".json") || de->d_name[0] == '.')
			continue;
		name = xstrndup(de->d_name, n - 5);
		path = xstrfmt("%s/%s", em->o.data_dir, de->d_name);
		root = json_load_file(path, 0, &jerr);
		if (!json_is_object(root) || !em_valid_workspace_name(name) ||
		    em_workspace_get(em, name, 0)) {
			json_decref(root);
			closedir(d);
			set_error("cannot load '%s': %s", path, root ? "not a workspace" : jerr.text);
			free(path);
			free(name);
			return -1;
		}
		w = workspace_new(em, name);
		if (json_is_object(json_object_get(root, "collections")))
			json_object_update(w->colls, json_object_get(root, "collections"));
		if (json_is_object(json_object_get(root, "side")))
			json_object_update(w->side, json_object_get(root, "side"));
		if (json_is_object(json_object_get(root, "runs")))
			json_object_update(w->runs, json_object_get(root, "runs"));
		if (json_is_integer(json_object_get(root, "recordId")))
			w->record_id = (long)json_integer_value(json_object_get(root, "recordId"));
		json_decref(root);
		free(path);
		free(name);
	}
	closedir(d);
	return 0;
}

int em_save(struct emulator *em, int force)
{
	time_t now = time(NULL);

	if (!em->o.data_dir || !em->dirty)
		return 0;
	if (!force && now == em->last_save)
		return 0;
	for (size_t i = 0; i < em->ws_nr; i++) {
		struct em_workspace *w = em->ws[i];
		json_t *root = json_pack("{s:O, s:O, s:O, s:I}", "collections", w->colls,
					 "side", w->side, "runs", w->runs,
					 "recordId", (json_int_t)w->record_id);
		char *path = xstrfmt("%s/%s.json", em->o.data_dir, w->name);
		char *tmp = xstrfmt("%s/.%s.json.tmp", em->o.data_dir, w->name);
		int bad = json_dump_file(root, tmp, JSON_COMPACT) || rename(tmp, path);

		json_decref(root);
		if (bad) {
			set_error("cannot save '%s': %s", path, strerror(errno));
			unlink(tmp);
			free(path);
			free(tmp);
			return -1;
		}
		free(path);
		free(tmp);
	}
	em->dirty = 0;
	em->last_save = now;
	return 0;
}
