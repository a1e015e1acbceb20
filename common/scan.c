/*
 * The secret scanner's engine: keyword prefilter, JSON string units,
 * PCRE2 rules, structural (Synapse-aware) checks, history.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scan.h"
#include "baseline.h"
#include "json.h"
#include "strbuf.h"
#include "teddy.h"
#include "usage.h"

#include <ctype.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <git2.h>
#include <jansson.h>
#include <math.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STRUCT_RULE ((size_t)-1)   /* "SecureString": an object to look into */
#define PARAM_RULE ((size_t)-2)    /* "defaultValue": perhaps a parameter to look into */

struct crule {
	struct scan_rule r;
	pcre2_code *code;
	int sgroup;          /* the group named "s", or 0 */
	int tgroup;          /* an alternative group "t", or 0 */
	int owned;           /* user rule: strings are ours */
	int always;          /* no keywords: runs on every text */
};

struct kw {
	char *lc;            /* lowercase */
	size_t len;
	size_t rule;         /* index, or STRUCT_RULE */
};

struct allow {
	pcre2_code *code;
	int what;            /* 0 secret, 1 path, 2 rule id (text in id) */
	char *id;
};

struct frame {
	int array;
	size_t index;
	size_t key_start, key_end;   /* raw string content of the current key */
	int want_key;
};

struct scanner {
	struct crule *rules;
	size_t nr, alloc;
	struct kw *kws;
	size_t kw_nr, kw_alloc;
	size_t first[257];           /* kws sorted by first byte: [first[c], first[c+1]) */
	uint64_t *bigram;            /* 65536 bits: raw byte pairs that may start a keyword */
	uint16_t *kw_start;          /* 65536: by lowercase pair, the first keyword... */
	uint8_t *kw_count;           /* ...and how many start with it */
	struct teddy *teddy;         /* the vectorised pass before the bigrams... */
	size_t teddy_after;          /* ...built once this many more bytes are seen */
	struct allow *allow;
	size_t allow_nr, allow_alloc;
	const struct baseline *baseline;
	struct rule_info *infos;
	size_t infos_nr;
	pcre2_match_data *md;
	/* per-buffer scratch */
	unsigned char *hit;          /* nr + 1 flags */
	size_t *hit_list;
	size_t hit_nr;
	struct strbuf unit;
	size_t *map;
	size_t map_alloc;
	struct strbuf ptr;
	struct strbuf tmp;
	size_t *secure_at;           /* offsets of "SecureString" in this buffer */
	/*
	 * Where findings are, resumed from one finding to the next: they come
	 * in increasing offsets, and a template can have hundreds of them.
	 */
	struct frame *frames;        /* pointer_at(): the open containers at pos */
	size_t frames_nr, frames_alloc, frames_pos;
	size_t lc_off;               /* locate(): line and column at lc_off */
	int lc_line, lc_col;
	size_t secure_nr, secure_alloc;
};

static unsigned char lc[256];

/*
 * Bytes the JSON walkers stop at: quotes and escapes; brackets and
 * commas; what ends a string on one line; what opens or closes an object.
 */
enum { J_QUOTE = 1, J_SYNTAX = 2, J_STREND = 4, J_OBJECT = 8 };
static unsigned char jclass[256];

static void init_lc(void)
{
	for (int i = 0; i < 256; i++)
		lc[i] = (unsigned char)tolower(i);
	jclass['"'] = J_QUOTE | J_SYNTAX | J_STREND | J_OBJECT;
	jclass['\\'] = J_QUOTE | J_STREND;
	jclass['\n'] = J_STREND;
	jclass['{'] = jclass['}'] = J_SYNTAX | J_OBJECT;
	jclass['['] = jclass[']'] = jclass[','] = J_SYNTAX;
}

/* ---------------------------------------------------------------- helpers */

/*
 * The first byte in [i, end) that is a quote or a backslash (or, with
 * nl, a newline): where a JSON string's content stops being plain.
 * Strings in templates and notebooks run long, so sixteen at a time.
 */
static size_t string_stop(const char *buf, size_t i, size_t end, int nl)
{
	unsigned cls = nl ? J_STREND : J_QUOTE;
#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"'), b = _mm_set1_epi8('\\');
	const __m128i n = _mm_set1_epi8(nl ? '\n' : '"');

	for (; i + 16 <= end; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(buf + i));
		int m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q),
								     _mm_cmpeq_epi8(v, b)),
						       _mm_cmpeq_epi8(v, n)));

		if (m)
			return i + (size_t)__builtin_ctz((unsigned)m);
	}
#endif
	while (i < end && !(jclass[(unsigned char)buf[i]] & cls))
		i++;
	return i;
}

const void *scan_memmem(const void *hay, size_t n, const void *needle, size_t k)
{
	const char *h = hay, *end;

	if (!k)
		return hay;
	if (k > n)
		return NULL;
	end = h + n - k;
	while (h <= end) {
		const char *p = memchr(h, *(const char *)needle, (size_t)(end - h) + 1);

		if (!p)
			return NULL;
		if (!memcmp(p, needle, k))
			return p;
		h = p + 1;
	}
	return NULL;
}

double scan_entropy(const char *s, size_t len)
{
	size_t count[256] = { 0 };
	double h = 0;

	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		count[(unsigned char)s[i]]++;
	for (int c = 0; c < 256; c++) {
		double p;

		if (!count[c])
			continue;
		p = (double)count[c] / (double)len;
		h -= p * log2(p);
	}
	return h;
}

static int has_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	unsigned char c0 = (unsigned char)needle[0] | 0x20;

	/* the first byte with case folded (a superset), then the whole needle */
	for (size_t i = 0; i + k <= n; i++)
		if (((unsigned char)s[i] | 0x20) == c0 && !strncasecmp(s + i, needle, k))
			return 1;
	return 0;
}

int scan_is_placeholder(const char *s, size_t len)
{
	static const char *const words[] = {
		"xxxx", "****", "${", "{{", "$(", "%(", "#{", "getsecret(", "keyvault",
		"your", "example", "sample", "placeholder", "changeme", "change-me",
		"change_me", "replace", "redacted", "dummy", "fake", "insert_", "insert-",
		"-here", "_here", "here>", "notreal", "not_real", "not-real", "<", "...", NULL
	};
	size_t i;

	while (len && (*s == '"' || *s == '\'' || isspace((unsigned char)*s))) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == '"' || s[len - 1] == '\'' ||
		       isspace((unsigned char)s[len - 1])))
		len--;
	if (!len)
		return 1;
	if (s[0] == '$' || s[0] == '@')
		return 1;
	/* %NAME% is a variable; %2F is a URL-encoded byte of a real value */
	if (s[0] == '%') {
		for (i = 1; i < len && (isalpha((unsigned char)s[i]) || s[i] == '_' ||
					(i > 1 && isdigit((unsigned char)s[i]))); i++)
			;
		if (i > 1 && i < len && s[i] == '%')
			return 1;
		if (!(len >= 3 && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])))
			return 1;
	}
	if (s[0] == '[' && s[len - 1] == ']')
		return 1;
	if (s[0] == '{' && len > 2 && s[len - 1] == '}')
		return 1;
	for (i = 1; i < len && s[i] == s[0]; i++)
		;
	if (i == len && len >= 3)
		return 1;
	for (i = 0; words[i]; i++)
		if (has_ci(s, len, words[i]))
			return 1;
	return 0;
}

int scan_is_emulator_key(const char *s, size_t len)
{
	static const char key[] = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq"
				  "/K1SZFPTOtr/KBHBeksoGMGw==";

	return len == sizeof(key) - 1 && !memcmp(s, key, len);
}

char *scan_redact(const char *secret, size_t len)
{
	size_t show = len >= 16 ? 4 : len / 4;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < show; i++)
		strbuf_addch(&sb, isprint((unsigned char)secret[i]) ? secret[i] : '?');
	strbuf_addf(&sb, "... (%zu characters)", len);
	return strbuf_detach(&sb, NULL);
}

char *scan_fingerprint(const char *rule, const char *path, const char *secret, size_t len)
{
	git_oid oid;
	char hex[GIT_OID_HEXSZ + 1];

	if (git_odb_hash(&oid, secret, len, GIT_OBJECT_BLOB) < 0) {
		git_error_clear();
		memset(&oid, 0, sizeof(oid));
	}
	git_oid_tostr(hex, sizeof(hex), &oid);
	return xstrfmt("%s:%s:%.20s", rule, path, hex);
}

/* ------------------------------------------------------------- compiling */

static int compile_pattern(pcre2_code **out, const char *pattern, const char *what)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;

	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
			     &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return set_error("invalid pattern in %s at offset %zu: %s", what, (size_t)erroff,
				 (const char *)msg);
	}
	/*
	 * Interpreted when JIT is missing. GIT_SYNAPSE_NO_JIT turns it off, for
	 * valgrind, which cannot follow JIT-compiled code.
	 */
	if (!getenv("GIT_SYNAPSE_NO_JIT"))
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	*out = code;
	return 0;
}

static void add_keyword(struct scanner *s, const char *word, size_t n, size_t rule)
{
	struct kw *k;

	if (n < 2)
		return;
	ALLOC_GROW(s->kws, s->kw_nr + 1, s->kw_alloc);
	k = &s->kws[s->kw_nr++];
	k->lc = xstrndup(word, n);
	for (size_t i = 0; i < n; i++)
		k->lc[i] = (char)lc[(unsigned char)k->lc[i]];
	k->len = n;
	k->rule = rule;
}

static int add_rule(struct scanner *s, const struct scan_rule *r, int owned)
{
	struct crule *c;
	const char *kw;
	char *what = xstrfmt("rule '%s'", r->id);
	int ret;

	ALLOC_GROW(s->rules, s->nr + 1, s->alloc);
	c = &s->rules[s->nr];
	memset(c, 0, sizeof(*c));
	c->r = *r;
	c->owned = owned;
	ret = compile_pattern(&c->code, r->pattern, what);
	free(what);
	if (ret < 0) {
		if (owned) {
			free((char *)r->id);
			free((char *)r->pattern);
			free((char *)r->keywords);
		}
		return -1;
	}
	c->sgroup = pcre2_substring_number_from_name(c->code, (PCRE2_SPTR) "s");
	if (c->sgroup < 0)
		c->sgroup = 0;
	c->tgroup = pcre2_substring_number_from_name(c->code, (PCRE2_SPTR) "t");
	if (c->tgroup < 0)
		c->tgroup = 0;
	kw = r->keywords;
	if (!kw || !*kw)
		c->always = 1;
	while (kw && *kw) {
		size_t n = strcspn(kw, "|");

		if (n < 2)
			c->always = 1;
		add_keyword(s, kw, n, s->nr);
		kw += n;
		if (*kw == '|')
			kw++;
	}
	s->nr++;
	return 0;
}

static int kw_cmp(const void *a, const void *b)
{
	const struct kw *x = a, *y = b;

	return strcmp(x->lc, y->lc);
}

static void build_prefilter(struct scanner *s)
{
	size_t i = 0;

	qsort(s->kws, s->kw_nr, sizeof(*s->kws), kw_cmp);
	free(s->bigram);
	free(s->kw_start);
	free(s->kw_count);
	teddy_free(s->teddy);
	s->teddy = teddy_new();
	s->bigram = xcalloc(65536 / 64, sizeof(*s->bigram));
	s->kw_start = xcalloc(65536, sizeof(uint16_t));
	s->kw_count = xcalloc(65536, 1);
	for (int c = 0; c < 256; c++) {
		s->first[c] = i;
		while (i < s->kw_nr && (unsigned char)s->kws[i].lc[0] == c) {
			unsigned char a = (unsigned char)s->kws[i].lc[0], b = (unsigned char)s->kws[i].lc[1];
			unsigned char as[2] = { a, (unsigned char)toupper(a) };
			unsigned char bs[2] = { b, (unsigned char)toupper(b) };

			/* indexed by the two raw bytes as they are in memory */
			unsigned pair = ((unsigned)a << 8) | b;

			for (int x = 0; x < 2; x++)
				for (int y = 0; y < 2; y++) {
					unsigned raw = as[x] | ((unsigned)bs[y] << 8);

					s->bigram[raw >> 6] |= (uint64_t)1 << (raw & 63);
				}
			teddy_add(s->teddy, s->kws[i].lc, s->kws[i].len);
			if (!s->kw_count[pair])
				s->kw_start[pair] = (uint16_t)i;
			if (s->kw_count[pair] < 255)
				s->kw_count[pair]++;
			i++;
		}
	}
	s->first[256] = i;
	/*
	 * Grouping the keywords takes a millisecond or two, the time the
	 * byte loop takes over a megabyte: a hook scanning a few staged
	 * files never needs it.
	 */
	s->teddy_after = 1024 * 1024;
}

struct cfg_ctx {
	struct scanner *s;
	int err;
	const struct config *c;
};

static int is_disabled(const struct config *c, const char *id, const char *name)
{
	char *key = xstrfmt("scan.%s", id);
	int on = config_get_bool(c, key, 1);

	free(key);
	if (on != 1)
		return 1;
	key = xstrfmt("scan.%s", name);
	on = config_get_bool(c, key, 1);
	free(key);
	return on != 1;
}

static int user_rule(const char *value, void *data)
{
	struct cfg_ctx *x = data;
	const char *c1 = strchr(value, ':'), *c2;
	struct scan_rule r;

	if (!c1 || !(c2 = strchr(c1 + 1, ':'))) {
		x->err = set_error("bad scan.rule '%s': expected '<id>:<keywords>:<pattern>'", value);
		return 1;
	}
	memset(&r, 0, sizeof(r));
	r.id = xstrndup(value, (size_t)(c1 - value));
	r.name = "user-rule";
	r.kind = "user";
	r.description = "Secret matched by a configured rule";
	r.keywords = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	r.pattern = xstrdup(c2 + 1);
	/* keywords separated by ',' or '|' */
	for (char *p = (char *)r.keywords; *p; p++)
		if (*p == ',')
			*p = '|';
	if (add_rule(x->s, &r, 1) < 0) {
		x->err = -1;
		return 1;
	}
	return 0;
}

static int allow_entry(const char *value, void *data)
{
	struct cfg_ctx *x = data;
	struct allow *a;
	const char *pat = value;
	int what = 0;

	ALLOC_GROW(x->s->allow, x->s->allow_nr + 1, x->s->allow_alloc);
	a = &x->s->allow[x->s->allow_nr];
	memset(a, 0, sizeof(*a));
	if (!strncmp(value, "path:", 5)) {
		what = 1;
		pat = value + 5;
	} else if (!strncmp(value, "rule:", 5)) {
		a->what = 2;
		a->id = xstrdup(value + 5);
		x->s->allow_nr++;
		return 0;
	} else if (!strncmp(value, "value:", 6)) {
		pat = value + 6;
	}
	a->what = what;
	if (compile_pattern(&a->code, pat, "scan.allow") < 0) {
		x->err = -1;
		return 1;
	}
	x->s->allow_nr++;
	return 0;
}

struct scanner *scanner_new(const struct config *c)
{
	struct scanner *s = xcalloc(1, sizeof(*s));
	struct cfg_ctx x = { s, 0, c };

	if (!lc['A'])
		init_lc();
	git_libgit2_init();
	strbuf_init(&s->unit, 0);
	strbuf_init(&s->ptr, 0);
	strbuf_init(&s->tmp, 0);
	for (size_t i = 0; i < scan_builtin_rules_nr; i++) {
		const struct scan_rule *r = &scan_builtin_rules[i];

		if (c && is_disabled(c, r->id, r->name))
			continue;
		if (add_rule(s, r, 0) < 0)
			goto fail;
	}
	if (c && config_get_all(c, "scan.rule", user_rule, &x) && x.err)
		goto fail;
	if (c && config_get_all(c, "scan.allow", allow_entry, &x) && x.err)
		goto fail;
	add_keyword(s, "securestring", 12, STRUCT_RULE);
	add_keyword(s, "secureobject", 12, STRUCT_RULE);
	add_keyword(s, "defaultvalue", 12, PARAM_RULE);
	build_prefilter(s);
	s->md = pcre2_match_data_create(64, NULL);
	s->hit = xcalloc(s->nr + 1, 1);
	s->hit_list = xcalloc(s->nr + 1, sizeof(size_t));
	s->infos_nr = s->nr + scan_structural_rules_nr;
	s->infos = xcalloc(s->infos_nr, sizeof(*s->infos));
	for (size_t i = 0; i < s->nr; i++) {
		s->infos[i].id = s->rules[i].r.id;
		s->infos[i].name = s->rules[i].r.name;
		s->infos[i].severity = SEV_ERROR;
		s->infos[i].description = s->rules[i].r.description;
	}
	for (size_t i = 0; i < scan_structural_rules_nr; i++)
		s->infos[s->nr + i] = scan_structural_rules[i];
	return s;
fail:
	scanner_free(s);
	return NULL;
}

void scanner_free(struct scanner *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nr; i++) {
		pcre2_code_free(s->rules[i].code);
		if (s->rules[i].owned) {
			free((char *)s->rules[i].r.id);
			free((char *)s->rules[i].r.pattern);
			free((char *)s->rules[i].r.keywords);
		}
	}
	free(s->rules);
	for (size_t i = 0; i < s->kw_nr; i++)
		free(s->kws[i].lc);
	free(s->kws);
	for (size_t i = 0; i < s->allow_nr; i++) {
		pcre2_code_free(s->allow[i].code);
		free(s->allow[i].id);
	}
	free(s->allow);
	free(s->infos);
	pcre2_match_data_free(s->md);
	free(s->hit);
	free(s->secure_at);
	free(s->frames);
	free(s->hit_list);
	free(s->bigram);
	free(s->kw_start);
	free(s->kw_count);
	teddy_free(s->teddy);
	strbuf_release(&s->unit);
	strbuf_release(&s->ptr);
	strbuf_release(&s->tmp);
	free(s->map);
	free(s);
	git_libgit2_shutdown();
}

const struct rule_info *scanner_rules(const struct scanner *s, size_t *nr)
{
	*nr = s->infos_nr;
	return s->infos;
}

void scanner_set_baseline(struct scanner *s, const struct baseline *b)
{
	s->baseline = b;
}

/* ------------------------------------------------------------- reporting */

struct scan_ctx {
	struct scanner *s;
	const char *path;
	const char *buf;
	size_t len;
	const char *commit;
	struct findings *out;
	size_t first;        /* index of this buffer's first finding in out */
	int json;
	int added;
};

static int allowed(struct scanner *s, const char *path, const char *id,
		   const char *secret, size_t n)
{
	for (size_t i = 0; i < s->allow_nr; i++) {
		struct allow *a = &s->allow[i];
		int rc;

		if (a->what == 2) {
			if (!strcmp(a->id, id))
				return 1;
			continue;
		}
		if (a->what == 1)
			rc = pcre2_match(a->code, (PCRE2_SPTR)path, strlen(path), 0, 0, s->md, NULL);
		else
			rc = pcre2_match(a->code, (PCRE2_SPTR)secret, n, 0, 0, s->md, NULL);
		if (rc >= 0)
			return 1;
	}
	return 0;
}

static int line_has_marker(const char *buf, size_t len, size_t off)
{
	size_t ls = off, le = off;

	while (ls > 0 && buf[ls - 1] != '\n')
		ls--;
	while (le < len && buf[le] != '\n')
		le++;
	return scan_memmem(buf + ls, le - ls, SCAN_ALLOW_MARKER, strlen(SCAN_ALLOW_MARKER)) != NULL;
}

/* Add a finding unless suppressed; pointer may be NULL. Returns 1 when added. */
static int report(struct scan_ctx *x, const char *id, const char *name, const char *desc,
		  const char *secret, size_t n, size_t raw_off, const char *pointer,
		  int line, int column)
{
	struct scanner *s = x->s;
	struct finding *f;
	char *fp;

	if (allowed(s, x->path, id, secret, n))
		return 0;
	if (raw_off < x->len && line_has_marker(x->buf, x->len, raw_off))
		return 0;
	fp = scan_fingerprint(id, x->path, secret, n);
	if (s->baseline && baseline_contains(s->baseline, fp)) {
		free(fp);
		return 0;
	}
	/* one finding per secret and place */
	for (size_t i = x->first; i < x->out->nr; i++) {
		struct finding *o = &x->out->items[i];

		if (!strcmp(o->fingerprint, fp) && o->line == line) {
			free(fp);
			return 0;
		}
		if (pointer && o->pointer && !strcmp(o->pointer, pointer) &&
		    !strncmp(id, "SEC1", 4)) {
			free(fp);
			return 0;
		}
	}
	f = findings_add(x->out, id, name, SEV_ERROR, x->path, line, column, pointer, desc, NULL);
	f->fingerprint = fp;
	f->excerpt = scan_redact(secret, n);
	if (x->commit)
		f->commit = xstrdup(x->commit);
	x->added++;
	return 1;
}

/* ----------------------------------------------------------- JSON support */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static unsigned read_u4(const char *p, const char *end)
{
	unsigned v = 0;

	if (end - p < 4)
		return 0xFFFFFFFFu;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p[i]);

		if (h < 0)
			return 0xFFFFFFFFu;
		v = (v << 4) | (unsigned)h;
	}
	return v;
}

static void map_push(struct scanner *s, size_t at, size_t raw)
{
	if (at >= s->map_alloc) {
		s->map_alloc = (at + 64) * 2;
		s->map = xrealloc(s->map, s->map_alloc * sizeof(*s->map));
	}
	s->map[at] = raw;
}

/*
 * Unescape the JSON string content raw[start, end) into out; when map is
 * wanted, record the raw offset of each byte appended.
 */
static void json_unescape(struct scanner *s, const char *buf, size_t start, size_t end,
			  struct strbuf *out, int want_map)
{
	size_t i = start, base = out->len;

	while (i < end) {
		size_t from = i;
		unsigned char c = (unsigned char)buf[i];
		char tmp[4];
		size_t n = 0;
		const char *bs = memchr(buf + i, '\\', end - i);
		size_t run = (bs ? (size_t)(bs - buf) : end) - i;

		if (run > 1) {
			/* the common case: a run without escapes, copied at once */
			if (want_map) {
				size_t at = out->len - base;

				map_push(s, at + run - 1, i + run - 1);
				for (size_t k = 0; k < run; k++)
					s->map[at + k] = i + k;
			}
			strbuf_add(out, buf + i, run);
			i += run;
			continue;
		}
		if (c != '\\' || i + 1 >= end) {
			tmp[n++] = (char)c;
			i++;
		} else {
			char e = buf[i + 1];

			i += 2;
			switch (e) {
			case 'n': tmp[n++] = '\n'; break;
			case 't': tmp[n++] = '\t'; break;
			case 'r': tmp[n++] = '\r'; break;
			case 'b': tmp[n++] = '\b'; break;
			case 'f': tmp[n++] = '\f'; break;
			case 'u': {
				unsigned cp = read_u4(buf + i, buf + end);

				if (cp == 0xFFFFFFFFu) {
					tmp[n++] = 'u';
					break;
				}
				i += 4;
				if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= end && buf[i] == '\\' &&
				    buf[i + 1] == 'u') {
					unsigned lo = read_u4(buf + i + 2, buf + end);

					if (lo >= 0xDC00 && lo < 0xE000) {
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
						i += 6;
					}
				}
				if (cp < 0x80) {
					tmp[n++] = (char)cp;
				} else if (cp < 0x800) {
					tmp[n++] = (char)(0xC0 | (cp >> 6));
					tmp[n++] = (char)(0x80 | (cp & 0x3F));
				} else if (cp < 0x10000) {
					tmp[n++] = (char)(0xE0 | (cp >> 12));
					tmp[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					tmp[n++] = (char)(0x80 | (cp & 0x3F));
				} else {
					tmp[n++] = (char)(0xF0 | (cp >> 18));
					tmp[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
					tmp[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					tmp[n++] = (char)(0x80 | (cp & 0x3F));
				}
				break;
			}
			default: tmp[n++] = e; break;
			}
		}
		for (size_t k = 0; k < n; k++) {
			if (want_map)
				map_push(s, out->len - base, from);
			strbuf_addch(out, tmp[k]);
		}
	}
	if (want_map)
		map_push(s, out->len - base, end);
}

/*
 * The JSON pointer of the value whose first byte (a quote) is at target.
 * A small tokenizer: containers, keys, array indexes.
 */
static void cursor_reset(struct scanner *s)
{
	s->frames_nr = 0;
	s->frames_pos = 0;
	s->lc_off = 0;
	s->lc_line = s->lc_col = 1;
}

/* Line and column (1-based, in bytes) of a raw offset. */
static void locate(struct scanner *s, const char *buf, size_t off, int *line, int *col)
{
	size_t i, start = (size_t)-1;   /* the byte after the last newline seen */
	int lines = 0;

	if (off < s->lc_off) {
		s->lc_off = 0;
		s->lc_line = s->lc_col = 1;
	}
	i = s->lc_off;
#ifdef __SSE2__
	/* templates are megabytes: count newlines sixteen bytes at a time */
	for (; i + 16 <= off; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(buf + i)), _mm_set1_epi8('\n')));

		if (m) {
			lines += __builtin_popcount(m);
			start = i + 32 - (size_t)__builtin_clz(m);
		}
	}
#endif
	for (; i < off; i++)
		if (buf[i] == '\n') {
			lines++;
			start = i + 1;
		}
	s->lc_line += lines;
	if (start == (size_t)-1)
		s->lc_col += (int)(off - s->lc_off);
	else
		s->lc_col = (int)(off - start) + 1;
	s->lc_off = off;
	*line = s->lc_line;
	*col = s->lc_col;
}

/*
 * The JSON pointer of the value that starts at raw offset target (a quote,
 * '{' or '['). A tolerant skipping scan that resumes where the previous
 * call stopped when target lies further on.
 */
static int pointer_at(struct scanner *s, const char *buf, size_t len, size_t target,
		      struct strbuf *out)
{
	size_t i;
	int found = 0;

	if (target < s->frames_pos)
		cursor_reset(s);
	i = s->frames_pos;
	strbuf_reset(out);
	while (i < len && i <= target) {
		char c;
		struct frame *top;

		while (i < len && i < target && !(jclass[(unsigned char)buf[i]] & J_SYNTAX))
			i++;
		if (i >= len)
			break;
		c = buf[i];
		top = s->frames_nr ? &s->frames[s->frames_nr - 1] : NULL;
		if (c == '"') {
			size_t start = i + 1, j = start;

			for (;;) {
				j = string_stop(buf, j, len, 0);
				if (j >= len || buf[j] == '"')
					break;
				j += 2; /* an escape and the byte it escapes */
			}
			if (j > len)
				j = len;
			if (top && !top->array && top->want_key) {
				top->key_start = start;
				top->key_end = j < len ? j : len;
				top->want_key = 0;
			} else if (i == target) {
				found = 1;
				break;
			}
			i = j + 1;
			continue;
		}
		if (c == '{' || c == '[') {
			if (i == target) {
				found = 1;
				break;
			}
			ALLOC_GROW(s->frames, s->frames_nr + 1, s->frames_alloc);
			top = &s->frames[s->frames_nr++];
			memset(top, 0, sizeof(*top));
			top->array = c == '[';
			top->want_key = c == '{';
		} else if (c == '}' || c == ']') {
			if (top)
				s->frames_nr--;
		} else if (c == ',' && top) {
			if (top->array)
				top->index++;
			else
				top->want_key = 1;
		}
		i++;
	}
	s->frames_pos = i;
	if (!found)
		return -1;
	for (size_t k = 0; k < s->frames_nr; k++) {
		const struct frame *f = &s->frames[k];

		strbuf_addch(out, '/');
		if (f->array) {
			strbuf_addf(out, "%zu", f->index);
		} else {
			strbuf_reset(&s->tmp);
			json_unescape(s, buf, f->key_start, f->key_end, &s->tmp, 0);
			strbuf_add_pointer_token(out, s->tmp.buf);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ the rules */

/*
 * Run rule r over text[0, n). prefix bytes (a JSON key and ": ") may hold
 * context but not the secret. to_raw maps a text offset to the raw buffer.
 */
struct unit_info {
	const char *text;
	size_t n;
	size_t prefix;
	int mapped;           /* JSON: s->map gives raw offsets for text[prefix..] */
	size_t raw_base;      /* text: raw offset of text[0] */
	size_t value_quote;   /* JSON: raw offset of the value's opening quote */
	int json_value;
	/* spans reported in this unit, for overlap */
	size_t spans[32][2];
	size_t spans_nr;
	int marker;           /* the allow marker is in the text: -1 not looked for yet */
};

static size_t unit_raw(struct scanner *s, struct unit_info *u, size_t off)
{
	if (u->mapped)
		return s->map[off - u->prefix];
	return u->raw_base + off;
}

static void run_rule(struct scan_ctx *x, struct crule *c, struct unit_info *u)
{
	struct scanner *s = x->s;
	PCRE2_SIZE start = 0;

	while (start <= u->n) {
		int rc = pcre2_match(c->code, (PCRE2_SPTR)u->text, u->n, start, 0, s->md, NULL);
		PCRE2_SIZE *ov;
		struct scan_match m;
		size_t sl, raw;
		int line, col, overlap = 0;
		const char *ptr = NULL;

		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(s->md);
		m.unit = u->text;
		m.unit_len = u->n;
		m.start = ov[0];
		m.end = ov[1];
		m.s_start = m.start;
		m.s_end = m.end;
		if (c->sgroup && ov[2 * c->sgroup] != PCRE2_UNSET) {
			m.s_start = ov[2 * c->sgroup];
			m.s_end = ov[2 * c->sgroup + 1];
		} else if (c->tgroup && ov[2 * c->tgroup] != PCRE2_UNSET) {
			m.s_start = ov[2 * c->tgroup];
			m.s_end = ov[2 * c->tgroup + 1];
		}
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		sl = m.s_end - m.s_start;
		if (!sl || m.s_start < u->prefix)
			continue;
		if (c->r.entropy > 0 && scan_entropy(u->text + m.s_start, sl) < c->r.entropy)
			continue;
		if (!(c->r.flags & SCAN_NO_PLACEHOLDER_CHECK) &&
		    scan_is_placeholder(u->text + m.s_start, sl))
			continue;
		if (c->r.validate && !c->r.validate(&m))
			continue;
		for (size_t k = 0; k < u->spans_nr; k++)
			if (m.s_start < u->spans[k][1] && u->spans[k][0] < m.s_end)
				overlap = 1;
		if (overlap)
			continue;
		if (u->mapped && u->marker < 0)
			u->marker = scan_memmem(u->text, u->n, SCAN_ALLOW_MARKER,
						strlen(SCAN_ALLOW_MARKER)) != NULL;
		if (u->mapped && u->marker)
			continue;
		raw = unit_raw(s, u, m.s_start);
		locate(s, x->buf, raw, &line, &col);
		if (u->json_value && pointer_at(s, x->buf, x->len, u->value_quote, &s->ptr) == 0)
			ptr = s->ptr.buf;
		/* reported or suppressed, the secret is handled: no other rule reports it */
		report(x, c->r.id, c->r.name, c->r.description, u->text + m.s_start, sl, raw,
		       ptr, line, col);
		if (u->spans_nr < ARRAY_SIZE(u->spans)) {
			u->spans[u->spans_nr][0] = m.s_start;
			u->spans[u->spans_nr][1] = m.s_end;
			u->spans_nr++;
		}
	}
}

static void run_rules(struct scan_ctx *x, struct unit_info *u)
{
	struct scanner *s = x->s;

	/* rules in table order, so the more specific one reports first */
	for (size_t r = 0; r < s->nr; r++)
		if (s->hit[r] && !s->rules[r].always)
			run_rule(x, &s->rules[r], u);
}

static void clear_hits(struct scanner *s)
{
	for (size_t i = 0; i < s->hit_nr; i++)
		s->hit[s->hit_list[i]] = 0;
	s->hit_nr = 0;
}

static void mark_hit(struct scanner *s, size_t rule)
{
	size_t idx = rule == STRUCT_RULE ? s->nr : rule;

	if (!s->hit[idx]) {
		s->hit[idx] = 1;
		s->hit_list[s->hit_nr++] = idx;
	}
}

/*
 * The keyword pass. Calls fn(offset, rule) for every keyword occurrence,
 * in increasing offset order.
 */
typedef void (*hit_fn)(void *data, size_t off, size_t rule);

struct prefilter_ctx {
	const struct scanner *s;
	const unsigned char *p;
	size_t len;
	hit_fn fn;
	void *data;
};

/* The keywords that start at p[i], if any. */
static inline void keywords_at(const struct prefilter_ctx *c, size_t i)
{
	const struct scanner *s = c->s;
	const unsigned char *p = c->p;
	unsigned raw = p[i] | ((unsigned)p[i + 1] << 8), pair;
	size_t k, end;

	if (!(s->bigram[raw >> 6] >> (raw & 63) & 1))
		return;
	pair = ((unsigned)lc[p[i]] << 8) | lc[p[i + 1]];
	for (k = s->kw_start[pair], end = k + s->kw_count[pair]; k < end; k++) {
		const struct kw *w = &s->kws[k];
		size_t j;

		if (w->len > c->len - i)
			continue;
		for (j = 2; j < w->len && (unsigned char)w->lc[j] == lc[p[i + j]]; j++)
			;
		if (j >= w->len)
			c->fn(c->data, i, w->rule);
	}
}

/* A position the vector pass let through: confirm with the bigrams. */
static void candidate(void *data, size_t off)
{
	keywords_at(data, off);
}

static void prefilter(struct scanner *s, const char *buf, size_t len, hit_fn fn, void *data)
{
	struct prefilter_ctx c = { s, (const unsigned char *)buf, len, fn, data };
	size_t i;

	if (len < 2)
		return;
	if (s->teddy_after) {
		if (s->teddy_after > len) {
			s->teddy_after -= len;
		} else {
			s->teddy_after = 0;
			teddy_compile(s->teddy);
		}
	}
	i = teddy_scan(s->teddy, c.p, len, candidate, &c);
	for (; i + 1 < len; i++)
		keywords_at(&c, i);
}

/* ------------------------------------------------------------- JSON mode */

struct json_walk {
	struct scan_ctx *x;
	/* cursor over the current line */
	size_t pos;
	int in_str;
	size_t str_start;             /* opening quote of the current string */
	size_t last_start, last_end;  /* the last complete string on this line */
	int has_last;
	size_t line_start;
	size_t nl_seen;               /* no newline in [line_start, nl_seen) */
	/* the unit being collected */
	int pending;
	size_t u_end;                 /* last raw byte of the unit */
	size_t key_q, key_e, val_q, val_e; /* quotes: key "..." and value "..." */
	int has_key, raw_line;
	size_t line_s, line_e;
	int structural;
	size_t consumed;
};

static size_t string_end(const char *buf, size_t len, size_t q)
{
	size_t j = q + 1;

	for (;;) {
		j = string_stop(buf, j, len, 1);
		if (j >= len || buf[j] != '\\')
			break;
		j += 2;
	}
	return j < len ? j : len;
}

static size_t skip_ws(const char *buf, size_t len, size_t i)
{
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'))
		i++;
	return i;
}

static void flush_unit(struct json_walk *w)
{
	struct scan_ctx *x = w->x;
	struct scanner *s = x->s;
	struct unit_info u;

	if (!w->pending)
		return;
	w->pending = 0;
	memset(&u, 0, sizeof(u));
	u.marker = -1;
	strbuf_reset(&s->unit);
	if (w->raw_line) {
		strbuf_add(&s->unit, x->buf + w->line_s, w->line_e - w->line_s);
		u.raw_base = w->line_s;
	} else {
		if (w->has_key) {
			json_unescape(s, x->buf, w->key_q + 1, w->key_e, &s->unit, 0);
			strbuf_addstr(&s->unit, ": ");
		}
		u.prefix = s->unit.len;
		json_unescape(s, x->buf, w->val_q + 1, w->val_e, &s->unit, 1);
		u.mapped = 1;
		u.json_value = 1;
		u.value_quote = w->val_q;
	}
	u.text = s->unit.buf;
	u.n = s->unit.len;
	run_rules(x, &u);
	if (s->hit[s->nr])
		w->structural = 1;
	clear_hits(s);
}

/* Find the string around off on its line; sets the unit bounds. */
static int locate_unit(struct json_walk *w, size_t off)
{
	const char *buf = w->x->buf;
	size_t len = w->x->len, ls, i;

	if (w->line_start != (size_t)-1 && w->line_start <= off && w->nl_seen <= off) {
		/* hits come in order: look for newlines only past what was seen */
		size_t from = w->nl_seen > w->line_start ? w->nl_seen : w->line_start;

		/* the last newline in [from, off): each byte is looked at once */
		for (i = off; i > from && buf[i - 1] != '\n'; i--)
			;
		ls = i > from ? i : w->line_start;
	} else {
		for (ls = off; ls > 0 && buf[ls - 1] != '\n'; ls--)
			;
	}
	w->nl_seen = off;
	if (w->line_start != ls || w->pos < ls || w->pos > off) {
		w->line_start = ls;
		w->pos = ls;
		w->in_str = 0;
		w->has_last = 0;
	}
	for (i = w->pos; i < off; i++) {
		i = string_stop(buf, i, off, 0);
		if (i >= off)
			break;
		if (w->in_str) {
			if (buf[i] == '\\') {
				i++;
				continue;
			}
			if (buf[i] == '"') {
				w->in_str = 0;
				w->last_start = w->str_start;
				w->last_end = i;
				w->has_last = 1;
			}
		} else if (buf[i] == '"') {
			w->in_str = 1;
			w->str_start = i;
		}
	}
	w->pos = i;
	if (!w->in_str) {
		/* outside any string: scan the raw line (broken JSON, or a literal) */
		size_t le = off;

		while (le < len && buf[le] != '\n')
			le++;
		w->raw_line = 1;
		w->has_key = 0;
		w->line_s = ls;
		w->line_e = le;
		w->u_end = le;
		return 0;
	}
	w->raw_line = 0;
	{
		size_t q = w->str_start, e = string_end(buf, len, q), after;

		after = skip_ws(buf, len, e + 1);
		if (after < len && buf[after] == ':') {
			/* a key: the unit is the key and its string value */
			size_t v = skip_ws(buf, len, after + 1);

			w->has_key = 1;
			w->key_q = q;
			w->key_e = e;
			if (v < len && buf[v] == '"') {
				w->val_q = v;
				w->val_e = string_end(buf, len, v);
			} else {
				/* not a string value: scan the key alone */
				w->has_key = 0;
				w->val_q = q;
				w->val_e = e;
			}
		} else {
			w->has_key = 0;
			w->val_q = q;
			w->val_e = e;
			if (w->has_last) {
				size_t k = skip_ws(buf, len, w->last_end + 1);

				if (k < q && buf[k] == ':' && skip_ws(buf, len, k + 1) == q) {
					w->has_key = 1;
					w->key_q = w->last_start;
					w->key_e = w->last_end;
				}
			}
		}
		w->u_end = w->val_e;
	}
	return 0;
}

static int real_value(const char *v)
{
	size_t n = strlen(v);

	return n && !scan_is_placeholder(v, n);
}

/*
 * A parameter named like a secret (sqlPassword, apiKey, clientSecret),
 * not like something about one (secretName, tokenUrl, keyVaultId).
 */
static int secret_param_name(const char *name)
{
	static const char *const secret[] = {
		"password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "accesskey",
		"access_key", "accountkey", "account_key", "privatekey", "private_key", "clientkey",
		"subscriptionkey", "masterkey", "sharedkey", "functionkey", NULL
	};
	static const char *const about[] = {
		"name", "url", "uri", "endpoint", "id", "type", "path", "version", "expiry",
		"expiration", "length", "scope", "audience", "header", "field", "column",
		"prefix", "suffix", "vault", "reference", "ref", "location", "folder", NULL
	};
	char low[256];
	size_t n = strlen(name);
	int named = 0;

	if (n >= sizeof(low))
		return 0;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	for (int i = 0; secret[i] && !named; i++)
		named = strstr(low, secret[i]) != NULL;
	if (!named || strstr(low, "keyvault"))
		return 0; /* KeyVaultSecretName, keyVaultSecretValue: where, not what */
	for (int i = 0; about[i]; i++) {
		size_t k = strlen(about[i]);

		if (n > k && !strcmp(low + n - k, about[i]))
			return 0;
	}
	return 1;
}

/*
 * A default that could be a credential: a literal, not an expression, a
 * URL, a sentence or a placeholder. With cheap, only what can be decided
 * without the placeholder words.
 */
static int secret_default_check(const char *v, int cheap)
{
	size_t n = strlen(v);
	int digit_or_symbol = 0;

	if (n < 8 || n > 256 || v[0] == '@')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (isspace((unsigned char)v[i]))
			return 0;
		if (!isalpha((unsigned char)v[i]))
			digit_or_symbol = 1;
	}
	if (!digit_or_symbol && n < 16)
		return 0;
	if (cheap)
		return 1;
	if (strstr(v, "://") || !real_value(v))
		return 0;
	/* "sqladmin-password", "api-token": the name of a secret, not one */
	return n >= 24 || !(has_ci(v, n, "passw") || has_ci(v, n, "secret") || has_ci(v, n, "token"));
}

static int secret_default(const char *v)
{
	return secret_default_check(v, 0);
}

/*
 * "defaultValue" is in every parameter of every pipeline and template:
 * parsing the object around each would double a scan. The text tells
 * enough first: a string default that could be a credential, in an
 * object that is the value of a name like a secret's. Only those go on
 * to be parsed (check_secure_object()).
 */
static int param_candidate(struct scan_ctx *x, size_t off, size_t keylen, size_t *vq)
{
	const char *buf = x->buf;
	size_t len = x->len, i = off + keylen, v, e, q, k;
	struct strbuf *t = &x->s->tmp;

	/* <key>": "<value>" */
	if (i >= len || buf[i] != '"')
		return 0;
	i = skip_ws(buf, len, i + 1);
	if (i >= len || buf[i] != ':')
		return 0;
	v = skip_ws(buf, len, i + 1);
	if (v >= len || buf[v] != '"')
		return 0;
	*vq = v;
	e = string_end(buf, len, v);
	if (e >= len || memchr(buf + v + 1, '\\', e - v - 1))
		return e < len; /* escaped: let the parser decide */
	strbuf_reset(t);
	strbuf_add(t, buf + v + 1, e - v - 1);
	if (!secret_default_check(t->buf, 1))
		return 0;

	/* back to the object's '{', then its name: "<name>": { */
	for (k = off; k > 0 && off - k < 512; k--) {
		if (buf[k - 1] == '}')
			return 1; /* a nested object on the way: let the parser decide */
		if (buf[k - 1] == '{')
			break;
	}
	if (!k || buf[k - 1] != '{')
		return 0;
	for (k--; k > 0 && isspace((unsigned char)buf[k - 1]); k--)
		;
	if (!k || buf[k - 1] != ':')
		return 0;
	for (k--; k > 0 && isspace((unsigned char)buf[k - 1]); k--)
		;
	if (!k || buf[k - 1] != '"')
		return 0;
	q = k - 1;
	for (k = q; k > 0 && buf[k - 1] != '"'; k--)
		if (buf[k - 1] == '\\' || q - k > 256)
			return 1;
	if (!k)
		return 0;
	strbuf_reset(t);
	strbuf_add(t, buf + k, q - k);
	return secret_param_name(t->buf);
}

static void json_hit(void *data, size_t off, size_t rule)
{
	struct json_walk *w = data;

	if (rule == PARAM_RULE) {
		size_t vq;

		if (!param_candidate(w->x, off, 12, &vq))
			return;
		rule = STRUCT_RULE;
	}
	if (rule == STRUCT_RULE) {
		struct scanner *s = w->x->s;

		w->structural = 1;
		ALLOC_GROW(s->secure_at, s->secure_nr + 1, s->secure_alloc);
		s->secure_at[s->secure_nr++] = off;
		return;
	}
	if (w->pending && off <= w->u_end) {
		mark_hit(w->x->s, rule);
		return;
	}
	flush_unit(w);
	if (off < w->consumed)
		return;
	if (locate_unit(w, off) < 0)
		return;
	w->pending = 1;
	w->consumed = w->u_end + 1;
	mark_hit(w->x->s, rule);
}

/* ------------------------------------------------------- structural rules */

static const char *const secret_fields[] = {
	"password", "pwd", "accountKey", "servicePrincipalKey", "sasToken", "clientSecret",
	"apiKey", "accessKey", "secretAccessKey", "functionKey", "accessToken", "secret",
	"privateKey", "passPhrase", "token", "sharedAccessKey", "userPassword", "key",
	"clientKey", "subscriptionKey", "authKey", "masterKey", NULL
};

static int is_secret_field(const char *k)
{
	for (int i = 0; secret_fields[i]; i++)
		if (!strcasecmp(k, secret_fields[i]))
			return 1;
	return 0;
}

static void struct_report(struct scan_ctx *x, size_t which, const char *ptr, const char *value)
{
	const struct rule_info *ri = &scan_structural_rules[which];
	int line = 0, col = 0;

	json_locate(x->buf, x->len, ptr, &line, &col);
	report(x, ri->id, ri->name, ri->description, value, strlen(value), x->len, ptr, line, col);
}

static void struct_walk(struct scan_ctx *x, json_t *v, struct strbuf *ptr, int in_tp, int depth)
{
	size_t mark = ptr->len;

	if (depth > 200)
		return;
	if (json_is_object(v)) {
		const char *key, *type = json_str(v, "type");
		json_t *val;

		if (type && !strcasecmp(type, "SecureString")) {
			const char *sv = json_str(v, "value");

			if (sv && real_value(sv)) {
				strbuf_addstr(ptr, "/value");
				struct_report(x, 0, ptr->buf, sv);
				strbuf_setlen(ptr, mark);
			}
		}
		json_object_foreach(v, key, val) {
			strbuf_addch(ptr, '/');
			strbuf_add_pointer_token(ptr, key);
			if (in_tp && json_is_string(val) && is_secret_field(key) &&
			    strlen(json_string_value(val)) >= 6 &&
			    real_value(json_string_value(val)))
				struct_report(x, 1, ptr->buf, json_string_value(val));
			if (!strcmp(key, "parameters") && json_is_object(val) && depth > 0) {
				const char *pname;
				json_t *p;
				size_t pm = ptr->len;

				json_object_foreach(val, pname, p) {
					const char *pt = json_str(p, "type");
					json_t *dv = json_object_get(p, "defaultValue");
					size_t which;

					if (!pt || !json_is_string(dv))
						continue;
					if (!strcasecmp(pt, "securestring") || !strcasecmp(pt, "secureobject")) {
						if (!real_value(json_string_value(dv)))
							continue;
						which = 2;
					} else if (!strcasecmp(pt, "string") && secret_param_name(pname) &&
						   secret_default(json_string_value(dv))) {
						which = 3;
					} else {
						continue;
					}
					strbuf_addch(ptr, '/');
					strbuf_add_pointer_token(ptr, pname);
					strbuf_addstr(ptr, "/defaultValue");
					struct_report(x, which, ptr->buf, json_string_value(dv));
					strbuf_setlen(ptr, pm);
				}
			}
			struct_walk(x, val, ptr, in_tp || !strcmp(key, "typeProperties"), depth + 1);
			strbuf_setlen(ptr, mark);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;

		json_array_foreach(v, i, e) {
			strbuf_addf(ptr, "/%zu", i);
			struct_walk(x, e, ptr, in_tp, depth + 1);
			strbuf_setlen(ptr, mark);
		}
	}
}

static int credential_path(const char *path)
{
	return strstr(path, "linkedService/") || strstr(path, "credential/") ||
	       !strncmp(path, "linkedService", 13) || !strncmp(path, "credential", 10);
}

static int is_tpd(const char *path)
{
	const char *slash = strrchr(path, '/');

	return !strcasecmp(slash ? slash + 1 : path, "template-parameters-definition.json");
}

static void scan_structure(struct scan_ctx *x)
{
	struct json_error err;
	json_t *root = json_parse(x->buf, x->len, &err);
	struct strbuf ptr = STRBUF_INIT;

	if (!root)
		return;
	if (is_tpd(x->path)) {
		/* a parameter definition file: its values are syntax, not data */
		json_decref(root);
		return;
	}
	struct_walk(x, root, &ptr, 0, 0);
	strbuf_release(&ptr);
	json_decref(root);
}

/* An ARM deployment parameters file (azuredeploy.parameters.json, TemplateParametersForWorkspace.json) */
static int is_parameters_file(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t n = strlen(base);

	return n > 5 && !strcasecmp(base + n - 5, ".json") && has_ci(base, n, "parameters") &&
	       !is_tpd(path);
}

/*
 * A parameters file gives each parameter its value: one named like a
 * secret with a literal value is a secret in the repository (SEC103),
 * where a Key Vault "reference" belongs. Published parameter files hold
 * thousands of parameters: the text picks the candidates, as for
 * defaults, and only those are located.
 */
static void scan_parameters_file(struct scan_ctx *x)
{
	struct scanner *s = x->s;
	const char *buf = x->buf, *p = buf, *end = buf + x->len;
	struct strbuf value = STRBUF_INIT;

	cursor_reset(s);
	/* "value": look for the rarer 'v' and check around it */
	while (p < end && (p = memchr(p, 'v', (size_t)(end - p)))) {
		size_t off = (size_t)(p - buf), vq = 0, ve, slashes = 0;

		p++;
		if (!off || buf[off - 1] != '"' || (size_t)(end - p) < 5 || memcmp(p, "alue\"", 5))
			continue;
		if (!param_candidate(x, off, 5, &vq))
			continue;
		ve = string_end(buf, x->len, vq);
		if (ve >= x->len)
			continue;
		strbuf_reset(&value);
		json_unescape(s, buf, vq + 1, ve, &value, 0);
		if (!secret_default(value.buf) || pointer_at(s, buf, x->len, vq, &s->ptr) < 0)
			continue;
		/* exactly /parameters/<name>/value */
		for (const char *c = s->ptr.buf; *c; c++)
			slashes += *c == '/';
		if (slashes != 3 || strncmp(s->ptr.buf, "/parameters/", 12))
			continue;
		struct_report(x, 3, s->ptr.buf, value.buf);
	}
	strbuf_release(&value);
}

/*
 * Outside linked services and credentials, only the objects that hold the
 * word "SecureString" or "defaultValue" can break a structural rule: a
 * SecureString with a value (SEC100), a secure parameter with a default
 * (SEC102), a parameter named like a secret with a literal default
 * (SEC103; param_candidate() picks those). One pass over the text
 * finds the innermost object around each occurrence, and that object
 * alone is parsed: published templates are megabytes of JSON with a few
 * such objects.
 */
static void check_secure_object(struct scan_ctx *x, size_t start)
{
	struct scanner *s = x->s;
	json_error_t err;
	json_t *o = json_loadb(x->buf + start, x->len - start,
			       JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &err);
	const char *type = json_str(o, "type"), *value, *def, *slash;
	int secure;
	size_t mark;

	if (!type)
		goto out;
	secure = !strcasecmp(type, "securestring") || !strcasecmp(type, "secureobject");
	value = !strcasecmp(type, "securestring") ? json_str(o, "value") : NULL;
	def = json_str(o, "defaultValue");
	if (def && !(secure ? real_value(def) : !strcasecmp(type, "string") && secret_default(def)))
		def = NULL;
	if (!(value && real_value(value)) && !def)
		goto out; /* the common case: no need to know where it is */
	if (pointer_at(s, x->buf, x->len, start, &s->ptr) < 0)
		goto out;
	mark = s->ptr.len;
	if (value && real_value(value)) {
		strbuf_addstr(&s->ptr, "/value");
		struct_report(x, 0, s->ptr.buf, value);
		strbuf_setlen(&s->ptr, mark);
	}
	/* ".../<something>/parameters/<name>": not a template's own parameters */
	slash = strrchr(s->ptr.buf, '/');
	if (def && slash && slash - s->ptr.buf > 11 && !strncmp(slash - 11, "/parameters", 11)) {
		int named = 0;

		if (!secure) {
			/* the parameter's name is the pointer's last token */
			const char *token = slash + 1;

			json_pointer_token(&token, &s->tmp);
			named = secret_param_name(s->tmp.buf);
		}
		if (secure || named) {
			strbuf_addstr(&s->ptr, "/defaultValue");
			struct_report(x, secure ? 2 : 3, s->ptr.buf, def);
		}
	}
out:
	json_decref(o);
}

static void scan_secure_objects(struct scan_ctx *x)
{
	struct scanner *s = x->s;
	const char *buf = x->buf;
	size_t *stack = NULL, nr = 0, alloc = 0, h = 0, done = (size_t)-1, i = 0;

	while (i < x->len && h < s->secure_nr) {
		size_t next;

		while (i < x->len && !(jclass[(unsigned char)buf[i]] & J_OBJECT))
			i++;
		if (i >= x->len)
			break;
		next = i + 1;
		if (buf[i] == '"') {
			next = string_end(buf, x->len, i) + 1;
		} else if (buf[i] == '{') {
			ALLOC_GROW(stack, nr + 1, alloc);
			stack[nr++] = i;
		} else if (buf[i] == '}' && nr) {
			nr--;
		}
		for (; h < s->secure_nr && s->secure_at[h] < next; h++)
			if (nr && stack[nr - 1] != done)
				check_secure_object(x, done = stack[nr - 1]);
		i = next;
	}
	free(stack);
}

/* ------------------------------------------------------------- text mode */

static void text_hit(void *data, size_t off, size_t rule)
{
	struct scan_ctx *x = data;

	(void)off;
	if (rule != PARAM_RULE)
		mark_hit(x->s, rule);
}

static void scan_plain(struct scan_ctx *x, int only_always)
{
	struct scanner *s = x->s;
	struct unit_info u;

	memset(&u, 0, sizeof(u));
	u.marker = -1;
	u.text = x->buf;
	u.n = x->len;
	if (!only_always) {
		prefilter(s, x->buf, x->len, text_hit, x);
		for (size_t r = 0; r < s->nr; r++)
			if (s->hit[r] && !s->rules[r].always)
				run_rule(x, &s->rules[r], &u);
		clear_hits(s);
	}
	for (size_t r = 0; r < s->nr; r++)
		if (s->rules[r].always)
			run_rule(x, &s->rules[r], &u);
}

static int is_json_path(const char *path)
{
	size_t n = strlen(path);

	return (n >= 5 && !strcasecmp(path + n - 5, ".json")) ||
	       (n >= 6 && !strcasecmp(path + n - 6, ".ipynb"));
}

int scan_buffer(struct scanner *s, const char *path, const char *buf, size_t len,
		const char *commit, struct findings *out)
{
	struct scan_ctx x;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.path = path;
	x.buf = buf;
	x.len = len;
	x.commit = commit;
	x.out = out;
	x.first = out->nr;
	out->files++;
	cursor_reset(s);
	if (memchr(buf, '\0', len < 8000 ? len : 8000))
		return 0; /* binary */
	if (is_json_path(path)) {
		struct json_walk w;

		memset(&w, 0, sizeof(w));
		w.x = &x;
		w.line_start = (size_t)-1;
		s->secure_nr = 0;
		prefilter(s, buf, len, json_hit, &w);
		flush_unit(&w);
		clear_hits(s);
		scan_plain(&x, 1);
		if (credential_path(path))
			scan_structure(&x);
		else if (s->secure_nr && !is_tpd(path))
			scan_secure_objects(&x);
		if (is_parameters_file(path))
			scan_parameters_file(&x);
	} else {
		scan_plain(&x, 0);
	}
	return x.added;
}

int scan_text(struct scanner *s, const char *label, const char *buf, size_t len,
	      struct findings *out)
{
	struct scan_ctx x;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.path = label;
	x.buf = buf;
	x.len = len;
	x.out = out;
	x.first = out->nr;
	scan_plain(&x, 0);
	return x.added;
}

/* --------------------------------------------------------------- sources */

struct src_walk {
	struct scanner *s;
	struct source *src;
	const char *const *only;
	size_t only_nr;
	struct findings *out;
	struct strbuf data;
	int err;
};

static int path_in(const char *path, const char *const *only, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(path, only[i]))
			return 1;
	return 0;
}

static int src_entry(const struct source_entry *e, void *data)
{
	struct src_walk *w = data;

	if (e->kind != SENTRY_FILE)
		return 0;
	if (w->only && !path_in(e->path, w->only, w->only_nr))
		return 0;
	strbuf_reset(&w->data);
	if (source_read(w->src, e, &w->data) < 0) {
		w->err = -1;
		return 1;
	}
	scan_buffer(w->s, e->path, w->data.buf, w->data.len, NULL, w->out);
	return 0;
}

int scan_source(struct scanner *s, struct source *src, const char *prefix,
		const char *const *only_paths, size_t only_nr, struct findings *out)
{
	struct src_walk w = { s, src, only_paths, only_nr, out, STRBUF_INIT, 0 };
	int ret;

	if (only_paths && only_nr < 64) {
		/* a few paths: read them directly instead of walking everything */
		for (size_t i = 0; i < only_nr; i++) {
			strbuf_reset(&w.data);
			if (source_read_path(src, only_paths[i], &w.data) < 0) {
				/* deleted in this source: nothing to scan */
				continue;
			}
			scan_buffer(s, only_paths[i], w.data.buf, w.data.len, NULL, out);
		}
		strbuf_release(&w.data);
		return 0;
	}
	ret = source_walk(src, prefix ? prefix : "", src_entry, &w);
	strbuf_release(&w.data);
	if (w.err || ret < 0)
		return -1;
	return 0;
}

/* --------------------------------------------------------------- history */

struct oidset {
	git_oid *items;
	unsigned char *used;
	size_t nr, alloc;
};

static size_t oid_hash(const git_oid *o)
{
	size_t h;

	memcpy(&h, o->id, sizeof(h));
	return h;
}

static int oidset_insert(struct oidset *set, const git_oid *o)
{
	size_t i;

	if ((set->nr + 1) * 2 > set->alloc) {
		struct oidset bigger = { NULL, NULL, 0, set->alloc ? set->alloc * 2 : 1024 };

		bigger.items = xcalloc(bigger.alloc, sizeof(git_oid));
		bigger.used = xcalloc(bigger.alloc, 1);
		for (i = 0; i < set->alloc; i++)
			if (set->used[i])
				oidset_insert(&bigger, &set->items[i]);
		free(set->items);
		free(set->used);
		*set = bigger;
	}
	for (i = oid_hash(o) & (set->alloc - 1); set->used[i]; i = (i + 1) & (set->alloc - 1))
		if (git_oid_equal(&set->items[i], o))
			return 0;
	set->used[i] = 1;
	git_oid_cpy(&set->items[i], o);
	set->nr++;
	return 1;
}

static int resolve_commit(git_repository *repo, const char *spec, git_oid *out)
{
	git_object *obj = NULL;
	int ret;

	if (git_revparse_single(&obj, repo, spec) < 0) {
		set_error("unknown revision '%s': %s", spec,
			  git_error_last() ? git_error_last()->message : "not found");
		git_error_clear();
		return -1;
	}
	{
		git_object *peeled = NULL;

		ret = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
		if (ret == 0) {
			git_oid_cpy(out, git_object_id(peeled));
			git_object_free(peeled);
		} else {
			set_error("'%s' is not a commit", spec);
			git_error_clear();
		}
	}
	git_object_free(obj);
	return ret < 0 ? -1 : 0;
}

int scan_history(struct scanner *s, git_repository *repo, const struct scan_history_opts *o,
		 struct findings *out)
{
	git_revwalk *walk = NULL;
	struct oidset seen = { NULL, NULL, 0, 0 };
	git_diff_options dopts;
	git_oid oid;
	char *pathspec = NULL;
	int ret = -1;

	if (git_revwalk_new(&walk, repo) < 0) {
		set_error("cannot walk history: %s", git_error_last()->message);
		goto cleanup;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (o->all_refs && git_revwalk_push_glob(walk, "*") < 0) {
		git_error_clear();
		if (git_revwalk_push_head(walk) < 0) {
			git_error_clear();
			ret = 0; /* an empty repository */
			goto cleanup;
		}
	}
	for (size_t i = 0; o->tips && o->tips[i]; i++) {
		if (resolve_commit(repo, o->tips[i], &oid) < 0 || git_revwalk_push(walk, &oid) < 0)
			goto cleanup;
	}
	for (size_t i = 0; o->hide && o->hide[i]; i++) {
		if (resolve_commit(repo, o->hide[i], &oid) < 0) {
			/* the remote has something we do not: nothing to hide there */
			continue;
		}
		git_revwalk_hide(walk, &oid);
	}
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	dopts.flags |= GIT_DIFF_SKIP_BINARY_CHECK;
	if (o->prefix && *o->prefix) {
		pathspec = xstrdup(o->prefix);
		dopts.pathspec.strings = &pathspec;
		dopts.pathspec.count = 1;
	}
	while (git_revwalk_next(&oid, walk) == 0) {
		git_commit *commit = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_diff *diff = NULL;
		char hex[GIT_OID_HEXSZ + 1];
		size_t nd;

		if (git_commit_lookup(&commit, repo, &oid) < 0 || git_commit_tree(&tree, commit) < 0) {
			set_error("cannot read commit: %s", git_error_last()->message);
			git_commit_free(commit);
			goto cleanup;
		}
		if (git_commit_parentcount(commit) && git_commit_parent(&parent, commit, 0) == 0)
			git_commit_tree(&ptree, parent);
		git_oid_tostr(hex, sizeof(hex), &oid);
		if (o->on_commit)
			o->on_commit(commit, o->data);
		if (git_diff_tree_to_tree(&diff, repo, ptree, tree, &dopts) < 0) {
			set_error("cannot diff '%s': %s", hex, git_error_last()->message);
			git_tree_free(tree);
			git_tree_free(ptree);
			git_commit_free(parent);
			git_commit_free(commit);
			goto cleanup;
		}
		nd = git_diff_num_deltas(diff);
		for (size_t d = 0; d < nd; d++) {
			const git_diff_delta *dl = git_diff_get_delta(diff, d);
			git_blob *blob = NULL;

			if (o->on_path)
				o->on_path(dl->new_file.path, o->data);
			if (dl->status == GIT_DELTA_DELETED || dl->new_file.mode == GIT_FILEMODE_COMMIT)
				continue;
			if (!oidset_insert(&seen, &dl->new_file.id))
				continue;
			if (git_blob_lookup(&blob, repo, &dl->new_file.id) < 0) {
				git_error_clear();
				continue;
			}
			scan_buffer(s, dl->new_file.path, git_blob_rawcontent(blob),
				    (size_t)git_blob_rawsize(blob), hex, out);
			git_blob_free(blob);
		}
		git_diff_free(diff);
		git_tree_free(tree);
		git_tree_free(ptree);
		git_commit_free(parent);
		git_commit_free(commit);
	}
	ret = 0;
cleanup:
	free(pathspec);
	free(seen.items);
	free(seen.used);
	git_revwalk_free(walk);
	return ret;
}
