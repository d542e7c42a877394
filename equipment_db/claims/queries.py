"""Reads of claims: by public id, their citations and links, a filtered list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from equipment_db.actors import queries as actor_queries
from equipment_db.actors.models import Actor
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog.models import ExternalId, System
from equipment_db.claims import links as link_rules
from equipment_db.claims import rules
from equipment_db.claims.models import Citation, Claim, ClaimLink
from equipment_db.claims.records import claim_external_ids, claim_record, claim_refs
from equipment_db.claims.text import describe_converted, describe_value, party_name
from equipment_db.errors import InvalidValue, NotFound
from equipment_db.history.models import Revision
from equipment_db.history.queries import version_fields
from equipment_db.normalize.countries import country_code
from equipment_db.normalize.dates import parse_partial_date
from equipment_db.publicid import normalise_public_id
from equipment_db.reads import like_pattern
from equipment_db.sources import queries as source_queries
from equipment_db.sources.models import Source
from equipment_db.vocab import (
    Attribute,
    ClaimKind,
    Counted,
    EntityType,
    IdScheme,
    LinkKind,
    Rank,
    Scope,
    Stance,
    VerificationStatus,
)


def find_claim(session: Session, key: str, *, field: str = "claim") -> Claim | None:
    public_id = normalise_public_id(key, "claim", field=field)
    return session.exec(select(Claim).where(Claim.public_id == public_id)).first()


def get_claim(session: Session, key: str, *, field: str = "claim") -> Claim:
    claim = find_claim(session, key, field=field)
    if claim is None:
        raise NotFound("claim", key, field=field)
    return claim


def citations(
    session: Session, claim_id: int, *, include_retracted: bool = False
) -> Sequence[tuple[Citation, Source]]:
    statement = (
        select(Citation, Source)
        .join(Source, col(Source.id) == Citation.source_id)
        .where(Citation.claim_id == claim_id)
        .order_by(Citation.id)
    )
    if not include_retracted:
        statement = statement.where(col(Citation.retracted_at).is_(None))
    return session.exec(statement).all()


def citations_by_claim(session: Session, claim_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The live citations of many claims with their sources, in one query (for lists). A
    list shows no reporting chain: each says so with its own empty list (the model's default
    would be deep-copied for every citation, which took half the time of validating them)."""
    found: dict[int, list[dict[str, Any]]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return found
    statement = (
        select(Citation.claim_id, Source.public_id, Source.publisher, Source.title, Source.url,
               Citation.quote, Citation.locator, Citation.role)
        .join(Source, col(Source.id) == Citation.source_id)
        .where(col(Citation.claim_id).in_(list(claim_ids)), col(Citation.retracted_at).is_(None))
        .order_by(Citation.claim_id, Citation.id)
    )  # fmt: skip
    for claim_id, source, publisher, title, url, quote, locator, role in session.exec(statement):
        found[claim_id].append({"source": source, "publisher": publisher, "title": title, "url": url,
                                "quote": quote, "locator": locator, "role": role, "reporting_chain": []})  # fmt: skip
    return found


def links(session: Session, claim_id: int) -> Sequence[ClaimLink]:
    statement = (
        select(ClaimLink)
        .where((ClaimLink.from_claim_id == claim_id) | (ClaimLink.to_claim_id == claim_id))
        .where(col(ClaimLink.retracted_at).is_(None))
        .order_by(ClaimLink.id)
    )
    return session.exec(statement).all()


def find_link(session: Session, first: Claim, kind: LinkKind, second: Claim) -> ClaimLink | None:
    """The link FIRST KIND SECOND, active or withdrawn; a same_as, corroborates or contradicts
    link also if it was entered the other way round. Of two (one withdrawn), the active one;
    of two withdrawn, the one entered this way round."""
    pairs = [(first.id, second.id)] + ([(second.id, first.id)] if kind in link_rules.SYMMETRIC else [])
    candidates = session.exec(select(ClaimLink).where(
        ClaimLink.kind == kind, or_(*(and_(ClaimLink.from_claim_id == a, ClaimLink.to_claim_id == b)
                                      for a, b in pairs)))).all()  # fmt: skip
    return min(candidates, key=lambda k: (k.is_retracted, k.from_claim_id != first.id), default=None)


def get_link(session: Session, key: str | int, *, field: str = "link") -> ClaimLink:
    """A link by its id (12), or as FROM KIND TO (C-A same_as C-B; see `find_link`)."""
    text = str(key).strip()
    if text.isascii() and text.isdigit():
        found = session.get(ClaimLink, int(text)) if int(text) < 2**31 else None  # an INTEGER column
        if found is None:
            raise NotFound("claim link", int(text), field=field)
        return found
    words = text.split()
    if len(words) == 3:
        words[1] = words[1].lower()
    if len(words) != 3 or words[1] not in LinkKind.__members__:
        kinds = ", ".join(LinkKind)
        raise InvalidValue(field, text, f"is not a link id or FROM KIND TO (C-A same_as C-B; KIND: {kinds})")
    first = get_claim(session, words[0], field=field)
    second = get_claim(session, words[2], field=field)
    found = find_link(session, first, LinkKind(words[1]), second)
    if found is None:
        raise NotFound("claim link", f"{first.public_id} {words[1]} {second.public_id}", field=field)
    return found


@dataclass(frozen=True)
class ClaimFilter:
    system_id: int | None = None
    country: str | None = None
    counterparty: str | None = None
    kind: ClaimKind | None = None
    attribute: Attribute | None = None
    claimant_id: int | None = None
    source_id: int | None = None
    status: VerificationStatus | None = None
    rank: Rank | None = None
    stated_from: date | None = None  # stated on or after the first day given (by the first day stated)
    stated_to: date | None = None  # ... on or before the last day given
    # The time the claim is about may overlap [about_from, about_to]: an open end (no date
    # stated to close it) reaches any later day, an open or unknown start any earlier one.
    about_from: date | None = None
    about_to: date | None = None
    text: str | None = None  # words in the wording, subject, location or notes
    party: tuple[str, Any] | None = None  # (column, value): ("country", "XK"), ("party_actor_id", 7), ...
    counterparty_party: tuple[str, Any] | None = None
    scope: Scope | None = None
    counted: Counted | None = None
    stance: Stance | None = None
    external_id: tuple[IdScheme, str] | None = None
    include_deprecated: bool = False
    include_retracted: bool = False


def _party_filter(session: Callable[[], Session], text: str | None, field: str) -> tuple[str, Any] | None:
    """The one column a party filter compares: the party as `rules.resolve_party` reads it."""
    if not text:
        return None
    resolver = rules.DatabaseResolver(session())
    columns = rules.resolve_party(text, "party" if field == "party" else "counterparty", resolver)
    return next((name, value) for name, value in columns.items() if value not in (None, False))


def _external_id(text: str | None) -> tuple[IdScheme, str] | None:
    """`sipri_deal:12345` (scheme:value)."""
    if not text:
        return None
    scheme, _, value = text.partition(":")
    try:
        known = IdScheme(scheme.strip().lower())
    except ValueError:
        schemes = ", ".join(s.value for s in IdScheme)
        raise InvalidValue("external_id", text, f"is not SCHEME:VALUE with a scheme of {schemes}") from None
    if not value.strip():
        raise InvalidValue("external_id", text, "has no value after the scheme (SCHEME:VALUE)")
    return known, value.strip()


def filter_from_input(
    session: Session | Callable[[], Session],
    *,
    system: str | None = None,
    country: str | None = None,
    counterparty: str | None = None,
    kind: ClaimKind | None = None,
    attribute: Attribute | None = None,
    claimant: str | None = None,
    source: str | None = None,
    status: VerificationStatus | None = None,
    rank: Rank | None = None,
    stated_from: str | None = None,
    stated_to: str | None = None,
    about_from: str | None = None,
    about_to: str | None = None,
    text: str | None = None,
    party: str | None = None,
    scope: Scope | None = None,
    counted: Counted | None = None,
    stance: Stance | None = None,
    external_id: str | None = None,
    include_deprecated: bool = False,
    include_retracted: bool = False,
    system_id_of: Callable[[str], int | None] | None = None,
) -> ClaimFilter:
    """A filter from what a person typed: system by alias, country by name, partial dates.

    `session` may be a function that opens one, called only when a filter needs it;
    `system_id_of` a quicker lookup of a system's id, tried first (None: not found by it)."""

    def db() -> Session:
        return session() if callable(session) else session

    def system_id(key: str) -> int:
        found = system_id_of(key) if system_id_of else None
        return found if found is not None else catalog_queries.get_system(db(), key).id  # type: ignore[return-value]

    def day(value: str | None, field: str, *, last: bool) -> date | None:
        if not value:
            return None
        parsed = parse_partial_date(value, field=field)
        return parsed.end if last else parsed.start

    return ClaimFilter(
        system_id=system_id(system) if system else None,
        country=country_code(country) if country else None,
        party=_party_filter(db, party, "party"),
        counterparty_party=_party_filter(db, counterparty, "counterparty"),
        scope=scope,
        counted=counted,
        stance=stance,
        external_id=_external_id(external_id),
        kind=kind,
        attribute=attribute,
        claimant_id=actor_queries.get_actor(db(), claimant, field="claimant").id if claimant else None,
        source_id=source_queries.get_source(db(), source).id if source else None,
        status=status,
        rank=rank,
        stated_from=day(stated_from, "stated_from", last=False),
        stated_to=day(stated_to, "stated_to", last=True),
        about_from=day(about_from, "about_from", last=False),
        about_to=day(about_to, "about_to", last=True),
        text=text.strip() if text and text.strip() else None,
        include_deprecated=include_deprecated,
        include_retracted=include_retracted,
    )


_ROW_COLUMNS = ("id", "public_id", "kind", "subject", "country", "qualifier", "value_text", "counted", "value_low",
                "value_high", "original_unit", "original_low", "original_high", "unit", "attribute", "stated_edtf",
                "about_edtf", "verification_status", "retracted_at", "party_actor_id", "party_unknown",
                "counterparty_country", "counterparty_actor_id", "counterparty_unknown", "stance")  # fmt: skip


def claim_rows(
    session: Session, where: ClaimFilter, *, limit: int = 100, after_id: int | None = None
) -> list[dict[str, Any]]:
    """Claims as flat rows for listings, in one query (systems and claimants joined); only
    the columns a row shows are read, and no ORM objects are built."""
    found = session.exec(row_statement(where, limit=limit, after_id=after_id)).all()
    actors = _actor_names(session, {key for c in found for key in (c.party_actor_id, c.counterparty_actor_id)})
    return row_dicts(found, actors)


ROW_FIELDS = (*_ROW_COLUMNS, "slug", "name")  # a row of `row_statement`


def row_statement(where: ClaimFilter, *, limit: int, after_id: int | None) -> Any:
    """The statement of `claim_rows`: its columns are ROW_FIELDS."""
    return _filtered(
        select(*(getattr(Claim, name) for name in _ROW_COLUMNS), System.slug, Actor.name)
        .outerjoin(System, col(System.id) == Claim.system_id)
        .outerjoin(Actor, col(Actor.id) == Claim.claimant_id),
        where,
        limit=limit,
        after_id=after_id,
    )


def row_dicts(found: Sequence[Any], actors: dict[int, str]) -> list[dict[str, Any]]:
    """`row_statement`'s rows (anything with ROW_FIELDS as attributes: enums or their values)
    as a list shows them; `actors`: the names of the actors that are their parties."""
    return [
        {
            "id": claim.public_id,
            "kind": getattr(claim.kind, "value", claim.kind),
            "subject": claim.slug or claim.subject,
            "country": claim.country,
            "party": party_name(claim.country, actors.get(claim.party_actor_id), claim.party_unknown),
            "counterparty": party_name(claim.counterparty_country, actors.get(claim.counterparty_actor_id),
                                       claim.counterparty_unknown),
            "value": describe_value(claim),
            "claimant": claim.name,
            "stated": claim.stated_edtf,
            "about": claim.about_edtf,
            "status": getattr(claim.verification_status, "value", claim.verification_status),
            "retracted": claim.retracted_at is not None,
            "_row_id": claim.id,  # the keyset position; not shown
        }
        for claim in found
    ]  # fmt: skip


def _actor_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    """The names of the actors that are parties of the rows shown, in one query."""
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    return dict(session.exec(select(Actor.id, Actor.name).where(col(Actor.id).in_(wanted))).all())  # type: ignore[arg-type]


def list_claims(
    session: Session, where: ClaimFilter, *, limit: int = 100, after_id: int | None = None
) -> Sequence[Claim]:
    """Claims in id order, keyset-paginated by `after_id` (never OFFSET)."""
    return session.exec(_filtered(select(Claim), where, limit=limit, after_id=after_id)).all()


def filter_values(where: ClaimFilter, *, limit: int, after_id: int | None) -> dict[str, Any]:
    """The values `_filtered` binds, by bound parameter name: only the filters set. With the
    filter's `filter_shape`, what a prepared statement of the list needs (`claims.prepared`)."""
    values: dict[str, Any] = {"limit": limit, "after_id": after_id}
    for name in ("system_id", "country", "kind", "attribute", "claimant_id", "status", "counterparty", "scope",
                 "counted", "stance", "rank", "stated_from", "stated_to", "about_from", "about_to", "source_id"):
        values[name] = getattr(where, name)  # fmt: skip
    values["party"] = where.party[1] if where.party else None
    values["counterparty_party"] = where.counterparty_party[1] if where.counterparty_party else None
    values["external_scheme"], values["external_value"] = where.external_id or (None, None)
    values["text"] = like_pattern(where.text) if where.text is not None else None
    return {name: value for name, value in values.items() if value is not None}


def filter_shape(where: ClaimFilter, values: dict[str, Any]) -> tuple[Any, ...]:
    """What decides the statement `_filtered` writes (its values aside): equal shapes, equal SQL."""
    return (tuple(sorted(values)), where.party and where.party[0],
            where.counterparty_party and where.counterparty_party[0], where.include_deprecated,
            where.include_retracted)  # fmt: skip


def _filtered(statement: Any, where: ClaimFilter, *, limit: int, after_id: int | None) -> Any:
    """The list's statement, every value a parameter named as in `filter_values`."""
    values = filter_values(where, limit=limit, after_id=after_id)

    def bound(name: str, column: Any) -> Any:
        return sa.bindparam(name, values[name], type_=column.type)

    statement = statement.order_by(Claim.id).limit(sa.bindparam("limit", limit, type_=sa.Integer()))
    if after_id is not None:
        statement = statement.where(Claim.id > bound("after_id", Claim.id))
    for name, column in (("system_id", Claim.system_id), ("country", Claim.country), ("kind", Claim.kind),
                         ("attribute", Claim.attribute), ("status", Claim.verification_status),
                         ("counterparty", Claim.counterparty_country), ("scope", Claim.scope),
                         ("counted", Claim.counted), ("stance", Claim.stance), ("rank", Claim.rank)):  # fmt: skip
        if name in values:
            statement = statement.where(column == bound(name, column))
    if where.claimant_id is not None:  # any of its claimants
        claimant = bound("claimant_id", Claim.claimant_id)
        statement = statement.where(or_(Claim.claimant_id == claimant, _names_claimant(Claim.claimant_ids, claimant)))
    for name, party in (("party", where.party), ("counterparty_party", where.counterparty_party)):
        if party is not None:
            column = getattr(Claim, party[0])
            statement = statement.where(column == bound(name, column))
    if where.external_id is not None:
        scheme, value = bound("external_scheme", ExternalId.scheme), bound("external_value", ExternalId.value)
        ids = select(ExternalId.entity_id).where(
            ExternalId.entity_type == EntityType.claim, ExternalId.scheme == scheme, ExternalId.value == value,
            col(ExternalId.retracted_at).is_(None))  # fmt: skip
        statement = statement.where(col(Claim.id).in_(ids))
    if where.stated_from is not None:
        statement = statement.where(Claim.stated_on >= bound("stated_from", Claim.stated_on))
    if where.stated_to is not None:
        statement = statement.where(Claim.stated_on <= bound("stated_to", Claim.stated_on))
    # With a system, its (system_id, country, id) index reads a page in id order from the
    # cursor on; the period must not tempt the planner into an about_start range and a sort.
    about_start = Claim.about_start if where.system_id is None else NotIndexed(Claim.about_start)
    if where.about_from is not None:
        about_from = bound("about_from", Claim.about_end)
        statement = statement.where(or_(Claim.about_end >= about_from,
                                        and_(col(Claim.about_end).is_(None), about_start.is_not(None))))  # fmt: skip
    if where.about_to is not None:
        about_to = bound("about_to", Claim.about_start)
        statement = statement.where(or_(about_start <= about_to,
                                        and_(about_start.is_(None), col(Claim.about_end).is_not(None))))  # fmt: skip
    if where.text is not None:
        statement = statement.where(_text_matches(bound("text", Claim.value_text)))
    if where.source_id is not None:
        cited = select(Citation.claim_id).where(
            Citation.source_id == bound("source_id", Citation.source_id), col(Citation.retracted_at).is_(None)
        )
        statement = statement.where(col(Claim.id).in_(cited))
    if not where.include_deprecated:
        statement = statement.where(Claim.rank != Rank.deprecated)
    if not where.include_retracted:
        statement = statement.where(col(Claim.retracted_at).is_(None))
    return statement


class NotIndexed(FunctionElement):  # type: ignore[type-arg]
    """A column the query planner must not use an index for: `+column` on SQLite (the
    documented way to say so), the column itself elsewhere."""

    inherit_cache = True
    name = "not_indexed"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(NotIndexed)
def _not_indexed(element: NotIndexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(NotIndexed, "sqlite")
def _not_indexed_sqlite(element: NotIndexed, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)


def claim_detail(session: Session, key: str, *, field: str = "claim") -> dict[str, Any]:
    """`claim_view` of the claim with this public id."""
    return claim_view(session, get_claim(session, key, field=field))


def claim_view(session: Session, claim: Claim) -> dict[str, Any]:
    """The claim's record, its citations with their sources, links, and version fields: what
    the API, `claim show` and the claim page read."""
    refs = claim_refs(session, claim)
    detail = claim_record(claim, refs, claim_external_ids(session, claim.id))  # type: ignore[arg-type]
    detail["party_name"] = party_name(claim.country, refs["party_actor"], claim.party_unknown)
    detail["counterparty_name"] = party_name(claim.counterparty_country, refs["counterparty_actor"],
                                             claim.counterparty_unknown)  # fmt: skip
    detail["value_as_worded"] = describe_value(claim)
    detail["value_converted"] = describe_converted(claim)
    cited = citations(session, claim.id)  # type: ignore[arg-type]
    chains = reporting_chains(session, [s for _, s in cited])
    detail["citations"] = [
        {"source": s.public_id, "publisher": s.publisher, "title": s.title, "url": s.url,
         "archive_url": s.archive_url, "quote": c.quote, "locator": c.locator, "role": c.role.value,
         "reporting_chain": [{"id": x.public_id, "publisher": x.publisher, "title": x.title, "url": x.url,
                              "archive_url": x.archive_url}
                             for x in chains[s.id][1:]]}  # type: ignore[index]
        for c, s in cited
    ]  # fmt: skip

    ids = {claim.id: claim.public_id}
    linked = links(session, claim.id)  # type: ignore[arg-type]
    for other in session.exec(select(Claim).where(col(Claim.id).in_(
            [k.from_claim_id for k in linked] + [k.to_claim_id for k in linked]))):  # fmt: skip
        ids[other.id] = other.public_id
    detail["links"] = [{"id": k.id, "from_claim": ids[k.from_claim_id], "kind": k.kind.value,
                        "to_claim": ids[k.to_claim_id], "note": k.note} for k in linked]  # fmt: skip
    return detail | version_fields(claim)


def current_snapshots(session: Session, public_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each claim's latest revision snapshot, by public id, in one query."""
    if not public_ids:
        return {}
    rows = session.exec(
        select(Claim.public_id, Revision.snapshot)
        .join(Revision, and_(Revision.entity_type == EntityType.claim, Revision.entity_id == Claim.id,
                             Revision.version == Claim.version))
        .where(col(Claim.public_id).in_(public_ids))
    ).all()
    return dict(rows)  # type: ignore[arg-type]


def _text_matches(pattern: Any) -> Any:
    """Part of the wording, subject, location or notes, any case: `pattern` is `like_pattern`'s
    (% and _ match themselves)."""
    columns = (Claim.value_text, Claim.subject, Claim.location, Claim.note, Claim.verification_note)
    return or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in columns))


class _names_claimant(FunctionElement):  # type: ignore[type-arg]
    """`claimant_ids` (a JSON list) holds the actor id: json_each on SQLite, jsonb @> on PostgreSQL."""

    inherit_cache = True
    type = sa.Boolean()


@compiles(_names_claimant, "sqlite")
def _names_claimant_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    column, actor_id = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = {actor_id})"


@compiles(_names_claimant, "postgresql")
def _names_claimant_pg(element: Any, compiler: Any, **kw: Any) -> str:
    column, actor_id = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST({column} AS jsonb) @> to_jsonb(CAST({actor_id} AS integer)))"


CHAIN_DEPTH = 20  # the longest reporting chain followed (a source citing a source ...)


def reporting_chains(
    session: Session, sources: Sequence[Source], *, depth: int = CHAIN_DEPTH
) -> dict[int, list[Source]]:
    """Each source followed by the sources it cites, loaded a level at a time (not per source)."""
    known: dict[int, Source] = {s.id: s for s in sources}  # type: ignore[misc]
    wanted = {s.cites_source_id for s in sources if s.cites_source_id is not None} - set(known)
    for _ in range(depth):
        if not wanted:
            break
        found = session.exec(select(Source).where(col(Source.id).in_(wanted))).all()
        known.update({s.id: s for s in found})  # type: ignore[misc]
        wanted = {s.cites_source_id for s in found if s.cites_source_id is not None} - set(known)
    chains: dict[int, list[Source]] = {}
    for source in sources:
        chain, seen, current = [source], {source.id}, source
        while current.cites_source_id in known and current.cites_source_id not in seen and len(chain) < depth:
            current = known[current.cites_source_id]
            chain.append(current)
            seen.add(current.id)
        chains[source.id] = chain  # type: ignore[index]
    return chains
