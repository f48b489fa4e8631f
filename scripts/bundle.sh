#!/usr/bin/env bash
# Builds static/bundle/standalone.js, the standalone step-through, from the same
# ES modules the served page loads (entry: static/js/standalone.js), with the
# esbuild pinned in scripts/package-lock.json. Also records the SHA-256 of every
# source file esbuild read (static/bundle/standalone.sources.json), so a test can
# tell a stale bundle without node. Run after changing any module under static/js.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x scripts/node_modules/.bin/esbuild ]; then
  npm ci --prefix scripts --no-audit --no-fund
fi
scripts/node_modules/.bin/esbuild static/js/standalone.js --bundle --format=iife \
  --minify --target=es2020 --charset=utf8 --legal-comments=none \
  --metafile=static/bundle/standalone.meta.json --log-level=warning \
  --outfile=static/bundle/standalone.js
python3 scripts/bundle_sources.py
rm static/bundle/standalone.meta.json
