"""Undo a response's Content-Encoding while it streams in, with a cap on the decoded size.

A few kilobytes of gzip can hold gigabytes of zeros, and encodings stack
(`Content-Encoding: gzip, gzip`). So each layer is decompressed with a bounded output
(`zlib.decompressobj().decompress(data, max_length)`), one chunk at a time through every
layer, and the body is refused the moment its decoded size passes the cap: memory stays
near the cap whatever the server sends. httpx's own decoding checks nothing until a
whole chunk is inflated, so the raw bytes are read and decoded here.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

CHUNK = 64 * 1024  # the most any layer produces from one call
MAX_LAYERS = 3  # `gzip, gzip, gzip` is read; a longer stack is refused
ACCEPT_ENCODING = "gzip, deflate"  # what `Decoder` can undo, to send as Accept-Encoding
_GZIP, _ZLIB, _RAW_DEFLATE = 16 + zlib.MAX_WBITS, zlib.MAX_WBITS, -zlib.MAX_WBITS


class DecodeRefused(Exception):
    """The body cannot or may not be decoded; the message says why (after "url: '...' ")."""


class _Layer:
    """One gzip or deflate layer. gzip may hold several members, one after another; HTTP's
    "deflate" should be zlib-wrapped, but raw deflate is common too, so both are read."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._inflate = zlib.decompressobj(_GZIP if name == "gzip" else _ZLIB)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self._inflate.decompress(data, CHUNK)
            except zlib.error as exc:
                if self.name == "deflate" and not self._started:  # not zlib-wrapped: raw deflate
                    self._inflate, self._started = zlib.decompressobj(_RAW_DEFLATE), True
                    continue
                raise DecodeRefused(f"has a body that is not valid {self.name} ({exc})") from None
            self._started = True
            data = self._inflate.unconsumed_tail
            if self._inflate.eof and self._inflate.unused_data:
                data = self._next_member(self._inflate.unused_data)
            if out:
                yield out
            if not data and len(out) < CHUNK:  # all input used, no output left waiting
                return

    def _next_member(self, rest: bytes) -> bytes:
        if self.name != "gzip":
            raise DecodeRefused(f"has {len(rest)} bytes after the end of its {self.name} data")
        self._inflate = zlib.decompressobj(_GZIP)
        return rest

    def check_complete(self) -> None:
        if self._started and not self._inflate.eof:
            raise DecodeRefused(f"has a {self.name} body that ends before its compressed data does")


class Decoder:
    """Decode the raw body chunk by chunk: `feed` each chunk read, then `finish`. Both
    return the decoded chunks and raise `DecodeRefused` past `max_bytes` of decoded body,
    on an encoding it cannot undo, or on a corrupt or truncated stream."""

    def __init__(self, content_encoding: str, *, max_bytes: int) -> None:
        names = [n.strip().lower() for n in content_encoding.split(",")]
        names = ["gzip" if n == "x-gzip" else n for n in names if n and n != "identity"]
        unknown = [n for n in names if n not in ("gzip", "deflate")]
        if unknown:
            raise DecodeRefused(
                f"is sent with Content-Encoding {unknown[0]!r}, which cannot be decoded "
                f"(accepted: {ACCEPT_ENCODING})"
            )
        if len(names) > MAX_LAYERS:
            raise DecodeRefused(
                f"is sent with {len(names)} stacked Content-Encodings ({content_encoding.strip()!r}); "
                f"at most {MAX_LAYERS} are read"
            )
        self._layers = [_Layer(name) for name in reversed(names)]  # the last applied comes off first
        self.max_bytes = max_bytes
        self.size = 0
        self.compressed = bool(names)

    def feed(self, raw: bytes) -> list[bytes]:
        out = []
        for chunk in self._through(0, raw):
            self.size += len(chunk)
            if self.size > self.max_bytes:
                where = " once decompressed" if self.compressed else ""
                raise DecodeRefused(f"is larger than {self.max_bytes} bytes (max_bytes){where}")
            out.append(chunk)
        return out

    def finish(self) -> list[bytes]:
        out = self.feed(b"")
        for layer in self._layers:
            layer.check_complete()
        return out

    def _through(self, depth: int, data: bytes) -> Iterator[bytes]:
        if depth == len(self._layers):
            if data:
                yield data
            return
        for chunk in self._layers[depth].feed(data):
            yield from self._through(depth + 1, chunk)
