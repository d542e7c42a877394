"""An entry's version history as people read it: who changed what, when and why."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from sqlmodel import Session

from equipment_db import permalinks
from equipment_db.config import Settings
from equipment_db.errors import NotFound
from equipment_db.history import queries as history_queries
from equipment_db.vocab import EntityType

_SHOWN = 90
_CONTEXT = 6  # words kept either side of a change in a long text's diff


def _text(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and "source" in value[0]:
            return ", ".join(c["source"].get("public_id", "?") for c in value)  # a claim's citations
        if value and isinstance(value[0], dict):
            return ", ".join(str(v.get("name") or v.get("value") or v) for v in value)
        return ", ".join(map(str, value))
    text = str(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _elide(words: list[str], *, head: bool, tail: bool) -> str:
    """Unchanged words between changes, cut to the few next to a change."""
    if len(words) <= 2 * _CONTEXT + 1:
        return " ".join(words)
    kept_head = words[:_CONTEXT] if head else []
    kept_tail = words[-_CONTEXT:] if tail else []
    return " ".join([*kept_head, "…", *kept_tail])


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The words removed (`del`), added (`ins`) and kept (`same`, cut to the words next to a
    change) from `old` to `new`, in reading order."""
    a, b = old.split(), new.split()
    opcodes = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    parts: list[tuple[str, str]] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            parts.append(("same", _elide(a[i1:i2], head=index > 0, tail=index < len(opcodes) - 1)))
            continue
        if i2 > i1:
            parts.append(("del", " ".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("ins", " ".join(b[j1:j2])))
    return parts


def _long_text(old: Any, new: Any) -> bool:
    return isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > _SHOWN


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Fields whose value differs between two snapshots, as `field: old → new`; a long text
    also as its changed words (`diff`), since cut to a prefix both sides can look the same."""
    return [{"field": name.replace("_", " "), "before": _text(old), "after": _text(new),
             "diff": word_diff(old, new) if _long_text(old, new) else None}
            for name, old, new in history_queries.changes_by_name(before, after)]  # fmt: skip


def history(revisions: Sequence[history_queries.RevisionRow], version_url: Any, *,
            private_editors: bool) -> list[dict[str, Any]]:  # fmt: skip
    """Newest first; each version with its link and what it changed from the one before."""
    rows = []
    previous: dict[str, Any] = {}
    for revision in revisions:
        rows.append({
            "version": revision.version, "action": revision.action.value, "at": revision.created_at,
            "editor": None if private_editors else revision.editor, "reason": revision.reason,
            "url": version_url(revision.version),
            "changes": changes(previous, revision.snapshot) if previous else [],
        })  # fmt: skip
        previous = revision.snapshot
    return rows[::-1]


def versions(request: Request, session: Session, settings: Settings, kind: EntityType, entity_id: int,
             key: str, version: int | None) -> tuple[history_queries.RevisionRow, dict[str, Any]]:  # fmt: skip
    """The revision shown (the latest, or `version`) and what every entry page says of its
    versions: which one this is, the latest, the history, the JSON twin and the permalink.
    Links to versions stay on the host the page was asked on; the permalink (the page's
    canonical address) is the one its citations give, on the public URL."""
    def version_url(number: int) -> str:
        return permalinks.version_permalink(str(request.base_url), kind.value, key, number)

    revisions = history_queries.revisions(session, kind, entity_id)
    shown = revisions[-1] if version is None else next((r for r in revisions if r.version == version), None)
    if shown is None:
        raise NotFound(f"{kind.value} version", f"{key} v{version}", field="version")
    return shown, {
        "shown_version": shown.version, "shown_at": shown.created_at, "latest_version": revisions[-1].version,
        "is_version_page": version is not None, "version_url": version_url,
        "changed_since": changes(shown.snapshot, revisions[-1].snapshot) if shown is not revisions[-1] else [],
        "history": history(revisions, version_url, private_editors=settings.private_editors),
        "permalink": permalinks.version_permalink(settings.public_url, kind.value, key, shown.version),
        "json_url": version_url(shown.version) if version is not None else str(request.url),
    }  # fmt: skip
