/*
 * Client overhead: N sequential GETs to the emulator with raw libcurl (one
 * easy handle, reused) and with http_perform() (retries, token, parsing).
 * Usage: http-overhead <url> <token> <n>
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "usage.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t s, size_t n, void *d)
{
	(void)p;
	(void)d;
	return s * n;
}

static const char *the_token;

static int token_fn(void *data, const char *aud, int force, char **out)
{
	(void)data;
	(void)aud;
	(void)force;
	*out = xstrdup(the_token);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 3 ? atoi(argv[3]) : 5000;
	CURL *e;
	struct curl_slist *h = NULL;
	char auth[4096];
	double t0, raw, ours;
	struct http_client *c;
	struct http_options o = HTTP_OPTIONS_INIT;

	if (argc < 3)
		return 129;
	the_token = argv[2];
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", argv[2]);
	h = curl_slist_append(h, auth);
	e = curl_easy_init();
	curl_easy_setopt(e, CURLOPT_URL, argv[1]);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
	t0 = now();
	for (int i = 0; i < n; i++)
		if (curl_easy_perform(e) != CURLE_OK)
			return 1;
	raw = now() - t0;
	curl_easy_cleanup(e);
	curl_slist_free_all(h);

	o.token_fn = token_fn;
	if (http_client_init(&c, &o))
		return 1;
	t0 = now();
	for (int i = 0; i < n; i++) {
		struct http_request r;

		http_request_init(&r, "GET", argv[1]);
		r.audience = "https://dev.azuresynapse.net";
		if (http_perform(c, &r))
			return 1;
		http_request_release(&r);
	}
	ours = now() - t0;
	http_client_free(c);
	printf("raw libcurl: %.1f us/request\n", raw / n * 1e6);
	printf("http.c:      %.1f us/request\n", ours / n * 1e6);
	printf("overhead:    %.1f us/request (target < 200), ratio %.2f\n",
	       (ours - raw) / n * 1e6, ours / raw);
	return 0;
}
