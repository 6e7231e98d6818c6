"""Understanding a chat message: the patterns and the parser that turn it into operations.

This module owns the reading half of the director. A message is normalised (see
:mod:`..phrases`: quotes set aside, numbers in words and Chinese numerals made digits, typos
corrected), photos named by a word are turned into their number, and the text is searched for
every instruction it holds (a span of text is used only once). :func:`parse` returns the typed
operations (:mod:`.ops`) in the fixed order they must be applied in, with repeats merged and an
explicit value preferred to a relative word, and what the message asked for that cannot be
done or was not understood. Nothing here changes a draft: that is :mod:`.editor`'s job.

Every pattern is linear in the text: no nested unbounded quantifiers, file names and words of
bounded length, and the message is cut at ``phrases.MAX_MESSAGE_CHARS`` before it is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from .. import draft as schema
from ..phrases import (
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
from . import ops
from .names import name_photos

MUSIC_FADE_OUT_MS = 2000  # also the fade-out a plain "fade out" asks for
VOLUME_STEP = 15  # percentage points for "quieter"/"louder"
FASTER, SLOWER = 0.75, 1.33
SHORTER, LONGER = 0.75, 1.33


# --------------------------------------------------------------------------- patterns


def _words(table: Any) -> str:
    """A regex alternation of the table's phrases, longest first; ASCII ones as whole words."""
    phrases = sorted(table, key=len, reverse=True)
    ascii_words = "|".join(re.escape(p) for p in phrases if p.isascii())
    others = "|".join(re.escape(p) for p in phrases if not p.isascii())
    # One \b around the whole group: the engine then tries the words only at word starts.
    return "|".join(part for part in (ascii_words and rf"\b(?:{ascii_words})\b", others) if part)


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
# File names: a bounded run of name characters (linear: no nested quantifiers) and an extension.
_NAME = r"(?<![a-z0-9_.\-])[a-z0-9_\-][a-z0-9_.\-]{0,80}"
_FILE = _NAME + r"\.(?:jpe?g|png|gif|webp|heic|heif|bmp|tiff?|avif|mp4|mov|webm|m4v|mkv)\b"
_AUDIO_FILE = _NAME + r"\.(?:mp3|wav|m4a|aac|ogg|flac|opus)\b"
_POS = _words(POSITION_WORDS)
_STYLES = _words(TRANSITION_WORDS)
_BREAK = r"[,;!?。！？；、]|\.(?!\d)|\band\b|\bthen\b|然后|并且|同时"
_MUSIC = r"(?:\bbackground\s+music\b|\bmusic\b|\bsoundtrack\b|\bsong\b|\bbgm\b|背景音乐|音乐|配乐)"


# A clause about each photo: "each photo", "every picture", "per slide", "3 s each", "每张".
_PER_PHOTO = (
    r"\b(?:each|every|per|a)\s+(?:single\s+)?(?:photo|picture|image|pic|slide|shot)s?\b"
    r"|\b(?:photos?|pictures?|images?|pics?|slides?|shots?)\b.{0,40}\beach\b|\beach\s*$"
    r"|\b(?:each|every)\s+(?:one|of\s+them)\b|\bevery\s+\d+(?:\.\d+)?\s*(?:seconds?|secs?|s)\b"
    r"|每(?:一|1)?张|每个(?:画面|照片)|每幅|(?<![\d.])1张(?:照片|图片|图)?|照片每张|每张照片"
)
_SWAP_WORDS = r"\b(?:swap|switch|exchange)\b|交换|互换|调换|对调|换"
_REMOVE = (
    r"remove|delete|drop|lose|ditch|kill|cut|skip|take\s+out|take\s+away|get\s+rid\s+of"
    r"|turn\s+off|switch\s+off|shut\s+off|stop|scrap|leave\s+out"
)
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
    groups = match.groupdict()
    return next(groups[name] for name in names if groups.get(name))


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


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern``, tried only where a word, a number, a placeholder or a CJK character starts:
    the regex engine skips every other position without trying the alternatives (10-100x
    faster on long messages, same matches: every instruction starts with one of these)."""
    return re.compile(
        rf"(?:(?<![a-z])|(?=[\d⟦⅓¼½\u4e00-\u9fff]))(?=[\w⟦⅓¼½\u4e00-\u9fff])(?:{pattern})"
    )


class _Parser:
    """Finds instructions in a normalised message; a span of text is used only once."""

    def __init__(self, text: str, quotes: list[str]) -> None:
        self.text = text
        self.quotes = quotes
        # One flag per character: used by an earlier match (a mask keeps each check linear).
        self.used = bytearray(len(text))
        self.ops: list[tuple[int, ops.Op]] = []

    def find(self, pattern: str, needs: str | None = None) -> Iterator[re.Match[str]]:
        """Matches of ``pattern`` that overlap no earlier match; each is marked as used.

        ``needs`` is a pattern without which ``pattern`` cannot match ("swap|交换" for the swap
        patterns): when it is absent, the long pattern is not run at all."""
        if needs is not None and not re.search(needs, self.text):
            return
        for match in _compiled(pattern).finditer(self.text):
            start, end = match.span()
            if start == end or self.is_used(start, end):
                continue
            self.take(start, end)
            yield match

    def is_used(self, start: int, end: int) -> bool:
        return any(self.used[start:end])

    def take(self, start: int, end: int, *, used: bool = True) -> None:
        self.used[start:end] = (b"\x01" if used else b"\x00") * (end - start)

    def add(self, match: re.Match[str], op: ops.Op) -> None:
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
            self.take(offset + found.start(), offset + found.end())
        return found

    def position_after(self, match: re.Match[str]) -> str | None:
        """A position ("at the top", "顶部") in the clause after ``match``; marked as used."""
        found = self.find_after(match, _POS)
        return POSITION_WORDS[found.group()] if found else None


@dataclass(frozen=True)
class Missed:
    """Something asked for that the director cannot do (``code`` "generate"/"unsupported") or
    did not understand ("unknown"): ``what`` is the person's words."""

    code: str
    what: str


class Reading(NamedTuple):
    """What a message asks for: the operations in the order to apply them, and what was missed."""

    ops: list[ops.Op]
    missed: list[Missed]


def parse(
    message: str, photo_names: Sequence[str] = (), normalised: tuple[str, list[str]] | None = None
) -> Reading:
    """The operations ``message`` asks for, and what it asks for that cannot be done.

    ``photo_names`` are the file names of the video's photos in order, so that a photo can be
    named by its file name or a word in it ("the sunset photo", "海边那张"). ``normalised`` is
    ``normalise(message)`` when the caller has it already.
    """
    text, quotes = normalised or normalise(message)
    text = name_photos(text, photo_names)
    parser = _Parser(text, quotes)
    if any(parser.find(_UNDO)):
        return Reading([ops.Undo()], [])
    missed = _never(parser)
    for step in _STEPS:
        step(parser)
    missed += _unsupported(parser)
    ordered = sorted(parser.ops, key=lambda item: (item[1].RANK, item[0]))
    found = _resolve([op for _, op in ordered])
    if any(m.code == "generate" for m in missed):  # "a video of Paris" is not ours to make
        found = [op for op in found if op != ops.Build()]
    return Reading(found, missed + _not_understood(parser, found))


_UNDO = (
    r"\bundo\b|\brevert\b|\bgo back\b|\bcancel\s+(?:that|it|the\s+last\s+(?:change|edit))\b"
    r"|\bscratch\s+that\b|\bnever\s?mind\b|撤销|撤回|回退|返回上一步|恢复上一步|取消上一步|不要刚才的"
)


def _resolve(found: list[ops.Op]) -> list[ops.Op]:
    """One operation per setting: merge the builds, drop repeats (the last word wins), and let
    an explicit value beat a relative word or a platform's default said in the same message."""
    if any(isinstance(op, ops.SetLength) for op in found):
        found = [op for op in found if not isinstance(op, ops.ScaleLength)]
    if any(isinstance(op, ops.SetPhotoLength) for op in found):
        found = [op for op in found if not isinstance(op, ops.ScaleSpeed)]
    shapes = [op for op in found if isinstance(op, ops.SetAspect)]
    if len({op.platform for op in shapes if op.platform}) > 1:  # "a reel for Instagram"
        generic = {"Instagram", "YouTube"}
        specific = [op for op in shapes if op.platform and op.platform not in generic]
        found = [op for op in found if op not in shapes or op in specific or not op.platform]
        shapes = [op for op in found if isinstance(op, ops.SetAspect)]
    explicit = [op for op in shapes if op.platform is None]
    if explicit and len(shapes) > len(explicit):
        platform = next(op.platform for op in shapes if op.platform)
        chosen = ops.SetAspect(aspect=explicit[-1].aspect, platform=platform)
        found = [op for op in found if not isinstance(op, ops.SetAspect)] + [chosen]
        found.sort(key=lambda op: op.RANK)
    transitions = [op for op in found if isinstance(op, ops.SetTransition)]
    if len(transitions) > 1:  # "闪黑转场，1秒": the kind from one clause, the length from another
        kind = next((op.type for op in reversed(transitions) if op.type), None)
        seconds = next((op.seconds for op in reversed(transitions) if op.seconds is not None), None)
        factor = next((op.factor for op in reversed(transitions) if op.factor is not None), None)
        merged = ops.SetTransition(type=kind, seconds=seconds, factor=None if seconds else factor)
        found = [
            merged if op is transitions[-1] else op
            for op in found
            if not any(op is earlier for earlier in transitions[:-1])
        ]
    kept: list[ops.Op] = []
    build: ops.Build | None = None
    for op in found:
        if isinstance(op, ops.Build):  # "video" + "3 photos" + "start over" make one build
            build = ops.Build(
                count=op.count or (build.count if build else None),
                rebuild=op.rebuild or (build.rebuild if build else False),
            )
            continue
        if op.SINGLE:
            kept = [old for old in kept if type(old) is not type(op)]
        if op not in kept:
            kept.append(op)
    return [build, *kept] if build else kept


_GENERATE = r"\bgenerate\b|\btext[- ]to[- ]video\b|\bai[- ]generated\b|(?<!重新)生成"
# Asked before anything else is read: their words would otherwise be read as something else.
_NEVER = (
    r"\bslow[- ]?mo(?:tion)?\b|\bvoice[- ]?overs?\b|\bnarrat\w{0,10}|\blip[- ]?sync\w{0,5}"
    r"|\bgreen[- ]screen\b|\bauto[- ]?captions?\b|\bspeech\b|\btext[- ]to[- ]speech\b"
    r"|\bshuffle\w{0,3}|\brandom\w{0,6}|配音|旁白|解说|慢动作|抠图|随机|打乱|自动字幕|语音"
)
# Effects the engine does not have (read after everything it does have: "zoom effect" is motion).
_UNSUPPORTED = (
    r"\bconfetti\b|\bsparkles?\b|\bglitter\b|\bfireworks?\b|\bsnow(?:fall|flakes?)?\s+effects?\b"
    r"|\bfilters?\b|\bstickers?\b|\bemojis?\b|\bgifs?\s+overlays?\b|\bvintage\b|\bsepia\b"
    r"|\bblack\s+and\s+white\b|\bb&w\b|\bglitch\w{0,3}|\bvhs\b|\bblur\w{0,3}|\b3d\b|\bspin\w{0,4}"
    r"|\bheart\s+shapes?\b|\bframes?\s+around\b|\bborders?\b|\bwatermark\w{0,2}|\blogo\b"
    r"|\bcolou?r\s+grad\w{0,4}|\bbeats?\b|\bbeat\s+sync\w{0,3}|\bkaraoke\b|\blyrics\b"
    r"|\bsound\s+effects?\b|\beffects?\b|\banimations?\b"
    r"|\b(?:bigger|larger|smaller|bold|italic)\s+(?:text|font|letters|title|captions?)\b|\bfonts?\b"
    r"|字体|字大一点|字小一点|大字"
    r"|滤镜|贴纸|特效|表情|彩带|烟花|雪花|复古|黑白|模糊|水印|边框|卡点|踩点|歌词|音效|动画|3d"
)


def _never(p: _Parser) -> list[Missed]:
    """What the director can never do, found before anything else is read: generating
    footage, voice, slow motion, random order."""
    missed = []
    mentions_uploads = re.search(rf"{_PHOTOS}|\buploads?\b|\bslideshow\b|幻灯片|素材", p.text)
    if not mentions_uploads:
        missed += [Missed("generate", m.group()) for m in p.find(_GENERATE)]
    return missed + [Missed("unsupported", m.group()) for m in p.find(_NEVER)]


def _unsupported(p: _Parser) -> list[Missed]:
    """Effects the engine does not have, among what was not read as something it has."""
    return [Missed("unsupported", m.group().strip()) for m in p.find(_UNSUPPORTED)]


# Words that ask for nothing on their own: a clause of only these is not "not understood".
_FILLER = (
    r"(?:(?:please|pls|plz|thanks?|thank\s+you|thx|ok(?:ay)?|cool|great|nice|awesome|perfect"
    r"|sure|yes|yeah|hi|hey|hello|so|also|and|then|now|just|maybe|actually|well|oh|um|hmm"
    r"|could\s+you|can\s+you|would\s+you|will\s+you|i'?d\s+like|i\s+want|i\s+would\s+like"
    r"|let'?s|make\s+it|make|it|this|that|the|a|an|for\s+me|for|me|my|to|of|with|some|bit"
    r"|little|lot|too|very|really|more|less|again|instead|as\s+well|also|all|is|be|do)\s*)+"
    r"|(?:请|帮我|帮忙|麻烦|能不能|可以|可不可以|一下|吧|吗|呢|啊|呀|好的|好|谢谢|谢了|嗯|哦|把|让|给我|我想|我要"
    r"|想要|再|也|还|就|都|然后|并且|同时|这个|那个|视频|一点|一些|了|的|得|和|跟)+"
)
_CLAUSE_BREAK = re.compile(
    r"[,;!?。！？；，、\n]|\.(?!\d)|\band\b|\bthen\b|\bbut\b|然后|并且|同时|但是|还有"
)


def clauses(text: str) -> Iterator[tuple[int, int]]:
    """The spans of ``text`` between clause breaks (commas, "and", "然后"...)."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def restore_quotes(text: str, quotes: list[str]) -> str:
    """``text`` with its ⟦n⟧ placeholders given back their quoted words."""
    return PLACEHOLDER.sub(lambda m: f"“{quotes[int(m.group(1))]}”", text)


# Words that make a clause an instruction: a clause without one, next to understood ones, is
# taken for context ("I have some photos from my trip, can you make a video?").
_ACTION = (
    r"\b(?:make|add|put|change|remove|delete|use|set|turn|give|show|want|need|can|could|would"
    r"|please|let'?s|move|swap|switch|drop|cut|get|try|do|apply|include|replace|insert|create"
    r"|should|must|no|without|more|less)\b|加|改|换|删|去|放|做|用|要|让|把|调|设|能|请|帮|不"
)


def _not_understood(p: _Parser, found: list[ops.Op]) -> list[Missed]:
    """Clauses of the message in which nothing was understood (fillers aside)."""
    missed = []
    for start, end in clauses(p.text):
        if p.is_used(start, end):
            continue
        words = p.text[start:end].strip(" ,.;!?。，！？；、")
        if found and not re.search(_ACTION, words):
            continue  # "I have some photos from my trip": context, not an instruction
        if words and not re.fullmatch(_FILLER, words):
            missed.append(Missed("unknown", restore_quotes(words, p.quotes)))
    return missed


def _parse_photo_ops(p: _Parser) -> None:
    """Swap, move, remove, replace, reverse."""
    swap = (
        r"\b(?:swap|switch|exchange)\s+(?:photos?\s+|images?\s+|pictures?\s+|slides?\s+)?"
        r"(?:number\s+)?(\d+)\s+(?:and|with)\s+(?:number\s+)?(\d+)\b"
    )
    for m in p.find(swap, _SWAP_WORDS):
        p.add(m, ops.Swap(photos=(int(m.group(1)), int(m.group(2)))))
    swap_refs = (
        rf"(?:\b(?:swap|switch|exchange)|交换|互换|调换)\s*(?P<a>{_REF})\s*(?:and|with|和|与|跟)\s*(?P<b>{_REF})"
        rf"|把?\s*(?P<c>{_REF})\s*(?:和|与|跟)\s*(?P<d>{_REF})\s*(?:的位置)?\s*(?:交换|互换|调换|对调|换一下|换个位置|换位置|换)"
    )
    ends = (
        rf"\b(?:swap|switch|exchange)\s+the\s+(?P<a>{_ORD})(?:\s+(?:photo|picture|image|one))?"
        rf"\s+(?:and|with)\s+(?:the\s+)?(?P<b>{_ORD})(?:\s+(?:photos?|pictures?|images?|ones?))?"
    )
    for m in p.find(ends, _SWAP_WORDS):
        a, b = (_ref_number(m.group(g)) for g in ("a", "b"))
        if a != b:
            p.add(m, ops.Swap(photos=(a, b)))
    for m in p.find(swap_refs, _SWAP_WORDS):
        a, b = _first(m, "a", "c"), _first(m, "b", "d")
        p.add(m, ops.Swap(photos=(_ref_number(a), _ref_number(b))))
    _parse_choice(p)
    _parse_moves(p)
    removes = (
        rf"\b(?:{_REMOVE})\s+(?:photos|images|pictures|slides)"
        r"\s+(\d+)\s*(?:and|&|,)\s*(\d+)"
    )
    for m in p.find(removes, _REMOVE):
        p.add(m, ops.Remove(photo=int(m.group(1))))
        p.add(m, ops.Remove(photo=int(m.group(2))))
    pair = (
        rf"\b(?:{_REMOVE})\s+(?:the\s+)?(?P<a>{_ORD})\s*(?:and|&|,)\s*(?:the\s+)?(?P<b>{_ORD})"
        r"\s+(?:photos|pictures|images|pics|slides|ones)\b"
    )
    for m in p.find(pair, _REMOVE):
        p.add(m, ops.Remove(photo=_ref_number(m.group("a"))))
        p.add(m, ops.Remove(photo=_ref_number(m.group("b"))))
    remove = (
        rf"\b(?:{_REMOVE})\s+(?P<a>{_REF})"
        rf"|(?:删除|删掉|删去|去掉|去除|移除|不要|拿掉)\s*(?P<b>{_REF})"
        rf"|把?\s*(?P<c>{_REF})\s*(?:删除|删掉|删了|去掉|移除|拿掉)"
    )
    for m in p.find(remove):
        ref = _first(m, "a", "b", "c")
        p.add(m, ops.Remove(photo=_ref_number(ref)))
    it = (
        rf"(?P<ref>{_REF})\b.{{0,80}}?\b(?:remove|delete|drop|lose|ditch|get\s+rid\s+of|take\s+out)"
        r"\s+(?:it|that\s+one|that)\b(?!\s*(?:down|to|short|in|by))"
    )
    for m in p.find(it, _REMOVE):
        p.add(m, ops.Remove(photo=_ref_number(m.group("ref"))))
    _parse_replace(p)
    reverse = (
        r"\breverse(?:\s+the)?(?:\s+order)?\b|\bbackwards\b"
        r"|倒序|反转顺序|顺序反过来|颠倒顺序|倒过来"
    )
    for m in p.find(reverse):
        p.add(m, ops.Reverse())


def _parse_choice(p: _Parser) -> None:
    """Which photos: "just the first three", "delete the last two", "add the new photos",
    "只要前三张", "删掉最后两张", "把新照片加进去"."""
    some = r"(?:\s+(?:photos|pictures|images|pics|slides|shots|ones))?"
    keep = (
        rf"\b(?:just|only)\s+(?:keep\s+|use\s+|want\s+)?the\s+(?P<end>first|last)\s+(?P<n>\d+){some}"
        rf"|\b(?:keep|use|want)\s+(?:just|only)\s+the\s+(?P<end2>first|last)\s+(?P<n2>\d+){some}"
        rf"|(?:只要|只用|只保留|只留|保留|只选)\s*(?P<zend>前|后|最后)\s*(?P<zn>\d+)\s*(?:张|个)"
    )
    for m in p.find(keep, r"\bjust\b|\bonly\b|只|保留"):
        end = _first(m, "end", "end2", "zend")
        p.add(
            m,
            ops.KeepPhotos(
                count=int(_first(m, "n", "n2", "zn")), last=end in ("last", "后", "最后")
            ),
        )
    drop = (
        rf"\b(?:{_REMOVE})\s+the\s+(?P<end>first|last)\s+(?P<n>\d+){some}"
        rf"|(?:删除|删掉|删去|去掉|去除|移除|不要|拿掉)\s*(?P<zend>前|后|最后)\s*(?P<zn>\d+)\s*(?:张|个)"
    )
    for m in p.find(drop, rf"{_REMOVE}|删|去|不要|拿掉"):
        end, count = _first(m, "end", "zend"), int(_first(m, "n", "zn"))
        last = end in ("last", "后", "最后")
        for k in range(1, min(count, 50) + 1):
            p.add(m, ops.Remove(photo=-k if last else k))
    more = (
        r"\b(?:add|include|use|put\s+in|bring\s+in|append)\s+(?:in\s+)?(?:the\s+|my\s+)?"
        r"(?:new|other|remaining|rest\s+of\s+the|rest\s+of\s+my|latest|extra|all\s+(?:the\s+|my\s+)?)"
        r"\s*(?:new\s+)?(?:photos|pictures|images|pics|uploads|ones|files)\b"
        r"|\badd\s+(?:them|those|these)(?:\s+(?:too|as\s+well|in))?\b|\badd\s+the\s+rest\b"
        r"|(?:加上|加入|添加|用上|把)?新(?:上传的)?(?:照片|图片)(?:也)?(?:加进去|加上|加入|放进去)"
        r"|(?:加上|加入|添加|用上|放进|补上)\s*(?:新(?:上传的?)?|刚(?:才)?上传的|其他的?|剩下的|其余的?)"
        r"(?:照片|图片)"
        r"|(?:用上|加上|加入|用)所有(?:的)?(?:照片|图片)|(?:全部|所有)(?:照片|图片)都用上"
    )
    for m in p.find(more, r"\badd\b|\binclude\b|\buse\b|\bput\b|\bbring\b|\bappend\b|新|所有|全部"):
        p.add(m, ops.AddPhotos())


_SAME_AS = {"begin": "start", "open": "start", "finish": "end", "close": "end"}


def _parse_moves(p: _Parser) -> None:
    """ "move photo 3 to the start", "put photo 1 last", "把第3张移到第一"."""
    move = (
        rf"\b(?:move|put|place)\s+(?P<a>{_REF})\s+(?P<to>(?:to\s+|at\s+|in\s+)?(?:the\s+)?(?:very\s+)?"
        rf"(?:start|beginning|front|first|end|back|last)\b|(?:to\s+)?position\s*\d+|(?:before|after)\s+{_REF})"
        rf"|\bmake\s+(?P<b>{_REF})\s+(?:the\s+)?(?P<to2>first|last)\b"
        rf"|\b(?P<to5>start|begin|open|end|finish|close)\s+(?:it\s+|the\s+video\s+)?with\s+(?P<e>{_REF})"
        rf"|(?P<f>{_REF})\s+(?:should\s+|must\s+|needs?\s+to\s+|has\s+to\s+)?(?:come|go|be|appear)\s+"
        r"(?P<to6>first|last|at\s+the\s+(?:end|start|beginning))\b"
        rf"|把?\s*(?P<c>{_REF})\s*(?:移|挪|放|调|换)(?:到|至|在)\s*(?P<to3>最前面?|开头|最后面?|结尾|末尾"
        rf"|{_REF}\s*(?:前面|后面|之前|之后)|第\d+(?:张|个|位)?)"
    )
    if re.search(r"\b(?:move|put|place|make)\b|移|放|挪", p.text):
        move += (
            rf"|(?:\band\s+)(?P<d>{_REF})\s+"
            r"(?P<to4>first|last|at\s+the\s+(?:end|start|beginning))\b"
        )
    verbs = (
        r"\b(?:move|put|place|make|start|begin|open|end|finish|close|come|go|be)\b|移|挪|放|调|换"
    )
    for m in p.find(move, verbs):
        ref = _first(m, "a", "b", "c", "d", "e", "f")
        where = _first(m, "to", "to2", "to3", "to4", "to5", "to6")
        where = _SAME_AS.get(where, where)
        photo = _ref_number(ref)
        target = re.search(
            rf"(before|after|前|后)\D*?(?P<r>{_REF})|(?P<r2>{_REF})\s*(前|后)", where
        )
        if target and (target.group("r") or target.group("r2")):
            anchor = _ref_number(target.group("r") or target.group("r2"))
            if re.search(r"before|前", where):
                op = ops.Move(photo=photo, before=anchor)
            else:
                op = ops.Move(photo=photo, after=anchor)
        elif re.search(r"start|beginning|front|first|最前|开头", where):
            op = ops.Move(photo=photo, to=1)
        elif re.search(r"end|back|last|最后|结尾|末尾", where):
            op = ops.Move(photo=photo, to=-1)
        else:
            op = ops.Move(photo=photo, to=int(re.search(r"\d+", where).group()))  # type: ignore[union-attr]
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
    for m in p.find(replace, r"\b(?:replace|change|swap)\b|换|替换|改成"):
        ref = _first(m, "a", "b", "c")
        spec = _first(m, "with", "w2", "w3")
        if PLACEHOLDER.fullmatch(spec):
            source = p.quote(spec)
        elif re.fullmatch(latest, spec):
            source = ":last"
        elif spec.startswith(("upload", "file")):
            source = ":upload " + re.sub(r"\D", "", spec)
        else:
            source = spec
        p.add(m, ops.Replace(photo=_ref_number(ref), with_=source))


_FRACTION = {"⅓": 1 / 3, "¼": 1 / 4, "½": 1 / 2}


def _parse_scale(p: _Parser) -> None:
    """Proportions of the whole length: "a third shorter", "twice as long", "20% longer",
    "half as long", "缩短一半", "长度加倍"."""
    scale = (
        r"(?P<frac>[⅓¼½])\s*(?P<fdir>shorter|longer|less|more)\b"
        r"|(?P<pct>\d+(?:\.\d+)?)\s*%\s*(?P<pdir>shorter|longer|less|more)\b"
        r"|(?P<mult>\d+(?:\.\d+)?)x\s*(?:as\s+long|longer|the\s+length|the\s+duration|the\s+time)"
        r"|\b(?:reduce|cut|shorten|trim)\s+(?:the\s+(?:length|video|duration)|it)\s+by\s+"
        r"(?:(?P<rfrac>[⅓¼½])|half|(?P<rpct>\d+(?:\.\d+)?)\s*%)"
        r"|(?P<half>\bhalf\s+(?:as\s+long|the\s+length|the\s+duration|the\s+time)"
        r"|\b(?:cut|shorten)\s+(?:the\s+(?:length|video|duration)\s+|it\s+)?in\s+half|\bhalve\b)"
        r"|(?:缩短|短|减少|减)\s*(?P<zfrac>[⅓¼½])|(?P<zfrac2>[⅓¼½])\s*(?:短|的长度)"
        r"|(?:缩短|减少|短)\s*(?P<zpct>\d+)%|(?:加长|延长|增加|长)\s*(?P<zpct2>\d+)%"
        r"|(?P<zdouble>(?:长度|时长)?(?:加倍|翻倍)|长\s*1x)|(?P<zmult>\d+(?:\.\d+)?)x\s*(?:长|的长度|的时长)"
    )
    for m in p.find(scale):
        groups = m.groupdict()
        if m.group().startswith(("reduce", "cut", "shorten", "trim")):
            part = _FRACTION[groups["rfrac"]] if groups["rfrac"] else 0.5
            factor = 1 - (float(groups["rpct"]) / 100 if groups["rpct"] else part)
        elif groups["frac"]:
            part = _FRACTION[groups["frac"]]
            factor = 1 - part if groups["fdir"] in ("shorter", "less") else 1 + part
        elif groups["pct"]:
            part = float(groups["pct"]) / 100
            factor = 1 - part if groups["pdir"] in ("shorter", "less") else 1 + part
        elif groups["mult"] or groups["zmult"]:
            factor = float(groups["mult"] or groups["zmult"])
        elif groups["half"]:
            factor = 0.5
        elif groups["zfrac"] or groups["zfrac2"]:
            factor = 1 - _FRACTION[groups["zfrac"] or groups["zfrac2"]]
        elif groups["zpct"]:
            factor = 1 - float(groups["zpct"]) / 100
        elif groups["zpct2"]:
            factor = 1 + float(groups["zpct2"]) / 100
        else:
            factor = 2.0
        if 0 < factor <= 20:
            p.add(m, ops.ScaleLength(factor=round(factor, 4)))


def _parse_lengths(p: _Parser) -> None:
    """Per-photo length, transition length, music fade-out, then the total length."""
    _parse_scale(p)
    per_photo = (
        rf"{_DUR}\s*(?:per|each|for\s+each|a|an|every|for\s+every)\s+{_PHOTOS}"
        rf"|\b(?:each|every)\s+{_PHOTOS}\s+(?:for|lasts?|to\s+last|at|should\s+last|gets?"
        rf"|stays?(?:\s+for)?)?\s*{_dur('e')}"
        rf"|每(?:一|1)?张\s*(?:照片|图片|图)?\s*(?:停留|显示|展示|播放|持续)?\s*{_dur('z')}"
        rf"|{_dur('y')}\s*(?:一|1)张"
    )
    for m in p.find(per_photo):
        p.add(m, ops.SetPhotoLength(seconds=_duration_ms(m) / 1000))
    _parse_music(p)  # before transitions: "fade out" is the music's
    _parse_transitions(p)
    _parse_scoped(p)
    _parse_transition_kinds(p)
    for m in p.find(rf"(?:\bfor\s+)?{_DUR}"):
        p.add(m, ops.SetLength(seconds=_duration_ms(m) / 1000))


_TR_NOUN = (
    r"\b(?:transitions?|crossfades?|cross-fades?|fades?|dissolves?|wipes?|(?:hard|jump)\s+cuts?)\b"
    r"|转场|过渡|淡入淡出|交叉淡化|叠化"
)
_SLOWER = (
    r"\b(?:longer|slower|softer|gentler)\b|too\s+(?:fast|quick|short|abrupt)|太快|太短|太急|长|慢"
)
_FASTER = (
    r"\b(?:shorter|quicker|faster|snappier|crisper)\b|too\s+(?:slow|long)|太慢|太长|太拖|短|快"
)
# A length said of the whole video ("a 15-second video"), never of a transition or a photo.
_WHOLE_AFTER = re.compile(
    r"\s*(?:long\s+|in\s+total\s+)?(?:[a-z0-9:]{1,12}\s+){0,2}?"
    r"(?:video|slideshow|slide\s+show|movie|clip|reel|montage|film)\b"
    r"|\s*(?:的)?(?:视频|幻灯片|短片)|\s*(?:in\s+total|total|overall)\b"
)
# A clause that is only a length ("转场用淡入淡出，1秒"): it belongs to the clause before.
_BARE_LENGTH = re.compile(
    r"(?:about\s+|around\s+|maybe\s+|like\s+)?\d+(?:\.\d+)?\s*(?:seconds?|secs?|s|秒(?:钟)?)"
    r"(?:\s*(?:each|long|就行|就好|吧|左右|即可))?"
)
_PRONOUN = r"\b(?:them|they|those|these)\b|它们"


def _parse_scoped(p: _Parser) -> None:
    """Lengths and relative words whose target is named in the same clause, whatever the
    word order: "make the transitions slower", "each photo should be on screen 1.5 s",
    "每张照片显示2秒". A clause naming the transitions (or, after one that did, "them") sets
    their length; one naming each photo sets the photos' length."""
    previous_target = None
    for start, end in clauses(p.text):
        clause = p.text[start:end]
        target, inherited = None, False
        if re.search(_TR_NOUN, clause) and not re.search(
            r"fade[- ]?(?:it\s+|them\s+)?out|(?<!淡入)淡出|music|song|音乐", clause
        ):
            target = "transitions"
        elif re.search(_PER_PHOTO, clause):
            target = "photo"
        elif previous_target and (
            re.search(_PRONOUN, clause) or _BARE_LENGTH.fullmatch(clause.strip())
        ):
            target, inherited = previous_target, True
        previous_target = target
        if target is None:
            continue
        anchors = _TR_NOUN if target == "transitions" else _PER_PHOTO
        unused = (m for m in _compiled(anchors).finditer(p.text, start, end))
        if not inherited and all(p.is_used(*m.span()) for m in unused):
            continue  # the words naming the target were read with a length already
        durations = [
            m
            for m in _compiled(_DUR).finditer(p.text, start, end)
            if not p.is_used(*m.span()) and not _WHOLE_AFTER.match(p.text, m.end())
        ]
        if target == "transitions" and len(durations) > 1 and re.search(_PER_PHOTO, clause):
            _nearest_photo_length(p, durations, start, end)
        duration = _nearest(
            durations, _TR_NOUN if target == "transitions" else _PER_PHOTO, p, start, end
        )
        if target == "photo":
            if duration is not None:
                p.take(*duration.span())
                p.add(duration, ops.SetPhotoLength(seconds=_duration_ms(duration) / 1000))
                continue
            longer = _compiled(r"\b(?:longer|slower)\b|久一?点|长一?点|慢一?点").search(
                p.text, start, end
            )
            shorter = _compiled(r"\b(?:shorter|quicker|faster)\b|短一?点|快一?点").search(
                p.text, start, end
            )
            for found, factor in ((longer, SLOWER), (shorter, FASTER)):
                if found and not p.is_used(*found.span()):
                    p.take(*found.span())
                    p.add(found, ops.ScaleSpeed(factor=factor))
                    break
            continue
        style = next(
            (m for m in _compiled(_STYLES).finditer(p.text, start, end)
             if not p.is_used(*m.span()) and m.group() not in ("zoom", "slide", "slides", "cuts")),
            None,
        )  # fmt: skip
        kind = TRANSITION_WORDS[style.group()] if style else None
        if duration is not None:
            p.take(*duration.span())
            if style:
                p.take(*style.span())
            p.add(duration, ops.SetTransition(type=kind, seconds=_duration_ms(duration) / 1000))
            continue
        relative = None
        for pattern, factor in ((_FASTER, 0.5), (_SLOWER, 2.0)):
            found = next(
                (m for m in _compiled(pattern).finditer(p.text, start, end)
                 if not p.is_used(*m.span())),
                None,
            )  # fmt: skip
            if found and (relative is None or found.start() < relative[0].start()):
                relative = (found, factor)
        if relative is not None:
            p.take(*relative[0].span())
            p.add(relative[0], ops.SetTransition(type=kind, factor=relative[1]))


def _nearest(
    found: list[re.Match[str]], pattern: str, p: _Parser, start: int, end: int
) -> re.Match[str] | None:
    """Of the unused matches ``found``, the one nearest to a match of ``pattern``."""
    found = [m for m in found if not p.is_used(*m.span())]
    anchors = [m.span() for m in _compiled(pattern).finditer(p.text, start, end)]
    if not found or not anchors:
        return found[0] if found else None

    def distance(m: re.Match[str]) -> int:
        return min(max(a - m.end(), m.start() - b, 0) for a, b in anchors)

    return min(found, key=distance)


def _nearest_photo_length(p: _Parser, found: list[re.Match[str]], start: int, end: int) -> None:
    duration = _nearest(found, _PER_PHOTO, p, start, end)
    if duration is not None:
        p.take(*duration.span())
        p.add(duration, ops.SetPhotoLength(seconds=_duration_ms(duration) / 1000))


def _parse_transitions(p: _Parser) -> None:
    """Transition style and/or length; "longer/shorter transitions"; "no transitions"."""
    scale = (
        r"\b(?:longer|slower)\s+(?:transitions?|crossfades?|fades?)"
        r"|(?P<s>\b(?:shorter|quicker|faster)\s+(?:transitions?|crossfades?|fades?))"
        r"|转场(?:长|慢)一点|转场(?P<z>短|快)一点"
    )
    for m in p.find(scale):
        factor = 0.5 if m.group("s") or m.group("z") else 2.0
        p.add(m, ops.SetTransition(factor=factor))
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
            p.take(*m.span(), used=False)  # a bare length: the total length step reads it
            continue
        kind = TRANSITION_WORDS[style] if style else None
        p.add(m, ops.SetTransition(type=kind, seconds=_duration_ms(m) / 1000))


def _parse_transition_kinds(p: _Parser) -> None:
    """ "no transitions", "wipes", "淡入淡出": a kind without a length."""
    no_transition = (
        rf"\b(?:no|without|{_REMOVE})\s+(?:the\s+|any\s+|all\s+(?:the\s+)?)?(?:transitions?|crossfades?|fades?|dissolves?)\b"
        r"|\bhard\s+cuts?\b|\bjust\s+(?:a\s+)?cuts?\b|\bstraight\s+cuts?\b"
        r"|无转场|(?:不要|去掉|取消|删掉|删除|关掉)(?:所有的?)?转场(?:效果)?|硬切|直切"
    )
    for m in p.find(no_transition):
        p.add(m, ops.SetTransition(type="none"))
    standalone = (
        rf"(?P<style>{_STYLES})(?:\s*(?:的)?\s*(?:transitions?|effects?|转场))?"
        r"|\btransitions?\b|转场|过渡"
    )
    for m in p.find(standalone):
        style = m.group("style")
        kind = TRANSITION_WORDS.get(style) if style else None
        if style in ("zoom", "slide", "slides", "cuts", "缩放") and not re.search(
            r"transition|转场", m.group(0)
        ):
            p.take(*m.span(), used=False)  # "zoom in" is motion, "slides" may mean photos
            continue
        p.add(m, ops.SetTransition(type=kind))


def _parse_music(p: _Parser) -> None:
    """Remove, volume, quieter/louder, fade-out, add (optionally a named file)."""
    remove = (
        rf"\b(?:no|without|mute|{_REMOVE})\s+(?:the\s+|any\s+)?{_MUSIC}|\bmute\b"
        rf"|(?:删除|删掉|去掉|移除|不要|关掉|关闭|取消)\s*{_MUSIC}|静音"
    )
    for m in p.find(remove):
        p.add(m, ops.RemoveMusic())
    volume = (
        rf"(?:\bvolume\b|{_MUSIC}|音量)\D{{0,25}}?(?P<n>{_NUM})\s*%"
        rf"|(?P<n2>{_NUM})\s*%\s*(?:volume|音量)"
        rf"|(?:\bvolume|音量)\s*(?:to|at|of|=|调到|设为|改成|改为|调成)?\s*(?P<n3>\d{{1,3}})(?![\d.%])"
    )
    for m in p.find(volume, r"%|volume|音量"):
        p.add(m, ops.MusicVolume(percent=float(_first(m, "n", "n2", "n3"))))
    step = (
        r"(?P<down>\bquieter\b|\bsofter\b|\blower\s+the\s+(?:music|volume)\b|\bturn\s+(?:the\s+|it\s+)?(?:music\s+|volume\s+)?down\b"
        r"|\btoo\s+loud\b|\btoo\s+noisy\b|太吵|太响|太大声"
        r"|小声|轻一点|轻点|调低|降低音量|(?:音量|音乐|声音|音乐声音?)(?:小|低|轻)一?点)"
        r"|\blouder\b|\braise\s+the\s+(?:music|volume)\b|\bturn\s+(?:the\s+|it\s+)?(?:music\s+|volume\s+)?up\b"
        r"|\btoo\s+(?:quiet|soft)\b|\bcan'?t\s+hear\b|\bmake\s+it\s+loud\b|太小声|听不见|听不清"
        r"|(?:声音|音乐声音?)(?:大|高|响)一?点"
        r"|大声|响一点|调高|提高音量|音量大一?点|音乐大一?点"
    )
    for m in p.find(step):
        p.add(m, ops.MusicStep(percent=-VOLUME_STEP if m.group("down") else VOLUME_STEP))
    fade = (
        rf"\bfade[- ]?out\D{{0,20}}?{_DUR}"
        rf"|\bfade\s+(?:it|them|the\s+music|the\s+song|the\s+audio)\s+out\D{{0,20}}?{_dur('u')}"
        rf"|{_dur('e')}\s*(?:long\s+)?fade[- ]?outs?"
        rf"|(?<!淡入)淡出\s*{_dur('z')}"
        rf"|{_dur('t')}\s*的?\s*淡出"
        r"|(?P<plain>\bfade[- ]?out\b|\bfade\s+(?:the\s+)?(?:music|song|audio)\s+out\b"
        r"|(?<!淡入)淡出)"
    )
    for m in p.find(fade, r"fade|淡出"):
        seconds = MUSIC_FADE_OUT_MS / 1000 if m.group("plain") else _duration_ms(m) / 1000
        p.add(m, ops.MusicFadeOut(seconds=seconds))
    add = rf"\b(?:with|add|use|play)\s+(?P<file>{_AUDIO_FILE})|(?P<file2>{_AUDIO_FILE})|{_MUSIC}"
    for m in p.find(add):
        name = m.group("file") or m.group("file2")
        p.add(m, ops.AddMusic(file=name or None))


_THINGS = {
    "music": ops.RemoveMusic(), "song": ops.RemoveMusic(), "soundtrack": ops.RemoveMusic(),
    "音乐": ops.RemoveMusic(), "背景音乐": ops.RemoveMusic(), "title": ops.RemoveTitle(),
    "标题": ops.RemoveTitle(), "captions": ops.RemoveCaptions(), "caption": ops.RemoveCaptions(),
    "字幕": ops.RemoveCaptions(), "transitions": ops.SetTransition(type="none"),
    "转场": ops.SetTransition(type="none"), "motion": ops.SetMotion(motion="static"),
    "运动效果": ops.SetMotion(motion="static"),
}  # fmt: skip


def _parse_removals(p: _Parser) -> None:
    """One removal verb for several things: "remove the music and the title", "去掉音乐和标题"."""
    things = "|".join(sorted(_THINGS, key=len, reverse=True))
    pattern = (
        rf"\b(?:{_REMOVE})\s+(?:the\s+)?(?P<a>{things})\s*(?:,|and|&|as\s+well\s+as)\s*(?:the\s+)?"
        rf"(?P<b>{things})\b"
        rf"|(?:去掉|删除|删掉|不要|取消|移除)\s*(?P<c>{things})\s*(?:和|与|跟|、|还有|以及)\s*(?P<d>{things})"
    )
    for m in p.find(pattern):
        for name in (_first(m, "a", "c"), _first(m, "b", "d")):
            p.add(m, _THINGS[name])
    all_text = (
        rf"\b(?:{_REMOVE})\s+(?:all\s+)?(?:the\s+)?(?:text|texts|words|writing|titles?\s+and\s+captions)\b"
        r"|(?:去掉|删除|删掉|不要)(?:所有的?)?(?:文字|字)"
    )
    for m in p.find(all_text):
        p.add(m, ops.RemoveTitle())
        p.add(m, ops.RemoveCaptions())


def _parse_text(p: _Parser) -> None:
    """Title and captions: set, position, remove."""
    _parse_removals(p)
    for m in p.find(
        rf"\b(?:no|without|{_REMOVE})\s+(?:the\s+)?(?:opening\s+)?title\b"
        r"|(?:删除|删掉|去掉|移除|不要|取消)\s*(?:片头)?标题"
        r"|把?\s*(?:片头)?标题\s*(?:去掉|删掉|删除|删了|拿掉|取消|不要了?)"
    ):
        p.add(m, ops.RemoveTitle())
    for m in p.find(
        rf"\b(?:no|without|clear|{_REMOVE})\s+(?:all\s+)?(?:the\s+)?(?:captions?|subtitles?)\b"
        r"|(?:删除|删掉|去掉|移除|不要|清除)\s*(?:所有的?)?(?:字幕|说明文字|配文)"
    ):
        p.add(m, ops.RemoveCaptions())
    caption = (
        rf"\b(?:caption|subtitle|text|label)\s*:?\s*(?P<q>⟦\d+⟧)\s*(?:on|for|to|over|under|at)\s+(?P<a>{_REF})"
        rf"|\b(?:caption|label)\s+(?P<b>{_REF})\s*(?:with|as|:)?\s*(?P<q2>⟦\d+⟧)"
        rf"|\b(?:add|put|write)\s+(?P<q3>⟦\d+⟧)\s+(?:as\s+a\s+caption\s+)?(?:on|to|over|under)\s+(?P<c>{_REF})(?:\s+as\s+(?:a\s+|the\s+)?caption)?"
        rf"|(?:给|在|为)?\s*(?P<d>{_REF})\s*上?\s*(?:加上?|添加|配上?)?\s*(?:字幕|说明|文字|配文)\s*(?:为|是|:)?\s*(?P<q4>⟦\d+⟧)"
        rf"|(?:字幕|说明|配文)\s*(?P<q5>⟦\d+⟧)\s*(?:放在|加到|加在|给|在)\s*(?P<e>{_REF})"
        rf"|\bcaption\s+(?:to|on|for|under)\s+(?P<f>{_REF})\s*(?:saying|that\s+says|reading|that\s+reads"
        rf"|with\s+the\s+text|with|:)?\s*(?P<q6>⟦\d+⟧)"
    )
    for m in p.find(caption, "⟦"):
        quote = _first(m, "q", "q2", "q3", "q4", "q5", "q6")
        ref = _first(m, "a", "b", "c", "d", "e", "f")
        pos = p.position_after(m)
        p.add(m, ops.AddCaption(text=p.quote(quote), photo=_ref_number(ref), pos=pos))
    title = (
        r"\b(?:title|titled|heading|call\s+it|called|named)\s*(?::|is|as|to|=|of)?\s*(?P<q>⟦\d+⟧)"
        r"|\b(?:title|heading)\b(?P<mid>[^⟦.;!?]{1,60}?)(?P<q5>⟦\d+⟧)"
        r"|(?P<q2>⟦\d+⟧)\s+as\s+(?:the\s+)?title"
        r"|(?:标题|片头|题目|名字|名称)\s*(?:为|是|叫做|叫|写上|写成|写着|写|改成|改为|设为|设成|用|:)?\s*(?P<q3>⟦\d+⟧)"
        r"|(?P<q4>⟦\d+⟧)\s*(?:作为|当)\s*标题"
    )
    for m in p.find(title, "⟦"):
        quote = _first(m, "q", "q2", "q3", "q4", "q5")
        inside = _compiled(_POS).search(m.group("mid") or "")
        pos = POSITION_WORDS[inside.group()] if inside else p.position_after(m)
        lasting = p.find_after(m, rf"\bfor\s+{_DUR}")
        seconds = _duration_ms(lasting) / 1000 if lasting else None
        p.add(m, ops.SetTitle(text=p.quote(quote), pos=pos, seconds=seconds))
    updown = (
        r"\b(?:move|put|shift|push)\s+(?:the\s+)?(?P<what>title|captions?)\s+(?P<way>up|down|higher|lower)\b"
        r"|(?P<what2>标题|字幕)\s*(?:往|向)?(?P<way2>上|下)\s*(?:移|挪|放)"
    )
    for m in p.find(updown, r"title|caption|标题|字幕"):
        what = _first(m, "what", "what2")
        way = _first(m, "way", "way2")
        pos = "top" if way in ("up", "higher", "上") else "bottom"
        target = "title" if what in ("title", "标题") else "captions"
        p.add(m, ops.TextPosition(target=target, pos=pos))
    placed = (
        rf"\b(?:move|put|place)?\s*(?:the\s+)?(?P<what>title|captions?)\s+(?:to|at|in|on)?\s*(?:the\s+)?(?P<pos>{_POS})"
        rf"|(?P<what2>标题|字幕)\s*(?:放|移|挪)?\s*(?:到|在)?\s*(?P<pos2>{_POS})"
    )
    for m in p.find(placed):
        what = _first(m, "what", "what2")
        target = "title" if what in ("title", "标题") else "captions"
        pos = POSITION_WORDS[_first(m, "pos", "pos2")]
        p.add(m, ops.TextPosition(target=target, pos=pos))
    pos_alone = (
        rf"(?:放在|放到|放|移到|挪到|移至)\s*(?P<zpos>{_POS})"
        r"|\b(?:and\s+)?(?P<pos2>centered|centred|at\s+the\s+top|at\s+the\s+bottom|in\s+the\s+middle)\b"
        rf"|\b(?:put|move|place)\s+(?:it|them)\s+(?:at\s+|in\s+|on\s+|to\s+)?(?:the\s+)?(?P<pos>{_POS})"
    )
    target = "title" if re.search(r"title|标题", p.text) else "captions"
    if re.search(r"title|标题|caption|字幕", p.text):
        for m in p.find(pos_alone):
            said = _first(m, "pos", "zpos", "pos2").replace("centred", "centre")
            pos = POSITION_WORDS.get(said, "center")
            p.add(m, ops.TextPosition(target=target, pos=pos))
    for m in p.find(
        r"\b(?:add|put|want)\s+(?:a\s+|an\s+|the\s+)?title\b|加(?:个|一个)?标题|添加标题"
    ):
        p.add(m, ops.SetTitle())  # no text: the editor asks for it
    for m in p.find(r"\b(?:add|put)\s+(?:a\s+|some\s+)?captions?\b|加字幕|添加字幕"):
        p.add(m, ops.AddCaption())


def _parse_frame(p: _Parser) -> None:
    """Aspect ratio, platform, resolution, fps, fit and background."""
    for m in p.find(r"(?<![\d.])(16|9|1|4)\s*(?::|x|×|/|by|比)\s*(9|16|1|5)(?![\d.])"):
        aspect = f"{m.group(1)}:{m.group(2)}"
        if aspect in schema.ASPECTS:
            p.add(m, ops.SetAspect(aspect=aspect))
    for m in p.find(_words(ASPECT_WORDS)):
        word = m.group()
        p.add(m, ops.SetAspect(aspect=ASPECT_WORDS[word], platform=PLATFORM_NAMES.get(word)))
    for m in p.find(
        r"(?<!\d)(\d{3,4})\s*p(?![a-z0-9])|(?P<k>\b4k\b|\buhd\b|超高清)|(?P<f>\bfull\s*hd\b|\bfhd\b|超清|全高清)|(?P<h>\bhd\b|高清)"
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
        p.add(m, ops.SetResolution(p=p_value))
    relative = (
        r"(?P<up>\b(?:higher|better|max(?:imum)?|best|sharper)\s+(?:resolution|quality)\b|提高分辨率|更清晰|最高画质)"
        r"|\b(?:lower|smaller|reduce\s+the)\s+(?:resolution|quality|file\s+size)\b|降低分辨率|文件小一点"
    )
    for m in p.find(relative, r"resolution|quality|size|分辨率|清晰|画质|文件"):
        p.add(m, ops.SetResolution(p=1080 if m.group("up") else 720))
    fps = (
        rf"(?P<n>{_NUM})\s*(?:fps|frames?\s*(?:per|a|/)\s*s(?:ec(?:ond)?)?|帧(?:每秒|/秒)?)"
        rf"|每秒\s*(?P<n2>{_NUM})\s*帧|frame\s*rate\s*(?:of|to|at)?\s*(?P<n3>{_NUM})"
        rf"|帧率\s*(?:改成|改为|设为|设成|调到|调成|是|为|用)?\s*(?P<n4>{_NUM})"
    )
    for m in p.find(fps, r"fps|frame|帧"):
        number = _first(m, "n", "n2", "n3", "n4")
        p.add(m, ops.SetFps(fps=float(number)))
    cover = (
        r"\bfill\s+(?:the\s+)?(?:whole\s+|entire\s+)?(?:frame|screen)\b|\bcrop(?:ped)?\s+to\s+fill\b"
        rf"|\b(?:no|without|{_REMOVE})\s+(?:the\s+|any\s+)?(?:black\s+|ugly\s+)?(?:bars|borders|letterbox\w{{0,4}})\b"
        r"|\bcrop\s+(?:the\s+|my\s+)?(?:photos|pictures|images)\b.{0,30}\bfill\b"
        r"|\bfull[- ]?screen\b|\bedge\s+to\s+edge\b|\bcover\b"
        r"|填满|铺满|裁剪填充|(?:去掉|不要|没有|去除|取消)黑边|全屏|去黑边"
    )
    for m in p.find(cover):
        p.add(m, ops.SetFit(fit="cover"))
    contain = (
        r"\b(?:fit|show)\s+the\s+whole\s+(?:photo|image|picture)s?\b|\bdon'?t\s+crop\b|\bno\s+crop(?:ping)?\b"
        r"|\bletterbox\w*|\bcontain\b|完整显示|不要裁剪|不裁剪|留黑边"
    )
    for m in p.find(contain):
        p.add(m, ops.SetFit(fit="contain"))
    colours = _words(COLOUR_WORDS)
    background = (
        rf"(?P<c>{colours})\s*(?:的)?\s*(?:background|bars|背景|边)"
        rf"|\b(?:background|bars|borders)\s+(?:colou?r\s+)?(?:to\s+|in\s+|be\s+|are\s+)?(?P<c2>{colours})"
        rf"|(?:背景|黑边|边)(?:色|颜色)?\s*(?:改成|换成|改为|设为|设成|用|是|要)?\s*(?P<c3>{colours})"
    )
    for m in p.find(background):
        p.add(m, ops.SetBackground(color=COLOUR_WORDS[_first(m, "c", "c2", "c3")]))


def _parse_motion(p: _Parser) -> None:
    still = (
        rf"\b(?:no|without|{_REMOVE})\s+(?:the\s+|all\s+the\s+|any\s+)?"
        r"(?:zoom\w{0,3}|ken\s*burns(?:\s+effects?)?|motion|movement|panning|pans?|camera\s+motion"
        r"|moving|animation|effects?)\b"
        r"|\b(?:keep|make)\s+(?:the\s+)?(?:photos|pictures|images|them)\s+(?:still|static)\b"
        r"|(?:去掉|不要|取消|关掉|删除|删掉|停止|关闭)\s*(?:运动效果|动效|运镜|缩放效果|缩放|平移效果|平移|动感|动态效果|运动|推拉|镜头运动)"
        r"|(?:照片|图片)?(?:不要动|别动|不动)"
    )
    for m in p.find(still):
        p.add(m, ops.SetMotion(motion="static"))
    for m in p.find(_words(MOTION_WORDS)):
        p.add(m, ops.SetMotion(motion=MOTION_WORDS[m.group()]))


def _parse_pace(p: _Parser) -> None:
    """faster/slower scale every segment; shorter/longer scale the total length."""
    pace = (
        r"(?P<fast>\bfaster\b|\bspeed\s+(?:it|things|everything|the\s+\w+)?\s*up\b|\bquicker\b"
        r"|\bsnappier\b|\bpick\s+up\s+the\s+pace\b|快一点|快一些|快点|加快|节奏快|加速)"
        r"|(?P<slow>\bslower\b|\bslow\s+(?:it|things|everything|the\s+\w+)?\s*down\b"
        r"|\btoo\s+fast\b|慢一点|慢一些|慢点|放慢|节奏慢|减速)"
        r"|(?P<short>\bshorter\b|\btoo\s+long\b|短一点|短一些|缩短|太长)"
        r"|(?P<long>\blonger\b|\btoo\s+short\b|长一点|长一些|加长|延长|太短)"
    )
    for m in p.find(pace):
        if m.group("fast") or m.group("slow"):
            p.add(m, ops.ScaleSpeed(factor=FASTER if m.group("fast") else SLOWER))
        else:
            p.add(m, ops.ScaleLength(factor=SHORTER if m.group("short") else LONGER))


def _parse_whole(p: _Parser) -> None:
    """Export, start over, how many photos, and the wish for a video at all."""
    for m in p.find(
        r"\bexport\w*|\brender\w*|\bdownload\w*|\bsave\b|\bmp4\b|导出|渲染|下载|输出|保存"
    ):
        p.add(m, ops.Export())
    for m in p.find(
        r"\bstart\s+(?:over|again)\b|\brebuild\b|\bfrom\s+scratch\b|\bredo\s+(?:it|the\s+video)\b"
        r"|重新做|重做|重新制作|重新生成|重新来|重来|从头来|从头再来"
    ):
        p.add(m, ops.Build(rebuild=True))
    count = (
        r"\b(\d+)\s+(?:[a-z]+\s+){0,2}?(?:photos|images|pictures|pics|shots|jpgs|jpegs|pngs|files)\b"
        r"|(?<!第)(?<!最后)(?<!每)(\d+)\s*张"
    )
    for m in p.find(count):
        p.add(m, ops.Build(count=int(m.group(1) or m.group(2))))
    build = (
        r"\b(?:video|slideshow|slide\s+show|movie|film|reel|montage|clip|vlog|compilation|recap)\b"
        r"|视频|幻灯片|相册|短片|影片|做成|制作|vlog|剪(?:1个|个)?(?:片|辑)?|拼成|合成"
    )
    for m in p.find(build):
        p.add(m, ops.Build())


_STEPS = (
    _parse_photo_ops,
    _parse_text,
    _parse_frame,
    _parse_lengths,
    _parse_motion,
    _parse_pace,
    _parse_whole,
)
