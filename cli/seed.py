"""`equipment-db seed`: load the curated seed data through the editors' services."""

from __future__ import annotations

import typer

from equipment_db import schema_version
from equipment_db.bootstrap import migrate_and_seed
from equipment_db.database import session_scope
from equipment_db.errors import DatabaseNotReady
from equipment_db.seed.loader import SECTIONS, SEED_EDITOR, SeedReport, load

from .output import emit
from .state import state


class _DryRunRollback(Exception):
    def __init__(self, report: SeedReport) -> None:
        self.report = report


def seed(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and report; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Load the curated seed data (sourced facts only); a second run changes nothing.

    Idempotent: a second run
    changes nothing; an entry changed in seed_data/ is updated with a new revision.
    The schema is migrated first (not with --dry-run). Any bad record: nothing is written.

    Example: equipment-db seed --dry-run
    """
    app_state = state(ctx)
    engine = app_state.engine if dry_run else app_state.creating_engine()
    editor = app_state.settings.editor if ctx.find_root().params.get("editor") else SEED_EDITOR
    if dry_run:
        if not schema_version.is_up_to_date(engine):
            raise DatabaseNotReady(
                "database: not at the newest schema; --dry-run writes nothing, "
                "so run `equipment-db db upgrade` first",
                field="database",
            )
        try:
            with session_scope(engine, write=True) as session:
                raise _DryRunRollback(load(session, app_state.settings.seed_dir, editor=editor))
        except _DryRunRollback as done:
            report = done.report
    else:
        # one transaction: a seed record refused leaves a blank database blank, not migrated and empty
        report = migrate_and_seed(engine, app_state.settings.seed_dir, editor=editor)
    rows = [
        {
            "section": name,
            "created": report.created[name],
            "updated": report.updated[name],
            "unchanged": report.unchanged[name],
        }
        for name in SECTIONS
    ]
    emit(
        rows,
        columns=["section", "created", "updated", "unchanged"],
        as_json=as_json,
        title="Seed (dry run: nothing written)" if dry_run else "Seed",
    )
