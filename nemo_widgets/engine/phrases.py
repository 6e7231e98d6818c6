"""The director's English and Chinese vocabulary, and the normalisation of a chat message.

Everything here is a table or a pure string function: the director's parser (``intents.py``)
matches its regular expressions against the text that :func:`normalise` returns, in which

* quoted text ('…', "…", “…”, ‘…’, 「…」, 『…』) is replaced by a placeholder ``⟦n⟧`` so that
  a title such as "Remove the music" is never read as an instruction;
* English number words become digits ("fifteen" -> "15", "twenty-five" -> "25",
  "a minute" -> "1 minute", "half a minute" -> "30 seconds");
* Chinese numerals in front of a unit or after 第 become digits ("十五秒" -> "15秒",
  "第二张" -> "第2张", "三张" -> "3张", "百分之三十" -> "30%");
* letters are lower-cased and full-width digits, colons and percent signs are made ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import cn2an
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from . import catalog
from .real_words import REAL_WORDS

# --------------------------------------------------------------------------- numbers

EN_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
EN_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
EN_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_ZH_NUMERAL = "[零〇一二两三四五六七八九十百千点]"
# Units after which a Chinese numeral is a count or a length ("三张", "十五秒").
_ZH_UNITS = "秒|张|分钟|分|帧|个|段|倍|%|遍|小时|次"

# --------------------------------------------------------------------------- vocabulary

# Word -> schema value tables for matching, all read from the one catalogue (catalog.py).
ASPECT_WORDS = {
    **catalog.english_words(catalog.ASPECTS),
    **catalog.chinese_words(catalog.ASPECTS),
    **{word: platform.aspect for platform in catalog.PLATFORMS for word in platform.words},
}
PLATFORM_NAMES = {word: platform.name for platform in catalog.PLATFORMS for word in platform.words}
TRANSITION_WORDS = {
    **catalog.english_words(catalog.TRANSITIONS),
    **catalog.chinese_words(catalog.TRANSITIONS),
}
MOTION_WORDS = {
    **catalog.english_words(catalog.MOTIONS, catalog.MOTION_STYLES),
    **catalog.chinese_words(catalog.MOTIONS, catalog.MOTION_STYLES),
}
POSITION_WORDS = {
    **catalog.english_words(catalog.POSITIONS),
    **catalog.chinese_words(catalog.POSITIONS),
}
COLOUR_WORDS = {**catalog.english_words(catalog.COLOURS), **catalog.chinese_words(catalog.COLOURS)}
FIT_WORDS = {**catalog.english_words(catalog.FITS), **catalog.chinese_words(catalog.FITS)}

# --------------------------------------------------------------------------- normalising

QUOTE_PAIRS = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」", "『": "』", "《": "》"}
QUOTES_MAX = 50  # quotations kept per message
QUOTE_MAX = 200  # longer quoted text is not a title: bounded, so each quote is read in one pass
_QUOTED = re.compile(
    # An apostrophe between letters ("don't") stays inside a single-quoted text.
    rf"""(?<![a-z0-9])'((?:[^']|'(?=[a-z])){{1,{QUOTE_MAX}}})'(?![a-z])"""
    rf"""|"([^"]{{1,{QUOTE_MAX}}})"|“([^”]{{1,{QUOTE_MAX}}})”|‘([^’]{{1,{QUOTE_MAX}}})’"""
    rf"""|「([^」]{{1,{QUOTE_MAX}}})」|『([^』]{{1,{QUOTE_MAX}}})』|《([^》]{{1,{QUOTE_MAX}}})》""",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"⟦(\d+)⟧")


def is_chinese(text: str) -> bool:
    """True when the message holds CJK ideographs: the reply is then in Chinese."""
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def extract_quotes(message: str) -> tuple[str, list[str]]:
    """Replace quoted text by ``⟦n⟧`` placeholders; return the text and the quotes in order.

    A single quote only opens a quotation when it does not follow a letter, so "don't" and
    "photo's" are left alone. Past ``QUOTES_MAX`` quotations (no message needs more: a title
    and a few captions), quoted text is dropped.
    """
    quotes: list[str] = []

    def keep(match: re.Match[str]) -> str:
        if len(quotes) >= QUOTES_MAX:
            return " "
        text = next(group for group in match.groups() if group is not None).strip()
        quotes.append(text)
        return f" ⟦{len(quotes) - 1}⟧ "

    return _QUOTED.sub(keep, message), quotes


def zh_number(numeral: str) -> float | None:
    """A Chinese numeral as a number, read by cn2an: "十五" -> 15, "两" -> 2, "一点五" -> 1.5."""
    try:
        value = cn2an.cn2an(numeral, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(value) if float(value).is_integer() else float(value)


def _digits(value: float) -> str:
    return f"{value:g}"


def _en_numbers(text: str) -> str:
    """English number words -> digits ("twenty-five" -> "25", "a minute" -> "1 minute",
    "one and a half" -> "1.5"); fractions and multiples become the tokens the parser reads
    ("a third" -> "⅓", "twice" -> "2x")."""
    text = re.sub(r" ?\b(?:percent|per cent|pct)\b", "%", text)
    text = re.sub(r"\bhalf an? minute\b", "30 seconds", text)
    text = re.sub(r"\bhalf a second\b", "0.5 seconds", text)
    text = re.sub(r"\ba (minute|min) and a half\b", r"1.5 \1s", text)
    text = re.sub(r"\b(?:a|an|one) (minute|min)\b", r"1 \1", text)
    text = text.replace(" and a half", " andahalf")
    text = re.sub(r"\b(?:a|one)[- ](third|quarter|half)\b", lambda m: _FRACTIONS[m.group(1)], text)
    text = re.sub(r"\b(?:twice|double)\b", "2x", text)
    text = re.sub(r"\b(?:triple|three times)\b", "3x", text)
    tens = "|".join(EN_TENS)
    units = "|".join(EN_UNITS)

    def number(match: re.Match[str]) -> str:
        ten, unit, alone = match.group(1), match.group(2), match.group(3)
        if ten:
            return str(EN_TENS[ten] + (EN_UNITS[unit] if unit else 0))
        return str(EN_UNITS[alone])

    pattern = rf"\b(?:({tens})(?:[- ]({units}))?|({units}))\b"
    # "the first one", "this one": "one" is a pronoun there, not a number.
    pronoun = re.compile(
        rf"\b(?:{'|'.join(EN_ORDINALS)}|last|this|that|each|every|the|which|new|other) one\b"
    )
    protected = [m.span() for m in pronoun.finditer(text)]

    def replace(match: re.Match[str]) -> str:
        if match.group(3) == "one" and (
            any(s <= match.start() < e for s, e in protected)
            or not (
                _ONE_BEFORE.match(text, match.end()) or _ONE_AFTER.search(text[: match.start()])
            )
        ):
            return match.group(0)  # "the mountain one", "which one": a pronoun
        return number(match)

    text = re.sub(pattern, replace, text)
    text = re.sub(r"\b(\d+) andahalf\b", lambda m: f"{int(m.group(1))}.5", text)
    text = text.replace(" andahalf", " and a half")
    return re.sub(r"\b(\d+) point (\d)\b", r"\1.\2", text)


_FRACTIONS = {"third": "⅓", "quarter": "¼", "half": "½"}
# "one" is a number before a unit or a noun, or after a photo noun ("photo one"); else a pronoun.
_ONE_BEFORE = re.compile(
    r"\s*(?:-\s*)?(?:seconds?|secs?|s\b|minutes?|mins?|hours?|photos?|pictures?|images?|pics?|slides?"
    r"|shots?|clips?|frames?|fps|more|by|x\b|:|point|and\s+a\s+half|andahalf|%|percent)"
)
_ONE_AFTER = re.compile(r"(?:photo|picture|image|pic|slide|number|#|to|from|position|and|or)\s*$")
_ZH_RUN = re.compile(f"{_ZH_NUMERAL}{{1,12}}")


def _zh_numbers(text: str) -> str:
    """Chinese numerals before a unit, or after 第/前/后, -> digits ("第二张" -> "第2张",
    "两分半" -> "2分30秒", "三十%" -> "30%"); a third, half -> the parser's tokens."""
    text = text.replace("半分钟", "30秒")
    text = re.sub(r"三分之一", "⅓", text)
    text = re.sub(r"四分之一", "¼", text)
    text = re.sub(r"一半", "½", text)
    text = re.sub(
        rf"百分之({_ZH_NUMERAL}{{1,12}}|\d{{1,3}})",
        lambda m: f"{m.group(1) if m.group(1).isdigit() else _digits(zh_number(m.group(1)) or 0)}%",
        text,
    )

    def convert(match: re.Match[str]) -> str:
        run = match.group()
        before, after = text[max(0, match.start() - 1) : match.start()], text[match.end() :]
        if not (before in ("第", "前", "后") or re.match(rf"\s*(?:{_ZH_UNITS})", after)):
            return run
        value = zh_number(run)
        return run if value is None else _digits(value)

    text = _ZH_RUN.sub(convert, text)
    text = re.sub(r"(\d+)\s*分(?:钟)?半(?:钟)?", r"\1分30秒", text)
    text = re.sub(r"(\d+)\s*秒(?:钟)?半(?:钟)?", r"\1.5秒", text)
    text = re.sub(r"(\d+)\s*个半小时", r"\1.5小时", text)
    text = re.sub(r"(?<![\d.])半秒", "0.5秒", text)
    return re.sub(r"(\d+)\s*倍", r"\1x", text)


# --------------------------------------------------------------------------- typos


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# English words the parser reads: a word within one edit of one of these (two for long words)
# is read as it ("secnds" -> "seconds", "sqaure" -> "square", "captoin" -> "caption"); words of
# fewer than five letters are left alone.
KEYWORDS = frozenset(
    word
    for phrase in (
        *ASPECT_WORDS,
        *TRANSITION_WORDS,
        *MOTION_WORDS,
        *POSITION_WORDS,
        *COLOUR_WORDS,
        *FIT_WORDS,
    )
    for word in phrase.split()
    if word.isascii() and word.isalpha() and len(word) >= 5
) | {
    w
    for w in _wordset(
        "seconds second minutes minute photos photo pictures picture images image slides slide "
        "caption captions subtitle subtitles title music song soundtrack volume quieter louder "
        "transition transitions crossfade crossfades remove delete shorter longer faster slower "
        "reverse replace background slideshow video length duration first last every each "
        "quicker start beginning export render square vertical portrait landscape horizontal "
        "instagram tiktok youtube frame black white bars swap move order undo fade dissolve "
        "zoom pan burns ken wipe wipes resolution please without make"
    )
    if len(w) >= 5
}
# Everyday words that are never corrected, even when close to a keyword ("there" ~ "three").
_COMMON = _wordset(
    "there their these those where were here have make made more move mode some same time "
    "file fine five like line nice mine site sure pure just want with into onto over "
    "them then than they this that what when while which whole each also only very much "
    "many most must next text test best rest west last fast past cast vast font foot fold "
    "bold gold told hold call tall ball wall fall full pull sale tale male mile smile "
    "style slow show shot shots shoot photos pics pic play plays stay stays long song sing "
    "wing ring bring thing think thank thanks could would should maybe little bit bits "
    "about above after again along also away back been before being below both down even "
    "ever from give goes going good great have help here just keep kind know look lots "
    "many need never nothing okay once other ours part really right said says seem shall "
    "since still such take tell than thing those though through under until upon used "
    "using want ways well went will within without work works your yours yeah sorry hello "
    "thanks cool hey great love lovely nice awesome amazing beautiful pretty cute little "
    "video photo photos seconds minutes title music"
)


_BY_FIRST_LETTER: dict[str, tuple[str, ...]] = {}
for _keyword in sorted(KEYWORDS):
    _BY_FIRST_LETTER[_keyword[0]] = (*_BY_FIRST_LETTER.get(_keyword[0], ()), _keyword)


@lru_cache(maxsize=4096)
def _correct(word: str) -> str:
    if word in KEYWORDS or word in _COMMON or word in REAL_WORDS or not 5 <= len(word) <= 20:
        return word
    limit = 1 if len(word) <= 7 else 2
    # People rarely mistype a word's first letter: "feels" is not a typo of "reels".
    candidates = _BY_FIRST_LETTER.get(word[0], ())
    found = process.extractOne(
        word, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=limit
    )
    return found[0] if found else word


def correct_typos(text: str) -> str:
    """Each ASCII word within an edit or two of a keyword is replaced by it (rapidfuzz)."""
    return re.sub(r"(?<![\w.\-])[a-z]{5,20}(?![\w\-]|\.\w)", lambda m: _correct(m.group()), text)


# --------------------------------------------------------------------------- normalising

MAX_MESSAGE_CHARS = 4000  # a longer message is read up to here, and the reply says so
_LONG_RUN = re.compile(r"[^\s\u4e00-\u9fff]{65,}")
# Characters no instruction uses (other scripts, symbols, emoji) become spaces: the patterns
# then scan only ASCII, CJK ideographs and CJK punctuation.
_UNUSED = re.compile(r"[^\x00-\x7f\u4e00-\u9fff\u3000-\u303f\uff00-\uffef⟦⟧⅓¼½“”‘’×]+")


def normalise(message: str) -> tuple[str, list[str]]:
    """The message ready for matching (see the module docstring) and its quoted texts.

    Linear time: quotes are found in one pass, runs of 65 or more non-space, non-CJK
    characters (no word people type is that long) are dropped before any pattern reads them.
    """
    text, quotes = extract_quotes(message[:MAX_MESSAGE_CHARS])
    # NFKC turns full-width digits, colons and percent signs into ASCII ones.
    text = unicodedata.normalize("NFKC", text).lower()
    # One space between words from here on: no pattern then meets a long run of whitespace.
    text = " ".join(_LONG_RUN.sub(" ", _UNUSED.sub(" ", text)).split())
    text = _zh_numbers(_en_numbers(correct_typos(text)))
    return " ".join(text.split()), quotes
