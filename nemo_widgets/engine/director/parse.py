"""Understanding a chat message: :func:`parse` turns it into typed operations.

This module owns the reading half of the director. A message is normalised (see
:mod:`..phrases`: quotes set aside, numbers in words and Chinese numerals made digits, typos
corrected), photos named by a word are turned into their number (:mod:`.names`), and the text is
read by one reader per family (:mod:`.readers`) for every instruction it holds. :func:`parse`
returns the typed operations (:mod:`.ops`) in the fixed order they must be applied in, with
repeats merged and an explicit value preferred to a relative word, and what the message asked
for that cannot be done or was not understood. Nothing here changes a draft: that is
:mod:`.editor`'s job.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import NamedTuple

from ..phrases import (
    normalise,
)
from . import ops
from .names import name_photos
from .readers.frame import read_frame, read_motion
from .readers.lengths import read_lengths, read_pace
from .readers.negations import read_negations
from .readers.photos import read_photo_ops
from .readers.text import read_text
from .readers.whole import read_whole
from .reading import PHOTOS, Missed, Parser, clauses, restore_quotes


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
    parser = Parser(text, quotes)
    if any(parser.find(_UNDO)):
        return Reading([ops.Undo()], [])
    missed = _never(parser)
    for step in _STEPS:
        step(parser)
    missed += parser.missed + _unsupported(parser)
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
        relative = (ops.ScaleLength, ops.ChangeLength)
        found = [op for op in found if not isinstance(op, relative)]
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
        earlier = {id(op) for op in transitions[:-1]}
        found = [merged if op is transitions[-1] else op for op in found if id(op) not in earlier]
    titles = [op for op in found if isinstance(op, ops.SetTitle) and op.text and not op.pos]
    placed = [op for op in found if isinstance(op, ops.TextPosition) and op.target == "title"]
    if titles and placed:  # "add the title 'Summer', put it at the top": one title, placed
        title = dataclasses.replace(titles[-1], pos=placed[-1].pos)
        found = [title if op is titles[-1] else op for op in found if op not in placed]
    named = [op for op in found if isinstance(op, ops.AddMusic) and op.file]
    if named:  # "use song.mp3 as background music": the file named, not just "music"
        found = [op for op in found if not isinstance(op, ops.AddMusic) or op is named[-1]]
    last = {type(op): index for index, op in enumerate(found) if op.SINGLE}
    kept: list[ops.Op] = []
    seen: set[ops.Op] = set()
    build: ops.Build | None = None
    for index, op in enumerate(found):
        if isinstance(op, ops.Build):  # "video" + "3 photos" + "start over" make one build
            build = ops.Build(
                count=op.count or (build.count if build else None),
                rebuild=op.rebuild or (build.rebuild if build else False),
            )
            continue
        if (op.SINGLE and last[type(op)] == index) or (not op.SINGLE and op not in seen):
            kept.append(op)  # of a setting said twice, the last word; of other ops, one each
            seen.add(op)
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


def _never(p: Parser) -> list[Missed]:
    """What the director can never do, found before anything else is read: generating
    footage, voice, slow motion, random order."""
    missed = []
    mentions_uploads = re.search(rf"{PHOTOS}|\buploads?\b|\bslideshow\b|幻灯片|素材", p.text)
    if not mentions_uploads:
        missed += [Missed("generate", m.group()) for m in p.find(_GENERATE)]
    return missed + [Missed("unsupported", m.group()) for m in p.find(_NEVER)]


def _unsupported(p: Parser) -> list[Missed]:
    """Effects the engine does not have, among what was not read as something it has."""
    return [Missed("unsupported", m.group().strip()) for m in p.find(_UNSUPPORTED)]


# Words that ask for nothing on their own: a clause of only these is not "not understood".
# Words that ask for nothing on their own: a clause of only these is not "not understood".
# Checked word by word (a set lookup), never with a repeated alternation: "make it make it …"
# would make such a pattern backtrack exponentially.
def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_FILLER_WORDS = _wordset(
    "please pls plz thanks thank you thx ok okay cool great nice awesome perfect sure yes yeah hi "
    "hey hello so also and then now just maybe actually well oh um hmm could can would will i i'd "
    "id like want let's lets make it this that the a an for me my to of with some bit little lot "
    "too very really more less again instead as all is be do"
)
_ZH_FILLER = (
    "可不可以", "能不能", "然后", "并且", "同时", "这个", "那个", "视频",
    "一点", "一些", "帮我", "帮忙", "麻烦", "可以", "一下", "好的",
    "谢谢", "谢了", "给我", "我想", "我要", "想要", "请", "吧",
    "吗", "呢", "啊", "呀", "好", "嗯", "哦", "把",
    "让", "再", "也", "还", "就", "都", "了", "的",
    "得", "和", "跟",
)  # fmt: skip


def is_filler(words: str) -> bool:
    """True when ``words`` hold nothing but polite and filler words (English or Chinese)."""
    english = re.sub(r"[\u4e00-\u9fff]+", " ", words)
    tokens = re.findall(r"[^\s,.;!?]+", english)
    if any(token not in _FILLER_WORDS for token in tokens):
        return False
    for run in re.findall(r"[\u4e00-\u9fff]+", words):
        at = 0
        while at < len(run):  # longest filler word first, one pass: linear in the run
            word = next((w for w in _ZH_FILLER if run.startswith(w, at)), None)
            if word is None:
                return False
            at += len(word)
    return True


# Words that make a clause an instruction: a clause without one, next to understood ones, is
# taken for context ("I have some photos from my trip, can you make a video?").
_ACTION = (
    r"\b(?:make|add|put|change|remove|delete|use|set|turn|give|show|want|need|can|could|would"
    r"|please|let'?s|move|swap|switch|drop|cut|get|try|do|apply|include|replace|insert|create"
    r"|should|must|no|without|more|less)\b|加|改|换|删|去|放|做|用|要|让|把|调|设|能|请|帮|不"
)


def _not_understood(p: Parser, found: list[ops.Op]) -> list[Missed]:
    """Clauses of the message in which nothing was understood (fillers aside)."""
    missed = []
    for start, end in clauses(p.text):
        if p.is_used(start, end):
            continue
        words = p.text[start:end].strip(" ,.;!?。，！？；、")
        if found and not re.search(_ACTION, words):
            continue  # "I have some photos from my trip": context, not an instruction
        if words and not is_filler(words):
            missed.append(Missed("unknown", restore_quotes(words, p.quotes)))
    return missed


_STEPS = (
    read_negations,
    read_photo_ops,
    read_text,
    read_frame,
    read_lengths,
    read_motion,
    read_pace,
    read_whole,
)
