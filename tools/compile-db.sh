#!/usr/bin/env bash
# Writes compile_commands.json for the module's sources (make lint): the
# compiler, flags and include paths nginx's configure put in
# build/nginx/objs/Makefile (the build's own), run from build/nginx as the
# build does. clang-tidy and the -Wextra compile of make lint read it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ngx=${1:-build/nginx}
out=${2:-build/compile_commands.json}
mk=$ngx/objs/Makefile
[ -f "$mk" ] || { echo "compile-db: $mk missing (run make)" >&2; exit 2; }

# make prints the variables with continuation lines joined
vars=$(make -s -f - -C "$ngx" print <<EOF2
include objs/Makefile
print:
	@echo 'CC=\$(CC)'
	@echo 'CFLAGS=\$(CFLAGS)'
	@echo 'INCS=\$(ALL_INCS)'
EOF2
)
cc=$(sed -n 's/^CC=//p' <<<"$vars")
cflags=$(sed -n 's/^CFLAGS=//p' <<<"$vars" | tr -s ' ')
incs=$(sed -n 's/^INCS=//p' <<<"$vars" | tr -s ' ')
dir=$(cd "$ngx" && pwd)

{
    echo '['
    sep=''
    for f in ngx_privacy_module/*.c; do
        src=$PWD/$f
        printf '%s  {"directory": "%s",\n   "file": "%s",\n' "$sep" "$dir" "$src"
        printf '   "command": "%s -c %s %s -o /dev/null %s"}' \
            "$cc" "$cflags" "$incs" "$src"
        sep=$',\n'
    done
    printf '\n]\n'
} >"$out"
echo "compile-db: $out"
