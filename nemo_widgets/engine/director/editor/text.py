"""Text: the title and captions."""

from __future__ import annotations

from ... import catalog
from ... import draft as schema
from ...draft import seconds_text
from .. import ops
from .base import CAPTION_STYLE, PLACES, TITLE_STYLE, Editor, handles, zh_seconds


@handles(ops.SetTitle)
def set_title(ed: Editor, op: ops.SetTitle) -> None:
    if op.text is None:
        ed.fail(
            "Put the title in quotes, for example: title “Summer 2026” at the top.",
            "请把标题放在引号里，例如：标题「夏日2026」放在顶部。",
        )
    old = ed.title()
    pos = op.pos or (old or {}).get("pos", "bottom")
    wanted = round(op.seconds * 1000) if op.seconds is not None else schema.TITLE_MS
    segment = {
        "id": old["id"] if old else schema.next_id(ed.draft),
        "kind": "text",
        "text": op.text,
        "st": 0,
        "d": min(wanted, ed.length),
        "pos": pos,
        **TITLE_STYLE,
        "role": "title",
    }
    texts = ed.text_track()
    texts[:] = [s for s in texts if s.get("role") != "title"] + [segment]
    ed.draft["m"]["title"] = op.text
    schema.relayout(ed.draft)
    span = f"0–{seconds_text(segment['d'])}"
    en_pos, zh_pos = catalog.POSITIONS[pos].en, catalog.POSITIONS[pos].zh
    ed.change(
        f"Set the title “{op.text}” {en_pos}, {span}.",
        f"已设置标题「{op.text}」，位于{zh_pos}，0–{zh_seconds(segment['d'])}。",
    )


@handles(ops.RemoveTitle)
def remove_title(ed: Editor, op: ops.RemoveTitle) -> None:
    if ed.title() is None:
        if not ed.built:  # a new video without it: nothing to say
            ed.note("There is no title to remove.", "没有可删除的标题。")
        return
    texts = ed.text_track()
    texts[:] = [s for s in texts if s.get("role") != "title"]
    ed.draft["m"].pop("title", None)
    schema.relayout(ed.draft)
    ed.change("Removed the title.", "已删除标题。")


@handles(ops.AddCaption)
def add_caption(ed: Editor, op: ops.AddCaption) -> None:
    if op.text is None:
        ed.fail(
            "Say the caption in quotes and which photo: caption “At the beach” on photo 2.",
            "请用引号写出字幕并说明哪张照片：给第2张加字幕「在海边」。",
        )
    seg_id = ed.segment_id(op.photo)
    photo = ed.visuals[ed.position_of(seg_id)]
    texts = ed.text_track()
    old = next((s for s in texts if s.get("for") == seg_id), None)
    segment = {
        "id": old["id"] if old else schema.next_id(ed.draft),
        "kind": "text",
        "text": op.text,
        "st": photo["st"],
        "d": photo["d"],
        "pos": op.pos or "bottom",
        **CAPTION_STYLE,
        "role": "caption",
        "for": seg_id,
    }
    texts[:] = [s for s in texts if s is not old] + [segment]
    schema.relayout(ed.draft)
    what = ed.describe_photo(seg_id)
    start, end = photo["st"], photo["st"] + photo["d"]
    ed.change(
        f"Added the caption “{op.text}” on {what}, {seconds_text(start)[:-2]}–{seconds_text(end)}.",
        f"已给{what}加上字幕「{op.text}」，{zh_seconds(start)[:-1]}–{zh_seconds(end)}。",
    )


@handles(ops.RemoveCaptions)
def remove_captions(ed: Editor, op: ops.RemoveCaptions) -> None:
    if not schema.texts(ed.draft, "caption"):
        if not ed.built:  # a new video without it: nothing to say
            ed.note("There are no captions to remove.", "没有可删除的字幕。")
        return
    texts = ed.text_track()
    texts[:] = [s for s in texts if s.get("role") != "caption"]
    schema.relayout(ed.draft)
    ed.change("Removed the captions.", "已删除所有字幕。")


@handles(ops.TextPosition)
def text_position(ed: Editor, op: ops.TextPosition) -> None:
    role = "title" if op.target == "title" else "caption"
    found = schema.texts(ed.draft, role)
    if not found:
        ed.fail(
            f"There is no {op.target} to move yet.",
            f"还没有{'标题' if role == 'title' else '字幕'}可以移动。",
        )
    for seg in found:
        seg["pos"] = op.pos
    zh_pos = catalog.POSITIONS[op.pos].zh
    noun_en, noun_zh = ("the title", "标题") if role == "title" else ("the captions", "字幕")
    ed.change(f"Moved {noun_en} to the {PLACES[op.pos]}.", f"已把{noun_zh}移到{zh_pos}。")
