# ngx_privacy_module — build, test, demo.
#
#   make            build build/ngx_http_privacy_module.so against Debian's
#                   packaged nginx (nginx-dev); installs missing packages
#                   when run as root
#   make test       unit tests (cmocka) and integration tests (prove t/)
#   make demo       the sample shop behind the module on localhost
#   make test-asan  the integration suite against the module built with
#                   ASan+UBSan (build-asan/), failing on any report
#   make test-valgrind  integration tests with nginx under valgrind
#   make lint       include rules, -Wextra -Werror build, cppcheck,
#                   clang-tidy (.clang-tidy)
#   make fuzz       every tests/fuzz/fuzz_*.c for FUZZ_SECONDS each

NGX_SRC    ?= /usr/share/nginx/src
BUILD      := build
NGX_BUILD  := $(BUILD)/nginx
MODULE     := $(BUILD)/ngx_http_privacy_module.so
SRC_DIR    := ngx_privacy_module

SOURCES    := config $(wildcard $(SRC_DIR)/*.c $(SRC_DIR)/*.h)

# Debian 12 packages the build, the tests and the demo need (and npm, which
# tests/browser/run.sh installs when no npm is there: a Node.js from
# elsewhere brings its own and conflicts with Debian's)
DEB_PACKAGES := nginx nginx-dev build-essential libsqlite3-dev sqlite3 \
                libjansson-dev libpcre2-dev libssl-dev libpsl-dev \
                publicsuffix libcmocka-dev perl libhttp-tiny-perl \
                libdbd-sqlite3-perl wrk valgrind clang cppcheck clang-tidy \
                chromium nodejs

UNIT_SRCS  := $(wildcard tests/test_*.c)
UNIT_BINS  := $(patsubst tests/%.c,tests/bin/%,$(UNIT_SRCS))
UNIT_CFLAGS ?= -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
               -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_LIBS  := -lcmocka -lcrypto -lpcre2-8 -lsqlite3 -ljansson

.PHONY: all deps test unit integration browser fuzz demo clean test-fresh \
        test-asan test-valgrind lint lint-includes lint-build lint-cppcheck \
        lint-tidy

all: $(MODULE)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" != 0 ]; then \
	        echo "missing Debian packages:$$missing (run make as root" \
	             "or apt-get install them)"; exit 1; fi; \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	        >/dev/null || { apt-get update -q >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	        >/dev/null; }; fi

# config builds every file of the directory: configure again when a file
# comes or goes (the list is rewritten only when it changes)
FILES_STAMP := $(BUILD)/files
$(FILES_STAMP): FORCE
	@mkdir -p $(BUILD); ls $(SRC_DIR)/*.c $(SRC_DIR)/*.h >$@.tmp; \
	    if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
FORCE:

# configure once with Debian's own flags (--with-compat makes the module
# loadable into the packaged binary), then rebuild the module only
$(NGX_BUILD)/objs/Makefile: config $(FILES_STAMP) | deps
	rm -rf $(NGX_BUILD) && mkdir -p $(BUILD) && cp -r $(NGX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && bash -c '. ./conf_flags && ./configure \
	    "$${NGX_CONF_FLAGS[@]}" \
	    --with-cc-opt="-g -O2 -fstack-protector-strong -Wformat \
	        -Werror=format-security -fPIC -D_FORTIFY_SOURCE=2" \
	    --with-ld-opt="-Wl,-z,relro -Wl,-z,now -fPIC" \
	    --add-dynamic-module=$(CURDIR)' >$(CURDIR)/$(BUILD)/configure.log \
	    || { tail -30 $(CURDIR)/$(BUILD)/configure.log; exit 1; }

$(MODULE): $(NGX_BUILD)/objs/Makefile $(SOURCES)
	$(MAKE) -s -C $(NGX_BUILD) -f objs/Makefile modules
	@# a new inode: running nginx processes keep the old file mapped
	cp $(NGX_BUILD)/objs/ngx_http_privacy_module.so $@.tmp && mv $@.tmp $@

# the built-in bot patterns, from the vendored crawler-user-agents JSON
# (docs/operator-guide.md, "Bots")
BOTS_DIR := data/crawler-user-agents
$(SRC_DIR)/ngx_http_privacy_bots_list.c: $(BOTS_DIR)/crawler-user-agents.json \
        $(BOTS_DIR)/VERSION $(BOTS_DIR)/generate.pl
	perl $(BOTS_DIR)/generate.pl >$@.tmp && mv $@.tmp $@

# tests/test_X.c tests ngx_http_privacy_X.c plus the pure files in UNIT_DEPS_X
UNIT_DEPS_consent  := crypto
UNIT_DEPS_classify :=
UNIT_DEPS_search   := form unmask search_fold
UNIT_DEPS_path     := search search_fold form unmask
UNIT_DEPS_log_uri  := path search search_fold form unmask
UNIT_DEPS_bots     := bots_list
UNIT_DEPS_rollup   := schema
UNIT_DEPS_sweep    := sweep_register sweep_audit sweep_records sweep_names \
                      pace command rollup schema calendar register_schema \
                      audit crypto
UNIT_DEPS_calendar :=
UNIT_DEPS_pace     :=
UNIT_DEPS_pnr      :=
UNIT_DEPS_register_json := register_fields json_arena pnr rfc3339
UNIT_DEPS_register_db := register_get register_seal register_json json_arena \
                         register_fields register_schema schema pnr \
                         rfc3339 field_crypto audit crypto
UNIT_DEPS_register_schema := schema
UNIT_DEPS_rights_token := crypto
UNIT_DEPS_csv      :=
UNIT_DEPS_report   := csv html
UNIT_DEPS_report_analytics := report csv html svg
UNIT_DEPS_report_cookies :=
UNIT_DEPS_cookie_scope := cookie
UNIT_DEPS_mail_notice := mail command crypto report csv html report_analytics
# (a header-only part, such as utf8, has no .c)
pure = $(wildcard $(foreach p,$(1),$(SRC_DIR)/ngx_http_privacy_$(p).c))

.SECONDEXPANSION:
tests/bin/test_%: tests/test_%.c $$(call pure,$$* $$(UNIT_DEPS_$$*)) \
                  $(wildcard $(SRC_DIR)/*.h) $(wildcard tests/*.h) | deps
	@mkdir -p tests/bin
	$(CC) $(UNIT_CFLAGS) -I$(SRC_DIR) -o $@ $(filter %.c,$^) $(UNIT_LIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

integration: $(MODULE)
	prove -r t/

# libFuzzer targets of the pure core (not part of "make test"):
#   make fuzz FUZZ_SECONDS=60
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,tests/bin/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_DEPS_consent := crypto
FUZZ_DEPS_search  := form unmask search_fold
FUZZ_DEPS_path    := search search_fold form unmask
FUZZ_DEPS_log_uri := path search search_fold form unmask
FUZZ_DEPS_register_json := register_fields json_arena pnr rfc3339
FUZZ_DEPS_rights_token := crypto
FUZZ_DEPS_csv     := report html
FUZZ_DEPS_cookie_scope := cookie
FUZZ_DEPS_mail    := crypto command mail_notice report csv html \
                     report_analytics
FUZZ_LIBS_mail    := -lsqlite3
# libraries every target links, and FUZZ_LIBS_X for one target
FUZZ_LIBS := -lcrypto -lpcre2-8 -ljansson

tests/bin/fuzz_%: tests/fuzz/fuzz_%.c $$(call pure,$$* $$(FUZZ_DEPS_$$*)) | deps
	@mkdir -p tests/bin
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I$(SRC_DIR) -o $@ \
	    $(filter %.c,$^) $(FUZZ_LIBS) $(FUZZ_LIBS_$*)

# every tests/fuzz/fuzz_X.c is a target; its seed corpus is
# tests/fuzz/corpus/X/ (read, never written: new inputs go to a scratch
# directory); FUZZ_DEPS_X lists the other pure files it links.  The policy
# document loader is fuzzed through "nginx -t" (tests/fuzz/policy.pl),
# with the ASan+UBSan module when build-asan/ has it
fuzz: $(FUZZ_TARGETS) $(MODULE)
	@set -e; for f in $(FUZZ_TARGETS); do \
	    n=$${f#tests/bin/fuzz_}; c=tests/fuzz/corpus/$$n; \
	    w=$$(mktemp -d /tmp/fuzz-$$n.XXXXXX); \
	    [ -d $$c ] || { echo "== $$f: no seed corpus $$c"; exit 1; }; \
	    echo "== $$f ($(FUZZ_SECONDS) s, seeds $$c)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        -artifact_prefix=tests/bin/crash-$$n- $$w $$c \
	        >tests/bin/fuzz-$$n.log 2>&1 \
	        || { tail -40 tests/bin/fuzz-$$n.log; rm -rf $$w; exit 1; }; \
	    grep -E "stat::number_of_executed_units|stat::peak_rss" \
	        tests/bin/fuzz-$$n.log; rm -rf $$w; \
	done
	@echo "== tests/fuzz/policy.pl ($(FUZZ_SECONDS) s, nginx -t)"
	@tests/fuzz/policy.pl $(FUZZ_SECONDS)

# headless Chromium through playwright-core (npm), see tests/browser/
browser: $(MODULE)
	tests/browser/run.sh

test: unit integration browser

demo: $(MODULE)
	demo/run.sh

# the README's two commands on a new minimal Debian 12 in a chroot (root,
# network, tens of minutes; not part of "make test"), see tests/fresh/run.sh
test-fresh:
	tests/fresh/run.sh

# --- sanitizers, valgrind, lint (docs/security.md) ------------------------

# the module built with ASan+UBSan in its own nginx tree; the packaged
# binary loads it with the runtimes preloaded (tools/test-asan.sh)
ASAN_BUILD  := build-asan
ASAN_MODULE := $(ASAN_BUILD)/ngx_http_privacy_module.so
SAN_FLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all

$(ASAN_BUILD)/nginx/objs/Makefile: config $(FILES_STAMP) | deps
	rm -rf $(ASAN_BUILD)/nginx && mkdir -p $(ASAN_BUILD) && \
	    cp -r $(NGX_SRC) $(ASAN_BUILD)/nginx
	cd $(ASAN_BUILD)/nginx && bash -c '. ./conf_flags && ./configure \
	    "$${NGX_CONF_FLAGS[@]}" \
	    --with-cc-opt="-g -O1 $(SAN_FLAGS) -fPIC" \
	    --with-ld-opt="$(SAN_FLAGS) -fPIC" \
	    --add-dynamic-module=$(CURDIR)' \
	    >$(CURDIR)/$(ASAN_BUILD)/configure.log \
	    || { tail -30 $(CURDIR)/$(ASAN_BUILD)/configure.log; exit 1; }

$(ASAN_MODULE): $(ASAN_BUILD)/nginx/objs/Makefile $(SOURCES)
	$(MAKE) -s -C $(ASAN_BUILD)/nginx -f objs/Makefile modules
	cp $(ASAN_BUILD)/nginx/objs/ngx_http_privacy_module.so $@.tmp && \
	    mv $@.tmp $@

test-asan: $(ASAN_MODULE)
	tools/test-asan.sh

# all of t/ by default; CI takes the selection in docs/security.md
VALGRIND_TESTS ?= t/*.t
test-valgrind: $(MODULE)
	VALGRIND_TESTS='$(VALGRIND_TESTS)' tools/test-valgrind.sh

lint: lint-includes lint-build lint-cppcheck lint-tidy

# the objects' symbols too: calls between files (docs/architecture.md)
lint-includes: $(MODULE)
	tools/check-includes $(SRC_DIR) $(NGX_BUILD)/objs/addon/$(SRC_DIR)

$(BUILD)/compile_commands.json: $(NGX_BUILD)/objs/Makefile tools/compile-db.sh
	tools/compile-db.sh $(NGX_BUILD) $@

# every module file with the build's flags plus -Wall -Wextra -Werror
lint-build: $(BUILD)/compile_commands.json
	tools/lint-build.sh $(BUILD)/compile_commands.json

# with nginx's headers (from the configured tree) so that glue files are
# analysed too
NGX_INCS = $(addprefix -I $(NGX_BUILD)/,src/core src/event src/event/modules \
               src/os/unix objs src/http src/http/modules src/http/v2)

lint-cppcheck: $(NGX_BUILD)/objs/Makefile
	cppcheck --quiet --error-exitcode=1 --std=c99 --language=c -j2 \
	    --enable=warning,portability,performance --inline-suppr \
	    --suppress=missingIncludeSystem -D__GNUC__ -D__x86_64__ \
	    -I $(SRC_DIR) $(NGX_INCS) $(SRC_DIR)/*.c
	@echo "lint-cppcheck: clean"

lint-tidy: $(BUILD)/compile_commands.json
	@ls $(SRC_DIR)/*.c | xargs -P 2 -n 4 clang-tidy --quiet -p $(BUILD) \
	    --warnings-as-errors='*' >$(BUILD)/clang-tidy.log 2>&1; rc=$$?; \
	    grep -v "warnings generated" $(BUILD)/clang-tidy.log; exit $$rc
	@echo "lint-tidy: clean"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) tests/bin t/tmp
