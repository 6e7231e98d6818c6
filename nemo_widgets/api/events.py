"""Typed chat events from the ``/run_sse`` stream, and a tolerant parser for its bytes.

docs/protocol.md#event-shapes leaves the exact event shape open, so one parser accepts all
three candidates: Google ADK ``Event`` JSON (camelCase, or snake_case from older ADK releases),
the simplified ``{"type": ...}`` events of an older NemoVideo document, and gateway B's
WebSocket-style types. The classification rules are those of
docs/protocol.md#event-classification. Whatever arrives — malformed JSON, broken UTF-8, an
endless line — becomes an event or a :class:`StreamError`, never an exception.

Text comes in two kinds: :class:`TextDelta` is a live preview chunk, :class:`Text` is a
complete message that *replaces* the deltas shown so far (ADK repeats the whole text after its
partial chunks). Show deltas as they come and swap them for the :class:`Text`.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import State

# An event bigger than this is not one we can use; dropping it bounds memory on hostile input.
MAX_EVENT_CHARS = 16 * 1024 * 1024


@dataclass(frozen=True)
class TextDelta:
    """A chunk of text being streamed (ADK ``partial: true``); preview only."""

    text: str


@dataclass(frozen=True)
class Text:
    """A complete message from the agent; replaces the deltas shown so far for it."""

    text: str


@dataclass(frozen=True)
class ToolCall:
    """The agent started a tool (for example an edit of the timeline)."""

    id: str | None
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    """A tool finished."""

    id: str | None
    name: str
    response: Any


@dataclass(frozen=True)
class Question:
    """The agent asks the user something and waits; answer with the next message."""

    title: str
    questions: list[Any]


@dataclass(frozen=True)
class Heartbeat:
    """The server is alive but has nothing to say (a comment line, an empty data line, ...)."""


@dataclass(frozen=True)
class StreamError:
    """The server reported an error inside the stream; the turn ends after it."""

    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Unknown:
    """An event this client does not understand; kept for debugging, never shown."""

    raw: Any


@dataclass(frozen=True)
class TurnEnd:
    """The server says the turn is over (docs/protocol.md#stream-end), connection open or not.

    Internal to the parser: :class:`ChatStreamParser` swallows it and sets ``finished``, so
    ``chat()`` stops reading at once instead of waiting for the connection to close.
    """


# Recovery after a dropped stream (docs/protocol.md#stream-recovery). The turn is never sent
# again: the client watches the session state instead and reports what it sees.


@dataclass(frozen=True)
class StreamLost:
    """The connection dropped mid-turn; the client now checks the session state."""

    reason: str


@dataclass(frozen=True)
class RecoveryCheck:
    """One read of the session state after a drop (``attempt`` of ``attempts``)."""

    attempt: int
    attempts: int
    changed: bool


@dataclass(frozen=True)
class Recovered:
    """The session changed after a drop: the agent's work arrived; ``state`` is the new one."""

    state: State


ChatEvent = (
    TextDelta
    | Text
    | ToolCall
    | ToolResult
    | Question
    | Heartbeat
    | StreamError
    | Unknown
    | StreamLost
    | RecoveryCheck
    | Recovered
)

_HEARTBEAT_TYPES = {"heartbeat", "ping", "keepalive", "keep-alive", "pong"}
# The typed end of a turn (gateway B's WebSocket vocabulary). ADK has no terminal event on
# /run_sse: its ``turnComplete`` also marks a model waiting for tool results, after which the
# same run goes on, so only the end of the body ends an ADK turn (docs/protocol.md#stream-end).
_END_TYPES = {"done"}
_TOOL_CALL_TYPES = {"tool_call", "tool_start", "toolcall_start", "function_call"}
_TOOL_RESULT_TYPES = {"tool_result", "tool_end", "toolcall_end", "function_response"}
_QUESTION_TOOL = "ask_question"
_OLD_ADK_ERROR = re.compile(r'^\s*\{\s*"error"\s*:\s*"(.*)"\s*\}\s*$', re.DOTALL)


def parse_payload(payload: str) -> list[ChatEvent | TurnEnd]:
    """Classify the data of one SSE event (its ``data:`` lines joined by newlines)."""
    stripped = payload.strip()
    if not stripped or stripped.lower() in _HEARTBEAT_TYPES:
        return [Heartbeat()]
    try:
        obj = json.loads(stripped)
    except ValueError:
        return [_classify_invalid_json(stripped)]
    if not isinstance(obj, dict):
        return [Unknown(obj)]
    try:
        return _classify(obj)
    except (AttributeError, TypeError, ValueError, KeyError):
        # A dict of the right keys with the wrong types inside: keep it, never fail the turn.
        return [Unknown(obj)]


def _classify_invalid_json(payload: str) -> ChatEvent:
    if "error" not in payload.lower():
        return Unknown(payload)
    # Older ADK wrote its error line with string formatting; a quote in the message breaks
    # the JSON but the message is still between the first and the last quote.
    match = _OLD_ADK_ERROR.match(payload)
    return StreamError(match.group(1) if match else payload, {"raw": payload})


def _classify(obj: dict[str, Any]) -> list[ChatEvent | TurnEnd]:
    kind = obj.get("type")
    if isinstance(kind, str) and kind.lower() in _END_TYPES:
        return [TurnEnd()]
    return _classify_content(obj)


def _classify_content(obj: dict[str, Any]) -> list[ChatEvent]:
    content = obj.get("content")
    if isinstance(content, dict) and isinstance(content.get("parts"), list):
        events = _adk_parts(obj, content)
        error = _adk_error(obj)
        return [*events, error] if error else events or [Unknown(obj)]
    kind = obj.get("type")
    if isinstance(kind, str):
        return [_typed(kind.lower(), obj)]
    error = _adk_error(obj)
    if error:
        return [error]
    if "error" in obj:
        return [_error_event(obj)]
    return [Unknown(obj)]


def _get(obj: dict[str, Any], *keys: str) -> Any:
    """The first present key among camelCase / snake_case spellings."""
    for key in keys:
        if key in obj:
            return obj[key]
    return None


def _adk_parts(event: dict[str, Any], content: dict[str, Any]) -> list[ChatEvent]:
    partial = event.get("partial") is True
    from_user = event.get("author") == "user"
    events: list[ChatEvent] = []
    for part in content["parts"]:
        if not isinstance(part, dict) or part.get("thought") is True:
            continue
        text = part.get("text")
        call = _get(part, "functionCall", "function_call")
        response = _get(part, "functionResponse", "function_response")
        if isinstance(text, str) and text and not from_user:
            events.append(TextDelta(text) if partial else Text(text))
        elif isinstance(call, dict):
            events.append(_tool_call(call.get("id"), call.get("name"), call.get("args")))
        elif isinstance(response, dict):
            events.append(
                ToolResult(
                    response.get("id"), str(response.get("name") or ""), response.get("response")
                )
            )
    return events


def _adk_error(event: dict[str, Any]) -> StreamError | None:
    code = _get(event, "errorCode", "error_code")
    message = _get(event, "errorMessage", "error_message")
    if code is None and message is None:
        return None
    details = {"code": code}
    reason = _get(event, "finishReason", "finish_reason")
    if reason is not None:
        details["finish_reason"] = reason
    return StreamError(str(message or code), details)


def _error_event(obj: dict[str, Any]) -> StreamError:
    error = obj.get("error")
    if isinstance(error, dict):
        message = error.get("message") or error.get("error_message") or json.dumps(error)
        return StreamError(str(message), error)
    message = error or obj.get("message") or obj.get("content") or "the server reported an error"
    details = obj.get("error_details")
    return StreamError(str(message), details if isinstance(details, dict) else {})


def _typed(kind: str, obj: dict[str, Any]) -> ChatEvent:
    text = obj.get("content") if isinstance(obj.get("content"), str) else obj.get("text")
    if kind in _HEARTBEAT_TYPES:
        return Heartbeat()
    if kind == "error":
        return _error_event(obj)
    if kind in ("text", "message") and isinstance(text, str):
        return Text(text)
    if kind == "chunk":
        delta = text if isinstance(text, str) else obj.get("delta")
        return TextDelta(delta) if isinstance(delta, str) else Unknown(obj)
    if kind in _TOOL_CALL_TYPES:
        name = _get(obj, "name", "tool", "tool_name")
        return _tool_call(_get(obj, "id", "tool_call_id"), name, _get(obj, "args", "arguments"))
    if kind in _TOOL_RESULT_TYPES:
        name = _get(obj, "name", "tool", "tool_name")
        result = _get(obj, "result", "response", "output")
        return ToolResult(_get(obj, "id", "tool_call_id"), str(name or ""), result)
    if kind == _QUESTION_TOOL:
        return _question(obj)
    return Unknown(obj)


def _tool_call(call_id: Any, name: Any, args: Any) -> ChatEvent:
    name = str(name or "")
    args = args if isinstance(args, dict) else {}
    if name == _QUESTION_TOOL:
        return _question(args)
    return ToolCall(None if call_id is None else str(call_id), name, args)


def _question(obj: dict[str, Any]) -> Question:
    questions = obj.get("questions")
    return Question(str(obj.get("title") or ""), questions if isinstance(questions, list) else [])


class ChatStreamParser:
    """Bytes of a ``/run_sse`` response in, chat events out (sans I/O).

    Feed chunks as they arrive, then call :meth:`close`. SSE framing follows the WHATWG rules:
    ``\\r\\n``, ``\\r`` or ``\\n`` end a line, ``data:`` lines of one event are joined with
    newlines, a blank line ends the event, ``event:``/``id:``/``retry:`` are ignored, and a
    comment line (``:`` first) is a heartbeat. (httpx-sse's ``EventSource`` drops comments,
    one of the heartbeat forms the protocol allows, which is why the framing lives here.)

    Within one turn a complete :class:`Text` identical to one already given is dropped, as
    NemoVideo's own clients do, unless new deltas were shown since.
    """

    def __init__(self, on_payload: Callable[[str], None] | None = None):
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._data: list[str] | None = None  # data lines of the event being read
        self._data_size = 0
        self._on_payload = on_payload
        self._texts_seen: set[str] = set()
        self._deltas_pending = False
        #: True once the server said the turn is over; later bytes are ignored.
        self.finished = False

    def feed(self, chunk: bytes) -> list[ChatEvent]:
        if self.finished:
            return []
        text = self._buffer + self._utf8.decode(chunk)
        # A trailing "\r" may be the first half of "\r\n": keep it for the next chunk.
        cut = len(text) - 1 if text.endswith("\r") else len(text)
        lines = _LINE_END.split(text[:cut])
        self._buffer = lines.pop() + text[cut:]
        events = self._lines(lines)
        if len(self._buffer) + self._data_size > MAX_EVENT_CHARS:
            self._buffer, self._data, self._data_size = "", None, 0
            events.append(StreamError("An event was too large to read; it was skipped."))
        return events

    def close(self) -> list[ChatEvent]:
        """End of the body: an event without its closing blank line still counts."""
        if self.finished:
            return []
        rest = self._buffer + self._utf8.decode(b"", final=True)
        self._buffer = ""
        lines = _LINE_END.split(rest) if rest else []
        return self._lines([*lines, ""])

    def _lines(self, lines: list[str]) -> list[ChatEvent]:
        events: list[ChatEvent] = []
        for line in lines:
            if self.finished:
                break
            if not line:
                if self._data is not None:
                    payload = "\n".join(self._data)
                    self._data, self._data_size = None, 0
                    if self._on_payload is not None:
                        self._on_payload(payload)
                    events.extend(self._dedupe(parse_payload(payload)))
            elif line[0] == ":":
                events.append(Heartbeat())
            elif line.startswith("data"):
                name, _, value = line.partition(":")
                if name == "data":
                    value = value[1:] if value.startswith(" ") else value
                    if self._data is None:
                        self._data = []
                    self._data.append(value)
                    self._data_size += len(value)
        return events

    def _dedupe(self, events: list[ChatEvent | TurnEnd]) -> list[ChatEvent]:
        kept: list[ChatEvent] = []
        for event in events:
            if isinstance(event, TurnEnd):
                self.finished = True
                self._buffer, self._data, self._data_size = "", None, 0
                break
            if isinstance(event, TextDelta):
                self._deltas_pending = True
            elif isinstance(event, Text):
                if event.text in self._texts_seen and not self._deltas_pending:
                    continue
                self._texts_seen.add(event.text)
                self._deltas_pending = False
            kept.append(event)
        return kept


_LINE_END = re.compile(r"\r\n|\r|\n")
