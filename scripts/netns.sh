#!/usr/bin/env bash
# Runs a command inside a private network namespace where WebRTC works on one machine.
#
#   scripts/netns.sh run -- COMMAND [ARGS...]
#
# Janus gathers no ICE candidate on a loopback-flagged interface, so the namespace gets `lo` plus
# an ifb device (named ivnet0, not veth*/tun*/tap*, which some stacks skip) carrying 127.0.0.2/32.
# Janus runs there with ice_enforce_list = "127.0.0.2" and every peer runs in the same namespace.
# The namespace is deleted when the command ends, whatever its exit status (trap on EXIT), and
# the command's exit status is passed on. Needs root (CI has it). apt and npm must run outside.
set -euo pipefail

usage() {
    echo "usage: $0 run -- COMMAND [ARGS...]" >&2
    exit 2
}

[ "${1:-}" = run ] || usage
shift
[ "${1:-}" = -- ] || usage
shift
[ $# -gt 0 ] || usage

if [ "$(id -u)" != 0 ]; then
    echo "netns.sh: needs root to create a network namespace" >&2
    exit 1
fi

ns="iv-test-$$"
cleanup() {
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -TERM 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip link add ivnet0 type ifb
ip netns exec "$ns" ip link set ivnet0 up
ip netns exec "$ns" ip addr add 127.0.0.2/32 dev ivnet0

set +e
ip netns exec "$ns" "$@"
status=$?
set -e
exit $status
