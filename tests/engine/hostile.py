"""Helpers of the hostile-input tests: raw HTTP with a token, drafts built without the director."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from nemo_widgets.engine import draft as drafts


async def token(http: httpx.AsyncClient, client_id: str = "attacker") -> dict[str, str]:
    answer = await http.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    return {"Authorization": f"Bearer {answer.json()['data']['token']}"}


async def session(http: httpx.AsyncClient, headers: dict[str, str]) -> str:
    answer = await http.post(
        "/api/tasks/me/with-session/nemo_agent", json={"task_name": "t"}, headers=headers
    )
    return answer.json()["data"]["session_id"]


async def upload(
    http: httpx.AsyncClient, headers: dict[str, str], session_id: str, *paths: Path
) -> list[dict[str, Any]]:
    files = [("files", (path.name, path.read_bytes())) for path in paths]
    answer = await http.post(
        f"/api/upload-video/nemo_agent/me/{session_id}", files=files, headers=headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["files"]


def slideshow(
    photo_mids: list[str],
    *,
    photo_ms: int = 1000,
    music: str | None = None,
    size: tuple[int, int] = (320, 180),
    fps: int = 10,
) -> dict[str, Any]:
    """A valid draft: each photo for ``photo_ms`` (cuts), music under all of it if given."""
    draft = drafts.new_draft(fps=fps)
    draft["m"].update(width=size[0], height=size[1])
    visuals = drafts.segments(draft, drafts.VISUAL)
    for n, mid in enumerate(photo_mids):
        segment = drafts.visual_segment(f"sg_{n + 1}", kind="image", mid=mid, src="", name=mid)
        segment["d"] = photo_ms
        visuals.append(segment)
    if music:
        drafts.ensure_track(draft, drafts.AUDIO)["sg"].append(
            {"id": "sg_music", "mid": music, "st": 0, "d": 0, "loop": True, "vol": 1}
        )
    return drafts.relayout(draft)


async def start_render(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    session_id: str,
    draft: Any,
    render_id: str = "render_1",
) -> httpx.Response:
    body = {"id": render_id, "sessionId": session_id, "draft": draft}
    return await http.post("/api/render/proxy/lambda", json=body, headers=headers)
