"""Bulk import, safely: nothing changes silently, a claim's external id is its identity across
releases of a register, every error of a record is listed, and a bad line is that line's
error. Through the CLI, on both engines."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from cli import exchange as cli_exchange
from equipment_db.claims import queries as claim_queries
from equipment_db.database import session_scope
from tests.cli_helpers import cli, explain, ok, read_json, state
from tests.dbs import DatabaseFactory, engine_for

REGISTER = "https://example.org/register"


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _report(url: str, path: Path, *args: str) -> dict[str, Any]:
    """The import's JSON report: {"created": {type: n}, ..., "missing": [...]}."""
    result = cli(url, "import", str(path), "--json", *args)
    assert result.exit_code == 0, explain(result)
    body = json.loads(result.stdout)
    counts = {count: {row["type"]: row[count] for row in body["records"] if row[count]}
              for count in ("created", "updated", "unchanged", "conflicting", "retracted")}  # fmt: skip
    return counts | {"missing": body["missing"], "rejected": body["rejected"], "written": body["written"]}


def _refused(url: str, path: Path, *args: str) -> list[str]:
    """The import fails, writes nothing, and lists its problems on stderr, one per line."""
    before = state(url)
    result = cli(url, "import", str(path), *args)
    assert result.exit_code == 1, explain(result)
    assert "Traceback" not in result.output
    assert state(url) == before
    return [line for line in result.stderr.splitlines() if line.startswith(f"{path.name}: ")]


# --- nothing silent --------------------------------------------------------------------------


def test_an_import_into_the_seeded_database_leaves_every_curated_entry_as_it_was(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.seeded()
    path = _write(tmp_path / "catalogue.jsonl", [
        {"type": "system", "slug": "igla-s", "name": "Igla-S MANPADS", "category": "manpads",
         "origin_country": "RU", "description": "Replaced by an import."},
        {"type": "system", "slug": "stinger", "name": "Stinger", "category": "manpads"},
        {"type": "alias", "system": "test-system-9", "name": "SA-24"},
        {"type": "system", "slug": "test-system-9", "name": "Test System 9", "category": "manpads",
         "aliases": [{"name": "FIM-92", "kind": "designation"}]},
    ])  # fmt: skip
    lines = _refused(url, path)
    assert lines[0] == ("catalogue.jsonl: line 1: conflict: system igla-s: name is '9K338 Igla-S' in the database "
                        "and 'Igla-S MANPADS' in the file")  # fmt: skip
    assert lines[1].startswith("catalogue.jsonl: line 1: conflict: system igla-s: description is ")
    assert lines[2].startswith("catalogue.jsonl: line 2: slug: stinger already names system fim-92-stinger")
    assert lines[3].startswith("catalogue.jsonl: line 3: system not found")  # its system comes later
    assert lines[4].startswith("catalogue.jsonl: line 4: alias: FIM-92 already names system fim-92-stinger")
    assert len(lines) == 5
    shown = read_json(url, "system", "show", "Stinger")
    assert shown["slug"] == "fim-92-stinger"


def test_update_applies_a_conflicting_record_as_a_new_version_and_needs_a_reason(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.seeded()
    before = read_json(url, "system", "show", "igla-s")
    path = _write(tmp_path / "catalogue.jsonl", [
        {"type": "system", "slug": "igla-s", "name": before["name"], "category": "manpads",
         "origin_country": "RU", "description": "A test description."},
    ])  # fmt: skip
    result = cli(url, "import", str(path), "--update")
    assert (result.exit_code, result.stderr.strip()) == (
        1, 'error: reason: required with --update: say why the entries change (--reason "2026 release")'
    ), explain(result)  # fmt: skip
    report = _report(url, path, "--update", "--reason", "test description")
    assert report["updated"] == {"system": 1}
    after = read_json(url, "system", "show", "igla-s")
    assert (after["description"], after["version"]) == ("A test description.", before["version"] + 1)
    assert _report(url, path)["unchanged"] == {"system": 1}  # the same again: identical


def test_a_claim_with_an_id_that_differs_is_a_conflict_and_another_quote_is_not_unchanged(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.seeded()
    exported = [json.loads(line) for line in ok(url, "export").stdout.splitlines()]
    claim = next(r for r in exported if r["type"] == "claim" and r.get("external_ids"))
    cited = next(r for r in exported if r["type"] == "citation" and r["claim"] == claim["id"])
    lines = _refused(url, _write(tmp_path / "claim.jsonl", [claim | {"note": "A test note."}]))
    assert lines == [f"claim.jsonl: line 1: conflict: claim {claim['id']}: note is {claim.get('note')!r} in the "
                     "database and 'A test note.' in the file"]  # fmt: skip
    again = _write(tmp_path / "cited.jsonl", [cited, cited | {"quote": "Another test quote."}])
    assert _report(url, again)["created"] == {"citation": 1}  # the same source, another quote: a citation
    assert _report(url, again)["unchanged"] == {"citation": 2}
    quotes = [c["quote"] for c in read_json(url, "claim", "show", claim["id"])["citations"]]
    assert sorted(quotes) == sorted([cited["quote"], "Another test quote."])


def test_claims_without_ids_match_only_when_everything_they_say_is_equal(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.seeded()
    base = {"type": "claim", "kind": "transfer", "system": "igla-s", "country": "VE", "counterparty": "RU",
            "value": 12, "counted": "launchers", "scope": "delivered", "about": "2011",
            "citations": [{"source": REGISTER, "locator": "row 1", "quote": "Test row 1."}]}  # fmt: skip
    source = {"type": "source", "kind": "dataset", "title": "Test Register", "url": REGISTER}
    assert _report(url, _write(tmp_path / "a.jsonl", [source, base]))["created"] == {"source": 1, "claim": 1,
                                                                                  "citation": 1}
    variants = [
        base | {"note": "Another deal."},
        base | {"citations": [base["citations"][0] | {"locator": "row 2"}]},
        base | {"external_ids": [{"scheme": "sipri_deal", "value": "99901"}]},
    ]
    report = _report(url, _write(tmp_path / "b.jsonl", [source, base, *variants]))
    assert (report["unchanged"], report["created"]) == ({"source": 1, "claim": 1}, {"claim": 3, "citation": 3})
    assert _report(url, tmp_path / "b.jsonl")["unchanged"] == {"source": 1, "claim": 4}


def test_a_reverse_supersedes_link_is_refused_not_counted_unchanged(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    first, second = _row("1001", "2020", 10) | {"id": "C-0000000A"}, _row("1001", "2020", 12) | {"id": "C-0000000B"}
    second["external_ids"] = [{"scheme": "sipri_deal", "value": "1002", "part": "2020"}]
    link = {"type": "claim_link", "from_claim": "C-0000000B", "to_claim": "C-0000000A", "kind": "supersedes"}
    _report(url, _write(tmp_path / "claims.jsonl", [*CATALOGUE, first, second, link]))
    reverse = link | {"from_claim": "C-0000000A", "to_claim": "C-0000000B"}
    lines = _refused(url, _write(tmp_path / "link.jsonl", [reverse]))
    assert len(lines) == 1 and lines[0].startswith("link.jsonl: line 1: "), lines
    assert _report(url, _write(tmp_path / "same.jsonl", [link]))["unchanged"] == {"claim_link": 1}


# --- identity across releases ------------------------------------------------------------------


def _row(deal: str, year: str, number: int, recipient: str = "FR") -> dict[str, Any]:
    return {"type": "claim", "kind": "transfer", "system": "test-system-1", "country": recipient,
            "counterparty": "DE", "value": number, "counted": "missiles", "scope": "delivered", "about": year,
            "claimant": "Test Register Office",
            "external_ids": [{"scheme": "sipri_deal", "value": deal, "part": year}],
            "citations": [{"source": REGISTER, "locator": f"deal {deal}, {year}",
                           "quote": f"Test deal {deal}: {number} delivered in {year}"}]}  # fmt: skip


CATALOGUE = [
    {"type": "system", "slug": "test-system-1", "name": "Test System 1", "category": "manpads"},
    {"type": "actor", "name": "Test Register Office", "kind": "research_institute"},
    {"type": "source", "kind": "dataset", "title": "Test Register", "url": REGISTER},
]


def test_two_releases_of_a_register_give_exactly_the_expected_counts(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    first = [_row("1001", "2020", 10), _row("1001", "2021", 20), _row("1002", "2021", 5, "PL"),
             _row("1003", "2022", 7, "PL"), _row("1004", "2022", 3)]  # fmt: skip
    report = _report(url, _write(tmp_path / "release-1.jsonl", CATALOGUE + first))
    assert report["created"] == {"system": 1, "actor": 1, "source": 1, "claim": 5, "citation": 5}
    revised = [first[0], _row("1001", "2021", 25), first[2], _row("1005", "2023", 9), _row("1006", "2023", 1)]
    path = _write(tmp_path / "release-2.jsonl", CATALOGUE + revised)

    lines = _refused(url, path)  # one number changed: a conflict, not a second claim
    assert lines[0].startswith("release-2.jsonl: line 5: conflict: claim C-")
    assert "value_low is 20.0 in the database and 25.0 in the file" in "\n".join(lines)

    dry = _report(url, path, "--dry-run", "--update", "--retract-missing")
    assert dry["written"] is False
    assert (dry["created"], dry["updated"], dry["retracted"]) == ({"claim": 2, "citation": 2}, {"claim": 1},
                                                                  {"claim": 2})  # fmt: skip
    assert len(dry["missing"]) == 2

    report = _report(url, path, "--update", "--retract-missing", "--reason", "release 2")
    assert (report["created"], report["updated"], report["retracted"]) == (
        {"claim": 2, "citation": 2}, {"claim": 1}, {"claim": 2})  # fmt: skip
    assert report["unchanged"] == {"system": 1, "actor": 1, "source": 1, "claim": 2}
    assert report["missing"] == dry["missing"]
    listed = read_json(url, "claim", "list", "--system", "test-system-1", "--limit", "100")
    values = sorted((c["country"], int(c["value"].split()[0])) for c in listed)
    assert values == [("FR", 1), ("FR", 9), ("FR", 10), ("FR", 25), ("PL", 5)]
    engine = engine_for(url)
    with session_scope(engine) as session:
        retracted = [claim_queries.get_claim(session, key) for key in report["missing"]]
        assert all(c.retracted_at is not None for c in retracted)
    engine.dispose()
    again = _report(url, path, "--update", "--retract-missing", "--reason", "release 2 again")
    assert (again["unchanged"]["claim"], again["missing"], again["created"]) == (5, [], {})


def test_retract_missing_is_refused_when_records_were_skipped(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    rows = [_row("1001", "2020", 10), _row("1002", "2020", 4), _row("1003", "2020", 2)]
    _report(url, _write(tmp_path / "r1.jsonl", [*CATALOGUE, *rows]))
    path = _write(tmp_path / "r2.jsonl", [*CATALOGUE, rows[0]])
    path.write_text(path.read_text() + '{"type": "claim", "kind": \n', encoding="utf-8")  # a cut line: 1002?
    before = state(url)
    result = cli(url, "import", str(path), "--skip-invalid", "--retract-missing", "--reason", "r2")
    assert result.exit_code == 1 and "cannot be told from one the import skipped" in result.stderr, explain(result)
    assert state(url) == before
    dry = _report(url, path, "--skip-invalid", "--dry-run")
    assert len(dry["missing"]) == 2  # listed all the same


def test_an_external_id_given_twice_in_a_file_is_refused_on_its_second_line(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.migrated()
    lines = _refused(url, _write(tmp_path / "twice.jsonl", [*CATALOGUE, _row("1001", "2020", 10),
                                                                        _row("1001", "2020", 11)]))  # fmt: skip
    assert lines == ["twice.jsonl: line 5: claim with external id 'sipri_deal:1001 part 2020 (line 4)' "
                     "already exists"]  # fmt: skip


# --- reporting ---------------------------------------------------------------------------------


def test_every_error_of_a_record_is_listed(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    bad = _row("1001", "2020", 10) | {"country": "Narnia", "counterparty": "actor:Nobody Known",
                                      "about": "the year of the test", "colour": "red"}  # fmt: skip
    lines = _refused(url, _write(tmp_path / "bad.jsonl", [*CATALOGUE, bad]))
    assert lines == ["bad.jsonl: line 4: colour: 'red' is not a field of a claim record"]  # the shape first
    del bad["colour"]
    lines = _refused(url, _write(tmp_path / "bad.jsonl", [*CATALOGUE, bad]))
    assert len(lines) == 3 and all(line.startswith("bad.jsonl: line 4: ") for line in lines), lines
    assert lines[0].startswith("bad.jsonl: line 4: country: 'Narnia' is not an ISO 3166 country")
    assert "'Nobody Known'" in lines[1] and lines[2].startswith("bad.jsonl: line 4: about: ")


@pytest.mark.parametrize("line", [
    b'{"type": "actor", "name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
    b'{"type": "actor", "name": "Test \\ud800 Actor", "kind": "person"}\n',
    b'{"type": "actor", "name": "Test \xff Actor", "kind": "person"}\n',
], ids=["nested", "lone-surrogate", "not-utf8"])  # fmt: skip
def test_a_bad_line_is_that_lines_error_not_the_imports(dbs: DatabaseFactory, tmp_path: Path, line: bytes) -> None:
    url = dbs.migrated()
    path = tmp_path / "bad.jsonl"
    good = [json.dumps(r).encode() + b"\n" for r in CATALOGUE]
    path.write_bytes(good[0] + line + b"".join(good[1:]))
    lines = _refused(url, path)
    assert len(lines) == 1 and lines[0].startswith("bad.jsonl: line 2: "), lines
    result = cli(url, "import", str(path), "--skip-invalid", "--json")
    assert result.exit_code == 0, explain(result)
    assert json.loads(result.stdout)["rejected"] == 1
    assert read_json(url, "system", "show", "test-system-1")["slug"] == "test-system-1"


def test_progress_goes_to_stderr_as_lines_when_it_is_not_a_terminal(
    dbs: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = dbs.migrated()
    monkeypatch.setattr(cli_exchange, "PROGRESS_RECORDS", 2)
    rows = [_row(str(2000 + n), "2020", n + 1) for n in range(5)]
    result = cli(url, "import", str(_write(tmp_path / "p.jsonl", CATALOGUE + rows)))
    assert result.exit_code == 0, explain(result)
    progress = [line for line in result.stderr.splitlines() if line.startswith("p.jsonl: ")]
    assert progress and all(" after " in line and line.endswith(" s") for line in progress), result.stderr


def test_a_dry_run_reports_conflicts_and_fails_without_writing(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.seeded()
    path = _write(tmp_path / "c.jsonl", [{"type": "system", "slug": "igla-s", "name": "Test Rename",
                                          "category": "manpads", "origin_country": "RU"}])  # fmt: skip
    before = state(url)
    result = cli(url, "import", str(path), "--dry-run")
    assert result.exit_code == 1, explain(result)
    assert "c.jsonl: line 1: conflict: system igla-s: name is '9K338 Igla-S'" in result.stderr
    assert "0 created, 0 updated, 0 unchanged, 1 conflicting, 0 retracted, 0 missing, 0 rejected" in result.stderr
    assert state(url) == before


def test_the_claims_csv_carries_external_ids_with_their_parts_and_reimports_unchanged(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.migrated()
    _report(url, _write(tmp_path / "r1.jsonl", [*CATALOGUE, _row("1001", "2020", 10), _row("1001", "2021", 4)]))
    path = tmp_path / "claims.csv"
    ok(url, "export", "--format", "csv", "--output", str(path))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert sorted(json.loads(r["external_ids"])[0]["part"] for r in rows) == ["2020", "2021"]
    assert _report(url, path)["unchanged"] == {"claim": 2}
    listed = read_json(url, "claim", "list", "--external-id", "sipri_deal:1001")
    assert len(listed) == 2  # the deal's id finds every delivery year


def test_a_revised_release_updates_what_the_register_says_and_keeps_what_an_editor_added(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.migrated()
    _report(url, _write(tmp_path / "r1.jsonl", [*CATALOGUE, _row("1001", "2020", 10)]))
    claim_id = read_json(url, "claim", "list", "--external-id", "sipri_deal:1001")[0]["id"]
    ok(url, "claim", "verify", claim_id, "disputed", "--note", "A test note: the number is disputed.")
    report = _report(url, _write(tmp_path / "r2.jsonl", [*CATALOGUE, _row("1001", "2020", 12)]),
                     "--update", "--reason", "release 2")  # fmt: skip
    assert report["updated"] == {"claim": 1}
    shown = read_json(url, "claim", "show", claim_id)
    assert (shown["value_low"], shown["verification_status"]) == (12, "disputed")
    assert shown["verification_note"] == "A test note: the number is disputed."
