"""Large answers (a system's quantities, timeline and page) are built at most
`large_answers` at once, and a request waiting for a place holds no session (deps.large_answer)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_client import api
from tests.dbs import DatabaseFactory

QUANTITIES = "/v1/systems/igla-s/quantities"
TIMELINE = "/v1/systems/igla-s/timeline?country=UA"
PAGE = "/v1/systems/igla-s"
HTML = {"accept": "text/html"}


class Gate:
    """Wraps the builders of large answers: counts the calls inside at once; each waits there
    until the gate opens (10 s at most)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = self.most = 0
        self.entered = threading.Semaphore(0)
        self.opened = threading.Event()

    def wrap(self, func: Callable[..., Any]) -> Callable[..., Any]:
        def gated(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.inside += 1
                self.most = max(self.most, self.inside)
            self.entered.release()
            try:
                self.opened.wait(10)
                return func(*args, **kwargs)
            finally:
                with self.lock:
                    self.inside -= 1

        return gated


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    from equipment_db.analysis import stored, timeline
    from equipment_db.pages import entries

    found = Gate()
    monkeypatch.setattr(stored, "quantities_json", found.wrap(stored.quantities_json))
    monkeypatch.setattr(timeline, "timeline", found.wrap(timeline.timeline))
    monkeypatch.setattr(entries, "system_page", found.wrap(entries.system_page))
    return found


def _get(client: TestClient, path: str, headers: dict[str, str] | None, into: dict[str, int]) -> threading.Thread:
    def run() -> None:
        into[path + str(headers)] = client.get(path, headers=headers).status_code

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("places", [1, 2])
def test_no_more_large_answers_are_built_at_once_than_configured(dbs: DatabaseFactory, gate: Gate,
                                                                 places: int) -> None:  # fmt: skip
    statuses: dict[str, int] = {}
    with api(dbs.seeded(), large_answers=places, api_threads=4) as client:
        threads = [_get(client, path, headers, statuses)
                   for path, headers in ((QUANTITIES, None), (TIMELINE, None), (PAGE, HTML))]  # fmt: skip
        for _ in range(places):
            assert gate.entered.acquire(timeout=10)
        time.sleep(0.3)  # time for a third to start, were there a place for it
        inside = gate.inside
        gate.opened.set()
        for thread in threads:
            thread.join(20)
    assert inside == places and gate.most == places
    assert sorted(statuses.values()) == [200, 200, 200], statuses


def test_a_request_waiting_for_a_large_answer_holds_no_session(dbs: DatabaseFactory, gate: Gate) -> None:
    """Two sessions, one place: one quantities answer is being built, another waits for the
    place. A system's JSON still gets the second session at once; were the waiting request
    holding it, the lookup would wait for the first answer."""
    statuses: dict[str, int] = {}
    with api(dbs.seeded(), large_answers=1, api_threads=2) as client:
        building = _get(client, QUANTITIES, None, statuses)
        assert gate.entered.acquire(timeout=10)
        waiting = _get(client, QUANTITIES, {"accept": "application/json"}, statuses)
        time.sleep(0.3)
        lookup = _get(client, PAGE, None, statuses)
        lookup.join(5)
        answered_while_building = not lookup.is_alive() and gate.inside == 1
        gate.opened.set()
        for thread in (building, waiting, lookup):
            thread.join(20)
    assert answered_while_building
    assert gate.most == 1
    assert sorted(statuses.values()) == [200, 200, 200], statuses
