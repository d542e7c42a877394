"""`equipment-db claim ...`: add each kind, cite, edit, verify, rank, grade, link, retract, show,
history, list filters and prompting, driven in-process through the Typer app.

Every refused command exits 1 with one stderr line naming the field and the value and
leaves the database exactly as it was. Seed data: C-YSESYR2E is Maduro's "no less than
5,000" Igla-S deployment claim, reported by Anadolu (S-PJZ2YVHP) citing CNN (S-SNXDBGDV).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa

from cli import claims as claims_cli
from equipment_db.normalize.dates import ABOUT_FORMS, STATED_FORMS
from equipment_db.normalize.wording import EXPLICIT
from tests.cli_helpers import (  # noqa: F401  (_dispose_engines is an autouse fixture)
    EDITOR,
    _dispose_engines,
    assert_each_refused,
    assert_refused,
    cli,
    explain,
    lines,
    ok,
    read_json,
    runner,
    state,
)
from tests.dbs import DatabaseFactory, engine_for

CLAIM_ID = re.compile(r"C-[0-9A-Z]{8}")

MADURO = "C-YSESYR2E"  # deployment, igla-s, VE, at least 5,000 missiles, stated 2025-10-22
SPUTNIK_SAME_SPEECH = "C-3B9KZ769"  # same_as MADURO (a seeded link)
IGLA_MAX_RANGE_6_KM = "C-FHB0D92J"
IGLA_MAX_RANGE_UP_TO_6_KM = "C-6RH566YT"
IGLA_MAX_ALTITUDE = "C-7X47R46A"
SIPRI_2009, SIPRI_2010, SIPRI_2012 = "C-GEPDCDFB", "C-6MP0SGJ6", "C-P9G7JEAH"
ANADOLU, CNN, SPUTNIK_GLOBE, REUTERS = "S-PJZ2YVHP", "S-SNXDBGDV", "S-XRJZ0AG7", "S-5ZNDAYN3"
SPUTNIK_GLOBE_URL = (
    "https://sputnikglobe.com/20251023/venezuela-warns-us-we-have-5000-russian-missiles-1123002538.html"
)


# --- helpers ------------------------------------------------------------------------------------


def show(url: str, claim_id: str) -> dict[str, Any]:
    return read_json(url, "claim", "show", claim_id)


def history(url: str, claim_id: str) -> list[tuple[int, str, str, str | None]]:
    rows = read_json(url, "claim", "history", claim_id)
    for row in rows:
        datetime.fromisoformat(row["at"])
    return [(row["version"], row["action"], row["editor"], row["reason"]) for row in rows]


def listed(url: str, *filters: str) -> set[str]:
    return {row["id"] for row in read_json(url, "claim", "list", *filters)}


def add_claim(url: str, *args: str) -> str:
    """`claim add ARGS`: stdout is the new id and nothing else."""
    result = ok(url, "claim", "add", *args)
    assert CLAIM_ID.fullmatch(result.stdout.removesuffix("\n")), result.stdout
    assert result.stderr == ""
    return result.stdout.strip()


def inventory(**changes: str | None) -> list[str]:
    """`claim add` options for a valid inventory claim; a change of None drops that option."""
    options: dict[str, str | None] = {
        "kind": "inventory", "system": "igla-s", "country": "VE", "value": "100", "counted": "missiles",
        "source": ANADOLU,
    }  # fmt: skip
    options.update(changes)
    return [part for name, value in options.items() if value is not None for part in (f"--{name}", value)]


# --- claim add, each kind ----------------------------------------------------------------------

KIND_CASES: list[tuple[str, list[str], dict[str, Any]]] = [
    ("specification-up-to-6-km",
     ["--kind", "specification", "--system", "SA-24", "--attribute", "max_range", "--value", "up to 6 kilometers",
      "--quote", "Test quote: up to 6 kilometers."],
     {"kind": "specification", "system": "igla-s", "attribute": "max_range", "value_low": None, "value_high": 6,
      "unit": "km", "qualifier": "up_to", "value_text": "up to 6 kilometers", "counted": None, "scope": None,
      "value_as_worded": "up to 6 km"}),
    ("inventory-no-less-than-5000",
     ["--kind", "inventory", "--system", "igla-s", "--country", "Venezuela", "--value", "no less than 5,000",
      "--counted", "missiles", "--claimant", "nicolás maduro", "--stated", "2025-10-22"],
     {"kind": "inventory", "system": "igla-s", "country": "VE", "value_low": 5000, "value_high": None, "unit": None,
      "qualifier": "at_least", "value_text": "no less than 5,000", "counted": "missiles", "scope": "inventory",
      "claimant": "Nicolás Maduro", "stated": "2025-10-22", "value_as_worded": "at least 5,000 missiles"}),
    ("inventory-unspecified-millions",
     ["--kind", "inventory", "--subject", "Test militia 9", "--country", "VE", "--qualifier", "unspecified",
      "--value", "millions", "--counted", "personnel"],
     {"kind": "inventory", "system": None, "subject": "Test militia 9", "value_low": None, "value_high": None,
      "qualifier": "unspecified", "value_text": "millions", "counted": "personnel", "scope": "inventory",
      "value_as_worded": "unspecified (millions) personnel"}),
    ("transfer-with-counterparty",
     ["--kind", "transfer", "--system", "igla-s", "--country", "VE", "--counterparty", "Russia",
      "--value", "about 200", "--counted", "missiles", "--scope", "delivered", "--about", "2009/2010"],
     {"kind": "transfer", "country": "VE", "counterparty_country": "RU", "value_low": 200, "value_high": 200,
      "qualifier": "approximately", "counted": "missiles", "scope": "delivered", "about": "2009/2010",
      "value_as_worded": "about 200 missiles"}),
    ("capability-with-target-type",
     ["--kind", "capability", "--system", "igla-s", "--target-type", "Helicopter",
      "--value-text", "can engage helicopters"],
     {"kind": "capability", "target_type": "helicopter", "value_text": "can engage helicopters", "qualifier": None,
      "counted": None, "value_as_worded": "can engage helicopters"}),
    ("comparison-with-related-system",
     ["--kind", "comparison", "--system", "igla-s", "--related-system", "Stinger",
      "--value-text", "comparable to the Stinger"],
     {"kind": "comparison", "system": "igla-s", "related_system": "fim-92-stinger",
      "value_text": "comparable to the Stinger"}),
    ("deployment-with-location",
     ["--kind", "deployment", "--system", "igla-s", "--country", "VE", "--location", "Test Location 9"],
     {"kind": "deployment", "country": "VE", "location": "Test Location 9", "value_low": None, "value_high": None,
      "counted": None, "scope": None}),
    ("use",
     ["--kind", "use", "--system", "fim-92", "--country", "UA", "--value", "at least 6", "--counted", "missiles"],
     {"kind": "use", "system": "fim-92-stinger", "country": "UA", "value_low": 6, "value_high": None,
      "qualifier": "at_least", "scope": "used", "value_as_worded": "at least 6 missiles"}),
    ("production-range",
     ["--kind", "production", "--system", "Stinger", "--country", "US", "--value", "between 500 and 600",
      "--counted", "missiles", "--stated", "2025-10"],
     {"kind": "production", "country": "US", "value_low": 500, "value_high": 600, "qualifier": "range",
      "scope": "produced", "stated": "2025-10", "value_as_worded": "500 to 600 missiles"}),
    ("loss",
     ["--kind", "loss", "--system", "Stinger", "--country", "UA", "--value", "3", "--counted", "launchers"],
     {"kind": "loss", "country": "UA", "value_low": 3, "value_high": 3, "qualifier": "exact", "counted": "launchers",
      "scope": "lost", "value_as_worded": "3 launchers"}),
]  # fmt: skip


def test_claim_add_prints_the_new_id_and_stores_each_kind_as_worded(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    for case, args, expected in KIND_CASES:
        claim_id = add_claim(url, *args, "--source", ANADOLU)
        record = show(url, claim_id)
        assert {key: record[key] for key in expected} == expected, case
        assert (record["id"], record["version"], record["rank"], record["verification_status"]) == (
            claim_id, 1, "normal", "unverified"
        ), case  # fmt: skip
        assert [(c["source"], c["role"]) for c in record["citations"]] == [(ANADOLU, "reports")], case
        assert history(url, claim_id) == [(1, "create", EDITOR, None)], case


def test_claim_add_stores_a_specification_in_the_canonical_unit(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim_id = add_claim(url, "--kind", "specification", "--system", "igla-s", "--attribute", "max_range",
                         "--value", "up to 6 kilometers", "--source", ANADOLU)  # fmt: skip
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("SELECT value_low, value_high, unit, original_unit, qualifier FROM claim "
                        "WHERE public_id = :id"), {"id": claim_id},
            ).one()  # fmt: skip
    finally:
        engine.dispose()
    assert tuple(stored) == (None, 6000.0, "m", "km", "up_to")


def test_claim_add_keeps_citation_status_rank_note_and_given_id(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim_id = add_claim(
        url, *inventory(), "--quote", "Test quote.", "--locator", "para 3", "--role", "cited_in",
        "--status", "disputed", "--verification-note", "Test verification note.", "--rank", "deprecated",
        "--note", "Test note.", "--id", "c-0000000l",
    )  # fmt: skip
    assert claim_id == "C-00000001"  # ids are read case-insensitively, l as 1
    record = show(url, claim_id)
    assert [{k: c[k] for k in ("source", "quote", "locator", "role")} for c in record["citations"]] == [
        {"source": ANADOLU, "quote": "Test quote.", "locator": "para 3", "role": "cited_in"}
    ]
    assert (record["verification_status"], record["verification_note"], record["rank"], record["note"]) == (
        "disputed", "Test verification note.", "deprecated", "Test note."
    )  # fmt: skip


# --- claim add errors ---------------------------------------------------------------------------

ADD_ERRORS: list[tuple[str, list[str], str]] = [
    ("bad-country", inventory(country="Narnia"), "country: 'Narnia' is not an ISO 3166 country code or name"),
    ("bad-counterparty", inventory(kind="transfer", counterparty="Narnia", scope="delivered"),
     "counterparty: 'Narnia' is neither a country nor a known actor; add the actor first (actor add), or say "
     "unknown (is not an ISO 3166 country code or name)"),
    ("bad-date", inventory(stated="2025-02-30"),
     f"stated: '2025-02-30' is not a real date (day is out of range for month); write it as EDTF or in words: "
     f"{STATED_FORMS}"),
    ("date-in-words", inventory(stated="yesterday"),
     "stated: 'yesterday' says when only relative to another day, which is not given (give the date itself); "
     f"write it as EDTF or in words: {STATED_FORMS}"),
    ("period-backwards", inventory(about="2012/2009"),
     f"about: '2012/2009' ends before it starts; write it as EDTF or in words: {ABOUT_FORMS}"),
    ("unknown-system", inventory(system="Test System 404"), "system not found: 'Test System 404'"),
    ("unknown-source", inventory(source="S-00000000"), "source not found: 'S-00000000'"),
    ("unknown-source-url", inventory(source="https://example.org/nothing"),
     "source not found: 'https://example.org/nothing'"),
    ("unknown-claimant", inventory(claimant="Test Nobody"), "actor not found: 'Test Nobody'"),
    ("value-without-a-number", inventory(value="unknown"),
     f"value: 'unknown' cannot be read: no number was found; {EXPLICIT}"),
    ("value-half-read", inventory(value="at least 5,000, possibly 7,000"),
     "value: 'at least 5,000, possibly 7,000' cannot be read: the words 'possibly 7,000' are not understood; "
     f"understood so far: 'at least 5000' from 'at least 5,000'; {EXPLICIT}"),
    ("fractional-count", inventory(value="2.5"), "value: 2.5 must be a whole number of missiles"),
    ("no-source", inventory(source=None), "--source: required at least one source for every claim"),
    ("inventory-without-country", inventory(country=None),
     "--party: required for an inventory (whose holdings: a country, an actor (actor:NAME) or unknown)"),
    ("quantity-without-counted", inventory(counted=None),
     "--counted: required for an inventory quantity: say what is counted (missiles, launchers, personnel, ...)"),
    ("no-system-or-subject", inventory(system=None), "--system: required (or a free-text subject) for every claim"),
    ("attribute-on-inventory", inventory(attribute="max_range"),
     "attribute: 'max_range' is only for specification claims, not inventory"),
    ("id-taken", inventory(id=MADURO), f"claim with public_id '{MADURO}' already exists"),
    ("specification-without-attribute",
     ["--kind", "specification", "--system", "igla-s", "--value", "up to 6 km", "--source", ANADOLU],
     "--attribute: required for a specification (max_range, weight, guidance, ...)"),
    ("specification-without-unit",
     ["--kind", "specification", "--system", "igla-s", "--attribute", "max_range", "--value", "6", "--source", ANADOLU],
     "--unit: required for max_range (a value in [length])"),
    ("specification-in-the-wrong-unit",
     ["--kind", "specification", "--system", "igla-s", "--attribute", "max_range", "--value", "up to 6 kg",
      "--source", ANADOLU],
     "unit: 'kg' has dimension [mass]; expected [length]"),
    ("transfer-without-counterparty", inventory(kind="transfer", scope="delivered"),
     "--counterparty: required for a transfer (the supplier: a country, an actor (actor:NAME) or unknown)"),
    ("transfer-to-itself", inventory(kind="transfer", counterparty="Venezuela", scope="delivered"),
     "counterparty: 'VE' is the recipient too: a transfer needs two parties"),
    ("capability-without-target-type", ["--kind", "capability", "--system", "igla-s", "--source", ANADOLU],
     "--target-type: required for a capability (what the system can engage)"),
    ("unknown-target-type",
     ["--kind", "capability", "--system", "igla-s", "--target-type", "Test Target 404", "--source", ANADOLU],
     "target type not found: 'Test Target 404'"),
    ("comparison-without-related-system", ["--kind", "comparison", "--system", "igla-s", "--source", ANADOLU],
     "--related-system: required for a comparison (the system it is compared to)"),
    ("counted-on-capability",
     ["--kind", "capability", "--system", "igla-s", "--target-type", "uav", "--counted", "missiles",
      "--source", ANADOLU],
     "counted: 'missiles' is only for quantity claims, not capability"),
]  # fmt: skip


def test_claim_add_that_breaks_a_rule_is_one_line_naming_field_and_value_and_writes_nothing(
    dbs: DatabaseFactory,
) -> None:
    assert_each_refused(
        dbs.seeded(), [(case, ["claim", "add", *args], message) for case, args, message in ADD_ERRORS]
    )


def test_claim_add_without_a_source_is_an_error_naming_source(dbs: DatabaseFactory) -> None:
    assert_refused(dbs.seeded(), "claim", "add", *inventory(source=None),
                   message="--source: required at least one source for every claim")  # fmt: skip


def test_claim_add_about_a_retracted_system_is_refused(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "system", "retract", "fim-92-stinger", "--reason", "test retraction")
    assert_refused(
        url, "claim", "add", *inventory(system="Stinger"), message="system: 'Stinger' is retracted"
    )


def test_claim_add_comparing_a_system_with_itself_names_the_system_given(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    before = state(url)
    result = cli(url, "claim", "add", "--kind", "comparison", "--system", "igla-s", "--related-system", "SA-24",
                 "--source", ANADOLU)  # fmt: skip
    assert result.exit_code == 1, explain(result)
    assert result.stderr in (
        "error: related_system: 'SA-24' is the system itself\n",
        "error: related_system: 'igla-s' is the system itself\n",
    )
    assert state(url) == before


# --- prompting at a terminal --------------------------------------------------------------------


def test_claim_add_at_a_terminal_asks_for_the_source_then_creates_the_claim(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claims_cli, "interactive", lambda: True)
    url = dbs.seeded()
    result = ok(url, "claim", "add", *inventory(source=None), "--yes", input=f"{ANADOLU}\n\n\n\n")
    assert "Which source carries the claim? (its id, S-..., or its URL" in result.stderr
    claim_id = next(line for line in result.stdout.splitlines() if CLAIM_ID.fullmatch(line))
    assert [c["source"] for c in show(url, claim_id)["citations"]] == [ANADOLU]
    assert re.search(rf"^ id\s+{claim_id}\s*$", result.stdout, re.M)  # then the claim, as `claim show` gives it


def test_claim_add_at_a_terminal_shows_what_the_value_was_read_as_and_saves_only_if_agreed(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claims_cli, "interactive", lambda: True)
    url = dbs.seeded()
    before = state(url)
    declined = cli(url, "claim", "add", *inventory(value="no less than 5,000"), input="n\n")
    assert declined.exit_code == 1, explain(declined)
    assert "read as: at least 5,000 missiles" in declined.stderr and "Not saved." in declined.stderr
    assert state(url) == before
    agreed = ok(url, "claim", "add", *inventory(value="no less than 5,000"), input="y\n")
    claim_id = agreed.stdout.splitlines()[-1]  # after the echoed answer
    assert show(url, claim_id)["value_as_worded"] == "at least 5,000 missiles"


def test_claim_add_at_a_terminal_asks_for_each_missing_option_in_turn(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claims_cli, "interactive", lambda: True)
    url = dbs.seeded()
    result = ok(url, "claim", "add", *inventory(country=None, counted=None, source=None, value=None, quote=None),
                input=f"Venezuela\nat least 7\nmissiles\n{ANADOLU}\nTest quote.\n\n\ny\n")  # fmt: skip
    questions = ["Who holds them? (a country, actor:NAME for a group or organisation, or unknown)",
                 "What number did the source give, in its words?", "What does the number count? (missiles, ",
                 "Which source carries the claim?", "The source's exact words (Enter to leave out)"]  # fmt: skip
    places = [result.stderr.find(question) for question in questions]
    assert -1 not in places and places == sorted(places), result.stderr
    assert "--party" not in result.stderr and "((" not in result.stderr  # plain words, not option names
    claim_id = next(line for line in result.stdout.splitlines() if CLAIM_ID.fullmatch(line))
    record = show(url, claim_id)
    assert (record["country"], record["value_low"], record["qualifier"], record["counted"]) == (
        "VE", 7, "at_least", "missiles"
    )  # fmt: skip
    assert record["citations"][0]["quote"] == "Test quote."


def test_claim_add_at_a_terminal_asks_again_after_a_refused_answer_and_keeps_the_others(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claims_cli, "interactive", lambda: True)
    url = dbs.seeded()
    before = state(url)
    gave_up = cli(url, "claim", "add", *inventory(source=None), input="S-00000000\n")
    assert gave_up.exit_code == 1, explain(gave_up)
    assert "error: source not found: 'S-00000000'" in gave_up.stderr
    assert state(url) == before  # nothing saved when the answers run out
    result = ok(url, "claim", "add", *inventory(source=None), "--yes", input=f"S-00000000\n{ANADOLU}\n\n\n\n")
    refused = result.stderr.index("error: source not found: 'S-00000000'")
    assert result.stderr.find("Which source carries the claim?", refused) > refused  # asked again
    claim_id = next(line for line in result.stdout.splitlines() if CLAIM_ID.fullmatch(line))
    assert show(url, claim_id)["country"] == "VE"


# --- cite ---------------------------------------------------------------------------------------


def test_claim_cite_adds_a_source_with_quote_locator_and_role_as_a_new_version(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    result = ok(url, "claim", "cite", MADURO.lower(), "--source", SPUTNIK_GLOBE_URL, "--quote", "Test quote.",
                "--locator", "para 9", "--role", "cited_in")  # fmt: skip
    assert (result.stdout, result.stderr) == ("", f"{MADURO} now cites {SPUTNIK_GLOBE_URL} (cited_in).\n")
    record = show(url, MADURO)
    assert record["version"] == 2
    assert record["citations"][-1] == {
        "source": SPUTNIK_GLOBE, "publisher": "Sputnik Globe", "title": "Venezuela Warns US: We Have 5,000 Russian Missiles",
        "url": SPUTNIK_GLOBE_URL, "archive_url": None, "quote": "Test quote.", "locator": "para 9",
        "role": "cited_in", "reporting_chain": [],
    }  # fmt: skip
    assert history(url, MADURO)[-1] == (2, "update", EDITOR, f"cite {SPUTNIK_GLOBE_URL}")
    assert MADURO in listed(url, "--source", SPUTNIK_GLOBE)
    ok(url, "claim", "cite", MADURO, "--source", REUTERS, "--reason", "test: Reuters carried it in 2017")
    assert history(url, MADURO)[-1] == (3, "update", EDITOR, "test: Reuters carried it in 2017")


# --- edit, show --version, history --------------------------------------------------------------


def test_claim_edit_makes_version_2_recording_editor_and_reason(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    result = ok(url, "claim", "edit", MADURO, "--location", "Test Location 9", "--reason", "test edit")
    assert (result.stdout, result.stderr) == ("", f"{MADURO} is at version 2.\n")
    record = show(url, MADURO)
    assert (record["location"], record["version"]) == ("Test Location 9", 2)
    versions = history(url, MADURO)
    assert [row[:2] for row in versions] == [(1, "create"), (2, "update")]
    assert versions[-1] == (2, "update", EDITOR, "test edit")


def test_claim_show_version_1_after_an_edit_gives_the_old_snapshot(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "claim", "edit", MADURO, "--location", "Test Location 9", "--reason", "test edit")
    old = read_json(url, "claim", "show", MADURO, "--version", "1")
    assert (old["id"], old["version"], old["action"]) == (MADURO, 1, "create")
    assert old["snapshot"]["location"] == "across its territory"
    assert old["snapshot"]["value_text"] == "no less than 5,000"
    assert [c["source"]["public_id"] for c in old["snapshot"]["citations"]] == [ANADOLU, CNN]
    new = read_json(url, "claim", "show", MADURO, "--version", "2")
    assert (new["version"], new["reason"], new["editor"]) == (2, "test edit", EDITOR)
    assert new["snapshot"]["location"] == "Test Location 9"


def test_claim_edit_restates_the_value_from_new_wording(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(
        url,
        "claim",
        "edit",
        IGLA_MAX_RANGE_UP_TO_6_KM,
        "--value",
        "about 7 km",
        "--reason",
        "test restatement",
    )
    record = show(url, IGLA_MAX_RANGE_UP_TO_6_KM)
    assert {k: record[k] for k in ("value_low", "value_high", "unit", "qualifier", "value_text")} == {
        "value_low": 7, "value_high": 7, "unit": "km", "qualifier": "approximately", "value_text": "about 7 km",
    }  # fmt: skip


def test_claim_edit_to_an_unspecified_quantity_drops_the_number(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "claim", "edit", MADURO, "--qualifier", "unspecified", "--value", "thousands", "--reason", "test")
    record = show(url, MADURO)
    assert (record["value_low"], record["value_high"], record["qualifier"], record["value_text"]) == (
        None, None, "unspecified", "thousands"
    )  # fmt: skip


def test_claim_history_lists_every_version_oldest_first(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "claim", "cite", MADURO, "--source", REUTERS)
    ok(url, "claim", "edit", MADURO, "--location", "Test Location 9", "--reason", "test edit")
    ok(
        url,
        "claim",
        "grade",
        MADURO,
        "--reliability",
        "C",
        "--credibility",
        "4",
        "--rationale",
        "Test rationale.",
    )
    versions = history(url, MADURO)
    assert versions[0][:2] == (1, "create")
    assert versions[1:] == [
        (2, "update", EDITOR, f"cite {REUTERS}"),
        (3, "update", EDITOR, "test edit"),
        (4, "update", EDITOR, "graded C4"),
    ]
    record = show(url, MADURO)
    assert (record["reliability"], record["credibility"], record["assessment_rationale"]) == (
        "C", "4", "Test rationale."
    )  # fmt: skip
    table = lines(ok(url, "claim", "history", MADURO).stdout)
    assert table[1] == "┃ version ┃ action ┃ at ┃ editor ┃ reason ┃ changed ┃"
    graded = (r"│ 4 │ update │ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC │ test-editor │ graded C4 │ "
              r"assessment_rationale: \(empty\) -> Test rationale\. │")
    row = next(i for i, line in enumerate(table) if re.fullmatch(graded, line))  # to the second, with what changed
    assert table[row + 1 : row + 3] == ["│ │ │ │ │ │ credibility: (empty) -> 4 │",
                                        "│ │ │ │ │ │ reliability: (empty) -> C │"], table  # by field name  # fmt: skip
    changed = read_json(url, "claim", "history", MADURO)[3]["changed"]
    assert {"field": "credibility", "from": None, "to": "4"} in changed
    assert {"field": "reliability", "from": None, "to": "C"} in changed


# --- show ---------------------------------------------------------------------------------------


def test_claim_show_gives_the_seeded_claim_with_citations_and_links(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    record = show(url, "c-ysesyr2e")
    assert {k: record[k] for k in ("id", "kind", "system", "country", "location", "value_low", "value_high",
                                   "unit", "qualifier", "value_text", "counted", "scope", "claimant", "stated",
                                   "verification_status", "rank", "value_as_worded", "version")} == {
        "id": MADURO, "kind": "deployment", "system": "igla-s", "country": "VE", "location": "across its territory",
        "value_low": 5000, "value_high": None, "unit": None, "qualifier": "at_least",
        "value_text": "no less than 5,000", "counted": "missiles", "scope": "deployed",
        "claimant": "Nicolás Maduro", "stated": "2025-10-22", "verification_status": "unverified",
        "rank": "normal", "value_as_worded": "at least 5,000 missiles", "version": 1,
    }  # fmt: skip
    assert [(c["source"], c["role"]) for c in record["citations"]] == [
        (ANADOLU, "reports"),
        (CNN, "cited_in"),
    ]
    assert [(k["from_claim"], k["kind"], k["to_claim"]) for k in record["links"]] == [
        (other, "same_as", MADURO)
        for other in (SPUTNIK_SAME_SPEECH, "C-ZT1JFKMP", "C-QGQNTTSX", "C-NMEBRWCC")
    ]
    shown = lines(ok(url, "claim", "show", MADURO).stdout)
    assert "value as worded at least 5,000 missiles" in shown
    assert any(
        line.startswith(f"source 1 {ANADOLU} Anadolu Agency (reports): “Any military force") for line in shown
    )
    assert (f"source 2 {CNN} CNN (cited_in): Independent verification of Maduro’s missile claim was not "
            "available, CNN reported.") in shown  # fmt: skip
    assert f"link 1 {SPUTNIK_SAME_SPEECH} same_as {MADURO}" in shown
    assert show(url, "c-ztljfkmp")["id"] == "C-ZT1JFKMP"  # l is read as 1
    assert show(url, "C-3O8545GS")["id"] == "C-308545GS"  # O is read as 0


# --- verify / rank / grade / link ---------------------------------------------------------------


def test_claim_verify_sets_status_and_note_without_citing_anything(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    result = ok(url, "claim", "verify", MADURO, "disputed", "--note", "Test verification note.")
    assert (result.stdout, result.stderr) == ("", f"{MADURO} is disputed.\n")
    record = show(url, MADURO)
    assert (record["verification_status"], record["verification_note"], record["version"]) == (
        "disputed", "Test verification note.", 2
    )  # fmt: skip
    assert [c["source"] for c in record["citations"]] == [ANADOLU, CNN]
    assert history(url, MADURO)[-1] == (2, "update", EDITOR, "verification: disputed")
    assert MADURO in listed(url, "--status", "disputed")


def test_claim_verify_with_a_source_cites_it_as_corroborating_or_disputing(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "claim", "verify", MADURO, "corroborated", "--note", "Test note.", "--source", REUTERS,
       "--quote", "Test quote.")  # fmt: skip
    record = show(url, MADURO)
    assert record["verification_status"] == "corroborated"
    assert [(c["source"], c["role"], c["quote"]) for c in record["citations"]][-1] == (
        REUTERS, "corroborates", "Test quote."
    )  # fmt: skip
    assert history(url, MADURO)[1:] == [
        (2, "update", EDITOR, "verification: corroborated"),
        (3, "update", EDITOR, "verification source (corroborates)"),
    ]
    ok(url, "claim", "verify", MADURO, "denied", "--note", "Test note.", "--source", SPUTNIK_GLOBE)
    record = show(url, MADURO)
    assert record["verification_status"] == "denied"
    assert [(c["source"], c["role"]) for c in record["citations"]][-1] == (SPUTNIK_GLOBE, "disputes")


def test_claim_rank_preferred_demotes_the_previous_preferred_value_for_that_system_and_attribute(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    ok(url, "claim", "rank", IGLA_MAX_ALTITUDE, "preferred", "--reason", "test: other attribute")
    ok(url, "claim", "rank", IGLA_MAX_RANGE_6_KM, "preferred", "--reason", "test: first")
    result = ok(url, "claim", "rank", IGLA_MAX_RANGE_UP_TO_6_KM, "preferred", "--reason", "test: second")
    assert result.stderr == f"{IGLA_MAX_RANGE_UP_TO_6_KM} is at version 2.\n"
    assert listed(url, "--rank", "preferred") == {IGLA_MAX_ALTITUDE, IGLA_MAX_RANGE_UP_TO_6_KM}
    demoted = show(url, IGLA_MAX_RANGE_6_KM)
    assert (demoted["rank"], demoted["version"]) == ("normal", 3)
    assert history(url, IGLA_MAX_RANGE_6_KM)[1:] == [
        (2, "update", EDITOR, "test: first"),
        (3, "update", EDITOR, f"{IGLA_MAX_RANGE_UP_TO_6_KM} was ranked preferred for max_range"),
    ]


def test_claim_rank_deprecated_hides_it_from_the_list_unless_asked(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "claim", "rank", IGLA_MAX_RANGE_6_KM, "deprecated", "--reason", "test: superseded")
    assert IGLA_MAX_RANGE_6_KM not in listed(url, "--system", "igla-s")
    assert IGLA_MAX_RANGE_6_KM in listed(url, "--system", "igla-s", "--include-deprecated")
    assert listed(url, "--rank", "deprecated", "--include-deprecated") == {IGLA_MAX_RANGE_6_KM}


def test_claim_link_records_the_link_on_both_claims(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    result = ok(url, "claim", "link", SIPRI_2009, "corroborates", SIPRI_2012.lower(), "--note", "Test link.")
    match = re.fullmatch(rf"Link (\d+): {SIPRI_2009} corroborates {SIPRI_2012}\.\n", result.stderr)
    assert match and result.stdout == "", result.output
    expected = {"id": int(match.group(1)), "from_claim": SIPRI_2009, "kind": "corroborates",
                "to_claim": SIPRI_2012, "note": "Test link."}  # fmt: skip
    assert show(url, SIPRI_2009)["links"] == [expected]
    assert show(url, SIPRI_2012)["links"] == [expected]
    assert_refused(url, "claim", "link", SIPRI_2012, "corroborates", SIPRI_2009,
                   message=f"kind: {SIPRI_2012} corroborates {SIPRI_2009} duplicates the active link "
                           f"{SIPRI_2009} corroborates {SIPRI_2012} (link {match.group(1)})")  # fmt: skip


def test_claim_link_same_as_in_reverse_of_an_existing_link_is_refused(dbs: DatabaseFactory) -> None:
    assert_refused(dbs.seeded(), "claim", "link", MADURO, "same_as", SPUTNIK_SAME_SPEECH,
                   message=f"kind: {MADURO} same_as {SPUTNIK_SAME_SPEECH} duplicates the active link "
                           f"{SPUTNIK_SAME_SPEECH} same_as {MADURO} (link 1)")  # fmt: skip


# --- retract ------------------------------------------------------------------------------------


def test_claim_retract_keeps_it_readable_and_hides_it_from_the_list(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    result = ok(url, "claim", "retract", SPUTNIK_SAME_SPEECH, "--reason", "Test retraction.")
    assert (result.stdout, result.stderr) == ("", f"{SPUTNIK_SAME_SPEECH} is retracted.\n")
    record = show(url, SPUTNIK_SAME_SPEECH)
    datetime.fromisoformat(record["retracted_at"])
    assert (record["retraction_reason"], record["version"]) == ("Test retraction.", 2)
    assert history(url, SPUTNIK_SAME_SPEECH)[-1] == (2, "retract", EDITOR, "Test retraction.")
    assert SPUTNIK_SAME_SPEECH not in listed(url, "--system", "igla-s", "--country", "VE")
    rows = read_json(url, "claim", "list", "--system", "igla-s", "--country", "VE", "--include-retracted")
    assert [row["retracted"] for row in rows if row["id"] == SPUTNIK_SAME_SPEECH] == [True]


def test_a_retracted_claim_cannot_be_edited_cited_verified_ranked_or_retracted_again(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    ok(url, "claim", "retract", SPUTNIK_SAME_SPEECH, "--reason", "Test retraction.")
    message = f"claim '{SPUTNIK_SAME_SPEECH}' is retracted and cannot be changed"
    assert_each_refused(url, [
        ("edit", ["claim", "edit", SPUTNIK_SAME_SPEECH, "--location", "Test Location 9", "--reason", "test"], message),
        ("cite", ["claim", "cite", SPUTNIK_SAME_SPEECH, "--source", ANADOLU], message),
        ("verify", ["claim", "verify", SPUTNIK_SAME_SPEECH, "disputed", "--note", "test"], message),
        ("rank", ["claim", "rank", SPUTNIK_SAME_SPEECH, "preferred", "--reason", "test"], message),
        ("retract", ["claim", "retract", SPUTNIK_SAME_SPEECH, "--reason", "again"], message),
    ])  # fmt: skip


# --- errors of the other claim commands ---------------------------------------------------------

COMMAND_ERRORS: list[tuple[str, list[str], str]] = [
    ("edit-bad-country", ["claim", "edit", MADURO, "--country", "Narnia", "--reason", "test"],
     "country: 'Narnia' is not an ISO 3166 country code or name"),
    ("edit-bad-date", ["claim", "edit", MADURO, "--stated", "2025-13", "--reason", "test"],
     f"stated: '2025-13' is not a real date (month must be in 1..12); write it as EDTF or in words: {STATED_FORMS}"),
    ("edit-value-without-a-number", ["claim", "edit", MADURO, "--value", "unknown", "--reason", "test"],
     f"value: 'unknown' cannot be read: no number was found; {EXPLICIT}"),
    ("edit-kind-that-breaks-the-rules", ["claim", "edit", MADURO, "--kind", "capability", "--reason", "test"],
     "counted: 'missiles' is only for quantity claims, not capability"),
    ("edit-unknown-system", ["claim", "edit", MADURO, "--system", "Test System 404", "--reason", "test"],
     "system not found: 'Test System 404'"),
    ("edit-no-field", ["claim", "edit", MADURO, "--reason", "test"],
     "options: required to edit: give at least one field option (see --help)"),
    ("edit-empty-reason", ["claim", "edit", MADURO, "--location", "Test Location 9", "--reason", " "],
     "reason: required for an edit or a retraction: say why"),
    ("edit-unknown-claim", ["claim", "edit", "C-00000000", "--location", "Test Location 9", "--reason", "test"],
     "claim not found: 'C-00000000'"),
    ("cite-a-source-it-already-cites", ["claim", "cite", MADURO, "--source", ANADOLU],
     f"citation with source '{ANADOLU} (reports)' already exists"),
    ("cite-unknown-source", ["claim", "cite", MADURO, "--source", "S-00000000"], "source not found: 'S-00000000'"),
    ("cite-unknown-claim", ["claim", "cite", "C-00000000", "--source", ANADOLU], "claim not found: 'C-00000000'"),
    ("verify-unverified-with-a-source", ["claim", "verify", MADURO, "unverified", "--note", "test", "--source", REUTERS],
     f"source: '{REUTERS}' cannot support an 'unverified' status"),
    ("verify-unknown-claim", ["claim", "verify", "C-00000000", "confirmed", "--note", "test"],
     "claim not found: 'C-00000000'"),
    ("grade-unknown-claim", ["claim", "grade", "C-00000000", "--reliability", "C", "--credibility", "4",
                             "--rationale", "test"], "claim not found: 'C-00000000'"),
    ("link-to-itself", ["claim", "link", MADURO, "same_as", MADURO],
     f"to_claim: '{MADURO}' is the same claim as from_claim"),
    ("link-to-an-unknown-claim", ["claim", "link", MADURO, "same_as", "C-00000000"], "claim not found: 'C-00000000'"),
    ("link-twice", ["claim", "link", "C-ZT1JFKMP", "same_as", MADURO],
     f"kind: C-ZT1JFKMP same_as {MADURO} duplicates the active link C-ZT1JFKMP same_as {MADURO} (link 2)"),
    ("show-unknown", ["claim", "show", "C-00000000"], "claim not found: 'C-00000000'"),
    ("show-malformed-id", ["claim", "show", "X-1"], "claim: 'X-1' is not a claim id (like C-7K3Q9XZ2)"),
    ("show-a-version-not-yet-made", ["claim", "show", MADURO, "--version", "2"],
     f"claim version not found: '{MADURO} v2'"),
    ("history-unknown", ["claim", "history", "C-00000000"], "claim not found: 'C-00000000'"),
    ("list-unknown-system", ["claim", "list", "--system", "Test System 404"], "system not found: 'Test System 404'"),
    ("list-unknown-claimant", ["claim", "list", "--claimant", "Test Nobody"], "actor not found: 'Test Nobody'"),
    ("list-unknown-source", ["claim", "list", "--source", "S-00000000"], "source not found: 'S-00000000'"),
    ("list-unknown-country", ["claim", "list", "--country", "Narnia"],
     "country: 'Narnia' is not an ISO 3166 country code or name"),
    ("list-bad-date", ["claim", "list", "--stated-from", "2025-13"],
     "stated_from: '2025-13' is not a real date (bad month number 13; must be 1-12)"),
]  # fmt: skip


def test_claim_command_that_breaks_a_rule_is_one_line_naming_field_and_value_and_writes_nothing(
    dbs: DatabaseFactory,
) -> None:
    assert_each_refused(dbs.seeded(), COMMAND_ERRORS)


USAGE_ERRORS: list[tuple[str, list[str], str]] = [
    ("add-unknown-kind", ["claim", "add", *inventory(kind="rumour")], "Invalid value for '--kind'"),
    ("edit-without-reason", ["claim", "edit", MADURO, "--location", "Test Location 9"], "Missing option '--reason'"),
    ("retract-without-reason", ["claim", "retract", MADURO], "Missing option '--reason'"),
    ("verify-without-note", ["claim", "verify", MADURO, "corroborated"], "Missing option '--note'"),
    ("rank-unknown", ["claim", "rank", MADURO, "best", "--reason", "test"],
     "Invalid value for 'value': Value error, 'best' is not one of 'preferred', 'normal', 'deprecated'."),
    ("grade-unknown-reliability", ["claim", "grade", MADURO, "--reliability", "Z", "--credibility", "4",
                                   "--rationale", "test"], "Invalid value for '--reliability'"),
    ("show-version-0", ["claim", "show", MADURO, "--version", "0"], "Invalid value for '--version'"),
]  # fmt: skip


def test_claim_usage_errors_exit_2_naming_the_option_and_write_nothing(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    before = state(url)
    for case, args, says in USAGE_ERRORS:
        result = cli(url, *args)
        assert (result.exit_code, result.stdout) == (2, ""), f"{case}: {explain(result)}"
        assert says in " ".join(result.stderr.replace("│", " ").split()), f"{case}: {result.stderr}"
    assert state(url) == before


# --- list filters on the seed data --------------------------------------------------------------

VENEZUELA_IGLA_S = {
    MADURO, SPUTNIK_SAME_SPEECH, "C-ZT1JFKMP", "C-QGQNTTSX", "C-NMEBRWCC", SIPRI_2009, SIPRI_2010, SIPRI_2012,
    "C-RZ15HDBW",
}  # fmt: skip


def test_claim_list_gives_every_seeded_claim_oldest_first(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    rows = read_json(url, "claim", "list")
    assert len(rows) == 39 and not any(row["retracted"] for row in rows)
    assert [row["id"] for row in read_json(url, "claim", "list", "--limit", "3")] == [
        row["id"] for row in rows[:3]
    ]
    assert next(row for row in rows if row["id"] == MADURO) == {
        "id": MADURO, "kind": "deployment", "subject": "igla-s", "country": "VE", "party": "Venezuela",
        "counterparty": None, "value": "at least 5,000 missiles",
        "claimant": "Nicolás Maduro", "stated": "2025-10-22", "about": None, "status": "unverified",
        "retracted": False,
    }  # fmt: skip
    assert lines(ok(url, "claim", "list").stdout)[0] == "39 claims"


def test_claim_list_filters_give_exact_sets_of_seeded_claims(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    expected: list[tuple[list[str], set[str]]] = [
        (["--system", "9k338", "--country", "Venezuela"], VENEZUELA_IGLA_S),
        (["--system", "SA-24 GRINCH", "--country", "VE"], VENEZUELA_IGLA_S),
        (["--country", "United States"], {"C-AMG9N2YM", "C-KE2NS1R3", "C-MJA2H8R0"}),
        (["--kind", "transfer"], {SIPRI_2009, SIPRI_2010, SIPRI_2012}),
        (["--claimant", "nicolás maduro"],
         {MADURO, SPUTNIK_SAME_SPEECH, "C-ZT1JFKMP", "C-QGQNTTSX", "C-NMEBRWCC", "C-MC5MGQVX"}),
        (["--kind", "deployment", "--claimant", "Pete Hegseth"], {"C-MJA2H8R0"}),
        (["--source", CNN], {MADURO}),
        (["--source", SPUTNIK_GLOBE_URL], {SPUTNIK_SAME_SPEECH}),
        (["--source", ANADOLU], {MADURO, "C-44MHY62E", "C-6RH566YT", "C-AMG9N2YM", "C-HMXXXQ24", "C-KE2NS1R3",
                                 "C-MC5MGQVX", "C-MJA2H8R0", "C-NG1SZ3W3", "C-S6KYJEGZ"}),
        (["--status", "corroborated"], {"C-RZ15HDBW"}),
        (["--stated-from", "2025-10-23"], {"C-NMEBRWCC"}),
        (["--stated-to", "2025-10-22"], {MADURO, "C-QGQNTTSX", "C-ZT1JFKMP"}),
        (["--stated-from", "2025-10", "--stated-to", "2025-10"], {MADURO, "C-QGQNTTSX", "C-ZT1JFKMP", "C-NMEBRWCC"}),
        (["--about-from", "2010", "--about-to", "2011"], {SIPRI_2010}),
        (["--about-from", "2011"], {SIPRI_2012}),
        (["--about-to", "2009"], {SIPRI_2009}),
        (["--text", "MILITIA"], {"C-MC5MGQVX"}),
        (["--text", "cnn"], {MADURO}),
        (["--text", "100%"], set()),
    ]  # fmt: skip
    found = {" ".join(filters): listed(url, *filters) for filters, _ in expected}
    assert found == {" ".join(filters): ids for filters, ids in expected}
    assert len(listed(url, "--system", "stinger")) == 13


def test_claim_list_words_an_in_service_year_without_a_thousands_separator(dbs: DatabaseFactory) -> None:
    rows = read_json(dbs.seeded(), "claim", "list", "--system", "stinger", "--kind", "specification")
    assert next(row["value"] for row in rows if row["id"] == "C-C1NBQCBK") == "1981"
