#!/usr/bin/env bash
# Benchmark of the DPO's reports (issue #22, docs/performance.md): fills a
# register with EVENTS page views over DAYS days (tests/bench/bench_rollup,
# which also computes the daily roll-ups as the module does), SUBJECTS
# customers imported through the register API (each leaves an audit row),
# one rights request per 50 customers, consent receipts and cookie names;
# starts nginx with the module and times each report in each format
# (curl, the median of RUNS requests, one at a time, on a warm cache).
#
#   tests/bench/report.sh                          # 2M views, 20k customers
#   EVENTS=10000000 SUBJECTS=1000000 tests/bench/report.sh
#
# Environment: EVENTS (2000000), DAYS (90), PATHS (5000), VISITORS
# (200000), SUBJECTS (20000), RUNS (5), NGINX (/usr/sbin/nginx), MODULE
# (build/ngx_http_privacy_module.so), KEEP=1 keeps the directory.

set -euo pipefail

cd "$(dirname "$0")/../.."
. tests/bench/common.sh

EVENTS=${EVENTS:-2000000}
DAYS=${DAYS:-90}
PATHS=${PATHS:-5000}
VISITORS=${VISITORS:-200000}
SUBJECTS=${SUBJECTS:-20000}
RUNS=${RUNS:-5}
NGINX=${NGINX:-/usr/sbin/nginx}
MODULE=$(realpath "${MODULE:-build/ngx_http_privacy_module.so}")

DIR=$(mktemp -d /tmp/bench-report.XXXXXX)
chmod 755 "$DIR"
mkdir -p "$DIR/data" "$DIR/tmp"
DB=$DIR/data/privacy.db
PORT=$(free_port)

cleanup() {
    [ -f "$DIR/nginx.pid" ] && kill -QUIT "$(cat "$DIR/nginx.pid")" 2>/dev/null
    sleep 1
    [ "${KEEP:-0}" = 1 ] && echo "kept $DIR" || rm -rf "$DIR"
}
trap cleanup EXIT

# page views and their roll-ups
t0=$(date +%s)
tests/bench/rollup.sh -n "$EVENTS" -d "$DAYS" -p "$PATHS" -v "$VISITORS" \
    -f "$DB" | sed 's/^/fill: /'

# consent receipts (one per 40 page views) and cookie names
now=$(date +%s)
sqlite3 "$DB" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < $EVENTS / 40)
INSERT INTO consent_receipts (consent_id, decided_at, policy_version,
                              categories, method, client, site)
SELECT printf('%032x', i), $now - (i * 7919) % ($DAYS * 86400), '2026-11',
       'necessary,statistics', 'banner', printf('%032x', i * 31),
       'shop.example' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO cookies_seen SELECT printf('cookie_%d', i),
       CASE WHEN i % 5 = 0 THEN NULL ELSE 'statistics' END, $now - 86400 * 30,
       $now, 2 FROM n;
SQL

write_secret "$DIR/secret"
user=""
[ "$(id -u)" = 0 ] && { user="user nobody nogroup;";
                        chown -R nobody:nogroup "$DIR/data"; }
printf 'dpo:{PLAIN}bench\n' > "$DIR/htpasswd"

cat > "$DIR/nginx.conf" <<CONF
load_module $MODULE;
$user
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/error.log notice;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $DIR/tmp;
    client_max_body_size 1g;
    privacy_secret_file $DIR/secret;
    privacy_db $DB;
    privacy_retention analytics 13M;
    privacy_retention analytics_aggregate 36M;
    privacy_retention consent 24M;
    privacy_retention customer 24M;
    privacy_retention supplier 24M;
    privacy_retention club 24M;
    privacy_retention newsletter 24M;
    privacy_retention chat 90d;
    privacy_retention cctv 30d;
    privacy_retention bookkeeping 7y;
    privacy_retention requests 36M;
    privacy_retention audit 36M;
    privacy_policy $PWD/docs/examples/policy.json;
    server {
        listen 127.0.0.1:$PORT;
        location /api/register/ { privacy_register_api; }
        location /dpo/ {
            auth_basic "DPO";
            auth_basic_user_file $DIR/htpasswd;
            privacy_dpo;
        }
    }
}
CONF
"$NGINX" -p "$DIR/" -c "$DIR/nginx.conf" -e "$DIR/error.log"
for _ in $(seq 100); do
    curl -s -o /dev/null -u dpo:bench "http://127.0.0.1:$PORT/dpo/processing.json" \
        && break
    sleep 0.1
done

# customers through the register API, in chunks of 10,000
perl -e 'for my $i (1 .. $ARGV[0]) {
    printf qq({"external_id":"k%d","kind":"customer","name":"Kund %d",) .
           qq("email":"k%d\@example.se","last_activity":"2026-%02d-01T00:00:00Z"}\n),
           $i, $i, $i, 1 + $i % 11 }' "$SUBJECTS" | split -l 10000 - "$DIR/import."
for f in "$DIR"/import.*; do
    curl -sS -o /dev/null -w '' -H 'Content-Type: application/x-ndjson' \
        --data-binary @"$f" "http://127.0.0.1:$PORT/api/register/import"
done

# one rights request per 50 customers, a fifth of them late
sqlite3 -cmd '.timeout 10000' "$DB" <<SQL
INSERT INTO requests (request_id, subject, type, status, received, due)
SELECT printf('r%d', id), id, 'access',
       CASE WHEN id % 3 = 0 THEN 'closed' ELSE 'open' END,
       $now - (id % 60) * 86400, $now - (id % 60) * 86400 + 30 * 86400
  FROM subjects WHERE id % 50 = 0;
SQL

echo "register: $(sqlite3 "$DB" 'SELECT count(*) FROM analytics_events') page views," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM analytics_daily_pages') page roll-ups," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM analytics_daily_searches') term roll-ups," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM subjects') subjects," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM audit_log') audit rows," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM requests') requests," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM consent_receipts') receipts;" \
     "$(du -m "$DB" | cut -f1) MB; set up in $(( $(date +%s) - t0 )) s"

# the median of RUNS requests, in milliseconds
median() {
    local url=$1 times=()
    for _ in $(seq "$RUNS"); do
        times+=("$(curl -s -o /dev/null -u dpo:bench -w '%{time_total}' "$url")")
    done
    printf '%s\n' "${times[@]}" | sort -n \
        | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] * 1000 }'
}

printf '%-12s %8s %8s %8s   (ms, median of %d)\n' report html json csv "$RUNS"
for r in index retention analytics requests cookies incidents audit processing; do
    h=$(median "http://127.0.0.1:$PORT/dpo/$r.html")
    j=$(median "http://127.0.0.1:$PORT/dpo/$r.json")
    c=$(median "http://127.0.0.1:$PORT/dpo/$r.csv")
    printf '%-12s %8s %8s %8s\n' "$r" "$h" "$j" "$c"
done
a=$(median "http://127.0.0.1:$PORT/dpo/analytics.json?from=$(date -u -d "-$DAYS days" +%F)")
printf '%-12s %8s   (analytics.json over all %d days)\n' "" "$a" "$DAYS"

# the upkeep's roll-up or sweep meeting this script's own writes at start
# is retried a minute later; anything else is a failure
grep -E '\[(error|alert|crit|emerg)\]' "$DIR/error.log" \
    | grep -v 'retried in a minute' && exit 1 || true
