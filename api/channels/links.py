"""What the channels keep in SQL (tables in assistant.db.tables), on the session store's engine, so workers agree.

- ``channel_links``: a platform conversation -> its assistant session, the last quiz card shown, and
  what the last reply held back (MORE, SOURCES, button messages);
- ``channel_seen``: event and message ids already taken, so a retried webhook is answered once;
(the inbox and outbox of messages and replies are in ``api.channels.outbox``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.channels.base import Held
from assistant.answer import QuizCard
from assistant.db.migrate import ensure_schema
from assistant.db.tables import LinkRow, SeenRow
from assistant.db.tables import now as _now

# Platforms retry for hours (WhatsApp for days); ids older than this cannot come back.
SEEN_RETENTION = timedelta(days=8)


def channel_key(text: str) -> str:
    """Ids fit their 255-character columns; a longer one (a Teams channel thread, say) is hashed."""
    return text if len(text) <= 255 else "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    session_id: str
    quiz: QuizCard | None
    held: Held | None = None


def save_link(db: Session, platform: str, conversation: str, *, session_id: str, quiz: QuizCard | None,
              owner: str, held: Held | None = None) -> None:
    """Link a conversation to its session in the caller's transaction (a turn and its link commit together)."""
    quiz_json = quiz.model_dump_json() if quiz is not None else None
    held_json = held.to_json() if held is not None else None
    row = db.get(LinkRow, (platform, channel_key(conversation)), with_for_update=True)
    if row is None:
        db.add(LinkRow(platform=platform, conversation=channel_key(conversation), session_id=session_id,
                       quiz_json=quiz_json, held_json=held_json, owner=owner))
    else:
        row.session_id, row.quiz_json, row.held_json, row.updated_at = session_id, quiz_json, held_json, _now()


class ChannelLinks:
    def __init__(self, engine: Engine) -> None:
        ensure_schema(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def get(self, platform: str, conversation: str) -> Link | None:
        with self._sessions.begin() as db:
            row = db.get(LinkRow, (platform, channel_key(conversation)))
            if row is None:
                return None
            quiz = QuizCard.model_validate_json(row.quiz_json) if row.quiz_json else None
            held = Held.from_json(row.held_json) if row.held_json else None
            return Link(session_id=row.session_id, quiz=quiz, held=held)

    def save(self, platform: str, conversation: str, *, session_id: str, quiz: QuizCard | None,
             owner: str = "local", held: Held | None = None) -> None:
        try:
            self._save(platform, conversation, session_id=session_id, quiz=quiz, owner=owner, held=held)
        except IntegrityError:  # another worker linked this new conversation first: update its row
            self._save(platform, conversation, session_id=session_id, quiz=quiz, owner=owner, held=held)

    def _save(self, platform: str, conversation: str, *, session_id: str, quiz: QuizCard | None, owner: str,
              held: Held | None) -> None:
        with self._sessions.begin() as db:
            save_link(db, platform, conversation, session_id=session_id, quiz=quiz, owner=owner, held=held)

    def claim(self, platform: str, event_id: str) -> bool:
        """True the first time an id is seen (by any worker), False for every repeat."""
        try:
            with self._sessions.begin() as db:
                db.add(SeenRow(platform=platform, event_id=channel_key(event_id)))
        except IntegrityError:
            return False
        return True

    def purge_seen(self) -> int:
        with self._sessions.begin() as db:
            result = db.execute(delete(SeenRow).where(SeenRow.seen_at < _now() - SEEN_RETENTION))
            return int(getattr(result, "rowcount", 0) or 0)
