"""`equipment-db serve`: the read-only HTTP API."""

from __future__ import annotations

from urllib.parse import urlsplit

import typer

from equipment_db.config import Settings

from .state import state


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for all)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Worker processes (each opens its own connections)."
    ),
) -> None:
    """Serve the read-only API; on a fresh machine the first run creates, migrates and seeds
    the embedded database. Then open http://127.0.0.1:8000/docs.

    Example: equipment-db serve --port 8000
    """
    import uvicorn

    from equipment_db.api.app import create_app

    app_state = state(ctx)
    engine = app_state.ready_engine()
    settings = published(app_state.settings, host, port)
    typer.echo(f"Serving {app_state.settings.database_url} on http://{host}:{port} (docs: /docs)", err=True)
    typer.echo(f"Links and citations use {settings.public_url}"
               + ("" if "public_url" in app_state.settings.model_fields_set else
                  " (the address served on: set EQUIPMENT_DB_PUBLIC_URL to the published one)"), err=True)  # fmt: skip
    if urlsplit(settings.public_url).hostname in _LOOPBACK:
        typer.echo(f"warning: citations will carry {settings.public_url}, a loopback address that readers "
                   "elsewhere cannot open; set EQUIPMENT_DB_PUBLIC_URL to publish the database", err=True)  # fmt: skip
    if workers == 1:
        uvicorn.run(create_app(settings, engine), host=host, port=port, log_level="info")
    else:
        raise typer.BadParameter("more than one worker needs an import string; run uvicorn "
                                 "'equipment_db.api.asgi:app' --workers N", param_hint="--workers")  # fmt: skip


_LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def published(settings: Settings, host: str, port: int) -> Settings:
    """The settings `serve` runs with: without a configured public URL, links and citations
    use the address it serves on (not a default that no one serves)."""
    if "public_url" in settings.model_fields_set:
        return settings
    shown = f"[{host}]" if ":" in host else host
    return settings.model_copy(update={"public_url": f"http://{shown}:{port}"})

