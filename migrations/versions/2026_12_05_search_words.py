"""search words split alike on both engines

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 06:00:00.000000

PostgreSQL's parser read `Su-30` as `su` and `-30` (a negative number) and `F-16A` as `f`
and `-16a`, where SQLite's unicode61 tokenizer reads `su 30` and `f 16a`: the same search
found different claims on the two engines. `search_fold` now also turns the separators
SQLite splits on (equipment_db/search/schema.py SEPARATORS, repeated here as a migration
must) into spaces, and every document is built again. The queries are split in Python on
the same class (search/queries.py). SQLite's documents do not change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEPARATORS = (r"!-/:-@\[-`{-~\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7"
              r"\u2000-\u206f\u2e00-\u2e7f\u3000-\u303f")  # fmt: skip
DIACRITICS = r"normalize(regexp_replace(normalize(value, NFKD), '[\u0300-\u036f]', '', 'g'), NFC)"
FOLDS = {  # (UTF-8 database, other encodings), as revision 0002 defined it, then now
    "before": (f"SELECT {DIACRITICS}", "SELECT value"),
    "after": (f"SELECT regexp_replace({DIACRITICS}, '[{SEPARATORS}]+', ' ', 'g')",
              r"SELECT regexp_replace(value, '[!-/:-@\[-`{-~]+', ' ', 'g')"),
}  # fmt: skip


def _fold(which: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    utf8 = bind.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
    body = FOLDS[which][0 if utf8 else 1]
    op.execute("CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text "
               f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ {body} $$")  # fmt: skip
    for doc_type, table in (("system", "system"), ("claim", "claim"), ("source", "source")):
        op.execute(f"SELECT search_refresh_{doc_type}(ARRAY(SELECT id FROM {table}))")


def upgrade() -> None:
    _fold("after")


def downgrade() -> None:
    _fold("before")
