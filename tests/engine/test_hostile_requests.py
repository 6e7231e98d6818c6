"""Malformed and oversized requests: each gets the protocol's envelope, a 4xx and a reason.

Nothing here may answer a bare 500, read a body it is about to refuse, or queue a render the
engine would spend its whole timeout on.
"""

from __future__ import annotations

import asyncio
import copy
import json
from urllib.parse import urlsplit

import httpx
import pytest

from tests.engine import hostile

pytestmark = pytest.mark.anyio

SESSION_PATH = "/api/tasks/me/with-session/nemo_agent"


def envelope(answer: httpx.Response, status: int, *words: str) -> str:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"code", "message"} and body["code"] != 0
    for word in words:
        assert word in body["message"]
    return body["message"]


@pytest.fixture
async def http(engine):
    async with httpx.AsyncClient(base_url=engine.url, timeout=30) as client:
        yield client


@pytest.fixture
async def user(http, photos):
    """Headers, a session and a valid draft of two uploaded photos."""
    headers = await hostile.token(http)
    sid = await hostile.session(http, headers)
    files = await hostile.upload(http, headers, sid, *photos[:2])
    return headers, sid, hostile.slideshow([f["mid"] for f in files])


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ('{"a": ' * 50 + "1" + "}" * 50, "nested deeper"),
        ("[1, 2]", "JSON object"),
        ("null", "JSON object"),
        ('{"task_name": "x"', "not valid JSON"),
        ("\xff\xfe{}", "not valid JSON"),
    ],
)
async def test_malformed_json_is_400_with_a_reason(http, body, reason):
    headers = await hostile.token(http)
    answer = await http.post(SESSION_PATH, content=body.encode("latin-1"), headers=headers)
    envelope(answer, 400, reason)


async def test_a_chunked_json_body_is_cut_off_at_its_limit(http):
    headers = await hostile.token(http)
    sent = 0

    async def endless():
        nonlocal sent
        yield b'{"task_name": "'
        while sent < 50 * 2**20:
            sent += 64 * 1024
            yield b"a" * 64 * 1024

    answer = await http.post(SESSION_PATH, content=endless(), headers=headers)
    envelope(answer, 413, "2 MB")


async def raw_request(url: str, head: str) -> str:
    """Send only a request's head (no body) on a raw socket; the answer's status line."""
    where = urlsplit(url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    writer.write(head.replace("\n", "\r\n").encode() + b"\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    length = next(
        int(line.split(b":")[1])
        for line in head.lower().split(b"\r\n")
        if b"content-length" in line
    )
    body = await asyncio.wait_for(reader.readexactly(length), 10)
    writer.close()
    return (head + body).decode("latin-1")


@pytest.mark.parametrize(
    ("path", "content_type", "declared"),
    [
        (SESSION_PATH, "application/json", 200 * 2**20),
        ("/api/upload-video/nemo_agent/me/{sid}", "multipart/form-data; boundary=x", 5 * 2**30),
    ],
)
async def test_a_declared_body_too_large_is_refused_before_it_is_sent(
    engine, http, path, content_type, declared
):
    headers = await hostile.token(http)
    sid = await hostile.session(http, headers)
    answer = await raw_request(
        engine.url,
        f"POST {path.format(sid=sid)} HTTP/1.1\nHost: 127.0.0.1\n"
        f"Authorization: {headers['Authorization']}\nContent-Type: {content_type}\n"
        f"Content-Length: {declared}\n",
    )
    assert answer.startswith("HTTP/1.1 413"), answer
    assert '"code":413' in answer.replace(" ", "") and "larger than" in answer


async def test_too_many_files_in_one_upload_are_refused(http):
    headers = await hostile.token(http)
    sid = await hostile.session(http, headers)
    files = [("files", (f"{n}.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100)) for n in range(101)]
    answer = await http.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=headers)
    envelope(answer, 413, "at most 100 files")


def _segments(draft, tt):
    return next(t for t in draft["t"] if t["tt"] == tt)["sg"]


def _set(path, value):
    """A change to a draft: ``path`` of keys and indexes, then the value to put there."""

    def change(draft):
        target = draft
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return draft

    return change


def _many_segments(draft):
    mid = _segments(draft, 0)[0]["mid"]
    visuals = _segments(draft, 0)
    visuals[:] = [{"kind": "image", "mid": mid, "st": n * 100, "d": 100} for n in range(10_000)]
    draft["d"] = 1_000_000
    return draft


def _ten_hours(draft):
    last = _segments(draft, 0)[-1]
    last["d"] = 10 * 3600 * 1000
    draft["d"] = last["st"] + last["d"]
    return draft


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_set(("t", 0, "sg", 0), "not a segment"), "t[0].sg[0]: must be an object, not a string"),
        (_set(("t", 0, "sg", 1, "tr"), "crossfade"), "sg[1].tr: must be an object"),
        (_set(("t", 0, "sg", 0, "sd"), None), "sg[0].sd: must be an integer, not null"),
        (_set(("t", 0, "sg", 0, "st"), "0"), "sg[0].st: must be an integer"),
        (_set(("t", 0), []), "t[0]: must be an object, not a list"),
        (_set(("t",), {"tt": 0}), "t: must be a list"),
        (_set(("m",), None), "m: must be an object, not null"),
        (_set(("m", "fps"), "30"), "m.fps: must be a number"),
        (_set(("m", "fps"), 1000), "m.fps: 1000 is outside 1..60"),
        (_set(("m", "width"), 10**9), "m.width"),
        (_set(("t", 0, "sg", 0, "d"), 1e308), "must be an integer"),
        (_set(("t", 0, "sg", 0, "in"), float("nan")), "must be a number"),
        (_ten_hours, "outside 0..600000"),
        (_many_segments, "10000 photo or clip segments; at most 1200"),
    ],
)
async def test_a_draft_the_engine_cannot_render_is_refused_at_submit(http, user, change, reason):
    headers, sid, draft = user
    bad = change(copy.deepcopy(draft))
    body = json.dumps({"id": "render_bad", "sessionId": sid, "draft": bad})
    answer = await http.post(
        "/api/render/proxy/lambda",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    envelope(answer, 400, "cannot be rendered", reason)


async def test_text_music_and_numbers_have_limits(http, user):
    headers, sid, draft = user
    text = {"id": "sg_t", "kind": "text", "text": "x" * 501, "st": 0, "d": 1000, "size": 5}
    draft["t"].append({"tt": 7, "sg": [text]})
    draft["t"].append({"tt": 1, "sg": [{"mid": "m", "st": 0, "d": 1000, "vol": 3, "loop": "yes"}]})
    answer = await hostile.start_render(http, headers, sid, draft)
    message = envelope(answer, 400, "cannot be rendered")
    for reason in (
        "text: is 501 characters; at most 500",
        "size: 5 is outside 0.01..0.5",
        "vol: 3 is outside 0..1",
        "loop: must be true or false",
    ):
        assert reason in message


async def test_one_person_can_queue_only_a_few_renders(start_engine, photos):
    engine = start_engine(renderer="tests.engine.fake_renderers:hang")
    async with httpx.AsyncClient(base_url=engine.url) as http:
        headers = await hostile.token(http)
        sid = await hostile.session(http, headers)
        files = await hostile.upload(http, headers, sid, photos[0])
        mids = [f["mid"] for f in files]
        answers = [
            await hostile.start_render(
                http, headers, sid, hostile.slideshow(mids, photo_ms=1000 + n), f"r{n}"
            )
            for n in range(4)
        ]
        assert [a.status_code for a in answers[:3]] == [200, 200, 200]
        envelope(answers[3], 429, "3 exports waiting or running", "cancel one")
        other = await hostile.token(http, "someone else")  # others are not held up
        other_sid = await hostile.session(http, other)
        other_files = await hostile.upload(http, other, other_sid, photos[1])
        draft = hostile.slideshow([f["mid"] for f in other_files])
        assert (await hostile.start_render(http, other, other_sid, draft)).status_code == 200
        await http.post("/api/render/proxy/lambda/r0/cancel", headers=headers)
        again = await hostile.start_render(http, headers, sid, hostile.slideshow(mids), "r9")
        assert again.status_code == 200
        for render_id in ("r1", "r2", "r9"):
            await http.post(f"/api/render/proxy/lambda/{render_id}/cancel", headers=headers)
        await http.post("/api/render/proxy/lambda/render_1/cancel", headers=other)


async def test_url_uploads_are_capped_before_anything_is_fetched(http):
    headers = await hostile.token(http)
    sid = await hostile.session(http, headers)
    path = f"/api/upload-video/nemo_agent/me/{sid}"
    many = await http.post(
        path, json={"urls": ["https://example.invalid/a.jpg"] * 101}, headers=headers
    )
    long = await http.post(
        path, json={"urls": ["https://example.invalid/" + "a" * 9000]}, headers=headers
    )
    envelope(many, 413, "at most 100 files")
    envelope(long, 400, "longer than 8000 characters")


async def test_a_bug_still_answers_in_the_envelope(engine, http, monkeypatch):
    """What no check foresaw is a 500, but in the protocol's envelope, not a bare page."""
    from nemo_widgets.engine.store import Store

    def broken(self, user_id):
        raise RuntimeError("a bug")

    headers = await hostile.token(http)
    monkeypatch.setattr(Store, "credits", broken)
    answer = await http.get("/api/credits/balance/simple", headers=headers)
    message = envelope(answer, 500, "internal error")
    assert "a bug" not in message  # no internals in the answer


async def test_an_endless_part_header_is_refused(http):
    headers = await hostile.token(http)
    sid = await hostile.session(http, headers)

    async def body():
        yield b'--x\r\nContent-Disposition: form-data; name="files"; filename="'
        for _ in range(64):
            yield b"a" * 64 * 1024  # 4 MB of one header, never ended

    answer = await http.post(
        f"/api/upload-video/nemo_agent/me/{sid}",
        content=body(),
        headers={**headers, "Content-Type": "multipart/form-data; boundary=x"},
    )
    envelope(answer, 400, "malformed", "header size")
