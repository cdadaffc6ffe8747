#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds routesim, and runs its main job on a bundled
# scenario: a firewalled storage account behind the trusted-services exception, with its role
# assignment removed and granted again on the timeline. Prints the run's summary and report.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh build
build/tools/routesim/routesim run scenarios/storage-behind-firewall.scenario.json \
  --out build/quickstart-out --report build/quickstart-report.json
echo "report: build/quickstart-report.json; blobs and partitions: build/quickstart-out/"
