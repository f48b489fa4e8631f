"""The documents are contracts: the README and docs/ describe every HTTP
endpoint, every function and error type of the language; their examples
run; /docs is linked from the README and every page."""

from __future__ import annotations

import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from chainrule import trace_program
from chainrule.autodiff.ops import BINARY, CONSTANTS, FUNCTIONS
from chainrule.server.app import create_app
from chainrule.server.schemas.common import ErrorBody
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
HTTP = (ROOT / "docs" / "http.md").read_text()
LANGUAGE = (ROOT / "docs" / "language.md").read_text()
ERROR_TYPES = typing.get_args(ErrorBody.model_fields["type"].annotation)


def endpoints() -> list[str]:
    schema = create_app().openapi()
    return [f"{method.upper()} {path}" for path, ops in schema["paths"].items()
            for method in ops]


@pytest.mark.parametrize("document", ["README.md", "docs/http.md"])
def test_every_endpoint_in_openapi_is_documented(document):
    text = (ROOT / document).read_text()
    endpoints_found = endpoints()
    assert "GET /api/v1/gradients/deep" in endpoints_found
    assert [e for e in endpoints_found if f"`{e}`" not in text] == []


def test_readme_and_every_page_link_docs():
    assert "(http://127.0.0.1:8000/docs)" in README and "docs/http.md" in README
    client = TestClient(create_app())
    for page in ("/", "/train", "/compare"):
        html = client.get(page).text
        assert re.search(r'<footer[^>]*>.*href="/docs".*</footer>', html, re.S), page
    assert client.get("/docs").status_code == 200


def test_quickstart_makes_the_venv_and_says_how_to_get_it():
    quick = README[README.index("## Quickstart"):README.index("## The language")]
    first = re.search(r"```bash\n(.*?)```", quick, re.S).group(1).strip().splitlines()
    assert len(first) == 2
    assert first[0].startswith("python3 -m venv .venv && .venv/bin/python -m pip install")
    assert first[1] == ".venv/bin/chainrule serve"
    assert "apt install python3-venv" in quick and "bash scripts/test.sh" in quick


def test_readme_python_example_prints_what_its_comments_say(tmp_path):
    code = re.search(r"```python\n(import chainrule\n.*?)```", README, re.S).group(1)
    expected = [line.split("  # ", 1)[1] for line in code.splitlines()
                if line.lstrip().startswith("print(")]
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == expected


def test_language_md_names_every_function_operator_constant_and_error():
    prose = re.sub(r"```.*?```", "", LANGUAGE, flags=re.S)
    named = set(re.findall(r"`([^`]+)`", prose))
    words = {w for item in named for w in re.findall(r"[\w*@^+/-]+", item)}
    assert set(FUNCTIONS) - words == set()
    assert set(BINARY) - words == set()
    assert set(CONSTANTS) - words == set()
    assert set(ERROR_TYPES) - named == set()
    assert set(ERROR_TYPES) - set(re.findall(r"`([a-z_]+)`", HTTP)) == set()


@pytest.mark.parametrize("block", re.findall(r"```chainrule\n(.*?)```", LANGUAGE, re.S))
def test_language_md_examples_trace(block):
    trace = trace_program(block, check=True)
    assert all(c["ok"] for c in trace["check"].values())


def test_openapi_carries_the_package_version():
    import chainrule
    assert create_app().openapi()["info"]["version"] == chainrule.__version__
