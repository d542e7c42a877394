"""Health and what the database holds."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from equipment_db import permalinks, schema_version
from equipment_db.api.deps import SessionDep
from equipment_db.history.models import Revision
from equipment_db.stats import replication, table_counts
from equipment_db.status import Health, Meta

router = APIRouter(tags=["meta"])


@router.get(permalinks.HEALTH, summary="Is the service up and its database reachable?", response_model=Health)
def health(session: SessionDep) -> Health:
    """Up, and the database answers; on a PostgreSQL hot standby, how far it lags behind the
    primary that editors write to (`replication_lag_s`). Never cached (`no-store`)."""
    standby, lag = replication(session.connection())
    return Health(status="ok", database=session.get_bind().dialect.name, standby=standby, replication_lag_s=lag)


@router.get(permalinks.META, summary="Schema revision, row counts and the time of the last change",
            response_model=Meta)  # fmt: skip
def meta(session: SessionDep) -> Meta:
    connection = session.connection()
    current = schema_version.revision_of(connection)
    last = session.execute(sa.select(sa.func.max(Revision.created_at))).scalar_one_or_none()
    return Meta(schema_revision=current, schema_head=schema_version.HEAD,
                counts=table_counts(session.get_bind()), last_change=last)  # fmt: skip
