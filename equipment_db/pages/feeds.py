"""Atom feeds (RFC 4287) of new, revised and retracted claims, overall and per system, so
that researchers can follow a system in a feed reader.

Each entry is one version of one claim, which never changes: its id is the version's
permalink (a URI that stays the same for ever), its `alternate` link that version's page
and its `related` link the claim's current page. Addresses are on the public URL."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from fastapi.responses import Response

from equipment_db import permalinks
from equipment_db.citations.text import claim_sentence
from equipment_db.history.models import Revision

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # an empty feed's `updated`: stable, so is its ETag
ACTIONS = {"create": "New claim", "update": "Revised claim", "retract": "Retracted claim"}


def _stamp(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def entry_title(revision: Revision) -> str:
    version = f" (version {revision.version})" if revision.version > 1 else ""
    return f"{ACTIONS.get(revision.action.value, 'Changed claim')} {revision.entity_key}{version}"


def changes_feed(revisions: list[Revision], *, base_url: str, feed_url: str, title: str,
                 page_url: str) -> Response:  # fmt: skip
    """The feed whose own address is `feed_url` (its id too); `page_url`: the page it follows."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    _add(feed, "updated", _stamp(max((r.created_at for r in revisions), default=NEVER)))
    _add(_add(feed, "author"), "name", "equipment-db")
    _add(feed, "link", rel="self", type=MEDIA_TYPE, href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    for revision in revisions:
        key = revision.entity_key
        version_url = permalinks.version_permalink(base_url, "claim", key, revision.version)
        entry = _add(feed, "entry")
        _add(entry, "id", version_url)
        _add(entry, "title", entry_title(revision))
        _add(entry, "updated", _stamp(revision.created_at))
        _add(entry, "link", rel="alternate", type="text/html", href=version_url)
        _add(entry, "link", rel="related", type="text/html", href=permalinks.permalink(base_url, "claim", claim_id=key))
        summary = claim_sentence(revision.snapshot) + (f" Why: {revision.reason}" if revision.reason else "")
        _add(entry, "summary", summary, type="text")
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=MEDIA_TYPE)
