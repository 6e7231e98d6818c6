"""Uploads turned into stored, render-ready media items, or refused with the protocol's code.

The HTTP layer streams an upload to disk, then calls :func:`ingest`. The content decides the
type (never the name); the file is then decoded for real, so a truncated or corrupt file is
refused here rather than failing a render later:

- photos are opened with Pillow (and pillow-heif), turned upright, flattened to 8-bit sRGB
  and scaled down once to at most ``MAX_SIDE`` pixels; an upright sRGB JPEG is kept as it is;
- animated GIF, WebP and PNG become H.264 MP4 clips;
- video and audio files are probed with PyAV and kept as they are.

Refusals raise :class:`MediaRejected` with code 4001 (unsupported or unreadable) or 4002 (too
large) and a reason the user can act on.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import shutil
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image, ImageCms, ImageOps, ImageSequence

from ..formats import (
    ACCEPTED_TEXT,
    BY_NAME,
    SNIFF_BYTES,
    extension_of,
    formats_agree,
    sniff,
)
from ..protocol import FILE_TOO_LARGE, MAX_UPLOAD_BYTES, UNSUPPORTED_FILE
from . import jpeg_strip
from .store import make_private

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MediaInfo",
    "MediaRejected",
    "check_head",
    "ingest",
    "safe_filename",
]

log = logging.getLogger(__name__)

UNSUPPORTED = UNSUPPORTED_FILE  # not an accepted format, or not readable (4001)
TOO_LARGE = FILE_TOO_LARGE  # 4002

# Photos: more pixels than this is a decompression bomb or a scan nobody needs in a video
# (a 102 MP medium-format photo still fits). 150 MP RGBA plus its flattened copy is ~1 GB.
MAX_PIXELS = 150_000_000
# Photos are scaled down once on arrival so the longer side is at most this: 4K output needs
# no more, and a 12 MP (4000x3000) phone photo is kept at full size.
MAX_SIDE = 4096
JPEG_QUALITY = 92
# Animations become clips no larger than 1080p (GIFs are rarely bigger). Every frame is decoded
# twice and encoded once, so their length and decoded pixels are bounded, from the header's
# frame count before any frame is decoded (3000 frames is five minutes at 10 fps; a gigapixel
# is 480 frames of 1080p, 30 s at 16 fps, and about 30 s of work).
MAX_CLIP_SIDE = 1920
MAX_ANIMATION_FRAMES = 3000
MAX_ANIMATION_PIXELS = 1_000_000_000
MAX_ANIMATION_SECONDS = 600
# Photos with more pixels than this (JPEGs decode at a fraction of their size, so they get more)
# and every animation are decoded in a child process (media_child.py): a small file must not
# cost the server hundreds of megabytes or minutes of work.
IN_PROCESS_PIXELS = 24_000_000
IN_PROCESS_JPEG_PIXELS = 64_000_000
# Video: beyond 8K the renderer's decoders and memory are the problem.
MAX_VIDEO_PIXELS = 8192 * 4320
MAX_NAME_BYTES = 200


_PIL_FORMATS = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "heic": "HEIF"}
_ANIMATED_FORMATS = {"gif", "webp", "png"}
# The demuxers FFmpeg may pick for accepted content (never a playlist or a concat script),
# and only plain local reads while probing: nested demuxers cannot reach the network.
_DEMUXERS = {"mov,mp4,m4a,3gp,3g2,mj2", "avi", "matroska,webm", "mp3", "wav", "aac"}
_SAFE_AV = {"protocol_whitelist": "file"}


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


# --- names -------------------------------------------------------------------------------

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{device}{n}" for device in ("com", "lpt") for n in range(10)
}
_WINDOWS_FORBIDDEN = dict.fromkeys(map(ord, '<>:"|?*'), "_")
# Control, format (bidi overrides that disguise extensions) and lone surrogate characters.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs"}


def safe_filename(name: str | None, default: str = "upload") -> str:
    """A display name that is safe anywhere: no folders, no control characters, never empty."""
    if not name:
        return default
    name = unicodedata.normalize("NFC", str(name))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    name = " ".join(name.translate(_WINDOWS_FORBIDDEN).split())
    name = name.strip(" .")  # no hidden files, no "..", no trailing dots (Windows drops them)
    if name.split(".", 1)[0].strip().lower() in _WINDOWS_RESERVED:
        name = "_" + name
    return _shortened(name, MAX_NAME_BYTES) or default


def _shortened(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` UTF-8 bytes, keeping a (short) extension."""
    if len(name.encode()) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 16:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    room = limit - len(suffix.encode())
    stem = stem.encode()[:room].decode("utf-8", "ignore").rstrip(" .")
    return stem + suffix if stem else ""


# --- content checks ----------------------------------------------------------------------

_LOOKALIKES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or PowerPoint file)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (doc, xls or ppt)"),
    (b"{\\rtf", "an RTF document"),
    (b"MZ", "a Windows program (EXE or DLL)"),
    (b"\x7fELF", "a Linux program (ELF)"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS program or a Java class"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"8BPS", "a Photoshop document"),
    (b"OggS", "an Ogg audio or video file"),
    (b"fLaC", "a FLAC audio file"),
)


def check_head(head: bytes, filename: str | None) -> str:
    """The format of an upload from its first bytes (``SNIFF_BYTES`` suffice), or 4001."""
    label = safe_filename(filename)
    if not head:
        raise MediaRejected(
            UNSUPPORTED, f"{label} is empty: pick the file again or export it anew."
        )
    found = sniff(head)
    if found is None:
        raise MediaRejected(UNSUPPORTED, _not_media_reason(label, head))
    extension = extension_of(label)  # "" for a missing name: its label is "upload"
    if extension and not formats_agree(extension, found):
        what = {"image": "a photo", "video": "a video", "audio": "an audio file"}[
            BY_NAME[found].category
        ]
        raise MediaRejected(
            UNSUPPORTED,
            f"{label} is named .{extension} but its content is {found.upper()} ({what}): "
            f"rename it to .{found}, or export it again as a real .{extension} file.",
        )
    return found


def _not_media_reason(label: str, head: bytes) -> str:
    what = _looks_like(head)
    if what:
        return f"{label} is {what}, not a photo, video or audio file. Accepted: {ACCEPTED_TEXT}."
    return (
        f"{label} is not a photo, video or audio file in an accepted format (its content "
        f"matches none of them). Accepted: {ACCEPTED_TEXT}."
    )


def _looks_like(head: bytes) -> str | None:
    """A guess at what a refused file is, to say so in the reason."""
    for magic, what in _LOOKALIKES:
        if head.startswith(magic):
            return what
    text = _as_text(head)
    if text is None:
        return None
    start = text.lstrip().lower()
    if start.startswith("<svg") or (start.startswith("<?xml") and "<svg" in start):
        return "an SVG drawing"
    if start.startswith("<?xml"):
        return "an XML file (an SVG drawing?)"
    if start.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "a web page (HTML)"
    return "a text file"


def _as_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[2:].decode("utf-16", "ignore")
    # The head may end inside a multi-byte character: ignore only a cut at the very end.
    text = head.removeprefix(b"\xef\xbb\xbf")
    for cut in range(4):
        try:
            decoded = text[: len(text) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in decoded):
        return None
    return decoded


# --- ingest --------------------------------------------------------------------------------


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
        fmt = sniff(handle.read(SNIFF_BYTES))
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


# --- photos --------------------------------------------------------------------------------


@cache
def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def _ingest_image(
    source: Path, fmt: str, label: str, folder: Path, keep_metadata: bool = False
) -> MediaInfo:
    _register_heif()
    item: MediaInfo | None = None  # None: the upload is kept as it is (or stripped)
    dest = folder / "media.jpg"
    with _decoding(label, fmt, source), Image.open(source, formats=[_PIL_FORMATS[fmt]]) as image:
        _check_pixels(image, label)
        size = image.size
        if fmt in _ANIMATED_FORMATS and getattr(image, "is_animated", False):
            item = _ingest_animation(image, fmt, label, folder)
        elif _is_render_ready(image, fmt):
            _prove_decodable(image)
            if not keep_metadata:
                with _removed_on_error(dest):
                    if not jpeg_strip.strip(source, dest):  # an odd structure: re-encode
                        item = _normalise_photo(image, fmt, label, folder)
                if item is None:
                    source.unlink()
                    return _photo_info(fmt, dest, label, size)
        else:
            item = _normalise_photo(image, fmt, label, folder)
    if item is None:  # moved, not copied, now that the source is closed
        _store_as_is(source, dest)
        return _photo_info(fmt, dest, label, size)
    if source != item.path:
        source.unlink(missing_ok=True)
    return item


def _normalise_photo(image: Image.Image, fmt: str, label: str, folder: Path) -> MediaInfo:
    picture = _render_ready(image)
    # Lossless sources (screenshots, graphics) stay lossless; photos become JPEG.
    lossless = fmt in ("png", "gif") or picture.mode == "RGBA"
    dest = folder / ("media.png" if lossless else "media.jpg")
    with _removed_on_error(dest):
        _save_picture(picture, dest)
    return _photo_info(fmt, dest, label, picture.size)


def _photo_info(fmt: str, dest: Path, label: str, size: tuple[int, int]) -> MediaInfo:
    width, height = size
    return MediaInfo("image", fmt, dest, label, width, height, None, None, False, _sha256(dest))


def _check_pixels(image: Image.Image, label: str) -> None:
    """Refuse by the header's size, before any pixel is decoded."""
    width, height = image.size
    if width < 1 or height < 1:
        raise MediaRejected(UNSUPPORTED, f"{label} has no pixels ({width}×{height}).")
    if width * height > MAX_PIXELS:
        raise MediaRejected(
            TOO_LARGE,
            f"{label} is too large ({width}×{height}, {width * height / 1e6:.0f} megapixels); "
            f"the limit is {MAX_PIXELS / 1e6:.0f} megapixels. Resize it, then upload it again.",
        )


def _orientation(image: Image.Image) -> int:
    return int(image.getexif().get(0x0112, 1) or 1)


def _is_render_ready(image: Image.Image, fmt: str) -> bool:
    """An upright 8-bit sRGB (or untagged) JPEG within the size limit: kept byte for byte."""
    return (
        fmt == "jpg"
        and image.mode in ("RGB", "L")
        and _orientation(image) == 1
        and max(image.size) <= MAX_SIDE
        and _foreign_profile(image.info.get("icc_profile")) is None
    )


def _prove_decodable(image: Image.Image) -> None:
    # DCT scaling to 1/8 still entropy-decodes every block, so damage is found ~5x faster.
    width, height = image.size
    image.draft(None, (max(1, width // 8), max(1, height // 8)))
    image.load()


def _render_ready(image: Image.Image) -> Image.Image:
    """Upright, 8-bit RGB or L, sRGB, at most MAX_SIDE on the longer side."""
    target = _fit(image.size, MAX_SIDE)
    if target != image.size:
        image.draft(None, target)  # big JPEGs decode at 1/2, 1/4 or 1/8 scale; others ignore it
    icc = image.info.get("icc_profile")
    image.load()
    ImageOps.exif_transpose(image, in_place=True)
    alpha = _alpha(image)
    if alpha is None:
        picture = _to_srgb(_flattened(image), icc)
    else:  # kept (PNG): the renderer lays the photo on the video's background, not on black
        picture = _to_srgb(image.convert("RGB"), icc)  # RGB in, RGB out
        picture.putalpha(alpha)
    if max(picture.size) > MAX_SIDE:
        picture = picture.resize(
            _fit(picture.size, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
    return picture


def _alpha(image: Image.Image) -> Image.Image | None:
    """The transparency of a picture that has some (not fully opaque), else None."""
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        return None
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    alpha = rgba.getchannel("A")
    return None if alpha.getextrema() == (255, 255) else alpha


def _fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    width, height = size
    scale = longest / max(width, height)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


def _flattened(image: Image.Image) -> Image.Image:
    """8-bit RGB, L or CMYK: alpha composited on black, palettes expanded, 16-bit scaled."""
    mode = image.mode
    if mode in ("RGB", "L", "CMYK"):
        return image
    if mode.startswith("I") or mode == "F":
        # 16-bit samples (PNG, mode I;16 or I): 65535 is white, so scale by 255/65535.
        levels = np.asarray(image, dtype=np.float32) / 257.0
        return Image.fromarray(np.clip(np.rint(levels), 0, 255).astype(np.uint8))
    if mode == "1":
        return image.convert("L")
    if mode == "P" and "transparency" not in image.info:
        return image.convert("RGB")
    if mode in ("RGBA", "LA", "PA", "P", "RGBa", "La"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")  # YCbCr, LAB, HSV, RGBX...


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


_ICC_ERRORS = (ImageCms.PyCMSError, OSError, ValueError, TypeError)


def _foreign_profile(icc: bytes | None) -> ImageCms.ImageCmsProfile | None:
    """The embedded profile unless it is sRGB; a missing or unreadable one counts as sRGB."""
    if not icc:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = ImageCms.getProfileDescription(profile)
    except _ICC_ERRORS:
        return None  # an unreadable profile is ignored: the pixels are taken as sRGB
    return None if "srgb" in description.lower() else profile


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Pixels converted to sRGB through the embedded profile (Display P3, Adobe RGB, CMYK)."""
    profile = _foreign_profile(icc)
    if profile is not None:
        try:
            return ImageCms.profileToProfile(image, profile, _SRGB, outputMode="RGB")
        except _ICC_ERRORS:
            log.info("ignoring an ICC profile that does not fit the %s pixels", image.mode)
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def _save_picture(picture: Image.Image, dest: Path) -> None:
    # Nothing of the original's metadata is kept: no orientation, no profile (sRGB), no GPS.
    if dest.suffix == ".png":
        # Level 3: level 6 takes 2.5x as long on photo-like pictures and saves nothing there.
        picture.save(dest, "PNG", compress_level=3)
    else:
        # 4:2:0 like the H.264 output the photo ends in; 92 keeps it visually lossless.
        picture.save(dest, "JPEG", quality=JPEG_QUALITY, subsampling="4:2:0")


# --- animations ----------------------------------------------------------------------------

MIN_CLIP_FPS = 10
MAX_CLIP_FPS = 60
FALLBACK_CLIP_FPS = 30


def _ingest_animation(image: Image.Image, fmt: str, label: str, folder: Path) -> MediaInfo:
    _check_frames(image, label)
    durations = _frame_durations(image, label)
    rate = _clip_rate(durations)
    dest = folder / "media.mp4"
    with _removed_on_error(dest):
        width, height, frames = _encode_clip(image, durations, rate, dest)
    duration = frames / rate
    return MediaInfo(
        "video", fmt, dest, label, width, height, float(duration), float(rate), False, _sha256(dest)
    )


def _check_frames(image: Image.Image, label: str) -> None:
    """Refuse by the frame count, before a frame is decoded (Pillow counts GIF frames by
    skipping their data, APNG and WebP from their headers)."""
    count = getattr(image, "n_frames", 1)
    width, height = image.size
    if count * width * height > MAX_ANIMATION_PIXELS:
        raise _too_long(label, f"too many frames of {width}×{height}")
    if count > MAX_ANIMATION_FRAMES:
        raise _too_long(label, f"more than {MAX_ANIMATION_FRAMES} frames")


def _frame_durations(image: Image.Image, label: str) -> list[int]:
    """Each frame's display time in ms; browsers show 0-10 ms frames for 100 ms, and so do we."""
    durations: list[int] = []
    width, height = image.size
    for frame in ImageSequence.Iterator(image):
        if len(durations) == MAX_ANIMATION_FRAMES:
            raise _too_long(label, f"more than {MAX_ANIMATION_FRAMES} frames")
        if (len(durations) + 1) * width * height > MAX_ANIMATION_PIXELS:
            raise _too_long(label, f"too many frames of {width}×{height}")
        frame.load()  # WebP sets a frame's duration only when it is decoded
        milliseconds = round(float(frame.info.get("duration") or 0))
        durations.append(milliseconds if milliseconds > 10 else 100)
    if sum(durations) > MAX_ANIMATION_SECONDS * 1000:
        raise _too_long(label, f"over {MAX_ANIMATION_SECONDS // 60} minutes of frames")
    return durations


def _too_long(label: str, what: str) -> MediaRejected:
    return MediaRejected(
        TOO_LARGE,
        f"{label} is too big an animation ({what}): shorten it or convert it to a video file.",
    )


def _clip_rate(durations: list[int]) -> Fraction:
    """A frame rate on which every frame starts and ends exactly, if a sensible one exists."""
    rate = Fraction(1000, math.gcd(*durations))
    if rate > MAX_CLIP_FPS:
        return Fraction(FALLBACK_CLIP_FPS)  # frame times are rounded to this grid instead
    return rate * math.ceil(MIN_CLIP_FPS / rate)  # repeats stay exact; players like >= 10 fps


def _encode_clip(
    image: Image.Image, durations: list[int], rate: Fraction, dest: Path
) -> tuple[int, int, int]:
    """Encode the animation as H.264 (yuv420p, BT.709, even size); return width, height, frames."""
    width, height = (max(2, side + side % 2) for side in _fit(image.size, MAX_CLIP_SIDE))
    with av.open(str(dest), "w", format="mp4", options={"movflags": "+faststart"}) as output:
        stream = output.add_stream("libx264", rate=rate, options={"crf": "18", "preset": "fast"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        context = stream.codec_context
        context.colorspace = context.color_primaries = context.color_trc = 1  # BT.709
        context.color_range = 1  # limited ("MPEG")
        context.gop_size = max(1, round(2 * rate))
        written, start_ms = 0, 0
        for frame, milliseconds in zip(ImageSequence.Iterator(image), durations, strict=True):
            start_ms += milliseconds
            until = round(start_ms * rate / 1000)  # output frames shown up to this one's end
            if until == written:
                continue  # shorter than one output frame on the fallback grid
            picture = _flattened(frame)
            if picture.size != (width, height):
                picture = picture.resize((width, height), Image.Resampling.LANCZOS)
            video_frame = av.VideoFrame.from_image(picture.convert("RGB")).reformat(
                format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG"
            )
            for index in range(written, until):
                video_frame.pts = index
                output.mux(stream.encode(video_frame))
            written = until
        output.mux(stream.encode(None))
    return width, height, written


# --- video and audio -----------------------------------------------------------------------


@dataclass
class _Span:
    """Packets seen while demuxing one stream: how many, and the time they cover."""

    count: int = 0
    first: int | None = None
    end: int = 0

    def add(self, packet: av.Packet) -> None:
        stamp = packet.pts if packet.pts is not None else packet.dts
        if stamp is None:
            return
        self.count += 1
        self.first = stamp if self.first is None else min(self.first, stamp)
        self.end = max(self.end, stamp + (packet.duration or 0))

    def seconds(self, time_base: Fraction) -> float | None:
        if self.first is None or self.end <= self.first:
            return None
        return float((self.end - self.first) * time_base)


def _ingest_audio_video(source: Path, fmt: str, label: str, folder: Path) -> MediaInfo:
    with (
        _decoding(label, fmt, source),
        av.open(str(source), metadata_errors="replace", container_options=_SAFE_AV) as container,
    ):
        if container.format.name not in _DEMUXERS:
            raise MediaRejected(
                UNSUPPORTED,
                f"{label} looks like {fmt.upper()} but is read as {container.format.name}, "
                f"which is not accepted. Accepted: {ACCEPTED_TEXT}.",
            )
        videos = [s for s in container.streams.video if not _is_cover_art(s)]
        audios = list(container.streams.audio)
        if videos:
            facts = _probe_video(container, videos[0], bool(audios), label, fmt)
        elif audios:
            # Also for an .mp4 or .webm holding only sound: it can still be the music.
            facts = _probe_audio(container, audios[0], label, fmt)
        else:
            raise MediaRejected(
                UNSUPPORTED,
                f"{label} holds no video or audio track. Export it again, then upload it again.",
            )
    dest = folder / f"media.{fmt}"
    _store_as_is(source, dest)
    return MediaInfo(format=fmt, path=dest, filename=label, sha256=_sha256(dest), **facts)


def _is_cover_art(stream: av.stream.Stream) -> bool:
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def _probe_video(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    has_audio: bool,
    label: str,
    fmt: str,
) -> dict[str, Any]:
    """Size as displayed, duration and rate; demuxes the whole file, decodes the first frame."""
    first, span = _demux(container, stream)
    if first is None:
        raise _unreadable(label, fmt, "no video frame decodes")
    width, height = first.width, first.height
    # A phone held upright stores landscape pixels and a display matrix turning them by 90°.
    if abs(getattr(first, "rotation", 0)) % 180 == 90:
        width, height = height, width
    if width * height > MAX_VIDEO_PIXELS:
        raise MediaRejected(
            TOO_LARGE, f"{label} is too large ({width}×{height}); the limit is 8K (8192×4320)."
        )
    declared = float(stream.duration * stream.time_base) if stream.duration else None
    measured = span.seconds(stream.time_base)
    if declared and (measured or 0) < 0.9 * declared - 0.05:
        raise MediaRejected(
            UNSUPPORTED,
            f"{label} is incomplete: its video stops at {measured or 0:.1f} s of "
            f"{declared:.1f} s. Copy or download it again, then upload it again.",
        )
    duration = declared or measured or _container_seconds(container)
    rate = stream.average_rate or stream.guessed_rate
    fps = float(rate) if rate else (span.count / duration if duration else None)
    return dict(
        kind="video", width=width, height=height, duration=duration, fps=fps, has_audio=has_audio
    )


def _probe_audio(
    container: av.container.InputContainer, stream: av.AudioStream, label: str, fmt: str
) -> dict[str, Any]:
    first, span = _demux(container, stream)
    if first is None:
        raise _unreadable(label, fmt, "no sound decodes")
    # The packets' own times are exact where headers only estimate (VBR MP3, raw AAC).
    declared = float(stream.duration * stream.time_base) if stream.duration else None
    duration = span.seconds(stream.time_base) or declared or _container_seconds(container)
    if not duration:
        raise _unreadable(label, fmt, "it holds no sound")
    return dict(kind="audio", width=None, height=None, duration=duration, fps=None, has_audio=True)


def _demux(
    container: av.container.InputContainer, stream: av.stream.Stream
) -> tuple[av.frame.Frame | None, _Span]:
    """Read every packet of ``stream`` (cheap: no decoding) and decode until the first frame."""
    first: av.frame.Frame | None = None
    span = _Span()
    for packet in container.demux(stream):
        if packet.size == 0:
            continue  # the flush packet at the end
        span.add(packet)
        if first is None:
            first = next(iter(packet.decode()), None)
    if first is None:
        first = next(iter(stream.codec_context.decode(None)), None)  # frames held back
    return first, span


def _container_seconds(container: av.container.InputContainer) -> float | None:
    return container.duration / av.time_base if container.duration else None
