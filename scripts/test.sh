#!/usr/bin/env bash
# README command 2: installs what is missing, then runs every test and check CI runs.
# Each stage prints a banner; the first failure stops the run with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# A target dir outside the clone survives between CI runs (each CI run is a fresh clone).
if [ -n "${CI:-}" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR="$HOME/.cache/loop-studio/target"
fi
target_dir=${CARGO_TARGET_DIR:-$repo/target}
export LOOPSTUDIO_KEYRING=off   # tests never touch the user's keyring
export CARGO_TERM_COLOR=never

stage() { printf '\n=== %s ===\n' "$*"; }

stage "setup"
scripts/setup.sh test

stage "rustfmt"
cargo fmt --all -- --check

stage "UI: type check, lint, unit tests"
npm --prefix ui run check
npm --prefix ui run lint
npm --prefix ui test
npm --prefix ui run build   # ui/dist must exist before any cargo build of the app

stage "loopcheck builds without Tauri, GTK or WebKit"
if cargo tree -p loopcheck --edges normal,build --prefix none | grep -Ei '^(tauri|wry|gtk|gdk|webkit|javascriptcore|soup)'; then
  echo "loopcheck depends on a desktop crate (listed above)"; exit 1
fi

stage "clippy"
cargo clippy --workspace --all-targets -- -D warnings

stage "Rust tests (nextest)"
# The app package has no Rust tests of its own (the e2e test covers it); leaving it out keeps
# nextest from building the GTK/WebKit tree a second time with different features.
cargo nextest run --workspace --exclude loop-studio --no-fail-fast

stage "TypeScript bindings are fresh"
# The nextest run above re-exported them (ts-rs); any difference means they were stale.
if [ -n "$(git status --porcelain -- ui/src/lib/bindings)" ]; then
  git status --porcelain -- ui/src/lib/bindings
  git --no-pager diff -- ui/src/lib/bindings | head -50
  echo "ui/src/lib/bindings is stale: run 'cargo test -p loopstudio-core' and commit the result"
  exit 1
fi

stage "fuzz: each target for 20 s (their committed corpus also replays in the Rust tests)"
# New inputs go to a scratch folder, so the committed corpus only changes on purpose
# (cargo fuzz cmin, then commit).
scratch=$(mktemp -d)
mkdir "$scratch/new-inputs"
targets=$(cd src-tauri/core && cargo fuzz list)
if [ -z "$targets" ]; then
  echo "cargo fuzz list found no fuzz target: the fuzz stage would test nothing"; exit 1
fi
for target in $targets; do
  log="$scratch/$target.log"
  if ! (cd src-tauri/core && RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" --target-dir "$target_dir/fuzz" \
      "$scratch/new-inputs" "fuzz/corpus/$target" -- -max_total_time=20) >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz target $target failed; the crashing input is in src-tauri/core/fuzz/artifacts/$target/"
    exit 1
  fi
  echo "$target: $(grep -E '^Done [0-9]+ runs' "$log" || echo 'no run count')"
done
rm -rf "$scratch"

stage "package: tauri build --debug (.deb)"
ui/node_modules/.bin/tauri build --debug --bundles deb --ci
deb=$(ls -t "$target_dir"/debug/bundle/deb/*.deb | head -n 1)
tests/package/check-deb.sh "$deb"

stage "end to end: the packaged app under Xvfb through WebDriver"
extract=$(mktemp -d)
trap 'rm -rf "$extract"' EXIT
dpkg-deb -x "$deb" "$extract"
LOOPSTUDIO_APP="$extract/usr/bin/loop-studio" \
  xvfb-run -a -s "-screen 0 1600x1000x24" npm --prefix tests/e2e test
echo "screenshots: $repo/target/e2e/"
