"""The consistency check (analysis/consistency.py): the worked examples of docs/ANALYSIS.md,
each rule's edges, and the timeline through the API, the page and `equipment-db timeline`
on SQLite and PostgreSQL (issue 15, part 1). The property tests are in
test_consistency_properties.py (slow lane)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from bs4 import BeautifulSoup

from equipment_db.analysis.consistency import Fact, check
from equipment_db.config import REPO_ROOT
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, ok  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory

DOC = (REPO_ROOT / "docs" / "ANALYSIS.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```example\n(.*?)```", DOC, re.DOTALL)


def _fact(line: str) -> Fact:
    ident, scope, supplier, period, said = (part.strip() for part in line.split("|"))
    first, last = (date.fromisoformat(day) for day in period.split(".."))
    stock = scope in ("inventory", "deployed", "mobilised")
    qualifier, _, number = said.partition(" ")
    value = float(number) if number else None
    low = None if qualifier in ("at_most", "less_than", "up_to", "nearly") else value
    high = None if qualifier in ("at_least", "more_than", "just_over") else value
    return Fact(id=ident, kind="inventory" if stock else "transfer", scope=scope, counted="missiles", party="UA",
                counterparty=None if supplier == "-" else supplier, start=first, end=last,
                low=low, high=high, qualifier=None if qualifier == "denies" else qualifier,
                stance="denies" if qualifier == "denies" else "affirms", label=ident)  # fmt: skip


def _flags(expected: str) -> list[tuple[str, list[str]]]:
    if expected.strip() == "none":
        return []
    return [(rule.strip(), ids.split()) for rule, ids in (flag.split(":") for flag in expected.split(";"))]


def test_the_doc_has_its_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.splitlines()[0] for e in EXAMPLES])
def test_each_worked_example_of_the_doc(example: str) -> None:
    _, *lines = example.strip().splitlines()
    facts = [_fact(line) for line in lines if "|" in line]
    expected = next(line for line in lines if line.startswith("flags:")).removeprefix("flags:")
    assert [(flag.rule, sorted(flag.claims)) for flag in check(facts)] == _flags(expected)


def _flow(ident: str, first: str, last: str, low: float | None, high: float | None = None, **other: object) -> Fact:
    fields = {"id": ident, "kind": "transfer", "scope": "delivered", "counted": "missiles", "party": "UA",
              "counterparty": "DE", "start": date.fromisoformat(first), "end": date.fromisoformat(last),
              "low": low, "high": low if high is None else high, "qualifier": "exact", "label": ident} | other  # fmt: skip
    return Fact(**fields)  # type: ignore[arg-type]


def test_one_statement_reported_twice_is_checked_once_and_never_against_itself() -> None:
    a = _flow("A", "2022-01-01", "2022-12-31", 500)
    b = _flow("B", "2022-01-01", "2022-12-31", 900)
    assert [f.rule for f in check([a, b])] == ["equal_periods"]
    assert check([a, b], same_as=[("A", "B")]) == []


def test_a_superseded_claim_is_left_out_and_an_editors_link_always_shows() -> None:
    a = _flow("A", "2022-01-01", "2022-12-31", 500)
    b = _flow("B", "2022-01-01", "2022-12-31", 900)
    assert check([a, b], superseded=["A"]) == []
    [flag] = check([a, _flow("C", "2023-01-01", "2023-12-31", 5)], contradicts=[("A", "C")])
    assert (flag.rule, flag.by, flag.claims) == ("editor", "editor", ["A", "C"])
    assert flag.sentence == "An editor linked A as contradicting C."


def test_a_flag_explains_itself_in_one_sentence() -> None:
    part = _flow("C-AAA", "2022-02-01", "2022-12-31", 700, float("inf"), qualifier="more_than",
                 label="C-AAA: more than 700 missiles, delivered, 2022-02/2022-12")  # fmt: skip
    whole = _flow("C-BBB", "2022-01-01", "2022-12-31", 450, qualifier="approximately",
                  label="C-BBB: about 450 missiles, delivered, 2022")  # fmt: skip
    [flag] = check([part, whole])
    assert flag.sentence == ("C-AAA: more than 700 missiles, delivered, 2022-02/2022-12 exceeds C-BBB: about 450 "
                             "missiles, delivered, 2022, which allows at most 495.")  # fmt: skip


def test_no_number_or_no_date_is_never_flagged() -> None:
    undated = Fact("U", "transfer", "delivered", "missiles", "UA", "DE", None, None, 5, 5, "exact")
    vague = _flow("V", "2022-01-01", "2022-12-31", None, None, qualifier="unspecified")
    assert check([undated, vague, _flow("A", "2022-01-01", "2022-12-31", 1)]) == []


# --- through the database ----------------------------------------------------------------------

ANADOLU = "S-PJZ2YVHP"  # a seeded source


def _delivery(url: str, supplier: str, value: str, about: str) -> str:
    return ok(url, "claim", "add", "--kind", "transfer", "--system", "igla-s", "--country", "UA", "--counterparty",
              supplier, "--scope", "delivered", "--counted", "missiles", "--value", value, "--about", about,
              "--source", ANADOLU).stdout.strip()  # fmt: skip


def _timeline(url: str) -> dict:  # type: ignore[type-arg]
    with api(url) as client:
        return client.get("/v1/timeline", params={"system": "igla-s", "country": "UA"}).json()


def test_the_timeline_flags_only_what_cannot_be_true(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _delivery(url, "DE", "12", "2023")
    _delivery(url, "US", "1,450", "2023")
    _delivery(url, "GB", "725", "2023")  # three suppliers, one year: no conflict
    cumulative = _delivery(url, "DE", "nearly 2,000", "2022-02-24/2023-06-30")
    assert _timeline(url)["contradictions"] == []
    body = _timeline(url)
    by_claim = {e["claim"]: e for e in body["entries"]}
    assert by_claim[cumulative]["measure"] == "flow" and by_claim[cumulative]["counterparty"] == "Germany"
    part = _delivery(url, "DE", "more than 2,100", "2022-03/2023-05")  # inside the cumulative period, above it
    [flag] = _timeline(url)["contradictions"]
    assert (flag["rule"], flag["by"], flag["claims"]) == ("parts_exceed_whole", "checker", [part, cumulative])
    assert "more than 2,100 missiles, delivered" in flag["sentence"] and "which allows at most 2,000" in flag["sentence"]
    later = _delivery(url, "DE", "5", "2024")
    ok(url, "claim", "link", later, "contradicts", cumulative, "--note", "test: an editor's judgement")
    flags = _timeline(url)["contradictions"]
    assert [(f["rule"], f["by"]) for f in flags] == [("parts_exceed_whole", "checker"), ("editor", "editor")]
    with api(url) as client:
        page = BeautifulSoup(client.get("/v1/timeline", params={"system": "igla-s", "country": "UA"},
                                        headers={"accept": "text/html"}).text, "html.parser")  # fmt: skip
    text = " ".join(page.find("h2", id="contradictions").find_next("ul").get_text(" ").split())
    assert "Editor's link:" in text and "which allows at most 2,000" in text
    printed = ok(url, "timeline", "igla-s", "Ukraine").stdout
    assert "2 flag(s):" in printed and "[editor] An editor linked" in printed
    as_json = json.loads(ok(url, "timeline", "igla-s", "UA", "--json").stdout)
    assert [f["rule"] for f in as_json[0]["contradictions"]] == ["parts_exceed_whole", "editor"]


def _quantities(url: str, **params: str) -> list[dict]:  # type: ignore[type-arg]
    with api(url) as client:
        response = client.get("/v1/systems/igla-s/quantities", params={"country": "UA", **params})
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def test_totals_add_up_distinct_deliveries_and_give_stocks_as_a_range(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    register = [_delivery(url, supplier, value, "2023") for supplier, value in
                (("DE", "12"), ("US", "1,450"), ("GB", "725"))]  # fmt: skip
    again = _delivery(url, "US", "1,450", "2023")  # another report of the same statement
    ok(url, "claim", "link", again, "same_as", register[1])
    old = _delivery(url, "GB", "700", "2023")
    ok(url, "claim", "link", register[2], "supersedes", old)
    _delivery(url, "DE", "nearly 2,000", "2022-02-24/2023-06-30")  # over two years: in no one year
    [row] = _quantities(url, kind="transfer")
    assert (row["party"], row["year"], row["scope"], row["measure"], row["low"], row["high"]) == (
        "Ukraine", 2023, "delivered", "flow", 2187, 2187)  # fmt: skip
    assert row["claims"] == 3 and sorted(row["claim_ids"]) == sorted(register) and row["estimate"] is False
    floor = _delivery(url, "PL", "more than 1,700", "2024")
    [row_2024] = [r for r in _quantities(url, kind="transfer") if r["year"] == 2024]
    assert (row_2024["low"], row_2024["high"], row_2024["estimate"], row_2024["claim_ids"]) == (1700, None, True, [floor])
    for value, day in (("5,000", "2024-03"), ("about 4,000", "2024-11")):
        ok(url, "claim", "add", "--kind", "inventory", "--system", "igla-s", "--country", "UA", "--counted",
           "missiles", "--value", value, "--about", day, "--source", ANADOLU)  # fmt: skip
    [stock] = _quantities(url, kind="inventory")
    assert (stock["measure"], stock["low"], stock["high"], stock["claims"]) == ("stock", 4000, 5000, 2)


def test_the_pairs_compared_are_every_pair_of_alike_overlapping_facts_in_order() -> None:
    import random
    from itertools import combinations

    from equipment_db.analysis.consistency import overlapping_pairs

    chance = random.Random(7)
    for _ in range(200):
        facts = []
        for n in range(chance.randrange(0, 40)):
            start = date(2020, 1, 1).toordinal() + chance.randrange(0, 2000)
            first, last = date.fromordinal(start), date.fromordinal(start + chance.choice([0, 1, 30, 364, 900]))
            facts.append(_flow(f"C-{n}", first.isoformat(), last.isoformat(), 1.0,
                               scope=chance.choice(["delivered", "ordered"]),
                               counterparty=chance.choice(["DE", "US", None])))  # fmt: skip
        expected = [(i, j) for i, j in combinations(range(len(facts)), 2)
                    if (facts[i].kind, facts[i].scope, facts[i].party, facts[i].counterparty)
                    == (facts[j].kind, facts[j].scope, facts[j].party, facts[j].counterparty)
                    and facts[i].start <= facts[j].end and facts[j].start <= facts[i].end]  # fmt: skip
        assert overlapping_pairs(facts) == expected
