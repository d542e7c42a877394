"""`equipment-db` (the console script) and `python -m equipment_db`: the command line, found
in either layout (equipment_db/layout.py): `cli` in a checkout, `equipment_db.cli` in a wheel.

The library never imports the command line; this entry point only hands over to it.
"""

from __future__ import annotations

import importlib

from equipment_db.layout import cli_package


def run() -> None:
    importlib.import_module(f"{cli_package()}.main").run()


if __name__ == "__main__":
    run()
