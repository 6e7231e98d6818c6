"""One agent turn on screen: the chat events of ``/run_sse`` in, transcript items out.

* Streamed text (deltas) opens an assistant item and grows it; the complete text that follows
  replaces the deltas, translated out of GUI-speak (docs/protocol.md#event-classification).
* A complete text already shown in this turn is dropped, and deltas that only repeat it are
  held back until it is clear whether they do (ADK repeats the whole text after its partials).
* A trailing "I encountered a temporary issue" after normal output is dropped
  (docs/protocol.md#stream-recovery).
* Tool calls become quiet status lines; only heartbeats for a while give "Still working…".
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from ..api import events as wire
from ..api.models import State
from .routing import tool_label, translate_gui
from .transcript import Transcript
from .wording import Language, agent_error, question_json, say

_NOISE = "i encountered a temporary issue"


def _is_noise(text: str) -> bool:
    return _NOISE in text.lower()


class AgentTurn:
    """Turns the events of one stream into transcript items."""

    def __init__(
        self,
        transcript: Transcript,
        lang: Language,
        still_working_every: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._transcript = transcript
        self._lang = lang
        self._every = still_working_every
        self._clock = clock
        self._started = self._last_activity = clock()
        self._item_id: str | None = None  # the assistant item being streamed
        self._streamed = ""  # its text so far
        self._held = ""  # deltas held back: they may only repeat a text already shown
        self.texts: list[str] = []  # complete texts as the agent sent them
        self.shown: list[str] = []  # the same, as shown (GUI-speak translated)
        self.errors: list[str] = []
        self.asked = False
        self.recovered: State | None = None

    @property
    def silent(self) -> bool:
        """Nothing was said: no text, no question, no error (docs/protocol.md#stream-recovery)."""
        return not (self.shown or self.asked or self.errors)

    @property
    def reply_text(self) -> str:
        return "\n\n".join(self.shown)

    @property
    def partial_text(self) -> str:
        return "\n\n".join([*self.shown, self._streamed] if self._streamed else self.shown)

    # -- events ----------------------------------------------------------------------------

    def handle(self, event: wire.ChatEvent) -> None:
        if isinstance(event, wire.Heartbeat):
            self._heartbeat()
            return
        self._last_activity = self._clock()
        if isinstance(event, wire.TextDelta):
            self._delta(event.text)
        elif isinstance(event, wire.Text):
            self._text(event.text)
        elif isinstance(event, wire.ToolCall):
            label = tool_label(event.name, self._lang)
            self._transcript.add("status", label, detail=_call_detail(event))
        elif isinstance(event, wire.Question):
            self._close()
            question = question_json(event.title, event.questions)
            first_prompt = next((q["prompt"] for q in question["questions"] if q["prompt"]), "")
            text = event.title or first_prompt or say(self._lang, "question")
            self._transcript.add("assistant", text, question=question)
            self.asked = True
        elif isinstance(event, wire.StreamError):
            self._close()
            message = agent_error(event.message, self._lang)
            self._transcript.add("error", message)
            self.errors.append(message)
        elif isinstance(event, wire.StreamLost):
            self._close()
            self._transcript.add("status", say(self._lang, "stream_lost"))
        elif isinstance(event, wire.Recovered):
            self.recovered = event.state
        # ToolResult, RecoveryCheck and Unknown say nothing to the user.

    def finish(self) -> None:
        """The stream ended: held deltas that repeat nothing become text; close the item."""
        if self._held and not self._repeats(self._held):
            self._open(self._held)
        self._held = ""
        self._close()

    def stop(self) -> None:
        """The user stopped the turn: the item keeps the text streamed so far."""
        self._held = ""
        if self._item_id is not None:
            self._transcript.update(
                self._item_id, text=self._streamed, streaming=False, stopped=True
            )
            self._item_id, self._streamed = None, ""

    # -- text ------------------------------------------------------------------------------

    def _delta(self, text: str) -> None:
        if self._item_id is not None:
            self._streamed += text
            self._transcript.delta(self._item_id, text)
            return
        self._held += text
        if not self._repeats(self._held):
            held, self._held = self._held, ""
            self._open(held)

    def _text(self, text: str) -> None:
        self._held = ""
        if text in self.texts or (self.texts and _is_noise(text)):
            if self._item_id is not None:  # deltas that did not look like the repeat
                self._close()
            return
        shown = translate_gui(text)
        if self._item_id is not None:
            self._transcript.update(self._item_id, text=shown, streaming=False)
            self._item_id, self._streamed = None, ""
        else:
            self._transcript.add("assistant", shown)
        self.texts.append(text)
        self.shown.append(shown)

    def _repeats(self, held: str) -> bool:
        """Could these deltas be the start of a text already shown, or of trailing noise?"""
        if any(text.startswith(held) for text in self.texts):
            return True
        lowered = held.lower().lstrip()
        return bool(self.texts) and (_NOISE.startswith(lowered) or _NOISE in lowered)

    def _open(self, text: str) -> None:
        item = self._transcript.add("assistant", "", streaming=True)
        self._item_id, self._streamed = item.id, text
        self._transcript.delta(item.id, text)

    def _close(self) -> None:
        """End the streamed item with what it has (the stream broke off or moved on)."""
        if self._item_id is None:
            return
        shown = translate_gui(self._streamed)
        self._transcript.update(self._item_id, text=shown, streaming=False)
        if self._streamed:
            self.texts.append(self._streamed)
            self.shown.append(shown)
        self._item_id, self._streamed = None, ""

    # -- progress --------------------------------------------------------------------------

    def _heartbeat(self) -> None:
        now = self._clock()
        if now - self._last_activity < self._every:
            return
        self._last_activity = now
        minutes = int((now - self._started) // 60)
        if minutes >= 1:
            text = say(self._lang, "still_working_long", minutes=minutes)
        else:
            text = say(self._lang, "still_working")
        self._transcript.add("status", text)


_DETAIL_MAX = 2000  # characters of a tool call's arguments kept for the debug view


def _call_detail(call: wire.ToolCall) -> str:
    """``name {"arg": ...}``, shortened: what a status line stands for, for debugging."""
    args = json.dumps(call.args, ensure_ascii=False, default=str)
    if len(args) > _DETAIL_MAX:
        args = args[:_DETAIL_MAX] + "…"
    return f"{call.name} {args}"
