"""The editor's state and helpers: a private copy of the draft, the uploads, the words of the
changes and notes, and the dispatch of each typed operation to its family's handler.

Handlers live in one module per family (photos, frame, transitions, lengths, text, music) and
register themselves with :func:`handles`. A handler that cannot carry out its operation raises
:class:`Cannot`, whose message is said to the person; :meth:`Editor.apply` then leaves the draft
as it was before that operation and goes on with the others.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from ... import draft as schema
from ...draft import AUDIO, TEXT, VISUAL, LayoutError, seconds_text
from .. import ops

MUSIC_VOLUME = 0.7
MUSIC_FADE_IN_MS = 500
MUSIC_FADE_OUT_MS = 2000  # also the fade-out a plain "fade out" asks for
TRANSITION_ASKED_MS = 1000
DEFAULT_TRANSITION = {"type": "crossfade", "d": 500}
TITLE_STYLE = {"size": 0.09, "color": "#ffffff", "fi": 500, "fo": 500}
CAPTION_STYLE = {"size": 0.06, "color": "#ffffff", "fi": 300, "fo": 300}

OpT = TypeVar("OpT", bound=ops.Op)
HANDLERS: dict[type[ops.Op], Callable[[Editor, Any], None]] = {}


def handles(
    kind: type[OpT],
) -> Callable[[Callable[[Editor, OpT], None]], Callable[[Editor, OpT], None]]:
    """Register the decorated function as the handler of operations of type ``kind``."""

    def register(function: Callable[[Editor, OpT], None]) -> Callable[[Editor, OpT], None]:
        HANDLERS[kind] = function
        return function

    return register


@dataclass(frozen=True)
class MediaItem:
    """One upload of the session, in upload order."""

    mid: str
    kind: str  # "image" | "video" | "audio"
    name: str
    url: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None  # seconds (video/audio)


class Cannot(Exception):
    """An instruction that cannot be carried out; the message is the reply."""


def photo_word(number: int, name: str, zh: bool) -> str:
    """ "photo 2 (beach.jpg)" / "第2张（beach.jpg）"."""
    return f"第{number}张（{name}）" if zh else f"photo {number} ({name})"


def visual_segment(
    item: MediaItem, seg_id: str, transition: dict[str, Any] | None
) -> dict[str, Any]:
    """A new visual segment showing the photo or video upload ``item``."""
    return schema.visual_segment(
        seg_id,
        kind="video" if item.kind == "video" else "image",
        mid=item.mid,
        src=item.url,
        name=item.name,
        duration_ms=round(item.duration * 1000) if item.duration else None,
        transition=transition,
    )


class Editor:
    """Applies operations to a private copy of the draft and words what it did."""

    def __init__(self, draft: dict[str, Any], media: Sequence[MediaItem], zh: bool) -> None:
        self.draft = copy.deepcopy(draft)
        self.media = list(media)
        self.zh = zh
        self.changes: list[str] = []
        self.notes: list[str] = []
        self.problems = False  # a note said something asked for could not be done
        self.built = False
        self.numbering: list[str] = []  # segment ids as numbered when the message was sent
        self.wanted_transition_ms: int | None = None  # as asked in this message, before cuts
        self.failed: list[tuple[ops.Op, str]] = []  # what could not be done, and why
        self.fit_asked = False  # this message chose how photos fill the frame

    # ------------------------------------------------------------------ helpers

    def say(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def change(self, en: str, zh: str) -> None:
        self.changes.append(self.say(en, zh))

    def note(self, en: str, zh: str, *, problem: bool = False) -> None:
        self.notes.append(self.say(en, zh))
        self.problems = self.problems or problem

    def fail(self, en: str, zh: str) -> NoReturn:
        raise Cannot(self.say(en, zh))

    @property
    def visuals(self) -> list[dict[str, Any]]:
        return schema.segments(self.draft, VISUAL)

    @property
    def length(self) -> int:
        return int(self.draft.get("d", 0))

    def uploads(self, *kinds: str) -> list[MediaItem]:
        return [item for item in self.media if item.kind in kinds]

    def longer_now(self, before_ms: int) -> str:
        """ "; the video is now 12 s" when the length changed, else ""."""
        if self.length == before_ms:
            return ""
        return self.say(
            f"; the video is now {seconds_text(self.length)}",
            f"，视频现在{zh_seconds(self.length)}",
        )

    def layout_error(self, error: LayoutError) -> NoReturn:
        """Word a LayoutError for the user."""
        limit = seconds_text(error.limit_ms)
        count = len(self.visuals)
        messages = {
            "too_short": (
                f"each photo would be on screen less than {limit}",
                f"每张照片的时长会少于{zh_seconds(error.limit_ms)}",
            ),
            "photo_too_long": (
                f"a photo would stay on screen more than {limit}",
                f"单张照片的时长会超过{zh_seconds(error.limit_ms)}",
            ),
            "clips_too_short": (
                f"the video clips are too short: at most {limit} in all",
                f"视频片段太短，最多只能{zh_seconds(error.limit_ms)}",
            ),
            "too_long": (
                f"videos can be at most {limit} long",
                f"视频最长{zh_seconds(error.limit_ms)}",
            ),
            "empty": ("there are no photos in the video", "视频里没有照片"),
        }
        en, zh = messages[error.code]
        self.fail(
            f"I can't make that: {en} ({count} segments). Choose another length, or add or "
            "remove photos.",
            f"做不到：{zh}（共{count}段）。请换一个时长，或增减照片。",
        )

    def segment_id(self, number: int) -> str:
        """The id of photo ``number`` as numbered at the start: 1-based, or counted from the
        end when negative (-1 the last, -2 the one before)."""
        count = len(self.numbering)
        index = count + number if number < 0 else number - 1
        if not 0 <= index < count:
            self.fail(
                f"There {'is' if count == 1 else 'are'} only {count} "
                f"photo{'' if count == 1 else 's'}: photo {abs(number)} does not exist. "
                f"Say a number from 1 to {count}.",
                f"视频里只有{count}张照片，没有第{abs(number)}张。请说1到{count}之间的序号。",
            )
        return self.numbering[index]

    def position_of(self, seg_id: str) -> int:
        """Current 0-based position of a segment; fails if this message removed it."""
        for index, seg in enumerate(self.visuals):
            if seg["id"] == seg_id:
                return index
        self.fail(
            "That photo was removed earlier in this message.", "那张照片在这条消息里已被删除。"
        )

    def describe_photo(self, seg_id: str) -> str:
        """ "photo 2 (beach.jpg)", numbered as when the message was sent (as the person did)."""
        index = self.position_of(seg_id)
        number = self.numbering.index(seg_id) + 1 if seg_id in self.numbering else index + 1
        return photo_word(number, self.visuals[index].get("name", "?"), self.zh)

    def rearrange(self, order: list[dict[str, Any]]) -> None:
        """Put the visual segments in ``order``; transitions stay with their place in the
        sequence (the one into slot 2 stays the one into slot 2)."""
        visuals = self.visuals
        slots = [seg.get("tr") for seg in visuals]
        for seg, tr in zip(order, slots, strict=False):
            seg.pop("tr", None)
            if tr is not None:
                seg["tr"] = tr
        visuals[:] = order
        schema.relayout(self.draft)

    def restore_transitions(self) -> None:
        """Give back the transition length asked for earlier in this message: it may have been
        cut to fit short photos that a later length instruction now makes longer."""
        if self.wanted_transition_ms is not None:
            for seg in self.visuals[1:]:
                seg["tr"]["d"] = self.wanted_transition_ms

    # ------------------------------------------------------------------ photos

    def find_upload(self, spec: str) -> MediaItem:
        """The photo or video upload named by ``spec`` (":last", ":upload N" or a file name)."""
        visuals = self.uploads("image", "video")
        if spec == ":last" and visuals:
            return visuals[-1]
        if spec.startswith(":upload "):
            number = int(spec.split()[1])
            if 1 <= number <= len(self.media) and self.media[number - 1] in visuals:
                return self.media[number - 1]
        wanted = spec.strip().lower()
        for item in visuals:
            name = item.name.lower()
            if wanted in (name, name.rsplit(".", 1)[0]):
                return item
        names = ", ".join(item.name for item in visuals) or "-"
        self.fail(
            f"I found no photo or video upload called “{spec}”. Your uploads: {names}.",
            f"没有找到名为“{spec}”的照片或视频。你上传的素材：{names}。",
        )

    # ------------------------------------------------------------------ frame

    def resize(self, aspect: str, resolution: int, label: str) -> tuple[int, int] | None:
        """Give the frame ``aspect`` at ``resolution``; the new size, or None (with a note
        naming ``label``, "9:16" or "720p") when the frame has that size already."""
        meta = self.draft["m"]
        width, height = schema.canvas_size(aspect, resolution)
        if (meta.get("width"), meta.get("height")) == (width, height):
            if not self.built:  # a new video says its size anyway
                self.note(
                    f"The video is already {label} ({width}x{height}).",
                    f"视频已经是{label}（{width}x{height}）。",
                )
            return None
        meta.update(aspect=aspect, width=width, height=height)
        return width, height

    # ------------------------------------------------------------------ lengths

    def fit(self, ms: int) -> None:
        self.restore_transitions()
        try:
            schema.fit_length(self.draft, ms)
        except LayoutError as error:
            self.layout_error(error)
        each = self.visuals[0]["d"]  # the others differ by 1 ms at most (or are clips)
        self.change(
            f"Set the length to {seconds_text(ms)} (about {seconds_text(each)} per photo).",
            f"已把时长设为{zh_seconds(ms)}（每张约{zh_seconds(each)}）。",
        )

    # ------------------------------------------------------------------ text

    def text_track(self) -> list[dict[str, Any]]:
        return schema.ensure_track(self.draft, TEXT)["sg"]

    def title(self) -> dict[str, Any] | None:
        return next(iter(schema.texts(self.draft, "title")), None)

    # ------------------------------------------------------------------ music

    def music(self) -> dict[str, Any] | None:
        found = schema.segments(self.draft, AUDIO)
        return found[0] if found else None

    def need_music(self) -> dict[str, Any] | None:
        """The music segment, added from the first audio upload if needed (None if no audio)."""
        if self.music() is None:
            self.run(ops.AddMusic())
        return self.music()

    def set_volume(self, music: dict[str, Any], percent: float) -> None:
        old = round(music["vol"] * 100)
        music["vol"] = round(percent / 100, 3)
        self.change(
            f"Set the music volume to {percent:g}% (was {old}%).",
            f"已把音乐音量设为{percent:g}%（原为{old}%）。",
        )

    def run(self, op: ops.Op) -> None:
        """Carry out one operation (raises Cannot)."""
        HANDLERS[type(op)](self, op)

    def apply(self, todo: list[ops.Op]) -> None:
        """Apply ``todo`` (already in order: a build comes first), building from the uploads
        first when the draft is empty. An operation that cannot be done changes nothing and is
        kept in ``failed`` with the reason; the others still apply. No operation leaves the
        video without a segment."""
        if not self.visuals and not (todo and isinstance(todo[0], ops.Build)):
            self.run(ops.Build())
        self.numbering = [seg["id"] for seg in self.visuals]
        for op in todo:
            saved = (copy.deepcopy(self.draft), len(self.changes), len(self.notes))
            saved_state = (self.built, self.problems, self.wanted_transition_ms, self.fit_asked)
            try:
                self.run(op)
            except Cannot as cannot:
                if isinstance(op, ops.Build):
                    raise  # nothing else can be done without a video
                self.draft = saved[0]
                del self.changes[saved[1] :], self.notes[saved[2] :]
                self.built, self.problems, self.wanted_transition_ms, self.fit_asked = saved_state
                self.failed.append((op, str(cannot)))


PLACES = {"top": "top", "center": "centre", "bottom": "bottom"}


def zh_seconds(ms: int) -> str:
    return f"{round(ms / 1000, 2):g}秒"


def count_en(visuals: list[dict[str, Any]]) -> str:
    photos = sum(1 for seg in visuals if seg.get("kind") == "image")
    clips = len(visuals) - photos
    parts = [
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((photos, "photo"), (clips, "clip"))
        if n
    ]
    return " and ".join(parts)


def count_zh(visuals: list[dict[str, Any]]) -> str:
    photos = sum(1 for seg in visuals if seg.get("kind") == "image")
    clips = len(visuals) - photos
    parts = [f"{n}{word}" for n, word in ((photos, "张照片"), (clips, "段视频")) if n]
    return "和".join(parts)


@handles(ops.Export)
def export(ed: Editor, op: ops.Export) -> None:
    ed.note(
        "To get the MP4, press Export in the widget, or in Python call "
        "client.start_render(session_id, draft).",
        "要导出MP4：在小组件里点“导出”，或在Python中调用 client.start_render(session_id, draft)。",
    )
