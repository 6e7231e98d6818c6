"""Helpers for the engine's timeline draft (the schema of ``docs/draft-schema.md``).

Build a draft, re-time it after an edit, check it before a render and describe the difference
between two drafts. Pure functions on plain dicts: no I/O, no clock, no randomness.

Two keys go beyond the written schema:

* ``sd`` on a video segment: the source file's duration in ms, so that a video segment's
  ``d`` can be kept at most ``sd - in`` without looking the file up again;
* ``for`` on a caption (text segment with role ``caption``): the ``id`` of the visual segment
  it belongs to; :func:`relayout` keeps the caption on that segment's time range.

Functions whose name is a verb on a draft (:func:`relayout`, :func:`fit_length`, ...) change
the draft they are given **in place** and return it; callers that must not change their input
pass a ``copy.deepcopy``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from . import catalog

SCHEMA_VERSION = 1
VISUAL, AUDIO, TEXT = 0, 1, 7
TRACK_ORDER = (VISUAL, AUDIO, TEXT)
TRACK_NAMES = {VISUAL: "Photos", AUDIO: "Music", TEXT: "Titles"}

# The values a draft may hold come from the engine's one vocabulary (catalog.py).
ASPECTS = {key: tuple(int(n) for n in key.split(":")) for key in catalog.ASPECTS}
MAX_LONG_SIDE, MAX_SHORT_SIDE = 1920, 1080  # the cloud's cap: 1920x1080 or 1080x1920
RESOLUTIONS = (720, 1080)  # "720p"/"1080p": the shorter side of the frame
TRANSITIONS = frozenset(catalog.TRANSITIONS)
MOTIONS = frozenset(catalog.MOTIONS)
POSITIONS = frozenset(catalog.POSITIONS)
FITS = frozenset(catalog.FITS)

DEFAULT_ASPECT = "16:9"
DEFAULT_RESOLUTION = 1080
DEFAULT_FPS = 30
DEFAULT_FIT = "auto"  # each photo fills the frame or sits on a blurred copy (see framing)
DEFAULT_BACKGROUND = "#000000"
DEFAULT_PHOTO_MS = 3000
DEFAULT_CLIP_MAX_MS = 10_000  # a video clip keeps its length, up to this
TITLE_MS = 4000

MIN_SEGMENT_MS = 500  # shorter than this a photo is a flash, not a slide
MAX_PHOTO_MS = 60_000  # longer than this a still photo is almost surely a mistake
MAX_LENGTH_MS = 600_000  # ten minutes

# "auto" framing fills the frame with a photo when filling keeps at least this share of it:
# trimming at most an eighth from two opposite edges keeps the rule-of-thirds lines, where
# subjects usually are, and fills the frame with the usual near misses (a 4:3 photo in a 16:9
# frame keeps exactly 3/4, 3:4 in 9:16 too, 4:5 in 1:1 keeps 4/5). Beyond that (a landscape
# photo in a portrait frame keeps 24-42 %, a square one 56 %) filling would cut off most of
# the photo: it is shown whole on a blurred, enlarged copy of itself instead, as phone editors
# do. Slightly under 3/4, so that 4000x3000 in 1920x1080 is not lost to rounding.
FILL_KEEPS = 0.74

_COLOUR = re.compile(r"#[0-9a-f]{6}")
_ID = re.compile(r"sg_(\d+)")


class LayoutError(ValueError):
    """A requested timing cannot be laid out. ``code`` names the reason, ``limit_ms`` the bound.

    Codes: ``too_short`` (segments would fall under MIN_SEGMENT_MS), ``photo_too_long`` (a photo
    over MAX_PHOTO_MS), ``clips_too_short`` (the video clips' sources are shorter than asked),
    ``too_long`` (over MAX_LENGTH_MS), ``empty`` (no visual segment).
    """

    def __init__(self, code: str, limit_ms: int = 0) -> None:
        super().__init__(f"{code} (limit {limit_ms} ms)")
        self.code = code
        self.limit_ms = limit_ms


# --------------------------------------------------------------------------- access


def canvas_size(aspect: str, resolution: int = DEFAULT_RESOLUTION) -> tuple[int, int]:
    """Width and height for an aspect at 720p/1080p: the shorter side is the resolution unless
    the longer side would pass the cap (both even). 4:5 at 1080p is 1080x1350."""
    a, b = ASPECTS[aspect]
    short = resolution
    long = short * max(a, b) / min(a, b)
    if long > MAX_LONG_SIDE:
        short, long = MAX_LONG_SIDE * min(a, b) / max(a, b), MAX_LONG_SIDE
    short, long = _even(short), _even(long)
    return (long, short) if a >= b else (short, long)


def resolution_of(draft: dict[str, Any]) -> int:
    """720 or 1080: the resolution class of the draft's current frame size."""
    meta = draft.get("m", {})
    short = min(meta.get("width", 1920), meta.get("height", 1080))
    return 720 if short <= 720 else 1080


def track(draft: dict[str, Any], tt: int) -> dict[str, Any] | None:
    """The draft's track of type ``tt``, or None."""
    return next((t for t in draft.get("t", []) if t.get("tt") == tt), None)


def segments(draft: dict[str, Any], tt: int) -> list[dict[str, Any]]:
    """The segment list of the track of type ``tt`` (the draft's own list; [] if no track)."""
    found = track(draft, tt)
    return found["sg"] if found is not None else []


def texts(draft: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The text segments playing ``role`` ("title" or "caption"), in track order."""
    return [seg for seg in segments(draft, TEXT) if seg.get("role") == role]


def ensure_track(draft: dict[str, Any], tt: int) -> dict[str, Any]:
    """The track of type ``tt``, created empty in schema order (visual, audio, text) if missing."""
    found = track(draft, tt)
    if found is not None:
        return found
    new = {"tt": tt, "m": {"name": TRACK_NAMES[tt]}, "sg": []}
    tracks = draft.setdefault("t", [])
    position = sum(1 for t in tracks if TRACK_ORDER.index(t.get("tt", 0)) < TRACK_ORDER.index(tt))
    tracks.insert(position, new)
    return new


def next_id(draft: dict[str, Any]) -> str:
    """A segment id not used in the draft: ``sg_<n>``, one past the highest n (deterministic)."""
    numbers = [
        int(match.group(1))
        for t in draft.get("t", [])
        for seg in t.get("sg", [])
        if (match := _ID.fullmatch(str(seg.get("id", ""))))
    ]
    return f"sg_{max(numbers, default=0) + 1}"


def transition_ms(segment: dict[str, Any]) -> int:
    """Length of the transition into ``segment`` (0 for a cut)."""
    return int(segment.get("tr", {}).get("d", 0))


def clip_cap_ms(segment: dict[str, Any]) -> int | None:
    """The longest ``d`` a video segment can have (source minus ``in``); None when unbounded."""
    if segment.get("kind") != "video" or "sd" not in segment:
        return None
    return int(segment["sd"]) - int(segment.get("in", 0))


# --------------------------------------------------------------------------- building


def new_draft(
    aspect: str = DEFAULT_ASPECT,
    resolution: int = DEFAULT_RESOLUTION,
    fps: int = DEFAULT_FPS,
    title: str | None = None,
) -> dict[str, Any]:
    """An empty draft with the default canvas (1920x1080 16:9, 30 fps, auto fit, black)."""
    width, height = canvas_size(aspect, resolution)
    meta: dict[str, Any] = {"title": title} if title else {}
    meta.update(
        width=width,
        height=height,
        fps=fps,
        aspect=aspect,
        fit=DEFAULT_FIT,
        background=DEFAULT_BACKGROUND,
    )
    photos = {"tt": VISUAL, "m": {"name": TRACK_NAMES[VISUAL]}, "sg": []}
    return {"v": SCHEMA_VERSION, "d": 0, "m": meta, "t": [photos]}


def framing(fit: str, size: tuple[int, int], frame: tuple[int, int]) -> str:
    """How a photo (or clip) of ``size`` is framed in ``frame`` under ``fit``: "cover" (fills
    the frame, cropped), "contain" (whole, on the background colour) or "blur" (whole, on a
    blurred copy of itself). "auto" is "cover" when filling keeps ``FILL_KEEPS`` of the photo
    (or the shapes are the same), else "blur"."""
    if fit != "auto":
        return fit
    return "cover" if kept_by_filling(size, frame) >= FILL_KEEPS else "blur"


def kept_by_filling(size: tuple[int, int], frame: tuple[int, int]) -> float:
    """The share of a photo of ``size`` that stays visible when it fills ``frame`` (0-1]."""
    (width, height), (frame_w, frame_h) = size, frame
    if min(width, height, frame_w, frame_h) <= 0:
        return 1.0
    photo, target = width / height, frame_w / frame_h
    return min(photo, target) / max(photo, target)


def visual_segment(
    seg_id: str,
    *,
    kind: str,
    mid: str,
    src: str,
    name: str,
    duration_ms: int | None = None,
    transition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A photo (3 s, static) or video segment (its own length up to 10 s, from the start).

    ``duration_ms`` is the video source's length; ``transition`` the one into this segment.
    """
    segment: dict[str, Any] = {"id": seg_id, "kind": kind, "mid": mid, "src": src, "name": name}
    if kind == "video":
        if duration_ms:
            segment.update(sd=duration_ms, d=min(duration_ms, DEFAULT_CLIP_MAX_MS))
        else:
            segment["d"] = DEFAULT_PHOTO_MS
        segment["in"] = 0
    else:
        segment.update(d=DEFAULT_PHOTO_MS, motion="static")
    segment["st"] = 0
    if transition is not None:
        segment["tr"] = dict(transition)
    return segment


# --------------------------------------------------------------------------- timing


def relayout(draft: dict[str, Any]) -> dict[str, Any]:
    """Re-time the whole draft after any edit (in place; returns the draft).

    Visual segments: the first starts at 0 with a cut, each transition is cut down to half of
    either neighbour, ``st`` follows the schema's rule and the draft's ``d`` is the end of the
    last one. Music starts at 0 and lasts the whole video; the title starts at 0 and is cut to
    the video; a caption follows its photo (``for``) and goes with it. Empty music and text
    tracks are dropped.
    """
    visuals = segments(draft, VISUAL)
    for index, seg in enumerate(visuals):
        cap = clip_cap_ms(seg)
        if cap is not None:
            seg["d"] = min(seg["d"], cap)
        if index == 0:
            seg.pop("tr", None)
        elif "tr" in seg:
            limit = min(visuals[index - 1]["d"], seg["d"]) // 2
            tr = seg["tr"]
            tr["d"] = 0 if tr.get("type") == "none" else max(0, min(int(tr.get("d", 0)), limit))
    start = 0
    for index, seg in enumerate(visuals):
        if index:
            start += visuals[index - 1]["d"] - transition_ms(seg)
        seg["st"] = start
    length = visuals[-1]["st"] + visuals[-1]["d"] if visuals else 0
    draft["d"] = length
    _relayout_audio(draft, length)
    _relayout_text(draft, length)
    draft["t"] = [t for t in draft.get("t", []) if t.get("tt") == VISUAL or t.get("sg")]
    return draft


def _relayout_audio(draft: dict[str, Any], length: int) -> None:
    """Music plays from 0 to the end of the video (looping); fades fit inside it."""
    for seg in segments(draft, AUDIO):
        seg["st"], seg["d"] = 0, length
        for key in ("fi", "fo"):
            if key in seg:
                seg[key] = min(int(seg[key]), length // 2)


def _relayout_text(draft: dict[str, Any], length: int) -> None:
    """Titles start at 0 and end with the video at the latest; captions follow their photo."""
    text_track = track(draft, TEXT)
    if text_track is None:
        return
    by_id = {seg.get("id"): seg for seg in segments(draft, VISUAL)}
    kept = []
    for seg in text_track["sg"]:
        if seg.get("role") == "caption" and "for" in seg:
            photo = by_id.get(seg["for"])
            if photo is None:
                continue  # its photo was removed
            seg["st"], seg["d"] = photo["st"], photo["d"]
        elif seg.get("role") == "title":
            seg["st"], seg["d"] = 0, min(int(seg.get("d", TITLE_MS)), length)
        else:
            seg["st"] = min(int(seg.get("st", 0)), length)
            seg["d"] = min(int(seg.get("d", 0)), length - seg["st"])
        for key in ("fi", "fo"):
            if key in seg:
                seg[key] = min(int(seg[key]), seg["d"] // 2)
        if seg["d"] > 0:
            kept.append(seg)
    kept.sort(key=lambda seg: (seg["st"], seg.get("role") != "title"))
    text_track["sg"] = kept


def fit_length(draft: dict[str, Any], total_ms: int) -> dict[str, Any]:
    """Give the video exactly ``total_ms`` (in place; returns the draft).

    Every segment gets the same length d = (L + sum of transitions) / N, so the overlaps are
    counted; a video clip that is too short for its share keeps its full length and the others
    share the rest. The milliseconds left over by the division go one each to the first
    segments, so the draft's ``d`` is exactly ``total_ms``. Raises LayoutError when impossible.
    """
    visuals = segments(draft, VISUAL)
    if not visuals:
        raise LayoutError("empty")
    if total_ms > MAX_LENGTH_MS:
        raise LayoutError("too_long", MAX_LENGTH_MS)
    caps = [clip_cap_ms(seg) for seg in visuals]
    wanted = [0] + [transition_ms(seg) for seg in visuals[1:]]
    while True:
        lengths = _share(total_ms + sum(wanted), caps)
        clamped = [0] + [
            min(wanted[k], lengths[k - 1] // 2, lengths[k] // 2) for k in range(1, len(lengths))
        ]
        if clamped == wanted:
            break
        wanted = clamped  # shorter segments hold shorter transitions: share again
    _check_lengths(visuals, lengths)
    for seg, length, tr in zip(visuals, lengths, wanted, strict=True):
        seg["d"] = length
        if "tr" in seg:
            seg["tr"]["d"] = tr
    return relayout(draft)


def _share(total: int, caps: Sequence[int | None]) -> list[int]:
    """Split ``total`` ms into len(caps) integer lengths, as equal as the caps allow."""
    lengths: list[int | None] = [None] * len(caps)
    free = list(range(len(caps)))
    remaining = total
    while free:
        each = remaining / len(free)
        short = [i for i in free if caps[i] is not None and caps[i] < each]  # type: ignore[operator]
        if not short:
            break
        for i in short:
            lengths[i] = caps[i]
            remaining -= caps[i]  # type: ignore[operator]
            free.remove(i)
    if not free:
        if remaining > 0:
            raise LayoutError("clips_too_short", total - remaining)
        return [int(length or 0) for length in lengths]
    base, extra = divmod(remaining, len(free))
    for rank, i in enumerate(free):
        lengths[i] = base + (1 if rank < extra else 0)
    return [int(length or 0) for length in lengths]


def _check_lengths(visuals: Sequence[dict[str, Any]], lengths: Sequence[int]) -> None:
    """Refuse lengths a viewer would not want: flashes and minute-long stills."""
    if min(lengths) < MIN_SEGMENT_MS:
        raise LayoutError("too_short", MIN_SEGMENT_MS)
    for seg, length in zip(visuals, lengths, strict=True):
        if seg.get("kind") != "video" and length > MAX_PHOTO_MS:
            raise LayoutError("photo_too_long", MAX_PHOTO_MS)


def set_photo_length(draft: dict[str, Any], photo_ms: int) -> dict[str, Any]:
    """Every photo (not video clip) lasts ``photo_ms`` (in place; returns the draft)."""
    if photo_ms < MIN_SEGMENT_MS:
        raise LayoutError("too_short", MIN_SEGMENT_MS)
    if photo_ms > MAX_PHOTO_MS:
        raise LayoutError("photo_too_long", MAX_PHOTO_MS)
    for seg in segments(draft, VISUAL):
        if seg.get("kind") != "video":
            seg["d"] = photo_ms
    return _checked_relayout(draft)


def scale_lengths(draft: dict[str, Any], factor: float) -> dict[str, Any]:
    """Multiply every segment's length by ``factor``, to the nearest 0.1 s (in place).

    Video clips stop at the end of their source; nothing goes under MIN_SEGMENT_MS.
    """
    for seg in segments(draft, VISUAL):
        length = max(MIN_SEGMENT_MS, int(seg["d"] * factor / 100 + 0.5) * 100)
        if seg.get("kind") != "video":
            length = min(length, MAX_PHOTO_MS)
        cap = clip_cap_ms(seg)
        seg["d"] = length if cap is None else min(length, cap)
    return _checked_relayout(draft)


def _checked_relayout(draft: dict[str, Any]) -> dict[str, Any]:
    relayout(draft)
    if draft["d"] > MAX_LENGTH_MS:
        raise LayoutError("too_long", MAX_LENGTH_MS)
    return draft


def _even(value: float) -> int:
    return round(value / 2) * 2


# --------------------------------------------------------------------------- validation


def validate(draft: Any) -> None:
    """Raise ValueError naming every problem that would keep the renderer from playing
    ``draft``; return None for a playable draft."""
    problems = _problems(draft)
    if problems:
        raise ValueError("invalid draft: " + "; ".join(problems))


def _problems(draft: Any) -> list[str]:
    if not isinstance(draft, dict):
        return ["the draft is not an object"]
    problems = _meta_problems(draft.get("m"))
    tracks = draft.get("t")
    if not isinstance(tracks, list) or not tracks:
        return [*problems, "`t` must be a non-empty list of tracks"]
    types = [t.get("tt") if isinstance(t, dict) else None for t in tracks]
    if any(tt not in TRACK_ORDER for tt in types):
        problems.append(f"track types must be 0, 1 or 7 (got {types})")
        return problems
    if len(set(types)) != len(types):
        problems.append(f"at most one track of each type (got {types})")
    if any(not isinstance(t.get("sg"), list) for t in tracks):
        return [*problems, "every track needs a list `sg` of segments"]
    visuals = segments(draft, VISUAL)
    if not visuals:
        return [*problems, "there is no photo or video segment to show"]
    problems += _visual_problems(visuals)
    if not problems and draft.get("d") != visuals[-1]["st"] + visuals[-1]["d"]:
        problems.append(
            f"`d` is {draft.get('d')} but the last segment ends at "
            f"{visuals[-1]['st'] + visuals[-1]['d']}"
        )
    problems += [f"music: {p}" for seg in segments(draft, AUDIO) for p in _audio_problems(seg)]
    problems += [f"text: {p}" for seg in segments(draft, TEXT) for p in _text_problems(seg)]
    return problems


def _meta_problems(meta: Any) -> list[str]:
    if not isinstance(meta, dict):
        return ["`m` (size, fps) is missing"]
    problems = []
    width, height = meta.get("width"), meta.get("height")
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
        problems.append(f"`m.width`/`m.height` must be positive integers (got {width}x{height})")
    elif width % 2 or height % 2:
        problems.append(f"the frame size must be even (got {width}x{height})")
    elif max(width, height) > MAX_LONG_SIDE or min(width, height) > MAX_SHORT_SIDE:
        problems.append(f"the frame {width}x{height} is larger than 1920x1080 / 1080x1920")
    fps = meta.get("fps", DEFAULT_FPS)
    if not isinstance(fps, (int, float)) or not 1 <= fps <= 60:
        problems.append(f"`m.fps` must be 1-60 (got {fps})")
    if meta.get("fit", DEFAULT_FIT) not in FITS:
        problems.append(f"`m.fit` must be one of {', '.join(catalog.FITS)} (got {meta.get('fit')})")
    if not _COLOUR.fullmatch(str(meta.get("background", DEFAULT_BACKGROUND))):
        problems.append(f"`m.background` must be #rrggbb (got {meta.get('background')})")
    return problems


def _visual_problems(visuals: list[dict[str, Any]]) -> list[str]:
    problems = []
    for k, seg in enumerate(visuals):
        where = f"segment {k + 1}"
        if seg.get("kind") not in ("image", "video"):
            problems.append(f"{where}: kind must be image or video (got {seg.get('kind')})")
        if not seg.get("mid"):
            problems.append(f"{where}: `mid` (which upload to show) is missing")
        if not _is_ms(seg.get("d")) or seg["d"] <= 0 or not _is_ms(seg.get("st")):
            problems.append(f"{where}: `st` and `d` must be integers, `d` > 0")
            continue
        cap = clip_cap_ms(seg)
        if cap is not None and seg["d"] > cap:
            problems.append(f"{where}: {seg['d']} ms is longer than its video ({cap} ms)")
        if seg.get("motion", "static") not in MOTIONS:
            problems.append(f"{where}: unknown motion {seg.get('motion')!r}")
        tr = seg.get("tr", {})
        if tr.get("type", "crossfade") not in TRANSITIONS:
            problems.append(f"{where}: unknown transition {tr.get('type')!r}")
        tr_ms = transition_ms(seg) if k else 0
        expected = 0 if k == 0 else visuals[k - 1]["st"] + visuals[k - 1]["d"] - tr_ms
        if k and tr_ms * 2 > min(seg["d"], visuals[k - 1]["d"]):
            problems.append(f"{where}: its {tr_ms} ms transition is longer than half a segment")
        if seg["st"] != expected:
            problems.append(f"{where}: starts at {seg['st']} ms, should start at {expected}")
    return problems


def _audio_problems(seg: dict[str, Any]) -> list[str]:
    problems = []
    if not seg.get("mid"):
        problems.append("`mid` is missing")
    volume = seg.get("vol", 1)
    if not isinstance(volume, (int, float)) or not 0 <= volume <= 1:
        problems.append(f"`vol` must be 0-1 (got {volume})")
    return problems


def _text_problems(seg: dict[str, Any]) -> list[str]:
    problems = []
    if not str(seg.get("text", "")).strip():
        problems.append("a text segment has no text")
    if seg.get("pos", "bottom") not in POSITIONS:
        problems.append(f"`pos` must be top, center or bottom (got {seg.get('pos')})")
    if not _is_ms(seg.get("st")) or not _is_ms(seg.get("d")):
        problems.append("`st` and `d` must be integers")
    return problems


def _is_ms(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# --------------------------------------------------------------------------- describing

# Fact name -> (English label, Chinese label).
_FACT_LABELS = {
    "length": ("length", "时长"),
    "size": ("size", "尺寸"),
    "fps": ("frame rate", "帧率"),
    "fit": ("fit", "画面适配"),
    "background": ("background", "背景色"),
    "transitions": ("transitions", "转场"),
    "motion": ("motion", "运动效果"),
    "title": ("title", "标题"),
    "captions": ("captions", "字幕"),
    "music": ("music", "音乐"),
}


def seconds_text(ms: int) -> str:
    """12000 -> "12 s", 12500 -> "12.5 s", 12345 -> "12.35 s"."""
    return f"{round(ms / 1000, 2):g} s"


def facts(draft: dict[str, Any], zh: bool = False) -> dict[str, str]:
    """The draft's properties a user cares about, as short strings (fit and background in
    words, in English or Chinese; the rest language-neutral)."""
    meta = draft.get("m", {})
    visuals = segments(draft, VISUAL)
    transitions = sorted({_transition_text(seg) for seg in visuals[1:]})
    title = next(iter(texts(draft, "title")), None)
    captions = texts(draft, "caption")
    music = segments(draft, AUDIO)
    return {
        "length": seconds_text(int(draft.get("d", 0))),
        "size": f"{meta.get('width')}x{meta.get('height')} ({meta.get('aspect', '?')})",
        "fps": f"{meta.get('fps', DEFAULT_FPS)} fps",
        "fit": _named(catalog.FITS, str(meta.get("fit", DEFAULT_FIT)), zh),
        "background": catalog.colour_name(str(meta.get("background", DEFAULT_BACKGROUND)), zh),
        "transitions": ", ".join(transitions) or "none",
        "motion": ", ".join(sorted({str(s.get("motion")) for s in visuals if "motion" in s}))
        or "static",
        "title": f"“{title['text']}” ({title.get('pos', 'bottom')})" if title else "none",
        "captions": ", ".join(f"“{c['text']}”" for c in captions) or "none",
        "music": (
            f"{music[0].get('name', 'music')} {round(music[0].get('vol', 1) * 100)}%"
            f", fade-out {seconds_text(int(music[0].get('fo', 0)))}"
            if music
            else "none"
        ),
    }


def _named(table: dict[str, catalog.Entry], key: str, zh: bool) -> str:
    """A catalogue value as a reply says it; an unknown one (a colour given through the API)
    as it is."""
    return catalog.names(table, key, zh) if key in table else key


def _transition_text(segment: dict[str, Any]) -> str:
    kind = segment.get("tr", {}).get("type", "none")
    return "none" if kind == "none" else f"{kind} {seconds_text(transition_ms(segment))}"


def describe(before: dict[str, Any], after: dict[str, Any], lang: str = "en") -> list[str]:
    """Short phrases saying how ``after`` differs from ``before`` ("length 15 s → 12 s").

    ``lang`` is "en" or "zh". An empty list means nothing a user would notice changed.
    """
    zh = lang == "zh"
    changes = _photo_changes(segments(before, VISUAL), segments(after, VISUAL), zh)
    old, new = facts(before, zh), facts(after, zh)
    none = "无" if zh else "none"
    for key, (en_label, zh_label) in _FACT_LABELS.items():
        if old[key] != new[key]:
            was, now = (none if v == "none" else v for v in (old[key], new[key]))
            changes.append(f"{zh_label if zh else en_label}: {was} → {now}")
    return changes


def _photo_changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]], zh: bool
) -> list[str]:
    """Phrases about photos added, removed or reordered (by file name)."""
    old = [str(seg.get("name", seg.get("mid"))) for seg in before]
    new = [str(seg.get("name", seg.get("mid"))) for seg in after]
    removed = list((Counter(old) - Counter(new)).elements())
    added = list((Counter(new) - Counter(old)).elements())
    phrases = []
    if removed:
        phrases.append(("移除了 " if zh else "removed ") + ", ".join(removed))
    if added:
        phrases.append(("加入了 " if zh else "added ") + ", ".join(added))
    if not removed and not added and old != new:
        phrases.append("照片顺序改变" if zh else "photo order changed")
    return phrases
