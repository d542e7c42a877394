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

from equipment_db.errors import EquipmentDBError, InvalidValue
from equipment_db.exchange import upsert
from equipment_db.history.service import Edit

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
        report.note(record.section, outcome.result)
    return report


_SECTION_TYPES = {"link": "claim_link"}
_LOADERS = {section: upsert.UPSERTS[_SECTION_TYPES.get(section, section)] for section in SECTIONS}
