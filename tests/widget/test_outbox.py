"""The outbox: deltas batched into ``events`` messages, the rate cap, replay for polls.

Time is a fake clock advanced by the test, so nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from nemo_widgets.widget.outbox import EVENTS_INTERVAL, Outbox, RateMeter


class FakeTime:
    """A clock and a timer queue; ``advance`` runs the timers that fall due, in order."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        heapq.heappush(self._timers, (self.now + delay, next(self._order), callback))

    def advance(self, seconds: float) -> None:
        until = self.now + seconds
        while self._timers and self._timers[0][0] <= until:
            when, _, callback = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            callback()
        self.now = until


class Wire:
    """What the widget does with a message: note it on the meter, keep it with its time."""

    def __init__(self, clock: FakeTime, meter: RateMeter) -> None:
        self.clock = clock
        self.meter = meter
        self.sent: list[tuple[float, dict[str, Any]]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.meter.note()
        self.sent.append((self.clock.now, message))

    @property
    def events(self) -> list[dict[str, Any]]:
        return [message for _, message in self.sent if message.get("type") == "events"]


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def meter(clock: FakeTime) -> RateMeter:
    return RateMeter(limit=30, per=1.0, clock=clock)


@pytest.fixture
def wire(clock: FakeTime, meter: RateMeter) -> Wire:
    return Wire(clock, meter)


@pytest.fixture
def outbox(clock: FakeTime, meter: RateMeter, wire: Wire) -> Outbox:
    return Outbox(wire.send, meter, clock.call_later, clock=clock, wall=lambda: 1000 * clock.now)


def streamed_text(events: list[dict[str, Any]], item_id: str = "a1") -> str:
    return "".join(
        item["text"]
        for message in events
        for item in message["items"]
        if item["kind"] == "delta" and item["id"] == item_id
    )


def test_deltas_within_40_ms_become_one_message(outbox: Outbox, wire: Wire, clock: FakeTime):
    outbox.delta("a1", "Hello")  # the first one after a quiet spell goes out at once
    assert len(wire.events) == 1
    for n in range(100):
        clock.advance(0.0003)  # 100 deltas in 30 ms
        outbox.delta("a1", f" {n}")
    assert len(wire.events) == 1  # all waiting for the 40 ms interval
    clock.advance(0.05)
    assert len(wire.events) == 2
    second = wire.events[1]
    # Consecutive deltas of one item travel as one item.
    assert second["items"] == [
        {"kind": "delta", "id": "a1", "text": "".join(f" {n}" for n in range(100))}
    ]
    assert second["seq"] == 2
    assert wire.sent[1][0] >= EVENTS_INTERVAL
    assert streamed_text(wire.events) == "Hello" + "".join(f" {n}" for n in range(100))


def test_t_kernel_is_when_the_oldest_item_arrived(outbox: Outbox, wire: Wire, clock: FakeTime):
    outbox.delta("a1", "x")
    clock.advance(0.010)
    outbox.status("Adding the photos")
    clock.advance(0.010)
    outbox.delta("a1", "y")
    clock.advance(0.1)
    assert wire.events[0]["t_kernel"] == 0
    assert wire.events[1]["t_kernel"] == 10  # ms: the status line, the oldest of the batch
    assert [item["kind"] for item in wire.events[1]["items"]] == ["status", "delta"]


def test_at_most_30_messages_a_second_counting_trait_syncs(
    outbox: Outbox, wire: Wire, clock: FakeTime
):
    pushed = []
    for step in range(600):  # a delta every 5 ms for 3 s ...
        text = f"<{step}>"
        pushed.append(text)
        outbox.delta("a1", text)
        if step % 100 < 3:  # ... and bursts of other messages (trait syncs): 6 a second
            wire.send({"type": "trait-sync"})
        clock.advance(0.005)
    clock.advance(5)  # let the tail drain

    times = [when for when, _ in wire.sent]
    for when in times:
        in_window = sum(1 for other in times if when - 1.0 < other <= when)
        assert in_window <= 30, f"{in_window} messages in the second before t={when:.3f}"
    event_times = [when for when, message in wire.sent if message["type"] == "events"]
    assert all(b - a >= EVENTS_INTERVAL - 1e-9 for a, b in itertools.pairwise(event_times))
    # Nothing lost, nothing reordered.
    assert streamed_text(wire.events) == "".join(pushed)


def test_events_wait_while_other_messages_use_up_the_second(
    outbox: Outbox, wire: Wire, clock: FakeTime
):
    for _ in range(30):
        wire.send({"type": "trait-sync"})
        clock.advance(0.01)
    outbox.delta("a1", "late")
    assert wire.events == []  # the second is full
    clock.advance(0.5)
    assert wire.events == []
    clock.advance(0.3)
    assert streamed_text(wire.events) == "late"
    # Sent once only 23 of the last second's messages remained: the rest is headroom.
    assert wire.sent[-1][0] == pytest.approx(1.06)


def test_replay_returns_the_messages_after_a_seq(outbox: Outbox, wire: Wire, clock: FakeTime):
    for n in range(5):
        outbox.delta("a1", str(n))
        clock.advance(0.05)
    assert [m["seq"] for m in wire.events] == [1, 2, 3, 4, 5]
    assert [m["seq"] for m in outbox.replay(2)] == [3, 4, 5]
    assert outbox.replay(5) == []
    assert outbox.replay(2)[0] == wire.events[2]  # the same message, sent again as it was

    outbox.new_turn()  # only the current turn is kept; seq keeps growing
    assert outbox.replay(0) == []
    outbox.delta("a2", "next turn")
    assert [m["seq"] for m in outbox.replay(0)] == [6]


def test_replay_is_bounded(clock: FakeTime, meter: RateMeter, wire: Wire):
    outbox = Outbox(wire.send, meter, clock.call_later, clock=clock, replay_limit=3)
    for n in range(10):
        outbox.delta("a1", str(n))
        clock.advance(1.0)
    assert [m["seq"] for m in outbox.replay(0)] == [8, 9, 10]


def test_a_commit_waits_for_the_deltas_sent_before_it(outbox: Outbox, wire: Wire, clock: FakeTime):
    def commit() -> None:
        wire.send({"type": "messages-commit"})

    outbox.after_pending(commit)  # nothing waits: at once
    assert [m["type"] for _, m in wire.sent] == ["messages-commit"]
    outbox.delta("a1", "first")  # goes out at once
    outbox.delta("a1", " second")  # waits for the 40 ms interval ...
    outbox.after_pending(commit)  # ... and so does the final text that replaces it
    outbox.status("next")
    assert [m["type"] for _, m in wire.sent] == ["messages-commit", "events"]
    clock.advance(0.05)
    kinds = [m["type"] for _, m in wire.sent]
    assert kinds == ["messages-commit", "events", "events", "messages-commit"]
    assert wire.events[1]["items"] == [{"kind": "delta", "id": "a1", "text": " second"}]
    clock.advance(0.05)  # what came after the commit goes in a later message
    assert wire.events[2]["items"] == [{"kind": "status", "text": "next"}]
    assert streamed_text(wire.events) == "first second"


def test_meter_counts_a_sliding_second(clock: FakeTime, meter: RateMeter):
    for _ in range(30):
        meter.note()
        clock.advance(0.01)
    assert meter.used() == 30
    assert meter.wait_time() == pytest.approx(0.7)  # the first note leaves the window at t=1
    clock.advance(0.7)
    assert meter.used() == 29
    assert meter.wait_time() == 0
