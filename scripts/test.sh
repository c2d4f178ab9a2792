#!/usr/bin/env bash
# The one command that runs every test layer:
#   1. installs what is missing (scripts/setup.sh)
#   2. builds everything with -Wall -Wextra -Werror, and the unit and ABI tests (and the
#      service's) again under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. runs unit (GoogleTest), ABI (CMocka), service (GoogleTest) tests and the fuzz targets'
#      replay of their corpus and past crashes (tests/fuzz) in both builds
#   4. builds the tests of the adapters' threads (loop thread, service client, document hub with
#      a join/leave/edit race) under ThreadSanitizer and runs them
#   5. runs the web demo's unit tests (vitest) and builds it, and the OT conformance vectors
#      (tests/data/ot-vectors) on the relay benchmark's client (node --test)
#   6. runs the integration tests (real Janus, Redis, service and WebRTC peers) and the browser
#      tests (Debian's Chromium driven by playwright-core) inside a private network namespace
#      (scripts/netns.sh); their fixtures start and stop every process they need
#   7. the compose layer (scripts/compose-test.sh): docker-compose.yml built and run with podman
#      (root; installed by scripts/compose-setup.sh), used as people would, taken down again
# Every layer runs even when an earlier one failed; the exit status is non-zero if any failed.
# The last line is `summary: N passed, N failed`, added up from every layer's JUnit report.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc)

scripts/setup.sh || exit 1

REPORTS="$ROOT/build/test-reports"
export INTERVIEW_TEST_LOGS="$ROOT/build/test-logs"
rm -rf "$REPORTS" "$INTERVIEW_TEST_LOGS"
mkdir -p "$REPORTS" "$INTERVIEW_TEST_LOGS"
failed_layers=()

step() { printf '\n=== %s ===\n' "$*"; }

step "build (RelWithDebInfo, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINTERVIEW_WERROR=ON >/dev/null &&
    cmake --build build -j"$JOBS" || { echo "build failed"; exit 1; }

step "build (ASan + UBSan: unit, ABI, service tests and the fuzz replay)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DINTERVIEW_SANITIZE=ON \
    -DINTERVIEW_WERROR=ON >/dev/null &&
    cmake --build build-asan -j"$JOBS" --target unit_tests abi_tests service_tests fuzz_replay ||
    { echo "sanitizer build failed"; exit 1; }

run_native() {  # build-dir report-prefix
    local dir=$1 prefix=$2
    GTEST_OUTPUT="xml:$REPORTS/$prefix-unit.xml" "$dir/tests/unit/unit_tests" --gtest_brief=1 ||
        failed_layers+=("$prefix unit")
    CMOCKA_MESSAGE_OUTPUT=xml CMOCKA_XML_FILE="$REPORTS/$prefix-abi.xml" \
        "$dir/tests/abi/abi_tests" || failed_layers+=("$prefix abi")
    GTEST_OUTPUT="xml:$REPORTS/$prefix-service.xml" "$dir/service/tests/service_tests" \
        --gtest_brief=1 || failed_layers+=("$prefix service")
    "$dir/tests/fuzz/fuzz_replay" --junit "$REPORTS/$prefix-fuzz-replay.xml" tests/fuzz ||
        failed_layers+=("$prefix fuzz replay")
}

step "unit, ABI, service tests and fuzz replay"
run_native build native

step "unit, ABI, service tests and fuzz replay under ASan + UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_native build-asan asan
unset ASAN_OPTIONS UBSAN_OPTIONS

step "thread tests under ThreadSanitizer (build-tsan)"
# Debug: it compiles in about half the time, and the tests take seconds either way.
if cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DINTERVIEW_TSAN=ON \
    -DINTERVIEW_WERROR=ON >/dev/null &&
    cmake --build build-tsan -j"$JOBS" --target thread_tests; then
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$ROOT/tests/unit/tsan.supp" \
        GTEST_OUTPUT="xml:$REPORTS/tsan-thread.xml" build-tsan/tests/unit/thread_tests \
        --gtest_brief=1 || failed_layers+=("tsan thread")
else
    echo "ThreadSanitizer build failed"
    failed_layers+=("tsan build")
fi

step "web demo: unit tests and build"
(cd web-demo && npm run --silent test:junit -- "$REPORTS/web-unit.xml") || failed_layers+=("web unit")
(cd web-demo && npm run --silent build >/dev/null) || { echo "web demo build failed"; failed_layers+=("web build"); }

step "OT vectors on the relay benchmark's client (node --test)"
node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=junit --test-reporter-destination="$REPORTS/bench-ot-vectors.xml" \
    tests/bench/relay/ot_vectors.test.js || failed_layers+=("bench ot vectors")

step "integration tests (network namespace)"
INTERVIEW_BUILD_DIR="$ROOT/build" scripts/netns.sh run -- \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration \
    --junitxml="$REPORTS/integration.xml" || failed_layers+=("integration")

step "browser tests (network namespace)"
INTERVIEW_BUILD_DIR="$ROOT/build" E2E_JUNIT="$REPORTS/e2e-browser.xml" \
    E2E_SCREENSHOTS="$ROOT/build/screenshots" scripts/netns.sh run -- \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e \
    --junitxml="$REPORTS/e2e.xml" || failed_layers+=("e2e")

step "compose: docker-compose.yml built, run and used with podman (scripts/compose-test.sh)"
scripts/compose-test.sh "$REPORTS" ||
    failed_layers+=("compose")

step "summary"
/usr/bin/python3 scripts/lib/junit_summary.py "$REPORTS"
summary_status=$?
if [ ${#failed_layers[@]} -gt 0 ]; then
    echo "failed layers: ${failed_layers[*]}"
    exit 1
fi
exit $summary_status
