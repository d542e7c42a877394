"""Typed domain errors. Each has a stable `code`, and a message naming the field and value.

Adapters translate them once: the CLI to one stderr line and exit 1, the API to one
problem+json body.
"""

from __future__ import annotations


class EquipmentDBError(Exception):
    """Base of every expected error; never shown to a user as a traceback."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value

    def __str__(self) -> str:
        return self.message


class InvalidValue(EquipmentDBError):
    """A field holds a value the rules refuse."""

    code = "invalid_value"
    status = 422

    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(f"{field}: {value!r} {reason}", field=field, value=value)
        self.reason = reason


class MissingValue(EquipmentDBError):
    """A field that the rules require is empty."""

    code = "missing_value"
    status = 422

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: required {reason}", field=field, value=None)
        self.reason = reason


class NotFound(EquipmentDBError):
    code = "not_found"
    status = 404

    def __init__(self, entity: str, key: object, *, field: str | None = None) -> None:
        super().__init__(f"{entity} not found: {key!r}", field=field or entity, value=key)
        self.entity = entity


class AlreadyExists(EquipmentDBError):
    code = "already_exists"
    status = 409

    def __init__(self, entity: str, field: str, value: object) -> None:
        super().__init__(f"{entity} with {field} {value!r} already exists", field=field, value=value)
        self.entity = entity


class Ambiguous(EquipmentDBError):
    code = "ambiguous"
    status = 409

    def __init__(self, entity: str, key: object, candidates: list[str]) -> None:
        names = ", ".join(candidates)
        super().__init__(f"{entity} {key!r} is ambiguous: matches {names}", field=entity, value=key)
        self.candidates = candidates


class Retracted(EquipmentDBError):
    """A write targets an entry that was retracted (it stays readable, not editable)."""

    code = "retracted"
    status = 409

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key!r} is retracted and cannot be changed", field=entity, value=key)


class DatabaseNotReady(EquipmentDBError):
    code = "database_not_ready"
    status = 503


class Busy(EquipmentDBError):
    """Too many requests of one expensive kind at once; try again shortly (HTTP 503)."""

    code = "busy"
    status = 503


class TooLong(EquipmentDBError):
    """A text longer than its field holds; the message gives its length, not the text."""

    code = "too_long"
    status = 422

    def __init__(self, field: str, length: int, limit: int) -> None:
        super().__init__(f"{field}: {length:,} characters, more than the {limit:,} it may hold",
                         field=field, value=length)  # fmt: skip
        self.limit = limit


class DatabaseFull(EquipmentDBError):
    """The database, or the disk under it, has no room left; the transaction was rolled back."""

    code = "database_full"
    status = 507

    def __init__(self, database: str, reason: str) -> None:
        super().__init__(f"database: {database!r} is full ({reason}); nothing was written",
                         field="database", value=database)  # fmt: skip

    @staticmethod
    def caused(exc: BaseException) -> bool:
        """Whether a driver error (or SQLAlchemy's wrapper of one) says the database is full:
        SQLite's SQLITE_FULL, PostgreSQL's disk_full (SQLSTATE 53100, "could not extend file")."""
        orig = getattr(exc, "orig", None) or exc
        return (
            getattr(orig, "sqlite_errorcode", None) == _SQLITE_FULL
            or getattr(orig, "sqlstate", None) == "53100"
        )


_SQLITE_FULL = 13
