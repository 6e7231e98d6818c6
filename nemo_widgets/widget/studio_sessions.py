"""NemoStudio's lifecycle: keep each session's record, resume the last one (session_record.py).

A cell run again (or ``NemoStudio(session=...)``, or the empty studio's "Continue the last
session") shows the session as it was: the conversation, the attachments with their thumbnails,
the exported video (marked out of date when the draft changed since) and the timeline, which is
read again from the engine.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from ..assistant import Assistant
from .session_record import SessionRecords

# ``session=`` values that are not a session id.
NEW, LAST = "new", "last"


class SessionKeeping:
    """Session records for :class:`~.studio.NemoStudio` (a mixin: it uses the studio's state)."""

    # What the studio provides.
    backend: str
    session_id: str
    attachments: list[dict[str, Any]]
    video: dict[str, Any]
    resumable: dict[str, Any]
    _messages: list[dict[str, Any]]
    _lock: threading.RLock
    _items: dict[str, dict[str, Any]]
    _thumbs: dict[str, str]
    _video_path: Path | None
    _exported_draft: dict[str, Any] | None
    _records: SessionRecords
    _digests: dict[str, str]
    _notebook: str | None
    _assistant: Assistant
    _client: Any
    _on_event: Any

    def _choose_record(self, session: str | None, backend: str) -> dict[str, Any] | None:
        """The record to resume for ``session=`` (None: this notebook's last, if Jupyter names
        the notebook), only one made with the same backend."""
        if session == NEW:
            return None
        if session is None or session == LAST:
            record = self._records.last(self._notebook, any_notebook=session == LAST)
            return record if record and record.get("backend") == backend else None
        return self._records.load(session)

    def _offer_last(self, backend: str) -> None:
        """The empty studio offers the last session of this data folder (same backend)."""
        record = self._records.last(None, any_notebook=True)
        if record and record.get("backend") == backend and record.get("messages"):
            first = next(
                (m.get("text", "") for m in record["messages"] if m.get("role") == "user"), ""
            )
            self.resumable = {
                "session_id": record["session_id"],
                "title": str(first)[:80],
                "saved_at": record.get("saved_at") or 0,
            }

    def _restore(self, record: dict[str, Any]) -> None:
        """Show what the record kept (call with the sync held; the timeline is read after)."""
        items = [m for m in record.get("messages") or [] if isinstance(m, dict) and m.get("id")]
        self._items = {m["id"]: {**m, "streaming": False} for m in items}
        self._messages = list(self._items.values())
        thumbs = record.get("thumbs")
        self._thumbs = (
            {str(k): str(v) for k, v in thumbs.items()} if isinstance(thumbs, dict) else {}
        )
        # New ids: this studio numbers its own uploads from 1 again.
        self.attachments = [
            {**a, "id": f"earlier-{n}"}
            for n, a in enumerate(record.get("attachments") or [], 1)
            if isinstance(a, dict) and a.get("state") == "done"
        ]
        digests = record.get("digests")
        if isinstance(digests, dict):
            self._digests = {str(k): str(v) for k, v in digests.items()}
        video = record.get("video")
        path = Path(video["path"]) if isinstance(video, dict) and video.get("path") else None
        if path is not None and path.is_file():
            self._video_path = path
            self._exported_draft = record.get("exported_draft")
            # The engine may serve it at another address now: the kernel streams it instead.
            self.video = {
                "token": 1,
                "url": None,
                "name": path.name,
                "size": path.stat().st_size,
                "duration_s": video.get("duration_s") or 0,
                "stale": False,
            }
        self.resumable = {}

    def _resume(self, record: dict[str, Any]) -> None:
        """The empty studio's "Continue the last session": take the record's session."""
        with self._lock:
            if self._items or self.attachments or self.session_id:
                return  # no longer empty: nothing is replaced
            session_id = str(record["session_id"])
            self._assistant = Assistant(
                self._client, session_id=session_id, on_event=self._on_event
            )
            self._restore(record)
            self.session_id = session_id

    def _save_record(self) -> None:
        """Write this session's record (no token, no bytes: what the traits show)."""
        with self._lock:
            if not self.session_id:
                return
            video = None
            if self._video_path is not None:
                video = {
                    "path": str(self._video_path),
                    "duration_s": self.video.get("duration_s") or 0,
                }
            record = {
                "session_id": self.session_id,
                "backend": self.backend,
                "messages": [m for m in self._items.values() if not m.get("streaming")],
                "attachments": [a for a in self.attachments if a.get("state") == "done"],
                "thumbs": dict(self._thumbs),
                "video": video,
                "exported_draft": self._exported_draft,
                "digests": dict(self._digests),
            }
        self._records.save(record, self._notebook)
