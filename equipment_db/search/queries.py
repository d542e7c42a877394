"""Full-text search over systems, claims and sources: best match first, on SQLite and PostgreSQL.

What a person types is never handed to a query parser as syntax. `search_words` cleans it
into words, and `search_tokens` splits each word where both engines split text
(`schema.SEPARATORS`: `Su-30` is `su 30`, `Igla-S` written with U+2011 is `igla s`), with
diacritics dropped. Each engine then gets the same query, which it cannot misread: every
word a phrase of its tokens, all words required, the last token of the last word also a
prefix (`"su 30" "igla s"*`), unless the query without the prefix already matches
`CANDIDATES` entries (`chosen` in `_SQLITE`).

- SQLite FTS5: each phrase a string literal (`"su 30"`), the last followed by `*`.
- PostgreSQL: `to_tsquery('simple', ...)` over quoted lexemes, `'su' <-> '30' & 'igla' <->
  's':*`; the documents were folded by `search_fold` (diacritics dropped, separators made
  spaces) before `to_tsvector('simple', ...)`, so both sides hold the same words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session, col, select

from equipment_db.catalog.models import System
from equipment_db.claims.models import Claim
from equipment_db.claims.text import describe_value
from equipment_db.errors import InvalidValue, MissingValue
from equipment_db.search.schema import DOC_TYPES, ROWID_OFFSET, SEPARATORS

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
START, STOP, ELLIPSIS = "«", "»", "…"  # around matched words in snippets
_HAS_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_SEPARATOR = re.compile(f"[{SEPARATORS}\\s]+")
_COMBINING = re.compile("[\u0300-\u036f]")  # the marks search_fold drops on PostgreSQL


@dataclass(frozen=True)
class SearchHit:
    type: str  # system, claim or source
    key: str  # slug, C-... or S-...
    title: str
    snippet: str
    score: float  # higher is better; comparable within one answer, not across engines


def search_words(text: str) -> list[str]:
    """The words of `text`: control and format characters dropped (NUL, zero-width, ...),
    split on white space, words without a letter or digit left out (they match nothing).
    Raises MissingValue (field `q`) when no word is left."""
    cleaned = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn")
    )
    words = [word for word in cleaned.split() if _HAS_LETTER_OR_DIGIT.search(word)]
    if not words:
        raise MissingValue("q", "at least one word with a letter or digit to search for")
    return words


def parse_types(text: str | None) -> tuple[str, ...]:
    """`system,claim` -> ("system", "claim"); empty means every type."""
    names = [name.strip().lower() for name in (text or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in DOC_TYPES]
    if unknown:
        raise InvalidValue("types", text, f"names an unknown type; choose from {', '.join(DOC_TYPES)}")
    return tuple(t for t in DOC_TYPES if t in names) or DOC_TYPES


def search_tokens(word: str, *, fold: bool = True) -> list[str]:
    """The tokens both engines index for `word`: split on the shared separators and, with
    `fold` (PostgreSQL's documents were folded so), diacritics dropped as `search_fold` drops
    them (NFKD, U+0300-U+036F out, NFC) and lower case: `Su-30` -> `su`, `30`. FTS5 folds
    its query words itself, as it folded its documents (`fold=False`)."""
    if fold:
        word = unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFKD", word))).lower()
    return [token for token in _SEPARATOR.split(word) if token]


def _phrases(words: Sequence[str], *, fold: bool = True) -> list[list[str]]:
    phrases = [tokens for tokens in (search_tokens(word, fold=fold) for word in words) if tokens]
    if not phrases:
        raise MissingValue("q", "at least one word with a letter or digit to search for")
    return phrases


def fts5_query(words: Sequence[str], *, prefix: bool = True) -> str:
    """Each word a phrase of its tokens, as an FTS5 string literal, joined by spaces (AND);
    the last also a prefix (unless `prefix` is false): `Su-30`, `def` -> `"su 30" "def"*`."""
    phrases = _phrases(words, fold=False)
    return " ".join('"' + " ".join(tokens).replace('"', '""') + '"' for tokens in phrases) + ("*" if prefix else "")


def tsquery(words: Sequence[str], *, prefix: bool = True) -> str:
    """The same query for PostgreSQL's `to_tsquery('simple', ...)`: `'su' <-> '30' & 'def':*`."""
    phrases = [["'" + token.replace("\\", "\\\\").replace("'", "''") + "'" for token in tokens]
               for tokens in _phrases(words)]  # fmt: skip
    if prefix:
        phrases[-1][-1] += ":*"
    return " & ".join("(" + " <-> ".join(tokens) + ")" for tokens in phrases)


DOC_TYPE_ORDER = {"system": 0, "source": 1, "claim": 2}
_ORDER = "CASE doc_type WHEN 'system' THEN 0 WHEN 'source' THEN 1 ELSE 2 END, doc_key"

# Ranking every match of a common word costs a score for each (bm25 or ts_rank, ~100 ms for
# 100,000 matches) and grows with the database. So only the CANDIDATES newest matches (of
# the types asked for) are ranked: "newest" is the order in which their entries were
# created, the search index's own order (SQLite: rowid = id * 4 + ROWID_OFFSET[type];
# PostgreSQL: the same number from doc_id and type), which both engines read without
# scoring. A word found in fewer entries is ranked over all of them, as before; for one
# found in more, the best of the newest CANDIDATES come first and an older entry that
# would have scored higher is not returned (bench/README.md, "Q4: what the ranking gives up").
CANDIDATES = 1000

# The last word is a prefix (`"pirrek"*`) unless, matched as typed, it is already found in
# CANDIDATES entries of the types asked for: FTS5 reads a prefix by merging the document list
# of every word it begins, with no way to skip to the newest (at M, 155 ms for a common word
# against 36 ms as typed). So a common last word is matched as typed, and an entry that
# holds only a longer word beginning with it (`pirreks`) is not among the candidates; a
# word found in fewer entries is still a prefix. `:exact` is the query without the prefix;
# `chosen` makes the choice once, in SQL (0.1 ms for a common word at S), and both passes use it.
#
# One pass: FTS5 ranks by its `rank` column (bm25 with the column weights) and returns
# rows in that order itself, so snippet() runs only for the rows kept. The scalar subquery
# (run once) is the rowid of the CANDIDATES-th newest match: FTS5 takes `rowid >= ...` as a
# range and scores only the matches in it. A type is read from the rowid (rowid % 4), not
# from the stored column. Ties are put in a stable order (type, key) in Python.
_SQLITE = f"""
WITH chosen(q) AS MATERIALIZED (
    SELECT CASE WHEN (SELECT rowid FROM search_index WHERE search_index MATCH :exact AND rowid % 4 IN :offsets
                      ORDER BY rowid DESC LIMIT 1 OFFSET :candidates - 1) IS NULL THEN :match ELSE :exact END
)
SELECT doc_type, doc_key, title, -rank AS score,
       snippet(search_index, -1, '{START}', '{STOP}', '{ELLIPSIS}', 16) AS snippet
FROM search_index
WHERE search_index MATCH (SELECT q FROM chosen) AND rank MATCH 'bm25(0.0, 0.0, 4.0, 1.0)' AND rowid % 4 IN :offsets
  AND rowid >= coalesce((SELECT rowid FROM search_index WHERE search_index MATCH (SELECT q FROM chosen)
                         AND rowid % 4 IN :offsets ORDER BY rowid DESC LIMIT 1 OFFSET :candidates - 1), 0)
ORDER BY rank LIMIT :limit
"""

_HEADLINE = f'StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" {ELLIPSIS} "'
_NEWEST = "d.doc_id * 4 + CASE d.doc_type WHEN 'system' THEN 1 WHEN 'claim' THEN 2 ELSE 3 END DESC"
_POSTGRES = f"""
WITH query AS (  -- the last word as typed when it is that common (`chosen` in _SQLITE)
    SELECT CASE WHEN EXISTS (SELECT 1 FROM search_document AS e
                             WHERE e.document @@ to_tsquery('simple', :exact) AND e.doc_type IN :types
                             OFFSET :candidates - 1 LIMIT 1)
                THEN to_tsquery('simple', :exact) ELSE to_tsquery('simple', :query) END AS q
), candidates AS (
    SELECT d.doc_type, d.doc_key, d.title, d.body, d.document
    FROM search_document AS d, query
    WHERE d.document @@ query.q AND d.doc_type IN :types
    ORDER BY {_NEWEST} LIMIT :candidates
), best AS (
    SELECT doc_type, doc_key, title, body, ts_rank(document, query.q) AS score
    FROM candidates, query
    ORDER BY score DESC, {_ORDER} LIMIT :limit
)
SELECT doc_type, doc_key, title, score,
       CASE WHEN strpos(shown.snippet, '{START}') > 0 THEN shown.snippet
            ELSE ts_headline('simple', search_fold(shown.text), query.q, :headline) END AS snippet
FROM best, query,
     LATERAL (SELECT t.text, ts_headline('simple', t.text, query.q, :headline) AS snippet
              FROM (SELECT CASE WHEN body = '' THEN title ELSE title || ' · ' || body END AS text) AS t
     ) AS shown
ORDER BY score DESC, {_ORDER}
"""

_POSTGRES_STATEMENT = sa.text(_POSTGRES).bindparams(sa.bindparam("types", expanding=True))


@cache
def _sqlite_statement(offsets: tuple[int, ...]) -> sa.TextClause:
    """The statement for these types, built once: their offsets are written into it (numbers
    of ours, never input), so no list parameter is expanded per call."""
    return sa.text(_SQLITE.replace(":offsets", "(" + ", ".join(map(str, offsets)) + ")"))


def search(
    session: Session | sa.Connection, text: str, *, types: Iterable[str] = DOC_TYPES, limit: int = 20,
    candidates: int = CANDIDATES,
) -> list[SearchHit]:
    """Live systems, claims and sources matching every word of `text`, best first (the best of the
    newest `candidates` matches when there are more; `limit` of them at most). `session` may be
    a bare connection: one statement needs no ORM session (the API's search lane saves its cost)."""
    words = search_words(text)
    limit = max(1, min(limit, MAX_LIMIT))
    dialect = session.dialect if isinstance(session, sa.Connection) else session.get_bind().dialect
    if dialect.name == "sqlite":
        statement = _sqlite_statement(tuple(sorted(ROWID_OFFSET[t] for t in types)))
        params = {"match": fts5_query(words), "exact": fts5_query(words, prefix=False), "limit": limit,
                  "candidates": candidates}
    else:
        statement = _POSTGRES_STATEMENT
        params = {"query": tsquery(words), "exact": tsquery(words, prefix=False), "types": list(types),
                  "limit": limit, "headline": _HEADLINE, "candidates": candidates}
    rows = session.execute(statement, params).all()
    hits = [SearchHit(type=r.doc_type, key=r.doc_key, title=r.title, snippet=r.snippet,
                      score=round(float(r.score), 6)) for r in rows]  # fmt: skip
    hits.sort(key=lambda hit: (-hit.score, DOC_TYPE_ORDER[hit.type], hit.key))
    if not any(hit.type == "claim" and not hit.title for hit in hits):
        return hits
    if isinstance(session, sa.Connection):
        with Session(bind=session) as on_connection:
            return _name_untitled_claims(on_connection, hits)
    return _name_untitled_claims(session, hits)


def _name_untitled_claims(session: Session, hits: list[SearchHit]) -> list[SearchHit]:
    """A claim without wording or subject is titled by its system and value: `igla-s: 6 km`."""
    untitled = [hit.key for hit in hits if hit.type == "claim" and not hit.title]
    statement = (
        select(Claim, System.slug)
        .outerjoin(System, col(System.id) == Claim.system_id)
        .where(col(Claim.public_id).in_(untitled))
    )
    titles = {}
    for claim, slug in session.exec(statement).all():
        value = describe_value(claim)
        titles[claim.public_id] = f"{slug}: {value}" if slug and value else slug or value or claim.public_id
    return [
        SearchHit(hit.type, hit.key, titles.get(hit.key, hit.key), hit.snippet, hit.score)
        if hit.type == "claim" and not hit.title
        else hit
        for hit in hits
    ]
