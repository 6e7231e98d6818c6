"""Frame compositing on yuv420p planes for the renderer: photos, video clips, motion,
transitions, and the timeline that says which clip each frame shows.

A frame is one contiguous uint8 buffer of shape ``(height * 3 // 2, width)``: the Y plane, then
the U and V planes (each a quarter of Y), exactly the layout PyAV's ``VideoFrame.from_ndarray``
takes for ``yuv420p``. Photos are decoded and converted to BT.709 limited-range YUV once; every
per-frame operation (blends, wipes, slides, Ken Burns) is integer numpy math or a swscale resize
on these planes, never a per-frame RGB conversion.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageFilter, ImageOps

from . import catalog
from .draft import framing

KEN_BURNS_ZOOM = 1.12
# A blurred backdrop is made at this size (its longer side, in pixels), blurred there and
# enlarged: a strong, smooth blur for a few milliseconds, once per photo (or per video frame).
BLUR_SIDE = 48
BLUR_RADIUS = 2.0  # at BLUR_SIDE: about 1/24 of the frame
BLUR_DIM = 0.8  # the backdrop is a little darker, so that the sharp photo stands out of it
FITS = tuple(catalog.FITS)


class RenderError(Exception):
    """A render that cannot be done; the message tells the user what is wrong and what to do."""


@dataclass(frozen=True)
class Canvas:
    width: int
    height: int
    fit: str  # one of FITS: "auto", "contain", "cover" or "blur" (see draft.framing)
    background: tuple[int, int, int]

    def scaled(self, factor: float) -> Canvas:
        """The same canvas enlarged by ``factor``, both sides kept even."""
        return Canvas(
            even(self.width * factor), even(self.height * factor), self.fit, self.background
        )


def even(value: float) -> int:
    return max(2, 2 * round(value / 2))


def planes(buf: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y, U and V planes of a frame buffer (writes go to ``buf``)."""
    flat = buf.reshape(-1)
    luma = width * height
    chroma = luma // 4
    return (
        flat[:luma].reshape(height, width),
        flat[luma : luma + chroma].reshape(height // 2, width // 2),
        flat[luma + chroma :].reshape(height // 2, width // 2),
    )


def rgb_to_yuv(rgb: np.ndarray) -> np.ndarray:
    """An RGB uint8 image (even sides) as a BT.709 limited-range yuv420p buffer."""
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    yuv = frame.reformat(format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG")
    return yuv.to_ndarray()


def solid(canvas: Canvas, color: tuple[int, int, int]) -> np.ndarray:
    """A frame buffer filled with one colour."""
    y, u, v = planes(rgb_to_yuv(np.full((2, 2, 3), color, np.uint8)), 2, 2)
    buf = np.empty((canvas.height * 3 // 2, canvas.width), np.uint8)
    by, bu, bv = planes(buf, canvas.width, canvas.height)
    by[:], bu[:], bv[:] = y[0, 0], u[0, 0], v[0, 0]
    return buf


@dataclass(frozen=True)
class Clip:
    """A visual segment placed on the frame grid: frames [start, end)."""

    kind: str  # "image" or "video"
    path: Path
    label: str
    start: int
    end: int
    transition: str  # the transition into this clip
    transition_frames: int
    motion: str
    offset: float  # video only: seconds into the source


# -- photos -------------------------------------------------------------------------------------


def load_photo(path: Path, canvas: Canvas) -> np.ndarray:
    """Decode a photo once, upright, framed on ``canvas``, as a yuv420p buffer."""
    with Image.open(path) as image:
        upright = _upright_size(image)
        fit = framing(canvas.fit, upright, (canvas.width, canvas.height))
        target = _fitted_size(upright, canvas, fit)
        if image.format == "JPEG":
            # DCT-domain downscaling: decodes a 12 MP JPEG at 1/2, 1/4 or 1/8 size for free.
            swap = upright != image.size
            image.draft("RGB", (target[1], target[0]) if swap else target)
        image = ImageOps.exif_transpose(image)
        framed = _frame_photo(image, canvas, fit)
    return rgb_to_yuv(np.asarray(framed))


def _upright_size(image: Image.Image) -> tuple[int, int]:
    orientation = image.getexif().get(0x0112, 1)
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _fitted_size(size: tuple[int, int], canvas: Canvas, fit: str) -> tuple[int, int]:
    """The photo's size on the canvas: filling it ("cover") or whole inside it."""
    width, height = size
    pick = max if fit == "cover" else min
    scale = pick(canvas.width / width, canvas.height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _frame_photo(image: Image.Image, canvas: Canvas, fit: str) -> Image.Image:
    """The photo on the canvas as ``fit`` says, RGB. Transparent parts show what is behind the
    photo: the background colour, or the blurred copy; never black unless that is the colour."""
    size = (canvas.width, canvas.height)
    alpha = _has_alpha(image)
    mode = "RGBA" if alpha else "RGB"  # resize premultiplies RGBA itself
    picture = image if image.mode == mode else image.convert(mode)  # no copy of a big photo
    if fit == "cover":
        box = _cover_box(picture.size, size)
        fitted = picture.resize(size, Image.Resampling.BICUBIC, box=box, reducing_gap=3.0)
        if not alpha:
            return fitted
    else:
        fitted = picture.resize(
            _fitted_size(picture.size, canvas, fit), Image.Resampling.BICUBIC, reducing_gap=3.0
        )
    if fit == "blur":
        ground = _photo_backdrop(picture, size, canvas.background)
    else:
        ground = Image.new("RGB", size, canvas.background)
    corner = ((size[0] - fitted.width) // 2, (size[1] - fitted.height) // 2)
    ground.paste(fitted, corner, fitted if alpha else None)
    return ground


def _photo_backdrop(
    picture: Image.Image, size: tuple[int, int], background: tuple[int, int, int]
) -> Image.Image:
    """A blurred copy of the photo filling ``size`` (the centre cut to the frame's shape)."""
    tiny = picture.resize(_small(size), Image.Resampling.BOX, box=_cover_box(picture.size, size))
    return _blurred(_flat(tiny, background)).resize(size, Image.Resampling.BICUBIC)


def _small(size: tuple[int, int]) -> tuple[int, int]:
    """The size a backdrop for a frame of ``size`` is blurred at (its shape, BLUR_SIDE long)."""
    scale = BLUR_SIDE / max(size)
    return max(2, round(size[0] * scale)), max(2, round(size[1] * scale))


def _flat(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """RGB, with any transparency laid over the background colour."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    base = Image.new("RGBA", image.size, (*background, 255))
    return Image.alpha_composite(base, image).convert("RGB")


def _blurred(tiny: Image.Image) -> Image.Image:
    """A small RGB picture blurred and dimmed (cheap at BLUR_SIDE pixels)."""
    return tiny.filter(ImageFilter.GaussianBlur(BLUR_RADIUS)).point(lambda v: round(v * BLUR_DIM))


def _cover_box(source: tuple[int, int], target: tuple[int, int]) -> tuple[float, ...]:
    """The centred part of ``source`` with the aspect ratio of ``target``."""
    (sw, sh), (tw, th) = source, target
    scale = min(sw / tw, sh / th)
    bw, bh = min(sw, tw * scale), min(sh, th * scale)  # min: no float overshoot past an edge
    return ((sw - bw) / 2, (sh - bh) / 2, (sw + bw) / 2, (sh + bh) / 2)


# -- video frames -------------------------------------------------------------------------------


def fit_video_frame(frame: av.VideoFrame, canvas: Canvas, background: np.ndarray) -> np.ndarray:
    """A decoded video frame framed on ``canvas`` (bars, crop or blur), as a yuv420p buffer."""
    fit = framing(canvas.fit, (frame.width, frame.height), (canvas.width, canvas.height))
    fitted = _fitted_size((frame.width, frame.height), canvas, fit)
    width, height = (even(side) for side in fitted)
    scaled = frame.reformat(
        width=width,
        height=height,
        format="yuv420p",
        dst_colorspace="ITU709",
        dst_color_range="MPEG",
        interpolation="BILINEAR",
    ).to_ndarray()
    if (width, height) == (canvas.width, canvas.height):
        return scaled
    out = _video_backdrop(frame, canvas) if fit == "blur" else background.copy()
    # Even offsets keep the chroma planes aligned; negative offsets crop (cover).
    x, y = (canvas.width - width) // 4 * 2, (canvas.height - height) // 4 * 2
    for src, dst, shift in zip(
        planes(scaled, width, height),
        planes(out, canvas.width, canvas.height),
        (1, 2, 2),
        strict=True,
    ):
        _place(src, dst, x // shift, y // shift)
    return out


def _video_backdrop(frame: av.VideoFrame, canvas: Canvas) -> np.ndarray:
    """A blurred copy of a video frame filling ``canvas``: shrunk by swscale, cropped and
    blurred at BLUR_SIDE pixels, enlarged by swscale straight into yuv420p (a few ms)."""
    size = (canvas.width, canvas.height)
    small = _small(size)
    scale = max(small[0] / frame.width, small[1] / frame.height)
    tiny = frame.reformat(
        width=max(2, math.ceil(frame.width * scale)),
        height=max(2, math.ceil(frame.height * scale)),
        format="rgb24",
        interpolation="AREA",
    ).to_image()
    tiny = _blurred(tiny.resize(small, Image.Resampling.BOX, box=_cover_box(tiny.size, size)))
    return (
        av.VideoFrame.from_image(tiny)
        .reformat(
            width=canvas.width,
            height=canvas.height,
            format="yuv420p",
            dst_colorspace="ITU709",
            dst_color_range="MPEG",
            interpolation="BICUBIC",
        )
        .to_ndarray()
    )


def _place(src: np.ndarray, dst: np.ndarray, x: int, y: int) -> None:
    """Copy ``src`` into ``dst`` with its top-left corner at (x, y), clipped to ``dst``."""
    sx, sy = max(0, -x), max(0, -y)
    dx, dy = max(0, x), max(0, y)
    width = min(src.shape[1] - sx, dst.shape[1] - dx)
    height = min(src.shape[0] - sy, dst.shape[0] - dy)
    dst[dy : dy + height, dx : dx + width] = src[sy : sy + height, sx : sx + width]


# -- motion -------------------------------------------------------------------------------------


def resize_box(
    buf: np.ndarray, box: tuple[float, float, float, float], out_size: tuple[int, int]
) -> np.ndarray:
    """The part ``box`` (in luma pixels) of a frame buffer, scaled to ``out_size``."""
    return scale_crop(av.VideoFrame.from_ndarray(buf, format="yuv420p"), box, out_size)


def scale_crop(
    source: av.VideoFrame, box: tuple[float, float, float, float], out_size: tuple[int, int]
) -> np.ndarray:
    """The part ``box`` (in luma pixels) of ``source``, scaled to ``out_size``, as a buffer.

    swscale (SIMD, and it releases the GIL) scales the whole frame so that the box becomes
    ``out_size``, at even sizes; the box is then cut out at whole pixels. The scale follows the
    box closely (sizes step by 2 px), while the position is rounded to the nearest pixel, per
    plane: a move advances in whole-pixel steps, monotonic and steady, never jumping back. This
    is 2-3x cheaper than Pillow's sub-pixel box resize of each plane, which dominated the Ken
    Burns render time.
    """
    left, top, right, bottom = box
    out_w, out_h = out_size
    scale_x, scale_y = out_w / (right - left), out_h / (bottom - top)
    width = max(out_w, even(source.width * scale_x))
    height = max(out_h, even(source.height * scale_y))
    scaled = source.reformat(width=width, height=height, interpolation="BILINEAR")
    # The box's corner on the scaled frame, from the sizes actually used.
    x, y = left * width / source.width, top * height / source.height
    out = np.empty((out_h * 3 // 2, out_w), np.uint8)
    for index, (plane, dst) in enumerate(zip(scaled.planes, planes(out, *out_size), strict=True)):
        div = 1 if index == 0 else 2
        src = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
        cx = min(max(0, round(x / div)), plane.width - dst.shape[1])
        cy = min(max(0, round(y / div)), plane.height - dst.shape[0])
        dst[:] = src[cy : cy + dst.shape[0], cx : cx + dst.shape[1]]
    return out


def ken_burns_box(
    motion: str, progress: float, size: tuple[int, int]
) -> tuple[float, float, float, float]:
    """Where the view is on a ``KEN_BURNS_ZOOM``-enlarged frame at ``progress`` (0..1)."""
    width, height = size
    if motion in ("zoom_in", "zoom_out"):
        zoom = 1 + (KEN_BURNS_ZOOM - 1) * (progress if motion == "zoom_in" else 1 - progress)
        view_w, view_h = width / zoom, height / zoom
        left = (width - view_w) / 2
    else:  # pan_left / pan_right: fully zoomed in, the view travels sideways
        view_w, view_h = width / KEN_BURNS_ZOOM, height / KEN_BURNS_ZOOM
        travel = progress if motion == "pan_right" else 1 - progress
        left = (width - view_w) * travel
    top = (height - view_h) / 2
    return (left, top, left + view_w, top + view_h)


# What each motion of the catalogue does to the view (``None``: the photo stays still).
MOTION_DRAWERS: dict[str, Callable[..., tuple[float, float, float, float]] | None] = {
    "static": None,
    "zoom_in": ken_burns_box,
    "zoom_out": ken_burns_box,
    "pan_left": ken_burns_box,
    "pan_right": ken_burns_box,
}
MOTIONS = tuple(key for key in catalog.MOTIONS if key in MOTION_DRAWERS)


# -- transitions --------------------------------------------------------------------------------


def blend(a: np.ndarray, b: np.ndarray, weight: int) -> np.ndarray:
    """``a * (256 - weight) + b * weight``, divided by 256, in uint16 integer math."""
    mixed = a.astype(np.uint16)
    mixed *= 256 - weight
    mixed += b.astype(np.uint16) * np.uint16(weight)
    mixed += 128
    mixed >>= 8
    return mixed.astype(np.uint8)


def _crossfade(a: np.ndarray, b: np.ndarray, progress: float, **_: object) -> np.ndarray:
    return blend(a, b, round(progress * 256))


def _fade_black(
    a: np.ndarray, b: np.ndarray, progress: float, black: np.ndarray, **_: object
) -> np.ndarray:
    if progress < 0.5:
        return blend(a, black, round(progress * 512))
    return blend(black, b, round(progress * 512) - 256)


def _zoom(a: np.ndarray, b: np.ndarray, progress: float, canvas: Canvas, **_: object) -> np.ndarray:
    """The outgoing frame zooms in (1.0 -> 1.5) while the incoming one fades in."""
    zoom = 1 + 0.5 * progress
    size = (canvas.width, canvas.height)
    w, h = size[0] / zoom, size[1] / zoom
    box = ((size[0] - w) / 2, (size[1] - h) / 2, (size[0] + w) / 2, (size[1] + h) / 2)
    return blend(resize_box(a, box, size), b, round(progress * 256))


def _cut(a: np.ndarray, b: np.ndarray, progress: float, **_: object) -> np.ndarray:
    return b


def _sideways_as(kind: str) -> Callable[..., np.ndarray]:
    def draw(
        a: np.ndarray, b: np.ndarray, progress: float, canvas: Canvas, **_: object
    ) -> np.ndarray:
        return _sideways(kind, a, b, progress, canvas)

    return draw


# One drawing function per transition of the catalogue (a test checks they are the same keys).
TRANSITION_DRAWERS: dict[str, Callable[..., np.ndarray]] = {
    "crossfade": _crossfade,
    "fade_black": _fade_black,
    "wipe_left": _sideways_as("wipe_left"),
    "wipe_right": _sideways_as("wipe_right"),
    "slide_left": _sideways_as("slide_left"),
    "slide_right": _sideways_as("slide_right"),
    "zoom": _zoom,
    "none": _cut,
}
TRANSITIONS = tuple(key for key in catalog.TRANSITIONS if key in TRANSITION_DRAWERS)


def transition(
    kind: str, a: np.ndarray, b: np.ndarray, progress: float, canvas: Canvas, black: np.ndarray
) -> np.ndarray:
    """A frame between ``a`` (outgoing) and ``b`` (incoming) at ``progress`` in (0, 1)."""
    draw = TRANSITION_DRAWERS.get(kind, _cut)
    return draw(a, b, progress, canvas=canvas, black=black)


def _sideways(
    kind: str, a: np.ndarray, b: np.ndarray, progress: float, canvas: Canvas
) -> np.ndarray:
    """Wipes (the edge moves, the pictures stay) and slides (both pictures move)."""
    out = np.empty_like(a)
    edge = 2 * round(progress * canvas.width / 2)  # even, so chroma columns split cleanly
    views = zip(*(planes(buf, canvas.width, canvas.height) for buf in (a, b, out)), strict=True)
    for index, (pa, pb, po) in enumerate(views):
        cut = edge if index == 0 else edge // 2
        width = po.shape[1]
        if kind == "wipe_left":  # b appears at the right, the edge moves left
            po[:, : width - cut], po[:, width - cut :] = pa[:, : width - cut], pb[:, width - cut :]
        elif kind == "wipe_right":  # b appears at the left, the edge moves right
            po[:, :cut], po[:, cut:] = pb[:, :cut], pa[:, cut:]
        elif kind == "slide_left":  # both move left, b enters from the right
            po[:, : width - cut], po[:, width - cut :] = pa[:, cut:], pb[:, :cut]
        else:  # slide_right: both move right, b enters from the left
            po[:, :cut], po[:, cut:] = pb[:, width - cut :], pa[:, : width - cut]
    return out


# -- visual sources -----------------------------------------------------------------------------


class PhotoSource:
    """A photo decoded once; with Ken Burns, on an enlarged canvas the view moves over."""

    def __init__(self, clip: Clip, canvas: Canvas) -> None:
        self.clip, self.canvas = clip, canvas
        still = clip.motion == "static"
        big = canvas if still else canvas.scaled(KEN_BURNS_ZOOM)
        try:
            self.buf = load_photo(clip.path, big)
        except (OSError, ValueError) as exc:
            raise RenderError(
                f"Cannot read the photo {clip.label}: {exc}. Upload it again."
            ) from exc
        # With motion, swscale reads the enlarged photo as a VideoFrame: converted once, here.
        self.moving = None if still else av.VideoFrame.from_ndarray(self.buf, format="yuv420p")

    def frame(self, index: int) -> tuple[Hashable, np.ndarray]:
        if self.moving is None:
            return (self.clip,), self.buf  # the same key: the frame is reused
        clip, big = self.clip, self.moving
        progress = min(1.0, (index - clip.start) / max(1, clip.end - clip.start - 1))
        box = ken_burns_box(clip.motion, progress, (big.width, big.height))
        size = (self.canvas.width, self.canvas.height)
        return (clip, index), scale_crop(big, box, size)

    def close(self) -> None:
        pass


class VideoSource:
    """A video clip decoded in step with the output; its last frame is held if it runs out."""

    def __init__(self, clip: Clip, canvas: Canvas, fps: int, background: np.ndarray) -> None:
        self.clip, self.canvas, self.fps, self.background = clip, canvas, fps, background
        try:
            self.container = av.open(str(clip.path))
            self.stream = self.container.streams.video[0]
        except (av.FFmpegError, IndexError) as exc:
            raise RenderError(f"Cannot read the video {clip.label}; upload it again.") from exc
        self.stream.thread_type = "AUTO"
        start = self.stream.start_time or 0
        self.zero = float(start * self.stream.time_base)
        if clip.offset > 0:
            self.container.seek(
                start + int(clip.offset / self.stream.time_base), stream=self.stream
            )
        self.decoded = self.container.decode(self.stream)
        self.shown: tuple[int, av.VideoFrame] | None = None  # (serial, frame)
        self.next = self._read()
        self.fitted: tuple[int, np.ndarray] | None = None

    def _read(self) -> av.VideoFrame | None:
        try:
            return next(self.decoded)
        except (StopIteration, av.FFmpegError):
            return None  # the end, or a damaged tail: hold what was shown last

    def _time(self, frame: av.VideoFrame) -> float:
        return (frame.time or 0.0) - self.zero

    def frame(self, index: int) -> tuple[Hashable, np.ndarray]:
        wanted = self.clip.offset + (index - self.clip.start) / self.fps
        while self.next is not None and (
            self.shown is None or self._time(self.next) <= wanted + 1e-3
        ):
            serial = self.shown[0] + 1 if self.shown else 0
            self.shown, self.next = (serial, self.next), self._read()
        if self.shown is None:
            raise RenderError(f"The video {self.clip.label} has no frames; upload it again.")
        serial, frame = self.shown
        if self.fitted is None or self.fitted[0] != serial:
            self.fitted = serial, fit_video_frame(frame, self.canvas, self.background)
        return (self.clip, serial), self.fitted[1]

    def close(self) -> None:
        self.container.close()


# -- the timeline -------------------------------------------------------------------------------


class Timeline:
    """Which clips a frame shows, and the composed frame."""

    def __init__(self, clips: list[Clip], canvas: Canvas, fps: int) -> None:
        self.clips, self.canvas, self.fps = clips, canvas, fps
        self.starts = [clip.start for clip in clips]
        self.background = solid(canvas, canvas.background)
        self.black = solid(canvas, (0, 0, 0))
        self.sources: dict[int, PhotoSource | VideoSource] = {}

    def frame(self, index: int) -> tuple[Hashable, np.ndarray]:
        current = max(0, bisect_right(self.starts, index) - 1)
        clip = self.clips[current]
        step = index - clip.start
        if current and 0 <= step < clip.transition_frames:
            self._keep(current - 1, current)
            key_a, a = self._source(current - 1).frame(index)
            key_b, b = self._source(current).frame(index)
            progress = (step + 0.5) / clip.transition_frames
            mixed = transition(clip.transition, a, b, progress, self.canvas, self.black)
            return (key_a, key_b, index), mixed
        self._keep(current)
        return self._source(current).frame(index)

    def _source(self, index: int) -> PhotoSource | VideoSource:
        if index not in self.sources:
            clip = self.clips[index]
            if clip.kind == "video":
                self.sources[index] = VideoSource(clip, self.canvas, self.fps, self.background)
            else:
                self.sources[index] = PhotoSource(clip, self.canvas)
        return self.sources[index]

    def _keep(self, *indexes: int) -> None:
        """Free the clips this frame does not show: frames only move forward."""
        for index in [index for index in self.sources if index not in indexes]:
            self.sources.pop(index).close()

    def close(self) -> None:
        self._keep()
