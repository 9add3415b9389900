"""The layers of docs/ARCHITECTURE.md, checked over the real imports of the code (grimp reads
every import statement, those inside functions included).

Top to bottom; a package imports only packages of the layers below its own, never one above
and never a sibling of its own layer:

    config                       composition: settings, URLs, ASGI/WSGI, Celery
    dashboard                    the front page, staff home, demo data
    reports                      the innovation registry, the Barometer's figures over every app
    budgets | dinners            features that build on ideas
    ideas                        the idea box, campaigns, moderation, citizens' roles
    restapi | notify | maps      the API's plumbing; the one outbox for e-mail and live counters;
                                 the maps' settings, markers and tile policy
    accounts | charts | realtime the base: people and municipalities, charts, websockets
    ui                           forms, numbers, images, markdown, rate limits
    health                       outages, counters and checks

And no import cycles, between packages or between modules.
"""
from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS: list[set[str]] = [
    {"config"},
    {"dashboard"},
    {"reports"},
    {"budgets", "dinners"},
    {"ideas"},
    {"restapi", "notify", "maps"},
    {"accounts", "charts", "realtime"},
    {"ui"},
    {"health"},
]
PACKAGES = sorted(set().union(*LAYERS))
LAYER_OF = {package: index for index, layer in enumerate(LAYERS) for package in layer}


@cache
def graph():
    grimp = pytest.importorskip("grimp", reason="import-linter's grimp reads the imports (./hoest setup)")
    for folder in (str(ROOT / "platform"), str(ROOT)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    return grimp.build_graph(*PACKAGES, include_external_packages=False)


def imports_between_packages() -> dict[tuple[str, str], list[str]]:
    """(importer package, imported package) -> the module-level lines that make the import."""
    found: dict[tuple[str, str], list[str]] = {}
    g = graph()
    for module in sorted(g.modules):
        for imported in sorted(g.find_modules_directly_imported_by(module)):
            a, b = module.split(".")[0], imported.split(".")[0]
            if a != b:
                for detail in g.get_import_details(importer=module, imported=imported):
                    found.setdefault((a, b), []).append(
                        f"{module}:{detail['line_number']} {detail['line_contents']}")
    return found


def test_every_package_of_the_code_has_a_layer():
    folders = {p.name for p in (ROOT / "platform").iterdir() if (p / "__init__.py").exists()}
    folders |= {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and (p / "apps.py").exists()}
    folders |= {p.name for p in ROOT.iterdir() if (p / "settings").is_dir()}
    assert folders <= set(PACKAGES), f"give these packages a layer in LAYERS and docs/ARCHITECTURE.md: {folders - set(PACKAGES)}"


def test_no_package_imports_a_layer_above_its_own_or_a_sibling():
    wrong = {
        f"{a} (layer {LAYER_OF[a]}) imports {b} (layer {LAYER_OF[b]})": lines[:3]
        for (a, b), lines in imports_between_packages().items()
        if LAYER_OF[b] <= LAYER_OF[a]
    }
    assert not wrong, wrong


def test_the_check_sees_imports_inside_functions():
    # A rule that cannot fail proves nothing: the graph must include a function-local import
    # the code really makes (the Django app registry loads models only in AppConfig.ready).
    lines = imports_between_packages()[("ideas", "accounts")]
    assert any("ideas.apps:" in line for line in lines), lines


def test_no_import_cycles_between_modules():
    import networkx as nx

    g = graph()
    edges = nx.DiGraph()
    for module in g.modules:
        for imported in g.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    cycles = sorted(sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1)
    assert not cycles, f"import cycles: {cycles}"


# A module imports the project's modules at its top, where a reader sees what it depends on.
# Inside a function only where the module is loaded before Django's app registry is ready, so
# that models cannot be imported yet: an AppConfig module (apps.py), and these, named with why.
LATE_IMPORTS_ALLOWED = {
    "accounts.admin_site": "INSTALLED_APPS loads it (the admin's site class) before the models exist, "
                           "which accounts.middleware imports",
}


def function_local_imports() -> list[str]:
    import ast

    found = []
    for root in [*(ROOT / p for p in PACKAGES if (ROOT / p).is_dir()),
                 *(p for p in (ROOT / "platform").iterdir() if p.is_dir())]:
        for path in root.rglob("*.py"):
            if "migrations" in path.parts or path.name == "apps.py":
                continue
            module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
            if module.split(".")[0] in LATE_IMPORTS_ALLOWED or module in LATE_IMPORTS_ALLOWED:
                continue
            for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    names = ([node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                             else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                    if (isinstance(node, ast.ImportFrom) and node.level) or any(
                            n.split(".")[0] in PACKAGES for n in names):
                        found.append(f"{module}:{node.lineno}")
    return sorted(set(found))


def test_project_modules_are_imported_at_the_top_of_a_module():
    assert function_local_imports() == []


def test_the_late_import_check_sees_one():
    # The allowed exception is really there: the check reads imports inside functions.
    late = LATE_IMPORTS_ALLOWED
    LATE_IMPORTS_ALLOWED_saved = dict(late)
    late.clear()
    try:
        assert any(line.startswith("accounts.admin_site:") for line in function_local_imports())
    finally:
        late.update(LATE_IMPORTS_ALLOWED_saved)
