"""``nemo-widgets make``: photos and one sentence to an MP4, with progress bars in the terminal.

The job is :func:`nemo_widgets.workflows.make.make_video` (the same assistant as NemoStudio);
this module only checks the command, draws its events as three bars (upload, turn, render) on
stderr and prints the outcome on stdout, so ``make ... > log.txt`` keeps the reply and the file
name.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..api import AsyncNemoClient
from ..assistant.events import ChatItemAdded, ExportChanged, TextDelta
from ..assistant.wording import file_size
from ..config import CLOUD_API_URL, MAX_UPLOAD_BYTES
from ..workflows.make import (
    ASPECTS,
    MadeVideo,
    Stage,
    UploadProgress,
    check_inputs,
    compose_message,
    make_video,
)
from .usage import EXIT_CODES_HELP, OK, UsageError

DESCRIPTION = """\
Make a video from photos and one sentence, e.g.
  nemo-widgets make beach*.jpg --prompt "a 15-second video with smooth transitions" -o beach.mp4

Without NEMO_TOKEN the video is made on this machine by the local engine (free, offline);
with --cloud (or NEMO_TOKEN set) NemoVideo's cloud makes it."""


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "make",
        help="make a video from photos and one sentence",
        description=DESCRIPTION,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("photos", nargs="+", type=Path, metavar="PHOTO", help="photos or clips")
    parser.add_argument("--prompt", "-p", required=True, help="what to make, in one sentence")
    parser.add_argument(
        "--output", "-o", type=Path, help="the MP4 to write, or a folder (default: here)"
    )
    parser.add_argument("--aspect", choices=ASPECTS, help="frame shape (default: the agent's)")
    parser.add_argument("--music", type=Path, help="an audio file to use as background music")
    parser.add_argument("--cloud", action="store_true", help="use NemoVideo's cloud")
    parser.add_argument(
        "--overwrite", action="store_true", help="replace the output file if it exists"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress, only the result")
    parser.set_defaults(run=make)


def make(args: argparse.Namespace) -> int:
    output = _output_target(args.output, overwrite=args.overwrite)
    # Checked before a client exists: a wrong file never starts an engine or a session.
    try:
        check_inputs(args.photos, music=args.music, aspect=args.aspect, max_bytes=MAX_UPLOAD_BYTES)
        compose_message(args.prompt)
    except (ValueError, OSError) as exc:
        raise UsageError(str(exc)) from None
    progress = Progress(enabled=not args.quiet)
    try:
        made = asyncio.run(_make(args, output, progress))
    finally:
        progress.close()
    _print_result(made)
    return OK


def _output_target(output: Path | None, *, overwrite: bool) -> Path:
    if output is None:
        return Path.cwd()
    output = output.expanduser()
    if output.is_dir() or str(output).endswith(("/", "\\")):
        return output
    if output.suffix.lower() != ".mp4":
        raise UsageError(f"{output}: the video is an MP4, so name it with .mp4 (or pass a folder).")
    if output.exists() and not overwrite:
        raise UsageError(f"{output} exists already: pass --overwrite to replace it, or another -o.")
    if not output.parent.exists():
        raise UsageError(f"{output.parent} does not exist: create the folder first.")
    return output


async def _make(args: argparse.Namespace, output: Path, progress: Progress) -> MadeVideo:
    async with AsyncNemoClient(base_url=CLOUD_API_URL if args.cloud else None) as client:
        progress.note(f"Using the {client.backend}")
        # Notices are shown even with --quiet: each explains what happens to the person's work.
        client.on_notice = _notice
        notice = await client.export_notice()
        if notice:
            _notice(notice)
        return await make_video(
            client,
            args.photos,
            args.prompt,
            output,
            aspect=args.aspect,
            music=args.music,
            on_event=progress,
        )


def _notice(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _print_result(made: MadeVideo) -> None:
    print(f"Agent: {made.reply.strip()}")
    print(made.timeline.summary())
    print(
        f"Saved {made.path} ({made.duration_s:.1f} s, {file_size(made.size)}) "
        f"in {made.total_s:.1f} s"
    )


class Progress:
    """The job's events as three bars on stderr: upload (bytes), turn (time), render (%).

    When stderr is not a terminal the bars become one line per step, so logs stay readable.
    """

    def __init__(self, *, enabled: bool = True, file: Any = None):
        self.file = file or sys.stderr
        self.enabled = enabled
        self.live = enabled and self.file.isatty()
        self._bar: tqdm | None = None
        self._stage = ""
        self._ticker: asyncio.Task[None] | None = None

    def __call__(self, event: object) -> None:
        if not self.enabled:
            return
        if isinstance(event, Stage):
            self._begin(event.name)
        elif isinstance(event, UploadProgress) and self._stage == "upload":
            self._advance(event.sent, total=event.total, text=event.name)
        elif isinstance(event, ChatItemAdded) and self._stage == "turn":
            if event.item.role == "status":
                self._say(event.item.text)
        elif isinstance(event, TextDelta) and self._stage == "turn":
            self._say("replying")
        elif isinstance(event, ExportChanged) and self._stage == "render":
            if event.state == "downloading":
                self._say("downloading")
            elif event.state == "rendering":
                self._advance(event.progress)

    def note(self, text: str) -> None:
        if self.enabled:
            print(text, file=self.file, flush=True)

    def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        if self._bar is not None:
            if self._stage == "render" and self._bar.total:
                self._bar.n = self._bar.total  # a render ends at 100 % even if polls missed it
            elif self._stage == "turn":
                self._bar.set_postfix_str("done", refresh=False)
            self._bar.close()
            self._bar = None

    def _begin(self, stage: str) -> None:
        self.close()
        self._stage = stage
        label = {"upload": "Uploading", "turn": "Agent", "render": "Rendering"}[stage]
        if not self.live:
            self.note(f"{label}…")
            return
        options: dict[str, Any] = {"desc": f"{label:<9}", "file": self.file, "leave": True}
        if stage == "upload":
            options |= {"unit": "B", "unit_scale": True, "unit_divisor": 1000}
        elif stage == "turn":
            options |= {"bar_format": "{desc}: {elapsed}{postfix}"}
            self._ticker = asyncio.get_running_loop().create_task(self._tick())
        else:
            options |= {"total": 100, "bar_format": "{desc}: {percentage:3.0f}%|{bar}| {elapsed}"}
        self._bar = tqdm(**options)

    def _advance(self, value: float, *, total: float | None = None, text: str = "") -> None:
        if self._bar is None:
            return
        if total is not None:
            self._bar.total = total
        self._bar.n = value
        if text:
            self._bar.set_postfix_str(text, refresh=False)
        self._bar.refresh()

    def _say(self, text: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(text.rstrip(".…"))
        elif not self.live and self._stage == "turn" and text != "replying":
            self.note(f"  {text}")

    async def _tick(self) -> None:
        """The turn has no measure of progress: keep its elapsed time moving."""
        while self._bar is not None:
            self._bar.refresh()
            await asyncio.sleep(0.2)
