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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from . import draft as schema
from .draft import AUDIO, TEXT, VISUAL, LayoutError, seconds_text
from .phrases import (
    ASPECT_WORDS,
    COLOUR_WORDS,
    EN_ORDINALS,
    KEN_BURNS_CYCLE,
    MOTION_NAMES,
    MOTION_WORDS,
    PAN_CYCLE,
    PLACEHOLDER,
    PLATFORM_NAMES,
    POSITION_NAMES,
    POSITION_WORDS,
    TRANSITION_NAMES,
    TRANSITION_WORDS,
    is_chinese,
    normalise,
)

EDIT_TOOL = "edit_draft"
EXPLAIN_TOOL = "explain"

MUSIC_VOLUME = 0.7
MUSIC_FADE_IN_MS = 500
MUSIC_FADE_OUT_MS = 2000
VOLUME_STEP = 15  # percentage points for "quieter"/"louder"
FASTER, SLOWER = 0.75, 1.33
SHORTER, LONGER = 0.75, 1.33
TRANSITION_ASKED_MS = 1000
DEFAULT_TRANSITION = {"type": "crossfade", "d": 500}
TITLE_STYLE = {"size": 0.09, "color": "#ffffff", "fi": 500, "fo": 500}
CAPTION_STYLE = {"size": 0.06, "color": "#ffffff", "fi": 300, "fo": 300}


@dataclass(frozen=True)
class MediaItem:
    """One upload of the session, in upload order."""

    mid: str
    kind: str  # "image" | "video" | "audio"
    name: str
    url: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None  # seconds (video/audio)


@dataclass(frozen=True)
class Edit:
    """What the director did with one message (see the module docstring)."""

    reply: str
    draft: dict | None
    tool: str
    args: dict
    result: dict
    undo: bool = False


class _Cannot(Exception):
    """An instruction that cannot be carried out; the message is the reply."""


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

    def clause_after(self, match: re.Match[str]) -> tuple[int, str]:
        """The rest of the match's clause: its offset and text (up to the next comma, "and")."""
        rest = self.text[match.end() :]
        stop = re.search(_BREAK, rest)
        return match.end(), rest[: stop.start()] if stop else rest

    def position_after(self, match: re.Match[str]) -> str | None:
        """A position ("at the top", "顶部") in the clause after ``match``; marked as used."""
        offset, clause = self.clause_after(match)
        found = re.search(_POS, clause)
        if found is None:
            return None
        self.taken.append((offset + found.start(), offset + found.end()))
        return POSITION_WORDS[found.group()]


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
        a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
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
        ref = m.group("a") or m.group("b") or m.group("c")
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
        ref = m.group("a") or m.group("b") or m.group("c")
        where = m.group("to") or m.group("to2") or m.group("to3")
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
        ref = m.group("a") or m.group("b") or m.group("c")
        spec = m.group("with") or m.group("w2") or m.group("w3")
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
        p.add(m, {"op": "music_volume", "percent": float(m.group("n") or m.group("n2"))})
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
        quote = next(m.group(k) for k in ("q", "q2", "q3", "q4", "q5") if m.group(k))
        ref = next(m.group(k) for k in ("a", "b", "c", "d", "e") if m.group(k))
        op = {"op": "add_caption", "text": p.quote(quote), "photo": _ref_number(ref)}
        pos = p.position_after(m)
        p.add(m, {**op, **({"pos": pos} if pos else {})})
    title = (
        r"\b(?:title|titled|heading|call\s+it|called|named)\s*(?::|is|as|to|=|of)?\s*(?P<q>⟦\d+⟧)"
        r"|(?P<q2>⟦\d+⟧)\s+as\s+(?:the\s+)?title"
        r"|(?:标题|片头|题目|名字|名称)\s*(?:为|是|叫|改成|改为|设为|设成|用|:)?\s*(?P<q3>⟦\d+⟧)"
        r"|(?P<q4>⟦\d+⟧)\s*(?:作为|当)\s*标题"
    )
    for m in p.find(title):
        quote = next(m.group(k) for k in ("q", "q2", "q3", "q4") if m.group(k))
        op: dict[str, Any] = {"op": "set_title", "text": p.quote(quote)}
        pos = p.position_after(m)
        if pos:
            op["pos"] = pos
        offset, clause = p.clause_after(m)
        lasting = re.search(rf"\bfor\s+{_DUR}", clause)
        if lasting:
            p.taken.append((offset + lasting.start(), offset + lasting.end()))
            op["seconds"] = _duration_ms(lasting) / 1000
        p.add(m, op)
    placed = (
        rf"\b(?:move|put|place)?\s*(?:the\s+)?(?P<what>title|captions?)\s+(?:to|at|in|on)?\s*(?:the\s+)?(?P<pos>{_POS})"
        rf"|(?P<what2>标题|字幕)\s*(?:放|移|挪)?\s*(?:到|在)?\s*(?P<pos2>{_POS})"
    )
    for m in p.find(placed):
        what = m.group("what") or m.group("what2")
        target = "title" if what in ("title", "标题") else "captions"
        p.add(
            m,
            {
                "op": "text_position",
                "target": target,
                "pos": POSITION_WORDS[m.group("pos") or m.group("pos2")],
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
        number = next(m.group(k) for k in ("n", "n2", "n3", "n4") if m.group(k))
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
        p.add(m, {"op": "set_background", "color": COLOUR_WORDS[m.group("c") or m.group("c2")]})


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


# --------------------------------------------------------------------------- applying


def _photo_word(number: int, name: str, zh: bool) -> str:
    """ "photo 2 (beach.jpg)" / "第2张（beach.jpg）"."""
    return f"第{number}张（{name}）" if zh else f"photo {number} ({name})"


class _Editor:
    """Applies operations to a private copy of the draft and words what it did."""

    def __init__(self, draft: dict[str, Any], media: Sequence[MediaItem], zh: bool) -> None:
        self.draft = copy.deepcopy(draft)
        self.media = list(media)
        self.zh = zh
        self.changes: list[str] = []
        self.notes: list[str] = []
        self.problems = False  # a note said something asked for could not be done
        self.built = False
        self.numbering: list[str] = []  # segment ids as numbered when the message was sent
        self.wanted_transition_ms: int | None = None  # as asked in this message, before cuts

    # ------------------------------------------------------------------ helpers

    def say(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def change(self, en: str, zh: str) -> None:
        self.changes.append(self.say(en, zh))

    def note(self, en: str, zh: str, *, problem: bool = False) -> None:
        self.notes.append(self.say(en, zh))
        self.problems = self.problems or problem

    def fail(self, en: str, zh: str) -> NoReturn:
        raise _Cannot(self.say(en, zh))

    @property
    def visuals(self) -> list[dict[str, Any]]:
        return schema.segments(self.draft, VISUAL)

    @property
    def length(self) -> int:
        return int(self.draft.get("d", 0))

    def uploads(self, *kinds: str) -> list[MediaItem]:
        return [item for item in self.media if item.kind in kinds]

    def longer_now(self, before_ms: int) -> str:
        """ "; the video is now 12 s" when the length changed, else ""."""
        if self.length == before_ms:
            return ""
        return self.say(
            f"; the video is now {seconds_text(self.length)}",
            f"，视频现在{_zh_seconds(self.length)}",
        )

    def layout_error(self, error: LayoutError) -> NoReturn:
        """Word a LayoutError for the user."""
        limit = seconds_text(error.limit_ms)
        count = len(self.visuals)
        messages = {
            "too_short": (
                f"each photo would be on screen less than {limit}",
                f"每张照片的时长会少于{_zh_seconds(error.limit_ms)}",
            ),
            "photo_too_long": (
                f"a photo would stay on screen more than {limit}",
                f"单张照片的时长会超过{_zh_seconds(error.limit_ms)}",
            ),
            "clips_too_short": (
                f"the video clips are too short: at most {limit} in all",
                f"视频片段太短，最多只能{_zh_seconds(error.limit_ms)}",
            ),
            "too_long": (
                f"videos can be at most {limit} long",
                f"视频最长{_zh_seconds(error.limit_ms)}",
            ),
            "empty": ("there are no photos in the video", "视频里没有照片"),
        }
        en, zh = messages[error.code]
        self.fail(
            f"I can't make that: {en} ({count} segments). Choose another length, or add or "
            "remove photos.",
            f"做不到：{zh}（共{count}段）。请换一个时长，或增减照片。",
        )

    def segment_id(self, number: int) -> str:
        """The id of photo ``number`` (1-based, -1 for the last) as numbered at the start."""
        count = len(self.numbering)
        index = count - 1 if number == -1 else number - 1
        if not 0 <= index < count:
            self.fail(
                f"There {'is' if count == 1 else 'are'} only {count} "
                f"photo{'' if count == 1 else 's'}: photo {number} does not exist. "
                f"Say a number from 1 to {count}.",
                f"视频里只有{count}张照片，没有第{number}张。请说1到{count}之间的序号。",
            )
        return self.numbering[index]

    def position_of(self, seg_id: str) -> int:
        """Current 0-based position of a segment; fails if this message removed it."""
        for index, seg in enumerate(self.visuals):
            if seg["id"] == seg_id:
                return index
        self.fail(
            "That photo was removed earlier in this message.", "那张照片在这条消息里已被删除。"
        )

    def describe_photo(self, seg_id: str) -> str:
        index = self.position_of(seg_id)
        return _photo_word(index + 1, self.visuals[index].get("name", "?"), self.zh)

    def rearrange(self, order: list[dict[str, Any]]) -> None:
        """Put the visual segments in ``order``; transitions stay with their place in the
        sequence (the one into slot 2 stays the one into slot 2)."""
        visuals = self.visuals
        slots = [seg.get("tr") for seg in visuals]
        for seg, tr in zip(order, slots, strict=False):
            seg.pop("tr", None)
            if tr is not None:
                seg["tr"] = tr
        visuals[:] = order
        schema.relayout(self.draft)

    def restore_transitions(self) -> None:
        """Give back the transition length asked for earlier in this message: it may have been
        cut to fit short photos that a later length instruction now makes longer."""
        if self.wanted_transition_ms is not None:
            for seg in self.visuals[1:]:
                seg["tr"]["d"] = self.wanted_transition_ms

    def ensure_draft(self) -> None:
        """Build from the uploads when there is nothing to edit yet."""
        if not self.visuals:
            self.op_build({"op": "build"})

    # ------------------------------------------------------------------ building

    def op_build(self, op: dict[str, Any]) -> None:
        if self.visuals and not op.get("rebuild"):
            return  # the video exists: "video" in the message only names it
        visuals = self.uploads("image", "video")
        if not visuals:
            self.fail(
                "Upload photos first: there is nothing to make a video from yet.",
                "请先上传照片：现在还没有可以做成视频的素材。",
            )
        count = op.get("count")
        chosen = visuals[:count] if count else visuals
        if count and count < len(visuals):
            self.note(
                f"You asked for {count} photos: I used the first {count} of your "
                f"{len(visuals)} uploads, in upload order. Say “start over” for all of them.",
                f"你要{count}张照片：我按上传顺序用了{len(visuals)}个素材中的前{count}个。"
                "说“重新做”可使用全部素材。",
            )
        elif count and count > len(visuals):
            self.note(
                f"You mentioned {count} photos but uploaded {len(visuals)}: I used them all.",
                f"你提到{count}张照片，但只上传了{len(visuals)}个素材：已全部使用。",
            )
        old_meta = self.draft.get("m", {})
        draft = schema.new_draft()
        for key in ("width", "height", "aspect", "fps", "fit", "background"):
            if op.get("rebuild") and key in old_meta:
                draft["m"][key] = old_meta[key]  # starting over keeps the frame asked for
        photos = draft["t"][0]["sg"]
        for item in chosen:
            duration = round(item.duration * 1000) if item.duration else None
            segment = schema.visual_segment(
                schema.next_id(draft),
                kind="video" if item.kind == "video" else "image",
                mid=item.mid,
                src=item.url,
                name=item.name,
                duration_ms=duration,
                transition=DEFAULT_TRANSITION if photos else None,
            )
            photos.append(segment)
        self.draft = schema.relayout(draft)
        self.built = True
        self.numbering = [seg["id"] for seg in self.visuals]
        self.change(
            f"Made a slideshow of {_count_en(self.visuals)}.",
            f"用{_count_zh(self.visuals)}制作了幻灯片视频。",
        )

    # ------------------------------------------------------------------ photo order

    def op_remove(self, op: dict[str, Any]) -> None:
        seg_id = self.segment_id(op["photo"])
        if len(self.visuals) == 1:
            self.fail("I can't remove the only photo of the video.", "不能删除视频里唯一的照片。")
        before, what = self.length, self.describe_photo(seg_id)
        self.rearrange([seg for seg in self.visuals if seg["id"] != seg_id])
        self.change(
            f"Removed {what}{self.longer_now(before)}.", f"已删除{what}{self.longer_now(before)}。"
        )

    def op_move(self, op: dict[str, Any]) -> None:
        seg_id = self.segment_id(op["photo"])
        what = self.describe_photo(seg_id)
        order = [seg for seg in self.visuals if seg["id"] != seg_id]
        moving = self.visuals[self.position_of(seg_id)]
        if "before" in op or "after" in op:
            anchor = self.segment_id(op.get("before", op.get("after", 1)))
            if anchor == seg_id:
                self.fail("A photo can't move next to itself.", "照片不能移到它自己旁边。")
            index = next(i for i, seg in enumerate(order) if seg["id"] == anchor)
            index += 1 if "after" in op else 0
        else:
            target = op["to"]
            index = len(order) if target == -1 else min(max(target, 1), len(order) + 1) - 1
        order.insert(index, moving)
        self.rearrange(order)
        self.change(f"Moved {what} to position {index + 1}.", f"已把{what}移到第{index + 1}位。")

    def op_swap(self, op: dict[str, Any]) -> None:
        first, second = (self.segment_id(number) for number in op["photos"])
        a, b = self.position_of(first), self.position_of(second)
        what_a, what_b = self.describe_photo(first), self.describe_photo(second)
        order = list(self.visuals)
        order[a], order[b] = order[b], order[a]
        self.rearrange(order)
        self.change(f"Swapped {what_a} and {what_b}.", f"已交换{what_a}和{what_b}。")

    def op_reverse(self, op: dict[str, Any]) -> None:
        self.rearrange(list(reversed(self.visuals)))
        self.change("Reversed the order of the photos.", "已把照片顺序倒过来。")

    def op_replace(self, op: dict[str, Any]) -> None:
        seg_id = self.segment_id(op["photo"])
        item = self.find_upload(op["with"])
        index = self.position_of(seg_id)
        old = self.visuals[index]
        before, what = self.length, self.describe_photo(seg_id)
        duration = round(item.duration * 1000) if item.duration else None
        kind = "video" if item.kind == "video" else "image"
        new = schema.visual_segment(
            seg_id,
            kind=kind,
            mid=item.mid,
            src=item.url,
            name=item.name,
            duration_ms=duration,
            transition=old.get("tr"),
        )
        if kind == "image" and old.get("kind") == "image":
            new["d"], new["motion"] = old["d"], old.get("motion", "static")
        self.visuals[index] = new
        schema.relayout(self.draft)
        self.change(
            f"Replaced {what} with {item.name}{self.longer_now(before)}.",
            f"已把{what}换成{item.name}{self.longer_now(before)}。",
        )

    def find_upload(self, spec: str) -> MediaItem:
        """The photo or video upload named by ``spec`` (":last", ":upload N" or a file name)."""
        visuals = self.uploads("image", "video")
        if spec == ":last" and visuals:
            return visuals[-1]
        if spec.startswith(":upload "):
            number = int(spec.split()[1])
            if 1 <= number <= len(self.media) and self.media[number - 1] in visuals:
                return self.media[number - 1]
        wanted = spec.strip().lower()
        for item in visuals:
            name = item.name.lower()
            if wanted in (name, name.rsplit(".", 1)[0]):
                return item
        names = ", ".join(item.name for item in visuals) or "-"
        self.fail(
            f"I found no photo or video upload called “{spec}”. Your uploads: {names}.",
            f"没有找到名为“{spec}”的照片或视频。你上传的素材：{names}。",
        )

    # ------------------------------------------------------------------ frame

    def op_set_aspect(self, op: dict[str, Any]) -> None:
        meta = self.draft["m"]
        aspect = op["aspect"]
        width, height = schema.canvas_size(aspect, schema.resolution_of(self.draft))
        platform = op.get("platform")
        if (meta.get("width"), meta.get("height")) == (width, height):
            if not self.built:  # a new video says its size anyway
                self.note(
                    f"The video is already {aspect} ({width}x{height}).",
                    f"视频已经是{aspect}（{width}x{height}）。",
                )
            return
        meta.update(aspect=aspect, width=width, height=height)
        en_for = f" for {platform}" if platform else ""
        zh_for = f"，适合{platform}" if platform else ""
        self.change(
            f"Switched to {aspect} ({width}x{height}){en_for}.",
            f"已改为{aspect}（{width}x{height}）{zh_for}。",
        )

    def op_set_resolution(self, op: dict[str, Any]) -> None:
        wanted = op["p"]
        if wanted > 1080:
            self.note(
                f"{wanted}p is capped at 1080p, the largest size videos are made in.",
                f"{wanted}p超出上限，视频最高为1080p。",
            )
            wanted = 1080
        if wanted not in schema.RESOLUTIONS:
            self.fail(
                f"I can make 720p or 1080p videos, not {wanted}p.",
                f"只能做720p或1080p的视频，不支持{wanted}p。",
            )
        meta = self.draft["m"]
        aspect = meta.get("aspect") if meta.get("aspect") in schema.ASPECTS else "16:9"
        width, height = schema.canvas_size(aspect, wanted)
        if (meta.get("width"), meta.get("height")) == (width, height):
            if not self.built:  # a new video says its size anyway
                self.note(
                    f"The video is already {wanted}p ({width}x{height}).",
                    f"视频已经是{wanted}p（{width}x{height}）。",
                )
            return
        meta.update(width=width, height=height, aspect=aspect)
        self.change(
            f"Set the resolution to {wanted}p ({width}x{height}).",
            f"已把分辨率设为{wanted}p（{width}x{height}）。",
        )

    def op_set_fps(self, op: dict[str, Any]) -> None:
        fps = op["fps"]
        if not 1 <= fps <= 60:
            self.fail(
                f"The frame rate must be 1 to 60 fps (24, 25, 30 or 60 are usual), not {fps:g}.",
                f"帧率必须在1到60之间（常用24、25、30或60），不能是{fps:g}。",
            )
        fps = round(fps)
        self.draft["m"]["fps"] = fps
        self.change(f"Set the frame rate to {fps} fps.", f"已把帧率设为{fps} fps。")

    def op_set_fit(self, op: dict[str, Any]) -> None:
        self.draft["m"]["fit"] = op["fit"]
        if op["fit"] == "cover":
            self.change(
                "Photos now fill the frame (cropped where needed).",
                "照片现在铺满画面（必要时裁剪）。",
            )
        else:
            self.change(
                "Photos are now shown whole, with bars where needed.",
                "照片现在完整显示，必要时留边。",
            )

    def op_set_background(self, op: dict[str, Any]) -> None:
        self.draft["m"]["background"] = op["color"]
        self.change(f"Set the background to {op['color']}.", f"已把背景色设为{op['color']}。")

    # ------------------------------------------------------------------ transitions, motion

    def op_set_transition(self, op: dict[str, Any]) -> None:
        visuals = self.visuals
        current = next((seg["tr"] for seg in visuals[1:] if "tr" in seg), None)
        current_type = current.get("type", "none") if current else "none"
        current_ms = int(current.get("d", 0)) if current else 0
        kind = op.get("type") or (current_type if current_type != "none" else "crossfade")
        if kind == "none":
            wanted = 0
        elif "seconds" in op:
            wanted = round(op["seconds"] * 1000)
        elif "factor" in op:
            wanted = round(max(current_ms, 250) * op["factor"] / 50) * 50
        else:
            wanted = max(current_ms if current_type != "none" else 0, TRANSITION_ASKED_MS)
        if len(visuals) < 2:
            self.note(
                "With a single photo there is no transition to show.",
                "只有一张照片，没有转场可显示。",
            )
        before = self.length
        self.wanted_transition_ms = wanted
        for seg in visuals[1:]:
            seg["tr"] = {"type": kind, "d": wanted}
        schema.relayout(self.draft)
        actual = max((schema.transition_ms(seg) for seg in visuals[1:]), default=0)
        en_name, zh_name = TRANSITION_NAMES[kind]
        if kind == "none":
            self.change(
                f"Switched to hard cuts between photos{self.longer_now(before)}.",
                f"已改为照片之间直接切换{self.longer_now(before)}。",
            )
            return
        cut = ""
        if actual < wanted:
            cut = self.say(
                " (shortened to half of the shortest photo)", "（已缩短到最短照片的一半）"
            )
        self.change(
            f"Set {seconds_text(actual)} {en_name} between photos{cut}{self.longer_now(before)}.",
            f"已设置{_zh_seconds(actual)}的{zh_name}转场{cut}{self.longer_now(before)}。",
        )

    def op_set_motion(self, op: dict[str, Any]) -> None:
        motion = op["motion"]
        cycle = {"ken_burns": KEN_BURNS_CYCLE, "pan": PAN_CYCLE}.get(motion, (motion,))
        photos = [seg for seg in self.visuals if seg.get("kind") == "image"]
        if not photos:
            self.fail(
                "Motion applies to photos, and this video has only clips.",
                "运动效果只适用于照片，而这个视频里只有视频片段。",
            )
        for index, seg in enumerate(photos):
            seg["motion"] = cycle[index % len(cycle)]
        en_name, zh_name = MOTION_NAMES[motion]
        if motion == "static":
            self.change("Made the photos static (no motion).", "已把照片设为静止（无运动效果）。")
        else:
            self.change(f"Gave the photos {en_name}.", f"已给照片加上{zh_name}效果。")

    # ------------------------------------------------------------------ lengths

    def op_set_photo_length(self, op: dict[str, Any]) -> None:
        if not any(seg.get("kind") == "image" for seg in self.visuals):
            self.fail(
                "This video has only clips: they keep their own length.",
                "这个视频里只有视频片段，它们保持原有时长。",
            )
        ms = round(op["seconds"] * 1000)
        before = self.length
        self.restore_transitions()
        try:
            schema.set_photo_length(self.draft, ms)
        except LayoutError as error:
            self.layout_error(error)
        self.change(
            f"Each photo now lasts {seconds_text(ms)}{self.longer_now(before)}.",
            f"每张照片现在{_zh_seconds(ms)}{self.longer_now(before)}。",
        )

    def op_set_length(self, op: dict[str, Any]) -> None:
        self.fit(round(op["seconds"] * 1000))

    def op_scale_length(self, op: dict[str, Any]) -> None:
        self.fit(max(1000, int(self.length * op["factor"] / 100 + 0.5) * 100))

    def fit(self, ms: int) -> None:
        self.restore_transitions()
        try:
            schema.fit_length(self.draft, ms)
        except LayoutError as error:
            self.layout_error(error)
        each = self.visuals[0]["d"]  # the others differ by 1 ms at most (or are clips)
        self.change(
            f"Set the length to {seconds_text(ms)} (about {seconds_text(each)} per photo).",
            f"已把时长设为{_zh_seconds(ms)}（每张约{_zh_seconds(each)}）。",
        )

    def op_scale_speed(self, op: dict[str, Any]) -> None:
        before = self.length
        self.restore_transitions()
        try:
            schema.scale_lengths(self.draft, op["factor"])
        except LayoutError as error:
            self.layout_error(error)
        faster = op["factor"] < 1
        if self.length == before:
            self.note(
                "The photos can't go any " + ("faster." if faster else "slower."),
                "照片已经不能再" + ("快了。" if faster else "慢了。"),
                problem=True,
            )
            return
        self.change(
            f"Made it {'faster' if faster else 'slower'}: "
            f"{seconds_text(before)} → {seconds_text(self.length)}.",
            f"已{'加快' if faster else '放慢'}节奏："
            f"{_zh_seconds(before)} → {_zh_seconds(self.length)}。",
        )

    # ------------------------------------------------------------------ text

    def text_track(self) -> list[dict[str, Any]]:
        return schema.ensure_track(self.draft, TEXT)["sg"]

    def title(self) -> dict[str, Any] | None:
        return next(
            (s for s in schema.segments(self.draft, TEXT) if s.get("role") == "title"), None
        )

    def op_set_title(self, op: dict[str, Any]) -> None:
        if "text" not in op:
            self.fail(
                "Put the title in quotes, for example: title “Summer 2026” at the top.",
                "请把标题放在引号里，例如：标题「夏日2026」放在顶部。",
            )
        old = self.title()
        pos = op.get("pos") or (old or {}).get("pos", "bottom")
        wanted = round(op.get("seconds", schema.TITLE_MS / 1000) * 1000)
        segment = {
            "id": old["id"] if old else schema.next_id(self.draft),
            "kind": "text",
            "text": op["text"],
            "st": 0,
            "d": min(wanted, self.length),
            "pos": pos,
            **TITLE_STYLE,
            "role": "title",
        }
        texts = self.text_track()
        texts[:] = [s for s in texts if s.get("role") != "title"] + [segment]
        self.draft["m"]["title"] = op["text"]
        schema.relayout(self.draft)
        span = f"0–{seconds_text(segment['d'])}"
        en_pos, zh_pos = POSITION_NAMES[pos]
        self.change(
            f"Set the title “{op['text']}” {en_pos}, {span}.",
            f"已设置标题「{op['text']}」，位于{zh_pos}，0–{_zh_seconds(segment['d'])}。",
        )

    def op_remove_title(self, op: dict[str, Any]) -> None:
        if self.title() is None:
            self.note("There is no title to remove.", "没有可删除的标题。")
            return
        texts = self.text_track()
        texts[:] = [s for s in texts if s.get("role") != "title"]
        self.draft["m"].pop("title", None)
        schema.relayout(self.draft)
        self.change("Removed the title.", "已删除标题。")

    def op_add_caption(self, op: dict[str, Any]) -> None:
        if "text" not in op:
            self.fail(
                "Say the caption in quotes and which photo: caption “At the beach” on photo 2.",
                "请用引号写出字幕并说明哪张照片：给第2张加字幕「在海边」。",
            )
        seg_id = self.segment_id(op["photo"])
        photo = self.visuals[self.position_of(seg_id)]
        texts = self.text_track()
        old = next((s for s in texts if s.get("for") == seg_id), None)
        segment = {
            "id": old["id"] if old else schema.next_id(self.draft),
            "kind": "text",
            "text": op["text"],
            "st": photo["st"],
            "d": photo["d"],
            "pos": op.get("pos", "bottom"),
            **CAPTION_STYLE,
            "role": "caption",
            "for": seg_id,
        }
        texts[:] = [s for s in texts if s is not old] + [segment]
        schema.relayout(self.draft)
        what = self.describe_photo(seg_id)
        start, end = photo["st"], photo["st"] + photo["d"]
        self.change(
            f"Added the caption “{op['text']}” on {what}, "
            f"{seconds_text(start)[:-2]}–{seconds_text(end)}.",
            f"已给{what}加上字幕「{op['text']}」，{_zh_seconds(start)[:-1]}–{_zh_seconds(end)}。",
        )

    def op_remove_captions(self, op: dict[str, Any]) -> None:
        texts = schema.segments(self.draft, TEXT)
        if not any(s.get("role") == "caption" for s in texts):
            self.note("There are no captions to remove.", "没有可删除的字幕。")
            return
        texts[:] = [s for s in texts if s.get("role") != "caption"]
        schema.relayout(self.draft)
        self.change("Removed the captions.", "已删除所有字幕。")

    def op_text_position(self, op: dict[str, Any]) -> None:
        role = "title" if op["target"] == "title" else "caption"
        found = [s for s in schema.segments(self.draft, TEXT) if s.get("role") == role]
        if not found:
            self.fail(
                f"There is no {op['target']} to move yet.",
                f"还没有{'标题' if role == 'title' else '字幕'}可以移动。",
            )
        for seg in found:
            seg["pos"] = op["pos"]
        zh_pos = POSITION_NAMES[op["pos"]][1]
        noun_en, noun_zh = ("the title", "标题") if role == "title" else ("the captions", "字幕")
        self.change(f"Moved {noun_en} to the {_PLACES[op['pos']]}.", f"已把{noun_zh}移到{zh_pos}。")

    # ------------------------------------------------------------------ music

    def music(self) -> dict[str, Any] | None:
        found = schema.segments(self.draft, AUDIO)
        return found[0] if found else None

    def op_add_music(self, op: dict[str, Any]) -> None:
        audio = self.uploads("audio")
        if "file" in op:
            wanted = op["file"].lower()
            audio = [item for item in audio if item.name.lower() == wanted]
            if not audio:
                self.fail(
                    f"I found no audio upload called “{op['file']}”.",
                    f"没有找到名为“{op['file']}”的音频文件。",
                )
        elif self.music() is not None:
            return  # music is there; "music" in the message only names it
        if not audio:
            self.note(
                "There is no music yet: upload an MP3 (or WAV/M4A) and say “add music”.",
                "还没有音乐：请上传一个MP3（或WAV/M4A）文件，然后说“加背景音乐”。",
                problem=True,
            )
            return
        item = audio[0]
        old = self.music() or {}
        segment = {
            "id": old.get("id") or schema.next_id(self.draft),
            "kind": "audio",
            "mid": item.mid,
            "src": item.url,
            "name": item.name,
            "st": 0,
            "d": self.length,
            "in": 0,
            "vol": old.get("vol", MUSIC_VOLUME),
            "fi": MUSIC_FADE_IN_MS,
            "fo": old.get("fo", MUSIC_FADE_OUT_MS),
            "loop": True,
        }
        schema.ensure_track(self.draft, AUDIO)["sg"][:] = [segment]
        schema.relayout(self.draft)
        volume = round(segment["vol"] * 100)
        self.change(
            f"Added the music “{item.name}” at {volume}%, fading out at the end.",
            f"已加上背景音乐「{item.name}」，音量{volume}%，结尾淡出。",
        )

    def need_music(self) -> dict[str, Any] | None:
        """The music segment, added from the first audio upload if needed (None if no audio)."""
        if self.music() is None:
            self.op_add_music({"op": "add_music"})
        return self.music()

    def op_remove_music(self, op: dict[str, Any]) -> None:
        if self.music() is None:
            self.note("There is no music to remove.", "没有可删除的音乐。")
            return
        schema.segments(self.draft, AUDIO).clear()
        schema.relayout(self.draft)
        self.change("Removed the music.", "已删除背景音乐。")

    def op_music_volume(self, op: dict[str, Any]) -> None:
        percent = op["percent"]
        if not 0 <= percent <= 100:
            self.fail(
                f"The volume goes from 0 to 100%, not {percent:g}%.",
                f"音量范围是0到100%，不能是{percent:g}%。",
            )
        self.set_volume(percent)

    def op_music_step(self, op: dict[str, Any]) -> None:
        music = self.need_music()
        if music is not None:
            self.set_volume(min(100, max(5, round(music["vol"] * 100) + op["percent"])))

    def set_volume(self, percent: float) -> None:
        music = self.need_music()
        if music is None:
            return
        old = round(music["vol"] * 100)
        music["vol"] = round(percent / 100, 3)
        self.change(
            f"Set the music volume to {percent:g}% (was {old}%).",
            f"已把音乐音量设为{percent:g}%（原为{old}%）。",
        )

    def op_music_fade_out(self, op: dict[str, Any]) -> None:
        music = self.need_music()
        if music is None:
            return
        music["fo"] = round(op["seconds"] * 1000)
        schema.relayout(self.draft)
        self.change(
            f"The music now fades out over the last {seconds_text(music['fo'])}.",
            f"音乐现在在最后{_zh_seconds(music['fo'])}淡出。",
        )

    def op_export(self, op: dict[str, Any]) -> None:
        self.note(
            "To get the MP4, press Export in the widget, or in Python call "
            "client.start_render(session_id, draft).",
            "要导出MP4：在小组件里点“导出”，"
            "或在Python中调用 client.start_render(session_id, draft)。",
        )

    def apply(self, ops: list[dict[str, Any]]) -> None:
        """Apply ``ops`` (already in order); builds first when the draft is empty."""
        if ops and ops[0]["op"] != "build":
            self.ensure_draft()
        self.numbering = [seg["id"] for seg in self.visuals]
        for op in ops:
            if op["op"] == "build":
                self.op_build(op)
            else:
                self.ensure_draft()
                getattr(self, f"op_{op['op']}")(op)


_PLACES = {"top": "top", "center": "centre", "bottom": "bottom"}


def _zh_seconds(ms: int) -> str:
    return f"{round(ms / 1000, 2):g}秒"


def _count_en(visuals: list[dict[str, Any]]) -> str:
    photos = sum(1 for seg in visuals if seg.get("kind") == "image")
    clips = len(visuals) - photos
    parts = [
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((photos, "photo"), (clips, "clip"))
        if n
    ]
    return " and ".join(parts)


def _count_zh(visuals: list[dict[str, Any]]) -> str:
    photos = sum(1 for seg in visuals if seg.get("kind") == "image")
    clips = len(visuals) - photos
    parts = [f"{n}{word}" for n, word in ((photos, "张照片"), (clips, "段视频")) if n]
    return "和".join(parts)


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
    frame = f"{meta.get('aspect', '16:9')}（{meta.get('width')}x{meta.get('height')}）"
    tr = next((seg["tr"] for seg in visuals[1:] if schema.transition_ms(seg) > 0), None)
    kind = tr["type"] if tr else "none"
    en_tr, zh_tr = TRANSITION_NAMES[kind]
    if tr:
        en_tr, zh_tr = f"{seconds_text(tr['d'])} {en_tr}", f"{_zh_seconds(tr['d'])}{zh_tr}"
    length = int(draft.get("d", 0))
    if zh:
        first = (
            f"已用{_count_zh(visuals)}制作了{_zh_seconds(length)}的{frame}幻灯片视频，"
            f"转场为{zh_tr}。"
        )
    else:
        frame = frame.replace("（", " (").replace("）", ")")
        first = (
            f"Made {_article(length)} {seconds_text(length)} {frame} slideshow of "
            f"{_count_en(visuals)} with {en_tr}."
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
    texts = schema.segments(draft, TEXT)
    for seg in texts:
        if seg.get("role") == "title":
            en_pos, zh_pos = POSITION_NAMES.get(seg.get("pos", "bottom"), POSITION_NAMES["bottom"])
            extras.append(
                f"标题「{seg['text']}」（{zh_pos}）"
                if zh
                else f"the title “{seg['text']}” {en_pos}"
            )
    captions = sum(1 for seg in texts if seg.get("role") == "caption")
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
    editor = _Editor(draft, media, zh)
    try:
        editor.apply(ops)
    except _Cannot as cannot:
        return _explain(draft, zh, "cannot", str(cannot), ops)
    return _report(draft, editor, ops)


def _report(draft: dict[str, Any], editor: _Editor, ops: list[dict[str, Any]]) -> Edit:
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
                    f"{_count_en(visuals)}). Say “start over” to rebuild it from all uploads.",
                    f"视频已经做好了（{_zh_seconds(length)}，{_count_zh(visuals)}）。"
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
