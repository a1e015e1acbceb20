/*
 * The emulator's Azure AD: v1 and v2 token endpoints (client secret and
 * federated client assertion), IMDS, App Service, the OpenID metadata
 * MSAL asks for, and the check of the tokens the data plane receives.
 *
 * Tokens are JWT-shaped (header.claims.signature, base64url) with aud,
 * tid, appid, oid, iat, nbf and exp; the signature is a keyed hash that
 * only this emulator process checks. They are not meant to be secure.
 */
#include "base64.h"
#include "emulator-int.h"
#include "usage.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const data_plane_audiences[] = {
	"https://dev.azuresynapse.net", "https://dev.azuresynapse.azure.cn",
	"https://dev.azuresynapse.usgovcloudapi.net", NULL
};

static void signature(struct emulator *em, const char *data, size_t n, struct strbuf *sb)
{
	unsigned char sig[32];

	for (int k = 0; k < 4; k++) {
		unsigned long long h = 0xcbf29ce484222325ULL ^ em->token_key ^ (unsigned long long)k << 56;

		for (size_t i = 0; i < n; i++) {
			h ^= (unsigned char)data[i];
			h *= 0x100000001b3ULL;
			h ^= h >> 29;
		}
		h ^= em->token_key * (k + 3);
		h *= 0x9e3779b97f4a7c15ULL;
		for (int b = 0; b < 8; b++)
			sig[k * 8 + b] = (unsigned char)(h >> (8 * b));
	}
	base64url_encode(sb, sig, sizeof(sig));
}

char *em_issue_token(struct emulator *em, const char *audience, const char *tenant,
		     const char *client_id, long lifetime, time_t *exp)
{
	struct strbuf sb = STRBUF_INIT;
	time_t now = time(NULL);
	json_t *claims;
	char *text, jti[37];
	size_t len;
	struct strbuf iss = STRBUF_INIT;

	strbuf_addf(&iss, "https://sts.windows.net/%s/", tenant);
	em_guid(em, jti, 0);
	claims = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			   "aud", audience, "iss", iss.buf, "iat", (json_int_t)now,
			   "nbf", (json_int_t)now, "exp", (json_int_t)(now + lifetime),
			   "appid", client_id, "oid", client_id, "sub", client_id,
			   "tid", tenant, "ver", "1.0", "uti", jti, "idp", "emulator");
	base64url_encode(&sb, (const unsigned char *)"{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"emulator\"}", 42);
	strbuf_addch(&sb, '.');
	text = json_dumps(claims, JSON_COMPACT);
	len = strlen(text);
	base64url_encode(&sb, (unsigned char *)text, len);
	free(text);
	json_decref(claims);
	strbuf_release(&iss);
	len = sb.len;
	strbuf_addch(&sb, '.');
	signature(em, sb.buf, len, &sb);
	if (exp)
		*exp = now + lifetime;
	return strbuf_detach(&sb, NULL);
}

static void unauthorized(struct emulator *em, struct em_response *res, const char *why,
			 const char *code)
{
	const char *tenant = em->o.tenant ? em->o.tenant : EMULATOR_DEFAULT_TENANT;

	em_error(res, 401, 1, "Unauthorized", "Token Authentication failed with %s: %s",
		 code, why);
	em_response_header(res, "WWW-Authenticate",
			   "Bearer authorization_uri=\"https://login.microsoftonline.com/%s\", "
			   "error=\"invalid_token\", error_description=\"%s\"", tenant, why);
}

int em_check_token(struct emulator *em, const char *authz, struct em_response *res,
		   char **principal)
{
	const char *tok, *d1, *d2;
	struct strbuf sig = STRBUF_INIT, claims_text = STRBUF_INIT;
	json_t *claims = NULL;
	const char *aud, *who;
	json_int_t exp, nbf;
	time_t now = time(NULL);
	int ok = 0, ret = -1;

	if (!authz || strncasecmp(authz, "Bearer ", 7)) {
		unauthorized(em, res, "no bearer token in the Authorization header",
			     "MissingAuthenticationToken");
		return -1;
	}
	tok = authz + 7;
	while (*tok == ' ')
		tok++;
	d1 = strchr(tok, '.');
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d2 || strchr(d2 + 1, '.')) {
		unauthorized(em, res, "the token is not a JWT", "SecurityTokenMalformedException");
		return -1;
	}
	signature(em, tok, d2 - tok, &sig);
	if (sig.len != strlen(d2 + 1) || memcmp(sig.buf, d2 + 1, sig.len)) {
		unauthorized(em, res, "the token signature is invalid",
			     "SecurityTokenInvalidSignatureException");
		goto cleanup;
	}
	if (base64_decode(&claims_text, d1 + 1, d2 - d1 - 1) ||
	    !(claims = json_loadb(claims_text.buf, claims_text.len, 0, NULL))) {
		unauthorized(em, res, "the token claims are unreadable", "SecurityTokenMalformedException");
		goto cleanup;
	}
	aud = json_string_value(json_object_get(claims, "aud"));
	for (int i = 0; aud && data_plane_audiences[i]; i++) {
		size_t n = strlen(data_plane_audiences[i]);

		if (!strncasecmp(aud, data_plane_audiences[i], n) &&
		    (!aud[n] || !strcmp(aud + n, "/")))
			ok = 1;
	}
	if (!ok) {
		struct strbuf why = STRBUF_INIT;

		strbuf_addf(&why, "the audience '%s' is invalid", aud ? aud : "");
		unauthorized(em, res, why.buf, "SecurityTokenInvalidAudienceException");
		strbuf_release(&why);
		goto cleanup;
	}
	exp = json_integer_value(json_object_get(claims, "exp"));
	nbf = json_integer_value(json_object_get(claims, "nbf"));
	if (exp <= now) {
		unauthorized(em, res, "ExpiredAuthenticationToken: the token has expired",
			     "SecurityTokenExpiredException");
		goto cleanup;
	}
	if (nbf > now + 300) {
		unauthorized(em, res, "the token is not valid yet", "SecurityTokenNotYetValidException");
		goto cleanup;
	}
	who = json_string_value(json_object_get(claims, "appid"));
	if (!who)
		who = json_string_value(json_object_get(claims, "oid"));
	*principal = xstrdup(who ? who : "");
	ret = 0;
cleanup:
	json_decref(claims);
	strbuf_release(&sig);
	strbuf_release(&claims_text);
	return ret;
}

/* ---- token endpoints ---- */

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* The value of key in an application/x-www-form-urlencoded body (malloc'd). */
static char *form_get(const char *body, size_t len, const char *key)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		size_t end = i;

		while (end < len && body[end] != '&')
			end++;
		if (end - i > klen && !strncmp(body + i, key, klen) && body[i + klen] == '=') {
			struct strbuf sb = STRBUF_INIT;

			for (size_t k = i + klen + 1; k < end; k++) {
				if (body[k] == '+') {
					strbuf_addch(&sb, ' ');
				} else if (body[k] == '%' && k + 2 < end + 1 && k + 2 < len &&
					   hexval((unsigned char)body[k + 1]) >= 0 &&
					   hexval((unsigned char)body[k + 2]) >= 0) {
					strbuf_addch(&sb, (char)(hexval((unsigned char)body[k + 1]) * 16 +
								 hexval((unsigned char)body[k + 2])));
					k += 2;
				} else {
					strbuf_addch(&sb, body[k]);
				}
			}
			return strbuf_detach(&sb, NULL);
		}
		i = end + 1;
	}
	return NULL;
}

static void aad_error(struct emulator *em, struct em_response *res, int status,
		      const char *error, int code, const char *fmt, ...) PRINTF_LIKE(6, 7);
static void aad_error(struct emulator *em, struct em_response *res, int status,
		      const char *error, int code, const char *fmt, ...)
{
	struct strbuf desc = STRBUF_INIT, uri = STRBUF_INIT;
	char trace[37], corr[37], ts[40];
	va_list ap;

	em_guid(em, trace, 0);
	em_guid(em, corr, 0);
	em_iso_now(ts, time(NULL));
	strbuf_addf(&desc, "AADSTS%d: ", code);
	va_start(ap, fmt);
	strbuf_vaddf(&desc, fmt, ap);
	va_end(ap);
	strbuf_addf(&desc, "\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", trace, corr, ts);
	strbuf_addf(&uri, "https://login.microsoftonline.com/error?code=%d", code);
	em_json_answer(res, status,
		       json_pack("{s:s, s:s, s:[i], s:s, s:s, s:s, s:s}", "error", error,
				 "error_description", desc.buf, "error_codes", code,
				 "timestamp", ts, "trace_id", trace, "correlation_id", corr,
				 "error_uri", uri.buf), 0);
	strbuf_release(&desc);
	strbuf_release(&uri);
}

static const char *accepted_client(struct emulator *em)
{
	return em->o.client_id ? em->o.client_id : EMULATOR_DEFAULT_CLIENT_ID;
}

static void token_endpoint(struct emulator *em, const struct em_request *req, const char *tenant,
			   int v2, struct em_response *res)
{
	const char *want_tenant = em->o.tenant ? em->o.tenant : EMULATOR_DEFAULT_TENANT;
	const char *secret = em->o.client_secret ? em->o.client_secret : EMULATOR_DEFAULT_CLIENT_SECRET;
	char *grant = form_get(req->body, req->body_len, "grant_type");
	char *cid = form_get(req->body, req->body_len, "client_id");
	char *sec = form_get(req->body, req->body_len, "client_secret");
	char *atype = form_get(req->body, req->body_len, "client_assertion_type");
	char *assertion = form_get(req->body, req->body_len, "client_assertion");
	char *scope = form_get(req->body, req->body_len, v2 ? "scope" : "resource");
	char *audience = NULL, *token = NULL;
	time_t exp;
	long life = em->o.token_lifetime > 0 ? em->o.token_lifetime : 3600;

	if (strcasecmp(req->method, "POST")) {
		aad_error(em, res, 405, "invalid_request", 900561,
			  "The endpoint only accepts POST requests. Received a %s request.", req->method);
		goto cleanup;
	}
	if (strcasecmp(tenant, want_tenant) && strcasecmp(tenant, "organizations")) {
		aad_error(em, res, 400, "invalid_request", 90002,
			  "Tenant '%s' not found. Check to make sure you have the correct tenant ID "
			  "and are signing into the correct cloud.", tenant);
		goto cleanup;
	}
	if (!grant || strcmp(grant, "client_credentials")) {
		aad_error(em, res, 400, "unsupported_grant_type", 70003,
			  "The app requested an unsupported grant type '%s'.", grant ? grant : "");
		goto cleanup;
	}
	if (!cid || strcasecmp(cid, accepted_client(em))) {
		aad_error(em, res, 400, "unauthorized_client", 700016,
			  "Application with identifier '%s' was not found in the directory '%s'.",
			  cid ? cid : "", tenant);
		goto cleanup;
	}
	if (assertion) {
		const char *d1 = strchr(assertion, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
		struct strbuf claims_text = STRBUF_INIT;
		json_t *claims = NULL;
		json_int_t aexp = 0;

		if (!atype || strcmp(atype, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")) {
			aad_error(em, res, 400, "invalid_request", 50027,
				  "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.");
			goto cleanup;
		}
		if (d2 && !base64_decode(&claims_text, d1 + 1, d2 - d1 - 1))
			claims = json_loadb(claims_text.buf, claims_text.len, 0, NULL);
		strbuf_release(&claims_text);
		if (!claims) {
			aad_error(em, res, 400, "invalid_client", 50027,
				  "JWT token is invalid or malformed.");
			goto cleanup;
		}
		aexp = json_integer_value(json_object_get(claims, "exp"));
		json_decref(claims);
		if (aexp && aexp < time(NULL)) {
			aad_error(em, res, 400, "invalid_client", 700024,
				  "Client assertion is not within its valid time range.");
			goto cleanup;
		}
	} else if (!sec || strcmp(sec, secret)) {
		aad_error(em, res, 401, "invalid_client", 7000215,
			  "Invalid client secret provided. Ensure the secret being sent in the request "
			  "is the client secret value, not the client secret ID, for a secret added to "
			  "app '%s'.", cid);
		goto cleanup;
	}
	if (!scope || !*scope) {
		aad_error(em, res, 400, "invalid_request", 90014,
			  "The required field '%s' is missing from the credential.",
			  v2 ? "scope" : "resource");
		goto cleanup;
	}
	if (v2) {
		size_t n = strlen(scope);

		if (n < 10 || strcmp(scope + n - 9, "/.default") || strchr(scope, ' ')) {
			aad_error(em, res, 400, "invalid_scope", 1002012,
				  "The provided value for scope %s is not valid. Client credential "
				  "flows must have a scope value with /.default suffixed to the resource "
				  "identifier (application ID URI).", scope);
			goto cleanup;
		}
		audience = xstrndup(scope, n - 9);
	} else {
		audience = xstrdup(scope);
	}
	if (strncmp(audience, "https://", 8) && strncmp(audience, "api://", 6)) {
		aad_error(em, res, 400, "invalid_resource", 500011,
			  "The resource principal named %s was not found in the tenant named %s.",
			  audience, tenant);
		goto cleanup;
	}
	token = em_issue_token(em, audience, want_tenant, cid, life, &exp);
	if (v2) {
		em_json_answer(res, 200, json_pack("{s:s, s:I, s:I, s:s}", "token_type", "Bearer",
						   "expires_in", (json_int_t)life,
						   "ext_expires_in", (json_int_t)life,
						   "access_token", token), 0);
	} else {
		char lifes[32], exps[32], nbfs[32];

		snprintf(lifes, sizeof(lifes), "%ld", life);
		snprintf(exps, sizeof(exps), "%lld", (long long)exp);
		snprintf(nbfs, sizeof(nbfs), "%lld", (long long)(exp - life));
		em_json_answer(res, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
						   "token_type", "Bearer", "expires_in", lifes,
						   "ext_expires_in", lifes, "expires_on", exps,
						   "not_before", nbfs, "resource", audience,
						   "access_token", token), 0);
	}
	em_response_header(res, "Cache-Control", "no-store, no-cache");
cleanup:
	free(grant);
	free(cid);
	if (sec)
		memset(sec, 0, strlen(sec));
	free(sec);
	free(atype);
	free(assertion);
	free(scope);
	free(audience);
	free(token);
}

static void identity_endpoint(struct emulator *em, const struct em_request *req, int imds,
			      struct em_response *res)
{
	const char *resource = em_query(req, "resource");
	const char *cid = em_query(req, "client_id");
	const char *api = em_query(req, "api-version");
	const char *tenant = em->o.tenant ? em->o.tenant : EMULATOR_DEFAULT_TENANT;
	const char *hdr = em->o.identity_header ? em->o.identity_header : EMULATOR_DEFAULT_IDENTITY_HEADER;
	long life = em->o.token_lifetime > 0 ? em->o.token_lifetime : 86400;
	int legacy = 0;
	char *token;
	char lifes[32], exps[64], nbfs[32];
	time_t exp;

	if (!cid)
		cid = em_query(req, "clientid");
	if (imds) {
		const char *m = em_header(req, "Metadata");

		if (!m || strcasecmp(m, "true")) {
			em_json_answer(res, 400, json_pack("{s:s, s:s}", "error", "invalid_request",
							   "error_description",
							   "Required metadata header not specified"), 0);
			return;
		}
	} else {
		const char *h = em_header(req, "X-IDENTITY-HEADER");

		if (!h) {
			h = em_header(req, "secret");
			legacy = 1;
		}
		if (!h || strcmp(h, hdr)) {
			em_json_answer(res, 401, json_pack("{s:i, s:s}", "statusCode", 401,
							   "message", "Unauthorized: the identity header is missing or wrong"), 0);
			return;
		}
	}
	if (!api) {
		em_json_answer(res, 400, json_pack("{s:s, s:s}", "error", "invalid_request",
						   "error_description", "api-version is required"), 0);
		return;
	}
	if (!resource || !*resource) {
		em_json_answer(res, 400, json_pack("{s:s, s:s}", "error", "invalid_request",
						   "error_description", "Required query variable 'resource' is missing"), 0);
		return;
	}
	if (cid && strcasecmp(cid, accepted_client(em))) {
		em_json_answer(res, 400, json_pack("{s:s, s:s}", "error", "invalid_request",
						   "error_description", "Identity not found"), 0);
		return;
	}
	token = em_issue_token(em, resource, tenant, accepted_client(em), life, &exp);
	snprintf(lifes, sizeof(lifes), "%ld", life);
	snprintf(nbfs, sizeof(nbfs), "%lld", (long long)(exp - life));
	if (legacy || (api && !strcmp(api, "2017-09-01"))) {
		struct tm tm;

		gmtime_r(&exp, &tm);
		strftime(exps, sizeof(exps), "%m/%d/%Y %H:%M:%S +00:00", &tm);
	} else {
		snprintf(exps, sizeof(exps), "%lld", (long long)exp);
	}
	if (imds)
		em_json_answer(res, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
						   "access_token", token, "client_id", accepted_client(em),
						   "expires_in", lifes, "expires_on", exps,
						   "ext_expires_in", lifes, "not_before", nbfs,
						   "resource", resource, "token_type", "Bearer"), 0);
	else
		em_json_answer(res, 200, json_pack("{s:s, s:s, s:s, s:s, s:s}",
						   "access_token", token, "expires_on", exps,
						   "resource", resource, "token_type", "Bearer",
						   "client_id", accepted_client(em)), 0);
	free(token);
}

static void openid_config(struct emulator *em, const struct em_request *req, const char *tenant,
			  struct em_response *res)
{
	struct strbuf base = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT,
		d = STRBUF_INIT;

	strbuf_addf(&base, "%s://%s", em->tls ? "https" : "http", req->host ? req->host : "127.0.0.1");
	strbuf_addf(&a, "%s/%s/oauth2/v2.0/token", base.buf, tenant);
	strbuf_addf(&b, "%s/%s/oauth2/v2.0/authorize", base.buf, tenant);
	strbuf_addf(&c, "%s/%s/v2.0", base.buf, tenant);
	strbuf_addf(&d, "%s/%s/discovery/v2.0/keys", base.buf, tenant);
	em_json_answer(res, 200,
		       json_pack("{s:s, s:s, s:s, s:s, s:[s], s:[s], s:[s], s:s, s:n, s:s}",
				 "token_endpoint", a.buf, "authorization_endpoint", b.buf,
				 "issuer", c.buf, "jwks_uri", d.buf,
				 "response_types_supported", "code",
				 "token_endpoint_auth_methods_supported", "client_secret_post",
				 "scopes_supported", "openid", "tenant_region_scope", "WW",
				 "end_session_endpoint", "cloud_instance_name", "microsoftonline.com"), 0);
	strbuf_release(&base);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	strbuf_release(&d);
}

int em_aad_handle(struct emulator *em, const struct em_request *req, char **segs, int nsegs,
		  struct em_response *res)
{
	if (nsegs == 4 && !strcasecmp(segs[0], "metadata") && !strcasecmp(segs[1], "identity") &&
	    !strcasecmp(segs[2], "oauth2") && !strcasecmp(segs[3], "token")) {
		identity_endpoint(em, req, 1, res);
		return 1;
	}
	if (nsegs == 2 && !strcasecmp(segs[0], "msi") && !strcasecmp(segs[1], "token")) {
		identity_endpoint(em, req, 0, res);
		return 1;
	}
	if (nsegs == 4 && !strcasecmp(segs[1], "oauth2") && !strcasecmp(segs[2], "v2.0") &&
	    !strcasecmp(segs[3], "token")) {
		token_endpoint(em, req, segs[0], 1, res);
		return 1;
	}
	if (nsegs == 3 && !strcasecmp(segs[1], "oauth2") && !strcasecmp(segs[2], "token")) {
		token_endpoint(em, req, segs[0], 0, res);
		return 1;
	}
	if ((nsegs == 4 && !strcasecmp(segs[1], "v2.0") && !strcasecmp(segs[2], ".well-known") &&
	     !strcasecmp(segs[3], "openid-configuration")) ||
	    (nsegs == 3 && !strcasecmp(segs[1], ".well-known") &&
	     !strcasecmp(segs[2], "openid-configuration"))) {
		openid_config(em, req, segs[0], res);
		return 1;
	}
	if (nsegs == 3 && !strcasecmp(segs[0], "common") && !strcasecmp(segs[1], "discovery") &&
	    !strcasecmp(segs[2], "instance")) {
		struct strbuf t = STRBUF_INIT;
		const char *host = req->host ? req->host : "127.0.0.1";

		strbuf_addf(&t, "%s://%s/%s/v2.0/.well-known/openid-configuration",
			    em->tls ? "https" : "http", host,
			    em->o.tenant ? em->o.tenant : EMULATOR_DEFAULT_TENANT);
		em_json_answer(res, 200,
			       json_pack("{s:s, s:s, s:[{s:s, s:s, s:[s]}]}",
					 "tenant_discovery_endpoint", t.buf, "api-version", "1.1",
					 "metadata", "preferred_network", host, "preferred_cache", host,
					 "aliases", host), 0);
		strbuf_release(&t);
		return 1;
	}
	return 0;
}
