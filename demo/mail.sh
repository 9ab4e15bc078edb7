#!/bin/sh
# The demo's privacy_mail_command: instead of sending, each message (RFC
# 5322 on stdin, as sendmail gets it) becomes a file in the folder given
# as $1 (demo/run.sh passes $RUN/mail), newest last by name.
set -e
dir=$1
tmp=$(mktemp "$dir/.msg-XXXXXXXX")
cat >"$tmp"
mv "$tmp" "$dir/$(date -u +%Y%m%dT%H%M%SZ)-${tmp##*-}.eml"
