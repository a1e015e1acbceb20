#include "json-studio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_studio_string(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	strbuf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(out, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		}
		if (esc) {
			strbuf_addstr(out, esc);
		} else {
			strbuf_addstr(out, "\\u00");
			strbuf_addch(out, hex[c >> 4]);
			strbuf_addch(out, hex[c & 15]);
		}
	}
	strbuf_add(out, s + start, len - start);
	strbuf_addch(out, '"');
}

/*
 * Number::toString from ECMA-262: find the shortest digit string that
 * reads back as the same double, then place the decimal point or use an
 * exponent the way JavaScript does.
 */
void json_studio_number(struct strbuf *out, double d)
{
	char buf[40], digits[20];
	int k = 0, n, prec;
	char *e;

	if (isnan(d) || isinf(d)) {
		strbuf_addstr(out, "null");
		return;
	}
	if (d == 0) {
		strbuf_addch(out, '0');
		return;
	}
	if (d < 0) {
		strbuf_addch(out, '-');
		d = -d;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* buf is "d.ddde[+-]xx" */
	for (const char *p = buf; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && k < (int)sizeof(digits) - 1)
			digits[k++] = *p;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	e = strchr(buf, 'e');
	n = (int)strtol(e + 1, NULL, 10) + 1;

	if (k <= n && n <= 21) {
		strbuf_add(out, digits, (size_t)k);
		strbuf_addchars(out, '0', (size_t)(n - k));
	} else if (0 < n && n <= 21) {
		strbuf_add(out, digits, (size_t)n);
		strbuf_addch(out, '.');
		strbuf_addstr(out, digits + n);
	} else if (-6 < n && n <= 0) {
		strbuf_addstr(out, "0.");
		strbuf_addchars(out, '0', (size_t)-n);
		strbuf_addstr(out, digits);
	} else {
		strbuf_addch(out, digits[0]);
		if (k > 1) {
			strbuf_addch(out, '.');
			strbuf_addstr(out, digits + 1);
		}
		strbuf_addf(out, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
}

static void write_value(struct strbuf *out, const json_t *v, int depth);

static void newline(struct strbuf *out, int depth)
{
	strbuf_addch(out, '\n');
	strbuf_addchars(out, '\t', (size_t)depth);
}

static void write_value(struct strbuf *out, const json_t *v, int depth)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *val;
		int first = 1;

		if (!json_object_size(v)) {
			strbuf_addstr(out, "{}");
			break;
		}
		strbuf_addch(out, '{');
		json_object_foreach((json_t *)v, key, val) {
			if (!first)
				strbuf_addch(out, ',');
			first = 0;
			newline(out, depth + 1);
			json_studio_string(out, key, strlen(key));
			strbuf_addstr(out, ": ");
			write_value(out, val, depth + 1);
		}
		newline(out, depth);
		strbuf_addch(out, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *val;

		if (!json_array_size(v)) {
			strbuf_addstr(out, "[]");
			break;
		}
		strbuf_addch(out, '[');
		json_array_foreach((json_t *)v, i, val) {
			if (i)
				strbuf_addch(out, ',');
			newline(out, depth + 1);
			write_value(out, val, depth + 1);
		}
		newline(out, depth);
		strbuf_addch(out, ']');
		break;
	}
	case JSON_STRING:
		json_studio_string(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);

		/* JavaScript numbers are doubles: beyond 2^53 precision is lost */
		if (i > 9007199254740992LL || i < -9007199254740992LL)
			json_studio_number(out, (double)i);
		else
			strbuf_addf(out, "%lld", (long long)i);
		break;
	}
	case JSON_REAL:
		json_studio_number(out, json_real_value(v));
		break;
	case JSON_TRUE:
		strbuf_addstr(out, "true");
		break;
	case JSON_FALSE:
		strbuf_addstr(out, "false");
		break;
	case JSON_NULL:
		strbuf_addstr(out, "null");
		break;
	}
}

void json_studio_write(struct strbuf *out, const json_t *value)
{
	write_value(out, value, 0);
}
