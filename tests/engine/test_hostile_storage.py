"""The data folder under attack from other local users, crashes and other users of the engine."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time

import httpx
import pytest

from nemo_widgets.engine.store import Store
from tests.engine import hostile

pytestmark = pytest.mark.anyio


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def wait_render(http, headers, render_id: str) -> dict:
    for _ in range(300):
        answer = (await http.get(f"/api/render/proxy/lambda/{render_id}", headers=headers)).json()
        if answer["data"]["status"] not in ("pending", "processing"):
            return answer["data"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"render {render_id} never finished")


@pytest.mark.skipif(os.name == "nt", reason="Windows keeps its own ACLs")
async def test_the_data_folder_and_its_files_are_private(engine, photos):
    async with httpx.AsyncClient(base_url=engine.url) as http:
        headers = await hostile.token(http)
        sid = await hostile.session(http, headers)
        files = await hostile.upload(http, headers, sid, *photos[:2])
        draft = hostile.slideshow([f["mid"] for f in files])
        assert (await hostile.start_render(http, headers, sid, draft)).status_code == 200
        assert (await wait_render(http, headers, "render_1"))["status"] == "completed"
    root = engine.data_dir
    folders = [root, root / "media", root / "renders", *(root / "media").iterdir()]
    files_ = [p for p in root.rglob("*") if p.is_file()]
    assert {p.name for p in files_} >= {"engine.sqlite3", "media.jpg"}
    assert any(p.suffix == ".mp4" for p in files_)
    assert {str(p.relative_to(root)): mode(p) for p in folders} == {
        str(p.relative_to(root)): 0o700 for p in folders
    }
    assert {str(p.relative_to(root)): mode(p) for p in files_} == {
        str(p.relative_to(root)): 0o600 for p in files_
    }


def set_render(data_dir, render_id: str, **fields) -> None:
    """Change a render's record behind the engine's back, as a crash would leave it."""
    with sqlite3.connect(data_dir / "engine.sqlite3") as db:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        db.execute(
            f"UPDATE renders SET {assignments} WHERE public_id = ?",
            (*fields.values(), render_id),
        )


async def test_a_render_of_a_dead_engine_is_taken_over_even_if_its_pid_lives_again(
    start_engine, photos
):
    first = start_engine(renderer="tests.engine.fake_renderers:hang")
    async with httpx.AsyncClient(base_url=first.url) as http:
        headers = await hostile.token(http)
        sid = await hostile.session(http, headers)
        files = await hostile.upload(http, headers, sid, photos[0])
        draft = hostile.slideshow([f["mid"] for f in files])
        assert (await hostile.start_render(http, headers, sid, draft)).status_code == 200
    first.stop()
    # The engine died while rendering, and its process id now belongs to a live process
    # (this one): the old check, "is this pid alive?", would wait for it for ever.
    set_render(first.data_dir, "render_1", status="processing", owner=f"{os.getpid()}:1.0")
    second = start_engine()
    async with httpx.AsyncClient(base_url=second.url) as http:
        assert (await wait_render(http, headers, "render_1"))["status"] == "completed"


async def test_a_render_of_a_live_engine_is_left_to_it(start_engine, photos, tmp_path):
    first = start_engine(renderer="tests.engine.fake_renderers:hang")
    async with httpx.AsyncClient(base_url=first.url) as http:
        headers = await hostile.token(http)
        sid = await hostile.session(http, headers)
        files = await hostile.upload(http, headers, sid, photos[0])
        draft = hostile.slideshow([f["mid"] for f in files])
        assert (await hostile.start_render(http, headers, sid, draft)).status_code == 200
        await asyncio.sleep(0.5)
        second = start_engine()  # same folder, while the first one renders
        await asyncio.sleep(1.0)
        status = await http.get("/api/render/proxy/lambda/render_1", headers=headers)
        assert status.json()["data"]["status"] == "processing"
    with sqlite3.connect(second.data_dir / "engine.sqlite3") as db:
        (owner,) = db.execute("SELECT owner FROM renders").fetchone()
    assert owner.startswith(f"{os.getpid()}-")  # still the first engine's
    async with httpx.AsyncClient(base_url=first.url) as http:
        await http.post("/api/render/proxy/lambda/render_1/cancel", headers=headers)


async def test_uploads_cut_off_by_a_crash_are_removed_at_start_up(start_engine, tmp_path):
    data = tmp_path / "engine"
    crashed = Store(data)
    _, folder = crashed.new_media_folder()
    (folder / "upload.part").write_bytes(b"\xff\xd8\xff" + b"\0" * 1000)
    crashed.lease._lock.release()  # what the OS does when the process dies (kill -9)
    _, old_folder = crashed.new_media_folder()  # from an engine before leases
    (old_folder / ".owner").unlink()
    (old_folder / "upload.part").write_bytes(b"\0")
    render_part = data / "renders" / ".abc.mp4.1234.part"
    render_part.write_bytes(b"\0")
    long_ago = time.time() - 3600
    for path in (old_folder, render_part):
        os.utime(path, (long_ago, long_ago))
    alive = Store(data)  # another engine, uploading right now
    live_mid, _ = alive.new_media_folder()
    engine = start_engine(data)
    async with httpx.AsyncClient(base_url=engine.url) as http:
        assert (await http.get("/api/engine/info")).status_code == 200
    assert sorted(p.name for p in (data / "media").iterdir()) == [live_mid]
    assert list((data / "renders").iterdir()) == []
    alive.close()


async def test_render_ids_are_scoped_per_user(engine, photos):
    """One user cannot take, see or cancel the render id another user will use."""
    async with httpx.AsyncClient(base_url=engine.url) as http:
        alice, bob = await hostile.token(http, "alice"), await hostile.token(http, "bob")
        drafts = {}
        for who in (alice, bob):
            sid = await hostile.session(http, who)
            files = await hostile.upload(http, who, sid, photos[0])
            drafts[who["Authorization"]] = (sid, hostile.slideshow([f["mid"] for f in files]))
        for who in (bob, alice):  # bob first: he takes the id alice is about to use
            sid, draft = drafts[who["Authorization"]]
            answer = await hostile.start_render(http, who, sid, draft, "render_shared")
            assert answer.status_code == 200, answer.text
        again = await hostile.start_render(
            http, alice, *drafts[alice["Authorization"]], "render_shared"
        )
        assert again.status_code == 409
        await http.post("/api/render/proxy/lambda/render_shared/cancel", headers=bob)
        assert (await wait_render(http, alice, "render_shared"))["status"] == "completed"
        assert (await wait_render(http, bob, "render_shared"))["status"] == "cancelled"


def serve(data) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "nemo_widgets.cli", "serve", "--port", "0", "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    url = process.stdout.readline().split(" on ")[1].strip()
    for _ in range(200):
        try:
            httpx.get(f"{url}/api/engine/info", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    return process, url


@pytest.mark.skipif(os.name == "nt", reason="kill -9 is POSIX")
def test_an_upload_cut_off_by_kill_9_leaves_nothing_after_a_restart(tmp_path):
    data = tmp_path / "d"
    process, url = serve(data)
    try:
        token = httpx.post(f"{url}/api/auth/anonymous-token", headers={"X-Client-Id": "c"})
        headers = {"Authorization": f"Bearer {token.json()['data']['token']}"}
        sid = httpx.post(
            f"{url}/api/tasks/me/with-session/nemo_agent", json={}, headers=headers
        ).json()["data"]["session_id"]

        def trickle():
            yield b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n\r\n'
            yield b"\xff\xd8\xff\xe0" + b"\0" * 5000
            for _ in range(100):
                time.sleep(0.1)
                yield b"\0" * 100

        upload = threading.Thread(
            target=_post_quietly,
            args=(
                f"{url}/api/upload-video/nemo_agent/me/{sid}",
                trickle(),
                {**headers, "Content-Type": "multipart/form-data; boundary=x"},
            ),
            daemon=True,
        )
        upload.start()
        for _ in range(100):
            if list((data / "media").glob("*/upload.part")):
                break
            time.sleep(0.05)
        assert list((data / "media").glob("*/upload.part"))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    again, _ = serve(data)
    try:
        assert list((data / "media").iterdir()) == []
    finally:
        again.send_signal(signal.SIGINT)
        again.wait(20)


def _post_quietly(url: str, body, headers: dict[str, str]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        httpx.post(url, content=body, headers=headers, timeout=30)
