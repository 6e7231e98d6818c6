"""Applying operations: the :class:`Editor` that carries out parsed instructions on a draft.

This module owns the writing half of the director. An :class:`Editor` takes a private copy of
the draft and the session's uploads (:class:`MediaItem`), applies the operations found by
:mod:`.intents` one by one (building the video from the uploads first when there is none),
and words each change and note in English or Chinese. An instruction that cannot be carried
out raises :class:`Cannot`, whose message is the reply. The defaults it applies (music volume
and fade-in, transition length, title and caption styles) are the constants below; the music
fade-out length comes from :mod:`.intents`, which needs it for a plain "fade out".
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from . import draft as schema
from .draft import AUDIO, TEXT, VISUAL, LayoutError, seconds_text
from .intents import MUSIC_FADE_OUT_MS
from .phrases import (
    KEN_BURNS_CYCLE,
    MOTION_NAMES,
    PAN_CYCLE,
    POSITION_NAMES,
    TRANSITION_NAMES,
)

MUSIC_VOLUME = 0.7
MUSIC_FADE_IN_MS = 500
TRANSITION_ASKED_MS = 1000
DEFAULT_TRANSITION = {"type": "crossfade", "d": 500}
TITLE_STYLE = {"size": 0.09, "color": "#ffffff", "fi": 500, "fo": 500}
CAPTION_STYLE = {"size": 0.06, "color": "#ffffff", "fi": 300, "fo": 300}


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


def _photo_word(number: int, name: str, zh: bool) -> str:
    """ "photo 2 (beach.jpg)" / "第2张（beach.jpg）"."""
    return f"第{number}张（{name}）" if zh else f"photo {number} ({name})"


def _visual_segment(
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
        """The id of photo ``number`` (1-based, -1 for the last) as numbered at the start."""
        count = len(self.numbering)
        index = count - 1 if number == -1 else number - 1
        if not 0 <= index < count:
            self.fail(
                f"There {'is' if count == 1 else 'are'} only {count} "
                f"photo{'' if count == 1 else 's'}: photo {number} does not exist. "
                f"Say a number from 1 to {count}.",
                f"视频里只有{count}张照片，没有第{number}张。请说1到{count}之间的序号。",
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
        index = self.position_of(seg_id)
        return _photo_word(index + 1, self.visuals[index].get("name", "?"), self.zh)

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

    # ------------------------------------------------------------------ building

    def op_build(self, op: dict[str, Any]) -> None:
        if self.visuals and not op.get("rebuild"):
            return  # the video exists: "video" in the message only names it
        visuals = self.uploads("image", "video")
        if not visuals:
            self.fail(
                "Upload photos first: there is nothing to make a video from yet.",
                "请先上传照片：现在还没有可以做成视频的素材。",
            )
        count = op.get("count")
        chosen = visuals[:count] if count else visuals
        if count and count < len(visuals):
            self.note(
                f"You asked for {count} photos: I used the first {count} of your "
                f"{len(visuals)} uploads, in upload order. Say “start over” for all of them.",
                f"你要{count}张照片：我按上传顺序用了{len(visuals)}个素材中的前{count}个。"
                "说“重新做”可使用全部素材。",
            )
        elif count and count > len(visuals):
            self.note(
                f"You mentioned {count} photos but uploaded {len(visuals)}: I used them all.",
                f"你提到{count}张照片，但只上传了{len(visuals)}个素材：已全部使用。",
            )
        old_meta = self.draft.get("m", {})
        draft = schema.new_draft()
        for key in ("width", "height", "aspect", "fps", "fit", "background"):
            if op.get("rebuild") and key in old_meta:
                draft["m"][key] = old_meta[key]  # starting over keeps the frame asked for
        photos = draft["t"][0]["sg"]
        for item in chosen:
            transition = DEFAULT_TRANSITION if photos else None
            photos.append(_visual_segment(item, schema.next_id(draft), transition))
        self.draft = schema.relayout(draft)
        self.built = True
        self.numbering = [seg["id"] for seg in self.visuals]
        self.change(
            f"Made a slideshow of {count_en(self.visuals)}.",
            f"用{count_zh(self.visuals)}制作了幻灯片视频。",
        )

    # ------------------------------------------------------------------ photo order

    def op_remove(self, op: dict[str, Any]) -> None:
        seg_id = self.segment_id(op["photo"])
        if len(self.visuals) == 1:
            self.fail("I can't remove the only photo of the video.", "不能删除视频里唯一的照片。")
        before, what = self.length, self.describe_photo(seg_id)
        self.rearrange([seg for seg in self.visuals if seg["id"] != seg_id])
        self.change(
            f"Removed {what}{self.longer_now(before)}.", f"已删除{what}{self.longer_now(before)}。"
        )

    def op_move(self, op: dict[str, Any]) -> None:
        seg_id = self.segment_id(op["photo"])
        what = self.describe_photo(seg_id)
        order = [seg for seg in self.visuals if seg["id"] != seg_id]
        moving = self.visuals[self.position_of(seg_id)]
        if "before" in op or "after" in op:
            anchor = self.segment_id(op.get("before", op.get("after", 1)))
            if anchor == seg_id:
                self.fail("A photo can't move next to itself.", "照片不能移到它自己旁边。")
            index = next(i for i, seg in enumerate(order) if seg["id"] == anchor)
            index += 1 if "after" in op else 0
        else:
            target = op["to"]
            index = len(order) if target == -1 else min(max(target, 1), len(order) + 1) - 1
        order.insert(index, moving)
        self.rearrange(order)
        self.change(f"Moved {what} to position {index + 1}.", f"已把{what}移到第{index + 1}位。")

    def op_swap(self, op: dict[str, Any]) -> None:
        first, second = (self.segment_id(number) for number in op["photos"])
        a, b = self.position_of(first), self.position_of(second)
        what_a, what_b = self.describe_photo(first), self.describe_photo(second)
        order = list(self.visuals)
        order[a], order[b] = order[b], order[a]
        self.rearrange(order)
        self.change(f"Swapped {what_a} and {what_b}.", f"已交换{what_a}和{what_b}。")

    def op_reverse(self, op: dict[str, Any]) -> None:
        self.rearrange(list(reversed(self.visuals)))
        self.change("Reversed the order of the photos.", "已把照片顺序倒过来。")

    def op_replace(self, op: dict[str, Any]) -> None:
        seg_id = self.segment_id(op["photo"])
        item = self.find_upload(op["with"])
        index = self.position_of(seg_id)
        old = self.visuals[index]
        before, what = self.length, self.describe_photo(seg_id)
        new = _visual_segment(item, seg_id, old.get("tr"))
        if new["kind"] == "image" and old.get("kind") == "image":
            new["d"], new["motion"] = old["d"], old.get("motion", "static")
        self.visuals[index] = new
        schema.relayout(self.draft)
        self.change(
            f"Replaced {what} with {item.name}{self.longer_now(before)}.",
            f"已把{what}换成{item.name}{self.longer_now(before)}。",
        )

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

    def op_set_aspect(self, op: dict[str, Any]) -> None:
        aspect = op["aspect"]
        size = self.resize(aspect, schema.resolution_of(self.draft), aspect)
        if size is None:
            return
        width, height = size
        platform = op.get("platform")
        en_for = f" for {platform}" if platform else ""
        zh_for = f"，适合{platform}" if platform else ""
        self.change(
            f"Switched to {aspect} ({width}x{height}){en_for}.",
            f"已改为{aspect}（{width}x{height}）{zh_for}。",
        )

    def op_set_resolution(self, op: dict[str, Any]) -> None:
        wanted = op["p"]
        if wanted > 1080:
            self.note(
                f"{wanted}p is capped at 1080p, the largest size videos are made in.",
                f"{wanted}p超出上限，视频最高为1080p。",
            )
            wanted = 1080
        if wanted not in schema.RESOLUTIONS:
            self.fail(
                f"I can make 720p or 1080p videos, not {wanted}p.",
                f"只能做720p或1080p的视频，不支持{wanted}p。",
            )
        aspect = self.draft["m"].get("aspect")
        if aspect not in schema.ASPECTS:
            aspect = schema.DEFAULT_ASPECT
        size = self.resize(aspect, wanted, f"{wanted}p")
        if size is None:
            return
        width, height = size
        self.change(
            f"Set the resolution to {wanted}p ({width}x{height}).",
            f"已把分辨率设为{wanted}p（{width}x{height}）。",
        )

    def op_set_fps(self, op: dict[str, Any]) -> None:
        fps = op["fps"]
        if not 1 <= fps <= 60:
            self.fail(
                f"The frame rate must be 1 to 60 fps (24, 25, 30 or 60 are usual), not {fps:g}.",
                f"帧率必须在1到60之间（常用24、25、30或60），不能是{fps:g}。",
            )
        fps = round(fps)
        self.draft["m"]["fps"] = fps
        self.change(f"Set the frame rate to {fps} fps.", f"已把帧率设为{fps} fps。")

    def op_set_fit(self, op: dict[str, Any]) -> None:
        self.draft["m"]["fit"] = op["fit"]
        if op["fit"] == "cover":
            self.change(
                "Photos now fill the frame (cropped where needed).",
                "照片现在铺满画面（必要时裁剪）。",
            )
        else:
            self.change(
                "Photos are now shown whole, with bars where needed.",
                "照片现在完整显示，必要时留边。",
            )

    def op_set_background(self, op: dict[str, Any]) -> None:
        self.draft["m"]["background"] = op["color"]
        self.change(f"Set the background to {op['color']}.", f"已把背景色设为{op['color']}。")

    # ------------------------------------------------------------------ transitions, motion

    def op_set_transition(self, op: dict[str, Any]) -> None:
        visuals = self.visuals
        current = next((seg["tr"] for seg in visuals[1:] if "tr" in seg), None)
        current_type = current.get("type", "none") if current else "none"
        current_ms = int(current.get("d", 0)) if current else 0
        kind = op.get("type") or (current_type if current_type != "none" else "crossfade")
        if kind == "none":
            wanted = 0
        elif "seconds" in op:
            wanted = round(op["seconds"] * 1000)
        elif "factor" in op:
            wanted = round(max(current_ms, 250) * op["factor"] / 50) * 50
        else:
            wanted = max(current_ms if current_type != "none" else 0, TRANSITION_ASKED_MS)
        if len(visuals) < 2:
            self.note(
                "With a single photo there is no transition to show.",
                "只有一张照片，没有转场可显示。",
            )
        before = self.length
        self.wanted_transition_ms = wanted
        for seg in visuals[1:]:
            seg["tr"] = {"type": kind, "d": wanted}
        schema.relayout(self.draft)
        actual = max((schema.transition_ms(seg) for seg in visuals[1:]), default=0)
        en_name, zh_name = TRANSITION_NAMES[kind]
        if kind == "none":
            self.change(
                f"Switched to hard cuts between photos{self.longer_now(before)}.",
                f"已改为照片之间直接切换{self.longer_now(before)}。",
            )
            return
        cut = ""
        if actual < wanted:
            cut = self.say(
                " (shortened to half of the shortest photo)", "（已缩短到最短照片的一半）"
            )
        self.change(
            f"Set {seconds_text(actual)} {en_name} between photos{cut}{self.longer_now(before)}.",
            f"已设置{zh_seconds(actual)}的{zh_name}转场{cut}{self.longer_now(before)}。",
        )

    def op_set_motion(self, op: dict[str, Any]) -> None:
        motion = op["motion"]
        cycle = {"ken_burns": KEN_BURNS_CYCLE, "pan": PAN_CYCLE}.get(motion, (motion,))
        photos = [seg for seg in self.visuals if seg.get("kind") == "image"]
        if not photos:
            self.fail(
                "Motion applies to photos, and this video has only clips.",
                "运动效果只适用于照片，而这个视频里只有视频片段。",
            )
        for index, seg in enumerate(photos):
            seg["motion"] = cycle[index % len(cycle)]
        en_name, zh_name = MOTION_NAMES[motion]
        if motion == "static":
            self.change("Made the photos static (no motion).", "已把照片设为静止（无运动效果）。")
        else:
            self.change(f"Gave the photos {en_name}.", f"已给照片加上{zh_name}效果。")

    # ------------------------------------------------------------------ lengths

    def op_set_photo_length(self, op: dict[str, Any]) -> None:
        if not any(seg.get("kind") == "image" for seg in self.visuals):
            self.fail(
                "This video has only clips: they keep their own length.",
                "这个视频里只有视频片段，它们保持原有时长。",
            )
        ms = round(op["seconds"] * 1000)
        before = self.length
        self.restore_transitions()
        try:
            schema.set_photo_length(self.draft, ms)
        except LayoutError as error:
            self.layout_error(error)
        self.change(
            f"Each photo now lasts {seconds_text(ms)}{self.longer_now(before)}.",
            f"每张照片现在{zh_seconds(ms)}{self.longer_now(before)}。",
        )

    def op_set_length(self, op: dict[str, Any]) -> None:
        self.fit(round(op["seconds"] * 1000))

    def op_scale_length(self, op: dict[str, Any]) -> None:
        self.fit(max(1000, int(self.length * op["factor"] / 100 + 0.5) * 100))

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

    def op_scale_speed(self, op: dict[str, Any]) -> None:
        before = self.length
        self.restore_transitions()
        try:
            schema.scale_lengths(self.draft, op["factor"])
        except LayoutError as error:
            self.layout_error(error)
        faster = op["factor"] < 1
        if self.length == before:
            self.note(
                "The photos can't go any " + ("faster." if faster else "slower."),
                "照片已经不能再" + ("快了。" if faster else "慢了。"),
                problem=True,
            )
            return
        self.change(
            f"Made it {'faster' if faster else 'slower'}: "
            f"{seconds_text(before)} → {seconds_text(self.length)}.",
            f"已{'加快' if faster else '放慢'}节奏："
            f"{zh_seconds(before)} → {zh_seconds(self.length)}。",
        )

    # ------------------------------------------------------------------ text

    def text_track(self) -> list[dict[str, Any]]:
        return schema.ensure_track(self.draft, TEXT)["sg"]

    def title(self) -> dict[str, Any] | None:
        return next(iter(schema.texts(self.draft, "title")), None)

    def op_set_title(self, op: dict[str, Any]) -> None:
        if "text" not in op:
            self.fail(
                "Put the title in quotes, for example: title “Summer 2026” at the top.",
                "请把标题放在引号里，例如：标题「夏日2026」放在顶部。",
            )
        old = self.title()
        pos = op.get("pos") or (old or {}).get("pos", "bottom")
        wanted = round(op.get("seconds", schema.TITLE_MS / 1000) * 1000)
        segment = {
            "id": old["id"] if old else schema.next_id(self.draft),
            "kind": "text",
            "text": op["text"],
            "st": 0,
            "d": min(wanted, self.length),
            "pos": pos,
            **TITLE_STYLE,
            "role": "title",
        }
        texts = self.text_track()
        texts[:] = [s for s in texts if s.get("role") != "title"] + [segment]
        self.draft["m"]["title"] = op["text"]
        schema.relayout(self.draft)
        span = f"0–{seconds_text(segment['d'])}"
        en_pos, zh_pos = POSITION_NAMES[pos]
        self.change(
            f"Set the title “{op['text']}” {en_pos}, {span}.",
            f"已设置标题「{op['text']}」，位于{zh_pos}，0–{zh_seconds(segment['d'])}。",
        )

    def op_remove_title(self, op: dict[str, Any]) -> None:
        if self.title() is None:
            self.note("There is no title to remove.", "没有可删除的标题。")
            return
        texts = self.text_track()
        texts[:] = [s for s in texts if s.get("role") != "title"]
        self.draft["m"].pop("title", None)
        schema.relayout(self.draft)
        self.change("Removed the title.", "已删除标题。")

    def op_add_caption(self, op: dict[str, Any]) -> None:
        if "text" not in op:
            self.fail(
                "Say the caption in quotes and which photo: caption “At the beach” on photo 2.",
                "请用引号写出字幕并说明哪张照片：给第2张加字幕「在海边」。",
            )
        seg_id = self.segment_id(op["photo"])
        photo = self.visuals[self.position_of(seg_id)]
        texts = self.text_track()
        old = next((s for s in texts if s.get("for") == seg_id), None)
        segment = {
            "id": old["id"] if old else schema.next_id(self.draft),
            "kind": "text",
            "text": op["text"],
            "st": photo["st"],
            "d": photo["d"],
            "pos": op.get("pos", "bottom"),
            **CAPTION_STYLE,
            "role": "caption",
            "for": seg_id,
        }
        texts[:] = [s for s in texts if s is not old] + [segment]
        schema.relayout(self.draft)
        what = self.describe_photo(seg_id)
        start, end = photo["st"], photo["st"] + photo["d"]
        self.change(
            f"Added the caption “{op['text']}” on {what}, "
            f"{seconds_text(start)[:-2]}–{seconds_text(end)}.",
            f"已给{what}加上字幕「{op['text']}」，{zh_seconds(start)[:-1]}–{zh_seconds(end)}。",
        )

    def op_remove_captions(self, op: dict[str, Any]) -> None:
        if not schema.texts(self.draft, "caption"):
            self.note("There are no captions to remove.", "没有可删除的字幕。")
            return
        texts = self.text_track()
        texts[:] = [s for s in texts if s.get("role") != "caption"]
        schema.relayout(self.draft)
        self.change("Removed the captions.", "已删除所有字幕。")

    def op_text_position(self, op: dict[str, Any]) -> None:
        role = "title" if op["target"] == "title" else "caption"
        found = schema.texts(self.draft, role)
        if not found:
            self.fail(
                f"There is no {op['target']} to move yet.",
                f"还没有{'标题' if role == 'title' else '字幕'}可以移动。",
            )
        for seg in found:
            seg["pos"] = op["pos"]
        zh_pos = POSITION_NAMES[op["pos"]][1]
        noun_en, noun_zh = ("the title", "标题") if role == "title" else ("the captions", "字幕")
        self.change(f"Moved {noun_en} to the {_PLACES[op['pos']]}.", f"已把{noun_zh}移到{zh_pos}。")

    # ------------------------------------------------------------------ music

    def music(self) -> dict[str, Any] | None:
        found = schema.segments(self.draft, AUDIO)
        return found[0] if found else None

    def op_add_music(self, op: dict[str, Any]) -> None:
        audio = self.uploads("audio")
        if "file" in op:
            wanted = op["file"].lower()
            audio = [item for item in audio if item.name.lower() == wanted]
            if not audio:
                self.fail(
                    f"I found no audio upload called “{op['file']}”.",
                    f"没有找到名为“{op['file']}”的音频文件。",
                )
        elif self.music() is not None:
            return  # music is there; "music" in the message only names it
        if not audio:
            self.note(
                "There is no music yet: upload an MP3 (or WAV/M4A) and say “add music”.",
                "还没有音乐：请上传一个MP3（或WAV/M4A）文件，然后说“加背景音乐”。",
                problem=True,
            )
            return
        item = audio[0]
        old = self.music() or {}
        segment = {
            "id": old.get("id") or schema.next_id(self.draft),
            "kind": "audio",
            "mid": item.mid,
            "src": item.url,
            "name": item.name,
            "st": 0,
            "d": self.length,
            "in": 0,
            "vol": old.get("vol", MUSIC_VOLUME),
            "fi": MUSIC_FADE_IN_MS,
            "fo": old.get("fo", MUSIC_FADE_OUT_MS),
            "loop": True,
        }
        schema.ensure_track(self.draft, AUDIO)["sg"][:] = [segment]
        schema.relayout(self.draft)
        volume = round(segment["vol"] * 100)
        self.change(
            f"Added the music “{item.name}” at {volume}%, fading out at the end.",
            f"已加上背景音乐「{item.name}」，音量{volume}%，结尾淡出。",
        )

    def need_music(self) -> dict[str, Any] | None:
        """The music segment, added from the first audio upload if needed (None if no audio)."""
        if self.music() is None:
            self.op_add_music({"op": "add_music"})
        return self.music()

    def op_remove_music(self, op: dict[str, Any]) -> None:
        if self.music() is None:
            self.note("There is no music to remove.", "没有可删除的音乐。")
            return
        schema.segments(self.draft, AUDIO).clear()
        schema.relayout(self.draft)
        self.change("Removed the music.", "已删除背景音乐。")

    def op_music_volume(self, op: dict[str, Any]) -> None:
        percent = op["percent"]
        if not 0 <= percent <= 100:
            self.fail(
                f"The volume goes from 0 to 100%, not {percent:g}%.",
                f"音量范围是0到100%，不能是{percent:g}%。",
            )
        music = self.need_music()
        if music is not None:
            self.set_volume(music, percent)

    def op_music_step(self, op: dict[str, Any]) -> None:
        music = self.need_music()
        if music is not None:
            self.set_volume(music, min(100, max(5, round(music["vol"] * 100) + op["percent"])))

    def set_volume(self, music: dict[str, Any], percent: float) -> None:
        old = round(music["vol"] * 100)
        music["vol"] = round(percent / 100, 3)
        self.change(
            f"Set the music volume to {percent:g}% (was {old}%).",
            f"已把音乐音量设为{percent:g}%（原为{old}%）。",
        )

    def op_music_fade_out(self, op: dict[str, Any]) -> None:
        music = self.need_music()
        if music is None:
            return
        music["fo"] = round(op["seconds"] * 1000)
        schema.relayout(self.draft)
        self.change(
            f"The music now fades out over the last {seconds_text(music['fo'])}.",
            f"音乐现在在最后{zh_seconds(music['fo'])}淡出。",
        )

    def op_export(self, op: dict[str, Any]) -> None:
        self.note(
            "To get the MP4, press Export in the widget, or in Python call "
            "client.start_render(session_id, draft).",
            "要导出MP4：在小组件里点“导出”，"
            "或在Python中调用 client.start_render(session_id, draft)。",
        )

    def apply(self, ops: list[dict[str, Any]]) -> None:
        """Apply ``ops`` (already in order: a build comes first); builds from the uploads first
        when the draft is empty. No operation leaves the video without a segment."""
        if ops and ops[0]["op"] != "build" and not self.visuals:
            self.op_build({"op": "build"})
        self.numbering = [seg["id"] for seg in self.visuals]
        for op in ops:
            getattr(self, f"op_{op['op']}")(op)


_PLACES = {"top": "top", "center": "centre", "bottom": "bottom"}


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
