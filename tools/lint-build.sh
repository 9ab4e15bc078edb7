#!/usr/bin/env bash
# make lint-build: compiles every module source with the build's own
# command (build/compile_commands.json) plus -Wall -Wextra -Werror. nginx's
# -Wno-unused-parameter stays: handlers and callbacks have fixed signatures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
db=${1:-build/compile_commands.json}
perl -MJSON::PP -e '
    local $/; my $j = decode_json(<STDIN>);
    print "$_->{directory}\t$_->{command}\n" for @$j;' <"$db" |
while IFS=$'\t' read -r dir cmd; do
    (cd "$dir" && eval "$cmd -Wall -Wextra -Wno-unused-parameter -Werror")
    n=$(( ${n:-0} + 1 ))
done
echo "lint-build: $(grep -c '"file"' "$db") files, -Wall -Wextra -Werror clean"
