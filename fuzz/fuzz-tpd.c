/*
 * libFuzzer target: template-parameters-definition.json. Any bytes are
 * parsed as a definition; an invalid one must say where. A valid one is
 * applied to sample resources and to the input itself read as resource
 * properties (which mirrors the definition's shape, reaching deep rules).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tpd.h"
#include "usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sample[] =
	"{\"type\": \"AzureKeyVault\", \"typeProperties\": {\"url\": \"u\", \"connectionString\": \"c\","
	" \"password\": {\"type\": \"AzureKeyVaultSecret\", \"secretName\": \"s\"}},"
	" \"activities\": [{\"typeProperties\": {\"activities\": [{\"typeProperties\": {\"url\": 1}}]}}],"
	" \"parameters\": {\"p\": {\"type\": \"string\", \"defaultValue\": \"d\"}}}";

static void apply_all(const struct tpd *t, json_t *props)
{
	struct tpd_params p;

	tpd_params_init(&p);
	for (size_t i = 0; i < t->nr; i++) {
		const char *sub = t->rules[i].subtype;

		if (tpd_apply(t, &p, t->rules[i].arm_type, sub, "A", props) < 0)
			abort(); /* applying never fails */
	}
	tpd_params_release(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpd t;
	struct json_error err;
	json_t *props, *self;
	char *buf = malloc(size + 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (tpd_parse(&t, buf, size, "fuzz") < 0) {
		if (!strstr(last_error(), "fuzz"))
			abort(); /* errors name the file */
		free(buf);
		return 0;
	}
	props = json_parse(sample, sizeof(sample) - 1, &err);
	apply_all(&t, props);
	json_decref(props);
	self = json_parse(buf, size, &err);
	if (json_is_object(self)) {
		const char *key;
		json_t *v;

		json_object_foreach(self, key, v) {
			json_t *inner = json_object_get(v, "properties");

			if (json_is_object(inner))
				apply_all(&t, inner);
		}
	}
	json_decref(self);
	tpd_release(&t);
	free(buf);
	return 0;
}
