#!/usr/bin/env bash
# Byggbutiken: the demo shop behind ngx_privacy_module (`make demo`).
#
#   demo/run.sh               run nginx in the foreground (Ctrl-C stops it)
#   demo/run.sh --background  start it as a daemon
#   demo/run.sh --reload      regenerate nginx.conf and reload a running demo
#   demo/run.sh --stop        stop a running demo
#
# Installs nothing (make does). State lives in demo/run/ (git-ignored): the
# secret (generated once), data/privacy.db, logs/, the generated nginx.conf.
#
# Environment: PORT (8080), BACKEND_PORT (8081), NGINX (/usr/sbin/nginx),
# MODULE (build/ngx_http_privacy_module.so), DEMO_RUN (demo/run).

set -euo pipefail

DEMO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$DEMO")
RUN=${DEMO_RUN:-$DEMO/run}
SHOP=$DEMO/shop
PORT=${PORT:-8080}
BACKEND_PORT=${BACKEND_PORT:-8081}
NGINX=${NGINX:-/usr/sbin/nginx}
MODULE=${MODULE:-$REPO/build/ngx_http_privacy_module.so}
WORKER_USER=nobody
WORKER_GROUP=nogroup

die() { echo "demo: $*" >&2; exit 1; }

usage() {
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

mode=foreground
case "${1:-}" in
    '') ;;
    --background) mode=background ;;
    --reload) mode=reload ;;
    --stop) mode=stop ;;
    -h|--help) usage 0 ;;
    *) usage 1 >&2 ;;
esac

# a zombie counts as gone: init may be slow to reap a daemon
alive() {
    local state
    state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

master_pid() {
    local pid
    [ -s "$RUN/nginx.pid" ] || return 1
    pid=$(cat "$RUN/nginx.pid")
    alive "$pid" || return 1
    echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {    # wait_for SECONDS COMMAND...
    local i
    for ((i = 0; i < $1 * 10; i++)); do
        "${@:2}" && return 0
        sleep 0.1
    done
    return 1
}

if [ "$mode" = stop ]; then
    pid=$(master_pid) || { echo "demo: not running"; exit 0; }
    kill -QUIT "$pid"
    wait_for 15 eval "! alive $pid" \
        || die "nginx (pid $pid) did not stop; see $RUN/logs/error.log"
    echo "demo: stopped"
    exit 0
fi

[ -x "$NGINX" ] || die "$NGINX not found (run 'make demo', or apt-get install nginx)"
[ -f "$MODULE" ] || die "$MODULE not built (run 'make demo')"

# --- the run directory -----------------------------------------------------

# nginx workers run as $WORKER_USER when started as root: they must reach the
# shop and the data dir. A checkout under a private directory (e.g. /root)
# is not reachable: run from a copy under /var/tmp then.
as_worker() { runuser -u "$WORKER_USER" -- "$@" 2>/dev/null; }

# A DEMO_RUN of the caller's choosing (the browser tests) is kept if the
# workers reach it; the shop is copied into it then.
mkdir -p "$RUN"
if [ "$(id -u)" = 0 ] && ! as_worker test -r "$SHOP/index.html" -a -x "$RUN"; then
    if [ -z "${DEMO_RUN:-}" ]; then
        RUN=/var/tmp/byggbutiken-demo
        echo "demo: $WORKER_USER cannot read $DEMO; running from $RUN"
        mkdir -p "$RUN"
        chmod 755 "$RUN"
    elif ! as_worker test -x "$RUN"; then
        die "$WORKER_USER cannot reach $RUN"
    else
        echo "demo: $WORKER_USER cannot read $DEMO; the shop is copied" \
             "into $RUN"
    fi
    rm -rf "$RUN/shop"
    cp -r "$SHOP" "$RUN/shop"
    chmod -R a+rX "$RUN/shop"
    SHOP=$RUN/shop
fi

mkdir -p "$RUN/logs" "$RUN/tmp" "$RUN/data" "$RUN/mail" "$RUN/erased"
# the mail and erase commands the workers run (copies they can reach)
cp "$DEMO/mail.sh" "$RUN/mail.sh" && chmod 755 "$RUN/mail.sh"
cp "$DEMO/erase.sh" "$RUN/erase.sh" && chmod 755 "$RUN/erase.sh"
if [ ! -s "$RUN/secret" ]; then
    (umask 077 && head -c 48 /dev/urandom >"$RUN/secret.new" \
        && mv "$RUN/secret.new" "$RUN/secret")
    echo "demo: generated $RUN/secret"
fi

if [ ! -s "$RUN/register-api.token" ]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' \
        >"$RUN/register-api.token")
    echo "demo: generated $RUN/register-api.token"
fi

# the DPO's dashboard: user "dpo", password "demo" (a demo's, not a secret)
if [ ! -s "$RUN/dpo.htpasswd" ]; then
    printf 'dpo:%s\n' "$(openssl passwd -apr1 demo)" >"$RUN/dpo.htpasswd"
    chmod 644 "$RUN/dpo.htpasswd"
fi

# the shop's backend moves its customers in through the register API
import_customers() {
    wait_for 10 port_open "$PORT" || return 1
    curl -s -o "$RUN/logs/import.json" -w '%{http_code}' \
        -H "Authorization: Bearer $(cat "$RUN/register-api.token")" \
        -H 'Content-Type: application/x-ndjson' \
        --data-binary @"$DEMO/customers.ndjson" \
        "http://127.0.0.1:$PORT/api/register/import" | grep -q '^200$' \
        && echo "demo: imported $(grep -c . "$DEMO/customers.ndjson")" \
                "subjects through the register API ($RUN/logs/import.json)" \
        || echo "demo: the customer import failed; see $RUN/logs/import.json"
    seed_retention
}

# what the next sweep (within a minute) shows: chat transcripts and a
# recording held in other systems, and a customer under a legal hold
seed_retention() {
    local api="http://127.0.0.1:$PORT/api/register" ok=1 today body
    today=$(date -u +%Y-%m-%d)
    for body in \
        '{"category":"chat","reference":"chat/2025/0007","reference_date":"2025-06-01","external_id":"kund-1001"}' \
        '{"category":"chat","reference":"chat/2026/0412","reference_date":"'"$today"'","external_id":"kund-1001"}' \
        '{"category":"cctv","reference":"kamera-entre/2026-09-30","reference_date":"2026-09-30"}'
    do
        api_post "$api/records" "$body" || ok=0
    done
    api_post "$api/subjects/kund-0902/hold" \
        '{"reason":"Tvist om leveransen BB-2020-0077","until":"2027-06-30"}' \
        || ok=0
    [ "$ok" = 1 ] \
        && echo "demo: registered chat and CCTV records and a legal hold;" \
                "the sweep within a minute erases what is past its period" \
        || echo "demo: registering records or the hold failed"
}

api_post() {   # url body
    curl -s -o /dev/null -w '%{http_code}' \
        -H "Authorization: Bearer $(cat "$RUN/register-api.token")" \
        -H 'Content-Type: application/json' --data "$2" "$1" \
        | grep -q '^20[01]$'
}

user_line=""
if [ "$(id -u)" = 0 ]; then
    user_line="user $WORKER_USER $WORKER_GROUP;"
    chown "$WORKER_USER:$WORKER_GROUP" "$RUN/data" "$RUN/mail" "$RUN/erased"
fi

stderr_line=""
[ "$mode" = foreground ] && stderr_line="error_log stderr notice;"

conf=$(<"$DEMO/nginx.conf.in")
conf=${conf//@MODULE@/$MODULE}
conf=${conf//@USER@/$user_line}
conf=${conf//@RUN@/$RUN}
conf=${conf//@DEMO@/$DEMO}
conf=${conf//@SHOP@/$SHOP}
conf=${conf//@PORT@/$PORT}
conf=${conf//@BACKEND_PORT@/$BACKEND_PORT}
conf=${conf//@STDERR_LOG@/$stderr_line}
printf '%s\n' "$conf" >"$RUN/nginx.conf"

nginx=("$NGINX" -p "$RUN/" -c "$RUN/nginx.conf" -e "$RUN/logs/error.log")

if ! out=$("${nginx[@]}" -t 2>&1); then
    printf '%s\n' "$out" >&2
    die "the configuration $RUN/nginx.conf was rejected"
fi

if [ "$mode" = reload ]; then
    pid=$(master_pid) || die "not running (start it with demo/run.sh)"
    kill -HUP "$pid"
    echo "demo: reloaded $RUN/nginx.conf"
    exit 0
fi

if pid=$(master_pid); then
    die "already running (pid $pid): demo/run.sh --stop, or --reload"
fi
for p in "$PORT" "$BACKEND_PORT"; do
    ! port_open "$p" || die "port $p is in use (set PORT= / BACKEND_PORT=)"
done

url="http://127.0.0.1:$PORT"
cat <<EOF

  Byggbutiken, the demo shop behind ngx_privacy_module

  Open $url/ in a browser.

  The shop's backend (127.0.0.1:$BACKEND_PORT) sets session, _ga, _fbp and lang
  cookies; nginx in front keeps the ones you have not consented to away
  from both the browser and the backend.

  Try:
    curl -si $url/ | grep -i set-cookie
        only "session" (necessary) gets through without consent
    curl -s -H 'Cookie: session=1; _ga=GA1.1.1; _fbp=fb.1.1' $url/debug/cookies
        what the backend received: _ga and _fbp were removed
    curl -si -H 'Cookie: _ga=GA1.1.1' $url/ | grep -i set-cookie
        the leftover _ga is expired in the browser (Max-Age=0)
    curl -s -H 'Sec-GPC: 1' $url/debug/cookies
        Global Privacy Control counts as refusing marketing
    $url/ in a browser
        the consent banner: Accept all, Reject all, Settings
    $url/privacy/policy   $url/privacy/cookies
        the policy and cookie declaration, from the live configuration
        (?lang=en for English)
    $url/privacy/consent
        change or withdraw the choice; object to visitor statistics
    $url/privacy/rights
        the rights portal: ask for a code for anna.svensson@example.se,
        read it in the newest file of $RUN/mail/, then export, correct,
        object or erase (docs/rights.md); a breach registered on the
        DPO's incidents page naming kund-1001 shows in her export
    $url/search?q=Anna+anna.s%40example.se+19811218-9876
        then: sqlite3 $RUN/data/privacy.db 'select path, search_term,
        visitor from analytics_events' (after a second: batches)
    $url/dpo/   (user dpo, password demo)
        the DPO's dashboard: what needs attention, retention with a
        "sweep now" button, each report as HTML, JSON and CSV
    grep 'retention sweep' $RUN/logs/error.log
        a minute after the start, a sweep erases the imported customers
        and the supplier whose periods ran out (kund-0901, kund-1003,
        lev-00; their orders kept for bookkeeping, minimised), keeps
        kund-0902 under a legal hold, and asks the chat system to erase
        an old transcript: the erase command writes the request to
        $RUN/erased/ (docs/database.md, "Retention sweeps")
    sqlite3 $RUN/data/privacy.db 'select * from consent_receipts'
        the register: consent receipts, analytics, cookies seen
    curl -s -H "Authorization: Bearer \$(cat $RUN/register-api.token)" \\
        $url/api/register/subjects/kund-1001
        a customer imported at start, with orders (docs/api.md); the
        personnummer is encrypted in the register

    curl -si $url/product.html | grep -i set-cookie
        the backend's unclassified recently_viewed is removed
        (privacy_unclassified strip), as the cookie page says

  Logs: $RUN/logs/ (access.log shows consent and stripped cookies; the
  client as a keyed hash and the request line scrubbed: no IP address)
EOF

if [ "$mode" = background ]; then
    "${nginx[@]}"
    wait_for 10 port_open "$PORT" \
        || die "nginx did not come up; see $RUN/logs/error.log"
    import_customers
    echo "  Running in the background: demo/run.sh --stop stops it."
    echo
else
    echo "  Ctrl-C stops it."
    echo
    import_customers &
    exec "${nginx[@]}" -g 'daemon off;'
fi
