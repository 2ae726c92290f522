#!/usr/bin/env bash
# Chromium for the @statecraft/browser-test end-to-end test (driven by playwright-core; no browser is ever
# downloaded by Playwright).
#
#   tools/ci/chromium.sh    make sure Debian's Chromium exists at $STATECRAFT_CHROMIUM (default /usr/bin/chromium):
#                           apt-get install chromium when it is missing (and we are root or have sudo). Never
#                           fails: without Chromium the browser test reports itself skipped and why.
set -uo pipefail

bin="${STATECRAFT_CHROMIUM:-/usr/bin/chromium}"

log() { echo "ci/chromium: $*" >&2; }

version() { "$bin" --version 2>/dev/null | head -n 1; }

install() {
  if [ -x "$bin" ]; then
    log "Chromium found at $bin ($(version || echo 'version unknown'))"
    return 0
  fi
  if [ "$bin" != /usr/bin/chromium ]; then
    log "STATECRAFT_CHROMIUM=$bin does not exist; not installing anything: the browser test will be skipped"
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      log "Chromium is missing and we can neither install packages (not root, no sudo): the browser test will be skipped"
      return 0
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "Chromium is missing and apt-get is not available: the browser test will be skipped"
    return 0
  fi
  log "installing Chromium from the Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed; trying the install anyway"
  if ! $sudo apt-get install -y -qq chromium >/dev/null; then
    log "apt-get install chromium failed: the browser test will be skipped"
    return 0
  fi
  if [ -x "$bin" ]; then
    log "Chromium installed at $bin ($(version || echo 'version unknown'))"
  else
    log "chromium installed but $bin was not found: the browser test will be skipped"
  fi
  return 0
}

install
exit 0
