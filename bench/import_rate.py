"""Measure `equipment-db import` on N synthetic claims (obviously synthetic data).

    .venv/bin/python bench/import_rate.py --claims 100000 [--db URL]

Builds a JSON Lines file (1 system, 1 actor, 100 sources, N claims with one citation
each), imports it into a fresh database through the import path, and prints the rate.
Without --db it uses a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from equipment_db import migrate
from equipment_db.config import get_settings
from equipment_db.database import create_db_engine, session_scope
from equipment_db.exchange.importer import import_records
from equipment_db.exchange.reader import read_jsonl
from equipment_db.history.service import Edit


def synthetic_file(path: Path, claims: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    countries = ["FR", "DE", "PL", "VE", "BR", "IN", "JP", "KE", "NO", "PE"]
    with path.open("w", encoding="utf-8") as out:

        def write(record: dict) -> None:
            out.write(json.dumps(record) + "\n")

        write({"type": "system", "slug": "test-system-1", "name": "Test System 1", "category": "manpads"})
        write({"type": "actor", "name": "Test Claimant", "kind": "person"})
        for n in range(100):
            write(
                {
                    "type": "source",
                    "kind": "news_article",
                    "title": f"Test Report {n}",
                    "url": f"https://example.org/report-{n}",
                    "published": "2025-10-23",
                }
            )
        for n in range(claims):
            value = rng.randint(1, 10_000)
            write(
                {
                    "type": "claim",
                    "kind": "inventory",
                    "system": "test-system-1",
                    "country": rng.choice(countries),
                    "value_low": value,
                    "value_high": value,
                    "qualifier": "exact",
                    "value_text": f"{value:,} missiles",
                    "counted": "missiles",
                    "claimant": "Test Claimant",
                    "stated": f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}",
                    "citations": [
                        {
                            "source": f"https://example.org/report-{rng.randrange(100)}",
                            "quote": f"Test quote {n}.",
                        }
                    ],
                }
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.jsonl"
        synthetic_file(path, args.claims)
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = create_db_engine(get_settings(url=url))
        migrate.upgrade(engine)
        started = time.perf_counter()
        raws = list(read_jsonl(path.read_text(encoding="utf-8")))
        with session_scope(engine, write=True) as session:
            report = import_records(session, raws, edit=Edit("bench", "import rate"))
        total = time.perf_counter() - started
        engine.dispose()
    print(
        f"engine={engine.dialect.name} claims={report.created['claim']} seconds={total:.2f} "
        f"claims_per_second={report.created['claim'] / total:,.0f}"
    )


if __name__ == "__main__":
    main()
