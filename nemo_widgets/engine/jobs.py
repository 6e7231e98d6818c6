"""Render jobs: queued, run one at a time in a child process, cancellable, cached by content.

Each render runs in a child process so that a crash or a hang in native code (FFmpeg, x264,
Pillow) costs one job, never the server. The child is a fresh interpreter running
:mod:`.render_child`, not a ``multiprocessing`` child: ``spawn`` imports the parent's
``__main__`` again in the child, so a user's script without an ``if __name__ == "__main__":``
guard would run its own code a second time there, and multiprocessing stops it with an error.
The job goes to the child as JSON on stdin (with the engine's ``sys.path``, so renderers the
engine can import are importable there too); progress and the outcome come back as JSON lines
on stdout, and stderr is kept for a crash's message. The parent writes progress into the store,
where the poll endpoint reads it. Jobs that were queued or running when an engine stopped are
picked up again when it starts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from itertools import count
from typing import Any

from .store import RenderRecord, Store

logger = logging.getLogger("nemo_widgets.engine")

DEFAULT_RENDERER = "nemo_widgets.engine.render:render"
# Keys of a draft segment that do not change a single pixel or sample of the video.
_NOT_RENDERED = frozenset({"id", "src", "name", "role", "for", "sd", "title"})
_PROGRESS_EVERY = 0.25  # seconds between progress writes to the store
_CHILD_MODULE = "nemo_widgets.engine.render_child"
_STDERR_LINES = 40  # the end of a child's stderr, logged when its render fails
# The line of a child's stderr that says why it died, worth putting in the job's error.
_REASON = re.compile(r"^(Fatal Python error: .+|[A-Za-z_][\w.]*(Error|Exception)(: .*)?)$")
_REASON_MAX = 200
# Queue order: exports, then previews, then exports the engine starts by itself while the
# person pauses (speculative); within one priority, first come first served.
PRIORITY = {"export": 0, "preview": 1, "speculative": 2}
_CLOSE = -1  # sorts before any job: workers stop at once
# How previews are encoded: the fastest x264 preset, quality that suits a small picture.
PREVIEW_ENCODING = {"preset": "ultrafast", "crf": 30}


def cache_key(draft: dict[str, Any], media_hashes: Mapping[str, str], renderer: str) -> str:
    """Equal for drafts that render to the same video from the same media content."""

    def visible(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: visible(v) for k, v in value.items() if k not in _NOT_RENDERED}
        if isinstance(value, list):
            return [visible(v) for v in value]
        return value

    material = {"renderer": renderer, "draft": visible(draft), "media": dict(media_hashes)}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:32]


# One render keeps about this many cores busy: libx264's frame threads plus the thread that
# composes frames. More renders than cores / this only slow each other down.
CORES_PER_RENDER = 4


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's limit, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def render_plan(workers: int | None = None, cpus: int | None = None) -> tuple[int, int]:
    """How many renders run at once and how many encoder threads each gets.

    By default one render per ``CORES_PER_RENDER`` cores (at least one); the cores are shared
    out between the renders so that together they never ask for more threads than there are.
    """
    cpus = cpus or usable_cpus()
    if workers is None:
        workers = max(1, cpus // CORES_PER_RENDER)
    if workers < 1:
        raise ValueError(f"render workers must be at least 1, not {workers}")
    return workers, max(1, cpus // workers)


class RenderQueue:
    """Runs render jobs from the store on ``workers`` threads, each driving one child process.

    ``workers=None`` follows the CPU count (see ``render_plan``); each child's encoder gets
    ``threads`` threads.
    """

    def __init__(
        self,
        store: Store,
        *,
        workers: int | None = None,
        timeout: float = 900.0,
        renderer: str = DEFAULT_RENDERER,
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.renderer = renderer
        workers, self.threads = render_plan(workers)
        self.workers = workers
        self.owner = store.lease.owner
        # (priority, order, render_id, dead owner); render_id None tells a worker to stop.
        self._queue: queue.PriorityQueue[tuple[int, int, str | None, str | None]] = (
            queue.PriorityQueue()
        )
        self._order = count()
        self._cancelled: set[str] = set()
        # Previews a worker gives up for an export: back to the queue, not cancelled.
        self._bumped: set[str] = set()
        # render id -> (kind, cache key), of the jobs children render
        self._running: dict[str, tuple[str, str]] = {}
        self._running_lock = threading.Lock()
        self._closing = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, name=f"nemo-render-{n}", daemon=True)
            for n in range(workers)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        # Jobs left behind by an engine that stopped: queued ones, and running ones whose
        # engine no longer holds its lease (a reused process id cannot fake that).
        for record in self.store.unfinished_renders():
            if record.status == "pending":
                self._put(record, None)
            elif not self.store.lease.alive(record.owner):
                self._put(record, record.owner)

    def submit(self, record: RenderRecord) -> None:
        """Queue a job; an export takes a worker from a preview or a speculative export of
        another video if none is free (one of the same video it waits for instead)."""
        self._put(record, None)
        if record.kind == "export":
            with self._running_lock:
                busy = len(self._running) >= self.workers
                yielding = [
                    rid
                    for rid, (kind, key) in self._running.items()
                    if kind != "export" and key != record.cache_key
                ]
            if busy and yielding:
                self._bumped.add(yielding[0])

    def _put(self, record: RenderRecord, dead_owner: str | None) -> None:
        priority = PRIORITY.get(record.kind, 0)
        self._queue.put((priority, next(self._order), record.render_id, dead_owner))

    def cancel(self, render_id: str, reason: str = "cancelled by the user") -> bool:
        """Cancel a job that has not finished; False if it already has."""
        record = self.store.render(render_id)
        if record is None or record.finished:
            return False
        self._cancelled.add(render_id)
        self.store.update_render(render_id, status="cancelled", error=reason)
        return True

    def close(self, wait: float = 5.0) -> None:
        self._closing.set()
        for _ in self._threads:
            self._queue.put((_CLOSE, next(self._order), None, None))
        for thread in self._threads:
            if thread.is_alive():
                thread.join(wait)

    # -- worker ----------------------------------------------------------------------------

    def _work(self) -> None:
        while not self._closing.is_set():
            _, _, render_id, dead_owner = self._queue.get()
            if render_id is None:
                return
            if not self.store.claim_render(render_id, self.owner, replace=dead_owner):
                self._cancelled.discard(render_id)
                continue  # cancelled meanwhile, or another engine took it
            try:
                self._run(render_id)
            except Exception as exc:  # a bug here must fail the job, not kill the worker
                logger.exception("render %s failed", render_id)
                self.store.update_render(render_id, status="failed", error=f"internal error: {exc}")
            finally:
                with self._running_lock:
                    self._running.pop(render_id, None)

    def _run(self, render_id: str) -> None:
        record = self.store.render(render_id)
        assert record is not None
        self._wait_for_twin(record)
        target = self.store.render_path(record.cache_key)
        if target.exists():  # the same video was rendered meanwhile: no work at all
            earlier = self.store.completed_render_with_key(record.cache_key)
            frames = earlier.frames_total if earlier else 0
            self.store.update_render(
                render_id, status="completed", frames_done=frames, frames_total=frames
            )
            return
        job = {
            "renderer": self.renderer,
            "draft": record.draft,
            "media": self._media_paths(record),
            "out": str(target),
            "threads": self.threads,
            "sys_path": [str(entry) for entry in sys.path],
        }
        if record.kind == "preview":
            job["encoding"] = PREVIEW_ENCODING
        with self._running_lock:
            self._running[render_id] = (record.kind, record.cache_key)
        child = _RenderChild(job)
        try:
            outcome = self._follow(render_id, child)
        finally:
            child.close()
        # A child that was killed could not remove its unfinished file.
        for leftover in target.parent.glob(f".{target.name}.*.part"):
            leftover.unlink(missing_ok=True)
        self.store.update_render(render_id, **outcome)
        if outcome.get("status") == "pending" and not self._closing.is_set():
            self._put(record, None)  # a preview that made way for an export: it waits again

    def _wait_for_twin(self, record: RenderRecord) -> None:
        """While another worker renders the same video (an export started while the person
        paused), wait for it rather than render it twice; its file then serves both."""
        while not self._closing.is_set() and record.render_id not in self._cancelled:
            with self._running_lock:
                twin = any(key == record.cache_key for _, key in self._running.values())
            if not twin:
                return
            time.sleep(0.1)

    def _follow(self, render_id: str, child: _RenderChild) -> dict[str, Any]:
        """Relay progress until the child ends, is cancelled or runs out of time."""
        deadline = time.monotonic() + self.timeout
        last_write = 0.0
        while True:
            if self._closing.is_set():
                child.kill()  # the engine stops: the next one starts this job again
                return {"status": "pending", "owner": None, "frames_done": 0}
            if render_id in self._cancelled:
                child.kill()
                self._cancelled.discard(render_id)
                self._bumped.discard(render_id)
                return {"status": "cancelled", "error": "cancelled"}
            if render_id in self._bumped:
                child.kill()  # an export needs this worker: the preview starts again later
                self._bumped.discard(render_id)
                return {"status": "pending", "owner": None, "frames_done": 0}
            if time.monotonic() > deadline:
                child.kill()
                return {
                    "status": "failed",
                    "error": f"the render took longer than {self.timeout:.0f} s and was stopped",
                }
            event = child.next_event(timeout=0.1)
            if event is None:
                if child.ended():
                    return self._crash_outcome(render_id, child)
                continue
            kind = event.get("event")
            if kind == "progress" and time.monotonic() - last_write >= _PROGRESS_EVERY:
                last_write = time.monotonic()
                self.store.update_render(
                    render_id, frames_done=event["done"], frames_total=event["total"]
                )
            elif kind == "done":
                child.finish()
                frames = event["frames"]
                return {"status": "completed", "frames_done": frames, "frames_total": frames}
            elif kind == "error":
                child.finish()
                self._log_stderr(render_id, child)
                return {"status": "failed", "error": event["message"]}

    def _crash_outcome(self, render_id: str, child: _RenderChild) -> dict[str, Any]:
        child.finish()
        self._log_stderr(render_id, child)
        code = child.returncode
        how = f"exit code {code}" if code is None or code >= 0 else _signal_name(-code)
        reason = child.reason
        return {
            "status": "failed",
            "error": f"the renderer stopped unexpectedly ({how}"
            + (f": {reason}" if reason else "")
            + "); try the export again, and report it if it keeps happening",
        }

    @staticmethod
    def _log_stderr(render_id: str, child: _RenderChild) -> None:
        if child.stderr_tail:
            logger.warning(
                "render %s: the renderer's last output:\n%s",
                render_id,
                "\n".join(child.stderr_tail),
            )

    def _media_paths(self, record: RenderRecord) -> dict[str, str]:
        paths = {}
        for item in self.store.media(record.session_id):
            paths[item.mid] = str(self.store.root / item.info["path"])
        return paths


class _RenderChild:
    """One render child process: its job written to stdin, its stdout and stderr read on threads.

    Reading on threads keeps either pipe from filling up while the worker waits on the other.
    """

    def __init__(self, job: dict[str, Any]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", _CHILD_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stdout_closed = False
        self.stderr_tail: deque[str] = deque(maxlen=_STDERR_LINES)
        self.reason: str | None = None  # the last line of stderr that says why it stopped
        self._readers = [
            threading.Thread(target=self._read_events, name="nemo-render-events", daemon=True),
            threading.Thread(target=self._read_stderr, name="nemo-render-stderr", daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        stdin = self._process.stdin
        assert stdin is not None
        try:
            # stdin stays open: the child exits when it closes, so it never outlives the engine.
            stdin.write(json.dumps(job).encode() + b"\n")
            stdin.flush()
        except OSError:
            pass  # it died before reading its job: its stderr and exit code tell why

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    def next_event(self, timeout: float) -> dict[str, Any] | None:
        """The next event the child reported, or None if none came within ``timeout``."""
        try:
            event = self._events.get(timeout=timeout)
        except queue.Empty:
            return None
        if event is None:
            self._stdout_closed = True
        return event

    def ended(self) -> bool:
        """True once the child has closed its stdout and exited."""
        return self._stdout_closed and self._process.poll() is not None

    def finish(self, wait: float = 5.0) -> None:
        """Let a child that has reported its outcome exit; kill it if it does not."""
        try:
            self._process.wait(wait)
        except subprocess.TimeoutExpired:
            self.kill()
        for reader in self._readers:
            reader.join(1.0)

    def kill(self) -> None:
        self._process.kill()
        self._process.wait()  # reaped: no zombie left behind

    def close(self) -> None:
        if self._process.poll() is None:
            self.kill()
        stdin, stdout, stderr = self._process.stdin, self._process.stdout, self._process.stderr
        assert stdin is not None and stdout is not None and stderr is not None
        with contextlib.suppress(OSError):  # the child was gone before it read everything
            stdin.close()
        for reader, pipe in zip(self._readers, (stdout, stderr), strict=True):
            reader.join(1.0)
            if not reader.is_alive():  # else a process the child started still holds the pipe
                pipe.close()

    def _read_events(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                self._events.put(event)
        self._events.put(None)

    def _read_stderr(self) -> None:
        assert self._process.stderr is not None
        for raw in self._process.stderr:
            line = raw.decode(errors="replace").rstrip()[:500]
            self.stderr_tail.append(line)
            if _REASON.match(line):
                self.reason = line if len(line) <= _REASON_MAX else line[: _REASON_MAX - 3] + "..."


def _signal_name(number: int) -> str:
    try:
        return f"killed by {signal.Signals(number).name}"
    except ValueError:
        return f"killed by signal {number}"
