"""chainrule installed as a user installs it: a built wheel, `pip install
<directory>` and `pip install -e <directory>`, each in a fresh virtual
environment, then a real `chainrule serve` from that environment and
`import chainrule` outside the repository.

Offline: the wheel is built without build isolation (setuptools comes with
the `test` extra) and the fresh environment sees this interpreter's
site-packages through a .pth file, so pip finds every dependency installed
and never asks an index. The fresh site-packages itself starts empty, so
whatever lands there is the install's doing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import typing
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.server.live import free_port

ROOT = Path(__file__).resolve().parent.parent
# Folders of the repository and where their files land in the installed package.
MAPPED = {"engine": "chainrule", "server": "chainrule/server", "static": "chainrule/static",
          "templates": "chainrule/templates"}
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                              ".pytest_cache", ".ruff_cache", ".hypothesis", "artifacts")


def run(*args, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300,
                          **kw)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of the tree: building in place would leave build/ behind."""
    return Path(shutil.copytree(ROOT, tmp_path_factory.mktemp("src") / "chainrule", ignore=SKIP))


@pytest.fixture(scope="module")
def wheel(source, tmp_path_factory) -> Path:
    """Built as `python -m build` builds it: an sdist, then the wheel from
    the unpacked sdist (so the sdist must carry the pages and static files)."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-c", f"from setuptools import build_meta; "
                              f"build_meta.build_sdist({str(out)!r})", cwd=source)
    (sdist,) = out.glob("chainrule-*.tar.gz")
    with tarfile.open(sdist) as archive:
        # our own sdist; the "data" filter exists from Python 3.11.4 on
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(out, **safe)
    unpacked = out / sdist.name.removesuffix(".tar.gz")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--disable-pip-version-check", "-w", out, unpacked)
    (built,) = out.glob("chainrule-*.whl")
    return built


def fresh_venv(where: Path) -> tuple[Path, Path]:
    """A new venv (its own empty site-packages) that also sees ours, for the
    dependencies: (its python, its site-packages)."""
    run(sys.executable, "-m", "venv", "--without-pip", where)
    python = where / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .stdout.strip())
    ours = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    # Paths in a .pth are plain sys.path entries: their own .pth files (our
    # editable chainrule's finder among them) are not run.
    (site / "_dependencies.pth").write_text("\n".join(ours) + "\n")
    return python, site


class Installed(typing.NamedTuple):
    how: str
    python: Path
    site: Path  # the venv's site-packages
    home: Path  # where `import chainrule` should come from


@pytest.fixture(scope="module", params=["wheel", "directory", "editable"])
def installed(request, source, tmp_path_factory) -> Installed:
    how = request.param
    python, site = fresh_venv(tmp_path_factory.mktemp(f"venv-{how}"))
    target = {"wheel": [request.getfixturevalue("wheel")], "directory": [source],
              "editable": ["-e", source]}[how]
    extra = [] if how == "wheel" else ["--no-build-isolation"]
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-index",
        "--disable-pip-version-check", *extra, *target)
    return Installed(how, python, site, source / "engine" if how == "editable" else site)


def test_wheel_holds_every_module_page_and_static_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, package in MAPPED.items():
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                assert f"{package}/{path.relative_to(ROOT / folder).as_posix()}" in names
    assert {n.split("/")[0] for n in names} == {"chainrule", wheel.name.split("-py")[0]
                                                + ".dist-info"}


def test_only_chainrule_lands_in_site_packages(installed):
    landed = {p.name for p in installed.site.iterdir()} - {"_dependencies.pth", "__pycache__"}
    assert not {"engine", "server", "static", "templates"} & landed
    if installed.how == "editable":  # a finder that maps chainrule to the tree
        assert {n for n in landed if not n.startswith(("chainrule", "__editable__"))} == set()
    else:
        assert "chainrule" in landed
        assert {n for n in landed if not n.startswith("chainrule")} == set()


def test_import_chainrule_traces_outside_the_repository(installed, tmp_path):
    code = ("import json, chainrule\n"
            "t = chainrule.trace_program('x = 3.0\\nloss = x**2', {'x': 5.0}, check=True)\n"
            "try:\n    chainrule.trace_program('loss = (x')\n"
            "except chainrule.ProgramError as err:\n    bad = [err.line, err.col]\n"
            "print(json.dumps({'file': chainrule.__file__, 'grad': t['gradients']['x'],\n"
            "  'ok': t['check']['x']['ok'], 'bad': bad,\n"
            "  'app': type(chainrule.create_app()).__name__}))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = json.loads(run(installed.python, "-c", code, cwd=tmp_path, env=env).stdout)
    assert Path(out["file"]).is_relative_to(installed.home)
    assert out["grad"] == 2 * 5.0 and out["ok"] is True
    assert out["bad"] == [1, 8]
    assert out["app"] == "FastAPI"


def test_chainrule_serve_from_the_venv_serves_pages_static_files_and_docs(installed, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    server = subprocess.Popen([installed.python.parent / "chainrule", "serve", "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server)
        page = httpx.get(url + "/")
        assert page.status_code == 200 and 'href="/docs"' in page.text
        script = httpx.get(url + "/static/js/main.js")
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"] and "import" in script.text
        examples = httpx.get(url + "/api/v1/examples")
        assert examples.status_code == 200 and len(examples.json()) > 3
        docs = httpx.get(url + "/docs")
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        for asset in _local_assets(docs.text):
            assert httpx.get(url + asset).status_code == 200, asset
        for path in ("/train", "/compare", "/openapi.json"):
            assert httpx.get(url + path).status_code == 200, path
    finally:
        server.terminate()
        server.wait(10)


def _local_assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(?:https?://[^/"]+)?(/static/[^"]+)"', html)


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise AssertionError("chainrule serve did not start:\n" + server.stdout.read().decode())
        time.sleep(0.1)
