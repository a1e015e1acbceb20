/* libFuzzer: the error-body parser and the token-expiry / JWT readers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "auth.h"
#include "http.h"
#include "usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_error e = HTTP_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *s = xstrndup((const char *)data, size);
	json_t *claims;

	http_error_parse(&e, 400, (const char *)data, size);
	http_error_describe(&e, &sb);
	http_error_release(&e);
	strbuf_release(&sb);
	http_parse_retry_after(s, 0);
	auth_parse_expiry(s);
	claims = auth_jwt_claims(s);
	json_decref(claims);
	free(http_redact_url(s));
	free(s);
	return 0;
}
