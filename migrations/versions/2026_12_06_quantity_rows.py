"""a system's /quantities rows, stored; triggers mark the systems whose rows a write changes

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 00:10:00.000000

/v1/systems/{key}/quantities (docs/ANALYSIS.md, "Totals") was computed from the claims on
every request: 355 ms for the busiest system of the benchmark's S scale, 4.2 s at M. The
answer counts each same_as group once and leaves superseded claims out, which no trigger can
keep row by row. So the answer is stored whole:

- `quantity_row` holds each system's rows, in the answer's order (`position`), each as the
  JSON the API sends (`body`), with the columns the route filters on (kind, counted,
  country; '' for none) and those the system page picks its charts' parties by (party,
  claims);
- `quantity_stale` lists the systems whose stored rows a write may have changed. Triggers
  add to it on every write path, raw SQL included: a quantity claim written, a citation of
  one (an undated claim takes its year from its earliest source), a same_as or supersedes
  link between them, a source's publication date, an actor's name (a party's name).

The write path recomputes the listed systems in the same transaction, before it commits
(equipment_db/analysis/stored.py), and empties the list. A reader that finds a system listed
(a write made outside the write path) computes its rows from the claims. This revision lists
every system with a quantity claim; `equipment-db db upgrade` fills their rows.
"""

from collections.abc import Callable, Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = "('inventory', 'deployment', 'transfer', 'production', 'use', 'loss')"
LINKS = "('same_as', 'supersedes')"


def _mark(where: str, source: str = "claim AS c") -> str:
    """Lists the systems of the quantity claims `where` picks out (`c` is the claim)."""
    return (f"INSERT INTO quantity_stale (system_id) SELECT DISTINCT c.system_id FROM {source} "
            f"WHERE {where} AND c.system_id IS NOT NULL AND c.kind IN {QUANTITY} "
            "ON CONFLICT (system_id) DO NOTHING")  # fmt: skip


def _citation(row: str) -> str:
    return _mark(f"c.id = {row}.claim_id")


def _link(row: str) -> str:
    return _mark(f"c.id IN ({row}.from_claim_id, {row}.to_claim_id) AND {row}.kind IN {LINKS}")


def _source(row: str) -> str:
    return _mark(f"ct.source_id = {row}.id", "citation AS ct JOIN claim AS c ON c.id = ct.claim_id")


def _actor(row: str) -> str:
    return _mark(f"c.party_actor_id = {row}.id")


def _claim_row(row: str) -> str:
    """A claim being deleted is no longer in `claim` (an AFTER trigger): its own values."""
    return (f"INSERT INTO quantity_stale (system_id) SELECT {row}.system_id WHERE {row}.system_id IS NOT NULL "
            f"AND {row}.kind IN {QUANTITY} ON CONFLICT (system_id) DO NOTHING")  # fmt: skip


SQLITE_TRIGGERS = {
    "quantity_stale_claim_insert": f"AFTER INSERT ON claim BEGIN {_claim_row('NEW')}; END",
    "quantity_stale_claim_update": f"AFTER UPDATE ON claim BEGIN {_claim_row('OLD')}; {_claim_row('NEW')}; END",
    "quantity_stale_claim_delete": f"AFTER DELETE ON claim BEGIN {_claim_row('OLD')}; END",
    "quantity_stale_citation_insert": f"AFTER INSERT ON citation BEGIN {_citation('NEW')}; END",
    "quantity_stale_citation_update": f"AFTER UPDATE ON citation BEGIN {_citation('OLD')}; {_citation('NEW')}; END",
    "quantity_stale_citation_delete": f"AFTER DELETE ON citation BEGIN {_citation('OLD')}; END",
    "quantity_stale_link_insert": f"AFTER INSERT ON claim_link BEGIN {_link('NEW')}; END",
    "quantity_stale_link_update": f"AFTER UPDATE ON claim_link BEGIN {_link('OLD')}; {_link('NEW')}; END",
    "quantity_stale_link_delete": f"AFTER DELETE ON claim_link BEGIN {_link('OLD')}; END",
    "quantity_stale_source_update": f"AFTER UPDATE OF published_on, published_precision ON source "
    f"BEGIN {_source('NEW')}; END",
    "quantity_stale_actor_update": f"AFTER UPDATE OF name ON actor BEGIN {_actor('NEW')}; END",
}

# PostgreSQL: one function per table; (table, events, body for OLD and NEW)
PG_TRIGGERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "claim": ("INSERT OR UPDATE OR DELETE", _claim_row),
    "citation": ("INSERT OR UPDATE OR DELETE", _citation),
    "claim_link": ("INSERT OR UPDATE OR DELETE", _link),
    "source": ("UPDATE OF published_on, published_precision", _source),
    "actor": ("UPDATE OF name", _actor),
}


def _pg_function(table: str, mark: Callable[[str], str]) -> str:
    return f"""
CREATE FUNCTION quantity_stale_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {mark("OLD")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {mark("NEW")};
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.execute("CREATE TABLE quantity_row (system_id integer NOT NULL, position integer NOT NULL, "
               "kind varchar(13) NOT NULL, counted varchar(12) NOT NULL, country varchar(4) NOT NULL, "
               "party varchar(200) NOT NULL, claims integer NOT NULL, body text NOT NULL, "
               "CONSTRAINT pk_quantity_row PRIMARY KEY (system_id, position))")  # fmt: skip
    op.execute("CREATE TABLE quantity_stale (system_id integer NOT NULL, "
               "CONSTRAINT pk_quantity_stale PRIMARY KEY (system_id))")  # fmt: skip
    op.execute(f"INSERT INTO quantity_stale (system_id) SELECT DISTINCT system_id FROM claim "
               f"WHERE system_id IS NOT NULL AND kind IN {QUANTITY}")  # fmt: skip
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        return
    for table, (events, mark) in PG_TRIGGERS.items():
        op.execute(_pg_function(table, mark))
        op.execute(f"CREATE TRIGGER quantity_stale_{table} AFTER {events} ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION quantity_stale_{table}()")  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for table in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS quantity_stale_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS quantity_stale_{table}()")
    op.execute("DROP TABLE quantity_stale")
    op.execute("DROP TABLE quantity_row")
