/*
 * HTTP over libcurl: retries, tokens, long-running operations, errors.
 * See http.h for what a caller can rely on.
 */
#include "http.h"
#include "usage.h"

#include <curl/curl.h>
#include <jansson.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum req_state { RS_WAITING, RS_ACTIVE };

struct req_priv {
	struct http_client *c;
	CURL *easy;
	struct curl_slist *hdrs;
	enum req_state state;
	char *cur_url;
	int polling;
	int refreshed;       /* the one fresh token after a 401 was used */
	int force_token;
	int retries;
	double start;        /* ms, monotonic */
	double deadline;
	double wake_at;
	double attempt_start;
	long retry_after_ms; /* of the last response; -1 none */
	char errbuf[CURL_ERROR_SIZE];
};

struct http_client {
	struct http_options o;
	CURLM *multi;
	struct http_request **pending; /* queued and active, in order */
	size_t pending_nr, pending_alloc;
	int active;
	unsigned long rng;
	char *ca_bundle;
};

static int curl_ready;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void vlog(struct http_client *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void vlog(struct http_client *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!c->o.log_fn)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	c->o.log_fn(c->o.log_data, sb.buf);
	strbuf_release(&sb);
}

/* ---- errors ---- */

void http_error_release(struct http_error *e)
{
	free(e->code);
	free(e->message);
	free(e->request_id);
	e->code = e->message = e->request_id = NULL;
	e->status = 0;
}

static char *json_scalar_text(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xstrfmt("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xstrfmt("%g", json_real_value(v));
	return NULL;
}

static char *trimmed_text(const char *body, size_t len)
{
	size_t b = 0, e = len;
	struct strbuf sb = STRBUF_INIT;

	while (b < e && isspace((unsigned char)body[b]))
		b++;
	while (e > b && isspace((unsigned char)body[e - 1]))
		e--;
	if (e == b)
		return NULL;
	if (e - b > 300)
		e = b + 300;
	for (size_t i = b; i < e; i++) {
		unsigned char ch = body[i];

		strbuf_addch(&sb, (ch == '\r' || ch == '\n' || ch == '\t') ? ' ' :
			     (ch < 0x20 || ch == 0x7f) ? '?' : ch);
	}
	return strbuf_detach(&sb, NULL);
}

void http_error_parse(struct http_error *e, long status, const char *body, size_t len)
{
	json_t *root = NULL, *err;

	free(e->code);
	free(e->message);
	e->code = e->message = NULL;
	e->status = status;
	if (body && len)
		root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!json_is_object(root)) {
		if (body && len)
			e->message = trimmed_text(body, len);
		goto cleanup;
	}
	err = json_object_get(root, "error");
	if (json_is_object(err)) {
		/* {"error":{...}} and {"status":"Failed","error":{...}} */
		e->code = json_scalar_text(json_object_get(err, "code"));
		e->message = json_scalar_text(json_object_get(err, "message"));
	} else if (json_object_get(root, "code")) {
		/* {"code":"X","message":...}; the notebook shape has a number */
		e->code = json_scalar_text(json_object_get(root, "code"));
		e->message = json_scalar_text(json_object_get(root, "message"));
		if (!e->message && json_is_string(err))
			e->message = xstrdup(json_string_value(err));
	} else if (json_is_string(err)) {
		/* Azure AD: {"error":"invalid_client","error_description":...} */
		e->code = xstrdup(json_string_value(err));
		e->message = json_scalar_text(json_object_get(root, "error_description"));
		if (!e->request_id)
			e->request_id = json_scalar_text(json_object_get(root, "trace_id"));
	} else if (json_is_string(json_object_get(root, "status"))) {
		e->code = xstrdup(json_string_value(json_object_get(root, "status")));
		e->message = json_scalar_text(json_object_get(root, "message"));
	} else {
		e->message = trimmed_text(body, len);
	}
	if (e->message) {
		/* one line: AAD's descriptions carry \r\n and trace ids */
		char *nl = strpbrk(e->message, "\r\n");

		if (nl)
			*nl = '\0';
	}
cleanup:
	json_decref(root);
}

void http_error_describe(const struct http_error *e, struct strbuf *sb)
{
	if (e->status)
		strbuf_addf(sb, "%ld", e->status);
	if (e->code)
		strbuf_addf(sb, "%s%s", sb->len ? " " : "", e->code);
	if (e->message)
		strbuf_addf(sb, "%s%s", sb->len ? ": " : "", e->message);
	if (e->request_id)
		strbuf_addf(sb, " (request id %s)", e->request_id);
}

long http_parse_retry_after(const char *value, time_t now)
{
	char *end;
	long n;
	time_t t;

	if (!value)
		return -1;
	while (isspace((unsigned char)*value))
		value++;
	if (!*value)
		return -1;
	if (isdigit((unsigned char)*value)) {
		n = strtol(value, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (*end || n < 0)
			return -1;
		return n > 86400 ? 86400 : n;
	}
	t = curl_getdate(value, NULL);
	if (t == (time_t)-1)
		return -1;
	return t <= now ? 0 : (long)(t - now);
}

/* ---- URLs ---- */

static int host_is_loopback(const char *host)
{
	if (!strcasecmp(host, "localhost") || !strcmp(host, "[::1]") || !strcmp(host, "::1"))
		return 1;
	if (!strncmp(host, "127.", 4)) {
		for (const char *p = host + 4; *p; p++)
			if (!isdigit((unsigned char)*p) && *p != '.')
				return 0;
		return 1;
	}
	return 0;
}

int http_url_allowed(const char *url, unsigned flags)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int ret = -1;

	if (!u)
		return set_error("out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		set_error("invalid URL '%s'", url);
		goto cleanup;
	}
	if (!strcasecmp(scheme, "https"))
		ret = 0;
	else if (!strcasecmp(scheme, "http") &&
		 (host_is_loopback(host) ||
		  ((flags & HTTP_ALLOW_LINK_LOCAL) && !strcmp(host, "169.254.169.254"))))
		ret = 0;
	else if (!strcasecmp(scheme, "http"))
		set_error("refusing plain http to '%s': only https, or http to a loopback address", host);
	else
		set_error("unsupported URL scheme '%s'", scheme);
cleanup:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ret;
}

static int secret_param(const char *name, size_t len)
{
	static const char *const names[] = {
		"sig", "signature", "code", "token", "access_token", "client_secret",
		"client_assertion", "secret", "key", "password", "sv_token", NULL
	};

	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == len && !strncasecmp(names[i], name, len))
			return 1;
	return 0;
}

char *http_redact_url(const char *url)
{
	struct strbuf sb = STRBUF_INIT;
	const char *q = strchr(url, '?'), *p, *at, *scheme_end;

	/* drop user:password@ */
	scheme_end = strstr(url, "://");
	at = scheme_end ? strchr(scheme_end + 3, '@') : NULL;
	if (at && (!q || at < q) && !memchr(scheme_end + 3, '/', at - scheme_end - 3)) {
		strbuf_add(&sb, url, scheme_end + 3 - url);
		url = at + 1;
		q = strchr(url, '?');
	}
	if (!q) {
		strbuf_addstr(&sb, url);
		return strbuf_detach(&sb, NULL);
	}
	strbuf_add(&sb, url, q + 1 - url);
	p = q + 1;
	while (*p) {
		const char *amp = strchr(p, '&'), *eq;
		size_t len = amp ? (size_t)(amp - p) : strlen(p);

		eq = memchr(p, '=', len);
		if (eq && secret_param(p, eq - p)) {
			strbuf_add(&sb, p, eq + 1 - p);
			strbuf_addstr(&sb, "REDACTED");
		} else {
			strbuf_add(&sb, p, len);
		}
		if (!amp)
			break;
		strbuf_addch(&sb, '&');
		p = amp + 1;
	}
	return strbuf_detach(&sb, NULL);
}

/* ---- requests ---- */

void http_request_init(struct http_request *r, const char *method, const char *url)
{
	memset(r, 0, sizeof(*r));
	r->method = xstrdup(method);
	r->url = xstrdup(url);
	strbuf_init(&r->body, 0);
	strbuf_init(&r->response, 0);
}

static void priv_free(struct req_priv *p)
{
	if (!p)
		return;
	if (p->easy)
		curl_easy_cleanup(p->easy);
	curl_slist_free_all(p->hdrs);
	free(p->cur_url);
	free(p);
}

void http_request_release(struct http_request *r)
{
	free(r->method);
	free(r->url);
	strbuf_release(&r->body);
	free(r->content_type);
	for (size_t i = 0; i < r->headers_nr; i++)
		free(r->headers[i]);
	free(r->headers);
	strbuf_release(&r->response);
	free(r->location);
	free(r->etag);
	free(r->request_id);
	http_error_release(&r->error);
	free(r->error_text);
	priv_free(r->priv_);
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 0);
	strbuf_init(&r->response, 0);
}

void http_request_add_header(struct http_request *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(r->headers, r->headers_nr + 1, r->headers_alloc);
	r->headers[r->headers_nr++] = strbuf_detach(&sb, NULL);
}

void http_request_set_body(struct http_request *r, const char *content_type,
			   const void *data, size_t len)
{
	strbuf_reset(&r->body);
	strbuf_add(&r->body, data, len);
	free(r->content_type);
	r->content_type = content_type ? xstrdup(content_type) : NULL;
}

/* ---- client ---- */

int http_client_init(struct http_client **out, const struct http_options *opts)
{
	struct http_client *c;
	const char *ca;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return set_error("cannot initialize libcurl");
		curl_ready = 1;
	}
	c = xcalloc(1, sizeof(*c));
	if (opts)
		c->o = *opts;
	if (c->o.connect_timeout_ms <= 0)
		c->o.connect_timeout_ms = 10000;
	if (c->o.timeout_ms <= 0)
		c->o.timeout_ms = 120000;
	if (c->o.deadline_ms <= 0)
		c->o.deadline_ms = 20 * 60 * 1000;
	if (c->o.max_retries <= 0)
		c->o.max_retries = 6;
	if (c->o.retry_base_ms <= 0)
		c->o.retry_base_ms = 500;
	if (c->o.retry_max_ms <= 0)
		c->o.retry_max_ms = 60000;
	if (c->o.poll_default_ms <= 0)
		c->o.poll_default_ms = 10000;
	if (c->o.poll_max_ms < 0)
		c->o.poll_max_ms = 60000;
	if (c->o.max_active <= 0)
		c->o.max_active = 16;
	if (!c->o.user_agent)
		c->o.user_agent = "git-synapse/" GIT_SYNAPSE_VERSION;
	ca = c->o.ca_bundle;
	if (!ca || !*ca)
		ca = getenv("CURL_CA_BUNDLE");
	if (!ca || !*ca)
		ca = getenv("SSL_CERT_FILE");
	c->ca_bundle = ca && *ca ? xstrdup(ca) : NULL;
	c->rng = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16) ^ 0x9e3779b9UL;
	c->multi = curl_multi_init();
	if (!c->multi) {
		free(c->ca_bundle);
		free(c);
		return set_error("cannot initialize libcurl");
	}
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->o.max_active);
	*out = c;
	return 0;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->pending_nr; i++) {
		struct req_priv *p = c->pending[i]->priv_;

		if (p && p->easy)
			curl_multi_remove_handle(c->multi, p->easy);
	}
	free(c->pending);
	curl_multi_cleanup(c->multi);
	free(c->ca_bundle);
	free(c);
}

static double jitter(struct http_client *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return 0.5 + (double)(c->rng % 10000) / 10000.0; /* [0.5, 1.5) */
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct http_request *r = data;

	if (r->response.len + size * nmemb > 256UL * 1024 * 1024)
		return 0; /* 256 MB is not an answer we want */
	strbuf_add(&r->response, ptr, size * nmemb);
	return size * nmemb;
}

static void set_str(char **dst, const char *v, size_t len)
{
	while (len && isspace((unsigned char)*v)) {
		v++;
		len--;
	}
	while (len && isspace((unsigned char)v[len - 1]))
		len--;
	free(*dst);
	*dst = xstrndup(v, len);
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct http_request *r = data;
	struct req_priv *p = r->priv_;
	size_t len = size * nmemb, nlen;
	const char *colon;

	if (len >= 5 && !strncmp(ptr, "HTTP/", 5)) {
		/* a new response (after 100 Continue, too): forget the last one */
		p->retry_after_ms = -1;
		strbuf_reset(&r->response);
		return len;
	}
	colon = memchr(ptr, ':', len);
	if (!colon)
		return len;
	nlen = colon - ptr;
	colon++;
#define IS(name) (nlen == strlen(name) && !strncasecmp(ptr, name, nlen))
	if (IS("location")) {
		set_str(&r->location, colon, len - (colon - ptr));
	} else if (IS("etag")) {
		set_str(&r->etag, colon, len - (colon - ptr));
	} else if (IS("x-ms-request-id")) {
		set_str(&r->request_id, colon, len - (colon - ptr));
	} else if (IS("retry-after")) {
		char *v = NULL;
		long s;

		set_str(&v, colon, len - (colon - ptr));
		s = http_parse_retry_after(v, time(NULL));
		p->retry_after_ms = s < 0 ? -1 : s * 1000;
		free(v);
	} else if (IS("retry-after-ms") || IS("x-ms-retry-after-ms")) {
		long ms = strtol(colon, NULL, 10);

		if (ms >= 0)
			p->retry_after_ms = ms;
	}
#undef IS
	return len;
}

static void finish(struct http_client *c, struct http_request *r, int result)
{
	struct req_priv *p = r->priv_;

	r->result = result;
	r->elapsed_ms = now_ms() - p->start;
	if (result && !r->error_text) {
		struct strbuf sb = STRBUF_INIT;

		http_error_describe(&r->error, &sb);
		r->error_text = strbuf_detach(&sb, NULL);
	}
	for (size_t i = 0; i < c->pending_nr; i++) {
		if (c->pending[i] == r) {
			memmove(c->pending + i, c->pending + i + 1,
				(c->pending_nr - i - 1) * sizeof(*c->pending));
			c->pending_nr--;
			break;
		}
	}
	priv_free(p);
	r->priv_ = NULL;
	if (r->done_fn)
		r->done_fn(r, r->data);
}

static void fail(struct http_client *c, struct http_request *r, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
static void fail(struct http_client *c, struct http_request *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(r->error_text);
	r->error_text = strbuf_detach(&sb, NULL);
	finish(c, r, -1);
}

int http_client_add(struct http_client *c, struct http_request *r)
{
	struct req_priv *p;

	if (http_url_allowed(r->url, r->flags))
		return -1;
	p = xcalloc(1, sizeof(*p));
	p->c = c;
	p->state = RS_WAITING;
	p->cur_url = xstrdup(r->url);
	p->start = now_ms();
	p->deadline = p->start + c->o.deadline_ms;
	p->wake_at = p->start;
	p->retry_after_ms = -1;
	r->priv_ = p;
	r->result = 0;
	r->status = 0;
	r->polls = 0;
	r->attempts = 0;
	ALLOC_GROW(c->pending, c->pending_nr + 1, c->pending_alloc);
	c->pending[c->pending_nr++] = r;
	return 0;
}

static int start_attempt(struct http_client *c, struct http_request *r)
{
	struct req_priv *p = r->priv_;
	CURL *e;
	const char *method = p->polling ? "GET" : r->method;
	long timeout = c->o.timeout_ms, left = (long)(p->deadline - now_ms());
	char idbuf[64];

	if (p->easy) {
		curl_easy_reset(p->easy);
	} else {
		p->easy = curl_easy_init();
		if (!p->easy) {
			fail(c, r, "cannot create a curl handle");
			return -1;
		}
	}
	e = p->easy;
	curl_slist_free_all(p->hdrs);
	p->hdrs = NULL;
	if (r->audience) {
		char *token = NULL;
		struct strbuf h = STRBUF_INIT;

		if (!c->o.token_fn) {
			fail(c, r, "no credential to reach '%s'", r->audience);
			return -1;
		}
		if (c->o.token_fn(c->o.token_data, r->audience, p->force_token, &token)) {
			fail(c, r, "cannot get a token for '%s': %s", r->audience, last_error());
			return -1;
		}
		p->force_token = 0;
		strbuf_addf(&h, "Authorization: Bearer %s", token);
		p->hdrs = curl_slist_append(p->hdrs, h.buf);
		memset(h.buf, 0, h.len);
		strbuf_release(&h);
		memset(token, 0, strlen(token));
		free(token);
	}
	p->hdrs = curl_slist_append(p->hdrs, "Accept: application/json");
	p->hdrs = curl_slist_append(p->hdrs, "Expect:");
	snprintf(idbuf, sizeof(idbuf), "x-ms-client-request-id: %08lx-%04lx-4%03lx-a%03lx-%012lx",
		 c->rng & 0xffffffffUL, (c->rng >> 5) & 0xffff, (unsigned long)(now_ms()) & 0xfff,
		 (c->rng >> 9) & 0xfff, ((unsigned long)p ^ (unsigned long)r->attempts) & 0xffffffffffffUL);
	jitter(c);
	p->hdrs = curl_slist_append(p->hdrs, idbuf);
	if (!p->polling) {
		if (r->content_type) {
			struct strbuf h = STRBUF_INIT;

			strbuf_addf(&h, "Content-Type: %s", r->content_type);
			p->hdrs = curl_slist_append(p->hdrs, h.buf);
			strbuf_release(&h);
		}
		for (size_t i = 0; i < r->headers_nr; i++)
			p->hdrs = curl_slist_append(p->hdrs, r->headers[i]);
	}
	curl_easy_setopt(e, CURLOPT_URL, p->cur_url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, p->hdrs);
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->o.user_agent);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_bundle)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_bundle);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
	if (left < timeout)
		timeout = left > 1 ? left : 1;
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, p->errbuf);
	p->errbuf[0] = '\0';
	if (!strcmp(method, "GET")) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(method, "DELETE") && !r->body.len) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
	} else {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body.buf);
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	}
	strbuf_reset(&r->response);
	p->retry_after_ms = -1;
	r->attempts++;
	p->attempt_start = now_ms();
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		fail(c, r, "cannot start a transfer");
		return -1;
	}
	p->state = RS_ACTIVE;
	c->active++;
	return 0;
}

static int transient_curl_error(CURLcode res)
{
	switch (res) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_COULDNT_RESOLVE_HOST:
		return 1;
	default:
		return 0;
	}
}

static int retryable_status(long status)
{
	return status == 408 || status == 429 || status == 500 || status == 502 ||
	       status == 503 || status == 504;
}

/* Schedule the next try; fails the request when out of tries or time. */
static void schedule_retry(struct http_client *c, struct http_request *r, const char *why)
{
	struct req_priv *p = r->priv_;
	double delay;

	if ((r->flags & HTTP_NO_RETRY) || p->retries >= c->o.max_retries) {
		fail(c, r, "%s (gave up after %d %s)", why, r->attempts,
		     r->attempts == 1 ? "try" : "tries");
		return;
	}
	if (p->retry_after_ms >= 0) {
		delay = p->retry_after_ms;
	} else {
		delay = c->o.retry_base_ms;
		for (int i = 0; i < p->retries && delay < c->o.retry_max_ms; i++)
			delay *= 2;
		delay *= jitter(c);
	}
	if (delay > c->o.retry_max_ms)
		delay = c->o.retry_max_ms;
	p->retries++;
	if (now_ms() + delay >= p->deadline) {
		fail(c, r, "%s (no time left to retry: deadline of %ld s)", why,
		     c->o.deadline_ms / 1000);
		return;
	}
	vlog(c, "retrying in %.0f ms: %s", delay, why);
	p->wake_at = now_ms() + delay;
	p->state = RS_WAITING;
}

static char *query_param(const char *url, const char *name)
{
	const char *q = strchr(url, '?');
	size_t n = strlen(name);

	while (q) {
		q++;
		if (!strncmp(q, name, n) && q[n] == '=') {
			const char *v = q + n + 1;

			return xstrndup(v, strcspn(v, "&#"));
		}
		q = strchr(q, '&');
	}
	return NULL;
}

/* Where to poll when a 202 has no Location: {base}/{poll_path}/{operationId}. */
static char *built_poll_url(struct http_request *r)
{
	json_t *root = json_loadb(r->response.buf, r->response.len, 0, NULL);
	const char *op = json_string_value(json_object_get(root, "operationId"));
	char *ret = NULL, *api = NULL;
	struct strbuf sb = STRBUF_INIT;
	const char *path, *q;
	size_t drop = strcmp(r->method, "POST") ? 2 : 3, end;

	if (!op || !r->poll_path)
		goto cleanup;
	path = strstr(r->url, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	if (!path)
		goto cleanup;
	q = strchr(path, '?');
	end = q ? (size_t)(q - r->url) : strlen(r->url);
	while (drop-- && end > (size_t)(path - r->url)) {
		while (end > (size_t)(path - r->url) && r->url[end - 1] != '/')
			end--;
		if (end > (size_t)(path - r->url))
			end--;
	}
	api = query_param(r->url, "api-version");
	strbuf_add(&sb, r->url, end);
	strbuf_addf(&sb, "/%s/%s", r->poll_path, op);
	if (api)
		strbuf_addf(&sb, "?api-version=%s", api);
	ret = strbuf_detach(&sb, NULL);
cleanup:
	free(api);
	json_decref(root);
	return ret;
}

static long poll_delay(struct http_client *c, struct req_priv *p)
{
	long d = p->retry_after_ms >= 0 ? p->retry_after_ms : c->o.poll_default_ms;

	return d > c->o.poll_max_ms ? c->o.poll_max_ms : d;
}

static void schedule_poll(struct http_client *c, struct http_request *r)
{
	struct req_priv *p = r->priv_;
	long d = poll_delay(c, p);

	if (now_ms() + d >= p->deadline) {
		fail(c, r, "operation still running after %ld s: gave up polling '%s'",
		     c->o.deadline_ms / 1000, p->cur_url);
		return;
	}
	r->polls++;
	p->retries = 0;
	p->wake_at = now_ms() + d;
	p->state = RS_WAITING;
}

static const char *body_status(json_t *root)
{
	return json_string_value(json_object_get(root, "status"));
}

static void on_done(struct http_client *c, struct http_request *r, CURLcode res)
{
	struct req_priv *p = r->priv_;
	long status = 0;
	char *shown;

	curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(c->multi, p->easy);
	c->active--;
	r->status = status;
	if (c->o.log_fn) {
		shown = http_redact_url(p->cur_url);
		if (res != CURLE_OK)
			vlog(c, "%s %s -> %s (%.1f ms)", p->polling ? "GET" : r->method, shown,
			     curl_easy_strerror(res), now_ms() - p->attempt_start);
		else
			vlog(c, "%s %s -> %ld (%.1f ms%s%s)", p->polling ? "GET" : r->method, shown,
			     status, now_ms() - p->attempt_start,
			     r->request_id ? ", request id " : "", r->request_id ? r->request_id : "");
		free(shown);
	}

	if (res != CURLE_OK) {
		struct strbuf why = STRBUF_INIT;

		shown = http_redact_url(p->cur_url);
		strbuf_addf(&why, "cannot reach '%s': %s", shown,
			    p->errbuf[0] ? p->errbuf : curl_easy_strerror(res));
		free(shown);
		http_error_release(&r->error);
		if (transient_curl_error(res))
			schedule_retry(c, r, why.buf);
		else
			fail(c, r, "%s", why.buf);
		strbuf_release(&why);
		return;
	}
	free(r->error.request_id);
	r->error.request_id = r->request_id ? xstrdup(r->request_id) : NULL;

	if (status == 401 && r->audience && !p->refreshed) {
		p->refreshed = 1;
		p->force_token = 1;
		vlog(c, "401: getting a fresh token and trying once more");
		p->wake_at = now_ms();
		p->state = RS_WAITING;
		return;
	}
	if (retryable_status(status)) {
		struct strbuf why = STRBUF_INIT;

		http_error_parse(&r->error, status, r->response.buf, r->response.len);
		http_error_describe(&r->error, &why);
		schedule_retry(c, r, why.buf);
		strbuf_release(&why);
		return;
	}
	if (status < 200 || status >= 400 || (status >= 300 && status != 304)) {
		http_error_parse(&r->error, status, r->response.buf, r->response.len);
		finish(c, r, -1);
		return;
	}
	if (!(r->flags & HTTP_LRO)) {
		finish(c, r, 0);
		return;
	}
	if (!p->polling) {
		char *loc;

		if (status != 202) {
			finish(c, r, 0);
			return;
		}
		loc = r->location ? xstrdup(r->location) : built_poll_url(r);
		if (!loc) {
			finish(c, r, 0); /* accepted, and nothing to poll */
			return;
		}
		if (http_url_allowed(loc, r->flags)) {
			fail(c, r, "cannot follow the operation: %s", last_error());
			free(loc);
			return;
		}
		free(p->cur_url);
		p->cur_url = loc;
		p->polling = 1;
		schedule_poll(c, r);
		return;
	}
	if (status == 202) {
		schedule_poll(c, r);
		return;
	} else {
		json_t *root = r->response.len ?
			json_loadb(r->response.buf, r->response.len, 0, NULL) : NULL;
		const char *st = body_status(root);

		if (st && (!strcasecmp(st, "InProgress") || !strcasecmp(st, "Accepted") ||
			   !strcasecmp(st, "Running") || !strcasecmp(st, "Queued"))) {
			json_decref(root);
			schedule_poll(c, r);
			return;
		}
		if (st && (!strcasecmp(st, "Failed") || !strcasecmp(st, "Canceled") ||
			   !strcasecmp(st, "Cancelled"))) {
			json_decref(root);
			http_error_parse(&r->error, status, r->response.buf, r->response.len);
			if (!r->error.code)
				r->error.code = xstrdup(st);
			if (!r->error.message)
				r->error.message = xstrdup("the operation failed and gave no reason");
			finish(c, r, -1);
			return;
		}
		json_decref(root);
		finish(c, r, 0);
	}
}

/* Handle every finished transfer; returns how many there were. */
static int drain(struct http_client *c)
{
	int msgs, n = 0;
	CURLMsg *m;

	while ((m = curl_multi_info_read(c->multi, &msgs))) {
		struct http_request *r = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (r) {
			on_done(c, r, m->data.result);
			n++;
		}
	}
	return n;
}

int http_client_step(struct http_client *c, long max_wait_ms)
{
	double now = now_ms(), next_wake = -1;
	long timeout, curl_to = -1;
	int running;

	/* start what is due, in queue order */
	for (size_t i = 0; i < c->pending_nr; i++) {
		struct http_request *r = c->pending[i];
		struct req_priv *p = r->priv_;

		if (p->state != RS_WAITING)
			continue;
		if (p->wake_at <= now && c->active < c->o.max_active) {
			size_t before = c->pending_nr;

			if (start_attempt(c, r) && c->pending_nr < before)
				i--; /* failed and removed */
			continue;
		}
		if (p->wake_at > now && (next_wake < 0 || p->wake_at < next_wake))
			next_wake = p->wake_at;
	}
	if (!c->pending_nr)
		return 0;

	curl_multi_perform(c->multi, &running);
	if (drain(c))
		return (int)c->pending_nr; /* something finished: no waiting */
	timeout = max_wait_ms;
	curl_multi_timeout(c->multi, &curl_to);
	if (curl_to >= 0 && curl_to < timeout)
		timeout = curl_to;
	if (next_wake >= 0 && next_wake - now < timeout)
		timeout = (long)(next_wake - now) + 1;
	if (timeout < 0)
		timeout = 0;
	if (c->active)
		curl_multi_poll(c->multi, NULL, 0, (int)timeout, NULL);
	else if (timeout > 0)
		usleep((useconds_t)timeout * 1000);
	curl_multi_perform(c->multi, &running);
	drain(c);
	return (int)c->pending_nr;
}

void http_client_run(struct http_client *c)
{
	while (http_client_step(c, 1000) > 0)
		;
}

int http_perform(struct http_client *c, struct http_request *r)
{
	if (http_client_add(c, r)) {
		free(r->error_text);
		r->error_text = xstrdup(last_error());
		r->result = -1;
		return -1;
	}
	while (r->priv_)
		http_client_step(c, 1000);
	if (r->result)
		return set_error("%s", r->error_text ? r->error_text : "request failed");
	return 0;
}

int http_get_list(struct http_client *c, const char *url, const char *audience, void **items)
{
	json_t *all = *items ? (json_t *)*items : json_array();
	char *next = xstrdup(url);
	int ret = 0, pages = 0;

	*items = all;
	while (next && *next) {
		struct http_request r;
		json_t *root, *value, *nl;
		size_t i;
		json_t *v;

		if (++pages > 100000) {
			ret = set_error("list '%s' does not end", url);
			break;
		}
		http_request_init(&r, "GET", next);
		r.audience = audience;
		free(next);
		next = NULL;
		if (http_perform(c, &r)) {
			http_request_release(&r);
			ret = -1;
			break;
		}
		root = json_loadb(r.response.buf, r.response.len, 0, NULL);
		value = json_object_get(root, "value");
		if (!json_is_array(value)) {
			json_decref(root);
			http_request_release(&r);
			ret = set_error("list '%s': the answer has no \"value\" array", url);
			break;
		}
		json_array_foreach(value, i, v)
			json_array_append(all, v);
		nl = json_object_get(root, "nextLink");
		if (json_is_string(nl) && *json_string_value(nl))
			next = xstrdup(json_string_value(nl));
		json_decref(root);
		http_request_release(&r);
	}
	free(next);
	return ret;
}
