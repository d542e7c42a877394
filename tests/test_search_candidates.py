"""Which matches a search ranks (issue 18): a word found in more than `CANDIDATES` entries of
the types asked for is ranked over the newest `CANDIDATES` of them only, in the order their
entries were created; a word found in fewer is ranked over all. The same on SQLite and
PostgreSQL. `candidates` is lowered here so that a handful of claims show it."""

from __future__ import annotations

import sqlalchemy as sa

from equipment_db.database import session_scope
from equipment_db.search import queries as search_queries
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import add_claim, populate

WORD = "zorblat"


def _claims(engine: sa.Engine, source: str | None = None) -> list[str]:
    """Five claims holding WORD, oldest first; the oldest holds it most often (the best score)."""
    source = source or populate(engine)["source"]
    best = add_claim(engine, source, note=f"Test note: {WORD} {WORD} {WORD} {WORD}.")
    others = [add_claim(engine, source, note=f"Test note {n}: one {WORD} among many other plain words here.")
              for n in range(4)]  # fmt: skip
    return [best, *others]


def _found(engine: sa.Engine, q: str, **options: object) -> list[search_queries.SearchHit]:
    with session_scope(engine) as session:
        return search_queries.search(session, q, **options)  # type: ignore[arg-type]


def test_a_word_in_fewer_entries_than_the_candidates_is_ranked_over_all_of_them(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.migrated())
    claims = _claims(engine)
    hits = _found(engine, WORD, candidates=5)
    assert hits[0].key == claims[0], hits
    assert sorted(h.key for h in hits) == sorted(claims)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_common_word_is_ranked_over_its_newest_matches_only(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.migrated())
    claims = _claims(engine)
    hits = _found(engine, WORD, candidates=3)
    assert sorted(h.key for h in hits) == sorted(claims[-3:]), hits  # the oldest two are not ranked
    assert claims[0] not in [h.key for h in _found(engine, WORD, candidates=4)]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_the_candidates_are_counted_among_the_types_asked_for(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.migrated())
    _claims(engine)  # the source of populate() is older than every claim; it holds no WORD
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE source SET title = :title"), {"title": f"Test {WORD} source"})
    newest_first = [h.key for h in _found(engine, WORD, candidates=2, types=("source",))]
    assert len(newest_first) == 1, newest_first  # the source is older than every claim, still ranked
    assert {h.type for h in _found(engine, WORD, candidates=2)} == {"claim"}
    assert len(_found(engine, WORD, candidates=2, types=("claim",))) == 2


def test_a_last_word_that_common_as_typed_is_not_also_read_as_a_prefix(dbs: DatabaseFactory) -> None:
    """A last word is a prefix (`zorblat` finds `zorblats`) unless, as typed, it is already found in
    `candidates` entries: then the longer word's entries are not among the candidates."""
    engine = engine_for(dbs.migrated())
    source = populate(engine)["source"]
    claims = _claims(engine, source)  # five claims hold WORD as typed
    longer = add_claim(engine, source, note=f"Test note: only {WORD}s here.")  # the newest entry
    as_prefix = _found(engine, WORD, candidates=6)  # fewer than 6 as typed: a prefix
    assert sorted(h.key for h in as_prefix) == sorted([*claims, longer]), as_prefix
    as_typed = _found(engine, WORD, candidates=5)  # 5 as typed: matched as typed, the newest 5 of them
    assert sorted(h.key for h in as_typed) == sorted(claims), as_typed
    assert [h.key for h in _found(engine, f"{WORD}s", candidates=5)] == [longer]
    two_words = _found(engine, f"only {WORD}", candidates=5)  # as typed in no entry: still a prefix
    assert [h.key for h in two_words] == [longer]
