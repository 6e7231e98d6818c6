"""The /run_sse event parser: every shape of docs/protocol.md#event-shapes, ADK captures, junk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemo_widgets.api.events import (
    MAX_EVENT_CHARS,
    ChatStreamParser,
    Heartbeat,
    Question,
    StreamError,
    Text,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnd,
    Unknown,
    parse_payload,
)

CAPTURES = Path(__file__).parent.parent / "data" / "adk_sse"


def parse_bytes(data: bytes, chunk: int = 0) -> list:
    parser = ChatStreamParser()
    events = []
    step = chunk or len(data) or 1
    for start in range(0, len(data), step):
        events += parser.feed(data[start : start + step])
    return events + parser.close()


def kinds(events: list) -> list[str]:
    return [type(event).__name__ for event in events]


# -- ADK Event JSON ---------------------------------------------------------------------------


def adk(parts: list, **fields) -> str:
    event = {"content": {"role": "model", "parts": parts}, "author": "nemo_agent", "id": "e1"}
    event.update(fields)
    return json.dumps(event)


def test_adk_complete_text():
    assert parse_payload(adk([{"text": "Hello"}])) == [Text("Hello")]


def test_adk_partial_text_is_a_delta():
    assert parse_payload(adk([{"text": "Hel"}], partial=True)) == [TextDelta("Hel")]


def test_adk_thought_parts_are_hidden():
    payload = adk([{"text": "secret plan", "thought": True}, {"text": "Done."}])
    assert parse_payload(payload) == [Text("Done.")]


def test_adk_user_author_text_is_not_agent_text():
    payload = json.dumps({"content": {"role": "user", "parts": [{"text": "hi"}]}, "author": "user"})
    assert kinds(parse_payload(payload)) == ["Unknown"]


@pytest.mark.parametrize(
    ("call_key", "response_key"),
    [("functionCall", "functionResponse"), ("function_call", "function_response")],
)
def test_adk_tool_call_and_result_both_spellings(call_key, response_key):
    call = adk([{call_key: {"id": "adk-7", "name": "edit_multitrack", "args": {"d": 10}}}])
    result = adk(
        [{response_key: {"id": "adk-7", "name": "edit_multitrack", "response": {"ok": 1}}}]
    )
    assert parse_payload(call) == [ToolCall("adk-7", "edit_multitrack", {"d": 10})]
    assert parse_payload(result) == [ToolResult("adk-7", "edit_multitrack", {"ok": 1})]


def test_adk_ask_question_tool_becomes_a_question():
    args = {"title": "Style?", "questions": [{"id": "q1", "options": [{"label": "Vlog"}]}]}
    payload = adk([{"functionCall": {"id": "a", "name": "ask_question", "args": args}}])
    assert parse_payload(payload) == [Question("Style?", args["questions"])]


@pytest.mark.parametrize(
    "payload",
    [
        {"errorCode": "SAFETY", "errorMessage": "blocked", "finishReason": "SAFETY"},
        {"error_code": "SAFETY", "error_message": "blocked"},
    ],
)
def test_adk_error_code_event(payload):
    [event] = parse_payload(json.dumps(payload))
    assert event == StreamError("blocked", event.details)
    assert event.details["code"] == "SAFETY"


def test_adk_error_line_keeps_details():
    line = json.dumps(
        {"error": "RuntimeError: boom", "error_details": {"error_type": "RuntimeError"}}
    )
    assert parse_payload(line) == [
        StreamError("RuntimeError: boom", {"error_type": "RuntimeError"})
    ]


def test_old_adk_error_line_with_quotes_is_invalid_json_but_still_an_error():
    [event] = parse_payload('{"error": "bad "quoted" value"}')
    assert isinstance(event, StreamError)
    assert event.message == 'bad "quoted" value'


def test_invalid_json_without_error_is_unknown():
    assert parse_payload("{not json") == [Unknown("{not json")]


def test_event_without_content_is_unknown_not_text():
    payload = json.dumps({"author": "nemo_agent", "actions": {"stateDelta": {"x": 1}}})
    assert kinds(parse_payload(payload)) == ["Unknown"]


# -- simplified typed events and gateway B's WebSocket types -----------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"type": "text", "content": "I'll create it"}, Text("I'll create it")),
        ({"type": "message", "text": "hi"}, Text("hi")),
        ({"type": "chunk", "text": "par"}, TextDelta("par")),
        ({"type": "chunk", "content": "tial"}, TextDelta("tial")),
        (
            {"type": "tool_call", "name": "generate_video_with_seedance", "args": {"p": 1}},
            ToolCall(None, "generate_video_with_seedance", {"p": 1}),
        ),
        ({"type": "tool_start", "tool": "edit_multitrack"}, ToolCall(None, "edit_multitrack", {})),
        ({"type": "toolcall_start", "tool_name": "x"}, ToolCall(None, "x", {})),
        (
            {"type": "tool_result", "name": "g", "result": {"status": "ok"}},
            ToolResult(None, "g", {"status": "ok"}),
        ),
        ({"type": "tool_end", "tool": "g"}, ToolResult(None, "g", None)),
        ({"type": "ask_question", "title": "T", "questions": [1]}, Question("T", [1])),
        ({"type": "error", "error": "nope"}, StreamError("nope", {})),
        ({"type": "heartbeat"}, Heartbeat()),
        ({"type": "ping"}, Heartbeat()),
        ({"type": "keepalive"}, Heartbeat()),
        ({"type": "pong"}, Heartbeat()),
    ],
)
def test_typed_events(payload, expected):
    assert parse_payload(json.dumps(payload)) == [expected]


@pytest.mark.parametrize("kind", ["thinking_start", "session_ready", "warming_up"])
def test_other_typed_events_are_unknown(kind):
    assert kinds(parse_payload(json.dumps({"type": kind}))) == ["Unknown"]


# -- the end of a turn (docs/protocol.md#stream-end) --------------------------------------------


@pytest.mark.parametrize("payload", [{"type": "done"}, {"type": "DONE", "reason": "stop"}])
def test_typed_done_ends_the_turn(payload):
    assert parse_payload(json.dumps(payload)) == [TurnEnd()]


@pytest.mark.parametrize("key", ["turnComplete", "turn_complete"])
def test_adk_turn_complete_does_not_end_the_turn(key):
    # ADK also sets it when the model waits for tool results; the run goes on after it.
    assert parse_payload(adk([{"text": "Bye"}], **{key: True})) == [Text("Bye")]


def test_the_parser_stops_at_the_end_of_the_turn():
    parser = ChatStreamParser()
    first = b'data: {"type":"text","content":"hi"}\n\ndata: {"type":"done"}\n\ndata: {"type":'
    assert parser.feed(first) == [Text("hi")]
    assert parser.finished
    assert parser.feed(b'"text","content":"late"}\n\n') == []
    assert parser.close() == []


@pytest.mark.parametrize("payload", ["", "   ", "heartbeat", "ping"])
def test_plain_heartbeats(payload):
    assert parse_payload(payload) == [Heartbeat()]


def test_wrong_types_inside_known_keys_never_raise():
    payload = json.dumps({"type": "tool_call", "name": ["x"], "args": "nope"})
    assert kinds(parse_payload(payload)) == ["ToolCall"]
    assert kinds(parse_payload(json.dumps({"content": {"parts": "x"}}))) == ["Unknown"]
    assert kinds(parse_payload("[1, 2]")) == ["Unknown"]


# -- SSE framing --------------------------------------------------------------------------------


def test_three_heartbeat_wire_forms():
    wire = b': keepalive\n\ndata:\n\ndata: {"type":"heartbeat"}\n\n'
    assert parse_bytes(wire) == [Heartbeat(), Heartbeat(), Heartbeat()]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_line_endings(newline):
    wire = b'data: {"type":"text","content":"a"}' + newline + newline
    assert parse_bytes(wire) == [Text("a")]
    assert parse_bytes(wire, chunk=1) == [Text("a")]


def test_multiple_data_lines_are_joined_with_newlines():
    wire = b'data: {"type":"text",\ndata: "content":"joined"}\n\n'
    assert parse_bytes(wire) == [Text("joined")]


def test_event_id_and_retry_fields_are_ignored():
    wire = b'event: message\nid: 7\nretry: 10\ndata: {"type":"text","content":"x"}\n\n'
    assert parse_bytes(wire) == [Text("x")]


def test_non_ascii_split_inside_a_character():
    wire = 'data: {"type":"text","content":"Héllo 🚀 世界"}\n\n'.encode()
    assert parse_bytes(wire, chunk=1) == [Text("Héllo 🚀 世界")]


def test_invalid_utf8_is_replaced_not_raised():
    assert parse_bytes(b'data: {"type":"text","content":"a\xff"}\n\n') == [Text("a\ufffd")]


def test_last_event_without_blank_line_is_kept():
    assert parse_bytes(b'data: {"type":"text","content":"end"}') == [Text("end")]


def test_oversized_event_is_skipped_with_an_error():
    parser = ChatStreamParser()
    events = parser.feed(b"data: " + b"x" * (MAX_EVENT_CHARS + 10))
    events += parser.feed(b'\n\ndata: {"type":"text","content":"after"}\n\n')
    assert kinds(events) == ["StreamError", "Text"]


def test_raw_payloads_are_reported():
    seen = []
    parser = ChatStreamParser(on_payload=seen.append)
    parser.feed(b'data: {"a":1}\n\n: comment\n\n')
    assert seen == ['{"a":1}']


# -- text shown exactly once ----------------------------------------------------------------


def test_repeated_complete_text_is_dropped():
    wire = (
        b'data: {"type":"text","content":"Done."}\n\n'
        b'data: {"type":"text","content":"Done."}\n\n'
        b'data: {"type":"text","content":"Next."}\n\n'
    )
    assert parse_bytes(wire) == [Text("Done."), Text("Next.")]


def test_partial_and_final_sharing_one_id_keep_the_final_text():
    partial = adk([{"text": "Hel"}], partial=True, id="same")
    final = adk([{"text": "Hello"}], id="same")
    wire = f"data: {partial}\n\ndata: {final}\n\n".encode()
    assert parse_bytes(wire) == [TextDelta("Hel"), Text("Hello")]


def test_same_text_after_new_deltas_is_kept():
    first = adk([{"text": "Ok"}])
    delta = adk([{"text": "Ok"}], partial=True)
    wire = f"data: {first}\n\ndata: {delta}\n\ndata: {first}\n\n".encode()
    assert parse_bytes(wire) == [Text("Ok"), TextDelta("Ok"), Text("Ok")]


# -- real ADK captures (shared/research/adk_sse) -----------------------------------------------


@pytest.mark.parametrize("chunk", [0, 1, 13])
def test_adk_streaming_capture(chunk):
    events = parse_bytes((CAPTURES / "streaming_text.sse").read_bytes(), chunk)
    deltas = "".join(e.text for e in events if isinstance(e, TextDelta))
    texts = [e.text for e in events if isinstance(e, Text)]
    assert texts == ["Hello, this is a streamed reply."]
    assert deltas == texts[0]


def test_adk_tool_call_capture():
    events = parse_bytes((CAPTURES / "tool_call_nonstreaming.sse").read_bytes())
    assert kinds(events) == ["ToolCall", "ToolResult", "Text"]
    call, result, _ = events
    assert call.name == result.name == "get_weather"
    assert call.id == result.id
    assert call.args == {"city": "Paris"}


def test_adk_llm_agent_capture_partials_share_the_final_id():
    events = parse_bytes((CAPTURES / "llmagent_streaming_text.sse").read_bytes())
    assert [e.text for e in events if isinstance(e, Text)] == ["Hello from a fake model."]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("error.sse", "RuntimeError: scripted failure mid-stream"),
        ("v1_error.sse", "scripted failure mid-stream"),
        ("error_non_ascii.sse", 'ValueError: échec ✗ "quoted"'),
    ],
)
def test_adk_error_captures(name, message):
    events = parse_bytes((CAPTURES / name).read_bytes())
    assert isinstance(events[-1], StreamError)
    assert events[-1].message == message


def test_adk_empty_and_silent_captures():
    assert parse_bytes((CAPTURES / "empty.sse").read_bytes()) == []
    assert kinds(parse_bytes((CAPTURES / "silent.sse").read_bytes())) == ["Unknown"]


# -- property: any bytes -> events, never an exception ----------------------------------------

EVENT_TYPES = (TextDelta, Text, ToolCall, ToolResult, Question, Heartbeat, StreamError, Unknown)


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(st.binary(max_size=200), max_size=12))
def test_any_bytes_yield_only_events(chunks):
    parser = ChatStreamParser()
    events = []
    for chunk in chunks:
        events += parser.feed(chunk)
    events += parser.close()
    assert all(isinstance(event, EVENT_TYPES) for event in events)


SSE_PIECES = st.sampled_from(
    [b"data: ", b"data:", b":", b"\n", b"\r", b"\r\n", b"{", b"}", b'"type"', b'"text"', b'"error"',
     b'"content"', b'"parts"', b"[", b"]", b",", b":", b'"partial":true', b"\xff", b"\xe4\xb8",
     b'"functionCall"', b'"args"', b"null", b"1", b'"x"']
)  # fmt: skip


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(SSE_PIECES, max_size=60), st.integers(min_value=1, max_value=9))
def test_sse_shaped_junk_yields_only_events(pieces, chunk):
    events = parse_bytes(b"".join(pieces), chunk)
    assert all(isinstance(event, EVENT_TYPES) for event in events)
