"""A claim's dates as EDTF (issue 14, part 5): real phrasings read as EDTF or refused, never
guessed; the value kept as written beside the days it may mean; shown in words at its precision
in the pages and citations; the same through `claim add`, an import, the API and a migration."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from bs4 import BeautifulSoup

from equipment_db import migrate, schema_version
from equipment_db.errors import InvalidValue
from equipment_db.normalize import dates, edtf_values
from equipment_db.normalize.dates import ABOUT_FORMS, STATED_FORMS, edtf_sentence, edtf_words, read_edtf
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, assert_refused, cli, ok, read_json, state  # noqa: F401
from tests.dbs import DatabaseFactory, db_state, engine_for

ANADOLU = "S-PJZ2YVHP"
D = date
EDTF_REVISION = "0012"
BELOW = ScriptDirectory.from_config(migrate.alembic_config()).get_revision(EDTF_REVISION).down_revision

# (what an editor types, the EDTF kept, the first day, the last day): `about`, which takes periods.
READ = [
    # plain dates and periods, as before EDTF
    ("2025", "2025", D(2025, 1, 1), D(2025, 12, 31)),
    ("2025-10", "2025-10", D(2025, 10, 1), D(2025, 10, 31)),
    ("2025-10-22", "2025-10-22", D(2025, 10, 22), D(2025, 10, 22)),
    ("2024-02", "2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ("2009/2012", "2009/2012", D(2009, 1, 1), D(2012, 12, 31)),
    ("2009-01/2012-06", "2009-01/2012-06", D(2009, 1, 1), D(2012, 6, 30)),
    # EDTF level 1 as it is
    ("198X", "198X", D(1980, 1, 1), D(1989, 12, 31)),
    ("198x", "198X", D(1980, 1, 1), D(1989, 12, 31)),
    ("2022-03~", "2022-03~", D(2022, 3, 1), D(2022, 3, 31)),
    ("2022?", "2022?", D(2022, 1, 1), D(2022, 12, 31)),
    ("2022-03%", "2022-03%", D(2022, 3, 1), D(2022, 3, 31)),
    ("1997/..", "1997/..", D(1997, 1, 1), None),
    ("../2022-07-27", "../2022-07-27", None, D(2022, 7, 27)),
    ("2022-02/", "2022-02/", D(2022, 2, 1), None),
    ("/2022-07-27", "/2022-07-27", None, D(2022, 7, 27)),
    ("2022-02/2022-07-27", "2022-02/2022-07-27", D(2022, 2, 1), D(2022, 7, 27)),
    ("1984~/2004-06", "1984~/2004-06", D(1984, 1, 1), D(2004, 6, 30)),
    ("2004-XX", "2004-XX", D(2004, 1, 1), D(2004, 12, 31)),
    ("1985-04-XX", "1985-04-XX", D(1985, 4, 1), D(1985, 4, 30)),
    ("19XX", "19XX", D(1900, 1, 1), D(1999, 12, 31)),
    # words, each turned into EDTF by one fixed rule
    ("since 1997", "1997/..", D(1997, 1, 1), None),
    ("Since February 2022", "2022-02/..", D(2022, 2, 1), None),
    ("1997 to present", "1997/..", D(1997, 1, 1), None),
    ("until 27 July 2022", "../2022-07-27", None, D(2022, 7, 27)),
    ("1980s", "198X", D(1980, 1, 1), D(1989, 12, 31)),
    ("the 1980s", "198X", D(1980, 1, 1), D(1989, 12, 31)),
    ("1990's", "199X", D(1990, 1, 1), D(1999, 12, 31)),
    ("as of 2022-07-27", "2022-07-27", D(2022, 7, 27), D(2022, 7, 27)),
    ("as of 27 July 2022", "2022-07-27", D(2022, 7, 27), D(2022, 7, 27)),
    ("circa 2022", "2022~", D(2022, 1, 1), D(2022, 12, 31)),
    ("c. 2022", "2022~", D(2022, 1, 1), D(2022, 12, 31)),
    ("ca. 2022", "2022~", D(2022, 1, 1), D(2022, 12, 31)),
    ("about 2022", "2022~", D(2022, 1, 1), D(2022, 12, 31)),
    ("around March 2022", "2022-03~", D(2022, 3, 1), D(2022, 3, 31)),
    ("possibly 2022", "2022?", D(2022, 1, 1), D(2022, 12, 31)),
    ("possibly about 2022", "2022%", D(2022, 1, 1), D(2022, 12, 31)),
    ("February 2022", "2022-02", D(2022, 2, 1), D(2022, 2, 28)),
    ("Feb 2022", "2022-02", D(2022, 2, 1), D(2022, 2, 28)),
    ("Sept. 2022", "2022-09", D(2022, 9, 1), D(2022, 9, 30)),
    ("27 July 2022", "2022-07-27", D(2022, 7, 27), D(2022, 7, 27)),
    ("July 27, 2022", "2022-07-27", D(2022, 7, 27), D(2022, 7, 27)),
    ("1st May 2022", "2022-05-01", D(2022, 5, 1), D(2022, 5, 1)),
    ("February 2022 to 27 July 2022", "2022-02/2022-07-27", D(2022, 2, 1), D(2022, 7, 27)),
    ("from 2009 to 2012", "2009/2012", D(2009, 1, 1), D(2012, 12, 31)),
    ("between 2009 and 2012", "2009/2012", D(2009, 1, 1), D(2012, 12, 31)),
    ("since about February 2022", "2022-02~/..", D(2022, 2, 1), None),
    ("  2025-10-22 ", "2025-10-22", D(2025, 10, 22), D(2025, 10, 22)),
]

# (what an editor types, the reason it is refused): nothing is guessed.
REFUSED = [
    ("last spring", "says when only relative to another day, which is not given"),
    ("recently", "says when only relative to another day, which is not given"),
    ("last year", "says when only relative to another day, which is not given"),
    ("early 2022", "names part of a year or a decade, which EDTF level 1 cannot say"),
    ("mid-1980s", "names part of a year or a decade, which EDTF level 1 cannot say"),
    ("late 2022", "names part of a year or a decade, which EDTF level 1 cannot say"),
    ("Q1 2022", "names part of a year or a decade, which EDTF level 1 cannot say"),
    ("spring 2022", "is a season, whose months depend on the hemisphere"),
    ("2022-21", "is a season, whose months depend on the hemisphere"),
    ("2022-33", "uses EDTF level 2"),
    ("2022-13", "is not a real date (month must be in 1..12)"),
    ("2022-02-29", "is not a real date (day is out of range for month)"),
    ("31 February 2022", "is not a real date (day is out of range for month)"),
    ("07/08/2022", "puts the day and the month in an order that reads two ways"),
    ("1900s", "names a decade or a century (1900 to 1909, or 1900 to 1999): write 190X or 19XX"),
    ("about 2022~", "qualifies a date twice"),
    ("2004?-06-11", "uses EDTF level 2"),
    ("[1667,1668]", "uses EDTF level 2"),
    ("1950S2", "uses EDTF level 2"),
    ("2022-07-27T10:00:00", "has a time of day"),
    ("Y170000002", "is outside the years 1 to 9999"),
    ("-0100", "is outside the years 1 to 9999"),
    ("0000", "is not a real date (year 0 is out of range)"),
    ("../..", "has neither end"),
    ("2012/2009", "ends before it starts"),
    ("2022 to 2021", "ends before it starts"),
    ("Febuary 2022", edtf_values.NOT_READ),
    ("sometime", edtf_values.NOT_READ),
    ("22.10", edtf_values.NOT_READ),
]


@pytest.mark.parametrize(("typed", "edtf", "first", "last"), READ, ids=[typed for typed, *_ in READ])
def test_a_phrasing_reads_as_one_edtf_value_and_the_days_it_may_mean(
    typed: str, edtf: str, first: date | None, last: date | None
) -> None:
    value = read_edtf(typed, field="about")
    assert (value.text, value.start, value.end) == (edtf, first, last)
    assert read_edtf(value.text, field="about") == value  # the kept text reads as itself


@pytest.mark.parametrize(("typed", "reason"), REFUSED, ids=[typed for typed, _ in REFUSED])
def test_a_phrasing_that_needs_a_guess_is_refused_with_the_reason_and_the_forms(typed: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        read_edtf(typed, field="about")
    message = str(refused.value)
    assert message.startswith(f"about: {typed.strip()!r} {reason}"), message
    assert message.endswith(f"; write it as EDTF or in words: {ABOUT_FORMS}") and "\n" not in message


def test_enough_real_phrasings_are_tried() -> None:
    assert len(READ) + len(REFUSED) >= 40 and len(REFUSED) >= 20


@pytest.mark.parametrize("typed", ["since 1997", "2009/2012", "2022-02/", "../2022-07-27", "from 2009 to 2012"])
def test_stated_is_one_date_and_refuses_a_period(typed: str) -> None:
    with pytest.raises(InvalidValue, match=r"is a period, but a claim is stated at one time") as refused:
        read_edtf(typed, field="stated", period=False)
    assert str(refused.value).endswith(f"; write it as EDTF or in words: {STATED_FORMS}")


@pytest.mark.parametrize("typed", ["2025-10-22", "circa 2025", "2025-10~", "2025?", "the 1980s", "2025-10-XX"])
def test_stated_takes_an_approximate_uncertain_or_unspecified_date(typed: str) -> None:
    assert not read_edtf(typed, field="stated", period=False).interval


@pytest.mark.parametrize(("edtf", "words", "sentence"), [
    ("2010", "2010", "in 2010"),
    ("2025-10", "October 2025", "in October 2025"),
    ("2025-10-22", "22 October 2025", "on 22 October 2025"),
    ("198X", "the 1980s", "in the 1980s"),
    ("190X", "the decade from 1900 to 1909", "in the decade from 1900 to 1909"),
    ("2022-03~", "about March 2022", "in about March 2022"),
    ("2022?", "possibly 2022", "possibly in 2022"),
    ("2022%", "possibly about 2022", "possibly in about 2022"),
    ("1997/..", "since 1997", "since 1997"),
    ("../2022-07-27", "until 27 July 2022", "until 27 July 2022"),
    ("2022-02/2022-07-27", "February 2022 to 27 July 2022", "between February 2022 and 27 July 2022"),
    ("2009/2012", "2009 to 2012", "between 2009 and 2012"),
    ("2010/2010", "2010", "in 2010"),
    ("2022-02/", "from February 2022 to an unknown date", "from February 2022 to an unknown date"),
    ("/2022", "from an unknown date to 2022", "from an unknown date to 2022"),
    ("2004-XX", "some month of 2004", "in some month of 2004"),
    ("1985-04-XX", "some day of April 1985", "on some day of April 1985"),
])  # fmt: skip
def test_a_value_is_written_in_words_at_its_precision_and_the_words_read_back(
    edtf: str, words: str, sentence: str
) -> None:
    assert (edtf_words(edtf), edtf_sentence(edtf)) == (words, sentence)
    if not words.startswith(("some ", "the decade")):
        back, value = read_edtf(words, field="about"), read_edtf(edtf, field="about")
        assert (back.start, back.end) == (value.start, value.end)
        assert back.text == (edtf if edtf != "2010/2010" else "2010")  # a period of one date reads as that date


def test_plain_dates_read_without_the_library_exactly_as_the_library_reads_them() -> None:
    """The library takes milliseconds a value, so plain dates (most of an import) skip it."""
    for text in ["2025", "2024-02", "2025-10-22", "0800", "2009/2012", "2009-01/2012-06-30", "2020-02-29"]:
        assert edtf_values._library_value(text) == edtf_values.parse_edtf_text(text), text


@pytest.mark.parametrize(("about", "stated", "expected"), [
    ("1997/..", "2025-10-22", (D(1997, 1, 1), D(2025, 10, 22))),  # as far as the claim can speak
    ("2022-02/", "2022-07", (D(2022, 2, 1), D(2022, 7, 31))),  # the last day it may have been stated
    ("1997/..", None, (D(1997, 1, 1), None)),  # no date stated: the end stays open
    ("2030/..", "2025", (D(2030, 1, 1), None)),  # stated before the start: the end stays open
    ("../2022-07-27", "2025", (None, D(2022, 7, 27))),
    ("2009/2012", "2025", (D(2009, 1, 1), D(2012, 12, 31))),
])  # fmt: skip
def test_an_open_end_reaches_the_last_day_stated(about: str, stated: str | None, expected: tuple) -> None:
    read = read_edtf(about, field="about")
    assert dates.about_range(read, read_edtf(stated, field="stated") if stated else None) == expected


def test_the_precision_of_before_edtf_is_kept_only_where_it_says_the_value_exactly() -> None:
    texts = ["2025", "2025-10", "2009/2012", "2010-01-01/2010-12-31", "198X", "2022~", "1997/..", "2022/2022-07"]
    precisions = {text: read_edtf(text, field="about").precision for text in texts}
    assert {text: p.value if p else None for text, p in precisions.items()} == {
        "2025": "year", "2025-10": "month", "2009/2012": "year", "2010-01-01/2010-12-31": "day",
        "198X": None, "2022~": None, "1997/..": None, "2022/2022-07": None}  # fmt: skip


def test_a_revision_written_before_edtf_reads_its_dates_from_the_columns_of_then() -> None:
    old = {"stated_on": "2025-10-22", "stated_precision": "day", "about_start": "2009-01-01",
           "about_end": "2012-12-31", "about_precision": "year"}  # fmt: skip
    new = {**old, "stated_edtf": "2025-10~", "about_edtf": "198X"}
    assert (dates.claim_edtf(old, "stated"), dates.claim_edtf(old, "about")) == ("2025-10-22", "2009/2012")
    assert (dates.claim_edtf(new, "stated"), dates.claim_edtf(new, "about")) == ("2025-10~", "198X")


# --- through the CLI, the API, the pages and the citations -------------------------------------


def _add(url: str, *dated: str) -> str:
    return ok(url, "claim", "add", "--kind", "inventory", "--system", "igla-s", "--country", "VE", "--value", "100",
              "--counted", "missiles", "--source", ANADOLU, *dated).stdout.strip()  # fmt: skip


def _columns(url: str, claim_id: str) -> tuple:
    engine = engine_for(url)
    with engine.connect() as connection:
        row = connection.execute(sa.text(
            "SELECT stated_edtf, stated_on, stated_precision, about_edtf, about_start, about_end, about_precision "
            "FROM claim WHERE public_id = :id"), {"id": claim_id}).one()  # fmt: skip
    engine.dispose()
    return tuple(value.isoformat() if isinstance(value, date) else value for value in row)


def _fact(soup: BeautifulSoup, name: str) -> str:
    dt = soup.find("dt", string=name)
    assert dt is not None, name
    return " ".join(dt.find_next_sibling("dd").get_text().split())


def _read_everywhere(url: str, claim_id: str) -> dict[str, Any]:
    with api(url) as client:
        detail = client.get(f"/v1/claims/{claim_id}")
        html = client.get(f"/v1/claims/{claim_id}", headers={"accept": "text/html"})
        apa = client.get(f"/v1/claims/{claim_id}/citation", params={"format": "apa"})
        csl = client.get(f"/v1/claims/{claim_id}/citation", params={"format": "csl-json"})
        for response in (detail, html, apa, csl):
            assert response.status_code == 200, response.text
    page = BeautifulSoup(html.text, "html.parser")
    return {"api": detail.json(), "page": page, "apa": apa.text, "csl": json.loads(csl.text)[0],
            "sentence": page.find("h1").get_text(" ", strip=True)}  # fmt: skip


def test_claim_add_with_words_keeps_edtf_and_every_reader_writes_its_precision(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim_id = _add(url, "--stated", "as of 27 July 2022", "--about", "since February 2022")
    shown = read_json(url, "claim", "show", claim_id)
    assert (shown["stated"], shown["about"]) == ("2022-07-27", "2022-02/..")
    # the open end reaches the day stated: February 2022 to 27 July 2022 for the filters
    assert _columns(url, claim_id) == ("2022-07-27", "2022-07-27", "day", "2022-02/..", "2022-02-01",
                                       "2022-07-27", None)  # fmt: skip
    seen = _read_everywhere(url, claim_id)
    assert (seen["api"]["stated"], seen["api"]["about"]) == ("2022-07-27", "2022-02/..")
    assert seen["sentence"].endswith("since February 2022, stated on 27 July 2022; unverified.")
    assert _fact(seen["page"], "Stated") == "27 July 2022 (EDTF 2022-07-27)"
    assert seen["page"].find("dt", string="Stated").find_next_sibling("dd").find("time")["datetime"] == "2022-07-27"
    assert _fact(seen["page"], "About") == "since February 2022 (EDTF 2022-02/..)"
    assert ("Venezuela holds 100 missiles of 9K338 Igla-S since February 2022, stated on 27 July 2022; "
            "unverified") in seen["apa"]
    assert seen["csl"]["event-date"] == {"edtf": "2022-07-27", "date-parts": [[2022, 7, 27]]}
    assert "since February 2022" in seen["csl"]["title"]


def test_a_decade_and_an_approximate_date_show_as_such_and_csl_json_takes_the_edtf(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim_id = _add(url, "--stated", "circa 2022", "--about", "the 1980s")
    assert _columns(url, claim_id) == ("2022~", "2022-01-01", None, "198X", "1980-01-01", "1989-12-31", None)
    seen = _read_everywhere(url, claim_id)
    assert (seen["api"]["stated"], seen["api"]["about"]) == ("2022~", "198X")
    assert seen["sentence"].endswith("in the 1980s, stated in about 2022; unverified.")
    assert _fact(seen["page"], "Stated") == "about 2022 (EDTF 2022~)"
    assert seen["page"].find("dt", string="Stated").find_next_sibling("dd").find("time") is None  # not ISO 8601
    assert _fact(seen["page"], "About") == "the 1980s (EDTF 198X)"
    assert "in the 1980s, stated in about 2022; unverified" in seen["apa"]
    assert seen["csl"]["event-date"] == {"edtf": "2022~"}  # no date-parts: they cannot say "about"


def test_a_period_whose_ends_differ_in_precision_is_kept_as_given(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim_id = _add(url, "--about", "February 2022 to 27 July 2022")
    assert _columns(url, claim_id)[3:] == ("2022-02/2022-07-27", "2022-02-01", "2022-07-27", None)
    seen = _read_everywhere(url, claim_id)
    assert seen["api"]["about"] == "2022-02/2022-07-27"
    assert _fact(seen["page"], "About") == "February 2022 to 27 July 2022 (EDTF 2022-02/2022-07-27)"
    assert "between February 2022 and 27 July 2022; unverified" in seen["sentence"]
    assert "event-date" not in seen["csl"]  # no date stated


def test_editing_the_date_stated_moves_an_open_end_with_it(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim_id = _add(url, "--stated", "2022-07-27", "--about", "1997/..")
    ok(url, "claim", "edit", claim_id, "--stated", "2023-03", "--reason", "test: the date of the speech")
    assert _columns(url, claim_id) == ("2023-03", "2023-03-01", "month", "1997/..", "1997-01-01", "2023-03-31", None)
    ok(url, "claim", "edit", claim_id, "--stated", "", "--reason", "test: date not known")
    assert _columns(url, claim_id)[3:] == ("1997/..", "1997-01-01", None, None)


def test_claim_filters_compare_the_days_a_date_may_mean(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    since = _add(url, "--about", "since 2030")  # no date stated: open
    until = _add(url, "--about", "until 1990")
    decade = _add(url, "--about", "198X")
    mine = {since, until, decade}

    def found(**filters: str) -> set[str]:
        with api(url) as client:
            response = client.get("/v1/claims", params={"system": "igla-s", "limit": 200, **filters})
        assert response.status_code == 200, response.text
        return {row["id"] for row in response.json()["items"]} & mine

    assert found(about_from="2040") == {since}
    assert found(about_to="1975") == {until}
    assert found(about_from="1985", about_to="1985") == {until, decade}
    assert found(about_from="1991", about_to="2029") == set()
    listed = {row["id"] for row in read_json(url, "claim", "list", "--system", "igla-s", "--about-from", "1989")}
    assert listed & mine == {since, until, decade}


@pytest.mark.parametrize(("option", "typed", "reason", "forms"), [
    ("--about", "early 2022", "names part of a year or a decade, which EDTF level 1 cannot say (give the months "
                              "the source names, 2022-01/2022-04, or the whole year)", ABOUT_FORMS),
    ("--about", "last spring", "says when only relative to another day, which is not given (give the date itself)",
     ABOUT_FORMS),
    ("--stated", "since 1997", "is a period, but a claim is stated at one time (give one date, approximate if need "
                               "be)", STATED_FORMS),
])  # fmt: skip
def test_claim_add_with_a_date_that_needs_a_guess_is_one_line_and_writes_nothing(
    dbs: DatabaseFactory, option: str, typed: str, reason: str, forms: str
) -> None:
    field = option.removeprefix("--")
    assert_refused(dbs.seeded(), "claim", "add", "--kind", "inventory", "--system", "igla-s", "--country", "VE",
                   "--value", "100", "--counted", "missiles", "--source", ANADOLU, option, typed,
                   message=f"{field}: {typed!r} {reason}; write it as EDTF or in words: {forms}")  # fmt: skip


def test_an_import_reads_edtf_and_words_and_exports_edtf(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.seeded()
    records = [
        {"type": "claim", "id": "C-EDTF0001", "kind": "inventory", "system": "igla-s", "country": "VE",
         "value_low": 100, "counted": "missiles", "stated": "2022-07-27", "about": "since February 2022",
         "citations": [{"source": ANADOLU}]},
        {"type": "claim", "id": "C-EDTF0002", "kind": "inventory", "system": "igla-s", "country": "VE",
         "value_low": 200, "counted": "missiles", "stated": "2025~", "about": "198X",
         "citations": [{"source": ANADOLU}]},
    ]  # fmt: skip
    path = tmp_path / "dated.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    ok(url, "import", str(path), "--yes")
    shown = [read_json(url, "claim", "show", key) for key in ("C-EDTF0001", "C-EDTF0002")]
    assert [(c["stated"], c["about"]) for c in shown] == [("2022-07-27", "2022-02/.."), ("2025~", "198X")]
    assert _columns(url, "C-EDTF0001")[3:] == ("2022-02/..", "2022-02-01", "2022-07-27", None)
    exported = ok(url, "export").stdout.splitlines()
    mine = [r for r in map(json.loads, exported) if r["type"] == "claim" and r["id"].startswith("C-EDTF000")]
    assert [(r["stated"], r["about"]) for r in mine] == [("2022-07-27", "2022-02/.."), ("2025~", "198X")]
    before = state(url)
    again = tmp_path / "again.jsonl"
    again.write_text("\n".join(exported) + "\n", encoding="utf-8")
    ok(url, "import", str(again), "--yes")
    assert state(url) == before  # EDTF exported reads back to the same claims
    csv = ok(url, "export", "--format", "csv").stdout
    assert ",2025~,198X," in csv


def test_an_import_with_a_date_that_needs_a_guess_names_the_line_and_writes_nothing(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.seeded()
    record = {"type": "claim", "kind": "inventory", "system": "igla-s", "country": "VE", "value_low": 1,
              "counted": "missiles", "about": "recently", "citations": [{"source": ANADOLU}]}  # fmt: skip
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    before = state(url)
    result = cli(url, "import", str(path), "--yes")
    assert result.exit_code == 1, result.output
    assert "bad.jsonl: line 1: about: 'recently' says when only relative to another day" in result.stderr
    assert state(url) == before


# --- the migration ------------------------------------------------------------------------------

LEGACY = ("stated_on, stated_precision, about_start, about_end, about_precision")


def _legacy(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT public_id, {LEGACY} FROM claim ORDER BY id")).all()  # type: ignore[return-value]


def test_existing_dates_migrate_to_edtf_unchanged_up_and_down(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    migrate.downgrade(engine, BELOW)
    with engine.begin() as connection:  # dates of each precision, as the columns of before held them
        ids = [row[0] for row in connection.execute(sa.text("SELECT public_id FROM claim ORDER BY id LIMIT 4"))]
        for public_id, values in zip(ids, [
            {"stated_on": "2024-05-01", "stated_precision": "month", "about_start": "2009-01-01",
             "about_end": "2012-06-30", "about_precision": "month"},
            {"stated_on": "2024-05-22", "stated_precision": "day", "about_start": "2010-01-01",
             "about_end": "2010-12-31", "about_precision": "year"},
            {"stated_on": "2024-01-01", "stated_precision": "year", "about_start": "2022-02-03",
             "about_end": "2022-07-27", "about_precision": "day"},
            {"stated_on": None, "stated_precision": None, "about_start": None, "about_end": None,
             "about_precision": None},
        ], strict=True):  # fmt: skip
            connection.execute(sa.text(
                "UPDATE claim SET stated_on = :stated_on, stated_precision = :stated_precision, about_start = "
                ":about_start, about_end = :about_end, about_precision = :about_precision WHERE public_id = :id"
            ), {**{k: date.fromisoformat(v) if k.endswith(("_on", "_start", "_end")) and v else v
                   for k, v in values.items()}, "id": public_id})  # fmt: skip
    before = _legacy(engine)
    migrate.upgrade(engine)
    assert _legacy(engine) == before  # every value of before kept exactly
    with engine.connect() as connection:
        edtf = dict(connection.execute(sa.text(
            "SELECT public_id, stated_edtf || ' | ' || coalesce(about_edtf, '-') FROM claim WHERE stated_edtf IS NOT "
            "NULL OR about_edtf IS NOT NULL")).all())  # fmt: skip
    assert [edtf.get(public_id) for public_id in ids] == ["2024-05 | 2009-01/2012-06", "2024-05-22 | 2010",
                                                          "2024 | 2022-02-03/2022-07-27", None]  # fmt: skip
    assert edtf["C-YSESYR2E"] == "2025-10-22 | -"  # a seeded claim stated on a day
    migrate.downgrade(engine, BELOW)
    assert _legacy(engine) == before
    engine.dispose()


def test_a_downgrade_is_refused_while_a_decade_is_stored_and_changes_nothing(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim_id = _add(url, "--about", "the 1980s")
    engine = engine_for(url)
    migrate.downgrade(engine, EDTF_REVISION)  # the revisions above it hold nothing this claim needs
    before = db_state(engine)
    with pytest.raises(RuntimeError, match=rf"cannot downgrade below 0012: 1 claims hold dates .* {claim_id} "
                                           r"\(about 198X\)\. Nothing was changed"):  # fmt: skip
        migrate.downgrade(engine, BELOW)
    assert schema_version.current(engine) == EDTF_REVISION and db_state(engine) == before
    migrate.upgrade(engine)
    ok(url, "claim", "edit", claim_id, "--about", "1980/1989", "--reason", "test: as plain years")
    migrate.downgrade(engine, BELOW)  # the columns of before say 1980/1989 exactly
    assert schema_version.current(engine) == BELOW
    engine.dispose()
