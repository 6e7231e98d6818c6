"""No error path shows the token (issue 12, item 6): one test per error class the client raises.

In every case the loopback fault server echoes the bearer token in its error text, the way a
careless server might ("invalid token nmv_usr_…"). Two tokens are used: one shaped like
NemoVideo's (``nmv_usr_…``, caught by its pattern too) and one that is not, so that only the
exact-value redaction can catch it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from nemo_widgets import AsyncNemoClient
from nemo_widgets.api import (
    AuthError,
    ExportBlocked,
    FileTooLarge,
    NemoError,
    OutOfCredits,
    RateLimited,
    RenderFailed,
    RenderTimeout,
    ServerError,
    SessionNotFound,
    StreamTimeout,
    UnsupportedFile,
)
from nemo_widgets.api.events import StreamError
from tests.helpers import FAST
from tests.protocol import fault_server as fs

pytestmark = pytest.mark.anyio

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
DRAFT = {"d": 3000, "t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}]}]}
TOKENS = ["nmv_usr_Echoed0Secret", "plain-secret-7f3a9c"]

Scenario = Callable[[fs.FaultServer, AsyncNemoClient, str], Awaitable[Any]]


async def _credits_refused(server, nemo, token):
    server.inject("GET", "/api/credits", code=1001, message=f"invalid token {token}")
    await nemo.credits()


async def _session_missing(server, nemo, token):
    server.inject("GET", "/api/state", code=1002, message=f"no session for {token}")
    await nemo.state("1")


async def _no_credits(server, nemo, token):
    server.inject("GET", "/api/credits", code=2001, message=f"{token} has 0 credits")
    await nemo.credits()


async def _upload_refused(code):
    async def scenario(server, nemo, token):
        session = await nemo.create_session()
        server.inject("POST", "/api/upload-video", code=code, message=f"bad file from {token}")
        await nemo.upload(session.session_id, ("a.jpg", JPEG))

    return scenario


async def _export_blocked(server, nemo, token):
    session = await nemo.create_session()
    body = {"message": f"export requires account (token {token})"}
    server.inject("POST", "/api/render/proxy/lambda", status=402, body=body)
    await nemo.start_render(session.session_id, DRAFT)


async def _rate_limited(server, nemo, token):
    body = {"message": f"slow down, {token}"}
    server.inject(
        "GET", "/api/credits", status=429, body=body, headers={"Retry-After": "0"}, times=2
    )
    await nemo.credits()


async def _server_error(server, nemo, token):
    server.inject("GET", "/api/credits", status=503, body={"message": f"{token} broke"}, times=20)
    await nemo.credits()


async def _other_refusal(server, nemo, token):
    server.inject("GET", "/api/credits", status=400, code=9999, message=f"bad key {token}")
    await nemo.credits()


async def _bad_session_answer(server, nemo, token):
    server.inject("POST", "/api/tasks", body={"code": 0, "data": {"echo": token}})
    await nemo.create_session()


async def _render_failed(server, nemo, token):
    server.render_failure = f"renderer rejected credentials {token}"
    session = await nemo.create_session()
    await nemo.wait_render(await nemo.start_render(session.session_id, DRAFT))


async def _render_timeout(server, nemo, token):
    session = await nemo.create_session()
    job = await nemo.start_render(session.session_id, DRAFT)
    server.inject(
        "GET", "/api/render/proxy/lambda/", status=503, body={"message": token}, times=1000
    )
    await nemo.wait_render(job.id)


async def _stream_timeout(server, nemo, token):
    session = await nemo.create_session()
    server.script_turn(*[step for _ in range(40) for step in (fs.comment(token), fs.sleep(0.05))])
    async for _ in nemo.chat(session.session_id, "hi"):
        pass


async def _unreachable(server, nemo, token):
    async with AsyncNemoClient("http://127.0.0.1:9", token, timings=FAST) as closed:
        await closed.credits()


SCENARIOS: list[tuple[type[NemoError], Any]] = [
    (AuthError, _credits_refused),
    (SessionNotFound, _session_missing),
    (OutOfCredits, _no_credits),
    (UnsupportedFile, "upload:4001"),
    (FileTooLarge, "upload:4002"),
    (ExportBlocked, _export_blocked),
    (RateLimited, _rate_limited),
    (ServerError, _server_error),
    (ServerError, _unreachable),
    (NemoError, _other_refusal),
    (NemoError, _bad_session_answer),
    (RenderFailed, _render_failed),
    (RenderTimeout, _render_timeout),
    (StreamTimeout, _stream_timeout),
]


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize(
    ("error", "scenario"),
    SCENARIOS,
    ids=[f"{e.__name__}-{i}" for i, (e, _) in enumerate(SCENARIOS)],
)
async def test_no_error_class_shows_the_token(server, caplog, token, error, scenario):
    caplog.set_level(logging.DEBUG)
    server.valid_tokens.add(token)
    if isinstance(scenario, str):
        scenario = await _upload_refused(int(scenario.split(":")[1]))
    timings = dataclasses.replace(FAST, render_timeout=0.3, heartbeat_timeout=0.4)
    async with AsyncNemoClient(server.url, token, timings=timings) as nemo:
        with pytest.raises(error) as caught:
            await scenario(server, nemo, token)
    exc = caught.value
    assert type(exc) is error
    shown = [str(exc), repr(exc), exc.message, *map(str, exc.args), caplog.text]
    assert not any(token in text for text in shown), shown
    assert exc.__cause__ is None or token not in str(exc.__cause__)


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize(
    "step",
    [
        lambda t: fs.data({"type": "error", "error": f"agent crashed holding {t}"}),
        lambda t: fs.data(fs.adk_error_line(f"KeyError: {t}")),
        lambda t: fs.data(fs.adk_error_code("AUTH", f"token {t} rejected")),
    ],
    ids=["typed", "adk-line", "adk-code"],
)
async def test_errors_inside_the_stream_never_show_the_token(server, token, step):
    server.valid_tokens.add(token)
    async with AsyncNemoClient(server.url, token, timings=FAST) as nemo:
        session = await nemo.create_session()
        server.script_turn(step(token))
        events = [event async for event in nemo.chat(session.session_id, "hi")]
    errors = [event for event in events if isinstance(event, StreamError)]
    assert errors
    assert all(token not in f"{e.message} {e.details}" for e in errors)
    assert all(token not in raw for raw in nemo.raw_events)


async def test_the_anonymous_token_is_redacted_too(server, client):
    await client.credits()
    [issued] = [t for t in server.valid_tokens if t != fs.TEST_TOKEN]
    server.render_failure = f"bad token {issued}"
    session = await client.create_session()
    with pytest.raises(RenderFailed) as caught:
        await client.wait_render(await client.start_render(session.session_id, DRAFT))
    assert issued not in str(caught.value)
