/*
 * git synapse emulator: a local Synapse workspace and Azure AD, as
 * Azurite is for Azure Storage.
 */
#include "emulator.h"
#include "http.h"
#include "parse-options.h"
#include "usage.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const emulator_usage[] = {
	"git synapse emulator [--listen <addr>:<port>] [--data <dir>] [--cert <pem> --key <pem>] [--latency <ms>] [--poll-count <n>] [--retry-after <s>] [--page-size <n>] [--fault <spec>...] [--seed <n>] [--ready-file <file>] [<credential options>]",
	"git synapse emulator --print-env [--listen <addr>:<port>] [--cert <pem>] [--workspace <name>] [<credential options>]",
	"git synapse emulator --wait <url>|<file> [--timeout <s>]",
	NULL
};

static void log_line(void *data, const char *line)
{
	(void)data;
	fprintf(stderr, "emulator: %s\n", line);
}

static void shell_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

static void export(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addf(sb, "export %s=", name);
	shell_quote(sb, value);
	strbuf_addch(sb, '\n');
}

struct env_info {
	const char *scheme, *host, *workspace, *tenant, *client_id, *secret, *identity_header;
	const char *cert;
	int port;
};

static void build_exports(struct strbuf *sb, const struct env_info *e)
{
	struct strbuf v = STRBUF_INIT;
	char *abs_cert = NULL;

	strbuf_addf(&v, "%s://%s:%d/%s", e->scheme, e->host, e->port, e->workspace);
	export(sb, "SYNAPSE_ENDPOINT", v.buf);
	strbuf_reset(&v);
	strbuf_addf(&v, "%s://%s:%d/", e->scheme, e->host, e->port);
	export(sb, "AZURE_AUTHORITY_HOST", v.buf);
	export(sb, "AZURE_POD_IDENTITY_AUTHORITY_HOST", v.buf);
	export(sb, "GIT_SYNAPSE_EMULATOR", v.buf);
	export(sb, "AZURE_TENANT_ID", e->tenant);
	export(sb, "AZURE_CLIENT_ID", e->client_id);
	export(sb, "AZURE_CLIENT_SECRET", e->secret);
	strbuf_reset(&v);
	strbuf_addf(&v, "%s://%s:%d/msi/token", e->scheme, e->host, e->port);
	export(sb, "IDENTITY_ENDPOINT", v.buf);
	export(sb, "IDENTITY_HEADER", e->identity_header);
	if (e->cert) {
		abs_cert = realpath(e->cert, NULL);
		export(sb, "CURL_CA_BUNDLE", abs_cert ? abs_cert : e->cert);
		export(sb, "NODE_EXTRA_CA_CERTS", abs_cert ? abs_cert : e->cert);
	}
	free(abs_cert);
	strbuf_release(&v);
}

static int parse_listen(const char *s, char **host, int *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long p;

	if (!colon) {
		*host = xstrdup(s);
		return 0;
	}
	p = strtol(colon + 1, &end, 10);
	if (*end || p < 0 || p > 65535)
		return -1;
	*host = xstrndup(s, colon - s);
	*port = (int)p;
	return 0;
}

static int wait_ready(const char *what, int timeout)
{
	time_t until = time(NULL) + timeout;
	struct stat st;

	if (strncmp(what, "http://", 7) && strncmp(what, "https://", 8)) {
		while (stat(what, &st)) {
			if (time(NULL) >= until)
				return error("'%s' did not appear within %d s", what, timeout);
			usleep(50 * 1000);
		}
		return 0;
	} else {
		const char *p = strstr(what, "://") + 3;
		struct strbuf url = STRBUF_INIT;
		struct http_options o = HTTP_OPTIONS_INIT;
		struct http_client *c;
		int ret = -1;

		strbuf_add(&url, what, p - what + strcspn(p, "/"));
		strbuf_addstr(&url, "/.emulator/health");
		o.connect_timeout_ms = 1000;
		o.timeout_ms = 2000;
		if (http_client_init(&c, &o))
			die("%s", last_error());
		while (time(NULL) < until) {
			struct http_request r;

			http_request_init(&r, "GET", url.buf);
			r.flags = HTTP_NO_RETRY;
			if (!http_perform(c, &r) && r.status == 200) {
				http_request_release(&r);
				ret = 0;
				break;
			}
			http_request_release(&r);
			usleep(100 * 1000);
		}
		if (ret)
			error("the emulator at '%s' is not ready after %d s: %s", what, timeout,
			      last_error());
		http_client_free(c);
		strbuf_release(&url);
		return ret;
	}
}

static void string_list_terminate(struct string_list *l)
{
	ALLOC_GROW(l->items, l->nr + 1, l->alloc);
	l->items[l->nr] = NULL;
}

int main(int argc, const char **argv)
{
	struct emulator_options o;
	struct string_list faults = STRING_LIST_INIT, deny = STRING_LIST_INIT,
		workspaces = STRING_LIST_INIT;
	const char *listen = "127.0.0.1:10880", *ready_file = NULL, *wait = NULL;
	int print_env = 0, timeout = 30, seed = 0, verbose = 0, quiet = 0, latency = 0;
	char *host = NULL;
	int port = 10880;
	struct emulator *em = NULL;
	struct env_info info;
	struct strbuf exports = STRBUF_INIT;
	sigset_t set;
	int sig, token_lifetime = 0;
	const struct option options[] = {
		OPT_STRING(0, "listen", &listen, "addr:port", "where to listen (default 127.0.0.1:10880; port 0: any)"),
		OPT_STRING(0, "data", &o.data_dir, "dir", "keep the workspaces in <dir> across restarts"),
		OPT_STRING(0, "cert", &o.cert_file, "pem", "serve HTTPS with this certificate"),
		OPT_STRING(0, "key", &o.key_file, "pem", "the certificate's private key"),
		OPT_INTEGER(0, "latency", &latency, "add <n> ms to every answer"),
		OPT_INTEGER(0, "poll-count", &o.poll_count, "202 InProgress polls before an operation ends (default 1)"),
		OPT_INTEGER(0, "retry-after", &o.retry_after, "Retry-After of operations, in seconds (default 10)"),
		OPT_INTEGER(0, "page-size", &o.page_size, "items per list page (default 50)"),
		OPT_STRING_LIST(0, "fault", &faults, "spec", "inject a fault (see the manual)"),
		OPT_INTEGER(0, "seed", &seed, "seed of the random faults"),
		OPT_STRING(0, "ready-file", &ready_file, "file", "write the client exports to <file> once listening"),
		OPT_GROUP("credential options"),
		OPT_STRING(0, "tenant", &o.tenant, "id", "the tenant"),
		OPT_STRING(0, "client-id", &o.client_id, "id", "the accepted client id"),
		OPT_STRING(0, "client-secret", &o.client_secret, "secret", "the accepted client secret"),
		OPT_STRING(0, "identity-header", &o.identity_header, "value", "the App Service X-IDENTITY-HEADER"),
		OPT_INTEGER(0, "token-lifetime", &token_lifetime, "lifetime of issued tokens, in seconds"),
		OPT_STRING_LIST(0, "deny", &deny, "client-id", "answer 403 (Synapse RBAC) to this principal"),
		OPT_STRING_LIST(0, "workspace", &workspaces, "name", "create this workspace at start"),
		OPT_BOOL(0, "anonymous", &o.anonymous, "accept data-plane requests without a token"),
		OPT_GROUP("other modes"),
		OPT_BOOL(0, "print-env", &print_env, "print the shell exports a client needs, and exit"),
		OPT_STRING(0, "wait", &wait, "url|file", "wait until the emulator answers (or the file exists)"),
		OPT_INTEGER(0, "timeout", &timeout, "seconds --wait waits (default 30)"),
		OPT__VERBOSE(&verbose),
		OPT__QUIET(&quiet),
		OPT_END(),
	};

	memset(&o, 0, sizeof(o));
	o.poll_count = 1;
	o.retry_after = 10;
	o.page_size = 50;
	argc = parse_options(argc, argv, options, emulator_usage, "git-synapse-emulator");
	if (argc)
		usage_msg_opt("too many arguments", emulator_usage, options);
	if (wait)
		return wait_ready(wait, timeout) ? 1 : 0;
	if (parse_listen(listen, &host, &port))
		usage_msg_opt("--listen takes <addr>:<port>", emulator_usage, options);
	if (o.poll_count < 0 || o.retry_after < 0 || o.page_size <= 0 || latency < 0)
		usage_msg_opt("--poll-count, --retry-after and --latency take numbers >= 0, --page-size > 0",
			      emulator_usage, options);
	o.latency_ms = latency;
	o.seed = (unsigned long)seed;
	o.token_lifetime = token_lifetime;
	o.listen_host = host;
	o.port = port;
	string_list_terminate(&faults);
	string_list_terminate(&deny);
	string_list_terminate(&workspaces);
	o.faults = (const char **)faults.items;
	o.deny = (const char **)deny.items;
	o.workspaces = (const char **)workspaces.items;
	if (verbose) {
		o.log_fn = log_line;
		o.log_data = NULL;
	}

	info.scheme = o.cert_file ? "https" : "http";
	info.host = !strcmp(host, "0.0.0.0") ? "127.0.0.1" : host;
	info.workspace = workspaces.nr ? workspaces.items[0] : EMULATOR_DEFAULT_WORKSPACE;
	info.tenant = o.tenant ? o.tenant : EMULATOR_DEFAULT_TENANT;
	info.client_id = o.client_id ? o.client_id : EMULATOR_DEFAULT_CLIENT_ID;
	info.secret = o.client_secret ? o.client_secret : EMULATOR_DEFAULT_CLIENT_SECRET;
	info.identity_header = o.identity_header ? o.identity_header : EMULATOR_DEFAULT_IDENTITY_HEADER;
	info.cert = o.cert_file;
	info.port = port;
	if (print_env) {
		if (!port)
			die("--print-env needs a fixed port in --listen");
		build_exports(&exports, &info);
		fputs(exports.buf, stdout);
		strbuf_release(&exports);
		free(host);
		return 0;
	}

	/* signals go to this thread only, not to the server's */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!workspaces.nr) {
		string_list_append(&workspaces, EMULATOR_DEFAULT_WORKSPACE);
		string_list_terminate(&workspaces);
		o.workspaces = (const char **)workspaces.items;
		info.workspace = workspaces.items[0];
	}
	if (emulator_start(&em, &o))
		die("%s", last_error());
	info.port = emulator_port(em);
	build_exports(&exports, &info);
	if (!quiet) {
		printf("git synapse emulator listening on %s://%s:%d\n", info.scheme, info.host, info.port);
		printf("endpoint:  %s://%s:%d/%s\n", info.scheme, info.host, info.port, info.workspace);
		printf("authority: %s://%s:%d/\n", info.scheme, info.host, info.port);
		printf("tenant:    %s\n", info.tenant);
		printf("client id: %s\n", info.client_id);
		printf("identity:  %s://%s:%d/msi/token (IMDS at %s://%s:%d/metadata/identity/oauth2/token)\n",
		       info.scheme, info.host, info.port, info.scheme, info.host, info.port);
		printf("ready\n");
		fflush(stdout);
	}
	if (ready_file) {
		char *tmp = xstrfmt("%s.tmp", ready_file);
		FILE *f = fopen(tmp, "w");

		if (!f || fputs(exports.buf, f) == EOF || fclose(f) || rename(tmp, ready_file)) {
			emulator_stop(em);
			die_errno("cannot write '%s'", ready_file);
		}
		free(tmp);
	}
	while (sigwait(&set, &sig) == 0 && sig != SIGINT && sig != SIGTERM && sig != SIGHUP)
		;
	if (ready_file)
		unlink(ready_file);
	emulator_stop(em);
	if (!quiet)
		fprintf(stderr, "emulator: stopped\n");
	strbuf_release(&exports);
	string_list_clear(&faults);
	string_list_clear(&deny);
	string_list_clear(&workspaces);
	free(host);
	return 0;
}
