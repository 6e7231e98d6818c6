"""The transcript: every chat item in order, and the events that report its changes."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .events import AssistantEvent, ChatItem, ChatItemAdded, ChatItemUpdated, Role, TextDelta

logger = logging.getLogger("nemo_widgets.assistant")

EventHandler = Callable[[AssistantEvent], Any]


class Transcript:
    """Chat items by id, in the order they were added; ``emit`` reports each change.

    ``emit`` never raises: a failing ``on_event`` callback is logged and the turn goes on.
    """

    def __init__(self, on_event: EventHandler | None = None):
        self._on_event = on_event
        self._items: dict[str, ChatItem] = {}

    @property
    def items(self) -> list[ChatItem]:
        return list(self._items.values())

    def get(self, item_id: str) -> ChatItem | None:
        return self._items.get(item_id)

    def emit(self, event: AssistantEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            logger.exception("the on_event callback failed on %s", type(event).__name__)

    def add(self, role: Role, text: str, **fields: Any) -> ChatItem:
        item = ChatItem(id=f"{role[0]}-{uuid.uuid4().hex[:12]}", role=role, text=text, **fields)
        self._items[item.id] = item
        self.emit(ChatItemAdded(item))
        return item

    def update(self, item_id: str, **changes: Any) -> ChatItem:
        item = replace(self._items[item_id], **changes)
        self._items[item_id] = item
        self.emit(ChatItemUpdated(item))
        return item

    def delta(self, item_id: str, text: str) -> None:
        self.emit(TextDelta(item_id, text))
