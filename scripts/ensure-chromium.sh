#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with Playwright (no browser download). Install the
# package when it is missing and we may (root with apt-get); otherwise say how, and fail.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
  exit 0
fi
echo "The browser tests need Chromium: install it with 'sudo apt-get install chromium'." >&2
exit 1
