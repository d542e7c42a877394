"""Issue 6 T5: `equipment-db import` killed with SIGKILL at random moments writes all or nothing.

One synthetic file (bench/generate.py) is imported by a real `equipment-db import` process
into a fresh copy of the seeded database per trial, and the process group is killed at a
moment drawn from `random.Random(SEED)`: while the process starts, part-way through the
import's measured duration, or as soon as the commit is seen under way (SQLite: the WAL
file receives its frames; PostgreSQL: the backend runs COMMIT). After each kill the
database holds none or all of the file, passes its integrity checks, and an import of the
same file then completes with exactly the rows of a complete import.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from equipment_db.database import session_scope, sqlite_path
from equipment_db.exchange.importer import import_records
from equipment_db.exchange.reader import read_jsonl
from equipment_db.history.service import Edit
from tests.dbs import DatabaseFactory, engine_for, pg_admin_url
from tests.reliability import report, size
from tests.test_claim_aggregates import _kept, _recounted, _tally

# Slow (the fast lane, `-m "not slow"`, leaves it out): kill -9 during real import processes (T5), over a minute.
pytestmark = pytest.mark.slow

SEED = 20261123
TRIALS = size(ci=15, full=100)
GENERATOR = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
CLI = Path(sys.executable).with_name("equipment-db")
FILE_SIZE = ("--claims", "250", "--sources", "40", "--systems", "10", "--actors", "20", "--seed", "5")
COUNTED = ("claim", "citation", "source", "revision", "system", "alias", "actor")
MODES = {"startup": 1, "import": 6, "commit": 3}  # how often each kind of moment is drawn


@pytest.fixture(scope="module")
def import_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A synthetic JSON Lines file (250 claims: a second or two of import) and what it holds."""
    work = tmp_path_factory.mktemp("crash-file")
    result = subprocess.run([sys.executable, str(GENERATOR), "--write-only", *FILE_SIZE, "--workdir", str(work)],
                            capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    return Path(manifest["file"]), manifest["written"]


def spawn_import(url: str, path: Path) -> subprocess.Popen[str]:
    """`equipment-db import PATH --yes` in a process group of its own (killed as a whole); it
    waits as long as it takes for a lock the test holds (see `Probe.hold`)."""
    env = os.environ | {"EQUIPMENT_DB_SQLITE_BUSY_TIMEOUT_MS": "600000"}
    return subprocess.Popen([str(CLI), "--db", url, "import", str(path), "--yes", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)  # fmt: skip


def kill_group(process: subprocess.Popen[str]) -> str:
    """SIGKILL the process group (if anything of it is left); returns what it wrote to stderr."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    try:
        return process.communicate(timeout=30)[1] or ""
    except ValueError:  # read already
        return ""


class SqliteProbe:
    """What a SQLite importer is doing, seen from outside: holding the write lock (the
    import's BEGIN IMMEDIATE), writing WAL frames (the commit; the import's pages stay in
    its 64 MiB cache until then)."""

    def __init__(self, url: str) -> None:
        self.path = sqlite_path(url)
        assert self.path is not None
        self.wal = self.path.with_name(self.path.name + "-wal")
        self._connection: sqlite3.Connection | None = None

    def importing(self) -> bool:
        if self._connection is None:
            self._connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc), exc
            return True
        self._connection.execute("ROLLBACK")
        return False

    def committing(self) -> bool:
        try:
            return self.wal.stat().st_size > 0
        except FileNotFoundError:
            return False

    def hold(self) -> None:
        """Take the write lock: an importer started now loads its modules, then waits for it."""
        self._held = sqlite3.connect(self.path, isolation_level=None)
        self._held.execute("BEGIN IMMEDIATE")

    def unhold(self) -> None:
        self._held.execute("ROLLBACK")
        self._held.close()

    def release(self) -> None:
        """Close our connection, so that the importer's files are its own when it dies."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def settle(self) -> dict[str, bool]:
        self.release()
        return {"stale_wal": self.wal.exists(), "stale_shm": self.wal.with_name(self.path.name + "-shm").exists()}


class PostgresProbe:
    """What a PostgreSQL importer's backend is doing, from pg_stat_activity."""

    def __init__(self, url: str, admin: sa.Engine) -> None:
        self.database = make_url(url).database
        self.admin = admin

    def _backends(self) -> list[sa.Row[Any]]:
        with self.admin.connect() as connection:
            return connection.execute(sa.text(
                "SELECT state, query, backend_xid IS NOT NULL AS writing FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": self.database}).all()  # fmt: skip

    def importing(self) -> bool:
        return any(row.writing for row in self._backends())

    def hold(self) -> None:
        """Lock the claim table: an importer started now loads its modules, then waits for it."""
        self._engine = sa.create_engine(make_url(pg_admin_url()).set(database=self.database), poolclass=NullPool)
        self._held = self._engine.connect()
        self._held.execute(sa.text("LOCK TABLE claim IN ACCESS EXCLUSIVE MODE"))

    def unhold(self) -> None:
        self._held.rollback()
        self._held.close()
        self._engine.dispose()

    def committing(self) -> bool:
        return any(row.state == "active" and row.query.strip().upper() == "COMMIT" for row in self._backends())

    def release(self) -> None:
        pass

    def settle(self, timeout: float = 60) -> dict[str, bool]:
        """Wait until the server has ended the killed client's backend (rolling it back)."""
        deadline = time.monotonic() + timeout
        while self._backends():
            assert time.monotonic() < deadline, f"a killed importer's backend is still on {self.database}"
            time.sleep(0.05)
        return {}


@dataclass
class Timing:
    startup: float  # spawn -> the import's write transaction is open
    importing: float  # that -> the transaction has ended (committed)


def wait_for(process: subprocess.Popen[str], condition: Any, timeout: float = 120, pause: float = 0.005) -> bool:
    """Poll `condition` until it holds (True) or the process exits (False)."""
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        if condition():
            return True
        assert time.monotonic() < deadline, "the importer neither progressed nor exited"
        time.sleep(pause)
    return False


def sleep_alive(process: subprocess.Popen[str], seconds: float) -> bool:
    """Sleep, unless the process exits first; True if it is still running."""
    try:
        process.wait(timeout=max(seconds, 0))
    except subprocess.TimeoutExpired:
        return True
    return False


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() for table in COUNTED}


def check_integrity(engine: sa.Engine) -> None:
    """SQLite's own checks; on both engines the aggregates match a recount and every entity
    has its revisions, citations and search documents."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            search = "SELECT doc_type, count(*) FROM search_index GROUP BY doc_type"
        else:
            search = "SELECT doc_type, count(*) FROM search_document GROUP BY doc_type"
        revised = dict(connection.execute(sa.text(
            "SELECT entity_type, count(DISTINCT entity_id) FROM revision GROUP BY entity_type")).all())  # fmt: skip
        indexed = dict(connection.execute(sa.text(search)).all())
        for table in ("claim", "source", "system", "actor"):
            rows = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            assert revised.get(table, 0) == rows, f"{table}: {rows} rows, {revised.get(table)} with revisions"
            if table != "actor":
                assert indexed.get(table, 0) == rows, f"{table}: {rows} rows, {indexed.get(table)} indexed"
        uncited = connection.execute(sa.text(
            "SELECT count(*) FROM claim AS c WHERE NOT EXISTS "
            "(SELECT 1 FROM citation AS ci WHERE ci.claim_id = c.id)")).scalar_one()  # fmt: skip
        assert uncited == 0
    assert _kept(engine) == _recounted(engine)
    kept, recount = _tally(engine)
    assert kept == recount


def rerun(engine: sa.Engine, path: Path) -> None:
    """The same file again, through the importer the CLI calls, in a fresh connection."""
    with path.open("rb") as handle, session_scope(engine, write=True) as session:
        import_records(session, read_jsonl(handle), edit=Edit("test-editor", "rerun after a kill"))


@dataclass
class Trial:
    mode: str  # the moment drawn: "startup", "import" or "commit"
    url: str
    probe: SqliteProbe | PostgresProbe
    process: subprocess.Popen[str] | None  # started ahead, waiting for the probe's lock


class Crasher:
    def __init__(self, dbs: DatabaseFactory, path: Path) -> None:
        self.dbs, self.path = dbs, path
        self.admin = sa.create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT") if dbs.name != "sqlite" else None

    def probe(self, url: str) -> SqliteProbe | PostgresProbe:
        return SqliteProbe(url) if self.admin is None else PostgresProbe(url, self.admin)

    def measure(self) -> tuple[Timing, str]:
        """One complete import, timed: its phases and its database."""
        url = self.dbs.seeded()
        probe = self.probe(url)
        started = time.monotonic()
        process = spawn_import(url, self.path)
        try:
            assert wait_for(process, probe.importing), process.communicate()
            opened = time.monotonic()
            wait_for(process, lambda: not probe.importing())  # the write transaction has ended
            committed = time.monotonic()
            probe.release()
            err = process.communicate(timeout=300)[1]
        finally:
            kill_group(process)
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
        return Timing(opened - started, committed - opened), url

    def prepare(self, rng: random.Random) -> Trial:
        """A fresh copy of the seeded database and, unless the kill is to come during start-up,
        an importer started ahead: it loads its modules while the previous trial is checked."""
        mode = rng.choices(list(MODES), weights=list(MODES.values()))[0]
        url = self.dbs.seeded()
        probe = self.probe(url)
        if mode == "startup":
            return Trial(mode, url, probe, None)
        probe.hold()
        try:
            return Trial(mode, url, probe, spawn_import(url, self.path))
        except BaseException:
            probe.unhold()
            raise

    def discard(self, trial: Trial) -> None:
        if trial.process is not None:
            kill_group(trial.process)
            trial.probe.unhold()

    def run(self, trial: Trial, rng: random.Random, timing: Timing) -> tuple[str, dict[str, bool]]:
        """Kill the trial's importer at a random moment: (what it was doing then, leftover files)."""
        probe, mode = trial.probe, trial.mode
        if trial.process is None:
            process = spawn_import(trial.url, self.path)
        else:
            process, trial.process = trial.process, None
            probe.unhold()
        try:
            if mode == "startup":
                alive = sleep_alive(process, rng.uniform(0, 1) * timing.startup)
                seen = "import" if alive and probe.importing() else mode
                probe.release()
            else:
                alive = wait_for(process, probe.importing)
                probe.release()
                if mode == "import":
                    alive = alive and sleep_alive(process, rng.uniform(0, 0.95) * timing.importing)
                    seen = "commit" if alive and probe.committing() else mode
                else:
                    alive = alive and sleep_alive(process, rng.uniform(0.5, 0.8) * timing.importing)
                    alive = alive and wait_for(process, probe.committing, pause=0)
                    time.sleep(rng.uniform(0, 0.003))
                    seen = mode
            if process.poll() is not None:
                seen = "exited"
            err = kill_group(process)
        finally:
            kill_group(process)
        assert "Traceback" not in err, err
        return seen, probe.settle()


def phase(seen: str, complete: bool) -> str:
    """Where a kill landed, from what the importer was doing and what the database holds."""
    if seen == "commit":
        return "during commit"
    if complete:
        return "after commit"  # the commit was durable before the kill (or the process had exited)
    return "before import" if seen == "startup" else "before commit"


@pytest.fixture
def crasher(dbs: DatabaseFactory, import_file: tuple[Path, dict[str, Any]]) -> Iterator[Crasher]:
    crasher = Crasher(dbs, import_file[0])
    yield crasher
    if crasher.admin is not None:
        crasher.admin.dispose()


def test_import_killed_at_random_moments_leaves_all_or_nothing_and_reruns_to_the_full_file(
    crasher: Crasher, import_file: tuple[Path, dict[str, Any]]
) -> None:
    path, written = import_file
    before_engine = engine_for(crasher.dbs.seeded())
    before = counts(before_engine)
    before_engine.dispose()
    timing, complete_url = crasher.measure()
    complete_engine = engine_for(complete_url)
    complete = counts(complete_engine)
    check_integrity(complete_engine)
    complete_engine.dispose()
    for table in ("claim", "citation", "source", "system", "actor"):
        assert complete[table] - before[table] == written[table], table
    rng = random.Random(f"{SEED}:{crasher.dbs.name}")
    phases: Counter[str] = Counter()
    kills: Counter[str] = Counter()
    leftovers: Counter[str] = Counter()
    lost = 0
    upcoming: Trial | None = crasher.prepare(rng)
    try:
        for number in range(TRIALS):
            trial, upcoming = upcoming, None
            assert trial is not None
            seen, left = crasher.run(trial, rng, timing)
            if number + 1 < TRIALS:
                upcoming = crasher.prepare(rng)
            kills[seen] += 1
            leftovers.update(name for name, present in left.items() if present)
            engine = engine_for(trial.url)
            try:
                found = counts(engine)
                assert found in (before, complete), (
                    f"trial {number} ({trial.mode}, killed during {seen}): a partial import: {found}, "
                    f"before {before}, complete {complete}")  # fmt: skip
                phases[phase(seen, found == complete)] += 1
                check_integrity(engine)
                rerun(engine, path)
                after = counts(engine)
                lost += sum(max(complete[t] - after[t], 0) for t in COUNTED)
                assert after == complete, f"trial {number} ({trial.mode}, killed during {seen}): rerun gave {after}"
            finally:
                engine.dispose()
    finally:
        if upcoming is not None:
            crasher.discard(upcoming)
    report("T5 crash during import", crasher.dbs.name, trials=TRIALS, timing=vars(timing), kills=dict(phases),
           importer_was_in=dict(kills), leftover_files=dict(leftovers), partial_imports=0,
           rows_lost=lost)  # fmt: skip
    assert lost == 0
    inside = phases["before commit"] + phases["during commit"]
    assert inside >= TRIALS // 3, dict(phases)  # the file is big enough that most kills land inside the import
