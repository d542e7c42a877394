"""claim counts and quantity tallies per system, kept by triggers; indexes for specifications

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 22:40:00.000000

A system's page shows how many active claims it has by kind, by country and, for
specifications, by attribute. Counting them per request reads every claim of the system
(160,000 for the most-claimed system of the benchmark's M scale). `claim_count` holds the
counts of active claims (not retracted, not deprecated) per (system, kind, country,
attribute), '' standing for none; triggers on `claim` keep it exact on every write path.
A row whose count falls to 0 stays (readers skip it).

`quantity_tally` sums up a system's quantity claims (inventory, deployment, transfer,
production, use, loss with a figure or `unspecified`) per (system, country, year, kind,
counted): how many, the lowest and the highest figure. The year is that of the start of
the period a claim is about, else of the day it was stated. An insert adds to its row;
any other change recomputes the rows it touches from the claims of that system and
country, so a retraction lowers a maximum it held.

A system's page shows the first values of each specification attribute (and its preferred
one): (system_id, kind, attribute, id) reads them in id order, and a partial index on the
few preferred claims finds those without reading the others.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "system_id, kind, country, attribute"
WATCHED = "system_id, kind, country, attribute, rank, retracted_at"


def _active(row: str) -> str:
    return f"{row}.system_id IS NOT NULL AND {row}.retracted_at IS NULL AND {row}.rank <> 'deprecated'"


def _key_values(row: str) -> str:
    return f"{row}.system_id, {row}.kind, coalesce({row}.country, ''), coalesce({row}.attribute, '')"


def _add(row: str, delta: int) -> str:
    return (f"INSERT INTO claim_count ({KEY}, n) VALUES ({_key_values(row)}, {delta}) "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = claim_count.n + {delta}")  # fmt: skip


SQLITE_TRIGGERS = {
    "claim_count_insert": f"AFTER INSERT ON claim WHEN {_active('NEW')} BEGIN {_add('NEW', 1)}; END",
    "claim_count_delete": f"AFTER DELETE ON claim WHEN {_active('OLD')} BEGIN {_add('OLD', -1)}; END",
    "claim_count_update_old": f"AFTER UPDATE OF {WATCHED} ON claim WHEN {_active('OLD')} "
    f"BEGIN {_add('OLD', -1)}; END",
    "claim_count_update_new": f"AFTER UPDATE OF {WATCHED} ON claim WHEN {_active('NEW')} "
    f"BEGIN {_add('NEW', 1)}; END",
}

PG_FUNCTION = f"""
CREATE FUNCTION claim_count_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND {_active('OLD')} THEN
        {_add('OLD', -1)};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND {_active('NEW')} THEN
        {_add('NEW', 1)};
    END IF;
    RETURN NULL;
END $$
"""


QUANTITY_KINDS = "('inventory', 'deployment', 'transfer', 'production', 'use', 'loss')"
TALLY_KEY = "system_id, country, year, kind, counted"
TALLY_WATCHED = ("system_id, country, kind, counted, about_start, stated_on, value_low, value_high, qualifier, "
                 "rank, retracted_at")  # fmt: skip


def _year(row: str, dialect: str) -> str:
    day = f"coalesce({row}.about_start, {row}.stated_on)"
    if dialect == "sqlite":
        return f"CAST(substr({day}, 1, 4) AS INTEGER)"
    return f"CAST(extract(year FROM {day}) AS integer)"


def _tallied(row: str, dialect: str) -> str:
    return (f"{_active(row)} AND {row}.country IS NOT NULL AND {row}.kind IN {QUANTITY_KINDS} "
            f"AND ({row}.value_low IS NOT NULL OR {row}.value_high IS NOT NULL OR {row}.qualifier = 'unspecified') "
            f"AND {_year(row, dialect)} IS NOT NULL")  # fmt: skip


def _low(row: str) -> str:
    return f"coalesce({row}.value_low, {row}.value_high)"


def _high(row: str) -> str:
    return f"coalesce({row}.value_high, {row}.value_low)"


def _tally_add(row: str, dialect: str) -> str:
    least, greatest = ("min", "max") if dialect == "sqlite" else ("least", "greatest")
    return (f"INSERT INTO quantity_tally ({TALLY_KEY}, n, low, high) VALUES ({row}.system_id, {row}.country, "
            f"{_year(row, dialect)}, {row}.kind, coalesce({row}.counted, ''), 1, {_low(row)}, {_high(row)}) "
            f"ON CONFLICT ({TALLY_KEY}) DO UPDATE SET n = quantity_tally.n + 1, "
            f"low = coalesce({least}(quantity_tally.low, excluded.low), quantity_tally.low, excluded.low), "
            f"high = coalesce({greatest}(quantity_tally.high, excluded.high), quantity_tally.high, "
            "excluded.high)")  # fmt: skip


def _tally_recount(row: str, dialect: str) -> str:
    """Replace the rows of `row`'s system and country by a recount (a few rows: cheap)."""
    return (f"DELETE FROM quantity_tally WHERE system_id = {row}.system_id AND country = {row}.country; "
            f"INSERT INTO quantity_tally ({TALLY_KEY}, n, low, high) "
            f"SELECT c.system_id, c.country, {_year('c', dialect)}, c.kind, coalesce(c.counted, ''), count(*), "
            f"min({_low('c')}), max({_high('c')}) FROM claim AS c "
            f"WHERE c.system_id = {row}.system_id AND c.country = {row}.country AND {_tallied('c', dialect)} "
            f"GROUP BY 1, 2, 3, 4, 5")  # fmt: skip


def _sqlite_tally_triggers() -> dict[str, str]:
    has = "OLD.system_id IS NOT NULL AND OLD.country IS NOT NULL"
    return {
        "quantity_tally_insert": f"AFTER INSERT ON claim WHEN {_tallied('NEW', 'sqlite')} "
        f"BEGIN {_tally_add('NEW', 'sqlite')}; END",
        "quantity_tally_delete": f"AFTER DELETE ON claim WHEN {has} BEGIN {_tally_recount('OLD', 'sqlite')}; END",
        "quantity_tally_update_old": f"AFTER UPDATE OF {TALLY_WATCHED} ON claim WHEN {has} "
        f"BEGIN {_tally_recount('OLD', 'sqlite')}; END",
        "quantity_tally_update_new": f"AFTER UPDATE OF {TALLY_WATCHED} ON claim "
        "WHEN NEW.system_id IS NOT NULL AND NEW.country IS NOT NULL "
        "AND (NEW.system_id IS NOT OLD.system_id OR NEW.country IS NOT OLD.country) "
        f"BEGIN {_tally_recount('NEW', 'sqlite')}; END",
    }


def _pg_tally_function() -> str:
    return f"""
CREATE FUNCTION quantity_tally_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF {_tallied('NEW', 'postgresql')} THEN
            {_tally_add('NEW', 'postgresql')};
        END IF;
        RETURN NULL;
    END IF;
    IF OLD.system_id IS NOT NULL AND OLD.country IS NOT NULL THEN
        {_tally_recount('OLD', 'postgresql')};
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.system_id IS NOT NULL AND NEW.country IS NOT NULL
       AND (NEW.system_id IS DISTINCT FROM OLD.system_id OR NEW.country IS DISTINCT FROM OLD.country) THEN
        {_tally_recount('NEW', 'postgresql')};
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.create_index("ix_claim_system_kind_attribute", "claim", ["system_id", "kind", "attribute", "id"])
    op.create_index("ix_claim_preferred", "claim", ["system_id", "attribute"],
                    sqlite_where=sa.text("rank = 'preferred'"), postgresql_where=sa.text("rank = 'preferred'"))  # fmt: skip
    op.execute(
        "CREATE TABLE claim_count (system_id integer NOT NULL, kind varchar(13) NOT NULL, "
        "country varchar(2) NOT NULL, attribute varchar(20) NOT NULL, n integer NOT NULL, "
        f"CONSTRAINT pk_claim_count PRIMARY KEY ({KEY}))"
    )
    op.execute(
        f"INSERT INTO claim_count ({KEY}, n) SELECT {_key_values('claim')}, count(*) FROM claim "
        f"WHERE {_active('claim')} GROUP BY 1, 2, 3, 4"
    )
    dialect = op.get_bind().dialect.name
    op.execute(
        "CREATE TABLE quantity_tally (system_id integer NOT NULL, country varchar(2) NOT NULL, "
        "year integer NOT NULL, kind varchar(13) NOT NULL, counted varchar(12) NOT NULL, n integer NOT NULL, "
        f"low float, high float, CONSTRAINT pk_quantity_tally PRIMARY KEY ({TALLY_KEY}))"
    )
    op.execute(
        f"INSERT INTO quantity_tally ({TALLY_KEY}, n, low, high) SELECT c.system_id, c.country, "
        f"{_year('c', dialect)}, c.kind, coalesce(c.counted, ''), count(*), min({_low('c')}), max({_high('c')}) "
        f"FROM claim AS c WHERE {_tallied('c', dialect)} GROUP BY 1, 2, 3, 4, 5"
    )
    if dialect == "sqlite":
        for name, body in (SQLITE_TRIGGERS | _sqlite_tally_triggers()).items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        op.execute(_pg_tally_function())
        op.execute(f"CREATE TRIGGER quantity_tally_changed AFTER INSERT OR DELETE OR UPDATE OF {TALLY_WATCHED} "
                   "ON claim FOR EACH ROW EXECUTE FUNCTION quantity_tally_changed()")  # fmt: skip
        op.execute(PG_FUNCTION)
        op.execute(f"CREATE TRIGGER claim_count_changed AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} "
                   "ON claim FOR EACH ROW EXECUTE FUNCTION claim_count_changed()")  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS | _sqlite_tally_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name in ("claim_count_changed", "quantity_tally_changed"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON claim")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP TABLE quantity_tally")
    op.execute("DROP TABLE claim_count")
    op.drop_index("ix_claim_preferred", table_name="claim")
    op.drop_index("ix_claim_system_kind_attribute", table_name="claim")
