"""Uploads turned into stored, render-ready media items, or refused with the protocol's code.

The HTTP layer streams an upload to disk, then calls :func:`ingest`. The content decides the
type (never the name); the file is then decoded for real, so a truncated or corrupt file is
refused here rather than failing a render later:

- :mod:`.sniff`: what a file is, from its first bytes, and a display name that is safe anywhere;
- :mod:`.photos`: photos are opened with Pillow (and pillow-heif), turned upright, flattened to
  8-bit sRGB and scaled down once to at most ``MAX_SIDE`` pixels; an upright sRGB JPEG is kept
  as it is (its metadata stripped);
- :mod:`.animation`: animated GIF, WebP and PNG become H.264 MP4 clips;
- :mod:`.probe`: video and audio files are probed with PyAV and kept as they are;
- :mod:`.child`: heavy images decoded in a child process.

Refusals raise :class:`MediaRejected` with code 4001 (unsupported or unreadable) or 4002 (too
large) and a reason the user can act on.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

# ``sniff`` here names the submodule (importing it sets that package attribute), so the
# formats function gets another name.
from ...formats import BY_NAME, SNIFF_BYTES, extension_of
from ...formats import sniff as sniff_format
from ...protocol import MAX_UPLOAD_BYTES
from .. import jpeg_strip
from ..store import make_private
from . import animation, photos
from .common import (
    _ANIMATED_FORMATS,
    _PIL_FORMATS,
    TOO_LARGE,
    UNSUPPORTED,
    MediaInfo,
    MediaRejected,
    _decoding,
    _register_heif,
    _removed_on_error,
    _store_as_is,
)
from .probe import _ingest_audio_video
from .sniff import MAX_NAME_BYTES, check_head, safe_filename

__all__ = [
    "MAX_NAME_BYTES",
    "MAX_UPLOAD_BYTES",
    "TOO_LARGE",
    "UNSUPPORTED",
    "MediaInfo",
    "MediaRejected",
    "check_head",
    "ingest",
    "is_heavy",
    "safe_filename",
]

# Photos with more pixels than this (JPEGs decode at a fraction of their size, so they get more)
# and every animation are decoded in a child process (child.py): a small file must not
# cost the server hundreds of megabytes or minutes of work.
IN_PROCESS_PIXELS = 24_000_000
IN_PROCESS_JPEG_PIXELS = 64_000_000


def ingest(
    source: Path,
    filename: str | None,
    folder: Path,
    *,
    max_bytes: int | None = None,
    keep_metadata: bool = False,
) -> MediaInfo:
    """Validate ``source`` (an upload on disk) and store it render-ready in ``folder``.

    On success ``source`` is gone (moved or converted) and the stored file is the only file
    this wrote. Raises :class:`MediaRejected`; the caller then deletes ``folder``.
    ``max_bytes`` is the engine's upload limit (default ``MAX_UPLOAD_BYTES``). Photos lose
    their metadata (GPS, camera) and anything appended after the picture unless
    ``keep_metadata``.
    """
    source, folder = Path(source), Path(folder)
    label = safe_filename(filename)
    size = source.stat().st_size
    max_bytes = MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if size > max_bytes:
        raise MediaRejected(
            TOO_LARGE,
            f"{label} is {_amount(size)}; the limit is {_amount(max_bytes)}. "
            "Compress or trim it, then upload it again.",
        )
    with source.open("rb") as handle:
        fmt = check_head(handle.read(SNIFF_BYTES), filename)
    display = label if extension_of(label) else f"{label}.{fmt}"  # "upload" -> "upload.jpg"
    if BY_NAME[fmt].category == "image":
        info = _ingest_image(source, fmt, display, folder, keep_metadata)
    else:
        info = _ingest_audio_video(source, fmt, display, folder)
    make_private(info.path)
    return info


def is_heavy(source: Path) -> bool:
    """Whether decoding ``source`` may cost much memory or time: a large or animated image.

    Reads the header only. A file whose header cannot be read counts as heavy, so that
    whatever is wrong with it is found out in a child process."""
    with source.open("rb") as handle:
        fmt = sniff_format(handle.read(SNIFF_BYTES))
    if fmt is None or BY_NAME[fmt].category != "image":
        return False
    try:
        _register_heif()
        with Image.open(source, formats=[_PIL_FORMATS[fmt]]) as image:
            pixels = image.size[0] * image.size[1]
            limit = IN_PROCESS_JPEG_PIXELS if fmt == "jpg" else IN_PROCESS_PIXELS
            animated = fmt in _ANIMATED_FORMATS and bool(getattr(image, "is_animated", False))
            return pixels > limit or animated
    except Exception:
        return True


def _amount(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size / 2**10:.0f} KB"


def _ingest_image(
    source: Path, fmt: str, label: str, folder: Path, keep_metadata: bool = False
) -> MediaInfo:
    """A photo or an animation: a clip, the upload as it is (or stripped), or a new picture.

    The parts are looked up on their modules when called, so a test can replace them there."""
    _register_heif()
    item: MediaInfo | None = None  # None: the upload is kept as it is (or stripped)
    dest = folder / "media.jpg"
    with _decoding(label, fmt, source), Image.open(source, formats=[_PIL_FORMATS[fmt]]) as image:
        photos._check_pixels(image, label)
        size = image.size
        if fmt in _ANIMATED_FORMATS and getattr(image, "is_animated", False):
            item = animation._ingest_animation(image, fmt, label, folder)
        elif photos._is_render_ready(image, fmt):
            photos._prove_decodable(image)
            if not keep_metadata:
                with _removed_on_error(dest):
                    if not jpeg_strip.strip(source, dest):  # an odd structure: re-encode
                        item = photos._normalise_photo(image, fmt, label, folder)
                if item is None:
                    source.unlink()
                    return photos._photo_info(fmt, dest, label, size)
        else:
            item = photos._normalise_photo(image, fmt, label, folder)
    if item is None:  # moved, not copied, now that the source is closed
        _store_as_is(source, dest)
        return photos._photo_info(fmt, dest, label, size)
    if source != item.path:
        source.unlink(missing_ok=True)
    return item
