"""A claim is found by the names it stands for, not only by its own words: its system's name
and aliases, its countries' names, its party and counterparty actors and its claimant; and a
rename is found at once (triggers), on SQLite and PostgreSQL (issue 15, part 4)."""

from __future__ import annotations

import sqlalchemy as sa

from equipment_db.normalize.countries import _tables
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, ok  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory, engine_for

ANADOLU = "S-PJZ2YVHP"  # a seeded source
GROUP = "Test Zyxwvut Brigade"


def _claims(url: str, query: str) -> list[str]:
    with api(url) as client:
        response = client.get("/v1/search", params={"q": query, "types": "claim", "limit": 100})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def _add(url: str, *options: str) -> str:
    return ok(url, "claim", "add", "--system", "test-system-9", "--counted", "missiles", "--quantity", "3",
              "--note", "Test note.", "--source", ANADOLU, *options).stdout.strip()  # fmt: skip


def test_claims_are_found_by_their_system_countries_parties_and_renames(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "system", "add", "test-system-9", "--name", "Test System 9", "--category", "manpads")
    ok(url, "actor", "add", GROUP, "--kind", "armed_force")
    kosovo = _add(url, "--kind", "inventory", "--country", "XK")
    soviet = _add(url, "--kind", "transfer", "--country", "DDDE", "--counterparty", "SUHH", "--scope", "delivered")
    group = _add(url, "--kind", "transfer", "--party", f"actor:{GROUP}", "--counterparty", "unknown",
                 "--scope", "delivered")  # fmt: skip
    ours = {kosovo, soviet, group}
    assert set(_claims(url, "Test System 9")) == ours  # the wording has no system name
    assert _claims(url, "Kosovo") == [kosovo]  # stored as XK, found by its name
    assert _claims(url, "Soviet Union") == [soviet] and _claims(url, "East Germany") == [soviet]
    assert _claims(url, "Zyxwvut") == [group]
    assert _claims(url, "Qwertyuiop") == []
    ok(url, "system", "alias", "add", "test-system-9", "Qwertyuiop-7")
    assert set(_claims(url, "Qwertyuiop-7")) == ours  # an alias reaches the system's claims at once
    ok(url, "system", "edit", "test-system-9", "--name", "Asdfghjkl", "--reason", "test rename")
    assert set(_claims(url, "Asdfghjkl")) == ours and _claims(url, "Test System 9") == []
    ok(url, "actor", "edit", GROUP, "--name", "Test Mnbvcx Brigade", "--reason", "test rename")
    assert _claims(url, "Mnbvcx") == [group] and _claims(url, "Zyxwvut") == []


def test_the_country_names_search_reads_are_the_names_every_reader_shows(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.migrated())
    with engine.connect() as connection:
        stored = dict(connection.execute(sa.text("SELECT code, name FROM search_country_name")).all())
    engine.dispose()
    assert stored == _tables()[1]
