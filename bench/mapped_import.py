"""Measure the mapped import of a synthetic SIPRI-shaped trade register (obviously synthetic data).

    .venv/bin/python bench/mapped_import.py [--rows 25000] [--db URL] [--repeat 3]

Writes a register in the trade-register CSV export's format (a preamble, `;` after every
cell, one row per deal and delivery year, "Test System N" designations, `*` and `**`
recipients), imports it with `--mapping sipri` into a fresh migrated database, and prints
claims/s for the real import and for a dry run of the same file, best of --repeat, with
the dry run's time as a ratio of the real import's (the baseline measured in the same run).
Without --db it uses a temporary SQLite file; with a PostgreSQL URL it creates and drops a
scratch database beside the one named.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from scratch import scratch_database

from equipment_db import migrate
from equipment_db.config import get_settings
from equipment_db.database import create_db_engine, session_scope
from equipment_db.exchange.importer import ImportReport, import_records
from equipment_db.exchange.mapping import MappedRead, load_mapping, read_mapped_csv
from equipment_db.history.service import Edit

COLUMNS = ["SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description", "Armament category",
           "Order date", "Order date is estimate", "Numbers delivered", "Numbers delivered is estimate",
           "Delivery year", "Delivery year is estimate", "Status", "SIPRI estimate", "TIV deal unit",
           "TIV delivery values", "Local production"]  # fmt: skip
COUNTRIES = ["France", "Germany", "Poland", "Kosovo", "Brazil", "India", "Japan", "Kenya", "Norway", "Peru",
             "Soviet Union", "Türkiye", "Viet Nam", "DR Congo", "United Kingdom", "United States"]  # fmt: skip
RECIPIENTS = [*COUNTRIES, "Test Movement*", "Test Alliance**", "unknown recipient(s)"]


def register_csv(rows: int, seed: int = 11) -> tuple[str, dict[str, int]]:
    """The export's text and its delivered sum per recipient cell."""
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("Trade Register;\nInformation generated: 05 December 2026 (synthetic benchmark rows);\n;\n")
    writer = csv.writer(out, delimiter=";", lineterminator=";\n")
    writer.writerow(COLUMNS)
    sums: dict[str, int] = {}
    written, deal = 0, 100_000
    while written < rows:
        deal += 1
        recipient = rng.choice(RECIPIENTS)
        supplier = rng.choice([c for c in COUNTRIES if c != recipient])
        system = f"Test System {rng.randint(1, 40)}"
        ordered = rng.randint(1990, 2020)
        for year in range(ordered + 1, ordered + 1 + rng.randint(1, 5)):
            if written == rows:
                break
            number = rng.randint(1, 500)
            sums[recipient] = sums.get(recipient, 0) + number
            writer.writerow([deal, supplier, recipient, system, "Portable SAM", "Missiles", ordered,
                             "No", number, rng.choice(["Yes", "No"]), year, rng.choice(["Yes", "No", "No"]),
                             "New", "", "0.1", f"{number * 0.1:.1f}", "No"])  # fmt: skip
            written += 1
    return out.getvalue(), sums


def import_once(url: str, data: bytes, *, dry_run: bool) -> tuple[ImportReport, float]:
    engine = create_db_engine(get_settings(url=url))
    migrate.upgrade(engine)
    mapping = load_mapping("sipri")
    started = time.perf_counter()
    with session_scope(engine, write=True) as session:
        raws = read_mapped_csv(data, mapping, session, MappedRead())
        report = import_records(session, raws, edit=Edit("bench", "mapped import"), dry_run=dry_run)
        if dry_run:
            session.rollback()
    seconds = time.perf_counter() - started
    engine.dispose()
    return report, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text, sums = register_csv(args.rows)
    data = text.encode("utf-8")
    best: dict[bool, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.repeat):
            for dry_run in (False, True):
                url, drop = scratch_database(args.db, Path(tmp), f"mapped_{2 * n + dry_run}")
                try:
                    report, seconds = import_once(url, data, dry_run=dry_run)
                    if not dry_run:
                        check(url, report, sums)
                finally:
                    drop()
                best[dry_run] = min(best.get(dry_run, seconds), seconds)
    engine = "postgresql" if args.db and args.db.startswith("postgresql") else "sqlite"
    print(f"engine={engine} rows={args.rows} claims={report.created['claim']} "
          f"import_seconds={best[False]:.2f} claims_per_second={args.rows / best[False]:,.0f} "
          f"dry_run_seconds={best[True]:.2f} dry_run_ratio={best[True] / best[False]:.2f}")  # fmt: skip


def check(url: str, report: ImportReport, sums: dict[str, int]) -> None:
    """The import is only worth timing if it is right: every row a claim, the sums the CSV's."""
    engine = create_db_engine(get_settings(url=url))
    with engine.connect() as connection:
        total = connection.execute(sa.text("SELECT sum(value_low) FROM claim")).scalar_one()
    engine.dispose()
    if report.issues or int(total) != sum(sums.values()):
        raise SystemExit(f"the import is wrong: {len(report.issues)} issues, sum {total} != {sum(sums.values())}")


if __name__ == "__main__":
    main()
