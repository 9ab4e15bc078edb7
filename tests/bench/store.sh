#!/bin/sh
# Micro-benchmark of the SQLite writer: builds tests/bench/bench_store.c
# with -O2 against libsqlite3 and the module's schema file (no nginx) and
# writes page views into a fresh WAL register with that schema, in
# batches, once per way of writing them (see the modes in bench_store.c).  Prints wall-clock and
# CPU ns per event, then (CALLGRIND=1, the default) instructions per event
# of each mode under valgrind --tool=callgrind, which do not depend on the
# machine or its load.
#
#   tests/bench/store.sh [mode ...]                 (default: all modes)
#
# Environment: EVENTS (default 200000), BATCH (events per transaction,
# default 2048, as NGX_HTTP_PRIVACY_STORE_EAGER), CG_EVENTS (events under
# callgrind, default 50000), CALLGRIND=0 to skip callgrind, DIR (where the
# database is created, default a temporary directory), PATHS (distinct
# paths the views go to, default 1).

set -eu

cd "$(dirname "$0")/../.."

CC=${CC:-cc}
BIN=tests/bin/bench_store
EVENTS=${EVENTS:-200000}
BATCH=${BATCH:-2048}
CG_EVENTS=${CG_EVENTS:-50000}
PATHS=${PATHS:-1}

mkdir -p tests/bin

$CC -O2 -Wall -Wextra -Werror -Ingx_privacy_module -o "$BIN" \
    tests/bench/bench_store.c ngx_privacy_module/ngx_http_privacy_schema.c \
    -lsqlite3

D=$(mktemp -d /tmp/privacy-store.XXXXXX)
trap 'rm -rf "$D"' EXIT
DIR=${DIR:-$D}

"$BIN" -n "$EVENTS" -b "$BATCH" -p "$PATHS" -d "$DIR" "$@"

[ "${CALLGRIND:-1}" = 0 ] && exit 0
command -v valgrind >/dev/null \
    || { echo "store: valgrind is missing" >&2; exit 1; }

echo
echo "$CG_EVENTS events in batches of $BATCH under callgrind"
printf '  %-14s %8s\n' mode Ir/event

modes=$*
[ -n "$modes" ] || modes=$(sed -n 's/^    { "\([^"]*\)",.*/\1/p' \
                             tests/bench/bench_store.c)

for m in $modes; do
    valgrind --tool=callgrind --toggle-collect=bench_run \
        --callgrind-out-file="$D/cg.out" -q \
        "$BIN" -n "$CG_EVENTS" -b "$BATCH" -p "$PATHS" -d "$DIR" "$m" \
        >/dev/null
    awk -v m="$m" -v n="$CG_EVENTS" '/^(summary|totals):/ {
            printf "  %-14s %8.0f\n", m, $2 / n; exit }' "$D/cg.out"
done
