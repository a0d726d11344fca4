#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests, unless it is already there.
# Playwright drives /usr/bin/chromium; it never downloads a browser of its own.
# As root: apt-get. Otherwise: sudo apt-get when sudo is available. Otherwise: print
# the exact command an administrator has to run, and exit 1.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
PACKAGES="chromium fonts-dejavu-core"
COMMAND="apt-get update && apt-get install -y --no-install-recommends $PACKAGES"

explain() {  # why we cannot install it ourselves; what to run instead
  cat >&2 <<EOF

Chromium is needed by the browser tests (tests/test_browser.py) and is not installed.
$1
Run this as root (or ask an administrator to), then run \`make test\` again:

    $COMMAND

EOF
  exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
  echo >&2 "Chromium: this is not a Debian/Ubuntu system (no apt-get): install Chromium with"
  echo >&2 "your package manager so that 'chromium' is on PATH, then run 'make test' again."
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif ! command -v sudo >/dev/null 2>&1; then
  explain "Installing it needs root; you are '$(id -un)', and sudo is not installed."
elif sudo -n true 2>/dev/null || [ -t 0 ]; then
  SUDO=(sudo)   # passwordless, or it can ask for the password on this terminal
else
  explain "Installing it needs root; you are '$(id -un)', and sudo needs a password but there is no terminal to ask on."
fi
echo "Installing Debian's Chromium for the browser tests: ${SUDO[*]:+${SUDO[*]} }apt-get install $PACKAGES"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq || explain "'${SUDO[*]:+${SUDO[*]} }apt-get update' failed (see above)."
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null \
  || explain "'${SUDO[*]:+${SUDO[*]} }apt-get install' failed (see above)."
chromium --version
