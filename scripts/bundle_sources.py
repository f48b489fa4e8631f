"""Record the bundle's sources and their SHA-256 (static/bundle/standalone.sources.json).

scripts/bundle.sh runs this after esbuild; tests/test_bundle.py compares
the recorded hashes with the files (and, where esbuild is installed, rebuilds)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "static" / "bundle"


def main() -> None:
    meta = json.loads((DIST / "standalone.meta.json").read_text())
    sources = sorted(meta["inputs"])
    record = {
        "esbuild": json.loads((ROOT / "scripts" / "package.json").read_text())
        ["devDependencies"]["esbuild"],
        "sources": {p: hashlib.sha256((ROOT / p).read_bytes()).hexdigest() for p in sources},
        "bundle": hashlib.sha256((DIST / "standalone.js").read_bytes()).hexdigest(),
    }
    (DIST / "standalone.sources.json").write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()
