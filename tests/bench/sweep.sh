#!/bin/bash
# Pages served while the module sweeps: wrk's latency on the module's
# static page during a retention sweep of a large register, against the
# same nginx without a sweep (issue #19 item 4).
#
# One nginx with the module (the configuration of tests/bench/bench.sh's
# module instance, one worker) starts on a copy of REGISTER and is warmed
# up.  Then, ROUNDS times: a reload to the same configuration and wrk for
# DURATION seconds (no sweep), and a reload that adds
# "privacy_retention analytics $RETENTION", whose new worker starts the
# sweep at once, and wrk for DURATION seconds while it runs.  Both windows
# begin with a reload, so they differ only by the sweep.  The register is
# copied afresh before each round, so that every sweep deletes as much.
# Prints each window's requests/s, p50 and p99, the sweep's own line from
# the error log (rows deleted, seconds), and the medians.
#
#   tests/bench/rollup.sh -n 10000000 -d 60 -s 1000000 -f /tmp/reg.db
#   REGISTER=/tmp/reg.db tests/bench/sweep.sh
#
# Environment (defaults): REGISTER (required), RETENTION=30d, ROUNDS=3,
# DURATION=30 (longer than the sweep), CONNECTIONS=50, NO_BUILD=1 skips
# "make".  The event loop runs on CPU 0 and wrk on CPU 1, as in bench.sh;
# the thread pool, which sweeps, is left to the scheduler.

set -euo pipefail

[ -n "${REGISTER:-}" ] || { echo "sweep: REGISTER=file.db is required" >&2; exit 1; }
REGISTER=$(realpath "$REGISTER")
cd "$(dirname "$0")/../.."
REPO=$(pwd)
. tests/bench/common.sh

RETENTION=${RETENTION:-30d}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-50}
CONSENT=statistics
NGINX=${NGINX:-/usr/sbin/nginx}
MODULE=$REPO/build/ngx_http_privacy_module.so

[ -n "${NO_BUILD:-}" ] || make -s >/dev/null

D=$(mktemp -d "${TMPDIR:-/tmp}"/privacy-sweep.XXXXXX)
chmod 755 "$D"
cleanup() {
    if [ -f "$D/nginx.pid" ]; then
        kill -QUIT "$(cat "$D/nginx.pid")" 2>/dev/null || true
    fi
    sleep 0.5
    rm -rf "$D"
}
trap cleanup EXIT

PORT=$(free_port)
write_page "$D/www/index.html"
write_secret "$D/secret"
mkdir -p "$D/data" "$D/tmp"
USER_LINE=
if [ "$(id -u)" = 0 ]; then
    USER_LINE='user nobody nogroup;'
    chown nobody:nogroup "$D/data" "$D/tmp"
fi

conf() {   # retention ("" for none)
    cat > "$D/nginx.conf" <<EOF
load_module $MODULE;
$USER_LINE
worker_processes 1;
pid $D/nginx.pid;
error_log $D/error.log notice;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    client_body_temp_path $D/tmp/body;
    proxy_temp_path $D/tmp/proxy;
    fastcgi_temp_path $D/tmp/fastcgi;
    uwsgi_temp_path $D/tmp/uwsgi;
    scgi_temp_path $D/tmp/scgi;
$(privacy_http_conf "$D/secret" "$D/data/privacy.db")
${1:+    privacy_retention analytics $1;}
    server {
        listen 127.0.0.1:$PORT;
        server_name shop.example;
        root $D/www;
$(privacy_server_conf on)
        location / { }
    }
}
EOF
    $NGINX -t -q -p "$D" -c "$D/nginx.conf" -e "$D/error.log"
}

pin_worker() {   # the event loop of the current worker on CPU 0
    local master w
    master=$(cat "$D/nginx.pid")
    for _ in $(seq 1 100); do
        w=$(pgrep -P "$master" -n || true)
        [ -n "$w" ] && [ "$w" != "${LAST_WORKER:-}" ] && break
        sleep 0.05
    done
    LAST_WORKER=$w
    taskset -pc 0 "$w" >/dev/null
}

reload() {   # retention
    conf "$1"
    kill -HUP "$(cat "$D/nginx.pid")"
    pin_worker
}

run_wrk() {   # seconds outfile
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$1"s --latency \
        -H 'Host: shop.example' -H "User-Agent: $UA" \
        -H "Cookie: $HEADER_COOKIES" \
        "http://127.0.0.1:$PORT/index.html" > "$2"
}
pct() {   # file percentile: microseconds
    awk -v p="$2%" '$1 == p {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        m = (u == "us") ? 1 : (u == "ms") ? 1000 : 1000000;
        printf "%.0f\n", v * m }' "$1"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "register:  $REGISTER ($(du -h "$REGISTER" | cut -f1)), retention $RETENTION"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) before the runs"
printf '%-6s %-9s %12s %9s %9s  %s\n' round window 'requests/s' 'p50 (us)' 'p99 (us)' 'sweep (error log)'
for r in $(seq 1 "$ROUNDS"); do
    [ -f "$D/nginx.pid" ] && kill -QUIT "$(cat "$D/nginx.pid")" && sleep 1
    cp "$REGISTER" "$D/data/privacy.db"
    rm -f "$D/data/privacy.db-wal" "$D/data/privacy.db-shm"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$D/data/privacy.db"
    : > "$D/error.log"
    conf ""
    $NGINX -p "$D" -c "$D/nginx.conf" -e "$D/error.log"
    sleep 0.3
    pin_worker
    CONSENT_COOKIE=$(consent_cookie "$PORT")
    HEADER_COOKIES=$(header_cookies "$CONSENT_COOKIE")
    run_wrk 10 "$D/warm.txt"        # start-up: the register opened, rolled up

    for w in none sweep; do
        if [ "$w" = none ]; then reload ""; else reload "$RETENTION"; fi
        run_wrk "$DURATION" "$D/$r-$w.txt"
        line=-
        if [ "$w" = sweep ]; then
            in=inside
            for _ in $(seq 1 120); do   # a sweep longer than the window
                line=$(grep -o 'retention sweep: [0-9]* page views.*deleted in [0-9]* s' "$D/error.log" | tail -1 || true)
                [ -n "$line" ] && break
                in=after
                sleep 0.5
            done
            rows=$(echo "$line" | sed -n 's/.*sweep: \([0-9]*\) page.*in \([0-9]*\) s/\1 \2/p')
            [ -n "$rows" ] && line="$line ($(echo "$rows" | awk '{ printf "%.0f", $1 / $2 }') rows/s; ended $in the window)"
        fi
        printf '%-6s %-9s %12s %9s %9s  %s\n' "$r" "$w" \
            "$(awk '/^Requests\/sec:/ { print $2 }' "$D/$r-$w.txt")" \
            "$(pct "$D/$r-$w.txt" 50)" "$(pct "$D/$r-$w.txt" 99)" \
            "${line:-the sweep did not end in 60 s}"
    done
done

echo
p99() { for r in $(seq 1 "$ROUNDS"); do pct "$D/$r-$1.txt" 99; done | median; }
NONE=$(p99 none)
SWEEP=$(p99 sweep)
echo "median p99: $NONE us without a sweep, $SWEEP us during one ($((SWEEP - NONE)) us more)"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) after the runs"
