"""A claim snapshot in words: its value in the unit the source used, its dates (EDTF) in words
at their precision (`in the 1980s`, `since 1997`), and one plain sentence that states the
claim with its caveats.

Every function takes the snapshot dict as stored in a claim revision and tolerates missing
or empty fields: a citation must render even for a sparse claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from equipment_db.claims.text import UNKNOWN_PARTY, counted_words, describe_quantity, party_name
from equipment_db.normalize.dates import claim_edtf, edtf_sentence, format_date

_ATTRIBUTES = {
    "max_range": "maximum range",
    "min_range": "minimum range",
    "max_altitude": "maximum altitude",
    "min_altitude": "minimum altitude",
    "in_service_since": "year of entry into service",
    "operator_count": "number of operators",
}
# Subject + verb for the counting kinds, by scope (what state the counted things are in).
_ACTIVE = {
    "inventory": "holds",
    "deployed": "has deployed",
    "mobilised": "has mobilised",
    "ordered": "has ordered",
    "delivered": "has received",
    "produced": "has produced",
    "used": "has used",
    "lost": "has lost",
    "captured": "has lost to capture",
    "destroyed": "has had destroyed",
    "pledged": "has been pledged",
    "approved": "has been approved",
    "offered": "has been offered",
}
_PASSIVE = {
    "inventory": "are held",
    "deployed": "have been deployed",
    "mobilised": "have been mobilised",
    "ordered": "have been ordered",
    "delivered": "have been delivered",
    "produced": "have been produced",
    "used": "have been used",
    "lost": "have been lost",
    "captured": "have been captured",
    "destroyed": "have been destroyed",
    "pledged": "have been pledged",
    "approved": "have been approved",
    "offered": "have been offered",
}
# A transfer, by scope: (supplier's verb, recipient's verb without a supplier, passive).
_TRANSFER = {
    "pledged": ("pledged", "was pledged", "were pledged"),
    "approved": ("approved the transfer of", "was approved to receive", "were approved for transfer"),
    "offered": ("offered", "was offered", "were offered"),
    "ordered": ("sold", "ordered", "were ordered"),
    "delivered": ("delivered", "received", "were transferred"),
}
_DEFAULT_SCOPE = {
    "inventory": "inventory",
    "deployment": "deployed",
    "transfer": "delivered",
    "production": "produced",
    "use": "used",
    "loss": "lost",
}


def field(snapshot: Mapping[str, Any], key: str) -> str | None:
    """The field as stripped text; None for a missing, null or blank value."""
    value = snapshot.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def words(value: str | None) -> str | None:
    """A vocabulary value as words: `at_least` -> `at least`."""
    return value.replace("_", " ") if value else None


def _thing(snapshot: Mapping[str, Any]) -> str:
    return (
        field(snapshot, "system_name")
        or field(snapshot, "system")
        or field(snapshot, "subject")
        or "an unnamed system"
    )


def _counted_object(snapshot: Mapping[str, Any]) -> str:
    """What the counting kinds count: `at least 5,000 missiles of 9K338 Igla-S`, `12 of
    Test System 1`, `an unspecified number of militia members (in the source's words: ...)`."""
    quantity = describe_quantity(snapshot)
    counted = counted_words(field(snapshot, "counted"), field(snapshot, "value_low"), field(snapshot, "value_high"))
    system = field(snapshot, "system_name") or field(snapshot, "system")
    subject = field(snapshot, "subject")
    noun = (f"{counted} of {system}" if counted else system) if system else (subject or counted)
    if quantity is None and field(snapshot, "stance") == "denies":
        return f"any {noun or 'items'}"  # "denied that Germany delivered any missiles of ..."
    if quantity is None:
        text = f"an unspecified number of {noun or 'items'}"
        source_words = field(snapshot, "value_text")
        return f"{text} (in the source's words: {source_words})" if source_words else text
    if not noun:
        return quantity
    return f"{quantity} of {noun}" if system and not counted else f"{quantity} {noun}"


def _specification(snapshot: Mapping[str, Any]) -> str:
    value = describe_quantity(snapshot) or field(snapshot, "value_text") or "unspecified"
    attribute = field(snapshot, "attribute")
    if attribute:
        return f"the {_ATTRIBUTES.get(attribute, words(attribute))} of {_thing(snapshot)} is {value}"
    return f"{_thing(snapshot)} is specified as {value}"


def _capability(snapshot: Mapping[str, Any]) -> str:
    target = field(snapshot, "target_type_name") or words(field(snapshot, "target_type"))
    quantity = describe_quantity(snapshot)
    attribute = words(_ATTRIBUTES.get(field(snapshot, "attribute") or "") or field(snapshot, "attribute"))
    if target:
        text = f"{_thing(snapshot)} can engage targets of type {target}"
    else:
        text = f"{_thing(snapshot)} has the capability: {field(snapshot, 'value_text') or 'unspecified'}"
    if quantity:
        text += f" with a {attribute} of {quantity}" if attribute else f" ({quantity})"
    return text


def _comparison(snapshot: Mapping[str, Any]) -> str:
    related = field(snapshot, "related_system_name") or field(snapshot, "related_system")
    text = f"{_thing(snapshot)} compares with {related or 'another system'}"
    attribute = field(snapshot, "attribute")
    if attribute:
        text += f" in {_ATTRIBUTES.get(attribute, words(attribute))}"
    detail = field(snapshot, "value_text") or describe_quantity(snapshot)
    return f"{text}: {detail}" if detail else text


def _party(snapshot: Mapping[str, Any], side: str) -> str | None:
    """A side of the claim by name: `Germany`, `Hezbollah`, `an unknown party`."""
    country = field(snapshot, "country" if side == "party" else "counterparty_country")
    name = party_name(country, field(snapshot, f"{side}_actor"), snapshot.get(f"{side}_unknown"))
    return "an unknown party" if name == UNKNOWN_PARTY else name


def _counting(snapshot: Mapping[str, Any], kind: str) -> str:
    """Inventory, deployment, transfer, production, use and loss: who holds or moved how many."""
    scope = field(snapshot, "scope") or _DEFAULT_SCOPE.get(kind, "inventory")
    party, counterparty = _party(snapshot, "party"), _party(snapshot, "counterparty")
    thing = _counted_object(snapshot)
    location = field(snapshot, "location")
    if location:
        thing += f" ({location})"
    if kind == "transfer":
        supplier_verb, recipient_verb, passive = _TRANSFER.get(scope, (words(scope), f"was {words(scope)}",
                                                                       f"were {words(scope)}"))  # fmt: skip
        if scope == "ordered" and party:
            return f"{party} ordered {thing}" + (f" from {counterparty}" if counterparty else "")
        if counterparty:
            return f"{counterparty} {supplier_verb} {thing}" + (f" to {party}" if party else "")
        if party:
            return f"{party} {recipient_verb} {thing}" if scope in ("ordered", "delivered") else (
                f"{thing} {passive} to {party}")  # fmt: skip
        return f"{thing} {passive}"
    if party:
        text = f"{party} {_ACTIVE.get(scope, f'has {words(scope)}')} {thing}"
        return text + (f" (captured by {counterparty})" if scope == "captured" and counterparty else "")
    return f"{thing} {_PASSIVE.get(scope, f'are {words(scope)}')}"


def _period(snapshot: Mapping[str, Any]) -> str:
    about = edtf_sentence(claim_edtf(snapshot, "about"))
    return f" {about}" if about else ""


def claim_clause(snapshot: Mapping[str, Any]) -> str:
    """What is claimed, without who claimed it or the caveats."""
    kind = field(snapshot, "kind") or ""
    if kind == "specification":
        clause = _specification(snapshot)
    elif kind == "capability":
        clause = _capability(snapshot)
    elif kind == "comparison":
        clause = _comparison(snapshot)
    elif kind in _DEFAULT_SCOPE or describe_quantity(snapshot) or field(snapshot, "counted"):
        clause = _counting(snapshot, kind)
    else:
        clause = f"{_thing(snapshot)}: {field(snapshot, 'value_text') or 'no value given'}"
    return clause + _period(snapshot)


def retraction(snapshot: Mapping[str, Any]) -> str | None:
    """`retracted on 2026-01-02 (duplicate)`; None for a claim that stands."""
    retracted = snapshot.get("retracted_at")
    if not retracted:
        return None
    when = format_date(retracted, "day")
    reason = field(snapshot, "retraction_reason")
    text = f"retracted on {when}" if when else "retracted"
    return f"{text} ({reason})" if reason else text


def caveats(snapshot: Mapping[str, Any]) -> list[str]:
    """The status words that must travel with the claim: `unverified`, `retracted on ...`."""
    found = [words(field(snapshot, "verification_status")) or "verification status unknown"]
    retracted = retraction(snapshot)
    if retracted:
        found.append(retracted)
    if field(snapshot, "rank") == "deprecated":
        found.append("deprecated")
    return found


def claimants_words(snapshot: Mapping[str, Any]) -> str | None:
    """`A US official and a congressional source`; `Nicolás Maduro (President of Venezuela)`:
    every claimant in the source's order, each with its role; None without one."""
    several = snapshot.get("claimants") or [
        {"name": field(snapshot, "claimant"), "role": field(snapshot, "claimant_role")}]
    named = [f"{c['name']} ({c['role']})" if c.get("role") else str(c["name"]) for c in several if c.get("name")]
    if not named:
        return None
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def claim_sentence(snapshot: Mapping[str, Any]) -> str:
    """One plain sentence stating the claim with its caveats, e.g. `Nicolás Maduro (President
    of Venezuela) claimed that Venezuela has deployed at least 5,000 missiles of 9K338 Igla-S (across
    its territory), stated on 22 October 2025; unverified.` Deterministic; never fails on
    missing fields."""
    clause = claim_clause(snapshot)
    who = claimants_words(snapshot)
    denies = field(snapshot, "stance") == "denies"
    if who:
        sentence = f"{who} {'denied' if denies else 'claimed'} that {clause}"
    elif denies:
        sentence = f"It is denied that {clause}"
    else:
        sentence = clause[:1].upper() + clause[1:]
    stated = edtf_sentence(claim_edtf(snapshot, "stated"))
    if stated:
        sentence += f", stated {stated}"
    return f"{sentence}; {'; '.join(caveats(snapshot))}."
