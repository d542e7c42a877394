"""Issue 6 T12: `equipment-db db backup` while readers run gives a checked, identical copy.

The database is the seed data plus a synthetic import; four reader threads query it the
whole time the backup process runs. SQLite: the copy passes PRAGMA integrity_check and
has the source's content hash. PostgreSQL: the pg_dump file, restored into a fresh
database, has the source's content hash.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from equipment_db.backup import pg_dump_available
from equipment_db.database import session_scope
from equipment_db.exchange.importer import import_records
from equipment_db.exchange.reader import read_jsonl
from equipment_db.history.service import Edit
from tests.dbs import DatabaseFactory, content_hash, engine_for
from tests.reliability import report, size

# Slow (the fast lane, `-m "not slow"`, leaves it out): a backup process while reader threads run (T12).
pytestmark = pytest.mark.slow

GENERATOR = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
CLI = Path(sys.executable).with_name("equipment-db")
CLAIMS = size(400, 50_000)
READERS = 4
QUERIES = (
    "SELECT count(*) FROM claim",
    "SELECT s.slug, count(c.id) FROM system AS s LEFT JOIN claim AS c ON c.system_id = s.id GROUP BY s.slug",
    "SELECT c.public_id, ci.quote FROM claim AS c JOIN citation AS ci ON ci.claim_id = c.id "
    "ORDER BY c.id DESC LIMIT 50",
    "SELECT sum(n) FROM claim_count",
)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("backup-file")
    result = subprocess.run([sys.executable, str(GENERATOR), "--write-only", "--claims", str(CLAIMS), "--sources",
                             "100", "--systems", "30", "--actors", "40", "--seed", "11", "--workdir", str(work)],
                            capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return Path(json.loads(result.stdout)["file"])


def seeded_plus(dbs: DatabaseFactory, path: Path) -> str:
    url = dbs.seeded()
    engine = engine_for(url)
    with path.open("rb") as handle, session_scope(engine, write=True) as session:
        import_records(session, read_jsonl(handle), edit=Edit("test-editor", "synthetic data"))
    engine.dispose()
    return url


def backup_while_reading(url: str, target: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run `equipment-db db backup` while reader threads query the database; (result, reads)."""
    engine = engine_for(url)
    done = threading.Event()
    reads: list[int] = []
    errors: list[BaseException] = []

    def reader() -> None:
        count = 0
        try:
            with engine.connect() as connection:
                while not done.is_set():
                    for query in QUERIES:
                        connection.execute(sa.text(query)).all()
                        count += 1
                    connection.rollback()
        except BaseException as exc:
            errors.append(exc)
        reads.append(count)

    threads = [threading.Thread(target=reader) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        result = subprocess.run([str(CLI), "--db", url, "db", "backup", str(target)], capture_output=True,
                                text=True, timeout=600, check=False)  # fmt: skip
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)
        engine.dispose()
    assert errors == [], errors
    assert "Traceback" not in result.stderr, result.stderr
    return result, sum(reads)


def source_hash(url: str) -> str:
    engine = engine_for(url)
    try:
        return content_hash(engine)
    finally:
        engine.dispose()


def test_backup_taken_while_readers_run_is_checked_and_identical(
    dbs: DatabaseFactory, synthetic: Path, tmp_path: Path
) -> None:
    if dbs.name == "postgresql" and not pg_dump_available():
        pytest.skip("pg_dump is not installed on this machine: the PostgreSQL backup cannot be taken")
    url = seeded_plus(dbs, synthetic)
    expected = source_hash(url)
    target = tmp_path / ("copy.sqlite3" if dbs.name == "sqlite" else "copy.dump")
    result, reads = backup_while_reading(url, target)
    assert result.returncode == 0, result.stderr
    assert reads > READERS * len(QUERIES)
    if dbs.name == "sqlite":
        assert "integrity check ok" in result.stderr
        with sqlite3.connect(target) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
        restored = f"sqlite:///{target}"
    else:
        restored = dbs.blank()
        libpq = make_url(restored).set(drivername="postgresql").render_as_string(hide_password=False)
        loaded = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq}", str(target)],
                                capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
        assert loaded.returncode == 0, loaded.stderr
    report("T12 backup while readers run", dbs.name, reads_during_backup=reads, content_hash=expected[:16])
    assert source_hash(restored) == expected
    assert source_hash(url) == expected  # the readers changed nothing
