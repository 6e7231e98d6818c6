"""How the timeline is said, in English and Chinese: kind words, counts, labels, phrases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from .parse import _file_name, _fmt_number, _meta_label, _one_line

if TYPE_CHECKING:
    from .model import Segment, Timeline, Track


Language = Literal["en", "zh"]  # how summaries and diff sentences are worded
KIND_WORDS = {"video": "Video", "audio": "Audio", "text": "Title"}
_ZH_KIND_WORDS = {
    "Video": "视频",
    "Audio": "音频",
    "BGM": "背景音乐",
    "Title": "标题",
    "Track": "轨道",
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
