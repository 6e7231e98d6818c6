"""Reading a draft's raw JSON values tolerantly: candidate keys, numbers, texts, media kinds.

Only a few draft keys are documented (``t`` tracks, ``tt`` track type, ``sg`` segments, ``d``
duration in ms, ``m`` metadata); every other key is looked up from a list of candidates, most
likely first (our engine's key leads each list). Nothing here raises: odd values give None.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

# Candidate keys, most likely first (our engine's key leads each list).
START_KEYS = ("st", "s", "start", "ts", "o", "in")
END_KEYS = ("e", "end", "out")  # a segment's end in ms, when it has no length ``d``
SOURCE_KEYS = ("src", "url", "source", "cdn_url", "path", "file")
VOLUME_KEYS = ("vol", "volume", "v")
TEXT_KEYS = ("text", "content", "txt", "value")
TRACK_KINDS = {0: "video", 1: "audio", 7: "text"}
# A segment's own ``kind`` (or a guess from its file extension) -> canonical media word.
_MEDIA_ALIASES = {
    "image": "image",
    "photo": "image",
    "picture": "image",
    "img": "image",
    "video": "video",
    "clip": "video",
    "movie": "video",
    "audio": "audio",
    "music": "audio",
    "bgm": "audio",
    "sound": "audio",
    "voice": "audio",
    "text": "text",
    "title": "text",
    "caption": "text",
    "subtitle": "text",
}
_MEDIA_TO_KIND = {"image": "video", "video": "video", "audio": "audio", "text": "text"}
_EXTENSION_MEDIA = {
    **dict.fromkeys(
        ("jpg", "jpeg", "png", "gif", "webp", "bmp", "heic", "heif", "tif", "tiff", "avif"),
        "image",
    ),
    **dict.fromkeys(("mp4", "mov", "webm", "mkv", "avi", "m4v"), "video"),
    **dict.fromkeys(("mp3", "wav", "aac", "m4a", "ogg", "flac", "opus"), "audio"),
}
# Track names that only say what the track is ("Main", "BGM", "Video 1"): not worth a label.
_GENERIC_NAME_WORDS = frozenset(
    {
        *("main", "track", "tracks", "layer", "default", "untitled"),
        *("video", "videos", "clip", "clips", "image", "images", "photo", "photos"),
        *("audio", "bgm", "music"),
        *("title", "titles", "text", "texts", "subtitle", "subtitles", "caption", "captions"),
    }
)
_SUMMARY_LABEL_MAX = 60
_EPSILON_S = 0.0005  # half a millisecond: times closer than this are equal


def _number(value: Any) -> float | None:
    """A finite float from a number or numeric string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def _integer(value: Any) -> int | None:
    """An int from an integral number or numeric string; None otherwise."""
    number = _number(value)
    if number is None or number != int(number):
        return None
    return int(number)


def _text(value: Any) -> str | None:
    """A non-blank string, or None."""
    if isinstance(value, str) and value.strip():
        return value
    return None


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a dict, else an empty dict."""
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list (anything else gives [])."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _first_number(raw: Mapping[str, Any], keys: tuple[str, ...]) -> float | None:
    """The first candidate key of ``raw`` holding a usable number."""
    for key in keys:
        number = _number(raw.get(key))
        if number is not None:
            return number
    return None


def _first_text(raw: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first candidate key of ``raw`` holding a non-blank string."""
    for key in keys:
        text = _text(raw.get(key))
        if text is not None:
            return text
    return None


def _seconds(ms: float) -> float:
    """Milliseconds -> seconds, rounded to the millisecond."""
    return round(ms / 1000.0, 3)


def _volume_percent(raw: Mapping[str, Any]) -> float | None:
    """Volume as a percentage: values up to 1 are fractions, larger ones already percent."""
    volume = _first_number(raw, VOLUME_KEYS)
    if volume is None or volume < 0:
        return None
    if volume <= 1:
        volume *= 100
    return round(volume, 2)


def _file_name(source: str | None) -> str | None:
    """The last path component of a URL or path, without query string or fragment."""
    if not source or source.startswith("data:"):
        return None
    path = source.split("?", 1)[0].split("#", 1)[0].replace("\\", "/").rstrip("/")
    name = unquote(path.rsplit("/", 1)[-1]).strip()
    return name or None


def _media(raw: Mapping[str, Any], source: str | None) -> str | None:
    """What a segment holds ("image", "video", ...): its own ``kind``, else its extension."""
    own = _text(raw.get("kind"))
    if own is not None:
        word = own.strip().lower()
        return _MEDIA_ALIASES.get(word, word)
    name = _file_name(source)
    if name and "." in name:
        return _EXTENSION_MEDIA.get(name.rsplit(".", 1)[-1].lower())
    return None


def _is_generic_name(name: str) -> bool:
    """True for names that only repeat the track's role ("Main", "BGM", "Video 1")."""
    words = re.sub(r"[\d#_\-]+", " ", name.lower()).split()
    return all(word in _GENERIC_NAME_WORDS for word in words)


def _meta_label(raw: Mapping[str, Any], *, allow_generic: bool) -> str | None:
    """``m.title``, else ``m.name`` (a generic name like "Main" only if allowed)."""
    meta = _mapping(raw.get("m"))
    title = _text(meta.get("title"))
    if title is not None:
        return title.strip()
    name = _text(meta.get("name"))
    if name is not None and (allow_generic or not _is_generic_name(name)):
        return name.strip()
    return None


def _fmt_number(value: float) -> str:
    """At most one decimal place: 9 -> "9", 2.5 -> "2.5", 2.54 -> "2.5"."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}"


def _one_line(text: str, limit: int = _SUMMARY_LABEL_MAX) -> str:
    """Collapse whitespace and shorten to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _same_time(a: float, b: float) -> bool:
    return abs(a - b) < _EPSILON_S


def _load(draft: Any) -> dict[str, Any]:
    """The draft as a dict; JSON text is decoded, anything else becomes {}."""
    if isinstance(draft, (str, bytes, bytearray)):
        try:
            draft = json.loads(draft)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return {}
    return _mapping(draft)


def _dimension(value: Any) -> int | None:
    """A positive pixel size, or None."""
    number = _integer(value)
    return number if number is not None and number > 0 else None


def _track_kind(type_code: int | None, media: list[str | None]) -> str:
    """Track class from ``tt``; without ``tt``, from its segments' media if they agree."""
    if type_code is not None:
        return TRACK_KINDS.get(type_code, "other")
    kinds = {_MEDIA_TO_KIND.get(item or "", "other") for item in media}
    return kinds.pop() if len(kinds) == 1 else "other"


def _segment_kind(track_kind: str, media: str | None) -> str:
    """A segment's class: its track's, unless the track's is unknown and the segment says."""
    if track_kind != "other":
        return track_kind
    return _MEDIA_TO_KIND.get(media or "", "other")
