"""Alembic migrations (schema only; seed data loads through the services)."""
