"""several claimants in order, and one source cited again with another quote

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 05:30:00.000000

- claim.claimant_ids (JSON): every claimant's actor id in the source's order when a claim has
  several ("a US official and a congressional source"); claimant_id keeps the first. NULL
  for every existing claim, whose one claimant (or none) claimant_id holds as before.
- citation: the unique constraint (claim_id, source_id, role) goes, so that a claim may cite
  one source twice with different quotes or locators; the library refuses an exact repeat.
  An index on citation(claim_id) takes over the lookups the constraint's index served.
  PostgreSQL drops the constraint; SQLite rebuilds the table (copy, drop, rename with
  legacy_alter_table so the views that read it are not re-parsed) and creates its index and
  search triggers again as they were.

The downgrade refuses while any claim has several claimants or cites a source twice in one
role, which revision 0014 cannot hold.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE = "CONSTRAINT uq_citation_claim_id_source_id_role UNIQUE (claim_id, source_id, role)"


def _rebuild_citation(bind: sa.Connection, *, unique: bool) -> None:
    """SQLite: the citation table again, with or without the unique constraint."""
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'citation'")).scalar_one()
    kept = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE tbl_name = 'citation' AND type IN ('index', "
                                "'trigger') AND sql IS NOT NULL ORDER BY type, name")).scalars().all()  # fmt: skip
    if unique:
        new = sql.replace("CONSTRAINT ck_citation_role", f"{UNIQUE}, \n\tCONSTRAINT ck_citation_role")
    else:
        new = sql.replace(f"{UNIQUE}, ", "")
    if new == sql:
        raise RuntimeError("the citation table is not as revision 0014 left it")
    op.execute(re.sub(r'^CREATE TABLE "?citation"?', "CREATE TABLE citation_rebuilt", new, count=1))
    op.execute("INSERT INTO citation_rebuilt SELECT * FROM citation")
    op.execute("DROP TABLE citation")
    op.execute("PRAGMA legacy_alter_table = ON")
    op.execute("ALTER TABLE citation_rebuilt RENAME TO citation")
    op.execute("PRAGMA legacy_alter_table = OFF")
    for statement in kept:
        op.execute(statement)


def upgrade() -> None:
    bind = op.get_bind()
    json = "json" if bind.dialect.name == "postgresql" else "JSON"
    op.execute(f"ALTER TABLE claim ADD COLUMN claimant_ids {json}")
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE citation DROP CONSTRAINT uq_citation_claim_id_source_id_role")
    else:
        _rebuild_citation(bind, unique=False)
    op.create_index("ix_citation_claim_id", "citation", ["claim_id"])  # the constraint's index did this


def downgrade() -> None:
    bind = op.get_bind()
    several = bind.execute(sa.text("SELECT count(*) FROM claim WHERE claimant_ids IS NOT NULL")).scalar_one()
    repeated = bind.execute(sa.text("SELECT count(*) FROM (SELECT claim_id FROM citation GROUP BY claim_id, "
                                    "source_id, role HAVING count(*) > 1) AS r")).scalar_one()  # fmt: skip
    if several or repeated:
        raise RuntimeError(f"{several} claim(s) name several claimants and {repeated} cite a source again in one "
                           "role, which revision 0014 cannot hold; restate them first: nothing is converted "
                           "silently")  # fmt: skip
    op.drop_index("ix_citation_claim_id", "citation")
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE citation ADD CONSTRAINT uq_citation_claim_id_source_id_role "
                   "UNIQUE (claim_id, source_id, role)")  # fmt: skip
    else:
        _rebuild_citation(bind, unique=True)
    op.execute("ALTER TABLE claim DROP COLUMN claimant_ids")
