"""The director: the local engine's agent, which edits the draft from a chat message.

Deterministic and explainable: no language model, no randomness, no clock, no I/O. A message
is read with regular expressions (English and Chinese; see :mod:`.phrases` for the words),
turned into a list of structured operations, applied in a fixed order to a copy of the draft
and reported as one short reply, the operations (the ``functionCall`` args) and the list of
changes (the ``functionResponse``).

How a message is understood
    Every instruction found in the message is applied, whatever its place: "15 seconds, 9:16
    for TikTok, title 'Summer' at the top, music at 30%" gives four operations. They are
    applied in this order, so that each one sees the result of those it depends on: build;
    photo order (remove, replace, move, swap, reverse); frame (aspect, resolution, fps, fit);
    transitions; motion; photo length; total length; faster/slower; titles and captions;
    music. Photo numbers ("photo 2", "the second photo", "第2张") count the visual segments in
    timeline order from 1, as they were when the message was sent. If any instruction cannot
    be carried out, none is: the draft is left untouched and the reply says why.

Defaults
    * Frame 1920x1080 (16:9), 30 fps, photos fitted whole ("contain") on black.
    * 3 s per photo; a video clip keeps its own length up to 10 s.
    * A 0.5 s crossfade between segments unless asked otherwise: a hard cut between two
      still photos looks like a glitch, and half a second smooths it without eating into a
      3 s photo. Asking for "transitions"/"smooth transitions" without a length gives 1 s.
    * Photos are static unless motion is asked for ("Ken Burns" cycles zoom in, pan right,
      zoom out, pan left so that consecutive photos never move alike).
    * The title lasts the first 4 s at the bottom; a caption covers its photo's time range.
    * Music comes only when asked, from the first audio upload (or the one named), at 70%
      (room for the sound of video clips), with a 0.5 s fade-in and a 2 s fade-out; it lasts
      the whole video and loops.
    * A total length L over N segments with transitions T gives each segment
      (L + sum T) / N, so the overlaps are counted and the video lasts exactly L.
    * "N photos" when more were uploaded uses the first N uploads, and the reply says so.
    * 4K/1440p are capped to 1080p (the cloud's limit: 1920x1080 or 1080x1920).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import draft as schema
from .draft import AUDIO, VISUAL, seconds_text
from .editor import Cannot, Editor, MediaItem, count_en, count_zh, zh_seconds
from .intents import parse
from .phrases import MOTION_NAMES, POSITION_NAMES, TRANSITION_NAMES, is_chinese

__all__ = ["EDIT_TOOL", "EXPLAIN_TOOL", "Edit", "MediaItem", "direct", "overview", "parse"]

EDIT_TOOL = "edit_draft"
EXPLAIN_TOOL = "explain"


@dataclass(frozen=True)
class Edit:
    """What the director did with one message (see the module docstring)."""

    reply: str
    draft: dict | None
    tool: str
    args: dict
    result: dict
    undo: bool = False


# --------------------------------------------------------------------------- replies

_SUGGESTIONS = {
    ("en", True): (
        "turn these photos into a 15-second video with smooth transitions",
        "make a slideshow with music",
        "convert the photos into a 1080p MP4",
    ),
    ("en", False): ("make it 15 seconds", "9:16 for TikTok", "title 'Summer' at the top"),
    ("zh", True): ("把这些照片做成15秒的视频，加转场", "做一个带背景音乐的幻灯片", "导出1080p MP4"),
    ("zh", False): ("改成15秒", "竖屏", "标题「夏日」放在顶部"),
}


def _suggestions(draft: dict[str, Any], zh: bool) -> list[str]:
    empty = not schema.segments(draft, VISUAL)
    return list(_SUGGESTIONS[("zh" if zh else "en", empty)])


def _try_these(suggestions: list[str], zh: bool) -> str:
    if zh:
        return "可以试试：" + "、".join(f"“{s}”" for s in suggestions) + "。"
    return "Try: " + ", ".join(f"“{s}”" for s in suggestions) + "."


def overview(draft: dict[str, Any], zh: bool = False) -> str:
    """One or two sentences describing a whole draft, as said after building it."""
    visuals = schema.segments(draft, VISUAL)
    meta = draft.get("m", {})
    aspect, size = meta.get("aspect", "16:9"), f"{meta.get('width')}x{meta.get('height')}"
    tr = next((seg["tr"] for seg in visuals[1:] if schema.transition_ms(seg) > 0), None)
    kind = tr["type"] if tr else "none"
    en_tr, zh_tr = TRANSITION_NAMES[kind]
    if tr:
        en_tr, zh_tr = f"{seconds_text(tr['d'])} {en_tr}", f"{zh_seconds(tr['d'])}{zh_tr}"
    length = int(draft.get("d", 0))
    if zh:
        first = (
            f"已用{count_zh(visuals)}制作了{zh_seconds(length)}的{aspect}（{size}）幻灯片视频，"
            f"转场为{zh_tr}。"
        )
    else:
        first = (
            f"Made {_article(length)} {seconds_text(length)} {aspect} ({size}) slideshow of "
            f"{count_en(visuals)} with {en_tr}."
        )
    extras = _extras(draft, zh)
    if not extras:
        return first
    if zh:
        return first + "加上了" + "、".join(extras) + "。"
    return (
        first
        + " Added "
        + ", ".join(extras[:-1])
        + (" and " if len(extras) > 1 else "")
        + extras[-1]
        + "."
    )


def _article(ms: int) -> str:
    """ "an" before lengths said with a vowel sound: 8, 11, 18, 80-89 s; else "a"."""
    seconds = seconds_text(ms)
    return "an" if re.match(r"(8|11|18)(\D|$)|8\d(\D|$)", seconds) else "a"


def _extras(draft: dict[str, Any], zh: bool) -> list[str]:
    """Motion, title, captions and music of a draft, as phrases for the overview."""
    extras = []
    motions = {seg.get("motion") for seg in schema.segments(draft, VISUAL)} - {None, "static"}
    if motions:
        en, zh_name = MOTION_NAMES["ken_burns" if len(motions) > 1 else motions.pop()]
        extras.append(f"{zh_name}效果" if zh else en)
    for seg in schema.texts(draft, "title"):
        en_pos, zh_pos = POSITION_NAMES.get(seg.get("pos", "bottom"), POSITION_NAMES["bottom"])
        extras.append(
            f"标题「{seg['text']}」（{zh_pos}）" if zh else f"the title “{seg['text']}” {en_pos}"
        )
    captions = len(schema.texts(draft, "caption"))
    if captions:
        extras.append(
            f"{captions}条字幕" if zh else f"{captions} caption{'s' if captions > 1 else ''}"
        )
    for seg in schema.segments(draft, AUDIO):
        volume = round(seg.get("vol", 1) * 100)
        extras.append(
            f"背景音乐「{seg.get('name')}」（音量{volume}%）"
            if zh
            else f"the music “{seg.get('name')}” at {volume}%"
        )
    return extras


# --------------------------------------------------------------------------- entry point


def direct(
    message: str,
    draft: dict,
    media: Sequence[MediaItem],
    *,
    previous: dict | None = None,
) -> Edit:
    """Turn a chat message into an edit of ``draft`` (see the module docstring).

    ``draft`` is the current draft ({} before the first edit), ``media`` the session's uploads
    in upload order, ``previous`` the draft before the last edit (for undo). Nothing passed in
    is changed.
    """
    zh = is_chinese(message)
    ops, refusal = parse(message)
    if ops == [{"op": "undo"}]:
        return _undo(draft, previous, zh)
    if refusal is not None:
        return _explain(draft, zh, "cannot", refusal["zh" if zh else "en"], [])
    if not ops:
        said = " ".join(message.split())
        reason = f"我没有看懂“{said}”。" if zh else f"Sorry, I didn't understand “{said}”."
        return _explain(draft, zh, "not_understood", reason, [])
    editor = Editor(draft, media, zh)
    try:
        editor.apply(ops)
    except Cannot as cannot:
        return _explain(draft, zh, "cannot", str(cannot), ops)
    return _report(draft, editor, ops)


def _report(draft: dict[str, Any], editor: Editor, ops: list[dict[str, Any]]) -> Edit:
    """The Edit for applied operations: a new draft, or an explanation if nothing changed."""
    args = {"ops": ops}
    notes = editor.notes
    if editor.draft == draft:
        if not notes:  # only "video" was said, and the video exists
            visuals = schema.segments(draft, VISUAL)
            length = int(draft.get("d", 0))
            notes = [
                editor.say(
                    f"The video is already made ({seconds_text(length)}, "
                    f"{count_en(visuals)}). Say “start over” to rebuild it from all uploads.",
                    f"视频已经做好了（{zh_seconds(length)}，{count_zh(visuals)}）。"
                    "说“重新做”可用全部素材重新制作。",
                )
            ]
        reply = " ".join(notes)
        result: dict[str, Any] = {"status": "ok", "changes": [], "notes": notes}
        if editor.problems:
            result = {"status": "cannot", "reason": reply}
        return Edit(reply=reply, draft=None, tool=EXPLAIN_TOOL, args=args, result=result)
    lead = [overview(editor.draft, editor.zh)] if editor.built else editor.changes
    result = {"status": "ok", "changes": editor.changes}
    if notes:
        result["notes"] = notes
    reply = " ".join([*lead, *notes])
    return Edit(reply=reply, draft=editor.draft, tool=EDIT_TOOL, args=args, result=result)


def _explain(
    draft: dict[str, Any], zh: bool, status: str, reason: str, ops: list[dict[str, Any]]
) -> Edit:
    """Nothing changes: say why and suggest three phrasings."""
    suggestions = _suggestions(draft, zh)
    reply = f"{reason} {_try_these(suggestions, zh)}"
    result = {"status": status, "reason": reason, "suggestions": suggestions}
    return Edit(reply=reply, draft=None, tool=EXPLAIN_TOOL, args={"ops": ops}, result=result)


def _undo(draft: dict[str, Any], previous: dict[str, Any] | None, zh: bool) -> Edit:
    args = {"ops": [{"op": "undo"}]}
    if previous is None:
        reason = "没有可以撤销的操作。" if zh else "There is nothing to undo."
        return Edit(
            reply=reason,
            draft=None,
            tool=EXPLAIN_TOOL,
            args=args,
            result={"status": "cannot", "reason": reason},
        )
    changes = schema.describe(draft, previous, "zh" if zh else "en")
    if zh:
        reply = "已撤销上一步" + (f"：{'；'.join(changes)}。" if changes else "。")
    else:
        reply = "Undid the last edit" + (f": {'; '.join(changes)}." if changes else ".")
    return Edit(
        reply=reply,
        draft=copy.deepcopy(previous),
        tool=EDIT_TOOL,
        args=args,
        result={"status": "ok", "changes": changes},
        undo=True,
    )
