"""Reading lengths: proportions, the whole video, each photo, the transitions (kind and
length, scoped by the clause that names them), and the pace."""

from __future__ import annotations

import bisect
import re

from ...phrases import (
    TRANSITION_WORDS,
)
from .. import ops
from ..reading import (
    DURATION,
    FASTER,
    LONGER,
    NUMBER,
    PER_PHOTO,
    PHOTOS,
    REF,
    REMOVE,
    SHORTER,
    SLOWER,
    STYLES,
    Missed,
    Parser,
    clauses,
    compiled,
    duration_ms,
    duration_pattern,
)
from .music import read_music

_FRACTION = {"⅓": 1 / 3, "¼": 1 / 4, "½": 1 / 2}


def read_scale(p: Parser) -> None:
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
    delta = (
        rf"\b(?:add|extend\s+(?:it\s+)?by|give\s+it)\s+(?:another\s+)?(?P<up>{DURATION})(?:\s+(?:more|extra))?"
        rf"|(?P<up2>{duration_pattern('e')})\s+(?:more|longer|extra)\b"
        rf"|\b(?:shave|cut|trim|take)\s+(?:off\s+)?(?P<down>{duration_pattern('t')})(?:\s+off)?"
        rf"|(?P<down2>{duration_pattern('u')})\s+shorter\b"
        rf"|\b(?:shorten|reduce)\s+(?:it\s+|the\s+video\s+)?by\s+(?P<down3>{duration_pattern('y')})"
        rf"|(?:加长|延长|增加|多加|再加)(?![到至])\s*(?P<zup>{duration_pattern('z')})"
        rf"|\b(?:add|give\s+it)\s+(?P<more>{NUMBER})\s+(?:more|extra)\s+(?:seconds?|secs?|s)\b"
    )
    for m in p.find(delta):
        seconds = float(m.group("more")) if m.group("more") else duration_ms(m) / 1000
        up = m.group("up") or m.group("up2") or m.group("zup") or m.group("more")
        p.add(m, ops.ChangeLength(seconds=seconds if up else -seconds))
    shorter = rf"(?:缩短|减少|减掉|减去|少)(?![到至])\s*{DURATION}"
    for m in p.find(shorter, "缩短|减|少"):
        p.add(m, ops.ChangeLength(seconds=-duration_ms(m) / 1000))
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


def read_lengths(p: Parser) -> None:
    """Per-photo length, transition length, music fade-out, then the total length."""
    read_scale(p)
    one_photo = (
        rf"(?P<ref>{REF})\s*(?:的)?\s*(?:should\s+|needs?\s+to\s+)?(?:be\s+|stay\s+|last\s+|show\s+)?"
        rf"(?:停留|显示|播放)?(?:的)?(?:时间|时长)?\s*(?:a\s+(?:bit|little)\s+)?"
        rf"(?:longer|shorter|(?:长|短|久)一?点|(?:for\s+)?{DURATION}(?!\s*(?:transition|fade)))"
        rf"|\bmake\s+(?P<ref2>{REF})\s+(?:a\s+(?:bit|little)\s+)?(?:longer|shorter)\b"
    )
    for m in p.find(one_photo, r"\d|first|second|third|last|最后"):
        p.missed.append(Missed("one_photo_length", m.group().strip()))
    per_photo = (
        rf"{DURATION}\s*(?:per|each|for\s+each|a|an|every|for\s+every)\s+{PHOTOS}"
        rf"|\b(?:each|every)\s+{PHOTOS}\s+(?:for|lasts?|to\s+last|at|should\s+last|gets?"
        rf"|stays?(?:\s+for)?)?\s*{duration_pattern('e')}"
        rf"|每(?:一|1)?张\s*(?:照片|图片|图)?\s*(?:停留|显示|展示|播放|持续)?\s*{duration_pattern('z')}"
        rf"|{duration_pattern('y')}\s*(?:一|1)张"
    )
    for m in p.find(per_photo):
        p.add(m, ops.SetPhotoLength(seconds=duration_ms(m) / 1000))
    read_music(p)  # before transitions: "fade out" is the music's
    read_transitions(p)
    read_scoped(p)
    read_transition_kinds(p)
    for m in p.find(rf"(?:\bfor\s+)?{DURATION}"):
        p.add(m, ops.SetLength(seconds=duration_ms(m) / 1000))
    # "make it 10", "改成12": a bare number after "make it" is the length in seconds.
    bare = (
        r"\b(?:make\s+it|change\s+it\s+to|set\s+it\s+to|cut\s+it\s+to|trim\s+it\s+to)\s+"
        r"(?P<n>\d{1,3}(?:\.\d+)?)(?![\d.]|\s*(?:%|p\b|fps|x\b|:|by\b|photos?|pictures?))"
        r"|(?:改成|改为|调成|变成|缩短到|加长到)\s*(?P<zn>\d{1,3}(?:\.\d+)?)(?![\d.]|\s*(?:%|p|帧|张|:|比))"
    )
    if not re.search(r"fps|frame|volume|音量|帧率|music|音乐", p.text):
        for m in p.find(bare):
            p.add(m, ops.SetLength(seconds=float(m.group("n") or m.group("zn"))))


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


def read_scoped(p: Parser) -> None:
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
        elif re.search(PER_PHOTO, clause):
            target = "photo"
        elif previous_target and (
            re.search(_PRONOUN, clause) or _BARE_LENGTH.fullmatch(clause.strip())
        ):
            target, inherited = previous_target, True
        previous_target = target
        if target is None:
            continue
        anchors = _TR_NOUN if target == "transitions" else PER_PHOTO
        unused = (m for m in compiled(anchors).finditer(p.text, start, end))
        if not inherited and all(p.is_used(*m.span()) for m in unused):
            continue  # the words naming the target were read with a length already
        durations = [
            m
            for m in compiled(DURATION).finditer(p.text, start, end)
            if not p.is_used(*m.span()) and not _WHOLE_AFTER.match(p.text, m.end())
        ]
        if target == "transitions" and len(durations) > 1 and re.search(PER_PHOTO, clause):
            _nearest_photo_length(p, durations, start, end)
        duration = _nearest(
            durations, _TR_NOUN if target == "transitions" else PER_PHOTO, p, start, end
        )
        if target == "photo":
            if duration is not None:
                p.take(*duration.span())
                p.add(duration, ops.SetPhotoLength(seconds=duration_ms(duration) / 1000))
                continue
            longer = compiled(r"\b(?:longer|slower)\b|久一?点|长一?点|慢一?点").search(
                p.text, start, end
            )
            shorter = compiled(r"\b(?:shorter|quicker|faster)\b|短一?点|快一?点").search(
                p.text, start, end
            )
            for found, factor in ((longer, SLOWER), (shorter, FASTER)):
                if found and not p.is_used(*found.span()):
                    p.take(*found.span())
                    p.add(found, ops.ScaleSpeed(factor=factor))
                    break
            continue
        style = next(
            (m for m in compiled(STYLES).finditer(p.text, start, end)
             if not p.is_used(*m.span()) and m.group() not in ("zoom", "slide", "slides", "cuts")),
            None,
        )  # fmt: skip
        kind = TRANSITION_WORDS[style.group()] if style else None
        if duration is not None:
            p.take(*duration.span())
            if style:
                p.take(*style.span())
            p.add(duration, ops.SetTransition(type=kind, seconds=duration_ms(duration) / 1000))
            continue
        relative = None
        for pattern, factor in ((_FASTER, 0.5), (_SLOWER, 2.0)):
            found = next(
                (m for m in compiled(pattern).finditer(p.text, start, end)
                 if not p.is_used(*m.span())),
                None,
            )  # fmt: skip
            if found and (relative is None or found.start() < relative[0].start()):
                relative = (found, factor)
        if relative is not None:
            p.take(*relative[0].span())
            p.add(relative[0], ops.SetTransition(type=kind, factor=relative[1]))


def _nearest(
    found: list[re.Match[str]], pattern: str, p: Parser, start: int, end: int
) -> re.Match[str] | None:
    """Of the unused matches ``found``, the one nearest to a match of ``pattern``."""
    found = [m for m in found if not p.is_used(*m.span())]
    anchors = [m.span() for m in compiled(pattern).finditer(p.text, start, end)]
    if not found or not anchors:
        return found[0] if found else None

    starts = [a for a, _ in anchors]  # in text order: each distance is a bisection

    def distance(m: re.Match[str]) -> int:
        k = bisect.bisect_left(starts, m.end())  # anchors[k] is the first one after m
        after = starts[k] - m.end() if k < len(anchors) else len(p.text)
        before = m.start() - anchors[k - 1][1] if k else len(p.text)
        return max(0, min(after, before))

    return min(found, key=distance)


def _nearest_photo_length(p: Parser, found: list[re.Match[str]], start: int, end: int) -> None:
    duration = _nearest(found, PER_PHOTO, p, start, end)
    if duration is not None:
        p.take(*duration.span())
        p.add(duration, ops.SetPhotoLength(seconds=duration_ms(duration) / 1000))


def read_transitions(p: Parser) -> None:
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
        rf"{DURATION}\s+(?:long\s+)?(?P<style>{STYLES})?\s*(?:transitions?|crossfades?|fades?|dissolves?|wipes?)?"
        rf"|(?:(?P<style2>{STYLES})\s+)?(?:transitions?)\s*(?:of|to|at|lasting|for)?\s*{duration_pattern('t')}"
        rf"|(?:转场|淡入淡出|过渡|交叉淡化)(?:时间|时长)?\s*(?:为|改成|改为|设为|设成|调到|是)?\s*{duration_pattern('u')}"
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
        p.add(m, ops.SetTransition(type=kind, seconds=duration_ms(m) / 1000))


def read_transition_kinds(p: Parser) -> None:
    """ "no transitions", "wipes", "淡入淡出": a kind without a length."""
    for _ in p.find(rf"\b(?:instead\s+of|rather\s+than)\s+(?:the\s+)?(?:{STYLES}|{_TR_NOUN})"):
        pass  # "wipes instead of fades": the words of what is not wanted are set aside
    changed = (
        rf"\b(?:change|switch|turn|replace|swap)\s+(?:the\s+|all\s+the\s+)?(?:{STYLES}|{_TR_NOUN})"
        rf"\s+(?:to|into|with|for)\s+(?:a\s+|an\s+|some\s+)?(?P<style>{STYLES})"
    )
    for m in p.find(changed, r"change|switch|turn|replace|swap"):  # the new kind is the one
        p.add(m, ops.SetTransition(type=TRANSITION_WORDS[m.group("style")]))
    no_transition = (
        rf"\b(?:no|without|{REMOVE})\s+(?:the\s+|any\s+|all\s+(?:the\s+)?)?(?:transitions?|crossfades?|fades?|dissolves?)\b"
        r"|\b(?:hard|fast|quick|straight|jump)\s+cuts?\b|\bjust\s+(?:a\s+)?cuts?\b"
        r"|无转场|(?:不要|去掉|取消|删掉|删除|关掉)(?:所有的?)?转场(?:效果)?|硬切|直切"
        r"|把?(?:所有的?)?转场(?:效果)?\s*(?:去掉|删掉|删除|删了|取消|关掉|拿掉|不要了?)"
    )
    for m in p.find(no_transition):
        p.add(m, ops.SetTransition(type="none"))
    standalone = (
        rf"(?P<style>{STYLES})(?:\s*(?:的)?\s*(?:transitions?|effects?|转场))?"
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


def read_pace(p: Parser) -> None:
    """faster/slower scale every segment; shorter/longer scale the total length."""
    pace = (
        r"(?P<fast>\bfaster\b|\bspeed\s+(?:it|things|everything|the\s+\w+)?\s*up\b|\bquicker\b"
        r"|\bsnappier\b|\bpick\s+up\s+the\s+pace\b|\bmore\s+(?:energetic|dynamic|upbeat|lively)\b"
        r"|\bpunchier\b|快一点|快一些|快点|加快|节奏快|加速|紧凑一点)"
        r"|(?P<slow>\bslower\b|\bslow\s+(?:it|things|everything|the\s+\w+)?\s*down\b"
        r"|\btoo\s+fast\b|\bmore\s+(?:relaxed|calm|chill|laid[- ]back)\b|\bcalmer\b|\bgentler\b"
        r"|慢一点|慢一些|慢点|放慢|节奏慢|减速|舒缓一点)"
        r"|(?P<short>\bshorter\b|\b(?:too|a\s+bit|a\s+little|kind\s+of|way)\s+long\b|短一点|短一些|缩短|太长"
        r"|\b(?:trim|cut|shave)\s+(?:off\s+)?(?:a\s+)?(?:few|couple\s+of|couple|some)\s+seconds\b)"
        r"|(?P<long>\blonger\b|\btoo\s+short\b|长一点|长一些|加长|延长|太短)"
    )
    for m in p.find(pace):
        if m.group("fast") or m.group("slow"):
            p.add(m, ops.ScaleSpeed(factor=FASTER if m.group("fast") else SLOWER))
        else:
            p.add(m, ops.ScaleLength(factor=SHORTER if m.group("short") else LONGER))
