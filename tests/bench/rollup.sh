#!/bin/sh
# Benchmark of the daily roll-ups over a large register: builds
# tests/bench/bench_rollup.c with -O2 against libsqlite3 and the module's
# pure roll-up and schema files (no nginx), fills a fresh register with
# page views spread over DAYS days, and times the first roll-up (every
# day) and the next day's (the last two days).  Arguments go to
# bench_rollup: -n events (default 3000000), -d days (30), -p paths (500),
# -v visitors (20000), -s subjects (0: customers with an order each, in
# the subject register), -f file (default a temporary file, removed); -r
# RETAIN then times the retention sweep of the days older than RETAIN
# (transactions of -b rows, default 5000); -e EXPIRED of the subjects
# past their period, and the register's sweep of them timed after it
# (transactions of -c subjects, default 500).
#
#   tests/bench/rollup.sh
#   tests/bench/rollup.sh -n 10000000 -d 90
#   tests/bench/rollup.sh -n 5000000 -d 60 -r 30
#   tests/bench/rollup.sh -n 10000000 -d 60 -r 30 -s 1000000 -e 500000

set -eu

cd "$(dirname "$0")/../.."

CC=${CC:-cc}
BIN=tests/bin/bench_rollup

mkdir -p tests/bin

$CC -O2 -Wall -Wextra -Werror -Ingx_privacy_module -o "$BIN" \
    tests/bench/bench_rollup.c ngx_privacy_module/ngx_http_privacy_rollup.c \
    ngx_privacy_module/ngx_http_privacy_schema.c \
    ngx_privacy_module/ngx_http_privacy_sweep*.c \
    ngx_privacy_module/ngx_http_privacy_pace.c \
    ngx_privacy_module/ngx_http_privacy_register_schema.c \
    ngx_privacy_module/ngx_http_privacy_command.c \
    ngx_privacy_module/ngx_http_privacy_calendar.c -lsqlite3 -ljansson

exec "$BIN" "$@"
