"""bench/generate.py: a small benchmark database built through `equipment-db import`, on both engines."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from equipment_db.catalog import queries as catalog_queries
from equipment_db.claims import queries as claim_queries
from equipment_db.database import session_scope
from equipment_db.normalize.names import name_key
from equipment_db.publicid import normalise_public_id
from equipment_db.search import queries as search_queries
from equipment_db.sources import queries as source_queries
from tests.dbs import DatabaseFactory, engine_for

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
SIZE = ("--claims", "500", "--sources", "60", "--systems", "20", "--actors", "30")
PROBE_KEYS = {
    "system", "system_claims", "alias", "compare", "about_from", "about_to", "range_claims", "country",
    "country_claims", "country_about_from", "country_about_to", "country_range_claims", "claim_3_citations",
    "source", "source_claims", "rare_word", "rare_word_claims", "rare_word_text_claims", "common_word",
    "common_word_claims", "common_word_text_claims", "phrase", "phrase_claims", "phrase_text_claims",
}  # fmt: skip


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *SIZE, *args], capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def _generate(*args: str) -> dict[str, Any]:
    result = _run(*args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@dataclass
class Built:
    url: str
    manifest: dict[str, Any]
    file: Path
    revisions: Path


_built: dict[str, Built] = {}


@pytest.fixture
def built(dbs: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One generated database per engine, shared by the tests below (they only read it)."""
    if dbs.name not in _built:
        url = dbs.blank()
        work = tmp_path_factory.mktemp(f"bench-{dbs.name}")
        manifest = _generate("--db", url, "--seed", "3", "--workdir", str(work), "--keep-file",
                             "--manifest", str(work / "manifest.json"))  # fmt: skip
        assert json.loads((work / "manifest.json").read_text()) == manifest
        _built[dbs.name] = Built(url, manifest, Path(manifest["file"]), Path(manifest["revision_file"]))
    return _built[dbs.name]


@pytest.fixture
def bench_engine(built: Built) -> Iterator[sa.Engine]:
    engine = engine_for(built.url)
    yield engine
    engine.dispose()


def _count(engine: sa.Engine, query: str) -> Any:
    with engine.connect() as connection:
        return connection.execute(sa.text(query)).scalar_one()


@pytest.mark.slow
def test_import_rejects_nothing_and_creates_every_written_record(built: Built) -> None:
    manifest = built.manifest
    assert manifest["import"]["rejected"] == 0
    # a claim's citations are created with it, and counted (manifest["written"]: what the file holds)
    assert manifest["import"]["created"] == {"system": 20, "actor": 30, "source": 60, "claim": 500,
                                             "citation": manifest["written"]["citation"]}  # fmt: skip
    assert manifest["written"]["citation"] >= 500
    assert manifest["revision"]["rejected"] == 0
    assert manifest["revision"]["updated"] == {"claim": manifest["revised_claims"]} == {"claim": 5}
    assert manifest["import"]["peak_rss_mb"] > 10
    assert manifest["import"]["seconds"] > 0
    assert manifest["database_bytes"] > 0


@pytest.mark.slow
def test_database_holds_exactly_the_written_rows(built: Built, bench_engine: sa.Engine) -> None:
    written = built.manifest["written"]
    assert written["claim"] == 500
    for table in ("claim", "citation", "source", "system", "alias", "actor"):
        assert _count(bench_engine, f"SELECT count(*) FROM {table}") == written[table], table
        assert built.manifest["rows"][table] == written[table], table
    records = _records(built.file)
    assert sum(len(r["citations"]) for r in records if r["type"] == "claim") == written["citation"]
    assert sum(len(r.get("aliases", [])) for r in records if r["type"] == "system") == written["alias"]


@pytest.mark.slow
def test_every_claim_has_one_to_three_citations_of_distinct_sources(bench_engine: sa.Engine) -> None:
    with bench_engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT c.id, count(ci.id), count(DISTINCT ci.source_id) FROM claim AS c "
            "LEFT JOIN citation AS ci ON ci.claim_id = c.id GROUP BY c.id"
        )).all()  # fmt: skip
    assert len(rows) == 500
    assert {cited for _, cited, _ in rows} == {1, 2, 3}
    assert all(cited == distinct for _, cited, distinct in rows)


@pytest.mark.slow
def test_revision_pass_gives_each_restated_claim_a_second_version(
    built: Built, bench_engine: sa.Engine
) -> None:
    restated = {r["id"]: r for r in _records(built.revisions)}
    assert len(restated) == 5
    with bench_engine.connect() as connection:
        versions = connection.execute(sa.text(
            "SELECT r.entity_key, c.version, c.verification_status, c.verification_note FROM revision AS r "
            "JOIN claim AS c ON c.id = r.entity_id WHERE r.entity_type = 'claim' AND r.version = 2"
        )).all()  # fmt: skip
    assert {key for key, *_ in versions} == set(restated)
    for key, version, status, note in versions:
        assert (version, status, note) == (2, restated[key]["verification_status"],
                                           restated[key]["verification_note"])  # fmt: skip
    assert built.manifest["rows"]["claim_version_2"] == 5
    originals = {r["id"]: r for r in _records(built.file) if r.get("id") in restated}
    for key, record in restated.items():
        assert record["verification_status"] != originals[key]["verification_status"]
        assert {k: v for k, v in record.items() if not k.startswith("verification")} == {
            k: v for k, v in originals[key].items() if not k.startswith("verification")
        }


@pytest.mark.slow
def test_probes_resolve_on_the_database(built: Built, bench_engine: sa.Engine) -> None:
    probes = built.manifest["probes"]
    assert set(probes) == PROBE_KEYS
    with session_scope(bench_engine) as session:
        system = catalog_queries.get_system(session, probes["alias"])
        assert system.slug == probes["system"] != probes["alias"]
        assert probes["compare"][0] == probes["system"]
        assert len(set(probes["compare"])) == 5
        counts = [len(claim_queries.claim_rows(session, claim_queries.filter_from_input(
            session, system=slug), limit=1000)) for slug in probes["compare"]]  # fmt: skip
        assert counts == sorted(counts, reverse=True)
        assert counts[0] == probes["system_claims"]
        for prefix, country in (("", None), ("country_", probes["country"])):
            in_range = claim_queries.filter_from_input(
                session, system=probes["system"], country=country, about_from=probes[f"{prefix}about_from"],
                about_to=probes[f"{prefix}about_to"],
            )  # fmt: skip
            assert (
                len(claim_queries.claim_rows(session, in_range, limit=1000))
                == probes[f"{prefix}range_claims"]
                > 0
            )
        in_country = claim_queries.filter_from_input(
            session, system=probes["system"], country=probes["country"]
        )
        assert len(claim_queries.claim_rows(session, in_country, limit=1000)) == probes["country_claims"]
        claim = claim_queries.get_claim(session, probes["claim_3_citations"])
        assert len(claim_queries.citations(session, claim.id)) == 3  # type: ignore[arg-type]
        source = source_queries.get_source(session, probes["source"])
        cited = claim_queries.filter_from_input(session, source=source.public_id)
        assert len(claim_queries.claim_rows(session, cited, limit=1000)) == probes["source_claims"] > 0
        for name in ("rare_word", "common_word", "phrase"):
            text = claim_queries.filter_from_input(session, text=probes[name])
            found = len(claim_queries.claim_rows(session, text, limit=1000))
            assert found == probes[f"{name}_text_claims"] > 0, name
            hits = search_queries.search(session, probes[name], types=["claim"], limit=100)
            if name == "phrase":  # search finds both words anywhere; the probe counts them side by side
                assert len(hits) >= min(100, probes["phrase_claims"]) > 0
            else:
                assert len(hits) == min(100, probes[f"{name}_claims"]) > 0, name
    assert 1 <= probes["rare_word_claims"] <= 5 < probes["common_word_claims"]
    assert len(probes["phrase"].split()) == 2


@pytest.mark.slow
def test_an_existing_database_is_refused_without_replace(built: Built, bench_engine: sa.Engine) -> None:
    result = _run("--db", built.url, "--seed", "3")
    assert result.returncode == 1
    assert "pass --replace to overwrite it" in result.stderr
    assert _count(bench_engine, "SELECT count(*) FROM claim") == 500


@pytest.fixture(scope="module")
def seed3(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The manifest of a file written with seed 3 and no database (--write-only)."""
    return _generate("--write-only", "--seed", "3", "--workdir", str(tmp_path_factory.mktemp("seed3")))


def test_same_seed_writes_byte_identical_files(seed3: dict[str, Any], tmp_path: Path) -> None:
    again = _generate("--write-only", "--seed", "3", "--workdir", str(tmp_path))
    assert Path(again["file"]) != Path(seed3["file"])
    assert Path(again["file"]).read_bytes() == Path(seed3["file"]).read_bytes()
    assert Path(again["revision_file"]).read_bytes() == Path(seed3["revision_file"]).read_bytes()
    assert again["written"] == seed3["written"]


def test_written_records_are_valid_shapes_with_distinct_ids_and_alias_keys(seed3: dict[str, Any]) -> None:
    records = _records(Path(seed3["file"]))
    assert [r["type"] for r in records] == ["actor"] * 30 + ["system"] * 20 + ["source"] * 60 + [
        "claim"
    ] * 500
    for prefix, kind in (("S", "source"), ("C", "claim")):
        ids = [r["id"] for r in records if r["type"] == kind]
        assert len(set(ids)) == len(ids)
        assert all(normalise_public_id(i, kind) == i and i.startswith(prefix) for i in ids)
    keys = [name_key(r["name"]) for r in records if r["type"] == "system"]
    keys += [name_key(a["name"]) for r in records if r["type"] == "system" for a in r.get("aliases", [])]
    assert len(set(keys)) == len(keys)
    claims = [r for r in records if r["type"] == "claim"]
    assert {r["kind"] for r in claims} == {"inventory", "deployment", "transfer", "specification", "use",
                                           "production"}  # fmt: skip
    assert sum("stated" in r and "about" in r for r in claims) > len(claims) / 2


def test_vocabulary_has_50000_distinct_pronounceable_words(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_generate", module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    words = module.vocabulary()
    assert len(words) == len(set(words)) == 50_000
    assert all(word.isascii() and word.isalpha() and word.islower() for word in words)


def test_delta_claims_are_new_deterministic_and_refer_to_the_base_records(
    seed3: dict[str, Any], tmp_path: Path
) -> None:
    base = _records(Path(seed3["file"]))
    deltas = [Path(_generate("--write-only", "--seed", "3", "--delta", "50", "--workdir", str(tmp_path / run))
                   ["file"]) for run in ("a", "b")]  # fmt: skip
    assert deltas[0].read_bytes() == deltas[1].read_bytes()
    delta = _records(deltas[0])
    assert len(delta) == len({r["id"] for r in delta}) == 50
    assert {r["type"] for r in delta} == {"claim"}
    assert not {r["id"] for r in delta} & {r["id"] for r in base if r["type"] == "claim"}
    sources = {r["id"] for r in base if r["type"] == "source"}
    systems = {r["slug"] for r in base if r["type"] == "system"}
    actors = {r["name"] for r in base if r["type"] == "actor"}
    for record in delta:
        assert record["system"] in systems
        assert {c["source"] for c in record["citations"]} <= sources
        assert record.get("claimant", "Test Actor 1") in actors
