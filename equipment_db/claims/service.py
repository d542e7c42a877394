"""Validated writes to claims, citations and claim links. Every write appends a revision."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, col, select

from equipment_db.actors.models import Actor
from equipment_db.base import utcnow
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import System, TargetType
from equipment_db.claims import links as link_rules
from equipment_db.claims import queries, rules
from equipment_db.claims.models import (
    Citation,
    CitationCreate,
    Claim,
    ClaimCreate,
    ClaimLink,
    ClaimLinkCreate,
    ClaimUpdate,
)
from equipment_db.errors import AlreadyExists, Conflict, InvalidValue, MissingValue, NotFound
from equipment_db.history import service as history
from equipment_db.history.service import Edit
from equipment_db.publicid import allocate_public_id
from equipment_db.sources import queries as source_queries
from equipment_db.sources import service as source_service
from equipment_db.sources.models import Source
from equipment_db.validation import clean_text
from equipment_db.vocab import (
    CitationRole,
    ClaimKind,
    EntityType,
    LinkKind,
    Rank,
    RevisionAction,
    VerificationStatus,
)


def claim_snapshot(session: Session, claim: Claim) -> dict[str, Any]:
    """The full state of a claim version, including the details of the sources it cites."""

    def named(model: type[System] | type[TargetType], key: int | None) -> tuple[str | None, str | None]:
        row = session.get(model, key) if key is not None else None
        return (row.slug, row.name) if row else (None, None)

    claimant = session.get(Actor, claim.claimant_id) if claim.claimant_id else None
    names = {
        "system": named(System, claim.system_id),
        "related_system": named(System, claim.related_system_id),
        "target_type": named(TargetType, claim.target_type_id),
        "claimant": (claimant.name, claimant.role) if claimant else (None, None),
        "party_actor": _actor_name(session, claim.party_actor_id),
        "counterparty_actor": _actor_name(session, claim.counterparty_actor_id),
        "claimants": [_actor_name(session, actor_id) for actor_id in claim.claimant_ids or []],
    }
    citations = [
        citation_snapshot(
            source_service.source_reference(source), citation.quote, citation.locator, citation.role.value
        )
        for citation, source in queries.citations(session, claim.id)  # type: ignore[arg-type]
    ]
    external_ids = catalog_service.external_id_snapshot(session, EntityType.claim, claim.id)  # type: ignore[arg-type]
    return snapshot_from_parts(claim, names, citations, external_ids)


def citation_snapshot(
    source: dict[str, Any], quote: str | None, locator: str | None, role: str
) -> dict[str, Any]:
    return {"source": source, "quote": quote, "locator": locator, "role": role}


def _actor_name(session: Session, actor_id: int | None) -> tuple[str | None, str | None]:
    actor = session.get(Actor, actor_id) if actor_id is not None else None
    return (actor.name, actor.role) if actor else (None, None)


def snapshot_from_parts(
    claim: Claim | dict[str, Any],
    names: dict[str, Any],
    citations: list[dict[str, Any]],
    external_ids: list[dict[str, str]],
) -> dict[str, Any]:
    """Snapshot from a claim (or its row, for bulk import) and what it refers to: `names`
    maps system, related_system and target_type to (slug, name), claimant to (name, role), and
    claimants (when several) to a list of (name, role) in order."""
    data = claim.model_dump(mode="json") if isinstance(claim, Claim) else json_row(claim)
    data["system"], data["system_name"] = names["system"]
    data["related_system"], data["related_system_name"] = names["related_system"]
    data["target_type"], data["target_type_name"] = names["target_type"]
    data["claimant"], data["claimant_role"] = names["claimant"]
    data["party_actor"] = names.get("party_actor", (None, None))[0]
    data["counterparty_actor"] = names.get("counterparty_actor", (None, None))[0]
    several = names.get("claimants") or []
    data["claimants"] = [{"name": name, "role": role} for name, role in several] if len(several) > 1 else None
    data["citations"] = citations
    data["external_ids"] = external_ids
    return data


_CLAIM_COLUMNS = tuple(Claim.model_fields)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})  # exact types: a StrEnum is a str


def json_row(row: dict[str, Any]) -> dict[str, Any]:
    """A claim row as `Claim.model_dump(mode="json")` gives it, without building the model."""
    return {name: value if type(value := row.get(name)) in _PLAIN else _jsonable(value)
            for name in _CLAIM_COLUMNS}  # fmt: skip


def _record(session: Session, claim: Claim, action: RevisionAction, edit: Edit) -> None:
    history.record(
        session,
        entity_type=EntityType.claim,
        entity=claim,
        key=claim.public_id,
        action=action,
        edit=edit,
        snapshot=claim_snapshot(session, claim),
    )


def _insert_citation(session: Session, claim: Claim, source_id: int, data: CitationCreate) -> Citation:
    citation = Citation(**rules.citation_row(claim.id, source_id, data))  # type: ignore[arg-type]
    session.add(citation)
    return citation


def create_claim(session: Session, data: ClaimCreate, *, edit: Edit) -> Claim:
    values, cited = rules.new_claim(data, rules.DatabaseResolver(session))
    claim = Claim(**values, public_id=allocate_public_id(session, Claim, "claim", data.public_id))
    session.add(claim)
    session.flush()
    for source_id, citation in cited:
        _insert_citation(session, claim, source_id, citation)
    for xid in data.external_ids:
        catalog_service.insert_external_id(session, EntityType.claim, claim.id, xid)  # type: ignore[arg-type]
    session.flush()
    _record(session, claim, RevisionAction.create, edit)
    if claim.rank is Rank.preferred:
        _demote_other_preferred(session, claim, edit)
    return claim


def _editable(session: Session, key: str) -> Claim:
    claim = queries.get_claim(session, key)
    return history.editable(claim, "claim", claim.public_id)


def update_claim(session: Session, key: str, data: ClaimUpdate, *, edit: Edit) -> Claim:
    """Change the fields set in `data`; the whole claim must still meet its kind's rules."""
    edit.require_reason()
    claim = _editable(session, key)
    fields = data.model_dump(exclude_unset=True)
    for name in ("kind", "verification_status", "rank"):
        if name in fields and fields[name] is None:
            raise MissingValue(name, "cannot be cleared")
    changes = rules.normalise(session, fields)
    cited = queries.citations(session, claim.id)  # type: ignore[arg-type]
    if any(name in fields for name in rules.VALUE_FIELDS) or "counted" in fields or "attribute" in fields:
        language = rules.wording_language(source.language for _, source in cited)
        changes |= rules.value_columns(fields, claim, language=language)
    merged = rules.check(claim.model_dump() | changes, citation_count=len(cited), given=fields)
    changed = history.apply_changes(claim, {k: v for k, v in merged.items() if k in Claim.model_fields})
    if not changed:
        return claim
    _record(session, claim, RevisionAction.update, edit)
    if "rank" in changed and claim.rank is Rank.preferred:
        _demote_other_preferred(session, claim, edit)
    return claim


_SUPPORTING = (VerificationStatus.corroborated, VerificationStatus.confirmed)


def verify_claim(session: Session, key: str, status: VerificationStatus, note: str, *, source: str | None = None,
                 quote: str | None = None, edit: Edit) -> Claim:  # fmt: skip
    """Set a claim's verification status and note; `source` is also cited, as corroborating
    (corroborated, confirmed) or disputing (disputed, denied, refuted) it. One editor action:
    two versions of the claim, each with its own reason."""
    if source is not None and status is VerificationStatus.unverified:
        raise InvalidValue("source", source, "cannot support an 'unverified' status")
    claim = update_claim(session, key, ClaimUpdate(verification_status=status, verification_note=note),
                         edit=Edit(edit.editor, f"verification: {status.value}"))  # fmt: skip
    if source is not None:
        role = CitationRole.corroborates if status in _SUPPORTING else CitationRole.disputes
        add_citation(session, key, CitationCreate(source=source, quote=quote, role=role),
                     edit=Edit(edit.editor, f"verification source ({role.value})"))  # fmt: skip
    return claim


def _demote_other_preferred(session: Session, claim: Claim, edit: Edit) -> None:
    """One preferred value per (system, attribute): the others go back to normal rank."""
    if claim.kind is not ClaimKind.specification:
        return
    others = session.exec(
        select(Claim).where(
            Claim.system_id == claim.system_id,
            Claim.attribute == claim.attribute,
            Claim.rank == Rank.preferred,
            Claim.id != claim.id,
            col(Claim.retracted_at).is_(None),
        )
    ).all()
    for other in others:
        other.rank = Rank.normal
        history.touch(other)
        _record(
            session,
            other,
            RevisionAction.update,
            Edit(edit.editor, f"{claim.public_id} was ranked preferred for {claim.attribute.value}"),
        )  # type: ignore[union-attr]


def add_citation(session: Session, key: str, data: CitationCreate, *, edit: Edit,
                 replace_at_locator: bool = False) -> Citation:  # fmt: skip
    """Cite a source for a claim. `replace_at_locator` (a register's next release): a citation
    of the same source, role and locator with another quote is retracted in the same version,
    as the row it quoted says something else now."""
    claim = _editable(session, key)
    ((source_id, citation),) = rules.cited_sources([data], rules.DatabaseResolver(session))
    active = session.exec(
        select(Citation).where(
            Citation.claim_id == claim.id,
            Citation.source_id == source_id,
            Citation.role == data.role,
            col(Citation.retracted_at).is_(None),
        )
    ).all()
    said = rules.citation_key(source_id, data.role.value, data.quote, data.locator)
    if rules.repeats(said, [rules.citation_key(c.source_id, c.role.value, c.quote, c.locator) for c in active]):
        public_id = session.get(Source, source_id).public_id  # type: ignore[union-attr]
        raise AlreadyExists("citation", "source", f"{public_id} ({data.role.value})")
    locator, quote = clean_text(data.locator), clean_text(data.quote)
    if replace_at_locator and locator:
        now = utcnow()
        for old in active:
            if old.locator == locator and old.quote != quote:
                old.retracted_at = now
    row = _insert_citation(session, claim, source_id, citation)
    history.touch(claim)
    _record(session, claim, RevisionAction.update, edit)
    return row


def retract_citation(session: Session, key: str, source_key: str, *, edit: Edit) -> Claim:
    edit.require_reason()
    claim = _editable(session, key)
    source = source_queries.get_source(session, source_key)
    active = queries.citations(session, claim.id)  # type: ignore[arg-type]
    matching = [c for c, s in active if s.id == source.id]
    if not matching:
        raise NotFound("citation", f"{claim.public_id} <- {source.public_id}", field="source")
    if len(active) == len(matching):
        raise InvalidValue("source", source_key, "is the claim's only source: cite another first")
    when = history.touch(claim)
    for citation in matching:
        citation.retracted_at = when
    _record(session, claim, RevisionAction.update, edit)
    return claim


def retract_claim(session: Session, key: str, *, edit: Edit) -> Claim:
    claim = _editable(session, key)
    history.retract(claim, edit)
    _record(session, claim, RevisionAction.retract, edit)
    return claim


def link_snapshot(session: Session, link: ClaimLink) -> dict[str, Any]:
    data = link.model_dump(mode="json")
    data["from_claim"] = session.get(Claim, link.from_claim_id).public_id  # type: ignore[union-attr]
    data["to_claim"] = session.get(Claim, link.to_claim_id).public_id  # type: ignore[union-attr]
    return data


def _link_key(session: Session, link: ClaimLink) -> str:
    snap = link_snapshot(session, link)
    return f"{snap['from_claim']} {link.kind.value} {snap['to_claim']}"


def _record_link(session: Session, link: ClaimLink, action: RevisionAction, edit: Edit) -> None:
    history.record(session, entity_type=EntityType.claim_link, entity=link, key=_link_key(session, link),
                   action=action, edit=edit, snapshot=link_snapshot(session, link))  # fmt: skip


def _shown(session: Session, column: str, value: Any) -> str:
    if value is None:
        return "none"
    if column in ("system_id", "related_system_id", "target_type_id"):
        row = session.get(TargetType if column == "target_type_id" else System, value)
        return row.slug if row else str(value)
    return str(_jsonable(value))


def _check_link(session: Session, source: Claim, kind: LinkKind, target: Claim, *,
                ignore: int | None = None) -> None:  # fmt: skip
    """Refuse the link SOURCE KIND TARGET if the two claims cannot be linked so, or if an active
    link on the pair (other than `ignore`) rules it out; the rules are `claims.links`."""
    differing = link_rules.differing(kind, source, target)
    if differing is not None:
        what, column, first, second = differing
        shown = f"{_shown(session, column, first)}, {_shown(session, column, second)}"
        raise InvalidValue("kind", kind.value, f"cannot join {source.public_id} and {target.public_id}: "
                           f"they differ in {what} ({shown}); {link_rules.RULE[kind]}")  # fmt: skip
    pair = {source.id, target.id}
    # PostgreSQL: hold the pair's claims, so that two editors linking them at once are checked in
    # turn, each against the other's link (SQLite writes one transaction at a time anyway).
    session.exec(select(Claim.id).where(col(Claim.id).in_(pair)).order_by(Claim.id).with_for_update()).all()
    statement = select(ClaimLink).where(col(ClaimLink.from_claim_id).in_(pair), col(ClaimLink.to_claim_id).in_(pair),
                                        col(ClaimLink.retracted_at).is_(None))  # fmt: skip
    if ignore is not None:
        statement = statement.where(ClaimLink.id != ignore)
    for existing in session.exec(statement.order_by(ClaimLink.id)):
        how = link_rules.clash(kind, source.id, target.id, existing)  # type: ignore[arg-type]
        if how is not None:
            advice = "" if how == "duplicates" else "; unlink it first"
            key = f"{source.public_id} {kind.value} {target.public_id}"
            raise Conflict("kind", key, f"{how} the active link {_link_key(session, existing)} "
                                        f"(link {existing.id}){advice}")  # fmt: skip


def _same_triple(session: Session, from_id: int, kind: LinkKind, to_id: int) -> ClaimLink | None:
    """The link FROM KIND TO, active or withdrawn: claim_link holds at most one (a unique constraint)."""
    return session.exec(select(ClaimLink).where(ClaimLink.from_claim_id == from_id, ClaimLink.to_claim_id == to_id,
                                                ClaimLink.kind == kind)).first()  # fmt: skip


def create_link(session: Session, data: ClaimLinkCreate, *, edit: Edit, restore: bool = False) -> ClaimLink:
    """Link FROM KIND TO, if the rules allow it (`_check_link`). If that link was withdrawn
    (`queries.find_link`: for a symmetric kind, entered either way round), `restore` (`claim
    link`) makes it active again as its next version, so that a pair keeps one link of a kind,
    with one id and one history; without it (import and seed records) it is refused: a record
    does not undo an editor's withdrawal."""
    source = queries.get_claim(session, data.from_claim, field="from_claim")
    target = queries.get_claim(session, data.to_claim, field="to_claim")
    if source.id == target.id:
        raise InvalidValue("to_claim", data.to_claim, "is the same claim as from_claim")
    kind = LinkKind(data.kind)
    _check_link(session, source, kind, target)
    note = data.note.strip() if data.note and data.note.strip() else None
    withdrawn = queries.find_link(session, source, kind, target)  # an active one is refused as a duplicate
    if withdrawn is not None:
        if not restore:
            raise Conflict("kind", _link_key(session, withdrawn), f"is link {withdrawn.id}, withdrawn "
                           f"({withdrawn.retraction_reason}); only claim link restores a withdrawn link")  # fmt: skip
        withdrawn.retracted_at, withdrawn.retraction_reason, withdrawn.note = None, None, note
        history.touch(withdrawn)
        _record_link(session, withdrawn, RevisionAction.update, Edit(edit.editor, edit.reason or "linked again"))
        return withdrawn
    link = ClaimLink(from_claim_id=source.id, to_claim_id=target.id, kind=kind, note=note)  # type: ignore[arg-type]
    session.add(link)
    session.flush()
    _record_link(session, link, RevisionAction.create, edit)
    return link


def retract_link(session: Session, key: str | int, *, edit: Edit) -> ClaimLink:
    """Withdraw a link (`queries.get_link` names it): a new version, retracted, with the reason."""
    edit.require_reason()
    link = queries.get_link(session, key)
    history.editable(link, "claim link", _link_key(session, link))
    history.retract(link, edit)
    _record_link(session, link, RevisionAction.retract, edit)
    return link


def change_link_kind(session: Session, key: str | int, kind: LinkKind, *, edit: Edit) -> ClaimLink:
    """Make an active link another kind, as its next version (same id, same claims), if the
    rules allow the new kind on that pair."""
    edit.require_reason()
    link = queries.get_link(session, key)
    history.editable(link, "claim link", _link_key(session, link))
    if link.kind == kind:
        raise InvalidValue("kind", kind.value, f"is already the kind of link {link.id} "
                                               f"({_link_key(session, link)})")  # fmt: skip
    source, target = session.get(Claim, link.from_claim_id), session.get(Claim, link.to_claim_id)
    _check_link(session, source, kind, target, ignore=link.id)  # type: ignore[arg-type]
    taken = _same_triple(session, link.from_claim_id, kind, link.to_claim_id)
    if taken is not None:  # withdrawn: an active one would have been refused as a duplicate
        raise Conflict("kind", _link_key(session, taken), f"is link {taken.id}, withdrawn: unlink link "
                       f"{link.id} and link the pair again with claim link, which restores link {taken.id}")  # fmt: skip
    link.kind = kind
    history.touch(link)
    _record_link(session, link, RevisionAction.update, edit)
    return link
