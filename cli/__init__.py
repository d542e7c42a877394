"""The `equipment-db` command line: a thin Typer layer over the library."""
