"""NemoStudio's event mapping: what the assistant reports becomes traits and custom messages.

Called on the runtime loop thread. Streamed text goes out as batched ``events`` messages
(:class:`~.outbox.Outbox`); the finished transcript, the timeline, the export and the video are
traits (docs/widget-protocol.md).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..api.models import Credits
from ..assistant import (
    BusyChanged,
    ChatItem,
    ChatItemAdded,
    ChatItemUpdated,
    CreditsChanged,
    ExportChanged,
    SessionChanged,
    TextDelta,
    TimelineChanged,
    VideoReady,
)
from ..timeline import Timeline
from .outbox import Outbox
from .studio_preview import PreviewFollower
from .thumbs import timeline_json

logger = logging.getLogger("nemo_widgets.widget")


class EventMapping:
    """Assistant events -> traits, for :class:`~.studio.NemoStudio` (a mixin)."""

    # What the studio provides.
    busy: bool
    queued: int
    credits: str
    session_id: str
    video: dict[str, Any]
    _messages: list[dict[str, Any]]
    _timeline: dict[str, Any]
    _export: dict[str, Any]
    _closed: bool
    _lock: threading.RLock
    _loop: asyncio.AbstractEventLoop
    _outbox: Outbox
    _assistant: Any
    _items: dict[str, dict[str, Any]]
    _unsynced_items: bool
    _timeline_value: Timeline
    _thumbs: dict[str, str]
    _video_path: Path | None
    _exported_draft: dict[str, Any] | None
    resumable: dict[str, Any]
    _upload_group: Any
    _turn_steps: list[str]  # ids of the running turn's status lines
    _unchanged_export: str | None  # an export of the draft shown: the video's name
    _error_ids: itertools.count[int]
    _previews: PreviewFollower
    _next_video_token: Callable[[], int]

    def _on_event(self, event: object) -> None:
        if self._closed:
            return
        try:
            self._apply(event)
        except Exception:
            logger.debug("could not show %r", event, exc_info=True)

    def _apply(self, event: object) -> None:
        if isinstance(event, TextDelta):
            self._outbox.delta(event.item_id, event.text)
        elif isinstance(event, ChatItemAdded):
            self._add_item(event.item)
        elif isinstance(event, ChatItemUpdated):
            with self._lock:
                self._items[event.item.id] = event.item.to_json()
            self._commit_items()
        elif isinstance(event, BusyChanged):
            if event.busy and not self.busy:
                self._outbox.new_turn()  # polls replay from here (queued turns: all of them)
            with self._syncing():  # one message, with the last status lines if nothing waits
                self.busy = event.busy
                self.queued = event.queued
                if not event.busy:
                    self._mark_steps_done()
                if not event.busy and self._unsynced_items:
                    self._commit_items()
            if not event.busy:
                self._read_credits_soon()  # a turn or an export may have used credits
        elif isinstance(event, TimelineChanged):
            with self._lock:
                self._timeline_value = event.timeline
                self._refresh_timeline_trait()
                self._mark_video_stale()
            self._previews.draft_changed(self.session_id)
        elif isinstance(event, CreditsChanged):
            with self._lock:
                self.credits = credits_label(event.credits)
        elif isinstance(event, SessionChanged):
            with self._lock:
                self.session_id = event.session_id
                self.resumable = {}  # a session of its own: no other to continue
            self._previews.session_started(event.session_id)
            self._save_record()
        elif isinstance(event, ExportChanged):
            with self._lock:
                self._export = {
                    "state": event.state,
                    "progress": round(float(event.progress), 1),
                    "error": event.error,
                }
        elif isinstance(event, VideoReady):
            with self._lock:
                shown = self._video_path
                draft = self._current_draft()  # the export read it first
                if (
                    self.video
                    and not self.video.get("stale")
                    and draft == self._exported_draft
                    and shown is not None
                    and shown.is_file()
                ):
                    # The same draft again: the video shown stays, and is said once.
                    self._unchanged_export = shown.name
                    return
                self._video_path = Path(event.path)
                self._exported_draft = draft
                token = self._next_video_token()
                self.video = {
                    "token": token,
                    "url": event.url,
                    "name": Path(event.path).name,
                    "size": event.size,
                    "duration_s": event.duration_s,
                    "stale": False,
                }
            self._save_record()

    def _current_draft(self) -> dict[str, Any]:
        """The draft as the server sent it: everything that makes the video, transitions, music
        volume and frame rate included (the timeline's summary leaves some of them out)."""
        return self._timeline_value.raw

    def _mark_video_stale(self) -> None:
        """The shown video is out of date while the draft differs from the one it was made of
        (a change after the export, or a stopped turn that changed it): one truth on screen."""
        if not self.video or self._exported_draft is None:
            return
        stale = self._current_draft() != self._exported_draft
        if stale != bool(self.video.get("stale")):
            self.video = {**self.video, "stale": stale}

    def _add_item(self, item: ChatItem) -> None:
        if self._unchanged_export and item.role == "assistant":
            name, self._unchanged_export = self._unchanged_export, None
            item = replace(item, text=unchanged_text(name, item.text))
        group = self._upload_group
        if group is not None and item.role == "status":
            # One line for the files attached together, said again as each one arrives.
            group.added += 1
            group.lang = "zh" if item.text.startswith("已添加") else "en"
            self._show_group(group)
            return
        with self._lock:
            self._items[item.id] = item.to_json()
            streamed = item.role == "status" and self.busy
            if streamed:
                self._unsynced_items = True
                self._turn_steps.append(item.id)
        if streamed:
            # Status lines of a turn stream as events; the transcript gets them at its end.
            self._outbox.status(item.text)
        else:
            self._commit_items()

    def _commit_items(self) -> None:
        """Sync ``messages`` as they are now, once the deltas sent before are out: a final text
        never overtakes the deltas it replaces (runtime loop thread).

        The transcript is copied now, not when the commit goes out: by then it may already hold
        the final text of the deltas still waiting in front of it.
        """
        with self._lock:
            snapshot = list(self._items.values())  # items are replaced, never changed in place
        self._outbox.after_pending(lambda: self._sync_messages(snapshot))

    def _sync_messages(self, snapshot: list[dict[str, Any]]) -> None:
        with self._lock:
            self._messages = snapshot
            self._unsynced_items = len(snapshot) < len(self._items)  # items are never removed
        self._save_record()

    def _mark_steps_done(self) -> None:
        """The turn ended: its steps ("Editing the timeline…") read as finished."""
        with self._lock:
            for item_id in self._turn_steps:
                item = self._items.get(item_id)
                if item is not None and str(item.get("text", "")).endswith("…"):
                    self._items[item_id] = {**item, "text": step_done(item["text"])}
                    self._unsynced_items = True
            self._turn_steps.clear()

    def _show_group(self, group: Any) -> None:
        self._put_plain_item(group.item_id, "status", group.text())

    def _add_error(self, text: str) -> None:
        """An error of the widget itself (the assistant reports its own) as an error item."""
        self._loop.call_soon_threadsafe(self._add_error_now, text)

    def _add_notice(self, text: str) -> None:
        """A one-time notice of the client (a photo converted for the cloud) as a status line."""
        text = self._assistant.notice_text(text)
        self._loop.call_soon_threadsafe(self._add_widget_item, "status", text)

    def _add_error_now(self, text: str) -> None:
        self._add_widget_item("error", text)

    def _add_widget_item(self, role: str, text: str) -> None:
        self._put_plain_item(f"widget-{role}-{next(self._error_ids)}", role, text)

    def _put_plain_item(self, item_id: str, role: str, text: str) -> None:
        """A finished chat item with no link or question (a status line, an error)."""
        with self._lock:
            self._items[item_id] = {
                "id": item_id,
                "role": role,
                "text": text,
                "streaming": False,
                "stopped": False,
                "link": None,
                "question": None,
                "answered": False,
            }
        self._commit_items()

    def _refresh_timeline_trait(self) -> None:
        with self._lock:
            self._timeline = timeline_json(self._timeline_value, self._thumbs)


def credits_label(credits: Credits) -> str:
    """The ``credits`` trait: "Unlimited credits", "85 credits", "1 credit"."""
    if credits.unlimited:
        return "Unlimited credits"
    available = credits.available
    return f"{available:g} credit" + ("" if available == 1 else "s")


def step_done(text: str) -> str:
    """ "Editing the timeline…" -> "Editing the timeline: done." (Chinese: "…：完成。")."""
    base = text.rstrip("…").rstrip(".").rstrip()
    if any("\u4e00" <= char <= "\u9fff" for char in base):
        return f"{base}：完成。"
    return f"{base}: done."


def unchanged_text(name: str, ready_text: str) -> str:
    """What an export of an unchanged draft says instead of "Your video is ready" again."""
    if any("\u4e00" <= char <= "\u9fff" for char in ready_text):
        return f"自上次导出以来没有改动：上面的视频 {name} 仍是最新的。"
    return f"Nothing changed since the last export: the video above ({name}) is still current."
