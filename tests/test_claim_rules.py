"""Each claim rule rejects bad input with a message naming field and value, writing nothing."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from equipment_db.claims import service as claim_service
from equipment_db.database import session_scope
from equipment_db.errors import EquipmentDBError
from tests.dbs import db_state
from tests.factories import EDIT, claim_input, populate

SPEC = {
    "kind": "specification",
    "country": None,
    "counted": None,
    "claimant": None,
    "attribute": "max_range",
    "value": 6,
    "unit": "km",
    "qualifier": "up_to",
    "value_text": "up to 6 kilometers",
}

REJECTED: list[tuple[str, dict[str, Any], str]] = [
    ("no_system_or_subject", {"system": None}, "system: required (or a free-text subject) for every claim"),
    ("unknown_system", {"system": "Nonexistent"}, "system not found: 'Nonexistent'"),
    ("bad_country", {"country": "Narnia"}, "country: 'Narnia' is not an ISO 3166 country code or name"),
    ("bad_stated_date", {"stated": "2025-13-01"}, "stated: '2025-13-01' is not a real date"),
    (
        "bad_about_date",
        {"about": "last year"},
        "about: 'last year' says when only relative to another day, which is not given (give the date itself); ",
    ),
    ("unknown_claimant", {"claimant": "Nobody Known"}, "actor not found: 'Nobody Known'"),
    ("no_citation", {"citations": []}, "citations: required at least one source for every claim"),
    (
        "unknown_source",
        {"citations": [{"source": "https://example.org/missing"}]},
        "source not found: 'https://example.org/missing'",
    ),
    ("inventory_without_country", {"country": None}, "party: required for an inventory (whose holdings"),
    (
        "inventory_without_quantity",
        {"value": None, "qualifier": None},
        "value: required for an inventory: a quantity, or qualifier unspecified",
    ),
    (
        "inventory_without_counting_basis",
        {"counted": None},
        "counted: required for an inventory quantity: say what is counted "
        "(missiles, launchers, personnel, ...)",
    ),
    ("fractional_quantity", {"value": 2.5}, "value: 2.5 must be a whole number of missiles"),
    ("negative_quantity", {"value": -5}, "value: -5.0 must be a finite number, zero or more"),
    ("unit_on_a_count", {"unit": "kg"}, "unit: 'kg' given for a count of missiles: a count has no unit"),
    (
        "unspecified_with_a_number",
        {"qualifier": "unspecified"},
        "qualifier: 'unspecified' means no number was given, but a value is present",
    ),
    (
        "range_with_one_value",
        {"qualifier": "range"},
        "qualifier: 'range' needs value_low and value_high, not one value",
    ),
    (
        "value_and_bounds",
        {"value_low": 10},
        "value: 100.0 given together with value_low/value_high: give one or the other",
    ),
    (
        "bounds_reversed",
        {"value": None, "value_low": 10, "value_high": 5, "qualifier": None},
        "value_low: 10.0 is greater than value_high 5.0",
    ),
    (
        "attribute_on_inventory",
        {"attribute": "max_range"},
        "attribute: 'max_range' is only for specification claims, not inventory",
    ),
    ("bad_kind", {"kind": "rumour"}, "kind: 'rumour' is not one of"),
    (
        "specification_without_attribute",
        {**SPEC, "attribute": None},
        "attribute: required for a specification (max_range, weight, guidance, ...)",
    ),
    (
        "specification_without_value",
        {**SPEC, "value": None, "unit": None, "qualifier": None},
        "value: required for a max_range specification",
    ),
    (
        "specification_without_unit",
        {**SPEC, "unit": None},
        "unit: required for max_range (a value in [length])",
    ),
    (
        "specification_wrong_dimension",
        {**SPEC, "unit": "kg"},
        "unit: 'kg' has dimension [mass]; expected [length]",
    ),
    ("specification_unknown_unit", {**SPEC, "unit": "parsecz"}, "unit: 'parsecz' is not a unit pint knows"),
    (
        "text_specification_with_number",
        {**SPEC, "attribute": "guidance", "unit": None},
        "value: 6.0 is a number, but guidance takes words (value_text)",
    ),
    (
        "counted_on_specification",
        {**SPEC, "counted": "missiles"},
        "counted: 'missiles' is only for quantity claims, not specification",
    ),
    (
        "capability_without_target_type",
        {"kind": "capability", "country": None, "value": None, "qualifier": None, "counted": None},
        "target_type: required for a capability (what the system can engage)",
    ),
    (
        "comparison_with_itself",
        {
            "kind": "comparison",
            "related_system": "TS-1 Tester",
            "value": None,
            "qualifier": None,
            "counted": None,
        },
        "related_system: ",
    ),
    (
        "transfer_without_supplier",
        {"kind": "transfer", "scope": "delivered"},
        "counterparty: required for a transfer (the supplier",
    ),
    (
        "transfer_between_one_country",
        {"kind": "transfer", "scope": "delivered", "counterparty_country": "France"},
        "counterparty: 'FR' is the recipient too: a transfer needs two parties",
    ),
    (
        "transfer_without_scope",
        {"kind": "transfer", "counterparty_country": "DE"},
        "scope: required for a transfer (pledged, approved, offered, ordered, delivered): a pledge is not an order",
    ),
    (
        "deployment_without_anything",
        {"kind": "deployment", "value": None, "qualifier": None},
        "location: required for a deployment: a location, a quantity, or qualifier unspecified",
    ),
]


@pytest.mark.parametrize(("fields", "message"), [case[1:] for case in REJECTED], ids=[c[0] for c in REJECTED])
def test_bad_claim_is_rejected_and_nothing_is_written(
    engine: sa.Engine, fields: dict[str, Any], message: str
) -> None:
    keys = populate(engine)
    before = db_state(engine)
    with pytest.raises(EquipmentDBError) as caught, session_scope(engine, write=True) as session:
        claim_service.create_claim(session, claim_input(keys["source"], **fields), edit=EDIT)
    assert str(caught.value).startswith(message), str(caught.value)
    assert db_state(engine) == before


def test_every_error_names_its_field(engine: sa.Engine) -> None:
    keys = populate(engine)
    with pytest.raises(EquipmentDBError) as caught, session_scope(engine, write=True) as session:
        claim_service.create_claim(session, claim_input(keys["source"], country="Narnia"), edit=EDIT)
    assert (caught.value.field, caught.value.value, caught.value.code) == (
        "country",
        "Narnia",
        "invalid_value",
    )


def test_unspecified_inventory_is_accepted(engine: sa.Engine) -> None:
    keys = populate(engine)
    with session_scope(engine, write=True) as session:
        claim = claim_service.create_claim(
            session,
            claim_input(
                keys["source"],
                value=None,
                qualifier="unspecified",
                value_text="millions",
                counted="personnel",
            ),
            edit=EDIT,
        )
        assert (claim.value_low, claim.value_high, claim.qualifier.value) == (None, None, "unspecified")
        assert claim.value_text == "millions"
        assert claim.scope.value == "inventory"  # the inventory kind's default scope
