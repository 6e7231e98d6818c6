"""Which messages the assistant answers itself, and how the agent's web-editor talk is rewritten.

The reference skill routes a few commands locally and sends everything else to the agent:
"export"/"download"/"导出" -> export (never sent to the agent), "credits"/"balance"/"积分"/"余额"
-> credits, "status"/"show tracks"/"状态" -> the timeline summary, "upload"/"上传" -> upload.

Only short, command-like messages route locally: once the filler words are gone ("please",
"it", "the video", "我", "一下", ...), what is left must be the command and nothing else. So
"export it please" exports, while "make the export look cinematic" goes to the agent.

The agent believes the user sits in NemoVideo's web editor and says "click Export" or "drag the
clip". :func:`translate_gui` rewrites those phrases into what the user can do here, and leaves
every other sentence alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .wording import Language

Intent = Literal["export", "credits", "status", "upload", "agent"]


@dataclass(frozen=True)
class Route:
    """Where a message goes; ``urls`` are the media links of an upload command."""

    intent: Intent
    urls: tuple[str, ...] = ()


def is_chinese(text: str) -> bool:
    """True when the text contains Chinese characters."""
    return _CJK.search(text) is not None


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What says nothing about the writer's language: quoted text (a title may be in any language),
# links, numbers with units, and words both English and Chinese writers type ("ok", "4k").
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』|‘[^’]*’|(?<!\w)'[^']*'(?!\w)")
_NEUTRAL_WORDS = _words(
    """ok okay k s sec secs ms min mins h x px fps p hd fhd uhd mp4 mov mp3 jpg jpeg png gif
    heic bgm ai tiktok douyin youtube instagram ins reels vlog ppt pdf app"""
)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def language_of(text: str) -> Language | None:
    """The language a message is written in, or None when it gives no sign ("15s", "ok", a link).

    Chinese characters outside quotes make it Chinese (Chinese writers mix in English words,
    "帮我做个vlog"); otherwise an English word makes it English.
    """
    bare = _QUOTED.sub(" ", _URL.sub(" ", text))
    if _CJK.search(bare):
        return "zh"
    words = (word.lower() for word in _LATIN_WORD.findall(bare))
    if any(word not in _NEUTRAL_WORDS for word in words):
        return "en"
    if _CJK.search(text):  # only a quoted Chinese title, say: Chinese is the better guess
        return "zh"
    return None


# --------------------------------------------------------------------------- routing: English


# Words that carry no command of their own.
_FILLER = _words(
    """please pls plz now it this that the my a an me us for to can could would will you u i
    we want wanna like lets let go ahead and then ok okay so just thanks thank thx hey hi is are
    what how do does show see check tell quick quickly again yes sure right here there"""
)


@dataclass(frozen=True)
class _Command:
    intent: Intent
    keywords: frozenset[str]  # at least one must be said
    extras: frozenset[str] = frozenset()  # may be said too
    needs: frozenset[str] = frozenset()  # when set, one of these must be said as well


def _command(intent: Intent, keywords: str, extras: str = "", needs: str = "") -> _Command:
    return _Command(intent, _words(keywords), _words(extras), _words(needs))


_VIDEO_WORDS = "video movie mp4 file final result finished clip"
_EN_COMMANDS = (
    _command("export", "export download render", _VIDEO_WORDS),
    _command("export", "send", _VIDEO_WORDS, needs="video movie mp4 file"),
    _command(
        "credits",
        "credits credit balance",
        "many much left remaining have available current am out of account in on",
    ),
    _command("credits", "account billing", "page settings my"),
    _command(
        "status",
        "status state tracks track timeline summary",
        "project current list view all on of overview preview in",
    ),
    _command(
        "upload",
        "upload uploads",
        "files file photos photo images image pictures picture media videos video some more "
        "where add new music song audio",
    ),
)


def _en_words(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    text = re.sub(r"\b(what|let|where|how|it|that)'s\b", r"\1 s", text)
    text = re.sub(r"[^\w\s]", " ", text.replace("'", ""))
    return [word for word in text.split() if word != "s"]


def _route_en(text: str) -> Intent | None:
    said = set(_en_words(text)) - _FILLER
    for command in _EN_COMMANDS:
        if not said & command.keywords:
            continue
        if command.needs and not said & command.needs:
            continue
        if said <= command.keywords | command.extras:
            return command.intent
    return None


# --------------------------------------------------------------------------- routing: Chinese

_ZH_FILLER = (
    "请帮我",
    "帮我",
    "帮忙",
    "给我",
    "麻烦",
    "我要",
    "我想",
    "可以",
    "一下",
    "看看",
    "查看",
    "查询",
    "显示",
    "告诉",
    "当前",
    "目前",
    "现在",
    "这个",
    "好的",
    "谢谢",
    "请",
    "我",
    "你",
    "您",
    "能",
    "吧",
    "把",
    "吗",
    "呢",
    "的",
    "了",
    "啊",
    "呀",
    "看",
    "查",
)
_ZH_COMMANDS: tuple[tuple[Intent, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (intent, tuple(keywords.split()), tuple(extras.split()))
    for intent, keywords, extras in (
        ("export", "导出 下载 渲染 输出", "视频 影片 成片 成品 文件 mp4 出来 最终"),
        ("credits", "积分 余额 点数", "还有 多少 剩余 剩下 剩 有 账户 帐户 个"),
        ("status", "状态 轨道 时间线", "项目 所有"),
        ("upload", "上传", "照片 图片 文件 视频 素材 音乐 怎么 如何 在哪 更多"),
    )
)
_ZH_NOISE = re.compile(r"[\s\W_]+")


def _route_zh(text: str) -> Intent | None:
    squeezed = _ZH_NOISE.sub("", text.lower())
    for intent, keywords, extras in _ZH_COMMANDS:
        if not any(keyword in squeezed for keyword in keywords):
            continue
        rest = squeezed
        for word in sorted((*keywords, *extras, *_ZH_FILLER), key=len, reverse=True):
            rest = rest.replace(word, "")
        if not rest:
            return intent
    return None


# --------------------------------------------------------------------------- routing: uploads

_URL = re.compile(r"https?://[^\s<>\"'，。、；）)]+", re.IGNORECASE)
_URL_VERBS = frozenset({"upload", "add", "import", "these", "following", "urls", "url", "links"})
_ZH_URL_WORDS = ("上传", "添加", "导入", "这些", "以下", "和", "链接")


def _upload_urls(text: str) -> tuple[str, ...] | None:
    """The URLs of an "upload <urls>" command (or of a message that is only URLs), else None."""
    urls = tuple(url.rstrip(".,;:!?]") for url in _URL.findall(text))
    if not urls:
        return None
    rest = _URL.sub(" ", text)
    upload_extras = next(c.extras for c in _EN_COMMANDS if c.intent == "upload")
    words = {word for word in _en_words(rest) if not _CJK.search(word)}
    if words - _FILLER - _URL_VERBS - upload_extras:
        return None
    squeezed = _ZH_NOISE.sub("", rest)
    zh_upload_extras = next(extras for intent, _, extras in _ZH_COMMANDS if intent == "upload")
    for word in sorted((*_ZH_URL_WORDS, *zh_upload_extras, *_ZH_FILLER), key=len, reverse=True):
        squeezed = squeezed.replace(word, "")
    if _CJK.search(squeezed):
        return None
    return urls


# --------------------------------------------------------------------------- route()


def route(text: str) -> Route:
    """Where a message goes: a local command, or the agent (the default)."""
    urls = _upload_urls(text)
    if urls:
        return Route("upload", urls)
    intent = _route_zh(text) if is_chinese(text) else _route_en(text)
    return Route(intent or "agent")


# --------------------------------------------------------------------------- tool labels

# A tool call's status line, by words in its name (docs/protocol.md#tool-names); first match
# wins. A tool's own name is never shown: one that matches nothing gets the generic line.
_TOOL_LABELS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("generate_video", "seedance", "kling", "veo", "text_to_video", "image_to_video"),
        "Generating video…",
        "正在生成视频…",
    ),
    (
        ("generate_image", "text_to_image", "image_gen", "flux", "dalle"),
        "Generating an image…",
        "正在生成图片…",
    ),
    (("music", "suno", "voiceover", "tts", "speech", "sfx"), "Generating audio…", "正在生成音频…"),
    (
        ("edit", "draft", "multitrack", "timeline", "track", "transition", "trim"),
        "Editing the timeline…",
        "正在编辑时间线…",
    ),
    (("audio",), "Generating audio…", "正在生成音频…"),
    (
        ("understand", "analy", "describe", "vision", "inspect", "detect", "probe"),
        "Looking at your media…",
        "正在查看你的素材…",
    ),
    (("upload", "import", "fetch", "download"), "Adding your files…", "正在添加你的文件…"),
    (("render", "export"), "Preparing the video…", "正在准备视频…"),
    (("search", "browse", "web", "lookup"), "Looking things up…", "正在查找资料…"),
)
_TOOL_GENERIC = ("Working on it…", "正在处理…")


def tool_label(name: str, lang: Language = "en") -> str:
    """A quiet status line for a tool call in ``lang``; never the tool's own name.

    A word matches where a word of the name starts ("edit" in "edit_draft" or "editDraft", not
    in "credit_check"; "tts" not in "settings").
    """
    words = "_" + re.sub(r"[^a-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower())
    english, chinese = next(
        ((en, zh) for keys, en, zh in _TOOL_LABELS if any(f"_{key}" in words for key in keys)),
        _TOOL_GENERIC,
    )
    return chinese if lang == "zh" else english


# --------------------------------------------------------------------------- GUI-speak

SAY_EXPORT = "say “export” (or press Export)"
SAY_TRACKS = "say “show tracks”"
SAY_CREDITS = "say “credits”"
DRAG_EDIT = (
    "To move or retime clips, tell me in the chat (for example “move photo 3 to the start”)."
)
DRAG_UPLOAD = "To add files, drop them on the widget or use the 📎 button."
ZH_SAY_EXPORT = "说“导出”（或按“导出”按钮）"
ZH_SAY_TRACKS = "说“显示轨道”"
ZH_SAY_CREDITS = "说“积分”查看余额"
ZH_DRAG_EDIT = "在对话里告诉我要怎么调整（例如“把第3张移到最前面”）。"
ZH_DRAG_UPLOAD = "把文件拖到小部件上，或点 📎 按钮添加。"

_Q_OPEN, _Q_CLOSE = "[\"“'‘「『]", "[\"”'’」』]"
_PLACE = (
    r"(?:\s+(?:in|at|on)\s+the\s+(?:top|bottom|upper|lower)(?:[\s-]+(?:right|left))?"
    r"(?:\s+(?:corner|toolbar|bar|of\s+the\s+(?:screen|page|editor)))?)?"
)
_EXPORT_CLICK = re.compile(
    rf"\b(?:(?:click|tap|press|hit)\s+(?:on\s+)?(?:the\s+)?{_Q_OPEN}?(?:export|download|render)"
    rf"(?:\s+video)?{_Q_CLOSE}?(?:\s+(?:button|icon|option))?"
    rf"|(?:use|select|choose)\s+(?:the\s+)?{_Q_OPEN}?(?:export|download|render)(?:\s+video)?"
    rf"{_Q_CLOSE}?\s+(?:button|icon|option)){_PLACE}"
    r"(?P<purpose>\s+(?:to|and)\s+(?:download|export|render|save|get)\b"
    r"(?:\s+(?:it|this|them|(?:the|your)\s+(?:final\s+)?(?:video|mp4|file|result)))?)?",
    re.IGNORECASE,
)
_OPEN_PANEL = re.compile(
    r"\b(?:open|go\s+to|switch\s+to)\s+(?:up\s+)?(?:the\s+|your\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:panel|tab|sidebar|window|editor|timeline|tracks?|inspector)\b"
    r"(?:\s+(?:panel|tab|view|window))?",
    re.IGNORECASE,
)
_PREVIEW = re.compile(
    r"\bpreview\s+(?P<what>it|this|them|(?:the|your)\s+(?:video|result|changes?|edits?))?\s*"
    r"(?:in|on)\s+(?:the\s+)?(?:timeline|editor|player|preview\s+(?:panel|window))\b",
    re.IGNORECASE,
)
_ACCOUNT = re.compile(
    r"\b(?:check|visit|open|go\s+to|see)\s+(?:your\s+|the\s+)?(?:account|billing)"
    r"(?:\s+(?:page|settings|section|tab|dashboard))?",
    re.IGNORECASE,
)
_CLICK_BUTTON = re.compile(
    rf"\b(?:click|tap|press)\s+(?:on\s+)?(?:the\s+)?(?:{_Q_OPEN}(?P<quoted>[^\"”'’]{{1,30}})"
    rf"{_Q_CLOSE}(?:\s+(?:button|icon|tab))?|(?P<label>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){{0,2}}?)"
    r"\s+(?:button|icon)\b)",
    re.IGNORECASE,
)
_DRAG = re.compile(
    r"\bdrag(?:s|ged|ging)?\b|\bdrop\s+(?:it|them|(?:the|your)\s+[\w-]+)\s+(?:on|onto|into|in)\b",
    re.IGNORECASE,
)
_DRAG_IS_UPLOAD = re.compile(
    r"\b(?:upload\w*|import\w*|from\s+your\s+(?:computer|device)|media\s+library"
    r"|add\s+(?:more\s+|new\s+)?(?:files|photos|images|media|videos))\b",
    re.IGNORECASE,
)
_ZH_EXPORT_CLICK = re.compile(
    r"(?:点击|点一下|单击|点|按下|按)\s*(?:右上角|左上角|右下角|上方|下方|页面上|顶部)?的?\s*[「“\"『]?"
    r"(?:导出|下载)(?:视频)?[」”\"』]?\s*(?:按钮|图标|选项)?"
    r"(?P<purpose>(?:即可|就可以|就能|来|以)?(?:下载|导出|保存)(?:视频|成片|MP4|mp4)?)?"
)
_ZH_OPEN_PANEL = re.compile(
    r"打开\s*(?:右侧|左侧|下方|上方)?的?\s*[^\s，。！？,.!?]{0,8}?(?:面板|窗口|标签页|编辑器|时间线|轨道)"
    r"(?:面板|窗口|标签页|视图)?"
)
_ZH_PREVIEW = re.compile(r"在\s*时间线\s*(?:上|中|里)?\s*预览|预览\s*时间线")
_ZH_ACCOUNT = re.compile(
    r"(?:查看|前往|打开)\s*(?:您的|你的)?\s*(?:账户|帐户|账号|帐号|计费|账单|充值)(?:页面|设置)?"
)
_ZH_CLICK_BUTTON = re.compile(
    r"(?:点击|单击|按)\s*[「“\"『](?P<label>[^」”\"』]{1,12})[」”\"』]\s*(?:按钮)?"
)
_ZH_DRAG = re.compile(r"拖拽|拖动|拖到|拖放|拖入|拖进")
_ZH_DRAG_IS_UPLOAD = re.compile(r"上传|导入|添加(?:照片|图片|文件|素材)")

# A sentence ends after . ! ? followed by a space (not in "1.5 s"), or after 。！？.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?=\s)|(?<=[。！？])")


def _export_click(match: re.Match[str]) -> str:
    return SAY_EXPORT + (" to render the MP4" if match.group("purpose") else "")


def _open_panel(match: re.Match[str]) -> str:
    if re.search(r"export|download", match.group(), re.IGNORECASE):
        return SAY_EXPORT
    return SAY_TRACKS


def _preview(match: re.Match[str]) -> str:
    return f"see {match.group('what') or 'it'} on the timeline (or {SAY_TRACKS})"


def _click_button(match: re.Match[str]) -> str:
    label = (match.group("quoted") or match.group("label") or "").strip()
    return f"say “{label.lower()}”"


def _zh_export_click(match: re.Match[str]) -> str:
    return ZH_SAY_EXPORT + ("即可生成 MP4" if match.group("purpose") else "")


_SPAN_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_EXPORT_CLICK, _export_click),
    (_ZH_EXPORT_CLICK, _zh_export_click),
    (_ACCOUNT, SAY_CREDITS),
    (_ZH_ACCOUNT, ZH_SAY_CREDITS),
    (_PREVIEW, _preview),
    (_ZH_PREVIEW, "在上方的时间线查看（或" + ZH_SAY_TRACKS + "）"),
    (_OPEN_PANEL, _open_panel),
    (_ZH_OPEN_PANEL, ZH_SAY_TRACKS),
    (_CLICK_BUTTON, _click_button),
    (_ZH_CLICK_BUTTON, lambda m: f"说“{m.group('label')}”"),
)


def _translate_sentence(sentence: str) -> str:
    if _DRAG.search(sentence):
        return DRAG_UPLOAD if _DRAG_IS_UPLOAD.search(sentence) else DRAG_EDIT
    if _ZH_DRAG.search(sentence):
        return ZH_DRAG_UPLOAD if _ZH_DRAG_IS_UPLOAD.search(sentence) else ZH_DRAG_EDIT
    # Replacements wait behind placeholders, so that a later rule never rewrites an earlier
    # rule's words (the "press Export" of one replacement is not a click to translate).
    inserted: list[str] = []

    def hold(text: str) -> str:
        inserted.append(text)
        return f"\x00{len(inserted) - 1}\x00"

    result = sentence
    for pattern, replacement in _SPAN_RULES:
        if isinstance(replacement, str):
            result = pattern.sub(lambda _, text=replacement: hold(text), result)
        else:
            result = pattern.sub(lambda m, make=replacement: hold(make(m)), result)
    if not inserted:
        return sentence
    result = re.sub(r"\x00(\d+)\x00", lambda m: inserted[int(m.group(1))], result)
    if result[:1].islower() and sentence[:1].isupper():
        result = result[0].upper() + result[1:]
    return result


def translate_gui(text: str) -> str:
    """Rewrite the web editor's actions in the agent's text into what the user can do here.

    "Click the Export button to download" becomes "Say “export” (or press Export) to render
    the MP4"; "open the timeline panel" becomes "say “show tracks”"; a sentence about dragging
    becomes one about telling the agent. Content descriptions ("I added a crossfade") stay.
    """
    lines = []
    for line in text.split("\n"):
        sentences = []
        for sentence in _SENTENCE_END.split(line):
            body = sentence.lstrip()
            sentences.append(sentence[: len(sentence) - len(body)] + _translate_sentence(body))
        lines.append("".join(sentences))
    return "\n".join(lines)
