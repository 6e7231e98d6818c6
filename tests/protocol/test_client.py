"""AsyncNemoClient against the scriptable fault server, over real HTTP on 127.0.0.1.

Each test names the rule of docs/protocol.md it proves and would fail without it.
"""

from __future__ import annotations

import dataclasses
import json
import logging

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
from nemo_widgets.api.events import (
    Heartbeat,
    Recovered,
    RecoveryCheck,
    StreamError,
    StreamLost,
    Text,
    TextDelta,
    ToolCall,
    ToolResult,
    Unknown,
)
from nemo_widgets.engine import server as engine_server
from tests.helpers import FAST
from tests.protocol import fault_server as fs

pytestmark = pytest.mark.anyio

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
DRAFT = {"d": 6000, "t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}, {"st": 3000, "d": 3000}]}]}


async def collect(events) -> list:
    return [event async for event in events]


def texts(events) -> list[str]:
    return [event.text for event in events if isinstance(event, Text)]


# -- identity and headers (#request-headers, #anonymous-tokens) ------------------------------------


async def test_every_request_carries_attribution_and_bearer(server, client, tmp_path):
    session = await client.create_session()
    await client.upload(session.session_id, ("a.jpg", JPEG))
    await client.credits()
    server.set_draft(session.session_id, DRAFT)
    await collect(client.chat(session.session_id, "hello"))
    job = await client.start_render(
        session.session_id, (await client.state(session.session_id)).draft
    )
    await client.download(await client.wait_render(job.id), tmp_path)

    paths = {
        r.path.split("/")[2] if r.path.startswith("/api/") else r.path for r in server.requests
    }
    assert {"auth", "tasks", "upload-video", "credits", "state", "render", "/run_sse"} <= paths
    for request in server.requests:
        assert request.headers["x-skill-source"] == "nemo-widgets"
        assert request.headers["x-skill-version"]
        assert request.headers["x-skill-platform"]
        if request.path == "/api/auth/anonymous-token":
            assert "authorization" not in request.headers
            assert request.headers["x-client-id"]
        elif not request.path.startswith("/cdn/"):
            assert request.headers["authorization"].startswith("Bearer nmv_usr_")
            assert "x-client-id" not in request.headers


async def test_attribution_headers_are_configurable(server):
    async with AsyncNemoClient(
        server.url, fs.TEST_TOKEN, skill_source="lab", skill_platform="colab", timings=FAST
    ) as nemo:
        await nemo.credits()
    headers = server.requests[-1].headers
    assert (headers["x-skill-source"], headers["x-skill-platform"]) == ("lab", "colab")


async def test_client_id_is_created_once_and_the_token_is_reused(server, tmp_path):
    config = tmp_path / "cfg"
    for _ in range(2):
        async with AsyncNemoClient(server.url, config_dir=config, timings=FAST) as nemo:
            await nemo.credits()
    token_calls = server.requests_to("POST", "/api/auth/anonymous-token")
    assert len(token_calls) == 1, "a second process must reuse the cached anonymous token"
    assert token_calls[0].headers["x-client-id"] == (config / "client_id").read_text().strip()
    assert oct((config / "nemo_widgets_tokens.json").stat().st_mode & 0o777) == "0o600"


async def test_client_id_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("NEMO_CLIENT_ID", "my-stable-id")
    async with AsyncNemoClient(server.url, timings=FAST) as nemo:
        await nemo.credits()
    assert server.requests_to("POST", "/api/auth")[0].headers["x-client-id"] == "my-stable-id"


async def test_token_from_the_environment_is_used_as_is(server, monkeypatch):
    monkeypatch.setenv("NEMO_TOKEN", fs.TEST_TOKEN)
    monkeypatch.setenv("NEMO_API_URL", server.url)
    async with AsyncNemoClient(timings=FAST) as nemo:
        await nemo.credits()
    assert [r.path for r in server.requests] == ["/api/credits/balance/simple"]
    assert server.requests[0].headers["authorization"] == f"Bearer {fs.TEST_TOKEN}"


@pytest.mark.parametrize("style", ["envelope", "http401"])
async def test_expired_anonymous_token_is_renewed_with_the_same_client_id(server, client, style):
    server.auth_failure_style = style
    await client.credits()
    server.expire_tokens()
    credits = await client.credits()
    assert credits.available == 100
    token_calls = server.requests_to("POST", "/api/auth/anonymous-token")
    assert len(token_calls) == 2
    assert token_calls[0].headers["x-client-id"] == token_calls[1].headers["x-client-id"]
    assert len(server.requests_to("GET", "/api/credits")) == 3  # ok, refused, retried


async def test_anonymous_token_refused_twice_raises(server, client):
    server.inject("GET", "/api/credits", code=1001, times=2)
    with pytest.raises(AuthError):
        await client.credits()
    assert len(server.requests_to("GET", "/api/credits")) == 2


@pytest.mark.parametrize("style", ["envelope", "http401"])
async def test_a_token_the_user_gave_is_never_replaced(server, style):
    server.auth_failure_style = style
    secret = "nmv_usr_supersecret123"
    async with AsyncNemoClient(server.url, secret, timings=FAST) as nemo:
        with pytest.raises(AuthError) as caught:
            await nemo.credits()
    assert not server.requests_to("POST", "/api/auth/anonymous-token")
    assert "NEMO_TOKEN" in str(caught.value)
    assert secret not in str(caught.value) and secret not in repr(caught.value)


# -- error codes (#errors) -------------------------------------------------------------------------


async def test_session_not_found_is_raised_never_swapped(server, client):
    with pytest.raises(SessionNotFound, match="create_session"):
        await client.state("1234")
    with pytest.raises(SessionNotFound):
        await collect(client.chat("1234", "hello"))
    assert not server.requests_to("POST", "/api/tasks")


async def test_out_of_credits_gives_the_register_link_of_the_anonymous_user(server, client):
    session = await client.create_session()
    server.inject("POST", "/run_sse", code=2001, message="insufficient credits")
    with pytest.raises(OutOfCredits) as caught:
        await collect(client.chat(session.session_id, "make a video"))
    assert caught.value.link.endswith("/register?bind=" + session.user_id)
    assert caught.value.link in str(caught.value)


async def test_out_of_credits_for_a_registered_user_links_to_top_up(server):
    async with AsyncNemoClient(server.url, fs.TEST_TOKEN, timings=FAST) as nemo:
        server.inject("GET", "/api/credits", code=2001)
        with pytest.raises(OutOfCredits) as caught:
            await nemo.credits()
    assert caught.value.link == "https://nemovideo.com/dashboard/billing"


@pytest.mark.parametrize(
    ("code", "error", "advice"),
    [(4001, UnsupportedFile, "Accepted: images: jpg"), (4002, FileTooLarge, "Compress or trim")],
)
async def test_file_errors_from_the_server(server, client, code, error, advice):
    session = await client.create_session()
    server.inject("POST", "/api/upload-video", code=code)
    with pytest.raises(error, match=advice):
        await client.upload(session.session_id, ("a.jpg", JPEG))


async def test_http_402_on_export_is_a_plan_problem_not_credits(server, client):
    session = await client.create_session()
    server.inject(
        "POST", "/api/render/proxy/lambda", status=402, body={"message": "Payment Required"}
    )
    with pytest.raises(ExportBlocked, match="plan restriction, not a lack of credits"):
        await client.start_render(session.session_id, DRAFT)
    assert len(server.requests_to("POST", "/api/render")) == 1, "402 is deterministic: no retry"


async def test_http_402_on_an_anonymous_token_says_how_to_get_one_that_exports(server, client):
    session = await client.create_session()
    server.inject(
        "POST", "/api/render/proxy/lambda", status=402, body={"message": "export requires account"}
    )
    with pytest.raises(ExportBlocked) as caught:
        await client.start_render(session.session_id, DRAFT)
    message = str(caught.value)
    register = f"https://nemovideo.com/register?bind={session.user_id}"
    assert caught.value.link == register
    steps = [register, "Settings -> API Tokens", "NEMO_TOKEN", "export again"]
    assert [message.find(step) for step in steps] == sorted(message.find(s) for s in steps)
    assert all(step in message for step in steps)


async def test_http_402_on_a_token_of_ones_own_points_at_its_scope(server):
    async with AsyncNemoClient(server.url, fs.TEST_TOKEN, timings=FAST) as nemo:
        session = await nemo.create_session()
        server.inject("POST", "/api/render/proxy/lambda", status=402, body={"message": "no"})
        with pytest.raises(ExportBlocked, match="'render' scope") as caught:
            await nemo.start_render(session.session_id, DRAFT)
    assert "register" not in str(caught.value)
    assert caught.value.link == "https://nemovideo.com/dashboard/billing"


async def test_an_anonymous_user_is_told_once_before_the_first_export(server, client, caplog):
    session = await client.create_session()
    caplog.set_level(logging.WARNING, logger="nemo_widgets.api")
    await client.start_render(session.session_id, DRAFT)
    await client.start_render(session.session_id, DRAFT)
    notices = [r.getMessage() for r in caplog.records if "anonymous NemoVideo token" in r.message]
    assert len(notices) == 1
    assert "https://nemovideo.com/register" in notices[0] and "NEMO_TOKEN" in notices[0]
    assert await client.export_notice() is None  # said once per client
    # The server was asked whether it is nemo-widgets' engine before the notice, once.
    assert len(server.requests_to("GET", "/api/engine/info")) == 1


async def test_an_app_can_take_the_notice_and_show_it_itself(server, client, caplog):
    notice = await client.export_notice()
    assert notice and "may refuse it" in notice
    session = await client.create_session()
    caplog.set_level(logging.WARNING, logger="nemo_widgets.api")
    await client.start_render(session.session_id, DRAFT)
    assert "anonymous" not in caplog.text


async def test_no_notice_with_a_token_of_ones_own(server):
    async with AsyncNemoClient(server.url, fs.TEST_TOKEN, timings=FAST) as nemo:
        assert await nemo.export_notice() is None
    assert server.requests == []


async def test_missing_attribution_headers_would_block_export(server):
    # The fault server mimics the documented 402 for calls without the headers; ours pass.
    server.require_attribution = True
    async with AsyncNemoClient(server.url, fs.TEST_TOKEN, timings=FAST) as nemo:
        session = await nemo.create_session()
        job = await nemo.start_render(session.session_id, DRAFT)
    assert job.status == "pending"


async def test_server_message_echoing_a_token_is_redacted(server):
    secret = "nmv_usr_echoed987"
    async with AsyncNemoClient(server.url, secret, timings=FAST) as nemo:
        server.inject("GET", "/api/credits", status=400, code=9999, message=f"bad key {secret}")
        with pytest.raises(NemoError) as caught:
            await nemo.credits()
    assert secret not in str(caught.value)
    assert "9999" in str(caught.value)


# -- rate limits, 5xx, connect errors --------------------------------------------------------------


async def test_429_waits_retry_after_and_retries_once(server, client):
    server.inject("GET", "/api/credits", status=429, code=429, headers={"Retry-After": "0"})
    assert (await client.credits()).available == 100
    assert len(server.requests_to("GET", "/api/credits")) == 2


async def test_429_twice_raises_rate_limited(server, client):
    server.inject("GET", "/api/credits", status=429, body={"message": "slow down"}, times=2)
    with pytest.raises(RateLimited, match="slow down"):
        await client.credits()
    assert len(server.requests_to("GET", "/api/credits")) == 2


async def test_5xx_on_get_is_retried_with_backoff(server, client):
    server.inject("GET", "/api/credits", status=503, times=2)
    assert (await client.credits()).total == 100
    assert len(server.requests_to("GET", "/api/credits")) == 3


async def test_5xx_retries_are_bounded(server, client):
    server.inject("GET", "/api/credits", status=502, times=10)
    with pytest.raises(ServerError, match="HTTP 502"):
        await client.credits()
    assert len(server.requests_to("GET", "/api/credits")) == 1 + FAST.max_retries


async def test_5xx_on_a_post_is_not_repeated(server, client):
    await client.credits()  # fetch the token first
    server.inject("POST", "/api/tasks", status=500)
    with pytest.raises(ServerError):
        await client.create_session()
    assert len(server.requests_to("POST", "/api/tasks")) == 1


async def test_dropped_get_is_retried(server, client):
    server.inject("GET", "/api/credits", drop=True)
    assert (await client.credits()).available == 100


async def test_unreachable_server_says_what_to_check():
    nemo = AsyncNemoClient("http://127.0.0.1:9", fs.TEST_TOKEN, timings=FAST)
    async with nemo:
        expected = r"Could not reach http://127\.0\.0\.1:9 .*NEMO_API_URL"
        with pytest.raises(ServerError, match=expected):
            await nemo.credits()


async def test_slow_answer_within_the_read_timeout(server, client):
    server.inject("GET", "/api/credits", delay=0.3)
    assert (await client.credits()).available == 100


# -- the agent stream (#the-agent-stream) ----------------------------------------------------------


async def test_chat_sends_the_documented_body_and_yields_events(server, client):
    session = await client.create_session()
    server.script_turn(
        fs.data(fs.adk_tool_call("edit_multitrack", {"d": 15000}, id="adk-1")),
        fs.data(fs.adk_tool_result("edit_multitrack", {"ok": True}, id="adk-1")),
        fs.data(fs.adk_text("Done: 15 s.")),
    )
    events = await collect(client.chat(session.session_id, "make it 15 seconds"))
    assert events == [
        ToolCall("adk-1", "edit_multitrack", {"d": 15000}),
        ToolResult("adk-1", "edit_multitrack", {"ok": True}),
        Text("Done: 15 s."),
    ]
    [request] = server.requests_to("POST", "/run_sse")
    assert request.json == {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session.session_id,
        "new_message": {"parts": [{"text": "make it 15 seconds"}]},
    }
    assert request.headers["accept"] == "text/event-stream"
    assert client.raw_events, "raw payloads are kept for debugging"


async def test_streaming_flag_is_sent_only_when_asked(server, client):
    session = await client.create_session()
    await collect(client.chat(session.session_id, "a"))
    await collect(client.chat(session.session_id, "b", streaming=True))
    first, second = server.requests_to("POST", "/run_sse")
    assert "streaming" not in first.json
    assert second.json["streaming"] is True


async def test_heartbeats_in_all_three_wire_forms(server, client):
    session = await client.create_session()
    server.script_turn(
        fs.comment("keepalive"),
        fs.data(""),
        fs.data({"type": "heartbeat"}),
        fs.data(fs.adk_text("ok")),
    )
    events = await collect(client.chat(session.session_id, "hi"))
    assert events == [Heartbeat(), Heartbeat(), Heartbeat(), Text("ok")]


async def test_partial_and_final_sharing_one_id_yield_the_text_once(server, client):
    session = await client.create_session()
    server.script_turn(
        fs.data(fs.adk_text("Hel", partial=True, id="same")),
        fs.data(fs.adk_text("lo", partial=True, id="same")),
        fs.data(fs.adk_text("Hello", id="same")),
        fs.data(fs.adk_text("Hello", id="same")),  # a duplicate final
    )
    events = await collect(client.chat(session.session_id, "hi", streaming=True))
    assert events == [TextDelta("Hel"), TextDelta("lo"), Text("Hello")]


async def test_malformed_and_non_ascii_events(server, client):
    session = await client.create_session()
    server.script_turn(
        fs.data("{not json"),
        fs.raw(b'data: {"type":"text","content":"caf\xc3\xa9 \xff"}\n\n'),
        fs.data(fs.adk_text("视频 🚀 «ok»")),
        fs.data('{"error": "bad "quote" in message"}'),
    )
    events = await collect(client.chat(session.session_id, "hi"))
    assert events[0] == Unknown("{not json")
    assert events[1] == Text("café \ufffd")
    assert events[2] == Text("视频 🚀 «ok»")
    assert events[3] == StreamError('bad "quote" in message', events[3].details)


async def test_silent_turn_yields_no_text(server, client):
    session = await client.create_session()
    server.script_turn(fs.update_draft(DRAFT), fs.data(fs.adk_silent({"draft_changed": True})))
    events = await collect(client.chat(session.session_id, "add a title"))
    assert texts(events) == []
    assert (await client.state(session.session_id)).timeline.ready_for_export


async def test_error_mid_stream_is_an_event_and_ends_the_turn(server, client):
    session = await client.create_session()
    server.script_turn(
        fs.data(fs.adk_text("Starting", partial=True)), fs.data(fs.adk_error_line("boom"))
    )
    events = await collect(client.chat(session.session_id, "go", streaming=True))
    assert isinstance(events[-1], StreamError)
    assert events[-1].message == "RuntimeError: boom"


async def test_json_answer_instead_of_a_stream_is_kept_not_hidden(server, client):
    session = await client.create_session()
    server.inject("POST", "/run_sse", body={"code": 0, "data": {"note": "queued"}})
    events = await collect(client.chat(session.session_id, "hi"))
    assert len(events) == 1 and isinstance(events[0], Unknown)
    assert "queued" in events[0].raw


async def test_run_sse_5xx_is_never_resent(server, client):
    session = await client.create_session()
    server.inject("POST", "/run_sse", status=500, times=5)
    with pytest.raises(ServerError):
        await collect(client.chat(session.session_id, "hi"))
    assert len(server.requests_to("POST", "/run_sse")) == 1


async def test_dropped_stream_recovers_from_state_without_resending(server, client):
    session = await client.create_session()
    server.script_turn(
        fs.data(fs.adk_text("Working", partial=True)), fs.update_draft(DRAFT), fs.drop()
    )
    events = await collect(client.chat(session.session_id, "make the video", streaming=True))
    assert isinstance(events[0], TextDelta)
    assert isinstance(events[1], StreamLost)
    assert events[2] == RecoveryCheck(1, 5, changed=True)
    assert isinstance(events[3], Recovered)
    assert events[3].state.timeline.ready_for_export
    assert len(server.requests_to("POST", "/run_sse")) == 1


async def test_dropped_stream_with_no_change_gives_up_after_five_reads(server, client):
    session = await client.create_session()
    server.script_turn(fs.drop())
    events = await collect(client.chat(session.session_id, "make the video"))
    checks = [e for e in events if isinstance(e, RecoveryCheck)]
    assert [c.attempt for c in checks] == [1, 2, 3, 4, 5]
    assert not any(c.changed for c in checks)
    assert isinstance(events[-1], StreamError)
    assert events[-1].details == {"recovery": "failed"}
    assert len(server.requests_to("POST", "/run_sse")) == 1
    assert len(server.requests_to("GET", "/api/state")) == 1 + 5  # the snapshot, then 5 reads


async def test_connection_dropped_before_any_answer_is_not_resent(server, client):
    session = await client.create_session()
    server.inject("POST", "/run_sse", drop=True)
    events = await collect(client.chat(session.session_id, "make the video"))
    assert isinstance(events[0], StreamLost)
    assert len(server.requests_to("POST", "/run_sse")) == 1


async def test_heartbeats_only_for_too_long_raise_stream_timeout(server):
    timings = dataclasses.replace(FAST, heartbeat_timeout=0.4)
    async with AsyncNemoClient(server.url, fs.TEST_TOKEN, timings=timings) as nemo:
        session = await nemo.create_session()
        server.script_turn(*[step for _ in range(20) for step in (fs.comment(), fs.sleep(0.05))])
        with pytest.raises(StreamTimeout, match="only keep-alive signals"):
            await collect(nemo.chat(session.session_id, "hi"))


async def test_whole_turn_is_capped(server):
    timings = dataclasses.replace(FAST, turn_timeout=0.5)
    async with AsyncNemoClient(server.url, fs.TEST_TOKEN, timings=timings) as nemo:
        session = await nemo.create_session()
        server.script_turn(
            *[
                s
                for i in range(40)
                for s in (fs.data(fs.adk_text(f"{i}", partial=True)), fs.sleep(0.05))
            ]
        )
        with pytest.raises(StreamTimeout, match="longest allowed"):
            await collect(nemo.chat(session.session_id, "hi", streaming=True))


async def test_done_ends_the_turn_while_the_connection_stays_open(server, client):
    session = await client.create_session()
    server.script_turn(
        fs.data(fs.adk_text("Finished.")),
        fs.data({"type": "done"}),
        fs.sleep(FAST.heartbeat_timeout * 2),  # without the rule: StreamTimeout, or the text below
        fs.data(fs.adk_text("never read")),
    )
    events = await collect(client.chat(session.session_id, "hi"))
    assert events == [Text("Finished.")]


async def test_stopping_the_iteration_closes_the_stream(server, client):
    session = await client.create_session()
    server.script_turn(
        fs.data(fs.adk_text("first", partial=True)), fs.sleep(5), fs.data(fs.adk_text("x"))
    )
    events = client.chat(session.session_id, "hi", streaming=True)
    assert await events.__anext__() == TextDelta("first")
    await events.aclose()  # returns at once: the 5 s sleep is never waited for
    assert len(server.requests_to("POST", "/run_sse")) == 1


# -- uploads (#uploads) ----------------------------------------------------------------------------


async def test_upload_sends_several_files_in_one_multipart_request(server, client, tmp_path):
    session = await client.create_session()
    photo = tmp_path / "beach.jpg"
    photo.write_bytes(JPEG)
    with (tmp_path / "palms.png").open("wb") as handle:
        handle.write(PNG)
    with (tmp_path / "palms.png").open("rb") as handle:
        result = await client.upload(session.session_id, photo, handle, ("raw.jpg", JPEG))
    [request] = server.requests_to("POST", "/api/upload-video")
    assert request.files == [
        ("beach.jpg", "image/jpeg", len(JPEG)),
        ("palms.png", "image/png", len(PNG)),
        ("raw.jpg", "image/jpeg", len(JPEG)),
    ]
    assert "json" not in request.headers["content-type"]
    assert [f.filename for f in result.files] == ["beach.jpg", "palms.png", "raw.jpg"]


async def test_upload_retry_after_renewal_sends_the_whole_files_again(server, client, tmp_path):
    session = await client.create_session()
    server.expire_tokens()
    photo = tmp_path / "a.jpg"
    photo.write_bytes(JPEG)
    await client.upload(session.session_id, photo)
    assert [r.files for r in server.requests_to("POST", "/api/upload-video")] == [
        [("a.jpg", "image/jpeg", len(JPEG))]
    ] * 2


@pytest.mark.parametrize(
    ("item", "error"),
    [
        (("notes.txt", b"hello"), UnsupportedFile),
        (("photo.jpg", PNG), UnsupportedFile),
        (("clip.mp4", b"\x00\x00\x00\x20ftypisom" + b"\x00" * 2000), FileTooLarge),
    ],
)
async def test_bad_files_are_refused_without_touching_the_network(server, item, error):
    async with AsyncNemoClient(server.url, timings=FAST, max_upload_bytes=1000) as nemo:
        with pytest.raises(error):
            await nemo.upload("123", ("ok.jpg", JPEG), item)
    assert server.requests == []


async def test_upload_urls(server, client):
    session = await client.create_session()
    await client.upload_urls(session.session_id, ["https://example.com/a.mp4"])
    [request] = server.requests_to("POST", "/api/upload-video")
    assert request.json == {"urls": ["https://example.com/a.mp4"], "source_type": "url"}
    with pytest.raises(ValueError, match="http"):
        await client.upload_urls(session.session_id, ["file:///etc/passwd"])


# -- state, credits, claim link --------------------------------------------------------------------


async def test_state_keeps_the_raw_answer_and_reads_the_timeline(server, client):
    session = await client.create_session()
    server.set_draft(session.session_id, DRAFT)
    state = await client.state(session.session_id)
    assert state.raw["session_id"] == session.session_id
    assert state.draft == DRAFT
    assert state.timeline.duration_s == 6
    assert isinstance(session.session_id, str) and len(session.session_id) >= 18


async def test_credits(server, client):
    server.credits = {"available": 95, "frozen": 5, "total": 100}
    credits = await client.credits()
    assert (credits.available, credits.frozen, credits.total) == (95, 5, 100)


async def test_claim_link_holds_no_token(server, client):
    session = await client.create_session()
    link = await client.claim_link(session)
    assert link.startswith("https://nemovideo.com/workspace/claim?ct=clm_")
    assert "nmv_" not in link
    assert server.requests_to("POST", "/api/auth/claim-token")[0].json == {
        "task_id": session.task_id,
        "session_id": session.session_id,
    }


@pytest.mark.parametrize(
    "refusal",
    [
        {"status": 404, "code": 404, "message": "no such endpoint"},  # the call was retired
        {"status": 403, "body": {"message": "claim tokens are disabled"}},
        {"status": 500},
        {"body": {"code": 0, "data": {}}},  # answered, but without a claim token
    ],
)
async def test_claim_link_falls_back_to_the_task_link(server, client, refusal):
    session = await client.create_session()
    server.inject("POST", "/api/auth/claim-token", **refusal)
    link = await client.claim_link(session)
    assert link == (
        f"https://nemovideo.com/workspace/task/{session.task_id}?session={session.session_id}"
    )


async def test_a_claim_token_that_is_the_api_token_never_goes_into_the_link(server):
    async with AsyncNemoClient(server.url, fs.TEST_TOKEN, web_url="http://web", timings=FAST) as c:
        session = await c.create_session()
        for leaked in (fs.TEST_TOKEN, "nmv_usr_other", f"x{fs.TEST_TOKEN}"):
            server.inject(
                "POST", "/api/auth/claim-token", body={"code": 0, "data": {"claim_token": leaked}}
            )
            link = await c.claim_link(session)
            assert link.startswith(f"http://web/workspace/task/{session.task_id}?session=")
            assert "nmv_" not in link


# -- render (#export) ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["sk", "skref"])
async def test_render_submit_poll_and_download(server, client, tmp_path, shape):
    server.render_shape = shape
    session = await client.create_session()
    job = await client.start_render(session.session_id, DRAFT)
    [submit] = server.requests_to("POST", "/api/render/proxy/lambda")
    assert submit.json["id"].startswith("render_") and submit.json["id"] == job.id
    assert submit.json["sessionId"] == session.session_id
    assert submit.json["draft"] == DRAFT
    assert submit.json["output"] == {"format": "mp4", "quality": "high"}

    seen = []
    done = await client.wait_render(
        job.id, on_progress=lambda j: seen.append((j.status, j.progress))
    )
    assert done.done and done.output_url
    assert [s for s, _ in seen] == ["processing", "processing", "completed"]
    path = await client.download(done, tmp_path)
    assert path == tmp_path / f"{job.id}.mp4"
    assert path.read_bytes() == server.render_bytes
    assert not list(tmp_path.glob(".*part"))


async def test_download_falls_back_to_the_download_endpoint(server, client, tmp_path):
    server.render_output_url = None
    session = await client.create_session()
    job = await client.wait_render(await client.start_render(session.session_id, DRAFT))
    assert job.output_url is None
    path = await client.download(job, tmp_path / "out.mp4")
    assert path.read_bytes() == server.render_bytes
    [fallback] = server.requests_to("GET", f"/api/render/proxy/{job.id}/download")
    assert fallback.headers["authorization"].startswith("Bearer ")


async def test_output_url_on_another_host_gets_no_token(server, client, tmp_path):
    server.render_output_url = (
        server.url.replace("127.0.0.1", "localhost") + "/cdn/render-result/{id}.mp4"
    )
    session = await client.create_session()
    job = await client.wait_render(await client.start_render(session.session_id, DRAFT))
    await client.download(job, tmp_path)
    [cdn] = server.requests_to("GET", "/cdn/")
    assert "authorization" not in cdn.headers


async def test_broken_output_url_falls_back(server, client, tmp_path):
    server.render_output_url = "{url}/cdn/missing/{id}.mp4"
    session = await client.create_session()
    job = await client.wait_render(await client.start_render(session.session_id, DRAFT))
    path = await client.download(job, tmp_path)
    assert path.read_bytes() == server.render_bytes


async def test_poll_errors_are_retried_on_the_same_id(server, client):
    session = await client.create_session()
    job = await client.start_render(session.session_id, DRAFT)
    server.inject("GET", "/api/render/proxy/lambda/", status=503, times=2)
    server.inject("GET", "/api/render/proxy/lambda/", drop=True)
    done = await client.wait_render(job.id)
    assert done.done
    polled = {r.path for r in server.requests_to("GET", "/api/render/proxy/lambda/")}
    assert polled == {f"/api/render/proxy/lambda/{job.id}"}


async def test_a_long_poll_outage_does_not_end_the_wait(server, client):
    session = await client.create_session()
    job = await client.start_render(session.session_id, DRAFT)
    # More failures in a row than one request retries: wait_render keeps polling the same id.
    server.inject("GET", "/api/render/proxy/lambda/", status=502, times=FAST.max_retries + 3)
    assert (await client.wait_render(job.id)).done


async def test_render_wait_is_bounded(server):
    timings = dataclasses.replace(FAST, render_timeout=0.3)
    async with AsyncNemoClient(server.url, fs.TEST_TOKEN, timings=timings) as nemo:
        session = await nemo.create_session()
        job = await nemo.start_render(session.session_id, DRAFT)
        server.inject("GET", "/api/render/proxy/lambda/", status=503, times=1000)
        with pytest.raises(RenderTimeout, match=r"last poll: .*HTTP 503"):
            await nemo.wait_render(job.id)


async def test_submit_failure_is_retried_once_with_a_new_id(server, client):
    session = await client.create_session()
    server.inject("POST", "/api/render/proxy/lambda", status=500)
    job = await client.start_render(session.session_id, DRAFT)
    first, second = server.requests_to("POST", "/api/render/proxy/lambda")
    assert first.json["id"] != second.json["id"] == job.id


async def test_failed_render(server, client):
    server.render_failure = "codec exploded"
    session = await client.create_session()
    job = await client.start_render(session.session_id, DRAFT)
    with pytest.raises(RenderFailed, match="codec exploded"):
        await client.wait_render(job.id)


async def test_empty_timeline_is_not_submitted(server, client):
    with pytest.raises(NemoError, match="nothing to export"):
        await client.start_render("123", {"t": [{"tt": 0, "sg": []}]})
    assert server.requests == []


# -- secrets ---------------------------------------------------------------------------------------


async def test_tokens_never_appear_in_repr_logs_or_errors(server, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    async with AsyncNemoClient(server.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        server.expire_tokens()
        await nemo.upload(session.session_id, ("a.jpg", JPEG))
        await collect(nemo.chat(session.session_id, "hi"))
        server.set_draft(session.session_id, DRAFT)
        job = await nemo.wait_render(await nemo.start_render(session.session_id, DRAFT))
        await nemo.download(job, tmp_path)
        server.inject("GET", "/api/credits", code=1001, times=2)
        with pytest.raises(AuthError) as caught:
            await nemo.credits()
        shown = [
            repr(nemo),
            str(nemo.settings),
            repr(nemo.settings),
            str(caught.value),
            caplog.text,
        ]
    issued = [t for t in server.valid_tokens if t != fs.TEST_TOKEN] + [
        r.headers["authorization"].split()[1]
        for r in server.requests
        if "authorization" in r.headers
    ]
    assert issued
    for token in issued:
        assert all(token not in text for text in shown)
    assert json.dumps(nemo.raw_events and list(nemo.raw_events)).count("nmv_usr_") == 0


# -- the local engine, known by its answer (no notice, HEIC kept) ----------------------------------


@pytest.mark.parametrize("separate_process", [False, True])
async def test_the_local_engine_is_recognised(engine, monkeypatch, separate_process):
    if separate_process:  # as if started by `nemo-widgets serve`: known only by its answer
        monkeypatch.setattr(engine_server, "_served_urls", set())
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        assert nemo.settings.backend_kind == ("server" if separate_process else "local")
        assert await nemo.is_local_engine()
        assert await nemo.export_notice() is None


async def test_another_server_is_not_the_local_engine(server, client):
    assert not await client.is_local_engine()
    assert not await client.is_local_engine()
    assert len(server.requests_to("GET", "/api/engine/info")) == 1
