"""How long `equipment-db` takes to start, against `python -c "import typer"` on the same machine.

    .venv/bin/python bench/cli_start.py              # median of 15 runs each
    .venv/bin/python bench/cli_start.py --runs 1     # a quick look (the smoke test)

Each command runs once untimed (to write its .pyc files), then N times; the figure is the
median wall time of a whole process, and its ratio to the baseline's median. `claim list`
reads a temporary SQLite database that the script creates and seeds first (not timed).
The code measured is this checkout's (it goes first on PYTHONPATH), run by the
`equipment-db` script of the Python running this one, so an older checkout (a git worktree)
can be measured with the same virtualenv.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "import typer"


def _script() -> Path:
    """The `equipment-db` console script installed beside this Python."""
    script = Path(sys.executable).parent / "equipment-db"
    if not script.exists():
        sys.exit(f"no equipment-db script beside {sys.executable}: run pip install -e . first")
    return script


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EQUIPMENT_DB_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    return env | {"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "100"}


def _run(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed


def _median(argv: list[str], env: dict[str, str], runs: int) -> float:
    _run(argv, env)  # warm-up: compiles .pyc files, fills the page cache
    return statistics.median(_run(argv, env) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="Timed runs of each command (default 15).")
    runs = parser.parse_args().runs
    if runs < 1:
        parser.error("--runs must be at least 1")
    script, env = str(_script()), _environment()
    with tempfile.TemporaryDirectory(prefix="cli-start-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'seeded.sqlite3'}"
        _run([script, "--db", url, "seed"], env)
        cases = [
            (f'python -c "{BASELINE}"', [sys.executable, "-c", BASELINE]),
            ("equipment-db --version", [script, "--version"]),
            ("equipment-db --help", [script, "--help"]),
            ("equipment-db claim list", [script, "--db", url, "claim", "list"]),
            ("equipment-db claim list --json", [script, "--db", url, "claim", "list", "--json"]),
        ]
        figures = [(label, _median(argv, env, runs)) for label, argv in cases]
    baseline = figures[0][1]
    print(f"equipment-db start-up  checkout={ROOT}  python={sys.version.split()[0]}  runs={runs} (median)")
    print(f"{'command':<34}{'median':>10}{'ratio':>9}")
    for label, seconds in figures:
        print(f"{label:<34}{seconds * 1000:>8.0f}ms{seconds / baseline:>8.2f}x")


if __name__ == "__main__":
    main()
