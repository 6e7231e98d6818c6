"""The media formats NemoVideo accepts, and how to recognise them from their first bytes.

Shared vocabulary (imports nothing of ours): the client checks files before uploading them,
the engine checks what arrives. A file is accepted when its content is one of the formats
below and, if it has an extension, the extension agrees with the content.
"""

from __future__ import annotations

from dataclasses import dataclass

# Enough bytes to recognise every format below (an ISO-BMFF brand list, a RIFF header, EBML).
SNIFF_BYTES = 64


@dataclass(frozen=True)
class MediaFormat:
    name: str  # canonical extension, e.g. "jpg"
    category: str  # "image" | "video" | "audio"
    mime: str
    extensions: tuple[str, ...]


FORMATS: tuple[MediaFormat, ...] = (
    MediaFormat("jpg", "image", "image/jpeg", ("jpg", "jpeg")),
    MediaFormat("png", "image", "image/png", ("png",)),
    MediaFormat("webp", "image", "image/webp", ("webp",)),
    MediaFormat("gif", "image", "image/gif", ("gif",)),
    MediaFormat("heic", "image", "image/heic", ("heic", "heif")),
    MediaFormat("mp4", "video", "video/mp4", ("mp4", "m4v")),
    MediaFormat("mov", "video", "video/quicktime", ("mov",)),
    MediaFormat("avi", "video", "video/x-msvideo", ("avi",)),
    MediaFormat("webm", "video", "video/webm", ("webm",)),
    MediaFormat("mkv", "video", "video/x-matroska", ("mkv",)),
    MediaFormat("mp3", "audio", "audio/mpeg", ("mp3",)),
    MediaFormat("wav", "audio", "audio/wav", ("wav",)),
    MediaFormat("m4a", "audio", "audio/mp4", ("m4a",)),
    MediaFormat("aac", "audio", "audio/aac", ("aac",)),
)
BY_NAME = {fmt.name: fmt for fmt in FORMATS}
BY_EXTENSION = {ext: fmt for fmt in FORMATS for ext in fmt.extensions}
ACCEPTED_EXTENSIONS = tuple(BY_EXTENSION)
# "images: jpg, png, …; video: mp4, …; audio: mp3, …": what error messages list.
ACCEPTED_TEXT = "; ".join(
    f"{label}: " + ", ".join(fmt.name for fmt in FORMATS if fmt.category == category)
    for category, label in (("image", "images"), ("video", "video"), ("audio", "audio"))
)

# ISO base media files (mp4, mov, m4a, heic) share one container; the brand tells them apart,
# but real files mix brands freely, so an extension of the family accepts any non-HEIF brand.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_ISO_FAMILY = {"mp4", "mov", "m4a"}


def sniff(head: bytes) -> str | None:
    """The format name of ``head`` (the first bytes of a file), or None if not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}.get(head[8:12])
    if head[4:8] == b"ftyp":
        return _sniff_iso(head)
    if head[4:8] in _QUICKTIME_ATOMS:
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska or WebM, named in the DocType
        return "webm" if b"webm" in head[:SNIFF_BYTES] else "mkv"
    if head.startswith(b"ID3"):
        return "mp3"
    if head.startswith(b"ADIF"):
        return "aac"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # MPEG audio frame sync: layer bits 00 are AAC in ADTS, anything else is MP3.
        return "aac" if head[1] & 0x06 == 0 else "mp3"
    return None


def _sniff_iso(head: bytes) -> str | None:
    brand = head[8:12]
    if brand in _AVIF_BRANDS:
        return None  # AVIF stills share the container, but are not an accepted format
    if brand in _HEIF_BRANDS:
        return "heic"
    if brand == b"qt  ":
        return "mov"
    if brand in (b"M4A ", b"M4B "):
        return "m4a"
    return "mp4"


def extension_of(name: str) -> str:
    """Lower-case extension without the dot ('' when there is none)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def formats_agree(extension: str, sniffed: str) -> bool:
    """Whether a file named ``*.extension`` may hold content sniffed as ``sniffed``."""
    claimed = BY_EXTENSION.get(extension)
    if claimed is None:
        return False
    if claimed.name == sniffed:
        return True
    if claimed.name in _ISO_FAMILY and sniffed in _ISO_FAMILY:
        return True
    # Some .aac files are really MP4 audio; some .mp3 files are ADTS.
    return {claimed.name, sniffed} in ({"aac", "m4a"}, {"aac", "mp3"})
