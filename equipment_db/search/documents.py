"""Deferring search documents during a bulk write, then building them per batch.

The search triggers (migrations 0002 and 0003) rebuild a document on every insert into
its tables. A bulk writer that inserts thousands of claims and their citations wraps the
inserts in `deferred(session)` and then calls `build(session, doc_type, ids)` once per
batch. The flag row lives only inside the writer's transaction: no other connection sees
it, and a crash rolls it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session

from equipment_db.search.schema import DEFER_TABLE, ROWID_OFFSET, SQLITE_INDEX


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """Search triggers skip their work inside this block (this transaction only).

    No `finally`: after an error the transaction is rolled back, flag row and all."""
    session.execute(sa.text(f"INSERT INTO {DEFER_TABLE} (id) VALUES (1)"))
    yield
    session.execute(sa.text(f"DELETE FROM {DEFER_TABLE}"))


def build(session: Session, doc_type: str, ids: Sequence[int]) -> None:
    """Write the documents of `ids` (new rows of `doc_type` that have none yet)."""
    if not ids:
        return
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            sa.text(
                f"INSERT INTO {SQLITE_INDEX} (rowid, doc_type, doc_key, title, body) "
                f"SELECT doc_id * 4 + {ROWID_OFFSET[doc_type]}, :doc_type, doc_key, title, body "
                f"FROM search_doc_{doc_type} WHERE doc_id IN (SELECT value FROM json_each(:ids))"
            ),
            {"doc_type": doc_type, "ids": json.dumps(list(ids))},
        )
    else:
        session.execute(sa.text(f"SELECT search_refresh_{doc_type}(:ids)"), {"ids": list(ids)})
