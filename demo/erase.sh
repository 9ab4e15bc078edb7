#!/bin/sh
# The demo's privacy_erase_command: the records to erase arrive as JSON
# on stdin ({"category": "chat", "references": [...]}); a real command
# deletes them in the system that holds them.  This one writes the
# request to a file in the folder given as $1 (demo/run.sh passes
# $RUN/erased) and confirms with exit status 0.
set -e
dir=$1
tmp=$(mktemp "$dir/.erase-XXXXXXXX")
cat >"$tmp"
mv "$tmp" "$dir/$(date -u +%Y%m%dT%H%M%SZ)-${tmp##*-}.json"
