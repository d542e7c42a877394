"""Every answer the API declares is a plain Pydantic model, down to its nested parts: a
SQLModel runs its own Python `__init__` for each object it validates (a system lookup spent
12 % of its instructions there). SQLModel stays for tables and for what editors write."""

from __future__ import annotations

import typing
from typing import Any

import sqlalchemy as sa
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlmodel import SQLModel

from equipment_db.api.app import create_app
from equipment_db.config import get_settings


def _models(annotation: Any, seen: set[type]) -> None:
    """Every Pydantic model `annotation` names, its fields' models included."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def _api_routes(routes: Any) -> Any:
    """The app's routes, through the routers it includes."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(getattr(route, "original_router", route), "routes", None)
        if inner is not None and inner is not routes:
            yield from _api_routes(inner)


def test_every_response_model_is_plain_pydantic() -> None:
    engine = sa.create_engine("sqlite://")  # the routes only: no request is made
    app = create_app(get_settings(url="sqlite://"), engine)
    engine.dispose()
    seen: set[type] = set()
    for route in _api_routes(app.routes):
        if route.response_model is not None:
            _models(route.response_model, seen)
    names = {model.__name__ for model in seen}
    assert {"SystemDetailPublic", "ClaimDetailPublic", "SourcePublic", "ActorPublic", "RevisionSnapshotPublic",
            "TimelinePublic"} <= names, names  # fmt: skip
    assert sorted(model.__name__ for model in seen if issubclass(model, SQLModel)) == []
