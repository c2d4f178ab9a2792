#!/usr/bin/env bash
# Installs every build, test and run dependency on Debian 12, from Debian's packages (one apt-get
# call) and, for the web demo and the JS baselines, the npm registry. Idempotent: when everything
# is present it only checks, in about a second. Needs root (or sudo) for apt-get.
set -euo pipefail

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
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$pkg")
done
# Node.js 18+ and npm build the web demo and run the JS baselines; Debian 12 ships 18.
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

# Installing redis-server or janus on Debian may start system services; ours run on their own
# ports with their own configs, so the system ones are left as they are.
echo "setup: done"
