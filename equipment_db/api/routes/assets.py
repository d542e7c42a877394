"""The pages' style sheet, script and icon, and Swagger UI, served from the package: no inline
script or style (the pages' Content-Security-Policy), and `/docs` works offline."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from equipment_db.errors import NotFound

router = APIRouter(include_in_schema=False)

_PAGES = resources.files("equipment_db.pages").joinpath("static")
_SWAGGER = resources.files("fastapi_offline").joinpath("static")  # Swagger UI 5: it reads OpenAPI 3.1
_SWAGGER_FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon.png")
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".png": "image/png"}
DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>equipment-db API</title>
<link rel="stylesheet" href="/assets/swagger/swagger-ui.css">
<link rel="icon" type="image/png" href="/assets/swagger/favicon.png"></head>
<body><div id="swagger-ui"></div>
<script src="/assets/swagger/swagger-ui-bundle.js"></script>
<script src="/assets/swagger-init.js"></script></body></html>
"""


@router.get("/assets/swagger/{name}")
def swagger_asset(name: str) -> Response:
    if name not in _SWAGGER_FILES:
        raise NotFound("asset", name, field="name")
    return Response(_SWAGGER.joinpath(name).read_bytes(), media_type=_TYPES[Path(name).suffix])


@router.get("/assets/{name}")
def page_asset(name: str) -> Response:
    found = _PAGES.joinpath(name)
    if "/" in name or name.startswith(".") or Path(name).suffix not in _TYPES or not found.is_file():
        raise NotFound("asset", name, field="name")
    return Response(found.read_bytes(), media_type=_TYPES[Path(name).suffix])


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask every site for it: a 32 px icon (PNG inside ICO), not a 404 on every page."""
    return Response(_PAGES.joinpath("favicon.ico").read_bytes(), media_type="image/vnd.microsoft.icon")


@router.get("/docs")
def docs() -> HTMLResponse:
    return HTMLResponse(DOCS)


@router.get("/redoc")
def redoc() -> RedirectResponse:
    return RedirectResponse("/docs", status_code=308)
