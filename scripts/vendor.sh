#!/usr/bin/env bash
# Refresh the front-end's vendored libraries from the npm registry.
# The page loads them from /static/vendor: no CDN, works with the network unplugged.
#   scripts/vendor.sh                 # pinned versions below
#   D3_VERSION=7.9.2 DAGRE_VERSION=3.1.3 scripts/vendor.sh
set -euo pipefail

D3_VERSION="${D3_VERSION:-7.9.2}"
DAGRE_VERSION="${DAGRE_VERSION:-3.1.3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fetch() {  # fetch NPM_NAME VERSION DEST_DIR FILE_IN_DIST
  local name="$1" version="$2" dest="$3" file="$4"
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
  local tgz
  tgz="$(ls "$tmp"/*.tgz)"
  mkdir -p "$tmp/x" "$dest"
  tar xzf "$tgz" -C "$tmp/x"
  cp "$tmp/x/package/dist/$file" "$dest/$file"
  cp "$tmp/x/package/LICENSE" "$dest/LICENSE"
  printf '%s %s\n' "$name" "$version" > "$dest/VERSION"
  (cd "$dest" && sha256sum "$file" >> VERSION)
  rm -rf "$tmp/x" "$tgz"
}

fetch d3 "$D3_VERSION" "$vendor/d3" d3.min.js
fetch @dagrejs/dagre "$DAGRE_VERSION" "$vendor/dagre" dagre.min.js
echo "vendored d3 $D3_VERSION and @dagrejs/dagre $DAGRE_VERSION into $vendor"

# KaTeX renders the symbolic derivative on /compare: script, stylesheet and its fonts.
KATEX_VERSION="${KATEX_VERSION:-0.19.1}"
(cd "$tmp" && npm pack --silent "katex@$KATEX_VERSION" >/dev/null)
mkdir -p "$tmp/k" "$vendor/katex/fonts"
tar xzf "$tmp/katex-$KATEX_VERSION.tgz" -C "$tmp/k"
cp "$tmp/k/package/dist/katex.min.js" "$tmp/k/package/dist/katex.min.css" "$vendor/katex/"
cp "$tmp/k/package/dist/fonts/"* "$vendor/katex/fonts/"
cp "$tmp/k/package/LICENSE" "$vendor/katex/LICENSE"
printf 'katex %s\n' "$KATEX_VERSION" > "$vendor/katex/VERSION"
(cd "$vendor/katex" && sha256sum katex.min.js katex.min.css >> VERSION)
echo "vendored katex $KATEX_VERSION into $vendor/katex"

# Swagger UI for /docs (FastAPI's own page loads it from a CDN).
SWAGGER_VERSION="${SWAGGER_VERSION:-5.35.0}"
(cd "$tmp" && npm pack --silent "swagger-ui-dist@$SWAGGER_VERSION" >/dev/null)
mkdir -p "$tmp/s" "$vendor/swagger-ui"
tar xzf "$tmp/swagger-ui-dist-$SWAGGER_VERSION.tgz" -C "$tmp/s"
cp "$tmp/s/package/swagger-ui-bundle.js" "$tmp/s/package/swagger-ui.css" \
   "$tmp/s/package/LICENSE" "$tmp/s/package/NOTICE" "$vendor/swagger-ui/"
printf 'swagger-ui-dist %s\n' "$SWAGGER_VERSION" > "$vendor/swagger-ui/VERSION"
(cd "$vendor/swagger-ui" && sha256sum swagger-ui-bundle.js swagger-ui.css >> VERSION)
echo "vendored swagger-ui-dist $SWAGGER_VERSION into $vendor/swagger-ui"
