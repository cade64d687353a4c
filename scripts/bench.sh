#!/usr/bin/env bash
# Benchmarks, outside the test command: they print figures and ratios, and assert nothing.
#   scripts/bench.sh store     import, search and render at 1,000 models / 10,000 devices
#   scripts/bench.sh ports     loopcheck ports vs nmap -sT -sU on the ten reference ports
#   scripts/bench.sh mqtt      an MQTT TLS check vs mosquitto_sub + mosquitto_pub doing the same
#                              round trip; a whole device vs its slowest check alone
#   scripts/bench.sh lwm2m     a DTLS-PSK registration cycle vs coap-client-openssl
#   scripts/bench.sh fleet     memory per virtual device vs mosquitto_pub; fleets of 1,000,
#                              10,000 and (file limit allowing) 50,000 devices: ramp time,
#                              steady msg/s, peak RSS, per-device memory, scaling
#   scripts/bench.sh app       the release app with a 1,000-device project open vs a bare Tauri
#                              window (../shared/bench/tauri-floor, at our window size): first
#                              paint and settled PSS under Xvfb, three alternating runs each,
#                              PSS by process, and ours again with WebKit's compositing left
#                              on (as the floor runs); the UI bundle's size
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

# Median over N runs of a `loopcheck --json check` of its wall time minus its serve-reads
# rung, and the median of that rung, in ms: "exchanges window".
exchanges_ms() {
  local n=$1; shift
  for _ in $(seq "$n"); do
    local start end
    start=$(date +%s%N)
    "$@" >/tmp/loopstudio-bench-check.json 2>/dev/null || true
    end=$(date +%s%N)
    python3 - "$(( (end - start) / 1000000 ))" /tmp/loopstudio-bench-check.json <<'PY'
import json, sys
wall, doc = int(sys.argv[1]), json.load(open(sys.argv[2]))
window = sum(s["elapsedMs"] for c in doc["checks"] for s in c["steps"] if s["name"] == "serve-reads")
print(round(wall - window), round(window))
PY
  done | sort -n | awk '{a[NR]=$1; w[NR]=$2} END {m=int((NR+1)/2); print a[m], w[m]}'
  rm -f /tmp/loopstudio-bench-check.json
}

# Peak resident memory in KiB of one run of a command (GNU time).
peak_kib() {
  /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}

mqtt_bench() {
  cargo build --release -q -p loopcheck
  local bin=${CARGO_TARGET_DIR:-target}/release/loopcheck
  local dir pid
  dir=$(mktemp -d)
  trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' RETURN
  (
    cd "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
      -out ca.pem -days 2 -subj "/CN=bench CA" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
      -out server.csr -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
      -extfile san.ext -out server.pem 2>/dev/null
  )
  local plain tls
  plain=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  tls=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf 'user root\nlog_dest none\nlistener %s 127.0.0.1\nallow_anonymous true\nlistener %s 127.0.0.1\nallow_anonymous true\ncafile %s/ca.pem\ncertfile %s/server.pem\nkeyfile %s/server.key\n' \
    "$plain" "$tls" "$dir" "$dir" "$dir" >"$dir/mosquitto.conf"
  mosquitto -c "$dir/mosquitto.conf" & pid=$!
  sleep 0.5
  cat >"$dir/model.json" <<JSON
[{"mqttHostName": "localhost", "mqttTcpPort": "$plain", "mqttUserName": "", "mqttPassword": "", "mqttClientId": "bench-tcp", "mqttReqTopicName": "bench/req", "mqttRespTopicName": "bench/resp", "mqttDataTopicName": "bench/data", "remoteNetwork": "7f"},
 {"mqttHostName": "localhost", "mqttSslPort": "$tls", "mqttServerCA": "%MQTT_CA_CERT%", "mqttUserName": "", "mqttPassword": "", "mqttClientId": "bench-tls", "mqttReqTopicName": "bench/req", "mqttRespTopicName": "bench/resp", "mqttDataTopicName": "bench/tls", "remoteNetwork": "7f"}]
JSON
  local check=("$bin" check "$dir/model.json" --var "MQTT_CA_CERT=@$dir/ca.pem")
  # The reference round trip: subscribe, publish QoS 1, receive it back, over TLS.
  reference() {
    mosquitto_sub -h localhost -p "$tls" --cafile "$dir/ca.pem" -t bench/ref -q 1 -C 1 -W 5 >/dev/null &
    local sub=$!
    sleep 0.05
    mosquitto_pub -h localhost -p "$tls" --cafile "$dir/ca.pem" -t bench/ref -m x -q 1
    wait "$sub"
  }
  local ours theirs pub whole slowest
  ours=$(median_ms 11 "${check[@]}" --only mqtt-tls)
  theirs=$(median_ms 11 reference)
  pub=$(median_ms 11 mosquitto_pub -h localhost -p "$tls" --cafile "$dir/ca.pem" -t bench/ref -m x -q 1)
  whole=$(median_ms 11 "${check[@]}")
  slowest=$(median_ms 11 "${check[@]}" --only mqtt-tls)
  echo "MQTT TLS, median of 11: loopcheck ${ours} ms (dns, tcp, tls, connect, 2 subscribes, publish, echo)"
  echo "  vs mosquitto_pub alone ${pub} ms (tls, connect, publish, PUBACK): ratio $(awk "BEGIN {printf \"%.2f\", $ours / ($pub > 0 ? $pub : 1)}")"
  echo "  vs mosquitto_sub + mosquitto_pub round trip ${theirs} ms (50 ms of it the subscriber's head start): ratio $(awk "BEGIN {printf \"%.2f\", $ours / ($theirs > 0 ? $theirs : 1)}")"
  echo "whole device (tcp + tls concurrently) ${whole} ms vs its slowest check alone ${slowest} ms, ratio $(awk "BEGIN {printf \"%.2f\", $whole / ($slowest > 0 ? $slowest : 1)}") (1.0 = fully concurrent)"
  echo "peak RSS: loopcheck $(peak_kib "${check[@]}") KiB, mosquitto_pub $(peak_kib mosquitto_pub -h localhost -p "$tls" --cafile "$dir/ca.pem" -t bench/ref -m x -q 1) KiB"
}

lwm2m_bench() {
  cargo build --release -q -p loopcheck
  local bin=${CARGO_TARGET_DIR:-target}/release/loopcheck
  local venv=${LOOPSTUDIO_PEERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/loop-studio/peers-venv}
  [ -x "$venv/bin/aiocoap-rd" ] || { echo "run scripts/setup.sh test first (aiocoap venv)" >&2; return 1; }
  local dir rd plain_rd bs
  dir=$(mktemp -d)
  free_udp() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
  local port plain_port bs_port
  port=$(free_udp); plain_port=$(free_udp); bs_port=$(free_udp)
  printf '{":bench": {"dtls": {"psk": {"ascii": "bench-key-0123"}, "client-identity": {"ascii": "bench-id"}}}}' >"$dir/creds.json"
  AIOCOAP_SERVER_TRANSPORT=tinydtls_server:udp6 "$venv/bin/aiocoap-rd" --lwm2m-compat \
    --bind "127.0.0.1:$port" --credentials "$dir/creds.json" >"$dir/rd.log" 2>&1 & rd=$!
  AIOCOAP_SERVER_TRANSPORT=udp6 "$venv/bin/aiocoap-rd" --lwm2m-compat --bind "127.0.0.1:$plain_port" >"$dir/rd-plain.log" 2>&1 & plain_rd=$!
  AIOCOAP_SERVER_TRANSPORT=udp6 "$venv/bin/python" tests/peers/bootstrap-server.py "$bs_port" \
    --server-uri "coap://127.0.0.1:$plain_port" >"$dir/bs.log" 2>&1 & bs=$!
  trap 'kill "$rd" "$plain_rd" "$bs" 2>/dev/null || true; rm -rf "$dir"' RETURN
  sleep 2
  local dtls=$((port + 1))
  printf '{"lwm2mHostName": "127.0.0.1", "lwm2mPortDtls": "%s", "lwm2mEndpoint": "bench", "lwm2mPSKIdentity": "bench-id", "lwm2mPSKValue": "bench-key-0123", "lwm2mPSKValueHex": "", "remoteNetwork": "7f"}' \
    "$dtls" >"$dir/psk.json"
  printf '{"lwm2mBsHostName": "127.0.0.1", "lwm2mBsPortNoSec": "%s", "lwm2mEndpoint": "bench-bs", "forceAccessControl": "false", "remoteNetwork": "7f"}' \
    "$bs_port" >"$dir/bs.json"
  # aiocoap-rd reads nothing, so our wait for a server read (scaled to the path) is part of a
  # check: measure the exchanges, i.e. each run's wall time minus its serve-reads rung.
  local ours theirs window
  read -r ours window < <(exchanges_ms 7 "$bin" --json check "$dir/psk.json")
  theirs=$(median_ms 7 coap-client-openssl -B 5 -u bench-id -k bench-key-0123 -m post -t 40 -e '</1/0>,</3/0>' \
    "coaps://127.0.0.1:$dtls/rd?ep=ref&lt=300&lwm2m=1.1&b=U")
  echo "LWM2M over DTLS-PSK, median of 7: loopcheck ${ours} ms without the ${window} ms wait for a server read (handshake, ping, register, update, deregister)"
  echo "  vs coap-client-openssl one register POST ${theirs} ms: ratio $(awk "BEGIN {printf \"%.2f\", $ours / ($theirs > 0 ? $theirs : 1)}") (target ≤ 1.5)"
  local bootstrap bs_window
  read -r bootstrap bs_window < <(exchanges_ms 7 "$bin" --json check "$dir/bs.json")
  echo "bootstrap to registered (request, provisioning, register, update, deregister over CoAP), median of 7: ${bootstrap} ms without the ${bs_window} ms wait for a server read"
}

# One fleet run against the broker on $port: prints "ramp_ms steady_msgs_per_s peak_kib
# puback_p50_ms puback_p99_ms".
# Ramp: until every device was connected (the fleet's own clock). Steady state: the mean of
# the per-second rates once all were connected, skipping that first second.
fleet_run() {
  local bin=$1 devices=$2 ramp=$3 seconds=$4 out
  out=$(mktemp)
  /usr/bin/time -f 'PEAK %M' "$bin" --json simulate --project f --fleet "$devices" --model m \
    --ramp "$ramp" --rate 1 --duration "$seconds" >"$out.json" 2>"$out.err" || true
  local ramp_ms steady peak
  ramp_ms=$(grep -o '"allConnectedMs": *[0-9]*' "$out.json" | grep -o '[0-9]*$')
  peak=$(grep '^PEAK' "$out.err" | awk '{print $2}')
  steady=$(awk -v n="$devices" '$0 ~ ("connected " n " ") {seen++; if (seen > 1) {for (i = 1; i <= NF; i++) if ($(i+1) == "msg/s") {sum += $i; k++}}}
    END {printf "%.0f", (k ? sum / k : 0)}' "$out.err")
  local p50 p99
  p50=$(grep -o '"ackP50Ms": *[0-9.]*' "$out.json" | grep -o '[0-9.]*$' | awk '{printf "%.1f", $1}')
  p99=$(grep -o '"ackP99Ms": *[0-9.]*' "$out.json" | grep -o '[0-9.]*$' | awk '{printf "%.1f", $1}')
  echo "${ramp_ms:-none} ${steady} ${peak} ${p50:-none} ${p99:-none}"
  rm -f "$out" "$out.json" "$out.err"
}

fleet_bench() {
  cargo build --release -q -p loopcheck
  local bin=${CARGO_TARGET_DIR:-target}/release/loopcheck
  local dir pid port
  dir=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # 10,000 clients need 10,000 sockets in Mosquitto and in loopcheck: raise the file limit.
  ulimit -n "$(ulimit -Hn)"
  printf 'user root\nlog_dest none\nmax_connections -1\nlistener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$dir/m.conf"
  mosquitto -c "$dir/m.conf" & pid=$!
  trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' RETURN
  sleep 0.5
  export LOOPSTUDIO_DB=$dir/fleet.db LOOPSTUDIO_KEYRING=off
  printf '[{"mqttHostName":"127.0.0.1","mqttTcpPort":"%s","mqttUserName":"u","mqttPassword":"p","mqttClientId":"%%MQTT_CLIENT_ID%%","mqttReqTopicName":"f/req","mqttRespTopicName":"f/resp","mqttDataTopicName":"f/data","remoteNetwork":"7f"}]' \
    "$port" >"$dir/model.json"
  "$bin" project create f --var 'MQTT_CLIENT_ID=f-{device}' >/dev/null
  "$bin" model import "$dir/model.json" --project f --name m >/dev/null

  # Memory per device, against one mosquitto_pub process.
  local small big ref per
  small=$(peak_kib "$bin" simulate --project f --fleet 10 --model m --ramp 1000 --rate 2 --duration 5)
  big=$(peak_kib "$bin" simulate --project f --fleet 200 --model m --ramp 1000 --rate 2 --duration 5)
  ref=$(peak_kib mosquitto_pub -h 127.0.0.1 -p "$port" -t f/data -m x -q 1)
  per=$(awk "BEGIN {printf \"%.1f\", ($big - $small) / 190}")
  echo "fleet peak RSS: 10 devices ${small} KiB, 200 devices ${big} KiB → ${per} KiB per device"
  echo "  vs one mosquitto_pub process ${ref} KiB: ratio $(awk "BEGIN {printf \"%.3f\", $per / ($ref > 0 ? $ref : 1)}")"

  # 1,000 and 10,000 devices, one QoS 1 message a second each, started at 1,000 a second.
  local r1 r10
  r1=$(fleet_run "$bin" 1000 1000 12)
  r10=$(fleet_run "$bin" 10000 1000 25)
  read -r ramp1 steady1 peak1 p50_1 p99_1 <<<"$r1"
  read -r ramp10 steady10 peak10 p50_10 p99_10 <<<"$r10"
  echo "fleet of 1,000: all connected after ${ramp1} ms, steady ${steady1} msg/s, peak RSS $((peak1 / 1024)) MB, PUBACK p50 ${p50_1} ms p99 ${p99_1} ms (targets: ≤ 5000 ms, ≤ 100 MB)"
  echo "fleet of 10,000: all connected after ${ramp10} ms, steady ${steady10} msg/s, peak RSS $((peak10 / 1024)) MB, PUBACK p50 ${p50_10} ms p99 ${p99_10} ms"
  echo "  per connected, publishing device at 10,000: $(awk "BEGIN {printf \"%.1f\", ($peak10 - $small) / 9990}") KiB (target ≤ 16; emqtt-bench's low-memory mode: 8.3)"
  # 50,000 connections need 50,000 sockets in loopcheck and as many in Mosquitto; past one
  # source address's ephemeral ports the fleet spreads over 127.0.0.1-3 by itself.
  local hard
  hard=$(ulimit -Hn)
  if [ "$hard" = unlimited ] || [ "$hard" -ge 50100 ]; then
    local r50
    r50=$(fleet_run "$bin" 50000 5000 30)
    read -r ramp50 steady50 peak50 p50_50 p99_50 <<<"$r50"
    echo "fleet of 50,000: all connected after ${ramp50} ms, steady ${steady50} msg/s, PUBACK p50 ${p50_50} ms p99 ${p99_50} ms, peak RSS $((peak50 / 1024)) MB, $(awk "BEGIN {printf \"%.1f\", ($peak50 - $small) / 49990}") KiB per device"
  else
    echo "fleet of 50,000: not run — this machine's hard open-file limit is $hard (ulimit -Hn), and 50,000 connections need 50,000 sockets in loopcheck and as many in Mosquitto"
  fi
  # How fast connecting goes when the ramp does not hold it back.
  local fast
  fast=$(fleet_run "$bin" 1000 10000 6)
  echo "fleet of 1,000 at the fastest ramp (10,000 a second): all connected after $(echo "$fast" | cut -d' ' -f1) ms"
  echo "  scaling 10,000 vs 1,000: ramp ×$(awk "BEGIN {printf \"%.2f\", $ramp10 / ($ramp1 > 0 ? $ramp1 : 1)}"), RSS ×$(awk "BEGIN {printf \"%.2f\", $peak10 / $peak1}"), msg/s ×$(awk "BEGIN {printf \"%.2f\", $steady10 / ($steady1 > 0 ? $steady1 : 1)}") (target RSS ≤ 11, rate ≈ 10)"
}

# One run of a GUI program under its own Xvfb: first paint of COLOUR at X,Y and settled PSS, as
# one JSON line (scripts/bench_first_paint.py). A fresh XDG home each run: no cached state.
app_run() { # AT COLOUR PROGRAM...
  local at=$1 colour=$2; shift 2
  local home
  home=$(mktemp -d)
  XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config XDG_CACHE_HOME=$home/cache \
    GSETTINGS_BACKEND=memory xvfb-run -a -s "-screen 0 1600x1000x24" \
    python3 scripts/bench_first_paint.py --at "$at" --colour "$colour" -- "$@"
  rm -rf "$home"
}

app_bench() {
  local target
  target=$(realpath -m "${CARGO_TARGET_DIR:-target}")
  local floor_src=${LOOPSTUDIO_TAURI_FLOOR:-$PWD/../shared/bench/tauri-floor}
  [ -d "$floor_src" ] || { echo "no bare Tauri app at $floor_src (set LOOPSTUDIO_TAURI_FLOOR)" >&2; exit 1; }
  npm --prefix ui run build >/dev/null 2>&1
  cargo build --release -q -p loop-studio -p loopcheck
  # The floor is built from a copy: the shared reference stays as it is.
  local floor=${XDG_CACHE_HOME:-$HOME/.cache}/loop-studio/tauri-floor
  mkdir -p "$floor"
  (cd "$floor_src" && tar --exclude=node_modules --exclude=target --exclude=ui/dist -cf - .) | tar -xf - -C "$floor"
  # The same window size for both: the floor's stock 800×600 has 2.7 times fewer pixels to
  # paint and back with memory than our 1440×900, which would count the window against us.
  python3 - "$floor/tauri.conf.json" tauri.conf.json <<'PY'
import json, sys
floor, ours = (json.load(open(p)) for p in sys.argv[1:])
size = {k: ours["app"]["windows"][0][k] for k in ("width", "height")}
floor["app"]["windows"][0].update(size)
json.dump(floor, open(sys.argv[1], "w"), indent=2)
PY
  (cd "$floor" && npm ci --silent --no-audit --no-fund && npx vite build >/dev/null &&
    CARGO_TARGET_DIR=$target cargo build --release -q)
  local ours=$target/release/loop-studio theirs=$target/release/probe-app

  # A project of 1,000 devices: the sample (174) and 826 more first-generation meters.
  local dir db
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  db=$dir/bench.db
  LOOPSTUDIO_KEYRING=off "$target/release/loopcheck" --db "$db" project create-sample "Acme Meters" >/dev/null
  for n in $(seq 41 866); do
    LOOPSTUDIO_KEYRING=off "$target/release/loopcheck" --db "$db" device create \
      --project "Acme Meters" --model "Smart meter v1" "meter-v1-$n" >/dev/null
  done

  # Ours is painted when the open project's "New model" button (the accent) shows; the
  # floor when its page colour does.
  local results=$dir/runs
  for round in 1 2 3; do
    echo "floor $(app_run 400,300 20304a "$theirs")" | tee -a "$results"
    echo "ours $(LOOPSTUDIO_DB=$db LOOPSTUDIO_KEYRING=off app_run 276,88 5b41d6 "$ours")" | tee -a "$results"
    # For the record: ours with WebKit's compositing left on, as the floor has it.
    echo "ours-gl $(LOOPSTUDIO_WEBKIT_COMPOSITING=1 LOOPSTUDIO_DB=$db LOOPSTUDIO_KEYRING=off app_run 276,88 5b41d6 "$ours")" | tee -a "$results"
  done
  python3 - "$results" <<'PY'
import json, statistics, sys
runs = {"floor": [], "ours": [], "ours-gl": []}
for line in open(sys.argv[1]):
    who, doc = line.split(" ", 1)
    runs[who].append(json.loads(doc))
def median(who, key):
    values = [r[key] for r in runs[who] if r[key] is not None]
    return statistics.median(values) if values else float("nan")
paint = (median("ours", "firstPaintS"), median("floor", "firstPaintS"))
pss = (median("ours", "pssKiB") / 1024, median("floor", "pssKiB") / 1024)
print(f"first paint, median of 3: loop studio {paint[0]:.2f} s, bare Tauri {paint[1]:.2f} s, ratio {paint[0] / paint[1]:.2f} (target ≤ 1.2)")
print(f"settled PSS, median of 3: loop studio {pss[0]:.0f} MB, bare Tauri {pss[1]:.0f} MB, ratio {pss[0] / pss[1]:.2f} (target ≤ 1.15)")
label = {"ours": "loop studio", "floor": "bare Tauri", "ours-gl": "loop studio, compositing on"}
for who in ("ours", "floor", "ours-gl"):
    names = sorted({n for r in runs[who] for n in r.get("pssKiBByProcess", {})})
    parts = [f"{n} {statistics.median(r.get('pssKiBByProcess', {}).get(n, 0) for r in runs[who]) / 1024:.0f}" for n in names]
    print(f"  {label[who]} by process (MB): {', '.join(parts)}")
gl = (median("ours-gl", "firstPaintS"), median("ours-gl", "pssKiB") / 1024)
print(f"  loop studio with WebKit's compositing on, as the floor runs: first paint {gl[0]:.2f} s ({gl[0] / paint[1]:.2f}), PSS {gl[1]:.0f} MB ({gl[1] / pss[1]:.2f})")
PY
  local js entry css
  js=$(cat ui/dist/assets/*.js | wc -c)
  # What the first screen loads: the script index.html names (editors and charts come later).
  entry=$(grep -o 'assets/[^"]*\.js' ui/dist/index.html | head -1)
  css=$(cat ui/dist/assets/*.css 2>/dev/null | wc -c)
  echo "UI bundle: $((js / 1024)) KiB of JavaScript in all, $(($(wc -c <"ui/dist/$entry") / 1024)) KiB of it at start ($(gzip -c "ui/dist/$entry" | wc -c | awk '{printf "%d", $1 / 1024}') KiB gzipped), $((css / 1024)) KiB of CSS"
}

case "${1:-store}" in
  store) cargo run --release -q -p loopstudio-core --example store_bench ;;
  ports) ports_bench ;;
  mqtt) mqtt_bench ;;
  lwm2m) lwm2m_bench ;;
  fleet) fleet_bench ;;
  app) app_bench ;;
  *) echo "usage: scripts/bench.sh store|ports|mqtt|lwm2m|fleet|app" >&2; exit 2 ;;
esac
