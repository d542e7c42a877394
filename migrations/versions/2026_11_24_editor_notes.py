"""editors' internal notes on claims and sources

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 09:00:00.000000

Kept apart from the entries they annotate, so that no snapshot, export or API response can
carry them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTITY_TYPES = ("system", "target_type", "actor", "source", "claim", "claim_link")


def upgrade() -> None:
    op.create_table(
        "editor_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.Enum(*ENTITY_TYPES, name="entity_type", native_enum=False,
                                         create_constraint=True), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("entity_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("editor", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editor_note")),
    )
    op.create_index("ix_editor_note_entity", "editor_note", ["entity_type", "entity_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_editor_note_entity", table_name="editor_note")
    op.drop_table("editor_note")
