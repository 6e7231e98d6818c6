"""Photos and one sentence in, an MP4 out: behind ``nemo-widgets make``, PromptLab and Batch.

It is a conversation like any other, run through the same
:class:`~nemo_widgets.assistant.Assistant` as NemoStudio: upload the files, send one message
(the aspect ratio and the music are asked for in words, as a user would), export. Every file
is checked before anything is sent, so bad input costs no session and no credits.

Progress is reported through ``on_event``: the assistant's events
(:mod:`nemo_widgets.assistant.events`) plus :class:`Stage` and :class:`UploadProgress` below.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..api import uploads
from ..api.client import AsyncNemoClient
from ..api.errors import NemoError
from ..api.sync_client import NemoClient
from ..assistant import Assistant
from ..config import MAX_UPLOAD_BYTES
from ..timeline import Timeline

#: The frames NemoVideo renders: 1920x1080, 1080x1920 and the two social formats below them.
ASPECTS = ("16:9", "9:16", "1:1", "4:5")

StageName = str  # "upload" | "turn" | "render"


@dataclass(frozen=True)
class Stage:
    """A step of the job begins: ``upload``, ``turn`` (the agent edits) or ``render``."""

    name: StageName


@dataclass(frozen=True)
class UploadProgress:
    """``sent`` of ``total`` bytes are uploaded; ``name`` is the file that just finished."""

    name: str
    sent: int
    total: int


@dataclass(frozen=True)
class MadeVideo:
    """A finished video and how it was made."""

    path: Path
    prompt: str
    #: What the agent said about its edit.
    reply: str
    timeline: Timeline
    #: The length of the MP4 as read from the file (the timeline's length if it cannot be read).
    duration_s: float
    size: int
    session_id: str
    #: Seconds spent uploading, in the agent's turn, and exporting (render and download).
    upload_s: float
    turn_s: float
    render_s: float

    @property
    def total_s(self) -> float:
        return self.upload_s + self.turn_s + self.render_s


class MakeFailed(NemoError):
    """The agent did not produce a video (its turn failed, or it made no timeline).

    ``stage`` says where it stopped; ``session_id`` is the project, so the work so far can be
    continued in a notebook with ``NemoStudio(session_id=...)``.
    """

    def __init__(self, message: str, *, stage: StageName, session_id: str | None):
        super().__init__(message)
        self.stage = stage
        self.session_id = session_id


def failure_message(exc: BaseException) -> str:
    """Why a video was not made, in the words shown to the user; when the project is kept on
    the server, also how to continue it in a notebook."""
    if isinstance(exc, MakeFailed) and exc.session_id:
        return (
            f"{exc.message} (The project is kept: continue it with "
            f"NemoStudio(session_id={exc.session_id!r}).)"
        )
    if isinstance(exc, NemoError):
        return exc.message
    if isinstance(exc, (OSError, ValueError)) and str(exc):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class CheckedFile:
    path: Path
    size: int
    kind: str  # "image" | "video" | "audio"


def check_inputs(
    photos: Sequence[str | os.PathLike[str]],
    *,
    music: str | os.PathLike[str] | None = None,
    aspect: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> list[CheckedFile]:
    """Every file checked as the upload would (exists, accepted format, size), without sending.

    Raises ``ValueError`` for a wrong argument, ``OSError`` for a missing or unreadable file,
    and :class:`~nemo_widgets.api.UnsupportedFile` / :class:`~nemo_widgets.api.FileTooLarge`.
    """
    if isinstance(photos, (str, os.PathLike)):
        photos = [photos]
    if not photos:
        raise ValueError("No photos given: pass at least one photo or video file.")
    if aspect is not None and aspect not in ASPECTS:
        raise ValueError(
            f"Aspect ratio {aspect!r} is not available: use one of {', '.join(ASPECTS)}."
        )
    paths = [Path(photo).expanduser() for photo in photos]
    checked = _check(paths, max_bytes)
    audio = [file.path.name for file in checked if file.kind == "audio"]
    if audio:
        raise ValueError(
            f"{', '.join(audio)} is audio, not a photo or a clip: give it as the music "
            "(music=… in Python, --music on the command line)."
        )
    if music is not None:
        (track,) = _check([Path(music).expanduser()], max_bytes)
        if track.kind != "audio":
            raise ValueError(
                f"{track.path.name} is not an audio file: music must be mp3, wav, m4a or aac."
            )
        checked.append(track)
    return checked


def _check(paths: list[Path], max_bytes: int) -> list[CheckedFile]:
    with contextlib.ExitStack() as stack:
        prepared = uploads.prepare(tuple(paths), max_bytes, stack)
    return [
        CheckedFile(path, file.size, file.mime.split("/", 1)[0])
        for path, file in zip(paths, prepared, strict=True)
    ]


def compose_message(prompt: str, *, aspect: str | None = None, music: str | None = None) -> str:
    """The one message sent to the agent: the prompt, plus the aspect and music in words."""
    prompt = prompt.strip()
    if not prompt:
        raise ValueError(
            "The prompt is empty: say what to make, for example "
            "'turn these images into a 15-second video with smooth transitions'."
        )
    if not aspect and not music:
        return prompt
    parts = [prompt if prompt.endswith((".", "!", "?", "。")) else prompt + "."]
    if aspect:
        parts.append(f"Aspect ratio {aspect}.")
    if music:
        parts.append(f"Use {music} as background music.")
    return " ".join(parts)


@contextlib.asynccontextmanager
async def client_for(
    client: AsyncNemoClient | NemoClient | None,
) -> AsyncIterator[AsyncNemoClient]:
    """The async client for a run: ``client``'s own, or a new one from the environment that is
    closed when the run ends (PromptLab and Batch take either kind, or none)."""
    if client is not None:
        yield client.aio if isinstance(client, NemoClient) else client
        return
    # Settings may start the local engine: keep that wait off the event loop.
    own = await asyncio.to_thread(AsyncNemoClient)
    try:
        yield own
    finally:
        await own.aclose()


async def make_video(
    client: AsyncNemoClient,
    photos: Sequence[str | os.PathLike[str]],
    prompt: str,
    output: str | os.PathLike[str] | None = None,
    *,
    aspect: str | None = None,
    music: str | os.PathLike[str] | None = None,
    on_event: Callable[[object], None] | None = None,
) -> MadeVideo:
    """Make one video: upload ``photos`` (and ``music``), send ``prompt``, export to ``output``.

    ``output`` is a file or a folder (default: the assistant's videos folder); an existing file
    there is replaced. Raises what :func:`check_inputs` raises before anything is sent;
    :class:`MakeFailed` if the agent makes no timeline; :class:`NemoError` for service problems.
    """
    files = check_inputs(
        photos, music=music, aspect=aspect, max_bytes=client.settings.max_upload_bytes
    )
    message = compose_message(
        prompt, aspect=aspect, music=files[-1].path.name if music is not None else None
    )
    emit = on_event or (lambda event: None)
    assistant = Assistant(client, on_event=emit)

    emit(Stage("upload"))
    started = time.perf_counter()
    total = sum(file.size for file in files)
    sent = 0
    emit(UploadProgress("", sent, total))
    for file in files:  # one at a time: the progress moves file by file
        await assistant.upload(file.path)
        sent += file.size
        emit(UploadProgress(file.path.name, sent, total))
    uploaded = time.perf_counter()

    emit(Stage("turn"))
    reply = await assistant.say(message)
    turned = time.perf_counter()
    if reply.exception is not None:
        raise reply.exception  # keeps its kind: out of credits, a refused token, no server...
    if reply.error or reply.stopped:
        raise MakeFailed(
            reply.error or "The agent's turn was stopped.",
            stage="turn",
            session_id=assistant.session_id,
        )
    if not assistant.timeline.ready_for_export:
        said = reply.text.strip()
        hint = (
            f"It said: {said}"
            if said
            else "Try a prompt like 'turn these images into a 15-second video with smooth "
            "transitions'."
        )
        raise MakeFailed(
            f"The agent made no video from that prompt. {hint}",
            stage="turn",
            session_id=assistant.session_id,
        )

    emit(Stage("render"))
    path = await assistant.export(output)
    video = assistant.video
    assert video is not None  # export() returned: the video is there
    return MadeVideo(
        path=path,
        prompt=prompt,
        reply=reply.text,
        timeline=assistant.timeline,
        duration_s=video.duration_s,
        size=video.size,
        session_id=assistant.session_id or "",
        upload_s=uploaded - started,
        turn_s=turned - uploaded,
        render_s=time.perf_counter() - turned,
    )
