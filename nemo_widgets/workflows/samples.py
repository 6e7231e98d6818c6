"""Sample photos and music made on the spot, for the notebooks, the tests and a first try.

Nothing is downloaded: each photo is a small landscape (sky, sun, hills, a caption) painted with
Pillow from a fixed palette, and the music is a few soft chords synthesised with NumPy, so the
same call always gives the same files.
"""

from __future__ import annotations

import os
import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

# (sky top, sky bottom, sun, near hills, far hills, caption)
_SCENES: tuple[tuple[tuple[int, int, int], ...], ...] = (
    ((255, 140, 90), (255, 214, 150), (255, 245, 200), (70, 60, 90), (130, 90, 110)),
    ((40, 110, 200), (160, 210, 245), (255, 250, 220), (40, 120, 70), (90, 160, 110)),
    ((20, 24, 70), (90, 60, 140), (240, 240, 255), (20, 30, 50), (50, 50, 90)),
    ((250, 190, 120), (250, 230, 190), (255, 120, 60), (150, 90, 40), (200, 140, 80)),
    ((120, 200, 220), (220, 245, 245), (255, 255, 230), (30, 110, 130), (90, 170, 180)),
    ((200, 80, 120), (250, 170, 150), (255, 230, 160), (90, 40, 80), (150, 70, 110)),
)
_CAPTIONS = ("Sunrise", "Meadow", "Night sky", "Desert", "Lagoon", "Dusk")


def sample_photos(
    folder: str | os.PathLike[str],
    count: int = 3,
    *,
    size: tuple[int, int] = (1600, 1200),
    prefix: str = "photo",
) -> list[Path]:
    """Write ``count`` JPEG photos to ``folder`` (made if missing) and return their paths.

    Existing files of the same names are replaced: they are this function's own output.
    """
    if count < 1:
        raise ValueError("sample_photos() makes at least one photo: pass count=1 or more")
    width, height = size
    if width < 64 or height < 64:
        raise ValueError(f"size {size} is too small for a photo: use at least 64x64")
    target = Path(folder).expanduser()
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = target / f"{prefix}-{index + 1}.jpg"
        _landscape(size, index).save(path, quality=88)
        paths.append(path)
    return paths


def _landscape(size: tuple[int, int], index: int) -> Image.Image:
    width, height = size
    top, bottom, sun, near, far = _SCENES[index % len(_SCENES)]
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):  # the sky: a vertical gradient
        t = y / (height - 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    radius = height // 9
    sun_x = width * (0.25 + 0.1 * (index % 6))
    sun_y = height * 0.32
    draw.ellipse((sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius), fill=sun)
    for color, base, amplitude, phase in ((far, 0.62, 0.08, index), (near, 0.75, 0.06, index + 2)):
        points = [(0, height)]
        steps = 24
        for step in range(steps + 1):
            x = width * step / steps
            wave = ((step * 7 + phase * 5) % 11) / 10 - 0.5  # fixed hills, different per photo
            points.append((x, height * (base + amplitude * wave)))
        points.append((width, height))
        draw.polygon(points, fill=color)
    caption = f"{index + 1}. {_CAPTIONS[index % len(_CAPTIONS)]}"
    font = ImageFont.load_default(size=max(12, height // 14))
    draw.text((width * 0.05, height * 0.85), caption, fill=(255, 255, 255), font=font)
    return image


# A I-V-vi-IV progression in C (frequencies in Hz), one chord every two seconds.
_CHORDS = (
    (261.63, 329.63, 392.0),
    (196.0, 246.94, 392.0),
    (220.0, 261.63, 329.63),
    (174.61, 220.0, 349.23),
)
_RATE = 44100


def sample_music(path: str | os.PathLike[str], seconds: float = 20.0) -> Path:
    """Write a soft chord loop of ``seconds`` as a 16-bit stereo WAV to ``path``; return it."""
    if not 1 <= seconds <= 600:
        raise ValueError(f"sample_music() makes 1 to 600 seconds of music, not {seconds}")
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * _RATE)) / _RATE
    chord = (t // 2).astype(int) % len(_CHORDS)
    within = t % 2  # each chord swells in and fades, so the changes are soft
    envelope = np.minimum(1.0, within / 0.05) * np.exp(-1.2 * within)
    notes = np.asarray(_CHORDS)[chord]  # (samples, 3)
    signal = np.sin(2 * np.pi * notes * t[:, None]).sum(axis=1) * envelope / 3 * 0.5
    pcm = (np.repeat(signal[:, None], 2, axis=1) * 32767).astype("<i2")
    with wave.open(str(target), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(_RATE)
        out.writeframes(pcm.tobytes())
    return target
