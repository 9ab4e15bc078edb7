# ngx_privacy_module — build, test, demo.
#
#   make            build build/ngx_http_privacy_module.so against Debian's
#                   packaged nginx (nginx-dev); installs missing packages
#                   when run as root
#   make test       unit tests (cmocka) and integration tests (prove t/)
#   make demo       the sample shop behind the module on localhost

NGX_SRC    ?= /usr/share/nginx/src
BUILD      := build
NGX_BUILD  := $(BUILD)/nginx
MODULE     := $(BUILD)/ngx_http_privacy_module.so
SRC_DIR    := ngx_privacy_module

SOURCES    := config $(wildcard $(SRC_DIR)/*.c $(SRC_DIR)/*.h)

# Debian 12 packages the build, the tests and the demo need
DEB_PACKAGES := nginx nginx-dev build-essential libsqlite3-dev sqlite3 \
                libjansson-dev libpcre2-dev libssl-dev libpsl-dev \
                publicsuffix libcmocka-dev perl libhttp-tiny-perl \
                libdbd-sqlite3-perl wrk valgrind clang \
                chromium nodejs

UNIT_SRCS  := $(wildcard tests/test_*.c)
UNIT_BINS  := $(patsubst tests/%.c,tests/bin/%,$(UNIT_SRCS))
UNIT_CFLAGS ?= -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
               -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_LIBS  := -lcmocka -lcrypto -lpcre2-8 -lsqlite3 -ljansson

.PHONY: all deps test unit integration browser fuzz demo clean

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

# configure once with Debian's own flags (--with-compat makes the module
# loadable into the packaged binary), then rebuild the module only
$(NGX_BUILD)/objs/Makefile: config | deps
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

# tests/test_X.c tests ngx_http_privacy_X.c plus the pure files in UNIT_DEPS_X
UNIT_DEPS_consent  := crypto
UNIT_DEPS_classify :=
UNIT_DEPS_search   := form
UNIT_DEPS_rollup   := schema
UNIT_DEPS_sweep    := rollup schema
UNIT_DEPS_pnr      :=
UNIT_DEPS_register_json := pnr rfc3339
UNIT_DEPS_register_db := register_json register_schema schema pnr \
                         rfc3339 field_crypto audit crypto
UNIT_DEPS_rights_token := crypto
pure = $(foreach p,$(1),$(SRC_DIR)/ngx_http_privacy_$(p).c)

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
FUZZ_DEPS_search  := form
FUZZ_DEPS_register_json := pnr rfc3339
FUZZ_DEPS_rights_token := crypto

tests/bin/fuzz_%: tests/fuzz/fuzz_%.c $$(call pure,$$* $$(FUZZ_DEPS_$$*)) | deps
	@mkdir -p tests/bin
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I$(SRC_DIR) -o $@ \
	    $(filter %.c,$^) -lcrypto -lpcre2-8 -ljansson

fuzz: $(FUZZ_TARGETS)
	@set -e; for f in $(FUZZ_TARGETS); do echo "== $$f"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY"; \
	done

# headless Chromium through playwright-core (npm), see tests/browser/
browser: $(MODULE)
	tests/browser/run.sh

test: unit integration browser

demo: $(MODULE)
	demo/run.sh

clean:
	rm -rf $(BUILD) tests/bin t/tmp
