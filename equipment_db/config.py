"""One typed settings object. Nothing here reads the environment at import time."""

from __future__ import annotations

import getpass
from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from equipment_db.layout import shipped

APP_NAME = "equipment-db"
REPO_ROOT = Path(__file__).resolve().parent.parent  # a checkout's root (docs/, tests/); not in a wheel


def default_sqlite_path() -> Path:
    """The embedded default database: a SQLite file in the user's data directory."""
    return user_data_path(APP_NAME, appauthor=False) / "equipment-db.sqlite3"


# URLs without a driver mean psycopg 3, the PostgreSQL driver installed (SQLAlchemy would look
# for psycopg2); `postgres://` is the spelling Heroku, libpq and many hosts hand out.
_DRIVER_DEFAULTS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


def with_driver(url: str) -> str:
    """The URL with the driver the project installs when it names none (`postgresql://...`,
    `postgres://...` -> `postgresql+psycopg://...`); any other URL as given."""
    scheme, sep, rest = url.partition("://")
    return f"{_DRIVER_DEFAULTS[scheme.lower()]}://{rest}" if sep and scheme.lower() in _DRIVER_DEFAULTS else url


def shown_url(url: str) -> str:
    """A database URL as every message, log line and report shows it: the password masked."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads; mask what looks like a password anyway
        return _masked(url)


def _masked(url: str) -> str:
    """From the last ':' of user:password to the last '@', masked."""
    at = url.rfind("@")
    start = url.find("//", 0, max(at, 0)) + 2 if "//" in url[: max(at, 0)] else 0
    colon = url.find(":", start, at) if at > 0 else -1
    return url if colon < 0 else f"{url[: colon + 1]}***{url[at:]}"


def _default_editor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "unknown"


class Settings(BaseSettings):
    """equipment-db settings; each field can be set as an `EQUIPMENT_DB_<NAME>` variable."""

    model_config = SettingsConfigDict(env_prefix="EQUIPMENT_DB_", extra="ignore")

    url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy database URL. Unset means the embedded SQLite default in the user's "
            "data directory. PostgreSQL: postgresql://user@host:5432/dbname (postgres:// too; both "
            "mean postgresql+psycopg://, the driver installed)."
        ),
    )
    editor: str = Field(
        default_factory=_default_editor,
        description="Name recorded as the editor on every revision (default: the OS user).",
    )
    private_editors: bool = Field(
        default=False,
        description="Keep editors' names out of the API: versions then show `editor: null`. "
        "The database and the CLI still record and show them.",
    )
    sqlite_busy_timeout_ms: int = Field(
        default=5000,
        ge=0,
        description="How long a SQLite connection waits for a lock before failing, in ms.",
    )
    seed_dir: Path = Field(
        default_factory=lambda: shipped("seed_data"),
        description="Folder of curated seed files loaded by `equipment-db seed`.",
    )
    echo_sql: bool = Field(default=False, description="Log every SQL statement (debugging).")
    query_timeout_ms: int = Field(
        default=5000,
        ge=10,
        description="API queries running longer are stopped and answered with 503.",
    )
    api_threads: int = Field(
        default=4,
        ge=1,
        le=200,
        description="Worker threads (and so database connections) one API process uses at once. "
        "Under the GIL more add memory (on SQLite each connection keeps up to 2 MB of pages), "
        "not speed: 4 answered as fast as 8 on one core (bench/README.md).",
    )
    large_answers: int = Field(
        default=1,
        ge=1,
        le=200,
        description="Large answers (a system's quantities, timelines and system pages, megabytes "
        "for a busy system) one API process builds at once; more wait their turn. Under the GIL "
        "a second one at once adds memory, not speed.",
    )
    search_workers: int = Field(
        default=2,
        ge=1,
        le=50,
        description="Searches the API runs at once, in threads of their own (each may merge a "
        "common word's matches in memory).",
    )
    search_queue: int = Field(
        default=8,
        ge=0,
        le=1000,
        description="Searches that may wait for a free search worker; one more is answered "
        "503 at once.",
    )
    export_streams: int = Field(
        default=2,
        ge=1,
        le=50,
        description="Full exports (/v1/export) streamed at once, each on a connection of its "
        "own; one more is answered 503 at once.",
    )
    max_connections: int = Field(
        default=1000,
        ge=1,
        description="Open client connections one `serve` process accepts; beyond them it "
        "answers 503.",
    )
    request_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="A request must arrive whole within this many seconds of its first byte "
        "(or of the connection, if it sends nothing); otherwise 408 and the connection closes.",
    )
    max_header_bytes: int = Field(
        default=16 * 1024,
        ge=1024,
        description="Largest request line and headers `serve` reads; larger is answered 431.",
    )
    max_body_bytes: int = Field(
        default=64 * 1024,
        ge=0,
        description="Largest request body `serve` reads (the API is read-only); larger is "
        "answered 413.",
    )
    public_url: str = Field(
        default="http://localhost:8000",
        description="Base URL where this database's API is published; permalinks in citations "
        "start with it (e.g. https://db.example.org).",
    )

    @field_validator("url")
    @classmethod
    def _with_driver(cls, url: str | None) -> str | None:
        return with_driver(url) if url else url

    @property
    def is_embedded_default(self) -> bool:
        return self.url is None

    @property
    def api_connections(self) -> int:
        """The API's database connections: one per worker thread, per search worker and per
        export stream, so that none of them ever waits for the pool."""
        return self.api_threads + self.search_workers + self.export_streams

    @property
    def database_url(self) -> str:
        if self.url:
            return self.url
        return f"sqlite:///{default_sqlite_path()}"

    @property
    def shown_url(self) -> str:
        """The database URL with its password masked (config.shown_url)."""
        return shown_url(self.database_url)


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides (e.g. CLI flags) on top."""
    clean = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**clean)
