"""Idempotency keys of POST /v1/chat: the same key (from the same principal) gives the same stored turn
and the same reply. The key is written in the turn's own transaction (``SessionStore.commit``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assistant.db.tables import IdempotencyRow


@dataclass(frozen=True)
class StoredReply:
    request_hash: str
    response: dict[str, Any]


def request_hash(message: str, session_id: str | None) -> str:
    """What the key promises: this message to this session. Another body under the same key is refused."""
    canonical = json.dumps({"message": message, "session_id": session_id}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def find(engine: Engine, owner: str, key: str) -> StoredReply | None:
    with Session(engine) as db:
        row = db.get(IdempotencyRow, (owner, key))
        return None if row is None else StoredReply(request_hash=row.request_hash,
                                                    response=json.loads(row.response_json))


def add(db: Session, *, owner: str, key: str, request: str, session_id: str, response: dict[str, Any]) -> None:
    db.add(IdempotencyRow(owner=owner, key=key, request_hash=request, session_id=session_id,
                          response_json=json.dumps(response)))
