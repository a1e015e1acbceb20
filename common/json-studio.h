#ifndef JSON_STUDIO_H
#define JSON_STUDIO_H

#include <jansson.h>
#include "strbuf.h"

/*
 * JSON written exactly as Synapse Studio writes its publish templates,
 * which is JavaScript's JSON.stringify(value, null, "\t"): one tab per
 * level, "key": value, empty {} and [] inline, object keys in insertion
 * order, minimal string escaping with non-ASCII characters raw, numbers
 * in JavaScript's shortest form, LF line ends and no final newline.
 */
void json_studio_write(struct strbuf *out, const json_t *value);

/* The shortest JavaScript spelling of a double ("1", "0.1", "1e+21"). */
void json_studio_number(struct strbuf *out, double d);

/* A JSON string literal as JSON.stringify writes it. */
void json_studio_string(struct strbuf *out, const char *s, size_t len);

#endif
