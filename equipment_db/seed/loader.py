"""Load `seed_data/*.toml` through the same services editors use, idempotently.

A record whose entry exists is compared with it: identical means nothing is written;
different means an update with its own revision. Running the seed twice changes nothing.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from equipment_db.actors import queries as actor_queries
from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorCreate, ActorUpdate
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import (
    AliasCreate,
    SystemCreate,
    SystemUpdate,
    TargetTypeCreate,
    TargetTypeUpdate,
)
from equipment_db.claims import queries as claim_queries
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import CitationCreate, ClaimCreate, ClaimLinkCreate, ClaimUpdate
from equipment_db.errors import EquipmentDBError, InvalidValue
from equipment_db.history.service import Edit
from equipment_db.normalize.names import name_key
from equipment_db.sources import queries as source_queries
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate, SourceUpdate
from equipment_db.validation import parse_model

# Sections in the order they load: later ones refer to earlier ones.
SECTIONS = ("target_type", "system", "actor", "source", "claim", "link")
SEED_EDITOR = "seed_data"


class SeedError(EquipmentDBError):
    """A seed record failed; the message names the file, the record and the field."""

    code = "seed_error"

    def __init__(self, location: str, error: EquipmentDBError) -> None:
        super().__init__(f"{location}: {error.message}", field=error.field, value=error.value)
        self.location = location


@dataclass
class SeedReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def note(self, section: str, outcome: str) -> None:
        getattr(self, outcome)[section] += 1

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))


@dataclass(frozen=True)
class SeedRecord:
    section: str
    data: dict[str, Any]
    location: str  # "seed_data/catalog.toml: system #2 (igla-s)"


def read_records(seed_dir: Path) -> list[SeedRecord]:
    files = sorted(seed_dir.glob("*.toml"))
    if not files:
        raise InvalidValue("seed_dir", str(seed_dir), "holds no .toml seed files")
    by_section: dict[str, list[SeedRecord]] = {name: [] for name in SECTIONS}
    for path in files:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InvalidValue("seed file", path.name, f"is not valid TOML ({exc})") from None
        for section, records in document.items():
            if section not in by_section:
                raise InvalidValue("section", section, f"in {path.name} is not one of {', '.join(SECTIONS)}")
            for index, data in enumerate(records, start=1):
                label = data.get("id") or data.get("slug") or data.get("name") or ""
                location = f"{path.name}: {section} #{index} ({label})"
                by_section[section].append(SeedRecord(section, data, location))
    return [record for name in SECTIONS for record in by_section[name]]


def load(session: Session, seed_dir: Path, *, editor: str = SEED_EDITOR) -> SeedReport:
    """Load every seed record; any failure raises SeedError (the caller rolls back)."""
    report = SeedReport()
    for record in read_records(seed_dir):
        edit = Edit(editor, f"seed: {record.location}")
        try:
            outcome = _LOADERS[record.section](session, dict(record.data), edit)
        except EquipmentDBError as exc:
            raise SeedError(record.location, exc) from None
        report.note(record.section, outcome)
    return report


def _outcome(before: int | None, after: int) -> str:
    if before is None:
        return "created"
    return "unchanged" if before == after else "updated"


def _load_target_type(session: Session, data: dict[str, Any], edit: Edit) -> str:
    existing = catalog_queries.find_target_type(session, data.get("slug", ""))
    if existing is None:
        catalog_service.create_target_type(session, parse_model(TargetTypeCreate, data), edit=edit)
        return "created"
    before = existing.version
    update = parse_model(TargetTypeUpdate, {k: v for k, v in data.items() if k != "slug"})
    after = catalog_service.update_target_type(session, existing.slug, update, edit=edit).version
    return _outcome(before, after)


def _load_system(session: Session, data: dict[str, Any], edit: Edit) -> str:
    existing = catalog_queries.find_system(session, data.get("slug", ""))
    if existing is None or existing.slug != data.get("slug"):
        catalog_service.create_system(session, parse_model(SystemCreate, data), edit=edit)
        return "created"
    before = existing.version
    aliases = [parse_model(AliasCreate, alias) for alias in data.pop("aliases", [])]
    fields = {k: v for k, v in data.items() if k != "slug"}
    catalog_service.update_system(session, existing.slug, parse_model(SystemUpdate, fields), edit=edit)
    known = {alias.name_key for alias in catalog_queries.aliases(session, existing.id)}  # type: ignore[arg-type]
    for alias in aliases:
        if name_key(alias.name) not in known:
            catalog_service.add_alias(session, existing.slug, alias, edit=edit)
    return _outcome(before, existing.version)


def _load_actor(session: Session, data: dict[str, Any], edit: Edit) -> str:
    existing = actor_queries.find_actor(session, data.get("name", ""))
    if existing is None:
        actor_service.create_actor(session, parse_model(ActorCreate, data), edit=edit)
        return "created"
    before = existing.version
    actor_service.update_actor(session, existing.name, parse_model(ActorUpdate, data), edit=edit)
    return _outcome(before, existing.version)


def _load_source(session: Session, data: dict[str, Any], edit: Edit) -> str:
    public_id = data.pop("id", None)
    if not public_id:
        raise InvalidValue("id", None, "is required on every seed source (a fixed S-... id)")
    existing = source_queries.find_source(session, public_id)
    if existing is None:
        source_service.create_source(
            session, parse_model(SourceCreate, data | {"public_id": public_id}), edit=edit
        )
        return "created"
    before = existing.version
    source_service.update_source(session, existing.public_id, parse_model(SourceUpdate, data), edit=edit)
    return _outcome(before, existing.version)


def _load_claim(session: Session, data: dict[str, Any], edit: Edit) -> str:
    public_id = data.pop("id", None)
    if not public_id:
        raise InvalidValue("id", None, "is required on every seed claim (a fixed C-... id)")
    existing = claim_queries.find_claim(session, public_id)
    if existing is None:
        claim_service.create_claim(
            session, parse_model(ClaimCreate, data | {"public_id": public_id}), edit=edit
        )
        return "created"
    before = existing.version
    citations = [parse_model(CitationCreate, c) for c in data.pop("citations", [])]
    data.pop("external_ids", None)
    # Restate every field, so that a field removed from the seed file is cleared.
    fields = {name: data.get(name) for name in ClaimUpdate.model_fields} | {
        k: v for k, v in data.items() if k in ("verification_status", "rank")
    }
    fields.setdefault("verification_status", "unverified")
    fields.setdefault("rank", "normal")
    fields = {k: v for k, v in fields.items() if v is not None or k not in ("verification_status", "rank")}
    claim_service.update_claim(session, public_id, parse_model(ClaimUpdate, fields), edit=edit)
    cited = {(source.id, citation.role) for citation, source in claim_queries.citations(session, existing.id)}  # type: ignore[arg-type]
    for citation in citations:
        source = source_queries.get_source(session, citation.source, field="citations.source")
        if (source.id, citation.role) not in cited:
            claim_service.add_citation(session, public_id, citation, edit=edit)
    return _outcome(before, existing.version)


def _load_link(session: Session, data: dict[str, Any], edit: Edit) -> str:
    link = parse_model(ClaimLinkCreate, data)
    first = claim_queries.get_claim(session, link.from_claim, field="from_claim")
    second = claim_queries.get_claim(session, link.to_claim, field="to_claim")
    for existing in claim_queries.links(session, first.id):  # type: ignore[arg-type]
        ends = {existing.from_claim_id, existing.to_claim_id}
        if existing.kind == link.kind and ends == {first.id, second.id}:
            return "unchanged"
    claim_service.create_link(session, link, edit=edit)
    return "created"


_LOADERS = {
    "target_type": _load_target_type,
    "system": _load_system,
    "actor": _load_actor,
    "source": _load_source,
    "claim": _load_claim,
    "link": _load_link,
}
