"""What the endpoints answer, parsed tolerantly. Each model keeps the server's ``raw`` dict.

Ids are always strings: session ids are long decimal numbers that must not lose digits.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..timeline import Timeline


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Session:
    """A NemoVideo project (``task_id``) with its agent session (``session_id``)."""

    session_id: str
    task_id: str | None = None
    user_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_data(cls, data: Any) -> Session:
        data = _dict(data)
        session_id = _str(data.get("session_id") or data.get("sessionId"))
        if not session_id:
            raise ValueError(f"the server's answer holds no session_id: {data!r}")
        return cls(
            session_id,
            _str(data.get("task_id") or data.get("taskId")),
            _str(data.get("user_id") or data.get("userId")),
            data,
        )


@dataclass(frozen=True)
class Credits:
    """The credit balance: ``available`` to spend, ``frozen`` by running work, ``total``.

    The local engine has no credits unless given a budget: it says ``unlimited`` and the
    numbers are then infinite.
    """

    available: float
    frozen: float
    total: float
    unlimited: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_data(cls, data: Any) -> Credits:
        data = _dict(data)
        if data.get("unlimited") is True:
            return cls(math.inf, 0.0, math.inf, True, data)
        available = _number(data.get("available")) or 0.0
        frozen = _number(data.get("frozen")) or 0.0
        total = _number(data.get("total"))
        return cls(available, frozen, available + frozen if total is None else total, False, data)

    def __str__(self) -> str:
        if self.unlimited:
            return "unlimited"
        return f"available {self.available:g}, frozen {self.frozen:g}, total {self.total:g}"


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    file_type: str | None
    url: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Upload:
    """The result of an upload: the files the server registered in the session."""

    files: list[UploadedFile]
    raw: Any = field(default=None, repr=False)

    @classmethod
    def from_data(cls, data: Any) -> Upload:
        entries = _dict(data).get("files")
        files = [
            UploadedFile(
                str(entry.get("filename") or entry.get("name") or ""),
                _str(entry.get("file_type") or entry.get("type")),
                _str(entry.get("cdn_url") or entry.get("url")),
                entry,
            )
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, dict)
        ]
        return cls(files, data)


@dataclass(frozen=True)
class State:
    """The session state (docs/protocol.md#session-state). ``raw`` is the whole answer, as sent."""

    raw: dict[str, Any]

    @classmethod
    def from_data(cls, data: Any) -> State:
        return cls(_dict(data))

    @property
    def state(self) -> dict[str, Any]:
        return _dict(self.raw.get("state"))

    @property
    def draft(self) -> dict[str, Any]:
        """The timeline draft, exactly as the server holds it ({} before the first edit)."""
        return _dict(self.state.get("draft"))

    @cached_property
    def timeline(self) -> Timeline:
        return Timeline.from_draft(self.draft)

    @property
    def video_infos(self) -> list[Any]:
        infos = self.state.get("video_infos")
        return infos if isinstance(infos, list) else []

    @cached_property
    def fingerprint(self) -> str:
        """Equal for equal states: how the client tells whether a turn changed anything."""
        return json.dumps(self.state or self.raw, sort_keys=True, default=str)


RENDER_DONE = "completed"
RENDER_FAILED = "failed"


@dataclass(frozen=True)
class RenderJob:
    """An export: ``pending`` -> ``processing`` -> ``completed`` | ``failed``.

    Two answer shapes are documented (docs/protocol.md#render-polling): ``status`` with
    ``output.url`` at the top, or ``data.status`` with ``data.outputUrl``; both are read.
    """

    id: str
    status: str
    progress: float | None = None
    output_url: str | None = None
    error: str | None = None
    size: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    # A local engine preview's: the draft version it shows (compare the state's draft_version).
    draft_version: int | None = None

    @classmethod
    def from_data(cls, data: Any, *, fallback_id: str) -> RenderJob:
        data = _dict(data)
        if "status" not in data and isinstance(data.get("data"), dict):
            data = data["data"]
        output = _dict(data.get("output"))
        error = data.get("error")
        size = _number(output.get("size") or data.get("size"))
        version = data.get("draftVersion")
        return cls(
            id=str(data.get("id") or data.get("taskId") or data.get("render_id") or fallback_id),
            status=str(data.get("status") or "pending").lower(),
            progress=_number(data.get("progress")),
            output_url=_str(output.get("url") or data.get("outputUrl") or data.get("output_url")),
            error=None if error in (None, "") else str(error),
            size=None if size is None else int(size),
            raw=data,
            draft_version=version if type(version) is int else None,
        )

    @property
    def done(self) -> bool:
        return self.status == RENDER_DONE

    @property
    def failed(self) -> bool:
        return self.status in (RENDER_FAILED, "error", "cancelled", "canceled")


@dataclass(frozen=True)
class RenderSettings:
    """A session's renders on the local engine (docs/protocol.md, "Previews"): whether it gets a
    preview after every turn that changes the video, and a speculative export when it pauses.
    The effective values: an engine started without them says False whatever was asked."""

    previews: bool
    speculative_export: bool
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_data(cls, data: Any) -> RenderSettings:
        data = _dict(data)
        return cls(data.get("previews") is True, data.get("speculativeExport") is True, data)
