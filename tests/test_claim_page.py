"""The claim page (issue 19, items 2 and 3): a summary and the permalink at the top, names not
codes, the Admiralty legend, old versions that say what changed, word diffs in the history and
a compact cite box."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient

from equipment_db.citations.text import claim_sentence
from equipment_db.pages.history import word_diff
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, ok  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import add_claim, populate

BROWSER = {"accept": "text/html"}
MADURO = "C-YSESYR2E"
LONG_NOTE = ("The count was read from the second paragraph of the report, which gives the figure for the whole "
             "country and not for one region; the report does not say how the figure was reached.")  # fmt: skip


def _page(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _before(soup: BeautifulSoup, first: Tag, second: Tag) -> bool:
    """Whether `first` comes before `second` in document order."""
    order = {id(t): n for n, t in enumerate(soup.find_all(True))}
    return order[id(first)] < order[id(second)]


def _claim(url: str, **fields: object) -> str:
    engine = engine_for(url)
    keys = populate(engine)
    claim = add_claim(engine, keys["source"], **fields)
    engine.dispose()
    return claim


def test_the_headline_names_countries_and_parties_not_codes(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    with api(url) as client:
        h1 = _page(client, f"/v1/claims/{MADURO}").find("h1").get_text(" ", strip=True)
    assert "claimed that Venezuela has deployed" in h1 and " VE " not in f" {h1} "
    sentence = claim_sentence({"kind": "transfer", "country": "VE", "counterparty_country": "RU", "value_low": 10,
                               "value_high": 10, "system_name": "Test System 1", "scope": "delivered"})  # fmt: skip
    assert sentence.startswith("Russia delivered 10 of Test System 1 to Venezuela"), sentence


def test_the_summary_and_the_permalink_come_first_before_the_claim_and_its_citations(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        soup = _page(client, f"/v1/claims/{MADURO}")
        claim = client.get(f"/v1/claims/{MADURO}").json()
    summary = soup.find("section", class_="summary")
    assert summary.find("span", class_="status").get_text() == "unverified"
    quote = claim["citations"][0]["quote"]
    shown = summary.find("q").get_text()
    assert len(quote) > 160 and shown.endswith("…") and quote.startswith(shown[:-1].rstrip()), shown
    assert summary.find("a", string="the whole quote")["href"] == "#sources"
    assert "no less than 5,000" in summary.get_text()
    permalink = summary.find("a", rel="bookmark")
    assert permalink["href"] == f"https://db.example.org/v1/claims/{MADURO}/versions/1"
    assert _before(soup, soup.find("h1"), summary)
    for later in (soup.find(id="claim"), soup.find(id="sources"), soup.find(id="cite-heading")):
        assert _before(soup, summary, later), later


def test_source_and_system_pages_give_their_permalink_under_the_heading(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        for path in ("/v1/systems/igla-s", "/v1/sources/S-PJZ2YVHP"):
            soup = _page(client, path)
            top = soup.find("p", class_="permalink top")
            assert top is not None and "/versions/" in top.find("a")["href"], path
            assert top.find_previous("h1") is not None and _before(soup, top, soup.find("dl")), path


def test_a_retracted_claim_carries_a_retracted_badge_in_its_summary(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim = _claim(url)
    ok(url, "claim", "retract", claim, "--reason", "test: counted twice")
    with api(url) as client:
        badges = [s.get_text() for s in _page(client, f"/v1/claims/{claim}").find(class_="summary").find_all("span")]
    assert "retracted" in badges


def test_a_grade_is_shown_with_the_admiralty_legend_and_none_without_one(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    graded = _claim(url, reliability="B", credibility="2")
    with api(url) as client:
        soup = _page(client, f"/v1/claims/{graded}")
        ungraded = _page(client, f"/v1/claims/{MADURO}")
    legend = soup.find("details", class_="legend")
    assert legend is not None and legend.find_previous("dt", string="Grading") is not None
    text = " ".join(legend.get_text(" ").split())
    for words in ("A completely reliable", "B usually reliable", "F reliability cannot be judged",
                  "1 confirmed by other sources", "2 probably true", "6 truth cannot be judged"):  # fmt: skip
        assert words in text, words
    assert ungraded.find("details", class_="legend") is None


def test_an_old_version_names_the_fields_changed_since(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim = _claim(url)
    ok(url, "claim", "edit", claim, "--value", "at least 110", "--reason", "test: the report was corrected")
    with api(url) as client:
        old = _page(client, f"/v1/claims/{claim}/versions/1")
        latest = _page(client, f"/v1/claims/{claim}/versions/2")
    banner = old.find("div", class_="banner old")
    changed = [" ".join(li.get_text(" ").split()) for li in banner.find("ul", class_="changed-since").find_all("li")]
    assert "value low: 100.0 → 110.0" in changed, changed
    assert any(c.startswith("value text: at least 100 → at least 110") for c in changed), changed
    assert latest.find("ul", class_="changed-since") is None


def test_the_history_shows_the_words_a_long_note_change_removed_and_added(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim = _claim(url, note=LONG_NOTE)
    edited = LONG_NOTE.replace("the whole country", "the northern region")
    ok(url, "claim", "edit", claim, "--note", edited, "--reason", "test: the note was wrong")
    with api(url) as client:
        soup = _page(client, f"/v1/claims/{claim}")
    row = soup.find(id="history").find_next("tbody").find("tr")
    diff = row.find("span", class_="diff")
    assert diff is not None, row
    assert [d.get_text() for d in diff.find_all("del")] == ["whole country"]
    assert [i.get_text() for i in diff.find_all("ins")] == ["northern region"]


def test_a_word_diff_keeps_only_the_words_next_to_a_change() -> None:
    old = " ".join(f"w{n}" for n in range(40))
    new = old.replace("w20", "changed")
    assert word_diff(old, new) == [("same", "… w14 w15 w16 w17 w18 w19"), ("del", "w20"), ("ins", "changed"),
                                   ("same", "w21 w22 w23 w24 w25 w26 …")]  # fmt: skip
    assert word_diff("a b", "a c") == [("same", "a"), ("del", "b"), ("ins", "c")]


def test_the_cite_box_is_compact_every_format_collapsed_and_still_copyable(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        soup = _page(client, f"/v1/claims/{MADURO}")
    formats = soup.find("section", class_="cite").find_all("details")
    assert len(formats) == 6 and not any(d.has_attr("open") for d in formats)
    assert all(d.find("button", class_="copy") for d in formats)
