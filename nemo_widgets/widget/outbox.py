"""Kernel -> browser traffic that streams: batched ``events`` messages under a rate cap.

Text deltas and status lines arrive far faster than a browser needs them and every comm message
counts against the server's IOPub rate limit, so :class:`Outbox` gathers them into one
``events`` message per ``interval`` (40 ms) and holds them back while the :class:`RateMeter`
says the widget already sent its share of messages this second (30 in all, every kind counted,
a few of them kept for trait syncs and acks that cannot wait).

Trait commits that must not overtake what streamed before them (the final text of a message
replaces its deltas) wait in the same queue: :meth:`Outbox.after_pending`.

The messages of the current turn are also kept, bounded, so that the poll fallback can replay
the ones a browser missed (Colab may not show messages sent from a background thread).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Clock = Callable[[], float]
CallLater = Callable[[float, Callable[[], None]], object]

EVENTS_INTERVAL = 0.040  # seconds between two events messages
MAX_MESSAGES_PER_SECOND = 30  # every comm message of the widget, trait syncs included
# Slots of every second left to messages that cannot wait (trait syncs at the start and end of
# a turn, upload acks): events use at most the rest, so the total stays under the cap as long
# as those stay under this many a second.
HEADROOM = 6
REPLAY_LIMIT = 1000  # events messages of the current turn kept for the poll fallback


class RateMeter:
    """Counts the widget's messages in a sliding window of ``per`` seconds."""

    def __init__(
        self, limit: int = MAX_MESSAGES_PER_SECOND, per: float = 1.0, clock: Clock = time.monotonic
    ):
        self.limit = limit
        self.per = per
        self._clock = clock
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def note(self) -> None:
        """One message was sent just now."""
        with self._lock:
            self._sent.append(self._clock())

    def used(self) -> int:
        """Messages sent in the last ``per`` seconds."""
        with self._lock:
            self._forget_old(self._clock())
            return len(self._sent)

    def wait_time(self, reserve: int = 0) -> float:
        """Seconds until one more message fits under ``limit - reserve`` (0 if it fits now)."""
        allowed = max(1, self.limit - reserve)
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            if len(self._sent) < allowed:
                return 0.0
            return self._sent[len(self._sent) - allowed] + self.per - now

    def _forget_old(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.per:
            self._sent.popleft()


@dataclass
class _Item:
    arrived_ms: float  # for ``t_kernel``
    data: dict[str, Any]


class Outbox:
    """Batches event items into ``events`` messages and keeps them for replay.

    ``send(message)`` delivers one message (and notes it on the meter); ``call_later(delay, fn)``
    runs ``fn`` later on the thread that feeds the outbox. ``wall`` gives ms since the epoch for
    ``t_kernel``.

    Feed it from one thread (the widget's runtime loop); :meth:`replay` may be called from any
    thread. Nothing is sent and no callback runs while its lock is held.
    """

    def __init__(
        self,
        send: Callable[[dict[str, Any]], None],
        meter: RateMeter,
        call_later: CallLater,
        *,
        clock: Clock = time.monotonic,
        wall: Clock = lambda: time.time() * 1000,
        interval: float = EVENTS_INTERVAL,
        headroom: int = HEADROOM,
        replay_limit: int = REPLAY_LIMIT,
    ):
        self._send = send
        self._meter = meter
        self._call_later = call_later
        self._clock = clock
        self._wall = wall
        self._interval = interval
        self._headroom = headroom
        self._lock = threading.Lock()
        # Items to send, and callbacks that must wait until the items before them are sent.
        self._pending: list[_Item | Callable[[], None]] = []
        self._seq = 0
        self._last_sent = -float("inf")
        self._timer_set = False
        self._log: deque[dict[str, Any]] = deque(maxlen=replay_limit)

    def delta(self, item_id: str, text: str) -> None:
        """More streamed text for the assistant item ``item_id``."""
        with self._lock:
            last = self._pending[-1] if self._pending else None
            if isinstance(last, _Item) and last.data.get("id") == item_id:
                last.data["text"] += text  # consecutive deltas of one item travel as one
                return
            self._pending.append(
                _Item(self._wall(), {"kind": "delta", "id": item_id, "text": text})
            )
        self._kick()

    def status(self, text: str) -> None:
        """A transient status line ("Adding the photos…")."""
        with self._lock:
            self._pending.append(_Item(self._wall(), {"kind": "status", "text": text}))
        self._kick()

    def after_pending(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once everything pushed so far is sent: at once if nothing waits.

        The widget commits the ``messages`` trait this way, so that a final text never reaches
        the browser before the deltas it replaces.
        """
        with self._lock:
            waiting = bool(self._pending)
            if waiting:
                self._pending.append(callback)
        if waiting:
            self._kick()
        else:
            callback()

    def new_turn(self) -> None:
        """A turn starts: the replay log keeps only this turn's messages."""
        with self._lock:
            self._log.clear()

    def flush(self) -> None:
        """Send what is pending as far as the interval and the rate cap allow; the rest later."""
        with self._lock:
            self._timer_set = False
        while True:
            with self._lock:
                if not self._pending:
                    return
                head = self._pending[0]
                if not isinstance(head, _Item):
                    self._pending.pop(0)
                    callback, message = head, None
                else:
                    wait = max(
                        self._last_sent + self._interval - self._clock(),
                        self._meter.wait_time(self._headroom),
                    )
                    if wait > 0:
                        self._schedule(wait)
                        return
                    callback, message = None, self._take_message()
            if callback is not None:
                callback()
            else:
                self._send(message)

    def replay(self, after: int) -> list[dict[str, Any]]:
        """The kept events messages with ``seq`` greater than ``after``, oldest first."""
        with self._lock:
            return [message for message in self._log if message["seq"] > after]

    def _take_message(self) -> dict[str, Any]:
        """The items up to the first callback, as the next events message (lock held)."""
        items: list[_Item] = []
        while self._pending and isinstance(self._pending[0], _Item):
            items.append(self._pending.pop(0))  # type: ignore[arg-type]
        self._seq += 1
        self._last_sent = self._clock()
        message = {
            "type": "events",
            "seq": self._seq,
            "items": [item.data for item in items],
            "t_kernel": round(min(item.arrived_ms for item in items)),
        }
        self._log.append(message)
        return message

    def _kick(self) -> None:
        with self._lock:
            idle = not self._timer_set
        if idle:
            self.flush()  # the first item after a quiet spell goes out at once

    def _schedule(self, delay: float) -> None:
        if not self._timer_set:
            self._timer_set = True
            self._call_later(delay, self.flush)
