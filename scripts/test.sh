#!/usr/bin/env bash
# The test command: lint, engine, server and real-browser tests. Works on a
# fresh Debian/Ubuntu machine (as root, or with sudo for apt) and from an
# active virtual environment:
# - Chromium comes from apt unless `chromium` is on PATH or CHROMIUM_PATH
#   points at one;
# - inside a virtual environment, that environment is used; otherwise the
#   script makes (and then reuses) .venv in the repository, installing
#   python3-venv through apt where Debian leaves it out;
# - chainrule is installed there, editable, with the `test` extra;
# - where npm is, the pinned esbuild goes into scripts/node_modules.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi

if python3 -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; then
  python=python3  # an active virtual environment
else
  if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv; then
      rm -rf .venv  # Debian's python3 without ensurepip leaves a venv without pip
      apt_install python3-venv
      python3 -m venv .venv
    fi
  fi
  python=.venv/bin/python
fi

# The pinned esbuild (scripts/package-lock.json) lets tests/test_bundle.py
# rebuild the checked-in bundle and compare; without npm that test is skipped
# and the recorded source hashes still catch a stale bundle.
if command -v npm >/dev/null 2>&1 && [ ! -x scripts/node_modules/.bin/esbuild ]; then
  npm ci --prefix scripts --no-audit --no-fund --loglevel=error \
    || echo "scripts/test.sh: npm ci failed; the bundle's rebuild test will be skipped" >&2
fi

"$python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
"$python" -m ruff check .
"$python" -m pytest -p no:cacheprovider "$@"
