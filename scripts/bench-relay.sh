#!/usr/bin/env bash
# Benchmarks the live code relay: N interview rooms of 2 typists each through our plugin
# (janus.plugin.interview: OT + a Redis commit per edit), against Janus's stock
# janus.plugin.textroom relaying messages of the same size between the same kind of peers
# (the baseline: relay with no transform and no storage). For each N (stepped until our p99
# passes --limit-ms or the load generator saturates) and each typing rate, it prints ack and
# remote-visible latency (p50/p99/max), Janus's CPU and RSS, Redis commands/s, the load
# generator's CPU, and at the end a Markdown table for docs/PERFORMANCE.md.
#
# Everything runs inside a private network namespace (scripts/netns.sh: Janus, Redis, the
# interview service and the WebRTC peers, on 127.0.0.1 / 127.0.0.2 only); every process is
# stopped at the end, also on failure. Needs root, the build (build/) and `npm ci` in
# tests/bench/relay (done here when needed, outside the namespace).
#
# usage: scripts/bench-relay.sh [--rooms 5,10,25,50,75,100] [--rates 10,50] [--warmup 1.5]
#          [--measure 6] [--repeat 3] [--client datachannel|werift|chromium] [--procs 2] [--pin] [--no-settle]
#          [--limit-ms 50]
#          [--budget-s 540] [--retries 6]
#        /usr/bin/python3 tests/bench/relay/run.py --report RESULTS.jsonl...  (table of raw results)
# env:   BUILD_DIR (build)
#        BENCH_NICE: run everything (Janus, Redis, the service, the peers) at this niceness, e.g.
#        -10 (as for the figures in docs/PERFORMANCE.md) on a machine shared with other work, so
#        that the neighbours' processes (compilers,
#        browsers: Chromium raises some of its own to -8) do not starve the benchmark; both
#        systems get the same priority. Unset: the caller's niceness.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
DIR="$ROOT/tests/bench/relay"

for f in "$BUILD_DIR/plugin/janus/libjanus_interview.so" "$BUILD_DIR/service/interview-service" \
         "$BUILD_DIR/tests/support/libcrash_report.so" \
         /usr/lib/x86_64-linux-gnu/janus/plugins/libjanus_textroom.so /usr/bin/janus \
         /usr/bin/redis-server; do
  [[ -e "$f" ]] || { echo "bench-relay: missing $f (scripts/setup.sh, then build)" >&2; exit 1; }
done

if [[ ! -f "$DIR/node_modules/.package-lock.json" ||
      "$DIR/package-lock.json" -nt "$DIR/node_modules/.package-lock.json" ]]; then
  echo "== npm ci in $DIR" >&2
  (cd "$DIR" && npm ci --no-audit --no-fund >/dev/null)
fi

export INTERVIEW_BUILD_DIR="$BUILD_DIR"
export INTERVIEW_TEST_LOGS="${INTERVIEW_TEST_LOGS:-$BUILD_DIR/bench-relay-logs}"
NICE=()
if [[ -n "${BENCH_NICE:-}" ]]; then
  NICE=(nice -n "$BENCH_NICE")
fi
exec "${NICE[@]}" "$ROOT/scripts/netns.sh" run -- /usr/bin/python3 "$DIR/run.py" \
  --command "${BENCH_NICE:+BENCH_NICE=$BENCH_NICE }scripts/bench-relay.sh${*:+ $*}" "$@"
