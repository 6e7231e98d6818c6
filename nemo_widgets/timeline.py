"""Read a NemoVideo "draft" (the agent's timeline JSON) into plain, immutable objects.

Shared vocabulary (imports nothing of ours): the client summarises the agent's drafts, the
widget shows them, the local engine writes them. Only a few draft keys are documented
(``t`` tracks, ``tt`` track type, ``sg`` segments, ``d`` duration in ms, ``m`` metadata);
every other key is looked up from a list of candidates. Parsing never raises: odd values
are skipped or replaced by a sensible default.

Our own engine writes ``st`` (start ms), ``src``, ``kind``, ``vol`` (0-1) and ``text`` on
segments; those are the first candidates of each list below. Other writers give a segment a
start and an end (``s``/``e``, ``start``/``end``, ``in``/``out``) instead of a length, and keep
its name, text or URL in its metadata ``m``: both are read.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

Language = Literal["en", "zh"]  # how summaries and diff sentences are worded

# Candidate keys, most likely first (our engine's key leads each list).
START_KEYS = ("st", "s", "start", "ts", "o", "in")
END_KEYS = ("e", "end", "out")  # a segment's end in ms, when it has no length ``d``
SOURCE_KEYS = ("src", "url", "source", "cdn_url", "path", "file")
VOLUME_KEYS = ("vol", "volume", "v")
TEXT_KEYS = ("text", "content", "txt", "value")

TRACK_KINDS = {0: "video", 1: "audio", 7: "text"}
KIND_WORDS = {"video": "Video", "audio": "Audio", "text": "Title"}
_ZH_KIND_WORDS = {
    "Video": "视频",
    "Audio": "音频",
    "BGM": "背景音乐",
    "Title": "标题",
    "Track": "轨道",
}

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
# How a count of segments is worded: media -> (singular, plural).
_COUNT_NOUNS = {"image": ("image", "images"), "video": ("clip", "clips")}
_ZH_COUNT_NOUNS = {"image": "张图片", "video": "段视频"}
# How one segment is referred to in diff sentences ("photo 2").
_SEGMENT_NOUNS = {"image": "photo", "video": "clip", "audio": "audio clip", "text": "text"}
# The same in Chinese, as "第 2 张照片": noun -> (measure word, noun).
_ZH_SEGMENT_NOUNS = {
    "photo": ("张", "照片"),
    "clip": ("段", "视频"),
    "audio clip": ("段", "音频"),
    "text": ("段", "文字"),
    "segment": ("个", "片段"),
}
_KIND_SEGMENT_NOUNS = {"video": "clip", "audio": "audio clip", "text": "text"}
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


# --------------------------------------------------------------------------- value helpers


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


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class Segment:
    """One clip on a track. Times are seconds from the start of the video.

    ``index`` is the 0-based position in its track. ``kind`` is the track's class
    ("video" | "audio" | "text" | "other"); ``media`` is what the segment itself says it is
    ("image", "video", "audio", "text", ...; guessed from the file extension if unsaid).
    ``volume`` is a percentage (0-100, may exceed 100) or None.
    """

    index: int
    start_s: float
    end_s: float
    kind: str
    label: str
    source: str | None = None
    text: str | None = None
    volume: float | None = None
    media: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return round(self.end_s - self.start_s, 3)

    @property
    def noun(self) -> str:
        """How one segment is called in sentences: "photo", "clip", "text", ..."""
        return _segment_noun(self.media, self.kind)

    @property
    def ref(self) -> str:
        """A positional reference like "photo 2" (1-based)."""
        return f"{self.noun} {self.index + 1}"

    def ref_in(self, lang: Language = "en") -> str:
        """:attr:`ref` worded in ``lang``: "photo 2", "第 2 张照片"."""
        if _lang(lang) != "zh":
            return self.ref
        measure, noun = _ZH_SEGMENT_NOUNS[self.noun]
        return f"第 {self.index + 1} {measure}{noun}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "index": self.index,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "duration_s": self.duration_s,
            "kind": self.kind,
            "media": self.media,
            "label": self.label,
            "source": self.source,
            "text": self.text,
            "volume": self.volume,
        }


@dataclass(frozen=True)
class Track:
    """One track of the timeline. ``index`` is 0-based; ``name`` is its display label."""

    index: int
    type_code: int | None
    kind: str
    name: str
    segments: tuple[Segment, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def start_s(self) -> float:
        """Earliest segment start (0 for an empty track)."""
        return min((seg.start_s for seg in self.segments), default=0.0)

    @property
    def end_s(self) -> float:
        """Latest segment end; for an empty track its own ``d`` (or 0)."""
        if self.segments:
            return max(seg.end_s for seg in self.segments)
        return _seconds(max(_number(self.raw.get("d")) or 0.0, 0.0))

    @property
    def volume(self) -> float | None:
        """Track volume in percent: the track's own volume key, else the first segment's."""
        own = _volume_percent(self.raw)
        if own is not None:
            return own
        return next((seg.volume for seg in self.segments if seg.volume is not None), None)

    @property
    def count_label(self) -> str:
        """The segments counted: "3 images", "1 clip", "2 segments"."""
        return _count_label(self.segments)

    @property
    def label_is_text(self) -> bool:
        """True when ``name`` is the text of one of the segments (shown in quotes)."""
        return bool(self.name) and any(seg.text == self.name for seg in self.segments)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (without the kind word, which needs the whole timeline)."""
        return {
            "index": self.index,
            "type_code": self.type_code,
            "kind": self.kind,
            "name": self.name,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "volume": self.volume,
            "segments": [seg.to_json() for seg in self.segments],
        }


@dataclass(frozen=True)
class Timeline:
    """A whole draft: tracks in draft order, total length in seconds and canvas metadata."""

    tracks: tuple[Track, ...] = ()
    duration_s: float = 0.0
    title: str | None = None
    width: int | None = None
    height: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_draft(cls, draft: Any) -> Timeline:
        """Parse a draft dict (or JSON text). Never raises; junk gives an empty timeline."""
        if isinstance(draft, Timeline):
            return draft
        raw = _load(draft)
        items = _dicts(raw.get("t"))
        tracks = tuple(_parse_track(index, item) for index, item in enumerate(items))
        total_ms = _number(raw.get("d"))
        if total_ms is not None and total_ms > 0:
            duration_s = _seconds(total_ms)
        else:
            duration_s = max((track.end_s for track in tracks), default=0.0)
        meta = _mapping(raw.get("m"))
        title = _text(meta.get("title"))
        return cls(
            tracks=tracks,
            duration_s=duration_s,
            title=title.strip() if title else None,
            width=_dimension(meta.get("width")),
            height=_dimension(meta.get("height")),
            raw=raw,
        )

    def __len__(self) -> int:
        return len(self.tracks)

    def __iter__(self) -> Iterator[Track]:
        return iter(self.tracks)

    def __repr__(self) -> str:
        tracks = _plural(len(self.tracks), "track", "tracks")
        return f"<Timeline {tracks}, {_fmt_number(self.duration_s)}s>"

    @property
    def ready_for_export(self) -> bool:
        """True when at least one track has segments (the skill's export rule)."""
        return any(track.segments for track in self.tracks)

    def kind_word(self, track: Track) -> str:
        """The summary word of a track: "Video", "Audio"/"BGM", "Title", "Track type 3"."""
        if track.kind == "audio":
            return "BGM" if self._bgm_track() is track else "Audio"
        if track.kind in KIND_WORDS:
            return KIND_WORDS[track.kind]
        return "Track" if track.type_code is None else f"Track type {track.type_code}"

    def kind_word_in(self, track: Track, lang: Language = "en") -> str:
        """:meth:`kind_word` worded in ``lang``: "BGM", "背景音乐", "类型 3 的轨道"."""
        word = self.kind_word(track)
        if _lang(lang) != "zh":
            return word
        if word in _ZH_KIND_WORDS:
            return _ZH_KIND_WORDS[word]
        return f"类型 {track.type_code} 的轨道"

    def summary(self, lang: Language = "en") -> str:
        """One line in the reference skill's style, e.g.
        ``Timeline (2 tracks): 1. Video: 3 images (0-9s) 2. BGM: Lo-fi (0-9s, 35%)``;
        ``lang="zh"`` words it in Chinese: ``时间线（2 条轨道）：1. 视频：3 张图片（0-9秒） …``."""
        lang = _lang(lang)
        count = len(self.tracks)
        if lang == "zh":
            head = f"时间线（{count} 条轨道）："
            if not self.tracks:
                return f"{head}空"
        else:
            head = f"Timeline ({_plural(count, 'track', 'tracks')}):"
            if not self.tracks:
                return f"{head} empty"
        colon = "：" if lang == "zh" else ": "
        items = [
            f"{number}. {self.kind_word_in(track, lang)}{colon}{_display_label(track, lang)}"
            f"{_track_details(track, lang)}"
            for number, track in enumerate(self.tracks, start=1)
        ]
        return head + " ".join(items) if lang == "zh" else " ".join([head, *items])

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-serialisable dict per segment, in track order (``track`` is 1-based)."""
        return [
            {
                "track": track.index + 1,
                "kind": seg.kind,
                "label": seg.label,
                "start_s": seg.start_s,
                "end_s": seg.end_s,
                "duration_s": seg.duration_s,
                "volume": seg.volume,
                "text": seg.text,
                "source": seg.source,
            }
            for track in self.tracks
            for seg in track.segments
        ]

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict for a widget trait."""
        tracks = []
        for track in self.tracks:
            item = track.to_json()
            item["kind_word"] = self.kind_word(track)
            tracks.append(item)
        return {
            "title": self.title,
            "duration_s": self.duration_s,
            "width": self.width,
            "height": self.height,
            "ready_for_export": self.ready_for_export,
            "summary": self.summary(),
            "tracks": tracks,
        }

    def diff(self, other: Timeline, lang: Language = "en") -> list[str]:
        """Plain sentences describing how ``other`` (after) differs from ``self`` (before),
        in English or (``lang="zh"``) Chinese."""
        return _diff(self, other, _lang(lang))

    def _bgm_track(self) -> Track | None:
        """The longest audio track (the first one on a tie)."""
        best: Track | None = None
        for track in self.tracks:
            if track.kind == "audio" and (
                best is None or track.end_s - track.start_s > best.end_s - best.start_s
            ):
                best = track
        return best


# --------------------------------------------------------------------------- parsing


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


def _parse_track(index: int, raw: dict[str, Any]) -> Track:
    """Parse one track dict. Segments that are not dicts are skipped."""
    type_code = _integer(raw.get("tt"))
    items = _dicts(raw.get("sg"))
    sources = [
        _first_text(item, SOURCE_KEYS) or _first_text(_mapping(item.get("m")), SOURCE_KEYS)
        for item in items
    ]
    media = [_media(item, source) for item, source in zip(items, sources, strict=True)]
    kind = _track_kind(type_code, media)
    track_ms = _number(raw.get("d"))
    segments: list[Segment] = []
    previous_end_ms = 0.0
    for position, item in enumerate(items):
        start_ms = _first_number(item, START_KEYS)
        start_ms = previous_end_ms if start_ms is None else max(start_ms, 0.0)
        length_ms = _number(item.get("d"))
        end_given = _first_number(item, END_KEYS)
        if length_ms is None and end_given is not None:
            length_ms = end_given - start_ms
        if length_ms is None and len(items) == 1 and track_ms is not None:
            length_ms = track_ms - start_ms  # a lone segment without "d" fills its track
        length_ms = max(length_ms or 0.0, 0.0)
        end_ms = start_ms + length_ms
        segments.append(
            _make_segment(
                position, item, kind, start_ms, end_ms, sources[position], media[position]
            )
        )
        previous_end_ms = end_ms
    return Track(
        index=index,
        type_code=type_code,
        kind=kind,
        name=_track_label(raw, kind, tuple(segments)),
        segments=tuple(segments),
        raw=raw,
    )


def _make_segment(
    index: int,
    raw: dict[str, Any],
    track_kind: str,
    start_ms: float,
    end_ms: float,
    source: str | None,
    media: str | None,
) -> Segment:
    """Build one Segment from its parsed parts (text and source may sit in ``m``)."""
    meta = _mapping(raw.get("m"))
    text = _first_text(raw, TEXT_KEYS) or _first_text(meta, TEXT_KEYS)
    text = text.strip() if text else None
    source = source.strip() if source else None
    kind = _segment_kind(track_kind, media)
    label = (
        _meta_label(raw, allow_generic=True)
        or text
        or _file_name(source)
        or f"{_segment_noun(media, kind)} {index + 1}"
    )
    return Segment(
        index=index,
        start_s=_seconds(start_ms),
        end_s=_seconds(end_ms),
        kind=kind,
        label=label,
        source=source,
        text=text,
        volume=_volume_percent(raw),
        media=media,
        raw=raw,
    )


def _segment_noun(media: str | None, kind: str) -> str:
    """ "photo", "clip", "audio clip", "text" or "segment"."""
    if media in _SEGMENT_NOUNS:
        return _SEGMENT_NOUNS[media]
    return _KIND_SEGMENT_NOUNS.get(kind, "segment")


def _count_label(segments: tuple[Segment, ...], lang: Language = "en") -> str:
    """ "3 images" / "1 clip" / "2 segments" (Chinese: "3 张图片"): the segments' media word
    when all agree."""
    media = {seg.media for seg in segments}
    kind = media.pop() if len(media) == 1 else None
    if lang == "zh":
        return f"{len(segments)} {_ZH_COUNT_NOUNS.get(kind or '', '个片段')}"
    singular, plural = _COUNT_NOUNS.get(kind or "", ("segment", "segments"))
    return _plural(len(segments), singular, plural)


def _track_label(raw: dict[str, Any], kind: str, segments: tuple[Segment, ...]) -> str:
    """The track's display label; "" when there is nothing to say (an empty, unnamed track).

    Order: track ``m.title``/``m.name`` (unless the name is generic like "Main"); for a lone
    segment its ``m.title``/``m.name``; the text of a lone segment or of a text track; the file
    name of a lone segment's source; the segment count; a generic track name.
    """
    label = _meta_label(raw, allow_generic=False)
    if label:
        return label
    lone = segments[0] if len(segments) == 1 else None
    if lone is not None:
        label = _meta_label(lone.raw, allow_generic=False)
        if label:
            return label
    if lone is not None and lone.text:
        return lone.text
    if kind == "text":
        text = next((seg.text for seg in segments if seg.text), None)
        if text:
            return text
    if lone is not None:
        name = _file_name(lone.source)
        if name:
            return name
    if segments:
        return _count_label(segments)
    return _meta_label(raw, allow_generic=True) or ""


# --------------------------------------------------------------------------- wording


def _lang(lang: str | None) -> Language:
    """ "zh" for Chinese ("zh", "zh-CN", ...), else "en"."""
    return "zh" if str(lang or "").lower().startswith("zh") else "en"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _seconds_text(value: float, lang: Language) -> str:
    """ "2.5s" / "2.5秒"."""
    return f"{_fmt_number(value)}{'秒' if lang == 'zh' else 's'}"


def _range_text(start_s: float, end_s: float, lang: Language) -> str:
    """ "0-2.5s" / "0-2.5秒"."""
    return f"{_fmt_number(start_s)}-{_seconds_text(end_s, lang)}"


def _name_in(track: Track, lang: Language) -> str:
    """The track's label in ``lang``: a segment count is worded again, a name stays as it is."""
    if lang == "zh" and track.segments and track.name == track.count_label:
        return _count_label(track.segments, "zh")
    return track.name


def _display_label(track: Track, lang: Language = "en") -> str:
    """The label as shown in a summary: text in double quotes, "empty" when unnamed."""
    if not track.name:
        return "空" if lang == "zh" else "empty"
    label = _one_line(_name_in(track, lang))
    if track.label_is_text:
        return f"“{label}”" if lang == "zh" else f'"{label}"'
    return label


def _track_details(track: Track, lang: Language = "en") -> str:
    """The parenthesised part of a summary item: time range and, for audio, volume."""
    parts = []
    if track.segments or track.end_s > 0:
        parts.append(_range_text(track.start_s, track.end_s, lang))
    if track.kind == "audio" and track.volume is not None:
        parts.append(f"{_fmt_number(track.volume)}%")
    if not parts:
        return ""
    if lang == "zh":
        return f"（{'，'.join(parts)}）"
    return f" ({', '.join(parts)})"


def _track_noun(track: Track, lang: Language = "en") -> str:
    """Lower-case track noun for sentences: "video", "audio", "title", "type 3"."""
    zh = lang == "zh"
    if track.kind == "video":
        return "视频" if zh else "video"
    if track.kind == "audio":
        return "音频" if zh else "audio"
    if track.kind == "text":
        return "标题" if zh else "title"
    if track.type_code is None:
        return "其他" if zh else "other"
    return f"类型 {track.type_code} 的" if zh else f"type {track.type_code}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _track_ref(timeline: Timeline, track: Track, lang: Language = "en") -> str:
    """ "Video track", or "Audio track 3" (its summary number) when the word repeats."""
    word = timeline.kind_word(track)
    repeats = sum(1 for other in timeline.tracks if timeline.kind_word(other) == word) > 1
    if lang == "zh":
        zh_word = timeline.kind_word_in(track, "zh").removesuffix("轨道").removesuffix("的")
        return f"{zh_word}轨道 {track.index + 1}" if repeats else f"{zh_word}轨道"
    return f"{word} track {track.index + 1}" if repeats else f"{word} track"


def _track_name_phrase(track: Track, lang: Language = "en") -> str:
    """' "Lo-fi"', ' with 3 images' or '' after "track" (Chinese: “Lo-fi”, ，含 3 张图片)."""
    if not track.name:
        return ""
    if track.segments and track.name == track.count_label:
        return (
            f"，含 {_count_label(track.segments, 'zh')}" if lang == "zh" else f" with {track.name}"
        )
    return _quoted(track.name, lang=lang) if lang == "zh" else f" {_quoted(track.name)}"


def _segment_phrase(segment: Segment, *, with_range: bool, lang: Language = "en") -> str:
    """'photo 4 "lake.jpg" (9-12s)' / '第 4 张照片“lake.jpg”（9-12秒）'."""
    phrase = segment.ref_in(lang)
    if segment.label != segment.ref:
        phrase += (
            _quoted(segment.label, lang=lang) if lang == "zh" else f" {_quoted(segment.label)}"
        )
    if with_range:
        span = _range_text(segment.start_s, segment.end_s, lang)
        phrase += f"（{span}）" if lang == "zh" else f" ({span})"
    return phrase


def _quoted(value: str | None, missing: str = "none", lang: Language = "en") -> str:
    if not value:
        return "无" if lang == "zh" else missing
    return f"“{_one_line(value)}”" if lang == "zh" else f'"{_one_line(value)}"'


def _percent(value: float | None, lang: Language = "en") -> str:
    if value is None:
        return "未设置" if lang == "zh" else "not set"
    return f"{_fmt_number(value)}%"


def _source_names(before: str | None, after: str | None) -> tuple[str | None, str | None]:
    """File names of two sources, or the full sources when the file names agree."""
    old, new = _file_name(before), _file_name(after)
    if old == new:
        return before, after
    return old or before, new or after


# --------------------------------------------------------------------------- diff

# Sentence templates: key -> (English, Chinese).
_SENTENCES: dict[str, tuple[str, str]] = {
    "added_empty": ("Added an empty {noun} track{name}.", "新增了一条空的{noun}轨道{name}。"),
    "added": (
        "Added {article} {noun} track{name}{details}.",
        "新增了一条{noun}轨道{name}{details}。",
    ),
    "removed_empty": ("Removed an empty {noun} track{name}.", "删除了一条空的{noun}轨道{name}。"),
    "removed": ("Removed the {noun} track{name}.", "删除了{noun}轨道{name}。"),
    "lasts": ("{subject} now lasts {new} (was {old}).", "{subject}现在时长 {new}（原为 {old}）。"),
    "starts": (
        "{subject} now starts at {new} (was {old}).",
        "{subject}现在从 {new} 开始（原为 {old}）。",
    ),
    "runs": ("{subject} now runs {new} (was {old}).", "{subject}现在位于 {new}（原为 {old}）。"),
    "uses": ("{subject} now uses {new} (was {old}).", "{subject}现在使用{new}（原为{old}）。"),
    "reads": (
        "{subject} now reads {new} (was {old}).",
        "{subject}的文字现在是{new}（原为{old}）。",
    ),
    "volume": (
        "{subject} volume is now {new} (was {old}).",
        "{subject}的音量现在是 {new}（原为 {old}）。",
    ),
    "called": (
        "{subject} is now called {new} (was {old}).",
        "{subject}现在名为{new}（原为{old}）。",
    ),
    "added_segment": ("{subject}: added {segment}.", "{subject}：新增了{segment}。"),
    "removed_segment": ("{subject}: removed {segment}.", "{subject}：删除了{segment}。"),
    "title": ("Project title: {old} -> {new}.", "项目标题：{old} -> {new}。"),
    "canvas": ("Canvas size: {old} -> {new}.", "画面尺寸：{old} -> {new}。"),
    "length": ("Total length: {old} -> {new}.", "总时长：{old} -> {new}。"),
    "other": (
        "Other details of the draft changed (not shown in the timeline).",
        "草稿的其他细节有变化（时间线上不显示）。",
    ),
}


def _sentence(lang: Language, key: str, **values: str) -> str:
    english, chinese = _SENTENCES[key]
    return (chinese if lang == "zh" else english).format(**values)


def _match_key(track: Track) -> tuple[str, int | None]:
    return (track.kind, track.type_code)


def _match_tracks(
    before: Timeline, after: Timeline
) -> tuple[list[tuple[Track | None, Track]], list[Track]]:
    """Pair tracks of the same kind in order; returns (after-order pairs, removed tracks)."""
    pools: dict[tuple[str, int | None], list[Track]] = {}
    for track in before.tracks:
        pools.setdefault(_match_key(track), []).append(track)
    pairs: list[tuple[Track | None, Track]] = []
    for track in after.tracks:
        pool = pools.get(_match_key(track))
        pairs.append((pool.pop(0) if pool else None, track))
    removed = [track for pool in pools.values() for track in pool]
    removed.sort(key=lambda track: track.index)
    return pairs, removed


def _added_track_sentence(after: Track, lang: Language) -> str:
    noun, name = _track_noun(after, lang), _track_name_phrase(after, lang)
    if not after.segments:
        return _sentence(lang, "added_empty", noun=noun, name=name)
    details = _track_details(after, lang)
    return _sentence(lang, "added", article=_article(noun), noun=noun, name=name, details=details)


def _removed_track_sentence(before: Track, lang: Language) -> str:
    noun, name = _track_noun(before, lang), _track_name_phrase(before, lang)
    return _sentence(lang, "removed" if before.segments else "removed_empty", noun=noun, name=name)


def _timing_sentence(
    subject: str, old: Segment, new: Segment, shifted: bool, lang: Language
) -> str | None:
    """A sentence about start/length changes, or None when timing looks unchanged.

    Times are compared as printed (one decimal), so sub-0.05 s jitter is not reported.
    ``shifted`` means the segment stays glued to its predecessor, so a pure move is only a
    consequence of an earlier change and is not reported.
    """
    old_start, new_start = _fmt_number(old.start_s), _fmt_number(new.start_s)
    old_length, new_length = _fmt_number(old.duration_s), _fmt_number(new.duration_s)
    if old_start == new_start and old_length == new_length:
        return None
    if old_start == new_start:
        return _sentence(
            lang,
            "lasts",
            subject=subject,
            new=_seconds_text(new.duration_s, lang),
            old=_seconds_text(old.duration_s, lang),
        )
    if old_length == new_length:
        if shifted:
            return None
        return _sentence(
            lang,
            "starts",
            subject=subject,
            new=_seconds_text(new.start_s, lang),
            old=_seconds_text(old.start_s, lang),
        )
    return _sentence(
        lang,
        "runs",
        subject=subject,
        new=_range_text(new.start_s, new.end_s, lang),
        old=_range_text(old.start_s, old.end_s, lang),
    )


def _glued(segments: tuple[Segment, ...], index: int) -> bool:
    """True when segment ``index`` starts exactly where the previous one ends."""
    return index > 0 and _same_time(segments[index - 1].end_s, segments[index].start_s)


def _segment_changes(
    prefix: str, old_track: Track, new_track: Track, index: int, lang: Language
) -> list[str]:
    """Sentences for one segment position present in both tracks.

    The subject is "Video track: photo 2", or just "BGM track" when both tracks hold one segment.
    """
    old, new = old_track.segments[index], new_track.segments[index]
    lone = len(old_track.segments) == len(new_track.segments) == 1
    colon = "：" if lang == "zh" else ": "
    subject = prefix if lone else f"{prefix}{colon}{new.ref_in(lang)}"
    shifted = _glued(old_track.segments, index) and _glued(new_track.segments, index)
    sentences = []
    timing = _timing_sentence(subject, old, new, shifted, lang)
    if timing:
        sentences.append(timing)
    if old.source != new.source:
        was, now = _source_names(old.source, new.source)
        sentences.append(
            _sentence(
                lang,
                "uses",
                subject=subject,
                new=_quoted(now, lang=lang),
                old=_quoted(was, lang=lang),
            )
        )
    if old.text != new.text:
        sentences.append(
            _sentence(
                lang,
                "reads",
                subject=subject,
                new=_quoted(new.text, lang=lang),
                old=_quoted(old.text, lang=lang),
            )
        )
    if old.volume != new.volume:
        sentences.append(
            _sentence(
                lang,
                "volume",
                subject=subject,
                new=_percent(new.volume, lang),
                old=_percent(old.volume, lang),
            )
        )
    return sentences


def _track_changes(after: Timeline, old: Track, new: Track, lang: Language) -> list[str]:
    """Sentences for a track present before and after."""
    prefix = _track_ref(after, new, lang)
    sentences: list[str] = []
    old_name = _meta_label(old.raw, allow_generic=True)
    new_name = _meta_label(new.raw, allow_generic=True)
    if old_name != new_name:
        sentences.append(
            _sentence(
                lang,
                "called",
                subject=prefix,
                new=_quoted(new_name, lang=lang),
                old=_quoted(old_name, lang=lang),
            )
        )
    old_volume, new_volume = _volume_percent(old.raw), _volume_percent(new.raw)
    if old_volume != new_volume:
        sentences.append(
            _sentence(
                lang,
                "volume",
                subject=prefix,
                new=_percent(new_volume, lang),
                old=_percent(old_volume, lang),
            )
        )
    shared = min(len(old.segments), len(new.segments))
    for index in range(shared):
        sentences.extend(_segment_changes(prefix, old, new, index, lang))
    for segment in new.segments[shared:]:
        phrase = _segment_phrase(segment, with_range=True, lang=lang)
        sentences.append(_sentence(lang, "added_segment", subject=prefix, segment=phrase))
    for segment in old.segments[shared:]:
        phrase = _segment_phrase(segment, with_range=False, lang=lang)
        sentences.append(_sentence(lang, "removed_segment", subject=prefix, segment=phrase))
    return sentences


def _timeline_changes(before: Timeline, after: Timeline, lang: Language) -> list[str]:
    """Sentences about the project title, canvas size and total length."""
    sentences = []
    if before.title != after.title:
        sentences.append(
            _sentence(
                lang,
                "title",
                old=_quoted(before.title, lang=lang),
                new=_quoted(after.title, lang=lang),
            )
        )
    if (before.width, before.height) != (after.width, after.height):
        sentences.append(_sentence(lang, "canvas", old=_size(before, lang), new=_size(after, lang)))
    old_length, new_length = _fmt_number(before.duration_s), _fmt_number(after.duration_s)
    if old_length != new_length:
        sentences.append(
            _sentence(
                lang,
                "length",
                old=_seconds_text(before.duration_s, lang),
                new=_seconds_text(after.duration_s, lang),
            )
        )
    return sentences


def _size(timeline: Timeline, lang: Language = "en") -> str:
    if timeline.width is None or timeline.height is None:
        return "未知" if lang == "zh" else "unknown"
    return f"{timeline.width}x{timeline.height}"


def _diff(before: Timeline, after: Timeline, lang: Language = "en") -> list[str]:
    """See Timeline.diff: per-track sentences in after order, removals, then timeline-wide."""
    pairs, removed = _match_tracks(before, after)
    sentences: list[str] = []
    for old, new in pairs:
        if old is None:
            sentences.append(_added_track_sentence(new, lang))
        else:
            sentences.extend(_track_changes(after, old, new, lang))
    sentences.extend(_removed_track_sentence(track, lang) for track in removed)
    sentences.extend(_timeline_changes(before, after, lang))
    if not sentences and before.raw != after.raw:
        sentences.append(_sentence(lang, "other"))
    return sentences
