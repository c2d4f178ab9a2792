#!/usr/bin/env bash
# Installs every build, test and run dependency on Debian 12, from Debian's packages (one apt-get
# call) and, for the web demo and the JS baselines, the npm registry. Idempotent: when everything
# is present it only checks, in about a second. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

# Why each package is here: README.md, "Dependencies".
APT_PACKAGES=(
    # build
    build-essential cmake pkg-config git ca-certificates clang-format
    # Janus and its development headers (the plugin builds against the Janus it runs in)
    janus janus-dev libjs-janus-gateway libjs-webrtc-adapter
    # libraries of the plugin and the service
    libjansson-dev libglib2.0-dev libssl-dev zlib1g-dev libcurl4-openssl-dev libhiredis-dev
    libsqlite3-dev libmicrohttpd-dev
    # the session's store
    redis-server
    # native test layers
    libgtest-dev libgmock-dev libcmocka-dev libbenchmark-dev
    # integration tests: Python peers and the network namespace helper
    python3 python3-pytest python3-websockets python3-aiohttp python3-aiortc iproute2 procps curl
    # deployment tests: `docker-compose config` validates the compose file without an engine
    docker-compose python3-yaml
    # install tests: `systemd-analyze verify` checks the service's unit file
    systemd
    # end-to-end tests: a real browser (driven by playwright-core from npm, never downloaded)
    chromium
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$pkg")
done
# Node.js and npm build the web demo (Vite 8 needs Node 20.19 or later) and run the JS baselines.
if ! command -v node >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "setup: all Debian packages present"
fi

node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a>20||(a===20&&b>=19)?1:0)')
if [ "$node_ok" != 1 ]; then
    echo "setup: the web demo needs Node.js 20.19 or later; this machine has $(node --version)." >&2
    echo "setup: install a newer Node.js (e.g. from your distribution's backports) and run again." >&2
    exit 1
fi

# The web demo's npm packages, from the lock file; skipped when already installed from it.
stamp=web-demo/node_modules/.package-lock.json
if [ ! -f "$stamp" ] ||
    [ web-demo/package-lock.json -nt "$stamp" ]; then
    echo "setup: npm ci in web-demo"
    (cd web-demo && npm ci --no-audit --no-fund --loglevel=error)
fi

# Installing redis-server or janus on Debian may start system services; ours run on their own
# ports with their own configs, so the system ones are left as they are.
echo "setup: done"
