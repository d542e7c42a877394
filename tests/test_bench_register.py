"""bench/register_import.py, the R4 benchmark (register rows against raw executemany), run once per engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from equipment_db.config import REPO_ROOT
from tests.dbs import pg_admin_url, postgres_required, postgres_unreachable_reason


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_register_benchmark_imports_every_row_and_prints_its_ratio(engine: str) -> None:
    if engine == "postgresql" and not postgres_required() and (reason := postgres_unreachable_reason()):
        pytest.skip(reason)
    bench = Path(REPO_ROOT) / "bench" / "register_import.py"
    done = subprocess.run([sys.executable, str(bench), "--rows", "60", "--repeat", "1", "--db", engine,
                           "--pg-url", pg_admin_url()], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert re.search(rf"^engine={engine} claims=60 import_seconds=\d+\.\d\d .* R4=\d+\.\d\d$", done.stdout,
                     flags=re.MULTILINE), done.stdout  # fmt: skip
    assert re.search(r"^rows written: .*claim 60, citation 60", done.stdout, flags=re.MULTILINE), done.stdout
