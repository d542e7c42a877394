"""The import/export record of an actor (referred to by name)."""

from __future__ import annotations

from typing import Any

from equipment_db.actors.models import Actor


def actor_record(actor: Actor) -> dict[str, Any]:
    return {
        "type": "actor", "name": actor.name, "kind": actor.kind.value, "country": actor.country,
        "role": actor.role, "wikidata_qid": actor.wikidata_qid, "description": actor.description,
    }  # fmt: skip
