/*
 * git synapse auth: which credential would be used, and until when.
 */
#include "auth.h"
#include "config.h"
#include "http.h"
#include "parse-options.h"
#include "source.h"
#include "usage.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const auth_usage[] = {
	"git synapse auth [--env <env>] [--format=text|json] [-v] [status]",
	"git synapse auth [--env <env>] token",
	NULL
};

static void log_line(void *data, const char *line)
{
	(void)data;
	fprintf(stderr, "http: %s\n", line);
}

int main(int argc, const char **argv)
{
	const char *env_name = NULL, *format = "text", *action = "status";
	int verbose = 0, ret = 0;
	git_repository *repo = NULL;
	struct config cfg = CONFIG_INIT;
	struct synapse_env env;
	struct auth a;
	struct http_options ho = HTTP_OPTIONS_INIT;
	const char *token, *audience;
	const struct cloud *cloud;
	time_t exp;
	const struct option options[] = {
		OPT_STRING(0, "env", &env_name, "env", "the environment ([env \"<env>\"] in the configuration)"),
		OPT_STRING(0, "format", &format, "format", "text or json"),
		OPT__VERBOSE(&verbose),
		OPT_END(),
	};

	argc = parse_options(argc, argv, options, auth_usage, "git-synapse-auth");
	if (argc > 1)
		usage_msg_opt("too many arguments", auth_usage, options);
	if (argc == 1)
		action = argv[0];
	if (strcmp(action, "status") && strcmp(action, "token"))
		usage_msg_opt("expected 'status' or 'token'", auth_usage, options);
	if (strcmp(format, "text") && strcmp(format, "json"))
		usage_msg_opt("--format takes text or json", auth_usage, options);

	memset(&env, 0, sizeof(env));
	if (repo_open(&repo) && repo)
		die("%s", last_error());
	if (config_load(&cfg, repo, NULL))
		die("%s", last_error());
	if (env_name && synapse_env_load(&env, &cfg, env_name)) {
		error("%s", last_error());
		hint("set it with: git config env.%s.workspace <workspace-name>", env_name);
		ret = 128;
		goto cleanup;
	}
	cloud = cloud_by_name(env.cloud);
	audience = cloud ? cloud->audience : "https://dev.azuresynapse.net";
	ho.ca_bundle = env.ca_bundle;
	ho.max_retries = 3;
	ho.deadline_ms = 60000;
	if (verbose) {
		ho.log_fn = log_line;
		ho.log_data = NULL;
	}
	if (auth_init(&a, env.auth, env.cloud, &ho))
		die("%s", last_error());
	if (auth_get_token(&a, audience, 0, &token, &exp)) {
		error("no token for '%s': %s", audience, last_error());
		if (a.source != AUTH_SOURCE_NONE)
			hint("the credential came from: %s", auth_source_name(a.source));
		else
			hint("set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or run 'az login'");
		auth_release(&a);
		ret = 128;
		goto cleanup;
	}
	if (!strcmp(action, "token")) {
		printf("%s\n", token);
	} else if (!strcmp(format, "json")) {
		json_t *o = json_pack("{s:s?, s:s, s:s?, s:s?, s:s?, s:s, s:s?, s:I, s:I}",
				      "env", env.name, "source", auth_source_name(a.source),
				      "tenant", a.tenant, "client", a.client_id,
				      "principal", a.principal, "audience", audience,
				      "endpoint", env.endpoint, "expires_on", (json_int_t)exp,
				      "expires_in", (json_int_t)(exp - time(NULL)));
		char *text = json_dumps(o, JSON_INDENT(2));

		printf("%s\n", text);
		free(text);
		json_decref(o);
	} else {
		struct tm tm;
		char when[64];
		long left = (long)(exp - time(NULL));

		gmtime_r(&exp, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		if (env.name)
			printf("env:      %s\n", env.name);
		printf("source:   %s\n", auth_source_name(a.source));
		printf("tenant:   %s\n", a.tenant ? a.tenant : "(unknown)");
		printf("client:   %s\n", a.client_id ? a.client_id : "(unknown)");
		printf("audience: %s\n", audience);
		if (env.endpoint)
			printf("endpoint: %s\n", env.endpoint);
		printf("expires:  %s (in %ld min)\n", when, left / 60);
	}
	auth_release(&a);
cleanup:
	synapse_env_release(&env);
	config_release(&cfg);
	if (repo)
		git_repository_free(repo);
	return ret;
}
