"""The MP4 to the browser in pieces, when the browser cannot fetch it from the server's URL.

The file is read 1 MiB at a time and sent as ``video_chunk`` custom messages with one binary
buffer each, never more than ``window`` unacknowledged: the whole file is never in memory and
never base64. Everything runs in the comm handler (a request or an ack in, the next pieces out),
so it works where messages from background threads do not show (Colab).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

VIDEO_CHUNK_SIZE = 1024 * 1024
VIDEO_WINDOW = 8

Send = Callable[[dict[str, Any], list[bytes]], None]


@dataclass
class _Stream:
    token: int
    file: BinaryIO
    size: int
    chunks: int
    next_seq: int = 0
    acked: set[int] = field(default_factory=set)


class VideoStreamer:
    """Streams one video at a time; a new request replaces the running stream."""

    def __init__(
        self, send: Send, *, chunk_size: int = VIDEO_CHUNK_SIZE, window: int = VIDEO_WINDOW
    ):
        self._send = send
        self.chunk_size = chunk_size
        self.window = window
        self._stream: _Stream | None = None
        self._lock = threading.Lock()

    def start(self, token: int, path: Path | None) -> None:
        """Send the first pieces of ``path`` (or a ``video_error`` if it cannot be read)."""
        with self._lock:
            self._stop()
            try:
                if path is None:
                    raise FileNotFoundError
                file = open(path, "rb")  # noqa: SIM115 - kept open while the stream runs
            except OSError:
                self._error(token, "The video file is no longer on this machine: export again.")
                return
            size = path.stat().st_size
            chunks = max(1, -(-size // self.chunk_size))  # an empty file still ends with a piece
            self._stream = _Stream(token, file, size, chunks)
            self._pump()

    def ack(self, token: object, seq: object) -> None:
        """The browser has piece ``seq``: send the next ones the window allows."""
        with self._lock:
            stream = self._stream
            if stream is None or token != stream.token or not isinstance(seq, int):
                return  # an ack of an older stream, or garbage
            if 0 <= seq < stream.next_seq:
                stream.acked.add(seq)
            self._pump()

    @property
    def in_flight(self) -> int:
        """Pieces sent and not acknowledged yet."""
        with self._lock:
            stream = self._stream
            return 0 if stream is None else stream.next_seq - len(stream.acked)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _pump(self) -> None:
        stream = self._stream
        assert stream is not None
        while stream.next_seq < stream.chunks and (
            stream.next_seq - len(stream.acked) < self.window
        ):
            seq = stream.next_seq
            try:
                stream.file.seek(seq * self.chunk_size)
                data = stream.file.read(self.chunk_size)
            except OSError:
                data = b""
            last = seq == stream.chunks - 1
            expected = stream.size - seq * self.chunk_size if last else self.chunk_size
            if len(data) != expected:
                self._stop()
                self._error(
                    stream.token,
                    "The video file changed while it was being sent: "
                    "play it again or export again.",
                )
                return
            stream.next_seq += 1
            message = {
                "type": "video_chunk",
                "token": stream.token,
                "seq": seq,
                "last": last,
                "size": stream.size,
            }
            self._send(message, [data])
        if len(stream.acked) == stream.chunks:
            self._stop()  # everything arrived

    def _stop(self) -> None:
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.file.close()
            self._stream = None

    def _error(self, token: int, message: str) -> None:
        self._send({"type": "video_error", "token": token, "message": message}, [])
