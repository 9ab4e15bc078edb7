#!/bin/sh
# Micro-benchmark of the per-request hot path (consent cookie decode,
# cookie filter with 10 patterns, analytics pseudonym, search normalize):
# builds tests/bench/bench_hot.c with -O2 against the pure sources and
# prints ns per request for each part.  No nginx involved.
#
#   tests/bench/hot.sh [seconds per measurement]      (default 1)

set -eu

cd "$(dirname "$0")/../.."

CC=${CC:-cc}
BIN=tests/bin/bench_hot
SRC=ngx_privacy_module

mkdir -p tests/bin

$CC -O2 -Wall -Wextra -Werror -I$SRC -o "$BIN" tests/bench/bench_hot.c \
    $SRC/ngx_http_privacy_cookie.c $SRC/ngx_http_privacy_classify.c \
    $SRC/ngx_http_privacy_consent.c $SRC/ngx_http_privacy_crypto.c \
    $SRC/ngx_http_privacy_search.c $SRC/ngx_http_privacy_form.c \
    $SRC/ngx_http_privacy_unmask.c $SRC/ngx_http_privacy_search_fold.c \
    -lcrypto -lpcre2-8

"$BIN" "${1:-1}"
