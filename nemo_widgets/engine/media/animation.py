"""Animated GIF, WebP and PNG turned into H.264 MP4 clips, within frame and pixel budgets."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageSequence

from .common import TOO_LARGE, MediaInfo, MediaRejected, _removed_on_error, _sha256
from .photos import _fit, _flattened

# Animations become clips no larger than 1080p (GIFs are rarely bigger). Every frame is decoded
# twice and encoded once, so their length and decoded pixels are bounded, from the header's
# frame count before any frame is decoded (3000 frames is five minutes at 10 fps; a gigapixel
# is 480 frames of 1080p, 30 s at 16 fps, and about 30 s of work).
MAX_CLIP_SIDE = 1920
MAX_ANIMATION_FRAMES = 3000
MAX_ANIMATION_PIXELS = 1_000_000_000
MAX_ANIMATION_SECONDS = 600

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
