#!/usr/bin/env bash
# Installs the headless browser the report page's test drives: Debian's `chromium` package (the
# browser builds Playwright and Puppeteer download themselves are not reachable from here).
# Does nothing when it is already there. Needs root (CI runs as root); otherwise it says what to run.
set -euo pipefail

BROWSER="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$BROWSER" ]; then
	echo "[browser] $BROWSER is installed"
	exit 0
fi
if [ "$(id -u)" != "0" ]; then
	echo "[browser] $BROWSER is missing; install it as root: apt-get update && apt-get install -y chromium" >&2
	exit 0
fi
echo "[browser] installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }; then
	echo "[browser] could not install chromium (no package source reachable?): the report page's browser test will say so and skip" >&2
	exit 0
fi
echo "[browser] $("$BROWSER" --version 2>/dev/null || echo installed)"
