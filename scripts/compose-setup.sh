#!/usr/bin/env bash
# Prepares this machine to build and run docker-compose.yml with podman (the compose test layer,
# tests/compose/, calls it; run it by hand before `docker-compose` with podman too):
#   1. installs podman and its parts from Debian's packages (one apt-get call, only if missing)
#   2. writes the containers.conf settings without which no container starts here
#   3. creates the Dockerfiles' base image, debian:bookworm-slim (also tagged debian:bookworm),
#      from Debian's packages with debootstrap and the mirror apt already uses: nothing is ever
#      pulled from a container registry. A machine with Docker Hub gets the same images from the
#      same Dockerfiles with the official base instead.
# Idempotent: when everything is present it only checks, in about a second.
# Needs root: podman runs rootful here (debootstrap, netavark bridges, published ports).
#
#   scripts/compose-setup.sh [--rebuild-base]
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] || { echo "compose-setup: needs root (podman runs rootful here)" >&2; exit 1; }

rebuild_base=false
[ "${1:-}" = --rebuild-base ] && rebuild_base=true

# podman and its runtime, network stack and DNS for service names; debootstrap for the base
# image; docker-compose (1.29.2) is the client the tests drive podman's Docker API with, so the
# user's file is read by a Docker client (scripts/setup.sh installs it too).
# iptables: netavark sets up the bridges and published ports with it (a Recommends only).
APT_PACKAGES=(podman runc netavark aardvark-dns iptables debootstrap docker-compose)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "compose-setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    log=/tmp/interview-compose-apt.log
    { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
        >"$log" 2>&1 || { tail -20 "$log" >&2; echo "compose-setup: apt-get failed ($log)" >&2; exit 1; }
fi

# crun (podman's default) fails here ("cgroups in hybrid mode not supported"); runc works.
# podman lowers its own RLIMIT_NPROC to 32768 and cannot raise NOFILE past the hard limit, so
# the default ulimits it asks for make every container fail with "setrlimit ... not permitted".
# A drop-in of ours, so that the packaged containers.conf stays untouched.
conf_dir=/etc/containers/containers.conf.d
conf=$conf_dir/50-interview-room.conf
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] && nofile=1048576
(( nofile > 20000 )) && nofile=20000
wanted=$(cat <<EOF
# Written by scripts/compose-setup.sh (interview room): what podman needs on this machine.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]

[engine]
runtime = "runc"

# netavark, not the CNI plugins podman 4.3 falls back to when /etc/cni/net.d has a config: CNI's
# bridge plugins are not installed, and netavark + aardvark-dns resolve service names.
[network]
network_backend = "netavark"
EOF
)
if [ "$(cat "$conf" 2>/dev/null || true)" != "$wanted" ]; then
    mkdir -p "$conf_dir"
    printf '%s\n' "$wanted" >"$conf"
    echo "compose-setup: wrote $conf"
fi

# The base image. docker.io/library/... is the name Docker and podman both give the short name
# `debian:bookworm-slim` in a FROM line, so the Dockerfiles stay as they would be with Docker Hub.
base=docker.io/library/debian:bookworm-slim
if $rebuild_base || ! podman image exists "$base"; then
    # The mirror apt already uses (deb822 sources or the one-line format), so no other host is
    # needed; deb.debian.org otherwise.
    mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }
                  /^deb / && $3 == "bookworm" { print $2; exit }' \
                 /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    root=$(mktemp -d /var/tmp/interview-base.XXXXXX)
    trap 'rm -rf "$root"' EXIT
    echo "compose-setup: debootstrap bookworm from $mirror (about 30 s)"
    start=$SECONDS
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/interview-debootstrap.log 2>&1 || {
        tail -20 /tmp/interview-debootstrap.log >&2
        echo "compose-setup: debootstrap failed (log: /tmp/interview-debootstrap.log)" >&2
        exit 1
    }
    # Like the official slim image: the security suite too, no package lists or caches kept, and
    # no docs or man pages installed by the images' apt-get calls.
    cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
    cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
EOF
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
        "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
    tar -C "$root" -c . | podman import --change 'CMD ["bash"]' - "$base" >/dev/null
    rm -rf "$root"
    trap - EXIT
    echo "compose-setup: $base imported in $((SECONDS - start)) s"
fi
# The build stages name debian:bookworm: the same image (they install what they build with).
podman image exists docker.io/library/debian:bookworm ||
    podman tag "$base" docker.io/library/debian:bookworm
echo "compose-setup: done"
