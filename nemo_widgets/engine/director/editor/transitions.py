"""Transitions between photos and motion on them."""

from __future__ import annotations

import copy

from ... import catalog
from ... import draft as schema
from ...draft import LayoutError, seconds_text
from .. import ops
from .base import TRANSITION_ASKED_MS, Editor, handles, zh_seconds


@handles(ops.SetTransition)
def set_transition(ed: Editor, op: ops.SetTransition) -> None:
    visuals = ed.visuals
    current = next((seg["tr"] for seg in visuals[1:] if "tr" in seg), None)
    current_type = current.get("type", "none") if current else "none"
    current_ms = int(current.get("d", 0)) if current else 0
    kind = op.type or (current_type if current_type != "none" else "crossfade")
    if kind == "none":
        wanted = 0
    elif op.seconds is not None:
        wanted = round(op.seconds * 1000)
    elif op.factor is not None:
        wanted = round(max(current_ms, 250) * op.factor / 50) * 50
    else:
        wanted = max(current_ms if current_type != "none" else 0, TRANSITION_ASKED_MS)
    if len(visuals) < 2:
        ed.note(
            "With a single photo there is no transition to show.",
            "只有一张照片，没有转场可显示。",
        )
    before = ed.length
    ed.wanted_transition_ms = wanted
    for seg in visuals[1:]:
        seg["tr"] = {"type": kind, "d": wanted}
    schema.relayout(ed.draft)
    if kind != "none" and not ed.built and ed.length != before:
        _keep_length(ed, before)  # "slower transitions" must not change the length asked for
    actual = max((schema.transition_ms(seg) for seg in ed.visuals[1:]), default=0)
    en_name, zh_name = catalog.TRANSITIONS[kind].en, catalog.TRANSITIONS[kind].zh
    if kind == "none":
        ed.change(
            f"Switched to hard cuts between photos{ed.longer_now(before)}.",
            f"已改为照片之间直接切换{ed.longer_now(before)}。",
        )
        return
    if op.factor is not None and op.factor > 1 and actual <= current_ms and kind == current_type:
        # "slower transitions" with the photos too short for longer ones: say why, change nothing
        ed.fail(
            f"The transitions are already as long as they can be ({seconds_text(actual)}): a "
            "transition takes at most half of a photo's time. For longer ones, make the video "
            "longer first (for example “make it 12 seconds”).",
            f"转场已经是最长的了（{zh_seconds(actual)}）：转场最多占每张照片时长的一半。"
            "想要更长的转场，请先把视频调长，例如“改成12秒”。",
        )
    cut = ""
    if actual < wanted:
        cut = ed.say(" (shortened to half of the shortest photo)", "（已缩短到最短照片的一半）")
    ed.change(
        f"Set {seconds_text(actual)} {en_name} between photos{cut}{ed.longer_now(before)}.",
        f"已设置{zh_seconds(actual)}的{zh_name}转场{cut}{ed.longer_now(before)}。",
    )


def _keep_length(ed: Editor, length_ms: int) -> None:
    """Give the video back its length after its transitions changed (the photos take up the
    difference); if the photos cannot, the new length stays and the reply says it."""
    saved = copy.deepcopy(ed.draft)
    ed.restore_transitions()
    try:
        schema.fit_length(ed.draft, length_ms)
    except LayoutError:
        ed.draft = saved


@handles(ops.SetMotion)
def set_motion(ed: Editor, op: ops.SetMotion) -> None:
    motion = op.motion
    cycle = catalog.STYLE_CYCLES.get(motion, (motion,))
    photos = [seg for seg in ed.visuals if seg.get("kind") == "image"]
    if not photos:
        ed.fail(
            "Motion applies to photos, and this video has only clips.",
            "运动效果只适用于照片，而这个视频里只有视频片段。",
        )
    for index, seg in enumerate(photos):
        seg["motion"] = cycle[index % len(cycle)]
    entry = catalog.MOTION_STYLES.get(motion) or catalog.MOTIONS[motion]
    en_name, zh_name = entry.en, entry.zh
    if motion == "static":
        ed.change("Made the photos static (no motion).", "已把照片设为静止（无运动效果）。")
    else:
        ed.change(f"Gave the photos {en_name}.", f"已给照片加上{zh_name}效果。")
