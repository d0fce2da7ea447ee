"""The package layers and their one import direction (README, "Layout"):

    crawler (Scrapy project; the CLI and the API on top)  ->  pipelines (page processing, item pipelines)
        ->  the crawler's contract modules (items, site profiles, URL identity, signals)

Imports are read from the source (every `import`, also inside functions), so a new import
against the direction or one that closes a cycle fails here, naming the file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "pipelines")
# What every layer may import: the Scrapy project's items and site profiles, URL identity, signals.
CONTRACTS = ("crawler.items", "crawler.profiles", "crawler.urls", "crawler.signals")


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module (ours)
    where: str  # path:line


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from pkg import mod` imports the module pkg.mod; `from mod import name`, mod itself.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for target in targets:
            if target.split(".")[0] in PACKAGES:
                yield Import(name, target, f"{path.relative_to(ROOT)}:{node.lineno}")


def all_imports() -> list[Import]:
    modules = our_modules()
    return [imp for name, path in modules.items() for imp in imports_of(name, path, modules)]


def in_layer(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def is_contract(module: str) -> bool:
    return module == "crawler" or any(in_layer(module, layer) for layer in CONTRACTS)


def entry_point(module: str) -> bool:
    """The command line and the Python API: the top of the crawler, used by people, not by our code."""
    return in_layer(module, "crawler.cli") or in_layer(module, "crawler.api")


def direction_errors(imports: list[Import]) -> list[str]:
    errors = []
    for imp in imports:
        if is_contract(imp.source) and not is_contract(imp.target):
            errors.append(f"{imp.where}: {imp.source} imports {imp.target}: contracts import nothing of ours "
                          "but each other")
        elif in_layer(imp.source, "pipelines") and in_layer(imp.target, "crawler") and not is_contract(imp.target):
            errors.append(f"{imp.where}: {imp.source} imports {imp.target}: pipelines import only the crawler's "
                          f"contract modules ({', '.join(CONTRACTS)})")
        elif not entry_point(imp.source) and entry_point(imp.target):
            errors.append(f"{imp.where}: {imp.source} imports {imp.target}: nothing imports the CLI or the API")
    return errors


def cycles(imports: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), and self-imports."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.source, set()).add(imp.target)
        graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_imports_follow_one_direction() -> None:
    assert direction_errors(all_imports()) == []


def test_no_import_cycles() -> None:
    assert cycles(all_imports()) == []


def test_the_check_sees_a_wrong_way_import_and_a_cycle() -> None:
    """The checks above would fail on a bad import: shown on a made-up one of each kind."""
    wrong = [Import("pipelines.dedup", "crawler.frontier", "pipelines/dedup.py:1"),
             Import("crawler.items", "pipelines.errors", "crawler/items.py:1"),
             Import("crawler.sitesfile", "crawler.cli.checks", "crawler/sitesfile.py:1")]
    assert len(direction_errors(wrong)) == 3
    loop = [Import("crawler.a", "crawler.b", "x:1"), Import("crawler.b", "crawler.c", "x:2"),
            Import("crawler.c", "crawler.a", "x:3"), Import("crawler.d", "crawler.a", "x:4")]
    assert cycles(loop) == [["crawler.a", "crawler.b", "crawler.c"]]


def test_the_check_reads_every_kind_of_import() -> None:
    """Relative, absolute, `from pkg import module` and imports inside functions all count."""
    found = {(i.source, i.target) for i in all_imports()}
    assert ("crawler.spiders.news", "crawler.spiders.discovery") in found  # from .discovery import ...
    assert ("crawler.backfill", "crawler.pagejob") in found  # absolute
    assert ("crawler.profiles", "crawler.profiles.vn") in found  # from . import vn
    assert ("pipelines.workers", "pipelines.workerguard") in found  # inside a function


def test_ci_runs_the_readme_test_command() -> None:
    """The README's whole-suite command is the one CI runs, word for word, and it runs every lane."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line.strip() for line in readme.splitlines() if "pytest" in line and "pip install" in line)
    assert "-m 'slow or not slow'" in command
    assert command in ci.splitlines()
