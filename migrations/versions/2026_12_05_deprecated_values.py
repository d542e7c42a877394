"""a partial index on the claims ranked deprecated

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 20:10:00.000000

A comparison counts each system's specification values ranked deprecated, per attribute.
Read through (system_id, kind, attribute, id), that reads every specification value of the
system to find the few deprecated ones (13 ms for five systems of the benchmark's S scale,
ten times as much at M). A partial index on the deprecated claims, like ix_claim_preferred
on the preferred ones, finds them without reading the others. Schema only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    deprecated = sa.text("rank = 'deprecated'")
    op.create_index("ix_claim_deprecated", "claim", ["system_id", "attribute"], sqlite_where=deprecated,
                    postgresql_where=deprecated)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_claim_deprecated", table_name="claim")
