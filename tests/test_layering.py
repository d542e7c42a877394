"""Reads and writes live apart: only the CLI, the seed loader and import call services; queries
modules never import a service; nothing imports click (Typer vendors it)."""

from __future__ import annotations

import ast
from pathlib import Path

from equipment_db.config import REPO_ROOT

SERVICE_CALLERS_ALLOWED = ("equipment_db/seed/", "equipment_db/transfer/", "cli/")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _python_files() -> list[Path]:
    return [p for folder in ("equipment_db", "cli") for p in (REPO_ROOT / folder).rglob("*.py")]


def test_only_services_the_seed_loader_and_the_cli_import_services() -> None:
    offenders = []
    for path in _python_files():
        rel = path.relative_to(REPO_ROOT).as_posix()
        if rel.endswith("service.py") or rel.startswith(SERVICE_CALLERS_ALLOWED):
            continue
        if any(name.endswith(".service") for name in _imports(path)):
            offenders.append(rel)
    assert offenders == []


def test_queries_modules_never_import_services() -> None:
    offenders = [
        p.relative_to(REPO_ROOT).as_posix()
        for p in _python_files()
        if p.name == "queries.py" and any(n.endswith(".service") for n in _imports(p))
    ]
    assert offenders == []


def test_nothing_imports_click_directly() -> None:
    offenders = [
        p.relative_to(REPO_ROOT).as_posix()
        for p in _python_files()
        if any(n == "click" or n.startswith("click.") for n in _imports(p))
    ]
    assert offenders == []
