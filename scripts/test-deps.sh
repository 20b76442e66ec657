#!/usr/bin/env bash
# what `npm test` needs besides npm packages: Debian's chromium (browser tests), ripgrep (VS Code's
# workspace search) and libkrb5-dev, then the test VS Code. quick when all is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
missing=()
for p in chromium ripgrep libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
fi
node scripts/install-vscode.mjs
