#!/usr/bin/env bash
# Debian's Chromium and CJK fonts for the reviewer console's browser tests (test/e2e/console.test.ts), installed
# with apt-get when missing. playwright-core drives /usr/bin/chromium; Playwright's own browser download is never
# used. Without apt-get (or root), this says what to install and leaves it: that test skips without Chromium.
set -euo pipefail

wanted=()
[ -x /usr/bin/chromium ] || wanted+=(chromium)
if command -v dpkg-query >/dev/null 2>&1; then
  dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed' || wanted+=(fonts-noto-cjk)
fi
if [ ${#wanted[@]} -eq 0 ]; then echo "setup: chromium and fonts-noto-cjk present"; exit 0; fi

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo -n)
if ! command -v apt-get >/dev/null 2>&1 || { [ ${#SUDO[@]} -gt 0 ] && ! sudo -n true 2>/dev/null; }; then
  echo "setup: ${wanted[*]} missing; install them (Debian: apt-get install ${wanted[*]}) for the console's browser tests, which skip without /usr/bin/chromium" >&2
  exit 0
fi
echo "setup: installing ${wanted[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq "${wanted[@]}" >/dev/null
echo "setup: installed ${wanted[*]} ($(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: no version'))"
