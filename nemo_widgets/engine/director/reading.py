"""The reader's tools: the shared patterns (lengths, photo references, file names), the
:class:`Parser` that finds instructions in a normalised message (a span of text is used only
once), and the clause splitter.

Every pattern is linear in the text: no nested unbounded quantifiers, file names and quotes of
bounded length, each pattern tried only where a word starts, and the message is cut at
``phrases.MAX_MESSAGE_CHARS`` before it is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..phrases import (
    EN_ORDINALS,
    PLACEHOLDER,
    POSITION_WORDS,
    TRANSITION_WORDS,
)
from . import ops

MUSIC_FADE_OUT_MS = 2000  # also the fade-out a plain "fade out" asks for


VOLUME_STEP = 15  # percentage points for "quieter"/"louder"


FASTER, SLOWER = 0.75, 1.33


SHORTER, LONGER = 0.75, 1.33


def alternation(table: Any) -> str:
    """A regex alternation of the table's phrases, longest first; ASCII ones as whole words."""
    phrases = sorted(table, key=len, reverse=True)
    ascii_words = "|".join(re.escape(p) for p in phrases if p.isascii())
    others = "|".join(re.escape(p) for p in phrases if not p.isascii())
    # One \b around the whole group: the engine then tries the words only at word starts.
    return "|".join(part for part in (ascii_words and rf"\b(?:{ascii_words})\b", others) if part)


NUMBER = r"\d+(?:\.\d+)?"


# A length: "15 s", "15-second", "1.5 minutes", "1 min 30 s", "500 ms", "15秒", "1分30秒".
DURATION = (
    rf"(?P<n>{NUMBER})\s*-?\s*(?:(?P<min>minutes?|mins?|分钟|分)"
    rf"(?:\s*(?:and\s*)?(?P<n2>{NUMBER})\s*-?\s*(?:seconds?|secs?|s|秒))?"
    r"|(?P<ms>milliseconds?|ms|毫秒)|(?:seconds?|secs?|s|秒))(?![a-z])"
)


ORDINAL = "|".join(EN_ORDINALS) + r"|last|\d+(?:st|nd|rd|th)"


PHOTO_NOUN = r"(?:photo|image|picture|pic|slide|clip|shot|video)"


PHOTOS = r"(?:photos?|images?|pictures?|pics?|slides?|shots?|照片|图片|相片|图)"


# A reference to one visual segment: "photo 2", "the second image", "第2张", "最后一张".
REF = (
    rf"(?:{PHOTO_NOUN}s?\s*(?:no\.?\s*|number\s*|#\s*)?\d+\b"
    rf"|(?:the\s+)?(?:{ORDINAL})\s+(?:{PHOTO_NOUN}|one)\b"
    r"|第\d+(?:张|个)(?:照片|图片|图|视频|片段)?|最后(?:一|1)(?:张|个)(?:照片|图片|图)?)"
)


# File names: a bounded run of name characters (linear: no nested quantifiers) and an extension.
FILE_NAME = r"(?<![a-z0-9_.\-])[a-z0-9_\-][a-z0-9_.\-]{0,80}"


FILE = FILE_NAME + r"\.(?:jpe?g|png|gif|webp|heic|heif|bmp|tiff?|avif|mp4|mov|webm|m4v|mkv)\b"


AUDIO_FILE = FILE_NAME + r"\.(?:mp3|wav|m4a|aac|ogg|flac|opus)\b"


POSITION = alternation(POSITION_WORDS)


STYLES = alternation(TRANSITION_WORDS)


BREAK = r"[,;!?。！？；、]|\.(?!\d)|\band\b|\bthen\b|然后|并且|同时"


MUSIC = r"(?:\bbackground\s+music\b|\bmusic\b|\bsoundtrack\b|\bsong\b|\bbgm\b|背景音乐|音乐|配乐)"


# A clause about each photo: "each photo", "every picture", "per slide", "3 s each", "每张".
PER_PHOTO = (
    r"\b(?:each|every|per|a)\s+(?:single\s+)?(?:photo|picture|image|pic|slide|shot)s?\b"
    r"|\b(?:photos?|pictures?|images?|pics?|slides?|shots?)\b.{0,40}\beach\b|\beach\s*$"
    r"|\b(?:each|every)\s+(?:one|of\s+them)\b|\bevery\s+\d+(?:\.\d+)?\s*(?:seconds?|secs?|s)\b"
    r"|\b(?:the\s+)?(?:others|other\s+ones|other\s+photos|rest)\b"
    r"|每(?:一|1)?张|每个(?:画面|照片)|每幅|(?<![\d.])1张(?:照片|图片|图)?|照片每张|每张照片|其他的?|其余的?"
)


SWAP_WORDS = r"\b(?:swap|switch|exchange)\b|交换|互换|调换|对调|换"


REMOVE = (
    r"remove|delete|drop|lose|ditch|kill|cut|skip|take\s+out|take\s+away|get\s+rid\s+of"
    r"|turn\s+off|switch\s+off|shut\s+off|stop|scrap|leave\s+out"
)


_DUR_PREFIXES = ("", "e", "t", "u", "y", "z")


def duration_pattern(prefix: str) -> str:
    """``DURATION`` with its group names prefixed, for a second length in the same pattern."""
    return DURATION.replace("?P<", f"?P<{prefix}")


def duration_ms(match: re.Match[str]) -> int:
    """Milliseconds of the first ``DURATION`` (or ``duration_pattern(prefix)``) in a match."""
    groups = match.groupdict()
    for prefix in _DUR_PREFIXES:
        if groups.get(f"{prefix}n"):
            number = float(groups[f"{prefix}n"])
            if groups.get(f"{prefix}min"):
                return round((number * 60 + float(groups.get(f"{prefix}n2") or 0)) * 1000)
            return round(number) if groups.get(f"{prefix}ms") else round(number * 1000)
    raise ValueError("no length in this match")


def first_group(match: re.Match[str], *names: str) -> str:
    """The text of the first of the named groups that took part in ``match``: the groups one
    pattern's alternatives capture the same thing in ("a" in English, "b" in Chinese...)."""
    groups = match.groupdict()
    return next(groups[name] for name in names if groups.get(name))


def ref_number(text: str) -> int:
    """1-based photo number of a ``REF`` match; -1 means the last one."""
    if "最后" in text or re.search(r"\blast\b", text):
        return -1
    digits = re.search(r"\d+", text)
    if digits:
        return int(digits.group())
    word = re.search("|".join(EN_ORDINALS), text)
    return EN_ORDINALS[word.group()] if word else 1


@lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern[str]:
    """``pattern``, tried only where a word, a number, a placeholder or a CJK character starts:
    the regex engine skips every other position without trying the alternatives (10-100x
    faster on long messages, same matches: every instruction starts with one of these)."""
    return re.compile(
        rf"(?:(?<![a-z])|(?=[\d⟦⅓¼½\u4e00-\u9fff]))(?=[\w⟦⅓¼½\u4e00-\u9fff])(?:{pattern})"
    )


@dataclass(frozen=True)
class Missed:
    """Something asked for that the director cannot do (``code`` "generate", "unsupported",
    "one_photo_length") or did not understand ("unknown"): ``what`` is the person's words."""

    code: str
    what: str


class Parser:
    """Finds instructions in a normalised message; a span of text is used only once."""

    def __init__(self, text: str, quotes: list[str]) -> None:
        self.text = text
        self.quotes = quotes
        # One flag per character: used by an earlier match (a mask keeps each check linear).
        self.used = bytearray(len(text))
        self.ops: list[tuple[int, ops.Op]] = []
        self.missed: list[Missed] = []  # what a reader recognised as asked for but not possible

    def find(self, pattern: str, needs: str | None = None) -> Iterator[re.Match[str]]:
        """Matches of ``pattern`` that overlap no earlier match; each is marked as used.

        ``needs`` is a pattern without which ``pattern`` cannot match ("swap|交换" for the swap
        patterns): when it is absent, the long pattern is not run at all."""
        if needs is not None and not re.search(needs, self.text):
            return
        for match in compiled(pattern).finditer(self.text):
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
        stop = re.search(BREAK, rest)
        found = re.search(pattern, rest[: stop.start()] if stop else rest)
        if found is not None:
            offset = match.end()
            self.take(offset + found.start(), offset + found.end())
        return found

    def position_after(self, match: re.Match[str]) -> str | None:
        """A position ("at the top", "顶部") in the clause after ``match``; marked as used."""
        found = self.find_after(match, POSITION)
        return POSITION_WORDS[found.group()] if found else None


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
