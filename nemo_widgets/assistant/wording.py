"""What the assistant says by itself, in English or Chinese, and how questions are answered."""

from __future__ import annotations

import re
import string
from typing import Any, Literal

from ..api import errors
from ..api.models import Credits

Language = Literal["en", "zh"]

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (English, Chinese)
    "still_working": ("Still working…", "仍在处理…"),
    "still_working_long": (
        "Still working… ({minutes} min so far)",
        "仍在处理…（已 {minutes} 分钟）",
    ),
    "stopped_turn": (
        "Stopped. The agent may still finish this edit on the server; the timeline will show it.",
        "已停止。服务器上的智能体可能仍会完成这次编辑，时间线会显示结果。",
    ),
    "stopped": ("Stopped.", "已停止。"),
    "export_stopped": ("Export stopped.", "已停止导出。"),
    "busy_wait": (
        "The agent is still finishing an earlier request; your message goes out as soon as it "
        "is done…",
        "智能体还在处理上一个请求，完成后会立即发送你的消息…",
    ),
    "busy_gave_up": (
        "The agent is still busy with an earlier request. Send your message again in a moment.",
        "智能体仍在处理上一个请求，请稍后再发送。",
    ),
    "session_renewed": (
        "That session is gone from the server, so I started a new one…",
        "服务器上已找不到原来的会话，所以我新建了一个…",
    ),
    "session_renewed_done": (
        "That session is gone from the server, so I started a new one.",
        "服务器上已找不到原来的会话，所以我新建了一个。",
    ),
    "session_renewed_files": (
        "That session is gone from the server, so I started a new one and added your {count} "
        "file(s) again.",
        "服务器上已找不到原来的会话，所以我新建了一个，并重新添加了你的 {count} 个文件。",
    ),
    "files_lost": (
        " {count} file(s) could not be added again: add them once more.",
        "有 {count} 个文件无法重新添加：请再添加一次。",
    ),
    "silent_done": ("Done: {sentence}", "完成：{sentence}"),
    "silent_nothing": ("The agent finished without changes.", "智能体已完成，时间线没有变化。"),
    "stream_lost": (
        "The connection to the agent dropped; checking the project for the result…",
        "与智能体的连接断开了，正在检查项目的结果…",
    ),
    "timeline_empty": (
        "The timeline is empty: add photos and tell me what to make.",
        "时间线是空的：先添加照片，再告诉我要做什么。",
    ),
    "not_ready": (
        "There is nothing to export yet: add photos and ask for a video first (for example "
        "“turn these photos into a 15-second video”).",
        "还没有可以导出的内容：请先添加照片并让我制作视频（例如“把这些照片做成15秒的视频”）。",
    ),
    "video_ready": ("Your video is ready: {name} ({size}).", "视频已生成：{name}（{size}）。"),
    "left_out": (
        " The titles leave out {chars}: no font can draw them.",
        "标题里的 {chars} 没有字体能显示，已略去。",
    ),
    "credits_unlimited": ("Unlimited credits on the local engine.", "本地引擎的积分不限。"),
    "credits": ("{available} credits available.", "可用积分 {available}。"),
    "credits_frozen": (
        "{available} credits available ({frozen} reserved).",
        "可用积分 {available}（冻结 {frozen}）。",
    ),
    "upload_help": (
        "To add files, drop them on the widget, use the 📎 button, or call `studio.upload(path)`.",
        "添加文件：把文件拖到小部件上、点 📎 按钮，或调用 `studio.upload(path)`。",
    ),
    "uploaded": ("Added {names}.", "已添加 {names}。"),
    "question": ("The agent has a question:", "智能体有个问题："),
    "unexpected": (
        "Something went wrong ({kind}). Try again; the details are in the log.",
        "出了点问题（{kind}）。请重试；详情见日志。",
    ),
    "empty_message": ("Type a message first.", "请先输入消息。"),
    "no_question": ("There is no open question with this id.", "没有这个待回答的问题。"),
    "answered_already": ("That question was already answered.", "这个问题已经回答过了。"),
    "skipped": ("Skipped", "跳过"),
    "agent_error": ("{message}", "智能体报告了一个问题：{message}"),
}

# Chinese for the client's errors, by class (the first match in the exception's MRO). The
# English messages come from the API layer; ``{detail}`` brings its specifics along (a file
# name, the server's reason) where the class alone does not say enough.
_ZH_ERRORS: dict[type[errors.NemoError], str] = {
    errors.AuthError: "服务器拒绝了令牌。请检查 NEMO_TOKEN，或取消设置它来使用匿名令牌。",
    errors.SessionNotFound: "服务器上找不到这个会话了。请再发一次消息。",
    errors.OutOfCredits: "积分不足。请打开链接充值或升级后再试。",
    errors.UnsupportedFile: "无法使用这个文件（{detail}）。",
    errors.FileTooLarge: "文件太大了（{detail}）。",
    errors.ExportBlocked: (
        "服务器拒绝了导出（HTTP 402）：匿名令牌可能无法导出。请在 NemoVideo 注册并登录，"
        "把你的令牌设为 NEMO_TOKEN，然后再说“导出”。"
    ),
    errors.RateLimited: "服务器暂时拒绝了过于频繁的请求。请稍等一会儿再试。",
    errors.ServerError: "服务器出错或无法连接。请稍后再试。",
    errors.StreamTimeout: (
        "智能体太久没有回应，这一轮已结束。时间线会显示已完成的部分；可以再发一次消息。"
    ),
    errors.RenderFailed: "导出失败（{detail}）。可以修改后再说“导出”重试。",
    errors.RenderTimeout: "导出还没完成，服务器可能稍后会完成。过一会儿再说“导出”。",
    errors.NemoError: "出了点问题（{detail}）。",
}
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def say(lang: Language, key: str, **values: Any) -> str:
    """The text ``key`` in ``lang``, filled in with ``values``."""
    english, chinese = _TEXTS[key]
    return (chinese if lang == "zh" else english).format(**values)


def error_text(exc: BaseException, lang: Language = "en") -> str:
    """What the person is told about ``exc``, in ``lang``.

    A client error keeps its English message in English; in Chinese it is said in Chinese (with
    the message's specifics where they matter). Anything unexpected names only its kind.
    """
    if not isinstance(exc, errors.NemoError):
        return say(lang, "unexpected", kind=type(exc).__name__)
    if lang != "zh" or _HAN.search(exc.message):  # already in Chinese (our own wording)
        return exc.message
    template = next(_ZH_ERRORS[kind] for kind in type(exc).__mro__ if kind in _ZH_ERRORS)
    return template.format(detail=exc.message.strip().rstrip("."))


# The client's one-time notices (api.client.Notice), by kind, in Chinese.
_ZH_NOTICES = {
    "anonymous_export": (
        "提示：这次导出用的是匿名 NemoVideo 令牌，匿名令牌没有导出权限，云端可能会拒绝。"
        "如果被拒绝：在 {web}/register 注册，在 Settings -> API Tokens 创建令牌，"
        "把它设为 NEMO_TOKEN，然后再导出。"
    ),
    "heic_converted": (
        "{name} 是 HEIC 照片，NemoVideo 云端不支持这种格式，所以以高质量 JPEG（{new}）发送，"
        "方向和色彩配置保持不变；之后的 HEIC/HEIF 照片也会这样处理。原文件不会被修改。"
    ),
}


def notice_text(notice: str, lang: Language = "en") -> str:
    """A one-time notice of the client (``api.client.Notice``) in ``lang``."""
    kind = getattr(notice, "kind", None)
    if lang == "zh" and kind in _ZH_NOTICES:
        return _ZH_NOTICES[kind].format(**notice.values)  # type: ignore[attr-defined]
    return str(notice)


def agent_error(message: str, lang: Language = "en") -> str:
    """An error the agent reported in its stream, introduced in ``lang`` unless already in it."""
    if lang == "zh" and _HAN.search(message):
        return message
    return say(lang, "agent_error", message=message)


def number(value: float) -> str:
    """A count of credits: 85, 2.5."""
    return f"{value:g}"


def credits_text(credits: Credits, lang: Language = "en") -> str:
    """ "Unlimited credits on the local engine." / "85 credits available (10 reserved)."."""
    if credits.unlimited:
        return say(lang, "credits_unlimited")
    if credits.frozen:
        return say(
            lang,
            "credits_frozen",
            available=number(credits.available),
            frozen=number(credits.frozen),
        )
    return say(lang, "credits", available=number(credits.available))


def file_size(size: int, lang: Language = "en") -> str:
    """A size for people (decimal units, as the widget shows them): 812 bytes, 24 kB, 1.2 MB
    (Chinese: 812 字节)."""
    if size < 1000:
        return f"{size} 字节" if lang == "zh" else f"{size} bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def join_names(names: list[str], lang: Language = "en") -> str:
    """ "a.jpg", "a.jpg and b.jpg", "a.jpg, b.jpg and c.jpg" (Chinese: 、 and 和)."""
    if lang == "zh":
        return "、".join(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# --------------------------------------------------------------------------- questions


def question_json(title: str, questions: list[Any]) -> dict[str, Any]:
    """An ``ask_question`` call in the widget's form (docs/widget-protocol.md): ``{"title",
    "questions": [{"id", "prompt", "options": [{"id", "label"}], "allow_multiple"}]}``.

    Servers differ, so options may be plain strings and questions may be plain prompts.
    """
    parsed = []
    for number_, raw in enumerate(questions, 1):
        entry = raw if isinstance(raw, dict) else {"prompt": raw}
        options = entry.get("options")
        prompt = entry.get("prompt") or entry.get("question") or entry.get("text") or ""
        parsed.append(
            {
                "id": str(entry.get("id") or f"q{number_}"),
                "prompt": str(prompt),
                "options": [
                    _option(option, index)
                    for index, option in enumerate(options if isinstance(options, list) else [])
                ],
                "allow_multiple": bool(
                    entry.get("allow_multiple")
                    or entry.get("allowMultiple")
                    or entry.get("multiple")
                ),
            }
        )
    return {"title": title, "questions": parsed}


def _option(raw: Any, index: int) -> dict[str, str]:
    letter = string.ascii_lowercase[index % 26]
    if isinstance(raw, dict):
        label = raw.get("label") or raw.get("text") or raw.get("value") or raw.get("id") or ""
        return {"id": str(raw.get("id") or letter), "label": str(label)}
    return {"id": letter, "label": str(raw)}


def format_answer(question: dict[str, Any], choices: list[list[str]], lang: Language = "en") -> str:
    """The answer message of docs/protocol.md#questions: one ``"<n>. <prompt>: <labels>"`` line per
    question, ``Skipped`` (跳过) where nothing was chosen."""
    skipped = say(lang, "skipped")
    lines = []
    for number_, entry in enumerate(question.get("questions") or [], 1):
        chosen = choices[number_ - 1] if number_ <= len(choices) else []
        labels = ", ".join(str(label) for label in chosen) if chosen else skipped
        lines.append(f"{number_}. {entry.get('prompt', '')}: {labels}")
    if not lines:  # a bare question without entries: send what was chosen
        return ", ".join(str(label) for chosen in choices for label in chosen) or skipped
    return "\n".join(lines)
