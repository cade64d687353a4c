#!/usr/bin/env bash
# Benchmarks, outside the test command: they print figures and ratios, and assert nothing.
#   scripts/bench.sh store     import, search and render at 1,000 models / 10,000 devices
#   scripts/bench.sh ports     loopcheck ports vs nmap -sT -sU on the ten reference ports
set -euo pipefail
cd "$(dirname "$0")/.."

# Median wall time in ms of a command run N times.
median_ms() {
  local n=$1; shift
  local times=()
  for _ in $(seq "$n"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

ports_bench() {
  cargo build --release -q -p loopcheck
  local bin=${CARGO_TARGET_DIR:-target}/release/loopcheck
  local host=127.0.0.1
  # The same ten ports for both tools: on this host they are closed (RST / ICMP unreachable),
  # which both tools classify in one round trip.
  local ours theirs
  ours=$(median_ms 7 "$bin" ports "$host")
  theirs=$(median_ms 7 nmap -Pn -n -sT -sU -p T:80,443,1883,8883,9443,9444,U:5683,5684,15683,15684 "$host")
  echo "port sweep of $host, median of 7 runs: loopcheck ${ours} ms, nmap ${theirs} ms, ratio $(awk "BEGIN {printf \"%.2f\", $ours / ($theirs > 0 ? $theirs : 1)}") (target ≤ 0.5)"
}

case "${1:-store}" in
  store) cargo run --release -q -p loopstudio-core --example store_bench ;;
  ports) ports_bench ;;
  *) echo "usage: scripts/bench.sh store|ports" >&2; exit 2 ;;
esac
