"""The checked-in bundle (static/bundle/standalone.js) is built from the modules
as they are now. Two checks: the SHA-256 of every source esbuild read, as
recorded by scripts/bundle.sh (no node needed), and, where the pinned esbuild
is installed (scripts/test.sh runs `npm ci` in scripts/ when npm is there), a
rebuild that must equal the checked-in bundle byte for byte."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "static" / "bundle"
RECORD = json.loads((DIST / "standalone.sources.json").read_text())
ESBUILD = ROOT / "scripts" / "node_modules" / ".bin" / "esbuild"
REBUILD = "rebuild it: bash scripts/bundle.sh"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stale(record: dict, root: Path) -> list[str]:
    """The recorded sources whose files changed or went, and the bundle if it changed."""
    changed = [p for p, digest in record["sources"].items()
               if not (root / p).is_file() or sha256(root / p) != digest]
    if sha256(root / "static" / "bundle" / "standalone.js") != record["bundle"]:
        changed.append("static/bundle/standalone.js")
    return changed


def test_no_source_of_the_bundle_changed_since_it_was_built():
    assert stale(RECORD, ROOT) == [], REBUILD


def test_every_module_the_entry_imports_is_recorded():
    """A module the recorded sources import, but which is not recorded, means
    an import was added after the build (the importing file's hash also changes)."""
    recorded = set(RECORD["sources"])
    assert "static/js/standalone.js" in recorded and "static/js/views/graph.js" in recorded
    for p in recorded:
        text = (ROOT / p).read_text()
        for spec in re.findall(r'^import [^;]*? from "(\.[^"]+)"', text, re.M):
            dep = (ROOT / p).parent.joinpath(spec).resolve().relative_to(ROOT).as_posix()
            assert dep in recorded, f"{p} imports {dep}, not in the bundle's record: {REBUILD}"


def test_the_staleness_check_sees_an_edited_module(tmp_path):
    for p in [*RECORD["sources"], "static/bundle/standalone.js"]:
        (tmp_path / p).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / p, tmp_path / p)
    record = {"sources": {p: sha256(tmp_path / p) for p in RECORD["sources"]},
              "bundle": sha256(tmp_path / "static/bundle/standalone.js")}
    assert stale(record, tmp_path) == []
    with (tmp_path / "static/js/views/ledger.js").open("a") as f:
        f.write("\n// edited\n")
    (tmp_path / "static/js/paths.js").unlink()
    assert stale(record, tmp_path) == ["static/js/paths.js", "static/js/views/ledger.js"]


def test_the_pinned_esbuild_rebuilds_the_checked_in_bundle(tmp_path):
    if not ESBUILD.exists():
        pytest.skip("esbuild is not installed (npm ci --prefix scripts)")
    pinned = json.loads((ROOT / "scripts" / "package.json").read_text())["devDependencies"]
    version = subprocess.run([str(ESBUILD), "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert version == pinned["esbuild"] == RECORD["esbuild"]
    script = (ROOT / "scripts" / "bundle.sh").read_text()
    flags = script.split("esbuild static/js/standalone.js", 1)[1].split("--outfile", 1)[0]
    flags = [f for f in flags.replace("\\\n", " ").split() if not f.startswith("--metafile")]
    out = tmp_path / "standalone.js"
    subprocess.run([str(ESBUILD), "static/js/standalone.js", *flags, f"--outfile={out}"],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    assert out.read_bytes() == (DIST / "standalone.js").read_bytes(), REBUILD
