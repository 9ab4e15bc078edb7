#!/bin/sh
# CPU per imported subject in the register's own code (no nginx): builds
# tests/bench/bench_register.c with -O2 against the pure register files.
#
#   tests/bench/register.sh [SUBJECTS [FILE]]

set -eu

cd "$(dirname "$0")/../.."

CC=${CC:-cc}
BIN=tests/bin/bench_register
P=ngx_privacy_module/ngx_http_privacy_

mkdir -p tests/bin

$CC -O2 -Wall -Wextra -Werror -Ingx_privacy_module -o "$BIN" \
    tests/bench/bench_register.c ${P}register_db.c ${P}register_get.c \
    ${P}register_json.c ${P}json_arena.c ${P}register_fields.c \
    ${P}register_ops.c \
    ${P}register_import.c ${P}register_events.c ${P}register_seal.c \
    ${P}register_schema.c ${P}schema.c ${P}pnr.c ${P}rfc3339.c \
    ${P}field_crypto.c \
    ${P}audit.c ${P}crypto.c -lsqlite3 -ljansson -lcrypto -lpthread

exec "$BIN" "$@"
