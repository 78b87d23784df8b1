"""Arrows one way: every import in the product (app.py, pages/, dashboard/, datastore/, extractors/), including those
inside functions, points to its own layer or a layer below, and no chain of imports comes back to where it began.

The layers, top first (README, "Architecture"); a module may import from its own layer and any layer below it:

    command line   extractors/__main__.py: the one module in extractors/ that reaches the data layer
    pages          app.py, pages/
    dashboard      dashboard/ (queries, labels, charts, exports, the Streamlit glue)
    data layer     datastore/ (the store, ingest, batch, fetching, feeds, reference)
    extraction     extractors/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("app.py", "pages", "dashboard", "datastore", "extractors")  # bench/ and tests/ are not the product


@dataclass(frozen=True)
class Layer:
    name: str
    modules: tuple[str, ...]  # module names, shell-style patterns


LAYERS = (  # top first
    Layer("command line", ("extractors.__main__",)),
    Layer("pages", ("app", "pages.*")),
    Layer("dashboard", ("dashboard", "dashboard.*")),
    Layer("data layer", ("datastore", "datastore.*")),
    Layer("extraction", ("extractors", "extractors.*")),
)


@dataclass(frozen=True)
class Import:
    """One import statement's target inside the tree: ``module`` (at ``path``:``line``) imports ``target``."""

    module: str
    path: str
    line: int
    target: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} imports {self.target}"


def modules_of(root: Path, sources: tuple[str, ...] = SOURCES) -> dict[str, Path]:
    """Module name → file, for every .py file under the sources (a package's __init__.py is the package)."""
    found: dict[str, Path] = {}
    for source in sources:
        base = root / source
        files = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in files:
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(root: Path, sources: tuple[str, ...] = SOURCES) -> list[Import]:
    """Every import between modules of the tree, wherever it stands in a module (inside functions and
    ``if TYPE_CHECKING:`` too). ``from a import b`` is an import of module ``a.b`` when there is one, else of
    ``a``; imports of anything outside the tree (the standard library, pandas) are not listed."""
    modules = modules_of(root, sources)
    found: list[Import] = []
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            for target in _targets(node, package, modules):
                found.append(Import(module, str(path.relative_to(root)), node.lineno, target))
    return found


def _targets(node: ast.AST, package: str, modules: dict[str, Path]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            name = _known(alias.name, modules)
            if name:
                yield name
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:  # relative: from . import x, from ..a import b
            anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)] if package else []
            base = ".".join([*anchor, *([base] if base else [])])
        for alias in node.names:
            name = _known(f"{base}.{alias.name}", modules) if f"{base}.{alias.name}" in modules else _known(base, modules)
            if name:
                yield name


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The tree's module a dotted name lies in (``a.b.c`` is ``a.b`` when ``a.b.c`` is not a module), or None."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def layer_of(module: str) -> int:
    """The position of a module's layer in :data:`LAYERS` (0 is the top); the first pattern that fits decides."""
    for rank, layer in enumerate(LAYERS):
        if any(fnmatch(module, pattern) for pattern in layer.modules):
            return rank
    raise ValueError(f"{module} is in no layer: add it to LAYERS")


def upward(imports: list[Import]) -> list[str]:
    """Each import of a module in a layer above the importer's, as a line naming both layers."""
    return [f"{i}: {LAYERS[layer_of(i.target)].name} is above {LAYERS[layer_of(i.module)].name}"
            for i in imports if layer_of(i.target) < layer_of(i.module)]


@dataclass(frozen=True)
class Cycle:
    """Modules that import one another round a loop (``modules``: all of them), and one loop among them."""

    modules: frozenset[str]
    loop: tuple[Import, ...]

    def __str__(self) -> str:
        return " → ".join([self.loop[0].module, *(i.target for i in self.loop)]) + "".join(
            f"\n    {i}" for i in self.loop) + f"\n    (all of: {', '.join(sorted(self.modules))})"


def cycles(imports: list[Import]) -> list[Cycle]:
    """Every import cycle: one per group of modules that reach each other (a module importing itself is one too),
    with a shortest loop through its first module."""
    graph: dict[str, dict[str, Import]] = {}
    for i in imports:
        graph.setdefault(i.module, {}).setdefault(i.target, i)
    found = []
    for group in _strongly_connected(graph):
        start = min(group)
        if len(group) > 1 or start in graph.get(start, {}):
            found.append(Cycle(frozenset(group), tuple(_cycle_through(start, group, graph))))
    return sorted(found, key=lambda cycle: min(cycle.modules))


def _strongly_connected(graph: dict[str, dict[str, Import]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative: the groups of modules from which each reaches every other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, {}))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            following = next(edges, None)
            if following is not None:
                if following not in index:
                    index[following] = low[following] = len(index)
                    stack.append(following)
                    on_stack.add(following)
                    work.append((following, iter(sorted(graph.get(following, {})))))
                elif following in on_stack:
                    low[node] = min(low[node], index[following])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _cycle_through(start: str, group: set[str], graph: dict[str, dict[str, Import]]) -> list[Import]:
    """A shortest chain of imports from ``start`` back to itself, within its group."""
    paths: dict[str, list[Import]] = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target, edge in sorted(graph.get(node, {}).items()):
                if target == start:
                    return [*paths[node], edge]
                if target in group and target not in paths:
                    paths[target] = [*paths[node], edge]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")


# --------------------------------------------------------------------------- the product

IMPORTS = imports_of(ROOT)


def test_every_module_is_in_a_layer() -> None:
    assert [m for m in modules_of(ROOT) if not any(fnmatch(m, p) for layer in LAYERS for p in layer.modules)] == []


@pytest.mark.parametrize("layer", LAYERS, ids=[layer.name for layer in LAYERS])
def test_a_layer_imports_only_its_own_layer_and_those_below(layer: Layer) -> None:
    own = [i for i in IMPORTS if LAYERS[layer_of(i.module)] == layer]
    assert own or layer.name == "command line", f"no imports found in {layer.name}: is LAYERS right?"
    assert upward(own) == []


def test_pages_compose_the_dashboard_only() -> None:
    """Pages (and app.py) reach the store and the extractor through the dashboard, never directly."""
    direct = [str(i) for i in IMPORTS if LAYERS[layer_of(i.module)].name == "pages" and not i.target.startswith("dashboard")]
    assert direct == []


def test_only_the_command_line_reaches_the_data_layer_from_the_extractor() -> None:
    reaching = [str(i) for i in IMPORTS if i.module.startswith("extractors") and i.target.startswith("datastore")]
    assert reaching and all(line.startswith("extractors/__main__.py:") for line in reaching), reaching


def test_no_import_cycle() -> None:
    """No module imports one that imports it, directly or round a longer loop, anywhere in the product."""
    assert [str(c) for c in cycles(IMPORTS)] == []


# --------------------------------------------------------------------------- the checker itself

def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_checker_finds_an_upward_import_inside_a_function(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "dashboard/__init__.py": "", "dashboard/charts.py": "import pandas\n",
        "datastore/__init__.py": "", "datastore/store.py": "import os\n\n\ndef read():\n    from dashboard import charts\n",
        "extractors/__init__.py": "", "extractors/engine.py": "from datastore.store import read\n",
    })
    found = upward(imports_of(root, ("dashboard", "datastore", "extractors")))
    assert found == [
        "datastore/store.py:5: datastore.store imports dashboard.charts: dashboard is above data layer",
        "extractors/engine.py:1: extractors.engine imports datastore.store: data layer is above extraction",
    ]


def test_the_checker_finds_a_cycle_and_names_its_imports(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "dashboard/__init__.py": "", "dashboard/a.py": "from dashboard import b\n",
        "dashboard/b.py": "import json\nfrom . import c\n", "dashboard/c.py": "def f():\n    import dashboard.a\n",
        "dashboard/d.py": "from dashboard.a import x\n",
    })
    found = cycles(imports_of(root, ("dashboard",)))
    assert [[str(i) for i in cycle.loop] for cycle in found] == [[
        "dashboard/a.py:1: dashboard.a imports dashboard.b", "dashboard/b.py:2: dashboard.b imports dashboard.c",
        "dashboard/c.py:2: dashboard.c imports dashboard.a",
    ]]
    assert found[0].modules == {"dashboard.a", "dashboard.b", "dashboard.c"}  # d imports a, but nothing imports d
