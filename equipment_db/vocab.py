"""Controlled vocabularies. Stored as their string values, guarded by CHECK constraints."""

from __future__ import annotations

from enum import StrEnum


class SystemCategory(StrEnum):
    manpads = "manpads"
    sam_system = "sam_system"
    anti_tank_missile = "anti_tank_missile"
    air_to_air_missile = "air_to_air_missile"
    cruise_missile = "cruise_missile"
    ballistic_missile = "ballistic_missile"
    aircraft = "aircraft"
    helicopter = "helicopter"
    uav = "uav"
    armoured_vehicle = "armoured_vehicle"
    artillery = "artillery"
    naval_vessel = "naval_vessel"
    radar = "radar"
    small_arms = "small_arms"
    other = "other"


class AliasKind(StrEnum):
    designation = "designation"
    nato_reporting_name = "nato_reporting_name"
    grau_index = "grau_index"
    common_name = "common_name"
    transliteration = "transliteration"


class ActorKind(StrEnum):
    person = "person"
    government_body = "government_body"
    armed_force = "armed_force"
    manufacturer = "manufacturer"
    media_outlet = "media_outlet"
    research_institute = "research_institute"
    international_organisation = "international_organisation"
    other = "other"


class SourceKind(StrEnum):
    news_article = "news_article"
    official_statement = "official_statement"
    government_document = "government_document"
    research_report = "research_report"
    manufacturer_data = "manufacturer_data"
    dataset = "dataset"
    social_media = "social_media"
    book = "book"
    video = "video"
    web_page = "web_page"
    other = "other"  # e.g. a report known only because another source cites it


class ClaimKind(StrEnum):
    specification = "specification"  # a property of the system: a range, a weight, its guidance
    capability = "capability"  # what the system can engage (a target type)
    comparison = "comparison"  # the system set beside another (the related system)
    inventory = "inventory"  # how many the party holds
    deployment = "deployment"  # how many the party has fielded, or where
    transfer = "transfer"  # what the counterparty supplies to the party
    production = "production"  # how many were made or ordered
    use = "use"  # how many were fired, launched, expended
    loss = "loss"  # how many the party lost


class Qualifier(StrEnum):
    """How a source qualified its number; the bounds each one implies are in docs/WORDING.md."""

    exact = "exact"
    approximately = "approximately"
    at_least = "at_least"
    more_than = "more_than"
    just_over = "just_over"  # "a little over 16 kg": above the figure and close to it
    at_most = "at_most"
    less_than = "less_than"
    nearly = "nearly"  # "nearly 2,000": below the figure and close to it
    up_to = "up_to"
    range = "range"
    magnitude = "magnitude"  # "hundreds": an order of magnitude with documented bounds
    unspecified = "unspecified"


class Counted(StrEnum):
    """What a quantity counts: 5,000 missiles and 5,000 launchers are different claims."""

    missiles = "missiles"
    launchers = "launchers"
    firing_units = "firing_units"
    systems = "systems"
    vehicles = "vehicles"
    aircraft = "aircraft"
    vessels = "vessels"
    personnel = "personnel"
    strikes = "strikes"
    units = "units"


class Scope(StrEnum):
    """Which state the counted things are in; each meaning is in docs/VOCABULARY.md ("Scopes")."""

    pledged = "pledged"  # promised publicly by the supplier; nothing binding yet
    approved = "approved"  # authorised by the supplier's government or legislature (a licence, a notification)
    offered = "offered"  # proposed to the recipient; not (yet) accepted
    ordered = "ordered"  # a contract or binding order placed
    delivered = "delivered"  # handed over to the recipient
    inventory = "inventory"  # held by the party
    deployed = "deployed"  # fielded with units, at positions
    mobilised = "mobilised"  # brought to readiness (from storage, reserves)
    produced = "produced"  # made
    used = "used"  # fired, launched, expended
    lost = "lost"  # lost by the party, however (destroyed, damaged, abandoned, captured)
    captured = "captured"  # lost by the party to capture (the captor, when known, is the counterparty)
    destroyed = "destroyed"  # lost by the party to destruction


# The scopes each quantity kind takes, the first being its default (a transfer has none: a
# pledge, an order and a delivery are different statements, so it must be said).
KIND_SCOPES: dict[str, tuple[Scope, ...]] = {
    "inventory": (Scope.inventory,),
    "deployment": (Scope.deployed, Scope.mobilised),
    "transfer": (Scope.pledged, Scope.approved, Scope.offered, Scope.ordered, Scope.delivered),
    "production": (Scope.produced, Scope.ordered),
    "use": (Scope.used,),
    "loss": (Scope.lost, Scope.captured, Scope.destroyed),
}


class Stance(StrEnum):
    """Whether the claimant affirms or denies what the claim states."""

    affirms = "affirms"
    denies = "denies"  # "X has not supplied new systems to Y": stored as a denial, no number needed


class DatePrecision(StrEnum):
    year = "year"
    month = "month"
    day = "day"


class VerificationStatus(StrEnum):
    unverified = "unverified"
    corroborated = "corroborated"
    confirmed = "confirmed"
    disputed = "disputed"
    denied = "denied"
    refuted = "refuted"


class Rank(StrEnum):
    """As in Wikidata: one value may be preferred; deprecated values stay visible on request."""

    preferred = "preferred"
    normal = "normal"
    deprecated = "deprecated"


class SourceReliability(StrEnum):
    """Admiralty code, source reliability."""

    A = "A"  # completely reliable
    B = "B"  # usually reliable
    C = "C"  # fairly reliable
    D = "D"  # not usually reliable
    E = "E"  # unreliable
    F = "F"  # reliability cannot be judged


class InformationCredibility(StrEnum):
    """Admiralty code, information credibility."""

    confirmed = "1"
    probably_true = "2"
    possibly_true = "3"
    doubtful = "4"
    improbable = "5"
    cannot_be_judged = "6"


class CitationRole(StrEnum):
    reports = "reports"  # we read the claim in this source
    cited_in = "cited_in"  # the source attributes it to another outlet we did not read
    corroborates = "corroborates"  # the source supports the claim (`claim verify` cites it so)
    disputes = "disputes"  # the source disputes the claim


class LinkKind(StrEnum):
    corroborates = "corroborates"  # FROM's value agrees with TO's
    contradicts = "contradicts"  # FROM's value disagrees with TO's
    supersedes = "supersedes"  # FROM, newer or corrected, replaces TO
    same_as = "same_as"  # one statement reported twice (by two outlets)


class IdScheme(StrEnum):
    """External databases an entry can be cross-referenced to."""

    wikidata = "wikidata"
    sipri_deal = "sipri_deal"
    oryx = "oryx"
    other = "other"


class EntityType(StrEnum):
    """Entities with their own version history (aliases, citations and external ids are
    child rows: changing one makes a new version of the entity they belong to)."""

    system = "system"
    target_type = "target_type"
    actor = "actor"
    source = "source"
    claim = "claim"
    claim_link = "claim_link"


class RevisionAction(StrEnum):
    create = "create"
    update = "update"
    retract = "retract"


class Attribute(StrEnum):
    """Specification attributes. `ATTRIBUTE_DIMENSION` says which unit each one takes."""

    max_range = "max_range"
    min_range = "min_range"
    effective_range = "effective_range"
    max_altitude = "max_altitude"
    min_altitude = "min_altitude"
    speed = "speed"
    weight = "weight"
    weight_with_launcher = "weight_with_launcher"
    length = "length"
    warhead_weight = "warhead_weight"
    guidance = "guidance"
    manufacturer = "manufacturer"
    in_service_since = "in_service_since"
    operator_count = "operator_count"
    unit_cost = "unit_cost"


# Attributes whose value is a calendar year: shown without separators (1981, not 1,981), and
# the only ones a year in words ("since 1997") may be read for.
YEAR_ATTRIBUTES = frozenset({Attribute.in_service_since})

# pint dimensionality each numeric attribute needs; None: a plain number; "text": words only.
ATTRIBUTE_DIMENSION: dict[Attribute, str | None] = {
    Attribute.max_range: "[length]",
    Attribute.min_range: "[length]",
    Attribute.effective_range: "[length]",
    Attribute.max_altitude: "[length]",
    Attribute.min_altitude: "[length]",
    Attribute.speed: "[length] / [time]",
    Attribute.weight: "[mass]",
    Attribute.weight_with_launcher: "[mass]",
    Attribute.length: "[length]",
    Attribute.warhead_weight: "[mass]",
    Attribute.guidance: "text",
    Attribute.manufacturer: "text",
    Attribute.in_service_since: None,
    Attribute.operator_count: None,
    Attribute.unit_cost: "[currency]",
}
