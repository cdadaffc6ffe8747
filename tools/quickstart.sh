#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds routesim, and runs its main job on a bundled
# example: every routing condition of a factory hub checked against sample messages.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh build
exec build/tools/routesim/routesim eval --check --cases scenarios/eval/factory-routes.cases.jsonl
