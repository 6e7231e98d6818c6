"""NemoStudio in a real kernel, driven through comm messages exactly as the browser drives it.

Each test runs in ipykernel 7.x and in Colab's ipykernel 6.17.1 (see conftest). One kernel and
one widget serve the whole module per kernel; the engine runs in the test process and the widget
reaches it through ``NEMO_API_URL``. What the contract promises (docs/widget-protocol.md) is
checked on the IOPub messages a front end would get.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nemo_widgets.engine.app import EngineConfig
from nemo_widgets.engine.server import RunningEngine, run_in_thread
from tests.kernel.conftest import KernelFactory
from tests.kernel.harness import Kernel, Message, WidgetView, describe
from tests.media_factory import PALETTE, make_photo

pytestmark = pytest.mark.kernel

CHUNK = 1024 * 1024
FAST_PACE = 0.05  # seconds between streamed pieces: streaming is visible, turns stay short
SLOW_PACE = 0.5  # a turn long enough to stop in the middle of
EDIT = "turn these images into a 15-second video with smooth transitions"
CHAT = "hello"  # the engine answers in several pieces and leaves the draft alone
# The engine quotes what it did not understand: a long reply (~60 pieces), draft untouched.
LONG_CHAT = " ".join(["blah"] * 200)
CONTRACT_TRAITS = {
    "backend", "session_id", "messages", "busy", "queued", "attachments", "timeline",
    "credits", "export", "video", "upload_chunk_size", "upload_window", "max_upload_bytes",
    "debug",
}  # fmt: skip
DURABLE_TRAITS = CONTRACT_TRAITS - {
    "upload_chunk_size",
    "upload_window",
    "max_upload_bytes",
    "debug",
}
SHOW_STUDIO = """
from nemo_widgets import NemoStudio
studio = NemoStudio()
display(studio)
"""


# -- fixtures: one engine, photos, one kernel + widget per kernel version -----------------------


@pytest.fixture(scope="module")
def engine_config() -> EngineConfig:
    """The engine's live config: tests change ``stream_pace`` between turns."""
    return EngineConfig(stream_pace=FAST_PACE)


@pytest.fixture(scope="module")
def engine(
    kernel_python: str, engine_config: EngineConfig, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningEngine]:
    """A fresh engine for each kernel version (so what one stored cannot pass for the other's)."""
    running = run_in_thread(tmp_path_factory.mktemp("engine"), config=engine_config)
    yield running
    running.stop()


@pytest.fixture
def pace(engine_config: EngineConfig) -> Iterator[Any]:
    """``pace(seconds)`` sets how fast the engine streams; back to fast after the test."""

    def set_pace(seconds: float) -> None:
        engine_config.stream_pace = seconds

    yield set_pace
    engine_config.stream_pace = FAST_PACE


@pytest.fixture(scope="module")
def photo_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two camera-sized JPEGs (3 pieces each) and one 24-megapixel PNG of about 28 MB."""
    folder = tmp_path_factory.mktemp("photos")
    return [
        make_photo(folder / "beach.jpg", (3000, 2250), PALETTE[0], detail=True, quality=95),
        make_photo(folder / "forest.jpg", (3000, 2250), PALETTE[1], detail=True, quality=95),
        make_photo(folder / "sky.png", (6000, 4000), PALETTE[2], detail=True, compress_level=1),
    ]


@pytest.fixture(scope="module")
def studio(start_kernel: KernelFactory, engine: RunningEngine) -> WidgetView:
    """``display(NemoStudio())`` in a kernel whose NEMO_API_URL is the test's engine."""
    kernel = start_kernel(NEMO_API_URL=engine.url)
    kernel.execute(SHOW_STUDIO)
    return WidgetView.opened(kernel)


@pytest.fixture(scope="module")
def uploads(studio: WidgetView, photo_files: list[Path]) -> dict[str, Path]:
    """The photos uploaded through the comm, as the browser does it; upload id -> file."""
    sent = {f"up-{n}": path for n, path in enumerate(photo_files)}
    for upload_id, path in sent.items():
        upload_like_a_browser(studio, upload_id, path)
    studio.wait_state(lambda s: all(_attachment(s, i)["state"] != "uploading" for i in sent))
    return sent


@pytest.fixture(scope="module")
def first_turn(studio: WidgetView, uploads: dict[str, Path]) -> Turn:
    """The edit that makes the 15-second video from the uploaded photos (4 streamed pieces)."""
    return Turn.run(studio, EDIT)


# -- the front end's side of the protocol -----------------------------------------------------


def upload_like_a_browser(view: WidgetView, upload_id: str, path: Path) -> None:
    """``upload_begin``, 1 MiB ``upload_chunk``s (each window sent backwards), at most
    ``upload_window`` unacknowledged, then ``upload_end``; asserts on every ``upload_ack``."""
    data = path.read_bytes()
    state = view.state()
    chunk_size, window = state["upload_chunk_size"], state["upload_window"]
    seqs = list(range(-(-len(data) // chunk_size)))
    order = []
    for start in range(0, len(seqs), window):  # each window backwards: order must not matter
        order += reversed(seqs[start : start + window])

    mark = view.kernel.mark()
    view.send({"type": "upload_begin", "id": upload_id, "name": path.name, "size": len(data),
               "mime": "image/png" if path.suffix == ".png" else "image/jpeg"})  # fmt: skip
    acked: set[int] = set()
    sent: list[int] = []
    while len(acked) < len(seqs):
        while order and len(sent) - len(acked) < window:
            seq = order.pop(0)
            piece = data[seq * chunk_size : (seq + 1) * chunk_size]
            view.send({"type": "upload_chunk", "id": upload_id, "seq": seq,
                       "offset": seq * chunk_size}, [piece])  # fmt: skip
            sent.append(seq)
        ack = view.wait_custom("upload_ack", lambda c: c["id"] == upload_id, since=mark)
        mark = ack.index + 1
        content = ack.data["content"]
        assert set(content["acked"]) <= set(sent), f"acked pieces never sent: {content}"
        acked |= set(content["acked"])
        assert content["received"] == sum(len(data[s * chunk_size :][:chunk_size]) for s in acked)
    view.send({"type": "upload_end", "id": upload_id})


def _attachment(state: dict[str, Any], upload_id: str) -> dict[str, Any]:
    found = [a for a in state.get("attachments", []) if a["id"] == upload_id]
    return found[0] if found else {"state": "uploading"}


class Turn:
    """One message sent from the front end and everything that came back until the turn ended."""

    def __init__(self, view: WidgetView, text: str, request: str, start: int, end: Message):
        self.view = view
        self.text = text
        self.request = request  # the comm_msg's msg_id
        self.start = start  # index of the first IOPub message after the send
        self.end = end  # the update that showed the finished turn

    @classmethod
    def run(cls, view: WidgetView, text: str, timeout: float = 90) -> Turn:
        start = view.kernel.mark()
        request = view.send({"type": "send", "text": text})
        return cls.finish(view, text, start, request, timeout)

    @classmethod
    def finish(
        cls, view: WidgetView, text: str, start: int, request: str = "", timeout: float = 90
    ) -> Turn:
        """Wait for the turn of ``text`` (sent at index ``start``) to end."""
        end = view.wait_update(lambda s: turn_finished(s, text), since=start, timeout=timeout)
        return cls(view, text, request, start, end)

    @property
    def state(self) -> dict[str, Any]:
        return self.view.state(upto=self.end.index + 1)

    @property
    def reply(self) -> dict[str, Any]:
        return replies_to(self.state, self.text)[-1]

    def deltas(self, item_id: str | None = None) -> list[tuple[Message, dict[str, Any]]]:
        """(events message, delta item) of this turn, optionally of one assistant item."""
        return [
            (message, item)
            for message in self.view.customs("events", self.start)
            for item in message.data["content"]["items"]
            if item["kind"] == "delta" and item_id in (None, item["id"])
        ]


def replies_to(state: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The assistant items after the last user message ``text``."""
    items = state.get("messages", [])
    asked = [n for n, item in enumerate(items) if item["role"] == "user" and item["text"] == text]
    if not asked:
        return []
    return [item for item in items[asked[-1] + 1 :] if item["role"] == "assistant"]


def turn_finished(state: dict[str, Any], text: str) -> bool:
    replies = replies_to(state, text)
    return (
        not state["busy"]
        and bool(replies)
        and not any(item["streaming"] for item in replies)
        and bool(replies[-1]["text"])
    )


def max_per_second(messages: list[Message]) -> int:
    """The most messages whose header dates fall in one 1-second window."""
    dates = sorted(m.date for m in messages)
    most, first = 0, 0
    for last, date in enumerate(dates):
        while (date - dates[first]).total_seconds() >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def saved_tokens(kernel: Kernel) -> list[str]:
    """The tokens the widget's client cached in the kernel's private config folder."""
    cache = kernel.workdir / "config" / "nemo_widgets_tokens.json"
    entries = json.loads(cache.read_text()) if cache.exists() else {}
    return [entry["token"] for entry in entries.values() if entry.get("token")]


def assert_no_token_in_iopub(kernel: Kernel) -> None:
    tokens = saved_tokens(kernel)
    assert tokens, "the client cached no token: nothing to look for"
    for message in kernel.messages:
        text = json.dumps(message.content, default=str)
        for token in tokens:
            assert token not in text, f"a {message.msg_type} message carries the token"
        assert not re.search(r"nmv_[A-Za-z0-9_\-]{8,}", text), f"token-like text in {text[:300]}"


# -- 1. display -------------------------------------------------------------------------------


def test_display_opens_the_anywidget_model_talking_to_the_server(
    studio: WidgetView, engine: RunningEngine, first_turn: Turn
):
    state = studio.state()
    assert state["_model_module"] == "anywidget"
    assert state["_model_name"] == "AnyModel"
    assert set(state) >= CONTRACT_TRAITS, f"missing traits: {CONTRACT_TRAITS - set(state)}"
    assert state["upload_chunk_size"] == CHUNK
    assert state["upload_window"] == 8
    host = engine.url.removeprefix("http://")
    assert state["backend"] == f"Server at {host}"
    assert state["session_id"]  # the turn made one


def test_display_without_a_server_url_starts_the_local_engine_in_the_kernel(
    start_kernel: KernelFactory,
):
    kernel = start_kernel()  # no NEMO_API_URL and no token: the embedded engine
    kernel.execute(SHOW_STUDIO)
    view = WidgetView.opened(kernel)
    assert view.state()["backend"] == "Local engine"

    turn = Turn.run(view, CHAT)
    assert turn.reply["text"]
    assert turn.state["session_id"]
    data_dir = kernel.workdir / "engine-data"
    assert data_dir.is_dir() and any(data_dir.iterdir()), "the engine kept nothing in NEMO_DATA_DIR"
    assert_no_token_in_iopub(kernel)


# -- 2. uploads -------------------------------------------------------------------------------


def test_chunked_uploads_reach_done(
    studio: WidgetView, uploads: dict[str, Path], engine: RunningEngine
):
    state = studio.state()
    for upload_id, path in uploads.items():
        attachment = _attachment(state, upload_id)
        assert attachment["state"] == "done", attachment
        assert attachment["name"] == path.name
        assert attachment["size"] == path.stat().st_size
        assert attachment["error"] is None
    big = max(uploads.values(), key=lambda p: p.stat().st_size)
    assert big.stat().st_size > 20 * CHUNK  # the large photo really went in many pieces
    # The engine keeps a JPEG as received (it re-encodes the big PNG): reassembled byte for byte.
    stored = {file.read_bytes() for file in (engine.data_dir / "media").glob("*/*.jpg")}
    for path in uploads.values():
        if path.suffix == ".jpg":
            assert path.stat().st_size > 2 * CHUNK
            assert path.read_bytes() in stored, f"{path.name} did not arrive intact"


# -- 3. a streamed turn -----------------------------------------------------------------------


def test_deltas_stream_before_the_final_text_and_the_timeline_follows(first_turn: Turn):
    reply = first_turn.reply
    deltas = first_turn.deltas(reply["id"])
    assert deltas, "no delta arrived for the reply"
    streamed = "".join(item["text"] for _, item in deltas)
    assert streamed and reply["text"].startswith(streamed)

    final_at = first_turn.end.index
    for update in first_turn.view.updates(first_turn.start):
        committed = [
            m for m in update.data["state"].get("messages", [])
            if m["id"] == reply["id"] and m["text"] == reply["text"] and not m["streaming"]
        ]  # fmt: skip
        if committed:
            final_at = update.index
            break
    assert deltas[0][0].index < final_at, "the final text came before any delta"

    timeline = first_turn.state["timeline"]
    videos = [
        segment
        for track in timeline["tracks"]
        if track["kind"] == "video"
        for segment in track["segments"]
    ]
    assert len(videos) == 3
    videos.sort(key=lambda s: s["start_s"])
    assert videos[0]["start_s"] == pytest.approx(0)
    assert max(s["end_s"] for s in videos) == pytest.approx(15)
    for before, after in itertools.pairwise(videos):
        assert after["start_s"] <= before["end_s"] + 1e-6, "a gap between photos"
    assert timeline["duration_s"] == pytest.approx(15)


def test_the_turn_stayed_under_30_comm_messages_a_second(first_turn: Turn):
    streamed = first_turn.view.comm_messages(first_turn.start)
    streamed = [m for m in streamed if m.index <= first_turn.end.index]
    assert first_turn.deltas()
    assert max_per_second(streamed) <= 30


def test_a_fast_long_reply_is_batched_under_30_messages_a_second(
    studio: WidgetView, first_turn: Turn, pace
):
    pace(0.01)  # ~60 pieces in well under a second: one message per piece would break the cap
    turn = Turn.run(studio, LONG_CHAT)
    streamed = [m for m in studio.comm_messages(turn.start) if m.index <= turn.end.index]
    deltas = turn.deltas(turn.reply["id"])
    assert deltas
    assert turn.reply["text"].startswith("".join(item["text"] for _, item in deltas))
    assert max_per_second(streamed) <= 30
    events = [m.data["content"]["seq"] for m in studio.customs("events", turn.start)]
    assert events == list(range(events[0], events[0] + len(events))), "seq must grow by one"


# -- 4. stop ----------------------------------------------------------------------------------


def test_stop_ends_the_stream_and_the_next_message_works(
    studio: WidgetView, first_turn: Turn, pace
):
    pace(SLOW_PACE)
    start = studio.kernel.mark()
    studio.send({"type": "send", "text": CHAT})
    first = studio.wait_custom(
        "events", lambda c: any(i["kind"] == "delta" for i in c["items"]), since=start
    )
    item_id = next(i["id"] for i in first.data["content"]["items"] if i["kind"] == "delta")
    studio.send({"type": "stop"})
    stopped = studio.wait_state(
        lambda s: (
            not s["busy"]
            and any(
                m["id"] == item_id and m["stopped"] and not m["streaming"] for m in s["messages"]
            )
        ),
        since=first.index + 1,
    )
    assert stopped["queued"] == 0

    # The engine may still be finishing the stopped turn (the stop closes only our stream): the
    # next message may then be answered once that is done, without streaming.
    pace(FAST_PACE)
    follow_up = "describe the video"
    turn = Turn.run(studio, follow_up)
    assert not turn.reply["stopped"] and turn.reply["text"]
    late = [
        (message.index, item)
        for message in studio.customs("events", first.index + 1)
        for item in message.data["content"]["items"]
        if item["kind"] == "delta" and item["id"] == item_id
    ]
    stopped_at = next(
        u.index
        for u in studio.updates(first.index + 1)
        if any(m["id"] == item_id and m["stopped"] for m in studio.state(u.index + 1)["messages"])
    )
    assert [item for index, item in late if index > stopped_at] == [], "deltas after the stop"


# -- 5. background work reaches the front end while no cell runs -------------------------------


def test_the_turn_arrived_while_the_kernel_was_idle(first_turn: Turn):
    kernel = first_turn.view.kernel
    handled = kernel.wait_for(
        lambda m: m.parent_id == first_turn.request and m.content.get("execution_state") == "idle",
        since=first_turn.start,
    )
    after = kernel.messages[handled.index + 1 : first_turn.end.index + 1]
    assert [m for m in after if m.msg_type == "status"] == [], "another request woke the kernel"
    assert [m for m in after if m.data.get("content", {}).get("type") == "events"]
    assert first_turn.end in after


# -- 6. poll ----------------------------------------------------------------------------------


def test_poll_replays_the_events_after_and_resends_the_state(
    studio: WidgetView, first_turn: Turn, pace
):
    pace(0.1)
    text = " ".join(["blah"] * 40)  # ~12 pieces
    start = studio.kernel.mark()
    studio.send({"type": "send", "text": text})
    first = studio.wait_custom("events", since=start)
    second = studio.wait_custom("events", since=first.index + 1)
    after = first.data["content"]["seq"]

    poll_at = studio.kernel.mark()
    seen_before_poll = {m.data["content"]["seq"] for m in studio.customs("events", start)}
    studio.send({"type": "poll", "after": after})
    studio.kernel.wait_for(  # send_state of every durable trait, as one update
        lambda m: (
            m.comm_id == studio.comm_id
            and m.data.get("method") == "update"
            and set(m.data["state"]) >= DURABLE_TRAITS
        ),
        since=poll_at,
    )
    Turn.finish(studio, text, start)

    originals: dict[int, Message] = {}
    replayed: list[Message] = []
    for message in studio.customs("events", start):
        seq = message.data["content"]["seq"]
        if seq in originals:
            replayed.append(message)
        else:
            originals[seq] = message
    replayed_seqs = [m.data["content"]["seq"] for m in replayed]
    assert replayed_seqs, "the poll replayed nothing"
    assert min(replayed_seqs) == after + 1 and second.data["content"]["seq"] in replayed_seqs
    assert {s for s in seen_before_poll if s > after} <= set(replayed_seqs)
    for message in replayed:
        assert message.index > poll_at
        assert message.data["content"] == originals[message.data["content"]["seq"]].data["content"]


# -- 7. export and the MP4 through the comm ------------------------------------------------------


def test_export_then_the_mp4_streams_in_acknowledged_chunks(studio: WidgetView, first_turn: Turn):
    start = studio.kernel.mark()
    studio.send({"type": "export"})
    done = studio.wait_state(
        lambda s: s["export"]["state"] in ("done", "error") and s["video"].get("token"),
        since=start,
        timeout=300,
    )
    assert done["export"]["state"] == "done", done["export"]
    states = [
        u.data["state"]["export"]["state"]
        for u in studio.updates(start)
        if "export" in u.data["state"]
    ]
    assert "rendering" in states and states.index("rendering") < states.index("done")
    progress = [
        u.data["state"]["export"]["progress"]
        for u in studio.updates(start)
        if u.data["state"].get("export", {}).get("state") == "rendering"
    ]
    assert progress == sorted(progress), f"render progress went back: {progress}"
    video = done["video"]
    path = Path(studio.kernel.execute("print(studio.video_path)").strip())
    mp4 = path.read_bytes()
    assert video["size"] == len(mp4) and video["name"] == path.name

    asked = studio.kernel.mark()
    request = studio.send({"type": "video_request", "token": video["token"]})
    handled = studio.kernel.wait_for(
        lambda m: m.parent_id == request and m.content.get("execution_state") == "idle",
        since=asked,
    )
    chunks_total = -(-len(mp4) // CHUNK)
    first_window = [m for m in studio.customs("video_chunk", asked) if m.index < handled.index]
    # The request's handler sends the first window itself (Colab shows what a handler sends).
    assert len(first_window) == min(8, chunks_total), describe(studio.kernel.messages[asked:])

    pieces: dict[int, bytes] = {}
    mark = asked
    while len(pieces) < chunks_total:
        chunk = studio.wait_custom("video_chunk", since=mark, timeout=30)
        mark = chunk.index + 1
        content = chunk.data["content"]
        assert content["token"] == video["token"] and content["size"] == len(mp4)
        assert len(chunk.buffers) == 1 and len(chunk.buffers[0]) <= CHUNK
        pieces[content["seq"]] = chunk.buffers[0]
        assert content["last"] == (content["seq"] == chunks_total - 1)
        studio.send({"type": "video_ack", "token": video["token"], "seq": content["seq"]})
    assert b"".join(pieces[seq] for seq in sorted(pieces)) == mp4

    assert_mp4_never_as_text(studio.kernel, mp4)


def assert_mp4_never_as_text(kernel: Kernel, mp4: bytes) -> None:
    """No IOPub message carries the MP4 in its JSON: not base64 (at any alignment), no data URL."""
    probes = []
    for offset in (0, len(mp4) // 3, 2 * len(mp4) // 3):
        for shift in range(3):
            probes.append(base64.b64encode(mp4[offset + shift : offset + shift + 60]).decode())
    for message in kernel.messages:
        text = json.dumps(message.content, default=str)
        assert "video/mp4;base64" not in text
        for probe in probes:
            assert probe not in text, f"a {message.msg_type} message carries the MP4 as base64"
        if message.data.get("content", {}).get("type") != "video_chunk":
            assert not any(mp4[:64] in b for b in message.buffers)


# -- secrets ----------------------------------------------------------------------------------


def test_no_iopub_message_ever_carried_the_token(studio: WidgetView, first_turn: Turn):
    """Runs last in the module: every message of every test above is checked."""
    assert_no_token_in_iopub(studio.kernel)
