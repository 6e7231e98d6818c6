"""Photos named by a word: "the sunset photo", "beach.jpg", "海边那张" become "photo N".

A photo's file name is split into words ("IMG_2041 Sunset-Beach.jpg" -> img, 2041, sunset,
beach); a word that names exactly one photo of the video, said before a photo noun ("the sunset
photo", "the dog one") or as the whole file name, is replaced by that photo's number. For Chinese,
the catalogue's subject words carry it over: "海边" is a word for "beach", so "删掉海边那张" finds
beach.jpg.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import catalog


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# File-name words that name no photo: camera prefixes, extensions, and the words the director
# reads as instructions ("the first photo" is never first.jpg).
_GENERIC = _wordset(
    "img image dsc dscn pxl photo pic picture screenshot copy edited final edit jpg jpeg png "
    "heic mov mp4 whatsapp vid video file untitled new first second third fourth fifth last "
    "next start end beginning music song title caption square vertical portrait landscape "
    "transition fade wipe slide zoom pan one two three"
)
PHOTO_NOUN = r"(?:photos?|pictures?|pics?|images?|shots?|ones?|slides?|clips?)"
_ZH_NOUN = r"(?:的)?(?:那|这)?(?:一)?(?:张|个)(?:照片|图片|图|相片)?|的?(?:照片|图片|相片|图)"


def alternation(name: str) -> set[str]:
    stem = name.rsplit(".", 1)[0]
    stem = re.sub(r"([a-z])([A-Z])", r"\1 \2", stem).lower()
    return {w for w in re.split(r"[^a-z]+", stem) if len(w) >= 3 and w not in _GENERIC}


def _unique_words(photo_names: Sequence[str]) -> dict[str, int]:
    """Word -> 1-based photo number, for words that name exactly one photo."""
    owners: dict[str, set[int]] = {}
    for number, name in enumerate(photo_names, 1):
        for word in alternation(name):
            owners.setdefault(word, set()).add(number)
            if word.endswith("s"):
                owners.setdefault(word[:-1], set()).add(number)
    return {word: next(iter(found)) for word, found in owners.items() if len(found) == 1}


def name_photos(text: str, photo_names: Sequence[str]) -> str:
    """``text`` with the photos it names by a word or file name written as "photo N"."""
    if not photo_names:
        return text
    words = _unique_words(photo_names)
    by_file = {name.lower(): n for n, name in enumerate(photo_names, 1)}

    def by_word(match: re.Match[str]) -> str:
        number = words.get(match.group("w"))
        return f"photo {number}" if number else match.group()

    text = re.sub(rf"\b(?:the\s+)?(?P<w>[a-z]{{3,30}})\s+{PHOTO_NOUN}\b", by_word, text)
    # "the photo with the dog", "the picture of the beach"
    text = re.sub(
        rf"\b(?:the\s+)?{PHOTO_NOUN}\s+(?:of|with)\s+(?:the\s+|a\s+|an\s+|my\s+|our\s+)?"
        rf"(?P<w>[a-z]{{3,30}})\b",
        by_word,
        text,
    )
    # "start with the dog": "the" and a word that names one photo
    text = re.sub(
        r"\bthe\s+(?P<w>[a-z]{3,30})\b(?!\s*(?:music|song|title|caption|transition|video))",
        by_word,
        text,
    )

    def file(match: re.Match[str]) -> str:
        before = text[max(0, match.start() - 6) : match.start()]
        number = by_file.get(match.group())
        if number is None or re.search(r"(?:with|by|to|成|为|用)\s*$", before):
            return match.group()  # "replace photo 2 with beach.jpg": the new photo
        return f"photo {number}"

    text = re.sub(r"(?<![a-z0-9_.\-])[a-z0-9_\-][a-z0-9_.\-]{0,80}\.[a-z0-9]{2,4}\b", file, text)

    def by_word_zh(match: re.Match[str]) -> str:
        number = words.get(match.group("w"))
        return f"第{number}张" if number else match.group()

    text = re.sub(rf"\b(?P<w>[a-z]{{3,30}})\s*(?:{_ZH_NOUN})", by_word_zh, text)
    zh_words = {
        zh: words[en] for en, found in catalog.SUBJECTS.items() if en in words for zh in found
    }
    if zh_words:
        options = "|".join(sorted(map(re.escape, zh_words), key=len, reverse=True))

        def by_zh(match: re.Match[str]) -> str:
            return f"第{zh_words[match.group('w')]}张"

        text = re.sub(rf"(?:有)?(?P<w>{options})(?:{_ZH_NOUN})", by_zh, text)
    return text
