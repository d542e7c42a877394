"""a claim's dates as EDTF: claim.stated_edtf, claim.about_edtf

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-05 12:00:00.000000

A claim's `stated` and `about` were a first day (and a last day) with one precision (year, month
or day), which cannot say a decade, an approximate date, an open end or a period whose ends
differ in precision. They are now Extended Date/Time Format values (EDTF, levels 0 and 1), kept
as text; the columns of before stay beside them as the days a value may mean, so that filters,
the aggregates' triggers and the timeline keep reading plain dates. Existing rows get the EDTF
their columns say (year `2024`, month `2024-05`, day `2024-05-22`, a period `2009/2012` or
`2009-01/2012-06`, one that is one date at its precision `2010`), and keep every other value.

Downgrading drops the EDTF columns, and refuses (nothing changed) while a claim holds a date
the columns of before cannot say exactly: the application sets their precision only for such
dates (a plain date or a period with one precision), so a NULL precision beside an EDTF value
is one that would be lost.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHOWN = 5  # claims named in a refused downgrade's message


def _cut(column: str, precision: str, dialect: str) -> str:
    """The date in `column` written to its precision: `2024`, `2024-05` or `2024-05-22`."""
    if dialect == "sqlite":  # dates are ISO text on SQLite
        return (f"CASE {precision} WHEN 'year' THEN substr({column}, 1, 4) WHEN 'month' THEN substr({column}, 1, 7) "
                f"ELSE substr({column}, 1, 10) END")  # fmt: skip
    return (f"CASE {precision} WHEN 'year' THEN to_char({column}, 'YYYY') WHEN 'month' THEN to_char({column}, "
            f"'YYYY-MM') ELSE to_char({column}, 'YYYY-MM-DD') END")  # fmt: skip


def upgrade() -> None:
    # Plain ALTER TABLE on both engines: a batch rebuild on SQLite would drop the claim table's
    # search and aggregate triggers. Neither new column is watched by a trigger.
    op.add_column("claim", sa.Column("stated_edtf", sa.String(length=64), nullable=True))
    op.add_column("claim", sa.Column("about_edtf", sa.String(length=64), nullable=True))
    dialect = op.get_bind().dialect.name
    start, end = _cut("about_start", "about_precision", dialect), _cut("about_end", "about_precision", dialect)
    op.execute(f"UPDATE claim SET stated_edtf = {_cut('stated_on', 'stated_precision', dialect)} "
               "WHERE stated_on IS NOT NULL AND stated_precision IS NOT NULL")  # fmt: skip
    op.execute(f"UPDATE claim SET about_edtf = CASE WHEN {start} = {end} THEN {start} ELSE {start} || '/' || {end} END "
               "WHERE about_start IS NOT NULL AND about_end IS NOT NULL AND about_precision IS NOT NULL")  # fmt: skip


def downgrade() -> None:
    lost = op.get_bind().execute(sa.text(
        "SELECT public_id, stated_edtf, about_edtf FROM claim "
        "WHERE (stated_edtf IS NOT NULL AND stated_precision IS NULL) "
        "OR (about_edtf IS NOT NULL AND about_precision IS NULL) ORDER BY id"
    )).all()  # fmt: skip
    if lost:
        named = ", ".join(f"{public_id} ({'stated ' + stated if stated else ''}{' ' if stated and about else ''}"
                          f"{'about ' + about if about else ''})" for public_id, stated, about in lost[:SHOWN])  # fmt: skip
        more = f" and {len(lost) - SHOWN} more" if len(lost) > SHOWN else ""
        raise RuntimeError(
            f"cannot downgrade below 0012: {len(lost)} claims hold dates that the columns of before EDTF cannot "
            f"say exactly (a decade, an approximate or uncertain date, an open or unknown end, or ends of two "
            f"precisions): {named}{more}. Nothing was changed; restate those dates as plain dates or periods "
            f"(claim edit --stated/--about) first, or stay at 0012."
        )
    op.drop_column("claim", "about_edtf")  # SQLite 3.35+ drops a column in place
    op.drop_column("claim", "stated_edtf")
