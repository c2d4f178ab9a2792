#!/usr/bin/env bash
# The compose test layer: docker-compose.yml built, started and used as a user would, with
# podman standing in for the Docker engine (tests/compose/compose.py says what differs).
#   1. tests/compose/test_build.py, on the host's network: scripts/compose-setup.sh (podman,
#      the debootstrap base image), secrets, `docker-compose build` twice (the second from the
#      cache), no compiler in any runtime image
#   2. tests/compose/test_stack.py, in a network namespace of its own:
#      up with every health check run until healthy, an interview scheduled through the web
#      container, two WebRTC peers editing through the published ports, Janus restarted and
#      killed while they type, down and up again, no token in any container log; down -v
# Needs root (podman runs rootful here). Never skips: without podman or root it fails.
#
#   scripts/compose-test.sh [REPORTS]     JUnit reports: REPORTS/compose-build.xml, compose.xml
#                                         (default build/test-reports)
set -euo pipefail
cd "$(dirname "$0")/.."
REPORTS=${1:-$PWD/build/test-reports}
mkdir -p "$REPORTS"
export INTERVIEW_TEST_LOGS=${INTERVIEW_TEST_LOGS:-$PWD/build/test-logs}

# The run's secrets, override file and sockets; removed at the end, whatever happened.
COMPOSE_TEST_DIR=$(mktemp -d /tmp/interview-compose.XXXXXX)
export COMPOSE_TEST_DIR
export COMPOSE_TEST_PROJECT=interview-compose-test

# The stack's own network namespace: podman sets up the project's bridge and published ports in
# the namespace it runs in, so they exist only there and collide with nothing on the host. Only
# its loopback is needed (the peers play clients on 127.0.0.1, tests/compose/test_stack.py).
# Entered with nsenter --net only: `ip netns exec` also remounts /sys, which hides the cgroup
# mounts podman's runtime needs.
ns="iv-compose-$$"
export COMPOSE_TEST_NETNS=$ns
in_ns() { nsenter --net="/run/netns/$ns" -- "$@"; }
cleanup() {
    # Whatever the tests left after a failure: the project's containers, volumes and network
    # (in the namespace, where podman set them up), then the namespace and the secrets.
    if [ -e "/run/netns/$ns" ]; then
        ids=$(in_ns podman ps -aq --filter "label=com.docker.compose.project=$COMPOSE_TEST_PROJECT" || true)
        [ -z "$ids" ] || in_ns podman rm -f -t 5 $ids >/dev/null 2>&1 || true
        vols=$(podman volume ls -q --filter "label=com.docker.compose.project=$COMPOSE_TEST_PROJECT" || true)
        [ -z "$vols" ] || podman volume rm -f $vols >/dev/null 2>&1 || true
        in_ns podman network rm -f "${COMPOSE_TEST_PROJECT}_default" >/dev/null 2>&1 || true
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -TERM 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    fi
    rm -rf "$COMPOSE_TEST_DIR"
}
trap cleanup EXIT INT TERM

status=0
start=$SECONDS
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/compose/test_build.py \
    --junitxml="$REPORTS/compose-build.xml" || status=1
built=$SECONDS

ip netns add "$ns"
in_ns ip link set lo up
in_ns /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/compose/test_stack.py \
    --junitxml="$REPORTS/compose.xml" || status=1
echo "compose layer: build $((built - start)) s, stack $((SECONDS - built)) s"
exit $status
