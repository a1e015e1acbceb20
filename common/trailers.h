#ifndef TRAILERS_H
#define TRAILERS_H

#include "config.h"

/*
 * Commit message trailers and the AI-assistance policy: a commit is
 * AI-assisted when a Co-authored-by, Assisted-by or Generated-by trailer
 * (or its author) matches "ai.agents" (PCRE2, case-insensitive); an agent
 * may not sign off; a human Reviewed-by makes an AI-assisted commit
 * acceptable on protected branches.
 */
struct trailer {
	char *key;
	char *value;
};

struct trailers {
	struct trailer *items;
	size_t nr, alloc;
};
#define TRAILERS_INIT { NULL, 0, 0 }

/* Parse the trailer block of a message (git's rules, through libgit2). */
int trailers_parse(struct trailers *t, const char *message);
void trailers_release(struct trailers *t);

/* The built-in "ai.agents" pattern, used when the key is not set. */
extern const char ai_agents_default[];

struct ai_policy;

/* Compile ai.agents; returns NULL with last_error() set on a bad pattern. */
struct ai_policy *ai_policy_new(const struct config *c);
void ai_policy_free(struct ai_policy *p);
int ai_policy_require_review(const struct ai_policy *p);
/* Whether a name, an e-mail or a trailer value names an agent. */
int ai_names_agent(const struct ai_policy *p, const char *s);

struct ai_verdict {
	int assisted;          /* an AI trailer, or an agent author */
	char *marker;          /* "Assisted-by: Claude:opus" (first one), or NULL */
	char *agent_signoff;   /* a Signed-off-by value naming an agent, or NULL */
	int reviewed;          /* a Reviewed-by from someone who is not an agent */
};

/*
 * Judge a message; author may be NULL ("Name <email>" of the commit's
 * author, checked against the agents too). Comment lines ('#') are ignored.
 */
int ai_judge(const struct ai_policy *p, const char *message, const char *author,
	     struct ai_verdict *v);
void ai_verdict_release(struct ai_verdict *v);

#endif
