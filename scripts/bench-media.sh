#!/usr/bin/env bash
# Benchmarks video forwarding: Janus's CPU and memory forwarding the same set of streams through
# our plugin (janus.plugin.interview: one PeerConnection per participant, fixed receive slots)
# and, in the same run and the same Janus process, through Janus's stock janus.plugin.videoroom
# (the baseline: a publisher handle and a multistream subscriber handle per participant).
# R rooms of P participants each; everyone publishes audio + video (pre-recorded VP8 ~500 kbps
# at 30 fps and Opus 32 kbps, sent at real-time pace by werift peers that never encode) and
# receives the P-1 others: R x P x (P-1) forwarded streams of each kind. Measured windows
# alternate ours / videoroom (ABBA) over the rounds, with an idle window per round; it prints
# per window and at the end a Markdown table of the medians: Janus CPU per forwarded stream per
# second and per 1000 packets, and ours / videoroom (target: within 10 %).
#
# Everything runs inside a private network namespace (scripts/netns.sh: Janus, Redis, the
# interview service and the werift peers, on 127.0.0.1 / 127.0.0.2 only); every process is
# stopped at the end, also on failure. Needs root, the build (build/: the plugin and the
# service), Debian's janus, redis-server, python3-aiortc (libvpx / libopus encoders used once to
# record the media), Node, and `npm ci` in tests/bench/media (done here when needed, outside the
# namespace). Raw results (JSON lines) go to tests/bench/media/results/ (not committed).
#
# usage: scripts/bench-media.sh [extra run.py options, e.g. --systems videoroom]
#        /usr/bin/python3 tests/bench/media/run.py --report RESULTS.jsonl...  (table of raw results)
# env:   ROOMS          room counts, comma-separated (default 1,3,5)
#        PARTICIPANTS   per room (default 3)
#        ROUNDS         measured windows per system and room count (default 3)
#        DURATION       seconds of each measured window (default 15)
#        WARMUP         seconds of sending before each window (default 3)
#        VIDEO_KBPS     the recording's VP8 bitrate (default 500); FPS (default 30)
#        BUILD_DIR      (build)
#        BENCH_NICE     run everything at this niceness, e.g. -10, on a machine shared with other
#                       work; both systems get the same priority. Unset: the caller's niceness.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
DIR="$ROOT/tests/bench/media"

missing=0
for f in "$BUILD_DIR/plugin/janus/libjanus_interview.so" "$BUILD_DIR/service/interview-service" \
         "$BUILD_DIR/tests/support/libcrash_report.so" \
         /usr/lib/x86_64-linux-gnu/janus/plugins/libjanus_videoroom.so /usr/bin/janus \
         /usr/bin/redis-server /usr/bin/python3; do
  [[ -e "$f" ]] || { echo "bench-media: missing $f (scripts/setup.sh, then build)" >&2; missing=1; }
done
command -v node >/dev/null || { echo "bench-media: missing node (scripts/setup.sh)" >&2; missing=1; }
command -v npm >/dev/null || { echo "bench-media: missing npm (scripts/setup.sh)" >&2; missing=1; }
if ! /usr/bin/python3 -c 'import aiortc.codecs.vpx, av, numpy' 2>/dev/null; then
  echo "bench-media: /usr/bin/python3 cannot import aiortc, av and numpy (Debian's" \
       "python3-aiortc; scripts/setup.sh)" >&2
  missing=1
fi
[[ $missing == 0 ]] || exit 1

if [[ ! -f "$DIR/node_modules/.package-lock.json" ||
      "$DIR/package-lock.json" -nt "$DIR/node_modules/.package-lock.json" ]]; then
  echo "== npm ci in $DIR" >&2
  (cd "$DIR" && npm ci --no-audit --no-fund >/dev/null)
fi

export INTERVIEW_BUILD_DIR="$BUILD_DIR"
export INTERVIEW_TEST_LOGS="${INTERVIEW_TEST_LOGS:-$BUILD_DIR/bench-media-logs}"
NICE=()
if [[ -n "${BENCH_NICE:-}" ]]; then
  NICE=(nice -n "$BENCH_NICE")
fi
settings=(--rooms "${ROOMS:-1,3,5}" --participants "${PARTICIPANTS:-3}" --rounds "${ROUNDS:-3}"
          --measure "${DURATION:-15}" --warmup "${WARMUP:-3}" --video-kbps "${VIDEO_KBPS:-500}"
          --fps "${FPS:-30}")
shown=""
for v in ROOMS PARTICIPANTS ROUNDS DURATION WARMUP VIDEO_KBPS FPS BENCH_NICE; do
  [[ -n "${!v:-}" ]] && shown+="$v=${!v} "
done
exec "${NICE[@]}" "$ROOT/scripts/netns.sh" run -- /usr/bin/python3 "$DIR/run.py" \
  --command "${shown}scripts/bench-media.sh${*:+ $*}" "${settings[@]}" "$@"
