"""AsyncNemoClient.chat against a real Google ADK api_server (the framework of /run_sse).

The peer's agent never calls a model: each keyword picks a scripted turn (adk_peer/scripts.py).
The agent's text must come out exactly once, whether ADK streams partial chunks or not.
"""

from __future__ import annotations

import pytest

from nemo_widgets import AsyncNemoClient
from nemo_widgets.api import SessionNotFound
from nemo_widgets.api.events import StreamError, Text, TextDelta, ToolCall, ToolResult, Unknown
from tests.helpers import FAST
from tests.protocol.adk_peer import scripts

pytestmark = [pytest.mark.anyio, pytest.mark.adk]


@pytest.fixture
async def nemo(adk_server):
    # ADK does not check tokens; an explicit one keeps the client from asking for an anonymous one.
    async with AsyncNemoClient(adk_server.url, "nmv_usr_adk", timings=FAST) as client:
        yield client


async def turn(nemo, adk_server, text, *, streaming=False, app=scripts.AGENT_APP):
    session_id = adk_server.create_session(app)
    return [event async for event in nemo.chat(session_id, text, streaming=streaming)]


def full_text(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Text)]


@pytest.mark.parametrize("streaming", [False, True])
async def test_text_is_yielded_exactly_once(nemo, adk_server, streaming):
    events = await turn(nemo, adk_server, "hello", streaming=streaming)
    assert full_text(events) == [scripts.DEFAULT_TEXT]
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert deltas == (list(scripts.DEFAULT_CHUNKS) if streaming else [])


@pytest.mark.parametrize("streaming", [False, True])
async def test_tool_call_and_result(nemo, adk_server, streaming):
    events = await turn(nemo, adk_server, "tool please", streaming=streaming)
    call, result = events[0], events[1]
    assert call == ToolCall(scripts.TOOL_CALL_ID, scripts.TOOL_NAME, scripts.TOOL_ARGS)
    assert result == ToolResult(scripts.TOOL_CALL_ID, scripts.TOOL_NAME, scripts.TOOL_RESPONSE)
    assert full_text(events) == [scripts.TOOL_TEXT]


async def test_silent_turn_has_no_text(nemo, adk_server):
    events = await turn(nemo, adk_server, "silent")
    assert full_text(events) == []
    assert [type(e) for e in events] == [Unknown]


async def test_empty_turn(nemo, adk_server):
    assert await turn(nemo, adk_server, "empty") == []


async def test_error_mid_stream(nemo, adk_server):
    events = await turn(nemo, adk_server, "error", streaming=True)
    assert events[0] == TextDelta(scripts.ERROR_CHUNK)
    assert isinstance(events[-1], StreamError)
    assert events[-1].message == scripts.ERROR_LINE


async def test_error_with_non_ascii_message(nemo, adk_server):
    [event] = await turn(nemo, adk_server, "errutf")
    assert event == StreamError(scripts.ERRUTF_LINE, event.details)


async def test_model_error_code_event(nemo, adk_server):
    [event] = await turn(nemo, adk_server, "errcode")
    assert event.message == scripts.ERRCODE_MESSAGE
    assert event.details["code"] == scripts.ERRCODE_CODE


async def test_unicode_text(nemo, adk_server):
    events = await turn(nemo, adk_server, "unicode", streaming=True)
    assert full_text(events) == [scripts.UNICODE_TEXT]


@pytest.mark.parametrize("streaming", [False, True])
async def test_llm_agent_partial_and_final_share_an_id(nemo, adk_server, streaming, monkeypatch):
    # The LlmAgent app has another name; the client always addresses "nemo_agent".
    monkeypatch.setattr("nemo_widgets.api.client.APP_NAME", scripts.LLM_AGENT_APP)
    events = await turn(nemo, adk_server, "hi", streaming=streaming, app=scripts.LLM_AGENT_APP)
    assert full_text(events) == [scripts.LLM_TEXT]


async def test_unknown_session_is_session_not_found(nemo):
    with pytest.raises(SessionNotFound):
        _ = [event async for event in nemo.chat("no-such-session", "hello")]


async def test_turn_complete_is_not_the_end_of_an_adk_turn(nemo, adk_server):
    # ADK marks a model response turnComplete also when the model waits for tool results; the
    # run goes on in the same stream, so only the end of the body ends the turn.
    events = await turn(nemo, adk_server, "midturn")
    assert full_text(events) == [scripts.MIDTURN_FIRST, scripts.MIDTURN_REST]
    assert '"turnComplete":true' in "".join(nemo.raw_events).replace(" ", "")
