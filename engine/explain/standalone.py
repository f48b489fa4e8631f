"""One self-contained HTML file holding a trace and the page's step-through.

The file inlines everything it runs: D3 and dagre (classic scripts), the
view bundle static/bundle/standalone.js (built by scripts/bundle.sh from the
same ES modules as the served page), the page's CSS, and KaTeX only when the
trace carries a symbolic derivative to typeset. Its Content-Security-Policy
allows exactly those inline scripts and styles (by SHA-256) and no network at
all, so it works from disk, in a sandboxed iframe and in a notebook's srcdoc.

User text (the program, values) travels only inside a JSON data block whose
`<`, `>` and `&` are escaped, and is shown by the bundle with textContent."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# Installed, static/ sits inside the package (chainrule/static); in the
# repository it is next to engine/. The first that exists is the one.
_HERE = Path(__file__).resolve().parent.parent
ROOT = next((p for p in (_HERE, _HERE.parent) if (p / "static" / "bundle").is_dir()), _HERE)
STATIC = ROOT / "static"
TEMPLATE = ROOT / "templates" / "standalone.html"

SCRIPTS = ["vendor/d3/d3.min.js", "vendor/dagre/dagre.min.js"]
KATEX_SCRIPT = "vendor/katex/katex.min.js"
BUNDLE = "bundle/standalone.js"
STYLES = ["css/app.css", "css/graph.css", "css/trust.css", "css/a11y.css", "css/practice.css",
          "css/standalone.css", "css/framing.css"]
KATEX_STYLE = "vendor/katex/katex.min.css"
# The faces a derivative such as 2 \left(w x - y\right) x uses; KaTeX's other
# fourteen (1.2 MB with their woff/ttf twins) fall back to the system's.
KATEX_FONTS = ["KaTeX_Main-Regular", "KaTeX_Math-Italic", "KaTeX_Size1-Regular"]

_SLOT = re.compile(r"@@([A-Z]+)@@")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def standalone_html(trace: dict, *, program: str | None = None, values: dict | None = None,
                    step: int | None = None, source: str | None = None) -> str:
    """The step-through of `trace` (chainrule.trace/1) as one HTML document.

    `program` and `values` are what made the trace (shown as text; the trace
    itself does not hold them); `step` is the step shown on opening (default:
    after the forward pass; clamped to the trace); `source` names the file."""
    if step is not None and (not isinstance(step, int) or isinstance(step, bool)):
        raise TypeError(f"step must be an int, not {type(step).__name__}")
    data = {"trace": trace, "step": step, "program": program, "values": values or {},
            "source": source, "version": chainrule_version()}
    typeset = needs_katex(trace)
    scripts = [_read(p) for p in SCRIPTS] + ([_read(KATEX_SCRIPT)] if typeset else [])
    scripts.append(_read(BUNDLE))
    styles = [_read(p) for p in STYLES] + ([katex_css()] if typeset else [])
    csp = policy(scripts, styles, fonts=typeset)
    slots = {
        "CSP": csp,
        "VERSION": chainrule_version(),
        "STYLES": "\n".join(f"  <style>{s}</style>" for s in styles),
        "SCRIPTS": "\n".join(f"  <script>{s}</script>" for s in scripts),
        "DATA": json_for_script(data),
        "STEPTHROUGH": _step_through(),
    }
    # One pass: text put into one slot is never searched for another.
    return _SLOT.sub(lambda m: slots[m[1]], _template())


def chainrule_version() -> str:
    """The installed package's version (the facade's __version__ is out of
    this layer's reach: explain may not import the package above it)."""
    try:
        return version("chainrule")
    except PackageNotFoundError:
        return "unknown"


def json_for_script(value) -> str:
    """JSON that cannot end its <script> element or open a comment in it."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m[0]], text)


def policy(scripts: list[str], styles: list[str], *, fonts: bool) -> str:
    """The Content-Security-Policy: these inline scripts and styles, data:
    images (and fonts when KaTeX is in), nothing else; no request of any kind."""
    parts = ["default-src 'none'",
             "script-src " + " ".join(_hash(s) for s in scripts),
             "style-src " + " ".join(_hash(s) for s in styles),
             "img-src data:"]
    if fonts:
        parts.append("font-src data:")
    parts += ["base-uri 'none'", "form-action 'none'"]
    return "; ".join(parts)


def needs_katex(trace: dict) -> bool:
    return any(isinstance(c, dict) and (c.get("derivative") or {}).get("latex")
               for c in (trace.get("check") or {}).values())


def katex_css() -> str:
    """KaTeX's stylesheet with the faces in KATEX_FONTS inlined as data: URIs
    and the rest dropped."""
    def face(m: re.Match) -> str:
        rule = m[0]
        name = re.search(r"url\(fonts/([\w-]+)\.woff2\)", rule)
        if not name or name[1] not in KATEX_FONTS:
            return ""
        font = base64.b64encode((STATIC / "vendor/katex/fonts" / f"{name[1]}.woff2").read_bytes())
        return re.sub(r"src:[^;}]+", f'src:url(data:font/woff2;base64,{font.decode()}) '
                      'format("woff2")', rule)
    return re.sub(r"@font-face\{[^}]*\}", face, _read(KATEX_STYLE))


def _hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


@cache
def _read(path: str) -> str:
    text = (STATIC / path).read_text(encoding="utf-8")
    # Inlined, a file must not end its own element early or open a comment in it.
    if re.search(r"</(script|style)|<!--", text, flags=re.IGNORECASE):
        raise ValueError(f"{path} cannot be inlined: it contains </script, </style or <!--")
    return text


@cache
def _template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


@cache
def _step_through() -> str:
    """The page's step-through markup, shared with index.html (a comment and
    plain HTML: no slot or template syntax inside)."""
    return (TEMPLATE.parent / "_step_through.html").read_text(encoding="utf-8")
