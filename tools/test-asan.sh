#!/usr/bin/env bash
# Runs the integration suite (t/, or the files given as arguments) against
# the module built with -fsanitize=address,undefined (make test-asan).
#
# The packaged nginx binary is not instrumented, so the sanitizer runtimes
# are loaded into it with LD_PRELOAD (set for nginx only, by the harness,
# through PRIVACY_TEST_PRELOAD): ASan must come first in the initial library
# list, and dlopen() of the instrumented module finds it there. Every
# process (master, workers, their thread-pool threads, "nginx -t") writes
# its reports to its own file under a log directory the worker user can
# write; halt_on_error stops the process at the first report, and this
# script fails if any report file exists, whether or not a test noticed.
#
# Leak detection is off here: the binary is not instrumented and nginx
# leaves its cycle pool to exit() by design, so LeakSanitizer would report
# nginx itself. Definite leaks are checked by make test-valgrind.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

module=${ASAN_MODULE:-build-asan/ngx_http_privacy_module.so}
[ -f "$module" ] || { echo "test-asan: $module missing" >&2; exit 2; }
nm -D "$module" | grep __asan_init >/dev/null \
    || { echo "test-asan: $module is not built with ASan" >&2; exit 2; }

rt=""
for lib in asan ubsan; do
    so=$(gcc -print-file-name=lib$lib.so)
    so=$(readlink -f "$so")
    [ -f "$so" ] || { echo "test-asan: lib$lib.so not found" >&2; exit 2; }
    rt="$rt${rt:+:}$so"
done

logs=$(mktemp -d /tmp/privacy-asan.XXXXXX)
chmod 1777 "$logs"

export PRIVACY_TEST_MODULE=$PWD/$module
export PRIVACY_TEST_PRELOAD=$rt
export PRIVACY_TEST_TIME_FACTOR=${PRIVACY_TEST_TIME_FACTOR:-2}
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=0:abort_on_error=0:\
log_path=$logs/asan:print_cmdline=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:\
log_path=$logs/ubsan"

# a report that does not reach log_path (a worker's UBSan after nginx
# replaced its environment) goes to stderr, which is the error log: keep
# the test directories, in a place of this run's own, and scan those too
export PRIVACY_TEST_KEEP=1
export PRIVACY_TEST_TMPDIR=$logs/t
mkdir -m 755 "$PRIVACY_TEST_TMPDIR"
pattern='runtime error:|ERROR: AddressSanitizer|SUMMARY: (Address|Undefined)'

if [ $# -gt 0 ]; then files=("$@"); else files=(t/*.t); fi
prove "${files[@]}" 2>&1 | grep --line-buffered -v '^# kept '
rc=${PIPESTATUS[0]}

for d in "$PRIVACY_TEST_TMPDIR"/*/; do
    [ -d "$d" ] || continue
    if grep -qE "$pattern" "$d"/*.log 2>/dev/null; then
        grep -hE -A30 "$pattern" "$d"/*.log \
            >"$logs/errorlog.$(basename "$d")"
    fi
done
rm -rf "$PRIVACY_TEST_TMPDIR"

reports=$(find "$logs" -type f -size +0 | sort)
if [ -n "$reports" ]; then
    echo "test-asan: sanitizer reports:"
    for f in $reports; do echo "--- $f"; head -60 "$f"; done
    rc=1
else
    echo "test-asan: no sanitizer report (${#files[@]} test files)"
fi
if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "logs kept in $logs";
else rm -rf "$logs"; fi
exit $rc
