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
ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
ZH_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
ZH_MULTIPLIERS = {"十": 10, "百": 100}
_ZH_NUMERAL = "[零〇一二两三四五六七八九十百]+"
# Units after which a Chinese numeral is a count or a length ("三张", "十五秒").
_ZH_UNITS = "秒|张|分钟|分|帧|个|段|倍|%"

# --------------------------------------------------------------------------- vocabulary

# Platforms and orientation words -> aspect ratio (checked longest phrase first).
ASPECT_WORDS = {
    "youtube shorts": "9:16",
    "instagram reels": "9:16",
    "instagram story": "9:16",
    "instagram stories": "9:16",
    "tiktok": "9:16",
    "reels": "9:16",
    "reel": "9:16",
    "shorts": "9:16",
    "stories": "9:16",
    "story": "9:16",
    "vertical": "9:16",
    "portrait": "9:16",
    "instagram": "4:5",
    "youtube": "16:9",
    "landscape": "16:9",
    "horizontal": "16:9",
    "widescreen": "16:9",
    "square": "1:1",
    "抖音": "9:16",
    "快手": "9:16",
    "视频号": "9:16",
    "竖屏": "9:16",
    "竖版": "9:16",
    "竖向": "9:16",
    "横屏": "16:9",
    "横版": "16:9",
    "宽屏": "16:9",
    "正方形": "1:1",
    "方形": "1:1",
    "方屏": "1:1",
}
# Display names of the platforms, for replies ("9:16 for TikTok").
PLATFORM_NAMES = {
    "youtube shorts": "YouTube Shorts",
    "instagram reels": "Instagram Reels",
    "instagram story": "Instagram Stories",
    "instagram stories": "Instagram Stories",
    "tiktok": "TikTok",
    "reels": "Reels",
    "reel": "Reels",
    "shorts": "Shorts",
    "stories": "Stories",
    "story": "Stories",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "抖音": "抖音",
    "快手": "快手",
    "视频号": "视频号",
}

# Transition words -> schema transition type (longest phrase first when matching).
TRANSITION_WORDS = {
    "fade to black": "fade_black",
    "fade through black": "fade_black",
    "dip to black": "fade_black",
    "crossfades": "crossfade",
    "crossfade": "crossfade",
    "cross-fade": "crossfade",
    "cross fade": "crossfade",
    "dissolve": "crossfade",
    "smooth": "crossfade",
    "fades": "crossfade",
    "fade": "crossfade",
    "wipe left": "wipe_left",
    "wipe right": "wipe_right",
    "wipes": "wipe_left",
    "wipe": "wipe_left",
    "slide left": "slide_left",
    "slide right": "slide_right",
    "slides": "slide_left",
    "slide": "slide_left",
    "zoom": "zoom",
    "hard cuts": "none",
    "cuts": "none",
    "no transitions": "none",
    "no transition": "none",
    "淡入淡出": "crossfade",
    "交叉淡化": "crossfade",
    "叠化": "crossfade",
    "渐变": "crossfade",
    "平滑": "crossfade",
    "柔和": "crossfade",
    "闪黑": "fade_black",
    "黑场": "fade_black",
    "擦除": "wipe_left",
    "滑动": "slide_left",
    "推移": "slide_left",
    "缩放": "zoom",
    "硬切": "none",
    "无转场": "none",
    "不要转场": "none",
    "去掉转场": "none",
    "取消转场": "none",
}

# Motion words -> a motion, or "ken_burns" (a gentle cycle of the four moves).
MOTION_WORDS = {
    "ken burns": "ken_burns",
    "kenburns": "ken_burns",
    "zoom in": "zoom_in",
    "zoom-in": "zoom_in",
    "zoom out": "zoom_out",
    "zoom-out": "zoom_out",
    "pan left": "pan_left",
    "pan right": "pan_right",
    "panning": "pan",
    "pan": "pan",
    "slow zoom": "zoom_in",
    "no motion": "static",
    "no movement": "static",
    "no zoom": "static",
    "static": "static",
    "still": "static",
    "推近": "zoom_in",
    "放大": "zoom_in",
    "拉远": "zoom_out",
    "缩小": "zoom_out",
    "平移": "pan",
    "摇镜": "pan",
    "动感": "ken_burns",
    "动态": "ken_burns",
    "运镜": "ken_burns",
    "静态": "static",
    "静止": "static",
    "不要动": "static",
}
# The Ken Burns cycle: one move per photo, so consecutive photos never move alike.
KEN_BURNS_CYCLE = ("zoom_in", "pan_right", "zoom_out", "pan_left")
PAN_CYCLE = ("pan_right", "pan_left")

POSITION_WORDS = {
    "at the top": "top",
    "on top": "top",
    "top": "top",
    "in the centre": "center",
    "in the center": "center",
    "in the middle": "center",
    "centre": "center",
    "center": "center",
    "middle": "center",
    "at the bottom": "bottom",
    "bottom": "bottom",
    "顶部": "top",
    "顶端": "top",
    "上方": "top",
    "上面": "top",
    "中间": "center",
    "居中": "center",
    "正中": "center",
    "中央": "center",
    "底部": "bottom",
    "下方": "bottom",
    "下面": "bottom",
}

COLOUR_WORDS = {
    "black": "#000000",
    "white": "#ffffff",
    "grey": "#808080",
    "gray": "#808080",
    "黑色": "#000000",
    "白色": "#ffffff",
    "灰色": "#808080",
}

# Human names of the schema's values, for replies.
TRANSITION_NAMES = {
    "crossfade": ("crossfades", "交叉淡化"),
    "fade_black": ("fades through black", "闪黑"),
    "wipe_left": ("wipes", "擦除"),
    "wipe_right": ("wipes to the right", "向右擦除"),
    "slide_left": ("slides", "滑动"),
    "slide_right": ("slides to the right", "向右滑动"),
    "zoom": ("zoom transitions", "缩放转场"),
    "none": ("hard cuts", "硬切"),
}
MOTION_NAMES = {
    "static": ("static photos", "静止画面"),
    "zoom_in": ("a slow zoom in", "缓慢推近"),
    "zoom_out": ("a slow zoom out", "缓慢拉远"),
    "pan_left": ("a pan to the left", "向左平移"),
    "pan_right": ("a pan to the right", "向右平移"),
    "pan": ("alternating pans", "左右交替平移"),
    "ken_burns": ("Ken Burns zooms and pans", "Ken Burns 缩放平移"),
}
POSITION_NAMES = {
    "top": ("at the top", "顶部"),
    "center": ("in the centre", "居中"),
    "bottom": ("at the bottom", "底部"),
}


# --------------------------------------------------------------------------- normalising

QUOTE_PAIRS = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」", "『": "』", "《": "》"}
_QUOTED = re.compile(
    # An apostrophe between letters ("don't") stays inside a single-quoted text.
    r"""(?<![a-z0-9])'((?:[^']|'(?=[a-z]))+)'(?![a-z])"""
    r"""|"([^"]+)"|“([^”]+)”|‘([^’]+)’|「([^」]+)」|『([^』]+)』|《([^》]+)》""",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"⟦(\d+)⟧")


def is_chinese(text: str) -> bool:
    """True when the message holds CJK ideographs: the reply is then in Chinese."""
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def extract_quotes(message: str) -> tuple[str, list[str]]:
    """Replace quoted text by ``⟦n⟧`` placeholders; return the text and the quotes in order.

    A single quote only opens a quotation when it does not follow a letter, so "don't" and
    "photo's" are left alone.
    """
    quotes: list[str] = []

    def keep(match: re.Match[str]) -> str:
        text = next(group for group in match.groups() if group is not None).strip()
        quotes.append(text)
        return f" ⟦{len(quotes) - 1}⟧ "

    return _QUOTED.sub(keep, message), quotes


def zh_number(numeral: str) -> int | None:
    """A Chinese numeral (up to the hundreds) as an int: "十五" -> 15, "二十" -> 20."""
    total, current = 0, 0
    for char in numeral:
        if char in ZH_DIGITS:
            current = current * 10 + ZH_DIGITS[char] if current else ZH_DIGITS[char]
        elif char in ZH_MULTIPLIERS:
            total += (current or 1) * ZH_MULTIPLIERS[char]
            current = 0
        else:
            return None
    return total + current


def _en_numbers(text: str) -> str:
    """English number words -> digits ("twenty-five" -> "25", "a minute" -> "1 minute")."""
    text = re.sub(r"\bhalf an? minute\b", "30 seconds", text)
    text = re.sub(r"\b(?:a|an|one) (minute|min)\b", r"1 \1", text)
    tens = "|".join(EN_TENS)
    units = "|".join(EN_UNITS)

    def number(match: re.Match[str]) -> str:
        ten, unit, alone = match.group(1), match.group(2), match.group(3)
        if ten:
            return str(EN_TENS[ten] + (EN_UNITS[unit] if unit else 0))
        return str(EN_UNITS[alone])

    pattern = rf"\b(?:({tens})(?:[- ]({units}))?|({units}))\b"
    # "the first one", "this one": "one" is a pronoun there, not a number.
    pronoun = re.compile(rf"\b(?:{'|'.join(EN_ORDINALS)}|last|this|that|each|every|the) one\b")
    protected = [m.span() for m in pronoun.finditer(text)]

    def replace(match: re.Match[str]) -> str:
        if match.group(3) == "one" and any(s <= match.start() < e for s, e in protected):
            return match.group(0)
        return number(match)

    return re.sub(pattern, replace, text)


def _zh_numbers(text: str) -> str:
    """Chinese numerals before a unit or after 第 -> digits ("第二张" -> "第2张")."""
    text = re.sub(r"半分钟", "30秒", text)
    text = re.sub(
        rf"百分之({_ZH_NUMERAL}|\d+)",
        lambda m: f"{m.group(1) if m.group(1).isdigit() else zh_number(m.group(1))}%",
        text,
    )

    def convert(match: re.Match[str]) -> str:
        value = zh_number(match.group(2))
        return match.group(0) if value is None else f"{match.group(1)}{value}"

    text = re.sub(rf"(第)({_ZH_NUMERAL})", convert, text)
    return re.sub(rf"()({_ZH_NUMERAL})(?=\s*(?:{_ZH_UNITS}))", convert, text)


def normalise(message: str) -> tuple[str, list[str]]:
    """The message ready for matching (see the module docstring) and its quoted texts."""
    text, quotes = extract_quotes(message)
    # NFKC turns full-width digits, colons and percent signs into ASCII ones.
    text = unicodedata.normalize("NFKC", text).lower()
    text = _zh_numbers(_en_numbers(text))
    return " ".join(text.split()), quotes
