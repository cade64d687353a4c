#!/usr/bin/env bash
# README command 1: install what is missing, build the UI and the app, open the window.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
npm --prefix ui run build
exec cargo run -p loop-studio "$@"
