#!/usr/bin/env bash
# Benchmark of the DPO's reports (issue #22, docs/performance.md): fills a
# register with EVENTS page views over DAYS days (tests/bench/bench_rollup,
# which also computes the daily roll-ups as the module does), SUBJECTS
# subjects with their kinds, orders, records, requests, holds, incidents,
# mail and audit chain (tests/bench/bench_seed, straight into SQLite with
# the module's schema, keys and MACs: the register API takes ~15 minutes
# per million), consent receipts and cookie names; starts nginx with the
# module and times each report in each format (curl, the median of RUNS
# requests, one at a time, on a warm cache).
#
#   tests/bench/report.sh                          # 2M views, 20k subjects
#   EVENTS=10000000 SUBJECTS=1000000 nice -n 19 tests/bench/report.sh
#
# Environment: EVENTS (2000000), DAYS (90), PATHS (5000), VISITORS
# (200000), SUBJECTS (20000), RUNS (5), NGINX (/usr/sbin/nginx), MODULE
# (build/ngx_http_privacy_module.so), KEEP=1 keeps the directory, DB=FILE
# reuses a register filled by an earlier run (KEEP=1) instead of filling
# one.

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
REUSE=${DB:-}
DB=$DIR/data/privacy.db
PORT=$(free_port)

cleanup() {
    [ -f "$DIR/nginx.pid" ] && kill -QUIT "$(cat "$DIR/nginx.pid")" 2>/dev/null
    sleep 1
    [ "${KEEP:-0}" = 1 ] && echo "kept $DIR" || rm -rf "$DIR"
}
trap cleanup EXIT

CC=${CC:-cc}
M=ngx_privacy_module/ngx_http_privacy
mkdir -p tests/bin
$CC -O2 -Wall -Wextra -Werror -Ingx_privacy_module -o tests/bin/bench_seed \
    tests/bench/bench_seed.c ${M}_register_db.c ${M}_register_get.c \
    ${M}_register_seal.c \
    ${M}_register_json.c ${M}_json_arena.c ${M}_register_fields.c \
    ${M}_register_schema.c \
    ${M}_schema.c ${M}_pnr.c ${M}_rfc3339.c ${M}_field_crypto.c \
    ${M}_audit.c ${M}_crypto.c -lsqlite3 -lcrypto -ljansson

t0=$(date +%s)
now=$t0

fill() {
    write_secret "$DIR/secret"

    # page views and their roll-ups
    tests/bench/rollup.sh -n "$EVENTS" -d "$DAYS" -p "$PATHS" -v "$VISITORS" \
        -f "$DB" | sed 's/^/fill: /'

    # consent receipts (one per 40 page views) and cookie names
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
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO cookie_scopes SELECT printf('cookie_%d', i), '/', 'shop.example',
       $now - 86400 * 30, $now FROM n;
-- a sweep just ran: none starts while the reports are timed
INSERT INTO sweeps (started, finished, dry_run, worker)
VALUES ($now, $now, 1, 0);
SQL

    # the subject register, its requests and its audit chain
    tests/bin/bench_seed -f "$DB" -s "$DIR/secret" -n "$SUBJECTS" -t "$now" \
        2>&1 | tr '\r' '\n' | tail -1 | sed 's/^/fill: /'
}

if [ -n "$REUSE" ]; then
    # the register of an earlier run (KEEP=1), with the secret of its chain
    cp "$REUSE" "$DB"
    if [ -f "$REUSE-wal" ]; then cp "$REUSE-wal" "$DB-wal"; fi
    cp "$(dirname "$REUSE")/../secret" "$DIR/secret"
    chmod 600 "$DIR/secret"
else
    fill
fi

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
    # the reports count what is overdue; nothing is deleted while timed
    privacy_sweep_interval 30d;
    privacy_sweep_dry_run on;
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

echo "register: $(sqlite3 "$DB" 'SELECT count(*) FROM analytics_events') page views," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM analytics_daily_pages') page roll-ups," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM analytics_daily_searches') term roll-ups," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM subjects') subjects," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM audit_log') audit rows," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM requests') requests," \
     "$(sqlite3 "$DB" 'SELECT count(*) FROM consent_receipts') receipts;" \
     "$(du -m "$DB" | cut -f1) MB; set up in $(( $(date +%s) - t0 )) s"

# the worker's CPU time so far (its threads included), in milliseconds:
# what a report costs, whatever else the machine is doing
worker=$(pgrep -P "$(cat "$DIR/nginx.pid")" | head -1)
tick=$(getconf CLK_TCK)
cpu_ms() {
    awk -v t="$tick" '{ printf "%d", ($14 + $15) * 1000 / t }' \
        "/proc/$worker/stat"
}

# the median of RUNS requests, in milliseconds
median() {
    local url=$1 times=()
    for _ in $(seq "$RUNS"); do
        times+=("$(curl -s -o /dev/null -u dpo:bench -w '%{time_total}' "$url")")
    done
    printf '%s\n' "${times[@]}" | sort -n \
        | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] * 1000 }'
}

# a warm cache, and the register migrated by the worker's first report
for r in index retention analytics requests cookies incidents audit processing; do
    curl -s -o /dev/null -u dpo:bench "http://127.0.0.1:$PORT/dpo/$r.html"
done

printf '%-12s %8s %8s %8s %8s   (ms: median of %d; cpu: the worker, mean)\n' \
    report html json csv cpu "$RUNS"
for r in index retention analytics requests cookies incidents audit processing; do
    c0=$(cpu_ms)
    h=$(median "http://127.0.0.1:$PORT/dpo/$r.html")
    j=$(median "http://127.0.0.1:$PORT/dpo/$r.json")
    c=$(median "http://127.0.0.1:$PORT/dpo/$r.csv")
    u=$(( ($(cpu_ms) - c0) / (3 * RUNS) ))
    printf '%-12s %8s %8s %8s %8s\n' "$r" "$h" "$j" "$c" "$u"
done
a=$(median "http://127.0.0.1:$PORT/dpo/analytics.json?from=$(date -u -d "-$DAYS days" +%F)")
printf '%-12s %8s   (analytics.json over all %d days)\n' "" "$a" "$DAYS"

# the upkeep's roll-up or sweep meeting this script's own writes at start
# is retried a minute later; anything else is a failure
grep -E '\[(error|alert|crit|emerg)\]' "$DIR/error.log" \
    | grep -v 'retried in a minute' && exit 1 || true
