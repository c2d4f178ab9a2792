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
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
RELAY="$ROOT/tests/bench/relay"
PEER="$ROOT/tests/bench/peer"

for f in "$BUILD_DIR/plugin/janus/libjanus_interview.so" "$BUILD_DIR/service/interview-service" \
         "$BUILD_DIR/tests/support/libcrash_report.so" \
         /usr/lib/x86_64-linux-gnu/janus/plugins/libjanus_textroom.so /usr/bin/janus \
         /usr/bin/redis-server; do
  [[ -e "$f" ]] || { echo "bench-peer: missing $f (scripts/setup.sh, then build)" >&2; exit 1; }
done

for dir in "$RELAY" "$PEER"; do
  if [[ ! -f "$dir/node_modules/.package-lock.json" ||
        "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    echo "== npm ci in $dir" >&2
    (cd "$dir" && npm ci --no-audit --no-fund >/dev/null)
  fi
done

export INTERVIEW_BUILD_DIR="$BUILD_DIR"
export INTERVIEW_TEST_LOGS="${INTERVIEW_TEST_LOGS:-$BUILD_DIR/bench-peer-logs}"
NICE=()
if [[ -n "${BENCH_NICE:-}" ]]; then
  NICE=(nice -n "$BENCH_NICE")
fi
exec "${NICE[@]}" "$ROOT/scripts/netns.sh" run -- /usr/bin/python3 "$RELAY/run.py" \
  --systems interview,hocuspocus --rooms 50,100 --rates 10 \
  --command "${BENCH_NICE:+BENCH_NICE=$BENCH_NICE }scripts/bench-peer.sh${*:+ $*}" "$@"
