#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <time.h>
#include "strbuf.h"

/*
 * The HTTP layer every network command stands on: libcurl underneath,
 * one curl multi handle per client, many requests in flight, no threads.
 *
 * What it does for every request:
 *  - TLS verification always on (a CA bundle may be given); "http://" is
 *    refused unless the host is loopback (127.0.0.0/8, ::1, localhost),
 *    or the request sets HTTP_ALLOW_LINK_LOCAL (IMDS at 169.254.169.254);
 *  - connect and per-attempt timeouts, one overall deadline per request
 *    that retries and polls never exceed;
 *  - retries with exponential backoff and jitter on 408, 429, 500, 502,
 *    503, 504 and dropped or timed-out connections, honouring Retry-After
 *    (seconds or an HTTP date);
 *  - a bearer token from the token callback, and on 401 a fresh token
 *    (force = 1) and one more try;
 *  - with HTTP_LRO, a 202 is followed: Location (or the poll path built
 *    from the body's operationId) is polled after Retry-After until it
 *    ends: 200 with a resource or an empty body is success, 200 with
 *    {"status":"Failed","error":{...}} is an error, 202 or a status of
 *    InProgress/Accepted/Running goes on polling;
 *  - every error body shape parsed into struct http_error;
 *  - the log callback sees method, URL (secrets in the query blanked),
 *    status, request id and time; never a header value, a body or a token.
 *
 * Many requests at once (a deployment planner):
 *
 *	struct http_client c;
 *	http_client_init(&c, &opts);            opts.token_fn = auth_token_fn...
 *	for each artifact of a level:
 *		r = xcalloc(1, sizeof(*r));
 *		http_request_init(r, "PUT", url);
 *		http_request_set_json(r, body_text, len);
 *		r->flags = HTTP_LRO;
 *		r->audience = "https://dev.azuresynapse.net";
 *		r->poll_path = type->poll_path;
 *		r->done_fn = artifact_done; r->data = artifact;
 *		http_client_add(&c, r);
 *	http_client_run(&c);                   or http_client_step() in a loop
 *
 * http_client_add() may be called from a done_fn (start the next level as
 * soon as what it needs is done); at most opts.max_active requests talk
 * at once, the rest wait in order. A done_fn owns the request from then
 * on (it may release and free it). r->result is 0 on success, -1 on
 * failure with r->error filled and r->error_text a one-line message.
 */

enum http_flags {
	HTTP_LRO = 1 << 0,            /* follow a 202 to its end */
	HTTP_NO_RETRY = 1 << 1,       /* one attempt only */
	HTTP_ALLOW_LINK_LOCAL = 1 << 2, /* plain http to 169.254.169.254 */
	HTTP_LIST = 1 << 3,           /* reserved for http_get_list */
};

/* One error, whatever shape the service used. */
struct http_error {
	long status;       /* HTTP status (0: no answer) */
	char *code;        /* "TriggerNotFound", "404", "invalid_client"; or NULL */
	char *message;     /* the service's message, or the body's text; or NULL */
	char *request_id;  /* x-ms-request-id / trace id; or NULL */
};
#define HTTP_ERROR_INIT { 0, NULL, NULL, NULL }
void http_error_release(struct http_error *e);

/*
 * Parse an error body: {"error":{"code","message"}}, {"code","message"}
 * (code a string or a number, "error" a string), {"status":"Failed",
 * "error":{...}}, AAD's {"error":"x","error_description":"..."}, or any
 * other text (kept, trimmed to 300 bytes). Never fails.
 */
void http_error_parse(struct http_error *e, long status, const char *body, size_t len);

/* "404 TriggerNotFound: The Trigger ... (request id ...)" into sb. */
void http_error_describe(const struct http_error *e, struct strbuf *sb);

/* Retry-After: seconds or an HTTP date; -1 when absent or malformed. */
long http_parse_retry_after(const char *value, time_t now);

/* Whether url may be used: https, or http to a loopback host (0 / -1). */
int http_url_allowed(const char *url, unsigned flags);

/* Copy url with the values of secret-looking query parameters blanked. */
char *http_redact_url(const char *url);

/* Returns 0 and a token (malloc'd in *token) for audience, or -1. */
typedef int (*http_token_fn)(void *data, const char *audience, int force, char **token);
typedef void (*http_log_fn)(void *data, const char *line);

struct http_options {
	const char *ca_bundle;      /* NULL: $CURL_CA_BUNDLE, $SSL_CERT_FILE, or the system's */
	long connect_timeout_ms;    /* default 10 s */
	long timeout_ms;            /* one attempt, default 120 s */
	long deadline_ms;           /* one request with its retries and polls, default 20 min */
	int max_retries;            /* default 6 */
	long retry_base_ms;         /* first backoff, default 500 ms */
	long retry_max_ms;          /* longest wait between tries, default 60 s */
	long poll_default_ms;       /* LRO wait without Retry-After, default 10 s */
	long poll_max_ms;           /* cap on an LRO wait, default 60 s; 0 = no waiting */
	int max_active;             /* requests talking at once, default 16 */
	const char *user_agent;
	http_token_fn token_fn;
	void *token_data;
	http_log_fn log_fn;         /* verbose lines; NULL: silent */
	void *log_data;
};
/* Every field 0/NULL means its default. */
#define HTTP_OPTIONS_INIT { NULL, 0, 0, 0, 0, 0, 0, 0, -1, 0, NULL, NULL, NULL, NULL, NULL }

struct http_client;

struct http_request {
	/* what to send */
	char *method;
	char *url;
	struct strbuf body;
	char *content_type;
	char **headers;             /* extra "Name: value" lines */
	size_t headers_nr, headers_alloc;
	unsigned flags;
	const char *audience;       /* token audience; NULL: no Authorization */
	const char *poll_path;      /* "operationResults"...: Location fallback */
	void (*done_fn)(struct http_request *r, void *data);
	void *data;

	/* what came back (the final answer, after retries and polls) */
	int result;                 /* 0 ok, -1 failed */
	long status;
	struct strbuf response;
	char *location;             /* last Location header */
	char *etag;
	char *request_id;
	struct http_error error;
	char *error_text;           /* one line for a user */
	int attempts;               /* tries of the current step */
	int polls;                  /* LRO polls made */
	double elapsed_ms;

	/* private */
	void *priv_;
};

void http_request_init(struct http_request *r, const char *method, const char *url);
void http_request_release(struct http_request *r);
void http_request_add_header(struct http_request *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
void http_request_set_body(struct http_request *r, const char *content_type,
			   const void *data, size_t len);
#define http_request_set_json(r, data, len) \
	http_request_set_body((r), "application/json", (data), (len))

int http_client_init(struct http_client **c, const struct http_options *opts);
void http_client_free(struct http_client *c);

/* Queue a request (0), or -1 when its URL is refused (r untouched). */
int http_client_add(struct http_client *c, struct http_request *r);

/*
 * Make progress for at most max_wait_ms (transfers, timers, done_fn
 * calls). Returns the number of requests not finished yet.
 */
int http_client_step(struct http_client *c, long max_wait_ms);

/* Step until every request queued (including ones added meanwhile) is done. */
void http_client_run(struct http_client *c);

/*
 * One request, synchronously: 0 when r->result is 0; -1 with
 * set_error(r->error_text) otherwise.
 */
int http_perform(struct http_client *c, struct http_request *r);

/*
 * GET a list and every page after it (absolute nextLink), appending the
 * "value" items to *items (a new array when *items is NULL; a json_t *).
 */
int http_get_list(struct http_client *c, const char *url, const char *audience,
		  void **items);

#endif
