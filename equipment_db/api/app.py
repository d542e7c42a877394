"""The read-only HTTP API. `create_app()` builds it; `equipment-db serve` runs it."""

from __future__ import annotations

import ctypes
import functools
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import sqlalchemy as sa
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from equipment_db import __version__
from equipment_db.api import problems
from equipment_db.api.caching import CachingMiddleware
from equipment_db.api.deps import check_request, install_query_limit
from equipment_db.api.lanes import app_lanes
from equipment_db.api.public import PublicURLMiddleware
from equipment_db.api.routes import assets, claims, exports, meta, overview, search, sources, systems
from equipment_db.bootstrap import open_existing
from equipment_db.config import Settings, get_settings

DESCRIPTION = """Military-equipment systems and the sourced public claims made about them.

Every value says where it came from (citations with quotes), how sure anyone can be of
it (qualifier, verification status, rank, grading) and how it changed (versions).
Read-only: only GET. Errors are RFC 9457 `application/problem+json`. Lists use cursor
pagination (`next`). Versions are immutable and may be cached forever.
"""


def _few_malloc_arenas() -> None:
    """glibc gives each thread that allocates its own arena (up to 8 per core) and keeps what
    it freed there: with 8 worker threads the API held ~60 MB more after a burst (measured).
    Two arenas serve the worker threads under the GIL as well. No-op elsewhere than glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


# A request is matched against each router in turn, route by route (FastAPI matches an included
# router's routes twice, once to find it and once to run it): the lookups' routers come first.
# No path of one router matches a route of another, so the order changes only the time taken.
MATCHED = (claims, systems, search, meta, overview, sources, exports, assets)
DOCUMENTED = (meta, overview, systems, claims, sources, search, exports, assets)  # the OpenAPI document's order


def _documented_openapi(app: FastAPI, openapi: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """FastAPI's OpenAPI document, its paths in `DOCUMENTED` order (as the routers were once
    included), whatever order they are matched in."""
    schema = openapi()
    paths = schema.get("paths", {})
    order = dict.fromkeys(route.path_format for module in DOCUMENTED for route in module.router.routes
                          if hasattr(route, "path_format"))  # fmt: skip
    schema["paths"] = {path: paths[path] for path in order if path in paths} | paths
    return schema


def create_app(settings: Settings | None = None, engine: sa.Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Sync routes run in anyio's thread pool (40 threads by default): each thread may
        # hold a database connection and a malloc arena; under the GIL 8 serve as fast.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
        _few_malloc_arenas()
        # The objects alive at start-up (modules, routes, models, the engine: ~150,000) stay
        # alive while it serves, yet each full collection walked them all: 39 ms, once in about
        # 16 timelines at the benchmark's S (2.4 ms a request on average). Frozen, they are left
        # out of collections (0.02 ms); given back at shutdown, so an app that stops frees them.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()

    app = FastAPI(title="equipment-db", version=__version__, description=DESCRIPTION,
                  responses=problems.PROBLEM_RESPONSES,
                  dependencies=[Depends(check_request)],
                  lifespan=lifespan, docs_url=None, redoc_url=None)  # fmt: skip
    app.state.settings = settings
    app.state.engine = engine or open_existing(settings, pool_size=settings.api_connections)
    app.state.lanes = app_lanes(settings.search_workers, settings.search_queue, settings.export_streams)
    install_query_limit(app.state.engine)
    problems.install(app)
    for module in MATCHED:
        app.include_router(module.router)
    app.openapi = functools.partial(_documented_openapi, app, app.openapi)  # type: ignore[method-assign]
    app.add_middleware(CachingMiddleware)
    app.add_middleware(PublicURLMiddleware, public_url=settings.public_url)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "OPTIONS"],
                       allow_headers=["*"], expose_headers=["ETag"])  # fmt: skip
    return app
