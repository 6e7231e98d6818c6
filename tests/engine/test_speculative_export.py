"""Speculative exports: a draft left alone for a moment is exported before Export is clicked.

States and orders are asserted, never times: the engine's own records say where a video came
from.
"""

from __future__ import annotations

import asyncio

import pytest

from nemo_widgets import AsyncNemoClient
from tests.engine.test_render_child import built_session, wait_for
from tests.helpers import FAST

pytestmark = pytest.mark.anyio

PAUSE = 0.2  # seconds the draft must stay the same (short, to keep the tests quick)


def engine_of(running):
    return running.server.config.app.state.engine


def speculative(running, session_id: str) -> list:
    """The session's speculative exports, oldest first."""
    store = engine_of(running).store
    rows = store._read(
        "SELECT render_id FROM renders WHERE session_id = ? AND kind = 'speculative' "
        "ORDER BY created_at",
        session_id,
    )
    return [store.render(row["render_id"]) for row in rows]


async def test_export_after_a_pause_finds_the_video_made(start_engine, photos):
    running = start_engine(speculative_export=True, speculative_delay=PAUSE)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        [early] = await wait_for(lambda: speculative(running, session.session_id), "one")
        await wait_for(
            lambda: speculative(running, session.session_id)[0].status == "completed",
            "the speculative export to finish",
        )
        job = await nemo.start_render(session.session_id, draft)
        assert job.status == "completed"  # at once: the click found it done
    record = engine_of(running).store.user_render(job_user(running, job.id), job.id)
    assert record.cache_key == early.cache_key and record.kind == "export"
    assert len(speculative(running, session.session_id)) == 1  # started once, not per poll


def running_one(running, session_id: str) -> list:
    return [r for r in speculative(running, session_id) if r.status == "processing"]


def job_user(running, public_id: str) -> str:
    rows = engine_of(running).store._read(
        "SELECT user_id FROM renders WHERE public_id = ?", public_id
    )
    return rows[0]["user_id"]


async def test_a_new_turn_cancels_the_speculative_export(start_engine, photos):
    running = start_engine(
        speculative_export=True,
        speculative_delay=PAUSE,
        renderer="tests.engine.fake_renderers:hang",
    )
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session, _ = await built_session(nemo, photos)
        await wait_for(
            lambda: [
                r for r in speculative(running, session.session_id) if r.status == "processing"
            ],
            "the speculative export to run",
        )
        async for _ in nemo.chat(session.session_id, "make it 6 seconds"):
            pass
        first = speculative(running, session.session_id)[0]
        assert first.status == "cancelled"
        # Left alone again, the new draft is exported in its turn.
        await wait_for(lambda: len(speculative(running, session.session_id)) == 2, "the next")
        assert speculative(running, session.session_id)[1].cache_key != first.cache_key


async def test_an_upload_cancels_the_speculative_export(start_engine, photos):
    running = start_engine(
        speculative_export=True,
        speculative_delay=PAUSE,
        renderer="tests.engine.fake_renderers:hang",
    )
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session, _ = await built_session(nemo, photos[:2])
        await wait_for(lambda: speculative(running, session.session_id), "a speculative export")
        await nemo.upload(session.session_id, photos[2])
        assert speculative(running, session.session_id)[0].status == "cancelled"


async def test_an_export_of_another_draft_takes_the_worker(start_engine, photos):
    running = start_engine(
        speculative_export=True,
        speculative_delay=PAUSE,
        render_workers=1,
        renderer="tests.engine.fake_renderers:hang",
    )
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        await wait_for(
            lambda: [
                r for r in speculative(running, session.session_id) if r.status == "processing"
            ],
            "the speculative export to run",
        )
        other = {**draft, "m": {**draft["m"], "title_for_test": "another video"}}
        job = await nemo.start_render(session.session_id, other)
        for _ in range(300):
            if (await nemo.render_status(job.id)).status == "processing":
                break
            await asyncio.sleep(0.1)
        assert (await nemo.render_status(job.id)).status == "processing"
        assert speculative(running, session.session_id)[0].status == "pending"


async def test_no_speculative_export_when_turned_off(start_engine, photos):
    running = start_engine(speculative_export=False, speculative_delay=0.0)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session, _ = await built_session(nemo, photos)
        await wait_for(lambda: True, "a moment", tries=5)
    assert speculative(running, session.session_id) == []


@pytest.mark.parametrize(("flags", "on"), [([], True), (["--no-speculative-export"], False)])
def test_serve_exports_speculatively_unless_told_not_to(monkeypatch, tmp_path, flags, on):
    from nemo_widgets.cli import main
    from nemo_widgets.engine import server

    seen = {}
    monkeypatch.setattr(server, "serve", lambda *args, config: seen.setdefault("config", config))
    assert main(["serve", "--port", "0", "--data", str(tmp_path), *flags]) == 0
    assert seen["config"].speculative_export is on
