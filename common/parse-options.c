#include "parse-options.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void string_list_append(struct string_list *l, const char *s)
{
	ALLOC_GROW(l->items, l->nr + 1, l->alloc);
	l->items[l->nr++] = xstrdup(s);
}

void string_list_clear(struct string_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->nr = l->alloc = 0;
}

static void print_usage(FILE *out, const char *const *usagestr, const struct option *opts)
{
	const char *const *u;

	for (u = usagestr; *u; u++) {
		if (u == usagestr)
			fprintf(out, "usage: %s\n", *u);
		else if (**u)
			fprintf(out, "   or: %s\n", *u);
		else
			fputc('\n', out);
	}
	fputc('\n', out);
	for (; opts && opts->type != OPT_T_END; opts++) {
		struct strbuf sb = STRBUF_INIT;

		if (opts->type == OPT_T_GROUP) {
			fprintf(out, "\n%s\n", opts->help);
			continue;
		}
		strbuf_addstr(&sb, "    ");
		if (opts->short_name)
			strbuf_addf(&sb, "-%c", opts->short_name);
		if (opts->short_name && opts->long_name)
			strbuf_addstr(&sb, ", ");
		if (opts->long_name)
			strbuf_addf(&sb, "--%s", opts->long_name);
		if (opts->argh)
			strbuf_addf(&sb, opts->long_name ? "=<%s>" : " <%s>", opts->argh);
		if (sb.len < 30)
			strbuf_addchars(&sb, ' ', 30 - sb.len);
		else
			strbuf_addf(&sb, "\n%30s", "");
		fprintf(out, "%s%s\n", sb.buf, opts->help ? opts->help : "");
		strbuf_release(&sb);
	}
}

void usage_with_options(const char *const *usagestr, const struct option *opts)
{
	print_usage(stderr, usagestr, opts);
	exit(EXIT_USAGE);
}

void usage_msg_opt(const char *msg, const char *const *usagestr, const struct option *opts)
{
	fprintf(stderr, "fatal: %s\n\n", msg);
	usage_with_options(usagestr, opts);
}

void show_man_page(const char *page)
{
	pid_t pid;
	int status;

	if (!page || getenv("GIT_SYNAPSE_NO_MAN"))
		return;
	fflush(stdout);
	fflush(stderr);
	/* Ask man whether the page exists first, so a miss is silent. */
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		execlp("man", "man", "-w", page, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return;
	execlp("man", "man", page, (char *)NULL);
}

static const struct option *find_long(const struct option *opts, const char *name,
				      size_t len, int *negated)
{
	const struct option *o, *prefix_hit = NULL;
	int ambiguous = 0;

	*negated = 0;
	if (len > 3 && !strncmp(name, "no-", 3)) {
		for (o = opts; o->type != OPT_T_END; o++)
			if (o->long_name && o->type == OPT_T_BOOL &&
			    strlen(o->long_name) == len - 3 && !strncmp(o->long_name, name + 3, len - 3)) {
				*negated = 1;
				return o;
			}
	}
	for (o = opts; o->type != OPT_T_END; o++) {
		if (!o->long_name)
			continue;
		if (strlen(o->long_name) == len && !strncmp(o->long_name, name, len))
			return o;
		if (strlen(o->long_name) > len && !strncmp(o->long_name, name, len)) {
			if (prefix_hit)
				ambiguous = 1;
			prefix_hit = o;
		}
	}
	return ambiguous ? NULL : prefix_hit;
}

static void set_value(const struct option *o, const char *arg, int negated,
		      const char *const *usagestr, const struct option *opts)
{
	switch (o->type) {
	case OPT_T_BOOL:
		*(int *)o->value = !negated;
		break;
	case OPT_T_COUNT:
		(*(int *)o->value)++;
		break;
	case OPT_T_SET_INT:
		*(int *)o->value = o->defval;
		break;
	case OPT_T_STRING:
		*(const char **)o->value = arg;
		break;
	case OPT_T_STRING_LIST:
		string_list_append(o->value, arg);
		break;
	case OPT_T_INT: {
		char *end;
		long v;

		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < INT_MIN || v > INT_MAX) {
			char *msg = xstrfmt("option '%s' expects a number, not '%s'",
					    o->long_name ? o->long_name : "?", arg);

			usage_msg_opt(msg, usagestr, opts);
		}
		*(int *)o->value = (int)v;
		break;
	}
	default:
		BUG("unexpected option type %d", o->type);
	}
}

static int takes_arg(const struct option *o)
{
	return o->type == OPT_T_STRING || o->type == OPT_T_INT || o->type == OPT_T_STRING_LIST;
}

int parse_options(int argc, const char **argv, const struct option *opts,
		  const char *const *usagestr, const char *man_page)
{
	int out = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1]) {
			argv[out++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				argv[out++] = argv[i];
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help-all")) {
			print_usage(stdout, usagestr, opts);
			exit(0);
		}
		if (!strcmp(a, "--help")) {
			show_man_page(man_page);
			print_usage(stdout, usagestr, opts);
			exit(0);
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int negated;
			const struct option *o = find_long(opts, name, len, &negated);

			if (!o) {
				char *msg = xstrfmt("unknown option '%s'", a);

				usage_msg_opt(msg, usagestr, opts);
			}
			if (takes_arg(o)) {
				const char *arg;

				if (eq)
					arg = eq + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else {
					char *msg = xstrfmt("option '%s' requires a value", o->long_name);

					usage_msg_opt(msg, usagestr, opts);
				}
				set_value(o, arg, 0, usagestr, opts);
			} else {
				if (eq) {
					char *msg = xstrfmt("option '%s' takes no value", o->long_name);

					usage_msg_opt(msg, usagestr, opts);
				}
				set_value(o, NULL, negated, usagestr, opts);
			}
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const struct option *o;

			for (o = opts; o->type != OPT_T_END; o++)
				if (o->short_name == *p)
					break;
			if (o->type == OPT_T_END) {
				char *msg = xstrfmt("unknown switch '%c'", *p);

				usage_msg_opt(msg, usagestr, opts);
			}
			if (takes_arg(o)) {
				const char *arg;

				if (p[1])
					arg = p + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else {
					char *msg = xstrfmt("switch '%c' requires a value", *p);

					usage_msg_opt(msg, usagestr, opts);
				}
				set_value(o, arg, 0, usagestr, opts);
				break;
			}
			set_value(o, NULL, 0, usagestr, opts);
		}
	}
	argv[out] = NULL;
	return out;
}
