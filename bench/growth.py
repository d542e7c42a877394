"""Growth: every lookup's p50 at one scale over its p50 at a smaller one, from two runs of bench/run.py.

    .venv/bin/python bench/growth.py bench/results/S-sqlite-....json bench/results/M-sqlite-....json

The goal ("Speed to the floor of the stack"): every lookup's p50 at M within 1.5x of its p50
at S. A lookup is a request that reads a bounded answer by key or by index: the system by
slug or alias, compare, a page of claims, a rare word, one claim or a page of them, and the
entry pages. Q4-common, Q4-multi, Q6 and Q6-timeline grow with what they read and have
their own limits per scale in run.py. Both runs should be on the same engine and machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

LOOKUPS = ("Q1", "Q1a", "Q2-2", "Q2-5", "Q3-p1", "Q3-p200", "Q4-rare", "Q5-one", "Q5-page", "P1", "P5")
LIMIT = 1.5


def growth(small: dict[str, Any], large: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per lookup that both runs measured: both p50s (µs), their ratio, and whether it is within LIMIT."""
    out = {}
    for qid in LOOKUPS:
        a, b = (run["queries"].get(qid, {}).get("api", {}).get("c1", {}).get("p50_us") for run in (small, large))
        if a and b:
            value = round(b / a, 2)
            out[qid] = {"small_p50_us": a, "large_p50_us": b, "value": value, "target": f"<= {LIMIT:g}",
                        "pass": value <= LIMIT}  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("small", type=Path, help="run.py's JSON at the smaller scale (S)")
    parser.add_argument("large", type=Path, help="run.py's JSON at the larger scale (M)")
    args = parser.parse_args(argv)
    small, large = (json.loads(p.read_text(encoding="utf-8")) for p in (args.small, args.large))
    engines = {run["database"]["engine"] for run in (small, large)}
    if len(engines) != 1:
        raise SystemExit(f"the runs are on different engines: {', '.join(sorted(engines))}")
    found = growth(small, large)
    print(f"growth {small['scale']} -> {large['scale']} ({engines.pop()}): p50 at {large['scale']} / p50 at "
          f"{small['scale']}, target <= {LIMIT:g}")  # fmt: skip
    for qid, g in found.items():
        small_ms, large_ms = g["small_p50_us"] / 1000, g["large_p50_us"] / 1000
        print(f"  {qid:<10}{small_ms:>9.2f} ms{large_ms:>9.2f} ms{g['value']:>7.2f}  {'PASS' if g['pass'] else 'FAIL'}")
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
