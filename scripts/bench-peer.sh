#!/usr/bin/env bash
# The peer benchmark (issue #23): our live code relay (janus.plugin.interview: OT, each edit
# committed to Redis before it is acknowledged) side by side with Hocuspocus (@hocuspocus/server
# with @hocuspocus/extension-redis and a store extension writing each document to Redis; Yjs
# clients over WebSocket), each with its own Redis (AOF on, appendfsync everysec), under the load
# of scripts/bench-relay.sh: 2 typists per room, one character at a random position at 10/s each
# (±25 % jitter), 1.5 s warm-up, 6 s measured, the systems' windows interleaved in one session
# (ABBA over the repeats). It is tests/bench/relay/run.py with `--systems interview,hocuspocus`
# (the Hocuspocus side is in tests/bench/peer/; see its README). It prints per window and at
# the end a Markdown table for docs/PERFORMANCE.md: remote and ack p50/p99/max, the server's
# (Janus's, Hocuspocus's) CPU, its Redis's CPU, both together, the RSS added per room.
#
# Everything runs inside a private network namespace (scripts/netns.sh); every process is stopped
# at the end, also on failure. Needs root, the build (build/) and `npm ci` in tests/bench/relay
# and tests/bench/peer (done here when needed, outside the namespace). Not part of the test suite.
#
# usage: scripts/bench-peer.sh [--rooms 50,100] [--rates 10] [--repeat 3] [any run.py option]
#        /usr/bin/python3 tests/bench/relay/run.py --report tests/bench/relay/results/peer-*.jsonl
# env:   BUILD_DIR (build), BENCH_NICE (as scripts/bench-relay.sh: both systems get it)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEER="$ROOT/tests/bench/peer"

# The Hocuspocus side's packages; the rest (checks, the relay's npm ci, the namespace, niceness)
# is scripts/bench-relay.sh's, which this runs with the second system. Options given here come
# after the defaults below, so they win.
if [[ ! -f "$PEER/node_modules/.package-lock.json" ||
      "$PEER/package-lock.json" -nt "$PEER/node_modules/.package-lock.json" ]]; then
  echo "== npm ci in $PEER" >&2
  (cd "$PEER" && npm ci --no-audit --no-fund >/dev/null)
fi
export INTERVIEW_TEST_LOGS="${INTERVIEW_TEST_LOGS:-${BUILD_DIR:-$ROOT/build}/bench-peer-logs}"
exec "$ROOT/scripts/bench-relay.sh" --systems interview,hocuspocus --rooms 50,100 --rates 10 "$@"
