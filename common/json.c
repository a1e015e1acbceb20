#include "json.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>

json_t *json_parse(const char *buf, size_t len, struct json_error *err)
{
	json_error_t jerr;
	json_t *root;
	size_t skip = 0;

	memset(err, 0, sizeof(*err));
	if (len >= 3 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb &&
	    (unsigned char)buf[2] == 0xbf)
		skip = 3;
	if (len == skip) {
		err->line = 1;
		err->column = 1;
		snprintf(err->text, sizeof(err->text), "empty file");
		return NULL;
	}
	root = json_loadb(buf + skip, len - skip, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
	if (root)
		return root;
	/*
	 * jansson counts columns in characters and positions in bytes;
	 * report the byte column of its position, which editors accept.
	 */
	if (jerr.position >= 0 && (size_t)jerr.position <= len - skip) {
		size_t pos = (size_t)jerr.position + skip;

		/* jansson's position is just past the offending token */
		if (pos > skip && jerr.line > 0)
			pos--;
		json_offset_to_linecol(buf, pos, &err->line, &err->column);
	} else {
		err->line = jerr.line > 0 ? jerr.line : 1;
		err->column = jerr.column > 0 ? jerr.column : 1;
	}
	if (jerr.line > 0 && err->line != jerr.line) {
		/* trust jansson's line (it knows about the token start) */
		err->line = jerr.line;
		err->column = jerr.column > 0 ? jerr.column : 1;
	}
	snprintf(err->text, sizeof(err->text), "%s", jerr.text);
	return NULL;
}

void json_offset_to_linecol(const char *buf, size_t offset, int *line, int *column)
{
	int l = 1;
	size_t bol = 0;

	for (size_t i = 0; i < offset; i++)
		if (buf[i] == '\n') {
			l++;
			bol = i + 1;
		}
	*line = l;
	*column = (int)(offset - bol) + 1;
}

/*
 * A tolerant skipping scanner over JSON text, used only to find where a
 * value starts; it never builds anything, so it is cheap enough to run
 * once per finding.
 */
struct jscan {
	const char *p, *end;
	int depth;
};

static void skip_ws(struct jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* Skip a string starting at '"'; returns 0 or -1. */
static int skip_string(struct jscan *s)
{
	if (s->p >= s->end || *s->p != '"')
		return -1;
	for (s->p++; s->p < s->end; s->p++) {
		if (*s->p == '\\') {
			s->p++;
			continue;
		}
		if (*s->p == '"') {
			s->p++;
			return 0;
		}
	}
	return -1;
}

/* Decode the string at s->p into sb (simple escapes; \u kept as UTF-8). */
static int read_string(struct jscan *s, struct strbuf *sb)
{
	strbuf_reset(sb);
	if (s->p >= s->end || *s->p != '"')
		return -1;
	for (s->p++; s->p < s->end; s->p++) {
		char c = *s->p;

		if (c == '"') {
			s->p++;
			return 0;
		}
		if (c != '\\') {
			strbuf_addch(sb, c);
			continue;
		}
		if (++s->p >= s->end)
			return -1;
		switch (*s->p) {
		case 'n': strbuf_addch(sb, '\n'); break;
		case 't': strbuf_addch(sb, '\t'); break;
		case 'r': strbuf_addch(sb, '\r'); break;
		case 'b': strbuf_addch(sb, '\b'); break;
		case 'f': strbuf_addch(sb, '\f'); break;
		case 'u': {
			unsigned v = 0;

			for (int i = 0; i < 4; i++) {
				char h;

				if (++s->p >= s->end)
					return -1;
				h = *s->p;
				v <<= 4;
				if (h >= '0' && h <= '9')
					v |= (unsigned)(h - '0');
				else if (h >= 'a' && h <= 'f')
					v |= (unsigned)(h - 'a' + 10);
				else if (h >= 'A' && h <= 'F')
					v |= (unsigned)(h - 'A' + 10);
				else
					return -1;
			}
			if (v < 0x80) {
				strbuf_addch(sb, (int)v);
			} else if (v < 0x800) {
				strbuf_addch(sb, (int)(0xc0 | (v >> 6)));
				strbuf_addch(sb, (int)(0x80 | (v & 0x3f)));
			} else {
				strbuf_addch(sb, (int)(0xe0 | (v >> 12)));
				strbuf_addch(sb, (int)(0x80 | ((v >> 6) & 0x3f)));
				strbuf_addch(sb, (int)(0x80 | (v & 0x3f)));
			}
			break;
		}
		default: strbuf_addch(sb, *s->p); break;
		}
	}
	return -1;
}

static int skip_value(struct jscan *s)
{
	skip_ws(s);
	if (s->p >= s->end)
		return -1;
	if (*s->p == '"')
		return skip_string(s);
	if (*s->p == '{' || *s->p == '[') {
		int depth = 0;

		while (s->p < s->end) {
			char c = *s->p;

			if (c == '"') {
				if (skip_string(s))
					return -1;
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if (c == '}' || c == ']') {
				if (--depth == 0) {
					s->p++;
					return 0;
				}
			}
			s->p++;
		}
		return -1;
	}
	while (s->p < s->end && (!*s->p || !strchr(",}] \t\r\n", *s->p)))
		s->p++;
	return 0;
}

void json_pointer_token(const char **ptr, struct strbuf *sb)
{
	const char *p = *ptr;

	strbuf_reset(sb);
	for (; *p && *p != '/'; p++) {
		if (p[0] == '~' && p[1] == '1') {
			strbuf_addch(sb, '/');
			p++;
		} else if (p[0] == '~' && p[1] == '0') {
			strbuf_addch(sb, '~');
			p++;
		} else {
			strbuf_addch(sb, *p);
		}
	}
	*ptr = p;
}

int json_locate(const char *buf, size_t len, const char *pointer, int *line, int *column)
{
	struct jscan s = { buf, buf + len, 0 };
	struct strbuf tok = STRBUF_INIT, key = STRBUF_INIT;
	const char *found = NULL;
	int ret = -1;

	if (len >= 3 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb)
		s.p += 3;
	skip_ws(&s);
	found = s.p;
	while (pointer && *pointer == '/') {
		pointer++;
		json_pointer_token(&pointer, &tok);
		skip_ws(&s);
		if (s.p >= s.end)
			goto out;
		if (*s.p == '{') {
			int hit = 0;

			s.p++;
			for (;;) {
				skip_ws(&s);
				if (s.p >= s.end || *s.p == '}')
					goto out;
				if (read_string(&s, &key))
					goto out;
				skip_ws(&s);
				if (s.p >= s.end || *s.p != ':')
					goto out;
				s.p++;
				skip_ws(&s);
				if (key.len == tok.len && !memcmp(key.buf, tok.buf, tok.len)) {
					hit = 1;
					break;
				}
				if (skip_value(&s))
					goto out;
				skip_ws(&s);
				if (s.p < s.end && *s.p == ',')
					s.p++;
			}
			if (!hit)
				goto out;
		} else if (*s.p == '[') {
			char *endp;
			long idx = strtol(tok.buf, &endp, 10);

			if (*endp || idx < 0 || !tok.len)
				goto out;
			s.p++;
			for (long i = 0; i < idx; i++) {
				if (skip_value(&s))
					goto out;
				skip_ws(&s);
				if (s.p >= s.end || *s.p != ',')
					goto out;
				s.p++;
			}
			skip_ws(&s);
		} else {
			goto out;
		}
		found = s.p;
	}
	ret = 0;
out:
	if (!found)
		found = buf;
	json_offset_to_linecol(buf, (size_t)(found - buf), line, column);
	strbuf_release(&tok);
	strbuf_release(&key);
	return ret;
}

const char *json_str(const json_t *obj, const char *key)
{
	const json_t *v;

	if (!obj || !json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *json_path(const json_t *root, const char *dotted)
{
	const json_t *cur = root;
	char key[256];

	while (cur && *dotted) {
		size_t n = strcspn(dotted, ".");

		if (n >= sizeof(key) || !json_is_object(cur))
			return NULL;
		memcpy(key, dotted, n);
		key[n] = '\0';
		cur = json_object_get(cur, key);
		dotted += n;
		if (*dotted == '.')
			dotted++;
	}
	return (json_t *)cur;
}

void strbuf_add_json_string(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': strbuf_addstr(sb, "\\\""); break;
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\r': strbuf_addstr(sb, "\\r"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		case '\b': strbuf_addstr(sb, "\\b"); break;
		case '\f': strbuf_addstr(sb, "\\f"); break;
		default:
			if (c < 0x20)
				strbuf_addf(sb, "\\u%04x", c);
			else
				strbuf_addch(sb, (char)c);
		}
	}
	strbuf_addch(sb, '"');
}
