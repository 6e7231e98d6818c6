"""What an upload is, from its content (never its name), and a display name safe anywhere."""

from __future__ import annotations

import unicodedata

from ...formats import ACCEPTED_TEXT, BY_NAME, extension_of, formats_agree, sniff
from .common import UNSUPPORTED, MediaRejected

MAX_NAME_BYTES = 200

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
