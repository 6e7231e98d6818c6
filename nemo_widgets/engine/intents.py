"""Understanding a chat message: the patterns and the parser that turn it into operations.

This module owns the reading half of the director. A message is normalised (see
:mod:`.phrases` for the English and Chinese words), searched with regular expressions for every
instruction it contains (a span of text is used only once), and returned by :func:`parse` as a
list of structured operations (``{"op": ...}`` dicts) in the fixed order they must be applied
in, with repeats merged, or as a refusal for what the director can never do. Nothing here looks
at a draft or the uploads: applying the operations is :mod:`.editor`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import draft as schema
from .phrases import (
    ASPECT_WORDS,
    COLOUR_WORDS,
    EN_ORDINALS,
    MOTION_WORDS,
    PLACEHOLDER,
    PLATFORM_NAMES,
    POSITION_WORDS,
    TRANSITION_WORDS,
    normalise,
)

MUSIC_FADE_OUT_MS = 2000  # also the fade-out a plain "fade out" asks for
VOLUME_STEP = 15  # percentage points for "quieter"/"louder"
FASTER, SLOWER = 0.75, 1.33
SHORTER, LONGER = 0.75, 1.33


# --------------------------------------------------------------------------- patterns


def _words(table: Any) -> str:
    """A regex alternation of the table's phrases, longest first; ASCII ones as whole words."""
    phrases = sorted(table, key=len, reverse=True)
    return "|".join(rf"\b{re.escape(p)}\b" if p.isascii() else re.escape(p) for p in phrases)


_NUM = r"\d+(?:\.\d+)?"
# A length: "15 s", "15-second", "1.5 minutes", "1 min 30 s", "500 ms", "15秒", "1分30秒".
_DUR = (
    rf"(?P<n>{_NUM})\s*-?\s*(?:(?P<min>minutes?|mins?|分钟|分)"
    rf"(?:\s*(?:and\s*)?(?P<n2>{_NUM})\s*-?\s*(?:seconds?|secs?|s|秒))?"
    r"|(?P<ms>milliseconds?|ms|毫秒)|(?:seconds?|secs?|s|秒))(?![a-z])"
)
_ORD = "|".join(EN_ORDINALS) + r"|last|\d+(?:st|nd|rd|th)"
_NOUN = r"(?:photo|image|picture|pic|slide|clip|shot|video)"
_PHOTOS = r"(?:photos?|images?|pictures?|pics?|slides?|shots?|照片|图片|相片|图)"
# A reference to one visual segment: "photo 2", "the second image", "第2张", "最后一张".
_REF = (
    rf"(?:{_NOUN}s?\s*(?:no\.?\s*|number\s*|#\s*)?\d+\b"
    rf"|(?:the\s+)?(?:{_ORD})\s+(?:{_NOUN}|one)\b"
    r"|第\d+(?:张|个)(?:照片|图片|图|视频|片段)?|最后(?:一|1)(?:张|个)(?:照片|图片|图)?)"
)
_FILE = (
    r"[\w\-]+(?:\.[\w\-]+)*\.(?:jpe?g|png|gif|webp|heic|heif|bmp|tiff?|avif|mp4|mov|webm|m4v|mkv)"
)
_AUDIO_FILE = r"[\w\-]+(?:\.[\w\-]+)*\.(?:mp3|wav|m4a|aac|ogg|flac|opus)"
_POS = _words(POSITION_WORDS)
_STYLES = _words(TRANSITION_WORDS)
_BREAK = r"[,;!?。！？；、]|\.(?!\d)|\band\b|\bthen\b|然后|并且|同时"
_MUSIC = r"(?:\bbackground\s+music\b|\bmusic\b|\bsoundtrack\b|\bsong\b|\bbgm\b|背景音乐|音乐|配乐)"


_DUR_PREFIXES = ("", "e", "t", "u", "y", "z")


def _dur(prefix: str) -> str:
    """``_DUR`` with its group names prefixed, for a second length in the same pattern."""
    return _DUR.replace("?P<", f"?P<{prefix}")


def _duration_ms(match: re.Match[str]) -> int:
    """Milliseconds of the first ``_DUR`` (or ``_dur(prefix)``) that took part in a match."""
    groups = match.groupdict()
    for prefix in _DUR_PREFIXES:
        if groups.get(f"{prefix}n"):
            number = float(groups[f"{prefix}n"])
            if groups.get(f"{prefix}min"):
                return round((number * 60 + float(groups.get(f"{prefix}n2") or 0)) * 1000)
            return round(number) if groups.get(f"{prefix}ms") else round(number * 1000)
    raise ValueError("no length in this match")


def _first(match: re.Match[str], *names: str) -> str:
    """The text of the first of the named groups that took part in ``match``: the groups one
    pattern's alternatives capture the same thing in ("a" in English, "b" in Chinese...)."""
    return next(match.group(name) for name in names if match.group(name))


def _ref_number(text: str) -> int:
    """1-based photo number of a ``_REF`` match; -1 means the last one."""
    if "最后" in text or re.search(r"\blast\b", text):
        return -1
    digits = re.search(r"\d+", text)
    if digits:
        return int(digits.group())
    word = re.search("|".join(EN_ORDINALS), text)
    return EN_ORDINALS[word.group()] if word else 1


# --------------------------------------------------------------------------- parsing


class _Parser:
    """Finds instructions in a normalised message; a span of text is used only once."""

    def __init__(self, text: str, quotes: list[str]) -> None:
        self.text = text
        self.quotes = quotes
        self.taken: list[tuple[int, int]] = []
        self.ops: list[tuple[int, dict[str, Any]]] = []

    def find(self, pattern: str) -> Iterator[re.Match[str]]:
        """Matches of ``pattern`` that overlap no earlier match; each is marked as used."""
        for match in re.finditer(pattern, self.text):
            start, end = match.span()
            if start == end or any(s < end and start < e for s, e in self.taken):
                continue
            self.taken.append((start, end))
            yield match

    def add(self, match: re.Match[str], op: dict[str, Any]) -> None:
        self.ops.append((match.start(), op))

    def quote(self, placeholder: str) -> str:
        return self.quotes[int(PLACEHOLDER.search(placeholder).group(1))]  # type: ignore[union-attr]

    def find_after(self, match: re.Match[str], pattern: str) -> re.Match[str] | None:
        """The first match of ``pattern`` in the rest of ``match``'s clause (up to the next
        comma or "and"); marked as used."""
        rest = self.text[match.end() :]
        stop = re.search(_BREAK, rest)
        found = re.search(pattern, rest[: stop.start()] if stop else rest)
        if found is not None:
            offset = match.end()
            self.taken.append((offset + found.start(), offset + found.end()))
        return found

    def position_after(self, match: re.Match[str]) -> str | None:
        """A position ("at the top", "顶部") in the clause after ``match``; marked as used."""
        found = self.find_after(match, _POS)
        return POSITION_WORDS[found.group()] if found else None


def parse(message: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The operations a message asks for, and a refusal ({"en","zh"} reason) if any."""
    text, quotes = normalise(message)
    parser = _Parser(text, quotes)
    if any(parser.find(r"\bundo\b|\brevert\b|\bgo back\b|撤销|撤回|回退|返回上一步|恢复上一步")):
        return [{"op": "undo"}], None
    refusal = _refusal(text)
    if refusal:
        return [], refusal
    for step in _STEPS:
        step(parser)
    ordered = sorted(parser.ops, key=lambda item: (_RANK[item[1]["op"]], item[0]))
    return _dedupe([op for _, op in ordered]), None


def _dedupe(ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge the build requests and drop repeats; of repeated settings the last one wins."""
    single = {
        "set_aspect",
        "set_resolution",
        "set_fps",
        "set_length",
        "export",
        "set_photo_length",
        "set_transition",
        "set_motion",
        "add_music",
    }
    kept: list[dict[str, Any]] = []
    build: dict[str, Any] = {}
    for op in ops:
        if op["op"] == "build":
            build.update(op)  # "video" + "3 photos" + "start over" make one build
            continue
        if op["op"] in single:
            kept = [old for old in kept if old["op"] != op["op"]]
        if op not in kept:
            kept.append(op)
    return [build, *kept] if build else kept


_GENERATE = r"\bgenerate\b|\btext[- ]to[- ]video\b|\bai[- ]generated\b|(?<!重新)生成"
_UNSUPPORTED = (
    r"\bvoice[- ]?overs?\b|\bnarrat\w*|\bfilters?\b|\bstickers?\b|\bemojis?\b"
    r"|(?<!transition )\beffects?\b|\blip[- ]?sync|\bgreen[- ]screen\b|\bshuffle\b|\brandom\w*"
    r"|\bspeech\b|\bauto[- ]?captions?\b"
    r"|配音|旁白|解说|滤镜|贴纸|特效|抠图|随机|打乱"
)


def _refusal(text: str) -> dict[str, Any] | None:
    """Requests the director can never do: generating footage, effects it does not have."""
    mentions_uploads = re.search(rf"{_PHOTOS}|\buploads?\b|\bslideshow\b|幻灯片|素材", text)
    if re.search(_GENERATE, text) and not mentions_uploads:
        return {
            "code": "generate",
            "en": "I can't generate new footage: I only edit the photos and videos you upload.",
            "zh": "我不能生成新的画面，只能编辑你上传的照片和视频。",
        }
    found = re.search(_UNSUPPORTED, text)
    if found:
        what = found.group()
        return {
            "code": "unsupported",
            "en": f"I can't do “{what}”: I arrange uploads with transitions, motion, titles, "
            "captions and music, but have no effects, stickers, voice or random order.",
            "zh": f"我做不了“{what}”：我能排列素材、加转场、运动效果、标题、字幕和音乐，"
            "但没有特效、贴纸、配音或随机排序。",
        }
    return None


def _parse_photo_ops(p: _Parser) -> None:
    """Swap, move, remove, replace, reverse."""
    swap = (
        r"\b(?:swap|switch|exchange)\s+(?:photos?|images?|pictures?|slides?)"
        r"\s+(\d+)\s+(?:and|with)\s+(\d+)"
    )
    for m in p.find(swap):
        p.add(m, {"op": "swap", "photos": [int(m.group(1)), int(m.group(2))]})
    swap_refs = (
        rf"(?:\b(?:swap|switch|exchange)|交换|互换|调换)\s*(?P<a>{_REF})\s*(?:and|with|和|与|跟)\s*(?P<b>{_REF})"
        rf"|(?P<c>{_REF})\s*(?:和|与|跟)\s*(?P<d>{_REF})\s*(?:交换|互换|调换)"
    )
    for m in p.find(swap_refs):
        a, b = _first(m, "a", "c"), _first(m, "b", "d")
        p.add(m, {"op": "swap", "photos": [_ref_number(a), _ref_number(b)]})
    _parse_moves(p)
    removes = (
        r"\b(?:remove|delete|drop|cut|take\s+out)\s+(?:photos|images|pictures|slides)"
        r"\s+(\d+)\s+and\s+(\d+)"
    )
    for m in p.find(removes):
        p.add(m, {"op": "remove", "photo": int(m.group(1))})
        p.add(m, {"op": "remove", "photo": int(m.group(2))})
    remove = (
        rf"\b(?:remove|delete|drop|cut|take\s+out|get\s+rid\s+of)\s+(?P<a>{_REF})"
        rf"|(?:删除|删掉|删去|去掉|去除|移除|不要)\s*(?P<b>{_REF})"
        rf"|把?\s*(?P<c>{_REF})\s*(?:删除|删掉|删了|去掉|移除|拿掉)"
    )
    for m in p.find(remove):
        ref = _first(m, "a", "b", "c")
        p.add(m, {"op": "remove", "photo": _ref_number(ref)})
    _parse_replace(p)
    reverse = (
        r"\breverse(?:\s+the)?(?:\s+order)?\b|\bbackwards\b"
        r"|倒序|反转顺序|顺序反过来|颠倒顺序|倒过来"
    )
    for m in p.find(reverse):
        p.add(m, {"op": "reverse"})


def _parse_moves(p: _Parser) -> None:
    """ "move photo 3 to the start", "put photo 1 last", "把第3张移到第一"."""
    move = (
        rf"\b(?:move|put|place)\s+(?P<a>{_REF})\s+(?P<to>(?:to\s+)?(?:the\s+)?(?:very\s+)?"
        rf"(?:start|beginning|front|first|end|back|last)\b|(?:to\s+)?position\s*\d+|(?:before|after)\s+{_REF})"
        rf"|\bmake\s+(?P<b>{_REF})\s+(?:the\s+)?(?P<to2>first|last)\b"
        rf"|把?\s*(?P<c>{_REF})\s*(?:移|挪|放|调|换)(?:到|至|在)\s*(?P<to3>最前面?|开头|最后面?|结尾|末尾"
        rf"|{_REF}\s*(?:前面|后面|之前|之后)|第\d+(?:张|个|位)?)"
    )
    for m in p.find(move):
        ref = _first(m, "a", "b", "c")
        where = _first(m, "to", "to2", "to3")
        op: dict[str, Any] = {"op": "move", "photo": _ref_number(ref)}
        target = re.search(
            rf"(before|after|前|后)\D*?(?P<r>{_REF})|(?P<r2>{_REF})\s*(前|后)", where
        )
        if target and (target.group("r") or target.group("r2")):
            side = "before" if re.search(r"before|前", where) else "after"
            op[side] = _ref_number(target.group("r") or target.group("r2"))
        elif re.search(r"start|beginning|front|first|最前|开头", where):
            op["to"] = 1
        elif re.search(r"end|back|last|最后|结尾|末尾", where):
            op["to"] = -1
        else:
            op["to"] = int(re.search(r"\d+", where).group())  # type: ignore[union-attr]
        p.add(m, op)


def _parse_replace(p: _Parser) -> None:
    """ "replace photo 2 with the last upload / beach.jpg", "把第2张换成beach.jpg"."""
    latest = (
        r"the\s+(?:last|latest|newest|new|most\s+recent)\s+(?:upload|photo|image|picture|one|file|video)"
        r"|最后上传的(?:照片|图片|那张|文件)?|最新(?:上传)?的?(?:照片|图片|那张)?"
    )
    source = rf"(?P<with>⟦\d+⟧|{latest}|{_FILE}|(?:upload|file)\s+\d+)"
    replace = (
        rf"\b(?:replace|change|swap\s+out)\s+(?P<a>{_REF})\s+(?:with|by|for|to)\s+{source}"
        rf"|把?\s*(?P<b>{_REF})\s*(?:换成|替换成|替换为|改成|换为)\s*{source.replace('with', 'w2')}"
        rf"|用\s*{source.replace('with', 'w3')}\s*替换\s*(?P<c>{_REF})"
    )
    for m in p.find(replace):
        ref = _first(m, "a", "b", "c")
        spec = _first(m, "with", "w2", "w3")
        op: dict[str, Any] = {"op": "replace", "photo": _ref_number(ref)}
        if PLACEHOLDER.fullmatch(spec):
            op["with"] = p.quote(spec)
        elif re.fullmatch(latest, spec):
            op["with"] = ":last"
        elif spec.startswith(("upload", "file")):
            op["with"] = ":upload " + re.sub(r"\D", "", spec)
        else:
            op["with"] = spec
        p.add(m, op)


def _parse_lengths(p: _Parser) -> None:
    """Per-photo length, transition length, music fade-out, then the total length."""
    per_photo = (
        rf"{_DUR}\s*(?:per|each|for\s+each|a|an|every|for\s+every)\s+{_PHOTOS}"
        rf"|\b(?:each|every)\s+{_PHOTOS}\s+(?:for|lasts?|to\s+last|at|should\s+last|gets?"
        rf"|stays?(?:\s+for)?)?\s*{_dur('e')}"
        rf"|每(?:一|1)?张\s*(?:照片|图片|图)?\s*(?:停留|显示|展示|播放|持续)?\s*{_dur('z')}"
        rf"|{_dur('y')}\s*(?:一|1)张"
    )
    for m in p.find(per_photo):
        p.add(m, {"op": "set_photo_length", "seconds": _duration_ms(m) / 1000})
    _parse_music(p)  # before transitions: "fade out" is the music's
    _parse_transitions(p)
    for m in p.find(rf"(?:\bfor\s+)?{_DUR}"):
        p.add(m, {"op": "set_length", "seconds": _duration_ms(m) / 1000})


def _parse_transitions(p: _Parser) -> None:
    """Transition style and/or length; "longer/shorter transitions"; "no transitions"."""
    scale = (
        r"\b(?:longer|slower)\s+(?:transitions?|crossfades?|fades?)"
        r"|(?P<s>\b(?:shorter|quicker|faster)\s+(?:transitions?|crossfades?|fades?))"
        r"|转场(?:长|慢)一点|转场(?P<z>短|快)一点"
    )
    for m in p.find(scale):
        factor = 0.5 if m.group("s") or m.group("z") else 2.0
        p.add(m, {"op": "set_transition", "factor": factor})
    timed = (
        rf"{_DUR}\s+(?:long\s+)?(?P<style>{_STYLES})?\s*(?:transitions?|crossfades?|fades?|dissolves?|wipes?)?"
        rf"|(?:(?P<style2>{_STYLES})\s+)?(?:transitions?)\s*(?:of|to|at|lasting|for)?\s*{_dur('t')}"
        rf"|(?:转场|淡入淡出|过渡|交叉淡化)(?:时间|时长)?\s*(?:为|改成|改为|设为|设成|调到|是)?\s*{_dur('u')}"
    )
    for m in p.find(timed):
        style = m.group("style") or m.group("style2")
        words = m.group(0)
        if not (
            style
            or re.search(
                r"transition|crossfade|fade|dissolve|wipe|转场|淡入淡出|过渡|交叉淡化", words
            )
        ):
            p.taken.remove(m.span())  # a bare length: the total length step reads it
            continue
        op: dict[str, Any] = {"op": "set_transition", "seconds": _duration_ms(m) / 1000}
        if style:
            op["type"] = TRANSITION_WORDS[style]
        p.add(m, op)
    no_transition = (
        r"\bno\s+transitions?\b|\bwithout\s+transitions?\b|\bhard\s+cuts?\b"
        r"|无转场|不要转场|去掉转场|取消转场|硬切"
    )
    for m in p.find(no_transition):
        p.add(m, {"op": "set_transition", "type": "none"})
    standalone = (
        rf"(?P<style>{_STYLES})(?:\s+(?:transitions?|effects?))?|\btransitions?\b|转场|过渡"
    )
    for m in p.find(standalone):
        style = m.group("style")
        kind = TRANSITION_WORDS.get(style) if style else None
        if style in ("zoom", "slide", "slides", "cuts") and "transition" not in m.group(0):
            p.taken.remove(m.span())  # "zoom in" is motion, "slides" may mean photos
            continue
        p.add(m, {"op": "set_transition", **({"type": kind} if kind else {})})


def _parse_music(p: _Parser) -> None:
    """Remove, volume, quieter/louder, fade-out, add (optionally a named file)."""
    remove = (
        rf"\b(?:remove|delete|drop|no|without|mute|turn\s+off|get\s+rid\s+of|stop)\s+(?:the\s+)?{_MUSIC}|\bmute\b"
        rf"|(?:删除|删掉|去掉|移除|不要|关掉|关闭|取消)\s*{_MUSIC}|静音"
    )
    for m in p.find(remove):
        p.add(m, {"op": "remove_music"})
    volume = (
        rf"(?:\bvolume\b|{_MUSIC}|音量)\D{{0,25}}?(?P<n>{_NUM})\s*%"
        rf"|(?P<n2>{_NUM})\s*%\s*(?:volume|音量)"
    )
    for m in p.find(volume):
        p.add(m, {"op": "music_volume", "percent": float(_first(m, "n", "n2"))})
    step = (
        r"(?P<down>\bquieter\b|\bsofter\b|\blower\s+the\s+(?:music|volume)\b|\bturn\s+(?:the\s+)?(?:music\s+|volume\s+)?down\b"
        r"|小声|轻一点|轻点|调低|降低音量|音量小一?点|音乐小一?点)"
        r"|\blouder\b|\braise\s+the\s+(?:music|volume)\b|\bturn\s+(?:the\s+)?(?:music\s+|volume\s+)?up\b"
        r"|大声|响一点|调高|提高音量|音量大一?点|音乐大一?点"
    )
    for m in p.find(step):
        p.add(m, {"op": "music_step", "percent": -VOLUME_STEP if m.group("down") else VOLUME_STEP})
    fade = (
        rf"\bfade[- ]?out\D{{0,20}}?{_DUR}"
        rf"|{_dur('e')}\s*(?:long\s+)?fade[- ]?outs?"
        rf"|(?<!淡入)淡出\s*{_dur('z')}"
        rf"|{_dur('t')}\s*的?\s*淡出"
        r"|(?P<plain>\bfade[- ]?out\b|\bfade\s+(?:the\s+)?(?:music|song|audio)\s+out\b"
        r"|(?<!淡入)淡出)"
    )
    for m in p.find(fade):
        seconds = MUSIC_FADE_OUT_MS / 1000 if m.group("plain") else _duration_ms(m) / 1000
        p.add(m, {"op": "music_fade_out", "seconds": seconds})
    add = rf"\b(?:with|add|use|play)\s+(?P<file>{_AUDIO_FILE})|(?P<file2>{_AUDIO_FILE})|{_MUSIC}"
    for m in p.find(add):
        name = m.group("file") or m.group("file2")
        p.add(m, {"op": "add_music", **({"file": name} if name else {})})


def _parse_text(p: _Parser) -> None:
    """Title and captions: set, position, remove."""
    for m in p.find(
        r"\b(?:remove|delete|drop|no|without|get\s+rid\s+of)\s+(?:the\s+)?(?:opening\s+)?title\b"
        r"|(?:删除|删掉|去掉|移除|不要|取消)\s*(?:片头)?标题"
    ):
        p.add(m, {"op": "remove_title"})
    for m in p.find(
        r"\b(?:remove|delete|drop|no|without|clear)\s+(?:all\s+)?(?:the\s+)?captions?\b"
        r"|(?:删除|删掉|去掉|移除|不要|清除)\s*(?:所有的?)?(?:字幕|说明文字|配文)"
    ):
        p.add(m, {"op": "remove_captions"})
    caption = (
        rf"\b(?:caption|subtitle|text|label)\s*:?\s*(?P<q>⟦\d+⟧)\s*(?:on|for|to|over|under|at)\s+(?P<a>{_REF})"
        rf"|\b(?:caption|label)\s+(?P<b>{_REF})\s*(?:with|as|:)?\s*(?P<q2>⟦\d+⟧)"
        rf"|\badd\s+(?P<q3>⟦\d+⟧)\s+(?:as\s+a\s+caption\s+)?(?:on|to)\s+(?P<c>{_REF})"
        rf"|(?:给|在|为)?\s*(?P<d>{_REF})\s*上?\s*(?:加上?|添加|配上?)?\s*(?:字幕|说明|文字|配文)\s*(?:为|是|:)?\s*(?P<q4>⟦\d+⟧)"
        rf"|(?:字幕|说明|配文)\s*(?P<q5>⟦\d+⟧)\s*(?:放在|加到|加在|给)\s*(?P<e>{_REF})"
    )
    for m in p.find(caption):
        quote = _first(m, "q", "q2", "q3", "q4", "q5")
        ref = _first(m, "a", "b", "c", "d", "e")
        op = {"op": "add_caption", "text": p.quote(quote), "photo": _ref_number(ref)}
        pos = p.position_after(m)
        if pos:
            op["pos"] = pos
        p.add(m, op)
    title = (
        r"\b(?:title|titled|heading|call\s+it|called|named)\s*(?::|is|as|to|=|of)?\s*(?P<q>⟦\d+⟧)"
        r"|(?P<q2>⟦\d+⟧)\s+as\s+(?:the\s+)?title"
        r"|(?:标题|片头|题目|名字|名称)\s*(?:为|是|叫|改成|改为|设为|设成|用|:)?\s*(?P<q3>⟦\d+⟧)"
        r"|(?P<q4>⟦\d+⟧)\s*(?:作为|当)\s*标题"
    )
    for m in p.find(title):
        quote = _first(m, "q", "q2", "q3", "q4")
        op: dict[str, Any] = {"op": "set_title", "text": p.quote(quote)}
        pos = p.position_after(m)
        if pos:
            op["pos"] = pos
        lasting = p.find_after(m, rf"\bfor\s+{_DUR}")
        if lasting:
            op["seconds"] = _duration_ms(lasting) / 1000
        p.add(m, op)
    placed = (
        rf"\b(?:move|put|place)?\s*(?:the\s+)?(?P<what>title|captions?)\s+(?:to|at|in|on)?\s*(?:the\s+)?(?P<pos>{_POS})"
        rf"|(?P<what2>标题|字幕)\s*(?:放|移|挪)?\s*(?:到|在)?\s*(?P<pos2>{_POS})"
    )
    for m in p.find(placed):
        what = _first(m, "what", "what2")
        target = "title" if what in ("title", "标题") else "captions"
        p.add(
            m,
            {
                "op": "text_position",
                "target": target,
                "pos": POSITION_WORDS[_first(m, "pos", "pos2")],
            },
        )
    for m in p.find(
        r"\b(?:add|put|want)\s+(?:a\s+|an\s+|the\s+)?title\b|加(?:个|一个)?标题|添加标题"
    ):
        p.add(m, {"op": "set_title"})  # no text: the editor asks for it
    for m in p.find(r"\b(?:add|put)\s+(?:a\s+|some\s+)?captions?\b|加字幕|添加字幕"):
        p.add(m, {"op": "add_caption"})


def _parse_frame(p: _Parser) -> None:
    """Aspect ratio, platform, resolution, fps, fit and background."""
    for m in p.find(r"\b(16|9|1|4)\s*(?::|x|×|/|by|比)\s*(9|16|1|5)\b"):
        aspect = f"{m.group(1)}:{m.group(2)}"
        if aspect in schema.ASPECTS:
            p.add(m, {"op": "set_aspect", "aspect": aspect})
    for m in p.find(_words(ASPECT_WORDS)):
        word = m.group()
        op = {"op": "set_aspect", "aspect": ASPECT_WORDS[word]}
        if word in PLATFORM_NAMES:
            op["platform"] = PLATFORM_NAMES[word]
        p.add(m, op)
    for m in p.find(
        r"\b(\d{3,4})\s*p\b|(?P<k>\b4k\b|\buhd\b|超高清)|(?P<f>\bfull\s*hd\b|\bfhd\b|超清|全高清)|(?P<h>\bhd\b|高清)"
    ):
        p_value = (
            2160
            if m.group("k")
            else 1080
            if m.group("f")
            else 720
            if m.group("h")
            else int(m.group(1))
        )
        p.add(m, {"op": "set_resolution", "p": p_value})
    fps = (
        rf"(?P<n>{_NUM})\s*(?:fps|frames?\s*(?:per|a|/)\s*s(?:ec(?:ond)?)?|帧(?:每秒|/秒)?)"
        rf"|每秒\s*(?P<n2>{_NUM})\s*帧|frame\s*rate\s*(?:of|to|at)?\s*(?P<n3>{_NUM})"
        rf"|帧率\s*(?P<n4>{_NUM})"
    )
    for m in p.find(fps):
        number = _first(m, "n", "n2", "n3", "n4")
        p.add(m, {"op": "set_fps", "fps": float(number)})
    cover = (
        r"\bfill\s+the\s+(?:frame|screen)\b|\bcrop(?:ped)?\s+to\s+fill\b|\bno\s+(?:black\s+)?bars\b"
        r"|\bfull[- ]?screen\b|\bcover\b|填满|铺满|裁剪填充|去掉黑边|不要黑边"
    )
    for m in p.find(cover):
        p.add(m, {"op": "set_fit", "fit": "cover"})
    contain = (
        r"\b(?:fit|show)\s+the\s+whole\s+(?:photo|image|picture)s?\b|\bdon'?t\s+crop\b|\bno\s+crop(?:ping)?\b"
        r"|\bletterbox\w*|\bcontain\b|完整显示|不要裁剪|不裁剪|留黑边"
    )
    for m in p.find(contain):
        p.add(m, {"op": "set_fit", "fit": "contain"})
    colours = _words(COLOUR_WORDS)
    background = (
        rf"(?P<c>{colours})\s*(?:的)?\s*(?:background|bars|背景|边)"
        rf"|\bbackground\s+(?:to\s+|in\s+)?(?P<c2>{colours})"
    )
    for m in p.find(background):
        p.add(m, {"op": "set_background", "color": COLOUR_WORDS[_first(m, "c", "c2")]})


def _parse_motion(p: _Parser) -> None:
    for m in p.find(
        r"\bno\s+ken\s+burns\b|\bwithout\s+(?:motion|zoom\w*|ken\s+burns)\b|\bturn\s+off\s+(?:the\s+)?motion\b"
    ):
        p.add(m, {"op": "set_motion", "motion": "static"})
    for m in p.find(_words(MOTION_WORDS)):
        p.add(m, {"op": "set_motion", "motion": MOTION_WORDS[m.group()]})


def _parse_pace(p: _Parser) -> None:
    """faster/slower scale every segment; shorter/longer scale the total length."""
    pace = (
        r"(?P<fast>\bfaster\b|\bspeed\s+(?:it\s+)?up\b|\bquicker\b|\bsnappier\b|快一点|快一些|快点|加快|节奏快|加速)"
        r"|(?P<slow>\bslower\b|\bslow\s+(?:it\s+)?down\b|慢一点|慢一些|慢点|放慢|节奏慢|减速)"
        r"|(?P<short>\bshorter\b|短一点|短一些|缩短)|(?P<long>\blonger\b|长一点|长一些|加长|延长)"
    )
    for m in p.find(pace):
        if m.group("fast") or m.group("slow"):
            p.add(m, {"op": "scale_speed", "factor": FASTER if m.group("fast") else SLOWER})
        else:
            p.add(m, {"op": "scale_length", "factor": SHORTER if m.group("short") else LONGER})


def _parse_whole(p: _Parser) -> None:
    """Export, start over, how many photos, and the wish for a video at all."""
    for m in p.find(
        r"\bexport\w*|\brender\w*|\bdownload\w*|\bsave\b|\bmp4\b|导出|渲染|下载|输出|保存"
    ):
        p.add(m, {"op": "export"})
    for m in p.find(
        r"\bstart\s+over\b|\brebuild\b|\bfrom\s+scratch\b|\bredo\s+(?:it|the\s+video)\b|重新做|重做|重新制作|重新生成"
    ):
        p.add(m, {"op": "build", "rebuild": True})
    count = (
        r"\b(\d+)\s+(?:[a-z]+\s+){0,2}?(?:photos|images|pictures|pics|shots|jpgs|jpegs|pngs|files)\b"
        r"|(?<!第)(?<!最后)(?<!每)(\d+)\s*张"
    )
    for m in p.find(count):
        p.add(m, {"op": "build", "count": int(m.group(1) or m.group(2))})
    build = (
        r"\b(?:video|slideshow|slide\s+show|movie|film|reel|montage|clip)\b"
        r"|视频|幻灯片|相册|短片|影片|做成|制作"
    )
    for m in p.find(build):
        p.add(m, {"op": "build"})


_STEPS = (
    _parse_photo_ops,
    _parse_text,
    _parse_frame,
    _parse_lengths,
    _parse_motion,
    _parse_pace,
    _parse_whole,
)
_RANK = {
    "build": 0,
    **dict.fromkeys(("remove", "replace", "move", "swap", "reverse"), 1),
    **dict.fromkeys(("set_aspect", "set_resolution", "set_fps", "set_fit", "set_background"), 2),
    "set_transition": 3,
    "set_motion": 4,
    "set_photo_length": 5,
    "set_length": 6,
    **dict.fromkeys(("scale_speed", "scale_length"), 7),
    **dict.fromkeys(("set_title", "remove_title", "add_caption", "remove_captions"), 8),
    "text_position": 9,
    **dict.fromkeys(("add_music", "remove_music"), 10),
    **dict.fromkeys(("music_volume", "music_step", "music_fade_out"), 11),
    "export": 12,
}
