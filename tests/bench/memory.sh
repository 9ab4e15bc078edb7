#!/usr/bin/env bash
# Long-run memory check (docs/performance.md, "Memory over a long run"):
# nginx with the module (2 workers, analytics on, the portal) under a mixed
# wrk load for DURATION seconds while every worker's RSS is sampled every
# SAMPLE seconds. The mix, rotating per request: undecided visitors with
# the 15 cookies of common.sh, decided ones (a consent cookie from the
# portal), a new _ga value on every request (fills the per-worker memos),
# paths that change on every request (analytics rows), site searches,
# portal pages, consent POSTs (receipts) and, every 200th request, one of
# the DPO dashboard's reports. Prints the samples (anonymous and
# file-backed RSS apart), the request count and the growth of each
# worker's RSS after warm-up (the first WARMUP seconds), and fails if the
# error log has an [alert], [crit] or [emerg].
#
#   tests/bench/memory.sh                         # 60 s
#   DURATION=3600 SAMPLE=60 tests/bench/memory.sh # about 10 million requests
#
# Environment: DURATION (60), SAMPLE (5), WARMUP (DURATION/4),
# CONNECTIONS (16), MODULE (build/ngx_http_privacy_module.so), NGINX.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/bench/common.sh

DURATION=${DURATION:-60}
SAMPLE=${SAMPLE:-5}
WARMUP=${WARMUP:-$((DURATION / 4))}
CONNECTIONS=${CONNECTIONS:-16}
MODULE=$(readlink -f "${MODULE:-build/ngx_http_privacy_module.so}")
NGINX=${NGINX:-/usr/sbin/nginx}
CONSENT=all

for tool in wrk curl perl; do
    command -v $tool >/dev/null || { echo "memory: $tool missing" >&2; exit 1; }
done
[ -f "$MODULE" ] || { echo "memory: $MODULE missing (make)" >&2; exit 1; }

D=$(mktemp -d /tmp/privacy-memory.XXXXXX)
chmod 755 "$D"
cleanup() {
    [ -f "$D/nginx.pid" ] && kill -QUIT "$(cat "$D/nginx.pid")" 2>/dev/null
    sleep 1
    rm -rf "$D"
}
trap cleanup EXIT

PORT=$(free_port)
write_page "$D/www/index.html"
write_secret "$D/secret"
mkdir -p "$D/data"
user=""
if [ "$(id -u)" = 0 ]; then
    chown nobody:nogroup "$D/data"
    user="user nobody nogroup;"
fi

cat >"$D/nginx.conf" <<EOF
load_module $MODULE;
$user
worker_processes 2;
pid $D/nginx.pid;
error_log $D/error.log notice;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $D/body;
$(privacy_http_conf "$D/secret" "$D/data/privacy.db")
    server {
        listen 127.0.0.1:$PORT;
        server_name shop.example;
        root $D/www;
        error_page 404 =200 /index.html;
        location / { try_files \$uri /index.html; }
$(privacy_server_conf on)
        location /dpo/ {
            allow 127.0.0.1;
            deny all;
            privacy_dpo;
        }
    }
}
EOF

"$NGINX" -p "$D/" -c "$D/nginx.conf" -e "$D/error.log"
for _ in $(seq 50); do [ -s "$D/nginx.pid" ] && break; sleep 0.1; done
sleep 0.5
master=$(cat "$D/nginx.pid")

pair=$(consent_cookie "$PORT")
[ -n "$pair" ] || { echo "memory: no consent cookie from the portal" >&2; exit 1; }
undecided=$(header_cookies)
decided=$(header_cookies "$pair")

cat >"$D/mix.lua" <<EOF
local n = 0
local undecided = [[$undecided]]
local decided = [[$decided]]
local ua = [[$UA]]
local dpo = { "/dpo/", "/dpo/analytics.json", "/dpo/retention.json",
              "/dpo/requests.json", "/dpo/cookies.json", "/dpo/audit.json" }
function request()
    n = n + 1
    local k = n % 20
    local h = { ["Host"] = "shop.example", ["User-Agent"] = ua }
    if k < 7 then
        h["Cookie"] = undecided
        return wrk.format("GET", "/", h)
    elseif k < 13 then
        h["Cookie"] = decided
        return wrk.format("GET", "/p/" .. (n % 500), h)
    elseif k < 15 then
        h["Cookie"] = "_ga=GA1.1." .. n .. "; session=s" .. (n % 97)
        return wrk.format("GET", "/new/" .. n, h)
    elseif k < 17 then
        h["Cookie"] = decided
        return wrk.format("GET", "/sok?q=virke+" .. (n % 1000), h)
    elseif k < 19 and n % 200 == 18 then
        -- a DPO report, every 200th request: it reads the register
        return wrk.format("GET", dpo[math.floor(n / 200) % #dpo + 1], h)
    elseif k < 19 then
        return wrk.format("GET", "/privacy/", h)
    else
        h["Content-Type"] = "application/x-www-form-urlencoded"
        h["Origin"] = "http://shop.example"
        return wrk.format("POST", "/privacy/consent", h,
                          "action=reject_all&return=%2F")
    end
end
EOF

workers() { ps -o pid= --ppid "$master" | tr -d ' '; }
# anonymous memory (heap, stacks: what a leak grows) and the resident
# pages of files (mostly the register, which the DPO connection maps with
# mmap_size: they grow with the register and are the kernel's to reclaim)
rss() {
    awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 }
         END { printf "%d/%d", a, f }' "/proc/$1/status" 2>/dev/null || echo 0/0
}

wrk -t 2 -c "$CONNECTIONS" -d "${DURATION}s" -s "$D/mix.lua" \
    "http://127.0.0.1:$PORT/" >"$D/wrk.out" 2>&1 &
wrk_pid=$!

echo "# t_s  worker_rss_kb (anonymous/file) ..."
: >"$D/samples"
t=0
while kill -0 "$wrk_pid" 2>/dev/null; do
    line="$t"
    for w in $(workers); do line="$line $(rss "$w")"; done
    echo "$line" | tee -a "$D/samples"
    sleep "$SAMPLE"
    t=$((t + SAMPLE))
done
wait "$wrk_pid"

grep -E "requests in|Requests/sec|Non-2xx|Socket errors" "$D/wrk.out"
awk -v w="$WARMUP" '
    { for (i = 2; i <= NF; i++) { split($i, v, "/"); a[i] = v[1]; f[i] = v[2] } }
    $1 >= w && !base { for (i = 2; i <= NF; i++) { ba[i] = a[i]; bf[i] = f[i];
                       lo[i] = hi[i] = a[i] } base = 1 }
    base { for (i = 2; i <= NF; i++) { if (a[i] < lo[i]) lo[i] = a[i];
                                       if (a[i] > hi[i]) hi[i] = a[i] } }
    { nf = NF }
    END { for (i = 2; i <= nf; i++)
          printf "worker %d: anonymous %d kB after warm-up (t=%d s), %d kB at the end (%+d kB; %d-%d kB after warm-up); file-backed %d -> %d kB\n",
                 i - 1, ba[i], w, a[i], a[i] - ba[i], lo[i], hi[i], bf[i], f[i] }' "$D/samples"

if grep -E '\[(alert|crit|emerg)\]' "$D/error.log"; then
    echo "memory: error log has alerts" >&2; exit 1
fi
echo "memory: no [alert]/[crit]/[emerg] in the error log"
