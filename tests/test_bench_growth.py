"""bench/growth.py: p50 at the larger scale over p50 at the smaller, per lookup, from two run.py results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _run(scale: str, engine: str, p50: dict[str, int]) -> dict:
    return {"scale": scale, "database": {"engine": engine},
            "queries": {qid: {"api": {"c1": {"p50_us": us}}} for qid, us in p50.items()}}  # fmt: skip


def _growth(tmp_path: Path, small: dict, large: dict) -> subprocess.CompletedProcess[str]:
    paths = []
    for name, run in (("small", small), ("large", large)):
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(json.dumps(run), encoding="utf-8")
    return subprocess.run([sys.executable, str(BENCH / "growth.py"), *map(str, paths)], capture_output=True,
                          text=True, timeout=60)  # fmt: skip


def test_each_lookup_is_the_ratio_of_its_p50s_and_passes_within_one_and_a_half(tmp_path: Path) -> None:
    done = _growth(tmp_path, _run("S", "sqlite", {"Q1": 1000, "Q5-one": 400, "Q6": 9000, "P5": 800}),
                   _run("M", "sqlite", {"Q1": 1500, "Q5-one": 610, "Q6": 90000, "P5": 800}))  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()[1:]}
    assert rows["Q1"][-2:] == ["1.50", "PASS"]
    assert rows["Q5-one"][-2:] == ["1.52", "FAIL"]
    assert rows["P5"][-2:] == ["1.00", "PASS"]
    assert "Q6" not in rows  # not a lookup: it has its own limit per scale


def test_runs_on_different_engines_are_refused(tmp_path: Path) -> None:
    done = _growth(tmp_path, _run("S", "sqlite", {"Q1": 1000}), _run("S", "postgresql", {"Q1": 1000}))
    assert done.returncode == 1
    assert "different engines: postgresql, sqlite" in done.stderr
