"""The tree is the architecture: imports go one way through the layers, and
no module imports another that (directly or not) imports it back.

Layers, lowest first; a module may import its own layer and the ones below:
errors/limits -> autodiff -> language -> explain -> optimize -> nets ->
frompython -> the package facade (chainrule/__init__) -> server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"engine": "chainrule", "server": "chainrule.server"}
LAYERS = ["errors", "limits", "autodiff", "language", "explain", "optimize", "nets",
          "frompython", "<facade>", "server"]
RANK = {"errors": 0, "limits": 0, **{name: i for i, name in enumerate(LAYERS) if i > 1}}


def modules() -> dict[str, Path]:
    found = {}
    for folder, package in FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The chainrule modules `name` imports, outside `if TYPE_CHECKING:` and
    the facade's lazy `__getattr__` (which exists to keep the server out of
    the engine's import)."""
    tree = ast.parse(path.read_text(), str(path))
    skip: set[int] = set()
    for node in ast.walk(tree):
        lazy = isinstance(node, ast.FunctionDef) and node.name == "__getattr__"
        typing_only = isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        if lazy or typing_only:
            skip.update(id(n) for n in ast.walk(node))
    here = name if is_package(path) else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in ("engine", "server"):
                raise AssertionError(f"{path}: imports {target!r}; the package is chainrule")
            if target in known:
                out.add(target)
    out.discard(name)
    return out


def layer(name: str) -> str:
    parts = name.split(".")
    if name == "chainrule":
        return "<facade>"
    return parts[1]


GRAPH = {name: imports(name, path, modules()) for name, path in modules().items()
         if not name.endswith("__main__")}


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_imports_go_down_the_layers(name):
    wrong = [t for t in GRAPH[name] if RANK[layer(t)] > RANK[layer(name)]]
    assert not wrong, f"{name} ({layer(name)}) imports a higher layer: {wrong}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` (a depth-first walk), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_walkers_see_real_imports_and_cycles():
    # The tests above would pass on an empty graph too: the walker must find
    # real imports, and the cycle finder a real cycle.
    assert "chainrule.autodiff.graph" in GRAPH["chainrule.autodiff.backward"]
    assert "chainrule.autodiff.ops" in GRAPH["chainrule.language.parser"]
    assert any(layer(t) == "optimize" for t in GRAPH["chainrule.server.routes.compare"])
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_every_package_says_what_goes_in_it():
    for name, path in modules().items():
        if is_package(path):
            doc = ast.get_docstring(ast.parse(path.read_text()))
            assert doc and len(doc.splitlines()[0]) > 20, f"{name} needs a first docstring line"
