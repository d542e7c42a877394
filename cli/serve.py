"""`equipment-db serve`: the read-only HTTP API."""

from __future__ import annotations

import typer

from cli.state import state


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
    typer.echo(f"Serving {app_state.settings.database_url} on http://{host}:{port} (docs: /docs)", err=True)
    if workers == 1:
        uvicorn.run(create_app(app_state.settings, engine), host=host, port=port, log_level="info")
    else:
        raise typer.BadParameter("more than one worker needs an import string; run uvicorn "
                                 "'equipment_db.api.asgi:app' --workers N", param_hint="--workers")  # fmt: skip
