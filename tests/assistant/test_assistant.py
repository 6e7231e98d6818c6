"""The assistant against a real local engine on 127.0.0.1 (and, for what the engine cannot do —
silent turns, questions, repeated texts, failed renders — the scriptable fault server).

Waits are event-driven with a generous, finite timeout; nothing asserts on timing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest

from nemo_widgets import AsyncNemoClient, Timeline
from nemo_widgets.api import NemoError, RenderFailed
from nemo_widgets.assistant import (
    Assistant,
    BusyChanged,
    ChatItem,
    ChatItemAdded,
    ChatItemUpdated,
    CreditsChanged,
    ExportChanged,
    SessionChanged,
    TextDelta,
    TimelineChanged,
    VideoReady,
)
from nemo_widgets.assistant.wording import file_size
from nemo_widgets.engine import director
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

WAIT = 60.0  # the longest any single wait may take before the test fails
# The engine is local and fast; only the waits that turns may need are long.
TIMINGS = dataclasses.replace(
    FAST, heartbeat_timeout=60.0, turn_timeout=120.0, render_timeout=120.0
)
BUILD = "turn these images into a 15-second video with smooth transitions"


class Recorder:
    """The on_event callback: keeps every event and wakes up waiters."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self._changed = asyncio.Event()

    def __call__(self, event: Any) -> None:
        self.events.append(event)
        self._changed.set()

    async def wait_for(self, predicate: Callable[[list[Any]], Any]) -> None:
        async def until() -> None:
            while not predicate(self.events):
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(until(), WAIT)

    def of(self, kind: type) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]

    def added(self, role: str) -> list[ChatItem]:
        return [e.item for e in self.of(ChatItemAdded) if e.item.role == role]

    def index(self, event: Any) -> int:
        return next(i for i, seen in enumerate(self.events) if seen is event)


def has_status(text: str) -> Callable[[list[Any]], bool]:
    def check(events: list[Any]) -> bool:
        return any(
            isinstance(e, ChatItemAdded) and e.item.role == "status" and e.item.text == text
            for e in events
        )

    return check


def final(assistant: Assistant, item_id: str) -> ChatItem:
    return next(item for item in assistant.history if item.id == item_id)


def visual(timeline: Timeline) -> tuple[int, float]:
    """(number of video segments, total length) of a timeline."""
    segments = [seg for track in timeline.tracks if track.kind == "video" for seg in track.segments]
    return len(segments), timeline.duration_s


def messages_stored(engine: Any, session_id: str) -> list[str]:
    """The messages whose edits the engine saved in a session, in order."""
    with sqlite3.connect(engine.data_dir / "engine.sqlite3") as db:
        rows = db.execute(
            "SELECT message FROM drafts WHERE session_id = ? ORDER BY version", (session_id,)
        ).fetchall()
    return [row[0] for row in rows]


class Gate:
    """A director that waits at the gate (once) until the test opens it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()

    def director(self, *args: Any, **kwargs: Any) -> director.Edit:
        self.entered.set()
        self.opened.wait(WAIT)
        return director.direct(*args, **kwargs)

    async def wait_entered(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, WAIT)


@pytest.fixture
def gate(start_engine):
    gate = Gate()
    yield gate
    gate.opened.set()  # never leave an engine thread waiting


def assistant_for(client: AsyncNemoClient, tmp_path: Path, **options: Any):
    recorder = Recorder()
    assistant = Assistant(client, on_event=recorder, videos_dir=tmp_path / "videos", **options)
    return assistant, recorder


# -- a whole conversation ----------------------------------------------------------------------


async def test_photos_become_a_video_with_streamed_text(engine, photos, tmp_path):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        names = await assistant.upload(*photos)
        reply = await assistant.say(BUILD)

    assert names == [photo.name for photo in photos]
    assert reply.error is None and not reply.stopped
    assert reply.text.startswith("Made a 15 s")
    count, length = visual(rec.of(TimelineChanged)[-1].timeline)
    assert (count, length) == (3, 15.0)
    assert assistant.timeline == rec.of(TimelineChanged)[-1].timeline

    # One session, made on first need.
    assert rec.of(SessionChanged) == [SessionChanged(assistant.session_id, renewed=False)]
    # The tool call is a quiet status line; the reply streams, then the final text replaces it.
    (answer,) = rec.added("assistant")
    deltas = [e for e in rec.of(TextDelta) if e.item_id == answer.id]
    (done,) = [e for e in rec.of(ChatItemUpdated) if e.item.id == answer.id]
    assert len(deltas) > 1 and "".join(d.text for d in deltas) == reply.text
    assert all(rec.index(d) < rec.index(done) for d in deltas)
    assert done.item.text == reply.text and not done.item.streaming
    assert [(item.role, item.text) for item in assistant.history] == [
        ("status", "Added photo1.jpg, photo2.jpg and photo3.jpg."),
        ("user", BUILD),
        ("status", "Editing the timeline…"),
        ("assistant", reply.text),
    ]
    assert rec.of(BusyChanged) == [BusyChanged(True, 0), BusyChanged(False, 0)]


async def test_export_renders_a_real_mp4(engine, photos, tmp_path):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        await assistant.upload(*photos)
        built = await assistant.say("turn these images into a 2-second square video at 720p")
        assert built.error is None
        reply = await assistant.say("export it please")
        again = await assistant.export(tmp_path / "mine.mp4")

    (video, second) = rec.of(VideoReady)
    assert video.path.parent == tmp_path / "videos" and video.path.exists()
    assert video.size == video.path.stat().st_size > 0
    assert video.url and video.render_id
    assert video.duration_s == pytest.approx(2.0, abs=0.2)
    with av.open(str(video.path)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (720, 720)
    assert reply.text == f"Your video is ready: {video.path.name} ({file_size(video.size)})."
    states = [e.state for e in rec.of(ExportChanged)]
    assert states[0] == "rendering" and "downloading" in states and states[-1] == "done"
    assert states.index("downloading") < states.index("done") < rec.index(video)
    assert again == second.path == tmp_path / "mine.mp4" and again.exists()
    assert assistant.video == second


async def test_export_needs_a_video_first(engine, tmp_path):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        reply = await assistant.say("导出视频")
        with pytest.raises(NemoError) as raised:
            await assistant.export()

    assert reply.text.startswith("还没有可以导出的内容")
    assert raised.value.message == reply.text  # in the language of the latest message
    assert not rec.of(ExportChanged) and not rec.of(SessionChanged)


async def test_status_and_credits(engine, photos, tmp_path):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        empty = await assistant.say("show tracks")
        credits = await assistant.say("what's my balance?")
        await assistant.upload(*photos)
        await assistant.say(BUILD)
        status = await assistant.say("show tracks")
        zh_status = await assistant.say("状态")

    assert empty.text == "The timeline is empty: add photos and tell me what to make."
    assert credits.text == "Unlimited credits on the local engine."
    assert rec.of(CreditsChanged)[0].credits.unlimited
    assert (
        status.text
        == assistant.timeline.summary()
        == "Timeline (1 track): 1. Video: 3 images (0-15s)"
    )
    # A Chinese "状态" gets the timeline in Chinese (issue 11: it used to come back in English).
    assert (
        zh_status.text
        == assistant.timeline.summary("zh")
        == "时间线（1 条轨道）：1. 视频：3 张图片（0-15秒）"
    )


async def test_credits_of_a_budget_in_both_languages(start_engine, photos, tmp_path):
    engine = start_engine(budget=5)
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        before = await assistant.say("credits")
        await assistant.upload(*photos)
        await assistant.say(BUILD)
        after = await assistant.say("我还有多少积分？")

    assert before.text == "5 credits available."
    assert after.text == "可用积分 4。"
    assert [e.credits.available for e in rec.of(CreditsChanged)] == [5, 4]


async def test_out_of_credits_shows_its_link(start_engine, photos, tmp_path):
    engine = start_engine(budget=0)
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        await assistant.upload(*photos)
        reply = await assistant.say(BUILD)

    (error,) = rec.added("error")
    assert reply.error == error.text and "Not enough credits" in error.text
    assert error.link and error.link.startswith("https://") and error.link in error.text


async def test_links_and_bare_upload(start_engine, photos, tmp_path):
    from tests.engine.web_server import serve_folder

    engine = start_engine(allow_private_urls=True)  # the links point at 127.0.0.1
    with serve_folder(photos[0].parent) as url:
        async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
            assistant, _ = assistant_for(client, tmp_path)
            added = await assistant.say(f"upload {url}/photo1.jpg {url}/photo2.jpg")
            helped = await assistant.say("upload")
            built = await assistant.say("turn these images into a video")

    assert added.text == "Added photo1.jpg and photo2.jpg."
    assert "📎" in helped.text and "studio.upload(path)" in helped.text
    assert built.error is None and visual(assistant.timeline)[0] == 2


# -- one at a time, stop, and the busy agent ---------------------------------------------------


async def test_messages_typed_during_a_turn_wait_their_turn(start_engine, gate, photos, tmp_path):
    engine = start_engine(director=gate.director, heartbeat_interval=0.05)
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        await assistant.upload(*photos)
        first = asyncio.create_task(assistant.say(BUILD))
        await gate.wait_entered()
        second = asyncio.create_task(assistant.say("make it 6 seconds"))
        await rec.wait_for(lambda events: BusyChanged(True, 1) in events)
        # The queued message shows at once, before the first turn has answered.
        assert [item.text for item in rec.added("user")] == [BUILD, "make it 6 seconds"]
        assert not rec.added("assistant")
        gate.opened.set()
        one, two = await asyncio.wait_for(asyncio.gather(first, second), WAIT)

    assert one.text.startswith("Made a 15 s") and two.error is None
    answers = [final(assistant, item.id).text for item in rec.added("assistant")]
    assert answers == [one.text, two.text]
    assert visual(assistant.timeline) == (3, 6.0)
    busy = rec.of(BusyChanged)
    assert busy[-2:] == [BusyChanged(True, 0), BusyChanged(False, 0)]
    assert BusyChanged(False, 0) not in busy[:-1]


async def test_stop_closes_the_stream_and_drops_the_queue(start_engine, photos, tmp_path):
    engine = start_engine(stream_pace=0.5)
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        assistant.refresh_after_stop = (0.05,)
        await assistant.upload(*photos)
        running = asyncio.create_task(assistant.say(BUILD))
        await rec.wait_for(lambda events: any(isinstance(e, TextDelta) for e in events))
        queued = asyncio.create_task(assistant.say("make it 10 seconds"))
        await rec.wait_for(lambda events: BusyChanged(True, 1) in events)

        dropped = assistant.stop()
        stopped_at = len(rec.events)
        one, two = await asyncio.wait_for(asyncio.gather(running, queued), WAIT)
        # The edit finished on the server anyway: the timeline is read again shortly after.
        await rec.wait_for(
            lambda events: any(
                isinstance(e, TimelineChanged) and visual(e.timeline)[0] == 3
                for e in events[stopped_at:]
            )
        )
        after = await assistant.say("make it 6 seconds")

    assert dropped == 1
    assert one.stopped and two.stopped and one.error is None and two.error is None
    cut, _ = rec.added("assistant")
    cut = final(assistant, cut.id)
    streamed = "".join(e.text for e in rec.of(TextDelta) if e.item_id == cut.id)
    assert cut.stopped and not cut.streaming and cut.text == streamed == one.text
    # Some of the reply, not all of it.
    assert streamed.startswith("Made a 15 s") and not streamed.endswith("crossfades.")
    # No more deltas for the stopped item once stop() returned.
    assert not [
        e for e in rec.events[stopped_at:] if isinstance(e, TextDelta) and e.item_id == cut.id
    ]
    queued_item = next(item for item in assistant.history if item.text == "make it 10 seconds")
    assert queued_item.stopped
    assert has_status(
        "Stopped. The agent may still finish this edit on the server; the timeline will show it."
    )(rec.events)
    # The next message works; nothing was ever sent twice, and the dropped one never.
    assert after.error is None and visual(assistant.timeline) == (3, 6.0)
    assert messages_stored(engine, assistant.session_id) == [BUILD, "make it 6 seconds"]


async def test_after_a_stop_the_next_message_waits_for_the_busy_agent(
    start_engine, gate, photos, tmp_path
):
    engine = start_engine(director=gate.director, heartbeat_interval=0.05)
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        await assistant.upload(*photos)
        running = asyncio.create_task(assistant.say(BUILD))
        await gate.wait_entered()
        assistant.stop()
        stopped = await asyncio.wait_for(running, WAIT)

        waiting = asyncio.create_task(assistant.say("make it 6 seconds"))
        busy_line = (
            "The agent is still finishing an earlier request; your message goes out as soon "
            "as it is done…"
        )
        await rec.wait_for(has_status(busy_line))
        gate.opened.set()
        reply = await asyncio.wait_for(waiting, WAIT)

    assert stopped.stopped and stopped.text == ""
    assert reply.error is None and visual(assistant.timeline) == (3, 6.0)
    assert [item.text for item in rec.added("status")].count(busy_line) == 1
    assert messages_stored(engine, assistant.session_id) == [BUILD, "make it 6 seconds"]


async def test_a_busy_agent_is_waited_for_only_so_long(start_engine, gate, photos, tmp_path):
    engine = start_engine(director=gate.director, heartbeat_interval=0.05)
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        assistant.busy_wait = 0.5
        await assistant.upload(*photos)
        running = asyncio.create_task(assistant.say(BUILD))
        await gate.wait_entered()
        assistant.stop()
        await asyncio.wait_for(running, WAIT)
        reply = await asyncio.wait_for(assistant.say("make it 6 seconds"), WAIT)
        gate.opened.set()

    assert reply.error == (
        "The agent is still busy with an earlier request. Send your message again in a moment."
    )
    assert [item.text for item in rec.added("error")] == [reply.error]
    assert len([item for item in rec.added("status") if "still finishing" in item.text]) == 1


async def test_still_working_while_only_heartbeats_arrive(start_engine, gate, photos, tmp_path):
    engine = start_engine(director=gate.director, heartbeat_interval=0.05)
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path, still_working_every=0.2)
        await assistant.upload(*photos)
        running = asyncio.create_task(assistant.say(BUILD))
        await rec.wait_for(has_status("Still working…"))
        gate.opened.set()
        reply = await asyncio.wait_for(running, WAIT)

    assert reply.error is None and reply.text.startswith("Made a 15 s")


# -- sessions and failures ---------------------------------------------------------------------


async def test_a_lost_session_is_replaced_and_the_photos_uploaded_again(engine, photos, tmp_path):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        await assistant.upload(*photos)
        await assistant.say(BUILD)
        old = assistant.session_id
        with sqlite3.connect(engine.data_dir / "engine.sqlite3") as db:
            db.execute("DELETE FROM sessions WHERE session_id = ?", (old,))
        reply = await assistant.say("turn these images into a 6-second video")

    new = assistant.session_id
    assert new != old
    assert rec.of(SessionChanged)[-1] == SessionChanged(new, renewed=True)
    told = [item for item in assistant.history if item.text.startswith("That session is gone")]
    assert [item.text for item in told] == [
        "That session is gone from the server, so I started a new one and added your 3 file(s) "
        "again."
    ]
    # The message ran once, in the new session, with the photos uploaded again.
    assert reply.error is None and visual(assistant.timeline) == (3, 6.0)
    assert messages_stored(engine, new) == ["turn these images into a 6-second video"]


async def test_an_upload_to_a_lost_session_goes_to_a_new_one(engine, photos, tmp_path):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)
        await assistant.upload(*photos[:2])
        old = assistant.session_id
        with sqlite3.connect(engine.data_dir / "engine.sqlite3") as db:
            db.execute("DELETE FROM sessions WHERE session_id = ?", (old,))
        names = await assistant.upload(photos[2])
        state = await client.state(assistant.session_id)

    assert names == ["photo3.jpg"]
    assert rec.of(SessionChanged)[-1] == SessionChanged(assistant.session_id, renewed=True)
    assert [info["filename"] for info in state.video_infos] == [p.name for p in photos]


async def test_on_event_errors_never_break_a_turn(engine, photos, tmp_path, caplog):
    def broken(event: Any) -> None:
        raise RuntimeError("the view fell over")

    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant = Assistant(client, on_event=broken, videos_dir=tmp_path)
        await assistant.upload(*photos)
        reply = await assistant.say(BUILD)

    assert reply.error is None and visual(assistant.timeline) == (3, 15.0)
    assert any("on_event callback failed" in r.getMessage() for r in caplog.records)


async def test_unexpected_errors_become_a_plain_error_item(engine, tmp_path, caplog, monkeypatch):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        assistant, rec = assistant_for(client, tmp_path)

        async def broken_credits() -> None:
            raise KeyError("a bug")

        monkeypatch.setattr(client, "credits", broken_credits)
        with caplog.at_level(logging.ERROR, logger="nemo_widgets.assistant"):
            reply = await assistant.say("credits")

    assert reply.error == "Something went wrong (KeyError). Try again; the details are in the log."
    assert [item.text for item in rec.added("error")] == [reply.error]
    (record,) = [r for r in caplog.records if r.name == "nemo_widgets.assistant"]
    assert record.exc_info and record.exc_info[0] is KeyError


# -- what only the fault server can produce ----------------------------------------------------

DRAFT = {
    "d": 3000,
    "t": [{"tt": 0, "sg": [{"st": 0, "d": 3000, "kind": "image", "src": "https://x.test/a.jpg"}]}],
}
TITLED = {
    **DRAFT,
    "t": [*DRAFT["t"], {"tt": 7, "sg": [{"st": 0, "d": 3000, "text": "Summer"}]}],
}


@pytest.fixture(scope="module")
def fault_server():
    with FaultServer() as server:
        yield server


@pytest.fixture
def server(fault_server):
    fault_server.reset()
    return fault_server


def sent_texts(server: FaultServer) -> list[str]:
    return [
        r.json["new_message"]["parts"][0]["text"] for r in server.requests_to("POST", "/run_sse")
    ]


async def test_a_silent_turn_is_described_from_the_diff(server, tmp_path):
    session_id = server.create_session()
    server.set_draft(session_id, DRAFT)
    server.script_turn(
        data(adk_tool_call("edit_multitrack", {"op": "title"})),
        update_draft(TITLED),
        data(adk_tool_result("edit_multitrack", {"status": "ok"})),
    )
    server.script_turn(data(adk_tool_call("edit_multitrack", {})))
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path, session_id=session_id)
        changed = await assistant.say("add the title Summer")
        unchanged = await assistant.say("do nothing")

    first = Timeline.from_draft(DRAFT).diff(Timeline.from_draft(TITLED))[0]
    assert changed.text == f"Done: {first}"
    assert unchanged.text == "The agent finished without changes."
    assert rec.of(TimelineChanged)[0].timeline == Timeline.from_draft(TITLED)


async def test_a_question_is_answered_by_choosing(server, tmp_path):
    question = {
        "title": "Before I start",
        "questions": [
            {"id": "q1", "prompt": "Which style?", "options": ["Cinematic", "Vlog"]},
            {"id": "q2", "prompt": "Music?", "options": [{"id": "y", "label": "Yes"}]},
        ],
    }
    server.script_turn(data(adk_tool_call("ask_question", question)))
    server.script_turn(data(adk_text("Making a vlog.")))
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path)
        await assistant.say("make a video")
        (asking,) = rec.added("assistant")
        reply = await assistant.answer(asking.id, [["Vlog"], []])
        twice = await assistant.answer(asking.id, [["Cinematic"], []])

    assert asking.text == "Before I start"
    assert asking.question["questions"][0]["options"][1] == {"id": "b", "label": "Vlog"}
    assert final(assistant, asking.id).answered
    assert sent_texts(server) == ["make a video", "1. Which style?: Vlog\n2. Music?: Skipped"]
    assert reply.text == "Making a vlog."
    assert twice.error == "That question was already answered."


async def test_repeated_texts_show_once_and_gui_speak_is_translated(server, tmp_path):
    full = "I added a crossfade. Click the Export button to download."
    server.script_turn(
        data(adk_text("I added a crossfade. ", partial=True)),
        data(adk_text("Click the Export button to download.", partial=True)),
        data(adk_text(full)),
        data({"type": "something_new", "x": 1}),
        data(adk_text("I added ", partial=True)),
        data(adk_text(full)),
    )
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path)
        reply = await assistant.say("add a crossfade")

    shown = "I added a crossfade. Say “export” (or press Export) to render the MP4."
    assert reply.text == shown
    assert [item.text for item in assistant.history if item.role == "assistant"] == [shown]
    assert [e.text for e in rec.of(TextDelta)] == [
        "I added a crossfade. ",
        "Click the Export button to download.",
    ]


async def test_an_error_in_the_stream_is_an_error_item(server, tmp_path):
    server.script_turn(data(adk_text("Working on it.")), data(adk_error_line("boom")))
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path)
        reply = await assistant.say("make a video")

    assert reply.text == "Working on it."
    assert reply.error and "boom" in reply.error
    assert [item.text for item in rec.added("error")] == [reply.error]


async def test_a_failed_render_is_reported(server, tmp_path):
    session_id = server.create_session()
    server.set_draft(session_id, DRAFT)
    server.render_failure = "disk full"
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path, session_id=session_id)
        reply = await assistant.say("export")
        with pytest.raises(RenderFailed, match="disk full"):
            await assistant.export()

    assert "disk full" in reply.error
    errors = [e for e in rec.of(ExportChanged) if e.state == "error"]
    assert len(errors) == 2 and "disk full" in errors[0].error
    assert rec.added("error")[0].text == reply.error
    assert not rec.of(VideoReady)


async def test_stop_during_an_export_cancels_the_render(server, tmp_path):
    session_id = server.create_session()
    server.set_draft(session_id, DRAFT)
    server.render_polls_until_done = 10**9  # it never finishes by itself
    async with AsyncNemoClient(server.url, timings=FAST) as client:
        assistant, rec = assistant_for(client, tmp_path, session_id=session_id)
        running = asyncio.create_task(assistant.say("export"))
        await rec.wait_for(lambda events: any(isinstance(e, ExportChanged) for e in events))
        assistant.stop()
        reply = await asyncio.wait_for(running, WAIT)
        await asyncio.wait_for(
            _until(lambda: server.requests_to("POST", "/api/render/proxy/lambda/")), WAIT
        )

    assert reply.stopped and reply.error is None
    assert rec.of(ExportChanged)[-1] == ExportChanged("error", 0.0, "Export stopped.")
    assert has_status("Export stopped.")(rec.events)
    (cancel,) = server.requests_to("POST", "/api/render/proxy/lambda/")
    assert cancel.path.endswith("/cancel")


async def _until(condition: Callable[[], Any]) -> None:
    # The fault server records requests on its own thread: there is nothing to await but time.
    while not condition():  # noqa: ASYNC110
        await asyncio.sleep(0.01)
