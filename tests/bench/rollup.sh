#!/bin/sh
# Benchmark of the daily roll-ups over a large register: builds
# tests/bench/bench_rollup.c with -O2 against libsqlite3 and the module's
# pure roll-up and schema files (no nginx), fills a fresh register with
# page views spread over DAYS days, and times the first roll-up (every
# day) and the next day's (the last two days).  Arguments go to
# bench_rollup: -n events (default 3000000), -d days (30), -p paths (500),
# -v visitors (20000), -f file (default a temporary file, removed); -r
# RETAIN then times the retention sweep of the days older than RETAIN
# (transactions of -b rows, default 5000).
#
#   tests/bench/rollup.sh
#   tests/bench/rollup.sh -n 10000000 -d 90
#   tests/bench/rollup.sh -n 5000000 -d 60 -r 30

set -eu

cd "$(dirname "$0")/../.."

CC=${CC:-cc}
BIN=tests/bin/bench_rollup

mkdir -p tests/bin

# the sweep's files and what they link (Makefile, UNIT_DEPS_sweep)
M=ngx_privacy_module/ngx_http_privacy
$CC -O2 -Wall -Wextra -Werror -Ingx_privacy_module -o "$BIN" \
    tests/bench/bench_rollup.c ${M}_rollup.c ${M}_schema.c ${M}_sweep.c \
    ${M}_sweep_register.c ${M}_sweep_audit.c ${M}_calendar.c \
    ${M}_register_schema.c ${M}_audit.c ${M}_crypto.c -lsqlite3 -lcrypto

exec "$BIN" "$@"
