"""`equipment-db import` and `equipment-db export`: JSON Lines and CSV."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import sqlalchemy.exc
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from equipment_db.database import session_scope
from equipment_db.errors import DatabaseFull, InvalidValue, MissingValue
from equipment_db.exchange.exporter import export_records, write_claims_csv, write_jsonl
from equipment_db.exchange.importer import (
    UPDATE_HINT,
    ImportFailed,
    ImportOptions,
    ImportReport,
    failed,
    import_records,
)
from equipment_db.exchange.mapping import MappedRead, Mapping, load_mapping, read_mapped_csv
from equipment_db.exchange.reader import detect_format, read_claims_csv, read_jsonl, rejects_text
from equipment_db.exchange.records import RECORD_TYPES
from equipment_db.exchange.schema import import_json_schema

from .output import emit
from .state import edit, interactive, reading, state

FORMATS = ("jsonl", "csv")
PROGRESS_RECORDS = 10_000
PROGRESS_SECONDS = 10.0


class _Rollback(Exception):
    pass


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    transient=True, console=None, disable=not sys.stderr.isatty())  # fmt: skip


def _check_format(fmt: str | None) -> None:
    if fmt is not None and fmt not in FORMATS:
        raise InvalidValue("format", fmt, f"is not one of {', '.join(FORMATS)}")


def import_(
    ctx: typer.Context,
    path: Path | None = typer.Argument(
        None, exists=True, dir_okay=False, readable=True, metavar="FILE", help="JSON Lines or CSV file."
    ),
    fmt: str | None = typer.Option(None, "--format", help="jsonl or csv (default: from the file name)."),
    mapping_name: str | None = typer.Option(
        None, "--mapping",
        help="Read a register's own CSV export through a mapping file (docs/IMPORT.md), or 'sipri' for the "
             "SIPRI trade register.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate every record and report; write nothing."),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Write the valid records, skip the others."
    ),
    rejects: Path | None = typer.Option(
        None, "--rejects", help="With --skip-invalid: write skipped records here."
    ),
    update: bool = typer.Option(
        False, "--update", help="Apply records that differ from existing entries as new versions (needs --reason)."
    ),
    retract_missing: bool = typer.Option(
        False, "--retract-missing",
        help="Retract the claims of the file's sources and id schemes that it no longer has (needs --reason).",
    ),
    reason: str | None = typer.Option(
        None, "--reason", help="Recorded on every revision (default: the file)."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before committing at a terminal."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    schema: bool = typer.Option(False, "--schema", help="Print the import format as a JSON Schema; import nothing."),
) -> None:
    """Import records from a JSON Lines or CSV file, all or nothing.

    JSON Lines: one record per line, "type" one of system, alias, actor,
    source, claim, citation, claim_link, target_type. CSV: one claim and one citation per
    row. Everything is validated first and written in one transaction: any invalid record
    means nothing is written and every error is listed with its line number, unless
    --skip-invalid. Entries that exist already are left alone when identical, so importing
    the same file twice adds nothing. A record that differs from the entry it names (by
    slug, name, id, URL, or a claim's external id) is a conflict, listed field by field and
    written only with --update. The report counts created, updated, unchanged,
    conflicting and missing records; --dry-run reports them without writing. Every record type and
    field: docs/IMPORT.md.

    Example: equipment-db import register-2026.jsonl --update --retract-missing --reason "2026 release"
    """
    if schema:
        typer.echo(json.dumps(import_json_schema(), indent=2, ensure_ascii=False))
        return
    if path is None:
        raise MissingValue("FILE", "(a JSON Lines or CSV file to import), unless --schema")
    _check_format(fmt)
    if rejects is not None and not skip_invalid:
        raise InvalidValue("rejects", str(rejects), "only goes with --skip-invalid")
    for given, option in ((update, "--update"), (retract_missing, "--retract-missing")):
        if given and not dry_run and not (reason and reason.strip()):
            raise MissingValue("reason", f"with {option}: say why the entries change (--reason \"2026 release\")")
    fmt = detect_format(path, fmt)
    mapping = load_mapping(mapping_name) if mapping_name is not None else None
    if mapping is not None and fmt != "csv":
        raise InvalidValue("format", fmt, "does not go with --mapping, which reads CSV")
    mapped = MappedRead()
    engine = state(ctx).ready_engine()
    report: ImportReport | None = None
    csv_text: str | None = None
    declined = False
    try:
        with (
            path.open("rb") as handle,
            session_scope(engine, write=True) as session,
            _progress() as bar,
        ):
            expected = _count_lines(path) if fmt == "jsonl" else None
            if fmt == "csv" and mapping is None:
                csv_text = _text(handle.read())
            if mapping is not None:
                raws = read_mapped_csv(handle.read(), mapping, session, mapped)
            else:
                raws = read_jsonl(handle) if csv_text is None else read_claims_csv(csv_text)
            tasks: dict[str, int] = {}
            lines = _ProgressLines(path.name)

            def tick(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total)
                bar.update(tasks[phase], completed=done, total=total)
                lines.tick(phase, done, total)

            report = import_records(session, raws, edit=edit(ctx, reason or f"import {path.name}"),
                                    skip_invalid=skip_invalid, update=update, retract_missing=retract_missing,
                                    dry_run=dry_run, progress=tick, expected=expected)  # fmt: skip
            if dry_run:
                raise _Rollback
            if interactive() and not yes:
                bar.stop()  # the bars end here: nothing draws over the report or the question
                declined = not _confirm(report, path.name, mapped, mapping)
                if declined:
                    raise _Rollback
    except ImportFailed as refused:
        for issue in sorted([*refused.issues, *refused.conflicts], key=lambda one: one.line):
            typer.echo(f"{path.name}: {issue}", err=True)
        raise
    except _Rollback:
        pass
    except sqlalchemy.exc.OperationalError as exc:
        if DatabaseFull.caused(exc):
            raise DatabaseFull(engine.url.database or str(engine.url), str(exc.orig).strip()) from None
        raise
    assert report is not None
    if declined:
        typer.echo(f"Nothing was written: {path.name} was not imported (answered no).", err=True)
        return
    asked = interactive() and not yes and not dry_run  # the report was shown before the question
    if not asked:
        _show_issues(report, path.name, mapped, mapping, written=not dry_run)
    if rejects is not None:
        rejects.write_text(
            rejects_text(report.rejected, csv_text), encoding="utf-8", errors="surrogateescape"
        )
    if asked:
        typer.echo(f"Written: {path.name} was imported as shown above.", err=True)
        return
    _print_report(report, as_json=as_json, state="written" if not dry_run else "dry run: nothing written")
    if dry_run and failed(report, ImportOptions(skip_invalid=skip_invalid)):
        typer.echo(f"The import would fail: {UPDATE_HINT if report.conflicts else 'fix the invalid records'}.",
                   err=True)  # fmt: skip
        raise typer.Exit(1)


class _ProgressLines:
    """Progress as plain lines on stderr when it is not a terminal (a log, a CI job): one
    every PROGRESS_RECORDS records or PROGRESS_SECONDS seconds, whichever comes first."""

    def __init__(self, name: str) -> None:
        self.name, self.on = name, not sys.stderr.isatty()
        self.started = self.last_time = time.monotonic()
        self.last_done: dict[str, int] = {}

    def tick(self, phase: str, done: int, total: int) -> None:
        if not self.on:
            return
        now = time.monotonic()
        last = self.last_done.get(phase, 0)
        if done // PROGRESS_RECORDS == last // PROGRESS_RECORDS and now - self.last_time < PROGRESS_SECONDS:
            return
        self.last_done[phase], self.last_time = done, now
        of = f" of {total:,}" if total and total >= done else ""
        typer.echo(f"{self.name}: {phase}: {done:,}{of} after {now - self.started:.0f} s", err=True)


def _text(data: bytes) -> str:
    """A CSV file's text; bytes that are not UTF-8 stay as surrogate escapes, so that the
    reader reports the rows holding them and a rejects file gets them back as they were."""
    return data.decode("utf-8-sig", "surrogateescape")


def _count_lines(path: Path) -> int:
    """For the progress bar: a quick pass over the file (a JSON Lines record is one line)."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _confirm(report: ImportReport, name: str, mapped: MappedRead, mapping: Mapping | None) -> bool:
    """Show what the import would do, then ask; the transaction is still open."""
    _show_issues(report, name, mapped, mapping, written=True)
    _print_report(report, as_json=False, state="not written yet")
    return typer.confirm("Commit this import?", default=True, err=True)


def _show_issues(report: ImportReport, name: str, mapped: MappedRead, mapping: Mapping | None, *,
                 written: bool) -> None:  # fmt: skip
    """The records refused or in conflict, the rows a mapping skipped, the claims missing."""
    skipped = " (skipped)" if written else ""
    for issue in sorted([*report.issues, *report.conflicts], key=lambda one: one.line):
        typer.echo(f"{name}: {issue}{skipped}", err=True)
    if mapped.skipped:
        assert mapping is not None
        blank = " or ".join(mapping.skip_without)
        typer.echo(f"{name}: {len(mapped.skipped)} row(s) skipped, blank in {blank} "
                   f"(csv.skip_without of mapping {mapping.name})", err=True)  # fmt: skip
    if report.missing:
        done = "retracted" if report.retracted["claim"] and written else "not in the file"
        typer.echo(f"{name}: {len(report.missing)} claim(s) {done}: {', '.join(report.missing[:20])}"
                   f"{' …' if len(report.missing) > 20 else ''}", err=True)  # fmt: skip


_COUNTS = ("created", "updated", "unchanged", "conflicting", "retracted")


def _print_report(report: ImportReport, *, as_json: bool, state: str) -> None:
    """The counts per record type; `state`: written, not written yet, or dry run."""
    written = state == "written"
    rows = [{"type": t} | {count: getattr(report, count)[t] for count in _COUNTS} for t in RECORD_TYPES]
    rejected = len({issue.line for issue in report.issues})
    if as_json:
        typer.echo(json.dumps({"written": written, "records": rows, "rejected": rejected,
                               "missing": report.missing, "seconds": round(report.seconds, 3),
                               "claims_per_second": round(report.claims_per_second)}))  # fmt: skip
        return
    emit(rows, columns=["type", *_COUNTS], as_json=False,
         title="Import" if written else f"Import ({state})")  # fmt: skip
    counts = ", ".join(f"{sum(getattr(report, count).values())} {count}" for count in _COUNTS)
    typer.echo(f"{counts}, {len(report.missing)} missing, {rejected} rejected in {report.seconds:.1f} s "
               f"({report.claims_per_second:,.0f} claims/s)", err=True)  # fmt: skip


def export(
    ctx: typer.Context,
    fmt: str = typer.Option("jsonl", "--format", help="jsonl (every record type) or csv (claims)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file (default: stdout)."),
) -> None:
    """Export every active entry as JSON Lines or CSV (the import format).

    The order is stable: export, then
    import into an empty database, then export again gives the same file.

    Example: equipment-db export --format jsonl --output equipment-db.jsonl
    """
    _check_format(fmt)
    writer = write_jsonl if fmt == "jsonl" else write_claims_csv
    with reading(ctx) as session:
        if output is None:
            count = writer(export_records(session), sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle, _progress() as bar:
                task = bar.add_task(f"export {output.name}", total=None)

                def counted():  # type: ignore[no-untyped-def]
                    for number, record in enumerate(export_records(session), start=1):
                        if number % 1000 == 0:
                            bar.update(task, completed=number)
                        yield record

                count = writer(counted(), handle)
    typer.echo(f"Exported {count} {'records' if fmt == 'jsonl' else 'rows'}.", err=True)
