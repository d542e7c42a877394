"""How `serve` runs the API under uvicorn, with limits a hostile client cannot get round.

uvicorn's own settings cap open connections (`limit_concurrency`: beyond it, 503) and close
idle keep-alive connections. It does not bound a request that never finishes arriving, nor
the size of its headers (httptools buffers a header of any length). `GuardedHttpTools`
adds both, at the protocol, before any of the application runs:

- a request must arrive whole (line, headers and body) within `request_timeout_s` of its
  first byte, or of the connection if it sends nothing: otherwise 408, and the connection
  closes;
- its request line and headers may take at most `max_header_bytes` (431), its body at most
  `max_body_bytes` (413).

Several workers, or another process manager, take the same protocol by its import string:

    uvicorn equipment_db.api.asgi:app --workers 4 --http equipment_db.api.server:GuardedHttpTools \\
        --limit-concurrency 1000 --timeout-keep-alive 5

(the limits then come from the EQUIPMENT_DB_* variables, as the app's settings do).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, ClassVar

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from equipment_db.config import Settings, get_settings

_REASONS = {408: b"Request Timeout", 413: b"Content Too Large", 431: b"Request Header Fields Too Large"}


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for each request to arrive and caps on
    the size of its head and body. The limits are class attributes: `guarded_protocol`
    makes a subclass with a `Settings`' values; this class reads the environment's."""

    limits: ClassVar[tuple[float, int, int] | None] = None  # timeout s, head bytes, body bytes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_s, self.max_head, self.max_body = self.limits or _environment_limits()
        self._head = 0  # bytes read while reading a request line and headers
        self._parsed_head = 0  # of which parsed: the request line and the headers so far
        self._in_head = True
        self._body = 0
        self._deadline: asyncio.TimerHandle | None = None

    # --- the deadline: armed when a request may start, disarmed when it has all arrived --------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._body, self._parsed_head = True, 0, 0
        if self._deadline is None:
            self._arm()

    def on_message_complete(self) -> None:
        self._disarm()
        if not self.transport.is_closing():  # refused: the parser may still be reading the rest
            super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._head, self._parsed_head, self._in_head = 0, 0, True
            self._arm()  # the next request on this connection; uvicorn's keep-alive timer also runs

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.cycle is not None and not self.cycle.response_complete and self.cycle.response_started:
            return  # a response is being sent: not this timer's business
        self._refuse(408, f"the request did not arrive whole within {self.timeout_s:g} s")

    # --- sizes ------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self._in_head:
            self._head += len(data)
            # A header is parsed only when whole (httptools buffers it): count what arrives. The
            # same bytes may hold a body, so the bound here is the sum; the parsed head is
            # held to its own below.
            if self._head > self.max_head + self.max_body:
                self._refuse(431, f"request line and headers over {self.max_head} bytes")
                return
        super().data_received(data)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._check_head(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._check_head(len(name) + len(value) + 4)

    def _check_head(self, more: int) -> None:
        self._parsed_head += more
        if self._parsed_head > self.max_head:
            self._refuse(431, f"request line and headers over {self.max_head} bytes")

    def on_headers_complete(self) -> None:
        self._in_head, self._parsed_head = False, 0
        if self.transport.is_closing():
            return
        declared = dict(self.headers).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body:
            self._refuse(413, f"request body over {self.max_body} bytes")
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self.transport.is_closing():
            return
        self._body += len(body)
        if self._body > self.max_body:
            self._refuse(413, f"request body over {self.max_body} bytes")
            return
        super().on_body(body)

    def _refuse(self, status: int, why: str) -> None:
        """Answer `status` and close, unless a response has begun (then only close)."""
        self._disarm()
        if self.transport.is_closing():
            return
        started = self.cycle is not None and self.cycle.response_started
        if not started:
            text = why.encode("ascii")
            self.transport.write(
                b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
                b"connection: close\r\n\r\n%s" % (status, _REASONS[status], len(text), text)
            )
        self.logger.warning("closed a connection from %s: %s", _peer(self.client), why)
        self.transport.close()


def _peer(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "a client"


@functools.cache
def _environment_limits() -> tuple[float, int, int]:
    settings = get_settings()
    return settings.request_timeout_s, settings.max_header_bytes, settings.max_body_bytes


def guarded_protocol(settings: Settings) -> type[GuardedHttpTools]:
    """`GuardedHttpTools` with `settings`' limits."""
    limits = (settings.request_timeout_s, settings.max_header_bytes, settings.max_body_bytes)
    return type("GuardedHttpTools", (GuardedHttpTools,), {"limits": limits})


def server_config(app: Any, settings: Settings, host: str, port: int) -> Config:
    """uvicorn's settings for `serve`: the guarded protocol, the cap on open connections, and
    a short keep-alive (an idle connection is closed after 5 s)."""
    return Config(app, host=host, port=port, log_level="info", http=guarded_protocol(settings),
                  limit_concurrency=settings.max_connections, timeout_keep_alive=5,
                  h11_max_incomplete_event_size=settings.max_header_bytes)  # fmt: skip
