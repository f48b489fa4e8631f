#!/usr/bin/env bash
# Install everything the tests need (Debian's Chromium included) and run the
# whole suite: lint, engine, server and real-browser tests. Extra arguments go
# to pytest. CHROMIUM_PATH points the browser tests at another Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
python3 -m ruff check .
python3 -m pytest -p no:cacheprovider "$@"
