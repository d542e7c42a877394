"""ETag and Cache-Control for GET responses: versions are immutable and cache forever."""

from __future__ import annotations

import hashlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

IMMUTABLE = "public, max-age=31536000, immutable"
CURRENT = "public, max-age=60"


class CachingMiddleware:
    """Adds a strong ETag (SHA-256 of the body) and Cache-Control to successful GETs, and
    answers 304 when If-None-Match matches. Streaming responses pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []
        streaming = False

        async def buffer(message: Message) -> None:
            nonlocal start, streaming
            if message["type"] == "http.response.start":
                start = message
                return
            if streaming:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                streaming = True
                await send(start)  # type: ignore[arg-type]
                for chunk in chunks:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                return
            await self._finish(scope, start, b"".join(chunks), send)  # type: ignore[arg-type]

        await self.app(scope, receive, buffer)

    async def _finish(self, scope: Scope, start: Message, body: bytes, send: Send) -> None:
        headers = list(start.get("headers", []))
        if not any(k.lower() == b"vary" and b"accept" in v.lower() for k, v in headers):
            headers.append((b"vary", b"Accept"))  # entry pages: HTML for browsers, JSON otherwise
        if start["status"] == 200:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            path = scope.get("path", "")
            headers.append((b"etag", etag.encode()))
            headers.append((b"cache-control", (IMMUTABLE if "/versions/" in path else CURRENT).encode()))
            if etag in _header(scope, b"if-none-match"):
                kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""
