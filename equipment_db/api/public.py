"""Links come from settings, never from the request: every link the API and the pages write
(permalinks, `next`, canonical links, the alias redirect's Location) is built on
EQUIPMENT_DB_PUBLIC_URL's scheme and host, whatever `Host` or `X-Forwarded-*` a client sends.
Responses marked `public, immutable` are shared by caches, so a link that followed a
client's Host would be served to everyone. A path under which a proxy publishes the API
(https://example.org/equipment) is given to uvicorn as `--root-path`, not here."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send


class PublicURLMiddleware:
    def __init__(self, app: ASGIApp, public_url: str) -> None:
        self.app = app
        parts = urlsplit(public_url)
        self.scheme = parts.scheme or "http"
        self.host = (parts.netloc or "localhost").encode("latin-1")
        port = parts.port or (443 if self.scheme == "https" else 80)
        self.server = (parts.hostname or "localhost", port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = [(k, v) for k, v in scope.get("headers", [])
                       if k.lower() not in (b"host", b"x-forwarded-host", b"x-forwarded-proto", b"forwarded")]  # fmt: skip
            scope = {**scope, "scheme": self.scheme, "server": self.server, "headers": [(b"host", self.host), *headers]}
        await self.app(scope, receive, send)
