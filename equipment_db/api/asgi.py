"""An import string for ASGI servers, for several workers or a process manager:

    uvicorn equipment_db.api.asgi:app --workers 4

Settings come from EQUIPMENT_DB_* variables; the database must already be at the current
schema (run `equipment-db db upgrade` first).
"""

from equipment_db.api.app import create_app

app = create_app()
