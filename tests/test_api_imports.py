"""What a running API imports at start (issue 18, its memory): not citeproc-py and lxml (only a
citation in a style renders with them), not pint (only a value converted to another unit). Each
is imported where it is first used. (Alembic still is: imported late, it changed the order in
which an import lists the conflicts of one entry, tests/test_import_safety.py.)"""

from __future__ import annotations

import json
import subprocess
import sys

DEFERRED = ("citeproc", "lxml", "pint")

_START = """
import json, sys
import sqlalchemy as sa
from fastapi.testclient import TestClient
from equipment_db.api.app import create_app
from equipment_db.config import Settings
app = create_app(Settings(url="sqlite://"), engine=sa.create_engine("sqlite://"))
with TestClient(app) as client:
    client.get("/openapi.json").raise_for_status()
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {names})))
"""


def _loaded_after_start() -> list[str]:
    code = _START.format(names=set(DEFERRED))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_api_starts_without_citeproc_or_pint() -> None:
    assert _loaded_after_start() == []


def test_the_deferred_modules_still_load_where_they_are_used() -> None:
    from equipment_db.citations import styles
    from equipment_db.normalize import units

    assert units.dimension_of(units.parse_unit("km")) == "[length]"
    item = {"id": "x", "type": "article-newspaper", "title": "Test title", "issued": {"date-parts": [[2025]]}}
    assert "Test title" in styles.format_item("apa", item)
