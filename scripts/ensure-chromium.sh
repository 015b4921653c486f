#!/usr/bin/env bash
# The Swagger UI test drives Debian's Chromium. Install it when it is missing, so the test
# command works on a fresh machine; without root or apt, say what to do instead.
set -euo pipefail
bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$bin" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Chromium for the browser test (apt-get install chromium)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is missing at $bin: install Debian's 'chromium' package (or set CHROMIUM_PATH)." >&2
  exit 1
fi
