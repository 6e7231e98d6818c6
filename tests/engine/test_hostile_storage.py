"""The data folder under attack from other local users, crashes and other users of the engine."""

from __future__ import annotations

import asyncio
import os
import stat

import httpx
import pytest

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
