"""Files the local engine takes but NemoVideo's cloud does not list, made sendable to the cloud.

Every official upload list names jpg, png, webp, gif, mp4, mov, avi, webm, mkv, mp3, wav, m4a
and aac (docs/protocol.md#upload-formats). The local engine also takes HEIC/HEIF photos (what
iPhones take) and ``.m4v`` clips. For any other server:

* a HEIC/HEIF photo is converted to a high-quality JPEG (quality 95, no chroma subsampling)
  that keeps its EXIF data and colour profile and stays the right way up; the conversion runs
  one photo at a time into a temporary file, so at most one decoded photo is in memory and the
  upload still streams from disk;
* a file whose content is a listed format under an unlisted extension (``.m4v`` is MP4) is
  only renamed.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import PurePath
from typing import IO

from ..formats import BY_NAME, extension_of
from .uploads import PreparedFile

#: The extensions of the official lists (``jpeg`` is the same format as ``jpg``).
CLOUD_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "webp", "gif", "mp4", "mov", "avi", "webm", "mkv"}
    | {"mp3", "wav", "m4a", "aac"}
)
JPEG_QUALITY = 95


def needs_adapting(file: PreparedFile) -> bool:
    """Whether the cloud lists would refuse this file as it is."""
    return extension_of(file.name) not in CLOUD_EXTENSIONS


def adapt(file: PreparedFile, stack: ExitStack) -> PreparedFile:
    """The file in a form the cloud lists: a JPEG for a HEIC photo, else renamed.

    Blocking (decodes and encodes a photo): run it in a thread. ``stack`` owns the temporary
    JPEG; close it after the upload.
    """
    stem = PurePath(file.name).stem or "upload"
    if file.format != "heic":
        fmt = BY_NAME[file.format]
        return PreparedFile(f"{stem}.{fmt.name}", file.size, fmt.mime, file.open, fmt.name)
    with ExitStack() as reading:
        jpeg = stack.enter_context(tempfile.TemporaryFile())
        _heic_to_jpeg(file.open(reading), jpeg)
    size = jpeg.seek(0, 2)

    def reopen(_: ExitStack) -> IO[bytes]:
        jpeg.seek(0)
        return jpeg

    return PreparedFile(f"{stem}.jpg", size, BY_NAME["jpg"].mime, reopen, "jpg")


def _heic_to_jpeg(source: IO[bytes], target: IO[bytes]) -> None:
    from PIL import Image

    _register_heif()
    with Image.open(source) as image:
        # pillow-heif hands out the pixels already turned upright (the HEIF transforms are
        # applied) and sets EXIF Orientation to 1 to match, so the JPEG looks the same way up.
        exif = image.info.get("exif")
        icc = image.info.get("icc_profile")
        pixels = image if image.mode in ("RGB", "L") else image.convert("RGB")
        options: dict[str, object] = {"quality": JPEG_QUALITY, "subsampling": 0}  # 4:4:4
        if exif:
            options["exif"] = exif
        if icc:
            options["icc_profile"] = icc
        pixels.save(target, "JPEG", **options)
        if pixels is not image:
            pixels.close()


def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()  # registering again is harmless
