"""What the director says without editing: the overview of a new video, suggestions, answers to
questions about the draft ("how long is it?", "多长？"), and the reply to a greeting or "help".

Every text is in the language of the message (``zh``) and names things as people do (never a
tool or an operation name). Examples are chosen to fit the session: with no upload it asks for
photos, before the video exists it shows ways to make one, after it ways to edit this one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .. import catalog
from .. import draft as schema
from ..draft import AUDIO, VISUAL, seconds_text
from .editor import MediaItem, count_en, count_zh, zh_seconds

# --------------------------------------------------------------------------- suggestions

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


def suggestions(draft: dict[str, Any], zh: bool) -> list[str]:
    empty = not schema.segments(draft, VISUAL)
    return list(_SUGGESTIONS[("zh" if zh else "en", empty)])


def try_these(examples: list[str], zh: bool) -> str:
    if zh:
        return "可以试试：" + "、".join(f"“{s}”" for s in examples) + "。"
    return "Try: " + ", ".join(f"“{s}”" for s in examples) + "."


# --------------------------------------------------------------------------- overview


def overview(draft: dict[str, Any], zh: bool = False) -> str:
    """One or two sentences describing a whole draft, as said after building it."""
    visuals = schema.segments(draft, VISUAL)
    meta = draft.get("m", {})
    aspect, size = meta.get("aspect", "16:9"), f"{meta.get('width')}x{meta.get('height')}"
    tr = next((seg["tr"] for seg in visuals[1:] if schema.transition_ms(seg) > 0), None)
    entry = catalog.TRANSITIONS[tr["type"] if tr else "none"]
    en_tr, zh_tr = entry.en, entry.zh
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
    return first + " Added " + _and(extras) + "."


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def _article(ms: int) -> str:
    """ "an" before lengths said with a vowel sound: 8, 11, 18, 80-89 s; else "a"."""
    seconds = seconds_text(ms)
    return "an" if re.match(r"(8|11|18)(\D|$)|8\d(\D|$)", seconds) else "a"


def _motion(draft: dict[str, Any]) -> catalog.Entry | None:
    motions = {seg.get("motion") for seg in schema.segments(draft, VISUAL)} - {None, "static"}
    if not motions:
        return None
    if len(motions) == 1:
        return catalog.MOTIONS[motions.pop()]
    if motions == {"pan_left", "pan_right"}:
        return catalog.MOTION_STYLES["pan"]
    return catalog.MOTION_STYLES["ken_burns"]


def _extras(draft: dict[str, Any], zh: bool) -> list[str]:
    """Motion, title, captions and music of a draft, as phrases for the overview."""
    extras = []
    motion = _motion(draft)
    if motion:
        extras.append(f"{motion.zh}效果" if zh else motion.en)
    for seg in schema.texts(draft, "title"):
        pos = catalog.POSITIONS.get(seg.get("pos", "bottom"), catalog.POSITIONS["bottom"])
        extras.append(
            f"标题「{seg['text']}」（{pos.zh}）" if zh else f"the title “{seg['text']}” {pos.en}"
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


# --------------------------------------------------------------------------- questions

# A question word, then what it asks about. Only questions: "make it 10 seconds?" is a request.
_ASKING = (
    r"^\s*(?:so\s+|and\s+|ok\s+|hey\s+)?(?:how|what|what's|whats|which|is|are|does|do|did|has|"
    r"can\s+you\s+tell|tell\s+me|show\s+me|remind\s+me|describe|summari[sz]e|status)\b"
    r"|多长|多久|几秒|多少秒|多少张|几张|什么|哪|吗[?？]?\s*$|呢[?？]?\s*$|是否|有没有|状态|概况|总结"
)
_TOPICS: tuple[tuple[str, str], ...] = (
    (
        "length",
        r"how\s+long|how\s+many\s+(?:seconds|minutes)|length|duration|多长|多久|几秒|多少秒|时长|长度",
    ),
    ("count", r"how\s+many|number\s+of|几张|多少张|多少个|几个"),
    ("title", r"title|标题|片名"),
    (
        "order",
        r"which\s+(?:photo|picture|image|one)|order|first|last|顺序|第1张|最后1张|哪张|哪1张",
    ),
    (
        "size",
        r"size|shape|aspect|resolution|ratio|format|dimensions|vertical|portrait|landscape|square"
        r"|horizontal|尺寸|比例|分辨率|横屏|竖屏|格式|方形",
    ),
    ("transitions", r"transition|转场|过渡"),
    ("music", r"music|song|soundtrack|audio|音乐|歌|配乐"),
    ("fps", r"fps|frame\s*rate|帧"),
    ("captions", r"captions?|subtitles?|字幕"),
    (
        "all",
        r"status|summary|summari[sz]e|describe|overview|what\s+(?:do\s+)?(?:we|i)\s+have|"
        r"what\s+does\s+it\s+look|what(?:'s|\s+is)\s+in\b|状态|概况|总结|现在怎么样|什么样",
    ),
)


# A request phrased as a question ("can you make it 10 seconds?"): it asks for an edit.
_REQUEST = re.compile(
    r"^\s*(?:(?:so|ok|okay|hey|hi|and|also|now)[\s,!]+){0,6}(?:can|could|would|will)\s+(?:you|we|i|the|it)\b"
    r"|^\s*(?:please|pls|let'?s|i\s+want|i'?d\s+like|make|add|put|set|change|give|use)\b"
    r"|^\s*(?:请|帮我|能不能|能否|可以|可不可以|麻烦|我想|我要)"
)


def is_request(text: str) -> bool:
    return _REQUEST.search(text) is not None


def question_topic(text: str) -> str | None:
    """What a question asks about (``text`` normalised), or None when it is not a question."""
    asking = text.rstrip().endswith(("?", "？")) or re.search(_ASKING, text)
    if not asking:
        return None
    for topic, pattern in _TOPICS:
        if re.search(pattern, text):
            return topic
    return None


def answer(topic: str, draft: dict[str, Any], zh: bool) -> str:
    """The answer to a question about ``draft``, from the draft alone."""
    visuals = schema.segments(draft, VISUAL)
    if not visuals:
        return (
            "还没有视频。说“做成15秒的视频”就能开始。"
            if zh
            else "There is no video yet. Say “make a 15-second video” to start."
        )
    length = int(draft.get("d", 0))
    meta = draft.get("m", {})
    names = [str(seg.get("name", "?")) for seg in visuals]
    if topic == "length":
        each = seconds_text(visuals[0]["d"])
        if zh:
            each_zh = zh_seconds(visuals[0]["d"])
            return f"视频时长{zh_seconds(length)}，共{count_zh(visuals)}，每张约{each_zh}。"
        return f"It is {seconds_text(length)} long: {count_en(visuals)}, about {each} each."
    if topic == "count":
        return f"视频里有{count_zh(visuals)}。" if zh else f"The video has {count_en(visuals)}."
    if topic == "title":
        title = next(iter(schema.texts(draft, "title")), None)
        if title is None:
            return (
                "还没有标题。可以说：标题「夏日」。"
                if zh
                else "There is no title yet. Say, for example: title 'Summer'."
            )
        pos = catalog.POSITIONS.get(title.get("pos", "bottom"), catalog.POSITIONS["bottom"])
        if zh:
            return f"标题是「{title['text']}」，位于{pos.zh}，显示{zh_seconds(title['d'])}。"
        return f"The title is “{title['text']}”, {pos.en}, for {seconds_text(title['d'])}."
    if topic == "order":
        listing = "、".join(names) if zh else ", ".join(names)
        if zh:
            return f"第一张是{names[0]}，最后一张是{names[-1]}。顺序：{listing}。"
        return f"The first photo is {names[0]} and the last is {names[-1]}. In order: {listing}."
    if topic == "size":
        size = f"{meta.get('width')}x{meta.get('height')}"
        aspect = meta.get("aspect", "16:9")
        fps = meta.get("fps", 30)
        return (
            f"画面是{aspect}（{size}），{fps} fps。"
            if zh
            else f"It is {aspect} ({size}) at {fps} fps."
        )
    if topic == "fps":
        fps = meta.get("fps", 30)
        return f"帧率是{fps} fps。" if zh else f"The frame rate is {fps} fps."
    if topic == "transitions":
        tr = next((seg["tr"] for seg in visuals[1:] if schema.transition_ms(seg) > 0), None)
        if tr is None:
            return (
                "照片之间是硬切，没有转场。"
                if zh
                else "The photos change with hard cuts (no transitions)."
            )
        entry = catalog.TRANSITIONS[tr["type"]]
        if zh:
            return f"转场是{zh_seconds(tr['d'])}的{entry.zh}。"
        return f"The transitions are {seconds_text(tr['d'])} {entry.en}."
    if topic == "music":
        music = schema.segments(draft, AUDIO)
        if not music:
            return (
                "还没有背景音乐。可以说：加背景音乐。"
                if zh
                else "There is no music yet. Say “add music”."
            )
        volume = round(music[0].get("vol", 1) * 100)
        name = music[0].get("name", "?")
        return (
            f"背景音乐是「{name}」，音量{volume}%。"
            if zh
            else f"The music is “{name}” at {volume}%."
        )
    if topic == "captions":
        captions = schema.texts(draft, "caption")
        if not captions:
            return "还没有字幕。" if zh else "There are no captions yet."
        texts = "、".join(f"「{c['text']}」" for c in captions)
        return (
            f"字幕：{texts}。"
            if zh
            else "Captions: " + ", ".join(f"“{c['text']}”" for c in captions) + "."
        )
    return _status(draft, zh)


def _status(draft: dict[str, Any], zh: bool) -> str:
    """The whole draft in a sentence or two (as the overview says it, in the present)."""
    text = overview(draft, zh)
    if zh:
        return text.replace("已用", "现在是用", 1).replace("制作了", "做的", 1)
    return text.replace("Made a", "It is a", 1).replace("Made an", "It is an", 1)


# --------------------------------------------------------------------------- greetings, help

_GREETING = (
    r"^\s*(?:hi|hello|hey|hiya|yo|good\s+(?:morning|afternoon|evening)|help|\?|what\s+can\s+you\s+do"
    r"|how\s+does\s+this\s+work|how\s+do\s+i\s+(?:use\s+this|start)|what\s+do\s+you\s+do"
    r"|你好|您好|嗨|哈喽|帮助|帮忙|怎么用|你能做什么|你会什么|能做什么|使用说明)"
    r"(?:\s*(?:!|\.|,|！|。|，|\?|？|呀|啊|吗|呢|please))*\s*$"
)


_THANKS = (
    r"^\s*(?:(?:that'?s|it'?s|looks|this\s+is)\s+)?(?:ok|okay|good|great|perfect|nice|awesome|"
    r"cool|lovely|fine|wonderful|amazing|brilliant)?[\s,.!]*(?:thanks?|thank\s+you|thx|ty|cheers)?"
    r"(?:\s+(?:so\s+much|a\s+lot))?[\s,.!]*$"
    r"|^\s*(?:好的|好|很好|太好了|完美|不错|可以了|行)?[，,。！!\s]*(?:谢谢|谢了|多谢|感谢)?(?:你|您)?[。！!\s]*$"
)


def is_thanks(text: str) -> bool:
    """ "thanks", "that's perfect, thank you", "好的谢谢" (and nothing else in the message)."""
    # Short messages only: thanks are, and the pattern then never meets a long input.
    return 0 < len(text.strip()) <= 80 and re.search(_THANKS, text) is not None


def thanks(draft: dict[str, Any], zh: bool) -> str:
    made = bool(schema.segments(draft, VISUAL))
    if zh:
        return "不客气！" + ("满意的话点“导出”就能得到MP4。" if made else "")
    return "You're welcome!" + (" Press Export when you want the MP4." if made else "")


def is_greeting(text: str) -> bool:
    return len(text) <= 80 and re.search(_GREETING, text) is not None


def greeting(draft: dict[str, Any], media: Sequence[MediaItem], zh: bool) -> str:
    """What the director can do, with examples that fit the session's state."""
    visuals = schema.segments(draft, VISUAL)
    photos = [item for item in media if item.kind in ("image", "video")]
    if zh:
        lead = (
            "你好！我把你上传的照片做成视频：时长、画面比例、转场、运动效果、标题、字幕和背景音乐"
            "都可以用一句话改。"
        )
    else:
        lead = (
            "Hi! I turn the photos you upload into a video, and change its length, shape, "
            "transitions, motion, title, captions and music when you say so."
        )
    if not photos:
        return lead + (
            "先上传几张照片，然后说“做成15秒的视频”。"
            if zh
            else " Upload a few photos first, then say “make a 15-second video”."
        )
    if not visuals:
        examples = (
            ["做成15秒的竖屏视频", "每张照片2秒，加淡入淡出", "标题「夏日」放在顶部"]
            if zh
            else [
                f"make a 15-second video of the {len(photos)} photos",
                "9:16 for TikTok with smooth transitions",
                "title 'Summer' at the top",
            ]
        )
        return f"{lead} {try_these(examples, zh)}" if not zh else lead + try_these(examples, zh)
    last = str(visuals[-1].get("name", "")).rsplit(".", 1)[0]
    examples = (
        ["改成10秒", f"把最后一张（{last}）移到开头", "加背景音乐"]
        if zh
        else ["make it 10 seconds", f"put the {last} photo first", "slower transitions"]
    )
    return f"{lead} {try_these(examples, zh)}" if not zh else lead + try_these(examples, zh)
