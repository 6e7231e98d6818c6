"""Reading the title and captions: set, position, remove (and several things removed at once)."""

from __future__ import annotations

import re

from ...phrases import (
    POSITION_WORDS,
)
from .. import ops
from ..reading import (
    DURATION,
    POSITION,
    REF,
    REMOVE,
    Parser,
    compiled,
    duration_ms,
    first_group,
    ref_number,
)

_THINGS = {
    "music": ops.RemoveMusic(), "song": ops.RemoveMusic(), "soundtrack": ops.RemoveMusic(),
    "音乐": ops.RemoveMusic(), "背景音乐": ops.RemoveMusic(), "title": ops.RemoveTitle(),
    "标题": ops.RemoveTitle(), "captions": ops.RemoveCaptions(), "caption": ops.RemoveCaptions(),
    "字幕": ops.RemoveCaptions(), "transitions": ops.SetTransition(type="none"),
    "转场": ops.SetTransition(type="none"), "motion": ops.SetMotion(motion="static"),
    "运动效果": ops.SetMotion(motion="static"),
}  # fmt: skip


def read_removals(p: Parser) -> None:
    """One removal verb for several things: "remove the music and the title", "去掉音乐和标题"."""
    things = "|".join(sorted(_THINGS, key=len, reverse=True))
    pattern = (
        rf"\b(?:{REMOVE})\s+(?:the\s+)?(?P<a>{things})\s*(?:,|and|&|as\s+well\s+as)\s*(?:the\s+)?"
        rf"(?P<b>{things})\b"
        rf"|(?:去掉|删除|删掉|不要|取消|移除)\s*(?P<c>{things})\s*(?:和|与|跟|、|还有|以及)\s*(?P<d>{things})"
    )
    for m in p.find(pattern):
        for name in (first_group(m, "a", "c"), first_group(m, "b", "d")):
            p.add(m, _THINGS[name])
    all_text = (
        rf"\b(?:{REMOVE})\s+(?:all\s+)?(?:the\s+)?(?:text|texts|words|writing|titles?\s+and\s+captions)\b"
        r"|(?:去掉|删除|删掉|不要)(?:所有的?)?(?:文字|字)"
    )
    for m in p.find(all_text):
        p.add(m, ops.RemoveTitle())
        p.add(m, ops.RemoveCaptions())


def read_text(p: Parser) -> None:
    """Title and captions: set, position, remove."""
    read_removals(p)
    for m in p.find(
        rf"\b(?:no|without|{REMOVE})\s+(?:the\s+)?(?:opening\s+)?title\b"
        r"|\btake\s+(?:the\s+)?title\s+(?:out|off|away)\b"
        r"|(?:删除|删掉|去掉|移除|不要|取消)\s*(?:片头)?标题"
        r"|把?\s*(?:片头)?标题\s*(?:去掉|删掉|删除|删了|拿掉|取消|不要了?)"
    ):
        p.add(m, ops.RemoveTitle())
    for m in p.find(
        rf"\b(?:no|without|clear|{REMOVE})\s+(?:all\s+)?(?:the\s+)?(?:captions?|subtitles?)\b"
        r"|(?:删除|删掉|去掉|移除|不要|清除)\s*(?:所有的?)?(?:字幕|说明文字|配文)"
        r"|把?\s*(?:所有的?)?(?:字幕|配文)\s*(?:去掉|删掉|删除|删了|拿掉|取消|清除|不要了?)"
    ):
        p.add(m, ops.RemoveCaptions())
    caption = (
        rf"\b(?:caption|subtitle|text|label)\s*:?\s*(?P<q>⟦\d+⟧)\s*(?:on|for|to|over|under|at)\s+(?P<a>{REF})"
        rf"|\b(?:caption|label)\s+(?P<b>{REF})\s*(?:with|as|:)?\s*(?P<q2>⟦\d+⟧)"
        rf"|\b(?:add|put|write)\s+(?P<q3>⟦\d+⟧)\s+(?:as\s+a\s+caption\s+)?(?:on|to|over|under)\s+(?P<c>{REF})(?:\s+as\s+(?:a\s+|the\s+)?caption)?"
        rf"|(?:给|在|为)?\s*(?P<d>{REF})\s*上?\s*(?:加上?|添加|配上?)?\s*(?:字幕|说明|文字|配文)\s*(?:为|是|:)?\s*(?P<q4>⟦\d+⟧)"
        rf"|(?:字幕|说明|配文)\s*(?P<q5>⟦\d+⟧)\s*(?:放在|加到|加在|给|在)\s*(?P<e>{REF})"
        rf"|\bcaption\s+(?:to|on|for|under)\s+(?P<f>{REF})\s*(?:saying|that\s+says|reading|that\s+reads"
        rf"|with\s+the\s+text|with|:)?\s*(?P<q6>⟦\d+⟧)"
    )
    for m in p.find(caption, "⟦"):
        quote = first_group(m, "q", "q2", "q3", "q4", "q5", "q6")
        ref = first_group(m, "a", "b", "c", "d", "e", "f")
        pos = p.position_after(m)
        p.add(m, ops.AddCaption(text=p.quote(quote), photo=ref_number(ref), pos=pos))
    title = (
        r"\b(?:title|titled|heading|call\s+it|called|named)\s*(?::|is|as|to|=|of)?\s*(?P<q>⟦\d+⟧)"
        r"|\b(?:title|heading)\b(?P<mid>[^⟦.;!?]{1,60}?)(?P<q5>⟦\d+⟧)"
        r"|(?P<q2>⟦\d+⟧)\s+as\s+(?:the\s+)?title"
        r"|(?:标题|片头|题目|名字|名称)\s*(?:为|是|叫做|叫|写上|写成|写着|写|改成|改为|设为|设成|用|:)?\s*(?P<q3>⟦\d+⟧)"
        r"|(?P<q4>⟦\d+⟧)\s*(?:作为|当)\s*标题"
    )
    for m in p.find(title, "⟦"):
        quote = first_group(m, "q", "q2", "q3", "q4", "q5")
        inside = compiled(POSITION).search(m.group("mid") or "")
        pos = POSITION_WORDS[inside.group()] if inside else p.position_after(m)
        lasting = p.find_after(m, rf"\bfor\s+{DURATION}")
        seconds = duration_ms(lasting) / 1000 if lasting else None
        p.add(m, ops.SetTitle(text=p.quote(quote), pos=pos, seconds=seconds))
    if re.search(r"\btitle\b|标题", p.text):  # "the title is too low, move it up"
        it = (
            r"\b(?:move|put|shift|push)\s+it\s+(?P<way>up|down|higher|lower)\b"
            r"|\btoo\s+(?P<too>low|high)\b"
        )
        for m in p.find(it, r"\bit\b|\btoo\b"):
            way = m.group("way") or {"low": "up", "high": "down"}[m.group("too")]
            p.add(
                m,
                ops.TextPosition(
                    target="title", pos="top" if way in ("up", "higher") else "bottom"
                ),
            )
    # "title: Summer Fun" without quotes: the editor asks for them (the case of the words is lost).
    for m in p.find(r"\btitle\s*:\s*(?=[a-z0-9])", r"title\s*:"):
        p.add(m, ops.SetTitle())
    updown = (
        r"\b(?:move|put|shift|push)\s+(?:the\s+)?(?P<what>title|captions?)\s+(?P<way>up|down|higher|lower)\b"
        r"|(?P<what2>标题|字幕)\s*(?:往|向)?(?P<way2>上|下)\s*(?:移|挪|放)"
    )
    for m in p.find(updown, r"title|caption|标题|字幕"):
        what = first_group(m, "what", "what2")
        way = first_group(m, "way", "way2")
        pos = "top" if way in ("up", "higher", "上") else "bottom"
        target = "title" if what in ("title", "标题") else "captions"
        p.add(m, ops.TextPosition(target=target, pos=pos))
    placed = (
        rf"\b(?:move|put|place)?\s*(?:the\s+)?(?P<what>title|captions?)\s+(?:to|at|in|on)?\s*(?:the\s+)?(?P<pos>{POSITION})"
        rf"|(?P<what2>标题|字幕)\s*(?:放|移|挪)?\s*(?:到|在)?\s*(?P<pos2>{POSITION})"
    )
    for m in p.find(placed):
        what = first_group(m, "what", "what2")
        target = "title" if what in ("title", "标题") else "captions"
        pos = POSITION_WORDS[first_group(m, "pos", "pos2")]
        p.add(m, ops.TextPosition(target=target, pos=pos))
    pos_alone = (
        rf"(?:放在|放到|放|移到|挪到|移至|改到|改在|换到)\s*(?P<zpos>{POSITION})"
        r"|\b(?:and\s+)?(?P<pos2>centered|centred|at\s+the\s+top|at\s+the\s+bottom|in\s+the\s+middle)\b"
        rf"|\b(?:put|move|place)\s+(?:it|them)\s+(?:at\s+|in\s+|on\s+|to\s+)?(?:the\s+)?(?P<pos>{POSITION})"
    )
    target = "title" if re.search(r"title|标题", p.text) else "captions"
    if re.search(r"title|标题|caption|字幕", p.text):
        for m in p.find(pos_alone):
            said = first_group(m, "pos", "zpos", "pos2").replace("centred", "centre")
            pos = POSITION_WORDS.get(said, "center")
            p.add(m, ops.TextPosition(target=target, pos=pos))
    for m in p.find(
        r"\b(?:add|put|want)\s+(?:a\s+|an\s+|the\s+)?title\b|加(?:个|一个)?标题|添加标题"
    ):
        p.add(m, ops.SetTitle())  # no text: the editor asks for it
    for m in p.find(r"\b(?:add|put)\s+(?:a\s+|some\s+)?captions?\b|加字幕|添加字幕"):
        p.add(m, ops.AddCaption())
