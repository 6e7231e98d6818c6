"""Previews: after every turn that changes the draft, the engine renders it small and fast,
for the sessions that asked (tests/engine/test_render_settings.py has the asking).

Driven over HTTP as any client would: the preview endpoint is plain JSON. Orders and states
are asserted, never times (the machine is small and shared).
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from nemo_widgets import AsyncNemoClient
from nemo_widgets.engine.preview import PREVIEW_FPS, PREVIEW_LONG_SIDE, preview_draft
from tests.engine.test_render_child import BUILD, render_children, wait_for
from tests.helpers import FAST

pytestmark = pytest.mark.anyio


async def get_preview(nemo: AsyncNemoClient, session_id: str) -> dict | None:
    """The preview answer, fetched with nothing but httpx and the bearer token."""
    token = (await nemo._ensure_token()).reveal()
    async with httpx.AsyncClient(base_url=nemo.base_url) as http:
        answer = await http.get(
            f"/api/render/preview/{session_id}", headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["success"] is True
    return body["data"]


async def ask_for_previews(nemo: AsyncNemoClient, session_id: str) -> None:
    settings = await nemo.render_settings(session_id, previews=True)
    assert settings is not None and settings.previews


async def previewed_session(nemo: AsyncNemoClient, photos):
    """A session that asked for previews, built by one turn: (session, its draft)."""
    session = await nemo.create_session()
    await ask_for_previews(nemo, session.session_id)
    await nemo.upload(session.session_id, *photos)
    async for _ in nemo.chat(session.session_id, BUILD):
        pass
    return session, (await nemo.state(session.session_id)).draft


async def finished_preview(nemo: AsyncNemoClient, session_id: str) -> dict:
    async def poll() -> dict | None:
        data = await get_preview(nemo, session_id)
        return data if data and data["status"] in ("completed", "failed") else None

    for _ in range(600):
        if data := await poll():
            return data
        await asyncio.sleep(0.1)
    raise AssertionError("gave up waiting for the preview")


def test_a_preview_draft_is_small_and_keeps_its_shape():
    draft = {"m": {"width": 1920, "height": 1080, "fps": 30}, "t": [], "d": 4000}
    small = preview_draft(draft)
    assert small["m"] == {"width": 480, "height": 270, "fps": PREVIEW_FPS}
    assert small["d"] == 4000 and draft["m"]["width"] == 1920  # the draft itself is untouched
    tall = preview_draft({"m": {"width": 1080, "height": 1920, "fps": 24}})["m"]
    assert (tall["width"], tall["height"]) == (270, 480)
    tiny = preview_draft({"m": {"width": 320, "height": 240, "fps": 10}})["m"]
    assert (tiny["width"], tiny["height"], tiny["fps"]) == (320, 240, 10)  # never enlarged


async def test_a_turn_that_changes_the_draft_yields_a_playable_preview(
    start_engine, photos, tmp_path
):
    import av

    engine = start_engine(previews=True)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        await ask_for_previews(nemo, session.session_id)
        await nemo.upload(session.session_id, *photos)
        assert await get_preview(nemo, session.session_id) is None  # no turn yet
        async for _ in nemo.chat(session.session_id, BUILD):
            pass
        state = await nemo.state(session.session_id)
        draft = state.draft
        data = await finished_preview(nemo, session.session_id)
        assert data["status"] == "completed", data
        assert data["kind"] == "preview"
        assert data["draftVersion"] == state.raw["draft_version"]
        async with httpx.AsyncClient() as http:
            video = await http.get(data["outputUrl"])
        assert video.status_code == 200
        path = tmp_path / "preview.mp4"
        path.write_bytes(video.content)
    with av.open(str(path)) as box:
        stream = box.streams.video[0]
        assert max(stream.width, stream.height) <= PREVIEW_LONG_SIDE
        assert float(stream.average_rate) == pytest.approx(PREVIEW_FPS)
        assert float(box.duration / 1e6) == pytest.approx(draft["d"] / 1000, abs=0.1)
        frames = sum(1 for _ in box.decode(video=0))
    assert frames == round(draft["d"] / 1000 * PREVIEW_FPS)


async def test_a_newer_draft_cancels_the_older_preview(start_engine, photos):
    engine = start_engine(previews=True, renderer="tests.engine.fake_renderers:hang")
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, _ = await previewed_session(nemo, photos)
        first = await get_preview(nemo, session.session_id)
        await wait_for(render_children, "the first preview to render")
        async for _ in nemo.chat(session.session_id, "make it 6 seconds"):
            pass
        second = await get_preview(nemo, session.session_id)
        assert second["id"] != first["id"]
        old = await nemo.render_status(first["id"])
        assert old.status == "cancelled"
        assert second["status"] in ("pending", "processing")


async def test_an_export_does_not_wait_behind_a_preview(start_engine, photos):
    engine = start_engine(
        previews=True, render_workers=1, renderer="tests.engine.fake_renderers:hang"
    )
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await previewed_session(nemo, photos)
        preview_id = (await get_preview(nemo, session.session_id))["id"]

        async def preview_status() -> str:
            return (await get_preview(nemo, session.session_id))["status"]

        for _ in range(300):  # the preview holds the only worker
            if await preview_status() == "processing":
                break
            await asyncio.sleep(0.1)
        assert await preview_status() == "processing"
        job = await nemo.start_render(session.session_id, draft)
        for _ in range(300):
            if (await nemo.render_status(job.id)).status == "processing":
                break
            await asyncio.sleep(0.1)
        assert (await nemo.render_status(job.id)).status == "processing"
        # The preview made way: it waits again, neither cancelled nor failed.
        assert (await get_preview(nemo, session.session_id))["id"] == preview_id
        assert await preview_status() == "pending"


async def test_identical_drafts_reuse_the_cached_preview(start_engine, photos):
    engine = start_engine(previews=True)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, _ = await previewed_session(nemo, photos)
        done = await finished_preview(nemo, session.session_id)
        assert done["status"] == "completed"
        for sentence in ("make it 6 seconds", "undo"):  # back to the first draft
            async for _ in nemo.chat(session.session_id, sentence):
                pass
        again = await get_preview(nemo, session.session_id)
    assert again["id"] != done["id"]
    assert again["status"] == "completed"  # at once: nothing rendered again
    assert again["output"]["size"] == done["output"]["size"]


async def test_a_draft_that_looks_the_same_small_keeps_its_preview(start_engine, photos):
    engine = start_engine(previews=True, renderer="tests.engine.fake_renderers:hang")
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, _ = await previewed_session(nemo, photos)  # 720p
        first = await get_preview(nemo, session.session_id)
        async for _ in nemo.chat(session.session_id, "make it 1080p"):
            pass
        state = await nemo.state(session.session_id)
        assert state.draft["m"]["height"] == 1080 and state.raw["draft_version"] == 2
        same = await get_preview(nemo, session.session_id)
    # Both are 480 px wide as previews: the one rendering shows the new version too.
    assert same["id"] == first["id"] and first["draftVersion"] == 1
    assert same["draftVersion"] == 2


async def test_exports_do_not_count_previews_against_the_queue_limit(start_engine, photos):
    engine = start_engine(
        previews=True, max_queued_renders=1, renderer="tests.engine.fake_renderers:hang"
    )
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await previewed_session(nemo, photos)
        assert (await get_preview(nemo, session.session_id))["status"] in (
            "pending",
            "processing",
        )
        job = await nemo.start_render(session.session_id, draft)  # not refused
        assert job.status in ("pending", "processing")


@pytest.mark.parametrize(("flags", "previews"), [([], True), (["--no-previews"], False)])
def test_serve_lets_sessions_ask_for_previews_unless_told_not_to(
    monkeypatch, tmp_path, flags, previews
):
    from nemo_widgets.cli import main
    from nemo_widgets.engine import server

    seen = {}
    monkeypatch.setattr(server, "serve", lambda *args, config: seen.setdefault("config", config))
    assert main(["serve", "--port", "0", "--data", str(tmp_path), *flags]) == 0
    assert seen["config"].previews is previews


async def test_the_client_reads_the_preview_of_the_local_engine(start_engine, photos):
    engine = start_engine(previews=True)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        await ask_for_previews(nemo, session.session_id)
        await nemo.upload(session.session_id, *photos)
        assert await nemo.preview(session.session_id) is None  # no turn yet
        async for _ in nemo.chat(session.session_id, BUILD):
            pass
        done = await finished_preview(nemo, session.session_id)
        job = await nemo.preview(session.session_id)
    assert job is not None and job.id == done["id"]
    assert job.status == "completed" and job.output_url == done["outputUrl"]
    assert job.draft_version == done["draftVersion"] == 1


async def test_the_client_never_asks_another_server_for_previews(start_engine, monkeypatch):
    engine = start_engine(previews=True)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        asked = []

        async def not_the_engine() -> bool:
            return False

        async def call(method, path, **options):
            asked.append(path)
            raise AssertionError("asked the server")

        monkeypatch.setattr(nemo, "is_local_engine", not_the_engine)
        monkeypatch.setattr(nemo, "_call", call)
        assert await nemo.preview("any-session") is None
    assert asked == []
