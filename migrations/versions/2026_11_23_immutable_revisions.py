"""revisions are immutable in the database itself

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 23:55:00.000000

A revision, once written, is what people cite. The services only ever insert them; these
triggers make the database refuse an UPDATE or DELETE of a revision from any client (a
hand-written statement, another tool), on SQLite and PostgreSQL alike. DROP TABLE fires no
trigger, so downgrades still work; a later SQLite batch migration of `revision` must drop
these triggers first and create them again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "revisions are immutable: they are only ever added"

PG_FUNCTION = f"""
CREATE FUNCTION revision_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("update", "delete"):
            op.execute(f"CREATE TRIGGER revision_immutable_{event} BEFORE {event.upper()} ON revision "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")  # fmt: skip
    else:
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER revision_immutable BEFORE UPDATE OR DELETE ON revision "
                   "FOR EACH ROW EXECUTE FUNCTION revision_immutable()")  # fmt: skip
        op.execute("CREATE TRIGGER revision_immutable_truncate BEFORE TRUNCATE ON revision "
                   "FOR EACH STATEMENT EXECUTE FUNCTION revision_immutable()")  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS revision_immutable_{event}")
    else:
        op.execute("DROP TRIGGER IF EXISTS revision_immutable_truncate ON revision")
        op.execute("DROP TRIGGER IF EXISTS revision_immutable ON revision")
        op.execute("DROP FUNCTION IF EXISTS revision_immutable()")
