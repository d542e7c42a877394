"""a claim's search document names its system, its parties and its claimant

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 06:30:00.000000

A claim was found only by its own words: `Igla-S` did not find a claim whose wording lacked
the name, nor `Kosovo` a claim about XK, nor an armed group's name a claim it received. The
claim document's body now also holds its system's name and aliases, the names of its
countries (from `search_country_name`, a copy of the names every reader shows, filled here
from equipment_db/normalize/countries.py; tests/test_search_names.py keeps it equal at
head), and the names of its party and counterparty actors, beside the claimant's.

Documents stay current by triggers on both engines: a claim's system, countries and actors
(new watched columns), an actor's name (any of the three roles), a system's name and its
aliases (the system's claims). Every claim document is built again; the downgrade restores
revision 0016's documents.
"""

from collections.abc import Sequence
from types import ModuleType

from alembic import op

from equipment_db.migrate import revision_module

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMES = "search_country_name"
DEFERRED = "NOT EXISTS (SELECT 1 FROM search_defer)"
CLAIM_COLUMNS_BEFORE = "public_id, value_text, subject, location, note, verification_note, claimant_id, retracted_at"
CLAIM_COLUMNS = (f"{CLAIM_COLUMNS_BEFORE}, system_id, country, counterparty_country, party_actor_id, "
                 "counterparty_actor_id")  # fmt: skip
ACTOR_CLAIMS = "SELECT id FROM claim WHERE {id} IN (claimant_id, party_actor_id, counterparty_actor_id)"
SYSTEM_CLAIMS = "SELECT id FROM claim WHERE system_id = {id}"


def _fts() -> ModuleType:
    return revision_module("2026_11_23_full_text_search.py")


def _claim_document(dialect: str) -> str:
    """Revision 0002's claim document with the new names before the public id."""
    fts = _fts()
    aliases = ("SELECT group_concat(a.name, ' · ') FROM alias AS a" if dialect == "sqlite"
               else "SELECT string_agg(a.name, ' · ' ORDER BY a.id) FROM alias AS a")  # fmt: skip
    quotes = ("SELECT group_concat(ci.quote, ' … ') FROM citation AS ci" if dialect == "sqlite"
              else "SELECT string_agg(ci.quote, ' … ' ORDER BY ci.id) FROM citation AS ci")  # fmt: skip
    body = fts._fields(
        "CASE WHEN c.value_text IS NOT NULL THEN c.subject END",
        "c.location",
        "c.note",
        "c.verification_note",
        "(SELECT ac.name FROM actor AS ac WHERE ac.id = c.claimant_id)",
        f"({quotes} WHERE ci.claim_id = c.id AND ci.retracted_at IS NULL AND ci.quote IS NOT NULL)",
        "(SELECT s.name FROM system AS s WHERE s.id = c.system_id)",
        f"({aliases} WHERE a.system_id = c.system_id AND a.retracted_at IS NULL)",
        f"(SELECT n.name FROM {NAMES} AS n WHERE n.code = c.country)",
        f"(SELECT n.name FROM {NAMES} AS n WHERE n.code = c.counterparty_country)",
        "(SELECT ac.name FROM actor AS ac WHERE ac.id = c.party_actor_id)",
        "(SELECT ac.name FROM actor AS ac WHERE ac.id = c.counterparty_actor_id)",
        "c.public_id",
    )
    return ("SELECT c.id AS doc_id, c.public_id AS doc_key, coalesce(c.value_text, c.subject, '') AS title, "
            f"{body} AS body FROM claim AS c WHERE {{where}} c.retracted_at IS NULL")  # fmt: skip


def _names() -> None:
    from equipment_db.normalize.countries import _tables

    op.execute(f"CREATE TABLE {NAMES} (code varchar(4) NOT NULL, name text NOT NULL, "
               f"CONSTRAINT pk_{NAMES} PRIMARY KEY (code))")  # fmt: skip
    rows = sorted(_tables()[1].items())
    values = ", ".join("('" + code + "', '" + name.replace("'", "''") + "')" for code, name in rows)
    op.execute(f"INSERT INTO {NAMES} (code, name) VALUES {values}")


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_refresh(ids: str) -> str:
    """Statements replacing the documents of the claims `ids` names (a list or a SELECT of ids)."""
    return (f"DELETE FROM search_index WHERE rowid IN (SELECT id * 4 + 2 FROM claim WHERE id IN ({ids}));\n"
            "INSERT INTO search_index (rowid, doc_type, doc_key, title, body) "
            "SELECT doc_id * 4 + 2, 'claim', doc_key, title, body FROM search_doc_claim "
            f"WHERE doc_id IN ({ids});")  # fmt: skip


def _sqlite_triggers(columns: str, *, names: bool) -> list[str]:
    """The claim update trigger and the actor trigger (revision 0003's, watching `columns`);
    with `names`, also the system and alias triggers that refresh a system's claims."""
    ids = "OLD.id, NEW.id"
    actor_ids = ACTOR_CLAIMS.format(id="NEW.id") if names else "SELECT id FROM claim WHERE claimant_id = NEW.id"
    statements = [
        f"CREATE TRIGGER search_claim_update AFTER UPDATE OF {columns} ON claim WHEN {DEFERRED} BEGIN\n"
        f"{_sqlite_refresh(ids)}\nEND",
        f"CREATE TRIGGER search_actor_update AFTER UPDATE OF name ON actor WHEN {DEFERRED} BEGIN\n"
        f"{_sqlite_refresh(actor_ids)}\nEND",
    ]
    if names:
        statements += [
            f"CREATE TRIGGER search_system_claims AFTER UPDATE OF name ON system WHEN {DEFERRED} BEGIN\n"
            f"{_sqlite_refresh(SYSTEM_CLAIMS.format(id='NEW.id'))}\nEND",
            *(f"CREATE TRIGGER search_alias_claims_{event} AFTER {when} ON alias WHEN {DEFERRED} BEGIN\n"
              f"{_sqlite_refresh(SYSTEM_CLAIMS.format(id=row + '.system_id'))}\nEND"
              for event, when, row in (("insert", "INSERT", "NEW"), ("delete", "DELETE", "OLD"),
                                       ("update", "UPDATE OF system_id, name, retracted_at", "NEW"))),
        ]  # fmt: skip
    return statements


NEW_SQLITE_TRIGGERS = ("search_system_claims", "search_alias_claims_insert", "search_alias_claims_delete",
                       "search_alias_claims_update")  # fmt: skip


def _sqlite(document: str, columns: str, *, names: bool) -> None:
    op.execute("DROP VIEW search_doc_claim")
    op.execute(f"CREATE VIEW search_doc_claim AS {document.format(where='')}")
    for name in ("search_claim_update", "search_actor_update", *NEW_SQLITE_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _sqlite_triggers(columns, names=names):
        op.execute(statement)
    op.execute("DELETE FROM search_index WHERE doc_type = 'claim'")
    op.execute("INSERT INTO search_index (rowid, doc_type, doc_key, title, body) "
               "SELECT doc_id * 4 + 2, 'claim', doc_key, title, body FROM search_doc_claim")  # fmt: skip


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_refresh_claim(document: str) -> str:
    """Revision 0002's search_refresh_claim, over `document`."""
    return _fts()._pg_refresh_function("claim", document).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def _pg_claims_function(name: str, ids: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT {DEFERRED} THEN RETURN NULL; END IF;
    PERFORM search_refresh_claim(ARRAY({ids}));
    RETURN NULL;
END $$
"""


def _pg(document: str, columns: str, *, names: bool) -> None:
    op.execute(_pg_refresh_claim(document))
    op.execute("DROP TRIGGER search_claim_changed ON claim")
    op.execute(f"CREATE TRIGGER search_claim_changed AFTER INSERT OR DELETE OR UPDATE OF {columns} ON claim "
               "FOR EACH ROW EXECUTE FUNCTION search_claim_changed()")  # fmt: skip
    actor = ACTOR_CLAIMS.format(id="NEW.id") if names else "SELECT id FROM claim WHERE claimant_id = NEW.id"
    op.execute(_pg_claims_function("search_actor_changed", actor))
    if names:
        op.execute(_pg_claims_function("search_system_claims_changed", SYSTEM_CLAIMS.format(id="NEW.id")))
        op.execute("CREATE TRIGGER search_system_claims AFTER UPDATE OF name ON system "
                   "FOR EACH ROW EXECUTE FUNCTION search_system_claims_changed()")  # fmt: skip
        alias = ("SELECT id FROM claim WHERE system_id IN ("
                 "CASE WHEN TG_OP = 'DELETE' THEN OLD.system_id ELSE NEW.system_id END, "
                 "CASE WHEN TG_OP = 'INSERT' THEN NEW.system_id ELSE OLD.system_id END)")  # fmt: skip
        op.execute(_pg_claims_function("search_alias_claims_changed", alias))
        op.execute("CREATE TRIGGER search_alias_claims AFTER INSERT OR DELETE OR UPDATE OF system_id, name, "
                   "retracted_at ON alias FOR EACH ROW EXECUTE FUNCTION search_alias_claims_changed()")  # fmt: skip
    else:
        op.execute("DROP TRIGGER IF EXISTS search_system_claims ON system")
        op.execute("DROP TRIGGER IF EXISTS search_alias_claims ON alias")
        op.execute("DROP FUNCTION IF EXISTS search_system_claims_changed()")
        op.execute("DROP FUNCTION IF EXISTS search_alias_claims_changed()")
    op.execute("SELECT search_refresh_claim(ARRAY(SELECT id FROM claim))")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _names()
    (_sqlite if dialect == "sqlite" else _pg)(_claim_document(dialect), CLAIM_COLUMNS, names=True)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    document = _fts()._documents(dialect)["claim"]
    (_sqlite if dialect == "sqlite" else _pg)(document, CLAIM_COLUMNS_BEFORE, names=False)
    op.execute(f"DROP TABLE {NAMES}")
