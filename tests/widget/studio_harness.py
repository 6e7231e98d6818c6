"""A NemoStudio on a recording mock comm: what a browser would send in, what it would get out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import comm
from comm.base_comm import BaseComm

from nemo_widgets.widget.studio import NemoStudio


class RecordingComm(BaseComm):
    """Keeps every message the widget publishes, in order, from any thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.log: list[tuple[str, dict[str, Any], list[Any]]] = []
        self._log_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def publish_msg(
        self,
        msg_type: str,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: list[Any] | None = None,
        **keys: Any,
    ) -> None:
        with self._log_lock:
            self.log.append((msg_type, data or {}, list(buffers or [])))


@contextmanager
def recording_comms() -> Iterator[None]:
    """Widgets created inside get a :class:`RecordingComm` (no kernel needed)."""
    original = comm.create_comm
    comm.create_comm = RecordingComm
    try:
        yield
    finally:
        comm.create_comm = original


def sent(studio: NemoStudio) -> list[dict[str, Any]]:
    """The comm messages' data, in order: ``{"method": "update" | "custom", ...}``."""
    assert isinstance(studio.comm, RecordingComm)
    with studio.comm._log_lock:
        return [data for kind, data, _ in studio.comm.log if kind == "comm_msg"]


def customs(studio: NemoStudio, kind: str) -> list[dict[str, Any]]:
    """The custom messages of one ``type`` sent to the browser."""
    return [
        data["content"]
        for data in sent(studio)
        if data.get("method") == "custom" and data["content"].get("type") == kind
    ]


def custom_buffers(studio: NemoStudio, kind: str) -> list[tuple[dict[str, Any], list[Any]]]:
    assert isinstance(studio.comm, RecordingComm)
    with studio.comm._log_lock:
        return [
            (data["content"], buffers)
            for msg_type, data, buffers in studio.comm.log
            if msg_type == "comm_msg"
            and data.get("method") == "custom"
            and data["content"].get("type") == kind
        ]


def browser_says(studio: NemoStudio, content: dict[str, Any], *buffers: bytes) -> None:
    """A custom message from the front end, handled as the kernel's comm handler would."""
    studio._handle_custom_msg(content, [memoryview(b) for b in buffers])


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Wait until ``condition()`` is truthy (work runs on the runtime thread)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def attachment(studio: NemoStudio, upload_id: str) -> dict[str, Any] | None:
    return next((a for a in studio.attachments if a["id"] == upload_id), None)


def upload_file(
    studio: NemoStudio,
    upload_id: str,
    name: str,
    data: bytes,
    order: list[int] | None = None,
    **begin: Any,
) -> None:
    """Send ``data`` as the browser does: begin (with ``begin``'s extra fields), 1 MiB pieces
    (in ``order``), end."""
    size = studio.upload_chunk_size
    browser_says(
        studio,
        {
            "type": "upload_begin",
            "id": upload_id,
            "name": name,
            "size": len(data),
            "mime": "",
            **begin,
        },
    )
    count = -(-len(data) // size)
    for seq in order if order is not None else range(count):
        offset = seq * size
        piece = data[offset : offset + size]
        browser_says(
            studio, {"type": "upload_chunk", "id": upload_id, "seq": seq, "offset": offset}, piece
        )
    browser_says(studio, {"type": "upload_end", "id": upload_id})


@contextmanager
def open_studio(url: str, **options: Any) -> Iterator[NemoStudio]:
    """A studio on a recording comm, talking to the server at ``url``; closed afterwards."""
    from nemo_widgets import AsyncNemoClient
    from nemo_widgets.runtime import get_runtime
    from tests.helpers import FAST

    # Renders take seconds on a busy machine: wait for them, keep every other wait short.
    timings = replace(FAST, render_timeout=300.0)
    client = AsyncNemoClient(url, timings=timings)
    with recording_comms():
        studio = NemoStudio(client, **options)
    try:
        yield studio
    finally:
        studio.close()
        get_runtime().run(client.aclose())
