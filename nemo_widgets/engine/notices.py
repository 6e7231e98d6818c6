"""What the engine itself (not the director) tells a person about a turn, in their language.

The director answers in the language of the message; these are the engine's own refusals
around it, in English or Chinese: the session's language, or Chinese when the message is.
"""

from __future__ import annotations

import re

_CHINESE = re.compile(r"[\u3400-\u9fff]")

_TEXTS = {
    "too_long": {
        "en": "This message is {length} characters long; the local engine reads at most "
        "{limit} at a time. Send a shorter message: a sentence or two about the video.",
        "zh": "这条消息有 {length} 个字符，本地引擎一次最多读取 {limit} 个。"
        "请发一条短一些的消息：用一两句话说说想要的视频。",
    },
    "too_slow": {
        "en": "The local director took longer than {budget:g} s over this message and was "
        "stopped. Nothing was changed: send a shorter or simpler message.",
        "zh": "本地导演处理这条消息超过了 {budget:g} 秒，已被停止。"
        "视频没有任何改动：请发一条更短或更简单的消息。",
    },
}


def language(session_language: str, text: str = "") -> str:
    """ "zh" or "en": the language to answer in."""
    if session_language.lower().startswith("zh") or _CHINESE.search(text[:2000]):
        return "zh"
    return "en"


def say(key: str, lang: str, **values: object) -> str:
    texts = _TEXTS[key]
    return texts.get(lang, texts["en"]).format(**values)
