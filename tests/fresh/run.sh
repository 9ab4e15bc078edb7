#!/usr/bin/env bash
# `make test-fresh`: the README's two commands on a new Debian 12 (issue #14).
#
# Builds a minimal Debian 12 (bookworm, debootstrap --variant=minbase) in a
# temporary directory, copies in this machine's apt sources (and the keyrings
# and apt settings they need), its CA certificates and DNS settings, clones
# this checkout's HEAD into /root/ngx_privacy_module there and runs, as root
# in a chroot:
#
#   make demo     in the background; its home page fetched, its log checked
#                 for anything above `notice` (the first start on a new
#                 database), then stopped as Ctrl-C would
#   make test     unit, integration and browser tests
#
# with nothing but what those commands install from Debian (Node.js 18
# included) and the npm registry. Only `make` itself is installed first, as
# on a minimal Debian it is not there (.ci/run does the same).
#
# Needs root, the network and a few GB in ${TMPDIR:-/var/tmp}; takes tens of
# minutes. Installs debootstrap when missing. Unmounts and removes the
# chroot on exit (KEEP=1 keeps it). Environment: SUITE (bookworm), MIRROR
# (the first Debian URI of this machine's apt sources), PORT (18080) and
# BACKEND_PORT (18081) for the demo, KEEP=1.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SUITE=${SUITE:-bookworm}
PORT=${PORT:-18080}
BACKEND_PORT=${BACKEND_PORT:-18081}

say() { printf '== test-fresh: %s\n' "$*"; }
die() { printf 'test-fresh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts)"

if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap \
        >/dev/null || { apt-get update -q >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap \
        >/dev/null; }
fi

# the machine's Debian mirror: the first URI of a source for the suite
if [ -z "${MIRROR:-}" ]; then
    MIRROR=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk -v s="$SUITE" '
            /^URIs:/ { u = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) { print u; exit } }')
    if [ -z "$MIRROR" ]; then
        MIRROR=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
            2>/dev/null | awk -v s="$SUITE" \
            '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:/ \
                && $(i + 1) == s) { print $i; exit } }')
    fi
    [ -n "$MIRROR" ] || die "no apt source for $SUITE found; set MIRROR="
fi

ROOT=$(mktemp -d "${TMPDIR:-/var/tmp}/privacy-fresh.XXXXXX")
chmod 755 "$ROOT"

cleanup() {
    local rc=$?
    # the demo or a test may have left processes inside: end those only
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] || continue
        kill -KILL "${p#/proc/}" 2>/dev/null || true
    done
    for m in $(awk -v r="$ROOT" 'index($2, r) == 1 { print $2 }' \
               /proc/self/mounts | sort -r); do
        umount -l "$m" 2>/dev/null || true
    done
    if [ "${KEEP:-0}" = 1 ]; then
        say "kept $ROOT"
    elif ! awk -v r="$ROOT" 'index($2, r) == 1 { f = 1 } END { exit !f }' \
            /proc/self/mounts; then
        rm -rf --one-file-system "$ROOT"
    else
        say "$ROOT still has mounts; not removed"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "debootstrap $SUITE (minbase) into $ROOT"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
debootstrap --variant=minbase ${keyring:+--keyring=$keyring} "$SUITE" \
    "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 \
    || { tail -20 "$ROOT.debootstrap.log"; die "debootstrap failed"; }
rm -f "$ROOT.debootstrap.log"

say "copying in apt sources, keyrings, CA certificates, DNS"
rm -f "$ROOT/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
         /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && install -D -m 644 "$f" "$ROOT$f"
done
# the keyrings the sources name (Signed-By), apt's trusted keys and auth
for f in $(grep -hoE '(Signed-By:|signed-by=)\s*/[^] ]+' \
               /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
           | sed -E 's/^(Signed-By:|signed-by=)\s*//' | sort -u) \
         /etc/apt/trusted.gpg /etc/apt/trusted.gpg.d/* /etc/apt/keyrings/* \
         /etc/apt/auth.conf /etc/apt/auth.conf.d/*; do
    [ -f "$f" ] && [ ! -e "$ROOT$f" ] && cp -p --parents "$f" "$ROOT"
done
# apt settings of how this machine reaches its mirrors (proxies, dates)
for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
    [ -f "$f" ] && grep -q 'Acquire' "$f" && cp -p --parents "$f" "$ROOT"
done
# CA certificates: the machine's bundle (it may trust a local proxy) where
# ca-certificates will install it, and its local additions
mkdir -p "$ROOT/etc/ssl/certs" "$ROOT/usr/local/share/ca-certificates"
cp -p /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/"
cp -rp /usr/local/share/ca-certificates/. \
    "$ROOT/usr/local/share/ca-certificates/" 2>/dev/null || true
[ -f /etc/npmrc ] && cp -p /etc/npmrc "$ROOT/etc/npmrc"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
cp /etc/hosts "$ROOT/etc/hosts"
# packages must not start their services (nginx) on this machine's ports
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"

say "mounting /proc, /sys, /dev"
mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys" && mount --make-rslave "$ROOT/sys"
mount --rbind /dev "$ROOT/dev" && mount --make-rslave "$ROOT/dev"
mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"

say "cloning $(git -C "$REPO" rev-parse --short HEAD) into /root/ngx_privacy_module"
dst=$ROOT/root/ngx_privacy_module
git init -q "$dst"
git -C "$dst" fetch -q "$REPO" HEAD
git -C "$dst" checkout -q -B main FETCH_HEAD

cat >"$ROOT/root/fresh.sh" <<'INNER'
set -uo pipefail
cd /root/ngx_privacy_module
export DEBIAN_FRONTEND=noninteractive
echo "== in the chroot: $(. /etc/os-release; echo "$PRETTY_NAME")"
apt-get update -q >/dev/null && apt-get install -y -q make >/dev/null \
    || { echo "apt-get install make failed"; exit 1; }

# make demo, in the background, as Ctrl-C would stop it
setsid make demo PORT="$PORT" BACKEND_PORT="$BACKEND_PORT" \
    >/root/demo.log 2>&1 &
demo=$!
ok=0
for i in $(seq 1 1800); do      # the first make demo installs and builds
    kill -0 "$demo" 2>/dev/null || break
    if perl -MHTTP::Tiny -e '
            my $r = HTTP::Tiny->new(timeout => 5)->get($ARGV[0]);
            exit !($r->{status} == 200 && $r->{content} =~ /Byggbutiken/)' \
            "http://127.0.0.1:$PORT/" 2>/dev/null; then
        ok=1; break
    fi
    sleep 1
done
if [ "$ok" = 1 ]; then
    echo "== make demo: http://127.0.0.1:$PORT/ serves the shop"
    curl_ok=$(perl -MHTTP::Tiny -e '
        my $r = HTTP::Tiny->new->get($ARGV[0]);
        print "$r->{status} ", length $r->{content}, " bytes\n"' \
        "http://127.0.0.1:$PORT/privacy/policy")
    echo "== make demo: /privacy/policy: $curl_ok"
fi
kill -INT -- "-$demo" 2>/dev/null
wait "$demo"
logs=$(ls /root/ngx_privacy_module/demo/run/logs/error.log \
          /var/tmp/byggbutiken-demo/logs/error.log 2>/dev/null)
loud=$(cat /root/demo.log $logs \
       | grep -E '\[(warn|error|crit|alert|emerg)\]' || true)
if [ "$ok" != 1 ]; then
    echo "== make demo FAILED: no home page"; tail -40 /root/demo.log
    exit 1
fi
if [ -n "$loud" ]; then
    echo "== make demo logged above notice:"; echo "$loud"
    demo_quiet=0
else
    echo "== make demo: nothing above notice in its log"
    demo_quiet=1
fi

echo "== node $(node --version) ($(dpkg-query -W -f='${Version}' nodejs))"
make test
rc=$?
echo "== make test exit status: $rc"
[ "$demo_quiet" = 1 ] || rc=1
exit "$rc"
INNER

say "running make demo and make test in the chroot"
set +e
chroot "$ROOT" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PORT="$PORT" BACKEND_PORT="$BACKEND_PORT" \
    ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS} \
    ${http_proxy:+http_proxy=$http_proxy} \
    ${https_proxy:+https_proxy=$https_proxy} \
    ${no_proxy:+no_proxy=$no_proxy} \
    /bin/bash /root/fresh.sh
rc=$?
set -e
say "exit status $rc"
exit "$rc"
