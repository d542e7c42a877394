"""A system's /quantities rows, stored (migration 0020), and kept true on every write.

`totals.quantities` is the one definition of the rows. Computing them reads every quantity
claim of the system (355 ms for the busiest system of the benchmark's S scale, 4.2 s at M),
so the write path computes them when they change and stores each row as the JSON the API
sends:

- triggers list in `quantity_stale` every system whose rows a write may have changed, on
  every write path (raw SQL included);
- `refresh`, run by the write scope before it commits (`database.session_scope`), by the first
  run and by `db upgrade`, recomputes the listed systems in the same transaction and empties
  the list: the rows and the claims they come from commit together, or neither does;
- a reader takes the stored rows of a system that is not listed, and computes the rows of one
  that is (written outside the write path), so an answer is never older than the claims.

Filters (kind, counted, country) pick rows out of the whole answer: a row's total does not
depend on the filter it is read through.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlmodel import Session

from equipment_db.analysis import totals
from equipment_db.analysis.models import QuantityRowJSON, SystemRefJSON
from equipment_db.reads import cursor_rows

ROW_TABLE, STALE_TABLE = "quantity_row", "quantity_stale"
_ROW = TypeAdapter(QuantityRowJSON)
_ROWS = TypeAdapter(list[QuantityRowJSON])
_REF = TypeAdapter(SystemRefJSON)


def refresh(session: Session) -> int:
    """Recompute the rows of every listed system and empty the list; how many systems."""
    session.flush()  # the triggers list what the pending changes touch
    connection = session.connection()
    stale = [system_id for (system_id,) in cursor_rows(connection, f"SELECT system_id FROM {STALE_TABLE}")]
    for system_id in stale:
        connection.execute(sa.text(f"DELETE FROM {ROW_TABLE} WHERE system_id = :system"), {"system": system_id})
        rows = [_stored(system_id, position, row) for position, row in enumerate(totals.quantities(session, system_id))]
        if rows:
            connection.execute(sa.text(f"INSERT INTO {ROW_TABLE} (system_id, position, kind, counted, country, party, "
                                       "claims, body) VALUES (:system, :position, :kind, :counted, :country, :party, "
                                       ":claims, :body)"), rows)  # fmt: skip
    if stale:  # only those recomputed: on PostgreSQL another transaction may list one meanwhile
        connection.execute(sa.text(f"DELETE FROM {STALE_TABLE} WHERE system_id = :system"),
                           [{"system": system_id} for system_id in stale])  # fmt: skip
    return len(stale)


def _stored(system_id: int, position: int, row: dict[str, Any]) -> dict[str, Any]:
    return {"system": system_id, "position": position, "kind": row["kind"].value,
            "counted": row["counted"].value if row["counted"] is not None else "", "country": row["country"] or "",
            "party": row["party"], "claims": row["claims"], "body": _ROW.dump_json(row).decode()}  # fmt: skip


def _listed(connection: sa.Connection, system_id: int) -> bool:
    """Whether the system's stored rows may be stale (a write outside the write path)."""
    return bool(cursor_rows(connection, f"SELECT 1 FROM {STALE_TABLE} WHERE system_id = ?", (system_id,)))


def _array(session: Session, system_id: int, kind: str | None, counted: str | None, country: str | None,
           around: tuple[str, str] = ("[", "]")) -> bytes | None:  # fmt: skip
    """The stored JSON of the rows that pass the filters, as one JSON array in their order
    (between the texts `around`); None while the system is listed. SQLite joins the rows
    itself (in C, into the one value the response sends): the busiest system of the
    benchmark's M scale has 21,762 rows, 6.1 MB, which as one Python string per row, joined
    and then encoded, cost memory and time in every request (Q6 at M: 32 to 16 ms)."""
    connection = session.connection()
    if _listed(connection, system_id):
        return None
    where, params = "system_id = ?", [system_id]
    for column, value in (("kind", kind), ("counted", counted), ("country", country)):
        if value is not None:
            where, params = f"{where} AND {column} = ?", [*params, value]
    return _joined(connection, where, params, around)


def _joined(connection: sa.Connection, where: str, params: list[Any],
                   around: tuple[str, str] = ("[", "]")) -> bytes:  # fmt: skip
    """`body,body,...` of the stored rows `where` says, in their order, between the texts `around`."""
    before, after = around
    if connection.dialect.name != "sqlite":
        # PostgreSQL sends the rows faster than their one joined value (the busiest system of
        # the S database, 10,964 rows, 2.5 MB: 12.8 ms as rows, 20-28 ms as string_agg)
        bodies = cursor_rows(connection, f"SELECT body FROM {ROW_TABLE} WHERE {where} ORDER BY position", params)
        return (before + ",".join(body for (body,) in bodies) + after).encode()
    # group_concat steps through the ordered subquery in its order: SQLite does not flatten a
    # subquery with ORDER BY into an aggregate (the flattener's rule 16). A window with ORDER
    # BY says the same in SQL, but cost three times as much (5.8 ms against 1.8 for 6,958
    # rows); 3.44's group_concat(... ORDER BY) is newer than Python's SQLite here.
    # tests/test_quantities_stored.py checks the order.
    sql = (f"SELECT CAST(? || coalesce(group_concat(body, ','), '') || ? AS BLOB) FROM (SELECT body "
           f"FROM {ROW_TABLE} WHERE {where} ORDER BY position)")
    (joined,) = cursor_rows(connection, sql, [before, after, *params])[0]  # an aggregate: one row
    return bytes(joined)


def _passes(row: dict[str, Any], kind: str | None, counted: str | None, country: str | None) -> bool:
    return ((kind is None or row["kind"].value == kind)
            and (counted is None or (row["counted"] is not None and row["counted"].value == counted))
            and (country is None or row["country"] == country))  # fmt: skip


def quantity_rows(session: Session, system_id: int, *, kind: str | None = None, counted: str | None = None,
                  country: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The rows of `totals.quantities` that pass the filters, as dicts (for the pages)."""
    array = _array(session, system_id, kind, counted, country)
    if array is None:
        return [row for row in totals.quantities(session, system_id) if _passes(row, kind, counted, country)]
    return _ROWS.validate_json(array)  # type: ignore[return-value]


def party_rows(session: Session, system_id: int, parties: int) -> list[dict[str, Any]]:
    """The rows of the `parties` parties with the most claims (then by `party_key`), for a
    system page's charts: the page draws those, and reads no other row."""
    connection = session.connection()
    if _listed(connection, system_id):
        rows = totals.quantities(session, system_id)
        top = _top(((row["country"], row["party"], row["claims"]) for row in rows), parties)
        return [row for row in rows if (row["country"] or "", row["party"]) in top]
    groups = cursor_rows(connection, f"SELECT country, party, sum(claims) FROM {ROW_TABLE} WHERE system_id = ? "
                                     "GROUP BY country, party", (system_id,))  # fmt: skip
    top = _top(groups, parties)
    if not top:
        return []
    pairs = " OR ".join("(country = ? AND party = ?)" for _ in top)
    params = [system_id, *(value for pair in top for value in pair)]
    return _ROWS.validate_json(_joined(connection, f"system_id = ? AND ({pairs})", params))  # type: ignore[return-value]


def party_key(country: str | None, party: str) -> str:
    """How the charts tell parties apart: the country's code, else the party's name."""
    return country or party


def _top(rows: Iterable[tuple[str | None, str, int]], parties: int) -> set[tuple[str, str]]:
    """The (country or '', party) of the `parties` parties with the most claims in `rows`."""
    claims: dict[tuple[str, str], int] = {}
    for country, party, n in rows:
        claims[(country or "", party)] = claims.get((country or "", party), 0) + int(n)
    return set(sorted(claims, key=lambda pair: (-claims[pair], party_key(*pair)))[:parties])


def quantities_json(session: Session, system_id: int, system: SystemRefJSON, *, kind: str | None = None,
                    counted: str | None = None, country: str | None = None) -> bytes:  # fmt: skip
    """The body of /quantities: the `system` referred to and its rows that pass the filters."""
    opening = '{"system":' + _REF.dump_json(system).decode() + ',"rows":'
    body = _array(session, system_id, kind, counted, country, around=(opening + "[", "]}"))
    if body is None:
        rows = _ROWS.dump_json([row for row in totals.quantities(session, system_id)
                                if _passes(row, kind, counted, country)])  # fmt: skip
        body = opening.encode() + rows + b"}"
    return body
