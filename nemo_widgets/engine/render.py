"""Render a draft (see docs/draft-schema.md) to an H.264 MP4.

Frames are composed on yuv420p planes (``compose``), titles are blended in (``titles``), and
PyAV encodes with libx264 (BT.709, ``+faststart``) and AAC music interleaved as it goes; the
music is decoded and mixed a block at a time as the encoder needs it, never whole. Each
photo is decoded once; frames that repeat (a still photo between transitions) reuse one
``VideoFrame`` with a new pts, so a slideshow costs little more than encoding its frames.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import av
import numpy as np

from .compose import FITS, MOTIONS, TRANSITIONS, Canvas, Clip, RenderError, Timeline
from .draft import AUDIO, TEXT, VISUAL
from .store import make_private
from .titles import Title, make_title, parse_color

__all__ = ["RENDERER_VERSION", "RenderError", "RenderResult", "compose_frames", "render"]

RENDERER_VERSION = "2"  # bump whenever the same draft and media would render differently

AUDIO_RATE = 44100
AUDIO_BIT_RATE = 192_000
AAC_FRAME = 1024
BT709 = 1  # AVCOL_PRI_BT709 / AVCOL_TRC_BT709 / AVCOL_SPC_BT709
TV_RANGE = 1  # AVCOL_RANGE_MPEG
PROGRESS_INTERVAL = 0.1  # seconds between on_progress calls
QUEUE_FRAMES = 3  # frames composed ahead of the encoder: enough to overlap, little memory


@dataclass(frozen=True)
class RenderResult:
    path: Path
    width: int
    height: int
    fps: int
    frames: int
    duration: float
    has_audio: bool


def render(
    draft: dict,
    media: Mapping[str, Path],
    out: Path,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    preset: str = "veryfast",
    crf: int = 20,
    threads: int = 0,
) -> RenderResult:
    """Render ``draft`` to ``out`` (written atomically); ``media`` maps each mid to its file.

    ``threads`` caps the encoder's threads (0: as many as FFmpeg picks for this machine).
    """
    job = _Job.read(draft, media)
    music = _mix_music(_segments(draft, AUDIO), media, job.seconds)
    out = Path(out)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        _encode(partial, job, music, on_progress, preset, crf, threads)
        make_private(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
        if music is not None:
            music.close()
    canvas = job.canvas
    return RenderResult(
        out,
        canvas.width,
        canvas.height,
        job.fps,
        job.frames,
        job.seconds,
        music is not None,
    )


def compose_frames(draft: dict, media: Mapping[str, Path]) -> Iterator[np.ndarray]:
    """The frames ``render`` encodes, as yuv420p buffers (for benchmarks and checks)."""
    job = _Job.read(draft, media)
    for _, buf in job.frames_with_titles():
        yield buf


@dataclass(frozen=True)
class _Job:
    """What a draft asks for, checked: the canvas, the frame grid, the clips and titles."""

    canvas: Canvas
    fps: int
    frames: int
    clips: list[Clip]
    titles: list[Title]

    @classmethod
    def read(cls, draft: dict, media: Mapping[str, Path]) -> _Job:
        canvas, fps = _read_meta(draft.get("m") or {})
        clips = _read_clips(_segments(draft, VISUAL), media, fps)
        end_ms = draft.get("d") or max(clip.end for clip in clips) * 1000 / fps
        frames = round(float(end_ms) / 1000 * fps)
        if frames < 1:
            raise RenderError("The draft is 0 seconds long; give its segments a length.")
        titles = [title for seg in _segments(draft, TEXT) if (title := make_title(seg, canvas))]
        return cls(canvas, fps, frames, clips, titles)

    @property
    def seconds(self) -> float:
        return self.frames / self.fps

    def frames_with_titles(self) -> Iterator[tuple[bool, np.ndarray]]:
        """Each frame's buffer, and whether it differs from the frame before."""
        timeline = Timeline(self.clips, self.canvas, self.fps)
        last_key, last = None, None
        try:
            for index in range(self.frames):
                key, buf = timeline.frame(index)
                ms = index * 1000 / self.fps
                levels = [(title, title.opacity(ms)) for title in self.titles]
                key = (key, tuple(level for _, level in levels))
                if key == last_key:
                    yield False, last
                    continue
                if any(level for _, level in levels):
                    buf = buf.copy()  # the buffer may be a photo's cached planes
                    for title, level in levels:
                        if level:
                            title.draw(buf, self.canvas, level)
                last_key, last = key, buf
                yield True, buf
        finally:
            timeline.close()


# -- reading the draft --------------------------------------------------------------------------


def _segments(draft: dict, track_type: int) -> list[dict]:
    tracks = draft.get("t") or []
    return [
        seg for track in tracks if track.get("tt") == track_type for seg in track.get("sg") or []
    ]


def _read_meta(meta: dict) -> tuple[Canvas, int]:
    width, height = int(meta.get("width", 1920)), int(meta.get("height", 1080))
    long, short = max(width, height), min(width, height)
    if width % 2 or height % 2 or short < 16 or long > 1920 or short > 1080:
        raise RenderError(
            f"The video size {width}x{height} is not possible: both sides must be even, at least "
            "16 and at most 1920x1080 (or 1080x1920). Pick another size or aspect ratio."
        )
    fps = int(meta.get("fps", 30))
    if not 1 <= fps <= 60:
        raise RenderError(f"{fps} frames per second is not possible; use 1 to 60 (e.g. 30).")
    fit = meta.get("fit", "contain")
    if fit not in FITS:
        raise RenderError(f"Unknown fit {fit!r}; use one of {', '.join(FITS)}.")
    background = parse_color(meta.get("background", "#000000"))
    return Canvas(width, height, fit, background), fps


def _read_clips(segments: list[dict], media: Mapping[str, Path], fps: int) -> list[Clip]:
    if not segments:
        raise RenderError("The draft has no photos or video clips; add some, then render.")
    clips: list[Clip] = []
    start_ms = 0.0
    for index, seg in enumerate(segments):
        label = _label(seg, f"segment {index + 1}")
        path = _media_path(seg, media, label)
        tr = seg.get("tr") or {}
        tr_ms = float(tr.get("d", 0)) if index else 0.0
        start_ms = float(seg["st"]) if "st" in seg else max(0.0, start_ms - tr_ms)
        length_ms = float(seg.get("d", 0))
        kind, motion = seg.get("kind", "image"), seg.get("motion") or "static"
        kind_of_tr = tr.get("type") or "crossfade"
        if kind_of_tr not in TRANSITIONS:
            raise RenderError(
                f"{label}: unknown transition {kind_of_tr!r}; use one of {TRANSITIONS}."
            )
        if kind not in ("image", "video"):
            raise RenderError(
                f"{label}: unknown kind {kind!r}; visual segments are image or video."
            )
        if motion not in MOTIONS:
            raise RenderError(f"{label}: unknown motion {motion!r}; use one of {MOTIONS}.")
        if kind == "video":
            motion = "static"  # Ken Burns is for photos
        start, end = round(start_ms * fps / 1000), round((start_ms + length_ms) * fps / 1000)
        if end <= start:
            raise RenderError(f"{label} is shorter than one frame; make it longer or remove it.")
        tr_frames = 0 if kind_of_tr == "none" else round(tr_ms * fps / 1000)
        if clips:  # a transition never outlasts either neighbour
            tr_frames = min(tr_frames, end - start, clips[-1].end - clips[-1].start)
        clips.append(
            Clip(
                kind,
                path,
                label,
                start,
                end,
                kind_of_tr,
                tr_frames,
                motion,
                float(seg.get("in") or 0) / 1000,
            )
        )
        start_ms += length_ms
    return clips


def _label(seg: dict, fallback: str) -> str:
    """How messages name a segment: its name, else its id, else ``fallback``."""
    return seg.get("name") or seg.get("id") or fallback


def _media_path(seg: dict, media: Mapping[str, Path], label: str) -> Path:
    mid = seg.get("mid")
    if mid not in media:
        raise RenderError(
            f"{label} uses media {mid!r}, which this engine does not have (any more). "
            "Upload the file again or remove the segment, then render."
        )
    path = Path(media[mid])
    if not path.is_file():
        raise RenderError(f"The file of {label} ({path}) is gone; upload it again, then render.")
    return path


# -- the frame loop -----------------------------------------------------------------------------


def _encode(
    path: Path,
    job: _Job,
    music: MusicMix | None,
    on_progress: Callable[[int, int], None] | None,
    preset: str,
    crf: int,
    threads: int = 0,
) -> None:
    options = {"movflags": "+faststart"}  # the index first: players start before the download ends
    with av.open(str(path), "w", format="mp4", container_options=options) as box:
        video = _video_stream(box, job.canvas, job.fps, preset, crf, threads)
        audio = AudioWriter(box, music) if music is not None else None
        reported = time.monotonic()
        # Frames are composed in a second thread while this one encodes: swscale, numpy and
        # x264 all release the GIL, so composing overlaps the encoder instead of adding to it.
        with closing(_in_background(_video_frames(job))) as frames:
            for index, frame in enumerate(frames):
                frame.pts = index  # a repeated frame is the same VideoFrame with a new pts
                box.mux(video.encode(frame))
                if audio:
                    audio.write_until(round((index + 1) * AUDIO_RATE / job.fps))
                if on_progress and time.monotonic() - reported >= PROGRESS_INTERVAL:
                    reported = time.monotonic()
                    on_progress(index + 1, job.frames)
        box.mux(video.encode(None))
        if audio:
            audio.finish()
    if on_progress:
        on_progress(job.frames, job.frames)


def _video_frames(job: _Job) -> Generator[av.VideoFrame, None, None]:
    """Each frame to encode; a frame that repeats the one before is the same ``VideoFrame``."""
    frame: av.VideoFrame | None = None
    with closing(job.frames_with_titles()) as frames:
        for changed, buf in frames:
            if changed or frame is None:
                frame = av.VideoFrame.from_ndarray(buf, format="yuv420p")
                frame.time_base = Fraction(1, job.fps)
            yield frame


T = TypeVar("T")


def _in_background(items: Generator[T, None, None], size: int = QUEUE_FRAMES) -> Iterator[T]:
    """``items``, produced by a thread at most ``size`` ahead; its errors are raised here."""
    ready: queue.Queue = queue.Queue(maxsize=size)
    stop = threading.Event()
    end = object()

    def put(item: object) -> bool:
        while not stop.is_set():  # the consumer may give up: never block forever
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def produce() -> None:
        try:
            with closing(items):
                for item in items:
                    if not put(item):
                        return
        except BaseException as exc:  # handed over, raised in the consumer
            put(exc)
        else:
            put(end)

    thread = threading.Thread(target=produce, name="compose", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _video_stream(
    box: av.container.OutputContainer,
    canvas: Canvas,
    fps: int,
    preset: str,
    crf: int,
    threads: int = 0,
) -> av.VideoStream:
    stream = box.add_stream("libx264", rate=fps, options={"preset": preset, "crf": str(crf)})
    stream.width, stream.height, stream.pix_fmt = canvas.width, canvas.height, "yuv420p"
    stream.time_base = Fraction(1, fps)
    context = stream.codec_context
    context.thread_type = "FRAME"  # libx264 slice threads are 21-25 % slower
    context.thread_count = threads
    context.colorspace = context.color_primaries = context.color_trc = BT709
    context.color_range = TV_RANGE
    return stream


# -- music --------------------------------------------------------------------------------------


class AudioWriter:
    """Encodes the mixed music to AAC in step with the video, so packets interleave."""

    def __init__(self, box: av.container.OutputContainer, music: MusicMix) -> None:
        self.box, self.music, self.done = box, music, 0
        self.stream = box.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
        self.stream.bit_rate = AUDIO_BIT_RATE

    def write_until(self, sample: int) -> None:
        while self.done + AAC_FRAME <= min(sample, self.music.total):
            self._write(AAC_FRAME)

    def finish(self) -> None:
        while self.done < self.music.total:
            self._write(min(AAC_FRAME, self.music.total - self.done))
        self.box.mux(self.stream.encode(None))

    def _write(self, count: int) -> None:
        chunk = self.music.read(count)
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
        frame.sample_rate, frame.pts = AUDIO_RATE, self.done
        frame.time_base = Fraction(1, AUDIO_RATE)
        self.box.mux(self.stream.encode(frame))
        self.done += count


class MusicMix:
    """All music segments mixed into one track as long as the video, a block at a time.

    Nothing is decoded ahead of the encoder: each segment's source is decoded as the mix
    reaches it, so memory stays the same however long the video is.
    """

    def __init__(self, voices: list[_Voice], total: int) -> None:
        self.voices, self.total, self.done = voices, total, 0

    def read(self, count: int) -> np.ndarray:
        """The next ``count`` samples, float32 (2, count), clipped to -1..1."""
        mix = np.zeros((2, count), np.float32)
        end = self.done + count
        for voice in self.voices:
            lo, hi = max(self.done, voice.start), min(end, voice.start + voice.length)
            if lo < hi:
                mix[:, lo - self.done : hi - self.done] += voice.read(hi - lo)
        self.done = end
        return np.clip(mix, -1.0, 1.0, out=mix)

    def close(self) -> None:
        for voice in self.voices:
            voice.close()


class _Voice:
    """One music segment: its source decoded on demand, looped or padded, faded, at its volume."""

    def __init__(self, path: Path, label: str, seg: dict, start: int, length: int) -> None:
        self.start, self.length, self.label = start, length, label
        self.loop = bool(seg.get("loop"))
        self.fade_in = round(float(seg.get("fi", 0)) / 1000 * AUDIO_RATE)
        self.fade_out = round(float(seg.get("fo", 0)) / 1000 * AUDIO_RATE)
        self.volume = np.float32(min(1.0, max(0.0, float(seg.get("vol", 1.0)))))
        self.done = 0  # samples of this voice read so far
        self._source = self._samples(path, float(seg.get("in", 0)) / 1000)
        self._pending = np.zeros((2, 0), np.float32)

    def read(self, count: int) -> np.ndarray:
        """The voice's next ``count`` samples (silence once a source that does not loop ends)."""
        while self._pending.shape[1] < count:
            chunk = next(self._source, None)
            if chunk is None:
                missing = count - self._pending.shape[1]
                self._pending = np.pad(self._pending, ((0, 0), (0, missing)))
                break
            self._pending = np.concatenate((self._pending, chunk), axis=1)
        block, self._pending = self._pending[:, :count], self._pending[:, count:]
        block = block * (self._gain(count) * self.volume)
        self.done += count
        return block

    def _gain(self, count: int) -> np.ndarray:
        """The fades' gain over the next ``count`` samples (linear ramps, as np.linspace)."""
        index = np.arange(self.done, self.done + count, dtype=np.float64)
        gain = np.ones(count, np.float64)
        fade_in, fade_out = min(self.fade_in, self.length), min(self.fade_out, self.length)
        if fade_in > 0:
            ramp = index / max(1, fade_in - 1) if fade_in > 1 else np.zeros(count)
            gain = np.where(index < fade_in, gain * ramp, gain)
        if fade_out > 0:
            left = (self.length - 1 - index) / max(1, fade_out - 1)
            ramp = left if fade_out > 1 else np.zeros(count)
            gain = np.where(index >= self.length - fade_out, gain * ramp, gain)
        return gain.astype(np.float32)

    def _samples(self, path: Path, offset: float) -> Iterator[np.ndarray]:
        """The source from ``offset`` on, 44.1 kHz stereo chunks; again and again if looping."""
        while True:
            produced = False
            for chunk in _decode_audio(path, offset, self.label):
                produced = True
                yield chunk
            if not (self.loop and produced):
                return

    def close(self) -> None:
        self._source.close()


def _mix_music(segments: list[dict], media: Mapping[str, Path], seconds: float) -> MusicMix | None:
    """The music segments as one track as long as the video, mixed as the encoder asks."""
    if not segments:
        return None
    total = round(seconds * AUDIO_RATE)
    voices = []
    for index, seg in enumerate(segments):
        label = _label(seg, f"music {index + 1}")
        start = min(total, round(float(seg.get("st", 0)) / 1000 * AUDIO_RATE))
        length = round(float(seg.get("d", seconds * 1000 - seg.get("st", 0))) / 1000 * AUDIO_RATE)
        length = min(length, total - start)
        if length > 0:
            voices.append(_Voice(_media_path(seg, media, label), label, seg, start, length))
    return MusicMix(voices, total)


def _decode_audio(path: Path, offset: float, label: str) -> Iterator[np.ndarray]:
    """The source from ``offset`` seconds to its end, as float32 (2, n) chunks at 44.1 kHz."""
    skip: int | None = None  # samples decoded before ``offset`` (seeking lands on a packet)
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            if offset > 0:
                container.seek(int(offset * av.time_base))
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE)
            frames = container.decode(stream)
            while True:
                frame = next(frames, None)
                if skip is None and frame is not None:
                    first = frame.time if frame.time is not None else offset
                    skip = max(0, round((offset - first) * AUDIO_RATE))
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray()
                    if skip:
                        cut = min(skip, chunk.shape[1])
                        chunk, skip = chunk[:, cut:], skip - cut
                    if chunk.shape[1]:
                        yield chunk
                if frame is None:
                    return
    except (av.FFmpegError, IndexError) as exc:
        raise RenderError(f"Cannot read the music {label}; upload it again.") from exc
