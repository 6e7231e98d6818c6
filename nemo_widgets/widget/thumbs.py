"""Small JPEG thumbnails as data URLs, for the timeline's bars.

A thumbnail is a few KB, so it can live in the ``timeline`` trait; photos of any size are
decoded at a reduced scale (``draft``) so that a 40-megapixel JPEG takes milliseconds.
"""

from __future__ import annotations

import base64
import io
import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from ..timeline import Timeline

logger = logging.getLogger("nemo_widgets.widget")

THUMB_PIXELS = 160
THUMB_QUALITY = 70

_heif_registered = False


def thumbnail_data_url(
    path: str | os.PathLike[str], *, size: int = THUMB_PIXELS, quality: int = THUMB_QUALITY
) -> str | None:
    """A ``data:image/jpeg;base64,...`` thumbnail at most ``size`` px wide and high, or None
    when ``path`` is not an image Pillow can read (a video, a broken file)."""
    from PIL import Image, ImageOps

    _register_heif()
    try:
        with Image.open(path) as image:
            image.draft("RGB", (size, size))  # JPEG: decode at 1/2, 1/4 or 1/8 scale
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((size, size))
            if picture.mode in ("RGBA", "LA", "P"):
                picture = picture.convert("RGBA")
                background = Image.new("RGB", picture.size, (255, 255, 255))
                background.paste(picture, mask=picture.getchannel("A"))
                picture = background
            elif picture.mode != "RGB":
                picture = picture.convert("RGB")
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=quality)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        logger.debug("no thumbnail for %s: %s", path, exc)
        return None
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def timeline_json(timeline: Timeline, thumbs: Mapping[str, str]) -> dict[str, Any]:
    """``timeline.to_json()`` with a ``thumb`` on every segment (a data URL or None).

    A segment gets the thumbnail of the file its source or label names: the engine keeps
    uploads under their own names.
    """
    data = timeline.to_json()
    for track in data["tracks"]:
        for segment in track["segments"]:
            segment["thumb"] = _thumb_for(segment, thumbs) if thumbs else None
    return data


def _thumb_for(segment: Mapping[str, Any], thumbs: Mapping[str, str]) -> str | None:
    if segment.get("kind") in ("audio", "text"):
        return None
    candidates = []
    for value in (segment.get("source"), segment.get("label")):
        if isinstance(value, str) and value:
            candidates.append(unquote(value.split("?", 1)[0].split("#", 1)[0]).replace("\\", "/"))
    for name, url in thumbs.items():
        for candidate in candidates:
            if candidate == name or candidate.endswith("/" + name):
                return url
    return None


def _register_heif() -> None:
    global _heif_registered
    if _heif_registered:
        return
    _heif_registered = True
    try:
        import pillow_heif
    except ImportError:  # pragma: no cover - a dependency, but thumbnails are optional
        return
    pillow_heif.register_heif_opener()
