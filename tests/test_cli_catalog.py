"""`equipment-db system ...` and `equipment-db actor ...`, driven in-process through the Typer app.

Success paths compare exact output (`--json` parsed); every refused write exits 1 with one
stderr line naming the field and the value (usage errors exit 2) and leaves the database
exactly as it was. Synthetic data only: "Test System 9", "Test Claimant 9".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select
from typer.testing import Result

from cli.main import app
from equipment_db.history.models import Revision
from equipment_db.vocab import EntityType
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

IGLA_S = {
    "type": "system",
    "slug": "igla-s",
    "name": "9K338 Igla-S",
    "category": "manpads",
    "origin_country": "RU",
    "manufacturer": None,
    "parent": None,
    "wikidata_qid": None,
    "description": None,
    "aliases": [
        {"name": "Igla-S", "kind": "common_name"},
        {"name": "9K338", "kind": "grau_index"},
        {"name": "SA-24", "kind": "nato_reporting_name"},
        {"name": "SA-24 Grinch", "kind": "nato_reporting_name"},
    ],
    "external_ids": [],
    "version": 1,
    "retracted_at": None,
    "retraction_reason": None,
}
SEED_SYSTEM_ROWS = [
    {"slug": "fim-92-stinger", "name": "FIM-92 Stinger", "category": "manpads", "origin_country": "US",
     "aliases": "FIM-92, Stinger", "version": 1, "retracted": False},
    {"slug": "igla-s", "name": "9K338 Igla-S", "category": "manpads", "origin_country": "RU",
     "aliases": "Igla-S, 9K338, SA-24, SA-24 Grinch", "version": 1, "retracted": False},
]  # fmt: skip
SEED_ACTOR_ROWS = [
    {"name": "Anadolu Agency", "kind": "media_outlet", "country": None, "role": None, "version": 1},
    {"name": "Nicolás Maduro", "kind": "person", "country": "VE", "role": "President of Venezuela", "version": 1},
    {"name": "Pete Hegseth", "kind": "person", "country": "US", "role": "Defense Secretary", "version": 1},
    {"name": "SIPRI", "kind": "research_institute", "country": None, "role": None, "version": 1},
    {"name": "Tom Laliberty", "kind": "person", "country": None, "role": None, "version": 1},
    {"name": "Venezuelan military", "kind": "armed_force", "country": "VE", "role": None, "version": 1},
]  # fmt: skip
ADD_TEST_SYSTEM_9 = (
    "system", "add", "test-system-9", "--name", "Test System 9", "--category", "manpads",
    "--origin", "France", "--manufacturer", "Example Works", "--wikidata", "Q999999",
    "--description", "Synthetic test system.", "--alias", "TS-9 Tester=nato_reporting_name",
    "--alias", "Nine Tester",
)  # fmt: skip
ADD_TEST_CLAIMANT_9 = (
    "actor", "add", "Test Claimant 9", "--kind", "person", "--country", "France",
    "--role", "Test role", "--wikidata", "Q999998", "--description", "Synthetic test actor.",
)  # fmt: skip


# --- helpers ------------------------------------------------------------------------------------


def without_times(record: dict[str, Any]) -> dict[str, Any]:
    """The record without created_at/updated_at, after checking they are ISO 8601 times."""
    rest = dict(record)
    for key in ("created_at", "updated_at"):
        datetime.fromisoformat(rest.pop(key))
    return rest


def usage_text(result: Result) -> str:
    """A usage error's panel as one line, without the box drawing."""
    return " ".join(result.stderr.replace("│", " ").replace("╭", " ").replace("╰", " ").split())


def revisions(url: str, entity_type: EntityType) -> list[tuple[str, int, str, str, str | None]]:
    engine = engine_for(url)
    try:
        with Session(engine) as session:
            found = session.exec(
                select(Revision).where(Revision.entity_type == entity_type).order_by(Revision.id)
            ).all()
            return [(r.entity_key, r.version, r.action.value, r.editor, r.reason) for r in found]
    finally:
        engine.dispose()


# --- system add / show / list -------------------------------------------------------------------


def test_system_add_prints_the_slug_and_show_json_gives_the_whole_record(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    result = ok(url, *ADD_TEST_SYSTEM_9)
    assert (result.stdout, result.stderr) == ("test-system-9\n", "")
    record = without_times(read_json(url, "system", "show", "test-system-9"))
    assert record == {
        "type": "system",
        "slug": "test-system-9",
        "name": "Test System 9",
        "category": "manpads",
        "origin_country": "FR",
        "manufacturer": "Example Works",
        "parent": None,
        "wikidata_qid": "Q999999",
        "description": "Synthetic test system.",
        "aliases": [
            {"name": "TS-9 Tester", "kind": "nato_reporting_name"},
            {"name": "Nine Tester", "kind": "common_name"},
        ],
        "external_ids": [],
        "version": 1,
        "retracted_at": None,
        "retraction_reason": None,
    }
    assert revisions(url, EntityType.system) == [("test-system-9", 1, "create", EDITOR, None)]


def test_system_add_resolves_the_parent_by_alias(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "system", "add", "test-system-9", "--name", "Test System 9", "--category", "manpads",
       "--parent", "sa-24 grinch")  # fmt: skip
    assert read_json(url, "system", "show", "test-system-9")["parent"] == "igla-s"


def test_system_show_gives_the_record_with_its_aliases_as_json_and_as_a_table(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    assert without_times(read_json(url, "system", "show", "igla-s")) == IGLA_S
    shown = lines(ok(url, "system", "show", "SA-24").stdout)
    assert shown[:10] == [
        "type system",
        "slug igla-s",
        "name 9K338 Igla-S",
        "category manpads",
        "origin country RU",
        "manufacturer",
        "parent",
        "wikidata qid",
        "description",
        "aliases Igla-S (common_name), 9K338 (grau_index), SA-24 (nato_reporting_name), "
        "SA-24 Grinch (nato_reporting_name)",
    ]
    assert shown[10:12] == ["external ids", "version 1"]


def test_system_show_finds_a_system_by_any_alias_ignoring_case_and_punctuation(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    expected = {
        "SA-24": "igla-s", "sa-24 grinch": "igla-s", "9k338": "igla-s", "IGLA-S": "igla-s", "igla s": "igla-s",
        "sa24": "igla-s", "FIM-92": "fim-92-stinger", "stinger": "fim-92-stinger", "Fim 92": "fim-92-stinger",
    }  # fmt: skip
    found = {key: read_json(url, "system", "show", key)["slug"] for key in expected}
    assert found == expected


def test_system_list_gives_every_system_with_its_aliases_as_json_and_as_a_table(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    assert read_json(url, "system", "list") == SEED_SYSTEM_ROWS
    shown = lines(ok(url, "system", "list").stdout)
    assert shown[1] == "┃ slug ┃ name ┃ category ┃ origin country ┃ aliases ┃ version ┃"
    assert shown[3:5] == [
        "│ fim-92-stinger │ FIM-92 Stinger │ manpads │ US │ FIM-92, Stinger │ 1 │",
        "│ igla-s │ 9K338 Igla-S │ manpads │ RU │ Igla-S, 9K338, SA-24, SA-24 Grinch │ 1 │",
    ]


def test_system_list_filters_by_category(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "system", "add", "test-system-9", "--name", "Test System 9", "--category", "sam_system")
    assert [row["slug"] for row in read_json(url, "system", "list", "--category", "sam_system")] == [
        "test-system-9"
    ]
    assert [row["slug"] for row in read_json(url, "system", "list", "--category", "manpads")] == [
        "fim-92-stinger",
        "igla-s",
    ]


# --- system edit / alias add / retract ----------------------------------------------------------


def test_system_edit_makes_a_new_version_recording_editor_and_reason(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    result = ok(url, "system", "edit", "sa-24 GRINCH", "--description", "Synthetic description.",
                "--manufacturer", "Example Works", "--reason", "test edit")  # fmt: skip
    assert (result.stdout, result.stderr) == ("", "igla-s is at version 2.\n")
    record = without_times(read_json(url, "system", "show", "igla-s"))
    assert record == IGLA_S | {"description": "Synthetic description.", "manufacturer": "Example Works",
                               "version": 2}  # fmt: skip
    assert revisions(url, EntityType.system)[-1] == ("igla-s", 2, "update", EDITOR, "test edit")


def test_system_edit_that_changes_nothing_keeps_the_version(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    before = state(url)
    result = ok(url, "system", "edit", "igla-s", "--origin", "Russia", "--reason", "same country")
    assert result.stderr == "igla-s is at version 1.\n"
    assert state(url) == before


def test_system_alias_add_makes_the_new_name_resolve_and_revises_the_system(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    result = ok(url, "system", "alias", "add", "igla-s", "Test Alias 9", "--kind", "transliteration")
    assert (result.stdout, result.stderr) == ("", "Test Alias 9 -> igla-s\n")
    record = read_json(url, "system", "show", "TEST ALIAS 9")
    assert record["slug"] == "igla-s" and record["version"] == 2
    assert record["aliases"][-1] == {"name": "Test Alias 9", "kind": "transliteration"}


def test_system_retract_hides_it_from_the_list_but_show_still_reads_it(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    ok(url, *ADD_TEST_SYSTEM_9)
    result = ok(url, "system", "retract", "ts-9 tester", "--reason", "synthetic test entry")
    assert (result.stdout, result.stderr) == ("", "test-system-9 is retracted.\n")
    assert read_json(url, "system", "list") == []
    listed = read_json(url, "system", "list", "--include-retracted")
    assert [(row["slug"], row["version"], row["retracted"]) for row in listed] == [("test-system-9", 2, True)]
    record = read_json(url, "system", "show", "test-system-9")
    datetime.fromisoformat(record["retracted_at"])
    assert record["retraction_reason"] == "synthetic test entry" and record["version"] == 2


def test_a_retracted_system_cannot_be_edited_aliased_or_retracted_again(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    ok(url, *ADD_TEST_SYSTEM_9)
    ok(url, "system", "retract", "test-system-9", "--reason", "synthetic test entry")
    message = "system 'test-system-9' is retracted and cannot be changed"
    assert_each_refused(url, [
        ("edit", ["system", "edit", "test-system-9", "--name", "Test System 10", "--reason", "test"], message),
        ("alias", ["system", "alias", "add", "test-system-9", "Test Alias 9"], message),
        ("retract", ["system", "retract", "test-system-9", "--reason", "again"], message),
    ])  # fmt: skip


def test_a_name_another_system_answers_to_is_refused_so_no_lookup_becomes_ambiguous(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, *ADD_TEST_SYSTEM_9)
    taken = ("already names system igla-s (9K338 Igla-S): a second system with it would make the name ambiguous; "
             "to add to that system, name it by its slug igla-s")
    assert_refused(url, "system", "alias", "add", "test-system-9", "SA-24", message=f"alias: SA-24 {taken}")
    assert_refused(url, "system", "alias", "add", "test-system-9", "sa 24", message=f"alias: sa 24 {taken}")
    assert_refused(url, "system", "edit", "test-system-9", "--name", "Igla-S", "--reason", "x",
                   message=f"name: Igla-S {taken}")  # fmt: skip
    assert_refused(url, "system", "add", "test-system-10", "--name", "9K338 Igla-S", "--category", "manpads",
                   message=f"name: 9K338 Igla-S {taken}")  # fmt: skip
    assert read_json(url, "system", "show", "sa-24")["slug"] == "igla-s"  # the name still names one system


# --- system errors ------------------------------------------------------------------------------

ADD_9 = ["system", "add", "test-system-9", "--name", "Test System 9", "--category", "manpads"]
SYSTEM_ERRORS: list[tuple[str, list[str], str]] = [
    ("add-slug-taken", ["system", "add", "igla-s", "--name", "Test System 9", "--category", "manpads"],
     "system with slug 'igla-s' already exists"),
    ("add-slug-taken-in-capitals", ["system", "add", "IGLA-S", "--name", "Test System 9", "--category", "manpads"],
     "system with slug 'igla-s' already exists"),
    ("add-unknown-country", [*ADD_9, "--origin", "Narnia"],
     "origin_country: 'Narnia' is not an ISO 3166 country code or name"),
    ("add-slug-with-spaces", ["system", "add", "Test System 9", "--name", "Test System 9", "--category", "manpads"],
     "slug: 'test system 9' is invalid: string should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'"),
    ("add-bad-wikidata-id", [*ADD_9, "--wikidata", "X9"],
     "wikidata_qid: 'X9' is invalid: string should match pattern '^Q[1-9][0-9]*$'"),
    ("add-unknown-parent", [*ADD_9, "--parent", "Test System 404"], "system not found: 'Test System 404'"),
    ("add-alias-twice", [*ADD_9, "--alias", "Nine", "--alias", "NINE"], "alias with name 'NINE' already exists"),
    ("show-unknown", ["system", "show", "Test System 404"], "system not found: 'Test System 404'"),
    ("edit-unknown", ["system", "edit", "Test System 404", "--name", "Test System 9", "--reason", "test"],
     "system not found: 'Test System 404'"),
    ("edit-empty-reason", ["system", "edit", "igla-s", "--name", "Test System 9", "--reason", " "],
     "reason: required for an edit or a retraction: say why"),
    ("edit-unknown-country", ["system", "edit", "igla-s", "--origin", "Narnia", "--reason", "test"],
     "origin_country: 'Narnia' is not an ISO 3166 country code or name"),
    ("edit-own-parent", ["system", "edit", "igla-s", "--parent", "SA-24", "--reason", "test"],
     "parent: 'SA-24' is the system itself"),
    ("alias-it-already-has", ["system", "alias", "add", "igla-s", "sa-24 GRINCH"],
     "alias with name 'sa-24 GRINCH' already exists"),
    ("alias-unknown-system", ["system", "alias", "add", "Test System 404", "Test Alias 9"],
     "system not found: 'Test System 404'"),
    ("retract-unknown", ["system", "retract", "Test System 404", "--reason", "test"],
     "system not found: 'Test System 404'"),
]  # fmt: skip


def test_system_command_that_breaks_a_rule_is_one_line_naming_field_and_value_and_writes_nothing(
    dbs: DatabaseFactory,
) -> None:
    assert_each_refused(dbs.seeded(), SYSTEM_ERRORS)


USAGE_ERRORS: list[tuple[str, list[str], str]] = [
    ("system-add-unknown-category", [*ADD_9[:-1], "spaceship"],
     "Invalid value for '--category': Value error, 'spaceship' is not one of 'manpads',"),
    ("system-edit-without-reason", ["system", "edit", "igla-s", "--name", "Test System 9"],
     "Missing option '--reason'"),
    ("system-retract-without-reason", ["system", "retract", "igla-s"], "Missing option '--reason'"),
    ("actor-add-unknown-kind", ["actor", "add", "Test Claimant 9", "--kind", "wizard"],
     "Invalid value for '--kind': Value error, 'wizard' is not one of 'person',"),
    ("actor-edit-without-reason", ["actor", "edit", "Pete Hegseth", "--role", "Test role"],
     "Missing option '--reason'"),
]  # fmt: skip


def test_catalog_usage_errors_exit_2_naming_the_option_and_write_nothing(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    before = state(url)
    for case, args, says in USAGE_ERRORS:
        result = cli(url, *args)
        assert (result.exit_code, result.stdout) == (2, ""), f"{case}: {explain(result)}"
        assert says in usage_text(result), f"{case}: {result.stderr}"
    assert state(url) == before


# --- actor add / show / list / edit -------------------------------------------------------------


def test_actor_add_prints_the_name_and_show_json_gives_the_whole_record(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    result = ok(url, *ADD_TEST_CLAIMANT_9)
    assert (result.stdout, result.stderr) == ("Test Claimant 9\n", "")
    assert without_times(read_json(url, "actor", "show", "test claimant 9")) == {
        "type": "actor",
        "name": "Test Claimant 9",
        "kind": "person",
        "country": "FR",
        "role": "Test role",
        "wikidata_qid": "Q999998",
        "description": "Synthetic test actor.",
        "version": 1,
        "retracted_at": None,
        "retraction_reason": None,
    }
    assert revisions(url, EntityType.actor) == [("Test Claimant 9", 1, "create", EDITOR, None)]


def test_actor_show_finds_an_actor_by_name_ignoring_case_and_gives_a_table(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    for key in ("Nicolás Maduro", "NICOLÁS MADURO", "nicolás maduro"):
        assert read_json(url, "actor", "show", key)["name"] == "Nicolás Maduro", key
    assert lines(ok(url, "actor", "show", "pete hegseth").stdout)[:8] == [
        "type actor",
        "name Pete Hegseth",
        "kind person",
        "country US",
        "role Defense Secretary",
        "wikidata qid",
        "description",
        "version 1",
    ]


def test_actor_list_gives_every_actor_by_name_as_json_and_as_a_table(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    assert read_json(url, "actor", "list") == SEED_ACTOR_ROWS
    shown = lines(ok(url, "actor", "list").stdout)
    assert shown[1] == "┃ name ┃ kind ┃ country ┃ role ┃ version ┃"
    assert shown[3:5] == [
        "│ Anadolu Agency │ media_outlet │ │ │ 1 │",
        "│ Nicolás Maduro │ person │ VE │ President of Venezuela │ 1 │",
    ]
    assert len(shown) == 3 + len(SEED_ACTOR_ROWS) + 1


def test_actor_edit_makes_a_new_version_recording_editor_and_reason(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    ok(url, *ADD_TEST_CLAIMANT_9)
    result = ok(url, "actor", "edit", "TEST CLAIMANT 9", "--role", "Other test role", "--country", "DE",
                "--reason", "test edit")  # fmt: skip
    assert (result.stdout, result.stderr) == ("", "Test Claimant 9 is at version 2.\n")
    record = read_json(url, "actor", "show", "Test Claimant 9")
    assert (record["role"], record["country"], record["version"]) == ("Other test role", "DE", 2)
    assert revisions(url, EntityType.actor)[-1] == ("Test Claimant 9", 2, "update", EDITOR, "test edit")
    ok(url, "actor", "edit", "Test Claimant 9", "--name", "Test Claimant 10", "--reason", "renamed")
    assert read_json(url, "actor", "show", "test claimant 10")["version"] == 3
    assert_refused(url, "actor", "show", "Test Claimant 9", message="actor not found: 'Test Claimant 9'")


# --- actor errors -------------------------------------------------------------------------------

ACTOR_ERRORS: list[tuple[str, list[str], str]] = [
    ("add-name-taken-in-capitals", ["actor", "add", "PETE HEGSETH", "--kind", "person"],
     "actor with name 'PETE HEGSETH' already exists"),
    ("add-unknown-country", ["actor", "add", "Test Claimant 9", "--kind", "person", "--country", "Narnia"],
     "country: 'Narnia' is not an ISO 3166 country code or name"),
    ("add-bad-wikidata-id", ["actor", "add", "Test Claimant 9", "--kind", "person", "--wikidata", "X9"],
     "wikidata_qid: 'X9' is invalid: string should match pattern '^Q[1-9][0-9]*$'"),
    ("add-name-without-letters", ["actor", "add", "...", "--kind", "person"], "name: '...' has no letters or digits"),
    ("show-unknown", ["actor", "show", "Test Nobody"], "actor not found: 'Test Nobody'"),
    ("edit-unknown", ["actor", "edit", "Test Nobody", "--role", "Test role", "--reason", "test"],
     "actor not found: 'Test Nobody'"),
    ("edit-unknown-country", ["actor", "edit", "Pete Hegseth", "--country", "Narnia", "--reason", "test"],
     "country: 'Narnia' is not an ISO 3166 country code or name"),
    ("edit-rename-onto-another", ["actor", "edit", "Pete Hegseth", "--name", "sipri", "--reason", "test"],
     "actor with name 'sipri' already exists"),
]  # fmt: skip


def test_actor_command_that_breaks_a_rule_is_one_line_naming_field_and_value_and_writes_nothing(
    dbs: DatabaseFactory,
) -> None:
    assert_each_refused(dbs.seeded(), ACTOR_ERRORS)


def test_every_catalog_command_help_ends_with_an_example() -> None:
    for args in (["system", "add"], ["system", "edit"], ["system", "show"], ["system", "list"],
                 ["system", "retract"], ["system", "alias", "add"], ["actor", "add"], ["actor", "edit"],
                 ["actor", "show"], ["actor", "list"]):  # fmt: skip
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, explain(result)
        assert f"Example: equipment-db {' '.join(args)}" in " ".join(result.stdout.split()), args
