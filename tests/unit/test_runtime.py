"""The private event-loop thread behind every blocking facade."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import pytest

from nemo_widgets.runtime import Runtime, get_runtime


def test_runs_coroutines_on_its_own_thread():
    runtime = Runtime()

    async def where() -> str:
        return threading.current_thread().name

    assert runtime.run(where()) == "nemo-widgets-runtime"
    assert get_runtime() is get_runtime()


def test_works_while_the_callers_loop_is_running():
    # A notebook cell runs inside the kernel's running loop, where asyncio.run() is refused.
    runtime = Runtime()

    async def answer() -> int:
        await asyncio.sleep(0.01)
        return 42

    async def notebook_cell() -> int:
        return runtime.run(answer())

    assert asyncio.run(notebook_cell()) == 42


def test_a_timeout_or_interrupt_cancels_the_coroutine():
    runtime = Runtime()
    cancelled = threading.Event()

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(concurrent.futures.TimeoutError):
        runtime.run(slow(), timeout=0.05)
    assert cancelled.wait(2)


def test_blocking_call_on_the_runtime_thread_is_refused():
    runtime = Runtime()

    async def nested() -> None:
        async def inner() -> None: ...

        runtime.run(inner())

    with pytest.raises(RuntimeError, match="use the async API"):
        runtime.run(nested())


def test_iterate_and_close_early():
    runtime = Runtime()
    finished = threading.Event()

    async def numbers():
        try:
            for n in range(100):
                yield n
        finally:
            finished.set()

    assert list(runtime.iterate(_take(numbers(), 3))) == [0, 1, 2]
    iterator = runtime.iterate(numbers())
    assert next(iterator) == 0
    iterator.close()
    assert finished.wait(2)
    assert list(iterator) == []


async def _take(agen, count):
    async for item in agen:
        if count == 0:
            return
        count -= 1
        yield item
