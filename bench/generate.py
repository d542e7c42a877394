"""Build a benchmark database at a named scale, through the project's own import path.

    .venv/bin/python bench/generate.py --scale S --db sqlite:////tmp/bench/s.sqlite3 [--seed 1]
    .venv/bin/python bench/generate.py --scale S --db postgresql+psycopg://postgres@127.0.0.1:5432/bench_s
    .venv/bin/python bench/generate.py --scale S --db URL --delta 100000 [--write-only]

Writes JSON Lines in the import record format, line by line (the M file is about 1 GB),
then runs `equipment-db db upgrade` and `equipment-db import FILE --yes --json` as
subprocesses, timing each and taking the importer's peak RSS from `os.wait4`. A second
file restates about 1% of the claims with a new verification status (version 2 of each).
Probes for the benchmark runner are chosen with SQL on the finished database; everything
goes to a JSON manifest and stdout, one progress line per phase to stderr.

Scales (claims, sources, systems): tiny 2,000/200/50, S 100,000/10,000/1,000,
M 1,000,000/100,000/10,000, plus 200 actors; --claims/--sources/--systems/--actors override.

The data is obviously synthetic ("Test System 12", https://example.org/, "Test Publisher 3")
and deterministic: the same seed writes byte-identical files. Systems, countries, sources,
actors and words are Zipf-distributed (weight 1/rank^s); dates lean to recent years.
`--delta N` writes N further claims (ids disjoint from the base set, derived seed) that
refer to the systems, sources and actors of the same scale and seed, and imports them
into an existing benchmark database, or only writes the file with --write-only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from equipment_db.normalize.names import name_key
from equipment_db.publicid import ALPHABET

SCALES = {"tiny": (2_000, 200, 50), "S": (100_000, 10_000, 1_000), "M": (1_000_000, 100_000, 10_000)}
ACTORS = 200
VOCABULARY = 50_000
REVISED_SHARE = 0.01
DELTA_IDS = 1 << 39  # claim counters of delta files start here: disjoint from any base set
END = date(2026, 11, 23)  # no date after this one
RESULTS = Path(__file__).resolve().parent / "results"

# Real ISO 3166-1 alpha-2 codes in popularity order (rank 1 first).
COUNTRIES = (
    "US", "RU", "CN", "UA", "IN", "GB", "FR", "DE", "IL", "IR", "TR", "PK", "KR", "JP", "SA", "EG", "PL",
    "BR", "VE", "SY", "IQ", "KP", "TW", "AU", "CA", "IT", "ES", "SE", "NO", "FI", "NL", "BE", "GR", "RO",
    "BG", "HU", "CZ", "SK", "RS", "HR", "AZ", "AM", "GE", "KZ", "BY", "UZ", "AE", "QA", "KW", "OM", "JO",
    "LB", "YE", "LY", "DZ", "MA", "TN", "NG", "ET", "SD", "KE", "ZA", "AO", "MZ", "ID", "MY", "SG", "TH",
    "VN", "PH", "MM", "BD", "LK", "AF", "MX", "CO", "PE", "CL", "AR", "EC", "BO", "CU", "NZ", "PT", "DK",
    "CH", "AT", "IE", "EE", "LV", "LT", "SI", "MK", "AL", "BA", "MD", "MN", "NP", "KH", "LA",
)  # fmt: skip
CYRILLIC_TEST = "\u0422\u0435\u0441\u0442"  # "Test" in Cyrillic letters
CYRILLIC_TS = "\u0422\u0421"  # "TS" in Cyrillic letters


class Zipf:
    """A population in popularity order, drawn with weight 1/rank^s."""

    def __init__(self, population: Sequence[Any], s: float) -> None:
        self.population = list(population)
        self.cum = list(itertools.accumulate(1 / rank**s for rank in range(1, len(self.population) + 1)))

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.population, cum_weights=self.cum)[0]

    def picks(self, rng: random.Random, k: int) -> list[Any]:
        return rng.choices(self.population, cum_weights=self.cum, k=k)


class Weighted:
    """A categorical distribution from {value: weight} (insertion order, so deterministic)."""

    def __init__(self, table: dict[Any, float]) -> None:
        self.values = list(table)
        self.cum = list(itertools.accumulate(table.values()))

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cum)[0]


KINDS = Weighted({"inventory": 32, "deployment": 20, "transfer": 22, "specification": 14, "use": 6,
                  "production": 6})  # fmt: skip
QUALIFIERS = Weighted({"exact": 35, "approximately": 20, "at_least": 12, "more_than": 4, "up_to": 10,
                       "at_most": 3, "range": 11, "unspecified": 5})  # fmt: skip
COUNTED = {
    "inventory": Weighted({"missiles": 35, "launchers": 20, "systems": 15, "vehicles": 10, "aircraft": 6,
                           "firing_units": 6, "units": 5, "vessels": 3}),
    "deployment": Weighted({"missiles": 25, "launchers": 25, "firing_units": 15, "systems": 15,
                            "personnel": 10, "vehicles": 10}),
    "transfer": Weighted({"missiles": 40, "launchers": 20, "systems": 20, "vehicles": 10, "aircraft": 10}),
    "production": Weighted({"missiles": 50, "launchers": 20, "systems": 20, "vehicles": 10}),
    "use": Weighted({"strikes": 50, "missiles": 50}),
}  # fmt: skip
SCOPES = {
    "inventory": Weighted({"inventory": 1}),
    "deployment": Weighted({"deployed": 95, "mobilised": 5}),  # mobilised is a deployment's scope (vocab.KIND_SCOPES)
    "transfer": Weighted({"delivered": 60, "ordered": 40}),
    "production": Weighted({"produced": 1}),
    "use": Weighted({"used": 1}),
}
# attribute: (unit as given, lowest, highest, decimals); unit None: a plain number.
NUMERIC_SPECS = {
    "max_range": ("km", 1, 400, 1), "min_range": ("m", 10, 3000, 0), "effective_range": ("km", 0.5, 300, 1),
    "max_altitude": ("m", 100, 30000, 0), "min_altitude": ("m", 5, 500, 0), "speed": ("km/h", 100, 9000, 0),
    "weight": ("kg", 1, 60000, 1), "weight_with_launcher": ("kg", 5, 80000, 1), "length": ("m", 0.5, 30, 2),
    "warhead_weight": ("kg", 0.5, 1000, 1), "in_service_since": (None, 1960, 2026, 0),
    "operator_count": (None, 1, 60, 0), "unit_cost": ("USD", 10_000, 50_000_000, 0),
}  # fmt: skip
ATTRIBUTES = Weighted({name: 8 for name in NUMERIC_SPECS} | {"guidance": 6, "manufacturer": 4})
SPEC_QUALIFIERS = Weighted({"exact": 60, "approximately": 25, "up_to": 15})
STATUSES = Weighted({"unverified": 70, "corroborated": 12, "confirmed": 5, "disputed": 8, "denied": 3,
                     "refuted": 2})  # fmt: skip
PRECISIONS = Weighted({"year": 40, "month": 35, "day": 25})
CITATIONS = Weighted({1: 50, 2: 30, 3: 20})
ROLES = Weighted({"reports": 85, "cited_in": 5, "corroborates": 7, "disputes": 3})
CATEGORIES = Weighted({"manpads": 10, "sam_system": 14, "anti_tank_missile": 10, "air_to_air_missile": 6,
                       "cruise_missile": 6, "ballistic_missile": 5, "aircraft": 10, "helicopter": 6, "uav": 10,
                       "armoured_vehicle": 10, "artillery": 7, "naval_vessel": 3, "radar": 2, "other": 1})  # fmt: skip
ACTOR_KINDS = Weighted({"person": 40, "government_body": 20, "armed_force": 12, "manufacturer": 8,
                        "media_outlet": 10, "research_institute": 6, "international_organisation": 2,
                        "other": 2})  # fmt: skip
SOURCE_KINDS = Weighted({"news_article": 55, "official_statement": 10, "government_document": 6,
                         "research_report": 8, "manufacturer_data": 4, "dataset": 3, "social_media": 6,
                         "book": 2, "video": 3, "web_page": 3})  # fmt: skip
LANGUAGES = Weighted({"en": 60, "ru": 8, "es": 6, "fr": 5, "de": 4, "uk": 4, "ar": 3, "zh": 3, "pt": 2,
                      "tr": 2, "fa": 1, "ja": 1, "ko": 1})  # fmt: skip
RELIABILITY = Weighted({"A": 5, "B": 25, "C": 35, "D": 15, "E": 5, "F": 15})
CREDIBILITY = Weighted({"1": 5, "2": 30, "3": 35, "4": 15, "5": 5, "6": 10})

_ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "st",
           "tr", "sh", "ch", "gl", "pl", "")  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_CODAS = ("", "", "", "n", "r", "s", "l", "k", "m")


def vocabulary(size: int = VOCABULARY) -> list[str]:
    """`size` distinct pronounceable lowercase pseudo-words, the same on every run; the
    order is their popularity rank (random, so frequent words are not just the short ones)."""
    rng = random.Random("equipment-db-bench:vocabulary")
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        syllables = rng.choice((2, 2, 3, 3, 3, 4))
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


_MASK = (1 << 40) - 1


def public_id(prefix: str, number: int, key: tuple[int, int]) -> str:
    """A public id for counter `number`: an invertible 40-bit mix, so distinct numbers give
    distinct ids without remembering the ones given out."""
    x = (number + key[0]) & _MASK
    x = (x * 0x9E3779B97F) & _MASK
    x ^= x >> 19
    x = (x * 0xC2B2AE3D27) & _MASK
    x ^= x >> 21
    x ^= key[1]
    return f"{prefix}-" + "".join(ALPHABET[(x >> shift) & 31] for shift in range(35, -1, -5))


@dataclass(frozen=True)
class Size:
    claims: int
    sources: int
    systems: int
    actors: int


class Layout:
    """What base and delta files of one size and seed share: popularity orders, origin
    countries, public id keys. Systems and actors are numbered from 1, sources from 0."""

    def __init__(self, size: Size, seed: int) -> None:
        rng = random.Random(f"equipment-db-bench:{seed}:layout")
        self.size = size
        self.claim_key = (rng.getrandbits(40), rng.getrandbits(40))
        self.source_key = (rng.getrandbits(40), rng.getrandbits(40))
        self.countries = Zipf(COUNTRIES, 1.1)
        self.systems = Zipf(rng.sample(range(1, size.systems + 1), size.systems), 1.1)
        self.sources = Zipf(rng.sample(range(size.sources), size.sources), 1.0)
        self.actors = Zipf(rng.sample(range(1, size.actors + 1), size.actors), 1.0)
        self.origins = [self.countries.pick(rng) for _ in range(size.systems)]
        self.needs_alias = set(self.systems.population[:10])  # so the most-claimed system has one
        words = vocabulary()
        self.words = Zipf(words, 1.0)
        self.word_rank = {word: rank for rank, word in enumerate(words)}

    def claim_id(self, number: int) -> str:
        return public_id("C", number, self.claim_key)

    def source_id(self, number: int) -> str:
        return public_id("S", number, self.source_key)


class Records:
    """Record builders drawing from one random stream."""

    def __init__(self, layout: Layout, rng: random.Random) -> None:
        self.layout = layout
        self.rng = rng
        self.alias_keys: set[str] = set()

    def text(self, lo: int, hi: int, rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        return " ".join(self.layout.words.picks(rng, rng.randint(lo, hi)))

    def day(self, earliest: int = 1990) -> date:
        """A day, recent years likelier: year = 2026 - floor(exponential), mean 4 years back."""
        year = max(earliest, 2026 - int(self.rng.expovariate(0.25)))
        return min(END, date(year, self.rng.randint(1, 12), self.rng.randint(1, 28)))

    def partial(self, day: date, precision: str) -> str:
        return {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}"}.get(
            precision, day.isoformat()
        )

    def actor(self, number: int) -> dict[str, Any]:
        rng = self.rng
        record: dict[str, Any] = {
            "type": "actor",
            "name": f"Test Actor {number}",
            "kind": ACTOR_KINDS.pick(rng),
        }
        if rng.random() < 0.7:
            record["country"] = self.layout.countries.pick(rng)
        if rng.random() < 0.5:
            record["role"] = self.text(2, 5)
        if rng.random() < 0.3:
            record["description"] = self.text(5, 20)
        return record

    def system(self, number: int) -> dict[str, Any]:
        rng = self.rng
        record: dict[str, Any] = {
            "type": "system", "slug": f"test-system-{number}", "name": f"Test System {number}",
            "category": CATEGORIES.pick(rng), "origin_country": self.layout.origins[number - 1],
        }  # fmt: skip
        if rng.random() < 0.8:
            record["manufacturer"] = f"Test Manufacturer {rng.randint(1, 200)}"
        if number > 1 and rng.random() < 0.08:
            record["parent"] = f"test-system-{rng.randint(1, number - 1)}"
        if rng.random() < 0.7:
            record["description"] = self.text(6, 30)
        aliases = self.aliases(number)
        if aliases:
            record["aliases"] = aliases
        return record

    def aliases(self, number: int) -> list[dict[str, str]]:
        """0-5 aliases; variants that fold to the same key as the name, the slug, another
        alias or another system's alias are dropped (the import would refuse them)."""
        rng, n = self.rng, number
        designation = rng.choice((f"TS-{n}", f"ts {n}", f"TS{n}", f"T.S.-{n}", f"Ts-{n}"))
        candidates = [
            (designation, "designation"),
            (rng.choice((f"TS-{n}", f"ts-{n}", f"T.S. {n}")), "designation"),
            (f"{CYRILLIC_TEST}-{n}", "transliteration"),
            (f"{CYRILLIC_TS}-{n}", "transliteration"),
            (f"TS-{n}M", "designation"),
            (f"Test-{n} {self.layout.words.pick(rng).capitalize()}", "nato_reporting_name"),
            (f"TEST SYSTEM {n}", "common_name"),
        ]
        wanted = rng.randint(1 if n in self.layout.needs_alias else 0, 5)
        taken = {name_key(f"Test System {n}"), name_key(f"test-system-{n}")}
        aliases = []
        for name, kind in rng.sample(candidates, wanted):
            key = name_key(name)
            if key in taken or key in self.alias_keys:
                continue
            taken.add(key)
            self.alias_keys.add(key)
            aliases.append({"name": name, "kind": kind})
        if not aliases and n in self.layout.needs_alias:
            self.alias_keys.add(name_key(f"TS-{n}"))
            aliases.append({"name": f"TS-{n}", "kind": "designation"})
        return aliases

    def source(self, number: int) -> dict[str, Any]:
        rng = self.rng
        publisher = rng.randint(1, max(1, self.layout.size.sources // 20))
        record: dict[str, Any] = {"type": "source", "id": self.layout.source_id(number),
                                  "kind": SOURCE_KINDS.pick(rng)}  # fmt: skip
        if rng.random() < 0.95:
            record["title"] = self.text(4, 12).capitalize()
        record["publisher"] = f"Test Publisher {publisher}"
        authors = rng.choice((0, 0, 1, 1, 1, 2))
        if authors:
            record["authors"] = [f"Test Author {rng.randint(1, 5000)}" for _ in range(authors)]
        url = rng.random() < 0.92
        if url:
            record["url"] = f"https://example.org/test-publisher-{publisher}/{number}"
        published = self.day()
        if rng.random() < 0.85:
            record["published"] = self.partial(published, PRECISIONS.pick(rng))
        if url and rng.random() < 0.6:
            record["accessed"] = min(END, published + timedelta(days=rng.randint(0, 400))).isoformat()
        if rng.random() < 0.9:
            record["language"] = LANGUAGES.pick(rng)
        if number > 0 and rng.random() < 0.08:
            record["cites"] = self.layout.source_id(rng.randrange(number))
        if rng.random() < 0.15:
            record["note"] = self.text(5, 25)
        return record

    def claim(self, public_id: str) -> dict[str, Any]:
        rng, layout = self.rng, self.layout
        kind = KINDS.pick(rng)
        system = layout.systems.pick(rng)
        record: dict[str, Any] = {
            "type": "claim",
            "id": public_id,
            "kind": kind,
            "system": f"test-system-{system}",
        }
        if rng.random() < 0.3:
            record["subject"] = self.text(2, 6)
        record |= self._specification() if kind == "specification" else self._quantity(kind, system)
        if rng.random() < 0.6:
            record["claimant"] = f"Test Actor {layout.actors.pick(rng)}"
        about = self.day()
        if rng.random() < 0.85:
            record["stated"] = self.partial(
                min(END, about + timedelta(days=int(rng.expovariate(1 / 200)))), PRECISIONS.pick(rng)
            )
        if rng.random() < 0.88:
            record["about"] = self._period(about)
        status = STATUSES.pick(rng)
        record["verification_status"] = status
        if status != "unverified" and rng.random() < 0.5:
            record["verification_note"] = self.text(5, 20)
        record["rank"] = "deprecated" if rng.random() < 0.01 else "normal"
        if rng.random() < 0.3:
            record["reliability"] = RELIABILITY.pick(rng)
            record["credibility"] = CREDIBILITY.pick(rng)
            if rng.random() < 0.5:
                record["assessment_rationale"] = self.text(5, 20)
        if rng.random() < 0.2:
            record["note"] = self.text(5, 25)
        record["citations"] = self._citations()
        return record

    def _period(self, about: date) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            return f"{about.year}/{min(2026, about.year + rng.randint(1, 3))}"
        return self.partial(about, PRECISIONS.pick(rng))

    def _quantity(self, kind: str, system: int) -> dict[str, Any]:
        rng = self.rng
        country = self.layout.countries.pick(rng)
        record: dict[str, Any] = {"country": country}
        if kind == "transfer":
            supplier = self.layout.origins[system - 1]
            while supplier == country:
                supplier = self.layout.countries.pick(rng)
            record["counterparty_country"] = supplier
        if kind == "deployment" and rng.random() < 0.6:
            record["location"] = self.text(1, 3).title()
        qualifier = QUALIFIERS.pick(rng)
        if qualifier == "unspecified":
            record |= {"qualifier": qualifier, "value_text": self.text(3, 10)}
        else:
            number = min(100_000, int(rng.lognormvariate(3.5, 1.6)) + 1)
            if qualifier in ("exact", "approximately"):
                record |= {"value_low": number, "value_high": number}
            elif qualifier in ("at_least", "more_than"):
                record["value_low"] = number
            elif qualifier in ("up_to", "at_most"):
                record["value_high"] = number
            else:
                record |= {"value_low": number, "value_high": number + rng.randint(1, number)}
            record["qualifier"] = qualifier
            record["value_text"] = f"{self.text(2, 6)} {number:,} {self.text(1, 5)}"
        record["counted"] = COUNTED[kind].pick(rng)
        record["scope"] = SCOPES[kind].pick(rng)
        return record

    def _specification(self) -> dict[str, Any]:
        rng = self.rng
        attribute = ATTRIBUTES.pick(rng)
        if attribute not in NUMERIC_SPECS:
            return {"attribute": attribute, "value_text": self.text(2, 6)}
        unit, lo, hi, decimals = NUMERIC_SPECS[attribute]
        value: float = round(rng.uniform(lo, hi), decimals)
        value = int(value) if decimals == 0 else value
        qualifier = SPEC_QUALIFIERS.pick(rng)
        record: dict[str, Any] = {"attribute": attribute}
        if qualifier == "up_to":
            record["value_high"] = value
        else:
            record |= {"value_low": value, "value_high": value}
        if unit:
            record["unit"] = unit
        record["qualifier"] = qualifier
        record["value_text"] = f"{self.text(1, 4)} {value} {unit or ''}".rstrip()
        return record

    def _citations(self) -> list[dict[str, Any]]:
        rng = self.rng
        wanted = min(CITATIONS.pick(rng), self.layout.size.sources)
        chosen: list[int] = []
        while len(chosen) < wanted:
            number = self.layout.sources.pick(rng)
            if number not in chosen:
                chosen.append(number)
        citations = []
        for number in chosen:
            citation: dict[str, Any] = {"source": self.layout.source_id(number), "quote": self.text(6, 25)}
            role = ROLES.pick(rng)
            if role != "reports":
                citation["role"] = role
            if rng.random() < 0.2:
                citation["locator"] = f"p. {rng.randint(1, 300)}"
            citations.append(citation)
        return citations

    def restated(self, record: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        """The whole claim again with another verification status and note."""
        status = rng.choice([s for s in STATUSES.values if s != record["verification_status"]])
        return record | {"verification_status": status,
                         "verification_note": "Restated: " + self.text(4, 12, rng)}  # fmt: skip


# --- Files ---------------------------------------------------------------------------------------


@dataclass
class Written:
    path: Path
    revisions: Path | None
    counts: dict[str, int]
    revised: int
    seconds: float


def _dump(handle: TextIO, record: dict[str, Any]) -> None:
    handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def write_base(layout: Layout, seed: int, path: Path) -> Written:
    """Actors, systems (aliases nested), sources, claims; and the revision file beside it."""
    started = time.perf_counter()
    size = layout.size
    records = Records(layout, random.Random(f"equipment-db-bench:{seed}:base"))
    revision_rng = random.Random(f"equipment-db-bench:{seed}:revisions")
    revised = set(revision_rng.sample(range(size.claims), max(1, round(size.claims * REVISED_SHARE))))
    counts = dict.fromkeys(("actor", "system", "alias", "source", "claim", "citation"), 0)
    revisions = path.with_suffix(".revisions.jsonl")
    with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out, \
         revisions.open("w", encoding="utf-8", newline="\n") as rev:  # fmt: skip
        for number in range(1, size.actors + 1):
            _dump(out, records.actor(number))
        for number in range(1, size.systems + 1):
            record = records.system(number)
            counts["alias"] += len(record.get("aliases", []))
            _dump(out, record)
        for number in range(size.sources):
            _dump(out, records.source(number))
        for number in range(size.claims):
            record = records.claim(layout.claim_id(number))
            counts["citation"] += len(record["citations"])
            _dump(out, record)
            if number in revised:
                _dump(rev, records.restated(record, revision_rng))
    counts |= {"actor": size.actors, "system": size.systems, "source": size.sources, "claim": size.claims}
    return Written(path, revisions, counts, len(revised), time.perf_counter() - started)


def write_delta(layout: Layout, seed: int, claims: int, batch: int, path: Path) -> Written:
    started = time.perf_counter()
    records = Records(layout, random.Random(f"equipment-db-bench:{seed}:delta:{batch}"))
    counts = {"claim": claims, "citation": 0}
    first = DELTA_IDS + batch * (1 << 32)
    with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        for number in range(first, first + claims):
            record = records.claim(layout.claim_id(number))
            counts["citation"] += len(record["citations"])
            _dump(out, record)
    return Written(path, None, counts, 0, time.perf_counter() - started)


# --- Databases -----------------------------------------------------------------------------------


def _pg_connect(url: URL, database: str) -> Any:
    import psycopg

    args = url.translate_connect_args(username="user", database="dbname")
    return psycopg.connect(**(args | {"dbname": database}), autocommit=True)


def prepare_database(url: URL, *, replace: bool) -> None:
    """A new or empty database at `url`; an existing one with content only with `replace`."""
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if path.exists() and not replace:
            raise SystemExit(f"generate: {path} exists; pass --replace to overwrite it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    from psycopg import sql

    name = url.database or ""
    with _pg_connect(url, "postgres") as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            with _pg_connect(url, name) as target:
                tables = target.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                ).fetchone()[0]
            if tables and not replace:
                raise SystemExit(f"generate: database {name} is not empty; pass --replace to overwrite it")
            if tables:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
                exists = None
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def require_claims(url: URL) -> None:
    """A delta goes into a benchmark database that exists and holds claims."""
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        raise SystemExit(f"generate: {shown} does not exist; build it first (without --delta)")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            claims = connection.execute(sa.text("SELECT count(*) FROM claim")).scalar_one()
    except sa.exc.SQLAlchemyError as exc:
        raise SystemExit(
            f"generate: {shown} is not a benchmark database ({exc.__class__.__name__})"
        ) from None
    finally:
        engine.dispose()
    if not claims:
        raise SystemExit(f"generate: {shown} holds no claims; build it first (without --delta)")


def database_bytes(engine: sa.Engine) -> int:
    if engine.dialect.name == "sqlite":
        path = engine.url.database or ""
        return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one()


# --- The import path -----------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    stdout: str


def run_cli(url: str, *args: str) -> Run:
    """`equipment-db --db URL ARGS` as a child process; its peak RSS from os.wait4."""
    program = Path(sys.executable).with_name("equipment-db")
    command = [str(program) if program.exists() else "equipment-db", "--db", url, *args]
    env = os.environ | {"EQUIPMENT_DB_EDITOR": "bench"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        tail = "\n".join(stderr.splitlines()[-20:])
        raise SystemExit(f"generate: `equipment-db {' '.join(args)}` failed ({process.returncode}):\n{tail}")
    return Run(seconds, usage.ru_maxrss / 1024, stdout)


def import_file(url: str, path: Path) -> dict[str, Any]:
    # --update: the revision pass restates existing entries on purpose (new versions, not conflicts)
    run = run_cli(url, "import", str(path), "--yes", "--json", "--update", "--reason", f"benchmark {path.name}")
    report = json.loads(run.stdout.strip().splitlines()[-1])
    created = {row["type"]: row["created"] for row in report["records"] if row["created"]}
    updated = {row["type"]: row["updated"] for row in report["records"] if row["updated"]}
    claims = sum(row["created"] + row["updated"] + row["unchanged"] for row in report["records"]
                 if row["type"] == "claim")  # fmt: skip
    return {"seconds": round(run.seconds, 2), "claims_per_second": round(claims / run.seconds),
            "peak_rss_mb": round(run.peak_rss_mb, 1), "rejected": report["rejected"], "created": created,
            "updated": updated, "importer_seconds": report["seconds"]}  # fmt: skip


# --- Probes --------------------------------------------------------------------------------------


def _scalar(connection: sa.Connection, query: str, **params: Any) -> Any:
    return connection.execute(sa.text(query), params).scalar()


_LIVE = "c.retracted_at IS NULL AND c.rank <> 'deprecated'"


def probes(engine: sa.Engine, layout: Layout, wanted: int = 10_000) -> dict[str, Any]:
    """Keys the benchmark runner asks with, chosen on the finished database. Claim counts are
    what `/v1/claims` lists by default (deprecated and retracted claims left out)."""
    with engine.connect() as connection:
        top = connection.execute(sa.text(
            "SELECT s.id, s.slug, count(*) AS n FROM claim AS c JOIN system AS s ON s.id = c.system_id "
            f"WHERE {_LIVE} GROUP BY s.id, s.slug ORDER BY n DESC, s.id LIMIT 5"
        )).all()  # fmt: skip
        system_id, slug, system_claims = top[0]
        aliases = [name for (name,) in connection.execute(
            sa.text("SELECT name FROM alias WHERE system_id = :s AND retracted_at IS NULL ORDER BY id"),
            {"s": system_id}) if name_key(name) != name_key(slug)]  # fmt: skip
        country, country_claims = connection.execute(sa.text(
            f"SELECT c.country, count(*) AS n FROM claim AS c WHERE c.system_id = :s AND {_LIVE} "
            "AND c.country IS NOT NULL GROUP BY c.country ORDER BY n DESC, c.country LIMIT 1"
        ), {"s": system_id}).one()  # fmt: skip
        cited3 = _scalar(connection, "SELECT c.public_id FROM claim AS c JOIN citation AS ci ON ci.claim_id = c.id "
                         "WHERE ci.retracted_at IS NULL GROUP BY c.id, c.public_id HAVING count(*) = 3 "
                         "ORDER BY c.id LIMIT 1")  # fmt: skip
        source, source_claims = connection.execute(sa.text(
            "SELECT s.public_id, count(DISTINCT c.id) AS n FROM citation AS ci "
            "JOIN source AS s ON s.id = ci.source_id JOIN claim AS c ON c.id = ci.claim_id "
            f"WHERE ci.retracted_at IS NULL AND {_LIVE} GROUP BY s.id, s.public_id ORDER BY n DESC, s.id LIMIT 1"
        )).one()  # fmt: skip
        return {
            "system": slug, "system_claims": system_claims,
            "alias": next((name for name in aliases if name.isascii()), aliases[0] if aliases else None),
            "compare": [row[1] for row in top],
        } | _period(connection, "", wanted, s=system_id) | {
            "country": country, "country_claims": country_claims,
        } | _period(connection, "country_", wanted, s=system_id, c=country) | {
            "claim_3_citations": cited3, "source": source, "source_claims": source_claims,
        } | _words(connection, layout, cited3)  # fmt: skip


def _period(connection: sa.Connection, prefix: str, wanted: int, **params: Any) -> dict[str, Any]:
    """The most recent `about` dates holding `wanted` claims of the system (`s`), in a country
    (`c`) if given, or all of them if there are fewer: `about_from`, `about_to` and the count
    the overlap filter of `/v1/claims` finds with them."""
    where = "FROM claim AS c WHERE c.system_id = :s" + (" AND c.country = :c" if "c" in params else "")
    where += f" AND {_LIVE}"
    total = _scalar(connection, f"SELECT count(*) {where} AND c.about_start IS NOT NULL", **params)
    if not total:
        return {f"{prefix}about_from": None, f"{prefix}about_to": None, f"{prefix}range_claims": 0}
    first = _day(_scalar(connection, f"SELECT c.about_start {where} AND c.about_start IS NOT NULL "
                         "ORDER BY c.about_start DESC LIMIT 1 OFFSET :k", k=min(wanted, total) - 1, **params))  # fmt: skip
    last = _day(_scalar(connection, f"SELECT max(c.about_end) {where}", **params))
    found = _scalar(connection, f"SELECT count(*) {where} AND c.about_end >= :f AND c.about_start <= :t",
                    f=first, t=last, **params)  # fmt: skip
    return {f"{prefix}about_from": first, f"{prefix}about_to": last, f"{prefix}range_claims": found}


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _words(connection: sa.Connection, layout: Layout, claim_id: str) -> dict[str, Any]:
    """A rare word, a common word and a two-word phrase, each with the number of claims it
    is found in by full-text search and by the claim list's text filter. The words are no
    part of any other vocabulary word, so prefix and substring matches count only them."""
    blob = "\n".join(layout.words.population)

    def whole(word: str) -> bool:
        return blob.count(word) == 1

    common = next(word for word in layout.words.population if whole(word))
    sample = connection.execute(sa.text(
        "SELECT value_text, subject, note FROM claim ORDER BY id LIMIT 200")).all()  # fmt: skip
    seen = {
        word for row in sample for text in row if text for word in text.split() if word in layout.word_rank
    }
    candidates = sorted((w for w in seen if whole(w)), key=lambda w: -layout.word_rank[w])[:20]
    rare = min(candidates, key=lambda w: (_search_count(connection, w), -layout.word_rank[w]))
    value_text = _scalar(connection, "SELECT value_text FROM claim WHERE public_id = :p", p=claim_id) or ""
    tokens = value_text.split()
    phrase = next((f"{a} {b}" for a, b in itertools.pairwise(tokens)
                   if a in layout.word_rank and b in layout.word_rank), common)  # fmt: skip
    result: dict[str, Any] = {}
    for name, text in (("rare_word", rare), ("common_word", common), ("phrase", phrase)):
        result |= {name: text, f"{name}_claims": _search_count(connection, text),
                   f"{name}_text_claims": _text_count(connection, text)}  # fmt: skip
    return result


def _search_count(connection: sa.Connection, text: str) -> int:
    """Claims whose search document holds `text` (a word, or words side by side): what
    /v1/search finds of a word; deprecated claims are in the index too."""
    from equipment_db.search.schema import PG_TABLE, SQLITE_INDEX

    if connection.dialect.name == "sqlite":
        return _scalar(connection, f"SELECT count(*) FROM {SQLITE_INDEX} WHERE {SQLITE_INDEX} MATCH :q "
                       "AND doc_type = 'claim'", q=f'"{text}"')  # fmt: skip
    return _scalar(connection, f"SELECT count(*) FROM {PG_TABLE} WHERE doc_type = 'claim' "
                   "AND document @@ phraseto_tsquery('simple', :q)", q=text)  # fmt: skip


def _text_count(connection: sa.Connection, text: str) -> int:
    """Claims `/v1/claims?text=` lists by default: `text` in the wording, subject, location or
    notes, deprecated claims left out."""
    columns = ("value_text", "subject", "location", "note", "verification_note")
    matches = " OR ".join(f"lower({column}) LIKE :q" for column in columns)
    return _scalar(
        connection, f"SELECT count(*) FROM claim AS c WHERE ({matches}) AND {_LIVE}", q=f"%{text}%"
    )


# --- Main ----------------------------------------------------------------------------------------


class Phases:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last = self.started

    def done(self, phase: str) -> float:
        now = time.perf_counter()
        seconds, self.last = now - self.last, now
        print(f"generate: {phase:<10} {seconds:8.1f} s  (total {now - self.started:.1f} s)", file=sys.stderr)
        return round(seconds, 2)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=SCALES, default="tiny")
    parser.add_argument("--claims", type=int, help="override the scale's number of claims")
    parser.add_argument("--sources", type=int, help="override the scale's number of sources")
    parser.add_argument("--systems", type=int, help="override the scale's number of systems")
    parser.add_argument("--actors", type=int, default=ACTORS, help=f"actors (default {ACTORS})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="database URL: sqlite:///PATH or postgresql+psycopg://.../NAME")
    parser.add_argument("--workdir", type=Path, help="where the JSON Lines files go (default: a temporary "
                        "directory next to the SQLite file; with --write-only the current directory)")  # fmt: skip
    parser.add_argument("--keep-file", action="store_true", help="keep the JSON Lines files")
    parser.add_argument("--write-only", action="store_true", help="write the files, import nothing")
    parser.add_argument("--replace", action="store_true", help="overwrite an existing database")
    parser.add_argument(
        "--delta", type=int, metavar="N", help="N more claims for an existing benchmark database"
    )
    parser.add_argument("--delta-batch", type=int, default=0, help="another batch gives other delta claims")
    parser.add_argument("--manifest", type=Path, help="where to write the manifest JSON (default: "
                        "<db file>.manifest.json, or bench/results/<dbname>.manifest.json)")  # fmt: skip
    args = parser.parse_args(argv)
    if not args.db and not args.write_only:
        parser.error("--db is required unless --write-only")
    claims, sources, systems = SCALES[args.scale]
    args.size = Size(args.claims or claims, args.sources or sources, args.systems or systems, args.actors)
    if min(args.size.claims, args.size.sources, args.size.systems, args.size.actors) < 1:
        parser.error("claims, sources, systems and actors must be at least 1")
    return args


def _label(args: argparse.Namespace) -> str:
    size = args.size
    custom = (size.claims, size.sources, size.systems, size.actors) != (*SCALES[args.scale], ACTORS)
    return (f"bench-{size.claims}c-{size.sources}s-{size.systems}y-{size.actors}a" if custom
            else f"bench-{args.scale}") + f"-seed{args.seed}"  # fmt: skip


def _manifest_path(args: argparse.Namespace, url: URL | None) -> Path | None:
    suffix = f".delta{args.delta_batch}-{args.delta}.manifest.json" if args.delta else ".manifest.json"
    if args.manifest:
        return args.manifest
    if url is None:
        return None
    if url.get_backend_name() == "sqlite":
        return Path(f"{url.database}{suffix}")
    return RESULTS / f"{url.database}{suffix}"


def _workdir(args: argparse.Namespace, url: URL | None) -> tuple[Path, bool]:
    """The directory for the files, and whether it is a temporary one to remove."""
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return args.workdir, False
    if args.write_only:
        return Path.cwd(), False
    beside = Path(url.database).parent if url is not None and url.get_backend_name() == "sqlite" else None
    if beside is not None:
        beside.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="bench-generate-", dir=beside)), True


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = make_url(args.db) if args.db else None
    phases = Phases()
    if url is not None and not args.write_only:
        if args.delta:
            require_claims(url)
        else:
            prepare_database(url, replace=args.replace)
    layout = Layout(args.size, args.seed)
    phases.done("layout")
    workdir, temporary = _workdir(args, url)
    manifest: dict[str, Any] = {
        "mode": "delta" if args.delta else "base", "scale": args.scale, "seed": args.seed,
        "size": vars(args.size), "db": url.render_as_string(hide_password=True) if url else None,
        "engine": url.get_backend_name() if url else None,
    }  # fmt: skip
    written: Written | None = None
    try:
        if args.delta:
            written = write_delta(layout, args.seed, args.delta, args.delta_batch,
                                  workdir / f"{_label(args)}.delta{args.delta_batch}-{args.delta}.jsonl")  # fmt: skip
        else:
            written = write_base(layout, args.seed, workdir / f"{_label(args)}.jsonl")
        manifest |= {"written": written.counts, "revised_claims": written.revised,
                     "file": str(written.path), "file_bytes": written.path.stat().st_size,
                     "generate_seconds": phases.done("write")}  # fmt: skip
        if not args.write_only:
            assert args.db is not None and url is not None
            manifest |= _load(args.db, written, phases, delta=bool(args.delta))
            engine = sa.create_engine(args.db)
            try:
                manifest["database_bytes"] = database_bytes(engine)
                manifest["database_mb"] = round(manifest["database_bytes"] / 2**20, 1)
                if not args.delta:
                    manifest["probes"] = probes(engine, layout)
                    phases.done("probes")
                manifest["rows"] = _rows(engine)
            finally:
                engine.dispose()
    finally:
        kept = args.keep_file or args.write_only
        if not kept and written is not None:
            written.path.unlink(missing_ok=True)
            if written.revisions is not None:
                written.revisions.unlink(missing_ok=True)
        if not kept and temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    manifest["file_kept"] = kept
    manifest["revision_file"] = str(written.revisions) if written.revisions and kept else None
    manifest["total_seconds"] = round(time.perf_counter() - phases.started, 2)
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    target = _manifest_path(args, url)
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text + "\n", encoding="utf-8")
        print(f"generate: manifest {target}", file=sys.stderr)
    print(text)
    return 0


def _load(db: str, written: Written, phases: Phases, *, delta: bool) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if not delta:
        result["migrate_seconds"] = round(run_cli(db, "db", "upgrade").seconds, 2)
        phases.done("migrate")
    result["import"] = import_file(db, written.path)
    phases.done("import")
    if written.revisions is not None:
        result["revision"] = import_file(db, written.revisions)
        phases.done("revisions")
    if make_url(db).get_backend_name() == "postgresql":
        # planner statistics, which autovacuum gathers only some time later: a run started at
        # once found a rare word's search at 30 ms instead of 5 (2026-12-06)
        engine = sa.create_engine(db)
        try:
            with engine.begin() as connection:
                connection.execute(sa.text("ANALYZE"))
        finally:
            engine.dispose()
        phases.done("analyze")
    return result


def _rows(engine: sa.Engine) -> dict[str, int]:
    from equipment_db.stats import table_counts

    rows = table_counts(engine)
    with engine.connect() as connection:
        rows["claim_version_2"] = _scalar(connection, "SELECT count(*) FROM revision WHERE entity_type = 'claim' "
                                          "AND version = 2")  # fmt: skip
    return rows


if __name__ == "__main__":
    sys.exit(main())
