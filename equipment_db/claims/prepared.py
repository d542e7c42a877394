"""Reads of claims as prepared SQL through the driver, for the API's hot routes.

Each reader here gives exactly what its ORM twin in `queries` gives (a test holds them to
it, on both engines), in fewer statements and without building ORM objects: `claim_detail`
is `queries.claim_detail`. `rows(sql, params)` runs one statement, written with `?`
placeholders, and returns its rows as tuples (the API's `Reader.rows`); values arrive as the
driver gives them, so dates, datetimes, booleans and JSON are read here the same on both
engines.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Sequence
from datetime import date
from enum import Enum
from types import SimpleNamespace
from typing import Any, NamedTuple

import sqlalchemy as sa

from equipment_db.base import stored_utc as utc
from equipment_db.catalog.records import external_id_record
from equipment_db.claims import queries as claim_queries
from equipment_db.claims.queries import ClaimFilter
from equipment_db.claims.records import claim_record
from equipment_db.claims.text import describe_converted, describe_value, party_name
from equipment_db.errors import NotFound
from equipment_db.history.queries import version_fields
from equipment_db.publicid import normalise_public_id
from equipment_db.reads import placeholders
from equipment_db.vocab import ClaimKind, Rank, VerificationStatus

Rows = Callable[[str, Sequence[Any]], list[Any]]

_CLAIM_COLUMNS = (
    "id", "public_id", "kind", "subject", "attribute", "country", "counterparty_country", "party_unknown",
    "counterparty_unknown", "location", "value_low", "value_high", "unit", "original_unit", "original_low",
    "original_high", "qualifier", "value_text", "counted", "scope", "stance", "claimant_ids", "stated_edtf",
    "about_edtf", "verification_status", "verification_note", "rank", "reliability", "credibility",
    "assessment_rationale", "note", "version", "created_at", "updated_at", "retracted_at", "retraction_reason",
)  # fmt: skip
_REFS = ("system", "related_system", "target_type", "claimant", "party_actor", "counterparty_actor")
CLAIM_SQL = (
    "SELECT " + ", ".join(f"c.{name}" for name in _CLAIM_COLUMNS)
    + ", s.slug, rs.slug, tt.slug, ca.name, pa.name, cpa.name FROM claim c"
    " LEFT JOIN system s ON s.id = c.system_id"
    " LEFT JOIN system rs ON rs.id = c.related_system_id"
    " LEFT JOIN target_type tt ON tt.id = c.target_type_id"
    " LEFT JOIN actor ca ON ca.id = c.claimant_id"
    " LEFT JOIN actor pa ON pa.id = c.party_actor_id"
    " LEFT JOIN actor cpa ON cpa.id = c.counterparty_actor_id"
    " WHERE c.public_id = ?"
)
EXTERNAL_IDS_SQL = (
    "SELECT scheme, value, part FROM external_id WHERE entity_type = 'claim' AND entity_id = ?"
    " AND retracted_at IS NULL ORDER BY scheme, value, part"
)
CITATIONS_SQL = (
    "SELECT s.id, s.public_id, s.publisher, s.title, s.url, s.archive_url, s.cites_source_id,"
    " c.quote, c.locator, c.role FROM citation c JOIN source s ON s.id = c.source_id"
    " WHERE c.claim_id = ? AND c.retracted_at IS NULL ORDER BY c.id"
)
LINKS_SQL = (
    "SELECT k.id, f.public_id, k.kind, t.public_id, k.note FROM claim_link k"
    " JOIN claim f ON f.id = k.from_claim_id JOIN claim t ON t.id = k.to_claim_id"
    " WHERE (k.from_claim_id = ? OR k.to_claim_id = ?) AND k.retracted_at IS NULL ORDER BY k.id"
)


def _in(count: int) -> str:
    return f"({placeholders(count)})"


def _json_list(value: Any) -> list[Any] | None:
    return json.loads(value) if isinstance(value, str) else value


class ClaimKey(NamedTuple):
    """What a claim's page needs of the claim before it reads the rest."""

    id: int
    public_id: str


def claim_key(rows: Rows, key: str, *, field: str = "claim") -> ClaimKey:
    """`queries.get_claim`'s id and public id of the claim `key` names, as one row: 400 for
    what is not a claim id, 404 for an unknown one."""
    public_id = normalise_public_id(key, "claim", field=field)
    found = rows("SELECT id, public_id FROM claim WHERE public_id = ?", (public_id,))
    if not found:
        raise NotFound("claim", key, field=field)
    return ClaimKey(*found[0])


def claim_detail(rows: Rows, key: str, *, field: str = "claim") -> dict[str, Any]:
    """`queries.claim_detail`: the claim's record, its citations with their sources and
    reporting chains, its links and its version fields; 400 for what is not a claim id,
    404 for an unknown one."""
    public_id = normalise_public_id(key, "claim", field=field)
    found = rows(CLAIM_SQL, (public_id,))
    if not found:
        raise NotFound("claim", key, field=field)
    row = found[0]
    claim = SimpleNamespace(**dict(zip(_CLAIM_COLUMNS, row, strict=False)))
    claim.kind, claim.rank = ClaimKind(claim.kind), Rank(claim.rank)
    claim.verification_status = VerificationStatus(claim.verification_status)
    claim.party_unknown, claim.counterparty_unknown = bool(claim.party_unknown), bool(claim.counterparty_unknown)
    claim.claimant_ids = _json_list(claim.claimant_ids)
    refs = dict(zip(_REFS, row[len(_CLAIM_COLUMNS):], strict=True))
    refs["claimants"] = _claimant_names(rows, claim.claimant_ids) if claim.claimant_ids else None
    external_ids = [external_id_record(*r) for r in rows(EXTERNAL_IDS_SQL, (claim.id,))]
    detail = claim_record(claim, refs, external_ids)  # type: ignore[arg-type]
    detail["party_name"] = party_name(claim.country, refs["party_actor"], claim.party_unknown)
    detail["counterparty_name"] = party_name(claim.counterparty_country, refs["counterparty_actor"],
                                             claim.counterparty_unknown)  # fmt: skip
    detail["value_as_worded"] = describe_value(claim)  # type: ignore[arg-type]
    detail["value_converted"] = describe_converted(claim)  # type: ignore[arg-type]
    cited = rows(CITATIONS_SQL, (claim.id,))
    chains = reporting_chains(rows, cited)
    detail["citations"] = [
        {"source": public, "publisher": publisher, "title": title, "url": url, "archive_url": archive_url,
         "quote": quote, "locator": locator, "role": role, "reporting_chain": chains[source_id]}
        for source_id, public, publisher, title, url, archive_url, _cites, quote, locator, role in cited
    ]  # fmt: skip
    detail["links"] = [{"id": link_id, "from_claim": first, "kind": kind, "to_claim": second, "note": note}
                       for link_id, first, kind, second, note in rows(LINKS_SQL, (claim.id, claim.id))]  # fmt: skip
    claim.created_at, claim.updated_at = utc(claim.created_at), utc(claim.updated_at)
    claim.retracted_at = utc(claim.retracted_at)
    return detail | version_fields(claim)  # type: ignore[arg-type]


def _claimant_names(rows: Rows, ids: list[int]) -> list[str | None]:
    names = dict(rows("SELECT id, name FROM actor WHERE id IN " + _in(len(set(ids))), sorted(set(ids))))
    return [names.get(i) for i in ids]


SOURCE_COLUMNS = "id, public_id, publisher, title, url, archive_url, cites_source_id"
_SOURCE_SQL = f"SELECT {SOURCE_COLUMNS} FROM source WHERE id IN "


def reporting_chains(rows: Rows, cited: list[Any]) -> dict[int, list[dict[str, Any]]]:
    """Each cited source's reporting chain after it (`queries.reporting_chains`, less the
    source itself), read a level at a time; none is read when no source cites another.
    `cited`: rows whose first seven columns are `SOURCE_COLUMNS`."""
    known: dict[int, tuple[Any, ...]] = {r[0]: r[:7] for r in cited}
    wanted = {r[6] for r in cited if r[6] is not None} - set(known)
    for _ in range(claim_queries.CHAIN_DEPTH):
        if not wanted:
            break
        found = rows(_SOURCE_SQL + _in(len(wanted)), sorted(wanted))
        known.update({r[0]: tuple(r) for r in found})
        wanted = {r[6] for r in found if r[6] is not None} - set(known)
    chains: dict[int, list[dict[str, Any]]] = {}
    for source_id in known.keys() & {r[0] for r in cited}:
        chain, seen, current = [], {source_id}, known[source_id]
        while current[6] in known and current[6] not in seen and len(chain) + 1 < claim_queries.CHAIN_DEPTH:
            current = known[current[6]]
            chain.append({"id": current[1], "publisher": current[2], "title": current[3], "url": current[4],
                          "archive_url": current[5]})  # fmt: skip
            seen.add(current[0])
        chains[source_id] = chain
    return chains


def system_id(rows: Rows, key: str) -> int | None:
    """The id of the system whose slug `key` is (as `catalog_queries.find_system` reads a
    slug); None for anything else, which the ORM's lookup then reads as an alias."""
    found = rows("SELECT id FROM system WHERE slug = ?", (key.strip().lower(),))
    return found[0][0] if found else None


_RowTuple = namedtuple("_RowTuple", claim_queries.ROW_FIELDS)  # type: ignore[misc]
_statements: dict[tuple[Any, ...], tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}


def claim_rows(
    rows: Rows, dialect: sa.Dialect, where: ClaimFilter, *, limit: int = 100, after_id: int | None = None
) -> list[dict[str, Any]]:
    """`queries.claim_rows`: the list's statement is compiled once per shape of filter (which
    filters are set) and run through the driver with this filter's values."""
    values = claim_queries.filter_values(where, limit=limit, after_id=after_id)
    key = (dialect.name, claim_queries.filter_shape(where, values))
    prepared = _statements.get(key)
    if prepared is None:
        compiled = claim_queries.row_statement(where, limit=limit, after_id=after_id).compile(dialect=dialect)
        if not set(values) <= set(compiled.params):
            raise AssertionError(f"unbound filter values: {sorted(set(values) - set(compiled.params))}")
        constants = {name: value for name, value in compiled.params.items() if name not in values}
        prepared = _statements[key] = (compiled.string, compiled.positiontup, constants)
    sql, order, constants = prepared
    given = constants | values
    sqlite = dialect.name == "sqlite"
    params: Any = ([_driver_value(given[name], sqlite) for name in order] if order is not None
                   else {name: _driver_value(value, sqlite) for name, value in given.items()})  # fmt: skip
    found = [_RowTuple._make(row) for row in rows(sql, params)]
    wanted = sorted({key for c in found for key in (c.party_actor_id, c.counterparty_actor_id)} - {None})
    actors = dict(rows("SELECT id, name FROM actor WHERE id IN " + _in(len(wanted)), wanted)) if wanted else {}
    return claim_queries.row_dicts(found, actors)


def _driver_value(value: Any, sqlite: bool) -> Any:
    """A bound value as SQLAlchemy's types give it to the driver: an enum's value; on SQLite a
    date as its ISO text."""
    if isinstance(value, Enum):
        return value.value
    if sqlite and isinstance(value, date):
        return value.isoformat()
    return value


CITATIONS_OF_SQL = (
    "SELECT c.claim_id, s.public_id, s.publisher, s.title, s.url, c.quote, c.locator, c.role"
    " FROM citation c JOIN source s ON s.id = c.source_id WHERE c.claim_id IN {ids} AND c.retracted_at IS NULL"
    " ORDER BY c.claim_id, c.id"
)


def citations_by_claim(rows: Rows, claim_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """`queries.citations_by_claim`: the live citations of many claims with their sources."""
    found: dict[int, list[dict[str, Any]]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return found
    for claim_id, source, publisher, title, url, quote, locator, role in rows(
            CITATIONS_OF_SQL.format(ids=_in(len(claim_ids))), list(claim_ids)):  # fmt: skip
        found[claim_id].append({"source": source, "publisher": publisher, "title": title, "url": url,
                                "quote": quote, "locator": locator, "role": role, "reporting_chain": []})  # fmt: skip
    return found
