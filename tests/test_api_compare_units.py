"""A comparison words each attribute in one unit, the source's own beside it, and counts the
deprecated values it hides, with a link that shows them (JSON and page, on both engines)."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from equipment_db.claims import service as claim_service
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from tests.api_client import api
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import claim_input, populate

EDIT = Edit("test-editor", "test setup")
BROWSER = {"accept": "text/html"}
COMPARE = "/v1/compare?systems=test-system-1,test-system-2"
SHOW_DEPRECATED = "https://db.example.org/v1/compare?systems=test-system-1%2Ctest-system-2&include_deprecated=true"


def _specs(url: str, *claims: dict[str, Any]) -> list[str]:
    """Specification claims of Test System 1 (unless a dict names another), one source each."""
    engine = engine_for(url)
    try:
        source = populate(engine)["source"]
        with session_scope(engine, write=True) as session:
            return [claim_service.create_claim(session, claim_input(source, **({
                "kind": "specification", "country": None, "counted": None, "claimant": None,
                "qualifier": "exact"} | fields)), edit=EDIT).public_id for fields in claims]  # fmt: skip
    finally:
        engine.dispose()


def _mixed(url: str) -> list[str]:
    """Max range in km, m and miles; unit cost in US dollars and euros; an operator share in %;
    and deprecated values: one of Test System 1's ranges, seven of Test System 2's min ranges
    (one retracted, so six count), none of them shown by default."""
    return _specs(
        url,
        {"attribute": "max_range", "value": 5.2, "unit": "km", "value_text": "5.2 km"},
        {"attribute": "max_range", "value": 5200, "unit": "m", "value_text": "5,200 metres"},
        {"attribute": "max_range", "value": 3.2, "unit": "mi", "qualifier": "up_to", "value_text": "up to 3.2 miles"},
        {"attribute": "max_range", "value": 9, "unit": "km", "value_text": "9 km", "rank": "deprecated"},
        {"attribute": "max_range", "system": "test-system-2", "value": 4, "unit": "km", "value_text": "4 km"},
        {"attribute": "unit_cost", "value": 100000, "unit": "USD", "value_text": "$100,000"},
        {"attribute": "unit_cost", "value": 2.5, "unit": "EUR", "value_text": "2.5 euros"},
        {"attribute": "operator_count", "value": 25, "unit": "percent", "value_text": "25% of members"},
        *({"attribute": "min_range", "system": "test-system-2", "value": 100 + n, "unit": "m",
           "value_text": f"{100 + n} m", "rank": "deprecated"} for n in range(7)),
    )  # fmt: skip


def _retract(url: str, claim_id: str) -> None:
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        claim_service.retract_claim(session, claim_id, edit=Edit("test-editor", "test retraction"))
    engine.dispose()


def _rows(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["attribute"]: row for row in body["attributes"]}


def _worded(row: dict[str, Any], system: str = "test-system-1") -> list[tuple[Any, ...]]:
    return [(v["claim"], v["value_low"], v["value_high"], v["unit"], v["value_words"], v["given_words"],
             v["unit_converted"], v["unit_note"]) for v in row["systems"][system]]  # fmt: skip


def test_mixed_units_in_one_attribute_are_worded_in_its_canonical_unit_with_the_originals_beside(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.migrated()
    km, metres, miles, _, other, *_ = _mixed(url)
    with api(url) as client:
        response = client.get(COMPARE)
    assert response.status_code == 200, response.text
    row = _rows(response.json())["max_range"]
    assert row["unit"] == "m"
    assert _worded(row) == [
        (km, 5200.0, 5200.0, "m", "5,200 m", "5.2 km", True, None),
        (metres, 5200.0, 5200.0, "m", "5,200 m", None, True, None),
        # 3.2 mi is 5,149.9008 m: the words keep 3 significant figures, the number the exact conversion
        (miles, None, 5149.9008, "m", "up to 5,150 m", "up to 3.2 mi", True, None),
    ]  # fmt: skip
    assert _worded(row, "test-system-2") == [(other, 4000.0, 4000.0, "m", "4,000 m", "4 km", True, None)]
    assert [(v["original_low"], v["original_high"], v["original_unit"]) for v in row["systems"]["test-system-1"]] == [
        ("5.2", "5.2", "km"), ("5200", "5200", "m"), (None, "3.2", "mi")]  # fmt: skip


def test_a_unit_that_does_not_convert_to_the_rows_unit_stays_as_given_and_is_marked(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    ids = _mixed(url)
    dollars, euros, share = ids[5], ids[6], ids[7]
    with api(url) as client:
        rows = _rows(client.get(COMPARE).json())
    assert rows["unit_cost"]["unit"] == "USD"
    assert _worded(rows["unit_cost"]) == [
        (dollars, 100000.0, 100000.0, "USD", "100,000 USD", None, True, None),
        (euros, 2.5, 2.5, "EUR", "2.5 EUR", None, False, "given in EUR: no exchange rate is applied"),
    ]  # fmt: skip
    assert rows["operator_count"]["unit"] is None
    assert _worded(rows["operator_count"]) == [
        (share, 25.0, 25.0, "percent", "25%", None, False, "given in %; operator count has no unit")
    ]  # fmt: skip


def test_the_hidden_deprecated_values_are_counted_exactly_and_the_link_shows_them(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    ids = _mixed(url)
    km, metres, miles, deprecated_range, other = ids[:5]
    minimum = ids[8:]
    _retract(url, minimum[-1])  # a retracted value is neither shown nor counted
    with api(url) as client:
        hidden = client.get(COMPARE).json()
        shown = client.get(hidden["show_deprecated_url"]).json()
    assert (hidden["include_deprecated"], hidden["deprecated_hidden"]) == (False, 7)
    assert hidden["show_deprecated_url"] == SHOW_DEPRECATED
    rows = _rows(hidden)
    assert rows["max_range"]["deprecated_hidden"] == {"test-system-1": 1, "test-system-2": 0}
    assert [v["claim"] for v in rows["max_range"]["systems"]["test-system-1"]] == [km, metres, miles]
    # a row for an attribute whose only values are deprecated, so that the count has a place
    assert rows["min_range"]["deprecated_hidden"] == {"test-system-1": 0, "test-system-2": 6}
    assert rows["min_range"]["systems"] == {"test-system-1": [], "test-system-2": []}
    assert rows["unit_cost"]["deprecated_hidden"] == {"test-system-1": 0, "test-system-2": 0}

    assert (shown["include_deprecated"], shown["show_deprecated_url"]) == (True, None)
    rows = _rows(shown)
    ranged = rows["max_range"]["systems"]
    assert [(v["claim"], v["rank"], v["preferred"], v["value_words"]) for v in ranged["test-system-1"]] == [
        (km, "normal", False, "5,200 m"), (metres, "normal", False, "5,200 m"),
        (miles, "normal", False, "up to 5,150 m"), (deprecated_range, "deprecated", False, "9,000 m")]  # fmt: skip
    assert [(v["claim"], v["preferred"]) for v in ranged["test-system-2"]] == [(other, True)]
    # at most 5 per system and attribute are shown; the sixth is still counted as hidden
    assert [v["claim"] for v in rows["min_range"]["systems"]["test-system-2"]] == minimum[:5]
    assert {v["rank"] for v in rows["min_range"]["systems"]["test-system-2"]} == {"deprecated"}
    assert rows["max_range"]["deprecated_hidden"] == {"test-system-1": 0, "test-system-2": 0}
    assert rows["min_range"]["deprecated_hidden"] == {"test-system-1": 0, "test-system-2": 1}
    assert shown["deprecated_hidden"] == 1


def test_a_comparison_without_deprecated_values_offers_no_link(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    _specs(url, {"attribute": "max_range", "value": 5.2, "unit": "km", "value_text": "5.2 km"})
    with api(url) as client:
        body = client.get(COMPARE).json()
        page = BeautifulSoup(client.get(COMPARE, headers=BROWSER).text, "html.parser")
    assert (body["deprecated_hidden"], body["show_deprecated_url"]) == (0, None)
    assert _rows(body)["max_range"]["deprecated_hidden"] == {"test-system-1": 0, "test-system-2": 0}
    assert page.find(id="deprecated") is None


def _cells(page: BeautifulSoup) -> dict[str, list[str]]:
    """Row header -> the text of each system's cell."""
    return {tr.find("th").get_text(" ", strip=True): [" ".join(td.get_text(" ").split()) for td in tr.find_all("td")]
            for tr in page.find("tbody").find_all("tr")}  # fmt: skip


def test_the_page_shows_one_unit_per_attribute_and_the_hidden_deprecated_values(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    _mixed(url)
    with api(url) as client:
        response = client.get(COMPARE, headers=BROWSER)
        assert response.status_code == 200, response.text
        page = BeautifulSoup(response.text, "html.parser")
        link = page.find(id="deprecated").find("a")
        shown = BeautifulSoup(client.get(link["href"], headers=BROWSER).text, "html.parser")
    cells = _cells(page)
    assert cells["max range (m)"] == [
        "5,200 m (5.2 km as given) unverified · not graded Sources: Example Press 5,200 m unverified · not graded "
        "Sources: Example Press up to 5,150 m (up to 3.2 mi as given) unverified · not graded Sources: Example Press "
        "1 deprecated value hidden",
        "4,000 m (4 km as given) (preferred) unverified · not graded Sources: Example Press",
    ]
    assert cells["unit cost (USD)"][0] == (
        "100,000 USD unverified · not graded Sources: Example Press 2.5 EUR (not converted: given in EUR: no exchange "
        "rate is applied) unverified · not graded Sources: Example Press"
    )
    assert cells["operator count"][0] == (
        "25% (not converted: given in %; operator count has no unit) (preferred) unverified · not graded "
        "Sources: Example Press"
    )
    assert cells["min range (m)"] == ["none claimed", "none claimed 7 deprecated values hidden"]
    assert " ".join(page.find(id="deprecated").get_text(" ").split()) == (
        "8 deprecated values hidden. Show deprecated values"
    )
    assert link["href"] == SHOW_DEPRECATED

    shown_cells = _cells(shown)
    assert shown_cells["max range (m)"][0].endswith(
        "9,000 m (9 km as given) (deprecated) unverified · not graded Sources: Example Press")
    assert shown_cells["min range (m)"][1].count("(deprecated)") == 5
    assert shown_cells["min range (m)"][1].endswith("2 deprecated values hidden")
    notice = shown.find(id="deprecated")
    assert " ".join(notice.get_text(" ").split()) == (
        "Values ranked deprecated are shown, marked (deprecated) . 2 more are not shown "
        "(at most 5 per system and attribute). Hide deprecated values"
    )
    assert notice.find("a")["href"] == "https://db.example.org/v1/compare?systems=test-system-1%2Ctest-system-2"
