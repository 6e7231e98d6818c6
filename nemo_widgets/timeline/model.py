"""The timeline as plain, immutable objects: a `Timeline` of `Track`s of `Segment`s.

``Timeline.from_draft`` builds them from a draft (see ``parse`` for how values are read);
parsing never raises: odd values are skipped or replaced by a sensible default.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .diff import _diff
from .parse import (
    END_KEYS,
    SOURCE_KEYS,
    START_KEYS,
    TEXT_KEYS,
    _dicts,
    _dimension,
    _file_name,
    _first_number,
    _first_text,
    _fmt_number,
    _integer,
    _load,
    _mapping,
    _media,
    _meta_label,
    _number,
    _seconds,
    _segment_kind,
    _text,
    _track_kind,
    _volume_percent,
)
from .wording import (
    _ZH_KIND_WORDS,
    _ZH_SEGMENT_NOUNS,
    KIND_WORDS,
    Language,
    _count_label,
    _display_label,
    _lang,
    _plural,
    _segment_noun,
    _track_details,
    _track_label,
)


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
