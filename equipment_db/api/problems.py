"""RFC 9457 problem+json: one body shape for every error, translated in one place."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from equipment_db.errors import Busy, EquipmentDBError, driver_error
from equipment_db.pages.finding import EmptyFields, redirect
from equipment_db.pages.negotiate import prefers_html
from equipment_db.pages.render import error_page

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("equipment_db.api")


class Problem(BaseModel):
    """An error: `type` and `code` are stable; `parameter` and `value` name what was wrong."""

    type: str = Field(examples=["/problems/not_found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["claim not found: 'C-00000000'"])
    code: str = Field(examples=["not_found"])
    parameter: str | None = Field(default=None, examples=["claim_id"])
    value: Any = None
    instance: str | None = Field(default=None, examples=["/v1/claims/C-00000000"])


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {MEDIA_TYPE: {}}, "description": title}
    for status, title in ((400, "Bad request"), (404, "Not found"), (422, "Invalid parameter"),
                          (503, "Query took too long"))
}  # fmt: skip


def problem(request: Request, status: int, code: str, detail: str, *, parameter: str | None = None,
            value: Any = None, headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    body = Problem(type=f"/problems/{code}", title=code.replace("_", " ").capitalize(), status=status,
                   detail=detail, code=code, parameter=parameter, value=_jsonable(value),
                   instance=request.url.path)  # fmt: skip
    if prefers_html(request.headers.get("accept")):
        return error_page(request, body.model_dump(), headers)
    return JSONResponse(body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def is_timeout(exc: sqlalchemy.exc.OperationalError) -> bool:
    """SQLite's progress handler ("interrupted") or PostgreSQL's statement_timeout."""
    text = str(exc.orig).lower()
    return "interrupted" in text or "statement timeout" in text or "canceling statement" in text


def install(app: FastAPI) -> None:
    @app.exception_handler(EmptyFields)
    async def _empty_fields(request: Request, exc: EmptyFields) -> Response:
        return redirect(exc)

    @app.exception_handler(EquipmentDBError)
    async def _domain(request: Request, exc: EquipmentDBError) -> Response:
        status = 400 if exc.status == 422 and exc.code == "invalid_value" else exc.status
        headers = {"Retry-After": "1"} if isinstance(exc, Busy) else None
        return problem(request, status, exc.code, exc.message, parameter=exc.field, value=exc.value,
                       headers=headers)  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        error = exc.errors()[0]
        parameter = str(error["loc"][-1]) if error.get("loc") else None
        detail = f"{parameter}: {error['msg']}" if parameter else error["msg"]
        return problem(
            request, 422, "invalid_parameter", detail, parameter=parameter, value=error.get("input")
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed"}
        code = codes.get(exc.status_code, "http_error")
        detail = {404: f"no such route: {request.url.path}", 405: "this API is read-only: only GET"}.get(
            exc.status_code, str(exc.detail)
        )
        headers = {"Allow": "GET, HEAD, OPTIONS"} if exc.status_code == 405 else None
        return problem(request, exc.status_code, code, detail, headers=headers)

    @app.exception_handler(sqlalchemy.exc.OperationalError)
    async def _operational(request: Request, exc: sqlalchemy.exc.OperationalError) -> Response:
        if is_timeout(exc):
            return problem(request, 503, "query_timeout", "the query took too long and was stopped; narrow it",
                           headers={"Retry-After": "1"})  # fmt: skip
        log.warning("database error on %s: %s", request.url.path, exc.orig)
        return problem(request, 503, "database_unavailable", "the database did not answer; try again")

    @app.exception_handler(sqlalchemy.exc.DBAPIError)
    async def _driver(request: Request, exc: sqlalchemy.exc.DBAPIError) -> Response:
        error = driver_error(exc)  # the one translation, shared with the CLI
        log.warning("database error on %s: %s", request.url.path, exc.orig)
        return problem(request, error.status, error.code, error.message, parameter=error.field)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return problem(request, 500, "internal_error", "an unexpected error occurred; it has been logged")
