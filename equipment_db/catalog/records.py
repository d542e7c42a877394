"""The import/export records of the catalogue: target types, systems and their aliases.

Records refer to each other by natural key: a system's parent and an alias's system by slug.
"""

from __future__ import annotations

from typing import Any

from equipment_db.catalog.models import Alias, System, TargetType


def target_type_record(target: TargetType) -> dict[str, Any]:
    return {
        "type": "target_type",
        "slug": target.slug,
        "name": target.name,
        "description": target.description,
    }


def system_record(system: System, parent_slug: str | None) -> dict[str, Any]:
    return {
        "type": "system", "slug": system.slug, "name": system.name, "category": system.category.value,
        "origin_country": system.origin_country, "manufacturer": system.manufacturer, "parent": parent_slug,
        "wikidata_qid": system.wikidata_qid, "description": system.description,
    }  # fmt: skip


def external_id_record(scheme: Any, value: str, part: str | None) -> dict[str, str]:
    """An external id as records, snapshots and exports show it: `part` only when it has one."""
    record = {"scheme": getattr(scheme, "value", scheme), "value": value}
    if part is not None:
        record["part"] = part
    return record


def alias_record(alias: Alias, system_slug: str) -> dict[str, Any]:
    return {"type": "alias", "system": system_slug, "name": alias.name, "kind": alias.kind.value}
