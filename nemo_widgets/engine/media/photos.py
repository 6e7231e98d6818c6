"""Photos made render-ready: decoded with Pillow (and pillow-heif), turned upright, flattened
to 8-bit sRGB (alpha kept for PNG), scaled down once and saved as JPEG or PNG without metadata.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps

from .common import (
    MAX_PIXELS,
    TOO_LARGE,
    UNSUPPORTED,
    MediaInfo,
    MediaRejected,
    _removed_on_error,
    _sha256,
)

log = logging.getLogger(__name__)

# Photos are scaled down once on arrival so the longer side is at most this: 4K output needs
# no more, and a 12 MP (4000x3000) phone photo is kept at full size.
MAX_SIDE = 4096
JPEG_QUALITY = 92


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
