"""Video and audio probed with PyAV (size, duration, rate, sound) and kept as they are."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from ...formats import ACCEPTED_TEXT
from .common import (
    TOO_LARGE,
    UNSUPPORTED,
    MediaInfo,
    MediaRejected,
    _decoding,
    _sha256,
    _store_as_is,
    _unreadable,
)

# Video: beyond 8K the renderer's decoders and memory are the problem.
MAX_VIDEO_PIXELS = 8192 * 4320
# The demuxers FFmpeg may pick for accepted content (never a playlist or a concat script),
# and only plain local reads while probing: nested demuxers cannot reach the network.
_DEMUXERS = {"mov,mp4,m4a,3gp,3g2,mj2", "avi", "matroska,webm", "mp3", "wav", "aac"}
_SAFE_AV = {"protocol_whitelist": "file"}


@dataclass
class _Span:
    """Packets seen while demuxing one stream: how many, and the time they cover."""

    count: int = 0
    first: int | None = None
    end: int = 0

    def add(self, packet: av.Packet) -> None:
        stamp = packet.pts if packet.pts is not None else packet.dts
        if stamp is None:
            return
        self.count += 1
        self.first = stamp if self.first is None else min(self.first, stamp)
        self.end = max(self.end, stamp + (packet.duration or 0))

    def seconds(self, time_base: Fraction) -> float | None:
        if self.first is None or self.end <= self.first:
            return None
        return float((self.end - self.first) * time_base)


def _ingest_audio_video(source: Path, fmt: str, label: str, folder: Path) -> MediaInfo:
    with (
        _decoding(label, fmt, source),
        av.open(str(source), metadata_errors="replace", container_options=_SAFE_AV) as container,
    ):
        if container.format.name not in _DEMUXERS:
            raise MediaRejected(
                UNSUPPORTED,
                f"{label} looks like {fmt.upper()} but is read as {container.format.name}, "
                f"which is not accepted. Accepted: {ACCEPTED_TEXT}.",
            )
        videos = [s for s in container.streams.video if not _is_cover_art(s)]
        audios = list(container.streams.audio)
        if videos:
            facts = _probe_video(container, videos[0], bool(audios), label, fmt)
        elif audios:
            # Also for an .mp4 or .webm holding only sound: it can still be the music.
            facts = _probe_audio(container, audios[0], label, fmt)
        else:
            raise MediaRejected(
                UNSUPPORTED,
                f"{label} holds no video or audio track. Export it again, then upload it again.",
            )
    dest = folder / f"media.{fmt}"
    _store_as_is(source, dest)
    return MediaInfo(format=fmt, path=dest, filename=label, sha256=_sha256(dest), **facts)


def _is_cover_art(stream: av.stream.Stream) -> bool:
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def _probe_video(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    has_audio: bool,
    label: str,
    fmt: str,
) -> dict[str, Any]:
    """Size as displayed, duration and rate; demuxes the whole file, decodes the first frame."""
    first, span = _demux(container, stream)
    if first is None:
        raise _unreadable(label, fmt, "no video frame decodes")
    width, height = first.width, first.height
    # A phone held upright stores landscape pixels and a display matrix turning them by 90°.
    if abs(getattr(first, "rotation", 0)) % 180 == 90:
        width, height = height, width
    if width * height > MAX_VIDEO_PIXELS:
        raise MediaRejected(
            TOO_LARGE, f"{label} is too large ({width}×{height}); the limit is 8K (8192×4320)."
        )
    declared = float(stream.duration * stream.time_base) if stream.duration else None
    measured = span.seconds(stream.time_base)
    if declared and (measured or 0) < 0.9 * declared - 0.05:
        raise MediaRejected(
            UNSUPPORTED,
            f"{label} is incomplete: its video stops at {measured or 0:.1f} s of "
            f"{declared:.1f} s. Copy or download it again, then upload it again.",
        )
    duration = declared or measured or _container_seconds(container)
    rate = stream.average_rate or stream.guessed_rate
    fps = float(rate) if rate else (span.count / duration if duration else None)
    return dict(
        kind="video", width=width, height=height, duration=duration, fps=fps, has_audio=has_audio
    )


def _probe_audio(
    container: av.container.InputContainer, stream: av.AudioStream, label: str, fmt: str
) -> dict[str, Any]:
    first, span = _demux(container, stream)
    if first is None:
        raise _unreadable(label, fmt, "no sound decodes")
    # The packets' own times are exact where headers only estimate (VBR MP3, raw AAC).
    declared = float(stream.duration * stream.time_base) if stream.duration else None
    duration = span.seconds(stream.time_base) or declared or _container_seconds(container)
    if not duration:
        raise _unreadable(label, fmt, "it holds no sound")
    return dict(kind="audio", width=None, height=None, duration=duration, fps=None, has_audio=True)


def _demux(
    container: av.container.InputContainer, stream: av.stream.Stream
) -> tuple[av.frame.Frame | None, _Span]:
    """Read every packet of ``stream`` (cheap: no decoding) and decode until the first frame."""
    first: av.frame.Frame | None = None
    span = _Span()
    for packet in container.demux(stream):
        if packet.size == 0:
            continue  # the flush packet at the end
        span.add(packet)
        if first is None:
            first = next(iter(packet.decode()), None)
    if first is None:
        first = next(iter(stream.codec_context.decode(None)), None)  # frames held back
    return first, span


def _container_seconds(container: av.container.InputContainer) -> float | None:
    return container.duration / av.time_base if container.duration else None
