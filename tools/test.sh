#!/usr/bin/env bash
# Sets up the machine, builds routesim and runs every test:
#   1. Release build: all unit, integration and end-to-end tests (CTest);
#   2. address + undefined sanitizer build: the unit and integration tests again;
#   3. thread sanitizer build: the concurrency tests (the router's threads);
#   4. each libFuzzer target for a bounded time ($ROUTESIM_FUZZ_SECONDS, default 60).
# --quick runs step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
if [ "${1:-}" = "--quick" ]; then QUICK=1; fi
JOBS="$(nproc 2>/dev/null || echo 2)"

tools/setup.sh --deps
export ROUTESIM_REQUIRE_CHROMIUM=1  # the HTML report test renders in headless Chromium

echo "== 1/4 Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
ctest --test-dir build --output-on-failure -j "$JOBS"

if [ "$QUICK" = 1 ]; then exit 0; fi

echo "== 2/4 address,undefined sanitizer build and tests"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DROUTESIM_SANITIZE=address,undefined \
  -DROUTESIM_BUILD_BENCH=OFF
cmake --build build-asan
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS" -L 'unit|integration'

echo "== 3/4 thread sanitizer build: concurrency tests"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DROUTESIM_SANITIZE=thread \
  -DROUTESIM_BUILD_BENCH=OFF
cmake --build build-tsan --target tests/core/router/all \
  tests/endpoints/eventhubs/endpoints_eventhubs_concurrency_test \
  tests/endpoints/servicebus/endpoints_servicebus_concurrency_test \
  tests/endpoints/egress/endpoints_egress_concurrency_test
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tools/tsan.supp" \
  ctest --test-dir build-tsan --output-on-failure -j "$JOBS" -L concurrency

echo "== 4/4 fuzz targets (${ROUTESIM_FUZZ_SECONDS:-60} s each)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DROUTESIM_BUILD_FUZZ=ON -DROUTESIM_BUILD_TESTS=OFF -DROUTESIM_BUILD_BENCH=OFF \
  -DROUTESIM_SANITIZE=address,undefined
cmake --build build-fuzz
for target in build-fuzz/tests/fuzz/*_fuzz; do
  name="$(basename "$target")"
  corpus="build-fuzz/corpus-$name"
  mkdir -p "$corpus"
  seeds=("tests/fuzz/seeds/${name%_fuzz}")
  # The bundled scenarios seed the scenario loader too (read only: new inputs go to $corpus).
  if [ "$name" = scenario_fuzz ] || [ "$name" = check_fuzz ]; then seeds+=(scenarios); fi
  echo "-- $name"
  "$target" -max_total_time="${ROUTESIM_FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$corpus" "${seeds[@]}"
done
echo "== all tests passed"
