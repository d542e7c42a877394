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


class Several(EquipmentDBError):
    """Everything wrong with one input at once (each field's error in `errors`), so that an
    editor fixes a record in one pass; the message gives them all on one line."""

    code = "invalid_value"
    status = 422

    def __init__(self, errors: list[EquipmentDBError]) -> None:
        super().__init__("; ".join(e.message for e in errors), field=errors[0].field, value=errors[0].value)
        self.errors = errors

    @staticmethod
    def raise_any(errors: list[EquipmentDBError]) -> None:
        """Raise the one error, or all of them together; nothing when there are none."""
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise Several(errors)


def each_error(error: EquipmentDBError) -> list[EquipmentDBError]:
    """The errors `error` stands for: its parts if it is `Several`, else itself."""
    return error.errors if isinstance(error, Several) else [error]


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


class Conflict(EquipmentDBError):
    """A write that an existing entry rules out (the same entry again, or one it cannot stand
    beside); the message names that entry and what to do first."""

    code = "conflict"
    status = 409

    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(f"{field}: {value} {reason}", field=field, value=value)


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


class DatabaseError(EquipmentDBError):
    """A driver error that no rule of the library caught first: shown as one line that names
    the column or constraint the database named, never as a traceback."""

    code = "database_error"
    status = 503


# SQLSTATE classes (PostgreSQL) and SQLite's message prefixes, read into one line each.
_SQLSTATE_READINGS = {
    "22001": "is longer than its column holds",
    "23502": "is required",
    "23503": "refers to a row that does not exist",
    "23505": "is already taken",
    "23514": "breaks a check constraint",
}
_SQLITE_PREFIXES = (
    ("UNIQUE constraint failed: ", "is already taken"),
    ("NOT NULL constraint failed: ", "is required"),
    ("CHECK constraint failed: ", "breaks a check constraint"),
    ("FOREIGN KEY constraint failed", "refers to a row that does not exist"),
)


def driver_error(exc: BaseException, database: str | None = None) -> EquipmentDBError:
    """The one translation of a driver error (SQLAlchemy's `DBAPIError`, or the driver's own)
    into an expected error: the disk is full, a constraint refused a value (naming its column
    or constraint), or the database did not answer (its first line, never the SQL)."""
    if DatabaseFull.caused(exc):
        return DatabaseFull(database or "database", _first_line(exc))
    orig = getattr(exc, "orig", None) or exc
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _SQLSTATE_READINGS:
        diag = getattr(orig, "diag", None)
        field = (getattr(diag, "column_name", None) or getattr(diag, "constraint_name", None)
                 or getattr(diag, "table_name", None) or "value")  # fmt: skip
        return DatabaseError(f"{field}: {_SQLSTATE_READINGS[sqlstate]} ({_first_line(exc)})", field=field)
    text = _first_line(exc)
    for prefix, reading in _SQLITE_PREFIXES:
        if text.startswith(prefix):
            field = text[len(prefix):].split(",")[0].strip() or "value"
            return DatabaseError(f"{field}: {reading} ({text})", field=field)
    return DatabaseError(f"database: {text}", field="database")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__
