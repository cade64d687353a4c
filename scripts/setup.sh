#!/usr/bin/env bash
# Installs what Loop Studio needs on Debian 12, idempotently: skips whatever is already there.
#   scripts/setup.sh app    what building and running the app needs
#   scripts/setup.sh test   that, plus what the tests need (Xvfb, WebDriver, test peers)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-test}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Debian packages -----------------------------------------------------------------------
apt_app=(build-essential pkg-config curl file libssl-dev libwebkit2gtk-4.1-dev librsvg2-dev
         libayatana-appindicator3-dev libxdo-dev nodejs npm)
# Test peers: Mosquitto, nginx, libcoap, nmap (the port-state reference), openssl for test
# certificates, iproute2 + iptables for the filtered-port and proxy namespaces, tinyproxy
# (the proxy tests), faketime for the
# wrong-clock checks, gnome-keyring + D-Bus; xdotool answers the app's native Save dialog
# in the end-to-end tests;
# autoconf/automake/libtool build aiocoap's DTLS module (tinydtls) from source.
apt_test=(xvfb xauth webkit2gtk-driver gnome-keyring dbus-daemon dbus-bin mosquitto
          mosquitto-clients nginx-light libcoap3-bin nmap openssl iproute2 iptables faketime tinyproxy-bin
          xdotool autoconf automake libtool)
wanted=("${apt_app[@]}")
[ "$profile" = test ] && wanted+=("${apt_test[@]}")

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js and npm may come from outside Debian (as on the CI machine): a working `npm` is enough.
if command -v npm >/dev/null 2>&1; then
  filtered=()
  for pkg in "${missing[@]}"; do [[ "$pkg" == nodejs || "$pkg" == npm ]] || filtered+=("$pkg"); done
  missing=("${filtered[@]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Rust tools ----------------------------------------------------------------------------
command -v cargo >/dev/null || { echo "setup: Rust is needed (https://rustup.rs)"; exit 1; }
if [ "$profile" = test ]; then
  command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
  command -v tauri-driver >/dev/null || [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ] \
    || cargo install tauri-driver --locked --version '^2'
fi

# npm packages: reinstalled only when a lockfile changed -------------------------------
npm_install() {
  local dir=$1 stamp="$1/node_modules/.loopstudio-lock"
  local sum
  sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    echo "setup: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" >"$stamp"
  fi
}
npm_install ui
if [ "$profile" = test ]; then
  npm_install tests/e2e
  npm_install tests/peers
fi

# Python test peers in venvs outside the repository, each rebuilt when its requirements
# change; the tests find them at the same paths (or where the variables say). Three venvs,
# because their pins clash: aiocoap and goosebit; mitmproxy (cryptography below 45, which
# goosebit's joserfc cannot use); amqtt.
python_peers() { # VENV REQUIREMENTS-FILE WHAT
  local venv=$1 requirements=$2 sum
  sum=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ "$(cat "$venv/.loopstudio-lock" 2>/dev/null)" != "$sum" ]; then
    echo "setup: $3 into $venv"
    python3 -m venv --help >/dev/null 2>&1 || $SUDO apt-get install -y -qq --no-install-recommends python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    echo "$sum" >"$venv/.loopstudio-lock"
  fi
}
if [ "$profile" = test ]; then
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/loop-studio
  python_peers "${LOOPSTUDIO_PEERS_VENV:-$cache/peers-venv}" tests/peers/requirements.txt "Python test peers"
  python_peers "${LOOPSTUDIO_MITM_VENV:-$cache/mitm-venv}" tests/peers/requirements-mitm.txt mitmproxy
  python_peers "${LOOPSTUDIO_AMQTT_VENV:-$cache/amqtt-venv}" tests/peers/requirements-amqtt.txt amqtt
fi
exit 0
