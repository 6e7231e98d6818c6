"""NemoStudio, the chat-and-timeline notebook widget, and VideoPlayer, an inline MP4 player.

The parts (``uploads``, ``outbox``, ``video``, ``thumbs``) import without anywidget; the widget
itself is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .player import VideoPlayer
    from .studio import NemoStudio


def __getattr__(name: str) -> object:
    if name == "NemoStudio":
        from .studio import NemoStudio

        return NemoStudio
    if name == "VideoPlayer":
        from .player import VideoPlayer

        return VideoPlayer
    raise AttributeError(f"module 'nemo_widgets.widget' has no attribute {name!r}")


__all__ = ["NemoStudio", "VideoPlayer"]
