#!/usr/bin/env bash
# Installs what routesim needs on Debian 12 (only what is missing; safe to run again), then
# configures and builds it in Release into build/ (or the folder given as $1).
#
#   tools/setup.sh            install + build into ./build
#   tools/setup.sh --deps     install only, with what the tests need besides (chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake ninja-build pkg-config git python3
  clang libclang-rt-14-dev            # libFuzzer targets and sanitizer runtimes
  libboost1.81-dev libsimdjson-dev libconcurrentqueue-dev libcli11-dev
  libbenchmark-dev libgtest-dev libgmock-dev
  libavro-dev zlib1g-dev                # Storage endpoint: Avro container files, deflate
  avro-bin python3-avro                 # tests read the Avro output back with tools we did not write
  python3-jsonschema                    # tests validate scenario files against scenarios/schema
)

# For the tests only (tools/test.sh runs `setup.sh --deps`): headless rendering of the HTML report.
if [ "${1:-}" = "--deps" ]; then PACKAGES+=(chromium); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--deps" ]; then exit 0; fi

BUILD_DIR="${1:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR"
