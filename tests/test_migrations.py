"""The four migration checks, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from equipment_db import migrate, schema_version
from equipment_db.models import metadata
from equipment_db.search.schema import include_name, include_object
from tests.dbs import DatabaseFactory, engine_for


def test_there_is_exactly_one_head_and_the_code_names_it() -> None:
    """`schema_version.HEAD` is what the API and every command check a database against; a new
    migration fails this until HEAD names it."""
    assert migrate.heads() == [schema_version.HEAD]


def test_revision_read_without_alembic_matches_alembic_s(dbs: DatabaseFactory) -> None:
    """No schema, each revision on the way up, and two rows (branches not merged): what
    `schema_version` reads is what Alembic reads, and only HEAD counts as up to date."""
    engine = engine_for(dbs.blank())
    seen = []
    for revision in [None, *reversed([r.revision for r in ScriptDirectory.from_config(
            migrate.alembic_config()).walk_revisions()])]:  # fmt: skip
        if revision is not None:
            migrate.upgrade(engine, revision)
        with engine.connect() as connection:
            ours = schema_version.revision_of(connection)
            assert ours == MigrationContext.configure(connection).get_current_revision() == revision
        seen.append(schema_version.is_up_to_date(engine))
    assert seen == [False] * (len(seen) - 1) + [True]
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES ('0000')"))
    assert schema_version.current(engine) == f"0000, {schema_version.HEAD}"
    assert not schema_version.is_up_to_date(engine)
    engine.dispose()


_NO_ALEMBIC = """
import json, sys
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from cli.main import app as cli
from equipment_db.api.app import create_app
from equipment_db.config import get_settings

url = sys.argv[1]
with TestClient(create_app(get_settings(url=url))) as client:
    status = [client.get(path).status_code for path in ("/health", "/v1/systems", "/v1/claims")]
    meta = client.get("/v1/meta").json()
runner = CliRunner()
info = runner.invoke(cli, ["--db", url, "db", "info", "--json"])
current = runner.invoke(cli, ["--db", url, "db", "current"])
print(json.dumps({"status": status, "meta": meta, "info": json.loads(info.stdout), "current": current.stdout.strip(),
                  "alembic": sorted(m for m in sys.modules if m.split(".")[0] in ("alembic", "mako"))}))
"""


def test_the_api_and_reading_commands_do_not_load_alembic(dbs: DatabaseFactory) -> None:
    """Alembic costs a process ~10 MB (an API worker kept it while it served) and ~0.2 s;
    only what changes a schema loads it."""
    url = dbs.seeded()
    run = subprocess.run([sys.executable, "-c", _NO_ALEMBIC, url], capture_output=True, text=True, check=True)
    seen = json.loads(run.stdout.splitlines()[-1])
    assert seen["status"] == [200, 200, 200]
    assert seen["meta"]["schema_revision"] == seen["meta"]["schema_head"] == schema_version.HEAD
    assert seen["info"]["schema_revision"] == seen["info"]["schema_head"] == schema_version.HEAD
    assert seen["current"] == f"{schema_version.HEAD} (head)"
    assert seen["alembic"] == []


def test_revision_files_are_date_prefixed() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    for revision in script.walk_revisions():
        name = revision.path.rsplit("/", 1)[-1]
        assert re.match(r"^\d{4}_\d{2}_\d{2}_[a-z0-9_]+\.py$", name), name


def test_upgrade_from_base_to_head(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.blank())
    migrate.upgrade(engine)
    assert schema_version.current(engine) == schema_version.HEAD
    tables = set(sa.inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    engine.dispose()


def test_models_match_the_migrated_schema(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.blank())
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": include_name, "include_object": include_object},
        )
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_removes_every_table(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.blank())
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert schema_version.current(engine) is None
    remaining = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    migrate.upgrade(engine)  # and back up again
    assert schema_version.current(engine) == schema_version.HEAD
    engine.dispose()


def test_check_constraints_guard_vocabularies(engine: sa.Engine) -> None:
    """A vocabulary value written past the services is refused by the database itself."""
    with engine.connect() as connection, connection.begin():
        connection.execute(
            sa.text(
                "INSERT INTO target_type (slug, name, version, created_at, updated_at) "
                "VALUES ('x', 'X', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    try:
        with engine.connect() as connection, connection.begin():
            connection.execute(
                sa.text(
                    "INSERT INTO system (slug, name, category, version, created_at, updated_at) "
                    "VALUES ('s', 'S', 'spaceship', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
    except sa.exc.IntegrityError as exc:
        assert "ck_system_category" in str(exc)
    else:
        raise AssertionError("category 'spaceship' was accepted")
