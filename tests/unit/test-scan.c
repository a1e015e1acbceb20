/*
 * Unit tests: the secret rules, one table of format-valid fakes (made for
 * these tests, never real credentials) and look-alikes per rule; JSON
 * units, redaction and fingerprints.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "scan.h"
#include "strbuf.h"

static struct scanner *sc;

/* "<n chars of a pseudo-random base64 alphabet run>" */
static char *b64run(size_t n, unsigned seed)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *s = malloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		s[i] = a[(seed >> 16) % 64];
	}
	s[n] = '\0';
	return s;
}

static char *alnumrun(size_t n, unsigned seed, const char *alphabet)
{
	size_t m = strlen(alphabet);
	char *s = malloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		s[i] = alphabet[(seed >> 16) % m];
	}
	s[n] = '\0';
	return s;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* Scan text as a file named path; return the rule of the first finding or "". */
static char first_rule[16];
static const char *scan_one(const char *path, const char *text)
{
	struct findings f = FINDINGS_INIT;

	first_rule[0] = '\0';
	scan_buffer(sc, path, text, strlen(text), NULL, &f);
	if (f.nr)
		snprintf(first_rule, sizeof(first_rule), "%s", f.items[0].rule);
	findings_release(&f);
	return first_rule;
}

struct row {
	const char *rule;   /* expected rule, or "" for a look-alike */
	char *text;
};

/*
 * A scanner builds its vector pass only after a megabyte (hooks scan a
 * few small files): "warm" has seen one, so every row is checked with
 * the byte loop and with the vector pass.
 */
static struct scanner *warm;

static void warm_up(void)
{
	struct findings f = FINDINGS_INIT;
	size_t n = 2 * 1024 * 1024;
	char *filler = malloc(n);

	warm = scanner_new(NULL);
	memset(filler, 'a', n);
	scan_buffer(warm, "filler.txt", filler, n, NULL, &f);
	findings_release(&f);
	free(filler);
}

static void check_rows(struct row *rows, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		const char *got = scan_one("fixture.txt", rows[i].text);
		struct scanner *cold = sc;

		if (strcmp(got, rows[i].rule))
			fail_msg("row %zu: expected '%s', got '%s' for: %.60s", i, rows[i].rule, got,
				 rows[i].text);
		sc = warm;
		got = scan_one("fixture.txt", rows[i].text);
		sc = cold;
		if (strcmp(got, rows[i].rule))
			fail_msg("row %zu, vector pass: expected '%s', got '%s' for: %.60s", i,
				 rows[i].rule, got, rows[i].text);
		free(rows[i].text);
	}
}

static void azure_key_formats(void **state)
{
	char *k76 = b64run(76, 1), *k33 = b64run(33, 2), *k86 = b64run(86, 3);
	char *k42 = alnumrun(42, 4, ALNUM), *k52 = alnumrun(52, 5, ALNUM);
	char *k18 = alnumrun(18, 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
	char *k44 = alnumrun(44, 7, ALNUM);
	struct row rows[] = {
		{ "SEC001", NULL }, { "SEC004", NULL }, { "SEC005", NULL }, { "SEC006", NULL },
		{ "SEC007", NULL }, { "SEC008", NULL }, { "SEC009", NULL }, { "SEC010", NULL },
		{ "SEC002", NULL }, { "SEC003", NULL },
		/* look-alikes */
		{ "", NULL }, { "", NULL }, { "", NULL }, { "", NULL }, { "", NULL },
	};

	(void)state;
	rows[0].text = xstrfmt("key: %s+ASt%.5sA==", k76, k33);
	rows[1].text = xstrfmt("%sACDb%.5sQ==", k76, k33);
	rows[2].text = xstrfmt("\"%s+ABa%.5sg==\"", k76, k33);
	rows[3].text = xstrfmt("relay key %s+ASb%.6s=", k33, k42);
	rows[4].text = xstrfmt("%sAzSeA%.5s", k42, k52);
	rows[5].text = xstrfmt("docker login -p %s+ACRB%.5s", k42, k33);
	rows[6].text = xstrfmt("%sAzFu%.5sw==", k44, k52);
	rows[7].text = xstrfmt("pat = %sJQQJ99%sAZDO%.4s", k52, k18, k42);
	rows[8].text = xstrfmt("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=%s==;", k86);
	rows[9].text = xstrfmt("HostName=h.azure-devices.net;SharedAccessKey=%.43s=", k86);
	/*
	 * The emulator's published key, a key of one repeated letter; a short
	 * key is no storage key (SEC001, SEC002) but still a random value
	 * named key (SEC055).
	 */
	rows[10].text = xstrfmt("AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");
	rows[11].rule = "SEC055";
	rows[11].text = xstrfmt("AccountKey=%.40s==", k86);
	rows[12].text = xstrfmt("AccountKey=<your-storage-key>;");
	rows[13].text = xstrfmt("%s+ASt%.5sA==extra", k76, k33);
	rows[14].text = xstrfmt("%sJQQJ79%sAZC2%.4s", k52, k18, k42);
	check_rows(rows, ARRAY_SIZE(rows));
	free(k76); free(k33); free(k86); free(k42); free(k52); free(k18); free(k44);
}

static void tokens_and_urls(void **state)
{
	char *gh = alnumrun(36, 11, ALNUM), *q = alnumrun(34, 12, ALNUM "._-");
	char *sig = b64run(43, 15);
	char *hex = alnumrun(40, 13, "0123456789abcdef"), *b32 = alnumrun(52, 14, "abcdefghijklmnopqrstuvwxyz234567");
	char *hex32 = alnumrun(32, 16, "0123456789abcdef"), *b62 = alnumrun(52, 17, ALNUM);
	struct row rows[56];
	size_t i = 0;

	(void)state;
#define ROW(id, ...) (rows[i].rule = (id), rows[i++].text = xstrfmt(__VA_ARGS__))
	ROW("SEC024", "GH_TOKEN=ghp_%s", gh);
	ROW("SEC013", "secret: abc8Q~%.34s", q);
	ROW("SEC026", "GITEA_TOKEN=%s", hex);
	ROW("SEC012", "azure devops token %s", b32);
	ROW("SEC016", "https://a.blob.core.windows.net/c?sv=2022-11-02&sr=c&sp=r&sig=%s%%3D", sig);
	/* a signature starting with a URL-encoded byte is a value, not a %VARIABLE% */
	ROW("SEC016", "https://a.blob.core.windows.net/c?sv=2022-11-02&sr=c&sp=r&sig=%%2F%s%%3D", sig);
	ROW("SEC017", "https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%%2Ftriggers&sv=1.0&sig=%s", gh);
	ROW("SEC021", "postgres://app:%.12s@db.internal:5432/x", gh);
	ROW("SEC020", "Server=tcp:x.database.windows.net;User ID=u;Password=%.14s;", gh);
	ROW("SEC022", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow%s\n-----END RSA PRIVATE KEY-----\n", gh);
	ROW("SEC023", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1bml0In0.%s", gh);
	ROW("SEC029", "bitbucket user:ATBB%s", gh);
	/* default credentials are still credentials; so is an empty user */
	ROW("SEC021", "redis://user:secret@localhost:6379");
	ROW("SEC021", "rediss://:%.32s=@cache.redis.cache.windows.net:6380", gh);
	/* a PEM key in base64; an encrypted PEM key; a password starting with '#' */
	ROW("SEC042", "EC_KEY_B64=LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUdaaGEyVXRhMlY1TFdadmNpMTFibWwwTFhSbGMzUnpMVzl1YkhrQW9Bb0dDQ3FHU000OQotLS0tLUVORCBFQyBQUklWQVRFIEtFWS0tLS0tCg==");
	ROW("SEC022", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
		"DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\nMIIEow%s\n", gh);
	ROW("SEC020", "Server=db,1433;User ID=app;Password=#%.10s;", gh);
	/* a legacy Entra secret may start with '~'; curl's user:password, quoted or not */
	ROW("SEC014", "AZURE_CLIENT_SECRET=~%.31s.", gh);
	ROW("SEC041", "curl -sw '%%{http_code}' --user  'ci:%.14s' https://ci.internal/api", gh);
	ROW("SEC041", "curl -u \":%.14s\" https://search.internal:9200", gh);
	/* keys recognised by the endpoint next to them */
	ROW("SEC037", "os.environ[\"OPENAI_API_BASE\"] = \"https://x.openai.azure.com/\"\n"
		"os.environ[\"OPENAI_API_KEY\"] = '%s'", hex32);
	ROW("SEC043", "endpoint: https://acme.search.windows.net\nadmin_key: %.52s", b62);
	ROW("SEC032", "JIRA_URL=https://acme.atlassian.net\njira %.24s", gh);
	ROW("SEC032", "Atlassian_key = \"%s\"", "QmvTrwXpLkaZnYbHcJdFgSeR");
	ROW("SEC040", "private const string SmtpPassword = \"mysmtppassword\";");
	ROW("SEC044", "<add key=\"SmtpPassword\" value=\"%.12s\" />", gh);
	/* a token as curl's user; a secret as the default of a lookup; a quoted credential */
	ROW("SEC041", "curl -u \"%.14s:\" https://api.internal/v1/charges", gh);
	ROW("SEC045", "token = os.getenv(\"API_TOKEN\", \"%.20s\")", gh);
	ROW("SEC045", "df.write.format(\"jdbc\").option(\"password\", \"%.14s\").save()", gh);
	ROW("SEC040", "\"credentials\": \"%s\"", hex);
	/* look-alikes */
	ROW("", "\"hubAccessKey\": \"abc123\"");
	ROW("", "<add key=\"SmtpPasswordSecretName\" value=\"smtp-password\" />");
	ROW("", "password_variable = \"SMTP_PASSWORD\"");
	ROW("", "see jira: IssueTrackerConnectorSvc.");
	ROW("", "search_endpoint: https://acme.search.windows.net\nindex_key: %.52s", "productsindexproductsindexproductsindexproductsindexp");
	ROW("", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	ROW("", "https://a.blob.core.windows.net/c?comp=list&restype=container");
	ROW("", "https://user:password@www.example.com/docs");
	ROW("", "Data Source=x;Password=$ENV_PASSWORD;");
	ROW("", "Data Source=x;Password=%%DB_PASSWORD%%;");
	ROW("", "-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----");
	ROW("", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
	ROW("", "password = mssparkutils.credentials.getSecret('kv', 'pw')");
	ROW("", "AZURE_CLIENT_SECRET=your-client-secret-here");
	ROW("", "AZURE_CLIENT_SECRET=~your-client-secret~");
	ROW("", "Password=**********;");
	ROW("", "http://localhost:8080@proxy.internal/");
	ROW("", "CA_B64=LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJzekNDQVZtZ0F3SUJBZ0lVWm1GclpTMWpaWEowTFdadmNpMTFibWwwTFhSbGMzUnoKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=");
	ROW("", "Server=db;User ID=app;Password=#{db_password};");
	ROW("", "curl --user \"$CI_USER:$CI_PASSWORD\" https://ci.internal/api");
	/* an empty value does not take the next line's; anti-forgery tokens; credential objects */
	ROW("", "GITHUB_API_KEY=\nDYNATRACE_API_KEY=\n");
	ROW("", "csrf-token=%s", sig);
	ROW("", "CREATE EXTERNAL DATA SOURCE s WITH (LOCATION = 'x', CREDENTIAL = WorkspaceIdentity)");
	ROW("", "client = SecretClient(vault_url=uri, credential=credential)");
	ROW("", "password = os.getenv(\"DB_PASSWORD\", \"changeme\")");
	ROW("", "curl -u \"username:\" https://api.internal/v1");
#undef ROW
	assert_int_equal(i, ARRAY_SIZE(rows));
	check_rows(rows, ARRAY_SIZE(rows));
	free(gh); free(q); free(hex); free(b32); free(sig); free(hex32); free(b62);
}

static void other_service_tokens(void **state)
{
	char *hex = alnumrun(32, 21, "0123456789abcdef"), *an = alnumrun(60, 22, ALNUM);
	char *b32 = alnumrun(16, 23, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
	char *uuid = xstrdup("3f2c9a4e-8b1d-4c6f-9e2a-7d5b1c3e8f04");
	struct row rows[24];
	size_t i = 0;

	(void)state;
#define ROW(id, ...) (rows[i].rule = (id), rows[i++].text = xstrfmt(__VA_ARGS__))
	ROW("SEC046", "spark.conf.set(\"databricks.token\", \"dapi%s\")", hex);
	ROW("SEC047", "\"url\": \"https://contoso.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/%s/%s\"",
	    uuid, uuid, hex, uuid);
	ROW("SEC048", "SLACK=xoxb-2718281828-3141592653-%.24s", an);
	ROW("SEC048", "https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/%.24s", an);
	ROW("SEC049", "aws_access_key_id = AKIA%s", b32);
	ROW("SEC050", "maps_key: AIza%.35s", an);
	ROW("SEC051", "OPENAI_API_KEY=sk-proj-%.20sT3BlbkFJ%.20s", an, an + 20);
	ROW("SEC052", "stripe.api_key = \"sk_live_%.24s\"", an);
	ROW("SEC052", "//registry.npmjs.org/:_authToken=npm_%.36s", an);
	ROW("SEC052", "GITLAB_TOKEN=glpat-%.20s", an);
	/* HTTP headers in a Web activity: basic (svc_export:Winter2024!Synapse), bearer */
	ROW("SEC053", "\"Authorization\": \"Basic c3ZjX2V4cG9ydDpXaW50ZXIyMDI0IVN5bmFwc2U=\"");
	ROW("SEC054", "\"X-Api-Token\": \"Bearer %.32s\"", an);
	/* look-alikes */
	ROW("", "\"Authorization\": \"Basic dXNlcjpwYXNzd29yZA==\"");  /* user:password */
	ROW("", "authentication: Basic authentication over TLS only");
	ROW("", "\"Authorization\": \"Bearer @{activity('GetToken').output.access_token}\"");
	ROW("", "\"tokenType\": \"Bearer\", \"expiresIn\": 4742");
	ROW("", "dapi%.31s", hex);
	ROW("", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE");
	ROW("", "aws_access_key_id = AKIAABCDEFGHIJKLMNOP");
	ROW("", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX");
	ROW("", "sk_test_%.24s", an);
	ROW("", "npm_config_registry=https://registry.npmjs.org/");
	ROW("", "AIzaSy-your-google-api-key-goes-here-please");
	ROW("", "xoxb-not-a-token");
#undef ROW
	assert_int_equal(i, ARRAY_SIZE(rows));
	check_rows(rows, ARRAY_SIZE(rows));
	free(hex); free(an); free(b32); free(uuid);
}

/* The rules the tests above do not reach, each with a fake of its format. */
static void every_rule_has_a_fake(void **state)
{
	char *an = alnumrun(200, 31, ALNUM), *hex = alnumrun(40, 32, "0123456789abcdef");
	char *b64 = b64run(86, 33), *az = alnumrun(40, 34, ALNUM "_-");
	struct row rows[30];
	size_t i = 0;

	(void)state;
#define ROW(id, ...) (rows[i].rule = (id), rows[i++].text = xstrfmt(__VA_ARGS__))
	ROW("SEC011", "key=%.52sJQQJ9D%.18sXY12%.4s", an, an + 60, an + 90);
	ROW("SEC015", "refresh_token: 0.A%.30s.AQ%.160s", az, an);
	ROW("SEC018", "https://fn-ingest.azurewebsites.net/api/Load?code=%.40s", az);
	ROW("SEC019", "FUNCTION_KEY=%.40s", az);
	ROW("SEC025", "GITHUB_TOKEN=%s", hex);
	ROW("SEC027", "ATATT3%.180s", an);
	ROW("SEC028", "token ATCTT3xFfG%.60s", an);
	/* Data Center tokens: base64 of twelve digits, a colon and random bytes */
	ROW("SEC030", "BBDC-MTIzNDU2Nzg5MDEyOkFiQ2RFZkdoSWpLbE1uT3BRclN0");
	ROW("SEC031", "jira_pat: OTg3NjU0MzIxMDk4Olp5WHdWdVRzUnFQb05tTGtKaUhn");
	ROW("SEC033", "BITBUCKET_APP_PASSWORD=%.40s", an);
	ROW("SEC034", "Ocp-Apim-Subscription-Key: %.32s", hex);
	ROW("SEC035", "https://contoso.management.azure-api.net SharedAccessSignature "
		"uid=integration&202601010000&%s==", b64);
	ROW("SEC036", "Endpoint=https://contoso.azconfig.io;Id=AbC1-l0-s0:Xyz;Secret=%.43s=", b64);
	ROW("SEC038", "search_admin_key = %.52s", an);
	ROW("SEC039", "BatchAccount(url='https://acct.westeurope.batch.azure.com', key='%s==')", b64);
	ROW("SEC055", "azureKey: %.52s", an);
	ROW("SEC056", "client = CosmosClient(\"https://acct.documents.azure.com:443/\", \"%s==\")", b64);
	ROW("SEC043", "<id>https://acme.search.windows.net</id><secret>%.52s</secret>", an);
	ROW("SEC057", "$authKey = 'IR@3f2c9a4e-8b1d-4c6f-9e2a-7d5b1c3e8f04@contoso-syn@ServiceEndpoint=contoso-syn.dev.azuresynapse.net@%.44s='", b64);
	ROW("", "$authKey = 'IR@<guid>@<workspace>@<endpoint>@<key>'");
	/* the same key without an endpoint is no one's */
	ROW("", "client = Client(\"https://acct.example.org/\", \"%s==\")", b64);
	/* look-alikes */
	ROW("", "\"partitionKey\": \"customerAccountIdentifier\"");
	ROW("", "idempotencyKey = 3f2c9a4e-8b1d-4c6f-9e2a-7d5b1c3e8f04");
	ROW("", "\"publicKey\": \"%.64s\"", an);
	ROW("", "emulatorKey: Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");
	ROW("", "BBDC-%.44s", an);          /* does not decode to digits and a colon */
	ROW("", "FUNCTION_KEY=%s", "your-function-key-here-please");
	ROW("", "Ocp-Apim-Subscription-Key: {{subscription-key}}");
	ROW("", "https://fn-ingest.azurewebsites.net/api/Load?code=@{pipeline().parameters.code}");
	ROW("", "refresh_token: 0.A.AQ");
#undef ROW
	assert_int_equal(i, ARRAY_SIZE(rows));
	check_rows(rows, ARRAY_SIZE(rows));
	free(an); free(hex); free(b64); free(az);
}

static void json_strings_are_unescaped_and_located(void **state)
{
	struct findings f = FINDINGS_INIT;
	const char *doc =
		"{\n\t\"name\": \"PL\",\n\t\"properties\": {\n\t\t\"activities\": [\n"
		"\t\t\t{\"typeProperties\": {\"url\": \"https:\\/\\/a.blob.core.windows.net\\/c?sv=2022-11-02\\u0026sr=c\\u0026sig=Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1zaWduYXR1cmUx%3D\"}}\n"
		"\t\t]\n\t}\n}\n";

	(void)state;
	scan_buffer(sc, "pipeline/PL.json", doc, strlen(doc), NULL, &f);
	assert_int_equal(f.nr, 1);
	assert_string_equal(f.items[0].rule, "SEC016");
	assert_string_equal(f.items[0].pointer, "/properties/activities/0/typeProperties/url");
	assert_int_equal(f.items[0].line, 5);
	assert_null(strstr(f.items[0].excerpt, "c2ln"));
	assert_string_equal(f.items[0].excerpt, "Zm9y... (51 characters)");
	findings_release(&f);
}

static void linked_service_inline_secret(void **state)
{
	struct findings f = FINDINGS_INIT;
	const char *inl = "{\"name\":\"LS\",\"properties\":{\"type\":\"AzureSqlDatabase\",\"typeProperties\":"
			  "{\"password\":{\"type\":\"SecureString\",\"value\":\"Winter2024Winter\"}}}}";
	const char *kv = "{\"name\":\"LS\",\"properties\":{\"type\":\"AzureSqlDatabase\",\"typeProperties\":"
			 "{\"password\":{\"type\":\"AzureKeyVaultSecret\",\"store\":{\"referenceName\":\"KV\"},"
			 "\"secretName\":\"sql\"}}}}";
	const char *masked = "{\"name\":\"LS\",\"properties\":{\"typeProperties\":"
			     "{\"password\":{\"type\":\"SecureString\",\"value\":\"**********\"}}}}";

	(void)state;
	scan_buffer(sc, "linkedService/LS.json", inl, strlen(inl), NULL, &f);
	assert_int_equal(f.nr, 1);
	assert_string_equal(f.items[0].rule, "SEC100");
	assert_string_equal(f.items[0].pointer, "/properties/typeProperties/password/value");
	findings_release(&f);
	scan_buffer(sc, "linkedService/LS.json", kv, strlen(kv), NULL, &f);
	assert_int_equal(f.nr, 0);
	scan_buffer(sc, "linkedService/LS.json", masked, strlen(masked), NULL, &f);
	assert_int_equal(f.nr, 0);
	findings_release(&f);
}

static int has_finding(const struct findings *f, const char *rule, const char *pointer)
{
	for (size_t i = 0; i < f->nr; i++)
		if (!strcmp(f->items[i].rule, rule) &&
		    (!pointer || (f->items[i].pointer && !strcmp(f->items[i].pointer, pointer))))
			return 1;
	return 0;
}

static void structural_rules(void **state)
{
	struct findings f = FINDINGS_INIT;
	const char *ls = "{\"name\":\"LS\",\"properties\":{\"type\":\"AzureDataLakeStore\","
			 "\"typeProperties\":{\"servicePrincipalId\":\"3f2c9a4e\","
			 "\"servicePrincipalKey\":\"Pl41nT3xtS3cretValue\"}}}";
	const char *pl = "{\"name\":\"PL\",\"properties\":{\"activities\":[],\"parameters\":"
			 "{\"token\":{\"type\":\"SecureString\",\"defaultValue\":\"q8Zr2LmT5vXw\"},"
			 "\"mask\":{\"type\":\"SecureString\",\"defaultValue\":\"**********\"}}}}";
	const char *kv = "{\"name\":\"LS\",\"properties\":{\"typeProperties\":"
			 "{\"servicePrincipalKey\":\"@{linkedService().key}\"}}}";

	(void)state;
	/* a secret field of a linked service, as a plain string */
	scan_buffer(sc, "linkedService/LS.json", ls, strlen(ls), NULL, &f);
	assert_true(has_finding(&f, "SEC101", "/properties/typeProperties/servicePrincipalKey"));
	findings_release(&f);
	/* a secure parameter's literal default; a masked one is not */
	scan_buffer(sc, "pipeline/PL.json", pl, strlen(pl), NULL, &f);
	assert_int_equal(f.nr, 1);
	assert_true(has_finding(&f, "SEC102", "/properties/parameters/token/defaultValue"));
	findings_release(&f);
	/* an expression is a reference, not a secret */
	scan_buffer(sc, "linkedService/LS.json", kv, strlen(kv), NULL, &f);
	assert_int_equal(f.nr, 0);
	findings_release(&f);
}

static void parameters_named_like_secrets(void **state)
{
	struct findings f = FINDINGS_INIT;
	const char *pl =
		"{\"name\":\"PL\",\"properties\":{\"activities\":[],\"parameters\":{\n"
		"\"apiKey\":{\"type\":\"string\",\"defaultValue\":\"k8Jd92LmQ0zXv7TnR4wYp1Ba\"},\n"
		"\"sqlPassword\":{\"type\":\"string\",\"defaultValue\":\"Winter2024!Load\"},\n"
		"\"tokenUrl\":{\"type\":\"string\",\"defaultValue\":\"https://login.example.org/token\"},\n"
		"\"KeyVaultSecretValue\":{\"type\":\"string\",\"defaultValue\":\"sqladmin-password\"},\n"
		"\"clientSecret\":{\"type\":\"string\",\"defaultValue\":\"@pipeline().globalParameters.x\"},\n"
		"\"secretName\":{\"type\":\"string\",\"defaultValue\":\"sql-admin-2024\"},\n"
		"\"folder\":{\"type\":\"string\",\"defaultValue\":\"raw/sales/2024\"}}}}\n";
	const char *ls = "{\"name\":\"LS\",\"properties\":{\"type\":\"AzureSqlDatabase\",\"parameters\":"
			 "{\"dbPassword\":{\"type\":\"String\",\"defaultValue\":\"Str0ng#Pass\"}},"
			 "\"typeProperties\":{\"connectionString\":\"Server=x;Database=y\"}}}";
	const char *arm = "{\"parameters\":{"
			  "\"sqlAdministratorLogin\":{\"value\":\"sqladminuser\"},"
			  "\"sqlAdministratorLoginPassword\":{\"value\":\"Tr4ck!ng#Synapse24\"},"
			  "\"vmAdminPassword\":{\"reference\":{\"keyVault\":{\"id\":\"/subscriptions/x\"},"
			  "\"secretName\":\"vm-admin\"}}}}";

	(void)state;
	/* a pipeline: the text tells which objects to parse */
	scan_buffer(sc, "pipeline/PL.json", pl, strlen(pl), NULL, &f);
	assert_int_equal(f.nr, 2);
	assert_true(has_finding(&f, "SEC103", "/properties/parameters/apiKey/defaultValue"));
	assert_true(has_finding(&f, "SEC103", "/properties/parameters/sqlPassword/defaultValue"));
	assert_int_equal(f.items[0].line, 2);
	findings_release(&f);
	/* a linked service: parsed whole */
	scan_buffer(sc, "linkedService/LS.json", ls, strlen(ls), NULL, &f);
	assert_true(has_finding(&f, "SEC103", "/properties/parameters/dbPassword/defaultValue"));
	findings_release(&f);
	/* an ARM parameters file gives values, where a Key Vault reference belongs */
	scan_buffer(sc, "infra/azuredeploy.parameters.json", arm, strlen(arm), NULL, &f);
	assert_int_equal(f.nr, 1);
	assert_true(has_finding(&f, "SEC103", "/parameters/sqlAdministratorLoginPassword/value"));
	findings_release(&f);
}

static void lines_and_columns_far_into_a_file(void **state)
{
	struct findings f = FINDINGS_INIT;
	struct strbuf doc = STRBUF_INIT;
	char *gh = alnumrun(36, 41, ALNUM), *gh2 = alnumrun(36, 42, ALNUM);

	(void)state;
	for (int i = 1; i <= 100; i++) {
		if (i == 77)
			strbuf_addf(&doc, "tok = 1; x = ghp_%s; y = ghp_%s\n", gh, gh2);
		else
			strbuf_addf(&doc, "line %3d of plain text, nothing to see here\n", i);
	}
	scan_buffer(sc, "notes.txt", doc.buf, doc.len, NULL, &f);
	assert_int_equal(f.nr, 2);
	assert_int_equal(f.items[0].line, 77);
	assert_int_equal(f.items[0].column, 14);
	assert_int_equal(f.items[1].line, 77);
	assert_int_equal(f.items[1].column, 14 + 4 + 36 + 6);
	findings_release(&f);
	strbuf_release(&doc);
	free(gh);
	free(gh2);
}

static void fingerprints_ignore_lines(void **state)
{
	char *a = scan_fingerprint("SEC023", "p.json", "secret-value", 12);
	char *b = scan_fingerprint("SEC023", "p.json", "secret-value", 12);
	char *c = scan_fingerprint("SEC023", "q.json", "secret-value", 12);

	(void)state;
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_null(strstr(a, "secret-value"));
	free(a);
	free(b);
	free(c);
}

static void placeholders_and_redaction(void **state)
{
	char *r;

	(void)state;
	assert_true(scan_is_placeholder("**********", 10));
	assert_true(scan_is_placeholder("<storage-key>", 13));
	assert_true(scan_is_placeholder("[parameters('k')]", 17));
	assert_true(scan_is_placeholder("@pipeline().parameters.k", 24));
	assert_false(scan_is_placeholder("q7Lm2Xv9Rt", 10));
	r = scan_redact("abcdefghijklmnopqrst", 20);
	assert_string_equal(r, "abcd... (20 characters)");
	free(r);
	r = scan_redact("hunter2", 7);
	assert_string_equal(r, "h... (7 characters)");
	free(r);
	assert_true(scan_entropy("aaaa", 4) < 0.01);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(azure_key_formats),
		cmocka_unit_test(tokens_and_urls),
		cmocka_unit_test(other_service_tokens),
		cmocka_unit_test(every_rule_has_a_fake),
		cmocka_unit_test(json_strings_are_unescaped_and_located),
		cmocka_unit_test(linked_service_inline_secret),
		cmocka_unit_test(structural_rules),
		cmocka_unit_test(parameters_named_like_secrets),
		cmocka_unit_test(lines_and_columns_far_into_a_file),
		cmocka_unit_test(fingerprints_ignore_lines),
		cmocka_unit_test(placeholders_and_redaction),
	};
	int ret;

	sc = scanner_new(NULL);
	warm_up();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	scanner_free(sc);
	scanner_free(warm);
	return ret;
}
