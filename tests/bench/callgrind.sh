#!/bin/bash
# Instructions per request, stock nginx against the module fully on, under
# valgrind --tool=callgrind (deterministic: no timing noise, any machine).
#
# nginx runs in the foreground as a single process (master_process off;
# daemon off;) so that callgrind sees the whole request path, the SQLite
# writer thread included.  A small Perl client sends a fixed number of
# identical page requests over one keep-alive connection (the request of
# tests/bench/bench.sh: 15 cookies + a consent cookie, browser UA), then
# nginx gets QUIT and exits gracefully (the module writes what is
# buffered).  Each configuration runs twice, with LOW and HIGH requests;
# the slope (Ir(HIGH) - Ir(LOW)) / (HIGH - LOW) is the cost of one request
# without start-up and shutdown.  The same slope per function gives the
# per-request profile; the functions that cost the module instance more
# than stock are listed.
#
#   tests/bench/callgrind.sh              LOW=500 HIGH=2500
#   LOW=200 HIGH=1200 tests/bench/callgrind.sh
#
# Environment: LOW, HIGH, TOP (functions listed, default 25), CONSENT
# (statistics|all|none as in bench.sh), HEADERS (distinct Cookie headers
# the client cycles through, a different _ga value in each, as in
# bench.sh: 1 is one browser, 10000 misses the module's memo of Cookie
# headers every time), NO_BUILD=1, KEEP=1 (keep the callgrind.out files:
# callgrind_annotate / kcachegrind them), NGINX, MODULE (the .so to load),
# CACHE_SIM=1 (simulate the caches too and print first-level instruction
# and data cache misses per request: slower).
#
# The cases of docs/performance.md (issue #21):
#   tests/bench/callgrind.sh                  statistics granted, 2 expired
#   CONSENT=none tests/bench/callgrind.sh     undecided, 8 cookies expired
#   ANALYTICS=off tests/bench/callgrind.sh    a server without analytics:
#                                             no page view, no writer work
#   PRIVACY=off tests/bench/callgrind.sh      the module loaded and
#                                             configured, the page's
#                                             location with "privacy off;
#                                             privacy_analytics off;"
#   ENFORCE=off tests/bench/callgrind.sh      the page's location with
#                                             "privacy off;" only: the
#                                             page views counted, no
#                                             cookie judged, the floor
#                                             of any cheaper enforcement
#   CASES=1 tests/bench/callgrind.sh          the five above in turn, then
#                                             a table of them with ratios
#   BASELINE=threads ...                      stock with an idle thread
#                                             pool (the module's writer
#                                             runs in one): what the
#                                             module adds beyond the
#                                             pool's system-call wrappers
#   BASELINE=headers ...                      stock sending the module's
#                                             response headers (the
#                                             expiring Set-Cookies) from
#                                             add_header lines: the cost
#                                             of those bytes themselves
#
# Stock gets the module's location tree (a "location /privacy/" beside
# "location /"), so that finding the location costs both the same.
# SETTLE (default 3) seconds pass between start-up and the first request,
# so that the start-up upkeep (migrations, roll-up) is whole in both runs.

set -euo pipefail

# a MODULE given relative to where the script was started from
[ -n "${MODULE:-}" ] && MODULE=$(realpath -m "$MODULE")

SELF=$(realpath "$0")
cd "$(dirname "$0")/../.."
REPO=$(pwd)
. tests/bench/common.sh   # UA, COOKIES, the page, the module's lines, ...

# CASES=1: each case of docs/performance.md in turn, then a table of them
if [ -n "${CASES:-}" ]; then
    CASE_LIST="consented CONSENT=none PRIVACY=off ANALYTICS=off ENFORCE=off"
    [ -n "${NO_BUILD:-}" ] || make -s >/dev/null
    OUT=$(mktemp -d /tmp/privacy-callgrind-cases.XXXXXX)
    for c in $CASE_LIST; do
        echo "callgrind: case $c" >&2
        v=; [ "$c" = consented ] || v=$c
        env $v CASES= NO_BUILD=1 TOP=${TOP:-25} "$SELF" > "$OUT/$c.txt"
    done
    echo
    echo "instructions per request, each case (bar: issue #21):"
    printf '  %-14s %8s %8s %8s %7s %6s\n' case stock module extra ratio bar
    for c in $CASE_LIST; do
        perl -ne '
            BEGIN { $c = pop @ARGV;
                    %bar = ("PRIVACY=off" => 100, "ANALYTICS=off" => "-",
                            "ENFORCE=off" => "-") }
            $s = $1 if /^  stock\s+(-?\d+)$/;
            $m = $1 if /^  module\s+(-?\d+)$/;
            END { printf "  %-14s %8d %8d %8d %7.3f %6s\n", $c, $s, $m,
                  $m - $s, $s / $m, $bar{$c} // 3000 }' "$OUT/$c.txt" "$c"
    done
    echo "  (ratio: stock / module, the share of stock's speed if"
    echo "   instructions were time; each case's profile: $OUT)"
    exit 0
fi

LOW=${LOW:-500}
HIGH=${HIGH:-2500}
TOP=${TOP:-25}
SETTLE=${SETTLE:-3}
CONSENT=${CONSENT:-statistics}
HEADERS=${HEADERS:-1}
ANALYTICS=${ANALYTICS:-on}
PRIVACY=${PRIVACY:-on}
ENFORCE=${ENFORCE:-on}
BASELINE=${BASELINE:-stock}
NGINX=${NGINX:-/usr/sbin/nginx}
MODULE=${MODULE:-$REPO/build/ngx_http_privacy_module.so}
CACHE_OPT=
[ "${CACHE_SIM:-0}" = 1 ] && CACHE_OPT=--cache-sim=yes

for tool in valgrind callgrind_annotate curl perl; do
    command -v $tool >/dev/null || { echo "callgrind: $tool is missing" >&2; exit 1; }
done

[ "$HIGH" -gt "$LOW" ] || { echo "callgrind: HIGH must exceed LOW" >&2; exit 1; }

if [ -z "${NO_BUILD:-}" ]; then
    make -s >/dev/null
fi

D=$(mktemp -d /tmp/privacy-callgrind.XXXXXX)
chmod 755 "$D"
NGX_PID=

cleanup() {
    if [ -n "$NGX_PID" ] && kill -0 "$NGX_PID" 2>/dev/null; then
        kill -TERM "$NGX_PID" 2>/dev/null || true
        wait "$NGX_PID" 2>/dev/null || true
    fi
    if [ -n "${KEEP:-}" ]; then
        echo "kept $D"
    else
        rm -rf "$D"
    fi
}
trap cleanup EXIT

PORT=$(free_port)

write_page "$D/www/index.html"
write_secret "$D/secret"

# one configuration per (name, run): a fresh database for each run
write_conf() {   # name
    local name=$1 load= http_extra= server_extra= loc_extra=
    rm -rf "$D/$name"
    mkdir -p "$D/$name/data" "$D/$name/tmp"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$D/$name/data" "$D/$name/tmp"
    if [ "$name" = module ]; then
        load="load_module $MODULE;"
        http_extra="
$(privacy_http_conf "$D/secret" "$D/$name/data/privacy.db")"
        server_extra="
$(privacy_server_conf "$ANALYTICS")"
        [ "$PRIVACY" = off ] && loc_extra="privacy off; privacy_analytics off;"
        [ "$ENFORCE" = off ] && loc_extra="privacy off;"
    else
        # the same location tree as the module's (its portal's location)
        server_extra="
        location /privacy/ {
        }"
        [ "$BASELINE" = threads ] && load="thread_pool default threads=32;"
        [ "$BASELINE" = headers ] && loc_extra="
$STOCK_HEADERS"
    fi
    cat > "$D/$name/nginx.conf" <<EOF
$load
daemon off;
master_process off;
worker_processes 1;
pid $D/$name/nginx.pid;
error_log $D/$name/error.log notice;

events {
    worker_connections 1024;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 600s;

    client_body_temp_path $D/$name/tmp/body;
    proxy_temp_path $D/$name/tmp/proxy;
    fastcgi_temp_path $D/$name/tmp/fastcgi;
    uwsgi_temp_path $D/$name/tmp/uwsgi;
    scgi_temp_path $D/$name/tmp/scgi;
$http_extra
    server {
        listen 127.0.0.1:$PORT;
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

wait_port() {
    for _ in $(seq 1 600); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/nonexistent" && return 0
        kill -0 "$NGX_PID" 2>/dev/null || { echo "callgrind: nginx died" >&2; exit 1; }
        sleep 0.1
    done
    echo "callgrind: nginx did not come up" >&2
    exit 1
}

stop_nginx() {
    # under valgrind a signal is now and then lost: QUIT again every 10 s
    local i=0
    kill -QUIT "$NGX_PID"
    while kill -0 "$NGX_PID" 2>/dev/null; do
        sleep 0.2
        i=$((i + 1))
        if [ $((i % 50)) = 0 ]; then
            kill -QUIT "$NGX_PID" 2>/dev/null || true
        fi
    done
    wait "$NGX_PID" || true
    NGX_PID=
}

# --- the consent cookie, from the module's portal (outside valgrind) ---------

CONSENT_COOKIE=
STOCK_HEADERS=
if [ "$CONSENT" != none ] || [ "$BASELINE" = headers ]; then
    write_conf module
    $NGINX -p "$D/module" -c "$D/module/nginx.conf" -e "$D/module/error.log" &
    NGX_PID=$!
    wait_port
    if [ "$CONSENT" != none ]; then
        CONSENT_COOKIE=$(consent_cookie "$PORT")
        [ -n "$CONSENT_COOKIE" ] \
            || { stop_nginx; echo "callgrind: no consent cookie" >&2; exit 1; }
    fi
    if [ "$BASELINE" = headers ]; then
        STOCK_HEADERS=$(same_headers "$PORT" "$(header_cookies "$CONSENT_COOKIE")")
    fi
    stop_nginx
fi

HEADER_COOKIES=$(header_cookies "$CONSENT_COOKIE")

# --- the client: N requests on one keep-alive connection ---------------------

cat > "$D/client.pl" <<'EOF'
use strict;
use warnings;
use IO::Socket::INET;

my ($port, $n, $ua, $cookie, $headers) = @ARGV;
my @reqs;
for my $k (1 .. $headers) {
    my $c = $cookie;
    $c =~ s/_ga=GA1\.1\.\d+/'_ga=GA1.1.' . (1000000000 + $k)/e if $headers > 1;
    push @reqs, "GET /index.html HTTP/1.1\r\nHost: shop.example\r\n"
        . "User-Agent: $ua\r\nCookie: $c\r\n"
        . "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\n"
        . "Accept-Language: sv-SE,sv;q=0.9,en;q=0.8\r\n\r\n";
}
my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port")
    or die "connect: $!\n";
my $buf = '';
for my $i (1 .. $n) {
    print $s $reqs[$i % @reqs] or die "write: $!\n";
    my $head_end;
    until (($head_end = index($buf, "\r\n\r\n")) >= 0) {
        sysread($s, $buf, 65536, length $buf) or die "eof in head ($i)\n";
    }
    my $head = substr($buf, 0, $head_end);
    $head =~ m{^HTTP/1\.1 200 } or die "request $i: $head\n";
    my ($len) = $head =~ /\r\nContent-Length: (\d+)/i or die "no length\n";
    while (length($buf) < $head_end + 4 + $len) {
        sysread($s, $buf, 65536, length $buf) or die "eof in body ($i)\n";
    }
    substr($buf, 0, $head_end + 4 + $len) = '';
}
close $s;
EOF

run() {   # name requests
    local name=$1 n=$2
    write_conf "$name"
    valgrind --tool=callgrind --callgrind-out-file="$D/cg.$name.$n" \
        --dump-instr=no --collect-jumps=no $CACHE_OPT -q \
        $NGINX -p "$D/$name" -c "$D/$name/nginx.conf" \
        -e "$D/$name/error.log" 2>"$D/valgrind.$name.$n.log" &
    NGX_PID=$!
    wait_port
    # let the start-up upkeep (migrations, roll-up, first checkpoint) end
    # before counting: both runs then carry it whole, and the slope
    # cancels it
    sleep "$SETTLE"
    perl "$D/client.pl" "$PORT" "$n" "$UA" "$HEADER_COOKIES" "$HEADERS"
    stop_nginx
    if [ "$name" = module ]; then
        local ev
        ev=$(sqlite3 -separator ' page views in ' \
             "$D/module/data/privacy.db" \
             'SELECT coalesce(sum(views), 0), count(*) FROM analytics_events' \
             2>/dev/null || echo '?')
        echo "  module, $n requests: $ev rows written" >&2
    fi
}

total() {   # callgrind.out file [event column, 1: Ir]
    awk -v c=$((${2:-1} + 1)) '/^(summary|totals):/ { print $c; exit }' "$1"
}

echo "callgrind: $LOW and $HIGH requests per configuration (this takes a while)"
echo "callgrind: module: CONSENT=$CONSENT ANALYTICS=$ANALYTICS PRIVACY=$PRIVACY ENFORCE=$ENFORCE HEADERS=$HEADERS BASELINE=$BASELINE"
for name in stock module; do
    for n in "$LOW" "$HIGH"; do
        run "$name" "$n"
    done
done

# --- per request ----------------------------------------------------------------

per_request() {   # name [event column]
    awk -v a="$(total "$D/cg.$1.$HIGH" "${2:-1}")" \
        -v b="$(total "$D/cg.$1.$LOW" "${2:-1}")" \
        -v n=$((HIGH - LOW)) 'BEGIN { printf "%.0f", (a - b) / n }'
}

S=$(per_request stock)
M=$(per_request module)

echo
echo "instructions per request (slope between $LOW and $HIGH requests):"
printf '  stock    %8d\n' "$S"
printf '  module   %8d\n' "$M"
printf '  extra    %8d  (%+.1f%%)\n' $((M - S)) \
    "$(awk -v m="$M" -v s="$S" 'BEGIN { print (m - s) * 100 / s }')"

if [ -n "$CACHE_OPT" ]; then
    # events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
    echo
    echo "simulated cache misses per request (stock / module):"
    printf '  L1 instruction  %6d / %d\n' "$(per_request stock 4)" "$(per_request module 4)"
    printf '  L1 data read    %6d / %d\n' "$(per_request stock 5)" "$(per_request module 5)"
    printf '  L1 data write   %6d / %d\n' "$(per_request stock 6)" "$(per_request module 6)"
fi

# per-function slopes: (Ir at HIGH - Ir at LOW) / (HIGH - LOW).  Names lose
# their file (callgrind lists a function once per file it was inlined
# from); an unnamed address keeps its object.  Exclusive costs of the same
# name add up, inclusive ones do not (the largest is kept).
annotate() {   # file inclusive(yes|no)
    callgrind_annotate --auto=no --inclusive="$2" --threshold=100 "$1" 2>/dev/null \
    | perl -ne 'next unless /^\s*([\d,]+)(?:\s+\([^)]*\))?\s+(\S.*?)\s*$/;
                my ($ir, $fn) = ($1, $2); $ir =~ tr/,//d;
                next if $fn =~ /PROGRAM TOTALS/;
                my $obj = $fn =~ s/ \[([^\]]*)\]$// ? $1 : "";
                $obj =~ s{.*/}{};
                if ($fn =~ /^\?\?\?:(0x[0-9a-f]+)/) {
                    $fn = "$1 [$obj]";
                } else {
                    $fn =~ s/^.*://; $fn =~ s/\x27\d+$//;   # recursion level
                }
                print "$ir\t$fn\n"'
}

profile() {   # inclusive(yes|no) title [regex]
    local inc=$1 title=$2
    annotate "$D/cg.module.$HIGH" "$inc" > "$D/m.hi"
    annotate "$D/cg.module.$LOW" "$inc" > "$D/m.lo"
    annotate "$D/cg.stock.$HIGH" "$inc" > "$D/s.hi"
    annotate "$D/cg.stock.$LOW" "$inc" > "$D/s.lo"
    echo
    echo "$title"
    printf '  %10s %10s %10s  %s\n' module stock extra function
    perl -e '
        my ($n, $top, $inc, $only, @f) = @ARGV;
        my %v;
        for my $i (0 .. 3) {
            open my $fh, "<", $f[$i] or die;
            while (<$fh>) {
                chomp; my ($ir, $fn) = split /\t/, $_, 2;
                if ($inc eq "yes") {
                    $v{$fn}[$i] = $ir if $ir > ($v{$fn}[$i] // 0);
                } else {
                    $v{$fn}[$i] += $ir;
                }
            }
        }
        my @rows;
        for my $fn (keys %v) {
            next if length $only && $fn !~ /$only/;
            my @x = map { $_ // 0 } @{ $v{$fn} }[0 .. 3];
            my $m = ($x[0] - $x[1]) / $n;
            my $s = ($x[2] - $x[3]) / $n;
            push @rows, [$m, $s, $m - $s, $fn];
        }
        for my $r (sort { $b->[2] <=> $a->[2] } @rows) {
            last if $top-- <= 0 || $r->[2] < 1;
            printf "  %10.0f %10.0f %10.0f  %s\n", @$r;
        }' $((HIGH - LOW)) "$TOP" "$inc" "${3:-}" \
            "$D/m.hi" "$D/m.lo" "$D/s.hi" "$D/s.lo"
}

profile no  "functions by extra instructions per request, exclusive (module - stock):"
profile yes "the module's functions, inclusive instructions per request:" \
    '^ngx_http_privacy_'

if [ -n "${KEEP:-}" ]; then
    echo
    echo "callgrind_annotate --inclusive=yes $D/cg.module.$HIGH | less"
fi
