"""The Jinja2 environment and the one function that turns a template into a response."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import quote
from weakref import WeakKeyDictionary

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from equipment_db import __version__, permalinks
from equipment_db.citations.render import CitationFormat
from equipment_db.citations.text import words
from equipment_db.claims.text import describe_quantity
from equipment_db.normalize.countries import country_label
from equipment_db.normalize.dates import claim_edtf, edtf_words, format_date, format_moment, iso_date, utc_day


def value_words(value: dict[str, Any]) -> str:
    """A specification value as the source gave it: `up to 6 km`, or its text."""
    return describe_quantity(value) or value.get("value_text") or "no value given"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("equipment_db.pages", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(words=lambda v: words(str(v)) if v else "", country=country_label,
                       date=lambda v, precision=None: format_date(v, precision) or "",
                       day=lambda v: format_date(utc_day(v)), moment=format_moment,
                       value=value_words, edtf=lambda v: edtf_words(v) or "", iso_date=iso_date)  # fmt: skip
    env.globals.update(version=__version__, address=permalinks.path, claim_edtf=claim_edtf)
    return env


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """Render `template`; every page knows its own address and its JSON twin.

    Encoded as it is generated, piece by piece, not rendered into one string first: one
    character beyond Latin-1 anywhere (a Cyrillic name, a typographic quote) makes Python
    store the whole page at two bytes a character, so a busy system's page (1.4 MB at the
    benchmark's S) held 2.9 MB of text besides its bytes while it was encoded."""
    pieces = environment().get_template(template).generate(request=request, path=request.url.path,
                                                           claim_url=url_template(request, "get_claim", "claim_id"),
                                                           source_url=url_template(request, "get_source", "source_id"),
                                                           **context)  # fmt: skip
    return HTMLResponse(b"".join(piece.encode() for piece in pieces), status_code=status, headers={"Vary": "Accept"})


_PLAIN = re.compile(r"[A-Za-z0-9_.~-]+")  # what `quote` leaves as it is


def url_template(request: Request, route: str, param: str) -> Callable[[str], str]:
    """`request.url_for(route, **{param: value})` for many values, the value percent-quoted
    unless plain: the route is looked up once per app and base URL (Starlette's url_for walks
    every route, ~40 µs: per row it cost a quarter of a list request, and a system page links
    up to 7,000 claims)."""
    scope = request.scope
    key = (route, param, scope.get("scheme"), scope.get("server"), scope.get("root_path", ""),
           request.headers.get("host"))  # fmt: skip
    templates = _templates.setdefault(request.app, {})
    template = templates.get(key)
    if template is None:
        if len(templates) > 1000:  # a bound: the root path and the host come with requests
            templates.clear()
        template = templates[key] = str(request.url_for(route, **{param: _MARKER}))
    head, _, tail = template.partition(_MARKER)
    return lambda value: head + (value if _PLAIN.fullmatch(value) else quote(value, safe="")) + tail


_MARKER = "__equipment_db_key__"
_templates: WeakKeyDictionary[Any, dict[tuple[Any, ...], str]] = WeakKeyDictionary()


def error_page(request: Request, problem: dict[str, Any], headers: dict[str, str] | None) -> HTMLResponse:
    """A problem (RFC 9457) as a page, for a browser that followed a broken or bad link."""
    response = page(request, "error.html", status=problem["status"], title=problem["title"], problem=problem,
                    jsonld=None, json_url=str(request.url))  # fmt: skip
    response.headers.update(headers or {})
    return response


class RenderedCitations:
    """Citations of versions, kept once rendered: a version never changes, and citeproc takes
    tens of milliseconds per style (a claim page shows six formats). Keyed by the database,
    the entry, its version and when that was written, the format, the base URL and the day
    (formats state when the entry was accessed); at most `size` kept, least recent dropped."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], render: Callable[[], str]) -> str:
        key = (*key, date.today())
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        text = render()
        with self._lock:
            self._kept[key] = text
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return text


citations_kept = RenderedCitations()


FORMAT_LABELS = {"apa": "APA", "chicago": "Chicago", "mla": "MLA", "bibtex": "BibTeX", "ris": "RIS",
                 "csl-json": "CSL-JSON"}  # fmt: skip


def cite_box(render_one: Callable[[CitationFormat], str], key: tuple[Any, ...]) -> list[dict[str, str]]:
    """Every citation format of one version; `key` names that version (see RenderedCitations)."""
    return [{"format": f.value, "label": FORMAT_LABELS[f.value],
             "text": citations_kept.get((*key, f.value), lambda f=f: render_one(f))}
            for f in CitationFormat]  # fmt: skip
