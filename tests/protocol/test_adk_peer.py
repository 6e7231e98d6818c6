"""Proves the ADK peer itself: a real ``adk api_server`` serving the scripted agents.

Plain httpx, no nemo_widgets code: each script must produce on ``POST /run_sse`` the
event sequence described in /work/shared/research/adk_sse/README.md, so client tests
built on the same peer (and the constants in ``adk_peer.scripts``) rest on known ground.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.protocol.adk_peer import ADK_AVAILABLE, AdkServer, scripts

if not ADK_AVAILABLE:
    pytest.skip("google-adk (Python >= 3.11) is not installed", allow_module_level=True)

pytestmark = pytest.mark.adk

CHUNK_DELAY = 0.02  # seconds; the chunk delay the conftest fixture starts the peer with


@pytest.fixture(scope="module")
def http(adk_server: AdkServer) -> Iterator[httpx.Client]:
    # trust_env=False: a proxy from the environment must not intercept loopback calls.
    with httpx.Client(base_url=adk_server.url, timeout=10.0, trust_env=False) as client:
        yield client


# ----------------------------------------------------------------------------- helpers


def run_sse(
    http: httpx.Client,
    session_id: str,
    text: str,
    *,
    streaming: bool = False,
    app: str = scripts.AGENT_APP,
) -> tuple[httpx.Response, bytes]:
    """POSTs /run_sse and returns the response and its raw, undecoded body."""
    body: dict[str, Any] = {
        "app_name": app,
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": text}]},
    }
    if streaming:
        body["streaming"] = True
    with http.stream("POST", "/run_sse", json=body) as response:
        raw = b"".join(response.iter_raw())
    return response, raw


def parse_sse(raw: bytes) -> list[dict[str, Any]]:
    """Splits an ADK SSE body into its JSON messages, checking the framing strictly.

    ADK sends only ``data: <one line of JSON>\\n\\n`` messages: no other field, no
    comment, no ``[DONE]``, and the body ends right after the last blank line.
    """
    if not raw:
        return []
    assert raw.endswith(b"\n\n"), raw[-40:]
    messages = []
    for block in raw[: -len(b"\n\n")].split(b"\n\n"):
        assert block.startswith(b"data: "), block[:40]
        assert b"\n" not in block and b"\r" not in block, block
        messages.append(json.loads(block[len(b"data: ") :]))
    return messages


def texts(events: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """(text, partial) for every text part, in order."""
    return [
        (part["text"], event.get("partial", False))
        for event in events
        for part in event.get("content", {}).get("parts", [])
        if "text" in part
    ]


def expected(chunks: tuple[str, ...], *, streaming: bool = True) -> list[tuple[str, bool]]:
    """What ``texts`` gives for a text script: the chunks as partials if streaming, then
    the whole text once, non-partial."""
    partials = [(chunk, True) for chunk in chunks] if streaming else []
    return [*partials, ("".join(chunks), False)]


def assert_one_invocation(events: list[dict[str, Any]], author: str) -> None:
    assert len({event["invocationId"] for event in events}) == 1
    assert all(event["author"] == author for event in events)
    assert all(event["invocationId"].startswith("e-") for event in events)
    # ``partial`` is ``true`` or absent: ADK drops None fields and never sends false.
    assert all(event.get("partial", True) is True for event in events)


# ------------------------------------------------------------------------------ server


def test_server_serves_both_apps_on_pinned_adk(http: httpx.Client) -> None:
    assert http.get("/health").json() == {"status": "ok"}
    assert http.get("/list-apps").json() == [scripts.AGENT_APP, scripts.LLM_AGENT_APP]
    assert http.get("/version").json()["version"] == "2.13.0"


def test_create_session_with_id_and_state(adk_server: AdkServer, http: httpx.Client) -> None:
    sid = adk_server.create_session(session_id="fixed-id", state={"k": 1})
    assert sid == "fixed-id"
    session = http.get(f"/apps/{scripts.AGENT_APP}/users/me/sessions/{sid}").json()
    assert session["state"] == {"k": 1}
    assert session["events"] == []
    assert adk_server.create_session() != adk_server.create_session()  # random UUIDs


def test_unknown_session_is_a_plain_404(http: httpx.Client) -> None:
    response, raw = run_sse(http, "no-such-session", "hi")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(raw) == {"detail": "Session not found: no-such-session"}


# ---------------------------------------------------------------------- nemo_agent text


def test_default_streaming(adk_server: AdkServer, http: httpx.Client) -> None:
    response, raw = run_sse(http, adk_server.create_session(), "hi", streaming=True)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    events = parse_sse(raw)
    assert texts(events) == expected(scripts.DEFAULT_CHUNKS)
    assert_one_invocation(events, scripts.AGENT_APP)
    assert len({event["id"] for event in events}) == len(events)  # BaseAgent: fresh ids
    assert all(event["content"]["role"] == "model" for event in events)


def test_default_non_streaming_sends_only_the_whole_text(
    adk_server: AdkServer, http: httpx.Client
) -> None:
    _, raw = run_sse(http, adk_server.create_session(), "make me a video")
    events = parse_sse(raw)
    assert texts(events) == [(scripts.DEFAULT_TEXT, False)]
    assert "partial" not in events[0]


def test_events_arrive_as_they_are_yielded(adk_server: AdkServer, http: httpx.Client) -> None:
    """No buffering anywhere: each chunk reaches the client about CHUNK_DELAY apart."""
    body = {
        "app_name": scripts.AGENT_APP,
        "user_id": "me",
        "session_id": adk_server.create_session(),
        "new_message": {"parts": [{"text": "hi"}]},
        "streaming": True,
    }
    arrivals = []
    with http.stream("POST", "/run_sse", json=body) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                arrivals.append(time.monotonic())
    assert len(arrivals) == len(scripts.DEFAULT_CHUNKS) + 1
    # The agent sleeps CHUNK_DELAY before each of chunks 2..4, so first-to-last spans
    # at least 3 delays unless something held the events back and sent them together.
    assert arrivals[-1] - arrivals[0] >= 3 * CHUNK_DELAY * 0.8


@pytest.mark.parametrize("streaming", [True, False], ids=["streaming", "non-streaming"])
def test_unicode_is_raw_utf8(adk_server: AdkServer, http: httpx.Client, streaming: bool) -> None:
    _, raw = run_sse(http, adk_server.create_session(), "unicode", streaming=streaming)
    assert "🚀".encode() in raw and b"\\ud83d" not in raw  # raw UTF-8, not \u escapes
    assert b'\\"w\xc3\xb6rld\\"' in raw and b"line1\\nline2" in raw  # JSON escapes only
    assert texts(parse_sse(raw)) == expected(scripts.UNICODE_CHUNKS, streaming=streaming)


# ---------------------------------------------------------------------- nemo_agent tool


@pytest.mark.parametrize("streaming", [True, False], ids=["streaming", "non-streaming"])
def test_tool_call_and_response(adk_server: AdkServer, http: httpx.Client, streaming: bool) -> None:
    sid = adk_server.create_session()
    _, raw = run_sse(http, sid, "tool please", streaming=streaming)
    events = parse_sse(raw)
    call_event, response_event, *text_events = events

    assert call_event["content"] == {
        "parts": [
            {
                "functionCall": {
                    "id": scripts.TOOL_CALL_ID,
                    "args": scripts.TOOL_ARGS,
                    "name": scripts.TOOL_NAME,
                }
            }
        ],
        "role": "model",
    }
    assert response_event["content"] == {
        "parts": [
            {
                "functionResponse": {
                    "id": scripts.TOOL_CALL_ID,
                    "name": scripts.TOOL_NAME,
                    "response": scripts.TOOL_RESPONSE,
                }
            }
        ],
        "role": "user",  # role "user", yet author is the agent
    }
    assert response_event["actions"]["stateDelta"] == scripts.TOOL_STATE_DELTA
    assert call_event["actions"]["stateDelta"] == {}
    assert texts(text_events) == expected(scripts.TOOL_CHUNKS, streaming=streaming)
    assert_one_invocation(events, scripts.AGENT_APP)

    # The session keeps the user's message and every non-partial event, not the chunks.
    session = http.get(f"/apps/{scripts.AGENT_APP}/users/me/sessions/{sid}").json()
    assert session["state"] == scripts.TOOL_STATE_DELTA
    assert [event["author"] for event in session["events"]] == ["user"] + [scripts.AGENT_APP] * 3
    assert not any(event.get("partial") for event in session["events"])


# ---------------------------------------------------------------- nemo_agent odd endings


def test_silent_sends_one_event_without_content(adk_server: AdkServer, http: httpx.Client) -> None:
    _, raw = run_sse(http, adk_server.create_session(), "silent", streaming=True)
    (event,) = parse_sse(raw)
    assert "content" not in event
    assert event["actions"]["stateDelta"] == scripts.SILENT_STATE_DELTA


@pytest.mark.parametrize("streaming", [True, False], ids=["streaming", "non-streaming"])
def test_empty_is_a_200_with_zero_bytes(
    adk_server: AdkServer, http: httpx.Client, streaming: bool
) -> None:
    response, raw = run_sse(http, adk_server.create_session(), "empty", streaming=streaming)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert raw == b""


@pytest.mark.parametrize("streaming", [True, False], ids=["streaming", "non-streaming"])
def test_error_mid_stream_ends_with_the_error_line(
    adk_server: AdkServer, http: httpx.Client, streaming: bool
) -> None:
    response, raw = run_sse(http, adk_server.create_session(), "error", streaming=streaming)
    assert response.status_code == 200  # already sent when the agent raised
    *events, error = parse_sse(raw)
    assert texts(events) == ([(scripts.ERROR_CHUNK, True)] if streaming else [])
    # The error line is json.dumps output with snake_case keys, unlike the events.
    assert f'data: {{"error": "{scripts.ERROR_LINE}", "error_details": {{'.encode() in raw
    assert error["error"] == scripts.ERROR_LINE
    assert error["error_details"]["error_type"] == "RuntimeError"
    assert error["error_details"]["error_message"] == scripts.ERROR_MESSAGE


def test_non_ascii_error_is_escaped(adk_server: AdkServer, http: httpx.Client) -> None:
    _, raw = run_sse(http, adk_server.create_session(), "errutf", streaming=True)
    assert raw.isascii()  # json.dumps' default ensure_ascii, unlike the event lines
    (error,) = parse_sse(raw)
    assert error["error"] == scripts.ERRUTF_LINE
    assert error["error_details"]["error_message"] == scripts.ERRUTF_MESSAGE


def test_errcode_is_an_ordinary_event(adk_server: AdkServer, http: httpx.Client) -> None:
    _, raw = run_sse(http, adk_server.create_session(), "errcode", streaming=True)
    (event,) = parse_sse(raw)
    assert "content" not in event and "error" not in event
    assert event["errorCode"] == scripts.ERRCODE_CODE
    assert event["errorMessage"] == scripts.ERRCODE_MESSAGE
    assert event["finishReason"] == scripts.ERRCODE_FINISH_REASON


# -------------------------------------------------------------------------- nemo_llm_agent


def test_llm_agent_partials_and_final_share_one_id(
    adk_server: AdkServer, http: httpx.Client
) -> None:
    sid = adk_server.create_session(scripts.LLM_AGENT_APP)
    _, raw = run_sse(http, sid, "hi", streaming=True, app=scripts.LLM_AGENT_APP)
    events = parse_sse(raw)
    assert texts(events) == expected(scripts.LLM_TEXT_CHUNKS)
    # ADK 2.x: one model turn = one event id, chunks and final alike. Never dedupe on id.
    assert len({event["id"] for event in events}) == 1
    assert_one_invocation(events, scripts.LLM_AGENT_APP)
    assert all(event["modelVersion"] == scripts.LLM_MODEL for event in events)
    assert events[-1]["finishReason"] == "STOP"
    assert "finishReason" not in events[0]


@pytest.mark.parametrize("streaming", [True, False], ids=["streaming", "non-streaming"])
def test_llm_agent_runs_the_tool_with_an_adk_id(
    adk_server: AdkServer, http: httpx.Client, streaming: bool
) -> None:
    sid = adk_server.create_session(scripts.LLM_AGENT_APP)
    _, raw = run_sse(http, sid, "tool please", streaming=streaming, app=scripts.LLM_AGENT_APP)
    call_event, response_event, *text_events = parse_sse(raw)
    (call_part,) = call_event["content"]["parts"]
    call = call_part["functionCall"]
    assert call["id"].startswith("adk-") and call["id"] != scripts.TOOL_CALL_ID
    assert (call["name"], call["args"]) == (scripts.TOOL_NAME, scripts.TOOL_ARGS)
    assert call_event["longRunningToolIds"] == []
    (response_part,) = response_event["content"]["parts"]
    assert response_part["functionResponse"] == {
        "id": call["id"],
        "name": scripts.TOOL_NAME,
        "response": scripts.LLM_TOOL_RESULT,
    }
    assert texts(text_events) == expected(scripts.LLM_TOOL_CHUNKS, streaming=streaming)
