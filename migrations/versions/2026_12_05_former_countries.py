"""country codes of four letters, for the former countries of ISO 3166-3

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 05:00:00.000000

A country column holds an ISO 3166-1 alpha-2 code, Kosovo's user-assigned XK, or, new, a
former country's ISO 3166-3 code of four letters (the Soviet Union is SUHH, Yugoslavia
YUCS). Every country column widens from two characters to four: claim.country,
claim.counterparty_country, actor.country, system.origin_country and the aggregates keyed by
country (claim_count, quantity_tally). No value changes.

PostgreSQL alters the column types; SQLite, which does not enforce a VARCHAR length, has the
declared type edited in place (as revision 0008 widened a CHECK), so the claim table's
triggers stay. The downgrade refuses while any four-letter code is stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from equipment_db.migrate import revision_module

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("claim", "counterparty_country"), ("claim", "country"), ("actor", "country"),
           ("system", "origin_country"), ("claim_count", "country"), ("quantity_tally", "country"))  # fmt: skip


def _set_length(old: int, new: int) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # A trigger that watches a column (UPDATE OF country) pins its type: keep each such
        # trigger's definition, drop it, alter the columns, and create it again as it was.
        triggers = bind.execute(sa.text(
            "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c "
            "ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgattr <> '' AND c.relname = ANY(:tables)"
        ), {"tables": sorted({table for table, _ in COLUMNS})}).all()  # fmt: skip
        for name, table, _ in triggers:
            op.execute(f'DROP TRIGGER {name} ON "{table}"')
        for table, column in COLUMNS:
            op.execute(f'ALTER TABLE "{table}" ALTER COLUMN {column} TYPE varchar({new})')
        for _, _, definition in triggers:
            op.execute(definition)
        return
    edit_table_sql = revision_module("2026_12_04_qualifier_words.py").edit_table_sql
    for table in sorted({table for table, _ in COLUMNS}):
        declared = [column for name, column in COLUMNS if name == table]
        spelling = "varchar" if table in ("claim_count", "quantity_tally") else "VARCHAR"  # as 0001 and 0005 wrote them
        edit_table_sql(bind, table, [(f"{c} {spelling}({old})", f"{c} {spelling}({new})") for c in declared],
                       what=f"{table}'s country columns")  # fmt: skip


def upgrade() -> None:
    _set_length(2, 4)


def downgrade() -> None:
    bind = op.get_bind()
    for table, column in COLUMNS[:4]:  # the aggregates hold what these hold
        used = bind.execute(sa.text(f'SELECT count(*) FROM "{table}" WHERE length({column}) > 2')).scalar_one()
        if used:
            raise RuntimeError(f"{used} {table} row(s) name a former country ({table}.{column}), which revision "
                               "0013 cannot hold; restate them first: nothing is converted silently")  # fmt: skip
    _set_length(4, 2)
