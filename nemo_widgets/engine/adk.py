"""ADK Event JSON, as Google ADK's ``/run_sse`` writes it.

docs/protocol.md#stream-framing and #event-shapes have what the protocol says of it.

camelCase keys, null fields dropped, one ``data:`` line per event and a blank line after it.
Heartbeats are SSE comment lines, which every SSE reader skips and ours counts.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

AUTHOR = "nemo_agent"
HEARTBEAT = b": heartbeat\n\n"


class Invocation:
    """The events of one turn, sharing an invocation id."""

    def __init__(self) -> None:
        self.id = f"e-{uuid.uuid4()}"

    def _event(self, role: str, parts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        event = {
            "content": {"role": role, "parts": parts},
            "author": AUTHOR,
            "invocationId": self.id,
            "id": str(uuid.uuid4()),
            "timestamp": time.time(),
            "actions": {
                "stateDelta": extra.pop("state_delta", {}),
                "artifactDelta": {},
                "requestedAuthConfigs": {},
                "requestedToolConfirmations": {},
            },
        }
        event.update(extra)
        return event

    def text(self, text: str, *, partial: bool = False) -> dict[str, Any]:
        extra = {"partial": True} if partial else {}
        return self._event("model", [{"text": text}], **extra)

    def function_call(self, call_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
        return self._event("model", [{"functionCall": {"id": call_id, "name": name, "args": args}}])

    def function_response(
        self, call_id: str, name: str, response: dict[str, Any], state_delta: dict[str, Any]
    ) -> dict[str, Any]:
        part = {"functionResponse": {"id": call_id, "name": name, "response": response}}
        return self._event("user", [part], state_delta=state_delta)


def error_event(message: str) -> dict[str, Any]:
    """What ADK sends when the runner fails: one ``{"error": …}`` event, then the end."""
    return {"error": message}


def sse(event: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(event, ensure_ascii=False).encode() + b"\n\n"


def partials(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The streamed pieces of a text event, sent before it with the same id (ADK streaming)."""
    parts = event.get("content", {}).get("parts", [])
    if len(parts) != 1 or not isinstance(parts[0].get("text"), str):
        return []
    return [
        {**event, "content": {"role": "model", "parts": [{"text": chunk}]}, "partial": True}
        for chunk in text_chunks(parts[0]["text"])
    ]


def text_chunks(text: str, size: int = 24) -> list[str]:
    """Pieces of ``text`` for streamed (partial) replies, cut after spaces where possible."""
    chunks: list[str] = []
    while text:
        cut = text.rfind(" ", 0, size) + 1 if len(text) > size else len(text)
        cut = cut or size
        chunks.append(text[:cut])
        text = text[cut:]
    return chunks
