"""`equipment-db serve`: the read-only HTTP API."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import typer

from equipment_db.config import Settings
from equipment_db.errors import EquipmentDBError

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
    from equipment_db.api.server import server_config

    listening = listen(host, port)  # before anything is printed: a busy port is one line
    app_state = state(ctx)
    app_state.ready_engine()  # the first run, if this is one; the API opens its own pool
    settings = published(app_state.settings, host, port)
    typer.echo(f"Serving {app_state.settings.shown_url} on http://{host}:{port} (docs: /docs)", err=True)
    typer.echo(f"Links and citations use {settings.public_url}"
               + ("" if "public_url" in app_state.settings.model_fields_set else
                  " (the address served on: set EQUIPMENT_DB_PUBLIC_URL to the published one)"), err=True)  # fmt: skip
    if urlsplit(settings.public_url).hostname in _LOOPBACK:
        typer.echo(f"warning: citations will carry {settings.public_url}, a loopback address that readers "
                   "elsewhere cannot open; set EQUIPMENT_DB_PUBLIC_URL to publish the database", err=True)  # fmt: skip
    if workers == 1:
        uvicorn.Server(server_config(create_app(settings), settings, host, port)).run(sockets=[listening])
    else:
        raise typer.BadParameter("more than one worker needs an import string; run uvicorn "
                                 "'equipment_db.api.asgi:app' --workers N", param_hint="--workers")  # fmt: skip


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port; an address that is taken or not this machine's is refused
    in one line naming it."""
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as exc:  # a name that does not resolve (socket.gaierror) is the host's fault
        option = "--host" if isinstance(exc, socket.gaierror) else "--port"
        reason = exc.strerror if isinstance(exc, socket.gaierror) else os.strerror(exc.errno or 0)
        raise EquipmentDBError(f"{option}: cannot listen on {shown} ({reason})",
                               field=option.lstrip("-"), value=port) from None  # fmt: skip


_LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def published(settings: Settings, host: str, port: int) -> Settings:
    """The settings `serve` runs with: without a configured public URL, links and citations
    use the address it serves on (not a default that no one serves)."""
    if "public_url" in settings.model_fields_set:
        return settings
    shown = f"[{host}]" if ":" in host else host
    return settings.model_copy(update={"public_url": f"http://{shown}:{port}"})

