"""The architecture is checked, not hoped for: import-linter's contracts in pyproject.toml."""

from __future__ import annotations

from equipment_db.config import REPO_ROOT


def test_the_architecture_contracts_are_kept() -> None:
    """pyproject.toml's [tool.importlinter] contracts: the layers (indirect imports count), one
    write path (only the CLI, the seed loader, the importer and services import a service),
    reads never import writes, the library never imports the CLI, the client never imports
    the server, nothing imports click (Typer vendors it)."""
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(REPO_ROOT / "pyproject.toml"), no_cache=True) == 0
