"""The client against the real engine, over HTTP on 127.0.0.1: every endpoint, every code.

The same AsyncNemoClient the cloud gets; no part of the engine is called directly except to
look at what it stored.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time

import av
import httpx
import pytest

from nemo_widgets import AsyncNemoClient
from nemo_widgets.api import (
    AuthError,
    FileTooLarge,
    NemoError,
    OutOfCredits,
    RenderFailed,
    SessionNotFound,
    UnsupportedFile,
)
from nemo_widgets.api.events import Heartbeat, Text, TextDelta, ToolCall, ToolResult
from nemo_widgets.engine import director
from tests.helpers import FAST
from tests.media_factory import make_audio, make_photo

pytestmark = pytest.mark.anyio

BUILD = "turn these images into a 6-second video with smooth transitions"


async def chat(nemo, session, text, **options):
    return [event async for event in nemo.chat(session.session_id, text, **options)]


def slow_director(seconds: float):
    """The real director, taking its time: for heartbeats and overlapping turns."""

    def direct(*args, **kwargs):
        time.sleep(seconds)
        return director.direct(*args, **kwargs)

    return direct


def stored_media(engine) -> list[str]:
    """Every media folder on disk: what an upload left behind."""
    return sorted(p.name for p in (engine.data_dir / "media").iterdir())


# -- identity ---------------------------------------------------------------------------------


async def test_anonymous_token_is_random_and_stable_per_client_id(engine):
    async with httpx.AsyncClient(base_url=engine.url) as http:
        first = (await http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "a"})).json()
        again = (await http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "a"})).json()
        other = (await http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "b"})).json()
        missing = await http.post("/api/auth/anonymous-token")
    assert first["code"] == 0 and first["data"]["token"].startswith("nmv_usr_")
    assert again["data"]["token"] == first["data"]["token"]
    assert other["data"]["token"] != first["data"]["token"]
    assert len(first["data"]["token"]) > 30
    assert missing.status_code == 400 and "X-Client-Id" in missing.json()["message"]


async def test_unknown_token_is_1001(engine):
    async with AsyncNemoClient(engine.url, token="nmv_usr_made_up", timings=FAST) as nemo:
        with pytest.raises(AuthError) as caught:
            await nemo.create_session()
    assert caught.value.code == 1001


async def test_expired_anonymous_token_is_renewed(engine, nemo):
    session = await nemo.create_session()
    with sqlite3.connect(engine.data_dir / "engine.sqlite3") as db:
        db.execute("UPDATE tokens SET expires_at = 0")
    state = await nemo.state(session.session_id)  # 1001, new token for the same client id
    assert state.draft == {}


# -- sessions and state -----------------------------------------------------------------------


async def test_session_ids_are_long_decimal_strings_and_state_starts_empty(nemo):
    session = await nemo.create_session("zh-CN", task_name="My trip")
    assert session.session_id.isdigit() and len(session.session_id) >= 18
    assert session.task_id.startswith("task_")
    state = await nemo.state(session.session_id)
    assert state.draft == {} and state.video_infos == []
    assert state.raw["task_name"] == "My trip"
    assert state.state["generated_media"] == [] and state.state["video_analyses"] == {}


async def test_unknown_session_and_another_users_session_are_1002(engine, nemo, tmp_path):
    with pytest.raises(SessionNotFound):
        await nemo.state("1234567890123456789")
    session = await nemo.create_session()
    async with AsyncNemoClient(
        engine.url, client_id="someone-else", config_dir=tmp_path / "other", timings=FAST
    ) as other:
        with pytest.raises(SessionNotFound) as caught:
            await other.state(session.session_id)
    assert caught.value.code == 1002


async def test_credits_are_unlimited_by_default(nemo):
    credits = await nemo.credits()
    assert credits.unlimited and str(credits) == "unlimited"


async def test_claim_link_opens_the_project_on_the_engine(engine, photos):
    async with AsyncNemoClient(engine.url, timings=FAST, web_url=engine.url) as nemo:
        session = await nemo.create_session()
        await nemo.upload(session.session_id, photos[0])
        link = await nemo.claim_link(session)
    assert link.startswith(f"{engine.url}/workspace/claim?ct=clm_")
    async with httpx.AsyncClient() as http:
        page = await http.get(link)
    assert page.status_code == 200 and "photo1.jpg" in page.text


# -- uploads ----------------------------------------------------------------------------------


async def test_upload_registers_files_in_the_session(engine, nemo, photos, tmp_path):
    session = await nemo.create_session()
    song = make_audio(tmp_path / "song.mp3", 2.0)
    result = await nemo.upload(session.session_id, *photos, song)
    assert [f.file_type for f in result.files] == ["image", "image", "image", "audio"]
    assert [f.filename for f in result.files] == [
        "photo1.jpg",
        "photo2.jpg",
        "photo3.jpg",
        "song.mp3",
    ]
    assert result.raw["session_state_applied"] is True
    infos = (await nemo.state(session.session_id)).video_infos
    assert [i["file_type"] for i in infos] == ["image", "image", "image", "audio"]
    assert infos[0]["width"] == 320 and infos[0]["height"] == 240
    assert infos[3]["duration"] == pytest.approx(2.0, abs=0.1)
    async with httpx.AsyncClient() as http:
        served = await http.get(infos[0]["cdn_url"])
    assert served.content == photos[0].read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "code", "reason"),
    [
        ("photo.jpg", b"%PDF-1.7\n" + b"x" * 500, 4001, "PDF"),
        ("clip.mp4", b"just some text, not a video at all " * 10, 4001, ""),
        ("broken.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 300, 4001, ""),
    ],
)
async def test_bad_files_are_refused_with_a_reason_and_nothing_is_stored(
    engine, nemo, name, content, code, reason
):
    session = await nemo.create_session()
    async with httpx.AsyncClient(base_url=engine.url) as http:
        answer = await http.post(
            f"/api/upload-video/nemo_agent/me/{session.session_id}",
            headers={"Authorization": f"Bearer {nemo._token.reveal()}"},
            files={"files": (name, content)},
        )
    body = answer.json()
    assert body["code"] == code and reason in body["message"]
    assert stored_media(engine) == []
    assert (await nemo.state(session.session_id)).video_infos == []


async def test_a_decompression_bomb_is_refused_as_too_large(engine, nemo, tmp_path):
    from tests.engine.test_media import png_declaring

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_declaring(30000, 30000))
    session = await nemo.create_session()
    with pytest.raises(FileTooLarge, match="megapixels"):
        await nemo.upload(session.session_id, bomb)
    assert stored_media(engine) == []


async def test_a_sideways_phone_photo_is_stored_upright(engine, nemo, tmp_path):
    rotated = make_photo(tmp_path / "phone.jpg", (300, 400), exif_orientation=6)
    session = await nemo.create_session()
    (entry,) = (await nemo.upload(session.session_id, rotated)).files
    assert (entry.raw["width"], entry.raw["height"]) == (300, 400)


async def test_one_bad_file_refuses_the_whole_request(engine, nemo, photos, tmp_path):
    session = await nemo.create_session()
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 400)
    with pytest.raises(UnsupportedFile):
        await nemo.upload(session.session_id, photos[0], broken)
    assert stored_media(engine) == []
    assert (await nemo.state(session.session_id)).video_infos == []


async def test_size_limit_is_enforced_while_streaming(start_engine, tmp_path):
    engine = start_engine(upload_limit=100_000)
    big = make_photo(tmp_path / "big.png", (800, 800), detail=True)
    assert big.stat().st_size > 100_000
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        with pytest.raises(FileTooLarge) as caught:
            await nemo.upload(session.session_id, big)
    assert caught.value.code == 4002
    assert stored_media(engine) == []


async def test_size_limit_holds_for_a_body_of_unknown_length(start_engine):
    """No Content-Length to trust: the limit is counted on the bytes as they arrive."""
    engine = start_engine(upload_limit=200_000)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        token = nemo._token.reveal()

    async def body():
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="x.jpg"\r\n\r\n'
        yield b"\xff\xd8\xff\xe0" + b"\x00" * 60
        for _ in range(50):
            yield b"\x00" * 65536
        yield b"\r\n--b--\r\n"

    async with httpx.AsyncClient(base_url=engine.url) as http:
        answer = await http.post(
            f"/api/upload-video/nemo_agent/me/{session.session_id}",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "multipart/form-data; boundary=b",
            },
            content=body(),
        )
    assert answer.status_code == 413 and answer.json()["code"] == 4002
    assert stored_media(engine) == []


async def test_file_names_are_sanitised(engine, nemo, photos):
    session = await nemo.create_session()
    async with httpx.AsyncClient(base_url=engine.url) as http:
        answer = await http.post(
            f"/api/upload-video/nemo_agent/me/{session.session_id}",
            headers={"Authorization": f"Bearer {nemo._token.reveal()}"},
            files={"files": ("../../../etc/passwd.jpg", photos[0].read_bytes())},
        )
    entry = answer.json()["data"]["files"][0]
    assert entry["filename"] == "passwd.jpg"
    assert not (engine.data_dir.parent / "etc").exists()
    (folder,) = (engine.data_dir / "media").iterdir()
    assert all(path.resolve().is_relative_to(folder) for path in folder.rglob("*"))


@pytest.fixture
def file_server(tmp_path):
    """A plain HTTP server for URL uploads: serves tmp_path/www, plus a slow endpoint."""
    from tests.engine.web_server import serve_folder

    folder = tmp_path / "www"
    folder.mkdir()
    with serve_folder(folder) as url:
        yield folder, url


async def test_upload_urls(start_engine, file_server, photos):
    folder, url = file_server
    (folder / "beach.jpg").write_bytes(photos[1].read_bytes())
    engine = start_engine(allow_private_urls=True)  # the file server is on 127.0.0.1
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        result = await nemo.upload_urls(session.session_id, [f"{url}/beach.jpg"])
    assert [(f.filename, f.file_type) for f in result.files] == [("beach.jpg", "image")]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("{url}/missing.jpg", "404"),
        ("{url}/notes.jpg", ""),
        ("{url}/slow.jpg", "longer than"),
    ],
)
async def test_bad_url_uploads(start_engine, file_server, path, reason):
    folder, url = file_server
    (folder / "notes.jpg").write_text("not an image")
    engine = start_engine(url_timeout=1.0, allow_private_urls=True)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        with pytest.raises(UnsupportedFile) as caught:
            await nemo.upload_urls(session.session_id, [path.format(url=url)])
    assert reason in str(caught.value)
    assert stored_media(engine) == []


async def test_only_http_urls_are_fetched(engine, nemo):
    """The client refuses other schemes itself; the engine does too, for any other client."""
    session = await nemo.create_session()
    async with httpx.AsyncClient(base_url=engine.url) as http:
        answer = await http.post(
            f"/api/upload-video/nemo_agent/me/{session.session_id}",
            headers={"Authorization": f"Bearer {nemo._token.reveal()}"},
            json={"urls": ["file:///etc/passwd"], "source_type": "url"},
        )
    assert answer.json()["code"] == 4001 and "only http and https" in answer.json()["message"]
    assert stored_media(engine) == []


async def test_url_upload_size_limit(start_engine, file_server, photos):
    folder, url = file_server
    (folder / "big.jpg").write_bytes(photos[0].read_bytes() * 20)
    engine = start_engine(upload_limit=50_000, allow_private_urls=True)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        with pytest.raises(FileTooLarge):
            await nemo.upload_urls(session.session_id, [f"{url}/big.jpg"])
    assert stored_media(engine) == []


# -- chat -------------------------------------------------------------------------------------


async def test_a_sentence_builds_the_draft_with_adk_events(nemo, photos):
    session = await nemo.create_session()
    await nemo.upload(session.session_id, *photos)
    events = await chat(nemo, session, BUILD)
    kinds = [type(e) for e in events]
    assert kinds == [ToolCall, ToolResult, Text]
    assert events[0].name == events[1].name
    assert "6" in events[2].text
    state = await nemo.state(session.session_id)
    assert state.draft["d"] == 6000
    assert state.timeline.ready_for_export
    assert len(state.timeline.tracks[0].segments) == 3
    raw = nemo.raw_events[-1]
    assert '"invocationId"' in raw and '"author": "nemo_agent"' in raw


async def test_streamed_reply_arrives_in_pieces_then_once_whole(nemo, photos):
    session = await nemo.create_session()
    await nemo.upload(session.session_id, *photos)
    events = await chat(nemo, session, BUILD, streaming=True)
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    (text,) = [e.text for e in events if isinstance(e, Text)]
    assert len(deltas) > 1 and "".join(deltas) == text


async def test_heartbeats_while_a_turn_works(start_engine, photos):
    engine = start_engine(heartbeat_interval=0.1, director=slow_director(0.5))
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        await nemo.upload(session.session_id, *photos)
        events = await chat(nemo, session, BUILD)
    assert sum(isinstance(e, Heartbeat) for e in events) >= 3
    assert isinstance(events[-1], Text)


async def test_a_turn_finishes_even_if_its_client_goes_away(start_engine, photos):
    engine = start_engine(heartbeat_interval=0.05, director=slow_director(0.5))
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        await nemo.upload(session.session_id, *photos)
        async for event in nemo.chat(session.session_id, BUILD):
            assert isinstance(event, Heartbeat)
            break  # the client stops listening after the first heartbeat
        await asyncio.sleep(1.0)
        assert (await nemo.state(session.session_id)).draft["d"] == 6000


async def test_what_the_director_does_not_understand_leaves_the_draft_alone(nemo, photos):
    session = await nemo.create_session()
    await nemo.upload(session.session_id, *photos)
    await chat(nemo, session, BUILD)
    before = await nemo.state(session.session_id)
    events = await chat(nemo, session, "please make my cat dance the tango")
    after = await nemo.state(session.session_id)
    assert after.draft == before.draft
    assert [type(e) for e in events][-1] is Text


async def test_undo_goes_back_one_edit_and_the_history_is_kept(engine, nemo, photos):
    session = await nemo.create_session()
    await nemo.upload(session.session_id, *photos)
    await chat(nemo, session, BUILD)
    built = (await nemo.state(session.session_id)).draft
    await chat(nemo, session, "make it 9:16 for TikTok")
    assert (await nemo.state(session.session_id)).draft["m"]["height"] == 1920
    await chat(nemo, session, "undo")
    assert (await nemo.state(session.session_id)).draft == built
    with sqlite3.connect(engine.data_dir / "engine.sqlite3") as db:
        versions = db.execute("SELECT version, undone FROM drafts ORDER BY version").fetchall()
    assert versions == [(1, 0), (2, 1)]


async def test_one_turn_at_a_time_per_session(start_engine, photos):
    engine = start_engine(director=slow_director(0.5))
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        await nemo.upload(session.session_id, *photos)
        first = asyncio.create_task(chat(nemo, session, BUILD))
        await asyncio.sleep(0.2)
        with pytest.raises(NemoError) as caught:
            await chat(nemo, session, "make it 9:16")
        assert caught.value.status == 409
        assert isinstance((await first)[-1], Text)


async def test_a_budget_makes_2001_reachable_and_only_edits_cost(start_engine, photos):
    engine = start_engine(budget=2)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        await nemo.upload(session.session_id, *photos)
        assert (await nemo.credits()).available == 2
        await chat(nemo, session, BUILD)
        await chat(nemo, session, "please make my cat dance the tango")  # no edit, no cost
        assert (await nemo.credits()).available == 1
        await chat(nemo, session, "make it 9:16")
        with pytest.raises(OutOfCredits) as caught:
            await chat(nemo, session, "make it 1:1")
    assert caught.value.status == 402
    assert "--credits" in str(caught.value)


# -- durability -------------------------------------------------------------------------------


async def test_everything_survives_a_restart(start_engine, tmp_path, photos):
    first = start_engine()
    async with AsyncNemoClient(first.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        await nemo.upload(session.session_id, *photos)
        await chat(nemo, session, BUILD)
        before = await nemo.state(session.session_id)
    first.stop()
    second = start_engine()  # a new port, the same data folder
    async with AsyncNemoClient(second.url, timings=FAST) as nemo:
        after = await nemo.state(session.session_id)  # the cached token is still valid
    assert after.draft == before.draft
    assert [i["hash"] for i in after.video_infos] == [i["hash"] for i in before.video_infos]


async def test_concurrent_uploads_and_reads_on_one_session(nemo, photos):
    session = await nemo.create_session()
    uploads = [nemo.upload(session.session_id, photos[n % 3]) for n in range(12)]
    reads = [nemo.state(session.session_id) for _ in range(12)]
    await asyncio.gather(*uploads, *reads)
    infos = (await nemo.state(session.session_id)).video_infos
    assert len(infos) == 12 and len({i["mid"] for i in infos}) == 12


# -- renders ----------------------------------------------------------------------------------


async def built_session(nemo, photos, prompt=BUILD):
    session = await nemo.create_session()
    await nemo.upload(session.session_id, *photos)
    await chat(nemo, session, prompt)
    return session, (await nemo.state(session.session_id)).draft


async def test_export_makes_a_real_mp4_with_progress(nemo, photos, tmp_path):
    session, draft = await built_session(nemo, photos, f"{BUILD}, 720p")
    job = await nemo.start_render(session.session_id, draft)
    seen = []
    done = await nemo.wait_render(job, on_progress=lambda j: seen.append(j.progress))
    assert done.done and done.output_url and done.size > 0
    assert seen[-1] == 100 and seen == sorted(seen)
    path = await nemo.download(done, tmp_path / "out.mp4")
    with av.open(str(path)) as video:
        stream = video.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (1280, 720)
        assert float(video.duration / 1e6) == pytest.approx(6.0, abs=0.05)


async def test_the_same_draft_is_not_rendered_twice(engine, nemo, photos):
    session, draft = await built_session(nemo, photos, f"{BUILD}, 720p")
    first = await nemo.wait_render(await nemo.start_render(session.session_id, draft))
    again = await nemo.start_render(session.session_id, draft)
    assert again.done and again.id != first.id  # completed at once, from the cache
    assert len(list((engine.data_dir / "renders").glob("*.mp4"))) == 1


async def test_downloads_honour_range_requests(nemo, photos):
    session, draft = await built_session(nemo, photos, f"{BUILD}, 720p")
    done = await nemo.wait_render(await nemo.start_render(session.session_id, draft))
    async with httpx.AsyncClient() as http:
        whole = await http.get(done.output_url)
        part = await http.get(done.output_url, headers={"Range": "bytes=100-199"})
        fallback = await http.get(
            f"{nemo.base_url}/api/render/proxy/{done.id}/download",
            headers={"Authorization": f"Bearer {nemo._token.reveal()}", "Range": "bytes=0-9"},
        )
        no_token = await http.get(f"{nemo.base_url}/api/render/proxy/{done.id}/download")
    assert whole.headers["content-type"] == "video/mp4"
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole.content)}"
    assert fallback.status_code == 206 and fallback.content == whole.content[:10]
    assert no_token.status_code == 401


async def test_render_refuses_media_of_another_session(nemo, photos):
    _, draft = await built_session(nemo, photos)
    other = await nemo.create_session()
    with pytest.raises(NemoError, match="not part of this session"):
        await nemo.start_render(other.session_id, draft)


async def test_a_taken_render_id_is_refused(engine, nemo, photos):
    session, draft = await built_session(nemo, photos)
    body = {"id": "render_same", "sessionId": session.session_id, "draft": draft}
    headers = {"Authorization": f"Bearer {nemo._token.reveal()}"}
    async with httpx.AsyncClient(base_url=engine.url, headers=headers) as http:
        first = await http.post("/api/render/proxy/lambda", json=body)
        second = await http.post("/api/render/proxy/lambda", json=body)
        await http.post("/api/render/proxy/lambda/render_same/cancel")
    assert first.json()["success"] is True
    assert second.status_code == 409 and "new id" in second.json()["message"]


async def test_a_crashing_renderer_fails_the_job_not_the_server(start_engine, photos):
    engine = start_engine(renderer="tests.engine.fake_renderers:crash")
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        job = await nemo.start_render(session.session_id, draft)
        with pytest.raises(RenderFailed, match="stopped unexpectedly"):
            await nemo.wait_render(job)
        assert (await nemo.state(session.session_id)).draft == draft  # still serving
    assert list((engine.data_dir / "renders").iterdir()) == []  # no unfinished file left


async def test_a_hanging_renderer_is_stopped_at_the_timeout(start_engine, photos):
    engine = start_engine(renderer="tests.engine.fake_renderers:hang", render_timeout=2.0)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        job = await nemo.start_render(session.session_id, draft)
        with pytest.raises(RenderFailed, match="longer than 2 s"):
            await nemo.wait_render(job)


async def test_renders_are_queued_one_at_a_time_and_cancellable(start_engine, photos):
    engine = start_engine(renderer="tests.engine.fake_renderers:hang")
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        running = await nemo.start_render(session.session_id, draft)
        queued = await nemo.start_render(
            session.session_id, {**draft, "m": {**draft["m"], "fps": 25}}
        )
        await asyncio.sleep(1.0)
        assert (await nemo.render_status(queued.id)).status == "pending"
        assert (await nemo.render_status(running.id)).status == "processing"
        await nemo.cancel_render(running.id)
        assert (await nemo.render_status(running.id)).status == "cancelled"
        await asyncio.sleep(1.0)
        assert (await nemo.render_status(queued.id)).status == "processing"
        await nemo.cancel_render(queued.id)


async def test_a_queued_render_survives_a_restart(start_engine, photos):
    first = start_engine(renderer="tests.engine.fake_renderers:hang")
    async with AsyncNemoClient(first.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos, f"{BUILD}, 720p")
        job = await nemo.start_render(session.session_id, draft)
    first.stop()
    second = start_engine()  # the real renderer this time
    async with AsyncNemoClient(second.url, timings=FAST) as nemo:
        done = await nemo.wait_render(job.id)
    assert done.done


# -- the default backend ----------------------------------------------------------------------


async def test_without_token_or_url_the_client_uses_the_local_engine(photos):
    async with AsyncNemoClient(timings=FAST) as nemo:
        assert nemo.backend.startswith("local engine at http://127.0.0.1:")
        assert "local engine" in repr(nemo)
        session = await nemo.create_session()
        await nemo.upload(session.session_id, photos[0])
        assert (await nemo.credits()).unlimited
        # Claim links open on the engine, which serves the project's page.
        assert (await nemo.claim_link(session)).startswith(f"{nemo.base_url}/workspace/claim")
