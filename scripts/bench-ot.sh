#!/usr/bin/env bash
# Benchmarks the OT engine (interview::ot::Authority: validate + apply + log) against ot.js,
# CodeMirror's ChangeSet and Yjs on the editing traces in tests/data/traces, on this machine, in
# alternating rounds so background load hits every engine alike, timed in process CPU time (not
# wall time) for the same reason. Prints the Markdown table for
# docs/PERFORMANCE.md (medians over all runs, and our ratio to each baseline).
#
# usage: scripts/bench-ot.sh [TRACE.json.gz ...]
# env:   ROUNDS (3)  RUNS per round (5)  YJS_RUNS per round (1)  BUILD_DIR (build-bench)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-bench}"
ROUNDS="${ROUNDS:-3}"
RUNS="${RUNS:-5}"
YJS_RUNS="${YJS_RUNS:-1}"
if [[ $# -gt 0 ]]; then
  TRACES=("$@")
else
  TRACES=("$ROOT"/tests/data/traces/*.json.gz)
fi

echo "== building bench_ot (Release) in $BUILD_DIR" >&2
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DINTERVIEW_BUILD_SERVICE=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target bench_ot >/dev/null

JS_DIR="$ROOT/tests/bench/js"
if [[ ! -f "$JS_DIR/node_modules/.package-lock.json" ||
      "$JS_DIR/package-lock.json" -nt "$JS_DIR/node_modules/.package-lock.json" ]]; then
  echo "== npm ci in $JS_DIR" >&2
  (cd "$JS_DIR" && npm ci --no-audit --no-fund >/dev/null)
fi

LOAD_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"
mkdir -p "$ROOT/tests/bench/results"
OUT="$ROOT/tests/bench/results/ot-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
BENCH="$(find "$BUILD_DIR" -type f -name bench_ot -perm -u+x | head -n1)"
for ((round = 1; round <= ROUNDS; round++)); do
  echo "== round $round/$ROUNDS" >&2
  "$BENCH" --runs "$RUNS" "${TRACES[@]}" | tee -a "$OUT" >&2
  node "$JS_DIR/bench.mjs" --runs "$RUNS" --yjs-runs "$YJS_RUNS" "${TRACES[@]}" | tee -a "$OUT" >&2
done

echo
echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), Node $(node --version)," \
  "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Command: ROUNDS=$ROUNDS RUNS=$RUNS YJS_RUNS=$YJS_RUNS scripts/bench-ot.sh; raw results: ${OUT#"$ROOT"/}"
echo
node "$JS_DIR/report.mjs" "$OUT"
