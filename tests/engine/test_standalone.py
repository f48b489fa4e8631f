"""The standalone step-through document and chainrule.show: what the file holds,
its CSP, and that user text never becomes markup."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import chainrule
import pytest
from chainrule import show, standalone_html, trace_program
from chainrule.explain.standalone import json_for_script, needs_katex
from chainrule.language.examples import example

SEED = example("regression").program
HOSTILE = 'w = 2.0\n# </script><script>alert(1)</script> <!-- & "\' \u2028\nloss = w*w'


class Parts(HTMLParser):
    """The document's elements: inline scripts and styles with their text,
    every attribute that could load something, the CSP meta."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.loads, self.csp = [], [], [], None
        self._open = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a["content"]
        for name in ("src", "href", "srcset", "action", "data"):
            if name in a and not (a[name] or "").startswith(("#", "data:")):
                self.loads.append((tag, name, a[name]))
        if tag in ("script", "style"):
            self._open = (tag, a.get("type"), [])

    def handle_data(self, data):
        if self._open:
            self._open[2].append(data)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            kind, typ, text = self._open
            (self.scripts if kind == "script" else self.styles).append((typ, "".join(text)))
            self._open = None


def parts(doc: str) -> Parts:
    p = Parts()
    p.feed(doc)
    return p


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def embedded(doc: str) -> dict:
    (data,) = [t for typ, t in parts(doc).scripts if typ == "application/json"]
    return json.loads(data)


def test_the_csp_allows_exactly_the_inline_scripts_and_styles_and_no_network():
    doc = standalone_html(trace_program(SEED, check=True), program=SEED)
    p = parts(doc)
    directives = dict(d.strip().split(" ", 1) for d in p.csp.split(";"))
    assert directives["default-src"] == "'none'"
    code = [t for typ, t in p.scripts if typ is None]
    assert len(code) >= 3  # d3, dagre, the bundle (and KaTeX when typesetting)
    assert sorted(directives["script-src"].split()) == sorted(sha(t) for t in code)
    assert sorted(directives["style-src"].split()) == sorted(sha(t) for _, t in p.styles)
    assert "unsafe" not in p.csp and "http" not in p.csp and "connect-src" not in directives
    assert p.loads == []  # nothing is fetched: no src, no stylesheet link


def test_the_embedded_trace_is_the_trace_with_program_values_step_and_version():
    values = {"w": 1.5}
    trace = trace_program(SEED, values, check=True)
    data = embedded(standalone_html(trace, program=SEED, values=values, step=4, source="s.cr"))
    assert data["trace"] == json.loads(json.dumps(trace))
    assert (data["program"], data["values"], data["step"], data["source"]) == (SEED, values, 4,
                                                                                "s.cr")
    assert data["version"] == chainrule.__version__


def test_program_text_cannot_end_the_data_block_or_become_markup():
    doc = standalone_html(trace_program(HOSTILE), program=HOSTILE)
    assert "</script><script>alert" not in doc and "<!-- &" not in doc
    assert embedded(doc)["program"] == HOSTILE
    assert sum(typ is None for typ, _ in parts(doc).scripts) == 3  # no script was added


@pytest.mark.parametrize("text", ["</script>", "<!--", "a & b", "\u2028", '"quoted"'])
def test_json_for_script_escapes_what_html_would_read(text):
    out = json_for_script({"s": text})
    assert not re.search("[<>&\u2028\u2029]", out)
    assert json.loads(out) == {"s": text}


def test_katex_and_its_fonts_come_only_with_a_formula_to_typeset():
    plain = trace_program(SEED)  # no check: no symbolic derivative
    assert not needs_katex(plain)
    doc = standalone_html(plain, program=SEED)
    assert "KaTeX_" not in doc and "font-src" not in doc  # neither its script nor its CSS
    checked = trace_program(SEED, check=True)
    if not needs_katex(checked):
        pytest.skip("sympy (the symbolic extra) is not installed: no formula to typeset")
    doc = standalone_html(checked, program=SEED)
    fonts = re.findall(r"url\(data:font/woff2;base64,", doc)
    assert len(fonts) == 3 and "url(fonts/" not in doc and "font-src data:" in doc


def test_step_must_be_a_whole_number():
    with pytest.raises(TypeError):
        standalone_html(trace_program(SEED), step=2.5)


def test_show_repr_is_an_escaped_sandboxed_srcdoc_of_the_standalone_file(tmp_path):
    shown = show(HOSTILE, values={"w": 3.0}, step=2)
    frame = shown._repr_html_()
    m = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" [^<>]*></iframe>', frame)
    assert m, frame[:200]
    inner = html.unescape(m[1])
    assert inner == shown.html()
    assert embedded(inner)["values"] == {"w": 3.0} and embedded(inner)["step"] == 2
    saved = shown.save(tmp_path / "s.html")
    assert saved.read_text(encoding="utf-8") == inner


def test_show_takes_a_trace_from_trace_program():
    trace = trace_program(SEED, check=True)
    data = embedded(show(trace)._repr_html_().split('"')[1].replace("&quot;", '"')
                    .replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&amp;", "&"))
    assert data["trace"]["gradients"] == trace["gradients"] and data["program"] is None
    with pytest.raises(ValueError):
        show(trace, values={"w": 1.0})
    with pytest.raises(TypeError):
        show(42)


def test_the_readme_notebook_example_runs_and_saves_the_file(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## One file, and notebooks"):]
    code = re.search(r"```python\n(.*?)```", section, re.S)[1]
    assert len(code.strip().splitlines()) == 3
    monkeypatch.chdir(tmp_path)
    lines = code.strip().splitlines()
    scope: dict = {}
    exec(lines[0], scope)
    shown = eval(lines[1], scope)  # what a notebook cell displays
    assert shown._repr_html_().startswith("<iframe srcdoc=") and shown.step == 0
    exec(lines[2], scope)
    data = embedded((tmp_path / "x2.html").read_text(encoding="utf-8"))
    assert data["trace"]["gradients"] == {"x": 6.0}


def test_the_file_has_every_element_of_the_pages_step_through():
    """The served page and the file share templates/_step_through.html: every
    element of the page's right column is in the file, as rendered."""
    from chainrule.server.app import create_app
    from fastapi.testclient import TestClient

    index = TestClient(create_app()).get("/").text
    right = index[index.index('<div class="col col-right">'):index.index("</main>")]
    wanted = set(re.findall(r'\b(?:id|data-action|data-view)="([^"]+)"', right))
    assert {"graph", "ledger", "paths", "gradients", "legend", "step-slider"} <= wanted
    have = set(re.findall(r'\b(?:id|data-action|data-view)="([^"]+)"',
                          standalone_html(trace_program("x = 2.0; y = x*x"))))
    assert wanted - have == set()
