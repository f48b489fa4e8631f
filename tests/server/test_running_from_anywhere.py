"""`chainrule serve` started from the folder that holds the clone (a folder
named chainrule/ in the working directory): the worker processes must import
the installed package, not that folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .live import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("chainrule")


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_chainrule_folder_in_the_working_directory_does_not_shadow_the_package(
        tmp_path, workers):
    clone = tmp_path / "chainrule"  # as `git clone ... chainrule` leaves it
    for part in ("engine", "server"):
        shutil.copytree(ROOT / part, clone / part,
                        ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    proc = subprocess.Popen([str(SCRIPT), "serve", "--port", str(port), "--workers", workers],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        body = {"program": "x = [1.0, 2.0]\nloss = sum(x*x)", "check": True}
        r = httpx.post(url + "/api/v1/graphs", json=body, timeout=60)
        assert r.status_code == 200, r.text
        assert r.json()["check"]["x"]["ok"] is True
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err, err.decode()[-2000:]
