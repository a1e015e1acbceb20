#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <jansson.h>
#include "strbuf.h"

/*
 * JSON loading that keeps what a user needs to fix a file: the line and
 * the column of a syntax error, and, on demand, the line and column of
 * any value named by a JSON pointer (RFC 6901).
 */
struct json_error {
	int line;    /* 1-based; 0 when unknown */
	int column;  /* 1-based, in bytes */
	char text[200];
};

/*
 * Parse buf (len bytes; a UTF-8 byte-order mark is skipped). Returns a
 * new reference or NULL with *err filled. Duplicate keys, invalid UTF-8,
 * NUL bytes and nesting deeper than the parser allows are errors.
 */
json_t *json_parse(const char *buf, size_t len, struct json_error *err);

/*
 * Find where the value at pointer (e.g. "/properties/activities/0/name")
 * starts in buf. Returns 0 and sets *line, *column (1-based), or -1 when
 * the pointer does not lead anywhere (then line/column of the nearest
 * enclosing value found are still set).
 */
int json_locate(const char *buf, size_t len, const char *pointer, int *line, int *column);

/*
 * Decode the JSON pointer token at *ptr (up to the next '/' or the end;
 * ~1 is '/', ~0 is '~') into sb, and advance *ptr past it.
 */
void json_pointer_token(const char **ptr, struct strbuf *sb);

/* Line and column (1-based) of a byte offset in buf. */
void json_offset_to_linecol(const char *buf, size_t offset, int *line, int *column);

/* Borrowed getters that accept NULL and a wrong type. */
const char *json_str(const json_t *obj, const char *key);
json_t *json_path(const json_t *root, const char *dotted); /* "properties.type" */

/* Append a JSON-quoted string (with escapes) to sb. */
void strbuf_add_json_string(struct strbuf *sb, const char *s);

#endif
