/*
 * The secret rules, in one table. Each pattern is PCRE2 (compiled with
 * JIT); the named group "s" is the secret, otherwise the whole match.
 * Keywords are the literal prefilter: a rule runs only on text where one
 * of them occurs (case-insensitively), so they must be in every match.
 * The prefilter looks at a keyword's first four bytes (teddy.c), then
 * its first two, so a keyword is the part of the word that starts rare
 * ("cret" rather than "secret", "TT3" rather than "ATATT3", "4Q~" for
 * the digit before an Entra secret's "Q~"): the regular expression
 * checks the rest. Keywords of three bytes or more filter far better
 * than two.
 *
 * Formats follow the issuers' own documentation where there is one
 * (Microsoft's identifiable keys carry a fixed signature at a fixed
 * offset); context rules (a legacy key next to "AccountKey") need the
 * context in the same JSON string, or in the key naming it.
 */
#include "scan.h"
#include "base64.h"
#include "strbuf.h"
#include "usage.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static int unit_has(const struct scan_match *m, const char *needle)
{
	size_t n = strlen(needle);

	if (n > m->unit_len)
		return 0;
	for (size_t i = 0; i + n <= m->unit_len; i++)
		if (!strncasecmp(m->unit + i, needle, n))
			return 1;
	return 0;
}

static int v_storage_key(const struct scan_match *m)
{
	return !scan_is_emulator_key(m->unit + m->s_start, m->s_end - m->s_start);
}

/* A JWT: a header that decodes to a JSON object naming alg or typ, a JSON payload. */
static int v_jwt(const struct scan_match *m)
{
	const char *s = m->unit + m->s_start, *dot, *end = m->unit + m->s_end;
	unsigned char buf[512];
	size_t n, i;

	dot = memchr(s, '.', (size_t)(end - s));
	if (!dot)
		return 0;
	n = base64_decode_prefix(s, (size_t)(dot - s), buf, sizeof(buf));
	for (i = 0; i < n && isspace(buf[i]); i++)
		;
	if (i == n || buf[i] != '{')
		return 0;
	while (n && isspace(buf[n - 1]))
		n--;
	if (!n || buf[n - 1] != '}')
		return 0;
	if (!scan_memmem(buf, n, "\"alg\"", 5) && !scan_memmem(buf, n, "\"typ\"", 5) &&
	    !scan_memmem(buf, n, "alg", 3) && !scan_memmem(buf, n, "typ", 3))
		return 0;
	s = dot + 1;
	n = base64_decode_prefix(s, (size_t)(end - s), buf, 8);
	for (i = 0; i < n && isspace(buf[i]); i++)
		;
	return i < n && buf[i] == '{';
}

/* A SAS signature comes with the other SAS parameters. */
static int v_sas(const struct scan_match *m)
{
	return unit_has(m, "sv=") || unit_has(m, "se=") || unit_has(m, "sp=") ||
	       unit_has(m, "sr=") || unit_has(m, "dsas_");
}

/* A PEM private key wrapped in base64 (Kubernetes secrets, CI variables). */
static int v_pem_b64(const struct scan_match *m)
{
	unsigned char buf[96];
	size_t n = base64_decode_prefix(m->unit + m->s_start, m->s_end - m->s_start, buf, sizeof(buf));

	return n > 16 && !memcmp(buf, "-----BEGIN ", 11) && scan_memmem(buf, n, "PRIVATE KEY-----", 16);
}

/* Atlassian Data Center tokens: base64 of "<12 digits>:<random>". */
static int v_dc_pat(const struct scan_match *m)
{
	const char *s = m->unit + m->s_start;
	size_t n = m->s_end - m->s_start;
	unsigned char buf[16];
	size_t got;

	if (n > 5 && !strncmp(s, "BBDC-", 5)) {
		s += 5;
		n -= 5;
	}
	got = base64_decode_prefix(s, n, buf, 13);
	if (got < 13)
		return 0;
	for (int i = 0; i < 12; i++)
		if (!isdigit(buf[i]))
			return 0;
	return buf[12] == ':';
}

static int v_apim_direct(const struct scan_match *m)
{
	return unit_has(m, "azure-api.net");
}

static int v_openai(const struct scan_match *m)
{
	return unit_has(m, "openai.azure.com") || unit_has(m, "azure_openai") ||
	       unit_has(m, "openai_api_type=azure");
}

static int v_batch(const struct scan_match *m)
{
	return unit_has(m, "https://") && unit_has(m, ".batch.azure.com");
}

/* How many lower case letters, upper case letters and digits the secret has */
struct classes {
	size_t lower, upper, digit;
};

static struct classes secret_classes(const struct scan_match *m)
{
	struct classes c = { 0, 0, 0 };

	for (size_t i = m->s_start; i < m->s_end; i++) {
		unsigned char ch = (unsigned char)m->unit[i];

		c.lower += islower(ch) != 0;
		c.upper += isupper(ch) != 0;
		c.digit += isdigit(ch) != 0;
	}
	return c;
}

static int has_digit_and_letter(const char *s, size_t n)
{
	int d = 0, a = 0;

	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			d = 1;
		else if (isalpha((unsigned char)s[i]))
			a = 1;
	}
	return d && a;
}

static int v_digit_letter(const struct scan_match *m)
{
	return has_digit_and_letter(m->unit + m->s_start, m->s_end - m->s_start);
}

/* A key id mixes letters and digits: "AKIAABCDEFGHIJKLMNOP" is a name */
static int v_aws_key_id(const struct scan_match *m)
{
	return has_digit_and_letter(m->unit + m->s_start, m->s_end - m->s_start);
}

/* A search admin key is random: upper and lower case, and digits (ADO's are lower case) */
static int v_search(const struct scan_match *m)
{
	struct classes c = secret_classes(m);

	return c.lower && c.upper && c.digit && unit_has(m, ".search.windows.net");
}

/*
 * Azure's 512-bit keys (Cosmos DB, APIM management) near an endpoint.
 * Storage keys have their own rules: storage URLs are in every other
 * pipeline, and looking near each would cost more than it finds.
 */
static int v_key_endpoint(const struct scan_match *m)
{
	return (unit_has(m, ".documents.azure.com") || unit_has(m, ".cosmos.azure.com") ||
		unit_has(m, ".azure-api.net")) && v_storage_key(m);
}

/*
 * A legacy Atlassian token: random, so with lowercase and uppercase
 * letters; right after "jira" with no "token" or "key" between, a digit
 * too, or a CamelCase name would pass.
 */
static int v_atlassian(const struct scan_match *m)
{
	static const char *const named[] = { "token", "key", "pass", "pwd", "secret", NULL };
	struct classes c = secret_classes(m);

	if (!c.lower || !c.upper)
		return 0;
	for (int k = 0; !c.digit && named[k]; k++)
		for (size_t i = m->start; i + strlen(named[k]) <= m->s_start; i++)
			if (!strncasecmp(m->unit + i, named[k], strlen(named[k])))
				return 1;
	return c.digit != 0;
}

static int is_placeholder_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"password", "passwd", "pass", "pwd", "secret", "token", "key", "changeme",
		"none", "null", "nil", "true", "false", "undefined", "user", "username",
		"admin", "test", "apikey", "api_key", "value", "string", "empty", NULL
	};

	for (int i = 0; words[i]; i++)
		if (strlen(words[i]) == n && !strncasecmp(s, words[i], n))
			return 1;
	return 0;
}

/* example.com, example.org, example.net and their subdomains (RFC 2606) */
static int is_doc_host(const char *h, size_t n)
{
	static const char *const tlds[] = { "com", "org", "net", NULL };
	size_t end = 0;

	while (end < n && h[end] != ':' && h[end] != '/')
		end++;
	for (int i = 0; tlds[i]; i++) {
		char suffix[16];
		size_t l = (size_t)snprintf(suffix, sizeof(suffix), "example.%s", tlds[i]);

		if (end >= l && !strncasecmp(h + end - l, suffix, l) &&
		    (end == l || h[end - l - 1] == '.'))
			return 1;
	}
	return 0;
}

/* user:password@host */
static int v_url_creds(const struct scan_match *m)
{
	const char *s = m->unit + m->s_start;
	size_t n = m->s_end - m->s_start;
	const char *host = m->unit + m->s_end + 1;
	size_t hn = 0;

	while (m->s_end + 1 + hn < m->unit_len &&
	       (isalnum((unsigned char)host[hn]) || strchr(".-_:", host[hn])))
		hn++;
	/*
	 * "user:secret@localhost" stays a finding: default credentials are
	 * the first ones tried. A placeholder word on a documentation host
	 * (example.com) is documentation.
	 */
	if (is_placeholder_word(s, n) && is_doc_host(host, hn))
		return 0;
	/* "scheme://host:port@..." is not a password */
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 1;
	return 0;
}

static int is_lower_word(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]))
			return 0;
	return 1;
}

/* "process.env.PASSWORD", "self.secret": a variable, not a value. */
static int is_reference(const char *s, size_t n)
{
	size_t i = 0;
	int dots = 0;

	while (i < n) {
		size_t start = i;

		if (!(isalpha((unsigned char)s[i]) || s[i] == '_' || s[i] == '$'))
			return 0;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$'))
			i++;
		if (i == start)
			return 0;
		if (i < n) {
			if (s[i] != '.' || i + 1 == n)
				return 0; /* "a.b." is not a path to a variable */
			dots++;
			i++;
		}
	}
	return dots > 0;
}

/*
 * key = value assignments: the value must look like a literal, not code
 * (a call, a variable, a path), and must not just repeat a keyword.
 */
/*
 * Where the name ends in a keyword the pattern starts at the keyword (a
 * pattern that starts with a word of any length tries every word of the
 * text): the name is the identifier before the match, up to 40 bytes.
 */
static size_t name_start(const struct scan_match *m)
{
	size_t i = m->start;

	while (i > 0 && i + 40 > m->start &&
	       (isalnum((unsigned char)m->unit[i - 1]) || strchr("_.-", m->unit[i - 1])))
		i--;
	return i;
}

static int v_assignment(const struct scan_match *m)
{
	const char *s = m->unit + m->s_start;
	size_t n = m->s_end - m->s_start;
	size_t ks = name_start(m);
	const char *k = m->unit + ks;
	size_t kn = m->s_start - ks;
	int quoted = m->s_start > 0 && m->unit[m->s_start - 1] &&
		     strchr("\"'", m->unit[m->s_start - 1]);

	if (is_placeholder_word(s, n))
		return 0;
	if (!isalnum((unsigned char)s[0]))
		return 0;
	if (is_reference(s, n))
		return 0;
	if (memchr(s, '&', n) && memchr(s, '=', n))
		return 0; /* a query string */
	if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1]))
		return 0;
	if (s[0] == '/' || s[0] == '(' || s[0] == '.')
		return 0;
	if (memchr(s, '(', n) || scan_memmem(s, n, " + ", 3) || scan_memmem(s, n, "()", 2) || scan_memmem(s, n, "://", 3))
		return 0;
	/*
	 * The value names the thing instead of being it ("DB_PASSWORD",
	 * "secret-name", "api.token"); a quoted word of lowercase letters
	 * ("mypassword") is a weak password, not a name.
	 */
	if (!(quoted && is_lower_word(s, n)))
		for (size_t i = 0; i + 5 <= n; i++)
			if (!strncasecmp(s + i, "passw", 5) || !strncasecmp(s + i, "secre", 5) ||
			    !strncasecmp(s + i, "token", 5))
				if (n < 24 || !has_digit_and_letter(s, n))
					return 0;
	/*
	 * "credential" names objects more often than secrets (SQL's
	 * CREDENTIAL = WorkspaceIdentity, credential=credential): only a
	 * quoted value with letters and digits counts.
	 */
	for (size_t i = 0; i + 10 <= kn; i++)
		if (!strncasecmp(k + i, "credential", 10) && (!quoted || !has_digit_and_letter(s, n)))
			return 0;
	/* public keys, encrypted blobs, anti-forgery tokens: not secrets */
	for (size_t i = 0; i + 4 <= kn; i++)
		if (!strncasecmp(k + i, "csrf", 4) || !strncasecmp(k + i, "xsrf", 4) ||
		    (i + 6 <= kn && (!strncasecmp(k + i, "public", 6) || !strncasecmp(k + i, "encryp", 6))))
			return 0;
	/* unquoted, an identifier-like word of lowercase letters is a variable */
	if (!quoted && !memchr(s, ' ', n) && n < 12) {
		size_t i;

		for (i = 0; i < n && (islower((unsigned char)s[i]) || s[i] == '_'); i++)
			;
		if (i == n)
			return 0;
	}
	return 1;
}

/* "Basic <base64>": the base64 must decode to user:password, printable */
static int v_basic_auth(const struct scan_match *m)
{
	unsigned char buf[384];
	size_t n = base64_decode_prefix(m->unit + m->s_start, m->s_end - m->s_start,
					buf, sizeof(buf)), colon = 0;

	if (!n || n == sizeof(buf))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			return 0;
		if (buf[i] == ':' && !colon)
			colon = i + 1;
	}
	if (!colon || colon == n)
		return 0;
	return !is_placeholder_word((const char *)buf + colon, n - colon) &&
	       !scan_is_placeholder((const char *)buf + colon, n - colon);
}

/*
 * A value that looks generated: a few upper and lower case letters and a
 * digit (a random string of 24 or more has several of each), a literal,
 * and not the storage emulator's published key.
 */
static int v_random_key(const struct scan_match *m)
{
	struct classes c = secret_classes(m);

	return c.lower >= 2 && c.upper >= 2 && c.digit >= 1 && v_assignment(m) &&
	       !scan_is_emulator_key(m->unit + m->s_start, m->s_end - m->s_start);
}

static int v_conn_password(const struct scan_match *m)
{
	const char *s = m->unit + m->s_start;
	size_t n = m->s_end - m->s_start;

	if (n < 4 || is_reference(s, n))
		return 0;
	if (s[n - 1] == '(')
		return 0; /* password = os.getenv(...): a call */

	if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_!.~+-?%^&=#",
		    s[0]))
		return 0;
	if (s[0] == '#' && n > 1 && s[1] == '{')
		return 0; /* a template: #{...} */
	if (n == 4 && !strncasecmp(s, "none", 4))
		return 0;
	if (n == 4 && !strncasecmp(s, "null", 4))
		return 0;
	return 1;
}

/*
 * Entra ID secrets of the legacy format may start with any character of
 * their alphabet ("~", ".", "-", "_"); the value is judged from its first
 * letter or digit on.
 */
static int v_client_secret(const struct scan_match *m)
{
	struct scan_match t = *m;

	while (t.s_end - t.s_start > 16 && strchr("~.-_", t.unit[t.s_start]))
		t.s_start++;
	return v_assignment(&t) && v_digit_letter(&t);
}

static int v_curl(const struct scan_match *m)
{
	const char *s = m->unit + m->s_start;
	size_t n = m->s_end - m->s_start;

	if (is_placeholder_word(s, n))
		return 0;
	/* "-u token:", an API key as the user: random, not a name */
	if (m->s_end < m->unit_len && m->unit[m->s_end] == ':' &&
	    (!has_digit_and_letter(s, n) || scan_entropy(s, n) < 3.0))
		return 0;
	/* the user part (back to the option) must be a literal too */
	for (size_t i = m->s_start; i > m->start && !isspace((unsigned char)m->unit[i - 1]); i--)
		if (m->unit[i - 1] == '$' || m->unit[i - 1] == '{')
			return 0;
	return 1;
}

#define B64 "A-Za-z0-9+/"
#define NB64_BEFORE "(?<![" B64 "])"
#define NB64_AFTER "(?![" B64 "=])"

const struct scan_rule scan_builtin_rules[] = {
	{ "SEC001", "azure-storage-key", "azure_storage_key",
	  "Azure Storage account key",
	  NB64_BEFORE "(?<s>[" B64 "]{76}\\+ASt[" B64 "]{5}[AQgw]==)" NB64_AFTER,
	  "+ASt", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC002", "azure-account-key", "azure_storage_key",
	  "Azure account key (Storage, Cosmos DB) next to its name",
	  "(?i:(?:account|storage|shared|access|primary|secondary|master|cosmos(?:db)?|documentdb|azure)"
	  "[_.\\- ]?(?:access[_.\\- ]?)?key)[\\s\\S]{0,60}?" NB64_BEFORE
	  "(?<s>[" B64 "]{86}==)" NB64_AFTER,
	  "==", 4.0, v_storage_key, 0 },
	{ "SEC003", "azure-shared-access-key", "azure_other_service_key",
	  "Azure shared access key (Service Bus, Event Hubs, IoT Hub, Notification Hubs, Relay)",
	  "(?i:SharedAccessKey|AccessKey|SharedKey|Access_Key|PrimaryKey|SecondaryKey)[\"']?\\s*[=:]\\s*[\"']?"
	  "(?<s>[" B64 "]{42,43}=)" NB64_AFTER,
	  "skey|dkey|_key|ykey", 3.5, NULL, 0 },
	{ "SEC004", "azure-cosmos-key", "azure_cosmosdb_key",
	  "Azure Cosmos DB key",
	  NB64_BEFORE "(?<s>[" B64 "]{76}ACDb[" B64 "]{5}[AQgw]==)" NB64_AFTER,
	  "ACDb", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC005", "azure-batch-apim-key", "azure_other_service_key",
	  "Azure Batch or API Management key",
	  NB64_BEFORE "(?<s>[" B64 "]{76}(?:\\+ABa|APIM)[" B64 "]{5}[AQgw]==)" NB64_AFTER,
	  "+ABa|APIM", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC006", "azure-messaging-key", "azure_other_service_key",
	  "Azure Relay, Event Hubs, Service Bus, IoT or Event Grid key",
	  NB64_BEFORE "(?<s>[" B64 "]{33}(?:\\+ARm|\\+AEh|\\+ASb|AIoT|AZEG)[" B64 "]{6}=)" NB64_AFTER,
	  "+ARm|+AEh|+ASb|AIoT|AZEG", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC007", "azure-search-key", "azure_other_service_key",
	  "Azure AI Search key",
	  "(?<![A-Za-z0-9])(?<s>[A-Za-z0-9]{42}AzSe[A-D][A-Za-z0-9]{5})(?![A-Za-z0-9])",
	  "zSe", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC008", "azure-container-registry-key", "azure_other_service_key",
	  "Azure Container Registry password",
	  NB64_BEFORE "(?<s>[" B64 "]{42}\\+ACR[A-D][" B64 "]{5})(?![" B64 "])",
	  "+ACR", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC009", "azure-function-key", "azure_function_logicapp_key",
	  "Azure Functions key",
	  "(?<![A-Za-z0-9_\\-])(?<s>[A-Za-z0-9_\\-]{44}AzFu[A-Za-z0-9_\\-]{5}[AQgw]==)(?![A-Za-z0-9_\\-=])",
	  "zFu", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC010", "azure-devops-pat", "azure_devops_pat",
	  "Azure DevOps personal access token",
	  "(?<![A-Za-z0-9])(?<s>[A-Za-z0-9]{52}JQQJ[A-Za-z0-9]{2}[A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4})(?![A-Za-z0-9])",
	  "JQQJ", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC011", "azure-annotated-key", "azure_other_service_key",
	  "Azure key (common annotated format)",
	  "(?<![A-Za-z0-9])(?<s>[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9]{18}[A-Z0-9]{4}[A-Za-z0-9]{4}(?:[A-Za-z0-9]{2}==)?)(?![A-Za-z0-9])",
	  "JQQJ9", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC012", "azure-devops-pat-legacy", "azure_devops_pat",
	  "Azure DevOps personal access token (legacy format)",
	  "(?i:(?<![a-z])pat(?![a-z])|token|(?<![a-z])ado(?![a-z])|devops|azure|vsts|personal)[\\s\\S]{0,50}?"
	  "(?<![A-Za-z0-9])(?<s>[a-z0-9]{52})(?![A-Za-z0-9])",
	  "oken|vops|vsts|rsonal|pat\"|pat'|pat=|pat:|pat |pat_|ado_|ado-|ado |zure_|zure |zure:", 3.8,
	  v_digit_letter, 0 },
	{ "SEC013", "entra-client-secret", "entra_client_secret",
	  "Microsoft Entra ID client secret",
	  "(?<![A-Za-z0-9_~.\\-+/])(?<s>[A-Za-z0-9_~.\\-]{3}\\dQ~[A-Za-z0-9_~.\\-]{31,34})(?![A-Za-z0-9_~.\\-+/])",
	  "0Q~|1Q~|2Q~|3Q~|4Q~|5Q~|6Q~|7Q~|8Q~|9Q~", 0, NULL, 0 },
	{ "SEC014", "client-secret-assignment", "entra_client_secret",
	  "Client secret assigned in code or configuration",
	  "(?i:client[_.\\-]?secret|app[_.\\-]?secret|clientsecret)[\"']?\\s*(?:[:=]|=>)\\s*[\"']?"
	  "(?<s>[A-Za-z0-9_~.\\-?@#%+/!*=]{16,64})(?![A-Za-z0-9_~.\\-?@#%+/!*=])",
	  "cret", 3.0, v_client_secret, 0 },
	{ "SEC015", "entra-refresh-token", "entra_refresh_token",
	  "Microsoft Entra ID refresh token",
	  "(?<![A-Za-z0-9_\\-.])(?<s>[01]\\.A[A-Za-z0-9_\\-]{20,}\\.A[gQ][A-Za-z0-9_\\-]{150,})",
	  "fresh", 3.0, NULL, 0 },
	{ "SEC016", "azure-sas-signature", "azure_sas_token",
	  "Azure shared access signature (sig=)",
	  "(?i)(?:(?<=[?&;\\s\"'=])|^)(?:sig|dsas_secret)=(?<s>[A-Za-z0-9%+/]{40,129}(?:=|%3d))",
	  "ig=|dsas", 0, v_sas, 0 },
	{ "SEC017", "logic-app-url", "azure_function_logicapp_key",
	  "Logic App or Power Automate trigger URL with its signature",
	  "(?i)https://[a-z0-9.\\-]+\\.logic\\.azure\\.(?:com|us|cn)(?::\\d+)?/[^\\s\"'<>]*?[?&]sig=(?<s>[A-Za-z0-9_\\-%]{20,})",
	  "c.azure", 0, NULL, 0 },
	{ "SEC018", "function-url-code", "azure_function_logicapp_key",
	  "Azure Functions URL with its key (code=)",
	  "(?i)https://[a-z0-9.\\-]+\\.azurewebsites\\.net/api/[^\\s\"'<>]*?[?&]code=(?<s>[A-Za-z0-9_\\-%=]{20,})",
	  "bsites.net", 3.0, NULL, 0 },
	{ "SEC019", "function-key-assignment", "azure_function_logicapp_key",
	  "Azure Functions key assigned in code or configuration",
	  "(?i:function[_\\-]?key)[\"']?\\s*[:=]\\s*[\"']?(?<s>[A-Za-z0-9_\\-]{20,}={0,2})(?![A-Za-z0-9_\\-=!/+])",
	  "nkey|n_key|n-key", 3.0, NULL, 0 },
	{ "SEC020", "connection-string-password", "connection_string_password",
	  "Password in a connection string",
	  "(?im)(?:^|[;\"'\\s(&?,{])(?:password|pwd)\\s*=\\s*(?<s>[^;\"'\\s&)<>,}\\\\]{1,256})",
	  "swor|pwd", 0, v_conn_password, 0 },
	{ "SEC021", "url-credentials", "url_credentials",
	  "Password in a URL",
	  "(?i)\\b[a-z][a-z0-9+.\\-]{1,20}://[^:@/\\s\"'<>\\\\]{0,128}:(?<s>[^@/\\s\"'<>\\\\]{1,256})@[A-Za-z0-9.\\-_%\\[]",
	  "://", 0, v_url_creds, 0 },
	{ "SEC022", "private-key", "private_key",
	  "Private key",
	  "-----BEGIN(?:[ A-Z0-9_]|-(?!----)){0,100}PRIVATE KEY(?: BLOCK)?-----(?:\\s|\\\\[rnt])*"
	  "(?:Proc-Type:[^\\r\\n\\\\]*(?:\\s|\\\\[rnt])+DEK-Info:[^\\r\\n\\\\]*(?:\\s|\\\\[rnt])+)?"
	  "(?:(?<s>[^\\s\\\\\\-][^\\-]{14,})|$)",
	  "VATE KEY", 0, NULL, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC042", "private-key-base64", "private_key",
	  "Private key, base64-encoded",
	  "(?<![A-Za-z0-9+/])(?<s>LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,}={0,2})",
	  "S0tLS1CRUdJTi", 0, v_pem_b64, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC023", "jwt", "jwt",
	  "JSON Web Token (a bearer credential)",
	  "(?<![A-Za-z0-9_\\-])(?<s>e[wy][A-Za-z0-9_\\-]{10,}={0,2}\\.e[wy][A-Za-z0-9_\\-]{10,}={0,2}(?:\\.[A-Za-z0-9_\\-]*)?)",
	  "eyJ|eyAi|ewog|ewoJ|ewoi", 0, v_jwt, SCAN_NO_PLACEHOLDER_CHECK },
	{ "SEC024", "github-token", "github_token",
	  "GitHub token",
	  "(?<![A-Za-z0-9_])(?<s>(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}))(?![A-Za-z0-9_])",
	  "ghp_|gho_|ghu_|ghs_|ghr_|b_pat_", 3.0, NULL, 0 },
	{ "SEC025", "github-secret", "github_token",
	  "GitHub OAuth secret or classic token",
	  "(?i:github)[\\s\\S]{0,40}?(?<![A-Za-z0-9])(?<s>[a-f0-9]{40})(?![A-Za-z0-9])",
	  "thub", 3.0, NULL, 0 },
	{ "SEC026", "gitea-gogs-token", "gitea_token",
	  "Gitea or Gogs access token",
	  "(?i:gitea|gogs)[\\s\\S]{0,40}?(?<![A-Za-z0-9])(?<s>[a-f0-9]{40})(?![A-Za-z0-9])",
	  "gitea|gogs", 3.0, NULL, 0 },
	{ "SEC027", "atlassian-api-token", "bitbucket_atlassian_token",
	  "Atlassian API token",
	  "(?<![A-Za-z0-9_\\-])(?<s>ATATT3[A-Za-z0-9_\\-=]{150,250})",
	  "TT3", 3.0, NULL, 0 },
	{ "SEC028", "atlassian-access-token", "bitbucket_atlassian_token",
	  "Atlassian or Bitbucket access token",
	  "(?<![A-Za-z0-9_\\-])(?<s>ATCTT3xFfG[A-Za-z0-9+/=_\\-]{50,})",
	  "TT3", 3.0, NULL, 0 },
	{ "SEC029", "bitbucket-app-password", "bitbucket_atlassian_token",
	  "Bitbucket app password",
	  "(?<![A-Za-z0-9_\\-])[A-Za-z0-9_\\-]{1,30}[\"']?:\\s?[\"']?(?<s>ATBB[A-Za-z0-9_=.\\-]{20,})",
	  "TBB", 3.0, NULL, 0 },
	{ "SEC030", "bitbucket-dc-token", "bitbucket_atlassian_token",
	  "Bitbucket Data Center HTTP access token",
	  "(?<s>BBDC-[A-Za-z0-9+/@_\\-]{40,50})",
	  "BBDC-", 0, v_dc_pat, 0 },
	{ "SEC031", "atlassian-dc-pat", "bitbucket_atlassian_token",
	  "Jira or Confluence Data Center personal access token",
	  NB64_BEFORE "(?<s>[MNO][" B64 "]{43})" NB64_AFTER,
	  "jira|nfluence|tlassian|tbucket|oken", 0, v_dc_pat, 0 },
	{ "SEC032", "atlassian-token", "bitbucket_atlassian_token",
	  "Jira, Confluence or Atlassian API token",
	  "(?i:jira|atlassian|confluence)(?:[\\s\\S]{0,60}?(?i:token|key|password|pwd|secret|pass))?\\W{1,5}"
	  "(?<![A-Za-z0-9])(?<s>[A-Za-z0-9]{24})(?![A-Za-z0-9+/=_\\-])",
	  "jira|tlassian|nfluence", 3.0, v_atlassian, 0 },
	{ "SEC033", "bitbucket-secret", "bitbucket_atlassian_token",
	  "Bitbucket key or secret",
	  "(?i:bitbucket)[\\w.\\-]{0,20}?(?i:key|secret|token|password|pwd|pass)\\w*\\W{1,5}"
	  "(?<s>[A-Za-z0-9_\\-]{32,64})(?![A-Za-z0-9_\\-])",
	  "tbucket", 3.0, NULL, 0 },
	{ "SEC034", "apim-subscription-key", "azure_other_service_key",
	  "Azure API Management subscription key",
	  "(?i:Ocp-Apim-Subscription-Key|subscription[_\\-]?key|apim[_\\-]?key)[\"']?\\s*[:=]\\s*[\"']?"
	  "(?<s>[a-f0-9]{32})(?![a-f0-9])",
	  "n-key|n_key|nkey|apim", 3.0, NULL, 0 },
	{ "SEC035", "apim-direct-management-key", "azure_other_service_key",
	  "Azure API Management direct management or Git key",
	  "(?<s>(?:git|integration|SharedAccessSignature\\s+uid=\\w+)&\\d{12}&[" B64 "]{86}==)" NB64_AFTER,
	  "it&|on&|gnature", 0, v_apim_direct, 0 },
	{ "SEC036", "app-configuration-connection-string", "azure_other_service_key",
	  "Azure App Configuration connection string",
	  "(?i)Endpoint=https://[^;\\s]+\\.azconfig\\.io;Id=[^;\\s]+;Secret=(?<s>[" B64 "]{42,44}={0,2})",
	  "zconfig", 3.0, NULL, 0 },
	{ "SEC037", "azure-openai-key", "azure_other_service_key",
	  "Azure OpenAI key",
	  "(?i:api[_\\-.]?key|openai[_\\-.]?key)[\"'\\]]{0,2}\\s*(?:[:=]|=>)\\s*[\"']?(?<s>[a-f0-9]{32})(?![a-f0-9])",
	  "openai", 3.0, v_openai, 0 },
	{ "SEC038", "azure-search-key-assignment", "azure_other_service_key",
	  "Azure AI Search key assigned in code or configuration",
	  "(?i:search)[\\w\\-]{0,20}?key[\"']?\\s*[:=]\\s*[\"']?(?<s>[A-Za-z0-9]{52})(?![A-Za-z0-9])",
	  "earch", 3.5, NULL, 0 },
	{ "SEC043", "azure-search-key-near-endpoint", "azure_other_service_key",
	  "Azure AI Search key next to a search.windows.net endpoint",
	  "(?<![A-Za-z0-9])(?<s>[A-Za-z0-9]{52})(?![A-Za-z0-9])",
	  "search.windows.net", 3.5, v_search, 0 },
	{ "SEC056", "azure-key-near-endpoint", "azure_other_service_key",
	  "Azure 512-bit key next to its service's endpoint (Cosmos DB, API Management)",
	  NB64_BEFORE "(?<s>[" B64 "]{86}==)" NB64_AFTER,
	  "documents.azure|cosmos.azure|azure-api.net", 4.5, v_key_endpoint, 0 },
	{ "SEC057", "integration-runtime-auth-key", "azure_other_service_key",
	  "Self-hosted integration runtime authentication key (registers a node with the workspace)",
	  "(?<![A-Za-z0-9])(?<s>IR@[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
	  "@[^@\\s\"']{1,128}@[^@\\s\"']{1,256}@[A-Za-z0-9+/]{20,}={0,2})",
	  "IR@", 0, NULL, 0 },
	{ "SEC039", "azure-batch-key", "azure_other_service_key",
	  "Azure Batch account key",
	  "(?<![" B64 "=])(?<s>[" B64 "=]{88})(?![" B64 "=])",
	  "h.azure", 4.5, v_batch, 0 },
	/* HTTP credentials in headers: Web activities, REST linked services, notebooks */
	{ "SEC053", "http-basic-auth", "generic_secret",
	  "HTTP basic authentication header (base64 of user:password)",
	  "(?i)\\bBasic\\s+(?<s>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])",
	  "asic", 0, v_basic_auth, 0 },
	{ "SEC054", "http-bearer-token", "generic_secret",
	  "HTTP bearer token",
	  "(?i)\\bBearer\\s+(?<s>[A-Za-z0-9\\-._~+/]{20,}=*)(?![A-Za-z0-9\\-._~+/=])",
	  "bearer", 3.5, v_digit_letter, 0 },
	/*
	 * Tokens of other services that data pipelines and notebooks call,
	 * each recognised by the prefix its issuer gives it.
	 */
	{ "SEC046", "databricks-token", "other_token",
	  "Azure Databricks personal access token",
	  "(?<![A-Za-z0-9])(?<s>dapi[0-9a-f]{32}(?:-\\d)?)(?![A-Za-z0-9])",
	  "dapi", 3.0, NULL, 0 },
	{ "SEC047", "teams-webhook-url", "other_token",
	  "Microsoft Teams incoming webhook URL (anyone holding it can post)",
	  "(?i)https://[a-z0-9.\\-]+\\.webhook\\.office\\.com/webhookb2/[0-9a-f\\-]{36}@[0-9a-f\\-]{36}"
	  "/IncomingWebhook/(?<s>[0-9a-f]{32})/[0-9a-f\\-]{36}",
	  "okb2/", 0, NULL, 0 },
	{ "SEC048", "slack-token", "other_token",
	  "Slack token or webhook URL",
	  "(?<![A-Za-z0-9])(?<s>xox[abposr]-[0-9]{8,13}-[0-9A-Za-z\\-]{10,}|"
	  "https://hooks\\.slack\\.com/services/T[0-9A-Z]{8,12}/B[0-9A-Z]{8,12}/[0-9A-Za-z]{24})",
	  "xoxa|xoxb|xoxp|xoxo|xoxs|xoxr|ks.slack", 3.0, NULL, 0 },
	{ "SEC049", "aws-access-key-id", "other_token",
	  "AWS access key ID (its secret key is seldom far)",
	  "(?<![A-Z0-9])(?<s>(?:AKIA|ASIA)[A-Z2-7]{16})(?![A-Z0-9])",
	  "AKIA|ASIA", 3.0, v_aws_key_id, 0 },
	{ "SEC050", "google-api-key", "other_token",
	  "Google API key",
	  "(?<![A-Za-z0-9_\\-])(?<s>AIza[0-9A-Za-z_\\-]{35})(?![A-Za-z0-9_\\-])",
	  "AIza", 3.0, NULL, 0 },
	{ "SEC051", "openai-key", "other_token",
	  "OpenAI API key",
	  "(?<![A-Za-z0-9_\\-])(?<s>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\\-]{20,}T3BlbkFJ[A-Za-z0-9_\\-]{20,})",
	  "T3BlbkFJ", 3.0, NULL, 0 },
	{ "SEC052", "service-api-key", "other_token",
	  "Stripe, npm, PyPI or GitLab token",
	  "(?<![A-Za-z0-9_\\-])(?<s>(?:sk|rk)_live_[0-9A-Za-z]{24,99}|"
	  "npm_[A-Za-z0-9]{36}|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,}|glpat-[0-9A-Za-z_\\-]{20})(?![A-Za-z0-9_\\-])",
	  "k_live_|npm_|cHlwaS5vcmc|glpat-", 3.0, NULL, 0 },
	/*
	 * A quoted password of fewer than 8 characters is below every policy
	 * Azure enforces (Entra ID, SQL): in code such short literals are
	 * fixtures and names far more often than credentials.
	 */
	{ "SEC040", "password-assignment", "generic_secret",
	  "Password or secret assigned in code or configuration",
	  "(?i)(?:password|passwd|pwd|secret|token|credentials?|api[_\\-]?key|"
	  "access[_\\-]?key|private[_\\-]?key|(?<![a-z])pass)\\\\?[\"']?\\s*(?:=>|:=|=|:(?=[\\s\"'\\\\])|\\|\\|)[ \\t]*"
	  "(?:\\\\?[\"'](?<s>[^\"'\\\\\\r\\n]{8,200})\\\\?[\"']|(?<t>[A-Za-z0-9][^\\s\"',;]{7,200}))",
	  "swor|sswd|pwd|cret|oken|dential|ikey|i_key|i-key|skey|_key|_pass",
	  2.5, v_assignment, 0 },
	{ "SEC045", "secret-argument", "generic_secret",
	  "Password or secret passed after its name (getenv(\"TOKEN\", \"...\"), .option(\"password\", \"...\"))",
	  "(?i)\\(\\s*[\"'][A-Za-z0-9_.\\-]{0,40}(?:password|passwd|pwd|secret|token|api[_\\-]?key|access[_\\-]?key)"
	  "[\"']\\s*,\\s*[\"'](?<s>[^\"'\\\\\\r\\n]{8,200})[\"']\\s*\\)",
	  "swor|sswd|pwd|cret|oken|ikey|i_key|i-key|skey|_key", 2.5, v_assignment, 0 },
	/*
	 * Any name ending in "key" (azureKey, adminKey, MAPS_KEY) with a long
	 * random value: mixed case and digits, high entropy. Names and ids
	 * (partitionKey: customerId, a lower-case GUID) are not random enough.
	 */
	{ "SEC055", "key-assignment", "generic_secret",
	  "Random key assigned to a name ending in \"key\"",
	  "(?i)key\\\\?[\"']?\\s*(?:=>|:=|=|:)[ \\t]*\\\\?[\"']?"
	  "(?<s>[A-Za-z0-9+/_\\-]{24,128}={0,2})(?![A-Za-z0-9+/=_\\-])",
	  "key\"|key'|key=|key:|key |key\\", 4.0, v_random_key, 0 },
	{ "SEC044", "config-setting-password", "generic_secret",
	  "Password or secret in a .NET configuration setting (<add key=... value=...>)",
	  "(?i)<add\\s+key\\s*=\\s*[\"'][^\"']*(?:password|passwd|pwd|secret|token|api[_\\-]?key|access[_\\-]?key)"
	  "[^\"']*[\"']\\s+value\\s*=\\s*[\"'](?<s>[^\"']{4,200})[\"']",
	  "<add", 0, v_assignment, 0 },
	{ "SEC041", "curl-basic-auth", "generic_secret",
	  "Password on a curl command line",
	  "(?i)\\bcurl\\b[\\s\\S]{0,200}?\\s(?:-u|--user)\\s*['\"]?"
	  "(?:[^\\s:'\"]{0,100}:['\"]?(?<s>[^\\s'\"]{3,200})|(?<t>[^\\s:'\"]{10,100}):(?=['\"]?(?:\\s|$)))",
	  "curl", 0, v_curl, 0 },
};

const size_t scan_builtin_rules_nr = ARRAY_SIZE(scan_builtin_rules);

const struct rule_info scan_structural_rules[] = {
	{ "SEC100", "inline-secure-string", SEV_ERROR,
	  "A SecureString holds a real value; use an AzureKeyVaultSecret reference" },
	{ "SEC101", "inline-linked-service-secret", SEV_ERROR,
	  "A linked service or credential holds a secret inline; use an AzureKeyVaultSecret reference" },
	{ "SEC102", "secure-parameter-default", SEV_ERROR,
	  "A secure parameter has a literal default value" },
	{ "SEC103", "secret-parameter-default", SEV_ERROR,
	  "A parameter named like a secret has a literal value or default; pass it at run time from Key Vault" },
};

const size_t scan_structural_rules_nr = ARRAY_SIZE(scan_structural_rules);
