#ifndef AUTH_H
#define AUTH_H

#include <time.h>
#include "http.h"

/*
 * Azure AD tokens for the Synapse data plane (and ARM), from the same
 * sources, with the same variable names, as azure-identity:
 *
 *  env        AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET
 *  federated  AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE
 *             (the file is read again for every token: it rotates)
 *  msi        App Service (IDENTITY_ENDPOINT + IDENTITY_HEADER, or the
 *             legacy MSI_ENDPOINT + MSI_SECRET), else IMDS (at
 *             AZURE_POD_IDENTITY_AUTHORITY_HOST, default 169.254.169.254);
 *             AZURE_CLIENT_ID picks a user-assigned identity
 *  cli        az account get-access-token (expires_on, else expiresOn)
 *  default    the first of these whose variables are set, trying IMDS
 *             briefly and then the CLI when none is
 *
 * The authority is AZURE_AUTHORITY_HOST when set, else the cloud's. Tokens
 * are cached per audience and fetched again shortly before they expire.
 * Nothing here prints, and no secret or token ever goes into an error.
 */

struct cloud {
	const char *name;        /* public, china, usgov */
	const char *dns_suffix;  /* dev.azuresynapse.net */
	const char *audience;    /* https://dev.azuresynapse.net */
	const char *authority;   /* https://login.microsoftonline.com/ */
	const char *arm;         /* https://management.azure.com/ */
};

/* NULL or "" gives the public cloud; an unknown name gives NULL. */
const struct cloud *cloud_by_name(const char *name);

/* "https://<workspace>.<dns_suffix>" (malloc'd). */
char *cloud_workspace_endpoint(const struct cloud *cloud, const char *workspace);

enum auth_source {
	AUTH_SOURCE_NONE = 0,
	AUTH_SOURCE_ENV,        /* client secret from the environment */
	AUTH_SOURCE_FEDERATED,  /* federated token file */
	AUTH_SOURCE_APP_SERVICE,
	AUTH_SOURCE_MSI_LEGACY,
	AUTH_SOURCE_IMDS,
	AUTH_SOURCE_CLI,
};

struct auth_token {
	char *audience;
	char *token;
	time_t expires_on;
	time_t obtained;
};

struct auth {
	char *mode;                 /* default, env, federated, msi, cli */
	const struct cloud *cloud;
	char *authority;            /* with a final '/' */
	enum auth_source source;    /* once known */
	char *tenant;               /* configured or learnt from the token */
	char *client_id;
	char *principal;            /* oid/upn from the last token, for messages */
	struct auth_token *tokens;
	size_t tokens_nr, tokens_alloc;
	struct http_options http_opts;
	struct http_client *http;
};

/*
 * mode NULL means "default"; cloud NULL means public. http_opts (may be
 * NULL) sets the CA bundle, timeouts and the log of the token requests.
 * Returns -1 on an unknown mode or cloud.
 */
int auth_init(struct auth *a, const char *mode, const char *cloud,
	      const struct http_options *http_opts);
void auth_release(struct auth *a);

/*
 * A token for audience ("https://dev.azuresynapse.net"), from the cache
 * unless it expires within a few minutes or force is set. *token is
 * borrowed (valid until the next call); expires_on may be NULL.
 */
int auth_get_token(struct auth *a, const char *audience, int force,
		   const char **token, time_t *expires_on);

/* An http_token_fn over a struct auth (data). */
int auth_token_fn(void *data, const char *audience, int force, char **token);

/* "environment (client secret)", "managed identity (IMDS)"... */
const char *auth_source_name(enum auth_source s);

/* Seconds before expiry at which a cached token is replaced. */
long auth_refresh_margin(const struct auth_token *t);

/*
 * Parse an expiry as the token services give it: epoch seconds (number or
 * string), "06/20/2019 02:57:58 +00:00", or "2023-10-31 21:59:10.000000"
 * (local time, the CLI's expiresOn). Returns (time_t)-1 when unreadable.
 */
time_t auth_parse_expiry(const char *s);

/*
 * An environment from configuration ([env "<name>"]): workspace,
 * endpoint (default https://<workspace>.<cloud suffix>), cloud, auth, and
 * the CA bundle (http.sslCAInfo). Strings are malloc'd; NULL when unset.
 */
struct config;
struct synapse_env {
	char *name;
	char *workspace;
	char *endpoint;     /* without a trailing '/' */
	char *cloud;
	char *auth;
	char *ca_bundle;
};
int synapse_env_load(struct synapse_env *e, const struct config *c, const char *name);
void synapse_env_release(struct synapse_env *e);

/* Claims of a JWT-shaped token, without checking anything (a json_t *). */
void *auth_jwt_claims(const char *token);

#endif
