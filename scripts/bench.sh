#!/usr/bin/env bash
# Benchmarks, outside the test command: they print figures and ratios, and assert nothing.
#   scripts/bench.sh store     import, search and render at 1,000 models / 10,000 devices
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-store}" in
  store) cargo run --release -q -p loopstudio-core --example store_bench ;;
  *) echo "usage: scripts/bench.sh store" >&2; exit 2 ;;
esac
