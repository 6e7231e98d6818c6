"""Chat messages meant to stall the engine: too long, too slow to direct, or left behind."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import httpx
import pytest

from nemo_widgets.engine import app, director
from tests.engine import hostile

pytestmark = pytest.mark.anyio


def turn_body(session_id: str, text: str) -> dict:
    return {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"role": "user", "parts": [{"text": text}]},
        "streaming": False,
    }


async def turn_events(http, headers, session_id: str, text: str) -> list[dict]:
    answer = await http.post("/run_sse", json=turn_body(session_id, text), headers=headers)
    assert answer.status_code == 200, answer.text
    return [json.loads(line[6:]) for line in answer.text.splitlines() if line.startswith("data: ")]


async def zh_session(http, headers) -> str:
    answer = await http.post(
        "/api/tasks/me/with-session/nemo_agent",
        json={"task_name": "t", "language": "zh"},
        headers=headers,
    )
    return answer.json()["data"]["session_id"]


@pytest.mark.parametrize(
    ("language", "text", "words"),
    [
        ("en", "a" * 76_000, ["76000 characters", "at most 4000"]),
        ("en", "make it " + "[" * 20_000, ["characters", "shorter message"]),
        ("zh", "把" * 9_000, ["9000 个字符", "4000"]),
    ],
)
async def test_a_message_too_long_to_read_is_refused_at_once(engine, language, text, words):
    async with httpx.AsyncClient(base_url=engine.url, timeout=60) as http:
        headers = await hostile.token(http)
        sid = await (
            zh_session(http, headers) if language == "zh" else hostile.session(http, headers)
        )
        answer = await http.post("/run_sse", json=turn_body(sid, text), headers=headers)
        info = await http.get("/api/engine/info")
    assert answer.status_code == 413 and answer.json()["code"] == 413
    for word in words:
        assert word in answer.json()["message"]
    assert info.status_code == 200


class Runaway:
    """A director that works (holding the GIL, in pure Python) far past any budget, then
    returns a real edit: which must not be stored."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.returned = threading.Event()

    def director(self, *args, **kwargs) -> director.Edit:
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            sum(range(1000))
        edit = director.direct(*args, **kwargs)
        self.returned.set()
        return edit


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["longer than 0.5 s", "Nothing was changed"]),
        ("zh", ["超过了 0.5 秒", "没有任何改动"]),
    ],
)
async def test_a_turn_past_its_budget_ends_with_an_error_and_the_engine_keeps_answering(
    start_engine, photos, language, words
):
    runaway = Runaway(3.0)
    engine = start_engine(director=runaway.director, turn_budget=0.5, heartbeat_interval=0.1)
    async with httpx.AsyncClient(base_url=engine.url, timeout=60) as http:
        headers = await hostile.token(http)
        sid = await (
            zh_session(http, headers) if language == "zh" else hostile.session(http, headers)
        )
        await hostile.upload(http, headers, sid, photos[0])
        turn = asyncio.create_task(turn_events(http, headers, sid, "make a video"))
        checks = []
        while not turn.done():
            checks.append((await http.get("/api/engine/info")).status_code)
            await asyncio.sleep(0.05)
        events = turn.result()
        assert await asyncio.to_thread(runaway.returned.wait, 10)
        await asyncio.sleep(0.2)
        state = await http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=headers)
    assert [e for e in events if "error" in e] == events and len(events) == 1
    for word in words:
        assert word in events[0]["error"]
    assert checks and set(checks) == {200}  # health checks answered while it ran
    assert state.json()["data"]["draft_version"] == 0  # the late edit was thrown away


async def test_a_turn_whose_client_left_before_the_director_started_is_dropped(
    start_engine, photos, monkeypatch
):
    monkeypatch.setattr(app, "DIRECTORS_AT_ONCE", 1)
    opened, entered = threading.Event(), threading.Event()
    directed: list[str] = []

    def gated(text, *args, **kwargs):
        directed.append(text)
        entered.set()
        opened.wait(30)
        return director.direct(text, *args, **kwargs)

    engine = start_engine(director=gated, heartbeat_interval=0.05)
    async with httpx.AsyncClient(base_url=engine.url, timeout=60) as http:
        headers = await hostile.token(http)
        first, second = [await hostile.session(http, headers) for _ in range(2)]
        for sid in (first, second):
            await hostile.upload(http, headers, sid, photos[0])
        busy = asyncio.create_task(turn_events(http, headers, first, "make a video"))
        assert await asyncio.to_thread(entered.wait, 10)
        # The second turn waits for the only director; its client gives up and leaves.
        async with http.stream(
            "POST", "/run_sse", json=turn_body(second, "make a 6-second video"), headers=headers
        ) as stream:
            async for line in stream.aiter_lines():
                if line.startswith(":"):  # a heartbeat: the turn is waiting
                    break
        await asyncio.sleep(0.3)
        opened.set()
        await busy
        await asyncio.sleep(0.5)
        state = await http.get(f"/api/state/nemo_agent/me/{second}/latest", headers=headers)
        again = await turn_events(http, headers, second, "make a video")  # not left busy
    assert directed == ["make a video", "make a video"]
    assert state.json()["data"]["draft_version"] == 0
    assert not any("error" in event for event in again)
