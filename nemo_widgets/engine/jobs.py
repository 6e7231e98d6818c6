"""Render jobs: queued, run one at a time in a child process, cancellable, cached by content.

Each render runs in a fresh ``spawn`` child so that a crash or a hang in native code (FFmpeg,
x264, Pillow) costs one job, never the server. The child reports progress over a pipe; the
parent writes it into the store, where the poll endpoint reads it. Jobs that were queued or
running when an engine stopped are picked up again when it starts.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .store import RenderRecord, Store

logger = logging.getLogger("nemo_widgets.engine")

DEFAULT_RENDERER = "nemo_widgets.engine.render:render"
# Keys of a draft segment that do not change a single pixel or sample of the video.
_NOT_RENDERED = frozenset({"id", "src", "name", "role", "for", "sd", "title"})
_PROGRESS_EVERY = 0.25  # seconds between progress writes to the store


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


def _process_alive(owner: str | None) -> bool:
    if not owner:
        return False
    try:
        os.kill(int(owner.split(":")[0]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


class RenderQueue:
    """Runs render jobs from the store on ``workers`` threads, each driving one child process."""

    def __init__(
        self,
        store: Store,
        *,
        workers: int = 1,
        timeout: float = 900.0,
        renderer: str = DEFAULT_RENDERER,
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.renderer = renderer
        self.owner = f"{os.getpid()}:{time.time():.6f}"
        self._queue: queue.Queue[tuple[str, str | None] | None] = queue.Queue()
        self._cancelled: set[str] = set()
        self._closing = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, name=f"nemo-render-{n}", daemon=True)
            for n in range(workers)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        # Jobs left behind by an engine that stopped: queued ones, and running ones whose
        # process is gone.
        for record in self.store.unfinished_renders():
            if record.status == "pending":
                self._queue.put((record.render_id, None))
            elif record.owner != self.owner and not _process_alive(record.owner):
                self._queue.put((record.render_id, record.owner))

    def submit(self, record: RenderRecord) -> None:
        self._queue.put((record.render_id, None))

    def cancel(self, render_id: str) -> bool:
        """Cancel a job that has not finished; False if it already has."""
        record = self.store.render(render_id)
        if record is None or record.finished:
            return False
        self._cancelled.add(render_id)
        self.store.update_render(render_id, status="cancelled", error="cancelled by the user")
        return True

    def close(self, wait: float = 5.0) -> None:
        self._closing.set()
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            if thread.is_alive():
                thread.join(wait)

    # -- worker ----------------------------------------------------------------------------

    def _work(self) -> None:
        while not self._closing.is_set():
            item = self._queue.get()
            if item is None:
                return
            render_id, dead_owner = item
            if not self.store.claim_render(render_id, self.owner, replace=dead_owner):
                continue  # cancelled meanwhile, or another engine took it
            try:
                self._run(render_id)
            except Exception as exc:  # a bug here must fail the job, not kill the worker
                logger.exception("render %s failed", render_id)
                self.store.update_render(render_id, status="failed", error=f"internal error: {exc}")

    def _run(self, render_id: str) -> None:
        record = self.store.render(render_id)
        assert record is not None
        target = self.store.render_path(record.cache_key)
        if target.exists():  # the same video was rendered meanwhile: no work at all
            earlier = self.store.completed_render_with_key(record.cache_key)
            frames = earlier.frames_total if earlier else 0
            self.store.update_render(
                render_id, status="completed", frames_done=frames, frames_total=frames
            )
            return
        media = self._media_paths(record)
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_child_main,
            args=(self.renderer, record.draft, media, str(target), sender),
            name=f"nemo-render {render_id}",
            daemon=True,
        )
        child.start()
        sender.close()
        outcome = self._follow(render_id, child, receiver)
        receiver.close()
        # A child that was killed could not remove its unfinished file.
        for leftover in target.parent.glob(f".{target.name}.*.part"):
            leftover.unlink(missing_ok=True)
        self.store.update_render(render_id, **outcome)

    def _follow(
        self, render_id: str, child: multiprocessing.process.BaseProcess, pipe: Connection
    ) -> dict[str, Any]:
        """Relay progress until the child ends, is cancelled or runs out of time."""
        deadline = time.monotonic() + self.timeout
        last_write = 0.0
        outcome: dict[str, Any] | None = None
        while outcome is None:
            if self._closing.is_set():
                _stop(child)  # the engine stops: the next one starts this job again
                return {"status": "pending", "owner": None, "frames_done": 0}
            if render_id in self._cancelled:
                _stop(child)
                self._cancelled.discard(render_id)
                return {"status": "cancelled", "error": "cancelled"}
            if time.monotonic() > deadline:
                _stop(child)
                return {
                    "status": "failed",
                    "error": f"the render took longer than {self.timeout:.0f} s and was stopped",
                }
            try:
                ready = pipe.poll(0.1)
                message = pipe.recv() if ready else None
            except (EOFError, OSError):
                message = None
                child.join(1.0)
                if not child.is_alive():
                    outcome = _crash_outcome(child)
                    break
            if message is None:
                continue
            kind = message[0]
            if kind == "progress" and time.monotonic() - last_write >= _PROGRESS_EVERY:
                last_write = time.monotonic()
                self.store.update_render(render_id, frames_done=message[1], frames_total=message[2])
            elif kind == "done":
                frames = message[1]["frames"]
                outcome = {"status": "completed", "frames_done": frames, "frames_total": frames}
            elif kind == "error":
                outcome = {"status": "failed", "error": message[1]}
        child.join(5.0)
        if child.is_alive():
            _stop(child)
        return outcome

    def _media_paths(self, record: RenderRecord) -> dict[str, str]:
        paths = {}
        for item in self.store.media(record.session_id):
            paths[item.mid] = str(self.store.root / item.info["path"])
        return paths


def _stop(child: multiprocessing.process.BaseProcess) -> None:
    child.kill()
    child.join(5.0)


def _crash_outcome(child: multiprocessing.process.BaseProcess) -> dict[str, Any]:
    return {
        "status": "failed",
        "error": f"the renderer stopped unexpectedly (exit code {child.exitcode}); "
        "try the export again, and report it if it keeps happening",
    }


def _child_main(
    renderer: str, draft: dict[str, Any], media: dict[str, str], out: str, pipe: Connection
) -> None:
    """The child process: render, report progress, then the outcome."""
    module_name, _, function_name = renderer.partition(":")
    render = getattr(importlib.import_module(module_name), function_name)
    from .render import RenderError

    def progress(done: int, total: int) -> None:
        pipe.send(("progress", done, total))

    try:
        result = render(
            draft, {k: Path(v) for k, v in media.items()}, Path(out), on_progress=progress
        )
        pipe.send(("done", {"frames": result.frames}))
    except RenderError as exc:
        pipe.send(("error", str(exc)))
    except Exception as exc:
        pipe.send(("error", f"internal error in the renderer: {type(exc).__name__}: {exc}"))
    finally:
        pipe.close()
