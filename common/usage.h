#ifndef USAGE_H
#define USAGE_H

#include <stdarg.h>
#include <stddef.h>

/*
 * git-style reporting. die() prints "fatal: ..." and exits 128; error()
 * prints "error: ..." and returns -1; warning() and hint() only print.
 * Exit codes follow git: 0 ok, 1 findings or "no", 128 fatal, 129 usage.
 */
#define EXIT_FINDINGS 1
#define EXIT_FATAL 128
#define EXIT_USAGE 129

#if defined(__GNUC__)
#define NORETURN __attribute__((__noreturn__))
#define PRINTF_LIKE(f, a) __attribute__((__format__(__printf__, f, a)))
#else
#define NORETURN
#define PRINTF_LIKE(f, a)
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void die_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
int error_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warning(const char *fmt, ...) PRINTF_LIKE(1, 2);
void hint(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void BUG_fl(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
#define BUG(...) BUG_fl(__FILE__, __LINE__, __VA_ARGS__)

/* Name used in messages that need one ("git synapse lint"). */
extern const char *prog_name;

/*
 * Library code reports failures through this instead of printing: the
 * last message set with set_error() is kept until the next one and is
 * what a command shows after "fatal: ".
 */
int set_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
const char *last_error(void);

/* Memory: abort with a fatal message instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xstrfmt(const char *fmt, ...) PRINTF_LIKE(1, 2);

#define ALLOC_GROW(x, nr, alloc) \
	do { \
		if ((nr) > (alloc)) { \
			size_t alloc_new_ = ((alloc) + 16) * 3 / 2; \
			if (alloc_new_ < (size_t)(nr)) \
				alloc_new_ = (nr); \
			(alloc) = alloc_new_; \
			(x) = xrealloc((x), (alloc) * sizeof(*(x))); \
		} \
	} while (0)

#endif
