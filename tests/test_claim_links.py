"""Claim links: which claims a link may join, which links may stand together on one pair,
withdrawing a link and changing its kind, on every path (CLI, import), with exact history."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimLinkCreate
from equipment_db.database import session_scope
from equipment_db.errors import EquipmentDBError
from equipment_db.vocab import LinkKind
from tests.api_client import api
from tests.cli_helpers import (  # noqa: F401  (_dispose_engines: an autouse fixture)
    EDITOR,
    _dispose_engines,
    assert_each_refused,
    assert_refused,
    cli,
    explain,
    ok,
    read_json,
    state,
)
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import EDIT, add_claim, populate

SAME_THING = ("same_as and supersedes need the same system, attribute and kind of claim "
              "(the quantity kinds count as one)")  # fmt: skip
LIKE_WITH_LIKE = ("corroborates and contradicts compare like with like: the same system, claim kind, "
                  "attribute, target type, related system, countries, counted and scope")  # fmt: skip
SPEC = {"kind": "specification", "country": None, "counted": None, "qualifier": "up_to", "unit": "km",
        "value": 6, "value_text": "up to 6 km", "attribute": "max_range"}  # fmt: skip


# --- helpers ------------------------------------------------------------------------------------


def _claims(url: str, *names: str, **special: dict[str, Any]) -> dict[str, str]:
    """Synthetic claims on Test System 1: each name an inventory claim of at least 100 missiles
    in France (stated on its own day), unless `special` gives it other fields."""
    engine = engine_for(url)
    try:
        source = populate(engine)["source"]
        made = {}
        for day, name in enumerate([*names, *special], start=1):
            made[name] = add_claim(engine, source, stated=f"2025-10-{day:02d}", **special.get(name, {}))
        return made
    finally:
        engine.dispose()


def _link(url: str, *args: str) -> int:
    """`claim link ARGS`; the new link's id."""
    result = ok(url, "claim", "link", *args)
    match = re.fullmatch(r"Link (\d+): .*\.\n", result.stderr)
    assert match and result.stdout == "", explain(result)
    return int(match.group(1))


def _links(url: str, claim_id: str) -> list[tuple[int, str, str, str, str | None]]:
    return [(k["id"], k["from_claim"], k["kind"], k["to_claim"], k["note"])
            for k in read_json(url, "claim", "show", claim_id)["links"]]  # fmt: skip


def _history(url: str, *link: str) -> list[tuple[int, str, str, str, str | None]]:
    return [(r["version"], r["action"], r["link"], r["editor"], r["reason"])
            for r in read_json(url, "claim", "link-history", *link)]  # fmt: skip


def _import_refused(url: str, tmp_path: Path, record: dict[str, Any], message: str) -> None:
    """`import` of one link record: refused with `message` on its line, nothing written."""
    path = tmp_path / "links.jsonl"
    path.write_text(json.dumps({"type": "claim_link", **record}) + "\n", encoding="utf-8")
    before = state(url)
    result = cli(url, "import", str(path))
    assert result.exit_code == 1, explain(result)
    assert f"links.jsonl: line 1: {message}\n" in result.stderr, explain(result)
    assert result.stderr.endswith(f"error: 1 invalid record(s), nothing written; first: line 1: {message}\n")
    assert state(url) == before


def _import(url: str, tmp_path: Path, *records: dict[str, Any]) -> tuple[int, int]:
    """`import` of link records: how many links it (created, left unchanged)."""
    path = tmp_path / "links.jsonl"
    path.write_text("".join(json.dumps({"type": "claim_link", **r}) + "\n" for r in records), encoding="utf-8")
    rows = json.loads(ok(url, "import", str(path), "--json").stdout)["records"]
    (links,) = [row for row in rows if row["type"] == "claim_link"]
    return links["created"], links["unchanged"]


def _record(from_claim: str, kind: str, to_claim: str) -> dict[str, str]:
    return {"from_claim": from_claim, "kind": kind, "to_claim": to_claim}


# --- incompatible links on one pair -------------------------------------------------------------

# (the link on the pair, the link then entered, how it is refused); "a" and "b" are the pair.
PAIR_CASES = [
    (("a", "same_as", "b"), ("b", "contradicts", "a"), "conflicts with"),
    (("a", "contradicts", "b"), ("a", "same_as", "b"), "conflicts with"),
    (("a", "same_as", "b"), ("a", "corroborates", "b"), "conflicts with"),
    (("a", "corroborates", "b"), ("b", "same_as", "a"), "conflicts with"),
    (("a", "corroborates", "b"), ("b", "contradicts", "a"), "conflicts with"),
    (("a", "contradicts", "b"), ("a", "corroborates", "b"), "conflicts with"),
    (("a", "supersedes", "b"), ("b", "supersedes", "a"), "conflicts with"),
    (("a", "same_as", "b"), ("a", "supersedes", "b"), "conflicts with"),
    (("a", "supersedes", "b"), ("b", "same_as", "a"), "conflicts with"),
    (("a", "same_as", "b"), ("b", "same_as", "a"), "duplicates"),
    (("a", "corroborates", "b"), ("b", "corroborates", "a"), "duplicates"),
    (("a", "contradicts", "b"), ("b", "contradicts", "a"), "duplicates"),
    (("a", "supersedes", "b"), ("a", "supersedes", "b"), "duplicates"),
]


def _pairs(url: str, count: int) -> list[dict[str, str]]:
    made = _claims(url, *(f"{side}{n}" for n in range(count) for side in "ab"))
    return [{"a": made[f"a{n}"], "b": made[f"b{n}"]} for n in range(count)]


def _refusals(url: str) -> list[tuple[str, dict[str, str], list[str], str]]:
    """Each case's existing link entered on a pair of its own; (case, the new link as a
    record, as `claim link` arguments, the message)."""
    cases = []
    for pair, (existing, new, how) in zip(_pairs(url, len(PAIR_CASES)), PAIR_CASES, strict=True):
        first, kind, second = existing
        link_id = _link(url, pair[first], kind, pair[second])
        words = [pair[new[0]], new[1], pair[new[2]]]
        advice = "" if how == "duplicates" else "; unlink it first"
        message = (f"kind: {' '.join(words)} {how} the active link {pair[first]} {kind} {pair[second]} "
                   f"(link {link_id}){advice}")  # fmt: skip
        cases.append((f"{' '.join(existing)} then {' '.join(new)}", _record(*words), words, message))
    return cases


def test_incompatible_links_on_one_pair_are_refused_whichever_way_round(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    cases = _refusals(url)
    assert_each_refused(url, [(case, ["claim", "link", *words], message) for case, _, words, message in cases])
    assert cases[0][3] == (f"kind: {cases[0][2][0]} contradicts {cases[0][2][2]} conflicts with the active link "
                           f"{cases[0][2][2]} same_as {cases[0][2][0]} (link 1); unlink it first")  # fmt: skip


def test_an_import_refuses_the_same_links_with_the_same_messages(dbs: DatabaseFactory, tmp_path: Path) -> None:
    """All but the repeated links: an import leaves a link it holds already alone (importing a
    file twice adds nothing; see the test below)."""
    url = dbs.migrated()
    cases = _refusals(url)
    for _, record, _, message in cases:
        if " duplicates " not in message:
            _import_refused(url, tmp_path, record, message)
    assert sum(" duplicates " not in message for *_, message in cases) == 9


def test_a_reverse_supersedes_in_an_import_is_refused_not_counted_unchanged(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.migrated()
    made = _claims(url, "newer", "older")
    link_id = _link(url, made["newer"], "supersedes", made["older"])
    _import_refused(url, tmp_path, _record(made["older"], "supersedes", made["newer"]),
                    f"kind: {made['older']} supersedes {made['newer']} conflicts with the active link "
                    f"{made['newer']} supersedes {made['older']} (link {link_id}); unlink it first")  # fmt: skip


def test_links_that_can_stand_together_are_accepted(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b")
    a, b = made["a"], made["b"]
    first = _link(url, a, "supersedes", b)
    second = _link(url, a, "contradicts", b)
    ok(url, "claim", "unlink", str(second), "--reason", "test: not a contradiction")
    third = _link(url, b, "corroborates", a)
    assert _links(url, a) == [(first, a, "supersedes", b, None), (third, b, "corroborates", a, None)]


def test_a_withdrawn_link_does_not_block_another_kind(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b")
    a, b = made["a"], made["b"]
    same = _link(url, a, "same_as", b)
    ok(url, "claim", "unlink", a, "same_as", b, "--reason", "test: two statements")
    contra = _link(url, b, "contradicts", a)
    assert _links(url, a) == [(contra, b, "contradicts", a, None)]
    assert_refused(url, "claim", "link", a, "same_as", b,
                   message=f"kind: {a} same_as {b} conflicts with the active link {b} contradicts {a} "
                           f"(link {contra}); unlink it first")  # fmt: skip
    assert _history(url, str(same))[-1][1] == "retract"


def test_two_editors_linking_one_pair_at_once_are_checked_in_turn(dbs: DatabaseFactory) -> None:
    """The second waits for the first's transaction, then sees its link (PostgreSQL: a row lock
    on the two claims; SQLite: one writer at a time)."""
    url = dbs.migrated()
    made = _claims(url, "a", "b")
    a, b = made["a"], made["b"]
    engine = engine_for(url)
    outcome: dict[str, str] = {}

    def second() -> None:
        try:
            with session_scope(engine, write=True) as session:
                claim_service.create_link(session, ClaimLinkCreate(from_claim=b, to_claim=a,
                                                                   kind=LinkKind.contradicts), edit=EDIT)  # fmt: skip
            outcome["second"] = "linked"
        except EquipmentDBError as exc:
            outcome["second"] = exc.message

    try:
        with session_scope(engine, write=True) as session:
            first = claim_service.create_link(session, ClaimLinkCreate(from_claim=a, to_claim=b,
                                                                       kind=LinkKind.same_as), edit=EDIT)  # fmt: skip
            thread = threading.Thread(target=second)
            thread.start()
            thread.join(timeout=0.5)
            assert thread.is_alive(), outcome  # waiting for this transaction
        thread.join(timeout=10)
    finally:
        engine.dispose()
    assert outcome == {"second": f"kind: {b} contradicts {a} conflicts with the active link {a} same_as {b} "
                                 f"(link {first.id}); unlink it first"}  # fmt: skip


# --- which claims a link may join ---------------------------------------------------------------

JOIN_CLAIMS = {
    "other_country": {"country": "DE"},
    "launchers": {"counted": "launchers"},
    "deployment": {"kind": "deployment"},
    "other_system": {"system": "test-system-2"},
    "no_system": {"system": None, "subject": "test subjects"},
    "no_system_too": {"system": None, "subject": "other test subjects"},
    "spec": SPEC,
    "altitude": {**SPEC, "attribute": "max_altitude"},
}


def _join_cases(made: dict[str, str]) -> list[tuple[str, list[str], str]]:
    def refused(kind: str, other: str, what: str, values: str, rule: str, first: str = "base") -> tuple[str, list[str], str]:
        return (f"{kind} {other}", [made[first], kind, made[other]],
                f"kind: '{kind}' cannot join {made[first]} and {made[other]}: they differ in {what} ({values}); {rule}")

    return [
        refused("corroborates", "other_country", "country", "FR, DE", LIKE_WITH_LIKE),
        refused("contradicts", "launchers", "counted", "missiles, launchers", LIKE_WITH_LIKE),
        refused("contradicts", "deployment", "claim kind", "inventory, deployment", LIKE_WITH_LIKE),
        refused("corroborates", "other_system", "system", "test-system-1, test-system-2", LIKE_WITH_LIKE),
        refused("same_as", "other_system", "system", "test-system-1, test-system-2", SAME_THING),
        refused("supersedes", "no_system", "system", "test-system-1, none", SAME_THING),
        refused("supersedes", "spec", "claim kind", "inventory, specification", SAME_THING),
        refused("same_as", "altitude", "attribute", "max_range, max_altitude", SAME_THING, first="spec"),
    ]


def test_a_link_joins_only_claims_about_the_same_thing(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    made = _claims(url, "base", **JOIN_CLAIMS)
    cases = _join_cases(made)
    assert_each_refused(url, [(case, ["claim", "link", *words], message) for case, words, message in cases])
    for _, words, message in cases:
        _import_refused(url, tmp_path, _record(*words), message)


def test_statement_links_may_cross_quantity_kinds_countries_and_counts(dbs: DatabaseFactory) -> None:
    """One statement relayed as "has" by one outlet and "deployed" by another (as in the seed),
    or a correction of the country or of what is counted, may be linked same_as or supersedes."""
    url = dbs.migrated()
    made = _claims(url, "base", **JOIN_CLAIMS)
    base = made["base"]
    _link(url, made["deployment"], "same_as", base)
    _link(url, made["other_country"], "supersedes", base)
    _link(url, made["launchers"], "supersedes", base)
    _link(url, made["no_system"], "same_as", made["no_system_too"])
    assert [k[2] for k in _links(url, base)] == ["same_as", "supersedes", "supersedes"]


# --- unlink -------------------------------------------------------------------------------------


def test_unlink_by_id_withdraws_the_link_and_history_keeps_it(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b")
    a, b = made["a"], made["b"]
    link_id = _link(url, a, "corroborates", b, "--note", "Test note.")
    result = ok(url, "claim", "unlink", str(link_id), "--reason", "Test: not the same count.")
    assert (result.stdout, result.stderr) == ("", f"Link {link_id}: {a} corroborates {b} is withdrawn.\n")
    assert _links(url, a) == _links(url, b) == []
    assert _history(url, str(link_id)) == [
        (1, "create", f"{a} corroborates {b}", EDITOR, "Test note."),
        (2, "retract", f"{a} corroborates {b}", EDITOR, "Test: not the same count."),
    ]
    assert _history(url, a, "corroborates", b) == _history(url, b, "corroborates", a) == _history(url, str(link_id))
    shown = " ".join(ok(url, "claim", "show", a).stdout.split())
    assert b not in shown


def test_unlink_names_a_link_as_from_kind_to_either_way_round_for_a_symmetric_kind(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b", "c")
    a, b, c = made["a"], made["b"], made["c"]
    same = _link(url, a, "same_as", b)
    newer = _link(url, c, "supersedes", a)
    assert_refused(url, "claim", "unlink", a, "supersedes", c, "--reason", "test",
                   message=f"claim link not found: '{a} supersedes {c}'")  # fmt: skip
    result = ok(url, "claim", "unlink", b, "same_as", a.lower(), "--reason", "test: reversed")
    assert result.stderr == f"Link {same}: {a} same_as {b} is withdrawn.\n"
    ok(url, "claim", "unlink", f"{c} supersedes {a}", "--reason", "test: as one argument")
    assert _history(url, str(newer))[-1] == (2, "retract", f"{c} supersedes {a}", EDITOR, "test: as one argument")
    assert _links(url, a) == []


def test_a_failed_unlink_changes_nothing_and_says_why_in_one_line(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b")
    a, b = made["a"], made["b"]
    link_id = _link(url, a, "contradicts", b)
    ok(url, "claim", "unlink", str(link_id), "--reason", "test: withdrawn")
    kinds = "corroborates, contradicts, supersedes, same_as"
    assert_each_refused(url, [
        ("unknown id", ["claim", "unlink", "999", "--reason", "test"], "claim link not found: 999"),
        ("id beyond an integer", ["claim", "unlink", "99999999999999999999", "--reason", "test"],
         "claim link not found: 99999999999999999999"),
        ("no such link", ["claim", "unlink", a, "corroborates", b, "--reason", "test"],
         f"claim link not found: '{a} corroborates {b}'"),
        ("unknown claim", ["claim", "unlink", a, "same_as", "C-00000000", "--reason", "test"],
         "claim not found: 'C-00000000'"),
        ("not a kind", ["claim", "unlink", a, "echoes", b, "--reason", "test"],
         f"link: '{a} echoes {b}' is not a link id or FROM KIND TO (C-A same_as C-B; KIND: {kinds})"),
        ("two words", ["claim", "unlink", a, b, "--reason", "test"],
         f"link: '{a} {b}' is not a link id or FROM KIND TO (C-A same_as C-B; KIND: {kinds})"),
        ("already withdrawn", ["claim", "unlink", str(link_id), "--reason", "test"],
         f"claim link '{a} contradicts {b}' is retracted and cannot be changed"),
        ("already withdrawn, by name", ["claim", "unlink", b, "contradicts", a, "--reason", "test"],
         f"claim link '{a} contradicts {b}' is retracted and cannot be changed"),
        ("blank reason", ["claim", "unlink", str(link_id), "--reason", " "],
         "reason: required for an edit or a retraction: say why"),
    ])  # fmt: skip
    before = state(url)
    assert cli(url, "claim", "unlink", str(link_id)).exit_code == 2  # --reason is required
    assert state(url) == before


# --- link again after unlink --------------------------------------------------------------------


def test_linking_again_restores_the_withdrawn_link_as_its_next_version(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b")
    a, b = made["a"], made["b"]
    link_id = _link(url, a, "same_as", b, "--note", "Test: first reading.")
    ok(url, "claim", "unlink", str(link_id), "--reason", "Test: doubt.")
    result = ok(url, "claim", "link", b, "same_as", a, "--note", "Test: second reading.")
    assert result.stderr == f"Link {link_id}: {a} same_as {b} (linked again, version 3).\n"
    assert _links(url, b) == [(link_id, a, "same_as", b, "Test: second reading.")]
    assert _history(url, str(link_id)) == [
        (1, "create", f"{a} same_as {b}", EDITOR, "Test: first reading."),
        (2, "retract", f"{a} same_as {b}", EDITOR, "Test: doubt."),
        (3, "update", f"{a} same_as {b}", EDITOR, "Test: second reading."),
    ]
    assert len(state(url)["claim_link"]) == 1


def test_an_import_does_not_restore_a_withdrawn_link(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b")
    a, b = made["a"], made["b"]
    link_id = _link(url, a, "corroborates", b)
    ok(url, "claim", "unlink", str(link_id), "--reason", "Test: withdrawn.")
    _import_refused(url, tmp_path, _record(b, "corroborates", a),
                    f"kind: {a} corroborates {b} is link {link_id}, withdrawn (Test: withdrawn.); only claim "
                    "link restores a withdrawn link")  # fmt: skip


def test_an_import_of_an_active_link_either_way_round_changes_nothing(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b", "c")
    a, b, c = made["a"], made["b"], made["c"]
    _link(url, a, "same_as", b)
    _link(url, c, "supersedes", a)
    before = state(url)
    assert _import(url, tmp_path, _record(b, "same_as", a), _record(a, "same_as", b),
                   _record(c, "supersedes", a)) == (0, 3)  # fmt: skip
    assert state(url) == before
    assert _import(url, tmp_path, _record(c, "corroborates", a)) == (1, 0)


# --- change a link's kind -----------------------------------------------------------------------


def test_relink_makes_a_new_version_of_the_same_link(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b")
    a, b = made["a"], made["b"]
    link_id = _link(url, a, "corroborates", b, "--note", "Test note.")
    result = ok(url, "claim", "relink", a, "corroborates", b, "--to", "same_as", "--reason", "Test: one speech.")
    assert (result.stdout, result.stderr) == ("", f"Link {link_id}: {a} same_as {b} (version 2).\n")
    assert _links(url, a) == _links(url, b) == [(link_id, a, "same_as", b, "Test note.")]
    assert _history(url, str(link_id)) == [
        (1, "create", f"{a} corroborates {b}", EDITOR, "Test note."),
        (2, "update", f"{a} same_as {b}", EDITOR, "Test: one speech."),
    ]
    assert len(state(url)["claim_link"]) == 1
    ok(url, "claim", "relink", str(link_id), "--to", "supersedes", "--reason", "Test: a correction.")
    assert _links(url, a) == [(link_id, a, "supersedes", b, "Test note.")]


def test_a_refused_relink_changes_nothing_and_names_what_is_in_the_way(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    made = _claims(url, "a", "b", "c", "d", other_country={"country": "DE"})
    a, b, c, d, other = made["a"], made["b"], made["c"], made["d"], made["other_country"]
    newer = _link(url, a, "supersedes", b)
    agrees = _link(url, a, "corroborates", b)
    moved = _link(url, other, "supersedes", a)
    gone = _link(url, c, "same_as", d)
    ok(url, "claim", "unlink", str(gone), "--reason", "Test: withdrawn.")
    now = _link(url, c, "corroborates", d)
    assert_each_refused(url, [
        ("same kind", ["claim", "relink", str(agrees), "--to", "corroborates", "--reason", "test"],
         f"kind: 'corroborates' is already the kind of link {agrees} ({a} corroborates {b})"),
        ("conflict", ["claim", "relink", str(agrees), "--to", "same_as", "--reason", "test"],
         f"kind: {a} same_as {b} conflicts with the active link {a} supersedes {b} (link {newer}); unlink it first"),
        ("other claims", ["claim", "relink", str(moved), "--to", "contradicts", "--reason", "test"],
         f"kind: 'contradicts' cannot join {other} and {a}: they differ in country (DE, FR); {LIKE_WITH_LIKE}"),
        ("withdrawn of that kind", ["claim", "relink", str(now), "--to", "same_as", "--reason", "test"],
         f"kind: {c} same_as {d} is link {gone}, withdrawn: unlink link {now} and link the pair again with "
         f"claim link, which restores link {gone}"),
        ("withdrawn link", ["claim", "relink", str(gone), "--to", "contradicts", "--reason", "test"],
         f"claim link '{c} same_as {d}' is retracted and cannot be changed"),
        ("blank reason", ["claim", "relink", str(agrees), "--to", "contradicts", "--reason", ""],
         "reason: required for an edit or a retraction: say why"),
    ])  # fmt: skip
    ok(url, "claim", "unlink", str(now), "--reason", "Test: as the refusal says.")
    assert _link(url, c, "same_as", d) == gone


# --- what readers see ---------------------------------------------------------------------------


def test_claim_show_the_api_and_the_claim_page_list_only_active_links(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    maduro, sputnik, trt = "C-YSESYR2E", "C-3B9KZ769", "C-ZT1JFKMP"
    ok(url, "claim", "unlink", sputnik, "same_as", maduro, "--reason", "Test: withdrawn.")
    assert [k[1] for k in _links(url, maduro)] == [trt, "C-QGQNTTSX", "C-NMEBRWCC"]
    assert _links(url, sputnik) == []
    assert f"link 1 {trt} same_as {maduro}" in [" ".join(line.split()) for line in
                                                 ok(url, "claim", "show", maduro).stdout.splitlines()]  # fmt: skip
    with api(url) as client:
        detail = client.get(f"/v1/claims/{maduro}").json()
        page = client.get(f"/v1/claims/{maduro}", headers={"accept": "text/html"})
    assert [k["from_claim"] for k in detail["links"]] == [trt, "C-QGQNTTSX", "C-NMEBRWCC"]
    related = BeautifulSoup(page.text, "html.parser").find("h2", id="related").find_next_sibling()
    assert trt in related.get_text() and sputnik not in related.get_text()
