"""What changed between two timelines, as plain sentences in English or Chinese."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .parse import _fmt_number, _meta_label, _same_time, _volume_percent
from .wording import (
    Language,
    _article,
    _percent,
    _quoted,
    _range_text,
    _seconds_text,
    _segment_phrase,
    _source_names,
    _track_details,
    _track_name_phrase,
    _track_noun,
    _track_ref,
)

if TYPE_CHECKING:
    from .model import Segment, Timeline, Track


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
