"""The one way a reader's citation of a claim is loaded: the revision cited, and what a citation
says of the claim *now* beside it (which claims supersede it), and each cited source's
reporting chain (the outlets it cites, as the sources record them when cited). The API, the
pages and the CLI all call `cited_version`; rendering (render.py) touches no database."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlmodel import Session

from equipment_db.citations.entry import CitedVersion
from equipment_db.claims import prepared as claim_prepared
from equipment_db.claims.models import Claim
from equipment_db.history import queries as history_queries
from equipment_db.reads import driver_rows, placeholders
from equipment_db.vocab import EntityType, LinkKind


def cited_version(session: Session, claim: Claim, version: int | None, base_url: str) -> CitedVersion:
    """`version` of `claim` (its latest when None) as a citation renders it."""
    revision = history_queries.revision(session, EntityType.claim, claim.id, version or claim.version,  # type: ignore[arg-type]
                                        key=claim.public_id)  # fmt: skip
    return cite_revision(session, claim, revision, base_url)


_CITED = f"SELECT {claim_prepared.SOURCE_COLUMNS} FROM source WHERE public_id IN ({{}}) ORDER BY id"
_SUPERSEDING = ("SELECT c.public_id FROM claim_link k JOIN claim c ON c.id = k.from_claim_id "
                "WHERE k.to_claim_id = ? AND k.kind = ? AND k.retracted_at IS NULL")  # fmt: skip


def cite_revision(session: Session, claim: Claim | claim_prepared.ClaimKey, revision: history_queries.RevisionRow,
                  base_url: str) -> CitedVersion:  # fmt: skip
    """A revision of `claim` already loaded (a page that shows it) as a citation renders it:
    its sources' reporting chains and the claims that supersede it, read as plain rows (the
    claim page cites the claim on every view)."""
    rows = partial(driver_rows, session)
    cited = [(c.get("source") or {}).get("public_id") for c in revision.snapshot.get("citations") or []]
    cited_ids = sorted({public_id for public_id in cited if public_id})
    sources = rows(_CITED.format(placeholders(len(cited_ids))), cited_ids) if cited_ids else []
    found = claim_prepared.reporting_chains(rows, sources)
    chains = {public_id: [_name(x) for x in found[source_id]] for source_id, public_id, *_ in sources
              if found.get(source_id)}  # fmt: skip
    superseded_by = sorted(public_id for (public_id,) in rows(_SUPERSEDING, (claim.id, LinkKind.supersedes.value)))
    return CitedVersion(snapshot=revision.snapshot, version=revision.version, revised_at=revision.created_at,
                        base_url=base_url.rstrip("/"), chains=chains, superseded_by=superseded_by)  # fmt: skip


def _name(source: dict[str, Any]) -> str:
    """How a citation names a source of the chain: its publisher, else its title, else its id."""
    return source["publisher"] or source["title"] or source["id"]
