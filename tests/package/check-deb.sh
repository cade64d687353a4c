#!/usr/bin/env bash
# Checks the .deb that `tauri build` made: its metadata, its files, and that apt can install
# it on this machine (a simulated install resolves every dependency without changing the
# system). The e2e stage then starts the app from the extracted package.
set -euo pipefail
deb=${1:?usage: check-deb.sh FILE.deb}
fail() { echo "check-deb: $*" >&2; exit 1; }

[ -s "$deb" ] || fail "$deb is missing or empty"
field() { dpkg-deb -f "$deb" "$1"; }

[ "$(field Package)" = "loop-studio" ] || fail "package name is '$(field Package)', not loop-studio"
field Depends | grep -q 'libwebkit2gtk-4.1-0' || fail "Depends lacks libwebkit2gtk-4.1-0: $(field Depends)"
contents=$(dpkg-deb -c "$deb")
# dpkg-deb lists paths with or without a leading ./ depending on how the archive was made.
for path in usr/bin/loop-studio usr/share/applications/ usr/share/icons/hicolor/; do
  grep -qE " (\./)?$path" <<<"$contents" || fail "the package lacks $path"
done
grep -q 'Loop Studio.desktop\|loop-studio.desktop' <<<"$contents" || fail "the package lacks a .desktop file"

apt-get install --simulate -qq "$(realpath "$deb")" >/dev/null \
  || fail "apt cannot install $deb here (see: apt-get install --simulate $deb)"

echo "check-deb: $(basename "$deb") ok — $(field Package) $(field Version), $(du -h "$deb" | cut -f1)"
