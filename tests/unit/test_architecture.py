"""The house rules of scripts/, read from the code itself (every import statement, lazy ones
included): layers import downwards only, no module imports one that imports it back, the
product code never imports the benchmarks, and long modules say why they are long."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

# Lower layers first: a module may import its own layer and the ones before it.
LAYERS = (
    ("shared", ("scripts.errors", "scripts.paths", "scripts.faults", "scripts.progress", "scripts.hashing", "scripts.arabic",
                "scripts.atomic", "scripts.metadata", "scripts.constraints")),
    ("pipeline", ("scripts.pipeline",)),
    ("db", ("scripts.db",)),
    ("publish", ("scripts.publish",)),
    ("site", ("scripts.site",)),
    ("tools", ("scripts.curate", "scripts.cli", "scripts.__main__", "scripts")),
    ("benchmarks", ("benchmarks",)),
)
MAX_LINES = 400
LONG_REASON = "Longer than 400 lines because"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for folder in ("scripts", "benchmarks") for p in sorted((REPO / folder).rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports, anywhere in it (resolved to modules, not names)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in known}


def layer(module: str) -> int:
    best = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (rank, len(prefix))
    assert best is not None, f"{module} belongs to no layer: add it to LAYERS"
    return best[0]


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(path, set(found)) - {name} for name, path in found.items()}


def test_every_module_belongs_to_a_layer_and_imports_only_downwards():
    wrong = [f"{m} ({LAYERS[layer(m)][0]}) imports {i} ({LAYERS[layer(i)][0]})"
             for m, targets in graph().items() for i in sorted(targets) if layer(i) > layer(m)]
    assert wrong == []


def test_no_import_cycles():
    edges = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph().items()}  # a package's own __init__
    cycles, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_checks_see_a_lazy_upward_import_and_the_site_build_entry(tmp_path):
    """The checks above can fail: an import inside a function is read, layers are ordered,
    and the graph holds the edges it should (the site build renders the pages; nothing imports the build back)."""
    assert layer("scripts.pipeline.load") < layer("scripts.site.pages")
    fake = tmp_path / "m.py"
    fake.write_text("def f():\n    from scripts.site.pages import render\n", encoding="utf-8")
    assert imports(fake, {"scripts.site.pages"}) == {"scripts.site.pages"}
    edges = graph()
    assert "scripts.site.pages" in edges["scripts.site.build"]
    assert not [m for m, targets in edges.items() if "scripts.site.build" in targets and m.startswith("scripts.site")]


def test_product_code_never_imports_the_benchmarks():
    assert [m for m, targets in graph().items() if m.startswith("scripts") and any(t.startswith("benchmarks") for t in targets)] == []


def test_long_modules_say_why():
    long = []
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if len(text.splitlines()) > MAX_LINES and LONG_REASON not in doc:
            long.append(f"{name}: {len(text.splitlines())} lines")
    assert long == []
