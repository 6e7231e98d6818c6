"""Files the browser sends in pieces, written straight to temp files.

The browser slices each file lazily and sends the pieces as custom messages with one binary
buffer each (``upload_begin``, ``upload_chunk`` x N, ``upload_end``). Pieces may arrive in any
order; each is written at its offset, so nothing is ever held in memory. Acknowledgements are
gathered and sent a few pieces at a time: enough to keep the browser's window moving, few enough
not to flood the comm.

Files stay in a private temp folder until :meth:`UploadReceiver.close`, because the assistant
uploads them again if the server loses the session.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHUNK_SIZE = 1024 * 1024
WINDOW = 8

_UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
_UNSAFE_ID_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]")
_MAX_NAME_LENGTH = 200


class UploadRefused(Exception):
    """An upload that cannot go on; ``message`` says why and what to do."""

    def __init__(self, upload_id: str, message: str):
        super().__init__(message)
        self.upload_id = upload_id
        self.message = message


@dataclass
class Incoming:
    """One file being received."""

    id: str
    name: str
    size: int
    mime: str
    path: Path
    pieces: dict[int, tuple[int, int]] = field(default_factory=dict)  # seq -> (offset, length)
    received: int = 0  # bytes in distinct pieces
    unacked: list[int] = field(default_factory=list)
    fd: int | None = None
    finished: bool = False

    @property
    def progress(self) -> float:
        return self.received / self.size if self.size else 1.0

    @property
    def complete(self) -> bool:
        """Every byte arrived exactly once: the pieces tile ``[0, size)``."""
        if self.received != self.size:
            return False
        position = 0
        for offset, length in sorted(self.pieces.values()):
            if offset != position:
                return False
            position += length
        return position == self.size


def safe_name(name: object) -> str:
    """The file name without any folder part or characters that are unsafe in a path."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE_NAME_CHARACTERS.sub("_", text).strip().strip(".").strip()
    if len(text) > _MAX_NAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        keep = _MAX_NAME_LENGTH - len(extension) - 1
        text = f"{stem[:keep]}.{extension}" if dot and keep > 0 else text[:_MAX_NAME_LENGTH]
    return text


def format_size(size: float) -> str:
    """Bytes in words a person reads: "1.5 MB", "200 MB", "312 KB"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{int(size)} bytes"


class UploadReceiver:
    """Reassembles browser uploads into files under a private temp folder.

    Thread-safe. Every method that refuses an upload raises :class:`UploadRefused` and has
    already deleted what was received.
    """

    def __init__(
        self,
        *,
        max_bytes: int,
        chunk_size: int = CHUNK_SIZE,
        window: int = WINDOW,
        root: Path | None = None,
    ):
        self.max_bytes = max_bytes
        self.chunk_size = chunk_size
        self.window = window
        self._root = root
        self._made_root = False
        self._active: dict[str, Incoming] = {}
        self._finished: dict[str, Incoming] = {}
        self._closed = False
        self._lock = threading.Lock()

    @property
    def root(self) -> Path | None:
        """The temp folder (None until the first upload)."""
        return self._root

    def begin(self, upload_id: str, name: object, size: object, mime: object = "") -> Incoming:
        """Check and register an upload; creates ``<root>/<id>/<name>`` (empty)."""
        upload_id = str(upload_id or "")
        clean = safe_name(name)
        with self._lock:
            if self._closed:
                raise UploadRefused(
                    upload_id, "This studio was closed: create a new one with NemoStudio()."
                )
            if not upload_id or upload_id in self._active or upload_id in self._finished:
                raise UploadRefused(
                    upload_id,
                    f"{clean or 'The file'} could not start uploading "
                    "(duplicate upload id). Try again.",
                )
            if not clean:
                raise UploadRefused(
                    upload_id, "The file has no usable name: rename it and try again."
                )
            if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
                raise UploadRefused(upload_id, f"{clean} is empty, so there is nothing to upload.")
            if size > self.max_bytes:
                raise UploadRefused(
                    upload_id,
                    f"{clean} is {format_size(size)}, over the {format_size(self.max_bytes)} "
                    "limit for one file. Make it smaller (resize or compress it) and upload it "
                    "again.",
                )
            folder = self._new_folder(_UNSAFE_ID_CHARACTERS.sub("_", upload_id) or "upload")
            path = folder / clean
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0))
            incoming = Incoming(upload_id, clean, size, str(mime or ""), path, fd=fd)
            self._active[upload_id] = incoming
            return incoming

    def chunk(self, upload_id: str, seq: object, offset: object, data: Any) -> Incoming | None:
        """Write one piece at its offset. None for an upload that is no longer known (cancelled
        or refused: its pieces still in flight are ignored)."""
        with self._lock:
            incoming = self._active.get(str(upload_id))
            if incoming is None:
                return None
            view = memoryview(data).cast("B") if data is not None else memoryview(b"")
            length = view.nbytes
            problem = self._check_piece(incoming, seq, offset, length)
            if problem:
                self._drop(incoming)
                raise UploadRefused(incoming.id, problem)
            assert isinstance(seq, int) and isinstance(offset, int)
            known = incoming.pieces.get(seq)
            if known is None:
                _write_at(incoming.fd, view, offset)
                incoming.pieces[seq] = (offset, length)
                incoming.received += length
            elif known != (offset, length):
                self._drop(incoming)
                raise UploadRefused(incoming.id, _retry(incoming, "arrived garbled"))
            incoming.unacked.append(seq)  # a duplicate is acknowledged again, nothing else
            return incoming

    def end(self, upload_id: str) -> Incoming | None:
        """The browser sent everything: check the byte count, close the file. None for an
        upload that is no longer known (cancelled, or refused already)."""
        with self._lock:
            incoming = self._active.get(str(upload_id))
            if incoming is None:
                return None
            if not incoming.complete:
                self._drop(incoming)
                raise UploadRefused(
                    incoming.id,
                    _retry(
                        incoming,
                        f"arrived incomplete ({incoming.received} of {incoming.size} bytes)",
                    ),
                )
            self._close_file(incoming)
            incoming.finished = True
            del self._active[incoming.id]
            self._finished[incoming.id] = incoming
            return incoming

    def cancel(self, upload_id: str) -> Incoming | None:
        """Forget an upload, running or finished, and delete its file."""
        with self._lock:
            incoming = self._active.pop(str(upload_id), None) or self._finished.pop(
                str(upload_id), None
            )
            if incoming is not None:
                self._drop(incoming)
            return incoming

    def take_acks(self, *, force: bool = False, threshold: int | None = None) -> list[dict]:
        """``upload_ack`` messages for the pieces not yet acknowledged.

        Sent once ``threshold`` pieces (default: half the window) wait in all, when an upload has
        all its bytes, or when ``force`` is set; else nothing, so that acks travel in groups.
        """
        threshold = threshold or max(1, self.window // 2)
        with self._lock:
            waiting = [incoming for incoming in self._active.values() if incoming.unacked]
            due = force or sum(len(i.unacked) for i in waiting) >= threshold
            due = due or any(incoming.received >= incoming.size for incoming in waiting)
            if not due:
                return []
            acks = []
            for incoming in waiting:
                acks.append(
                    {
                        "type": "upload_ack",
                        "id": incoming.id,
                        "received": incoming.received,
                        "acked": incoming.unacked,
                    }
                )
                incoming.unacked = []
            return acks

    def close(self) -> None:
        """Delete every file received; later uploads are refused."""
        with self._lock:
            self._closed = True
            for incoming in [*self._active.values(), *self._finished.values()]:
                self._close_file(incoming)
            self._active.clear()
            self._finished.clear()
            if self._root is not None and self._made_root:
                shutil.rmtree(self._root, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------------------

    def _folder(self) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="nemo-studio-uploads-"))
            self._made_root = True
            # A kernel that exits without closing the widget leaves nothing behind either.
            atexit.register(shutil.rmtree, self._root, ignore_errors=True)
        return self._root

    def _new_folder(self, name: str) -> Path:
        root = self._folder()
        folder, n = root / name, 1
        while True:
            try:
                folder.mkdir()
                return folder
            except FileExistsError:  # two ids that differ only in unsafe characters
                n += 1
                folder = root / f"{name}-{n}"

    def _check_piece(self, incoming: Incoming, seq: object, offset: object, length: int) -> str:
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            return _retry(incoming, "arrived garbled (bad piece number)")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            return _retry(incoming, "arrived garbled (bad offset)")
        if length > self.chunk_size:
            return _retry(
                incoming,
                f"arrived in a piece of {length} bytes, over the {self.chunk_size} allowed",
            )
        if length == 0:
            return _retry(incoming, "arrived garbled (an empty piece)")
        if offset + length > incoming.size:
            return _retry(incoming, f"sent more bytes than its declared {incoming.size}")
        return ""

    def _drop(self, incoming: Incoming) -> None:
        self._close_file(incoming)
        self._active.pop(incoming.id, None)
        self._finished.pop(incoming.id, None)
        shutil.rmtree(incoming.path.parent, ignore_errors=True)

    @staticmethod
    def _close_file(incoming: Incoming) -> None:
        if incoming.fd is not None:
            with contextlib.suppress(OSError):
                os.close(incoming.fd)
            incoming.fd = None


def _retry(incoming: Incoming, what: str) -> str:
    return f"{incoming.name} {what}. Try uploading it again."


def _write_at(fd: int | None, data: memoryview, offset: int) -> None:
    assert fd is not None
    if hasattr(os, "pwrite"):
        written = 0
        while written < data.nbytes:
            written += os.pwrite(fd, data[written:], offset + written)
    else:  # Windows
        os.lseek(fd, offset, os.SEEK_SET)
        written = 0
        while written < data.nbytes:
            written += os.write(fd, data[written:])
