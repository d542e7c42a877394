"""What the analysis reads give: systems with their specifications, comparisons, timelines.

All are plain Pydantic models: a SQLModel runs its own Python `__init__` for each nested
object it validates (a system lookup at the benchmark's S: 12 % of its instructions)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from pydantic import Field as PydanticField
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from equipment_db.vocab import (
    AliasKind,
    Attribute,
    ClaimKind,
    Counted,
    Qualifier,
    Rank,
    Scope,
    SystemCategory,
    VerificationStatus,
)


class SystemRowPublic(BaseModel):
    """One line of a system list."""

    slug: str = PydanticField(examples=["igla-s"])
    name: str = PydanticField(examples=["9K338 Igla-S"])
    category: SystemCategory
    origin_country: str | None = PydanticField(default=None, examples=["RU"])
    aliases: list[str] = PydanticField(default=[], examples=[["Igla-S", "9K338", "SA-24"]])
    retracted: bool
    url: str = PydanticField(description="This system's address in the API.")


class AliasPublic(BaseModel):
    name: str = PydanticField(examples=["SA-24 Grinch"])
    kind: AliasKind


class ValuePublic(BaseModel):
    """One sourced value of a specification, in the canonical unit with the source's words."""

    claim: str = PydanticField(examples=["C-FHB0D92J"])
    value_low: float | None = PydanticField(default=None, examples=[6000])
    value_high: float | None = PydanticField(default=None, examples=[6000])
    unit: str | None = PydanticField(
        default=None, description="The canonical unit.", examples=["m"]
    )
    original_unit: str | None = PydanticField(default=None, description="The unit the source used.",
                                             examples=["km"])  # fmt: skip
    original_low: str | None = PydanticField(default=None, description="The source's number in its unit, as given.",
                                            examples=["6"])  # fmt: skip
    original_high: str | None = PydanticField(default=None, description="The source's number in its unit, as given.",
                                             examples=["6"])  # fmt: skip
    qualifier: Qualifier | None = None
    value_text: str | None = PydanticField(default=None, description="The source's own words.",
                                          examples=["between 500 meters and 6 kilometers away"])  # fmt: skip
    rank: Rank
    preferred: bool = PydanticField(description="Whether this is the value shown when one must be chosen.")
    sources: list[str] = PydanticField(description="Publishers of the sources that carry it.",
                                      examples=[["defensivelines.com"]])  # fmt: skip


class SpecificationPublic(BaseModel):
    """One attribute: its preferred value (null when values compete and none is preferred)."""

    attribute: Attribute
    preferred: ValuePublic | None = None
    competing: int = PydanticField(description="How many active, not deprecated values it has.")
    values: list[ValuePublic] = PydanticField(
        description="The preferred value first, then the first others in order of entry: at most 5. "
        "`/v1/claims?system=...&kind=specification&attribute=...` lists every one."
    )


class TargetTypeClaimsPublic(BaseModel):
    slug: str = PydanticField(examples=["helicopter"])
    name: str = PydanticField(examples=["Helicopter"])
    claims: list[str] = PydanticField(description="The capability claims that say so.")


class ClaimCountsPublic(BaseModel):
    """Active, not deprecated claims about the system."""

    by_kind: dict[str, int] = PydanticField(examples=[{"specification": 8, "deployment": 4}])
    by_country: dict[str, int] = PydanticField(examples=[{"VE": 12}])


class SystemDetailPublic(BaseModel):
    slug: str = PydanticField(examples=["igla-s"])
    name: str = PydanticField(examples=["9K338 Igla-S"])
    category: SystemCategory
    origin_country: str | None = PydanticField(default=None, examples=["RU"])
    manufacturer: str | None = None
    parent: str | None = PydanticField(default=None, description="The parent system's slug.")
    wikidata_qid: str | None = None
    description: str | None = None
    version: int
    created_at: datetime
    updated_at: datetime
    retracted_at: datetime | None = None
    url: str = PydanticField(description="This system's address in the API.")
    aliases: list[AliasPublic]
    specifications: list[SpecificationPublic]
    target_types: list[TargetTypeClaimsPublic]
    claim_counts: ClaimCountsPublic


class SystemRefPublic(BaseModel):
    slug: str = PydanticField(examples=["fim-92-stinger"])
    name: str = PydanticField(examples=["FIM-92 Stinger"])
    url: str


class CompareValuePublic(ValuePublic):
    """One sourced value in a comparison, worded in its row's unit with the source's beside it."""

    unit_converted: bool = PydanticField(
        description="Whether the value is in its row's `unit`. False when its unit does not convert to it (another "
        "dimension, another currency, a unit where the row has none or none where it has one): it is then "
        "worded as given, never converted, and `unit_note` says why. True when there is no number."
    )
    unit_note: str | None = PydanticField(default=None, description="Why the value is not in the row's unit.",
                                         examples=["given in EUR: no exchange rate is applied"])  # fmt: skip
    value_words: str | None = PydanticField(
        default=None,
        description="The value in the row's unit, each number rounded to the significant figures the source gave "
        "(at least 3): `value_low` and `value_high` keep the exact conversion. As given when not converted; "
        "null when there is no number (`value_text` has the source's words).",
        examples=["up to 5,150 m"],
    )
    given_words: str | None = PydanticField(
        default=None,
        description="The value as the source gave it, when its unit is not the row's; null otherwise.",
        examples=["up to 3.2 mi"],
    )


class AttributeRowPublic(BaseModel):
    """One attribute across the compared systems: every competing value of each, in one unit."""

    attribute: Attribute
    unit: str | None = PydanticField(
        default=None,
        description="The canonical unit of the attribute's dimension, which every value is worded in; null for "
        "plain numbers and words.",
        examples=["m"],
    )
    systems: dict[str, list[CompareValuePublic]] = PydanticField(
        description="System slug -> its values, the preferred one first, then (with `include_deprecated`) those "
        "ranked deprecated; [] when none is known."
    )
    deprecated_hidden: dict[str, int] = PydanticField(
        description="System slug -> how many of its values ranked deprecated are not shown: all of them unless "
        "`include_deprecated`, then those beyond the first 5 (0 for none).",
        examples=[{"igla-s": 1, "fim-92-stinger": 0}],
    )


class ComparisonClaimPublic(BaseModel):
    """A source comparing two of the listed systems."""

    claim: str = PydanticField(examples=["C-HMXXXQ24"])
    system: str = PydanticField(examples=["igla-s"])
    related_system: str = PydanticField(examples=["fim-92-stinger"])
    value_text: str | None = PydanticField(
        default=None, examples=["comparable to the US Stinger missile"]
    )
    sources: list[str]


class ComparePublic(BaseModel):
    systems: list[SystemRefPublic]
    attributes: list[AttributeRowPublic]
    include_deprecated: bool = PydanticField(description="Whether values ranked deprecated are shown.")
    deprecated_hidden: int = PydanticField(description="How many values ranked deprecated are not shown, in all rows.")
    show_deprecated_url: str | None = PydanticField(
        default=None, description="The same comparison with the deprecated values shown; null when none is hidden "
        "or they are shown already."
    )
    target_types: dict[str, dict[str, list[str]]] = PydanticField(
        description="Target type slug -> system slug -> capability claim ids ([] when no claim says so)."
    )
    comparisons: list[ComparisonClaimPublic]


class TimelineSourcePublic(BaseModel):  # plain Pydantic: a timeline validates 200 entries (SQLModel: 3x slower)
    id: str = PydanticField(examples=["S-5ZNDAYN3"])
    publisher: str | None = PydanticField(default=None, examples=["Reuters"])
    published: str | None = PydanticField(default=None, examples=["2017-05-22"])


DateBasis = Literal["about", "stated", "published"]


class TimelineEntryPublic(BaseModel):
    claim: str = PydanticField(examples=["C-GEPDCDFB"])
    kind: ClaimKind
    date: str | None = PydanticField(default=None, examples=["2009"],
                             description="The date (or period) the number is about, as EDTF (1997/..).")
    date_basis: DateBasis | None = PydanticField(
        default=None,
        description="Where `date` comes from: the period the claim is `about`, the date it was `stated`, "
        "or the earliest publication date of a source that carries it (`published`).",
    )
    value_low: float | None = PydanticField(default=None, examples=[1800])
    value_high: float | None = None
    qualifier: Qualifier | None = None
    value_text: str | None = None
    counted: Counted | None = None
    scope: Scope | None = None
    claimant: str | None = PydanticField(default=None, examples=["SIPRI"])
    counterparty: str | None = PydanticField(default=None, description="The other party by name (a transfer's supplier).")
    measure: Literal["stock", "flow"] = PydanticField(description="`stock`: held at a time (inventory, deployed, "
                                                         "mobilised); `flow`: events over a period.")  # fmt: skip
    cumulative: bool = PydanticField(default=False, description="A flow counted since a date up to when it was stated "
                                                       "(since February, as of 27 July), not for one period.")  # fmt: skip
    verification_status: VerificationStatus
    sources: list[TimelineSourcePublic]
    same_as: list[str] = PydanticField(description="Other reports of the same statement (linked same_as).")
    same_as_group: str | None = PydanticField(
        default=None, description="The first claim of its same_as group in this timeline; null if alone."
    )


class ContradictionPublic(BaseModel):
    """Claims that cannot all be true (analysis/consistency.py, docs/ANALYSIS.md), or that an
    editor linked as contradicting. Flagged, not resolved."""

    claims: list[str] = PydanticField(examples=[["C-GEPDCDFB", "C-00000000"]])
    counted: Counted | None = None
    scope: Scope | None = None
    rule: Literal["equal_periods", "parts_exceed_whole", "stocks_disjoint", "denial", "editor"] = PydanticField(
        description="Which rule flags them; `editor`: an editor's contradicts link.")
    sentence: str = PydanticField(description="The flag in one sentence, each claim with its value, period, claimant and "
                                      "source.")  # fmt: skip
    by: Literal["checker", "editor"]


class TimelinePublic(BaseModel):
    system: SystemRefPublic
    country: str | None = PydanticField(default=None, examples=["VE"],
                                description="The party's code when it is a country.")  # fmt: skip
    party: str | None = PydanticField(default=None, examples=["Venezuela"],
                              description="The party by name: a country, an actor or `unknown`.")  # fmt: skip
    entries: list[TimelineEntryPublic]
    truncated: bool = PydanticField(default=False, description="More claims exist: only the latest `limit` are shown.")
    contradictions: list[ContradictionPublic]


class QuantityRowPublic(BaseModel):
    """A system's quantity claims of one party, year, kind, counted unit and scope, added up
    (flows) or as a range (stocks); docs/ANALYSIS.md, "Totals". (A plain Pydantic model: a
    busy system has thousands of rows, which SQLModel validates 3x slower.)"""

    country: str | None = PydanticField(default=None, examples=["VE"], description="The party's code when it is a "
                                                                                   "country.")  # fmt: skip
    party: str = PydanticField(examples=["Venezuela"], description="The party by name: a country, an actor or "
                                                                   "`unknown`.")  # fmt: skip
    year: int = PydanticField(description="The year of the period the claims are about (a flow's whole period lies "
                                          "in it), else of the day stated, else of the earliest publication.")  # fmt: skip
    kind: ClaimKind
    counted: Counted | None = None
    scope: Scope | None = None
    measure: Literal["stock", "flow"] = PydanticField(description="`flow`: low and high are the sums over distinct "
                                                                  "statements; `stock`: the lowest and highest "
                                                                  "figure claimed.")  # fmt: skip
    claims: int = PydanticField(description="Distinct statements counted: a same_as group once; superseded, "
                                            "deprecated and retracted claims left out.")  # fmt: skip
    claim_ids: list[str] = PydanticField(description="The claims the figures come from.")
    low: float | None = PydanticField(default=None, description="The lower bound (a flow: the sum of lower bounds).")
    high: float | None = PydanticField(default=None, description="The upper bound (a flow: the sum of upper bounds; "
                                                                 "null when one is open, as `more than`).")  # fmt: skip
    estimate: bool = PydanticField(description="Some figure in it is not exact (about, at least, nearly, ...).")


class QuantitiesPublic(BaseModel):
    system: SystemRefPublic
    rows: list[QuantityRowPublic]


class QuantityRowJSON(TypedDict):
    country: str | None
    party: str
    year: int
    kind: ClaimKind
    counted: Counted | None
    scope: Scope | None
    measure: Literal["stock", "flow"]
    claims: int
    claim_ids: list[str]
    low: float | None
    high: float | None
    estimate: bool


class SystemRefJSON(TypedDict):
    slug: str
    name: str
    url: str


class TargetTypePublic(BaseModel):
    slug: str = PydanticField(examples=["uav"])
    name: str = PydanticField(examples=["UAV / drone"])
    description: str | None = None
    capability_claims: int = PydanticField(description="Active, not deprecated capability claims naming it.")


class CountrySystemPublic(BaseModel):
    slug: str = PydanticField(examples=["igla-s"])
    name: str
    quantity_claims: int
    url: str


class CountryPublic(BaseModel):
    """Active, not deprecated claims about a country."""

    code: str = PydanticField(examples=["VE"])
    name: str = PydanticField(examples=["Venezuela"])
    claims_as_subject: dict[str, int] = PydanticField(description="Claims whose country it is, by kind.")
    claims_as_counterparty: dict[str, int] = PydanticField(description="Claims naming it as counterparty, by kind.")
    systems: list[CountrySystemPublic] = PydanticField(description="Systems with quantity claims about it.")


class CountryRowPublic(BaseModel):
    """One line of the country list: a country that claims not retracted name as a party."""

    code: str = PydanticField(examples=["VE"])
    name: str = PydanticField(examples=["Venezuela"])
    claims: int = PydanticField(description="Claims whose party (holder, recipient) it is.")
    claims_as_counterparty: int = PydanticField(description="Claims naming it as the other party (a supplier).")
    url: str = PydanticField(description="The country's summary in the API.")
