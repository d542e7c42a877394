"""deferred search documents for bulk writes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:10:00.000000

The search triggers of 0002 rebuild a claim's document on every insert into `claim` and
again on every insert into `citation`: a bulk import of claims with two citations each
builds every document three times. This revision lets one transaction defer that work:

- `search_defer` is an empty table. A row in it (inserted and deleted again inside the
  bulk writer's own transaction, so no other connection ever sees it) makes every search
  trigger skip its work; the writer then builds the documents of the rows it wrote in one
  statement per batch. A crash rolls the row back with everything else.
- SQLite: views `search_doc_system`, `search_doc_claim` and `search_doc_source` (doc_id,
  doc_key, title, body) hold the document queries of 0002, so the bulk writer and the
  triggers build documents from one definition. The triggers are recreated with a WHEN
  clause on `search_defer`.
- PostgreSQL: the trigger functions return early when `search_defer` has a row; the bulk
  writer calls the existing `search_refresh_<type>(ids)` functions.
"""

from collections.abc import Sequence
from types import ModuleType

from alembic import op

from equipment_db.migrate import revision_module

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFERRED = "NOT EXISTS (SELECT 1 FROM search_defer)"


def _fts() -> ModuleType:
    """Revision 0002, whose document queries and trigger list this revision reuses."""
    return revision_module("2026_11_23_full_text_search.py")


def _sqlite_trigger_names(fts: ModuleType) -> list[str]:
    names = [f"search_{table}_{event}" for table in fts.WATCHED for event in ("insert", "update", "delete")]
    return [*names, "search_actor_update"]


def _sqlite_view_insert(fts: ModuleType, doc_type: str, ids: str) -> str:
    return (
        "INSERT INTO search_index (rowid, doc_type, doc_key, title, body) "
        f"SELECT doc_id * 4 + {fts.OFFSET[doc_type]}, '{doc_type}', doc_key, title, body "
        f"FROM search_doc_{doc_type} WHERE doc_id IN ({ids})"
    )


def _sqlite_triggers(fts: ModuleType) -> list[str]:
    statements = []
    for table, (columns, doc_type) in fts.WATCHED.items():
        key = "id" if table == doc_type else f"{doc_type}_id"
        events = {
            "insert": ("AFTER INSERT", [f"NEW.{key}"]),
            "update": (f"AFTER UPDATE OF {columns}", [f"OLD.{key}", f"NEW.{key}"]),
            "delete": ("AFTER DELETE", [f"OLD.{key}"]),
        }
        for name, (event, ids) in events.items():
            offset = fts.OFFSET[doc_type]
            deletes = "".join(f"DELETE FROM search_index WHERE rowid = {i} * 4 + {offset};\n" for i in ids)
            statements.append(
                f"CREATE TRIGGER search_{table}_{name} {event} ON {table} WHEN {DEFERRED} BEGIN\n"
                f"{deletes}{_sqlite_view_insert(fts, doc_type, ', '.join(ids))};\nEND"
            )
    claims = "SELECT id FROM claim WHERE claimant_id = NEW.id"
    statements.append(
        f"CREATE TRIGGER search_actor_update AFTER UPDATE OF name ON actor WHEN {DEFERRED} BEGIN\n"
        f"DELETE FROM search_index WHERE rowid IN (SELECT id * 4 + 2 FROM claim WHERE claimant_id = NEW.id);\n"
        f"{_sqlite_view_insert(fts, 'claim', claims)};\nEND"
    )
    return statements


def _sqlite_upgrade(fts: ModuleType) -> None:
    for doc_type, query in fts._documents("sqlite").items():
        op.execute(f"CREATE VIEW search_doc_{doc_type} AS {query.format(where='')}")
    for name in _sqlite_trigger_names(fts):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _sqlite_triggers(fts):
        op.execute(statement)


def _sqlite_downgrade(fts: ModuleType) -> None:
    for name in _sqlite_trigger_names(fts):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in fts._sqlite_triggers():
        op.execute(statement)
    for doc_type in fts.OFFSET:
        op.execute(f"DROP VIEW IF EXISTS search_doc_{doc_type}")


def _pg_functions(fts: ModuleType, *, deferrable: bool) -> list[str]:
    """0002's trigger functions, replaced; with `deferrable`, each first checks the flag."""
    functions = [fts._pg_trigger(table, columns, doc_type)[0] for table, (columns, doc_type) in fts.WATCHED.items()]
    skip = f"BEGIN\n    IF NOT {DEFERRED} THEN RETURN NULL; END IF;\n" if deferrable else "BEGIN\n"
    return [
        function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1).replace("BEGIN\n", skip, 1)
        for function in [*functions, fts.ACTOR_TRIGGER[0]]
    ]


def upgrade() -> None:
    fts = _fts()
    op.execute(
        "CREATE TABLE search_defer (id integer NOT NULL, "
        "CONSTRAINT pk_search_defer PRIMARY KEY (id), CONSTRAINT ck_search_defer_one CHECK (id = 1))"
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade(fts)
    else:
        for statement in _pg_functions(fts, deferrable=True):
            op.execute(statement)


def downgrade() -> None:
    fts = _fts()
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_downgrade(fts)
    else:
        for statement in _pg_functions(fts, deferrable=False):
            op.execute(statement)
    op.execute("DROP TABLE search_defer")
