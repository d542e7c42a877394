"""Claims, the unit of knowledge; their citations of sources; typed links between claims."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from equipment_db.base import Versioned, country_field, datetime_field, enum_field, utcnow
from equipment_db.catalog.models import ExternalIdCreate
from equipment_db.validation import TEXT_LIMIT
from equipment_db.vocab import (
    Attribute,
    CitationRole,
    ClaimKind,
    Counted,
    DatePrecision,
    InformationCredibility,
    LinkKind,
    Qualifier,
    Rank,
    Scope,
    SourceReliability,
    Stance,
    VerificationStatus,
)


class ClaimBase(SQLModel):
    """A claim's stored columns and their limits: the one place a text length, a code's shape
    or a range is declared. The library checks every write against it (`rules.check`), so
    editor commands, seed data and imports are refused alike, with the same message."""

    kind: ClaimKind = enum_field(ClaimKind, "kind")

    system_id: int | None = Field(default=None, foreign_key="system.id")
    subject: str | None = Field(default=None, max_length=300)
    attribute: Attribute | None = enum_field(Attribute, "attribute", default=None, nullable=True)
    target_type_id: int | None = Field(default=None, foreign_key="target_type.id", index=True)
    related_system_id: int | None = Field(default=None, foreign_key="system.id", index=True)
    # A claim's party (the holder; a transfer's recipient) and counterparty (a transfer's
    # supplier; a capture's captor) is each a country, an actor (an armed group, an
    # organisation, a company) or explicitly unknown: one of the three columns, or none.
    country: str | None = country_field()
    party_actor_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    party_unknown: bool = False
    counterparty_country: str | None = country_field()
    counterparty_actor_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    counterparty_unknown: bool = False
    location: str | None = Field(default=None, max_length=500)

    value_low: float | None = None
    value_high: float | None = None
    unit: str | None = Field(default=None, max_length=40)
    original_unit: str | None = Field(default=None, max_length=40)
    # The source's numbers in `original_unit`, as exact decimal text ("2100", "7.5"): shown and
    # exported as the source gave them; value_low/value_high are their canonical conversions.
    original_low: str | None = Field(default=None, max_length=40)
    original_high: str | None = Field(default=None, max_length=40)
    qualifier: Qualifier | None = enum_field(Qualifier, "qualifier", default=None, nullable=True)
    value_text: str | None = Field(default=None, max_length=1000)
    counted: Counted | None = enum_field(Counted, "counted", default=None, nullable=True)
    scope: Scope | None = enum_field(Scope, "scope", default=None, nullable=True)
    stance: Stance = enum_field(Stance, "stance", default=Stance.affirms)

    claimant_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    # Several claimants ("a US official and a congressional source"): every one's actor id, in
    # the order the source names them, the first also in claimant_id; NULL for one or none.
    claimant_ids: list[int] | None = Field(default=None, sa_type=sa.JSON(none_as_null=True))
    # When it was stated and the time it is about, as EDTF (normalize/dates.py), and beside each
    # the days it may mean, for filters: the first day stated; the first and last day of `about`
    # (an open or unknown end: the last day stated, else NULL; an open start: NULL). A precision is
    # set only where the columns of before EDTF say the value exactly (a plain date or a period
    # with one precision), and NULL otherwise.
    stated_edtf: str | None = Field(default=None, max_length=64)
    about_edtf: str | None = Field(default=None, max_length=64)
    stated_on: date | None = None
    stated_precision: DatePrecision | None = enum_field(
        DatePrecision, "stated_precision", default=None, nullable=True
    )
    about_start: date | None = None
    about_end: date | None = None
    about_precision: DatePrecision | None = enum_field(
        DatePrecision, "about_precision", default=None, nullable=True
    )

    verification_status: VerificationStatus = enum_field(
        VerificationStatus, "verification_status", default=VerificationStatus.unverified
    )
    verification_note: str | None = Field(default=None, sa_type=sa.Text, max_length=TEXT_LIMIT)
    rank: Rank = enum_field(Rank, "rank", default=Rank.normal)
    reliability: SourceReliability | None = enum_field(
        SourceReliability, "reliability", default=None, nullable=True
    )
    credibility: InformationCredibility | None = enum_field(
        InformationCredibility, "credibility", default=None, nullable=True
    )
    assessment_rationale: str | None = Field(default=None, sa_type=sa.Text, max_length=TEXT_LIMIT)
    note: str | None = Field(default=None, sa_type=sa.Text, max_length=TEXT_LIMIT)


class Claim(ClaimBase, Versioned, table=True):
    """One sourced statement. Values are stored in a canonical unit with the original kept.

    For a transfer, `country` is the recipient and `counterparty_country` the supplier,
    so that a (system, country) timeline shows what reached that country.
    """

    __table_args__ = (
        sa.UniqueConstraint("public_id"),
        sa.Index("ix_claim_system_country_id", "system_id", "country", "id"),  # lists in id order
        sa.Index("ix_claim_system_id", "system_id", "id"),
        sa.Index("ix_claim_system_kind_attribute", "system_id", "kind", "attribute", "id"),  # a system's specs
        sa.Index("ix_claim_preferred", "system_id", "attribute", sqlite_where=sa.text("rank = 'preferred'"),
                 postgresql_where=sa.text("rank = 'preferred'")),
        sa.Index("ix_claim_deprecated", "system_id", "attribute", sqlite_where=sa.text("rank = 'deprecated'"),
                 postgresql_where=sa.text("rank = 'deprecated'")),  # a comparison's hidden values
        sa.Index("ix_claim_country_about", "country", "about_start"),
        sa.Index("ix_claim_kind_system", "kind", "system_id"),
        sa.CheckConstraint(
            "value_low IS NULL OR value_high IS NULL OR value_low <= value_high", name="value_order"
        ),
        sa.CheckConstraint(
            "about_start IS NULL OR about_end IS NULL OR about_start <= about_end", name="about_order"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=10)


class CitationCreate(SQLModel):
    """`source` is a source public id (S-...) or its URL."""

    source: str = Field(description="The source cited: its id (`S-7K3Q9XZ2`) or its URL.")
    quote: str | None = Field(default=None, description="The source's words that carry the claim, exactly.")
    locator: str | None = Field(default=None, description="Where in the source: a paragraph, a page, a "
                                "timestamp (`para 2`).")  # fmt: skip
    role: CitationRole = Field(default=CitationRole.reports, description="How the source carries the claim.")


_KIND = ("What sort of statement it is. A specification needs `system`, `attribute` and a value (in "
         "`value_text` for an attribute that takes words); a capability `system` and `target_type`; a comparison "
         "`system` and `related_system`. A quantity kind (inventory, deployment, transfer, production, use, loss) "
         "with a number needs `counted`; an inventory, a deployment and a transfer need their party, a transfer "
         "its counterparty too (docs/CLI.md, `claim add`).")
_PARTY = ("The party (a holder, a transfer's recipient, a loser) in any form: `country:NAME`, `actor:NAME`, "
          "`unknown`, or a name that is exactly one country or one actor (docs/VOCABULARY.md, Parties).")
_VALUE = ("The value: one number, which the qualifier places (`at_least` 5000 is value_low 5000, `up_to` 6 is "
          "value_high 6), or the source's words (`no less than 5,000`, `7.5-8 km`), read whole into the bounds, "
          "`unit` and `qualifier` or refused (docs/WORDING.md). Not with `value_low`/`value_high`.")
_RANK = "As in Wikidata, among claims about the same thing: `preferred`, `normal`, or `deprecated` (shown on request)."


class ClaimUpdate(SQLModel):
    """A claim's input fields as editors give them, every one optional: only the fields set
    are changed (`model_fields_set`). `ClaimCreate` is the same fields with its defaults."""

    kind: ClaimKind | None = Field(default=None, description=_KIND)
    system: str | None = Field(default=None, description="The system the claim is about: its slug or an alias. "
                               "A claim needs a system or a subject.")  # fmt: skip
    subject: str | None = Field(default=None, description="What the claim is about, as free text, when no "
                                "system fits (`militia members`).")  # fmt: skip
    attribute: Attribute | None = Field(default=None, description="For a specification, and only there: what "
                                        "is specified.")  # fmt: skip
    target_type: str | None = Field(default=None, description="For a capability: what the system can engage, "
                                    "a target type's slug.")  # fmt: skip
    related_system: str | None = Field(default=None, description="For a comparison: the system it is compared "
                                       "to, its slug or an alias.")  # fmt: skip
    country: str | None = Field(default=None, description="The party (a holder, a transfer's recipient) when it is "
                                "a country: an ISO 3166 code or a country name, stored as the code. Give it or "
                                "`party`, not both.")  # fmt: skip
    counterparty_country: str | None = Field(default=None, description="The counterparty when it is a country, "
                                             "as `country`. Give it or `counterparty`, not both.")  # fmt: skip
    party: str | None = Field(default=None, description=_PARTY)  # rules.resolve_party
    counterparty: str | None = Field(default=None, description="The counterparty (a transfer's supplier, a "
                                     "capture's captor), given as `party` is.")  # fmt: skip
    location: str | None = Field(default=None, description="Where, in the source's words.")
    value: float | str | None = Field(default=None, description=_VALUE)
    value_low: float | None = Field(default=None, description="The lower bound, in `unit` (with `value_high` for "
                                    "a range). Not with `value`.")  # fmt: skip
    value_high: float | None = Field(default=None, description="The upper bound, in `unit`. Not with `value`.")
    unit: str | None = Field(default=None, description="The value's unit as the source gave it (`km`, `mi`, "
                             "`kg`, `m/s`, `USD`): stored converted to the canonical unit, the source's numbers "
                             "and unit kept. A count has none.")  # fmt: skip
    qualifier: Qualifier | None = Field(default=None, description="How the source qualified its number "
                                        "(docs/WORDING.md). Left out: read from the wording of `value`, else "
                                        "exact for one number, range for two bounds, at_least for a lower bound "
                                        "alone and at_most for an upper bound alone.")  # fmt: skip
    value_text: str | None = Field(default=None, description="The source's words for the value (`no less than "
                                   "5,000`), shown as given; the value itself for an attribute that takes words "
                                   "(guidance, manufacturer). Left out: the words of `value`, if any.")  # fmt: skip
    counted: Counted | None = Field(default=None, description="For a quantity claim: what it counts (5,000 "
                                    "missiles and 5,000 launchers are different claims).")  # fmt: skip
    scope: Scope | None = Field(default=None, description="For a quantity claim: the state the counted things "
                                "are in (docs/VOCABULARY.md). Left out: the kind's default; a transfer has none "
                                "and must say.")  # fmt: skip
    stance: Stance | None = Field(default=None, description="Whether the claimant affirms or denies what the "
                                  "claim states. Left out: affirms.")  # fmt: skip
    claimant: str | None = Field(default=None, description="Who made the claim: an actor's name.")
    claimants: list[str] | None = Field(default=None, description="Several claimants, in the source's order: "
                                        "actors' names, the first being the claimant.")  # fmt: skip
    stated: str | None = Field(default=None, description="When it was stated: one EDTF date (`2025-10-22`, "
                               "`2025-10~`, `198X`) or its words (`22 October 2025`); docs/CLI.md, Dates.")  # fmt: skip
    about: str | None = Field(default=None, description="The time it is about: an EDTF date or interval "
                              "(`2009/2012`, `1997/..`) or its words (`since 1997`); docs/CLI.md, Dates.")  # fmt: skip
    verification_status: VerificationStatus | None = Field(default=None, description="How far it is verified.")
    verification_note: str | None = Field(default=None, description="Why it has that verification status.")
    rank: Rank | None = Field(default=None, description=_RANK)
    reliability: SourceReliability | None = Field(default=None, description="Admiralty code: the source's "
                                                  "reliability, A to F.")  # fmt: skip
    credibility: InformationCredibility | None = Field(default=None, description="Admiralty code: the "
                                                       "information's credibility, 1 to 6.")  # fmt: skip
    assessment_rationale: str | None = Field(default=None, description="Why that reliability and credibility.")
    note: str | None = Field(default=None, description="A public note on the claim, part of the entry (caveats "
                             "such as a variant or a date in doubt).")  # fmt: skip


class ClaimCreate(ClaimUpdate):
    """Input as editors give it: names, codes, wording and dates, normalised on write.

    `system`, `related_system`: slug or alias; `target_type`: slug; `country`: code or name;
    `claimant`: actor name, or `claimants`: several, in order; `stated`: one EDTF date or its
    words (2025-10-22, 2025-10~, 198X, about March 2022); `about`: the same or an EDTF
    interval (2009/2012, 1997/.., since 1997);
    `value` (one number, placed by the qualifier: `at_least` 5000 is low=5000, `up_to` 6 is
    high=6) or `value_low`/`value_high`, in `unit` (converted to the canonical unit; the unit
    as given is kept in `original_unit` and the source's words in `value_text`).
    """

    kind: ClaimKind = Field(description=_KIND)
    verification_status: VerificationStatus = Field(default=VerificationStatus.unverified,
                                                    description="How far it is verified.")  # fmt: skip
    rank: Rank = Field(default=Rank.normal, description=_RANK)
    citations: list[CitationCreate] = Field(default=[], description="The sources that carry the claim: every "
                                            "claim cites at least one, here or in `citation` records following "
                                            "it. When the claim exists, the citations it lacks are added.")  # fmt: skip
    external_ids: list[ExternalIdCreate] = Field(default=[], description="The claim's entries in other "
                                                 "databases. Taken when the claim is created.")  # fmt: skip
    public_id: str | None = None  # kept on import; new ids are generated otherwise


class CitationBase(SQLModel):
    """A citation's text columns and their limits, checked on every write (`rules.citation_row`)."""

    quote: str | None = Field(default=None, sa_type=sa.Text, max_length=TEXT_LIMIT)
    locator: str | None = Field(default=None, max_length=200)


class Citation(CitationBase, table=True):
    """Which source carries a claim. A child row: changes to it revise the claim."""

    # One source may be cited again with another quote or locator (`rules.cited_sources`
    # refuses only an exact repeat), so there is no unique constraint (revision 0015).

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    role: CitationRole = enum_field(CitationRole, "role")
    created_at: datetime = datetime_field(default_factory=utcnow)
    retracted_at: datetime | None = datetime_field(default=None)


class ClaimLink(Versioned, table=True):
    __tablename__ = "claim_link"
    __table_args__ = (
        sa.UniqueConstraint("from_claim_id", "to_claim_id", "kind"),
        sa.CheckConstraint("from_claim_id <> to_claim_id", name="not_self"),
    )

    id: int | None = Field(default=None, primary_key=True)
    from_claim_id: int = Field(foreign_key="claim.id")
    to_claim_id: int = Field(foreign_key="claim.id", index=True)
    kind: LinkKind = enum_field(LinkKind, "kind")
    note: str | None = Field(default=None, sa_type=sa.Text)


class ClaimLinkCreate(SQLModel):
    """`from_claim` and `to_claim` are claim public ids."""

    from_claim: str = Field(description="The claim the link is from: its id (`C-7K3Q9XZ2`).")
    to_claim: str = Field(description="The claim the link is to: its id. `A supersedes B` is from A to B.")
    kind: LinkKind = Field(description="How the two claims relate (docs/CLI.md, `claim link`).")
    note: str | None = Field(default=None, description="Why they are linked.")


class ClaimPublic(BaseModel):  # plain Pydantic, as CitationPublic
    """A claim as the API and `--json` give it: the import record's fields plus its version."""

    id: str = PydanticField(examples=["C-YSESYR2E"])
    kind: ClaimKind
    system: str | None = PydanticField(default=None, examples=["igla-s"])
    subject: str | None = None
    attribute: Attribute | None = None
    target_type: str | None = None
    related_system: str | None = None
    country: str | None = PydanticField(default=None, examples=["VE"],
                                       description="The party (holder, recipient) when it is a country: its code.")
    counterparty_country: str | None = PydanticField(default=None, description="The counterparty (supplier, captor) when it "
                                                                              "is a country: its code.")  # fmt: skip
    party: str | None = PydanticField(default=None, description="The party when it is not a country: `actor:NAME` or "
                                                               "`unknown`; null for a country or none.")  # fmt: skip
    counterparty: str | None = PydanticField(default=None, description="The counterparty when it is not a country, as "
                                                                      "`party`.")  # fmt: skip
    party_name: str | None = PydanticField(default=None, examples=["Venezuela"],
                                          description="The party as a reader names it: a country's name, an actor's "
                                                      "name or `unknown`.")  # fmt: skip
    counterparty_name: str | None = None
    location: str | None = None
    value_low: float | None = PydanticField(default=None, examples=[5000])
    value_high: float | None = None
    unit: str | None = None
    qualifier: Qualifier | None = PydanticField(default=None, examples=["at_least"])
    value_text: str | None = PydanticField(default=None, examples=["no less than 5,000"])
    value_as_worded: str | None = PydanticField(default=None, examples=["at least 5,000 missiles"])
    value_converted: str | None = PydanticField(
        default=None, examples=["583 m/s"],
        description="The value in the canonical unit, rounded to the source's significant figures; null when "
                    "the source used the canonical unit or gave no number.")  # fmt: skip
    counted: Counted | None = None
    scope: Scope | None = None
    stance: Stance = PydanticField(default=Stance.affirms,
                                   description="`denies`: the claimant denies what the claim states.")
    claimant: str | None = None
    claimants: list[str] | None = PydanticField(
        default=None, description="Every claimant, in the source's order, when there are several (the first is "
                                  "`claimant`).")  # fmt: skip
    stated: str | None = PydanticField(default=None, examples=["2025-10-22"],
                                      description="When it was stated: one EDTF date (2025-10-22, 2025-10~, 198X).")
    about: str | None = PydanticField(default=None, examples=["2009/2012"],
                                     description="The time it is about: an EDTF date or interval (2009/2012, 1997/.., "
                                                 "2022-02/2022-07-27).")  # fmt: skip
    verification_status: VerificationStatus
    verification_note: str | None = None
    rank: Rank
    reliability: SourceReliability | None = None
    credibility: InformationCredibility | None = None
    assessment_rationale: str | None = None
    note: str | None = None
    external_ids: list[dict[str, str]] = []
    version: int
    created_at: datetime
    updated_at: datetime
    retracted_at: datetime | None = None
    retraction_reason: str | None = None
    url: str | None = PydanticField(default=None, description="This claim's address in the API.")


class CitationPublic(BaseModel):  # plain Pydantic: lists carry many (SQLModel validates 3x slower)
    source: str
    publisher: str | None = None
    title: str | None = None
    url: str | None = None
    archive_url: str | None = None
    quote: str | None = None
    locator: str | None = None
    role: CitationRole
    reporting_chain: list[dict[str, str | None]] = []


class ClaimLinkPublic(BaseModel):
    id: int
    from_claim: str
    kind: LinkKind
    to_claim: str
    note: str | None = None


class ClaimDetailPublic(ClaimPublic):
    citations: list[CitationPublic]
    links: list[ClaimLinkPublic]


class ClaimRowPublic(BaseModel):
    """One line of a claim list (a plain Pydantic model: SQLModel validates 3x slower)."""

    id: str
    kind: ClaimKind
    subject: str | None = None
    country: str | None = None
    party: str | None = PydanticField(default=None, description="The holder or recipient by name: a country, an "
                                                                "actor or `unknown`.")  # fmt: skip
    counterparty: str | None = PydanticField(default=None, description="The other party (a transfer's supplier), "
                                                                       "by name.")  # fmt: skip
    value: str | None = None
    claimant: str | None = None
    stated: str | None = None
    about: str | None = None
    status: VerificationStatus
    retracted: bool
    url: str
    citations: list[CitationPublic] | None = PydanticField(
        default=None, description="The claim's citations, with `include=citations`; otherwise null."
    )
