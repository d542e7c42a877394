"""What the lookups cost above their SQL: one trip each to the thread pool, and the routers
matched in an order of their own while the OpenAPI document keeps its order. On both engines."""

from __future__ import annotations

import anyio.to_thread
import pytest
import sqlalchemy as sa

from tests.api_client import api
from tests.dbs import DatabaseFactory

CLAIM = "C-GEPDCDFB"
LOOKUPS = {f"/v1/claims/{CLAIM}": 200, "/v1/claims?system=igla-s&include=citations": 200,
           "/v1/systems/igla-s": 200, "/v1/systems/Igla-S": 307, "/v1/search?q=Igla": 200}  # fmt: skip


def test_each_lookup_takes_one_trip_to_the_thread_pool(dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    trips: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func, *args, **kwargs):  # type: ignore[no-untyped-def]
        trips.append(getattr(func, "__name__", repr(func)))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    with api(dbs.seeded()) as client:
        for path, status in LOOKUPS.items():
            trips.clear()
            answer = client.get(path, follow_redirects=False)
            assert answer.status_code == status, (path, answer.text)
            assert len(trips) == 1, (path, trips)


def test_the_openapi_document_lists_paths_in_the_order_the_routers_are_documented(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        paths = list(client.get("/openapi.json").json()["paths"])
    assert paths[:3] == ["/health", "/v1/meta", "/"], paths
    assert paths.index("/v1/systems/{key}") < paths.index("/v1/claims") < paths.index("/v1/sources"), paths


def test_each_lookup_and_its_page_check_out_one_connection(dbs: DatabaseFactory) -> None:
    """A request holds one pooled connection, once: the fast reader's rows and the pages'
    ORM session share it (a second checkout is a second transaction, and on PostgreSQL
    another READ ONLY and time limit sent)."""
    url = dbs.seeded()
    checkouts: list[str] = []
    with api(url) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        sa.event.listen(engine, "checkout", lambda *_: checkouts.append("checkout"))
        for path, status in LOOKUPS.items():
            for accept in ("application/json", "text/html"):
                checkouts.clear()
                answer = client.get(path, headers={"accept": accept}, follow_redirects=False)
                assert answer.status_code == status, (path, accept, answer.text)
                assert len(checkouts) == 1, (path, accept, checkouts)
