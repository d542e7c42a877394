"""full text search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 21:05:00.000000

One search document per live system, claim and source, kept current by triggers so that
every write path (services, the bulk importer's Core inserts, plain SQL) updates it.
Retracted entries have no document. The migration backfills documents for existing rows.

- system: title = name; body = aliases, manufacturer, description, slug
- claim: title = value_text or subject; body = subject, location, note, verification note,
  the claimant's name, the quotes of live citations, public id
- source: title = title or publisher; body = publisher, authors, note, public id

SQLite: FTS5 table `search_index` (unicode61, diacritics removed), rowid = id * 4 + 1/2/3.
PostgreSQL: table `search_document` (tsvector, GIN index) filled by plpgsql functions; text
is folded by `search_fold` (NFKD, combining marks dropped) before `to_tsvector('simple', ...)`.
Names are repeated in equipment_db/search/schema.py (migrations do not import the app).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEP = "' · '"  # between the fields of a body; substr(..., 4) drops the leading one

# table -> (the columns its documents read, the document type it feeds)
WATCHED = {
    "system": ("slug, name, manufacturer, description, retracted_at", "system"),
    "alias": ("system_id, name, retracted_at", "system"),
    "claim": (
        "public_id, value_text, subject, location, note, verification_note, claimant_id, retracted_at",
        "claim",
    ),
    "citation": ("claim_id, quote, retracted_at", "claim"),
    "source": ("public_id, title, publisher, authors, note, retracted_at", "source"),
}


def _fields(*parts: str) -> str:
    return "substr(" + " || ".join(f"coalesce({SEP} || {part}, '')" for part in parts) + ", 4)"


def _documents(dialect: str) -> dict[str, str]:
    """SELECT doc_id, doc_key, title, body FROM live rows; `{where}` narrows it to some ids."""
    if dialect == "sqlite":
        aliases = "SELECT group_concat(a.name, ' · ') FROM alias AS a"
        quotes = "SELECT group_concat(ci.quote, ' … ') FROM citation AS ci"
        authors = (
            "SELECT group_concat(j.value, ', ') FROM json_each("
            "CASE WHEN NOT json_valid(src.authors) THEN '[]' "
            "WHEN json_type(src.authors) = 'array' THEN src.authors ELSE '[]' END) AS j"
        )
    else:
        aliases = "SELECT string_agg(a.name, ' · ' ORDER BY a.id) FROM alias AS a"
        quotes = "SELECT string_agg(ci.quote, ' … ' ORDER BY ci.id) FROM citation AS ci"
        authors = (
            "SELECT string_agg(j.value, ', ') FROM json_array_elements_text("
            "CASE WHEN json_typeof(src.authors) = 'array' THEN src.authors ELSE '[]'::json END) AS j"
        )
    system = _fields(
        f"({aliases} WHERE a.system_id = s.id AND a.retracted_at IS NULL)",
        "s.manufacturer",
        "s.description",
        "s.slug",
    )
    claim = _fields(
        "CASE WHEN c.value_text IS NOT NULL THEN c.subject END",
        "c.location",
        "c.note",
        "c.verification_note",
        "(SELECT ac.name FROM actor AS ac WHERE ac.id = c.claimant_id)",
        f"({quotes} WHERE ci.claim_id = c.id AND ci.retracted_at IS NULL AND ci.quote IS NOT NULL)",
        "c.public_id",
    )
    source = _fields(
        "CASE WHEN src.title IS NOT NULL THEN src.publisher END",
        f"({authors})",
        "src.note",
        "src.public_id",
    )
    return {
        "system": f"SELECT s.id AS doc_id, s.slug AS doc_key, s.name AS title, {system} AS body "
        "FROM system AS s WHERE {where} s.retracted_at IS NULL",
        "claim": "SELECT c.id AS doc_id, c.public_id AS doc_key, "
        f"coalesce(c.value_text, c.subject, '') AS title, {claim} AS body "
        "FROM claim AS c WHERE {where} c.retracted_at IS NULL",
        "source": "SELECT src.id AS doc_id, src.public_id AS doc_key, "
        f"coalesce(src.title, src.publisher, '') AS title, {source} AS body "
        "FROM source AS src WHERE {where} src.retracted_at IS NULL",
    }


ALIAS = {"system": "s", "claim": "c", "source": "src"}
OFFSET = {"system": 1, "claim": 2, "source": 3}


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_insert(doc_type: str, where: str) -> str:
    select = _documents("sqlite")[doc_type].format(where=where)
    return (
        "INSERT INTO search_index (rowid, doc_type, doc_key, title, body) "
        f"SELECT d.doc_id * 4 + {OFFSET[doc_type]}, '{doc_type}', d.doc_key, d.title, d.body FROM ({select}) AS d"
    )


def _sqlite_refresh(doc_type: str, ids: list[str]) -> str:
    """Statements replacing the documents of `doc_type` whose ids are `ids` (SQL expressions)."""
    deletes = "".join(f"DELETE FROM search_index WHERE rowid = {i} * 4 + {OFFSET[doc_type]};\n" for i in ids)
    return deletes + _sqlite_insert(doc_type, f"{ALIAS[doc_type]}.id IN ({', '.join(ids)}) AND") + ";"


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, (columns, doc_type) in WATCHED.items():
        key = "id" if table == doc_type else f"{doc_type}_id"
        events = {
            "insert": ("AFTER INSERT", [f"NEW.{key}"]),
            "update": (f"AFTER UPDATE OF {columns}", [f"OLD.{key}", f"NEW.{key}"]),
            "delete": ("AFTER DELETE", [f"OLD.{key}"]),
        }
        for name, (event, ids) in events.items():
            statements.append(
                f"CREATE TRIGGER search_{table}_{name} {event} ON {table} BEGIN\n"
                f"{_sqlite_refresh(doc_type, ids)}\nEND"
            )
    claims = "SELECT id FROM claim WHERE claimant_id = NEW.id"
    statements.append(
        "CREATE TRIGGER search_actor_update AFTER UPDATE OF name ON actor BEGIN\n"
        f"DELETE FROM search_index WHERE rowid IN (SELECT id * 4 + 2 FROM claim WHERE claimant_id = NEW.id);\n"
        f"{_sqlite_insert('claim', f'c.id IN ({claims}) AND')};\nEND"
    )
    return statements


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "doc_type UNINDEXED, doc_key UNINDEXED, title, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    for statement in _sqlite_triggers():
        op.execute(statement)
    for doc_type in OFFSET:
        op.execute(_sqlite_insert(doc_type, ""))


def _sqlite_downgrade() -> None:
    for table in WATCHED:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{name}")
    op.execute("DROP TRIGGER IF EXISTS search_actor_update")
    op.execute("DROP TABLE IF EXISTS search_index")


# --- PostgreSQL ----------------------------------------------------------------------------

FOLD = r"""
CREATE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT normalize(regexp_replace(normalize(value, NFKD), '[\u0300-\u036f]', '', 'g'), NFC) $$
"""
FOLD_NOT_UTF8 = """
CREATE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT value $$
"""


def _pg_refresh_function(doc_type: str, document: str | None = None) -> str:
    """The function that rebuilds documents of `doc_type` by id; `document` (a query with a
    `{where}`) replaces this revision's, as later revisions do with CREATE OR REPLACE."""
    query = document or _documents("postgresql")[doc_type]
    select = query.format(where=f"{ALIAS[doc_type]}.id = ANY(ids) AND")
    return f"""
CREATE FUNCTION search_refresh_{doc_type}(ids integer[]) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan  -- plans for the table sizes of now, not of the first call
AS $$
BEGIN
    DELETE FROM search_document WHERE doc_type = '{doc_type}' AND doc_id = ANY(ids);
    INSERT INTO search_document (doc_type, doc_id, doc_key, title, body, document)
    SELECT '{doc_type}', d.doc_id, d.doc_key, d.title, d.body,
           setweight(to_tsvector('simple', search_fold(d.title)), 'A')
           || setweight(to_tsvector('simple', search_fold(d.body)), 'B')
    FROM ({select}) AS d;
END $$
"""


def _pg_trigger(table: str, columns: str, doc_type: str) -> list[str]:
    key = "id" if table == doc_type else f"{doc_type}_id"
    return [
        f"""
CREATE FUNCTION search_{table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_refresh_{doc_type}(ARRAY[NEW.{key}]);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM search_refresh_{doc_type}(ARRAY[OLD.{key}, NEW.{key}]);
    ELSE
        PERFORM search_refresh_{doc_type}(ARRAY[OLD.{key}]);
    END IF;
    RETURN NULL;
END $$
""",
        f"CREATE TRIGGER search_{table}_changed AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION search_{table}_changed()",
    ]


ACTOR_TRIGGER = [
    """
CREATE FUNCTION search_actor_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_refresh_claim(ARRAY(SELECT id FROM claim WHERE claimant_id = NEW.id));
    RETURN NULL;
END $$
""",
    "CREATE TRIGGER search_actor_changed AFTER UPDATE OF name ON actor "
    "FOR EACH ROW EXECUTE FUNCTION search_actor_changed()",
]


def _pg_upgrade() -> None:
    utf8 = op.get_bind().exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
    op.execute(FOLD if utf8 else FOLD_NOT_UTF8)
    op.execute(
        "CREATE TABLE search_document ("
        "doc_type varchar(10) NOT NULL, doc_id integer NOT NULL, doc_key varchar(200) NOT NULL, "
        "title text NOT NULL, body text NOT NULL, document tsvector NOT NULL, "
        "CONSTRAINT pk_search_document PRIMARY KEY (doc_type, doc_id))"
    )
    op.execute("CREATE INDEX ix_search_document_document ON search_document USING gin (document)")
    for doc_type in OFFSET:
        op.execute(_pg_refresh_function(doc_type))
    for table, (columns, doc_type) in WATCHED.items():
        for statement in _pg_trigger(table, columns, doc_type):
            op.execute(statement)
    for statement in ACTOR_TRIGGER:
        op.execute(statement)
    for doc_type, table in (("system", "system"), ("claim", "claim"), ("source", "source")):
        op.execute(f"SELECT search_refresh_{doc_type}(ARRAY(SELECT id FROM {table}))")


def _pg_downgrade() -> None:
    for table in (*WATCHED, "actor"):
        op.execute(f"DROP TRIGGER IF EXISTS search_{table}_changed ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS search_{table}_changed()")
    for doc_type in OFFSET:
        op.execute(f"DROP FUNCTION IF EXISTS search_refresh_{doc_type}(integer[])")
    op.execute("DROP TABLE IF EXISTS search_document")
    op.execute("DROP FUNCTION IF EXISTS search_fold(text)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _pg_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_downgrade()
    else:
        _pg_downgrade()
