"""NemoClient: the blocking facade, in a script and inside a running loop (a notebook cell)."""

from __future__ import annotations

import asyncio

from nemo_widgets import NemoClient
from nemo_widgets.api.events import Text, TextDelta
from tests.helpers import FAST
from tests.protocol import fault_server as fs

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
DRAFT = {"t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}]}]}


def test_whole_workflow_blocking(server, tmp_path):
    with NemoClient(server.url, timings=FAST) as nemo:
        session = nemo.create_session()
        assert nemo.upload(session.session_id, ("a.jpg", JPEG)).files[0].filename == "a.jpg"
        server.script_turn(fs.data(fs.adk_text("Hi", partial=True)), fs.data(fs.adk_text("Hi!")))
        events = list(nemo.chat(session.session_id, "make a video", streaming=True))
        assert events == [TextDelta("Hi"), Text("Hi!")]
        server.set_draft(session.session_id, DRAFT)
        draft = nemo.state(session.session_id).draft
        job = nemo.wait_render(nemo.start_render(session.session_id, draft))
        path = nemo.download(job, tmp_path)
        assert path.read_bytes() == server.render_bytes
        assert nemo.credits().available == 100
        assert "NemoClient" in repr(nemo)


def test_inside_a_running_event_loop(server):
    # Jupyter and Colab run cells inside a running loop; blocking calls must still work there.
    async def cell():
        with NemoClient(server.url, fs.TEST_TOKEN, timings=FAST) as nemo:
            session = nemo.create_session()
            return [event for event in nemo.chat(session.session_id, "hi")]

    assert asyncio.run(cell()) == [Text("OK")]


def test_breaking_out_of_a_turn_closes_the_stream(server):
    with NemoClient(server.url, fs.TEST_TOKEN, timings=FAST) as nemo:
        session = nemo.create_session()
        server.script_turn(
            fs.data(fs.adk_text("first", partial=True)), fs.sleep(5), fs.data(fs.adk_text("late"))
        )
        events = nemo.chat(session.session_id, "hi", streaming=True)
        assert next(events) == TextDelta("first")
        events.close()  # returns at once, without waiting for the 5 s pause
        assert list(events) == []


def test_notices_through_the_blocking_client(server, tmp_path):
    from tests.protocol.test_cloud_formats import heic

    shown: list[str] = []
    with NemoClient(server.url, timings=FAST) as nemo:
        nemo.on_notice = shown.append
        assert nemo.aio.on_notice == shown.append
        assert not nemo.is_local_engine()
        assert "NEMO_TOKEN" in (nemo.export_notice() or "")
        session = nemo.create_session()
        uploaded = nemo.upload(session.session_id, heic(tmp_path / "a.heic"))
        assert uploaded.files[0].filename == "a.jpg"
    assert len(shown) == 1 and "a.jpg" in shown[0]
