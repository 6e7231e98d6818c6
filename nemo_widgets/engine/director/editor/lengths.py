"""Lengths: the whole video, each photo, and the pace."""

from __future__ import annotations

from ... import draft as schema
from ...draft import LayoutError, seconds_text
from .. import ops
from .base import Editor, handles, zh_seconds


@handles(ops.SetPhotoLength)
def set_photo_length(ed: Editor, op: ops.SetPhotoLength) -> None:
    if not any(seg.get("kind") == "image" for seg in ed.visuals):
        ed.fail(
            "This video has only clips: they keep their own length.",
            "这个视频里只有视频片段，它们保持原有时长。",
        )
    ms = round(op.seconds * 1000)
    before = ed.length
    ed.restore_transitions()
    try:
        schema.set_photo_length(ed.draft, ms)
    except LayoutError as error:
        ed.layout_error(error)
    ed.change(
        f"Each photo now lasts {seconds_text(ms)}{ed.longer_now(before)}.",
        f"每张照片现在{zh_seconds(ms)}{ed.longer_now(before)}。",
    )


@handles(ops.SetLength)
def set_length(ed: Editor, op: ops.SetLength) -> None:
    ed.fit(round(op.seconds * 1000))


@handles(ops.ScaleLength)
def scale_length(ed: Editor, op: ops.ScaleLength) -> None:
    ed.fit(max(1000, int(ed.length * op.factor / 100 + 0.5) * 100))


@handles(ops.ChangeLength)
def change_length(ed: Editor, op: ops.ChangeLength) -> None:
    ed.fit(max(1000, ed.length + round(op.seconds * 1000)))


@handles(ops.ScaleSpeed)
def scale_speed(ed: Editor, op: ops.ScaleSpeed) -> None:
    before = ed.length
    ed.restore_transitions()
    try:
        schema.scale_lengths(ed.draft, op.factor)
    except LayoutError as error:
        ed.layout_error(error)
    faster = op.factor < 1
    if ed.length == before:
        ed.note(
            "The photos can't go any " + ("faster." if faster else "slower."),
            "照片已经不能再" + ("快了。" if faster else "慢了。"),
            problem=True,
        )
        return
    ed.change(
        f"Made it {'faster' if faster else 'slower'}: "
        f"{seconds_text(before)} → {seconds_text(ed.length)}.",
        f"已{'加快' if faster else '放慢'}节奏：{zh_seconds(before)} → {zh_seconds(ed.length)}。",
    )
