"""Reading negations first: "don't add music", "no need for a title", "without transitions",
"不要加音乐", "不需要转场". A negated thing is removed (or its opposite set), and its words are
taken, so that no later reader reads "music" in "don't add music" as a wish for music."""

from __future__ import annotations

from .. import ops
from ..reading import Parser

_NOT = (
    r"\b(?:don'?t|do\s+not|never|no\s+need\s+(?:for|to)|(?:i|we)\s+don'?t\s+(?:want|need|like)"
    r"|(?:i|we)\s+do\s+not\s+(?:want|need)|without|no|not)\s+(?:more\s+|longer\s+)?"
    r"(?:(?:add|use|put|include|want|need|have|give\s+it|add\s+in)\s+)?(?:any\s+|a\s+|an\s+|the\s+)?"
)
_THINGS = {
    "music": ops.RemoveMusic(),
    "title": ops.RemoveTitle(),
    "captions": ops.RemoveCaptions(),
    "transitions": ops.SetTransition(type="none"),
    "motion": ops.SetMotion(motion="static"),
    "crop": ops.SetFit(fit="contain"),
    "bars": ops.SetFit(fit="cover"),
    "blur": ops.SetFit(fit="contain"),  # whole photos, on the plain colour
}
_EN = {
    "music": r"music|songs?|soundtrack|background\s+music|audio",
    "title": r"titles?",
    "captions": r"captions?|subtitles?|text",
    "transitions": r"transitions?|fades?|crossfades?|dissolves?",
    "motion": r"motion|zoom(?:ing|s)?|ken\s*burns|movement|panning|pans?|camera\s+motion",
    "crop": r"crop(?:ping)?(?:\s+(?:the|my)\s+(?:photos|pictures|images))?",
    "bars": r"black\s+bars|bars|borders",
    "blur": r"blur(?:red|ry)?(?:\s+(?:background|backdrop|bars|edges))?",
}
_ZH = {
    "music": "背景音乐|音乐|配乐|歌",
    "title": "标题|片头",
    "captions": "字幕|文字",
    "transitions": "转场|过渡",
    "motion": "运动效果|运镜|缩放效果|缩放|动效|平移|动感",
    "crop": "裁剪|裁切",
    "bars": "黑边",
    "blur": "模糊背景|背景模糊|模糊|虚化",
}
_PATTERN = (
    _NOT
    + "(?:"
    + "|".join(rf"(?P<{key}>{words})" for key, words in _EN.items())
    + r")\b|(?:不要|不需要|别|不用|无需|不想要|不必)(?:再)?"
    + r"(?:加|用|放|有|要)?(?:上|入)?(?:任何)?(?:"
    + "|".join(rf"(?P<z{key}>{words})" for key, words in _ZH.items())
    + ")"
)


def read_negations(p: Parser) -> None:
    for m in p.find(_PATTERN, r"\b(?:no|not|don'?t|never|without)\b|不|别|无需"):
        key = next(k for k in _THINGS if m.group(k) or m.group(f"z{k}"))
        p.add(m, _THINGS[key])
