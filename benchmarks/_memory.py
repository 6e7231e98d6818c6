"""Peak memory of a process tree, sampled in a thread, for the benchmarks' memory columns."""

from __future__ import annotations

import contextlib
import threading

import psutil


class TreeMemory:
    """Peak RSS of process ``pid`` (unless ``include_root`` is False) plus all its descendants
    taken together (``total``), and of the largest descendant (``child``), every ``interval``
    seconds while the ``with`` block runs."""

    def __init__(self, pid: int, *, include_root: bool = True, interval: float = 0.05) -> None:
        self.total = self.child = 0
        self._root = psutil.Process(pid)
        self._include_root = include_root
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self._interval):
            children = []
            for child in self._root.children(recursive=True):
                with contextlib.suppress(psutil.Error):  # a child that just ended
                    children.append(child.memory_info().rss)
            root = self._root.memory_info().rss if self._include_root else 0
            self.total = max(self.total, root + sum(children))
            self.child = max(self.child, *children, 0)
