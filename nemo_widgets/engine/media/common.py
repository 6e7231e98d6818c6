"""What every part of the media package shares: the stored item, the refusal, file helpers."""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image

from ...protocol import FILE_TOO_LARGE, UNSUPPORTED_FILE

log = logging.getLogger(__name__)

UNSUPPORTED = UNSUPPORTED_FILE  # not an accepted format, or not readable (4001)
TOO_LARGE = FILE_TOO_LARGE  # 4002

# Photos: more pixels than this is a decompression bomb or a scan nobody needs in a video
# (a 102 MP medium-format photo still fits). 150 MP RGBA plus its flattened copy is ~1 GB.
MAX_PIXELS = 150_000_000

_PIL_FORMATS = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "heic": "HEIF"}
_ANIMATED_FORMATS = {"gif", "webp", "png"}


class MediaRejected(Exception):
    """An upload the engine refuses; ``code`` is the protocol's, ``reason`` is for the user."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class MediaInfo:
    """A stored media item: what the renderer and ``video_infos`` need to know."""

    kind: str  # "image" | "video" | "audio"
    format: str  # sniffed format of the original upload (formats.py name)
    path: Path  # the stored, render-ready file
    filename: str  # sanitised display name of the upload
    width: int | None
    height: int | None
    duration: float | None  # seconds (video and audio)
    fps: float | None
    has_audio: bool
    sha256: str  # of the stored file

    def to_json(self) -> dict[str, Any]:
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        data["path"] = str(self.path)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MediaInfo:
        values = {item.name: data[item.name] for item in fields(cls)}
        values["path"] = Path(values["path"])
        return cls(**values)


@contextmanager
def _decoding(label: str, fmt: str, source: Path) -> Iterator[None]:
    """Turn whatever a decoder raises on a bad file into a 4001 (or 4002 when out of memory).

    Decoders of untrusted input raise many exception types (OSError, ValueError, SyntaxError,
    struct.error, av.FFmpegError, ...), so everything but our own refusals is caught; the
    original error is logged for diagnosis.
    """
    try:
        yield
    except MediaRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own guard, at twice its MAX_IMAGE_PIXELS, fires before our size check.
        raise MediaRejected(
            TOO_LARGE,
            f"{label} has too many pixels to decode safely (the limit is "
            f"{MAX_PIXELS / 1e6:.0f} megapixels). Resize it, then upload it again.",
        ) from error
    except MemoryError as error:
        raise MediaRejected(
            TOO_LARGE, f"{label} is too large to process here. Resize or trim it, then try again."
        ) from error
    except Exception as error:
        log.info("could not decode %s as %s", label, fmt, exc_info=True)
        # FFmpeg's strerror and Pillow's message; neither may show the user our paths.
        detail = getattr(error, "strerror", None) or str(error)
        detail = detail.replace(f" '{source}'", "").replace(str(source), label).strip(" :")
        raise _unreadable(label, fmt, detail[:120] or type(error).__name__) from error


def _unreadable(label: str, fmt: str, detail: str) -> MediaRejected:
    return MediaRejected(
        UNSUPPORTED,
        f"{label} could not be read ({fmt.upper()}: {detail}): it may be damaged or incomplete. "
        "Export or download it again, then upload it again.",
    )


@contextmanager
def _removed_on_error(path: Path) -> Iterator[Path]:
    """Yield ``path`` for writing; a half-written file is removed if anything fails."""
    try:
        yield path
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _store_as_is(source: Path, dest: Path) -> None:
    if source != dest:
        shutil.move(source, dest)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
