"""qualifier words kept distinct: just_over, nearly, magnitude

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 23:00:00.000000

"a little over 16 kg" (just over), "nearly 2,000" (below the figure and close to it) and
"hundreds" (an order of magnitude with documented bounds) were stored as "more than",
"about" and "unspecified": the claim said something the source did not. The claim's
qualifier CHECK constraint widens to take them; no row changes.

SQLite cannot alter a CHECK constraint; widening one is the "simpler procedure" of SQLite's
ALTER TABLE documentation (section 7): the table's SQL in sqlite_master is edited under
writable_schema and the schema version advanced, without rebuilding the table (which would
drop its search and aggregate triggers). Existing rows satisfy the wider constraint.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("exact", "approximately", "at_least", "more_than", "at_most", "less_than", "up_to", "range",
          "unspecified")  # fmt: skip
AFTER = ("exact", "approximately", "at_least", "more_than", "just_over", "at_most", "less_than", "nearly",
         "up_to", "range", "magnitude", "unspecified")  # fmt: skip


def _check(values: Sequence[str]) -> str:
    return "qualifier IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _replace_check(old: Sequence[str], new: Sequence[str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE claim DROP CONSTRAINT ck_claim_qualifier")
        op.execute(f"ALTER TABLE claim ADD CONSTRAINT ck_claim_qualifier CHECK ({_check(new)})")
        return
    edit_claim_sql(bind, _check(old), _check(new), what="claim's qualifier constraint")


def edit_claim_sql(bind: sa.Connection, old: str, new: str, *, what: str) -> None:
    """Replace `old` by `new` in the claim table's SQL on SQLite, in place (writable_schema),
    then check the database's integrity. For widening a CHECK constraint only (later
    revisions load this module to do the same)."""
    edit_table_sql(bind, "claim", [(old, new)], what=what)


def edit_table_sql(bind: sa.Connection, table: str, edits: list[tuple[str, str]], *, what: str) -> None:
    """Replace each `old` by its `new` in `table`'s SQL on SQLite, in place (writable_schema),
    then check the database's integrity. Only for changes SQLite's storage does not see (a
    wider CHECK, a longer declared VARCHAR); each `old` must be there."""
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                       {"t": table}).scalar_one()  # fmt: skip
    for old, new in edits:
        if old not in sql:
            raise RuntimeError(f"{what} is not the expected {old}")
        sql = sql.replace(old, new)
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
                 {"sql": sql, "t": table})  # fmt: skip
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))
    problem = bind.execute(sa.text("PRAGMA integrity_check")).scalar_one()
    if problem != "ok":
        raise RuntimeError(f"integrity check after changing {what}: {problem}")


def upgrade() -> None:
    _replace_check(BEFORE, AFTER)


def downgrade() -> None:
    used = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM claim WHERE qualifier IN ('just_over', 'nearly', 'magnitude')"
    )).scalar_one()  # fmt: skip
    if used:
        raise RuntimeError(f"{used} claim(s) use just_over, nearly or magnitude, which revision 0007 cannot "
                           "hold; restate them first: nothing is converted silently")  # fmt: skip
    _replace_check(AFTER, BEFORE)
