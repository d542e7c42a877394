"""The names of the full-text search objects, and the filter that hides them from autogenerate.

The objects live only in the migration `2026_11_23_full_text_search` (revision 0002), never in
the table models: database triggers keep them current, so every write path (the services,
the bulk importer's Core inserts, a hand-written UPDATE) updates the index without code.

SQLite: the FTS5 table `search_index` (and the shadow tables FTS5 keeps beside it,
`search_index_data`, `..._idx`, `..._content`, `..._docsize`, `..._config`); triggers named
`search_*`. A document's rowid is `id * 4 + ROWID_OFFSET[doc_type]`, so a trigger replaces
one document by rowid without scanning the index.

PostgreSQL: the table `search_document` with a `tsvector` column and a GIN index, the
function `search_fold` (drops diacritics) and plpgsql functions and triggers named `search_*`.

Caution for later migrations on SQLite: batch mode rebuilds a table by copy, drop and
rename. The drop takes that table's triggers with it, and the rename fails while triggers
on other tables name the dropped one ("error in trigger search_citation_insert: no such
table: main.claim"). A migration that batch-alters system, alias, claim, citation, actor
or source must drop the `search_*` triggers first and create them again afterwards (copy
the statements of the migration that last defined them); tests/test_search.py checks
that every trigger exists at head.
"""

from __future__ import annotations

from typing import Any

DOC_TYPES = ("system", "claim", "source")

# The characters both engines take as between words, so that `Su-30`, `F-16`, `Igla-S` (also
# U+2011, a non-breaking hyphen), `9K38` and `example.org` are the same words on each: ASCII
# punctuation and symbols, Latin-1's (not its letters and digits: ª º µ ² ³ ¹ ¼ ½ ¾), and
# the General, Supplemental and CJK punctuation blocks (dashes, quotes, spaces). SQLite's
# unicode61 tokenizer already splits on them; on PostgreSQL `search_fold` turns them into
# spaces (revision 0016 repeats this class, as a migration must), and the query words are
# split in Python on the same class (search/queries.py).
SEPARATORS = (r"!-/:-@\[-`{-~\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7"
              r"\u2000-\u206f\u2e00-\u2e7f\u3000-\u303f")  # fmt: skip
SQLITE_INDEX = "search_index"
PG_TABLE = "search_document"
DEFER_TABLE = "search_defer"  # a row in it makes the triggers skip (migration 0003)
NAMES_TABLE = "search_country_name"  # the country names claim documents read (migration 0017)
ROWID_OFFSET = {"system": 1, "claim": 2, "source": 3}
_FTS5_SHADOWS = frozenset(
    f"{SQLITE_INDEX}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")
)
# kept by triggers (migration 0005); the stored /quantities rows and the systems whose rows are stale (0020)
AGGREGATE_TABLES = ("claim_count", "quantity_tally", "quantity_row", "quantity_stale")
TABLES = frozenset({SQLITE_INDEX, PG_TABLE, DEFER_TABLE, NAMES_TABLE, *AGGREGATE_TABLES}) | _FTS5_SHADOWS
# Indexes on an expression that each engine spells its own way (NULLS LAST): declared only by
# their migration (0021), like the search objects, and left out of the comparison with the models.
MIGRATION_ONLY_INDEXES = frozenset({"ix_claim_timeline"})


def is_search_table(name: str | None) -> bool:
    return name in TABLES


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic `include_name`: skip the search tables before they are reflected."""
    return not (type_ == "table" and is_search_table(name))


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic `include_object`: skip the search tables, anything that belongs to them, and the
    migration-only indexes."""
    if type_ == "table":
        return not is_search_table(name)
    if type_ == "index" and name in MIGRATION_ONLY_INDEXES:
        return False
    table = getattr(obj, "table", None)
    return not (table is not None and is_search_table(table.name))
