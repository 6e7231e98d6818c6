"""Saying how the photos sit in the frame, in plain words and the message's language.

The draft's ``fit`` says how a photo whose shape differs from the frame's is framed (the rule
of "auto" is :func:`..draft.framing`): filling the frame (cropped), whole with bars in the
background colour, or whole on a blurred copy of itself. Replies name colours in words (the
catalogue's names), never as codes, and say how to choose another framing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import catalog
from .. import draft as schema
from ..draft import VISUAL
from .editor.base import MediaItem

SAME_SHAPE = 0.99  # a photo that keeps this much when filling the frame has the frame's shape
LISTED = 3  # photo names said in a reply, then "and N more"


def _shapes(draft: dict[str, Any], media: Sequence[MediaItem]) -> list[tuple[str, str, bool]]:
    """(name, framing, wider than the frame) of each segment whose shape is not the frame's."""
    meta = draft.get("m", {})
    frame = (int(meta.get("width", 0)), int(meta.get("height", 0)))
    sizes = {item.mid: (item.width, item.height) for item in media if item.width and item.height}
    found = []
    for seg in schema.segments(draft, VISUAL):
        size = sizes.get(seg.get("mid"))
        if size is None or schema.kept_by_filling(size, frame) >= SAME_SHAPE:
            continue
        fit = schema.framing(str(meta.get("fit", schema.DEFAULT_FIT)), size, frame)
        wider = size[0] * frame[1] > frame[0] * size[1]
        found.append((str(seg.get("name", "?")), fit, wider))
    return found


def _listed(names: list[str], zh: bool) -> str:
    shown = names[:LISTED]
    more = len(names) - len(shown)
    if zh:
        return "、".join(shown) + (f"等{len(names)}个" if more else "")
    text = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 and not more else "") + shown[-1]
    return text + (f" and {more} more" if more else "")


def _how(wider: list[bool], zh: bool) -> str:
    if all(wider):
        return "比画面宽很多" if zh else "much wider than the frame"
    if not any(wider):
        return "比画面高很多" if zh else "much taller than the frame"
    return "和画面形状差别很大" if zh else "shaped very differently from the frame"


def framing_note(draft: dict[str, Any], media: Sequence[MediaItem], zh: bool) -> str | None:
    """How the photos whose shape differs from the frame are shown, and how to change it;
    None when every photo has the frame's shape (there is nothing to say)."""
    shapes = _shapes(draft, media)
    if not shapes:
        return None
    meta = draft.get("m", {})
    fit = meta.get("fit", schema.DEFAULT_FIT)
    if fit == "contain":
        colour = catalog.colour_name(str(meta.get("background", schema.DEFAULT_BACKGROUND)), zh)
        if zh:
            return f"照片完整显示，空出的地方是{colour}（说“背景模糊”可改用模糊的照片背景）。"
        return (
            f"The photos are shown whole with {colour} bars (say “blur the background” for a "
            "blurred copy of the photo behind it instead)."
        )
    if fit == "blur":
        if zh:
            return "照片完整显示，空出的地方是模糊的照片背景（说“铺满”可裁剪铺满画面）。"
        return (
            "The photos are shown whole on a blurred copy of themselves (say “fill the frame” "
            "to crop them to fill it)."
        )
    if fit == "cover":
        if zh:
            return "照片铺满画面，必要时裁剪（说“背景模糊”可完整显示在模糊的照片背景上）。"
        return (
            "The photos fill the frame, cropped where needed (say “blur the background” to show "
            "them whole on a blurred copy instead)."
        )
    filled = [shape for shape in shapes if shape[1] == "cover"]
    blurred = [shape for shape in shapes if shape[1] == "blur"]
    if not blurred:
        return _filled_note(filled, zh)
    names = [name for name, _, _ in blurred]
    how = _how([wider for _, _, wider in blurred], zh)
    everyone = len(blurred) == len(schema.segments(draft, VISUAL))
    if zh:
        who = "照片" if everyone else _listed(names, zh)
        lead = "" if everyone else "形状相近的照片铺满画面；"
        return (
            f"{lead}{who}{how}，铺满会裁掉大半，所以完整显示在模糊的照片背景上"
            "（说“铺满”可裁剪铺满，说“黑边”可改为黑边）。"
        )
    hint = " (say “fill the frame” to crop to fill, or “black bars” for plain bars)."
    many = len(names) > 1
    if everyone:
        who, it, each = (
            ("The photos are", "them", "each one is") if many else (f"{names[0]} is", "it", "it is")
        )
        return (
            f"{who} {how}: filling it would cut off most of {it}, so {each} shown whole on a "
            f"blurred copy of itself{hint}"
        )
    they = "they are" if many else "it is"
    selves = "themselves" if many else "itself"
    return (
        f"Photos close to the frame's shape fill it; {_listed(names, zh)} "
        f"{'are' if many else 'is'} {how}, so {they} shown whole on a blurred copy of "
        f"{selves}{hint}"
    )


def _filled_note(filled: list[tuple[str, str, bool]], zh: bool) -> str:
    """Every photo that differs fills the frame, trimmed a little."""
    wider = [shape[2] for shape in filled]
    if zh:
        edges = "左右" if all(wider) else "上下" if not any(wider) else "边缘"
        return f"照片铺满画面，{edges}略有裁剪（说“完整显示”可保留整张照片）。"
    edges = (
        "at the sides" if all(wider) else "at the top and bottom" if not any(wider) else "a little"
    )
    trimmed = f"trimmed a little {edges}" if edges != "a little" else "trimmed a little"
    return f"The photos fill the frame, {trimmed} (say “show the whole photo” to keep them whole)."
