#!/bin/sh
# Micro-benchmark of the search-term scrubber: builds tests/bench/
# bench_search.c with -O2 against the pure source and prints ns per term.
#
#   tests/bench/micro.sh [seconds]      (default 2)

set -eu

cd "$(dirname "$0")/../.."

CC=${CC:-cc}
BIN=tests/bin/bench_search

mkdir -p tests/bin

$CC -O2 -Wall -Wextra -Werror -Ingx_privacy_module -o "$BIN" \
    tests/bench/bench_search.c ngx_privacy_module/ngx_http_privacy_search.c \
    ngx_privacy_module/ngx_http_privacy_form.c \
    ngx_privacy_module/ngx_http_privacy_unmask.c \
    ngx_privacy_module/ngx_http_privacy_search_fold.c \
    -lpcre2-8

"$BIN" "${1:-2}"
