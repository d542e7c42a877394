"""Sizes of the reliability tests: CI-sized by default, full-sized with EQUIPMENT_DB_NIGHTLY=1.

The nightly command in docs/RELIABILITY.md sets it; each test reads its counts through
`size` so both runs exercise the same code, only more of it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

NIGHTLY_ENV = "EQUIPMENT_DB_NIGHTLY"
ARTIFACTS = Path(os.environ.get("EQUIPMENT_DB_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts")
                 ) / "reliability"


def nightly() -> bool:
    return os.environ.get(NIGHTLY_ENV) == "1"


def size(ci: int, full: int) -> int:
    """`ci` in the ordinary test run, `full` in the nightly one."""
    return full if nightly() else ci


def report(item: str, engine: str, **figures: object) -> None:
    """A test's figures (requests fuzzed, bad inputs tried, crashes survived, rows lost...):
    printed (`pytest -s`) and appended to test-artifacts/reliability/figures.jsonl, from
    which docs/RELIABILITY.md's table is written after a nightly run."""
    line = json.dumps({"item": item, "engine": engine, "nightly": nightly(), **figures}, default=str)
    print(f"\n{item} {line}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "figures.jsonl").open("a", encoding="utf-8") as out:
        out.write(line + "\n")


def summary(path: Path = ARTIFACTS / "figures.jsonl") -> dict[str, int]:
    """The headline figures of a run, from the lines `report` wrote."""
    totals = {"requests fuzzed": 0, "hostile requests": 0, "bad import records tried": 0,
              "crashes survived": 0, "partial imports": 0, "rows lost": 0}  # fmt: skip
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if any(figures["nightly"] for figures in lines):  # a nightly run's figures, not a CI-sized run's
        lines = [figures for figures in lines if figures["nightly"]]
    for figures in lines:
        item = figures["item"]
        if item.startswith("T1 "):
            totals["requests fuzzed"] += figures["requests"]
        elif item.startswith("T2 "):
            totals["hostile requests"] += figures["requests"]
        elif item.startswith("T4 ") and "strict" in item:
            totals["bad import records tried"] += figures["bad"]
        elif item.startswith("T5 "):
            totals["crashes survived"] += figures["trials"]
            totals["partial imports"] += figures["partial_imports"]
        totals["rows lost"] += int(figures.get("rows_lost", 0) or 0)
    return totals


if __name__ == "__main__":  # python -m tests.reliability: the figures of the last run
    for line in (ARTIFACTS / "figures.jsonl").read_text(encoding="utf-8").splitlines():
        print(line)
    print(json.dumps(summary(), indent=2))
