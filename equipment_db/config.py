"""One typed settings object. Nothing here reads the environment at import time."""

from __future__ import annotations

import getpass
from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from equipment_db.layout import shipped

APP_NAME = "equipment-db"
REPO_ROOT = Path(__file__).resolve().parent.parent  # a checkout's root (docs/, tests/); not in a wheel


def default_sqlite_path() -> Path:
    """The embedded default database: a SQLite file in the user's data directory."""
    return user_data_path(APP_NAME, appauthor=False) / "equipment-db.sqlite3"


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
            "data directory. PostgreSQL: postgresql+psycopg://user@host:5432/dbname."
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
        default=8,
        ge=1,
        le=200,
        description="Worker threads (and so database connections) one API process uses at once; "
        "more only add memory under the GIL.",
    )
    public_url: str = Field(
        default="http://localhost:8000",
        description="Base URL where this database's API is published; permalinks in citations "
        "start with it (e.g. https://db.example.org).",
    )

    @property
    def is_embedded_default(self) -> bool:
        return self.url is None

    @property
    def database_url(self) -> str:
        if self.url:
            return self.url
        return f"sqlite:///{default_sqlite_path()}"


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides (e.g. CLI flags) on top."""
    clean = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**clean)
