#ifndef EMULATOR_H
#define EMULATOR_H

#include <stddef.h>
#include "strbuf.h"

/*
 * A local Synapse workspace: the data plane of any number of workspaces
 * and the Azure AD token endpoints, over libmicrohttpd. See
 * git-synapse-emulator(1) for what a client sees.
 *
 * emulator.c        options, HTTP glue, routing, the data plane
 * emulator-store.c  workspaces and their artifacts, --data persistence,
 *                   faults and the random source
 * emulator-aad.c    token endpoints (v1, v2, IMDS, App Service) and the
 *                   check of the bearer tokens the data plane receives
 */

struct emulator_options {
	const char *listen_host;    /* default 127.0.0.1 */
	int port;                   /* 0: any free port */
	const char *data_dir;       /* NULL: in memory only */
	const char *cert_file, *key_file; /* HTTPS when both are set */
	long latency_ms;            /* added to every answer */
	int poll_count;             /* 202 InProgress polls before the end, default 1 */
	int retry_after;            /* Retry-After of LROs, seconds, default 10 */
	int page_size;              /* list page size, default 50 */
	const char **faults;        /* --fault specs, NULL-terminated or NULL */
	unsigned long seed;
	const char *tenant;         /* accepted tenant (any tenant when NULL) */
	const char *client_id;      /* accepted client credentials */
	const char *client_secret;
	const char *identity_header; /* App Service X-IDENTITY-HEADER */
	long token_lifetime;        /* seconds, default 3600 */
	const char **deny;          /* principals (client ids) without Synapse RBAC rights */
	const char **workspaces;    /* created at start (any name is created on first use) */
	int anonymous;              /* accept data-plane requests without a token */
	void (*log_fn)(void *data, const char *line);
	void *log_data;
};

#define EMULATOR_DEFAULT_TENANT "72f988bf-0000-4000-8000-00000000e0e0"
#define EMULATOR_DEFAULT_CLIENT_ID "00000000-0000-4000-8000-0000000c11e7"
#define EMULATOR_DEFAULT_CLIENT_SECRET "emulator-client-secret"
#define EMULATOR_DEFAULT_IDENTITY_HEADER "emulator-identity-header"
#define EMULATOR_DEFAULT_WORKSPACE "emulator"

struct emulator;

/* Start serving (threads of libmicrohttpd). 0, or -1 with last_error(). */
int emulator_start(struct emulator **em, const struct emulator_options *opts);
/* The port actually bound, and "http"/"https". */
int emulator_port(const struct emulator *em);
const char *emulator_scheme(const struct emulator *em);
/* Stop serving, save state to --data, free everything. */
void emulator_stop(struct emulator *em);

/* ---- one request, independent of the HTTP server (tests, fuzzing) ---- */

struct em_header {
	char *name;
	char *value;
};

struct em_request {
	const char *method;
	const char *path;          /* percent-decoded, without the query */
	const char *host;          /* Host header, or NULL */
	const char *const *query;  /* name, value, name, value..., NULL (decoded) */
	const char *const *headers; /* name, value..., NULL */
	const char *body;
	size_t body_len;
};

struct em_response {
	int status;
	struct strbuf body;
	const char *content_type;  /* NULL: none */
	struct em_header *headers;
	size_t headers_nr, headers_alloc;
	int drop;                  /* close the connection without an answer */
	long delay_ms;             /* wait this long before answering */
};

void em_response_init(struct em_response *r);
void em_response_release(struct em_response *r);
void em_response_header(struct em_response *r, const char *name, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

/* An emulator without a server, for em_handle() (fuzzing, unit tests). */
int emulator_new(struct emulator **em, const struct emulator_options *opts);
void emulator_free(struct emulator *em);
void em_handle(struct emulator *em, const struct em_request *req, struct em_response *res);

#endif
