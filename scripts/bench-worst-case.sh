#!/usr/bin/env bash
# Benchmarks the document thread's worst cases: one data-channel message of each kind in its most
# expensive legal form at the project's default limits (room::Document driven as the plugin's
# document thread drives it), and the memory of one document (and of 10) with a full op log.
# Prints the Markdown tables for docs/PERFORMANCE.md; keeps the raw output in
# tests/bench/results/ (not committed).
#
# usage: scripts/bench-worst-case.sh [bench_worst_case options, e.g. --filter presence]
# env:   BUILD_DIR (build-bench)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-bench}"

echo "== building bench_worst_case (Release) in $BUILD_DIR" >&2
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DINTERVIEW_BUILD_SERVICE=OFF >/dev/null
cmake --build "$BUILD_DIR" -j2 --target bench_worst_case >/dev/null

LOAD_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"
mkdir -p "$ROOT/tests/bench/results"
OUT="$ROOT/tests/bench/results/worst-case-$(date -u +%Y%m%dT%H%M%SZ).md"
BENCH="$(find "$BUILD_DIR" -type f -name bench_worst_case -perm -u+x | head -n1)"
START="$(date -u '+%Y-%m-%d %H:%M UTC')"
"$BENCH" "$@" >"$OUT"
{
  echo "Measured $START on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')," \
    "commit $(git -C "$ROOT" rev-parse --short HEAD), load average before: $LOAD_BEFORE," \
    "after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Command: scripts/bench-worst-case.sh $*; raw output: ${OUT#"$ROOT"/}"
  echo
  cat "$OUT"
}
