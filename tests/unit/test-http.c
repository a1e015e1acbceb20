/*
 * Unit tests of the HTTP client: error shapes, Retry-After, URL rules,
 * and every fault of an in-process emulator (retries, 401 refresh, failed
 * operations, deadlines, many requests at once, no token in the log).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "emulator.h"
#include "http.h"
#include "usage.h"
#include <jansson.h>

static void error_shapes_are_parsed(void **state)
{
	struct http_error e = HTTP_ERROR_INIT;
	const char *wrapped = "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"no rights\"}}";
	const char *unwrapped = "{\"code\":\"TriggerNotFound\",\"message\":\"gone\"}";
	const char *notebook = "{\"code\":404,\"message\":\"Failed\",\"result\":null,\"error\":\"GetNotebook failed\"}";
	const char *lro = "{\"status\":\"Failed\",\"error\":{\"code\":\"TriggerEnabledCannotUpdate\",\"message\":\"m\"}}";
	const char *aad = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: bad\\r\\nTrace ID: x\",\"trace_id\":\"t1\"}";

	(void)state;
	http_error_parse(&e, 403, wrapped, strlen(wrapped));
	assert_string_equal(e.code, "Unauthorized");
	assert_string_equal(e.message, "no rights");
	http_error_parse(&e, 404, unwrapped, strlen(unwrapped));
	assert_string_equal(e.code, "TriggerNotFound");
	http_error_parse(&e, 404, notebook, strlen(notebook));
	assert_string_equal(e.code, "404");
	assert_string_equal(e.message, "Failed");
	http_error_parse(&e, 200, lro, strlen(lro));
	assert_string_equal(e.code, "TriggerEnabledCannotUpdate");
	http_error_parse(&e, 401, aad, strlen(aad));
	assert_string_equal(e.code, "invalid_client");
	assert_string_equal(e.message, "AADSTS7000215: bad");
	http_error_parse(&e, 400, "<html>Bad\r\nRequest</html>", 25);
	assert_null(e.code);
	assert_string_equal(e.message, "<html>Bad  Request</html>");
	http_error_release(&e);
}

static void retry_after_and_urls(void **state)
{
	char *r;

	(void)state;
	assert_int_equal(http_parse_retry_after("10", 0), 10);
	assert_int_equal(http_parse_retry_after(" 0 ", 0), 0);
	assert_int_equal(http_parse_retry_after("soon", 0), -1);
	assert_int_equal(http_parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", 40), 60);
	assert_int_equal(http_url_allowed("https://x.dev.azuresynapse.net/p", 0), 0);
	assert_int_equal(http_url_allowed("http://127.0.0.1:9/p", 0), 0);
	assert_int_equal(http_url_allowed("http://localhost/p", 0), 0);
	assert_int_equal(http_url_allowed("http://x.dev.azuresynapse.net/p", 0), -1);
	assert_int_equal(http_url_allowed("http://169.254.169.254/m", 0), -1);
	assert_int_equal(http_url_allowed("http://169.254.169.254/m", HTTP_ALLOW_LINK_LOCAL), 0);
	assert_int_equal(http_url_allowed("ftp://x/", 0), -1);
	r = http_redact_url("https://u:p@h/x?sig=abc&api-version=1&client_secret=s");
	assert_string_equal(r, "https://h/x?sig=REDACTED&api-version=1&client_secret=REDACTED");
	free(r);
}

static void expiry_formats(void **state)
{
	(void)state;
	assert_int_equal((long)auth_parse_expiry("1700000000"), 1700000000L);
	assert_int_equal((long)auth_parse_expiry("06/20/2019 02:57:58 +00:00"), 1560999478L);
	assert_int_equal((long)auth_parse_expiry("bad"), -1);
}

/* ---- against an in-process emulator ---- */

struct fixture {
	struct emulator *em;
	char base[128];
	struct auth auth;
	struct http_client *c;
	struct strbuf log;
};

static void collect_log(void *data, const char *line)
{
	struct strbuf *sb = data;

	strbuf_addstr(sb, line);
	strbuf_addch(sb, '\n');
}

static struct fixture *start(const char **faults)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct emulator_options o;
	struct http_options ho = HTTP_OPTIONS_INIT;
	char authority[128];

	memset(&o, 0, sizeof(o));
	o.poll_count = 2;
	o.retry_after = 0;
	o.page_size = 3;
	o.faults = faults;
	o.seed = 42;
	if (emulator_start(&f->em, &o))
		fail_msg("%s", last_error());
	snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%d/ws1", emulator_port(f->em));
	snprintf(authority, sizeof(authority), "http://127.0.0.1:%d/", emulator_port(f->em));
	setenv("AZURE_AUTHORITY_HOST", authority, 1);
	setenv("AZURE_TENANT_ID", EMULATOR_DEFAULT_TENANT, 1);
	setenv("AZURE_CLIENT_ID", EMULATOR_DEFAULT_CLIENT_ID, 1);
	setenv("AZURE_CLIENT_SECRET", EMULATOR_DEFAULT_CLIENT_SECRET, 1);
	strbuf_init(&f->log, 0);
	ho.log_fn = collect_log;
	ho.log_data = &f->log;
	ho.retry_base_ms = 10;
	ho.retry_max_ms = 200;
	ho.timeout_ms = 1000;
	ho.deadline_ms = 8000;
	ho.poll_max_ms = 0;
	assert_int_equal(auth_init(&f->auth, "env", NULL, &ho), 0);
	ho.token_fn = auth_token_fn;
	ho.token_data = &f->auth;
	assert_int_equal(http_client_init(&f->c, &ho), 0);
	return f;
}

static void stop(struct fixture *f)
{
	const char *tok;

	/* no token ever reaches the log */
	if (!auth_get_token(&f->auth, "https://dev.azuresynapse.net", 0, &tok, NULL))
		assert_null(strstr(f->log.buf, tok));
	assert_null(strstr(f->log.buf, EMULATOR_DEFAULT_CLIENT_SECRET));
	assert_null(strstr(f->log.buf, "Bearer"));
	http_client_free(f->c);
	auth_release(&f->auth);
	emulator_stop(f->em);
	strbuf_release(&f->log);
	free(f);
}

static int put(struct fixture *f, const char *path, const char *body, struct http_request *r)
{
	char url[256];

	snprintf(url, sizeof(url), "%s/%s?api-version=2020-12-01", f->base, path);
	http_request_init(r, "PUT", url);
	http_request_set_json(r, body, strlen(body));
	r->flags = HTTP_LRO;
	r->audience = "https://dev.azuresynapse.net";
	r->poll_path = "operationResults";
	return http_perform(f->c, r);
}

static void lro_is_polled_to_the_end(void **state)
{
	struct fixture *f = start(NULL);
	struct http_request r;

	(void)state;
	assert_int_equal(put(f, "pipelines/P1", "{\"properties\":{}}", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.polls, 3);
	assert_non_null(strstr(r.response.buf, "\"lastPublishTime\""));
	http_request_release(&r);
	stop(f);
}

static void failed_operation_is_an_error(void **state)
{
	struct fixture *f = start(NULL);
	struct http_request r;

	(void)state;
	assert_int_equal(put(f, "datasets/D", "{\"properties\":{\"linkedServiceName\":{\"referenceName\":\"X\",\"type\":\"LinkedServiceReference\"}}}", &r), -1);
	assert_string_equal(r.error.code, "BadRequest");
	assert_non_null(strstr(r.error_text, "invalid reference 'X'"));
	http_request_release(&r);
	stop(f);
}

static void transient_faults_are_retried(void **state)
{
	const char *faults[] = { "429:nth=1:after=0", "503:nth=2:after=0", "500:nth=3",
				 "drop:nth=4", "expire:nth=5", "slow:nth=6:ms=1500", NULL };
	struct fixture *f = start(faults);
	struct http_request r;

	(void)state;
	assert_int_equal(put(f, "pipelines/P2", "{\"properties\":{}}", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(f->log.buf, "retrying"));
	assert_non_null(strstr(f->log.buf, "fresh token"));
	http_request_release(&r);
	stop(f);
}

static void permanent_errors_stop_at_once(void **state)
{
	const char *faults[] = { "403:nth=1", NULL };
	struct fixture *f = start(faults);
	struct http_request r;

	(void)state;
	assert_int_equal(put(f, "pipelines/P3", "{\"properties\":{}}", &r), -1);
	assert_int_equal(r.status, 403);
	assert_int_equal(r.attempts, 1);
	http_request_release(&r);
	stop(f);
}

static void endless_faults_end_within_the_retries(void **state)
{
	const char *faults[] = { "503:after=0", NULL };
	struct fixture *f = start(faults);
	struct http_request r;
	time_t t0 = time(NULL);

	(void)state;
	assert_int_equal(put(f, "pipelines/P4", "{\"properties\":{}}", &r), -1);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(r.error_text, "gave up"));
	assert_true(time(NULL) - t0 < 8);
	http_request_release(&r);
	stop(f);
}

static void lro_fail_fault_is_reported(void **state)
{
	const char *faults[] = { "lro-fail:nth=1", NULL };
	struct fixture *f = start(faults);
	struct http_request r;

	(void)state;
	assert_int_equal(put(f, "pipelines/P5", "{\"properties\":{}}", &r), -1);
	assert_string_equal(r.error.code, "InternalServerError");
	http_request_release(&r);
	stop(f);
}

struct counter {
	int ok, failed;
};

static void count_done(struct http_request *r, void *data)
{
	struct counter *c = data;

	if (r->result) {
		fprintf(stderr, "failed: %s\n", r->error_text);
		c->failed++;
	}
	else
		c->ok++;
}

static void many_requests_in_flight(void **state)
{
	const char *faults[] = { "429:rate=0.2:after=0", NULL };
	struct fixture *f = start(faults);
	struct http_request reqs[40];
	struct counter cnt = { 0, 0 };
	void *items = NULL;
	char url[256];

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(url, sizeof(url), "%s/notebooks/N%d?api-version=2020-12-01", f->base, i);
		http_request_init(&reqs[i], "PUT", url);
		http_request_set_json(&reqs[i], "{\"properties\":{}}", 17);
		reqs[i].flags = HTTP_LRO;
		reqs[i].audience = "https://dev.azuresynapse.net";
		reqs[i].done_fn = count_done;
		reqs[i].data = &cnt;
		assert_int_equal(http_client_add(f->c, &reqs[i]), 0);
	}
	http_client_run(f->c);
	assert_int_equal(cnt.ok, 40);
	assert_int_equal(cnt.failed, 0);
	for (int i = 0; i < 40; i++)
		http_request_release(&reqs[i]);
	snprintf(url, sizeof(url), "%s/notebooks?api-version=2020-12-01", f->base);
	assert_int_equal(http_get_list(f->c, url, "https://dev.azuresynapse.net", &items), 0);
	if (json_array_size(items) != 40)
		fprintf(stderr, "%s\n", f->log.buf);
	assert_int_equal(json_array_size(items), 40);
	json_decref(items);
	stop(f);
}

static void plain_http_elsewhere_is_refused(void **state)
{
	struct http_client *c;
	struct http_request r;

	(void)state;
	assert_int_equal(http_client_init(&c, NULL), 0);
	http_request_init(&r, "GET", "http://example.com/x");
	assert_int_equal(http_perform(c, &r), -1);
	assert_non_null(strstr(last_error(), "refusing plain http"));
	http_request_release(&r);
	http_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(error_shapes_are_parsed),
		cmocka_unit_test(retry_after_and_urls),
		cmocka_unit_test(expiry_formats),
		cmocka_unit_test(lro_is_polled_to_the_end),
		cmocka_unit_test(failed_operation_is_an_error),
		cmocka_unit_test(transient_faults_are_retried),
		cmocka_unit_test(permanent_errors_stop_at_once),
		cmocka_unit_test(endless_faults_end_within_the_retries),
		cmocka_unit_test(lro_fail_fault_is_reported),
		cmocka_unit_test(many_requests_in_flight),
		cmocka_unit_test(plain_http_elsewhere_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
