#include "base64.h"

int base64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

size_t base64_decode_prefix(const char *in, size_t n, unsigned char *out, size_t max)
{
	unsigned acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n && o < max; i++) {
		int v = base64_value((unsigned char)in[i]);

		if (v < 0)
			break;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return o;
}

int base64_decode(struct strbuf *out, const char *in, size_t n)
{
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		int v = base64_value((unsigned char)in[i]);

		if (v < 0) {
			if (in[i] == '=')
				break;
			return -1;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			strbuf_addch(out, (char)(acc >> bits));
			acc &= (1u << bits) - 1;
		}
	}
	return 0;
}

void base64url_encode(struct strbuf *out, const unsigned char *p, size_t n)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		strbuf_addch(out, digits[v >> 18 & 63]);
		strbuf_addch(out, digits[v >> 12 & 63]);
		strbuf_addch(out, digits[v >> 6 & 63]);
		strbuf_addch(out, digits[v & 63]);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;

		strbuf_addch(out, digits[v >> 18 & 63]);
		strbuf_addch(out, digits[v >> 12 & 63]);
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;

		strbuf_addch(out, digits[v >> 18 & 63]);
		strbuf_addch(out, digits[v >> 12 & 63]);
		strbuf_addch(out, digits[v >> 6 & 63]);
	}
}
