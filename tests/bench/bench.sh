#!/bin/bash
# Throughput benchmark (SPEC §10, issue #3): stock nginx against nginx with
# the module fully on (consent check, cookie stripping with 10 patterns,
# analytics into SQLite, a consent portal), same Debian binary, same static
# ~5 KB HTML page, one worker each, access_log off.  wrk drives them
# alternately for ROUNDS rounds of DURATION seconds with a realistic
# browser request (15 cookies, a consent cookie, a browser User-Agent);
# prints requests/s (median of the rounds), the ratio module/stock, p50/p99
# latency, the CPU time each instance's worker (all its threads) spent per
# request, and after a graceful stop of the module instance the events
# written against the requests wrk completed, and the events dropped.
# CPU per request varies less than requests/s when the shared vCPUs slow
# down, but both move with the machine: compare instances of one run only.
#
#   tests/bench/bench.sh                      3 rounds x 10 s
#   ROUNDS=1 DURATION=30 tests/bench/bench.sh the issue's 30-second run
#
# Environment (defaults):
#   ROUNDS=3 DURATION=10 WARMUP=2   rounds, seconds per wrk run, warm-up s
#   CONNECTIONS=50 THREADS=1        wrk -c / -t
#   CONSENT=statistics              the visitor's consent cookie: statistics
#                                   (preferences+statistics granted), all,
#                                   or none (no consent cookie: tracking
#                                   cookies stripped and expired)
#   PIN=1                           with >= 2 CPUs: each nginx worker's
#                                   event loop on CPU 0, wrk on CPU 1; the
#                                   module's thread-pool thread (the
#                                   SQLite writer) is left to the
#                                   scheduler, as thread pools are meant
#                                   to be.  PIN=process: the whole nginx
#                                   process on CPU 0, writer included (its
#                                   worst case: the writer then takes
#                                   cycles from the saturated event loop
#                                   while wrk's CPU idles).  PIN=split:
#                                   event loop on CPU 0, thread pool on
#                                   CPU 1 with wrk.  PIN=0: none
#   ANALYTICS=on                    off: the module instance without
#                                   privacy_analytics (enforcement only)
#   PRIVACY=on                      off: the page's location has "privacy
#                                   off; privacy_analytics off;" (the
#                                   module loaded and configured around it)
#   ENFORCE=on                      off: the page's location has "privacy
#                                   off;" only (page views counted, no
#                                   cookie judged): the floor of any
#                                   cheaper enforcement
#   CASES=1                         run each case in turn (consented,
#                                   CONSENT=none, PRIVACY=off,
#                                   ANALYTICS=off, ENFORCE=off) with the
#                                   other settings, then print their
#                                   figures side by side
#   HEADERS=1                       distinct Cookie headers wrk cycles
#                                   through (a different _ga value in
#                                   each); 1 is one browser; 10000 keeps
#                                   every request out of the module's
#                                   per-worker memo of Cookie headers (64
#                                   slots), its worst case
#   NO_BUILD=1                      skip "make"
#   MODULE=build/ngx_http_privacy_module.so   the module to load (to
#                                   compare builds)
#   BASELINE=stock                  threads: the stock instance gets an
#                                   idle thread pool of 32 threads, as the
#                                   module's worker has; measures what
#                                   being multi-threaded costs by itself
#                                   (the bar is judged against plain stock
#                                   only); headers: the stock instance
#                                   sends the module's extra response
#                                   headers (the expiring Set-Cookies,
#                                   Vary) from add_header lines, the cost
#                                   of sending those bytes at all
#   REGISTER=file.db                start the module instance on a copy
#                                   of this register (e.g. one that
#                                   tests/bench/rollup.sh -f filled), so
#                                   that its start-up roll-up and its
#                                   size weigh in; its rows are not
#                                   counted as events of the run
#   RETENTION=30d                   privacy_retention analytics for the
#                                   module instance: with REGISTER and
#                                   FIRST=module, its start-up retention
#                                   sweep runs during the first round
#   FIRST=stock                     module: the module instance goes first
#                                   in the warm-up and in odd rounds (with
#                                   REGISTER and WARMUP=0, its start-up
#                                   roll-up then meets full load)
#   KEEP=1                          keep the temp dir (configs, logs, db)
#   NGINX=/usr/sbin/nginx           the nginx binary
#
# Not part of "make test": it takes ROUNDS * 2 * DURATION seconds and its
# numbers depend on the machine.  See docs/performance.md.

set -euo pipefail

# a MODULE or REGISTER given relative to where the script was started from
[ -n "${MODULE:-}" ] && MODULE=$(realpath -m "$MODULE")
[ -n "${REGISTER:-}" ] && REGISTER=$(realpath -m "$REGISTER")

SELF=$(realpath "$0")
cd "$(dirname "$0")/../.."
REPO=$(pwd)
. tests/bench/common.sh   # UA, COOKIES, the page, the module's lines, ...

if [ -n "${CASES:-}" ]; then
    CASE_LIST="consented CONSENT=none PRIVACY=off ANALYTICS=off ENFORCE=off"
    [ -n "${NO_BUILD:-}" ] || make -s >/dev/null
    OUT=$(mktemp -d /tmp/privacy-bench-cases.XXXXXX)
    for c in $CASE_LIST; do
        echo "bench: case $c" >&2
        v=; [ "$c" = consented ] || v=$c
        env $v CASES= NO_BUILD=1 "$SELF" > "$OUT/$c.txt"
    done
    echo
    echo "each case, stock against the module (median of the rounds' ratios):"
    printf '  %-14s %10s %10s %8s %12s %12s %8s\n' case "stock r/s" \
        "module r/s" ratio "stock CPU us" "module CPU" dropped
    for c in $CASE_LIST; do
        perl -ne '
            $s = $1 if /^  stock\s+(\d+) requests/;
            $m = $1 if /^  module\s+(\d+) requests/;
            $r = $1 if /median of the rounds. ratios: ([\d.]+)/;
            ($sc, $mc) = ($1, $2) if /stock ([\d.]+) us, module ([\d.]+) us/;
            $d = $1 if /^  dropped \(worker.s exit log\):\s+(\d+)/;
            END { printf "  %-14s %10s %10s %8s %12s %12s %8s\n", $c,
                  $s, $m, $r, $sc, $mc, $d // "-" }
            BEGIN { $c = pop @ARGV }' "$OUT/$c.txt" "$c"
    done
    echo "  (each case's full output: $OUT)"
    exit 0
fi

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-1}
CONSENT=${CONSENT:-statistics}
ANALYTICS=${ANALYTICS:-on}
PRIVACY=${PRIVACY:-on}
ENFORCE=${ENFORCE:-on}
HEADERS=${HEADERS:-1}
PIN=${PIN:-1}
BASELINE=${BASELINE:-stock}
FIRST=${FIRST:-stock}
case "$FIRST" in
    stock) SECOND=module ;;
    module) SECOND=stock ;;
    *) echo "bench: FIRST must be stock or module" >&2; exit 1 ;;
esac
case "$BASELINE" in
    stock|threads|headers) ;;
    *) echo "bench: BASELINE must be stock, threads or headers" >&2; exit 1 ;;
esac
NGINX=${NGINX:-/usr/sbin/nginx}
MODULE=${MODULE:-$REPO/build/ngx_http_privacy_module.so}

for tool in wrk sqlite3 curl perl; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done

if [ -z "${NO_BUILD:-}" ]; then
    make -s >/dev/null
fi

[ -f "$MODULE" ] || { echo "bench: $MODULE not built" >&2; exit 1; }

D=$(mktemp -d "${TMPDIR:-/tmp}"/privacy-bench.XXXXXX)
chmod 755 "$D"

STOCK_PID=
MODULE_PID=

cleanup() {
    for f in "$D/stock/nginx.pid" "$D/module/nginx.pid"; do
        [ -f "$f" ] && kill -QUIT "$(cat "$f")" 2>/dev/null || true
    done
    sleep 0.5
    if [ -n "${KEEP:-}" ]; then
        echo "kept $D"
    else
        rm -rf "$D"
    fi
}
trap cleanup EXIT

PORT_STOCK=$(free_port)
PORT_MODULE=$(free_port)
while [ "$PORT_MODULE" = "$PORT_STOCK" ]; do PORT_MODULE=$(free_port); done

# --- the page: ~5 KB of HTML ------------------------------------------------

write_page "$D/www/index.html"
PAGE_BYTES=$(stat -c %s "$D/www/index.html")
write_secret "$D/secret"

USER_LINE=
if [ "$(id -u)" = 0 ]; then
    USER_LINE='user nobody nogroup;'
fi

write_conf() {   # name port privacy-lines server-lines [location-lines]
    local name=$1 port=$2 http_extra=$3 server_extra=$4 loc_extra=${5:-} load=
    mkdir -p "$D/$name/data" "$D/$name/tmp"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$D/$name/data" "$D/$name/tmp"
    [ "$name" = module ] && load="load_module $MODULE;"
    [ "$name" = stock ] && [ "$BASELINE" = threads ] \
        && load="thread_pool default threads=32;"
    cat > "$D/$name/nginx.conf" <<EOF
$load
$USER_LINE
daemon on;
master_process on;
worker_processes 1;
pid $D/$name/nginx.pid;
error_log $D/$name/error.log notice;

events {
    worker_connections 4096;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;

    client_body_temp_path $D/$name/tmp/body;
    proxy_temp_path $D/$name/tmp/proxy;
    fastcgi_temp_path $D/$name/tmp/fastcgi;
    uwsgi_temp_path $D/$name/tmp/uwsgi;
    scgi_temp_path $D/$name/tmp/scgi;
$http_extra
    server {
        listen 127.0.0.1:$port;
        server_name shop.example;
        root $D/www;
$server_extra
        location / {
            $loc_extra
        }
    }
}
EOF
}

# the register's last row before the run: the run's events come after it
# (a retention sweep may delete seeded rows meanwhile)
SEEDED=0
if [ -n "${REGISTER:-}" ]; then
    mkdir -p "$D/module/data"
    cp "$REGISTER" "$D/module/data/privacy.db"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$D/module/data/privacy.db"
    SEEDED=$(sqlite3 "$REGISTER" 'SELECT coalesce(max(id), 0) FROM analytics_events')
fi

write_conf module "$PORT_MODULE" "
$(privacy_http_conf "$D/secret" "$D/module/data/privacy.db")
${RETENTION:+    privacy_retention analytics $RETENTION;}
" "
$(privacy_server_conf "$ANALYTICS")
" "$([ "$PRIVACY" != off ] || echo 'privacy off; privacy_analytics off;'
    [ "$ENFORCE" != off ] || echo 'privacy off;')"

CPU_NGINX=
CPU_WRK=
PINNED=
if [ "$PIN" != 0 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    case "$PIN" in
        1)       PINNED="nginx's event loop on CPU 0 (thread pool unpinned), wrk on CPU 1" ;;
        split)   PINNED="nginx's event loop on CPU 0, its thread pool and wrk on CPU 1" ;;
        process) CPU_NGINX="taskset -c 0"
                 PINNED="all of nginx (thread pool too) on CPU 0, wrk on CPU 1" ;;
        *) echo "bench: PIN must be 1, split, process or 0" >&2; exit 1 ;;
    esac
    CPU_WRK="taskset -c 1"
fi

start() {   # name
    $NGINX -t -q -p "$D/$1" -c "$D/$1/nginx.conf" -e "$D/$1/error.log"
    $CPU_NGINX $NGINX -p "$D/$1" -c "$D/$1/nginx.conf" -e "$D/$1/error.log"
    for _ in $(seq 1 100); do
        [ -s "$D/$1/nginx.pid" ] && break
        sleep 0.05
    done
}

start module
sleep 0.3

# --- the visitor's consent cookie, from the module's own portal -------------

CONSENT_COOKIE=
case "$CONSENT" in
    none) ;;
    all|statistics)
        CONSENT_COOKIE=$(consent_cookie "$PORT_MODULE")
        [ -n "$CONSENT_COOKIE" ] || { echo "bench: no consent cookie" >&2; exit 1; }
        ;;
    *) echo "bench: CONSENT must be statistics, all or none" >&2; exit 1 ;;
esac

HEADER_COOKIES=$(header_cookies "$CONSENT_COOKIE")

# stock: the module's location tree (its portal's location beside "/");
# BASELINE=headers: and the module's extra response headers
STOCK_HEADERS=
[ "$BASELINE" = headers ] \
    && STOCK_HEADERS=$(same_headers "$PORT_MODULE" "$HEADER_COOKIES")
write_conf stock "$PORT_STOCK" "" "
        location /privacy/ {
        }
" "$STOCK_HEADERS"
start stock
STOCK_PID=$(cat "$D/stock/nginx.pid")
MODULE_PID=$(cat "$D/module/nginx.pid")
sleep 0.3

# PIN=1: "taskset -p" on a worker's pid moves only its main thread, the
# event loop; the threads of its pool keep the CPUs they started with,
# unless PIN=split moves them to wrk's CPU
if { [ "$PIN" = 1 ] || [ "$PIN" = split ]; } && [ -n "$PINNED" ]; then
    for master in "$STOCK_PID" "$MODULE_PID"; do
        workers=$(pgrep -P "$master" || true)
        [ -n "$workers" ] || { echo "bench: no nginx worker to pin" >&2; exit 1; }
        for w in $workers; do
            taskset -pc 0 "$w" >/dev/null
            [ "$PIN" = split ] || continue
            for t in /proc/"$w"/task/*; do
                [ "${t##*/}" = "$w" ] || taskset -pc 1 "${t##*/}" >/dev/null
            done
        done
    done
fi


# --- sanity: both serve the same page ----------------------------------------

check() {   # port
    curl -sS -o /dev/null -w '%{http_code} %{size_download}' -A "$UA" \
        -H 'Host: shop.example' -H "Cookie: $HEADER_COOKIES" \
        "http://127.0.0.1:$1/index.html"
}
[ "$(check "$PORT_STOCK")" = "200 $PAGE_BYTES" ] \
    || { echo "bench: stock does not serve the page" >&2; exit 1; }
[ "$(check "$PORT_MODULE")" = "200 $PAGE_BYTES" ] \
    || { echo "bench: module does not serve the page" >&2; exit 1; }
MODULE_REQUESTS=1   # the check above is one page view

SET_COOKIES=$(curl -sS -o /dev/null -D - -A "$UA" -H 'Host: shop.example' \
    -H "Cookie: $HEADER_COOKIES" "http://127.0.0.1:$PORT_MODULE/index.html" \
    | tr -d '\r' | grep -ci '^set-cookie:' || true)
MODULE_REQUESTS=2

echo "nginx:       $($NGINX -v 2>&1 | sed 's/.*: //'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'))"
echo "page:        $PAGE_BYTES bytes of HTML; Cookie header ${#HEADER_COOKIES} bytes, $(echo "$HEADER_COOKIES" | tr ';' '\n' | wc -l) cookies (consent: $CONSENT)"
[ "$BASELINE" = threads ] \
    && echo "stock:       with an idle thread pool (thread_pool default threads=32)"
[ "$BASELINE" = headers ] \
    && echo "stock:       sends the module's extra response headers: $(echo "$STOCK_HEADERS" | grep -c add_header) add_header lines"
echo "module:      privacy on, 10 privacy_cookie patterns, privacy_analytics $ANALYTICS, portal; the page's location: $([ "$ENFORCE" = off ] && echo "privacy off (analytics on)" || echo "privacy $PRIVACY");"
echo "             response carries $SET_COOKIES Set-Cookie header(s) (expiring denied cookies)"
echo "load:        $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the runs"
echo "headers:     $HEADERS distinct Cookie header(s)"
echo "wrk:         -t$THREADS -c$CONNECTIONS, ${ROUNDS} rounds x ${DURATION}s per instance (+${WARMUP}s warm-up)${PINNED:+, $PINNED}"
echo

# --- the runs ------------------------------------------------------------------

# with HEADERS > 1, the Cookie header comes from a script: requests are
# built once at start, so that wrk does the same work for both instances
SCRIPT=
if [ "$HEADERS" -gt 1 ]; then
    SCRIPT="-s $D/headers.lua"
    cat > "$D/headers.lua" <<'EOF'
local reqs, i = {}, 0
init = function(args)
    local n = tonumber(os.getenv("HEADERS"))
    local base = os.getenv("HEADER_COOKIES")
    for k = 1, n do
        local h = {}
        for name, value in pairs(wrk.headers) do h[name] = value end
        h["Cookie"] = base:gsub("_ga=GA1%.1%.%d+",
                                "_ga=GA1.1." .. (1000000000 + k), 1)
        reqs[k] = wrk.format("GET", "/index.html", h)
    end
end
request = function()
    i = i % #reqs + 1
    return reqs[i]
end
EOF
fi
export HEADERS HEADER_COOKIES

run_wrk() {   # port seconds outfile
    $CPU_WRK wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --latency $SCRIPT \
        -H 'Host: shop.example' -H "User-Agent: $UA" \
        -H "Cookie: $HEADER_COOKIES" \
        -H 'Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' \
        -H 'Accept-Language: sv-SE,sv;q=0.9,en;q=0.8' \
        "http://127.0.0.1:$1/index.html" > "$3"
    if grep -q 'Non-2xx\|Socket errors' "$3"; then
        echo "  warning: $(grep 'Non-2xx\|Socket errors' "$3" | tr -s ' ')" >&2
    fi
}

rps()      { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
requests() { awk '/requests in/ { print $1 }' "$1"; }
# latency percentile in microseconds
pct() {
    awk -v p="$2%" '$1 == p {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        if (u == "us") m = 1; else if (u == "ms") m = 1000;
        else if (u == "s") m = 1000000; else m = 60000000;
        printf "%.0f\n", v * m }' "$1"
}
median() { sort -n | awk '{ a[NR] = $1 } END {
    if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

if [ "$WARMUP" -gt 0 ]; then
    for name in $FIRST $SECOND; do
        port=$PORT_STOCK
        [ "$name" = module ] && port=$PORT_MODULE
        run_wrk "$port" "$WARMUP" "$D/warmup-$name.txt"
    done
    MODULE_REQUESTS=$((MODULE_REQUESTS + $(requests "$D/warmup-module.txt")))
fi

# CPU time of an instance's workers, every thread included (the writer's
# too), in clock ticks: what a request costs, whatever else ran meanwhile
TICK=$(getconf CLK_TCK)
cpu_ticks() {   # master pid: "all threads" and "other threads than the event loop"
    local w
    for w in $(pgrep -P "$1"); do
        for t in /proc/"$w"/task/*; do
            echo "$([ "${t##*/}" = "$w" ] && echo main || echo pool) $(cat "$t"/stat 2>/dev/null)"
        done
    done | awk '{ t += $15 + $16; if ($1 == "pool") p += $15 + $16 }
                END { print t + 0, p + 0 }'
}

cpu()      { cut -d' ' -f1 "$1.cpu"; }   # all threads, us per request
pool_cpu() { cut -d' ' -f2 "$1.cpu"; }   # the thread pool's part

printf '%-7s %-7s %12s %10s %10s %12s %9s\n' round nginx 'requests/s' 'p50 (us)' 'p99 (us)' requests 'CPU us/r'
for r in $(seq 1 "$ROUNDS"); do
    # alternate which instance goes first
    if [ $((r % 2)) = 1 ]; then order="$FIRST $SECOND"; else order="$SECOND $FIRST"; fi
    for name in $order; do
        if [ "$name" = stock ]; then
            port=$PORT_STOCK master=$STOCK_PID
        else
            port=$PORT_MODULE master=$MODULE_PID
        fi
        out="$D/round$r-$name.txt"
        t0=$(cpu_ticks "$master")
        run_wrk "$port" "$DURATION" "$out"
        t1=$(cpu_ticks "$master")
        # per request: all threads, and the thread pool's (the writer's) part
        echo "$t0 $t1" | awk -v hz="$TICK" -v n="$(requests "$out")" \
            '{ printf "%.2f %.2f\n", ($3 - $1) / hz * 1e6 / n,
                                      ($4 - $2) / hz * 1e6 / n }' > "$out.cpu"
        printf '%-7s %-7s %12s %10s %10s %12s %9s\n' "$r" "$name" "$(rps "$out")" \
            "$(pct "$out" 50)" "$(pct "$out" 99)" "$(requests "$out")" "$(cpu "$out")"
        if [ "$name" = module ]; then
            MODULE_REQUESTS=$((MODULE_REQUESTS + $(requests "$out")))
        fi
    done
    awk -v m="$(rps "$D/round$r-module.txt")" -v s="$(rps "$D/round$r-stock.txt")" \
        'BEGIN { printf "%-7s %-7s %12.3f\n", "", "ratio", m / s }' \
        | tee -a "$D/ratios.txt"
done

med() {   # name what
    for r in $(seq 1 "$ROUNDS"); do "$2" "$D/round$r-$1.txt" ${3:-}; done | median
}

S_RPS=$(med stock rps)
M_RPS=$(med module rps)
S_P50=$(med stock pct 50)
M_P50=$(med module pct 50)
S_P99=$(med stock pct 99)
M_P99=$(med module pct 99)
S_CPU=$(med stock cpu)
M_CPU=$(med module cpu)
M_POOL=$(med module pool_cpu)
RATIO=$(awk -v m="$M_RPS" -v s="$S_RPS" 'BEGIN { printf "%.3f", m / s }')
PAIRED=$(awk '{ print $2 }' "$D/ratios.txt" | median)
# the spread of the rounds' ratios: min, quartiles (nearest rank), max
SPREAD=$(awk '{ print $2 }' "$D/ratios.txt" | sort -n | awk '{ a[NR] = $1 }
    END { q1 = int((NR + 3) / 4); q3 = int((3 * NR + 3) / 4);
          printf "%.3f / %.3f / %.3f / %.3f", a[1], a[q1], a[q3], a[NR] }')

# --- graceful stop: everything buffered is written ---------------------------

kill -QUIT "$MODULE_PID"
for _ in $(seq 1 600); do
    kill -0 "$MODULE_PID" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$MODULE_PID" 2>/dev/null; then
    echo "bench: the module instance did not stop in 60 s" >&2
    exit 1
fi

EVENTS=$(sqlite3 "$D/module/data/privacy.db" "SELECT coalesce(sum(views), 0) FROM analytics_events WHERE id > $SEEDED")
ROWS=$(sqlite3 "$D/module/data/privacy.db" "SELECT count(*) FROM analytics_events WHERE id > $SEEDED")
LOGLINE=$(grep 'dropped by this worker' "$D/module/error.log" || true)
WRITTEN=$(echo "$LOGLINE" | sed -n 's/.*: \([0-9]*\) records written.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
DROPPED=$(echo "$LOGLINE" | sed -n 's/.*written, \([0-9]*\) dropped.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
RUNS=$(( ROUNDS + (WARMUP > 0 ? 1 : 0) ))

echo
echo "median of $ROUNDS round(s):"
printf '  stock   %10.0f requests/s   p50 %6s us   p99 %6s us\n' "$S_RPS" "$S_P50" "$S_P99"
printf '  module  %10.0f requests/s   p50 %6s us   p99 %6s us\n' "$M_RPS" "$M_P50" "$M_P99"
echo "  ratio module/stock: $RATIO (of the medians); median of the rounds' ratios: $(printf %.3f "$PAIRED")"
echo "  rounds' ratios, min / lower quartile / upper quartile / max: $SPREAD"
echo "  CPU per request (worker processes, all threads): stock $S_CPU us, module $M_CPU us ($(awk -v m="$M_CPU" -v s="$S_CPU" 'BEGIN { printf "%+.1f %%", (m / s - 1) * 100 }')), of which the module's thread pool (SQLite writer, checkpoints) $M_POOL us"
echo "  load average now: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on these CPUs skew the numbers)"
echo
echo "analytics (module instance, after a graceful stop):"
echo "  requests completed (wrk + 2 checks):  $MODULE_REQUESTS"
echo "  page views in analytics_events:       $EVENTS (sum of views, in $ROWS rows)"
echo "  difference:                           $((EVENTS - MODULE_REQUESTS)) (requests nginx finished after wrk stopped reading: at most $CONNECTIONS per wrk run, $RUNS runs)"
echo "  records written (worker's exit log):  $WRITTEN (events + $((WRITTEN - EVENTS)) other records: the consent receipt, cookie sightings)"
echo "  dropped (worker's exit log):          $DROPPED"
grep -E '\[(warn|error|crit|alert|emerg)\]|retention sweep:' "$D/module/error.log" | head -5 | sed 's/^/  log: /' || true
echo
if [ "$BASELINE" != stock ] || [ "$ANALYTICS" != on ] || [ "$PRIVACY" != on ] \
    || [ "$ENFORCE" != on ]; then
    echo "bar: not judged (it is for analytics on, against plain stock nginx)"
elif awk -v r="$PAIRED" 'BEGIN { exit !(r >= 0.95) }' && [ "$DROPPED" = 0 ]; then
    echo "bar (median of the rounds' ratios >= 0.95, nothing dropped): met"
else
    echo "bar (median of the rounds' ratios >= 0.95, nothing dropped): NOT met"
fi
