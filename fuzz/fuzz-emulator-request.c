/*
 * libFuzzer: one request through the emulator's router, without a
 * server. The input is "METHOD PATH?QUERY\nHost\nheader: value...\n\nbody".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emulator.h"
#include "usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct emulator *em;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *p = text, *line, *q, *body;
	const char *query[34], *headers[34];
	size_t nq = 0, nh = 0;
	struct em_request req;
	struct em_response res;

	if (!em) {
		struct emulator_options o;

		memset(&o, 0, sizeof(o));
		o.poll_count = 1;
		o.page_size = 2;
		o.anonymous = 1;
		o.seed = 1;
		if (emulator_new(&em, &o))
			abort();
	}
	memset(&req, 0, sizeof(req));
	body = strstr(p, "\n\n");
	if (body) {
		*body = '\0';
		body += 2;
	}
	line = strsep(&p, "\n");
	req.method = strsep(&line, " ");
	req.path = line ? line : "/";
	q = strchr(req.path, '?');
	if (q) {
		char *kv;

		*q++ = '\0';
		while ((kv = strsep(&q, "&")) && nq < 32) {
			char *eq = strchr(kv, '=');

			if (eq)
				*eq++ = '\0';
			query[nq++] = kv;
			query[nq++] = eq ? eq : "";
		}
	}
	query[nq] = NULL;
	req.query = query;
	req.host = p ? strsep(&p, "\n") : NULL;
	while (p && (line = strsep(&p, "\n")) && nh < 32) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon++ = '\0';
		while (*colon == ' ')
			colon++;
		headers[nh++] = line;
		headers[nh++] = colon;
	}
	headers[nh] = NULL;
	req.headers = headers;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	em_response_init(&res);
	em_handle(em, &req, &res);
	em_response_release(&res);
	free(text);
	return 0;
}
