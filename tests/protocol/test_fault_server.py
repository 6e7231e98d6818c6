"""Tests of the test double itself: the fault server must do exactly what it promises."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.protocol.fault_server import (
    AGENT_NAME,
    DEFAULT_RENDER_BYTES,
    INVOCATION_ID,
    TEST_TOKEN,
    FaultServer,
    adk_error_code,
    adk_error_line,
    adk_silent,
    adk_text,
    adk_tool_call,
    adk_tool_result,
    comment,
    data,
    drop,
    raw,
    sleep,
    update_draft,
)

AUTH = {"Authorization": f"Bearer {TEST_TOKEN}"}
ATTRIBUTION = {"X-Skill-Source": "nemo-widgets", "X-Skill-Version": "0.1", "X-Skill-Platform": "t"}
EMPTY_ACTIONS = {
    "stateDelta": {},
    "artifactDelta": {},
    "requestedAuthConfigs": {},
    "requestedToolConfirmations": {},
}


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def module_server() -> Iterator[FaultServer]:
    server = FaultServer().start()
    yield server
    server.stop()


@pytest.fixture
def server(module_server: FaultServer) -> FaultServer:
    module_server.reset()
    return module_server


@pytest.fixture
def client(server: FaultServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=5.0) as c:
        yield c


def new_session(client: httpx.Client) -> str:
    response = client.post(
        "/api/tasks/me/with-session/nemo_agent",
        json={"task_name": "project", "language": "en"},
        headers=AUTH,
    )
    return response.json()["data"]["session_id"]


def sse_body(session_id: str, text: str = "hi") -> dict[str, Any]:
    return {
        "app_name": AGENT_NAME,
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": text}]},
    }


def read_turn(client: httpx.Client, session_id: str, received: list[bytes]) -> None:
    """Runs one /run_sse turn, appending body chunks to ``received`` as they arrive."""
    with client.stream("POST", "/run_sse", json=sse_body(session_id), headers=AUTH) as response:
        received.extend(response.iter_raw())


def stream_raw(client: httpx.Client, session_id: str) -> tuple[httpx.Response, bytes]:
    """Runs one /run_sse turn and returns the response and the exact body bytes."""
    with client.stream("POST", "/run_sse", json=sse_body(session_id), headers=AUTH) as response:
        body = b"".join(response.iter_raw())
    return response, body


# -- lifecycle ------------------------------------------------------------------------------------


def test_start_binds_a_free_port_and_stop_closes_it() -> None:
    with FaultServer() as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert (
            httpx.get(f"{server.url}/api/credits/balance/simple", headers=AUTH).status_code == 200
        )
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/api/credits/balance/simple", timeout=2.0)


# -- envelope, identity ---------------------------------------------------------------------------


def test_envelope_and_credits(server: FaultServer, client: httpx.Client) -> None:
    server.credits["available"] = 42
    response = client.get("/api/credits/balance/simple", headers=AUTH)
    assert response.status_code == 200
    assert response.json() == {
        "code": 0,
        "message": "ok",
        "data": {"available": 42, "frozen": 0, "total": 100},
    }


def test_anonymous_token_requires_client_id(client: httpx.Client) -> None:
    response = client.post("/api/auth/anonymous-token")
    assert response.status_code == 400
    assert response.json()["code"] != 0


def test_anonymous_token_is_issued_and_accepted(server: FaultServer, client: httpx.Client) -> None:
    first = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c-1"}).json()["data"]
    second = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c-1"}).json()["data"]
    assert first["token"].startswith("nmv_usr_")
    assert first["user_id"].startswith("anon_")
    assert first["user_id"] == second["user_id"]
    assert first["credits"] == 100
    assert first["expires_at"].endswith("Z")
    assert first["token"] in server.valid_tokens
    auth = {"Authorization": f"Bearer {first['token']}"}
    assert client.get("/api/credits/balance/simple", headers=auth).json()["code"] == 0
    created = client.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=auth).json()
    assert created["data"]["user_id"] == first["user_id"]


def test_missing_or_unknown_token_gets_1001(client: httpx.Client) -> None:
    for headers in ({}, {"Authorization": "Bearer nmv_usr_nope"}, {"Authorization": TEST_TOKEN}):
        response = client.get("/api/credits/balance/simple", headers=headers)
        assert response.status_code == 200
        assert response.json()["code"] == 1001


@pytest.mark.parametrize(("style", "status"), [("envelope", 200), ("http401", 401)])
def test_expired_tokens_fail_in_both_styles(
    server: FaultServer, client: httpx.Client, style: str, status: int
) -> None:
    server.auth_failure_style = style
    token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c"}).json()["data"][
        "token"
    ]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/credits/balance/simple", headers=auth).json()["code"] == 0
    server.expire_tokens()
    for headers in (auth, AUTH):
        response = client.get("/api/credits/balance/simple", headers=headers)
        assert response.status_code == status
        assert response.json()["code"] == 1001
    renewed = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c"}).json()
    new_auth = {"Authorization": f"Bearer {renewed['data']['token']}"}
    assert client.get("/api/credits/balance/simple", headers=new_auth).json()["code"] == 0


# -- sessions and state ---------------------------------------------------------------------------


def test_session_state_draft_and_claim_token(server: FaultServer, client: httpx.Client) -> None:
    created = client.post(
        "/api/tasks/me/with-session/nemo_agent",
        json={"task_name": "My Video", "language": "en"},
        headers=AUTH,
    ).json()["data"]
    session_id = created["session_id"]
    assert session_id.isdigit() and len(session_id) >= 18
    assert created["task_id"] == server.sessions[session_id]["task_id"]

    draft = {"t": [{"tt": 0, "sg": [{"d": 3000}]}]}
    server.set_draft(session_id, draft)
    state = client.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=AUTH).json()
    assert state["code"] == 0
    assert state["data"]["session_id"] == session_id
    assert state["data"]["task_name"] == "My Video"
    assert state["data"]["state"] == {
        "draft": draft,
        "video_infos": [],
        "canvas_config": {},
        "generated_media": [],
        "video_analyses": {},
    }

    claim = client.post(
        "/api/auth/claim-token",
        json={"task_id": created["task_id"], "session_id": session_id},
        headers=AUTH,
    ).json()["data"]
    assert claim["claim_token"].startswith("clm_")
    assert claim["expires_in"] == 604800


def test_unknown_session_gets_1002(client: httpx.Client) -> None:
    response = client.get("/api/state/nemo_agent/me/123/latest", headers=AUTH)
    assert (response.status_code, response.json()["code"]) == (200, 1002)
    response = client.post("/run_sse", json=sse_body("123"), headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == 1002


# -- recording ------------------------------------------------------------------------------------


def test_requests_are_recorded(server: FaultServer, client: httpx.Client) -> None:
    client.get("/api/credits/balance/simple", headers={**AUTH, "X-Skill-Source": "s"})
    client.post("/api/auth/claim-token", json={"session_id": "x"}, headers=AUTH)
    client.get("/no/such/path")
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", "/api/credits/balance/simple"),
        ("POST", "/api/auth/claim-token"),
        ("GET", "/no/such/path"),
    ]
    first, second, third = server.requests
    assert first.headers["x-skill-source"] == "s"
    assert first.headers["authorization"] == f"Bearer {TEST_TOKEN}"
    assert first.json is None and first.body_size == 0
    assert second.json == {"session_id": "x"}
    assert second.body_size == len(b'{"session_id":"x"}')
    assert server.requests_to("post", "/api/auth") == [second]
    assert server.requests_to("*", "/api/") == [first, second]
    assert third.path == "/no/such/path"


# -- fault injection ------------------------------------------------------------------------------


def test_inject_code(server: FaultServer, client: httpx.Client) -> None:
    server.inject("GET", "/api/credits", code=2001, message="no credits")
    response = client.get("/api/credits/balance/simple", headers=AUTH)
    assert response.status_code == 200
    assert response.json() == {"code": 2001, "message": "no credits", "data": None}
    assert client.get("/api/credits/balance/simple", headers=AUTH).json()["code"] == 0


def test_inject_status_body_and_headers(server: FaultServer, client: httpx.Client) -> None:
    server.inject("POST", "/api/auth/anonymous-token", status=429, headers={"Retry-After": "0"})
    server.inject("GET", "/api/state", status=503, body={"detail": "busy"})
    server.inject("GET", "/api/credits", status=502, body=b"<html>bad gateway</html>")
    server.inject("GET", "/api/credits", status=500, code=500, message="boom")

    response = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c"})
    assert (response.status_code, response.headers["retry-after"], response.content) == (
        429,
        "0",
        b"",
    )
    response = client.get("/api/state/nemo_agent/me/1/latest", headers=AUTH)
    assert (response.status_code, response.json()) == (503, {"detail": "busy"})
    response = client.get("/api/credits/balance/simple", headers=AUTH)
    assert (response.status_code, response.content) == (502, b"<html>bad gateway</html>")
    response = client.get("/api/credits/balance/simple", headers=AUTH)
    assert (response.status_code, response.json()["code"]) == (500, 500)
    assert client.get("/api/credits/balance/simple", headers=AUTH).status_code == 200


def test_inject_times_and_matching(server: FaultServer, client: httpx.Client) -> None:
    server.inject("POST", "/api/credits", code=9)  # wrong method: never matches a GET
    server.inject("GET", "/api/credits", code=7, times=2)
    codes = [client.get("/api/credits/balance/simple", headers=AUTH).json()["code"] for _ in "abc"]
    assert codes == [7, 7, 0]


def test_inject_delay_runs_the_normal_handler(server: FaultServer, client: httpx.Client) -> None:
    server.inject("GET", "/api/credits", delay=0.3, headers={"X-Test": "slow"})
    started = time.monotonic()
    response = client.get("/api/credits/balance/simple", headers=AUTH)
    assert time.monotonic() - started >= 0.3
    assert response.json()["code"] == 0
    assert response.headers["x-test"] == "slow"
    with pytest.raises(httpx.ReadTimeout):
        server.inject("GET", "/api/credits", delay=1.0)
        client.get("/api/credits/balance/simple", headers=AUTH, timeout=0.2)


def test_inject_drop_closes_without_response(server: FaultServer, client: httpx.Client) -> None:
    server.inject("POST", "/api/auth/claim-token", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/api/auth/claim-token", json={"session_id": "1"}, headers=AUTH)
    assert server.requests_to("POST", "/api/auth/claim-token")[0].json == {"session_id": "1"}
    assert client.get("/api/credits/balance/simple", headers=AUTH).json()["code"] == 0


def test_inject_rejects_code_and_body_together(server: FaultServer) -> None:
    with pytest.raises(ValueError):
        server.inject("GET", "/", code=1, body={})


# -- the agent stream -----------------------------------------------------------------------------


def test_default_turn_is_one_ok_event(client: httpx.Client) -> None:
    session_id = new_session(client)
    response, body = stream_raw(client, session_id)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert body.startswith(b"data: {") and body.endswith(b"}\n\n") and body.count(b"\n\n") == 1
    event = json.loads(body[len(b"data: ") :])
    assert event["content"] == {"parts": [{"text": "OK"}], "role": "model"}
    assert "partial" not in event


def test_every_step_reaches_the_wire_exactly(server: FaultServer, client: httpx.Client) -> None:
    session_id = new_session(client)
    error_line = adk_error_line("boom")
    server.script_turn(
        data({"text": "Grüße 🚀", "n": 1}),
        data('{"broken": '),
        data(""),
        data({"type": "heartbeat"}),
        comment("keepalive"),
        sleep(0.5),
        raw(b'data: {"a":\r\ndata: 1}\r\n\r\n'),
        raw(b"data: \xff\xfe\n\n"),
        data(error_line),
    )
    before_sleep = b"".join(
        [
            'data: {"text":"Grüße 🚀","n":1}\n\n'.encode(),
            b'data: {"broken": \n\n',
            b"data: \n\n",
            b'data: {"type":"heartbeat"}\n\n',
            b": keepalive\n\n",
        ]
    )
    after_sleep = b"".join(
        [
            b'data: {"a":\r\ndata: 1}\r\n\r\n',
            b"data: \xff\xfe\n\n",
            b"data: " + error_line.encode("ascii") + b"\n\n",
        ]
    )
    arrivals: list[tuple[float, bytes]] = []
    started = time.monotonic()
    with client.stream("POST", "/run_sse", json=sse_body(session_id), headers=AUTH) as response:
        for chunk in response.iter_raw():
            arrivals.append((time.monotonic() - started, chunk))
    assert b"".join(chunk for _, chunk in arrivals) == before_sleep + after_sleep
    # The steps before sleep() went out at once; the rest only after the pause.
    first = arrivals[0][0]
    assert b"".join(chunk for at, chunk in arrivals if at < first + 0.25) == before_sleep
    assert arrivals[-1][0] - first >= 0.45  # the 0.5 s pause, give or take the reader's wake-up


def test_scripts_play_in_order_then_default(server: FaultServer, client: httpx.Client) -> None:
    session_id = new_session(client)
    server.script_turn(data({"n": 1}))
    server.script_turn()
    server.script_turn(data({"n": 3}))
    bodies = [stream_raw(client, session_id)[1] for _ in range(4)]
    assert bodies[:3] == [b'data: {"n":1}\n\n', b"", b'data: {"n":3}\n\n']
    assert b'"text":"OK"' in bodies[3]


def test_update_draft_step_changes_state_mid_turn(
    server: FaultServer, client: httpx.Client
) -> None:
    session_id = new_session(client)
    server.script_turn(update_draft({"t": [{"tt": 7, "sg": [{"d": 1000}]}]}))
    stream_raw(client, session_id)
    assert server.sessions[session_id]["state"]["draft"] == {"t": [{"tt": 7, "sg": [{"d": 1000}]}]}


def test_drop_step_breaks_the_stream(
    server: FaultServer, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    session_id = new_session(client)
    server.script_turn(data({"n": 1}), drop())
    received: list[bytes] = []
    with (
        caplog.at_level(logging.ERROR),
        pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)),
    ):
        read_turn(client, session_id, received)
    assert b"".join(received) == b'data: {"n":1}\n\n'
    time.sleep(0.1)  # let the server thread finish logging, if it were to log
    assert [rec for rec in caplog.records if rec.name.startswith("uvicorn")] == []
    # The server keeps serving.
    assert client.get("/api/credits/balance/simple", headers=AUTH).json()["code"] == 0


def test_run_sse_validates_the_body(client: httpx.Client) -> None:
    session_id = new_session(client)
    bad_app = {**sse_body(session_id), "app_name": "other"}
    assert client.post("/run_sse", json=bad_app, headers=AUTH).status_code == 404
    no_message = {k: v for k, v in sse_body(session_id).items() if k != "new_message"}
    assert client.post("/run_sse", json=no_message, headers=AUTH).status_code == 422
    response = client.post("/run_sse", content=b"not json", headers=AUTH)
    assert response.status_code == 422


# -- ADK event builders ---------------------------------------------------------------------------


def test_adk_builders_have_the_captured_shape() -> None:
    text = adk_text("hi", partial=True, id="e1")
    assert list(text) == [
        "content",
        "partial",
        "invocationId",
        "author",
        "actions",
        "nodeInfo",
        "id",
        "timestamp",
    ]
    assert text["content"] == {"parts": [{"text": "hi"}], "role": "model"}
    assert (text["author"], text["invocationId"], text["id"]) == (AGENT_NAME, INVOCATION_ID, "e1")
    assert text["actions"] == EMPTY_ACTIONS
    assert isinstance(text["timestamp"], float)
    assert "partial" not in adk_text("hi")
    assert adk_text("a")["id"] != adk_text("a")["id"]

    call = adk_tool_call("edit_multitrack", {"x": 1})
    assert call["content"] == {
        "parts": [{"functionCall": {"id": "adk-1", "args": {"x": 1}, "name": "edit_multitrack"}}],
        "role": "model",
    }
    result = adk_tool_result("edit_multitrack", {"result": "done"}, id="adk-2")
    assert result["content"] == {
        "parts": [
            {
                "functionResponse": {
                    "id": "adk-2",
                    "name": "edit_multitrack",
                    "response": {"result": "done"},
                }
            }
        ],
        "role": "user",
    }
    assert result["author"] == AGENT_NAME

    silent = adk_silent({"draft": 1})
    assert "content" not in silent
    assert silent["actions"] == {**EMPTY_ACTIONS, "stateDelta": {"draft": 1}}

    coded = adk_error_code("SAFETY", "blocked")
    assert (coded["errorCode"], coded["errorMessage"], coded["finishReason"]) == (
        "SAFETY",
        "blocked",
        "SAFETY",
    )
    assert "content" not in coded


def test_adk_error_line_is_json_dumps_output() -> None:
    line = adk_error_line('échec "quoted"')
    assert line.startswith(
        '{"error": "RuntimeError: \\u00e9chec \\"quoted\\"", "error_details": '
        '{"error_type": "RuntimeError", "error_message": "\\u00e9chec \\"quoted\\"", "timestamp": '
    )
    assert json.loads(line)["error_details"]["error_message"] == 'échec "quoted"'


# -- uploads --------------------------------------------------------------------------------------


def test_multipart_upload_of_two_files(server: FaultServer, client: httpx.Client) -> None:
    session_id = new_session(client)
    big = io.BytesIO(b"\x00" * (3 * 1024 * 1024 + 17))
    files = [
        ("files", ("beach.mp4", big, "video/mp4")),
        ("files", ("palms.jpg", b"\xff\xd8\xff" + b"j" * 997, "image/jpeg")),
    ]
    response = client.post(
        f"/api/upload-video/nemo_agent/me/{session_id}", files=files, headers=AUTH
    )
    body = response.json()
    assert body["code"] == 0
    assert body["data"]["session_state_applied"] is True
    entries = body["data"]["files"]
    assert [(e["filename"], e["file_type"], e["size"]) for e in entries] == [
        ("beach.mp4", "video", 3 * 1024 * 1024 + 17),
        ("palms.jpg", "image", 1000),
    ]
    assert all(e["cdn_url"].startswith("http") for e in entries)

    (recorded,) = server.requests_to("POST", "/api/upload-video/")
    assert recorded.files == [
        ("beach.mp4", "video/mp4", 3 * 1024 * 1024 + 17),
        ("palms.jpg", "image/jpeg", 1000),
    ]
    assert recorded.body_size > 3 * 1024 * 1024 + 1017
    assert recorded.json is None
    assert server.sessions[session_id]["state"]["video_infos"] == entries


def test_url_import_and_upload_errors(server: FaultServer, client: httpx.Client) -> None:
    session_id = new_session(client)
    path = f"/api/upload-video/nemo_agent/me/{session_id}"
    body = {"urls": ["https://example.com/a/clip.mov?x=1"], "source_type": "url"}
    response = client.post(path, json=body, headers=AUTH).json()
    assert response["data"]["files"][0]["filename"] == "clip.mov"
    assert response["data"]["files"][0]["file_type"] == "video"

    bad_type = [("files", ("notes.txt", b"x", "text/plain"))]
    assert client.post(path, files=bad_type, headers=AUTH).json()["code"] == 4001
    wrong_field = [("file", ("a.mp4", b"x", "video/mp4"))]
    assert client.post(path, files=wrong_field, headers=AUTH).status_code == 400
    unknown = "/api/upload-video/nemo_agent/me/999"
    assert client.post(unknown, json=body, headers=AUTH).json()["code"] == 1002
    assert len(server.sessions[session_id]["state"]["video_infos"]) == 1


# -- renders --------------------------------------------------------------------------------------


def submit_render(
    client: httpx.Client, session_id: str, render_id: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    body = {
        "id": render_id,
        "sessionId": session_id,
        "draft": {"t": [{"tt": 0, "sg": [{"d": 1000}]}]},
        "output": {"format": "mp4", "quality": "high"},
    }
    return client.post("/api/render/proxy/lambda", json=body, headers=headers or AUTH)


def test_render_progression_sk_shape(server: FaultServer, client: httpx.Client) -> None:
    session_id = new_session(client)
    submitted = submit_render(client, session_id, "render_1").json()
    assert submitted["code"] == 0
    assert submitted["data"]["status"] == "pending"

    polls = [client.get("/api/render/proxy/lambda/render_1", headers=AUTH).json() for _ in "abc"]
    assert [p["data"]["status"] for p in polls] == ["processing", "processing", "completed"]
    progress = [p["data"]["progress"] for p in polls]
    assert progress == sorted(progress) and progress[-1] == 100 and progress[0] > 0
    output = polls[-1]["data"]["output"]
    assert output["url"] == f"{server.url}/cdn/render-result/render_1.mp4"
    assert output["size"] == len(DEFAULT_RENDER_BYTES)

    cdn = httpx.get(output["url"])  # no auth needed
    assert cdn.status_code == 200
    assert cdn.headers["content-type"] == "video/mp4"
    assert cdn.content == DEFAULT_RENDER_BYTES and cdn.content[4:8] == b"ftyp"

    proxy = "/api/render/proxy/render_1/download"
    assert client.get(proxy).json()["code"] == 1001
    download = client.get(proxy, headers=AUTH)
    assert (download.headers["content-type"], download.content) == (
        "video/mp4",
        DEFAULT_RENDER_BYTES,
    )

    assert submit_render(client, session_id, "render_1").status_code == 409
    assert client.get("/api/render/proxy/lambda/nope", headers=AUTH).status_code == 404


def test_render_skref_shape_without_url(server: FaultServer, client: httpx.Client) -> None:
    server.render_shape = "skref"
    server.render_polls_until_done = 0
    server.render_output_url = None
    server.render_bytes = b"\x00\x00\x00\x18ftypmp42custom"
    session_id = new_session(client)
    submitted = submit_render(client, session_id, "r2").json()
    assert submitted["success"] is True
    assert submitted["data"]["status"] == "pending"
    done = client.get("/api/render/proxy/lambda/r2", headers=AUTH).json()
    assert set(done) == {"success", "data"}
    assert done["data"]["status"] == "completed" and done["data"]["progress"] == 100
    assert "outputUrl" not in done["data"]
    assert done["data"]["completedAt"] >= done["data"]["createdAt"]
    download = client.get("/api/render/proxy/r2/download", headers=AUTH)
    assert download.content == b"\x00\x00\x00\x18ftypmp42custom"

    server.render_output_url = "https://static.example/{id}.mp4"
    submit_render(client, session_id, "r3")
    done = client.get("/api/render/proxy/lambda/r3", headers=AUTH).json()
    assert done["data"]["outputUrl"] == "https://static.example/r3.mp4"
    missing = client.get("/api/render/proxy/lambda/nope", headers=AUTH)
    assert (missing.status_code, missing.json()["success"]) == (404, False)


def test_render_cancel_failure_and_attribution(server: FaultServer, client: httpx.Client) -> None:
    session_id = new_session(client)
    submit_render(client, session_id, "c1")
    cancelled = client.post("/api/render/proxy/lambda/c1/cancel", headers=AUTH).json()
    assert cancelled["data"]["status"] == "cancelled"
    assert client.get("/cdn/render-result/c1.mp4").status_code == 409

    server.render_failure = "lambda crashed"
    server.render_polls_until_done = 0
    submit_render(client, session_id, "f1")
    failed = client.get("/api/render/proxy/lambda/f1", headers=AUTH).json()["data"]
    assert (failed["status"], failed["error"]) == ("failed", "lambda crashed")

    server.require_attribution = True
    assert submit_render(client, session_id, "a1").status_code == 402
    assert submit_render(client, session_id, "a1", {**AUTH, **ATTRIBUTION}).json()["code"] == 0


def test_reset_restores_defaults(server: FaultServer, client: httpx.Client) -> None:
    new_session(client)
    server.inject("GET", "/", code=1)
    server.script_turn(data("x"))
    server.expire_tokens()
    server.render_shape = "skref"
    server.reset()
    assert server.requests == [] and server.sessions == {} and server.renders == {}
    assert server.valid_tokens == {TEST_TOKEN}
    assert server.render_shape == "sk"
    assert client.get("/api/credits/balance/simple", headers=AUTH).json()["code"] == 0
