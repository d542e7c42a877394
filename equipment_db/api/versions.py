"""What every versioned entry's routes share: revisions as responses, citations as text."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from equipment_db.citations.render import CitationFormat
from equipment_db.history.models import RevisionPublic, RevisionSnapshotPublic
from equipment_db.history.queries import RevisionRow

CITATION_MEDIA = {
    CitationFormat.bibtex: "application/x-bibtex; charset=utf-8",
    CitationFormat.ris: "application/x-research-info-systems; charset=utf-8",
    CitationFormat.csl_json: "application/vnd.citationstyles.csl+json",
}
CITATION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {}, "application/x-bibtex": {}, "application/x-research-info-systems": {},
                      "application/vnd.citationstyles.csl+json": {}}}
}  # fmt: skip


def revision_public(request: Request, revision: RevisionRow, url: str) -> RevisionPublic:
    editor = None if request.app.state.settings.private_editors else revision.editor
    return RevisionPublic(version=revision.version, action=revision.action, created_at=revision.created_at,
                          editor=editor, reason=revision.reason, url=url)  # fmt: skip


def snapshot_public(request: Request, revision: RevisionRow, url: str) -> RevisionSnapshotPublic:
    return RevisionSnapshotPublic(**revision_public(request, revision, url).model_dump(),
                                  snapshot=revision.snapshot)  # fmt: skip


def citation_response(text: str, fmt: CitationFormat) -> Response:
    return Response(text, media_type=CITATION_MEDIA.get(fmt, "text/plain; charset=utf-8"))
