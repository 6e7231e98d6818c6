"""The assistant's pure parts: intent routing, GUI-speak translation, wording, and how one
turn's chat events become transcript items."""

from __future__ import annotations

import re

import pytest

from nemo_widgets.api import errors
from nemo_widgets.api import events as wire
from nemo_widgets.api.models import Credits
from nemo_widgets.assistant import ChatItemAdded, ChatItemUpdated, TextDelta, route, tool_label
from nemo_widgets.assistant.routing import language_of, translate_gui
from nemo_widgets.assistant.transcript import Transcript
from nemo_widgets.assistant.turn import AgentTurn
from nemo_widgets.assistant.wording import (
    _TEXTS,
    agent_error,
    credits_text,
    error_text,
    file_size,
    format_answer,
    join_names,
    question_json,
)

# -- routing ------------------------------------------------------------------------------------

ROUTES = [
    # export: short commands only
    ("export", "export"),
    ("Export!", "export"),
    ("export it please", "export"),
    ("please export the video", "export"),
    ("can you export it for me?", "export"),
    ("export it now", "export"),
    ("download", "export"),
    ("download the mp4", "export"),
    ("render it", "export"),
    ("send me the video", "export"),
    ("ok, let's export", "export"),
    ("导出", "export"),
    ("导出视频", "export"),
    ("帮我导出一下", "export"),
    ("请导出视频！", "export"),
    ("下载成片", "export"),
    # credits
    ("credits", "credits"),
    ("what's my balance?", "credits"),
    ("What’s my balance", "credits"),
    ("how many credits do I have left?", "credits"),
    ("am I out of credits?", "credits"),
    ("check my account", "credits"),
    ("积分", "credits"),
    ("余额", "credits"),
    ("我还有多少积分？", "credits"),
    ("查看余额", "credits"),
    # status
    ("status", "status"),
    ("show tracks", "status"),
    ("Show the tracks.", "status"),
    ("what is the status?", "status"),
    ("show me the timeline", "status"),
    ("what's on the timeline", "status"),
    ("preview in timeline", "status"),
    ("状态", "status"),
    ("显示轨道", "status"),
    ("查看时间线", "status"),
    # upload without links: how to add files
    ("upload", "upload"),
    ("upload photos", "upload"),
    ("how do I upload files?", "upload"),
    ("上传", "upload"),
    ("怎么上传照片", "upload"),
    # everything else: the agent
    ("make the export look cinematic", "agent"),
    ("add a title that says Status Report", "agent"),
    ("export in 4k", "agent"),
    ("export it as a GIF with music", "agent"),
    ("download music from the web and add it", "agent"),
    ("balance the colours", "agent"),
    ("credits at the end", "agent"),
    ("add rolling credits", "agent"),
    ("add a status bar at the top", "agent"),
    ("put the tracks in reverse order", "agent"),
    ("send it", "agent"),
    ("send me the video with music", "agent"),
    ("upload the result to youtube", "agent"),
    ("turn these images into a 15-second video with smooth transitions", "agent"),
    ("hi", "agent"),
    ("make it 10 seconds", "agent"),
    ("把导出的视频做得更有电影感", "agent"),
    ("添加标题“状态报告”", "agent"),
    ("在时间线上加一个标题", "agent"),
    ("把积分显示在片尾", "agent"),
    ("下载一首音乐加进去", "agent"),
    ("上传到抖音", "agent"),
    ("把这些照片做成15秒的视频", "agent"),
]


@pytest.mark.parametrize(("message", "intent"), ROUTES)
def test_route(message, intent):
    assert route(message).intent == intent


def test_upload_with_links_routes_the_links():
    got = route("upload https://example.com/a.jpg, https://example.com/b.png.")
    assert got.intent == "upload"
    assert got.urls == ("https://example.com/a.jpg", "https://example.com/b.png")
    assert route("上传 https://x.cn/a.jpg 和 https://x.cn/b.jpg").urls == (
        "https://x.cn/a.jpg",
        "https://x.cn/b.jpg",
    )
    assert route("https://example.com/only.jpg").urls == ("https://example.com/only.jpg",)


@pytest.mark.parametrize(
    "message",
    ["make a video like https://example.com/v.mp4", "把 https://x.cn/a.jpg 做成视频"],
)
def test_links_inside_a_request_go_to_the_agent(message):
    assert route(message).intent == "agent"


# -- GUI-speak ----------------------------------------------------------------------------------

REWRITES = [
    (
        "Click the Export button to download",
        "Say “export” (or press Export) to render the MP4",
    ),
    (
        "I added a crossfade. Click the Export button to download your video.",
        "I added a crossfade. Say “export” (or press Export) to render the MP4.",
    ),
    ("When you are happy, hit Download.", "When you are happy, say “export” (or press Export)."),
    (
        "Press the Export button in the top right corner.",
        "Say “export” (or press Export).",
    ),
    ("Open the timeline panel to review the changes.", "Say “show tracks” to review the changes."),
    (
        "You can preview it in the timeline.",
        "You can see it on the timeline (or say “show tracks”).",
    ),
    ("Check your account page for your balance.", "Say “credits” for your balance."),
    ('Click "Apply" to confirm.', "Say “apply” to confirm."),
    (
        "Done! Drag the clips to reorder them.",
        "Done! To move or retime clips, tell me in the chat "
        "(for example “move photo 3 to the start”).",
    ),
    (
        "Drag and drop your photos here to upload them.",
        "To add files, drop them on the widget or use the 📎 button.",
    ),
    ("点击导出按钮即可下载视频。", "说“导出”（或按“导出”按钮）即可生成 MP4。"),
    ("我加了转场。打开时间线面板查看。", "我加了转场。说“显示轨道”查看。"),
    ("把照片拖到时间线上调整顺序。", "在对话里告诉我要怎么调整（例如“把第3张移到最前面”）。"),
    ("点击「应用」按钮确认。", "说“应用”确认。"),
]


@pytest.mark.parametrize(("agent_said", "shown"), REWRITES)
def test_gui_speak_is_translated(agent_said, shown):
    assert translate_gui(agent_said) == shown


@pytest.mark.parametrize(
    "sentence",
    [
        "I added a crossfade.",
        "Made a 15 s 16:9 (1920x1080) slideshow of 3 photos with 1.5 s crossfades.",
        "I opened with a wide shot and dropped the music volume to 30%.",
        "The export will be 1080p.",
        "Use the export settings you like.",
        "The title reads “Click here”.",
        "Line one.\nLine two: the clip is 2.5 s.",
        "已用3张照片制作了15秒的视频。",
        "",
    ],
)
def test_ordinary_sentences_stay(sentence):
    assert translate_gui(sentence) == sentence


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("edit_multitrack", "Editing the timeline…"),
        ("edit_draft", "Editing the timeline…"),
        ("update_draft", "Editing the timeline…"),
        ("generate_video_with_seedance", "Generating video…"),
        ("generate_music", "Generating audio…"),
        ("suno_song", "Generating audio…"),
        ("add_voiceover", "Generating audio…"),
        ("understand_media", "Looking at your media…"),
        ("analyze_video", "Looking at your media…"),
        ("search_web", "Looking things up…"),
        ("generate_image", "Generating an image…"),
        ("render_preview", "Preparing the video…"),
        ("import_media", "Adding your files…"),
        # A tool no rule knows gets a plain line, never its own name (issue 11).
        ("explain", "Working on it…"),
        ("zz_internal_op_v2", "Working on it…"),
        ("", "Working on it…"),
        # Words count where a word of the name starts.
        ("editDraft", "Editing the timeline…"),
        ("generateVideo", "Generating video…"),
        ("text-to-speech", "Generating audio…"),
        ("credit_check", "Working on it…"),
        ("update_settings", "Working on it…"),
    ],
)
def test_tool_labels(name, label):
    assert tool_label(name) == label


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("edit_multitrack", "正在编辑时间线…"),
        ("generate_video_with_seedance", "正在生成视频…"),
        ("generate_music", "正在生成音频…"),
        ("understand_media", "正在查看你的素材…"),
        ("search_web", "正在查找资料…"),
        ("explain", "正在处理…"),
        ("zz_internal_op_v2", "正在处理…"),
    ],
)
def test_tool_labels_in_chinese(name, label):
    assert tool_label(name, "zh") == label


@pytest.mark.parametrize(
    "name", ["explain", "plan_edit", "magic_tool", "render", "fetch_url", "seedance", "tts"]
)
def test_no_tool_name_is_ever_shown(name):
    for lang in ("en", "zh"):
        assert name not in tool_label(name, lang)
        assert name.split("_")[0] not in tool_label(name, lang).lower()


# -- the person's language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "lang"),
    [
        ("状态", "zh"),
        ("把视频做成15秒", "zh"),
        ("帮我做个vlog, 15s", "zh"),  # English words inside Chinese
        ("make it 15 seconds", "en"),
        ("show tracks", "en"),
        ("add the title “夏天的旅行”", "en"),  # a quoted Chinese title in an English request
        ("add the title '夏天'", "en"),
        ("标题改成 “Summer Trip”", "zh"),
        ("“夏天的旅行”", "zh"),  # only a quoted Chinese title: Chinese is the better guess
        # No sign of a language: the conversation's language is kept.
        ("15s", None),
        ("ok", None),
        ("OK!", None),
        ("4k 60fps", None),
        ("1080p", None),
        ("👍", None),
        ("https://example.com/photo.jpg", None),
        ("3", None),
    ],
)
def test_language_of_a_message(message, lang):
    assert language_of(message) == lang


# -- wording ------------------------------------------------------------------------------------


def test_answer_lines_follow_the_protocol():
    question = question_json(
        "A few choices",
        [
            {"id": "q1", "prompt": "Which style?", "options": ["Cinematic", "Vlog"]},
            {
                "prompt": "Which effects?",
                "options": [{"id": "x", "label": "Zoom"}, {"id": "y", "label": "Fade"}],
                "allowMultiple": True,
            },
            "Anything else?",
        ],
    )
    assert question["questions"][0]["options"] == [
        {"id": "a", "label": "Cinematic"},
        {"id": "b", "label": "Vlog"},
    ]
    assert question["questions"][1]["allow_multiple"] is True
    assert question["questions"][2] == {
        "id": "q3",
        "prompt": "Anything else?",
        "options": [],
        "allow_multiple": False,
    }
    assert format_answer(question, [["Vlog"], ["Zoom", "Fade"], []]) == (
        "1. Which style?: Vlog\n2. Which effects?: Zoom, Fade\n3. Anything else?: Skipped"
    )
    assert format_answer(question, [["Cinematic"]]).endswith("3. Anything else?: Skipped")
    assert format_answer(question, [["Vlog"]], "zh").endswith("3. Anything else?: 跳过")


def test_credit_sizes_and_names():
    assert credits_text(Credits.from_data({"unlimited": True})) == (
        "Unlimited credits on the local engine."
    )
    assert credits_text(Credits.from_data({"available": 85, "frozen": 10})) == (
        "85 credits available (10 reserved)."
    )
    assert credits_text(Credits.from_data({"available": 3, "frozen": 0})) == (
        "3 credits available."
    )
    assert credits_text(Credits.from_data({"available": 3}), "zh") == "可用积分 3。"
    assert [file_size(n) for n in (512, 23926, 1_250_000, 3_400_000_000)] == [
        "512 bytes",
        "24 kB",
        "1.2 MB",
        "3.4 GB",
    ]
    assert join_names(["a.jpg", "b.jpg", "c.jpg"]) == "a.jpg, b.jpg and c.jpg"
    assert join_names(["a.jpg", "b.jpg"], "zh") == "a.jpg、b.jpg"
    assert file_size(512, "zh") == "512 字节"
    assert credits_text(Credits.from_data({"unlimited": True}), "zh") == "本地引擎的积分不限。"
    assert credits_text(Credits.from_data({"available": 85, "frozen": 10}), "zh") == (
        "可用积分 85（冻结 10）。"
    )


def test_every_text_has_chinese_and_english():
    han = re.compile(r"[\u4e00-\u9fff]")
    for key, (english, chinese) in _TEXTS.items():
        assert not han.search(english), key
        assert han.search(chinese), key


ERRORS = [
    errors.AuthError("The token was refused."),
    errors.SessionNotFound("That session is gone."),
    errors.OutOfCredits("Out of credits.", link="https://nemovideo.com/pricing"),
    errors.UnsupportedFile("notes.txt is not a photo, clip or song."),
    errors.FileTooLarge("big.mov is 3 GB; the limit is 200 MB."),
    errors.ExportBlocked("Export requires an account."),
    errors.RateLimited("Too many requests."),
    errors.ServerError("The server failed."),
    errors.StreamTimeout("The agent took too long."),
    errors.RenderFailed("The draft is 0 seconds long."),
    errors.RenderTimeout("The export is still running."),
    errors.NemoError("Something odd."),
]


@pytest.mark.parametrize("exc", ERRORS, ids=lambda exc: type(exc).__name__)
def test_errors_are_said_in_the_persons_language(exc):
    assert error_text(exc) == exc.message  # English keeps the client's message
    chinese = error_text(exc, "zh")
    bare = re.sub(r"（[^）]*）|NEMO_TOKEN|NemoVideo|HTTP 402", "", chinese)
    assert re.search(r"[\u4e00-\u9fff]", chinese) and not re.search(r"[A-Za-z]", bare), chinese


def test_error_details_come_along_in_chinese_and_chinese_messages_stay():
    assert "big.mov" in error_text(errors.FileTooLarge("big.mov is 3 GB."), "zh")
    assert error_text(errors.NemoError("智能体仍在处理上一个请求。"), "zh") == (
        "智能体仍在处理上一个请求。"
    )
    assert error_text(ValueError("boom"), "zh") == "出了点问题（ValueError）。请重试；详情见日志。"
    assert agent_error("Model overloaded", "zh") == "智能体报告了一个问题：Model overloaded"
    assert agent_error("Model overloaded") == "Model overloaded"


# -- one turn on screen ------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def play(events: list[wire.ChatEvent], every: float = 120.0, clock: Clock | None = None):
    seen: list[object] = []
    transcript = Transcript(seen.append)
    turn = AgentTurn(transcript, "en", every, clock or Clock())
    for event in events:
        turn.handle(event)
    turn.finish()
    return turn, seen, transcript


def test_deltas_then_the_complete_text_replace_each_other():
    turn, seen, _ = play(
        [wire.TextDelta("Click Export "), wire.TextDelta("to download."), wire.Text("x")]
    )
    added, first, second, updated = seen
    assert isinstance(added, ChatItemAdded) and added.item.streaming
    assert [first, second] == [
        TextDelta(added.item.id, "Click Export "),
        TextDelta(added.item.id, "to download."),
    ]
    assert isinstance(updated, ChatItemUpdated) and updated.item.text == "x"
    assert not updated.item.streaming
    assert turn.reply_text == "x"


def test_the_final_text_is_translated_but_deltas_are_not():
    _, seen, transcript = play(
        [wire.TextDelta("Click the Export button "), wire.Text("Click the Export button.")]
    )
    assert seen[1].text == "Click the Export button "
    assert transcript.items[0].text == "Say “export” (or press Export)."


def test_a_repeated_text_and_its_deltas_are_shown_once():
    text = "Made a 15 s slideshow."
    turn, seen, transcript = play(
        [
            wire.TextDelta("Made a 15 s "),
            wire.TextDelta("slideshow."),
            wire.Text(text),
            wire.TextDelta("Made a "),  # ADK-style repeat of the whole text
            wire.Text(text),
            wire.Text("Anything else?"),
        ]
    )
    assert [item.text for item in transcript.items] == [text, "Anything else?"]
    assert sum(isinstance(event, TextDelta) for event in seen) == 2
    assert turn.reply_text == f"{text}\n\nAnything else?"


def test_trailing_temporary_issue_is_dropped_after_normal_output():
    _, _, transcript = play(
        [
            wire.Text("Done."),
            wire.TextDelta("I encountered a "),
            wire.Text("I encountered a temporary issue. Please try again."),
        ]
    )
    assert [item.text for item in transcript.items] == ["Done."]


def test_a_stream_that_ends_mid_text_keeps_its_deltas():
    turn, _, transcript = play([wire.TextDelta("Half a "), wire.TextDelta("sentence")])
    assert transcript.items[0].text == "Half a sentence"
    assert not transcript.items[0].streaming
    assert not turn.silent


def test_tool_calls_become_one_status_line_each_and_results_say_nothing():
    turn, _, transcript = play(
        [
            wire.ToolCall("1", "edit_multitrack", {}),
            wire.ToolResult("1", "edit_multitrack", {"ok": True}),
            wire.ToolCall("2", "generate_video_with_seedance", {}),
            wire.Unknown({"what": "ever"}),
        ]
    )
    assert [(item.role, item.text) for item in transcript.items] == [
        ("status", "Editing the timeline…"),
        ("status", "Generating video…"),
    ]
    assert turn.silent


def test_a_tool_status_line_keeps_the_call_for_the_debug_view():
    big = {"prompt": "x" * 5000}
    _, _, transcript = play(
        [
            wire.ToolCall("1", "edit_multitrack", {"op": "add", "seconds": 15}),
            wire.ToolCall("2", "generate_video", big),
        ]
    )
    first, second = transcript.items
    assert first.detail == 'edit_multitrack {"op": "add", "seconds": 15}'
    assert first.to_json()["detail"] == first.detail
    assert second.detail.startswith("generate_video {") and second.detail.endswith("…")
    assert len(second.detail) < 2100


def test_still_working_only_after_a_quiet_stretch_of_heartbeats():
    clock = Clock()
    seen: list[object] = []
    turn = AgentTurn(Transcript(seen.append), "en", 120.0, clock)
    for now in (30, 60, 119):
        clock.now = now
        turn.handle(wire.Heartbeat())
    assert seen == []
    clock.now = 121
    turn.handle(wire.Heartbeat())
    clock.now = 150
    turn.handle(wire.ToolCall(None, "edit_draft", {}))  # activity starts the wait again
    clock.now = 260
    turn.handle(wire.Heartbeat())
    clock.now = 271
    turn.handle(wire.Heartbeat())
    texts = [event.item.text for event in seen]
    assert texts == [
        "Still working… (2 min so far)",
        "Editing the timeline…",
        "Still working… (4 min so far)",
    ]


def test_a_question_is_an_assistant_item_that_asks():
    turn, _, transcript = play(
        [wire.Question("Pick a style", [{"prompt": "Style?", "options": ["A", "B"]}])]
    )
    (item,) = transcript.items
    assert item.role == "assistant" and item.text == "Pick a style"
    assert item.question["questions"][0]["options"][1] == {"id": "b", "label": "B"}
    assert turn.asked and not turn.silent


def test_stop_keeps_the_streamed_text():
    seen: list[object] = []
    transcript = Transcript(seen.append)
    turn = AgentTurn(transcript, "en", 120.0)
    turn.handle(wire.TextDelta("So far "))
    turn.handle(wire.TextDelta("so good"))
    assert turn.partial_text == "So far so good"
    turn.stop()
    (item,) = transcript.items
    assert item.stopped and not item.streaming and item.text == "So far so good"
