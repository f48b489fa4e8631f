"""docs/from_python.ipynb, executed as a user would (jupyter nbconvert
--execute, a real kernel), then its outputs checked against the maths."""

from __future__ import annotations

import html
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbconvert is in the test extra")
pytest.importorskip("nbconvert", reason="nbconvert is in the test extra")
pytest.importorskip("ipykernel", reason="ipykernel is in the test extra")

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "from_python.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> list[list]:
    out = tmp_path_factory.mktemp("nb") / "executed.ipynb"
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook",
                    "--execute", str(NOTEBOOK), "--output", str(out),
                    "--ExecutePreprocessor.timeout=300"], check=True, capture_output=True)
    nb = nbformat.read(out, as_version=4)
    return [c.outputs for c in nb.cells if c.cell_type == "code"]


def text(outputs) -> str:
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


def test_the_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.outputs for c in nb.cells if c.cell_type == "code")


def test_the_neuron_cell_prints_the_lectures_gradients(executed):
    out = text(executed[1])
    n = 2 * -3.0 + 6.8813735870195432
    local = 1 - math.tanh(n) ** 2
    assert f"o = {math.tanh(n):.4f}" in out
    for name, want in {"x1": local * -3.0, "x2": local * 1.0, "w1": local * 2.0,
                       "w2": local * 0.0, "b": local}.items():
        assert f"d o / d {name} = {want:.4f}" in out


def test_show_renders_the_step_through_inline(executed):
    shown = [o for o in executed[2] if o.output_type == "execute_result"]
    assert shown, "show() gave no display"
    frame = shown[0]["data"]["text/html"]
    assert frame.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in frame
    doc = html.unescape(re.search(r'srcdoc="([^"]*)"', frame)[1])
    assert "chainrule.trace/1" in doc and "x1*w1 + x2*w2 + b" in doc


def test_the_trace_cell_checks_pass(executed):
    lines = text(executed[3]).strip().splitlines()
    assert lines[-1] == "True"  # every gradient agrees with central differences


def test_training_lowers_the_loss(executed):
    out = text(executed[5])
    losses = [float(x) for x in re.findall(r"loss (\d+\.\d+)", out)]
    assert len(losses) >= 3 and losses[-1] < losses[0] / 10


def test_one_samples_graph_is_shown(executed):
    whole, one = map(int, re.search(r"whole loss: (\d+) nodes; sample 1 alone: (\d+) nodes",
                                    text(executed[6])).groups())
    assert 0 < one < whole / 3  # one of the four samples' terms, with the shared weights
    result = [o for o in executed[6] if o.output_type == "execute_result"]
    assert result and "<iframe srcdoc=" in result[0]["data"]["text/html"]
