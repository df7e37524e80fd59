#!/usr/bin/env bash
# Makes sure a Chromium for the browser tests (driven by playwright-core) is at /usr/bin/chromium.
# Installs it from Debian/Ubuntu apt when we are root; otherwise says exactly what to install.
set -euo pipefail
chromium=/usr/bin/chromium

if [ -x "$chromium" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing it with apt-get (Debian package 'chromium')..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium
else
  echo "Chromium is missing at $chromium and this script cannot install it (needs root and apt-get)." >&2
  echo "Install it, then run the tests again:" >&2
  echo "  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium" >&2
  echo "  (the browser tests look for $chromium)" >&2
fi

if [ ! -x "$chromium" ]; then
  echo "Chromium is still missing at $chromium." >&2
  exit 1
fi
"$chromium" --version >&2 || true
