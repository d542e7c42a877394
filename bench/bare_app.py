"""The floor for the API benchmark: one FastAPI route that answers a constant, through a
Pydantic response model (the serialization path the real API uses), under the same server.

    uvicorn --app-dir bench bare_app:app --workers 1

`bench/run.py` serves it with the same uvicorn settings as the API; R1 is the API's rate
divided by this one's.
"""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel


class ConstantPublic(BaseModel):
    id: str
    kind: str
    country: str
    value: str
    retracted: bool


CONSTANT = {"id": "C-00000000", "kind": "inventory", "country": "VE", "value": "5,000 missiles",
            "retracted": False}  # fmt: skip

app = FastAPI(title="bench constant")


@app.get("/constant", response_model=ConstantPublic)
def constant() -> dict[str, object]:
    return CONSTANT
