/*
 * Azure AD tokens: environment, federated token file, managed identity,
 * Azure CLI. See auth.h.
 */
#include "auth.h"
#include "base64.h"
#include "config.h"
#include "usage.h"

#include <curl/curl.h>
#include <jansson.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct cloud clouds[] = {
	{ "public", "dev.azuresynapse.net", "https://dev.azuresynapse.net",
	  "https://login.microsoftonline.com/", "https://management.azure.com/" },
	{ "china", "dev.azuresynapse.azure.cn", "https://dev.azuresynapse.azure.cn",
	  "https://login.chinacloudapi.cn/", "https://management.chinacloudapi.cn/" },
	{ "usgov", "dev.azuresynapse.usgovcloudapi.net", "https://dev.azuresynapse.usgovcloudapi.net",
	  "https://login.microsoftonline.us/", "https://management.usgovcloudapi.net/" },
};

const struct cloud *cloud_by_name(const char *name)
{
	if (!name || !*name)
		return &clouds[0];
	for (size_t i = 0; i < ARRAY_SIZE(clouds); i++)
		if (!strcasecmp(clouds[i].name, name))
			return &clouds[i];
	if (!strcasecmp(name, "AzureCloud") || !strcasecmp(name, "azurepubliccloud"))
		return &clouds[0];
	if (!strcasecmp(name, "AzureChinaCloud"))
		return &clouds[1];
	if (!strcasecmp(name, "AzureUSGovernment"))
		return &clouds[2];
	return NULL;
}

char *cloud_workspace_endpoint(const struct cloud *cloud, const char *workspace)
{
	return xstrfmt("https://%s.%s", workspace, cloud->dns_suffix);
}

const char *auth_source_name(enum auth_source s)
{
	switch (s) {
	case AUTH_SOURCE_ENV: return "environment (client secret)";
	case AUTH_SOURCE_FEDERATED: return "federated token file";
	case AUTH_SOURCE_APP_SERVICE: return "managed identity (App Service)";
	case AUTH_SOURCE_MSI_LEGACY: return "managed identity (MSI_ENDPOINT)";
	case AUTH_SOURCE_IMDS: return "managed identity (IMDS)";
	case AUTH_SOURCE_CLI: return "Azure CLI";
	default: return "none";
	}
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int auth_init(struct auth *a, const char *mode, const char *cloud,
	      const struct http_options *http_opts)
{
	const char *host;
	static const char *const modes[] = { "default", "env", "federated", "msi", "cli", NULL };
	int ok = 0;

	memset(a, 0, sizeof(*a));
	if (!mode || !*mode)
		mode = "default";
	for (size_t i = 0; modes[i]; i++)
		if (!strcmp(modes[i], mode))
			ok = 1;
	if (!ok)
		return set_error("unknown auth '%s': expected default, env, federated, msi or cli", mode);
	a->cloud = cloud_by_name(cloud);
	if (!a->cloud)
		return set_error("unknown cloud '%s': expected public, china or usgov", cloud);
	a->mode = xstrdup(mode);
	host = env("AZURE_AUTHORITY_HOST");
	if (!host)
		host = a->cloud->authority;
	a->authority = xstrfmt("%s%s", host, host[strlen(host) - 1] == '/' ? "" : "/");
	if (http_opts) {
		a->http_opts = *http_opts;
	} else {
		struct http_options def = HTTP_OPTIONS_INIT;

		a->http_opts = def;
	}
	a->http_opts.token_fn = NULL;
	if (env("AZURE_TENANT_ID"))
		a->tenant = xstrdup(env("AZURE_TENANT_ID"));
	if (env("AZURE_CLIENT_ID"))
		a->client_id = xstrdup(env("AZURE_CLIENT_ID"));
	return 0;
}

void auth_release(struct auth *a)
{
	for (size_t i = 0; i < a->tokens_nr; i++) {
		free(a->tokens[i].audience);
		if (a->tokens[i].token) {
			memset(a->tokens[i].token, 0, strlen(a->tokens[i].token));
			free(a->tokens[i].token);
		}
	}
	free(a->tokens);
	free(a->mode);
	free(a->authority);
	free(a->tenant);
	free(a->client_id);
	free(a->principal);
	http_client_free(a->http);
	memset(a, 0, sizeof(*a));
}

long auth_refresh_margin(const struct auth_token *t)
{
	long life = (long)(t->expires_on - t->obtained);
	long m = life / 4;

	return m > 300 ? 300 : m < 0 ? 0 : m;
}

static int days_from_civil(int y, int m, int d)
{
	/* days since 1970-01-01 of a proleptic Gregorian date */
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

time_t auth_parse_expiry(const char *s)
{
	int Y, M, D, h, mi, sec, n = 0, oh = 0, om = 0;
	char sign = '+';
	char *end;
	long long v;

	if (!s)
		return (time_t)-1;
	while (isspace((unsigned char)*s))
		s++;
	v = strtoll(s, &end, 10);
	if (end != s && !*end)
		return (time_t)v;
	/* legacy App Service: "06/20/2019 02:57:58 +00:00" */
	if (sscanf(s, "%d/%d/%d %d:%d:%d %c%d:%d%n", &M, &D, &Y, &h, &mi, &sec,
		   &sign, &oh, &om, &n) == 9 && n) {
		long long t = (long long)days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + sec;
		long long off = oh * 3600 + om * 60;

		return (time_t)(sign == '-' ? t + off : t - off);
	}
	/* the CLI's expiresOn, in local time: "2023-10-31 21:59:10.000000" */
	if (sscanf(s, "%d-%d-%d %d:%d:%d", &Y, &M, &D, &h, &mi, &sec) == 6) {
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		tm.tm_year = Y - 1900;
		tm.tm_mon = M - 1;
		tm.tm_mday = D;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = sec;
		tm.tm_isdst = -1;
		return mktime(&tm);
	}
	return (time_t)-1;
}

void *auth_jwt_claims(const char *token)
{
	const char *p = token ? strchr(token, '.') : NULL, *e;
	struct strbuf sb = STRBUF_INIT;
	json_t *ret;

	if (!p)
		return NULL;
	p++;
	e = strchr(p, '.');
	if (!e)
		return NULL;
	if (base64_decode(&sb, p, (size_t)(e - p)) < 0) {
		strbuf_release(&sb);
		return NULL;
	}
	ret = json_loadb(sb.buf, sb.len, 0, NULL);
	strbuf_release(&sb);
	if (!json_is_object(ret)) {
		json_decref(ret);
		return NULL;
	}
	return ret;
}

static struct http_client *client(struct auth *a)
{
	if (!a->http && http_client_init(&a->http, &a->http_opts))
		return NULL;
	return a->http;
}

static char *escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *ret = xstrdup(e ? e : "");

	curl_free(e);
	return ret;
}

static char *scope_of(const char *audience)
{
	size_t n = strlen(audience);

	if (n > 9 && !strcmp(audience + n - 9, "/.default"))
		return xstrdup(audience);
	return xstrfmt("%s%s.default", audience, audience[n - 1] == '/' ? "" : "/");
}

static char *resource_of(const char *audience)
{
	size_t n = strlen(audience);

	if (n > 9 && !strcmp(audience + n - 9, "/.default"))
		return xstrndup(audience, n - 9);
	return xstrdup(audience);
}

static time_t json_time(json_t *v)
{
	if (json_is_integer(v))
		return (time_t)json_integer_value(v);
	if (json_is_real(v))
		return (time_t)json_real_value(v);
	if (json_is_string(v))
		return auth_parse_expiry(json_string_value(v));
	return (time_t)-1;
}

/* Take access_token and its expiry out of a token service's answer. */
static int take_token(struct auth *a, const char *body, size_t len, const char *what,
		      char **token, time_t *exp)
{
	json_t *root = json_loadb(body, len, 0, NULL);
	json_t *tok = json_object_get(root, "access_token");
	time_t t, now = time(NULL);
	int ret = 0;

	if (!tok)
		tok = json_object_get(root, "accessToken");
	if (!json_is_string(tok) || !*json_string_value(tok)) {
		ret = set_error("%s gave no access token", what);
		goto cleanup;
	}
	t = json_time(json_object_get(root, "expires_on"));
	if (t == (time_t)-1) {
		time_t in = json_time(json_object_get(root, "expires_in"));

		if (in != (time_t)-1)
			t = now + in;
	}
	if (t == (time_t)-1)
		t = json_time(json_object_get(root, "expiresOn"));
	if (t == (time_t)-1)
		t = now + 300; /* unknown: keep it briefly */
	*exp = t;
	*token = xstrdup(json_string_value(tok));
	if (!a->client_id && json_is_string(json_object_get(root, "client_id")))
		a->client_id = xstrdup(json_string_value(json_object_get(root, "client_id")));
	if (!a->tenant && json_is_string(json_object_get(root, "tenant")))
		a->tenant = xstrdup(json_string_value(json_object_get(root, "tenant")));
cleanup:
	json_decref(root);
	return ret;
}

static int request_failed(struct http_request *r, const char *what)
{
	if (r->error_text)
		return set_error("%s: %s", what, r->error_text);
	return set_error("%s failed", what);
}

static int aad_token(struct auth *a, const char *audience, int federated,
		     char **token, time_t *exp)
{
	struct http_client *c = client(a);
	struct http_request r;
	struct strbuf form = STRBUF_INIT, assertion = STRBUF_INIT;
	const char *secret = env("AZURE_CLIENT_SECRET"), *file = env("AZURE_FEDERATED_TOKEN_FILE");
	char *url = NULL, *scope = NULL, *e1 = NULL, *e2 = NULL;
	int ret = -1;

	if (!c)
		return -1;
	if (!a->tenant || !a->client_id)
		return set_error("AZURE_TENANT_ID and AZURE_CLIENT_ID must be set");
	if (federated) {
		if (!file)
			return set_error("AZURE_FEDERATED_TOKEN_FILE is not set");
		if (strbuf_read_file(&assertion, file, 0))
			return set_error("cannot read the federated token file '%s': %s", file,
					 strerror(errno));
		strbuf_rtrim(&assertion);
		if (!assertion.len) {
			strbuf_release(&assertion);
			return set_error("the federated token file '%s' is empty", file);
		}
	} else if (!secret) {
		return set_error("AZURE_CLIENT_SECRET is not set");
	}
	url = xstrfmt("%s%s/oauth2/v2.0/token", a->authority, a->tenant);
	scope = scope_of(audience);
	e1 = escape(a->client_id);
	e2 = escape(scope);
	strbuf_addf(&form, "grant_type=client_credentials&client_id=%s&scope=%s", e1, e2);
	free(e1);
	free(e2);
	if (federated) {
		e1 = escape(assertion.buf);
		strbuf_addf(&form, "&client_assertion_type=%s&client_assertion=%s",
			    "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer", e1);
	} else {
		e1 = escape(secret);
		strbuf_addf(&form, "&client_secret=%s", e1);
	}
	memset(e1, 0, strlen(e1));
	free(e1);
	http_request_init(&r, "POST", url);
	http_request_set_body(&r, "application/x-www-form-urlencoded", form.buf, form.len);
	memset(form.buf, 0, form.len);
	if (http_perform(c, &r))
		request_failed(&r, "Azure AD refused the token request");
	else
		ret = take_token(a, r.response.buf, r.response.len, "Azure AD", token, exp);
	memset(r.body.buf, 0, r.body.len);
	http_request_release(&r);
	strbuf_release(&form);
	if (assertion.len)
		memset(assertion.buf, 0, assertion.len);
	strbuf_release(&assertion);
	free(url);
	free(scope);
	return ret;
}

static int msi_token(struct auth *a, const char *audience, enum auth_source src, int probe,
		     char **token, time_t *exp)
{
	struct http_client *c = client(a), *own = NULL;
	struct http_request r;
	char *res = resource_of(audience), *eres = escape(res), *url, *cid = NULL;
	const char *base;
	int ret = -1;

	if (a->client_id)
		cid = escape(a->client_id);
	if (src == AUTH_SOURCE_APP_SERVICE) {
		base = env("IDENTITY_ENDPOINT");
		url = xstrfmt("%s%sapi-version=2019-08-01&resource=%s%s%s", base,
			      strchr(base, '?') ? "&" : "?", eres, cid ? "&client_id=" : "",
			      cid ? cid : "");
	} else if (src == AUTH_SOURCE_MSI_LEGACY) {
		base = env("MSI_ENDPOINT");
		url = xstrfmt("%s%sapi-version=2017-09-01&resource=%s%s%s", base,
			      strchr(base, '?') ? "&" : "?", eres, cid ? "&clientid=" : "",
			      cid ? cid : "");
	} else {
		base = env("AZURE_POD_IDENTITY_AUTHORITY_HOST");
		if (!base)
			base = "http://169.254.169.254";
		url = xstrfmt("%s%smetadata/identity/oauth2/token?api-version=2018-02-01&resource=%s%s%s",
			      base, base[strlen(base) - 1] == '/' ? "" : "/", eres,
			      cid ? "&client_id=" : "", cid ? cid : "");
	}
	if (probe) {
		struct http_options o = a->http_opts;

		o.connect_timeout_ms = 1000;
		o.timeout_ms = 3000;
		o.max_retries = 1;
		if (http_client_init(&own, &o))
			goto cleanup;
		c = own;
	}
	if (!c)
		goto cleanup;
	http_request_init(&r, "GET", url);
	r.flags = HTTP_ALLOW_LINK_LOCAL | (probe ? HTTP_NO_RETRY : 0);
	if (src == AUTH_SOURCE_APP_SERVICE)
		http_request_add_header(&r, "X-IDENTITY-HEADER: %s",
					env("IDENTITY_HEADER") ? env("IDENTITY_HEADER") : "");
	else if (src == AUTH_SOURCE_MSI_LEGACY)
		http_request_add_header(&r, "secret: %s", env("MSI_SECRET") ? env("MSI_SECRET") : "");
	else
		http_request_add_header(&r, "Metadata: true");
	if (http_perform(c, &r))
		request_failed(&r, "the managed identity endpoint refused the token request");
	else
		ret = take_token(a, r.response.buf, r.response.len, "the managed identity endpoint",
				 token, exp);
	for (size_t i = 0; i < r.headers_nr; i++)
		memset(r.headers[i], 0, strlen(r.headers[i]));
	http_request_release(&r);
cleanup:
	http_client_free(own);
	free(url);
	free(res);
	free(eres);
	free(cid);
	return ret;
}

static int cli_token(struct auth *a, const char *audience, char **token, time_t *exp)
{
	int out[2], errp[2], status;
	pid_t pid;
	struct strbuf sout = STRBUF_INIT, serr = STRBUF_INIT;
	char buf[4096], *res = resource_of(audience);
	const char *az = env("GIT_SYNAPSE_AZ") ? env("GIT_SYNAPSE_AZ") : "az";
	ssize_t n;
	int ret = -1;

	if (pipe(out))
		goto cleanup_res;
	if (pipe(errp)) {
		close(out[0]);
		close(out[1]);
		goto cleanup_res;
	}
	pid = fork();
	if (pid < 0) {
		close(out[0]);
		close(out[1]);
		close(errp[0]);
		close(errp[1]);
		set_error("cannot run '%s': %s", az, strerror(errno));
		goto cleanup_res;
	}
	if (!pid) {
		const char *argv[10];
		int i = 0;

		dup2(out[1], 1);
		dup2(errp[1], 2);
		close(out[0]);
		close(out[1]);
		close(errp[0]);
		close(errp[1]);
		argv[i++] = az;
		argv[i++] = "account";
		argv[i++] = "get-access-token";
		argv[i++] = "--resource";
		argv[i++] = res;
		argv[i++] = "--output";
		argv[i++] = "json";
		if (a->tenant) {
			argv[i++] = "--tenant";
			argv[i++] = a->tenant;
		}
		argv[i] = NULL;
		execvp(az, (char *const *)argv);
		fprintf(stderr, "cannot run '%s': %s\n", az, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(errp[1]);
	while ((n = read(out[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			strbuf_add(&sout, buf, n);
	while ((n = read(errp[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && serr.len < 4096)
			strbuf_add(&serr, buf, n);
	close(out[0]);
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char *line;

		strbuf_rtrim(&serr);
		line = serr.len ? strrchr(serr.buf, '\n') : NULL;
		set_error("the Azure CLI gave no token (exit %d)%s%s",
			  WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			  serr.len ? ": " : "", line ? line + 1 : serr.buf);
		goto cleanup;
	}
	ret = take_token(a, sout.buf, sout.len, "the Azure CLI", token, exp);
cleanup:
	if (sout.len)
		memset(sout.buf, 0, sout.len);
	strbuf_release(&sout);
	strbuf_release(&serr);
cleanup_res:
	free(res);
	return ret;
}

static int fetch(struct auth *a, const char *audience, char **token, time_t *exp)
{
	const char *m = a->mode;

	if (a->source != AUTH_SOURCE_NONE) {
		switch (a->source) {
		case AUTH_SOURCE_ENV: return aad_token(a, audience, 0, token, exp);
		case AUTH_SOURCE_FEDERATED: return aad_token(a, audience, 1, token, exp);
		case AUTH_SOURCE_CLI: return cli_token(a, audience, token, exp);
		default: return msi_token(a, audience, a->source, 0, token, exp);
		}
	}
	if (!strcmp(m, "env") || (!strcmp(m, "default") && env("AZURE_CLIENT_SECRET") &&
				  env("AZURE_TENANT_ID") && env("AZURE_CLIENT_ID"))) {
		a->source = AUTH_SOURCE_ENV;
		return fetch(a, audience, token, exp);
	}
	if (!strcmp(m, "federated") || (!strcmp(m, "default") && env("AZURE_FEDERATED_TOKEN_FILE") &&
					env("AZURE_TENANT_ID") && env("AZURE_CLIENT_ID"))) {
		a->source = AUTH_SOURCE_FEDERATED;
		return fetch(a, audience, token, exp);
	}
	if (!strcmp(m, "default") && env("AZURE_CLIENT_CERTIFICATE_PATH") && env("AZURE_TENANT_ID"))
		return set_error("AZURE_CLIENT_CERTIFICATE_PATH is set, but certificate credentials are not supported");
	if (!strcmp(m, "msi") || !strcmp(m, "default")) {
		if (env("IDENTITY_ENDPOINT") && env("IDENTITY_HEADER")) {
			a->source = AUTH_SOURCE_APP_SERVICE;
			return fetch(a, audience, token, exp);
		}
		if (env("MSI_ENDPOINT")) {
			a->source = AUTH_SOURCE_MSI_LEGACY;
			return fetch(a, audience, token, exp);
		}
		if (!strcmp(m, "msi")) {
			a->source = AUTH_SOURCE_IMDS;
			return fetch(a, audience, token, exp);
		}
		/* default: a short probe of IMDS, then the CLI */
		if (!msi_token(a, audience, AUTH_SOURCE_IMDS, 1, token, exp)) {
			a->source = AUTH_SOURCE_IMDS;
			return 0;
		}
		if (!cli_token(a, audience, token, exp)) {
			a->source = AUTH_SOURCE_CLI;
			return 0;
		}
		return set_error("no credential found: set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
				 "AZURE_CLIENT_SECRET (or AZURE_FEDERATED_TOKEN_FILE), run on a "
				 "managed identity, or log in with 'az login' (%s)", last_error());
	}
	a->source = AUTH_SOURCE_CLI;
	return fetch(a, audience, token, exp);
}

int auth_get_token(struct auth *a, const char *audience, int force,
		   const char **token, time_t *expires_on)
{
	struct auth_token *t = NULL;
	time_t now = time(NULL), exp = 0;
	char *fresh = NULL;

	for (size_t i = 0; i < a->tokens_nr; i++)
		if (!strcmp(a->tokens[i].audience, audience))
			t = &a->tokens[i];
	if (t && t->token && !force && t->expires_on - auth_refresh_margin(t) > now) {
		*token = t->token;
		if (expires_on)
			*expires_on = t->expires_on;
		return 0;
	}
	if (fetch(a, audience, &fresh, &exp))
		return -1;
	if (!t) {
		ALLOC_GROW(a->tokens, a->tokens_nr + 1, a->tokens_alloc);
		t = &a->tokens[a->tokens_nr++];
		t->audience = xstrdup(audience);
		t->token = NULL;
	}
	if (t->token) {
		memset(t->token, 0, strlen(t->token));
		free(t->token);
	}
	t->token = fresh;
	t->expires_on = exp;
	t->obtained = now;
	{
		json_t *claims = auth_jwt_claims(fresh);
		const char *v;

		if (claims) {
			if (!a->tenant && (v = json_string_value(json_object_get(claims, "tid"))))
				a->tenant = xstrdup(v);
			if (!a->client_id && ((v = json_string_value(json_object_get(claims, "appid"))) ||
					      (v = json_string_value(json_object_get(claims, "azp")))))
				a->client_id = xstrdup(v);
			v = json_string_value(json_object_get(claims, "upn"));
			if (!v)
				v = json_string_value(json_object_get(claims, "oid"));
			if (v) {
				free(a->principal);
				a->principal = xstrdup(v);
			}
			json_decref(claims);
		}
	}
	*token = t->token;
	if (expires_on)
		*expires_on = t->expires_on;
	return 0;
}

int auth_token_fn(void *data, const char *audience, int force, char **token)
{
	const char *t;

	if (auth_get_token(data, audience, force, &t, NULL))
		return -1;
	*token = xstrdup(t);
	return 0;
}

static char *env_key(const struct config *c, const char *name, const char *key)
{
	char *k = xstrfmt("env.%s.%s", name, key);
	char *v = config_get_string(c, k);

	free(k);
	if (v && !*v) {
		free(v);
		v = NULL;
	}
	return v;
}

int synapse_env_load(struct synapse_env *e, const struct config *c, const char *name)
{
	const struct cloud *cl;
	size_t n;

	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->workspace = env_key(c, name, "workspace");
	e->endpoint = env_key(c, name, "endpoint");
	e->cloud = env_key(c, name, "cloud");
	e->auth = env_key(c, name, "auth");
	e->ca_bundle = config_get_string(c, "http.sslCAInfo");
	if (e->ca_bundle && !*e->ca_bundle) {
		free(e->ca_bundle);
		e->ca_bundle = NULL;
	}
	cl = cloud_by_name(e->cloud);
	if (!cl)
		return set_error("env '%s': unknown cloud '%s': expected public, china or usgov",
				 name, e->cloud);
	if (!e->endpoint && !e->workspace)
		return set_error("env '%s' is not configured: neither env.%s.workspace nor "
				 "env.%s.endpoint is set", name, name, name);
	if (!e->endpoint)
		e->endpoint = cloud_workspace_endpoint(cl, e->workspace);
	n = strlen(e->endpoint);
	while (n && e->endpoint[n - 1] == '/')
		e->endpoint[--n] = '\0';
	if (http_url_allowed(e->endpoint, 0)) {
		char *why = xstrdup(last_error());

		set_error("env '%s': %s", name, why);
		free(why);
		return -1;
	}
	return 0;
}

void synapse_env_release(struct synapse_env *e)
{
	free(e->name);
	free(e->workspace);
	free(e->endpoint);
	free(e->cloud);
	free(e->auth);
	free(e->ca_bundle);
	memset(e, 0, sizeof(*e));
}
