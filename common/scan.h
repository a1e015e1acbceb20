#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>
#include "config.h"
#include "findings.h"
#include "source.h"

/*
 * The secret scanner. Rules live in one table (scan-rules.c): an id, a
 * PCRE2 pattern compiled with JIT, literal keywords that must occur near
 * a match (the prefilter), an optional Shannon-entropy floor and an
 * optional validator. Buffers are first searched for keywords in one pass
 * over the raw bytes; only where a keyword occurs is the enclosing JSON
 * string unescaped and the rules run, so clean files cost one pass.
 *
 * A secret is never copied into a finding: the excerpt is its first
 * characters and its length, the fingerprint is the rule, the path and a
 * hash of the secret (no line number, so it survives the code moving).
 */

/* What a validator sees: the text a rule ran on and where it matched. */
struct scan_match {
	const char *unit;        /* the text (an unescaped JSON string, or a file) */
	size_t unit_len;
	size_t start, end;       /* the whole match */
	size_t s_start, s_end;   /* the secret */
};

enum scan_rule_flags {
	SCAN_NO_PLACEHOLDER_CHECK = 1 << 0, /* the format itself rules placeholders out */
};

struct scan_rule {
	const char *id;          /* "SEC001" */
	const char *name;        /* "azure-storage-key" */
	const char *kind;        /* family, for benchmarks: "azure_storage_key" */
	const char *description; /* the finding's message */
	const char *pattern;     /* PCRE2; the named group "s" is the secret, else the match */
	const char *keywords;    /* '|'-separated, case-insensitive; NULL: every text */
	double entropy;          /* minimum Shannon entropy (bits/char) of the secret; 0: none */
	int (*validate)(const struct scan_match *m); /* 1 keeps the match; NULL: keep */
	unsigned flags;
};

extern const struct scan_rule scan_builtin_rules[];
extern const size_t scan_builtin_rules_nr;

/* Rules that need the JSON structure, not just text (ids for SARIF). */
extern const struct rule_info scan_structural_rules[];
extern const size_t scan_structural_rules_nr;

struct scanner;

/*
 * Compile the built-in rules and the configured ones ("scan.rule"
 * entries "<id>:<keywords>:<pattern>"), the allow list ("scan.allow"
 * entries "path:<regex>", "rule:<id>" or "<regex>" on the secret) and
 * "scan.disable" rule ids. c may be NULL. Returns NULL with last_error()
 * set when a configured pattern does not compile.
 */
struct scanner *scanner_new(const struct config *c);
void scanner_free(struct scanner *s);

/* SARIF rule descriptions of every rule the scanner runs. */
const struct rule_info *scanner_rules(const struct scanner *s, size_t *nr);

/* Fingerprints to leave out (a baseline); borrowed, may be NULL. */
struct baseline;
void scanner_set_baseline(struct scanner *s, const struct baseline *b);

/*
 * Scan one file's bytes. path decides the mode: "*.json" (and .ipynb) is
 * read as JSON (strings unescaped, findings carry a JSON pointer), other
 * files as text. commit may be NULL. Findings are appended to out.
 * Returns the number of findings added.
 */
int scan_buffer(struct scanner *s, const char *path, const char *buf, size_t len,
		const char *commit, struct findings *out);

/*
 * Scan a piece of free text that is not a file (a commit message).
 * label names it in findings.
 */
int scan_text(struct scanner *s, const char *label, const char *buf, size_t len,
	      struct findings *out);

/*
 * Scan the files of a source under prefix ("" for all). only_paths, when
 * not NULL, restricts the scan to those paths (relative to the source
 * top). Returns 0, or -1 with last_error() set.
 */
int scan_source(struct scanner *s, struct source *src, const char *prefix,
		const char *const *only_paths, size_t only_nr, struct findings *out);

/*
 * Scan the blobs that the commits in a revision range introduce (each
 * blob once, reported with the first commit, oldest first, that added
 * it). range is "A..B", a single commit (its whole history), or NULL for
 * every ref (--history). exclude_remote, when set, hides commits that are
 * reachable from any of those hex object ids (a pre-push "not on the
 * remote"). Returns 0, or -1 with last_error() set.
 */
struct scan_history_opts {
	const char *const *tips;     /* commits to walk from (hex or revs); NULL-terminated */
	const char *const *hide;     /* commits whose history is already checked */
	int all_refs;                /* walk every ref (--history) */
	const char *prefix;          /* only paths under it ("" or NULL: all) */
	/* optional: called for each commit walked (oldest first), and each path it changes */
	void (*on_commit)(git_commit *c, void *data);
	void (*on_path)(const char *path, void *data);
	void *data;
};
int scan_history(struct scanner *s, git_repository *repo, const struct scan_history_opts *o,
		 struct findings *out);

/* Shannon entropy of a byte string, in bits per byte. */
double scan_entropy(const char *s, size_t len);

/*
 * Whether a value is an obvious placeholder: masked "*****", "<key>",
 * "xxxx", "${VAR}", "{{ var }}", an ADF "@..." or ARM "[...]" expression,
 * a Key Vault or getSecret() lookup, "your-...-here"...
 */
int scan_is_placeholder(const char *s, size_t len);

/* The storage emulator's published account key. */
int scan_is_emulator_key(const char *s, size_t len);

/* A redacted form of a secret: its first characters and its length. */
char *scan_redact(const char *secret, size_t len);

/* "<rule>:<path>:<hash of the secret>" */
char *scan_fingerprint(const char *rule, const char *path, const char *secret, size_t len);

/* memmem(3), which C11 with POSIX does not declare. */
const void *scan_memmem(const void *hay, size_t n, const void *needle, size_t k);

/* The inline marker that suppresses a finding on its line or string. */
#define SCAN_ALLOW_MARKER "synapse:allow-secret"

#endif
