"""What one request may ask of the engine: body sizes, JSON shape, and drafts it will render.

Every check here runs before the work it guards (reading a body, queueing a render) and fails
with an :class:`ApiError` whose message says what was too much and what to do instead.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

from . import draft as drafts
from .errors import ApiError

# -- request bodies ------------------------------------------------------------------------------

MAX_JSON_BYTES = 2 * 1024 * 1024  # the largest draft allowed (1200 photos, captions) is < 1 MB
MAX_JSON_DEPTH = 32  # a draft nests 5 deep; deeper is an attack on recursive code
MAX_FILES_PER_REQUEST = 100  # files in one multipart upload, or URLs in one URL upload
MAX_URL_CHARS = 8000
# One chat message: a long prompt is a few hundred characters; the director reads less still.
MAX_MESSAGE_CHARS = 4000
UPLOAD_REQUEST_FILES = 5  # a request may carry this many files of the upload limit


def upload_request_limit(file_limit: int) -> int:
    """The most one multipart upload request may carry, all files together."""
    return file_limit * UPLOAD_REQUEST_FILES + 1024 * 1024  # plus room for the part headers


def _size(limit: int) -> str:
    return f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit / 1024:g} KB"


def body_too_large(limit: int, what: str = "the request body") -> ApiError:
    return ApiError(413, 413, f"{what} is larger than the {_size(limit)} this engine accepts")


def check_declared_length(content_length: str | None, limit: int, what: str) -> None:
    """Refuse a body by its declared length, before a byte of it is read."""
    if content_length is None:
        return
    if not content_length.strip().isdigit():
        raise ApiError(400, 400, "the Content-Length header is not a number")
    if int(content_length) > limit:
        raise body_too_large(limit, what)


async def read_capped(stream: AsyncIterator[bytes], limit: int) -> bytes:
    """The whole body, refused as soon as more than ``limit`` bytes came (chunked bodies)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise body_too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def check_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than ``limit`` (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            raise ApiError(400, 400, f"the JSON body is nested deeper than {limit} levels")
        stack.extend((child, depth + 1) for child in children)


# -- drafts the engine will render ------------------------------------------------------------

MAX_LENGTH_MS = drafts.MAX_LENGTH_MS  # ten minutes, as the director allows
MAX_VISUAL_SEGMENTS = MAX_LENGTH_MS // drafts.MIN_SEGMENT_MS  # 1200: ten minutes of 0.5 s
MAX_AUDIO_SEGMENTS = 20
MAX_TEXT_SEGMENTS = MAX_VISUAL_SEGMENTS + 1  # a caption per photo and a title
MAX_TEXT_CHARS = 500  # one title or caption
MAX_STRING_CHARS = 2000  # ids, names, URLs
MAX_SOURCE_MS = 24 * 3600 * 1000  # `in` and `sd`: a source file of up to a day
MAX_QUEUED_RENDERS = 3  # per user, waiting or rendering


class _Shape:
    """Checks one draft's types and ranges; collects every problem with where it is."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def obj(self, value: Any, where: str) -> bool:
        if isinstance(value, dict):
            return True
        self.fail(where, f"must be an object, not {_kind(value)}")
        return False

    def number(
        self,
        item: dict[str, Any],
        key: str,
        where: str,
        low: float,
        high: float,
        *,
        integer: bool = True,
        required: bool = False,
    ) -> None:
        if key not in item and not required:
            return
        value = item.get(key)
        kinds = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value):
            kind = "an integer" if integer else "a number"
            self.fail(f"{where}.{key}", f"must be {kind}, not {_kind(value)}")
        elif not low <= value <= high:
            self.fail(f"{where}.{key}", f"{value:g} is outside {low:g}..{high:g}")

    def string(
        self, item: dict[str, Any], key: str, where: str, limit: int = MAX_STRING_CHARS
    ) -> None:
        if key not in item:
            return
        value = item[key]
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", f"must be a string, not {_kind(value)}")
        elif len(value) > limit:
            self.fail(f"{where}.{key}", f"is {len(value)} characters; at most {limit}")

    def flag(self, item: dict[str, Any], key: str, where: str) -> None:
        if key in item and not isinstance(item[key], bool):
            self.fail(f"{where}.{key}", f"must be true or false, not {_kind(item[key])}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list) else "an object"
    )


_SEGMENT_LIMITS = {
    drafts.VISUAL: ("photo or clip", MAX_VISUAL_SEGMENTS),
    drafts.AUDIO: ("music", MAX_AUDIO_SEGMENTS),
    drafts.TEXT: ("text", MAX_TEXT_SEGMENTS),
}


def draft_problems(draft: Any) -> list[str]:
    """Every way ``draft`` breaks the engine's types or limits; [] when it may be rendered."""
    shape = _Shape()
    if not shape.obj(draft, "the draft"):
        return shape.problems
    shape.number(draft, "d", "d", 0, MAX_LENGTH_MS)
    meta = draft.get("m")
    if shape.obj(meta, "m"):
        for key in ("width", "height"):
            shape.number(meta, key, "m", 16, drafts.MAX_LONG_SIDE, required=True)
        shape.number(meta, "fps", "m", 1, 60, integer=False)
        for key in ("fit", "background", "aspect", "title"):
            shape.string(meta, key, "m", MAX_TEXT_CHARS)
    tracks = draft.get("t")
    if not isinstance(tracks, list):
        shape.fail("t", f"must be a list of tracks, not {_kind(tracks)}")
        return shape.problems
    if len(tracks) > len(_SEGMENT_LIMITS):
        shape.fail("t", f"has {len(tracks)} tracks; at most {len(_SEGMENT_LIMITS)}")
        return shape.problems
    for n, track in enumerate(tracks):
        where = f"t[{n}]"
        if not shape.obj(track, where):
            continue
        kind = track.get("tt")
        if kind not in _SEGMENT_LIMITS or isinstance(kind, bool):
            shape.fail(f"{where}.tt", f"must be 0, 1 or 7, not {kind!r:.20}")
            continue
        segments = track.get("sg")
        if not isinstance(segments, list):
            shape.fail(f"{where}.sg", f"must be a list of segments, not {_kind(segments)}")
            continue
        name, most = _SEGMENT_LIMITS[kind]
        if len(segments) > most:
            shape.fail(f"{where}.sg", f"has {len(segments)} {name} segments; at most {most}")
            continue
        for k, segment in enumerate(segments):
            if shape.obj(segment, f"{where}.sg[{k}]"):
                _segment(shape, kind, segment, f"{where}.sg[{k}]")
    return shape.problems


def _segment(shape: _Shape, kind: int, seg: dict[str, Any], where: str) -> None:
    for key in ("id", "mid", "src", "name", "kind", "role", "for", "motion", "pos", "color"):
        shape.string(seg, key, where)
    # Visual and text times are whole ms (draft.validate); the renderer takes music's as numbers.
    exact = kind != drafts.AUDIO
    shape.number(seg, "st", where, 0, MAX_LENGTH_MS, integer=exact)
    shape.number(seg, "d", where, 0, MAX_LENGTH_MS, integer=exact)
    for key in ("fi", "fo"):
        shape.number(seg, key, where, 0, MAX_LENGTH_MS, integer=False)
    if kind == drafts.VISUAL:
        shape.number(seg, "in", where, 0, MAX_SOURCE_MS, integer=False)
        shape.number(seg, "sd", where, 0, MAX_SOURCE_MS)
        transition = seg.get("tr")
        if "tr" in seg and shape.obj(transition, f"{where}.tr"):
            shape.string(transition, "type", f"{where}.tr")
            shape.number(transition, "d", f"{where}.tr", 0, MAX_LENGTH_MS)
    elif kind == drafts.AUDIO:
        shape.number(seg, "in", where, 0, MAX_SOURCE_MS, integer=False)
        shape.number(seg, "vol", where, 0, 1, integer=False)
        shape.flag(seg, "loop", where)
    else:
        shape.string(seg, "text", where, MAX_TEXT_CHARS)
        shape.number(seg, "size", where, 0.01, 0.5, integer=False)


def check_draft(draft: Any) -> None:
    """Refuse, with every reason, a draft the engine will not render (400)."""
    problems = draft_problems(draft)
    if not problems:
        try:
            drafts.validate(draft)  # the timing rules (read-only)
        except ValueError as exc:
            problems = [str(exc).removeprefix("invalid draft: ")]
    if problems:
        shown = "; ".join(problems[:5]) + (
            f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        )
        raise ApiError(400, 400, f"the draft cannot be rendered: {shown}")
