#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>
#include "strbuf.h"

/*
 * Base64, both alphabets at once: '+' and '-' are 62, '/' and '_' are 63
 * (RFC 4648 sections 4 and 5). Padding is optional on input.
 */

/* The value of a base64 digit, or -1. */
int base64_value(int c);

/*
 * Decode in[0, n) into out, at most max bytes, stopping at the first byte
 * that is not a base64 digit ('=' or anything else). Returns the number
 * of bytes written; for a peek at a prefix.
 */
size_t base64_decode_prefix(const char *in, size_t n, unsigned char *out, size_t max);

/*
 * Decode in[0, n) and append to out; trailing '=' padding ends it.
 * Returns 0, or -1 on a byte that is neither a digit nor padding.
 */
int base64_decode(struct strbuf *out, const char *in, size_t n);

/* Append base64url without padding (JWT segments). */
void base64url_encode(struct strbuf *out, const unsigned char *p, size_t n);

#endif
