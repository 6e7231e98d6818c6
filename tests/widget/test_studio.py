"""NemoStudio: traits and custom messages per docs/widget-protocol.md.

The comm is a recording mock (no kernel): the tests call ``widget._handle_custom_msg`` as the
kernel would for a browser message and read what the widget sent. Turns, uploads and exports go
to a real local engine on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import random
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from nemo_widgets import NemoError
from nemo_widgets.config import Settings
from nemo_widgets.timeline import Timeline
from nemo_widgets.widget.studio import NemoStudio, backend_label
from nemo_widgets.widget.thumbs import thumbnail_data_url, timeline_json
from nemo_widgets.widget.video import VideoStreamer
from tests.helpers import FAST
from tests.media_factory import PALETTE, make_photo
from tests.widget.studio_harness import (
    attachment,
    browser_says,
    custom_buffers,
    customs,
    open_studio,
    recording_comms,
    sent,
    upload_file,
    wait_for,
)

# -- the video stream on its own ------------------------------------------------------------


class Browser:
    """Receives ``video_chunk`` messages and checks the window as they arrive."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.chunks: dict[int, bytes] = {}
        self.unacked: set[int] = set()
        self.most_unacked = 0
        self.messages: list[dict[str, Any]] = []

    def receive(self, message: dict[str, Any], buffers: list[bytes]) -> None:
        self.messages.append(message)
        if message["type"] != "video_chunk":
            return
        assert len(buffers) == 1 and isinstance(buffers[0], bytes)
        self.chunks[message["seq"]] = buffers[0]
        self.unacked.add(message["seq"])
        self.most_unacked = max(self.most_unacked, len(self.unacked))

    def ack_some(self, streamer: VideoStreamer, rng: random.Random) -> None:
        for seq in rng.sample(sorted(self.unacked), k=min(len(self.unacked), rng.randint(1, 3))):
            self.unacked.discard(seq)
            streamer.ack(1, seq)


def test_video_streams_in_a_window_of_8_and_arrives_whole(tmp_path: Path):
    video = tmp_path / "out.mp4"
    data = random.Random(1).randbytes(50 * 1000 + 123)  # 51 pieces of 1000 bytes
    video.write_bytes(data)
    browser = Browser(window=8)
    streamer = VideoStreamer(browser.receive, chunk_size=1000, window=8)

    streamer.start(1, video)
    assert len(browser.chunks) == 8  # the first window, then nothing until acks come
    rng = random.Random(5)
    while browser.unacked:
        browser.ack_some(streamer, rng)  # out of order, a few at a time
        assert streamer.in_flight <= 8
    assert browser.most_unacked == 8
    assert b"".join(browser.chunks[n] for n in range(len(browser.chunks))) == data
    last = browser.messages[-1]
    assert last == {"type": "video_chunk", "token": 1, "seq": 50, "last": True, "size": len(data)}
    assert not any(m["last"] for m in browser.messages[:-1])


def test_acks_of_an_older_video_are_ignored(tmp_path: Path):
    video = tmp_path / "out.mp4"
    video.write_bytes(b"x" * 20_000)
    browser = Browser(window=8)
    streamer = VideoStreamer(browser.receive, chunk_size=1000, window=8)
    streamer.start(2, video)
    for seq in range(8):
        streamer.ack(1, seq)  # token 1 is an older video
        streamer.ack(2, seq + 100)  # never sent
        streamer.ack(2, seq)
        streamer.ack(2, seq)  # a duplicate ack frees nothing more
    assert len(browser.chunks) == 16


def test_a_missing_video_gives_a_video_error(tmp_path: Path):
    browser = Browser(window=8)
    VideoStreamer(browser.receive).start(3, tmp_path / "gone.mp4")
    assert browser.messages == [
        {
            "type": "video_error",
            "token": 3,
            "message": "The video file is no longer on this machine: export again.",
        }
    ]


# -- thumbnails ------------------------------------------------------------------------------


def decode_thumb(url: str) -> Image.Image:
    assert url.startswith("data:image/jpeg;base64,")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def test_thumbnails_are_small_upright_jpegs(tmp_path: Path):
    # A 1200x800 photo stored turned on its side (800x1200) with EXIF "rotate 90", as phones do.
    photo = make_photo(tmp_path / "big.jpg", (1200, 800), PALETTE[2], exif_orientation=6)
    url = thumbnail_data_url(photo)
    assert url is not None and len(url) < 12_000
    thumb = decode_thumb(url)
    assert thumb.format == "JPEG"
    assert thumb.size == (160, 107)  # upright: EXIF applied, at most 160 px
    assert thumbnail_data_url(tmp_path / "missing.jpg") is None
    (tmp_path / "notes.txt").write_text("not an image")
    assert thumbnail_data_url(tmp_path / "notes.txt") is None


def test_segments_get_the_thumb_of_the_file_they_show():
    draft = {
        "t": [
            {
                "tt": 0,
                "sg": [
                    {"kind": "image", "src": "http://h/media/m1/beach.jpg", "st": 0, "d": 2000},
                    {
                        "kind": "image",
                        "src": "http://h/media/m2/my%20dog.jpg",
                        "st": 2000,
                        "d": 2000,
                    },
                    {
                        "kind": "image",
                        "src": "http://h/media/m3/not-a-beach.jpg",
                        "st": 4000,
                        "d": 2000,
                    },
                ],
            },
            {"tt": 1, "sg": [{"kind": "audio", "src": "http://h/beach.jpg", "st": 0, "d": 6000}]},
        ]
    }
    data = timeline_json(
        Timeline.from_draft(draft), {"beach.jpg": "data:b", "my dog.jpg": "data:d"}
    )
    visual, audio = data["tracks"]
    assert [s["thumb"] for s in visual["segments"]] == ["data:b", "data:d", None]
    assert audio["segments"][0]["thumb"] is None
    assert json.loads(json.dumps(data)) == data  # plain JSON


# -- the widget against a real local engine ---------------------------------------------------

PROMPT = "turn these images into a 15-second video with smooth transitions"


@pytest.fixture
def studio(engine):
    with open_studio(engine.url) as studio:
        yield studio


def turn_done(studio: NemoStudio) -> bool:
    """The turn ended: not busy, and the assistant's reply is committed."""
    return not studio.busy and any(
        m["role"] == "assistant" and not m["streaming"] for m in studio.messages
    )


def visual_segments(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        segment
        for track in state["timeline"]["tracks"]
        if track["kind"] == "video"
        for segment in track["segments"]
    ]


def test_a_turn_streams_deltas_then_commits_the_traits(studio: NemoStudio, photos: list[Path]):
    assert studio.upload(*photos) == [p.name for p in photos]
    before = len(sent(studio))

    browser_says(studio, {"type": "send", "text": PROMPT})
    wait_for(lambda: turn_done(studio), "the turn to end")

    state = studio.get_state()
    segments = visual_segments(state)
    assert len(segments) == 3
    assert segments[0]["start_s"] == 0 and segments[-1]["end_s"] == pytest.approx(15.0)
    assert state["timeline"]["duration_s"] == pytest.approx(15.0)
    for segment, photo in zip(segments, photos, strict=True):
        assert segment["label"] == photo.name
        assert decode_thumb(segment["thumb"]).size == (160, 120)
    user, *_, reply = [m for m in state["messages"] if m["role"] in ("user", "assistant")]
    assert user["text"] == PROMPT
    assert reply["role"] == "assistant" and reply["text"] and not reply["streaming"]
    assert set(reply) == {
        "id",
        "role",
        "text",
        "streaming",
        "stopped",
        "link",
        "question",
        "answered",
        "detail",
    }
    assert state["busy"] is False and state["queued"] == 0
    assert studio.timeline.duration_s == pytest.approx(15.0)  # the Python API agrees
    wait_for(lambda: studio.credits == "Unlimited credits", "the credits badge")

    # The reply streamed as `events` deltas before its final text reached `messages`.
    turn = sent(studio)[before:]
    deltas = [
        n
        for n, data in enumerate(turn)
        if data["method"] == "custom"
        and data["content"]["type"] == "events"
        and any(i["kind"] == "delta" and i["id"] == reply["id"] for i in data["content"]["items"])
    ]
    commits = [
        n
        for n, data in enumerate(turn)
        if data["method"] == "update"
        and any(
            m["id"] == reply["id"] and not m["streaming"] for m in data["state"].get("messages", [])
        )
    ]
    assert deltas and commits and deltas[0] < commits[0]
    streamed = "".join(
        item["text"]
        for n in deltas
        for item in turn[n]["content"]["items"]
        if item["kind"] == "delta"
    )
    assert streamed.split()[:3] == reply["text"].split()[:3]
    # Trait syncs during the turn are the few that matter, not one per delta.
    updates = [data for data in turn if data["method"] == "update"]
    assert len(updates) <= 8, [sorted(u["state"]) for u in updates]
    events = [
        data["content"]
        for data in turn
        if data["method"] == "custom" and data["content"]["type"] == "events"
    ]
    assert [e["seq"] for e in events] == list(
        range(events[0]["seq"], events[0]["seq"] + len(events))
    )


def test_a_final_text_never_overtakes_deltas_held_back_by_the_rate_cap(
    studio: NemoStudio, photos: list[Path]
):
    """Right after an upload the second's message budget is spent, so the deltas wait; the
    ``messages`` commits queued behind them must carry the transcript as it was then, not the
    final text that arrived while they waited."""
    studio.upload(*photos)
    before = len(sent(studio))
    for _ in range(studio._meter.limit):
        studio._meter.note()  # what the acks and attachment updates of an upload add up to
    browser_says(studio, {"type": "send", "text": PROMPT})
    wait_for(lambda: turn_done(studio), "the turn to end")

    [reply] = [m for m in studio.messages if m["role"] == "assistant"]
    wait_for(  # the outbox still holds the deltas and commits until the budget frees up
        lambda: reply in studio.get_state()["messages"], "the reply to reach the trait"
    )
    turn = sent(studio)[before:]
    first_delta = next(
        n
        for n, data in enumerate(turn)
        if data["method"] == "custom"
        and any(item["kind"] == "delta" for item in data["content"].get("items", []))
    )
    first_final = next(
        n
        for n, data in enumerate(turn)
        if data["method"] == "update"
        and any(
            m["id"] == reply["id"] and not m["streaming"] for m in data["state"].get("messages", [])
        )
    )
    assert first_delta < first_final


def test_uploads_by_message_then_send_sync(studio: NemoStudio, photos: list[Path]):
    for n, photo in enumerate(photos):
        upload_file(studio, f"up{n}", photo.name, photo.read_bytes())
    wait_for(lambda: [a["state"] for a in studio.attachments] == ["done"] * 3, "the uploads")

    reply = studio.send_sync(PROMPT)

    assert isinstance(reply, str) and "15" in reply
    segments = visual_segments(studio.get_state())
    assert [s["label"] for s in segments] == [p.name for p in photos]
    assert all(s["thumb"].startswith("data:image/jpeg;base64,") for s in segments)
    assert [m["role"] for m in studio.messages if m["role"] in ("user", "assistant")] == [
        "user",
        "assistant",
    ]


@pytest.mark.anyio
async def test_await_send_from_the_notebook_loop(studio: NemoStudio, photos: list[Path]):
    studio.upload(*photos)
    ticks = 0

    async def ticking() -> None:  # the caller's loop stays free while the turn runs elsewhere
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    ticker = asyncio.ensure_future(ticking())
    try:
        reply = await studio.send("turn these images into a 6-second video")
    finally:
        ticker.cancel()
    assert isinstance(reply, str) and reply
    assert ticks > 1
    assert studio.timeline.duration_s == pytest.approx(6.0)
    assert studio.session_id and studio.get_state()["session_id"] == studio.session_id


def test_send_raises_the_error_the_widget_shows():
    dead = f"http://127.0.0.1:{_free_port()}"
    with open_studio(dead) as studio:
        with pytest.raises(NemoError, match="Could not reach"):
            studio.send_sync("hello")
        errors = [m for m in studio.messages if m["role"] == "error"]
        assert errors and "Could not reach" in errors[0]["text"]
        assert "Traceback" not in json.dumps(studio.get_state())


def test_a_failure_inside_the_widget_becomes_an_error_item(studio: NemoStudio, monkeypatch):
    async def broken(text: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(studio._assistant, "say", broken)
    browser_says(studio, {"type": "send", "text": "hello"})
    error = wait_for(lambda: [m for m in studio.messages if m["role"] == "error"], "the error")
    assert error[0]["text"] == (
        "Something went wrong while sending your message (RuntimeError: boom). Try again."
    )


def test_poll_replays_the_turn_and_resends_the_state(studio: NemoStudio, photos: list[Path]):
    studio.upload(*photos)
    browser_says(studio, {"type": "send", "text": PROMPT})
    wait_for(lambda: turn_done(studio), "the turn to end")
    events = customs(studio, "events")
    before = len(sent(studio))

    browser_says(studio, {"type": "poll", "after": events[0]["seq"]})

    answer = sent(studio)[before:]
    replayed = [d["content"] for d in answer if d["method"] == "custom"]
    assert replayed == events[1:]
    [update] = [d for d in answer if d["method"] == "update"]
    assert set(update["state"]) == {
        "backend",
        "session_id",
        "messages",
        "busy",
        "queued",
        "attachments",
        "timeline",
        "credits",
        "export",
        "video",
        "preview",
    }
    assert update["state"]["timeline"] == studio.get_state()["timeline"]


def test_export_then_stream_the_video_to_the_browser(
    studio: NemoStudio, photos: list[Path], tmp_path: Path
):
    studio.upload(*photos)
    studio.send_sync("turn these images into a 3-second video")
    studio.send_sync("make it 720p")  # a small render keeps this test quick

    path = studio.export(tmp_path / "out.mp4")

    assert path == tmp_path / "out.mp4" and path.stat().st_size > 1000
    assert studio.video_path == path
    video = studio.video
    assert video["token"] == 1 and video["name"] == "out.mp4"
    assert video["size"] == path.stat().st_size
    assert video["duration_s"] == pytest.approx(3.0, abs=0.2)
    assert video["url"].startswith("http://127.0.0.1:")
    assert studio.get_state()["export"] == {"state": "done", "progress": 100, "error": None}

    # The browser could not load the URL: the kernel streams the file, 8 pieces at a time.
    # (1 MiB pieces; smaller here so that this short video spans several windows.)
    assert studio._video.chunk_size == 1024 * 1024
    studio._video.chunk_size = piece = 1024
    data = path.read_bytes()
    assert len(data) > 20 * piece
    browser_says(studio, {"type": "video_request", "token": 1})
    received: dict[int, bytes] = {}
    while True:
        chunks = custom_buffers(studio, "video_chunk")
        unacked = [c for c, _ in chunks if c["seq"] not in received]
        assert 0 < len(unacked) <= 8
        message, buffers = next((c, b) for c, b in chunks if c["seq"] == unacked[0]["seq"])
        received[message["seq"]] = bytes(buffers[0])
        if message["last"]:
            break
        browser_says(studio, {"type": "video_ack", "token": 1, "seq": message["seq"]})
    assert b"".join(received[n] for n in sorted(received)) == data
    assert all(len(received[n]) == piece for n in sorted(received)[:-1])
    assert message["size"] == len(data)

    browser_says(studio, {"type": "video_request", "token": 0})  # an older video
    assert customs(studio, "video_error")[-1]["token"] == 0
    path.unlink()
    browser_says(studio, {"type": "video_request", "token": 1})
    assert "export again" in customs(studio, "video_error")[-1]["message"]


def test_export_from_the_browser_updates_export_and_video(studio: NemoStudio, photos: list[Path]):
    studio.upload(*photos)
    studio.send_sync("turn these images into a 2-second video")
    studio.send_sync("make it 720p")
    browser_says(studio, {"type": "export"})
    wait_for(lambda: studio.video.get("token") == 1, "the video", timeout=120)
    state = studio.get_state()
    assert state["export"]["state"] == "done"
    assert studio.video_path is not None and studio.video_path.exists()
    assert state["video"]["name"] == studio.video_path.name


def test_no_trait_and_no_message_holds_the_token(studio: NemoStudio, photos: list[Path]):
    studio.upload(*photos)
    studio.send_sync(PROMPT)
    token = studio._client._token.reveal()
    assert len(token) > 8
    assert token not in json.dumps(studio.get_state())
    assert token not in json.dumps(sent(studio), default=str)
    assert token not in repr(studio)


def test_close_stops_work_and_deletes_temp_files(engine, photos: list[Path]):
    with open_studio(engine.url) as studio:
        upload_file(studio, "u1", photos[0].name, photos[0].read_bytes())
        wait_for(lambda: attachment(studio, "u1")["state"] == "done", "the upload")
        root = studio._uploads.root
        assert any(root.rglob(photos[0].name))
        browser_says(studio, {"type": "send", "text": PROMPT})
        studio.close()
        assert not root.exists()
        assert studio.comm is None
        browser_says(studio, {"type": "send", "text": "ignored after close"})
        studio.close()  # twice is fine


def test_the_studio_takes_a_blocking_client_and_shows_the_backend(engine):
    from nemo_widgets import NemoClient

    client = NemoClient(engine.url, timings=FAST)
    try:
        with recording_comms():
            studio = NemoStudio(client, debug=True)
        assert studio.backend == "Local engine"
        assert studio.debug is True and studio.get_state()["debug"] is True
        assert studio._client is client.aio
        assert studio.get_state()["upload_chunk_size"] == 1024 * 1024
        assert studio.get_state()["upload_window"] == 8
        assert studio.get_state()["max_upload_bytes"] == client.settings.max_upload_bytes
        studio.close()
    finally:
        client.close()


def test_backend_labels():
    cloud = Settings.resolve(token="secret-token")
    assert backend_label(cloud) == "NemoVideo cloud"
    assert backend_label(Settings.resolve()) == "Local engine"  # not started yet
    assert backend_label(Settings.resolve(base_url="https://nemo.example.com:8443/")) == (
        "Server at nemo.example.com:8443"
    )


def test_importing_the_package_does_not_import_the_widget_stack():
    code = (
        "import sys, nemo_widgets\n"
        "assert 'anywidget' not in sys.modules and 'ipywidgets' not in sys.modules\n"
        "assert nemo_widgets.NemoStudio.__name__ == 'NemoStudio'\n"
        "assert 'anywidget' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_stop_from_the_browser_keeps_what_was_streamed(start_engine, photos: list[Path]):
    slow = start_engine(stream_pace=0.5)  # the reply trickles in: time to press stop
    with open_studio(slow.url) as studio:
        studio.upload(*photos)
        browser_says(studio, {"type": "send", "text": PROMPT})
        wait_for(
            lambda: any(
                i["kind"] == "delta" for e in customs(studio, "events") for i in e["items"]
            ),
            "the first streamed words",
        )
        browser_says(studio, {"type": "stop"})
        wait_for(lambda: not studio.busy, "the turn to stop")
        [reply] = [m for m in studio.messages if m["role"] == "assistant"]
        assert reply["stopped"] is True and reply["streaming"] is False
        # The trait follows once the status line streamed before it is out.
        wait_for(lambda: studio.get_state()["messages"] == studio.messages, "the commit")


# -- the widget on a server that is not the local engine (the loopback fault server) -----------


def test_an_anonymous_cloud_user_is_warned_before_export_and_told_how_to_unlock_it(
    photos: list[Path],
):
    from tests.protocol import fault_server as fs
    from tests.protocol.test_cloud_formats import heic

    draft = {"d": 3000, "t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}]}]}
    with fs.FaultServer() as server, open_studio(server.url) as studio:
        studio.upload(*photos, heic(photos[0].parent / "IMG_1.HEIC"))
        assert studio.upload(heic(photos[0].parent / "IMG_2.heif", colour=2)) == ["IMG_2.jpg"]
        told = [m["text"] for m in studio.messages if "is a HEIC photo" in m["text"]]
        assert len(told) == 1 and "IMG_1.jpg" in told[0], "told once, in the widget"
        server.script_turn(fs.update_draft(draft), fs.data(fs.adk_text("Made it.")))
        studio.send_sync("make a video")
        server.inject(
            "POST", "/api/render/proxy/lambda", status=402, body={"message": "requires account"}
        )
        browser_says(studio, {"type": "export"})
        wait_for(lambda: studio.get_state()["export"]["state"] == "error", "the refusal")
        [user] = {s["user_id"] for s in server.sessions.values()}
        texts = [(m["role"], m["text"]) for m in studio.messages]
        notice = next(i for i, (role, t) in enumerate(texts) if "anonymous NemoVideo" in t)
        refusal = next(i for i, (role, t) in enumerate(texts) if "HTTP 402" in t)
        assert texts[notice][0] == "status" and texts[refusal][0] == "error"
        assert notice < refusal, "told before the export, not after"
        for step in (f"/register?bind={user}", "Settings -> API Tokens", "NEMO_TOKEN"):
            assert step in texts[refusal][1]
            assert step in studio.get_state()["export"]["error"]


def test_a_chinese_conversation_hears_the_cloud_notices_in_chinese(photos: list[Path]):
    from tests.protocol import fault_server as fs
    from tests.protocol.test_cloud_formats import heic

    draft = {"d": 3000, "t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}]}]}
    with fs.FaultServer() as server, open_studio(server.url) as studio:
        server.script_turn(fs.update_draft(draft), fs.data(fs.adk_text("好的。")))
        studio.send_sync("帮我做一个视频")  # the conversation is now in Chinese
        studio.upload(heic(photos[0].parent / "IMG_1.HEIC"))
        [heic_note] = [m["text"] for m in studio.messages if "HEIC" in m["text"]]
        assert "IMG_1.HEIC 是 HEIC 照片" in heic_note and "IMG_1.jpg" in heic_note
        server.inject(
            "POST", "/api/render/proxy/lambda", status=402, body={"message": "requires account"}
        )
        browser_says(studio, {"type": "export"})
        wait_for(lambda: studio.get_state()["export"]["state"] == "error", "the refusal")
        statuses = [m["text"] for m in studio.messages if m["role"] == "status"]
        [export_note] = [t for t in statuses if "匿名" in t]
        assert "NEMO_TOKEN" in export_note and "anonymous" not in export_note


def test_the_video_is_stale_after_a_change_until_the_next_export(
    studio: NemoStudio, photos: list[Path]
):
    studio.upload(*photos)
    studio.send_sync("turn these images into a 2-second video")
    studio.export()
    assert studio.video["stale"] is False
    studio.send_sync("make it 3 seconds")
    wait_for(lambda: studio.video.get("stale") is True, "the video marked out of date")
    assert studio.get_state()["video"]["stale"] is True
    studio.export()
    assert studio.video["stale"] is False and studio.video["token"] == 2
    studio.send_sync("hello")  # no change to the draft: the video stays current
    assert studio.video["stale"] is False


def test_a_change_the_timeline_summary_leaves_out_still_makes_the_video_out_of_date(
    studio: NemoStudio, photos: list[Path]
):
    studio.upload(*photos)
    studio.send_sync("turn these images into a 2-second video")
    first = studio.export()
    studio.send_sync("use wipe transitions")  # the bars stay where they are; the video changes
    wait_for(lambda: studio.video.get("stale") is True, "the video marked out of date")
    second = studio.export()
    assert second != first and studio.video["token"] > 1 and studio.video["stale"] is False
    replies = [m["text"] for m in studio.messages if m["role"] == "assistant"]
    assert not any("Nothing changed" in text for text in replies), replies


def test_a_finished_turn_says_its_steps_are_done(studio: NemoStudio, photos: list[Path]):
    studio.upload(*photos)
    studio.send_sync(PROMPT)
    wait_for(lambda: turn_done(studio), "the turn to end")
    steps = [m["text"] for m in studio.get_state()["messages"] if m["role"] == "status"]
    assert steps and not any(text.endswith("…") for text in steps), steps
    assert any(text.endswith(": done.") for text in steps), steps


def test_python_uploads_show_their_thumbnails_and_transparency_is_not_black(
    studio: NemoStudio, tmp_path: Path
):
    clear = tmp_path / "glass.png"
    Image.new("RGBA", (64, 48), (255, 255, 255, 128)).save(clear)
    studio.upload(clear)
    [chip] = studio.get_state()["attachments"]
    assert chip["thumb"].startswith("data:image/jpeg")
    pixel = decode_thumb(chip["thumb"]).convert("L").getpixel((10, 10))
    assert pixel > 200  # half-transparent white on a light neutral, not grey on black


def test_an_unchanged_re_export_says_ready_once(studio: NemoStudio, photos: list[Path]):
    studio.upload(*photos)
    studio.send_sync("turn these images into a 2-second video")
    first = studio.export()
    studio.export()  # nothing changed in between
    assert studio.video["token"] == 1 and studio.video_path == first
    replies = [m["text"] for m in studio.messages if m["role"] == "assistant"]
    assert sum("is ready" in text for text in replies) == 1, replies
    assert "Nothing changed since the last export" in replies[-1]
