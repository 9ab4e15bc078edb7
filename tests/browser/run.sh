#!/usr/bin/env bash
# Browser tests of the consent banner (`make browser`, part of `make test`):
# headless Debian chromium driven by playwright-core, accessibility checked
# by axe-core. See banner.test.mjs for what is tested; screenshots of each
# state are written to tests/browser/screenshots/ (not committed).
#
# Installs its npm packages into tests/browser/node_modules from the
# committed package-lock.json when they are missing (or changed); needs
# chromium, node and npm (`make deps` installs them; so does this script
# when run as root). Refuses, with the package and the range it asks for,
# any installed package whose `engines.node` the running Node.js does not
# satisfy (check-engines.mjs; `engine-strict` in .npmrc for npm ci): the
# pins in package.json must run on Debian 12's Node.js 18. Starts and stops its own nginx with the module.
#
# Environment: NGINX, MODULE, CHROMIUM, KEEP=1, PRIVACY_BROWSER_STRICT=1,
# PRIVACY_BROWSER_DEMO=0 (see banner.test.mjs).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

missing=""
[ -x "$CHROMIUM" ] || missing="$missing chromium"
command -v node >/dev/null || missing="$missing nodejs"
command -v npm >/dev/null || missing="$missing npm"

if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "browser tests need:$missing (apt-get install$missing)" >&2
        exit 1
    fi
    echo "installing:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null \
        || { apt-get update -q >/dev/null \
             && DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -q $missing >/dev/null; }
fi

# npm ci when node_modules is missing or older than the lock file
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] \
    || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]
then
    echo "browser tests: npm ci (playwright-core, axe-core)"
    # playwright-core downloads no browser; the Debian chromium is used
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
        --loglevel=error
fi

# refuse packages whose "engines" this Node.js does not satisfy, also when
# node_modules was installed earlier (npm ci refuses them through .npmrc)
node check-engines.mjs


# the banner, the rights portal (rights.test.mjs), the DPO's dashboard
# (dpo.test.mjs); all always run
status=0
node banner.test.mjs || status=$?
node rights.test.mjs || status=$?
node dpo.test.mjs || status=$?
exit $status
