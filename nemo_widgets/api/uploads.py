"""Files to upload: checked before any byte goes out, then streamed from disk.

A file is refused here, without touching the network, when it is empty, over the size limit,
not one of the accepted formats by its first bytes, or named with an extension that disagrees
with its content (a renamed ``.txt`` is not a photo).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..formats import (
    ACCEPTED_EXTENSIONS,
    BY_EXTENSION,
    BY_NAME,
    SNIFF_BYTES,
    extension_of,
    formats_agree,
    sniff,
)
from .errors import ACCEPTED_FORMATS_TEXT, FileTooLarge, UnsupportedFile

# What upload() takes: a path, raw bytes, a binary file object, or (name, bytes | file object).
FileInput = str | os.PathLike | bytes | IO[bytes] | tuple[str, bytes | IO[bytes]]


@dataclass
class PreparedFile:
    """A checked file that can be opened again for every attempt of a request."""

    name: str
    size: int
    mime: str
    open: Callable[[ExitStack], IO[bytes]]
    format: str  # the canonical name in nemo_widgets.formats ("jpg", "heic", "mp4", ...)


def prepare(files: tuple[FileInput, ...], max_bytes: int, stack: ExitStack) -> list[PreparedFile]:
    """Check every file; the first bad one raises :class:`UnsupportedFile` or :class:`FileTooLarge`.

    ``stack`` owns temporary copies of unseekable streams; close it after the upload.
    """
    if not files:
        raise ValueError("upload() needs at least one file: a path, bytes or a binary file object")
    return [_prepare_one(item, index, max_bytes, stack) for index, item in enumerate(files, 1)]


def _prepare_one(item: FileInput, index: int, max_bytes: int, stack: ExitStack) -> PreparedFile:
    name, source = item if isinstance(item, tuple) else (None, item)
    if isinstance(source, (str, os.PathLike)):
        return _prepare_path(Path(source), name, max_bytes)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return _checked(
            name, index, len(data), data[:SNIFF_BYTES], max_bytes, lambda _: io.BytesIO(data)
        )
    if hasattr(source, "read"):
        return _prepare_stream(source, name, index, max_bytes, stack)
    raise TypeError(
        f"upload() takes paths, bytes or binary file objects, not {type(source).__name__}"
    )


def _prepare_path(path: Path, name: str | None, max_bytes: int) -> PreparedFile:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file. Check the path and try again.") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"{path} is a folder: pass the files inside it.") from None
    return _checked(
        name or path.name,
        0,
        size,
        head,
        max_bytes,
        lambda s: s.enter_context(path.open("rb")),
    )


def _prepare_stream(
    stream: IO[bytes], name: str | None, index: int, max_bytes: int, stack: ExitStack
) -> PreparedFile:
    name = name or os.path.basename(str(getattr(stream, "name", "") or "")) or None
    if not _seekable(stream):
        # Only a real file can be streamed again on a retry: copy to disk, never to memory.
        spool = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
        copied = _copy_limited(stream, spool, max_bytes)
        if copied > max_bytes:
            raise too_large(name or f"file {index}", copied, max_bytes, at_least=True)
        stream = spool
        stream.seek(0)
    start = stream.tell()
    size = stream.seek(0, os.SEEK_END) - start
    stream.seek(start)
    head = stream.read(SNIFF_BYTES)
    stream.seek(start)

    def reopen(_: ExitStack) -> IO[bytes]:
        stream.seek(start)
        return stream

    return _checked(name, index, size, head, max_bytes, reopen)


def _checked(
    name: str | None,
    index: int,
    size: int,
    head: bytes,
    max_bytes: int,
    opener: Callable[[ExitStack], IO[bytes]],
) -> PreparedFile:
    label = name or f"file {index}"
    if size == 0:
        raise UnsupportedFile(f"{label} is empty: pick the file again or export it anew.")
    if size > max_bytes:
        raise too_large(label, size, max_bytes)
    found = sniff(head)
    extension = extension_of(name) if name else ""
    if extension and extension not in ACCEPTED_EXTENSIONS:
        raise UnsupportedFile(
            f"{label}: .{extension} files are not accepted. Accepted: {ACCEPTED_FORMATS_TEXT}."
        )
    if found is None:
        raise UnsupportedFile(
            f"{label} is not a recognised image, video or audio file (its content matches no "
            f"accepted format). Accepted: {ACCEPTED_FORMATS_TEXT}."
        )
    if extension and not formats_agree(extension, found):
        raise UnsupportedFile(
            f"{label} is named .{extension} but its content is {found.upper()}: rename it to "
            f".{found} or export it again as .{extension}."
        )
    fmt = BY_EXTENSION[extension] if extension else BY_NAME[found]
    return PreparedFile(name or f"upload-{index}.{found}", size, fmt.mime, opener, fmt.name)


def too_large(label: str, size: int, limit: int, *, at_least: bool = False) -> FileTooLarge:
    more = "over " if at_least else ""
    return FileTooLarge(
        f"{label} is {more}{size / 2**20:.0f} MB; the limit is {limit / 2**20:.0f} MB. "
        f"Compress or trim it, then upload it again."
    )


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _copy_limited(source: IO[bytes], target: IO[bytes], limit: int) -> int:
    """Copy until the end or just past ``limit`` bytes; return the bytes copied."""
    copied = 0
    while copied <= limit:
        chunk = source.read(min(shutil.COPY_BUFSIZE, limit + 1 - copied))
        if not chunk:
            break
        target.write(chunk)
        copied += len(chunk)
    return copied
