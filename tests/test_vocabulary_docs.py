"""docs/VOCABULARY.md documents every scope (with the kinds that take it) and every stance."""

from __future__ import annotations

import re

from equipment_db.config import REPO_ROOT
from equipment_db.vocab import KIND_SCOPES, Scope, Stance

DOC = (REPO_ROOT / "docs" / "VOCABULARY.md").read_text(encoding="utf-8")


def _rows(heading: str) -> dict[str, list[str]]:
    section = DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): [c.strip() for c in m.group(2).split("|")]
            for m in re.finditer(r"^\| `(\w+)` \|(.*)\|$", section, re.MULTILINE)}  # fmt: skip


def test_every_scope_is_documented_with_the_kinds_that_take_it() -> None:
    rows = _rows("Scopes")
    assert set(rows) == {s.value for s in Scope}
    for scope in Scope:
        kinds = {k.strip() for k in rows[scope.value][-1].split(",")}
        assert kinds == {kind for kind, scopes in KIND_SCOPES.items() if scope in scopes}, scope


def test_every_stance_is_documented() -> None:
    assert set(_rows("Stance")) == {s.value for s in Stance}
