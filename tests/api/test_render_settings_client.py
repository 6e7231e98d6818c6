"""``render_settings``: a session's previews and speculative export, from Python, on the local
engine only (a real engine on 127.0.0.1)."""

from __future__ import annotations

import pytest

from nemo_widgets import AsyncNemoClient, NemoClient
from nemo_widgets.api import NemoError, RenderSettings
from tests.helpers import FAST

NEVER = 3600.0  # a speculative delay no test waits for


def recording(nemo: AsyncNemoClient, monkeypatch) -> list[tuple[str, str, object]]:
    """The (method, path, JSON body) of every call the client makes from now on."""
    sent: list[tuple[str, str, object]] = []
    call = nemo._call

    async def recorded(method: str, path: str, **options):
        sent.append((method, path, options.get("json")))
        return await call(method, path, **options)

    monkeypatch.setattr(nemo, "_call", recorded)
    return sent


@pytest.mark.anyio
async def test_reads_and_changes_a_sessions_settings(start_engine, monkeypatch):
    running = start_engine(previews=True, speculative_export=True, speculative_delay=NEVER)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        sid = session.session_id
        assert await nemo.is_local_engine()
        sent = recording(nemo, monkeypatch)
        assert await nemo.render_settings(sid) == RenderSettings(
            False, True, {"previews": False, "speculativeExport": True}
        )
        on = await nemo.render_settings(sid, previews=True)
        assert on is not None and (on.previews, on.speculative_export) == (True, True)
        off = await nemo.render_settings(sid, speculative_export=False)
        assert off is not None and (off.previews, off.speculative_export) == (True, False)
        both = await nemo.render_settings(sid, previews=False, speculative_export=True)
        assert both is not None and (both.previews, both.speculative_export) == (False, True)
        again = await nemo.render_settings(sid)
    assert again == both
    path = f"/api/render/settings/{sid}"
    assert sent == [
        ("GET", path, None),
        ("POST", path, {"previews": True}),  # only what was given
        ("POST", path, {"speculativeExport": False}),
        ("POST", path, {"previews": False, "speculativeExport": True}),
        ("GET", path, None),
    ]


@pytest.mark.anyio
async def test_the_engines_refusal_is_an_error_that_says_what_to_send(start_engine):
    running = start_engine(previews=True)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        with pytest.raises(NemoError, match='"previews" must be true or false'):
            await nemo.render_settings(session.session_id, previews="yes")  # type: ignore[arg-type]
        settings = await nemo.render_settings(session.session_id)
    assert settings is not None and settings.previews is False


@pytest.mark.anyio
async def test_an_engine_without_previews_answers_the_effective_settings(start_engine):
    running = start_engine(previews=False, speculative_export=True, speculative_delay=NEVER)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        settings = await nemo.render_settings(session.session_id, previews=True)
    assert settings is not None
    assert (settings.previews, settings.speculative_export) == (False, True)


@pytest.mark.anyio
async def test_never_asks_another_server(start_engine, monkeypatch):
    running = start_engine()
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        asked = []

        async def not_the_engine() -> bool:
            return False

        async def call(method, path, **options):
            asked.append(path)
            raise AssertionError("asked the server")

        monkeypatch.setattr(nemo, "is_local_engine", not_the_engine)
        monkeypatch.setattr(nemo, "_call", call)
        assert await nemo.render_settings("any-session") is None
        assert await nemo.render_settings("any-session", previews=True) is None
        assert await nemo.render_settings("any-session", speculative_export=False) is None
    assert asked == []


def test_the_blocking_client_does_the_same(start_engine):
    running = start_engine(previews=True, speculative_export=True, speculative_delay=NEVER)
    with NemoClient(running.url, timings=FAST) as nemo:
        session = nemo.create_session()
        changed = nemo.render_settings(session.session_id, previews=True, speculative_export=False)
        read = nemo.render_settings(session.session_id)
    assert changed is not None and (changed.previews, changed.speculative_export) == (True, False)
    assert read == changed


def test_settings_are_read_tolerantly():
    assert RenderSettings.from_data(None) == RenderSettings(False, False, {})
    odd = RenderSettings.from_data({"previews": "true", "speculativeExport": True})
    assert (odd.previews, odd.speculative_export) == (False, True)  # only a real true is on


@pytest.mark.anyio
async def test_wait_preview_gives_the_rendered_preview_once(start_engine, photos, monkeypatch):
    running = start_engine(previews=True)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        sid = session.session_id
        await nemo.upload(sid, *photos)
        await nemo.render_settings(sid, previews=True)
        unfinished = []
        async for _ in nemo.chat(sid, "turn these images into a 3-second video"):
            pass
        job = await nemo.wait_preview(sid, on_progress=unfinished.append)
        assert job is not None and job.done and job.output_url
        assert all(not seen.done for seen in unfinished)  # each poll before it was done
        # The caller has this one: nothing new until the draft changes.
        assert await nemo.wait_preview(sid, known=job.id) is None
        async for _ in nemo.chat(sid, "make it 4 seconds"):
            pass
        newer = await nemo.wait_preview(sid, known=job.id)
        assert newer is not None and newer.done and newer.id != job.id

        # Another server is never asked: None at once.
        async def not_the_engine() -> bool:
            return False

        monkeypatch.setattr(nemo, "is_local_engine", not_the_engine)
        assert await nemo.wait_preview(sid) is None


@pytest.mark.anyio
async def test_wait_preview_gives_up_on_previews_turned_off(start_engine, photos):
    running = start_engine(previews=True, render_workers=1)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        sid = session.session_id
        await nemo.upload(sid, *photos)
        async for _ in nemo.chat(sid, "turn these images into a 3-second video"):
            pass
        assert await nemo.wait_preview(sid) is None  # never asked for: there is none
        # An export holds the one render worker, so the preview asked for next waits behind it
        # and is still pending when previews are turned off, which cancels it.
        state = await nemo.state(sid)
        await nemo.start_render(sid, state.draft)
        await nemo.render_settings(sid, previews=True)
        await nemo.render_settings(sid, previews=False)
        assert await nemo.wait_preview(sid, interval=0.01) is None
