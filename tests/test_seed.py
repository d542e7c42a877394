"""The seed data: exactly the checked sources' facts, loaded through the services, idempotently."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from equipment_db.catalog.models import System
from equipment_db.claims import queries as claim_queries
from equipment_db.claims.models import Claim
from equipment_db.config import REPO_ROOT, get_settings
from equipment_db.database import session_scope
from equipment_db.errors import EquipmentDBError
from equipment_db.seed.loader import load
from equipment_db.vocab import LinkKind, Qualifier
from tests.dbs import db_state

SEED_DIR = REPO_ROOT / "seed_data"
SHARED_SOURCES = REPO_ROOT.parent / "shared" / "sources"
needs_shared = pytest.mark.skipif(
    not SHARED_SOURCES.is_dir(), reason=f"{SHARED_SOURCES} is not beside the repo"
)


def _seed_records(section: str) -> list[dict]:
    records = []
    for path in sorted(SEED_DIR.glob("*.toml")):
        records += tomllib.loads(path.read_text(encoding="utf-8")).get(section, [])
    return records


def _shared_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SHARED_SOURCES.glob("*.md")))


@needs_shared
def test_every_url_in_seed_data_appears_in_the_checked_sources() -> None:
    shared = _shared_text()
    urls = set(re.findall(r"https?://[^\"' )>,]+", "\n".join(p.read_text() for p in SEED_DIR.glob("*"))))
    assert urls, "seed_data names no URL at all"
    assert sorted(url for url in urls if url.rstrip(".;") not in shared) == []


@needs_shared
def test_every_quote_in_seed_data_is_verbatim_from_the_checked_sources() -> None:
    shared = _shared_text().replace('\\"', '"')
    quotes = [
        c["quote"] for claim in _seed_records("claim") for c in claim.get("citations", []) if "quote" in c
    ]
    assert len(quotes) > 30
    assert [q for q in quotes if q not in shared] == []


def test_seed_loads_the_claims_with_their_sources_and_quotes(seeded: sa.Engine) -> None:
    with session_scope(seeded) as session:
        maduro = claim_queries.get_claim(session, "C-YSESYR2E")
        assert (maduro.value_low, maduro.value_high, maduro.qualifier) == (5000, None, Qualifier.at_least)
        assert (maduro.counted.value, maduro.scope.value, maduro.country) == ("missiles", "deployed", "VE")
        assert maduro.stated_on.isoformat() == "2025-10-22"
        assert maduro.verification_status.value == "unverified"
        cited = {(s.publisher, c.role.value): c.quote for c, s in claim_queries.citations(session, maduro.id)}
        assert cited[("Anadolu Agency", "reports")].startswith("“Any military force in the world knows")
        assert ("CNN", "cited_in") in cited
        claims = session.exec(select(Claim)).all()
        assert len(claims) == len(_seed_records("claim"))
        assert all(claim_queries.citations(session, c.id) for c in claims)


def test_seed_keeps_conflicting_values_as_separate_claims(seeded: sa.Engine) -> None:
    with session_scope(seeded) as session:
        stinger = session.exec(
            select(Claim.value_high)
            .join(System, System.id == Claim.system_id)
            .where(Claim.attribute == "max_range", System.slug == "fim-92-stinger")
        ).all()
    assert sorted(stinger) == [4800.0, 8000.0]


def test_seed_links_the_relayed_speech_same_as_with_its_dates_visible(seeded: sa.Engine) -> None:
    with session_scope(seeded) as session:
        anadolu = claim_queries.get_claim(session, "C-YSESYR2E")
        relays = [
            link.from_claim_id
            for link in claim_queries.links(session, anadolu.id)
            if link.kind is LinkKind.same_as
        ]
        dates = {
            session.get(Claim, i).stated_on.isoformat() if session.get(Claim, i).stated_on else None
            for i in relays
        }
    assert len(relays) == 4
    assert dates == {"2025-10-22", "2025-10-23", None}


def test_seeding_twice_changes_nothing(seeded: sa.Engine) -> None:
    before = db_state(seeded)
    with session_scope(seeded, write=True) as session:
        report = load(session, get_settings().seed_dir)
    assert not report.changed
    assert db_state(seeded) == before


def test_a_changed_seed_entry_is_updated_with_a_revision(seeded: sa.Engine, tmp_path: Path) -> None:
    for path in SEED_DIR.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "actors.toml":
            text = text.replace('role = "Defense Secretary"', 'role = "Secretary of Test"')
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    with session_scope(seeded, write=True) as session:
        report = load(session, tmp_path)
    assert dict(report.updated) == {"actor": 1}
    assert sum(report.created.values()) == 0


def test_a_bad_seed_record_writes_nothing_and_names_file_record_and_field(
    seeded: sa.Engine, tmp_path: Path
) -> None:
    (tmp_path / "bad.toml").write_text(
        '[[claim]]\nid = "C-00000001"\nkind = "inventory"\nsystem = "igla-s"\ncountry = "Narnia"\n'
        'value = 1\ncounted = "missiles"\ncitations = [{ source = "S-PJZ2YVHP" }]\n',
        encoding="utf-8",
    )
    (tmp_path / "ok.toml").write_text(
        '[[target_type]]\nslug = "test-target"\nname = "Test target"\n', encoding="utf-8"
    )
    before = db_state(seeded)
    with pytest.raises(EquipmentDBError) as caught, session_scope(seeded, write=True) as session:
        load(session, tmp_path)
    assert str(caught.value) == (
        "bad.toml: claim #1 (C-00000001): country: 'Narnia' is not an ISO 3166 country code or name"
    )
    assert db_state(seeded) == before
