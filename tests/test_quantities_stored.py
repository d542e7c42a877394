"""The stored /quantities rows (analysis/stored.py, migration 0020), on SQLite and PostgreSQL:
after every kind of write that changes a total, the stored answer is the answer computed from
the claims; a write outside the write path is never hidden by a stale stored answer; a failed
write leaves the stored rows as they were; `db upgrade` fills the rows of an existing database."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from bs4 import BeautifulSoup
from pydantic import TypeAdapter
from sqlmodel import Session

from equipment_db import migrate
from equipment_db.analysis import stored, totals
from equipment_db.analysis.models import QuantityRowJSON
from equipment_db.catalog.models import System
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, cli, explain, ok  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory, content_hash, engine_for

ANADOLU = "S-PJZ2YVHP"  # a seeded source
_ROWS = TypeAdapter(list[QuantityRowJSON])
FILTERS: list[dict[str, str]] = [{}, {"kind": "transfer"}, {"kind": "inventory"}, {"counted": "missiles"},
                                 {"country": "UA"}, {"country": "PL", "kind": "transfer"}]  # fmt: skip


def _system_id(engine: sa.Engine, slug: str = "igla-s") -> int:
    with Session(engine) as session:
        return session.execute(sa.select(System.id).where(System.slug == slug)).scalar_one()


def _live(url: str, slug: str = "igla-s") -> list[dict[str, Any]]:
    """The rows computed from the claims now, as JSON."""
    engine = engine_for(url)
    try:
        with Session(engine) as session:
            return json.loads(_ROWS.dump_json(totals.quantities(session, _system_id(engine, slug))))
    finally:
        engine.dispose()


def _stale(url: str) -> list[int]:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            return [r[0] for r in connection.execute(sa.text("SELECT system_id FROM quantity_stale"))]
    finally:
        engine.dispose()


def _served(url: str, slug: str = "igla-s", **params: str) -> list[dict[str, Any]]:
    with api(url) as client:
        response = client.get(f"/v1/systems/{slug}/quantities", params=params)
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def _picked(rows: list[dict[str, Any]], kind: str | None = None, counted: str | None = None,
            country: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    return [r for r in rows if (kind is None or r["kind"] == kind) and (counted is None or r["counted"] == counted)
            and (country is None or r["country"] == country)]  # fmt: skip


def _assert_stored_is_live(url: str) -> None:
    assert _stale(url) == [], "the write path left a system listed"
    live = _live(url)
    for params in FILTERS:
        assert _served(url, **params) == _picked(live, **params), params


def _claim(url: str, *args: str) -> str:
    return ok(url, "claim", "add", "--system", "igla-s", "--source", ANADOLU, *args).stdout.strip()


def _delivery(url: str, country: str, value: str, about: str, supplier: str = "DE") -> str:
    return _claim(url, "--kind", "transfer", "--party", country, "--counterparty", supplier, "--scope", "delivered",
                  "--counted", "missiles", "--value", value, "--about", about)  # fmt: skip


def test_every_kind_of_write_keeps_the_stored_rows_equal_to_the_claims(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _assert_stored_is_live(url)  # the seed's own rows, stored by the first load
    first = _delivery(url, "UA", "1,450", "2023", "US")
    second = _delivery(url, "UA", "725", "2023", "GB")
    again = _delivery(url, "UA", "1,450", "2023", "US")
    assert [r["low"] for r in _picked(_served(url), kind="transfer", country="UA") if r["year"] == 2023] == [3625]
    _assert_stored_is_live(url)
    ok(url, "claim", "link", again, "same_as", first)  # counted once
    _assert_stored_is_live(url)
    [row] = [r for r in _served(url, country="UA", kind="transfer") if r["year"] == 2023]
    assert row["low"] == 2175 and sorted(row["claim_ids"]) == sorted([first, second])
    corrected = _delivery(url, "UA", "700", "2023", "GB")
    ok(url, "claim", "link", corrected, "supersedes", second)
    _assert_stored_is_live(url)
    ok(url, "claim", "unlink", again, "same_as", first, "--reason", "two statements after all")
    _assert_stored_is_live(url)
    ok(url, "claim", "retract", corrected, "--reason", "test: withdrawn")
    _assert_stored_is_live(url)
    ok(url, "claim", "edit", first, "--value", "1,500", "--reason", "test: corrected figure")
    _assert_stored_is_live(url)
    # an actor as the party: renaming the actor renames the row's party
    ok(url, "actor", "add", "Test Armed Group 1", "--kind", "armed_force")
    held = _claim(url, "--kind", "inventory", "--party", "actor:Test Armed Group 1", "--counted", "missiles",
                  "--value", "about 40", "--about", "2024")  # fmt: skip
    ok(url, "actor", "edit", "Test Armed Group 1", "--name", "Test Armed Group 2", "--reason", "test: renamed")
    _assert_stored_is_live(url)
    assert [r["party"] for r in _served(url, kind="inventory") if held in r["claim_ids"]] == ["Test Armed Group 2"]
    # an undated claim takes its year from its earliest source; a new earlier source moves it
    source = ok(url, "source", "add", "--kind", "web_page", "--title", "Test source 1", "--url",
                "https://example.org/test-1", "--published", "2021-05-04").stdout.strip()  # fmt: skip
    undated = ok(url, "claim", "add", "--system", "igla-s", "--source", source, "--kind", "inventory", "--party",
                 "PL", "--counted", "launchers", "--value", "12").stdout.strip()  # fmt: skip
    assert [r["year"] for r in _served(url, country="PL") if undated in r["claim_ids"]] == [2021]
    ok(url, "source", "edit", source, "--published", "2019", "--reason", "test: the date of the first edition")
    _assert_stored_is_live(url)
    assert [r["year"] for r in _served(url, country="PL") if undated in r["claim_ids"]] == [2019]
    earlier = ok(url, "source", "add", "--kind", "web_page", "--title", "Test source 2", "--url",
                 "https://example.org/test-2", "--published", "2018-01").stdout.strip()  # fmt: skip
    ok(url, "claim", "cite", undated, "--source", earlier)
    _assert_stored_is_live(url)
    assert [r["year"] for r in _served(url, country="PL") if undated in r["claim_ids"]] == [2018]


def test_a_write_outside_the_write_path_is_served_from_the_claims(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim = _delivery(url, "UA", "300", "2022")
    before = _served(url, country="UA", kind="transfer")
    engine = engine_for(url)
    try:
        with engine.begin() as connection:  # raw SQL, as a maintenance script might write
            connection.execute(sa.text("UPDATE claim SET value_low = 301, value_high = 301 WHERE public_id = :id"),
                               {"id": claim})  # fmt: skip
        system_id = _system_id(engine)
    finally:
        engine.dispose()
    assert _stale(url) == [system_id]
    after = _served(url, country="UA", kind="transfer")
    assert after != before and after == _picked(_live(url), kind="transfer", country="UA")
    assert [r["low"] for r in after if claim in r["claim_ids"]] == [301]
    ok(url, "claim", "edit", claim, "--note", "test: any edit", "--reason", "test")  # the next write stores them
    _assert_stored_is_live(url)


def test_a_failed_write_leaves_the_stored_rows_as_they_were(dbs: DatabaseFactory, tmp_path: Any) -> None:
    url = dbs.seeded()
    _delivery(url, "UA", "300", "2022")
    engine = engine_for(url)
    try:
        before = content_hash(engine)
        good = {"type": "claim", "kind": "transfer", "system": "igla-s", "country": "UA", "counterparty": "DE",
                "value": 400, "counted": "missiles", "scope": "delivered", "about": "2022",
                "citations": [{"source": ANADOLU, "quote": "Test quote 1."}]}
        lines = [good, good | {"system": "test-system-404"}]  # the second refers to no system
        path = tmp_path / "bad.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        result = cli(url, "import", str(path))
        assert result.exit_code == 1 and "test-system-404" in result.stderr, explain(result)
        assert content_hash(engine) == before
    finally:
        engine.dispose()


def test_upgrade_fills_the_rows_of_an_existing_database(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _delivery(url, "UA", "1,450", "2023", "US")
    expected = _served(url)
    engine = engine_for(url)
    try:
        migrate.downgrade(engine, "0019")
        migrate.upgrade(engine)
        with Session(engine) as session:
            assert stored.refresh(session) == 0  # upgrade left nothing listed
    finally:
        engine.dispose()
    assert _stale(url) == [] and _served(url) == expected and expected


def test_the_system_page_draws_the_most_claimed_parties_and_lists_ten_claims_a_row(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ids = [_delivery(url, "UA", str(n + 1), "2023") for n in range(12)]
    with api(url) as client:
        first = client.get("/v1/systems/igla-s", headers={"accept": "text/html"})
    assert first.status_code == 200
    page = BeautifulSoup(first.text, "html.parser")
    [cell] = [td for td in page.select("#quantities ~ figure td") if ids[0] in td.get_text()]
    assert [a.get_text() for a in cell.find_all("a")][:10] == ids[:10]
    assert " ".join(cell.get_text().split()).endswith("and 2 more")
    assert ids[11] not in cell.get_text()
    # the same page when the stored rows are stale (computed from the claims)
    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO quantity_stale (system_id) VALUES (:id)"),
                               {"id": _system_id(engine)})  # fmt: skip
    finally:
        engine.dispose()
    with api(url) as client:
        again = client.get("/v1/systems/igla-s", headers={"accept": "text/html"})
    assert _charts(again.text) == _charts(first.text) and _charts(first.text)


def _charts(html: str) -> str:
    return str(BeautifulSoup(html, "html.parser").find("h2", id="quantities").find_next_siblings("figure"))


def test_the_stored_rows_are_served_in_their_order_whatever_order_they_were_written_in(dbs: DatabaseFactory) -> None:
    """The stored rows are joined into one array (`stored._joined`: by SQLite itself); its order
    must be the rows' `position`, not the order the table holds them in."""
    url = dbs.seeded()
    for n, country in enumerate(["UA", "PL", "LT", "EE", "LV", "FI"]):
        _delivery(url, country, str(10 + n), str(2015 + n))
    expected = _served(url)
    assert len(expected) >= 6
    engine = engine_for(url)
    try:
        system_id = _system_id(engine)
        with engine.begin() as connection:  # the same rows again, written last position first
            rows = connection.execute(sa.text("SELECT * FROM quantity_row WHERE system_id = :s ORDER BY position DESC"),
                                      {"s": system_id}).mappings().all()  # fmt: skip
            connection.execute(sa.text("DELETE FROM quantity_row WHERE system_id = :s"), {"s": system_id})
            connection.execute(sa.text("INSERT INTO quantity_row (system_id, position, kind, counted, country, party, "
                                       "claims, body) VALUES (:system_id, :position, :kind, :counted, :country, "
                                       ":party, :claims, :body)"), [dict(r) for r in rows])  # fmt: skip
    finally:
        engine.dispose()
    assert _served(url) == expected
    assert _served(url, kind="transfer") == _picked(expected, kind="transfer")
    with api(url) as client:
        page = client.get("/v1/systems/igla-s", headers={"Accept": "text/html"})
    assert page.status_code == 200
