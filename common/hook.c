#include "hook.h"
#include "lint.h"
#include "scan.h"
#include "source.h"
#include "strbuf.h"
#include "trailers.h"
#include "usage.h"
#include "workspace.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void add_line(char ***list, size_t *nr, size_t *alloc, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_vaddf(&sb, fmt, ap);
	ALLOC_GROW(*list, *nr + 1, *alloc);
	(*list)[(*nr)++] = strbuf_detach(&sb, NULL);
}

static void veto(struct hook_report *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void veto(struct hook_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(&r->vetoes, &r->vetoes_nr, &r->vetoes_alloc, fmt, ap);
	va_end(ap);
}

static void note(struct hook_report *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void note(struct hook_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(&r->notes, &r->notes_nr, &r->notes_alloc, fmt, ap);
	va_end(ap);
}

void hook_report_release(struct hook_report *r)
{
	findings_release(&r->findings);
	for (size_t i = 0; i < r->vetoes_nr; i++)
		free(r->vetoes[i]);
	free(r->vetoes);
	for (size_t i = 0; i < r->notes_nr; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

int hook_report_vetoed(const struct hook_report *r)
{
	return r->vetoes_nr || findings_count(&r->findings, SEV_ERROR);
}

/* ------------------------------------------------------------- paths */

struct paths {
	char **items;
	size_t nr, alloc;
};

static void paths_add(struct paths *p, const char *path)
{
	/* pushes touch few paths; a linear check keeps the list unique */
	for (size_t i = 0; i < p->nr; i++)
		if (!strcmp(p->items[i], path))
			return;
	ALLOC_GROW(p->items, p->nr + 1, p->alloc);
	p->items[p->nr++] = xstrdup(path);
}

static void paths_release(struct paths *p)
{
	for (size_t i = 0; i < p->nr; i++)
		free(p->items[i]);
	free(p->items);
	memset(p, 0, sizeof(*p));
}

static int roots_of(struct source *src, const struct config *c, char ***roots)
{
	char *root = config_get_string(c, "synapse.root");

	if (root) {
		size_t n = strlen(root);

		while (n && root[n - 1] == '/')
			root[--n] = '\0';
		*roots = xcalloc(2, sizeof(char *));
		(*roots)[0] = (n && strcmp(root, ".")) ? xstrfmt("%s/", root) : xstrdup("");
		free(root);
		return 1;
	}
	return workspace_find_roots(src, roots);
}

/* Lint the given paths of a source; findings get commit (may be NULL). */
static int lint_paths(struct hook_report *r, struct source *src, const struct config *c,
		      const struct paths *changed, const char *commit)
{
	char **roots = NULL;
	int nr = roots_of(src, c, &roots), ret = 0;
	size_t before = r->findings.nr;

	if (nr < 0)
		return -1;
	for (int i = 0; i < nr && !ret; i++) {
		struct workspace ws;
		struct lint_options lo = { c, NULL, 0 };
		const char **only = NULL;
		size_t only_nr = 0, only_alloc = 0, rl = strlen(roots[i]);

		for (size_t k = 0; k < changed->nr; k++)
			if (!strncmp(changed->items[k], roots[i], rl)) {
				ALLOC_GROW(only, only_nr + 1, only_alloc);
				only[only_nr++] = changed->items[k];
			}
		if (!only_nr)
			continue;
		if (workspace_open(&ws, src, roots[i]) < 0) {
			free(only);
			ret = -1;
			break;
		}
		lo.only_paths = only;
		lo.only_nr = only_nr;
		if (lint_workspace(&ws, &lo, &r->findings) < 0)
			ret = -1;
		workspace_release(&ws);
		free(only);
	}
	for (int i = 0; i < nr; i++)
		free(roots[i]);
	free(roots);
	if (commit)
		for (size_t i = before; i < r->findings.nr; i++)
			if (!r->findings.items[i].commit)
				r->findings.items[i].commit = xstrdup(commit);
	return ret;
}

/* -------------------------------------------------------- pre-commit */

static int add_staged(const char *path, void *data)
{
	paths_add(data, path);
	return 0;
}

int hook_pre_commit(struct hook_report *r)
{
	git_repository *repo = NULL;
	struct source src = SOURCE_INIT;
	struct config c = CONFIG_INIT;
	struct paths staged = { NULL, 0, 0 };
	struct scanner *sc = NULL;
	struct strbuf data = STRBUF_INIT;
	int ret = -1;

	if (repo_open(&repo) < 0)
		goto cleanup;
	if (source_open_repo(&src, repo, SOURCE_INDEX, NULL) < 0)
		goto cleanup;
	if (config_load(&c, repo, NULL) < 0)
		goto cleanup;
	if (source_staged_paths(&src, "", add_staged, &staged) < 0)
		goto cleanup;
	if (!staged.nr) {
		ret = 0;
		goto cleanup;
	}
	if (!(sc = scanner_new(&c)))
		goto cleanup;
	for (size_t i = 0; i < staged.nr; i++) {
		strbuf_reset(&data);
		if (source_read_path(&src, staged.items[i], &data) < 0)
			continue; /* removed */
		scan_buffer(sc, staged.items[i], data.buf, data.len, NULL, &r->findings);
	}
	if (lint_paths(r, &src, &c, &staged, NULL) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	strbuf_release(&data);
	scanner_free(sc);
	paths_release(&staged);
	config_release(&c);
	src.repo = NULL; /* source_release() would free the repository we lent it */
	source_release(&src);
	git_repository_free(repo);
	return ret;
}

/* -------------------------------------------------------- commit-msg */

int hook_commit_msg(struct hook_report *r, const char *message_file)
{
	git_repository *repo = NULL;
	struct config c = CONFIG_INIT;
	struct strbuf msg = STRBUF_INIT, body = STRBUF_INIT;
	struct ai_policy *ai = NULL;
	struct scanner *sc = NULL;
	struct ai_verdict v;
	const char *p;
	int ret = -1;

	if (strbuf_read_file(&msg, message_file, 0) < 0) {
		set_error("cannot read '%s'", message_file);
		goto cleanup;
	}
	if (repo_open(&repo) < 0)
		git_error_clear(); /* outside a repository: built-in policy */
	if (config_load(&c, repo, NULL) < 0)
		goto cleanup;
	if (!(ai = ai_policy_new(&c)) || !(sc = scanner_new(&c)))
		goto cleanup;
	/* the message as it will be stored: no comment lines */
	for (p = msg.buf; *p;) {
		size_t n = strcspn(p, "\n");

		if (!strncmp(p, "# ------------------------ >8", 29))
			break;
		if (*p != '#') {
			strbuf_add(&body, p, n);
			strbuf_addch(&body, '\n');
		}
		p += n;
		if (*p)
			p++;
	}
	ai_judge(ai, body.buf, NULL, &v);
	if (v.agent_signoff)
		veto(r, "an AI agent may not sign off: 'Signed-off-by: %s'", v.agent_signoff);
	if (v.assisted)
		note(r, "commit marked AI-assisted (%s)%s", v.marker,
		     ai_policy_require_review(ai) ?
		     "; protected branches will need a 'Reviewed-by:' from a person" : "");
	ai_verdict_release(&v);
	scan_text(sc, "commit message", body.buf, body.len, &r->findings);
	ret = 0;
cleanup:
	scanner_free(sc);
	ai_policy_free(ai);
	strbuf_release(&msg);
	strbuf_release(&body);
	config_release(&c);
	git_repository_free(repo);
	return ret;
}

/* ----------------------------------------------------------- policy */

struct env_match {
	const struct config *c;
	const char *branch;
	int (*fn)(const char *env, void *data);
	void *data;
	int ret;
};

static int in_list(const char *list, const char *s, int glob)
{
	const char *p = list;

	while (*p) {
		size_t n;
		char *w;
		int hit;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		n = strcspn(p, " ,\t");
		if (!n)
			break;
		w = xstrndup(p, n);
		hit = glob ? !fnmatch(w, s, 0) : !strcasecmp(w, s);
		free(w);
		if (hit)
			return 1;
		p += n;
	}
	return 0;
}

/* "env.<e>.<key>" (libgit2 lowercases the section and the key) */
static int env_key(const char *name, const char *key)
{
	const char *last = strrchr(name, '.');

	return !strncmp(name, "env.", 4) && last && last > name + 3 && !strcasecmp(last + 1, key);
}

static int protected_cb(const char *name, const char *value, void *data)
{
	struct env_match *m = data;
	const char *dot = strchr(name, '.'), *last = strrchr(name, '.');
	char *env, *key, *branch = NULL;
	int prot = 0;

	if (!env_key(name, "protected") || !dot || last == dot)
		return 0;
	env = xstrndup(dot + 1, (size_t)(last - dot - 1));
	if (!value || !strcasecmp(value, "true") || !strcasecmp(value, "yes") ||
	    !strcasecmp(value, "on") || !strcmp(value, "1")) {
		key = xstrfmt("env.%s.branch", env);
		branch = config_get_string(m->c, key);
		free(key);
		if (!branch)
			branch = config_get_string(m->c, "synapse.collaborationBranch");
		prot = !strcmp(branch ? branch : "main", m->branch);
		free(branch);
	} else if (strcasecmp(value, "false") && strcasecmp(value, "no") &&
		   strcasecmp(value, "off") && strcmp(value, "0")) {
		prot = in_list(value, m->branch, 1);
	}
	if (prot)
		m->ret = m->fn(env, m->data);
	free(env);
	return m->ret;
}

int hook_protecting_envs(const struct config *c, const char *branch,
			 int (*fn)(const char *env, void *data), void *data)
{
	struct env_match m = { c, branch, fn, data, 0 };

	/* no pattern: libgit2 1.5 leaks match data in its regex iterator */
	config_foreach_match(c, NULL, protected_cb, &m);
	return m.ret;
}

int hook_is_publisher(const struct config *c, const char *env, const char *identity)
{
	char *key = xstrfmt("env.%s.publishers", env), *list = config_get_string(c, key);
	const char *lt, *gt;
	char *email = NULL, *name = NULL;
	int ok;

	free(key);
	if (!list)
		return 1; /* no list: anyone who may push may publish */
	lt = strchr(identity, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt) {
		size_t n = (size_t)(lt - identity);

		email = xstrndup(lt + 1, (size_t)(gt - lt - 1));
		while (n && identity[n - 1] == ' ')
			n--;
		name = xstrndup(identity, n);
	} else {
		email = xstrdup(identity);
	}
	ok = (*email && (in_list(list, email, 0) || in_list(list, email, 1))) ||
	     (name && *name && in_list(list, name, 0));
	free(email);
	free(name);
	free(list);
	return ok;
}

struct publish_ctx {
	struct hook_report *r;
	const char *branch;
};

static int publish_cb(const char *name, const char *value, void *data)
{
	struct publish_ctx *p = data;
	const char *dot = strchr(name, '.'), *last = strrchr(name, '.');

	if (!env_key(name, "publishOnPush") || !dot || last == dot || !value ||
	    !in_list(value, p->branch, 1))
		return 0;
	note(p->r, "publish on push is not available yet: env '%.*s' asks to publish '%s' "
	     "(env.%.*s.publishOnPush); the push goes on without it",
	     (int)(last - dot - 1), dot + 1, p->branch, (int)(last - dot - 1), dot + 1);
	return 0;
}

int hook_publish_on_push(struct hook_report *r, const struct config *c, const char *branch)
{
	/*
	 * The call site of publish on push: an environment whose
	 * publishOnPush names this branch wants the pushed commit built and
	 * deployed to it. Deploy does not exist yet, so the hook says so
	 * (only where it is configured) and lets the push go on.
	 */
	struct publish_ctx p = { r, branch };

	return config_foreach_match(c, NULL, publish_cb, &p) < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ push gate */

struct gate {
	struct hook_report *r;
	const struct config *c;
	struct ai_policy *ai;
	struct scanner *sc;
	const char *branch;      /* branch name being updated (no refs/heads/) */
	char **envs;             /* environments protecting it */
	size_t envs_nr, envs_alloc;
	struct paths changed;
};

static int collect_env(const char *env, void *data)
{
	struct gate *g = data;

	ALLOC_GROW(g->envs, g->envs_nr + 1, g->envs_alloc);
	g->envs[g->envs_nr++] = xstrdup(env);
	return 0;
}

static void gate_path(const char *path, void *data)
{
	struct gate *g = data;

	paths_add(&g->changed, path);
}

static char *subject_of(git_commit *c)
{
	const char *s = git_commit_summary(c);
	size_t n = s ? strlen(s) : 0;

	if (n > 50)
		return xstrfmt("%.47s...", s);
	return xstrdup(s ? s : "");
}

static void gate_commit(git_commit *commit, void *data)
{
	struct gate *g = data;
	const git_signature *a = git_commit_author(commit);
	char *author = xstrfmt("%s <%s>", a->name, a->email);
	const char *msg = git_commit_message(commit);
	char hex[GIT_OID_HEXSZ + 1], *subject = subject_of(commit);
	struct ai_verdict v;
	size_t before = g->r->findings.nr;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	g->r->commits++;
	ai_judge(g->ai, msg ? msg : "", author, &v);
	if (v.agent_signoff)
		veto(g->r, "commit %.12s ('%s'): an AI agent may not sign off ('Signed-off-by: %s')",
		     hex, subject, v.agent_signoff);
	if (v.assisted && g->envs_nr && ai_policy_require_review(g->ai) && !v.reviewed)
		veto(g->r, "commit %.12s ('%s'): AI-assisted (%s) but not reviewed: '%s' is protected "
		     "(env '%s'); add a 'Reviewed-by:' trailer from a person",
		     hex, subject, v.marker, g->branch, g->envs[0]);
	ai_verdict_release(&v);
	if (msg)
		scan_text(g->sc, "commit message", msg, strlen(msg), &g->r->findings);
	for (size_t i = before; i < g->r->findings.nr; i++)
		if (!g->r->findings.items[i].commit)
			g->r->findings.items[i].commit = xstrdup(hex);
	free(subject);
	free(author);
}

static void gate_release(struct gate *g)
{
	for (size_t i = 0; i < g->envs_nr; i++)
		free(g->envs[i]);
	free(g->envs);
	g->envs = NULL;
	g->envs_nr = g->envs_alloc = 0;
	paths_release(&g->changed);
}

static int is_zero(const char *hex)
{
	for (; *hex; hex++)
		if (*hex != '0')
			return 0;
	return 1;
}

static const char *branch_name(const char *ref)
{
	return !strncmp(ref, "refs/heads/", 11) ? ref + 11 : NULL;
}

/*
 * Check one ref update: new (hex) is pushed to ref; hide lists what the
 * other side already has. who: the pusher's identity, or NULL if unknown.
 */
static int gate_update(struct gate *g, git_repository *repo, const char *ref, const char *old,
		       const char *new, const char *const *hide, const char *who)
{
	struct scan_history_opts ho;
	const char *tips[2] = { new, NULL };
	const char *branch = branch_name(ref);
	struct source src = SOURCE_INIT;
	int ret = 0;

	g->branch = branch ? branch : ref;
	if (branch)
		hook_protecting_envs(g->c, branch, collect_env, g);
	for (size_t i = 0; i < g->envs_nr; i++) {
		if (!who) {
			veto(g->r, "cannot tell who is pushing to protected branch '%s' (env '%s')",
			     branch, g->envs[i]);
		} else if (!hook_is_publisher(g->c, g->envs[i], who)) {
			veto(g->r, "'%s' may not update protected branch '%s': not a publisher of env '%s'",
			     who, branch, g->envs[i]);
		}
	}
	if (is_zero(new)) {
		gate_release(g);
		return 0; /* a deletion: nothing to check but the publisher */
	}
	memset(&ho, 0, sizeof(ho));
	ho.tips = tips;
	ho.hide = hide;
	ho.on_commit = gate_commit;
	ho.on_path = gate_path;
	ho.data = g;
	(void)old;
	if (scan_history(g->sc, repo, &ho, &g->r->findings) < 0) {
		ret = -1;
		goto cleanup;
	}
	if (g->changed.nr) {
		if (source_open_repo(&src, repo, SOURCE_COMMIT, new) < 0 ||
		    lint_paths(g->r, &src, g->c, &g->changed, new) < 0) {
			ret = -1;
			goto cleanup;
		}
	}
cleanup:
	src.repo = NULL; /* source_release() would free the repository we lent it */
	source_release(&src);
	gate_release(g);
	return ret;
}

struct hex_list {
	char **items;
	size_t nr, alloc;
};

static void hex_add(struct hex_list *l, const char *hex)
{
	ALLOC_GROW(l->items, l->nr + 2, l->alloc);
	l->items[l->nr++] = xstrdup(hex);
	l->items[l->nr] = NULL;
}

static void hex_release(struct hex_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

struct ref_collect {
	git_repository *repo;
	struct hex_list *list;
};

static int ref_cb(const char *name, void *data)
{
	struct ref_collect *rc = data;
	git_oid oid;
	char hex[GIT_OID_HEXSZ + 1];

	if (git_reference_name_to_id(&oid, rc->repo, name) == 0) {
		git_oid_tostr(hex, sizeof(hex), &oid);
		hex_add(rc->list, hex);
	}
	git_error_clear();
	return 0;
}

static int read_line(FILE *in, struct strbuf *sb)
{
	int ch;

	strbuf_reset(sb);
	while ((ch = getc(in)) != EOF && ch != '\n')
		strbuf_addch(sb, ch);
	return (ch == EOF && !sb->len) ? -1 : 0;
}

static char *pusher_local(const struct config *c)
{
	const char *e = getenv("GIT_COMMITTER_EMAIL"), *n = getenv("GIT_COMMITTER_NAME");
	char *email = NULL, *name = NULL, *ret;

	if (!e)
		e = email = config_get_string(c, "user.email");
	if (!n)
		n = name = config_get_string(c, "user.name");
	if (!e && !n)
		ret = NULL;
	else
		ret = xstrfmt("%s <%s>", n ? n : "", e ? e : "");
	free(email);
	free(name);
	return ret;
}

static char *pusher_server(void)
{
	const char *e, *n;

	if ((e = getenv("SYNAPSE_PUSHER")) && *e)
		return xstrdup(e);
	e = getenv("GITEA_PUSHER_EMAIL");
	n = getenv("GITEA_PUSHER_NAME");
	if ((e && *e) || (n && *n))
		return xstrfmt("%s <%s>", n ? n : "", e ? e : "");
	e = getenv("GOGS_AUTH_USER_EMAIL");
	n = getenv("GOGS_AUTH_USER_NAME");
	if ((e && *e) || (n && *n))
		return xstrfmt("%s <%s>", n ? n : "", e ? e : "");
	if ((n = getenv("GL_USERNAME")) && *n)
		return xstrdup(n);
	if ((n = getenv("REMOTE_USER")) && *n)
		return xstrdup(n);
	return NULL;
}

static int gate_init(struct gate *g, struct hook_report *r, const struct config *c)
{
	memset(g, 0, sizeof(*g));
	g->r = r;
	g->c = c;
	if (!(g->ai = ai_policy_new(c)))
		return -1;
	if (!(g->sc = scanner_new(c)))
		return -1;
	return 0;
}

static void gate_free(struct gate *g)
{
	ai_policy_free(g->ai);
	scanner_free(g->sc);
	gate_release(g);
}

int hook_pre_push(struct hook_report *r, const char *remote, FILE *in)
{
	git_repository *repo = NULL;
	struct config c = CONFIG_INIT;
	struct gate g;
	struct strbuf line = STRBUF_INIT;
	struct hex_list hide = { NULL, 0, 0 };
	struct ref_collect rc;
	char *who = NULL, *glob = NULL;
	int ret = -1;

	memset(&g, 0, sizeof(g));
	if (repo_open(&repo) < 0)
		goto cleanup;
	if (config_load(&c, repo, NULL) < 0)
		goto cleanup;
	if (gate_init(&g, r, &c) < 0)
		goto cleanup;
	who = pusher_local(&c);
	/* what the remote is known to have: its remote-tracking branches */
	rc.repo = repo;
	rc.list = &hide;
	if (remote && *remote && !strchr(remote, '/') && !strchr(remote, ':')) {
		glob = xstrfmt("refs/remotes/%s/*", remote);
		git_reference_foreach_glob(repo, glob, ref_cb, &rc);
	}
	while (read_line(in, &line) == 0) {
		char lref[1024], loid[GIT_OID_HEXSZ + 1], rref[1024], roid[GIT_OID_HEXSZ + 1];
		size_t mark = hide.nr;
		const char *rbranch;

		if (!line.len)
			continue;
		if (sscanf(line.buf, "%1023s %40s %1023s %40s", lref, loid, rref, roid) != 4) {
			set_error("unexpected pre-push input '%s'", line.buf);
			goto cleanup;
		}
		if (!is_zero(roid))
			hex_add(&hide, roid);
		if (gate_update(&g, repo, rref, NULL, loid, (const char *const *)hide.items,
				who) < 0)
			goto cleanup;
		/* forget this update's remote oid for the next one */
		while (hide.nr > mark)
			free(hide.items[--hide.nr]);
		if (hide.items)
			hide.items[hide.nr] = NULL;
		rbranch = branch_name(rref);
		if (rbranch && !is_zero(loid))
			hook_publish_on_push(r, &c, rbranch);
	}
	ret = 0;
cleanup:
	free(glob);
	free(who);
	hex_release(&hide);
	strbuf_release(&line);
	gate_free(&g);
	config_release(&c);
	git_repository_free(repo);
	return ret;
}

/* Configuration on the server: the repository's own, plus .synapseconfig from HEAD. */
static int server_config(struct config *c, git_repository *repo)
{
	git_object *obj = NULL;
	int ret;

	if (git_revparse_single(&obj, repo, "HEAD:.synapseconfig") == 0 &&
	    git_object_type(obj) == GIT_OBJECT_BLOB) {
		git_blob *b = (git_blob *)obj;

		ret = config_load_buffer(c, repo, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	} else {
		git_error_clear();
		ret = config_load(c, repo, NULL);
	}
	git_object_free(obj);
	return ret;
}

int hook_pre_receive(struct hook_report *r, FILE *in)
{
	git_repository *repo = NULL;
	struct config c = CONFIG_INIT;
	struct gate g;
	struct strbuf line = STRBUF_INIT;
	struct hex_list hide = { NULL, 0, 0 };
	struct ref_collect rc;
	char *who = NULL;
	int ret = -1;

	memset(&g, 0, sizeof(g));
	if (repo_open(&repo) < 0)
		goto cleanup;
	if (server_config(&c, repo) < 0)
		goto cleanup;
	if (gate_init(&g, r, &c) < 0)
		goto cleanup;
	who = pusher_server();
	/* everything the repository already has was checked when it came in */
	rc.repo = repo;
	rc.list = &hide;
	git_reference_foreach_name(repo, ref_cb, &rc);
	while (read_line(in, &line) == 0) {
		char old[GIT_OID_HEXSZ + 1], new[GIT_OID_HEXSZ + 1], ref[1024];

		if (!line.len)
			continue;
		if (sscanf(line.buf, "%40s %40s %1023s", old, new, ref) != 3) {
			set_error("unexpected pre-receive input '%s'", line.buf);
			goto cleanup;
		}
		if (gate_update(&g, repo, ref, old, new, (const char *const *)hide.items, who) < 0)
			goto cleanup;
	}
	ret = 0;
cleanup:
	free(who);
	hex_release(&hide);
	strbuf_release(&line);
	gate_free(&g);
	config_release(&c);
	git_repository_free(repo);
	return ret;
}
