"""Sizes of the reliability tests: CI-sized by default, full-sized with EQUIPMENT_DB_NIGHTLY=1.

The nightly command in docs/RELIABILITY.md sets it; each test reads its counts through
`size` so both runs exercise the same code, only more of it.
"""

from __future__ import annotations

import os

NIGHTLY_ENV = "EQUIPMENT_DB_NIGHTLY"


def nightly() -> bool:
    return os.environ.get(NIGHTLY_ENV) == "1"


def size(ci: int, full: int) -> int:
    """`ci` in the ordinary test run, `full` in the nightly one."""
    return full if nightly() else ci
