# git-synapse: Makefile in the manner of git's.
#
#   make                  build everything (V=1 shows the commands)
#   make check            install missing packages, build, run every test
#   make demo             install missing packages, build, tour an example workspace
#   make man              build the man pages (asciidoctor)
#   make bench            run the benchmarks in bench/
#   make fuzz             build the libFuzzer targets in fuzz/ (clang)
#   make install          install to $(DESTDIR)$(prefix)
#   make DEVELOPER=1      -Werror and git's stricter warnings
#   make SANITIZE=address,undefined

prefix ?= /usr/local
bindir ?= $(prefix)/bin
mandir ?= $(prefix)/share/man
man1dir ?= $(mandir)/man1

CC ?= cc
PKG_CONFIG ?= pkg-config
INSTALL ?= install
ASCIIDOCTOR ?= asciidoctor
PROVE ?= prove
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30

CFLAGS ?= -O2 -g
BASIC_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Icommon
LDFLAGS ?=

VERSION = 0.1.0

PKGS = libgit2 libcurl jansson libpcre2-8
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) libmicrohttpd 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
MHD_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

ifdef DEVELOPER
BASIC_CFLAGS += -Werror -Wdeclaration-after-statement -Wformat-security \
	-Wold-style-definition -Wstrict-prototypes -Wvla -Wpointer-arith \
	-Wmissing-prototypes -Wshadow -Wno-unused-parameter -fno-common
endif

ifdef SANITIZE
BASIC_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

ALL_CFLAGS = $(BASIC_CFLAGS) $(PKG_CFLAGS) -DGIT_SYNAPSE_VERSION='"$(VERSION)"' $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)

ifndef V
QUIET_CC = @echo '   ' CC $@;
QUIET_AR = @echo '   ' AR $@;
QUIET_LINK = @echo '   ' LINK $@;
QUIET_DOC = @echo '   ' DOC $@;
endif

LIB = common/libsynapse.a
LIB_SRC = $(sort $(wildcard common/*.c))
LIB_OBJ = $(LIB_SRC:.c=.o)
CMD_SRC = $(sort $(wildcard cmd/*.c))
CMD_NAMES = $(filter-out synapse,$(notdir $(CMD_SRC:.c=)))
PROGRAMS = git-synapse $(addprefix git-synapse-,$(CMD_NAMES))
UNIT_SRC = $(sort $(wildcard tests/unit/test-*.c))
UNIT_TESTS = $(UNIT_SRC:.c=)
SHELL_TESTS = $(sort $(wildcard tests/t[0-9]*.sh))
MAN_SRC = $(sort $(wildcard man/*.adoc))
MAN_PAGES = $(MAN_SRC:.adoc=.1)
FUZZ_SRC = $(sort $(wildcard fuzz/fuzz-*.c))
FUZZ_TARGETS = $(FUZZ_SRC:.c=)
HOOKS = $(sort $(wildcard hooks/*))

all: $(PROGRAMS)

# Rebuild everything when the flags change, as git's GIT-CFLAGS does.
GIT-SYNAPSE-CFLAGS: FORCE
	@flags='$(subst ','\'',$(ALL_CFLAGS) $(ALL_LDFLAGS))'; \
	if test x"$$flags" != x"`cat $@ 2>/dev/null`"; then \
		echo "$$flags" >$@; \
	fi

%.o: %.c GIT-SYNAPSE-CFLAGS $(wildcard common/*.h)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $^

git-synapse: cmd/synapse.o $(LIB)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS) $(MHD_LIBS)

git-synapse-%: cmd/%.o $(LIB)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS) $(MHD_LIBS) -lm

tests/unit/test-%: tests/unit/test-%.o $(LIB)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS) $(MHD_LIBS) $(CMOCKA_LIBS) -lm

man: $(MAN_PAGES)

man/%.1: man/%.adoc
	$(QUIET_DOC)$(ASCIIDOCTOR) -b manpage -a mansource=git-synapse \
		-a manversion=$(VERSION) -a manmanual='Git Synapse Manual' -o $@ $<

deps:
	@sh .ci/install-deps

build-tests: all $(UNIT_TESTS)

check: deps
	@$(MAKE) --no-print-directory build-tests
	@$(MAKE) --no-print-directory man || echo 'warning: man pages not built (asciidoctor missing)' >&2
	cd tests && CMOCKA_MESSAGE_OUTPUT=TAP $(PROVE) --exec env --timer $(PROVE_OPTS) \
		$(patsubst tests/%,./%,$(UNIT_TESTS) $(SHELL_TESTS))
	@$(MAKE) --no-print-directory fuzz-check

demo: deps
	@$(MAKE) --no-print-directory all
	@sh examples/demo.sh

bench: all
	@for b in bench/bench-*.sh; do sh "$$b" || exit 1; done

# Fuzz targets link the library built again with clang and libFuzzer.
FUZZ_CFLAGS = -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon \
	$(PKG_CFLAGS) -DGIT_SYNAPSE_VERSION='"$(VERSION)"' -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ = $(patsubst common/%.c,fuzz/build/%.o,$(LIB_SRC))

fuzz/build/%.o: common/%.c $(wildcard common/*.h)
	@mkdir -p fuzz/build
	$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

fuzz/fuzz-%: fuzz/fuzz-%.c $(FUZZ_OBJ)
	$(QUIET_LINK)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) \
		$(PKG_LIBS) $(MHD_LIBS) -lm

fuzz: $(FUZZ_TARGETS)

# Each fuzz target runs FUZZ_SECONDS when clang's fuzzer runtime is present.
fuzz-check:
	@if echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long s){(void)d;(void)s;return 0;}' | \
	   $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then \
		$(MAKE) --no-print-directory fuzz && \
		for t in $(FUZZ_TARGETS); do \
			echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
			mkdir -p "fuzz/corpus/$${t#fuzz/fuzz-}"; \
			$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=0 \
				-artifact_prefix=fuzz/build/ \
				"fuzz/corpus/$${t#fuzz/fuzz-}" fuzz/seeds/$${t#fuzz/fuzz-} \
				>fuzz/build/$${t#fuzz/fuzz-}.log 2>&1 || \
				{ tail -n 40 fuzz/build/$${t#fuzz/fuzz-}.log; exit 1; }; \
		done; \
	else \
		echo 'fuzz: skipped, clang has no libFuzzer runtime (install libclang-rt-dev)'; \
	fi

install: all
	$(INSTALL) -d -m 755 '$(DESTDIR)$(bindir)'
	$(INSTALL) -m 755 $(PROGRAMS) '$(DESTDIR)$(bindir)'
	@if test -n "$(wildcard man/*.1)" || $(MAKE) --no-print-directory man; then \
		$(INSTALL) -d -m 755 '$(DESTDIR)$(man1dir)' && \
		$(INSTALL) -m 644 man/*.1 '$(DESTDIR)$(man1dir)'; \
	fi

uninstall:
	rm -f $(addprefix '$(DESTDIR)$(bindir)'/,$(PROGRAMS))
	rm -f $(addprefix '$(DESTDIR)$(man1dir)'/,$(notdir $(MAN_PAGES)))

clean:
	rm -f $(PROGRAMS) $(LIB) common/*.o cmd/*.o tests/unit/*.o $(UNIT_TESTS)
	rm -f $(MAN_PAGES) GIT-SYNAPSE-CFLAGS $(FUZZ_TARGETS)
	rm -rf fuzz/build tests/trash* bench/out

.PHONY: all man deps build-tests check demo bench fuzz fuzz-check install uninstall clean FORCE
.SECONDARY:
