"""Frame operations: shape (aspect), resolution, frame rate, fit and background."""

from __future__ import annotations

from ... import draft as schema
from ...catalog import colour_name
from .. import ops
from .base import Editor, handles


@handles(ops.SetAspect)
def set_aspect(ed: Editor, op: ops.SetAspect) -> None:
    aspect = op.aspect
    size = ed.resize(aspect, schema.resolution_of(ed.draft), aspect)
    if size is None:
        return
    width, height = size
    platform = op.platform
    en_for = f" for {platform}" if platform else ""
    zh_for = f"，适合{platform}" if platform else ""
    ed.change(
        f"Switched to {aspect} ({width}x{height}){en_for}.",
        f"已改为{aspect}（{width}x{height}）{zh_for}。",
    )


@handles(ops.SetResolution)
def set_resolution(ed: Editor, op: ops.SetResolution) -> None:
    wanted = op.p
    if wanted > 1080:
        ed.note(
            f"{wanted}p is capped at 1080p, the largest size videos are made in.",
            f"{wanted}p超出上限，视频最高为1080p。",
        )
        wanted = 1080
    if wanted not in schema.RESOLUTIONS:
        ed.fail(
            f"I can make 720p or 1080p videos, not {wanted}p.",
            f"只能做720p或1080p的视频，不支持{wanted}p。",
        )
    aspect = ed.draft["m"].get("aspect")
    if aspect not in schema.ASPECTS:
        aspect = schema.DEFAULT_ASPECT
    size = ed.resize(aspect, wanted, f"{wanted}p")
    if size is None:
        return
    width, height = size
    ed.change(
        f"Set the resolution to {wanted}p ({width}x{height}).",
        f"已把分辨率设为{wanted}p（{width}x{height}）。",
    )


@handles(ops.SetFps)
def set_fps(ed: Editor, op: ops.SetFps) -> None:
    fps = op.fps
    if not 1 <= fps <= 60:
        ed.fail(
            f"The frame rate must be 1 to 60 fps (24, 25, 30 or 60 are usual), not {fps:g}.",
            f"帧率必须在1到60之间（常用24、25、30或60），不能是{fps:g}。",
        )
    fps = round(fps)
    ed.draft["m"]["fps"] = fps
    ed.change(f"Set the frame rate to {fps} fps.", f"已把帧率设为{fps} fps。")


# What a reply says when the framing is chosen (the background colour is named in words).
_FIT_CHANGES = {
    "cover": (
        "Photos now fill the frame (cropped where needed).",
        "照片现在铺满画面（必要时裁剪）。",
    ),
    "blur": (
        "Photos are now shown whole, on a blurred copy of themselves where they don't fill "
        "the frame.",
        "照片现在完整显示，空出的地方是模糊的照片背景。",
    ),
    "auto": (
        "Photos now fill the frame when their shape is close to it, and are shown whole on a "
        "blurred copy of themselves when it is not.",
        "形状相近的照片铺满画面，其余完整显示在模糊的照片背景上。",
    ),
}


@handles(ops.SetFit)
def set_fit(ed: Editor, op: ops.SetFit) -> None:
    meta = ed.draft["m"]
    meta["fit"] = op.fit
    ed.fit_asked = True
    if op.fit == "contain":
        colour = colour_name(str(meta.get("background", schema.DEFAULT_BACKGROUND)), False)
        colour_zh = colour_name(str(meta.get("background", schema.DEFAULT_BACKGROUND)), True)
        ed.change(
            f"Photos are now shown whole, with {colour} bars where needed.",
            f"照片现在完整显示，必要时留{colour_zh}边。",
        )
        return
    ed.change(*_FIT_CHANGES[op.fit])


@handles(ops.SetBackground)
def set_background(ed: Editor, op: ops.SetBackground) -> None:
    """A background colour shows only around a whole photo: unless this message chose how
    photos fill the frame, asking for one asks for bars in it ("white background")."""
    meta = ed.draft["m"]
    unchanged = meta.get("background", schema.DEFAULT_BACKGROUND) == op.color
    meta["background"] = op.color
    colour, colour_zh = colour_name(op.color, False), colour_name(op.color, True)
    if not ed.fit_asked and meta.get("fit", schema.DEFAULT_FIT) != "contain":
        meta["fit"] = "contain"
        ed.change(
            f"Photos are now shown whole on a {colour} background.",
            f"照片现在完整显示在{colour_zh}背景上。",
        )
    elif unchanged and ed.fit_asked:
        return  # "keep the whole photo with black bars": the framing's change said it all
    elif meta.get("fit") == "contain" and ed.fit_asked:
        ed.change(f"The bars are now {colour}.", f"边框现在是{colour_zh}。")
    else:
        ed.change(f"Set the background colour to {colour}.", f"已把背景色设为{colour_zh}。")
