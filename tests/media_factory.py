"""Real media files for tests and benchmarks, made on the spot (nothing downloaded).

Photos are flat colour fields with a few shapes, so a test can tell which photo a video frame
shows by its mean colour; ``detail=True`` adds grain for realistic file sizes and encode cost.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

# Distinct, saturated colours: photo k of a test is drawn in PALETTE[k].
PALETTE: tuple[tuple[int, int, int], ...] = (
    (220, 40, 40),
    (40, 160, 60),
    (40, 70, 220),
    (230, 200, 40),
    (160, 50, 190),
    (40, 190, 200),
    (240, 130, 30),
    (120, 120, 120),
)


def photo_array(
    size: tuple[int, int], color: tuple[int, int, int], *, detail: bool = False, seed: int = 0
) -> np.ndarray:
    """An RGB uint8 array (height, width, 3): a flat field, one lighter disc, optional grain."""
    width, height = size
    image = Image.new("RGB", size, color)
    light = tuple(min(255, c + 60) for c in color)
    radius = min(width, height) // 6
    ImageDraw.Draw(image).ellipse(
        (width // 2 - radius, height // 2 - radius, width // 2 + radius, height // 2 + radius),
        fill=light,
    )
    pixels = np.asarray(image)
    if not detail:
        return pixels
    rng = np.random.default_rng(seed)
    # Smooth gradients plus grain: x264 and JPEG treat it like a real photo.
    ramp = np.linspace(-30, 30, width, dtype=np.float32)[None, :, None]
    grain = rng.normal(0, 6, (height, width, 1)).astype(np.float32)
    return np.clip(pixels.astype(np.float32) + ramp + grain, 0, 255).astype(np.uint8)


def make_photo(
    path: Path,
    size: tuple[int, int] = (640, 480),
    color: tuple[int, int, int] = PALETTE[0],
    *,
    detail: bool = False,
    seed: int = 0,
    exif_orientation: int | None = None,
    **save_options: object,
) -> Path:
    """Write a photo; the format follows the suffix (.jpg, .png, .webp, .gif, .heic).

    With ``exif_orientation`` the pixels are stored rotated and the EXIF tag says how to turn
    them back, as phones do: a correct reader shows ``size`` upright.
    """
    image = Image.fromarray(photo_array(size, color, detail=detail, seed=seed))
    options = dict(save_options)
    if exif_orientation is not None:
        stored = {
            3: Image.Transpose.ROTATE_180,
            6: Image.Transpose.ROTATE_90,
            8: Image.Transpose.ROTATE_270,
        }[exif_orientation]
        image = image.transpose(stored)
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        options["exif"] = exif.tobytes()
    if path.suffix.lower() in (".heic", ".heif"):
        import pillow_heif

        pillow_heif.register_heif_opener()
    if path.suffix.lower() in (".jpg", ".jpeg"):
        options.setdefault("quality", 90)
    image.save(path, **options)
    return path


def make_audio(path: Path, seconds: float = 3.0, *, rate: int = 44100, tone: float = 440.0) -> Path:
    """A stereo sine tone; the codec follows the suffix (.mp3, .wav, .m4a)."""
    codec = {".mp3": "mp3", ".wav": "pcm_s16le", ".m4a": "aac", ".aac": "aac"}[path.suffix]
    fmt = {".m4a": "mp4", ".aac": "adts"}.get(path.suffix)
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    wave = (0.3 * np.sin(2 * np.pi * tone * t)).astype(np.float32)
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate, layout="stereo")
        sample_format = "s16" if codec == "pcm_s16le" else stream.codec_context.format.name
        samples = np.vstack([wave, wave])
        block = 1152 if codec == "mp3" else 1024
        resampler = av.AudioResampler(format=sample_format, layout="stereo", rate=rate)
        for start in range(0, samples.shape[1], block):
            chunk = samples[:, start : start + block]
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(chunk), format="fltp", layout="stereo"
            )
            frame.sample_rate = rate
            if sample_format != "fltp":
                frame = resampler.resample(frame)[0]
            frame.pts = None
            _encode(container, stream, frame)
        _encode(container, stream, None)
    return path


def make_video(
    path: Path,
    seconds: float = 2.0,
    size: tuple[int, int] = (320, 240),
    *,
    fps: int = 25,
    colors: tuple[tuple[int, int, int], ...] = (PALETTE[2], PALETTE[3]),
) -> Path:
    """An H.264 (or VP9 for .webm) clip whose colour changes evenly through ``colors``."""
    codec = "libvpx-vp9" if path.suffix == ".webm" else "libx264"
    frames = max(1, round(seconds * fps))
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=Fraction(fps))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for index in range(frames):
            color = colors[min(len(colors) - 1, index * len(colors) // frames)]
            frame = av.VideoFrame.from_ndarray(photo_array(size, color), format="rgb24")
            _encode(container, stream, frame)
        _encode(container, stream, None)
    return path


def _encode(container, stream, frame) -> None:
    """Encode ``frame`` (None flushes) and write what comes out."""
    for packet in stream.encode(frame):
        container.mux(packet)


def make_animated_gif(
    path: Path, frames: int = 6, size: tuple[int, int] = (120, 90), ms_per_frame: int = 100
) -> Path:
    images = [Image.fromarray(photo_array(size, PALETTE[i % len(PALETTE)])) for i in range(frames)]
    images[0].save(path, save_all=True, append_images=images[1:], duration=ms_per_frame, loop=0)
    return path
