"""The conversation layer, free of any UI: used by the NemoStudio widget and the CLI.

``Assistant`` routes messages (export, credits, status and uploads are handled here; everything
else goes to the agent), runs one at a time, and reports what happens as the events below
(docs/widget-protocol.md, "Assistant events").
"""

from .core import Assistant
from .events import (
    AssistantEvent,
    BusyChanged,
    ChatItem,
    ChatItemAdded,
    ChatItemUpdated,
    CreditsChanged,
    ExportChanged,
    Reply,
    SessionChanged,
    TextDelta,
    TimelineChanged,
    VideoReady,
)
from .routing import Route, route, tool_label, translate_gui

__all__ = [
    "Assistant",
    "AssistantEvent",
    "BusyChanged",
    "ChatItem",
    "ChatItemAdded",
    "ChatItemUpdated",
    "CreditsChanged",
    "ExportChanged",
    "Reply",
    "Route",
    "SessionChanged",
    "TextDelta",
    "TimelineChanged",
    "VideoReady",
    "route",
    "tool_label",
    "translate_gui",
]
