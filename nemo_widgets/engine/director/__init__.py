"""The director: the local engine's agent, which edits the draft from a chat message.

Deterministic and explainable: no language model, no randomness, no clock, no I/O. A message
is read (English and Chinese; :mod:`.parse`, with the words of :mod:`..catalog` and
:mod:`..phrases`) into typed operations (:mod:`.ops`), applied in a fixed order to a copy of the
draft (:mod:`.editor`, one module per family) and reported as one short reply in the message's
language, the operations (the ``functionCall`` args) and the list of changes (the
``functionResponse``). Questions about the video and greetings are answered from the draft
without changing it (:mod:`.replies`).

How a message is understood
    Every instruction found in the message is applied, whatever its place: "15 seconds, 9:16
    for TikTok, title 'Summer' at the top, music at 30%" gives four operations. They are
    applied in this order, so that each one sees the result of those it depends on: build;
    photo order (remove, replace, move, swap, reverse); frame (aspect, resolution, fps, fit);
    transitions; motion; photo length; total length; faster/slower; titles and captions;
    music. Photo numbers ("photo 2", "the second photo", "第2张") count the visual segments in
    timeline order from 1, as they were when the message was sent; a photo can also be named by
    its file name or a word in it ("the sunset photo", "海边那张"). An instruction that cannot be
    carried out changes nothing, and the others still apply: the reply says what was done,
    what was not and why, with a phrasing that would work. What is not understood is said
    back in the reply; nothing is ever applied twice.

Defaults
    * Frame 1920x1080 (16:9), 30 fps, framing "auto": a photo fills the frame when that keeps
      at least 3/4 of it (4:3 in 16:9), else it is shown whole on a blurred copy of itself (a
      landscape photo in a 9:16 frame); the reply says which, in words, when the video is made
      or its shape changes. "Fill the frame", "blur the background" and "black bars" choose.
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

from .. import draft as schema
from ..draft import VISUAL, seconds_text
from ..phrases import MAX_MESSAGE_CHARS, is_chinese, normalise
from . import ops
from .editor import Cannot, Editor, MediaItem, count_en, count_zh, zh_seconds
from .framing import framing_note
from .parse import Missed, parse
from .reading import clauses
from .replies import (
    answer,
    greeting,
    is_greeting,
    is_request,
    is_thanks,
    overview,
    question_topic,
    suggestions,
    thanks,
    try_these,
)

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
    zh = is_chinese(message[:MAX_MESSAGE_CHARS])
    cut = _cut_note(message, zh)
    normalised = normalise(message)
    text = normalised[0]
    if is_greeting(text) or not re.search(r"\w", text):  # "hi", "help", "?", or nothing at all
        return _say(greeting(draft, media, zh), "greeting")
    if is_thanks(text):
        return _say(thanks(draft, zh), "thanks")
    topic = question_topic(text)
    names = [str(seg.get("name", "")) for seg in schema.segments(draft, VISUAL)]
    reading = parse(message, names, normalised)
    only_build = all(isinstance(op, ops.Build) for op in reading.ops)
    one_clause = len(list(clauses(text.rstrip(" ?？.。!！")))) == 1
    if topic and (only_build or (one_clause and not is_request(text))):
        return _say(answer(topic, draft, zh), "answer")
    if reading.ops == [ops.Undo()]:
        return _undo(draft, previous, zh)
    problems = [_missed(missed, zh) for missed in _one_per_reason(reading.missed, zh)]
    if not reading.ops:
        status = "not_understood"
        if any(missed.code != "unknown" for missed in reading.missed):
            status = "cannot"
        if status == "not_understood":  # nothing read at all: say back the whole message
            said = " ".join(message[:200].split())
            problems = [f"我没有看懂“{said}”。" if zh else f"Sorry, I didn't understand “{said}”."]
        return _explain(draft, zh, status, " ".join([*problems, *cut]), [])
    editor = Editor(draft, media, zh)
    try:
        editor.apply(reading.ops)
    except Cannot as cannot:  # the video cannot be made at all
        return _explain(draft, zh, "cannot", str(cannot), reading.ops)
    failed = [reason for _, reason in editor.failed]
    return _report(draft, editor, reading.ops, [*failed, *problems, *cut])


def _cut_note(message: str, zh: bool) -> list[str]:
    if len(message) <= MAX_MESSAGE_CHARS:
        return []
    if zh:
        return [f"消息太长：我只读了前{MAX_MESSAGE_CHARS}个字符。"]
    return [f"That message is very long: I read only its first {MAX_MESSAGE_CHARS} characters."]


def _one_per_reason(missed: list[Missed], zh: bool) -> list[Missed]:
    """Things it cannot do for the same reason, said once: “confetti” or “effects”."""
    unsupported = [item.what for item in missed if item.code == "unsupported"]
    if len(unsupported) < 2:
        return missed
    joined = Missed("unsupported", ("”和“" if zh else "” or “").join(unsupported))
    first = next(index for index, item in enumerate(missed) if item.code == "unsupported")
    rest = [item for item in missed if item.code != "unsupported"]
    return [*rest[:first], joined, *rest[first:]]


def _missed(missed: Missed, zh: bool) -> str:
    """Why something asked for was not done, and what would work instead."""
    what = missed.what
    if missed.code == "generate":
        if zh:
            return "我不能生成新的画面，只能编辑你上传的照片和视频。"
        return "I can't generate new footage: I only edit the photos and videos you upload."
    if missed.code == "one_photo_length":
        if zh:
            return (
                f"我还不能单独设置一张照片的时长（“{what}”）：所有照片时长相同。"
                "可以说“每张照片4秒”或“长一点”。"
            )
        return (
            f"I can't give one photo its own length yet (“{what}”): every photo lasts the "
            "same. Say “each photo 4 seconds” or “make it longer”."
        )
    if missed.code == "unsupported":
        if zh:
            return (
                f"我做不了“{what}”：我能排列素材、加转场（如淡入淡出、擦除、滑动）、运动效果（如缓慢推近）、"
                "标题、字幕和音乐，但没有特效、贴纸、配音或随机排序。"
            )
        return (
            f"I can't do “{what}”: I arrange uploads with transitions (crossfade, wipe, "
            "slide...), motion (slow zoom, pan), titles, captions and music, but have no "
            "effects, stickers, voice or random order."
        )
    if zh:
        return f"我没有看懂“{what}”，这部分没有改动。"
    return f"I didn't understand “{what}”, so I left that part alone."


def _say(reply: str, kind: str) -> Edit:
    """An answer that changes nothing (a question, a greeting)."""
    result = {"status": "ok", "changes": [], "notes": [reply]}
    return Edit(reply=reply, draft=None, tool=EXPLAIN_TOOL, args={"ops": []}, result=result)


def _report(draft: dict[str, Any], editor: Editor, done: list[ops.Op], problems: list[str]) -> Edit:
    """The Edit for applied operations: a new draft, or an explanation if nothing changed."""
    applied = [op for op in done if all(op is not failed for failed, _ in editor.failed)]
    args = {"ops": [op.args() for op in applied]}
    notes = [*editor.notes, *problems]
    if editor.draft == draft:
        visuals = schema.segments(draft, VISUAL)
        length = int(draft.get("d", 0))
        if not notes and not all(isinstance(op, ops.Build) for op in applied):
            notes = [
                editor.say(
                    f"The video is like that already ({seconds_text(length)}, "
                    f"{count_en(visuals)}): nothing to change.",
                    f"视频已经是这样了（{zh_seconds(length)}，{count_zh(visuals)}），无需修改。",
                )
            ]
        if not notes:  # only "video" was said, and the video exists
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
        if editor.failed:
            return _explain(draft, editor.zh, "cannot", reply, applied)
        if editor.problems or problems:
            result = {"status": "cannot", "reason": reply}
        return Edit(reply=reply, draft=None, tool=EXPLAIN_TOOL, args=args, result=result)
    lead = [overview(editor.draft, editor.zh)] if editor.built else list(editor.changes)
    framing = _framing(draft, editor)
    if framing:
        lead.append(framing)
    result = {"status": "ok", "changes": editor.changes}
    if notes:
        result["notes"] = notes
    reply = " ".join([*lead, *notes])
    return Edit(reply=reply, draft=editor.draft, tool=EDIT_TOOL, args=args, result=result)


def _framing(before: dict[str, Any], editor: Editor) -> str | None:
    """How photos sit in the frame, said when the video is made and when its shape changes
    (unless the message chose the framing itself: that change says it)."""
    after = editor.draft
    reshaped = before.get("m", {}).get("aspect") != after.get("m", {}).get("aspect")
    if editor.built or (reshaped and not editor.fit_asked):
        return framing_note(after, editor.media, editor.zh)
    return None


def _explain(
    draft: dict[str, Any], zh: bool, status: str, reason: str, done: Sequence[ops.Op]
) -> Edit:
    """Nothing changes: say why and suggest three phrasings."""
    examples = suggestions(draft, zh)
    reply = f"{reason} {try_these(examples, zh)}"
    result = {"status": status, "reason": reason, "suggestions": examples}
    args = {"ops": [op.args() for op in done]}
    return Edit(reply=reply, draft=None, tool=EXPLAIN_TOOL, args=args, result=result)


def _undo(draft: dict[str, Any], previous: dict[str, Any] | None, zh: bool) -> Edit:
    args = {"ops": [ops.Undo().args()]}
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
