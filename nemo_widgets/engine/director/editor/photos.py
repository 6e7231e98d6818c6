"""Photo operations: build the video, add, keep, remove, move, swap, reverse, replace."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from ... import draft as schema
from ...draft import AUDIO, TEXT, VISUAL, LayoutError
from .. import ops
from .base import DEFAULT_TRANSITION, Editor, count_en, count_zh, handles, visual_segment


@handles(ops.Build)
def build(ed: Editor, op: ops.Build) -> None:
    if ed.visuals and not op.rebuild:
        if op.count:  # "only use three photos" once the video exists: keep the first three
            keep_photos(ed, ops.KeepPhotos(count=op.count))
        return  # the video exists: "video" in the message only names it
    visuals = ed.uploads("image", "video")
    if not visuals:
        ed.fail(
            "Upload photos first: there is nothing to make a video from yet.",
            "请先上传照片：现在还没有可以做成视频的素材。",
        )
    count = op.count
    chosen = visuals[:count] if count else visuals
    if count and count < len(visuals):
        ed.note(
            f"You asked for {count} photos: I used the first {count} of your "
            f"{len(visuals)} uploads, in upload order. Say “start over” for all of them.",
            f"你要{count}张照片：我按上传顺序用了{len(visuals)}个素材中的前{count}个。"
            "说“重新做”可使用全部素材。",
        )
    elif count and count > len(visuals):
        ed.note(
            f"You mentioned {count} photos but uploaded {len(visuals)}: I used them all.",
            f"你提到{count}张照片，但只上传了{len(visuals)}个素材：已全部使用。",
        )
    old_meta = ed.draft.get("m", {})
    draft = schema.new_draft()
    for key in ("width", "height", "aspect", "fps", "fit", "background"):
        if op.rebuild and key in old_meta:
            draft["m"][key] = old_meta[key]  # starting over keeps the frame asked for
    old = ed.draft
    old_tr = next((seg["tr"] for seg in schema.segments(old, VISUAL)[1:] if "tr" in seg), None)
    default_tr = dict(old_tr) if op.rebuild and old_tr else DEFAULT_TRANSITION
    photos = draft["t"][0]["sg"]
    for item in chosen:
        transition = default_tr if photos else None
        photos.append(visual_segment(item, schema.next_id(draft), transition))
    ed.draft = schema.relayout(draft)
    if op.rebuild:
        _carry_over(old, ed.draft)
    ed.built = True
    ed.numbering = [seg["id"] for seg in ed.visuals]
    ed.change(
        f"Made a slideshow of {count_en(ed.visuals)}.",
        f"用{count_zh(ed.visuals)}制作了幻灯片视频。",
    )


def _carry_over(old: dict[str, Any], new: dict[str, Any]) -> None:
    """Starting over keeps what was asked for before: the title, the music, the photos' motion
    and a length that was asked for (one the default 3 s per photo would not give)."""
    old_photos = [seg for seg in schema.segments(old, VISUAL) if seg.get("kind") == "image"]
    motions = [seg.get("motion", "static") for seg in old_photos]
    if any(motion != "static" for motion in motions):
        new_photos = [seg for seg in schema.segments(new, VISUAL) if seg.get("kind") == "image"]
        for index, seg in enumerate(new_photos):
            seg["motion"] = motions[index % len(motions)]
    for tt in (AUDIO, TEXT):
        kept = [seg for seg in schema.segments(old, tt) if seg.get("role") != "caption"]
        if kept:
            schema.ensure_track(new, tt)["sg"][:] = copy.deepcopy(kept)
    if "title" in old.get("m", {}):
        new["m"]["title"] = old["m"]["title"]
    schema.relayout(new)
    lengths = {seg["d"] for seg in old_photos}
    if old_photos and lengths != {schema.DEFAULT_PHOTO_MS}:
        # If the new photos cannot share that length, they keep the default.
        with contextlib.suppress(LayoutError):
            schema.fit_length(new, int(old.get("d", 0)))


@handles(ops.AddPhotos)
def add_photos(ed: Editor, op: ops.AddPhotos) -> None:
    """Add the uploads not in the video yet (photos uploaded after it was made), at the end."""
    shown = {seg.get("mid") for seg in ed.visuals}
    new = [item for item in ed.uploads("image", "video") if item.mid not in shown]
    if not new:
        ed.note(
            "All your photos are already in the video. Upload more, then say “add the new photos”.",
            "你的照片都已经在视频里了。再上传一些，然后说“加上新照片”。",
        )
        return
    before = ed.length
    tr = next((seg["tr"] for seg in ed.visuals[1:] if "tr" in seg), DEFAULT_TRANSITION)
    motions = [seg.get("motion", "static") for seg in ed.visuals if seg.get("kind") == "image"]
    for item in new:
        segment = visual_segment(item, schema.next_id(ed.draft), dict(tr))
        if segment["kind"] == "image" and motions:
            segment["motion"] = motions[len(ed.visuals) % len(motions)]
        ed.visuals.append(segment)
    schema.relayout(ed.draft)
    ed.change(
        f"Added {', '.join(item.name for item in new)} at the end{ed.longer_now(before)}.",
        f"已在结尾加入{'、'.join(item.name for item in new)}{ed.longer_now(before)}。",
    )


@handles(ops.KeepPhotos)
def keep_photos(ed: Editor, op: ops.KeepPhotos) -> None:
    """Keep only the first (or last) ``count`` photos."""
    visuals = ed.visuals
    if op.count < 1:
        ed.fail("Keep at least one photo.", "至少要保留一张照片。")
    if op.count >= len(visuals):
        ed.note(
            f"The video has {count_en(visuals)}: all of them stay.",
            f"视频里有{count_zh(visuals)}，全部保留。",
        )
        return
    before = ed.length
    kept = visuals[-op.count :] if op.last else visuals[: op.count]
    ed.rearrange(list(kept))
    which_en, which_zh = ("last", "后") if op.last else ("first", "前")
    ed.change(
        f"Kept only the {which_en} {count_en(ed.visuals)}{ed.longer_now(before)}.",
        f"只保留了{which_zh}{op.count}张{ed.longer_now(before)}。",
    )


@handles(ops.Remove)
def remove(ed: Editor, op: ops.Remove) -> None:
    seg_id = ed.segment_id(op.photo)
    if len(ed.visuals) == 1:
        ed.fail("I can't remove the only photo of the video.", "不能删除视频里唯一的照片。")
    before, what = ed.length, ed.describe_photo(seg_id)
    ed.rearrange([seg for seg in ed.visuals if seg["id"] != seg_id])
    ed.change(f"Removed {what}{ed.longer_now(before)}.", f"已删除{what}{ed.longer_now(before)}。")


@handles(ops.Move)
def move(ed: Editor, op: ops.Move) -> None:
    seg_id = ed.segment_id(op.photo)
    what = ed.describe_photo(seg_id)
    order = [seg for seg in ed.visuals if seg["id"] != seg_id]
    moving = ed.visuals[ed.position_of(seg_id)]
    if op.before is not None or op.after is not None:
        anchor = ed.segment_id(op.before if op.before is not None else op.after)
        if anchor == seg_id:
            ed.fail("A photo can't move next to itself.", "照片不能移到它自己旁边。")
        ed.position_of(anchor)  # fails, said plainly, if this message removed it
        index = next(i for i, seg in enumerate(order) if seg["id"] == anchor)
        index += 1 if op.after is not None else 0
    else:
        target = op.to
        index = len(order) if target == -1 else min(max(target, 1), len(order) + 1) - 1
    order.insert(index, moving)
    ed.rearrange(order)
    ed.change(f"Moved {what} to position {index + 1}.", f"已把{what}移到第{index + 1}位。")


@handles(ops.Swap)
def swap(ed: Editor, op: ops.Swap) -> None:
    first, second = (ed.segment_id(number) for number in op.photos)
    a, b = ed.position_of(first), ed.position_of(second)
    what_a, what_b = ed.describe_photo(first), ed.describe_photo(second)
    order = list(ed.visuals)
    order[a], order[b] = order[b], order[a]
    ed.rearrange(order)
    ed.change(f"Swapped {what_a} and {what_b}.", f"已交换{what_a}和{what_b}。")


@handles(ops.Reverse)
def reverse(ed: Editor, op: ops.Reverse) -> None:
    ed.rearrange(list(reversed(ed.visuals)))
    ed.change("Reversed the order of the photos.", "已把照片顺序倒过来。")


@handles(ops.Replace)
def replace(ed: Editor, op: ops.Replace) -> None:
    seg_id = ed.segment_id(op.photo)
    item = ed.find_upload(op.with_)
    index = ed.position_of(seg_id)
    old = ed.visuals[index]
    before, what = ed.length, ed.describe_photo(seg_id)
    new = visual_segment(item, seg_id, old.get("tr"))
    if new["kind"] == "image" and old.get("kind") == "image":
        new["d"], new["motion"] = old["d"], old.get("motion", "static")
    ed.visuals[index] = new
    schema.relayout(ed.draft)
    ed.change(
        f"Replaced {what} with {item.name}{ed.longer_now(before)}.",
        f"已把{what}换成{item.name}{ed.longer_now(before)}。",
    )
