#!/usr/bin/env bash
# A timed fuzz run of the libFuzzer targets in tests/fuzz (README there):
#   scripts/fuzz.sh [seconds-per-target] [target ...]
# Builds them with clang (-fsanitize=fuzzer,address,undefined) in build-fuzz/, runs each for the
# given time (default 60 s) on a copy of its committed corpus (tests/fuzz/corpus/<target>, which
# is left as it is) or until its first finding, and copies a crash, leak or timeout it finds into
# tests/fuzz/regressions/<target>/ (named after the input's SHA-1), where fuzz_replay then runs
# it as a regression test. Exit status: 0 nothing found, 1 something found, 2 setup or build
# failure. Not part of scripts/test.sh (which replays the corpus and the regressions instead).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER_TARGET=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
ALL_TARGETS=(document ot requests config service_requests redis_load)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")
JOBS=${FUZZ_BUILD_JOBS:-2}

if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh [seconds-per-target] [target ...] (targets: ${ALL_TARGETS[*]})" >&2
    exit 2
fi
CLANG=${CLANG:-clang-14}
CLANGXX=${CLANGXX:-clang++-14}
if ! command -v "$CLANGXX" >/dev/null 2>&1; then
    echo "fuzz: $CLANGXX not found; on Debian 12: apt-get install clang-14 libclang-rt-14-dev" >&2
    exit 2
fi
if ! "$CLANGXX" -print-file-name=libclang_rt.fuzzer-x86_64.a | grep -q /; then
    echo "fuzz: libFuzzer's runtime is missing; on Debian 12: apt-get install libclang-rt-14-dev" >&2
    exit 2
fi

BUILD="$ROOT/build-fuzz"
echo "=== build ($CLANGXX, -fsanitize=fuzzer,address,undefined) in $BUILD ==="
CC=$CLANG CXX=$CLANGXX cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DINTERVIEW_FUZZ=ON -DINTERVIEW_WERROR=OFF >/dev/null || exit 2
cmake --build "$BUILD" -j"$JOBS" --target "${TARGETS[@]/#/fuzz_}" >"$BUILD/build.log" 2>&1 ||
    { tail -30 "$BUILD/build.log"; echo "fuzz: build failed (log: $BUILD/build.log)" >&2; exit 2; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
found=0
for target in "${TARGETS[@]}"; do
    bin="$BUILD/tests/fuzz/fuzz_$target"
    work="$BUILD/work/$target"
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp "tests/fuzz/corpus/$target"/* "$work/corpus/"
    echo "=== $target: ${SECONDS_PER_TARGET} s (log: $work/fuzz.log) ==="
    # -fork=1: the fuzzing runs in child jobs, each restarted on the corpus grown so far. A target
    # stops after the job that found a crash, leak, timeout or out-of-memory (going on would
    # record the same bug under dozens of names); fix it and run again.
    "$bin" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -fork=1 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/fuzz.log" 2>&1
    status=$?
    grep -E '^#[0-9]+: cov' "$work/fuzz.log" | tail -1
    shopt -s nullglob
    artifacts=("$work"/artifacts/*)
    shopt -u nullglob
    if [ ${#artifacts[@]} -gt 0 ]; then
        mkdir -p "tests/fuzz/regressions/$target"
        for a in "${artifacts[@]}"; do
            dest="tests/fuzz/regressions/$target/$(basename "$a")"
            cp "$a" "$dest"
            echo "found: $dest"
        done
        found=1
    elif [ $status -ne 0 ]; then
        echo "fuzz: $target exited with $status and left no input (log: $work/fuzz.log)" >&2
        found=1
    else
        echo "$target: nothing found ($(ls "$work/corpus" | wc -l) inputs in the grown corpus)"
    fi
done
exit $found
