"""Each session's render settings: previews only for a session that asks, speculative export
unless it says no. Driven over HTTP on a real engine; states and orders are asserted, never
times.
"""

from __future__ import annotations

import httpx
import pytest

from nemo_widgets import AsyncNemoClient
from nemo_widgets.engine.store import Store
from tests.engine.test_previews import finished_preview, get_preview
from tests.engine.test_render_child import BUILD, wait_for
from tests.engine.test_speculative_export import PAUSE, engine_of, speculative
from tests.helpers import FAST

pytestmark = pytest.mark.anyio

SETTINGS = "/api/render/settings/{}"
NEVER = 3600.0  # a speculative delay no test waits for


async def call(nemo: AsyncNemoClient, session_id: str, body: object = None) -> httpx.Response:
    """GET the session's settings, or POST ``body``: nothing but httpx and the bearer token."""
    token = (await nemo._ensure_token()).reveal()
    async with httpx.AsyncClient(base_url=nemo.base_url) as http:
        headers = {"Authorization": f"Bearer {token}"}
        if body is None:
            return await http.get(SETTINGS.format(session_id), headers=headers)
        return await http.post(SETTINGS.format(session_id), json=body, headers=headers)


async def settings(nemo: AsyncNemoClient, session_id: str, body: object = None) -> dict:
    answer = await call(nemo, session_id, body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["success"] is True
    return answer.json()["data"]


async def turn(nemo: AsyncNemoClient, session_id: str, text: str) -> None:
    async for _ in nemo.chat(session_id, text):
        pass


def previews_of(running, session_id: str) -> list:
    store = engine_of(running).store
    rows = store._read(
        "SELECT render_id FROM renders WHERE session_id = ? AND kind = 'preview' "
        "ORDER BY created_at, rowid",
        session_id,
    )
    return [store.render(row["render_id"]) for row in rows]


async def test_a_session_gets_previews_once_it_asks_and_until_it_stops(start_engine, photos):
    running = start_engine(previews=True, speculative_export=True, speculative_delay=NEVER)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        sid = session.session_id
        assert await settings(nemo, sid) == {"previews": False, "speculativeExport": True}
        await nemo.upload(sid, *photos)
        await turn(nemo, sid, BUILD)
        assert await get_preview(nemo, sid) is None  # it never asked
        assert previews_of(running, sid) == []

        # Asking renders the current draft at once: no turn needed.
        assert await settings(nemo, sid, {"previews": True}) == {
            "previews": True,
            "speculativeExport": True,
        }
        first = await get_preview(nemo, sid)
        assert first is not None and first["draftVersion"] == 1
        assert (await finished_preview(nemo, sid))["status"] == "completed"

        await turn(nemo, sid, "make it 6 seconds")
        second = await get_preview(nemo, sid)
        assert second["id"] != first["id"] and second["draftVersion"] == 2
        # Asking again while the current draft's preview exists renders nothing more.
        await settings(nemo, sid, {"previews": True})
        assert (await get_preview(nemo, sid))["id"] == second["id"]

        assert await settings(nemo, sid, {"previews": False}) == {
            "previews": False,
            "speculativeExport": True,  # merged: what was not sent stays
        }
        await turn(nemo, sid, "make it 5 seconds")
        assert (await nemo.state(sid)).raw["draft_version"] == 3
        assert (await get_preview(nemo, sid))["id"] == second["id"]
    assert len(previews_of(running, sid)) == 2


async def test_turning_previews_off_cancels_the_pending_one(start_engine, photos):
    running = start_engine(previews=True, renderer="tests.engine.fake_renderers:hang")
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        sid = session.session_id
        await settings(nemo, sid, {"previews": True})
        await nemo.upload(sid, *photos)
        await turn(nemo, sid, BUILD)
        assert (await get_preview(nemo, sid))["status"] in ("pending", "processing")
        await settings(nemo, sid, {"previews": False})
        stopped = await get_preview(nemo, sid)
        assert stopped["status"] == "cancelled"
        assert stopped["error"] == "previews were turned off"
        # On again: the current draft is rendered anew, as its preview never finished.
        await settings(nemo, sid, {"previews": True})
        again = await get_preview(nemo, sid)
        assert again["id"] != stopped["id"] and again["status"] in ("pending", "processing")
        assert again["draftVersion"] == 1


async def test_a_session_can_turn_speculative_export_off(start_engine, photos):
    running = start_engine(speculative_export=True, speculative_delay=PAUSE)
    engine = engine_of(running)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        quiet = await nemo.create_session()
        assert await settings(nemo, quiet.session_id, {"speculativeExport": False}) == {
            "previews": False,
            "speculativeExport": False,
        }
        await nemo.upload(quiet.session_id, *photos)
        await turn(nemo, quiet.session_id, BUILD)
        eager = await nemo.create_session()  # built after: its pause ends after the other's
        await nemo.upload(eager.session_id, *photos)
        await turn(nemo, eager.session_id, BUILD)
        await wait_for(lambda: speculative(running, eager.session_id), "the default's export")
        # Every pause has ended and its start has run: the quiet session's was skipped.
        await wait_for(lambda: not engine._idle_timers and not engine._turns, "the pauses")
    assert speculative(running, quiet.session_id) == []


async def test_turning_speculative_export_off_stops_the_running_one(start_engine, photos):
    running = start_engine(
        speculative_export=True,
        speculative_delay=PAUSE,
        renderer="tests.engine.fake_renderers:hang",
    )
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        sid = session.session_id
        await nemo.upload(sid, *photos)
        await turn(nemo, sid, BUILD)
        await wait_for(
            lambda: [r for r in speculative(running, sid) if r.status == "processing"],
            "the speculative export to run",
        )
        await settings(nemo, sid, {"speculativeExport": False})
        [stopped] = speculative(running, sid)
        assert stopped.status == "cancelled"
        assert stopped.error == "speculative export was turned off"
        # On again, the draft left alone is exported after the pause, with no new turn.
        await settings(nemo, sid, {"speculativeExport": True})
        await wait_for(lambda: len(speculative(running, sid)) == 2, "the export to start again")


async def test_an_engine_without_them_says_no_whatever_a_session_asks(start_engine, photos):
    running = start_engine(previews=False, speculative_export=False)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        sid = session.session_id
        await nemo.upload(sid, *photos)
        await turn(nemo, sid, BUILD)
        answer = await settings(nemo, sid, {"previews": True, "speculativeExport": True})
        assert answer == {"previews": False, "speculativeExport": False}
        await turn(nemo, sid, "make it 6 seconds")
        assert await get_preview(nemo, sid) is None
        assert await settings(nemo, sid) == {"previews": False, "speculativeExport": False}
    assert previews_of(running, sid) == []


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"previews": "yes"}, '"previews" must be true or false, not "yes"'),
        ({"speculativeExport": 0}, '"speculativeExport" must be true or false, not 0'),
        ({"previews": None}, '"previews" must be true or false, not null'),
        ({"speculative_export": False}, 'unknown render setting "speculative_export"'),
        ({"x" * 5000: True}, 'unknown render setting "' + "x" * 36 + "...:"),
        ([True], "the request body must be a JSON object"),
    ],
)
async def test_a_wrong_setting_is_refused_and_changes_nothing(start_engine, body, said):
    running = start_engine(speculative_export=True, speculative_delay=NEVER)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        answer = await call(nemo, session.session_id, body)
        assert answer.status_code == 400
        message = answer.json()["message"]
        assert said in message
        if isinstance(body, dict):
            assert '{"previews": true|false, "speculativeExport": true|false}' in message
        assert await settings(nemo, session.session_id) == {
            "previews": False,
            "speculativeExport": True,
        }


async def test_a_partly_wrong_body_changes_nothing(start_engine):
    running = start_engine(previews=True)
    async with AsyncNemoClient(running.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        answer = await call(nemo, session.session_id, {"previews": True, "speculativeExport": "no"})
        assert answer.status_code == 400
        assert (await settings(nemo, session.session_id))["previews"] is False


async def test_another_persons_session_is_not_found(start_engine, tmp_path):
    running = start_engine(previews=True)
    async with (
        AsyncNemoClient(running.url, timings=FAST) as owner,
        AsyncNemoClient(
            running.url, client_id="someone-else", config_dir=tmp_path / "other", timings=FAST
        ) as stranger,
    ):
        session = await owner.create_session()
        for body in (None, {"previews": True}):
            answer = await call(stranger, session.session_id, body)
            assert answer.status_code == 404
            assert answer.json()["code"] == 1002  # as every other session route answers
        async with httpx.AsyncClient(base_url=running.url) as http:
            anonymous = await http.get(SETTINGS.format(session.session_id))
        assert anonymous.status_code == 401
        assert (await settings(owner, session.session_id))["previews"] is False


async def test_settings_survive_a_restart(start_engine, tmp_path):
    first = start_engine(previews=True, speculative_export=True, speculative_delay=NEVER)
    async with AsyncNemoClient(first.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        await settings(nemo, session.session_id, {"previews": True, "speculativeExport": False})
    first.stop()
    second = start_engine(previews=True, speculative_export=True, speculative_delay=NEVER)
    async with AsyncNemoClient(second.url, timings=FAST) as nemo:
        assert await settings(nemo, session.session_id) == {
            "previews": True,
            "speculativeExport": False,
        }


def test_a_data_folder_of_the_previous_schema_opens_and_keeps_working(tmp_path):
    store = Store(tmp_path)
    with store._transaction() as db:  # as schema 3 left it: no settings, no preview versions
        db.execute("DROP TABLE render_settings")
        db.execute("ALTER TABLE renders DROP COLUMN draft_version")
        db.execute("PRAGMA user_version=3")
    store.close()
    store = Store(tmp_path)
    try:
        assert store.render_settings("s1").previews is False
        assert store.set_render_settings("s1", previews=True).previews is True
        assert store.render_settings("s1").speculative_export is True
        record = store.add_render("p", "s1", "u1", {}, "key", kind="preview", draft_version=7)
        assert record is not None and record.draft_version == 7
    finally:
        store.close()
