"""What the assistant reports: transcript items, UI events and replies (docs/widget-protocol.md).

Every event is a frozen dataclass handed to the ``on_event`` callback on the runtime loop thread,
in the order things happened. The widget turns them into traits and messages; the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..api.models import Credits
from ..timeline import Timeline

Role = Literal["user", "assistant", "status", "error"]


@dataclass(frozen=True)
class ChatItem:
    """One entry of the transcript: a user message, an assistant message, a status line or an
    error. ``link`` says where to fix an error; ``question`` is set on items that ask;
    ``detail`` is what a status line stands for (the tool and its arguments), for debugging."""

    id: str
    role: Role
    text: str
    streaming: bool = False
    stopped: bool = False
    link: str | None = None
    question: dict[str, Any] | None = None
    answered: bool = False
    detail: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The trait form: ``{"id","role","text","streaming","stopped","link","question",
        "answered","detail"}``."""
        return {
            "id": self.id,
            "role": self.role,
            "text": self.text,
            "streaming": self.streaming,
            "stopped": self.stopped,
            "link": self.link,
            "question": self.question,
            "answered": self.answered,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class ChatItemAdded:
    item: ChatItem


@dataclass(frozen=True)
class ChatItemUpdated:
    item: ChatItem


@dataclass(frozen=True)
class TextDelta:
    """More streamed text for the assistant item ``item_id``: append it."""

    item_id: str
    text: str


@dataclass(frozen=True)
class BusyChanged:
    busy: bool
    queued: int


@dataclass(frozen=True)
class TimelineChanged:
    timeline: Timeline


@dataclass(frozen=True)
class CreditsChanged:
    credits: Credits


@dataclass(frozen=True)
class SessionChanged:
    session_id: str
    renewed: bool


@dataclass(frozen=True)
class ExportChanged:
    """``state`` is ``rendering``, ``downloading``, ``done`` or ``error``; progress 0-100."""

    state: str
    progress: float
    error: str | None = None


@dataclass(frozen=True)
class VideoReady:
    """The MP4 is on disk at ``path``; ``url`` is where the server serves it."""

    path: Path
    url: str | None
    size: int
    duration_s: float
    render_id: str


AssistantEvent = (
    ChatItemAdded
    | ChatItemUpdated
    | TextDelta
    | BusyChanged
    | TimelineChanged
    | CreditsChanged
    | SessionChanged
    | ExportChanged
    | VideoReady
)


@dataclass(frozen=True)
class Reply:
    """What one ``say()`` came to: the assistant's text, whether it was stopped, and the error
    the user saw (problems are never raised; ``exception`` is the one behind ``error``, if any,
    for callers that tell cases apart, such as the command line's exit codes)."""

    text: str = ""
    stopped: bool = False
    error: str | None = None
    exception: Exception | None = field(default=None, repr=False, compare=False)
