#!/usr/bin/env bash
# Runs integration tests with nginx under valgrind memcheck (make
# test-valgrind). The harness starts nginx through PRIVACY_TEST_WRAPPER;
# nginx's master, its forked workers and their thread-pool threads all stay
# under valgrind (fork without exec), and each process writes its own log
# (--log-file=...%p). With -q a log holds only errors: invalid reads,
# writes and frees, use of uninitialised values in a decision or a system
# call, and definite leaks (--errors-for-leak-kinds=definite). This script
# fails if any log is non-empty, whether or not a test noticed.
#
# Without arguments it runs VALGRIND_TESTS (see docs/security.md for the
# selection and why); "make test-valgrind VALGRIND_TESTS='t/*.t'" runs all.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

module=${PRIVACY_TEST_MODULE:-build/ngx_http_privacy_module.so}
[ -f "$module" ] || { echo "test-valgrind: $module missing" >&2; exit 2; }

logs=$(mktemp -d /tmp/privacy-valgrind.XXXXXX)
chmod 1777 "$logs"

export PRIVACY_TEST_MODULE=$PWD/${module#$PWD/}
export PRIVACY_TEST_TMPDIR=$logs/t
mkdir -m 755 "$PRIVACY_TEST_TMPDIR"
export PRIVACY_TEST_TIME_FACTOR=${PRIVACY_TEST_TIME_FACTOR:-6}
export PRIVACY_TEST_WRAPPER="valgrind -q --tool=memcheck \
--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
--track-origins=no --num-callers=30 --child-silent-after-fork=no \
--suppressions=$PWD/tools/valgrind.supp --log-file=$logs/vg.%p"

# shellcheck disable=SC2206 # split and glob on purpose
if [ $# -gt 0 ]; then files=("$@"); else files=(${VALGRIND_TESTS:-t/*.t}); fi
prove "${files[@]}"
rc=$?

rm -rf "$PRIVACY_TEST_TMPDIR"
reports=$(find "$logs" -type f -size +0 | sort)
if [ -n "$reports" ]; then
    echo "test-valgrind: memcheck errors:"
    for f in $reports; do echo "--- $f"; head -80 "$f"; done
    rc=1
else
    echo "test-valgrind: no memcheck error (${#files[@]} test files)"
fi
if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "logs kept in $logs";
else rm -rf "$logs"; fi
exit $rc
