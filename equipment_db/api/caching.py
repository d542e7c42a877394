"""ETag, Cache-Control, HEAD and the security headers of every response.

What a response may be cached for follows what it shows:
- the JSON of a version (`/versions/N`) never changes: immutable, for a year;
- an HTML page shows things that change (a version page says "version N of M" and carries
  retraction banners): `no-cache`, so a cache revalidates it by its ETag each time;
- `/health` is about now: `no-store`;
- anything else: a minute.
`If-None-Match` follows RFC 9110 (13.1.2): `*` or any listed entity tag, compared weakly,
answers 304. HEAD answers every GET route with the GET's headers and no body. Every
response says `nosniff`, may not be framed, and pages may run only the scripts and styles
they are served with (`/assets/...`), never inline ones.
"""

from __future__ import annotations

import hashlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from equipment_db import permalinks

IMMUTABLE = "public, max-age=31536000, immutable"
CURRENT = "public, max-age=60"
REVALIDATE = "no-cache"
UNCACHED = "no-store"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]  # fmt: skip


class CachingMiddleware:
    """Adds a strong ETag (SHA-256 of the body), Cache-Control and the security headers to
    successful GETs and HEADs, and answers 304 when If-None-Match matches. Streaming
    responses pass through with the security headers only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, _secured(send))
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}  # the GET route answers; its body is dropped
        start: Message | None = None
        chunks: list[bytes] = []
        streaming = False

        async def buffer(message: Message) -> None:
            nonlocal start, streaming
            if message["type"] == "http.response.start":
                start = message
                return
            if streaming:
                if not head:
                    await send(message)
                elif not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b""})
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                streaming = True
                await send({**start, "headers": [*start.get("headers", []), *SECURITY_HEADERS]})  # type: ignore[index]
                if not head:
                    for chunk in chunks:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                return
            await self._finish(scope, start, b"".join(chunks), send, head=head)  # type: ignore[arg-type]

        await self.app(scope, receive, buffer)

    async def _finish(self, scope: Scope, start: Message, body: bytes, send: Send, *, head: bool) -> None:
        headers = [*start.get("headers", []), *SECURITY_HEADERS]
        if not any(k.lower() == b"vary" and b"accept" in v.lower() for k, v in headers):
            headers.append((b"vary", b"Accept"))  # entry pages: HTML for browsers, JSON otherwise
        if start["status"] == 200:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers.append((b"etag", etag.encode()))
            headers.append((b"cache-control", cache_control(scope.get("path", ""), headers).encode()))
            if none_match(_header(scope, b"if-none-match"), etag):
                kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body})


def cache_control(path: str, headers: list[tuple[bytes, bytes]]) -> str:
    """How long a 200 at `path` may be cached: see the module's docstring."""
    if path == permalinks.HEALTH:
        return UNCACHED
    html = any(k.lower() == b"content-type" and v.lower().startswith(b"text/html") for k, v in headers)
    if html:
        return REVALIDATE
    return IMMUTABLE if "/versions/" in path else CURRENT


def none_match(header: str, etag: str) -> bool:
    """RFC 9110 If-None-Match for GET and HEAD: `*`, or one of the listed tags, compared
    weakly (`W/"x"` matches `"x"`)."""
    if not header.strip():
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def _secured(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
        await send(message)

    return wrapped


def _header(scope: Scope, name: bytes) -> str:
    return ", ".join(value.decode("latin-1") for key, value in scope.get("headers", []) if key.lower() == name)
