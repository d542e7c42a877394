"""Every table, imported once so that `SQLModel.metadata` is complete (Alembic, tests)."""

from sqlmodel import SQLModel

from equipment_db.actors.models import Actor
from equipment_db.catalog.models import Alias, ExternalId, System, TargetType
from equipment_db.claims.models import Citation, Claim, ClaimLink
from equipment_db.history.models import Revision
from equipment_db.notes.models import EditorNote
from equipment_db.sources.models import Source

metadata = SQLModel.metadata

__all__ = [
    "Actor",
    "Alias",
    "Citation",
    "Claim",
    "ClaimLink",
    "EditorNote",
    "ExternalId",
    "Revision",
    "Source",
    "System",
    "TargetType",
    "metadata",
]
