"""URL normalisation, so that one page is one source however its link was written."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from equipment_db.errors import InvalidValue

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid"}


def normalise_url(text: str | None, *, field: str = "url") -> str | None:
    """Lower-case scheme and host, drop the default port, the fragment and tracking
    parameters; keep path and the other query parameters exactly."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InvalidValue(field, text, f"is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidValue(field, text, "is not an http(s) URL with a host")
    host = parts.hostname.lower()
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if parts.username or parts.password:
        raise InvalidValue(field, text, "must not carry a user name or password")
    query_items = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in _TRACKING_PARAMS and not key.startswith(_TRACKING_PREFIXES)
    ]
    query = (
        urlencode(query_items, doseq=True)
        if query_items != parse_qsl(parts.query, keep_blank_values=True)
        else parts.query
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))
