#define PCRE2_CODE_UNIT_WIDTH 8
#include "trailers.h"
#include "strbuf.h"
#include "usage.h"

#include <git2.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char ai_agents_default[] =
	"copilot|claude|anthropic|aider|cursor(?:agent)?@|\\bcursor\\b|openai|chatgpt|codex|"
	"gemini|devin|\\[bot\\]|noreply@anthropic\\.com";

struct ai_policy {
	pcre2_code *agents;
	pcre2_match_data *md;
	int require_review;
};

int trailers_parse(struct trailers *t, const char *message)
{
	git_message_trailer_array arr;
	struct strbuf clean = STRBUF_INIT;
	const char *p = message;

	memset(&arr, 0, sizeof(arr));
	/* drop comment lines and everything below a scissors line */
	while (*p) {
		size_t n = strcspn(p, "\n");

		if (!strncmp(p, "# ------------------------ >8", 29))
			break;
		if (*p != '#') {
			strbuf_add(&clean, p, n);
			strbuf_addch(&clean, '\n');
		}
		p += n;
		if (*p)
			p++;
	}
	if (git_message_trailers(&arr, clean.buf) < 0) {
		strbuf_release(&clean);
		git_error_clear();
		return 0; /* no trailer block */
	}
	for (size_t i = 0; i < arr.count; i++) {
		struct trailer *x;

		ALLOC_GROW(t->items, t->nr + 1, t->alloc);
		x = &t->items[t->nr++];
		x->key = xstrdup(arr.trailers[i].key);
		x->value = xstrdup(arr.trailers[i].value);
	}
	git_message_trailer_array_free(&arr);
	strbuf_release(&clean);
	return 0;
}

void trailers_release(struct trailers *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		free(t->items[i].key);
		free(t->items[i].value);
	}
	free(t->items);
	memset(t, 0, sizeof(*t));
}

struct ai_policy *ai_policy_new(const struct config *c)
{
	struct ai_policy *p = xcalloc(1, sizeof(*p));
	char *pat = c ? config_get_string(c, "ai.agents") : NULL;
	int errcode;
	PCRE2_SIZE off;

	p->agents = pcre2_compile((PCRE2_SPTR)(pat ? pat : ai_agents_default), PCRE2_ZERO_TERMINATED,
				  PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &off, NULL);
	if (!p->agents) {
		PCRE2_UCHAR msg[200];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		set_error("bad ai.agents pattern at offset %zu: %s", (size_t)off, (const char *)msg);
		free(pat);
		free(p);
		return NULL;
	}
	pcre2_jit_compile(p->agents, PCRE2_JIT_COMPLETE);
	p->md = pcre2_match_data_create_from_pattern(p->agents, NULL);
	p->require_review = c ? config_get_bool(c, "ai.requireReview", 1) : 1;
	if (p->require_review < 0)
		p->require_review = 1;
	free(pat);
	return p;
}

void ai_policy_free(struct ai_policy *p)
{
	if (!p)
		return;
	pcre2_match_data_free(p->md);
	pcre2_code_free(p->agents);
	free(p);
}

int ai_policy_require_review(const struct ai_policy *p)
{
	return p->require_review;
}

int ai_names_agent(const struct ai_policy *p, const char *s)
{
	return s && pcre2_match(p->agents, (PCRE2_SPTR)s, strlen(s), 0, 0, p->md, NULL) >= 0;
}

static int is_ai_key(const char *k)
{
	return !strcasecmp(k, "Co-authored-by") || !strcasecmp(k, "Assisted-by") ||
	       !strcasecmp(k, "Generated-by");
}

int ai_judge(const struct ai_policy *p, const char *message, const char *author,
	     struct ai_verdict *v)
{
	struct trailers t = TRAILERS_INIT;

	memset(v, 0, sizeof(*v));
	trailers_parse(&t, message);
	for (size_t i = 0; i < t.nr; i++) {
		const char *k = t.items[i].key, *val = t.items[i].value;

		if (is_ai_key(k) && ai_names_agent(p, val)) {
			v->assisted = 1;
			if (!v->marker)
				v->marker = xstrfmt("%s: %s", k, val);
		} else if (!strcasecmp(k, "Signed-off-by") && ai_names_agent(p, val)) {
			if (!v->agent_signoff)
				v->agent_signoff = xstrdup(val);
		} else if (!strcasecmp(k, "Reviewed-by") && !ai_names_agent(p, val) && *val) {
			v->reviewed = 1;
		}
	}
	if (author && ai_names_agent(p, author)) {
		v->assisted = 1;
		if (!v->marker)
			v->marker = xstrfmt("author: %s", author);
	}
	trailers_release(&t);
	return 0;
}

void ai_verdict_release(struct ai_verdict *v)
{
	free(v->marker);
	free(v->agent_signoff);
	memset(v, 0, sizeof(*v));
}
