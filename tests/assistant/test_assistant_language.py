"""The assistant speaks the person's language: what it says itself (local commands, status lines,
summaries, change sentences, errors) is Chinese when the message is Chinese, decided per message,
and a message with no language of its own ("15s", "ok") keeps the conversation's language. No
tool's internal name reaches the person.

Against a real local engine on 127.0.0.1 and the scriptable fault server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nemo_widgets import AsyncNemoClient, Timeline
from nemo_widgets.api import UnsupportedFile
from nemo_widgets.assistant import Assistant, ChatItem, ExportChanged, VideoReady
from nemo_widgets.assistant.wording import file_size
from tests.assistant.test_assistant import DRAFT, TIMINGS, TITLED, Recorder
from tests.helpers import FAST
from tests.protocol.fault_server import (
    FaultServer,
    adk_error_line,
    adk_text,
    adk_tool_call,
    adk_tool_result,
    data,
    update_draft,
)

pytestmark = pytest.mark.anyio

HAN = re.compile(r"[\u4e00-\u9fff]")


def assistant_for(client: AsyncNemoClient, tmp_path: Path, **options) -> tuple[Assistant, Recorder]:
    recorder = Recorder()
    assistant = Assistant(client, on_event=recorder, videos_dir=tmp_path / "videos", **options)
    return assistant, recorder


def own_lines(assistant: Assistant) -> list[ChatItem]:
    """What the assistant said itself: status lines and errors (the agent's replies aside)."""
    return [item for item in assistant.history if item.role in ("status", "error")]


def chinese(text: str) -> bool:
    """Chinese words, and no English outside file names, sizes and quoted names."""
    bare = re.sub(
        r"“[^”]*”|[\w.-]+\.(?:jpg|mp4|mp3)|\d+(?:\.\d+)? ?[kMG]B|MP4|NEMO_TOKEN", "", text
    )
    return bool(HAN.search(text)) and re.search(r"[A-Za-z]{2,}", bare) is None


# -- the local engine -----------------------------------------------------------------------------


async def test_a_chinese_conversation_gets_chinese_back_from_the_assistant(
    engine, photos, tmp_path
):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        empty = await assistant.say("状态")
        await assistant.upload(*photos)
        built = await assistant.say("把这些照片做成2秒的视频")
        credits = await assistant.say("积分")
        status = await assistant.say("状态")
        exported = await assistant.say("导出")
        english = await assistant.say("show tracks")

    assert empty.text == "时间线是空的：先添加照片，再告诉我要做什么。"
    assert built.error is None
    assert credits.text == "本地引擎的积分不限。"
    assert status.text == assistant.timeline.summary("zh")
    assert status.text.startswith("时间线（1 条轨道）：1. 视频：3 张图片")
    (video,) = rec.of(VideoReady)
    assert exported.text == f"视频已生成：{video.path.name}（{file_size(video.size, 'zh')}）。"
    # Status lines (uploads, tool calls) and the assistant's own answers are all Chinese.
    lines = [item.text for item in own_lines(assistant)]
    assert "已添加 photo1.jpg、photo2.jpg、photo3.jpg。" in lines
    assert "正在编辑时间线…" in lines
    for text in [*lines, empty.text, credits.text, status.text, exported.text]:
        assert chinese(text), text
    # The next English message gets English back.
    assert english.text == assistant.timeline.summary()


# -- the fault server -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fault_server():
    with FaultServer() as server:
        yield server


@pytest.fixture
def server(fault_server):
    fault_server.reset()
    return fault_server


async def test_tool_calls_and_silent_turns_follow_the_language_and_hide_tool_names(
    server, tmp_path
):
    session_id = server.create_session()
    server.set_draft(session_id, DRAFT)
    server.script_turn(
        data(adk_tool_call("explain", {"what": "plan"})),
        data(adk_tool_call("edit_multitrack", {"op": "title"})),
        update_draft(TITLED),
        data(adk_tool_result("edit_multitrack", {"status": "ok"})),
    )
    server.script_turn(data(adk_tool_call("zz_secret_op", {})))
    server.script_turn(data(adk_tool_call("explain", {})))
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, _ = assistant_for(client, tmp_path, session_id=session_id)
        changed = await assistant.say("加个标题 Summer")
        no_signal = await assistant.say("15s")  # no language of its own: stays Chinese
        english = await assistant.say("make it 15 seconds")

    sentence = Timeline.from_draft(DRAFT).diff(Timeline.from_draft(TITLED), "zh")[0]
    assert changed.text == f"完成：{sentence}"
    assert no_signal.text == "智能体已完成，时间线没有变化。"
    assert english.text == "The agent finished without changes."
    statuses = [item.text for item in assistant.history if item.role == "status"]
    assert statuses == ["正在处理…", "正在编辑时间线…", "正在处理…", "Working on it…"]
    for item in assistant.history:
        assert "explain" not in item.text and "zz_secret_op" not in item.text
        assert "edit_multitrack" not in item.text


async def test_errors_are_said_in_chinese(server, tmp_path):
    session_id = server.create_session()
    server.set_draft(session_id, DRAFT)
    server.render_failure = "disk full"
    server.script_turn(data(adk_text("好的。")), data(adk_error_line("boom")))
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path, session_id=session_id)
        failed = await assistant.say("导出")
        stream = await assistant.say("做个视频")
        bad = tmp_path / "notes.txt"
        bad.write_text("not media")
        with pytest.raises(UnsupportedFile) as refused:
            await assistant.upload(bad)

    assert failed.error is not None and failed.error.startswith("导出失败（")
    assert "disk full" in failed.error
    export_errors = [e.error for e in rec.of(ExportChanged) if e.state == "error"]
    assert export_errors == [failed.error]
    assert stream.error is not None and stream.error.startswith("智能体报告了一个问题：")
    assert "boom" in stream.error
    assert refused.value.message.startswith("无法使用这个文件（") and "notes.txt" in str(
        refused.value
    )
    for item in own_lines(assistant):
        assert HAN.search(item.text), item.text


async def test_an_answer_in_a_chinese_conversation_skips_in_chinese(server, tmp_path):
    question = {
        "title": "开始之前",
        "questions": [{"id": "q1", "prompt": "音乐？", "options": ["要"]}],
    }
    server.script_turn(data(adk_tool_call("ask_question", question)))
    server.script_turn(data(adk_text("好的。")))
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path)
        await assistant.say("做个视频")
        (asking,) = rec.added("assistant")
        await assistant.answer(asking.id, [[]])

    assert [item.text for item in assistant.history if item.role == "user"][-1] == "1. 音乐？: 跳过"


EMOJI_TITLED = {
    **DRAFT,
    "t": [*DRAFT["t"], {"tt": 7, "sg": [{"st": 0, "d": 3000, "text": "Party 🎉 派对"}]}],
}


@pytest.mark.parametrize(
    ("message", "note"),
    [
        ("export", " The titles leave out 🎉: no font can draw them."),
        ("导出", "标题里的 🎉 没有字体能显示，已略去。"),
    ],
)
async def test_an_export_says_which_title_characters_were_left_out(server, tmp_path, message, note):
    session_id = server.create_session()
    server.set_draft(session_id, EMOJI_TITLED)
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path, session_id=session_id)
        reply = await assistant.say(message)

    assert reply.error is None and rec.of(VideoReady)
    assert reply.text.endswith(note)


async def test_an_export_without_such_characters_adds_no_note(server, tmp_path):
    session_id = server.create_session()
    server.set_draft(session_id, TITLED)
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path, session_id=session_id)
        reply = await assistant.say("export")

    (video,) = rec.of(VideoReady)
    assert reply.text == f"Your video is ready: {video.path.name} ({file_size(video.size)})."


async def test_a_chinese_conversation_with_the_local_director_is_chinese_end_to_end(
    engine, photos, tmp_path
):
    """What a person meets on a fresh machine: every reply of the director, every status line
    and every answer of the assistant, in a whole Chinese conversation, is Chinese."""
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, _ = assistant_for(client, tmp_path)
        await assistant.say("你好")
        await assistant.upload(*photos)
        for message in (
            "帮我把这些照片做成一个15秒的竖屏视频，要有转场",
            "多长？",
            "每张照片显示2秒",
            "加个标题“夏天”，放在顶部",
            "转场慢一点",
            "再加点彩带特效吧",
            "背景模糊",
            "第一张是哪张？",
            "导出",
        ):
            reply = await assistant.say(message)
            assert reply.error is None or chinese(reply.error), reply.error
    said = [item for item in assistant.history if item.role != "user"]
    assert len(said) >= 10
    for item in said:
        assert chinese(item.text), f"{item.role}: {item.text}"
