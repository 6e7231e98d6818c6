"""One private event-loop thread that runs the async client for blocking code.

Blocking facades (``NemoClient``, the widget's Python API) submit coroutines here and wait for
the result. It works the same in a plain script and inside a notebook whose own loop is already
running (Jupyter, Colab), where ``asyncio.run`` is refused. nest_asyncio is not used: it is
archived and breaks contextvars and anyio on current kernels.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class Runtime:
    """A daemon thread with its own asyncio loop, started on first use."""

    def __init__(self, name: str = "nemo-widgets-runtime"):
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._thread is None or not self._thread.is_alive():
                self._start()
            assert self._loop is not None
            return self._loop

    def _start(self) -> None:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._thread = threading.Thread(target=run, name=self._name, daemon=True)
        self._thread.start()
        ready.wait()
        self._loop = loop

    def in_runtime_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the runtime loop without waiting."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on the runtime loop and wait for its result.

        An interrupt while waiting (the notebook's stop button) cancels the coroutine.
        """
        if self.in_runtime_thread():
            coro.close()
            raise RuntimeError(
                "A blocking nemo-widgets call was made on its own event-loop thread: "
                "use the async API (AsyncNemoClient, await ...) in async code."
            )
        future = self.submit(coro)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    def iterate(self, agen: AsyncIterator[T]) -> Iterator[T]:
        """A blocking iterator over an async iterator that runs on the runtime loop."""
        return _BlockingIterator(self, agen)


class _BlockingIterator(Iterator[T]):
    def __init__(self, runtime: Runtime, agen: AsyncIterator[T]):
        self._runtime = runtime
        self._agen = agen
        self._closed = False

    def __iter__(self) -> _BlockingIterator[T]:
        return self

    def __next__(self) -> T:
        if self._closed:
            raise StopIteration
        try:
            return self._runtime.run(_anext(self._agen))
        except StopAsyncIteration:
            self._closed = True
            raise StopIteration from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop early: closes the async iterator (for a chat turn, the stream)."""
        if self._closed:
            return
        self._closed = True
        aclose = getattr(self._agen, "aclose", None)
        if aclose is None:
            return
        if self._runtime.in_runtime_thread():
            self._runtime.loop.create_task(aclose())
            return
        # After an interrupt the generator may be finishing its cancellation right now.
        with contextlib.suppress(RuntimeError):
            self._runtime.run(aclose())

    def __del__(self) -> None:
        # Best effort: an abandoned iterator must not keep a stream open.
        with contextlib.suppress(Exception):
            self.close()


async def _anext(agen: AsyncIterator[T]) -> T:
    return await agen.__anext__()


_default: Runtime | None = None
_default_lock = threading.Lock()


def get_runtime() -> Runtime:
    """The process-wide runtime shared by every blocking facade."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Runtime()
        return _default
