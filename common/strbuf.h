#ifndef STRBUF_H
#define STRBUF_H

#include <stddef.h>
#include <stdarg.h>
#include "usage.h"

/*
 * A growable, always NUL-terminated byte buffer, after git's strbuf.
 * buf is never NULL; it points to a shared empty string until the first
 * growth, so a STRBUF_INIT buffer can be printed and released as it is.
 */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_rtrim(struct strbuf *sb);

/* Append the JSON-pointer escaped form of a key (~ -> ~0, / -> ~1). */
void strbuf_add_pointer_token(struct strbuf *sb, const char *key);

/* Read a whole file (0) or fail with errno set (-1). */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t hint);
/* The same, path relative to the directory dirfd (openat(2)). */
int strbuf_read_fileat(struct strbuf *sb, int dirfd, const char *path, size_t hint);

#endif
