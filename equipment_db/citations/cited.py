"""The one way a reader's citation of a claim is loaded: the revision cited, and what a citation
says of the claim *now* beside it (which claims supersede it), and each cited source's
reporting chain (the outlets it cites, as the sources record them when cited). The API, the
pages and the CLI all call `cited_version`; rendering (render.py) touches no database."""

from __future__ import annotations

from sqlmodel import Session, col, select

from equipment_db.citations.entry import CitedVersion
from equipment_db.claims import queries as claim_queries
from equipment_db.claims.models import Claim
from equipment_db.history import queries as history_queries
from equipment_db.history.models import Revision
from equipment_db.sources.models import Source
from equipment_db.vocab import EntityType, LinkKind


def cited_version(session: Session, claim: Claim, version: int | None, base_url: str) -> CitedVersion:
    """`version` of `claim` (its latest when None) as a citation renders it."""
    revision = history_queries.revision(session, EntityType.claim, claim.id, version or claim.version,  # type: ignore[arg-type]
                                        key=claim.public_id)  # fmt: skip
    return cite_revision(session, claim, revision, base_url)


def cite_revision(session: Session, claim: Claim, revision: Revision, base_url: str) -> CitedVersion:
    """A revision of `claim` already loaded (a page that shows it) as a citation renders it."""
    cited_ids = [(c.get("source") or {}).get("public_id") for c in revision.snapshot.get("citations") or []]
    sources = session.exec(select(Source).where(col(Source.public_id).in_([i for i in cited_ids if i]))).all()
    found = claim_queries.reporting_chains(session, sources)
    chains = {s.public_id: [_name(link) for link in found[s.id][1:]] for s in sources if len(found[s.id]) > 1}  # type: ignore[index]
    links = claim_queries.links(session, claim.id)  # type: ignore[arg-type]
    superseding = [link.from_claim_id for link in links
                   if link.kind is LinkKind.supersedes and link.to_claim_id == claim.id]  # fmt: skip
    names = {} if not superseding else dict(
        session.exec(select(Claim.id, Claim.public_id).where(col(Claim.id).in_(superseding))).all())
    return CitedVersion(snapshot=revision.snapshot, version=revision.version, revised_at=revision.created_at,
                        base_url=base_url.rstrip("/"), chains=chains,
                        superseded_by=sorted(names[i] for i in superseding))  # fmt: skip


def _name(source: Source) -> str:
    return source.publisher or source.title or source.public_id
