"""Where the parts shipped beside the library are: the command line, the migrations, the seed data.

A checkout (and an editable install of it) keeps them at the top of the repository as `cli/`,
`migrations/` and `seed_data/`; a wheel carries them inside the package, as
`equipment_db/cli`, `equipment_db/migrations` and `equipment_db/seed_data` (pyproject.toml,
`[tool.hatch.build.targets.wheel.sources]`), so that nothing is installed under a generic
top-level name. This module is the one place that knows both layouts.
"""

from __future__ import annotations

from pathlib import Path

# The package's own folder (importlib.resources would give the same for an installed wheel,
# at a cost every `equipment-db --version` would pay).
PACKAGE_DIR = Path(__file__).resolve().parent
# The wheel's layout: the migrations folder inside the package.
INSTALLED = (PACKAGE_DIR / "migrations" / "env.py").is_file()
_HOME = PACKAGE_DIR if INSTALLED else PACKAGE_DIR.parent


def shipped(name: str) -> Path:
    """The folder `name` (`migrations`, `seed_data`) in this layout."""
    return _HOME / name


def cli_package() -> str:
    """The command line's package name in this layout."""
    return "equipment_db.cli" if INSTALLED else "cli"
