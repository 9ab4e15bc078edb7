#!/bin/bash
# Benchmark of the register API (docs/api.md): N subjects (default 100000)
# with 3 orders each, in NDJSON, through one POST import; then single
# upserts under wrk (new subjects, one per request) for their latency.
# Also serves a static page under wrk while the import runs, so that the
# event loop's share is visible (the thread pool does the SQLite work):
# stub_status's request counter gives the static page's rate in a window
# before the import (alone) and in the import's own window, and their
# ratio.
#
#   tests/bench/import.sh              # 100000 subjects
#   N=20000 DURATION=5 tests/bench/import.sh  # DURATION: the upserts' wrk
#   STATIC=0 tests/bench/import.sh     # the import alone, no static load
#   UPSERTS=0 tests/bench/import.sh    # the import only, no single upserts

set -euo pipefail

cd "$(dirname "$0")/../.."
. tests/bench/common.sh

N=${N:-100000}
DURATION=${DURATION:-10}
MODULE=${MODULE:-build/ngx_http_privacy_module.so}
NGINX=${NGINX:-/usr/sbin/nginx}

DIR=$(mktemp -d /tmp/import-bench.XXXXXX)
trap '[ -f "$DIR/nginx.pid" ] && kill "$(cat "$DIR/nginx.pid")" 2>/dev/null;
      sleep 0.5; rm -rf "$DIR"' EXIT

PORT=$(free_port)
write_page "$DIR/www/index.html"
write_secret "$DIR/secret"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/token"
TOKEN=$(cat "$DIR/token")

cat > "$DIR/nginx.conf" <<EOF
load_module $(readlink -f "$MODULE");
$( [ "$(id -u)" = 0 ] && echo "user root root;" )
worker_processes 2;
pid $DIR/nginx.pid;
error_log $DIR/error.log notice;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $DIR/body;
$(privacy_http_conf "$DIR/secret" "$DIR/privacy.db")
    server {
        listen 127.0.0.1:$PORT;
        root $DIR/www;
        location = /status {
            allow 127.0.0.1;
            deny all;
            stub_status;
        }
        location /api/register/ {
            allow 127.0.0.1;
            deny all;
            client_max_body_size 200m;
            client_body_buffer_size 1m;
            privacy_register_api;
            privacy_register_api_token $DIR/token;
        }
    }
}
EOF

echo "generating $N subjects with 3 orders each"
perl -e '
    my $n = shift;
    for my $i (1 .. $n) {
        my @o = map {
            sprintf q({"order_id":"o-%d-%d","date":"2023-%02d-%02dT10:00:00Z",)
                  . q("total":"%d.50","currency":"SEK","items":[{"sku":"A%d",)
                  . q("name":"Virke 45x95","quantity":%d,"price":"%d.50"}]}),
                  $i, $_, 1 + $i % 12, 1 + $i % 28, 100 + $_, $_, $_, 100 + $_
        } 1 .. 3;
        printf q({"external_id":"c-%d","kind":"customer","name":"Kund %d",)
             . q("email":"kund%d@example.se","phone":"+46 70 %07d",)
             . q("address":"Storgatan %d\n111 22 Stockholm",)
             . q("last_activity":"2024-01-01","orders":[%s]}) . "\n",
             $i, $i, $i, $i, $i % 100, join ",", @o;
    }' "$N" > "$DIR/import.ndjson"
ls -l "$DIR/import.ndjson" | awk '{ printf "%.1f MB of NDJSON\n", $5 / 1e6 }'

"$NGINX" -c "$DIR/nginx.conf"
sleep 0.5

# the first call opens and migrates the register
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/register/audit/verify"

# requests served so far (stub_status), and the time
served() {
    curl -s "http://127.0.0.1:$PORT/status" | awk 'NR == 3 { print $3 }'
}
now() { date +%s.%N; }

WRK=
if [ "${STATIC:-1}" != 0 ]; then
    # runs until stopped after the import; wrk prints its summary on INT
    wrk -t1 -c10 -d600s "http://127.0.0.1:$PORT/index.html" \
        > "$DIR/wrk-static.txt" &
    WRK=$!
    sleep 1
    s0=$(served); t0=$(now)
    sleep "${SOLO:-3}"
    s1=$(served); t1=$(now)
fi

# CPU seconds of the workers (the machine may be shared: wall time alone
# says little about the module)
worker_cpu() {
    local t=0 pid
    for pid in $(pgrep -P "$(cat "$DIR/nginx.pid")"); do
        t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
    done
    echo "$t"
}
TICK=$(getconf CLK_TCK)
cpu0=$(worker_cpu)
[ -n "${PERF:-}" ] && { perf record -g -o "$PERF" \
    -p "$(pgrep -P "$(cat "$DIR/nginx.pid")" | paste -sd,)" & PERFPID=$!; }
[ -n "$WRK" ] && s2=$(served)
start=$(now)
curl -s -o "$DIR/import.out" -w '%{http_code}\n' \
    -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$DIR/import.ndjson" \
    "http://127.0.0.1:$PORT/api/register/import"
end=$(now)
[ -n "$WRK" ] && s3=$(served)
cpu1=$(worker_cpu)
[ -n "${PERF:-}" ] && { kill -INT "$PERFPID"; wait "$PERFPID" || true; }
if [ -n "$WRK" ]; then
    kill -INT "$WRK"
    wait "$WRK" || true
    # each window's count includes one status request of its own
    perl -e '
        my ($s0, $t0, $s1, $t1, $s2, $start, $s3, $end) = @ARGV;
        my $solo = ($s1 - $s0 - 1) / ($t1 - $t0);
        my $during = ($s3 - $s2 - 2) / ($end - $start);
        printf "static page alone: %.0f requests/s; during the import:"
             . " %.0f requests/s (%.2f of alone)\n",
             $solo, $during, $during / $solo' \
        "$s0" "$t0" "$s1" "$t1" "$s2" "$start" "$s3" "$end"
    grep -E 'Latency' "$DIR/wrk-static.txt"
fi

tail -c 80 "$DIR/import.out"; echo
perl -e 'printf "import: %d subjects in %.2f s = %.0f subjects/s\n",
             $ARGV[0], $ARGV[2] - $ARGV[1], $ARGV[0] / ($ARGV[2] - $ARGV[1])' \
    "$N" "$start" "$end"
perl -e 'printf "workers used %.2f CPU s (%s) = %.1f CPU us per subject\n",
             ($ARGV[1] - $ARGV[0]) / $ARGV[2],
             $ARGV[4] eq "0" ? "no static load" : "with the static wrk load",
             ($ARGV[1] - $ARGV[0]) / $ARGV[2] / $ARGV[3] * 1e6' \
    "$cpu0" "$cpu1" "$TICK" "$N" "${STATIC:-1}"
uptime

[ "${UPSERTS:-1}" = 0 ] && exit 0

cat > "$DIR/upsert.lua" <<EOF
local n = 0
local id = tostring(math.random(1, 1000000000))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
    n = n + 1
    return wrk.format(nil, "/api/register/subjects",
        nil, '{"external_id":"w-' .. id .. '-' .. n .. '","kind":"customer",'
        .. '"name":"Wrk Kund","email":"wrk@example.se",'
        .. '"personnummer":"19811218-9876"}')
end
EOF
echo "single upserts under wrk (new subjects, 4 connections):"
wrk -t2 -c4 -d"${DURATION}s" --latency -s "$DIR/upsert.lua" \
    "http://127.0.0.1:$PORT" | grep -E 'Requests/sec|50%|99%|Non-2xx'

sqlite3 "$DIR/privacy.db" 'SELECT count(*) || " subjects, " ||
    (SELECT count(*) FROM orders) || " orders" FROM subjects'
