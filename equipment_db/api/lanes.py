"""Lanes: expensive work of one kind (searches, full exports) kept apart from the rest.

A lane has its own workers and a short queue. Work beyond both is refused at once with
503 (`Busy`, with `Retry-After`), never queued behind: a flood of searches cannot hold the
threads and connections that a claim lookup or `/health` needs (`Settings.api_connections`
counts a connection for each lane's worker). One lane per app, kept in `app.state`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from fastapi import Request

from equipment_db.errors import Busy

T = TypeVar("T")


class Lane:
    """At most `workers` calls at once, in threads that only this lane's work may take,
    and at most `queue` waiting for them."""

    def __init__(self, name: str, workers: int, queue: int = 0) -> None:
        self.name, self.workers, self.queue = name, workers, queue
        self.pending = 0  # running and waiting; touched only in the event loop
        self._limiter: tuple[asyncio.AbstractEventLoop, anyio.CapacityLimiter] | None = None

    def _refuse_if_full(self, field: str, value: object) -> None:
        if self.pending >= self.workers + self.queue:
            raise Busy(f"too many {self.name} at once ({self.workers} running, {self.queue} waiting); "
                       "try again in a moment", field=field, value=value)  # fmt: skip

    async def run(self, func: Callable[..., T], *args: Any, field: str, value: object) -> T:
        """`func(*args)` in one of the lane's threads, after the work queued before it."""
        self._refuse_if_full(field, value)
        self.pending += 1
        try:
            return await anyio.to_thread.run_sync(func, *args, limiter=self._capacity())
        finally:
            self.pending -= 1

    def take(self, *, field: str, value: object) -> Callable[[], None]:
        """One of the lane's places, held until the returned function is called (it may be
        called more than once); refused at once when all are taken. In the event loop only."""
        self._refuse_if_full(field, value)
        self.pending += 1
        held = [True]

        def give_back() -> None:
            if held.pop() if held else False:
                self.pending -= 1

        return give_back

    def _capacity(self) -> anyio.CapacityLimiter:
        loop = asyncio.get_running_loop()  # a test client may run each request in its own loop
        if self._limiter is None or self._limiter[0] is not loop:
            self._limiter = (loop, anyio.CapacityLimiter(self.workers))
        return self._limiter[1]


def lane(request: Request, name: str) -> Lane:
    """The app's lane named `name` (`searches`, `exports`), sized from its settings."""
    lanes: dict[str, Lane] = request.app.state.lanes
    return lanes[name]


def app_lanes(search_workers: int, search_queue: int, export_streams: int) -> dict[str, Lane]:
    return {"searches": Lane("searches", search_workers, search_queue),
            "exports": Lane("exports", export_streams)}  # fmt: skip
