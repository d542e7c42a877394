"""`equipment-db claim ...`: add, revise, verify, rank, grade, link, retract and read claims."""

from __future__ import annotations

import json
from typing import Any

import typer

from equipment_db.claims import queries as claim_queries
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import CitationCreate, ClaimCreate, ClaimLinkCreate, ClaimUpdate
from equipment_db.claims.text import describe_value
from equipment_db.errors import EquipmentDBError, MissingValue
from equipment_db.history import queries as history_queries
from equipment_db.validation import parse_model
from equipment_db.vocab import (
    Attribute,
    CitationRole,
    ClaimKind,
    Counted,
    EntityType,
    InformationCredibility,
    LinkKind,
    Qualifier,
    Rank,
    Scope,
    SourceReliability,
    Stance,
    VerificationStatus,
)

from .options import given
from .output import JsonOption, emit, emit_record
from .state import edit, interactive, reading, writing

app = typer.Typer(help="Sourced claims: add, revise, verify, rank, grade, link, retract, read.\n\n"
                  "Example: equipment-db claim list --system igla-s --country VE", no_args_is_help=True)  # fmt: skip

# Options shared by `claim add` and `claim edit`.
SYSTEM = typer.Option(None, "--system", help="System slug or any alias (igla-s, SA-24, Stinger).")
SUBJECT = typer.Option(None, "--subject", help='Free-text subject when no system fits ("militia members").')
ATTRIBUTE = typer.Option(None, "--attribute", help="For a specification: what is specified.")
TARGET = typer.Option(None, "--target-type", help="For a capability: target type slug (helicopter, uav).")
RELATED = typer.Option(None, "--related-system", help="For a comparison: the other system.")
COUNTRY = typer.Option(
    None, "--country", help="The party as a country: code or name (VE, Venezuela); a transfer's recipient."
)
PARTY = typer.Option(None, "--party", help="The holder or recipient, any kind: a country, an actor (an armed group, "
                                           "an organisation: actor:NAME) or unknown.")  # fmt: skip
COUNTERPARTY = typer.Option(None, "--counterparty", help="The other party, any kind (as --party): a transfer's "
                                                         "supplier, a capture's captor.")  # fmt: skip
STANCE = typer.Option(None, "--stance", help="affirms (the default) or denies: 'X has not supplied Y' is a denial, "
                                             "with no number needed.")  # fmt: skip
LOCATION = typer.Option(None, "--location", help="Where, in the source's words.")
VALUE = typer.Option(None, "--value", help='The value as worded: "no less than 5,000", "up to 6 km".')
QUANTITY = typer.Option(None, "--quantity", help="The number, if not (or differently) worded in --value.")
LOW = typer.Option(None, "--value-low", help="Lower bound (with --value-high for a range).")
HIGH = typer.Option(None, "--value-high", help="Upper bound.")
UNIT = typer.Option(None, "--unit", help="Unit of the value (km, mi, kg, m/s, USD).")
QUALIFIER = typer.Option(None, "--qualifier", help="Overrides the qualifier read from --value.")
VALUE_TEXT = typer.Option(None, "--value-text", help="The source's words, if --value is not them.")
COUNTED = typer.Option(None, "--counted", help="What a quantity counts.")
SCOPE = typer.Option(None, "--scope", help="The state of what is counted.")
CLAIMANT = typer.Option(None, "--claimant", help="Actor who made the claim (by name); repeat it for several, "
                        "in the source's order.")  # fmt: skip
STATED = typer.Option(None, "--stated", help="When it was stated: one EDTF date (2025-10-22, 2025-10, 2025, "
                      "2025-10~ about, 2025? possibly, 198X a decade) or its words (22 October 2025, circa 2025).")
ABOUT = typer.Option(None, "--about", help="When it holds: an EDTF date or interval (2009/2012, 1997/.. since, "
                     "../2022-07-27 until, 2022-02/2022-07-27) or its words (since 1997, the 1980s).")
NOTE = typer.Option(None, "--note", help="Editor's note (caveats such as a variant or a date doubt).")
YES = typer.Option(False, "--yes", "-y", help="Save without asking what --value was read as (at a terminal).")

# Option name for each field the rules may ask for, for prompts and messages.
PROMPTABLE = {
    "system": "--system", "subject": "--subject", "attribute": "--attribute", "target_type": "--target-type",
    "related_system": "--related-system", "country": "--country", "party": "--party", "counterparty": "--counterparty",
    "counterparty_country": "--counterparty",
    "location": "--location", "value": "--value", "unit": "--unit", "value_text": "--value-text",
    "counted": "--counted", "scope": "--scope", "citations": "--source",
}  # fmt: skip


def claimants(names: list[str] | None) -> dict[str, Any]:
    """`--claimant` once is the claimant; repeated, the claimants in order."""
    if not names:
        return {}
    return {"claimant": names[0]} if len(names) == 1 else {"claimants": names}


@app.command()
def add(
    ctx: typer.Context,
    kind: ClaimKind = typer.Option(..., "--kind", help="What kind of claim."),
    system: str | None = SYSTEM,
    subject: str | None = SUBJECT,
    attribute: Attribute | None = ATTRIBUTE,
    target_type: str | None = TARGET,
    related_system: str | None = RELATED,
    country: str | None = COUNTRY,
    party: str | None = PARTY,
    counterparty: str | None = COUNTERPARTY,
    location: str | None = LOCATION,
    value: str | None = VALUE,
    quantity: float | None = QUANTITY,
    value_low: float | None = LOW,
    value_high: float | None = HIGH,
    unit: str | None = UNIT,
    qualifier: Qualifier | None = QUALIFIER,
    value_text: str | None = VALUE_TEXT,
    counted: Counted | None = COUNTED,
    scope: Scope | None = SCOPE,
    stance: Stance | None = STANCE,
    claimant: list[str] | None = CLAIMANT,
    stated: str | None = STATED,
    about: str | None = ABOUT,
    status: VerificationStatus = typer.Option(
        VerificationStatus.unverified, "--status", help="Verification."
    ),
    verification_note: str | None = typer.Option(None, "--verification-note", help="Why that status."),
    rank: Rank = typer.Option(Rank.normal, "--rank", help="preferred, normal or deprecated."),
    note: str | None = NOTE,
    source: str | None = typer.Option(None, "--source", help="Source id (S-...) or URL that carries it."),
    quote: str | None = typer.Option(None, "--quote", help="The exact words in the source."),
    locator: str | None = typer.Option(None, "--locator", help="Paragraph, page or timestamp."),
    role: CitationRole = typer.Option(CitationRole.reports, "--role", help="How the source carries it."),
    public_id: str | None = typer.Option(None, "--id", help="Keep this claim id (normally generated)."),
    yes: bool = YES,
    as_json: bool = typer.Option(False, "--json", help="Print the id and what --value was read as, as JSON."),
) -> None:
    """Add a sourced claim and print its id.

    The rules of its kind apply: a specification
    needs --attribute and a value; an inventory --country and a quantity (or --qualifier
    unspecified) with --counted; a transfer --country (recipient) and --counterparty
    (supplier). Missing options are asked for at a terminal, and are an error otherwise.
    --value is read completely or refused; at a terminal the reading is shown
    ("read as: at least 5,000 missiles") and saved only when you agree.

    Example: equipment-db claim add --kind deployment --system igla-s --country VE --value "no less than 5,000" --counted missiles --claimant "Nicolás Maduro" --stated 2025-10-22 --source S-PJZ2YVHP --quote "Venezuela has no less than 5,000"
    """  # noqa: E501
    fields: dict[str, Any] = given(
        kind=kind, system=system, subject=subject, attribute=attribute, target_type=target_type,
        related_system=related_system, country=country, party=party, counterparty=counterparty, location=location,
        counted=counted, scope=scope, stance=stance, **claimants(claimant), stated=stated, about=about,
        verification_status=status, verification_note=verification_note, rank=rank, note=note, public_id=public_id,
    )  # fmt: skip
    fields |= value_options(value, quantity, value_low, value_high, unit, qualifier, value_text)
    citation = given(source=source, quote=quote, locator=locator, role=role)
    guide = _Guide(kind, fields, citation, qualifier) if interactive() else None
    for _ in range(_MOST_QUESTIONS):
        fields["citations"] = [citation] if citation.get("source") else []
        try:
            data = parse_model(ClaimCreate, fields)

            def write(session: Any, data: ClaimCreate = data) -> Any:
                return claim_service.create_claim(session, data, edit=edit(ctx))

            if guide is not None and guide.asked:  # guided: every refusal is met before saving
                _rolled_back(ctx, write)
                if guide.ask_the_rest():
                    continue
            claim, read_as = _saved(ctx, write, ask=(value is not None or "value" in (guide.asked if guide else ()))
                                    and not yes)  # fmt: skip
        except MissingValue as exc:
            if guide is None or exc.field not in PROMPTABLE:
                raise MissingValue(PROMPTABLE.get(exc.field or "", exc.field or ""), exc.reason) from None
            guide.ask(exc.field, exc.reason)
            continue
        except EquipmentDBError as exc:
            field = _question_for(exc.field or "")
            if guide is None or field not in guide.asked:
                raise
            typer.echo(f"error: {exc}", err=True)  # the answer is refused: asked again, the others kept
            guide.ask(field, None)
            continue
        typer.echo(json.dumps({"id": claim.public_id, "read_as": read_as}) if as_json else claim.public_id)
        if guide is not None and guide.asked and not as_json:
            show(ctx, claim.public_id, version=None, show_all=False, as_json=False)
        return
    raise MissingValue("claim", "too many answers refused; give the options on the command line")


_MOST_QUESTIONS = 60
_MAY_BE_LEFT_OUT = ("quote", "claimant", "stated")  # asked once the kind's needs are met
# The field a refusal names -> the question that answers it.
_ANSWERED_BY = {"source": "citations", "counterparty_country": "counterparty", "claimants": "claimant",
                "party_actor": "party", "counterparty_actor": "counterparty"}  # fmt: skip


def _question_for(field: str) -> str:
    """The question whose answer a refusal names (`citations[0].source` -> the source's)."""
    if field.startswith("citations["):
        return "quote" if field.endswith(".quote") else "citations"
    return _ANSWERED_BY.get(field, field)


def _choices(vocabulary: type) -> str:
    return ", ".join(member.value for member in vocabulary)


class _Guide:
    """The guided `claim add`: what the kind still needs is asked in plain words, one thing at
    a time; a refused answer is asked again and the others are kept; then the source's words,
    the claimant and the date, if they were not given."""

    def __init__(self, kind: ClaimKind, fields: dict[str, Any], citation: dict[str, Any],
                 qualifier: Qualifier | None) -> None:  # fmt: skip
        self.kind, self.fields, self.citation, self.qualifier = kind, fields, citation, qualifier
        self.asked: set[str] = set()
        self.rest_asked = False

    def question(self, field: str) -> str:
        holder = {"transfer": "Which country receives them?", "inventory": "Which country holds them?",
                  "deployment": "Which country deploys them?"}.get(self.kind.value,
                                                                   "Which country is it about?")  # fmt: skip
        return {
            "system": "Which system is the claim about? (a name, alias or slug, e.g. Igla-S)",
            "subject": "What is the claim about? (a system, or free text if it is not in the catalogue)",
            "attribute": f"Which figure of the system does the source give? ({_choices(Attribute)})",
            "target_type": "Which target type? (its slug)",
            "related_system": "Which other system does it relate to?",
            "country": f"{holder} (a name or ISO code)",
            "party": f"{holder.replace('Which country', 'Who')} (a country, actor:NAME for a group or "
                     "organisation, or unknown)",
            "counterparty": "Which country or actor supplies them? (a country, actor:NAME, or unknown)",
            "location": "Where? (the place as the source names it)",
            "value": "What number did the source give, in its words? (e.g. about 200, more than 1,700, none)",
            "unit": "In what unit? (e.g. km, m, kg)",
            "value_text": "The source's words for the value",
            "counted": f"What does the number count? ({_choices(Counted)})",
            "scope": f"In what state are they? ({_choices(Scope)})",
            "citations": "Which source carries the claim? (its id, S-..., or its URL; add it first with "
                         "`equipment-db source add`)",
            "quote": "The source's exact words (Enter to leave out)",
            "claimant": "Who made the claim? (a person or body, by name; Enter if the source itself)",
            "stated": "When was it stated? (e.g. 22 October 2025, 2025-10; Enter if unknown)",
        }[field]  # fmt: skip

    def ask(self, field: str, reason: str | None) -> None:
        self.asked.add(field)
        if field in _MAY_BE_LEFT_OUT:
            answer = typer.prompt(self.question(field), default="", show_default=False, err=True).strip()
            holder = self.citation if field == "quote" else self.fields
            holder.pop(field, None)
            if answer:
                holder[field] = answer
            return
        answer = typer.prompt(self.question(field), err=True).strip()
        if field == "citations":
            self.citation["source"] = answer
        elif field == "value":
            self.fields |= value_options(answer, None, None, None, self.fields.get("unit"), self.qualifier, None)
        else:
            self.fields[field] = answer

    def ask_the_rest(self) -> bool:
        """Once: the quote, the claimant and the date, each unless given. True if one was answered."""
        if self.rest_asked:
            return False
        self.rest_asked = True
        answered = False
        for field in _MAY_BE_LEFT_OUT:
            holder = self.citation if field == "quote" else self.fields
            if holder.get(field) or (field == "claimant" and self.fields.get("claimants")):
                continue
            self.ask(field, None)
            answered = answered or bool(holder.get(field))
        return answered


def _rolled_back(ctx: typer.Context, write: Any) -> None:
    """Make the write and undo it: what it would refuse, it refuses now, and nothing is saved."""
    try:
        with writing(ctx) as session:
            write(session)
            raise _Preview("")
    except _Preview:
        pass


def value_options(
    value: str | None, quantity: float | None, low: float | None, high: float | None, unit: str | None,
    qualifier: Qualifier | None, value_text: str | None,
) -> dict[str, Any]:  # fmt: skip
    """A claim record's value fields from an editor's options. `--value` in words is read where
    the claim's sources are known, in their language (`rules.value_columns`), exactly as a
    record's `value` is; an explicit number (--quantity, --value-low/--value-high) wins, and
    the words are then kept as the source's words."""
    fields: dict[str, Any] = {}
    explicit = quantity is not None or low is not None or high is not None
    if value is not None and not explicit:
        fields["value"] = value
    if value_text is not None or (value is not None and explicit):
        fields["value_text"] = value_text or value
    if quantity is not None:
        fields |= {"value": quantity, "value_low": None, "value_high": None}
    if low is not None or high is not None:
        fields |= {"value": None, "value_low": low, "value_high": high}
    if unit is not None:
        fields["unit"] = unit
    if qualifier is not None:
        fields["qualifier"] = qualifier
    return fields


class _Preview(Exception):
    def __init__(self, words: str) -> None:
        self.words = words


def _saved(ctx: typer.Context, write: Any, *, ask: bool) -> tuple[Any, str]:
    """Run `write(session)` in one transaction; returns the claim and its value in words. At a
    terminal (`ask`), the write is first made and rolled back to show what the value was read
    as, and made again only if the editor agrees."""
    if ask and interactive():
        try:
            with writing(ctx) as session:
                raise _Preview(describe_value(write(session)))
        except _Preview as preview:
            typer.echo(f"read as: {preview.words}", err=True)
        if not typer.confirm("Save it?", default=True, err=True):
            typer.echo("Not saved.", err=True)
            raise typer.Exit(1)
    with writing(ctx) as session:
        claim = write(session)
        return claim, describe_value(claim)


@app.command("edit")
def edit_(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="Claim id (C-...)."),
    reason: str = typer.Option(..., "--reason", help="Why: recorded on the new version."),
    kind: ClaimKind | None = typer.Option(None, "--kind"),
    system: str | None = SYSTEM,
    subject: str | None = SUBJECT,
    attribute: Attribute | None = ATTRIBUTE,
    target_type: str | None = TARGET,
    related_system: str | None = RELATED,
    country: str | None = COUNTRY,
    party: str | None = PARTY,
    counterparty: str | None = COUNTERPARTY,
    location: str | None = LOCATION,
    value: str | None = VALUE,
    quantity: float | None = QUANTITY,
    value_low: float | None = LOW,
    value_high: float | None = HIGH,
    unit: str | None = UNIT,
    qualifier: Qualifier | None = QUALIFIER,
    value_text: str | None = VALUE_TEXT,
    counted: Counted | None = COUNTED,
    scope: Scope | None = SCOPE,
    stance: Stance | None = STANCE,
    claimant: list[str] | None = CLAIMANT,
    stated: str | None = STATED,
    about: str | None = ABOUT,
    note: str | None = NOTE,
    yes: bool = YES,
    as_json: bool = typer.Option(False, "--json", help="Print the id, version and what --value was read as, as JSON."),
) -> None:
    """Change a claim's fields (a new version records who, when and --reason).

    Only the options given change; the claim must still meet its kind's rules.

    Example: equipment-db claim edit C-YSESYR2E --location "key air defense positions" --reason "wording of the speech"
    """
    fields = given(
        kind=kind, system=system, subject=subject, attribute=attribute, target_type=target_type,
        related_system=related_system, country=country, party=party, counterparty=counterparty, location=location,
        counted=counted, scope=scope, stance=stance, **claimants(claimant), stated=stated, about=about, note=note,
    )  # fmt: skip
    fields |= value_options(value, quantity, value_low, value_high, unit, qualifier, value_text)
    if not fields:
        raise MissingValue("options", "to edit: give at least one field option (see --help)")
    def write(session: Any) -> Any:
        return claim_service.update_claim(session, claim_id, parse_model(ClaimUpdate, fields), edit=edit(ctx, reason))

    claim, read_as = _saved(ctx, write, ask=value is not None and not yes)
    if as_json:
        typer.echo(json.dumps({"id": claim.public_id, "version": claim.version, "read_as": read_as}))
    else:
        typer.echo(f"{claim.public_id} is at version {claim.version}.", err=True)


def _update(ctx: typer.Context, claim_id: str, fields: dict[str, Any], reason: str) -> None:
    with writing(ctx) as session:
        claim = claim_service.update_claim(
            session, claim_id, parse_model(ClaimUpdate, fields), edit=edit(ctx, reason)
        )
    typer.echo(f"{claim.public_id} is at version {claim.version}.", err=True)


@app.command()
def cite(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="Claim id (C-...)."),
    source: str = typer.Option(..., "--source", help="Source id (S-...) or URL."),
    quote: str | None = typer.Option(None, "--quote", help="The exact words in the source."),
    locator: str | None = typer.Option(None, "--locator", help="Paragraph, page or timestamp."),
    role: CitationRole = typer.Option(CitationRole.reports, "--role", help="How the source carries it."),
    reason: str | None = typer.Option(None, "--reason", help="Why (recorded on the new version)."),
) -> None:
    """Add a source to a claim (a new version of the claim).

    Example: equipment-db claim cite C-YSESYR2E --source S-SNXDBGDV --role cited_in --quote "CNN reported"
    """
    data = parse_model(CitationCreate, given(source=source, quote=quote, locator=locator, role=role))
    with writing(ctx) as session:
        claim_service.add_citation(session, claim_id, data, edit=edit(ctx, reason or f"cite {source}"))
    typer.echo(f"{claim_id.upper()} now cites {source} ({role.value}).", err=True)


@app.command()
def verify(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="Claim id (C-...)."),
    status: VerificationStatus = typer.Argument(..., help="New verification status."),
    note: str = typer.Option(..., "--note", help="What the verification rests on."),
    source: str | None = typer.Option(None, "--source", help="Source that corroborates or disputes it."),
    quote: str | None = typer.Option(None, "--quote", help="Its exact words."),
) -> None:
    """Set a claim's verification status, with a note and optionally a source.

    --source also cites the source that
    corroborates (corroborated, confirmed) or disputes (disputed, denied, refuted) it.

    Example: equipment-db claim verify C-RZ15HDBW corroborated --note "Public weapons registries confirm the bulk of the numbers"
    """  # noqa: E501
    with writing(ctx) as session:
        claim_service.verify_claim(session, claim_id, status, note, source=source, quote=quote, edit=edit(ctx))
    typer.echo(f"{claim_id.upper()} is {status.value}.", err=True)


@app.command()
def rank(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="Claim id (C-...)."),
    value: Rank = typer.Argument(..., help="preferred, normal or deprecated."),
    reason: str = typer.Option(..., "--reason", help="Why this rank."),
) -> None:
    """Rank a claim preferred, normal or deprecated (as in Wikidata).

    Ranking a specification value preferred returns the
    previous preferred value for that system and attribute to normal.

    Example: equipment-db claim rank C-1SBQT6X5 preferred --reason "two sources agree on 8 km"
    """
    _update(ctx, claim_id, {"rank": value}, reason)


@app.command()
def grade(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="Claim id (C-...)."),
    reliability: SourceReliability = typer.Option(
        ..., "--reliability", help="Admiralty source reliability A-F."
    ),
    credibility: InformationCredibility = typer.Option(
        ..., "--credibility", help="Information credibility 1-6."
    ),
    rationale: str = typer.Option(..., "--rationale", help="Why this grade."),
) -> None:
    """Grade a claim with the Admiralty code (kept apart from the claim itself).

    Example: equipment-db claim grade C-YSESYR2E --reliability C --credibility 4 --rationale "head of state, no independent check"
    """  # noqa: E501
    fields = {"reliability": reliability, "credibility": credibility, "assessment_rationale": rationale}
    _update(ctx, claim_id, fields, f"graded {reliability.value}{credibility.value}")


@app.command()
def link(
    ctx: typer.Context,
    from_claim: str = typer.Argument(..., help="Claim id (C-...)."),
    kind: LinkKind = typer.Argument(..., help="corroborates, contradicts, supersedes or same_as."),
    to_claim: str = typer.Argument(..., help="Claim id (C-...)."),
    note: str | None = typer.Option(None, "--note", help="Why they are linked."),
) -> None:
    """Link two claims: FROM corroborates / contradicts / supersedes / same_as TO.

    same_as: one statement reported twice (by two outlets); supersedes: FROM, newer or
    corrected, replaces TO; corroborates, contradicts: FROM's value agrees, disagrees with TO's.

    Which claims: same_as and supersedes need the same system (or both none), the same
    attribute and the same kind of claim, the quantity kinds (inventory, deployment, transfer,
    production, use, loss) counting as one: a relaying outlet or a correction may change it,
    or the country or what is counted. corroborates and contradicts compare like with like:
    also the same claim kind, target type, related system, countries, counted and scope.

    Which links on one pair, counting active links only, whichever way round they were
    entered: same_as stands alone (a statement cannot corroborate, contradict or supersede
    itself); corroborates and contradicts exclude each other; supersedes goes one way; a link
    is not entered twice. A refusal names the link in the way (claim unlink, claim relink).

    Linking a withdrawn link again restores it: its next version, same id (claim link-history).

    Example: equipment-db claim link C-3B9KZ769 same_as C-YSESYR2E --note "same speech, reported by Sputnik"
    """
    data = ClaimLinkCreate(from_claim=from_claim, to_claim=to_claim, kind=kind, note=note)
    with writing(ctx) as session:
        created = claim_service.create_link(session, data, edit=edit(ctx, note), restore=True)
        message = _link_line(session, created)
    again = f" (linked again, version {created.version})" if created.version > 1 else ""
    typer.echo(f"{message}{again}.", err=True)


LINK = typer.Argument(..., metavar="LINK", show_default=False,
                      help="Link id (12, as claim link printed it), or FROM KIND TO (C-A same_as C-B).")  # fmt: skip


def _link_line(session: Any, one: Any) -> str:
    snap = claim_service.link_snapshot(session, one)
    return f"Link {one.id}: {snap['from_claim']} {one.kind.value} {snap['to_claim']}"


@app.command()
def unlink(
    ctx: typer.Context,
    link_: list[str] = LINK,
    reason: str = typer.Option(..., "--reason", help="Why it is withdrawn (recorded on its new version)."),
) -> None:
    """Withdraw a link; it is never deleted: its id and every version still resolve.

    claim show no longer lists it; claim link-history shows it; claim link of the same
    claims and kind restores it. A same_as, corroborates or contradicts link is found
    whichever way round it was entered.

    Example: equipment-db claim unlink C-3B9KZ769 same_as C-YSESYR2E --reason "two different speeches"
    """
    with writing(ctx) as session:
        withdrawn = claim_service.retract_link(session, " ".join(link_), edit=edit(ctx, reason))
        message = _link_line(session, withdrawn)
    typer.echo(f"{message} is withdrawn.", err=True)


@app.command()
def relink(
    ctx: typer.Context,
    link_: list[str] = LINK,
    to: LinkKind = typer.Option(..., "--to", help="The link's new kind."),
    reason: str = typer.Option(..., "--reason", help="Why (recorded on its new version)."),
) -> None:
    """Change a link's kind: its next version, same id, same claims (see claim link for the rules).

    To turn a link around (B supersedes A for A supersedes B), unlink it and link again.

    Example: equipment-db claim relink C-3B9KZ769 corroborates C-YSESYR2E --to same_as --reason "the same speech"
    """
    with writing(ctx) as session:
        changed = claim_service.change_link_kind(session, " ".join(link_), to, edit=edit(ctx, reason))
        message = _link_line(session, changed)
    typer.echo(f"{message} (version {changed.version}).", err=True)


@app.command("link-history")
def link_history(ctx: typer.Context, link_: list[str] = LINK, as_json: bool = JsonOption) -> None:
    """List every version of a link, withdrawn or not: when, who, what and why.

    Example: equipment-db claim link-history C-3B9KZ769 same_as C-YSESYR2E
    """
    with reading(ctx) as session:
        found = claim_queries.get_link(session, " ".join(link_))
        rows = [{"version": r.version, "action": r.action.value, "link": r.entity_key, "note": r.snapshot.get("note"),
                 "at": r.created_at.isoformat(), "editor": r.editor, "reason": r.reason}
                for r in history_queries.revisions(session, EntityType.claim_link, found.id)]  # type: ignore[arg-type]  # fmt: skip
    emit(rows, columns=["version", "action", "link", "at", "editor", "reason"], as_json=as_json,
         title=None if as_json else f"link {found.id}")  # fmt: skip


@app.command()
def retract(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="Claim id (C-...)."),
    reason: str = typer.Option(..., "--reason", help="Why it is withdrawn (shown with the claim)."),
) -> None:
    """Retract a claim; it is never deleted: its id and every version still resolve.

    Example: equipment-db claim retract C-3B9KZ769 --reason "entered twice"
    """
    with writing(ctx) as session:
        claim_service.retract_claim(session, claim_id, edit=edit(ctx, reason))
    typer.echo(f"{claim_id.upper()} is retracted.", err=True)


@app.command()
def show(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="Claim id (C-...)."),
    version: int | None = typer.Option(None, "--version", min=1, help="Show this version as it was."),
    show_all: bool = typer.Option(False, "--all", help="Show empty fields too (JSON always has them)."),
    as_json: bool = JsonOption,
) -> None:
    """Show a claim with its sources, quotes and links, or one of its versions.

    --version N shows that version's stored snapshot. Empty fields are left out unless --all.

    Example: equipment-db claim show C-YSESYR2E
    """
    with reading(ctx) as session:
        if version is None:
            record = claim_queries.claim_detail(session, claim_id)
        else:
            claim = claim_queries.get_claim(session, claim_id)
            revision = history_queries.revision(
                session, EntityType.claim, claim.id, version, key=claim.public_id
            )  # type: ignore[arg-type]
            record = {"id": claim.public_id, "version": revision.version, "action": revision.action.value,
                      "at": revision.created_at.isoformat(), "editor": revision.editor, "reason": revision.reason,
                      "snapshot": revision.snapshot}  # fmt: skip
    if not as_json and "citations" in record:
        for index, citation in enumerate(record.pop("citations"), start=1):
            record[f"source {index}"] = (f"{citation['source']} {citation['publisher'] or ''} "
                                         f"({citation['role']}): {citation['quote'] or ''}")  # fmt: skip
        for index, one in enumerate(record.pop("links"), start=1):
            record[f"link {index}"] = f"{one['from_claim']} {one['kind']} {one['to_claim']}"
    emit_record(record, as_json=as_json, hide_empty=not show_all)


@app.command()
def history(ctx: typer.Context, claim_id: str = typer.Argument(..., help="Claim id (C-...)."),
            as_json: bool = JsonOption) -> None:  # fmt: skip
    """List every version of a claim: when (to the second, UTC), who, why, and what changed
    from the version before (field: old -> new).

    Example: equipment-db claim history C-YSESYR2E
    """
    with reading(ctx) as session:
        claim = claim_queries.get_claim(session, claim_id)
        revisions = history_queries.revisions(session, EntityType.claim, claim.id)  # type: ignore[arg-type]
    rows, before = [], None
    for r in revisions:
        changes = [] if before is None else history_queries.changes_by_name(before, r.snapshot)
        rows.append({"version": r.version, "action": r.action.value, "at": r.created_at.isoformat(), "editor": r.editor,
                     "reason": r.reason, "changed": [{"field": name, "from": old, "to": new}
                                                     for name, old, new in changes]})  # fmt: skip
        before = r.snapshot
    if not as_json:
        for row in rows:
            row["changed"] = "\n".join(f"{c['field']}: {_cell(c['from'])} -> {_cell(c['to'])}" for c in row["changed"])
    emit(rows, columns=["version", "action", "at", "editor", "reason", "changed"], as_json=as_json)


def _cell(value: object) -> str:
    """A changed value in the history table: empty shown as such, long text cut in the middle
    (`claim show --version N` shows it whole)."""
    text = "(empty)" if value is None or value == "" else str(value)
    return text if len(text) <= 60 else f"{text[:40]} ... {text[-15:]}"


@app.command("list")
def list_(
    ctx: typer.Context,
    system: str | None = typer.Option(None, help="System slug or alias (e.g. igla-s, SA-24)."),
    country: str | None = typer.Option(None, help="Country code or name (e.g. VE, Venezuela)."),
    party: str | None = typer.Option(None, help="The holder or recipient, any kind: a country, actor:NAME or unknown."),
    counterparty: str | None = typer.Option(None, help="The other party (a transfer's supplier), any kind."),
    kind: ClaimKind | None = typer.Option(None, help="Claim kind."),
    scope: Scope | None = typer.Option(None, help="The state of what is counted (pledged, delivered, ...)."),
    counted: Counted | None = typer.Option(None, help="What a quantity counts."),
    stance: Stance | None = typer.Option(None, help="affirms or denies."),
    external_id: str | None = typer.Option(None, help="An external id, SCHEME:VALUE (sipri_deal:12345)."),
    claimant: str | None = typer.Option(None, help="Actor name."),
    source: str | None = typer.Option(None, help="Source id or URL: claims it carries."),
    status: VerificationStatus | None = typer.Option(None, help="Verification status."),
    rank_: Rank | None = typer.Option(None, "--rank", help="Rank."),
    stated_from: str | None = typer.Option(None, help="Stated on or after (YYYY[-MM[-DD]])."),
    stated_to: str | None = typer.Option(None, help="Stated on or before."),
    about_from: str | None = typer.Option(None, help="About a period ending on or after this."),
    about_to: str | None = typer.Option(None, help="About a period starting on or before this."),
    text: str | None = typer.Option(None, help="Words in the wording, subject, location or notes."),
    include_deprecated: bool = typer.Option(
        False, "--include-deprecated", help="Show deprecated claims too."
    ),
    include_retracted: bool = typer.Option(False, "--include-retracted", help="Show retracted claims too."),
    limit: int = typer.Option(100, min=1, max=10_000, help="At most this many claims."),
    as_json: bool = JsonOption,
) -> None:
    """List claims, oldest first, with their value as the source worded it.

    Example: equipment-db claim list --system igla-s --country Venezuela
    """
    with reading(ctx) as session:
        where = claim_queries.filter_from_input(
            session, system=system, country=country, party=party, counterparty=counterparty, kind=kind,
            claimant=claimant, source=source, status=status, rank=rank_, stated_from=stated_from, stated_to=stated_to,
            about_from=about_from, about_to=about_to, text=text, scope=scope, counted=counted, stance=stance,
            external_id=external_id, include_deprecated=include_deprecated, include_retracted=include_retracted,
        )  # fmt: skip
        rows = [{k: v for k, v in row.items() if not k.startswith("_")}
                for row in claim_queries.claim_rows(session, where, limit=limit)]  # fmt: skip
    columns = ["id", "kind", "subject", "party", "value", "claimant", "stated", "about", "status"]
    emit(rows, columns=columns, as_json=as_json, title=None if as_json else f"{len(rows)} claims")


__all__ = ["EquipmentDBError", "app"]
