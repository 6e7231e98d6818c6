"""Many photo sets into many videos: :class:`Batch`, one progress bar and a table of results.

Each item is one call of :func:`~nemo_widgets.workflows.make.make_video`: its photos and prompt make
``<folder>/<name>.mp4``. A failing item (a bad file, a prompt the agent made nothing of, a
failed render) is recorded with its message and the others go on.

The batch keeps a record, ``<folder>/nemo-batch.json``, updated after every item (a record of
thousands of items takes its latest ones in a journal beside it between rewrites). Running the
same batch again (after a kernel restart, say) skips the items whose video is still there and
whose inputs are unchanged, retries the failed ones, and makes again the ones whose prompt,
aspect, music or photos changed (a photo counts as changed when its path, size or modification
time does). The batch only ever replaces a video it made itself: any other file at an output
path is left alone and its item is reported as failed. Run one batch at a time per folder:
two running at once on the same folder would each keep only their own record.

``batch.run(executor=...)`` makes the items as tasks on a Dask cluster or any
``concurrent.futures`` executor (see :mod:`nemo_widgets.workflows.executors`); the record, the
skipping and the files stay on this machine and work the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import json
import os
import re
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from tqdm.auto import tqdm

from ..api.client import AsyncNemoClient
from ..api.errors import AuthError, ExportBlocked, OutOfCredits
from ..api.sync_client import NemoClient
from ..formats import FORMATS
from ..runtime import get_runtime
from .executors import Fanout, RemoteFailed, ShipPhotos, check_executor
from .make import ASPECTS, MadeVideo, MakeFailed, client_for, failure_message, make_video
from .outputs import Outputs, is_ours, prepare_folder, stamp, write_json
from .report import html_note, html_table, one_line, text_table

__all__ = ["MANIFEST_NAME", "Batch", "BatchItem", "BatchResult", "BatchTable"]

#: The batch's record, in the output folder.
MANIFEST_NAME = "nemo-batch.json"
_FORMAT = "nemo-widgets batch"
_VERSION = 1
_OUTPUTS = Outputs(
    made_by="this batch",
    what_to_do="move or rename it (or delete it), or give this item another name, then run again.",
    staging=".nemo-batch-partial",
)
_VISUAL_EXTENSIONS = frozenset(
    ext for fmt in FORMATS if fmt.category in ("image", "video") for ext in fmt.extensions
)
# After these, every other item would fail the same way: the rest are not started.
_STOP_THE_REST = (AuthError, OutOfCredits, ExportBlocked)
_BAD_NAME_CHARACTERS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')

Status = Literal["made", "skipped", "failed"]
PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class BatchItem:
    """One video to make: ``photos`` (files, or folders whose photos are used) and a prompt."""

    name: str
    photos: tuple[Path, ...]
    prompt: str
    aspect: str | None = None
    music: Path | None = None

    def photo_files(self) -> list[Path]:
        """The files to upload, in order: a folder gives its photos and clips sorted by name."""
        files: list[Path] = []
        for path in self.photos:
            if path.is_dir():
                found = _media_in(path)
                if not found:
                    raise FileNotFoundError(
                        f"{path} holds no photos ({', '.join(sorted(_VISUAL_EXTENSIONS))}): "
                        "add some, or give this item the photo files themselves."
                    )
                files.extend(found)
            else:
                files.append(path)
        return files


@dataclass(frozen=True)
class BatchResult:
    """What happened to one item in the latest run.

    ``status`` is ``"made"`` (made in this run), ``"skipped"`` (made by an earlier run, inputs
    unchanged) or ``"failed"`` (``error`` says why; ``session_id``, when there is one, is the
    project on the server, to continue with ``NemoStudio(session_id=...)``). ``path`` is the
    video (None when failed), ``duration_s`` its length, ``seconds`` the time spent on the item
    in this run. ``worker`` is where it was made when the batch ran on an executor (a Dask
    worker's address, or ``host pid N``); ``times`` are the seconds of its steps: ``upload``,
    ``turn`` and ``render`` (render and download), and on an executor also ``engine`` (starting
    the worker's engine), ``task`` (the whole task on the worker) and ``transfer`` (the video
    back to this machine).
    """

    name: str
    status: Status
    path: Path | None
    duration_s: float | None
    error: str | None
    seconds: float
    session_id: str | None = None
    worker: str | None = None
    times: dict[str, float] = field(default_factory=dict, compare=False)


class BatchTable:
    """The results as a table: printed as text, shown as HTML in a notebook."""

    columns = ("name", "status", "length", "time", "file or error")

    def __init__(self, results: Sequence[BatchResult]):
        self.results = list(results)

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        return [
            (
                result.name,
                result.status,
                f"{result.duration_s:.1f} s" if result.duration_s is not None else "–",
                "–" if result.status == "skipped" else f"{result.seconds:.1f} s",
                str(result.path) if result.path is not None else (result.error or ""),
            )
            for result in self.results
        ]

    def summary(self) -> str:
        """``2 made, 1 skipped, 1 failed``: the counts, in that order, zeros left out."""
        counts = {status: 0 for status in ("made", "skipped", "failed")}
        for result in self.results:
            counts[result.status] += 1
        return ", ".join(f"{n} {status}" for status, n in counts.items() if n) or "no results"

    def __str__(self) -> str:
        if not self.results:
            return "No results yet: run the batch with batch.run()."
        rows = [self.columns, *((*row[:4], one_line(row[4], 160)) for row in self.rows())]
        return "\n".join([*text_table(rows), self.summary()])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if not self.results:
            return html_note(str(self))
        colors = {"made": "#1a7f37", "skipped": "#57606a", "failed": "#cf222e"}
        rows = []
        for result, row in zip(self.results, self.rows(), strict=True):
            cells = [html.escape(cell) for cell in row]
            cells[1] = f"<span style='color:{colors[result.status]}'>{cells[1]}</span>"
            rows.append(cells)
        styles = [*(["text-align:left"] * 4), "text-align:left;white-space:pre-wrap"]
        return html_table(self.columns, rows, styles) + html_note(self.summary())


class Batch:
    """Many photo sets into many videos in ``folder``, resumable across runs and restarts.

    ::

        batch = Batch("videos")
        batch.add("beach", ["beach/1.jpg", "beach/2.jpg"], "make a 6-second slideshow")
        batch.add("hike", "photos/hike", "make a 10-second video with smooth transitions")
        batch.run()          # blocking, also in a notebook; or: await batch.run_async()
        batch.table()
        batch.run(executor=Client(cluster))   # the same batch as tasks on a Dask cluster

    ``client`` is a :class:`~nemo_widgets.NemoClient` or an
    :class:`~nemo_widgets.AsyncNemoClient` (not closed by the batch); by default one is made
    for the run from the environment (the NemoVideo cloud with ``NEMO_TOKEN``, else the local
    engine). An ``AsyncNemoClient`` belongs to the event loop it is used on: give it to
    :meth:`run_async`; :meth:`run` works on a private loop. ``concurrency`` items are worked on
    at a time; ``progress=False`` hides the progress bar. ``on_result`` is called with each
    item's :class:`BatchResult` as soon as it is known (and recorded), on the thread that runs
    the batch (with :meth:`run`, the private loop's thread: keep it quick).
    """

    def __init__(
        self,
        folder: PathLike = "videos",
        *,
        client: NemoClient | AsyncNemoClient | None = None,
        concurrency: int = 2,
        progress: bool = True,
        on_result: Callable[[BatchResult], object] | None = None,
    ):
        if client is not None and not isinstance(client, (NemoClient, AsyncNemoClient)):
            raise TypeError(
                f"client must be a NemoClient or an AsyncNemoClient, not {type(client).__name__}"
            )
        if not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(
                f"concurrency must be a whole number of 1 or more, not {concurrency!r}"
            )
        self.folder = Path(folder).expanduser()
        self.client = client
        self.concurrency = concurrency
        self.progress = progress
        self.on_result = on_result
        self.items: list[BatchItem] = []
        #: The results of the latest run, in the order the items were added.
        self.results: list[BatchResult] = []
        self._stopped_by: str | None = None

    @property
    def manifest_path(self) -> Path:
        """The batch's record of what it made: ``<folder>/nemo-batch.json``."""
        return self.folder / MANIFEST_NAME

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"<Batch {len(self.items)} item{'s' if len(self.items) != 1 else ''} -> {self.folder}>"
        )

    def add(
        self,
        name: str,
        photos: PathLike | Sequence[PathLike],
        prompt: str,
        *,
        aspect: str | None = None,
        music: PathLike | None = None,
    ) -> None:
        """Add one video: ``name`` gives ``<folder>/<name>.mp4``; ``photos`` are files, a folder
        (its photos and clips, sorted by name) or a mix; ``aspect`` one of 16:9, 9:16, 1:1, 4:5.

        Files are checked when the batch runs: a missing or unreadable one fails its item only.
        Raises ``ValueError`` for a name that is taken or cannot be a file name, no photos, an
        empty prompt or an unknown aspect.
        """
        name = _checked_name(name)
        taken = {item.name.casefold(): item.name for item in self.items}
        if name.casefold() in taken:
            raise ValueError(
                f"The batch already has an item named {taken[name.casefold()]!r}: give each item "
                "its own name (it names the video file)."
            )
        if isinstance(photos, (str, os.PathLike)):
            photos = [photos]
        paths = tuple(Path(photo).expanduser() for photo in photos)
        if not paths:
            raise ValueError(f"Item {name!r} has no photos: give photo files or a folder of them.")
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValueError(
                f"Item {name!r} has an empty prompt: say what to make, for example "
                "'make a 6-second slideshow with smooth transitions'."
            )
        if aspect is not None and aspect not in ASPECTS:
            raise ValueError(
                f"Aspect ratio {aspect!r} is not available: use one of {', '.join(ASPECTS)}."
            )
        music_path = Path(music).expanduser() if music is not None else None
        self.items.append(BatchItem(name, paths, prompt.strip(), aspect, music_path))

    @classmethod
    def from_folders(
        cls,
        root: PathLike,
        prompt: str,
        folder: PathLike = "videos",
        *,
        aspect: str | None = None,
        music: PathLike | None = None,
        client: NemoClient | AsyncNemoClient | None = None,
        concurrency: int = 2,
        progress: bool = True,
        on_result: Callable[[BatchResult], object] | None = None,
    ) -> Batch:
        """A batch with one item per subfolder of ``root`` that holds photos or clips, named
        after the subfolder, all with the same ``prompt`` (and ``aspect`` and ``music``).

        Subfolders are taken in name order; hidden ones and the output ``folder`` are left out.
        """
        root_path = Path(root).expanduser()
        if not root_path.is_dir():
            raise FileNotFoundError(
                f"{root_path} is not a folder: give the folder whose subfolders hold the photos."
            )
        batch = cls(
            folder, client=client, concurrency=concurrency, progress=progress, on_result=on_result
        )
        output = batch.folder.resolve()
        for sub in sorted(root_path.iterdir(), key=lambda p: _natural(p.name)):
            if sub.name.startswith(".") or not sub.is_dir() or sub.resolve() == output:
                continue
            if _media_in(sub):
                batch.add(sub.name, sub, prompt, aspect=aspect, music=music)
        if not batch.items:
            raise ValueError(
                f"No subfolder of {root_path} holds photos: put each set of photos in its own "
                "subfolder (its name becomes the video's name)."
            )
        return batch

    # -- running ---------------------------------------------------------------------------

    def run(self, executor: Any = None, *, ship_photos: ShipPhotos = "auto") -> list[BatchResult]:
        """Make every item not made yet and return the results (also in :attr:`results`).

        Blocks until done; works in a notebook too. Interrupting keeps what is finished.

        ``executor``, a ``dask.distributed.Client`` or a ``concurrent.futures.Executor``,
        makes each item as one task there (two per worker thread are handed to it at a time;
        ``concurrency`` is not used then); the videos come back to this machine. On the local
        engine each worker process starts an engine of its own. ``ship_photos``: ``"auto"``
        sends the photos with the tasks once a worker cannot see them, ``True`` always, ``False``
        never (the workers share the disk). Interrupting cancels the tasks not started yet.
        """
        if executor is not None:
            check_executor(executor, ship_photos)
        manifest = self._prepare()
        bar = self._progress_bar()
        try:
            return get_runtime().run(self._run(manifest, bar, executor, ship_photos))
        finally:
            bar.close()

    async def run_async(
        self, executor: Any = None, *, ship_photos: ShipPhotos = "auto"
    ) -> list[BatchResult]:
        """:meth:`run` for async code: ``results = await batch.run_async()``."""
        if executor is not None:
            check_executor(executor, ship_photos)
        manifest = self._prepare()
        bar = self._progress_bar()
        try:
            return await self._run(manifest, bar, executor, ship_photos)
        finally:
            bar.close()

    def table(self) -> BatchTable:
        """The latest results: name, status, length, time, and the file or the error."""
        return BatchTable(self.results)

    def _prepare(self) -> _Manifest:
        """Checks and reads done before the run, in the caller's thread (warnings show there)."""
        if not self.items:
            raise ValueError(
                "This batch has no items: add some with batch.add(name, photos, prompt), or "
                "build the batch with Batch.from_folders(root, prompt)."
            )
        prepare_folder(self.folder)
        return _Manifest.load(self.manifest_path)

    def _progress_bar(self) -> Any:
        return tqdm(total=len(self.items), desc="Videos", unit="video", disable=not self.progress)

    async def _run(
        self, manifest: _Manifest, bar: Any, executor: Any, ship_photos: ShipPhotos
    ) -> list[BatchResult]:
        self._stopped_by = None
        finished: dict[str, BatchResult] = {}

        def done(result: BatchResult) -> None:
            finished[result.name] = result
            bar.set_postfix_str(BatchTable(list(finished.values())).summary(), refresh=False)
            bar.update(1)
            if self.on_result is not None:
                self.on_result(result)

        try:
            async with _maker(self.client, executor, ship_photos) as (make, width):
                gate = asyncio.Semaphore(width or self.concurrency)
                tasks = [
                    asyncio.ensure_future(self._one(item, make, manifest, gate, done))
                    for item in self.items
                ]
                try:
                    await asyncio.gather(*tasks)
                except BaseException:
                    # Item failures are results; this is the record unwritable or an interrupt:
                    # stop every item rather than leave them working after run() has returned.
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    raise
        finally:
            self.results = [finished[i.name] for i in self.items if i.name in finished]
            _OUTPUTS.remove_staging(self.folder)
            with contextlib.suppress(OSError):  # unwritable: the journal is read next time
                manifest.finish()
        return self.results

    async def _one(
        self,
        item: BatchItem,
        make: _Make,
        manifest: _Manifest,
        gate: asyncio.Semaphore,
        done: Any,
    ) -> None:
        target = self.folder / f"{item.name}.mp4"
        entry = manifest.entries.get(item.name, {})
        started = time.perf_counter()
        try:
            photos = item.photo_files()
            fingerprint = _fingerprint(item, photos)
        except (OSError, ValueError) as exc:
            done(manifest.failed(item, None, failure_message(exc), time.perf_counter() - started))
            return
        video = entry.get("video")
        unchanged = entry.get("status") == "made" and entry.get("fingerprint") == fingerprint
        if unchanged and is_ours(target, video):
            done(
                BatchResult(
                    item.name,
                    "skipped",
                    target,
                    video.get("duration_s"),
                    None,
                    0.0,
                    entry.get("session_id"),
                )
            )
            return
        async with gate:
            started = time.perf_counter()
            if self._stopped_by is not None:
                message = f"Not started: {self._stopped_by}"
                done(manifest.failed(item, fingerprint, message, 0.0))
                return
            try:
                _OUTPUTS.refuse_foreign(target, video)
                with _OUTPUTS.staged(target) as partial:
                    made, worker, times = await make(item, photos, partial)
                    _OUTPUTS.move_into_place(made.path, target, video)
            except Exception as exc:
                stops = isinstance(exc, RemoteFailed) and exc.stops_the_rest
                if isinstance(exc, _STOP_THE_REST) or stops:
                    self._stopped_by = failure_message(exc)
                session_id = exc.session_id if isinstance(exc, MakeFailed) else None
                worker = exc.worker if isinstance(exc, RemoteFailed) else None
                seconds = time.perf_counter() - started
                done(
                    manifest.failed(
                        item, fingerprint, failure_message(exc), seconds, session_id, worker
                    )
                )
                return
            seconds = time.perf_counter() - started
            done(
                manifest.made(item, fingerprint, target, made, seconds, worker=worker, times=times)
            )


# -- where the videos are made ---------------------------------------------------------------

# Makes one item's video at the staging path: (the video, the worker, the steps' seconds).
_Make = Callable[
    [BatchItem, list[Path], Path], Awaitable[tuple[MadeVideo, str | None, dict[str, float]]]
]


@contextlib.asynccontextmanager
async def _maker(
    client: NemoClient | AsyncNemoClient | None, executor: Any, ship_photos: ShipPhotos
) -> AsyncIterator[tuple[_Make, int | None]]:
    """How this run makes a video, and how many items at a time (None: the batch's own
    ``concurrency``): here with the run's client, or as tasks on ``executor``."""
    if executor is not None:
        fanout = await Fanout.start(executor, client, ship_photos)

        async def on_executor(item: BatchItem, photos: list[Path], partial: Path) -> Any:
            remote = await fanout.make(
                item.name, photos, item.prompt, partial, aspect=item.aspect, music=item.music
            )
            return remote.made, remote.worker, remote.times

        yield on_executor, fanout.window
        return
    async with client_for(client) as nemo:

        async def here(item: BatchItem, photos: list[Path], partial: Path) -> Any:
            made = await make_video(
                nemo, photos, item.prompt, partial, aspect=item.aspect, music=item.music
            )
            return (
                made,
                None,
                {"upload": made.upload_s, "turn": made.turn_s, "render": made.render_s},
            )

        yield here, None


# -- the record ----------------------------------------------------------------------------


# A record this quick to rewrite is rewritten after every item. A slower one (thousands of
# items: 0.3 s for 10,000) is rewritten once ten times its cost has passed, and the items in
# between are appended to a journal next to it: the record takes at most about a tenth of the
# run, and an item once finished is on disk either way.
_QUICK_REWRITE_S = 0.02
_REWRITE_EVERY = 10


class _Manifest:
    """``nemo-batch.json``: per item name, the inputs' fingerprint, the outcome and the video
    made (size and modification time, which is how the batch knows the file is its own).

    Large records keep their latest items in ``.nemo-batch.json.journal`` (one JSON object per
    line) until the next rewrite; reading the record replays it, the end of a run folds it in.
    """

    def __init__(self, path: Path, entries: dict[str, dict[str, Any]]):
        self.path = path
        self.entries = entries
        self._rewrite_s = 0.0  # how long the latest rewrite took
        self._rewritten_at = -float("inf")

    @property
    def journal(self) -> Path:
        return self.path.with_name(f".{self.path.name}.journal")

    @classmethod
    def load(cls, path: Path) -> _Manifest:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, {})._replayed()
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != _FORMAT:
                raise ValueError("it is not a batch record")
            version = data.get("version")
            if not isinstance(version, int):
                raise ValueError("it has no version")
            if version > _VERSION:
                raise RuntimeError(
                    f"{path} was written by a newer nemo-widgets: upgrade nemo-widgets, or use "
                    "another folder for this batch."
                )
            entries = data.get("items")
            if not isinstance(entries, dict) or not all(
                isinstance(entry, dict) for entry in entries.values()
            ):
                raise ValueError("its items are not readable")
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            aside = _free_path(path.with_name(path.name + ".broken"))
            os.replace(path, aside)
            warnings.warn(
                f"The batch record {path} could not be read ({exc}). It was kept as "
                f"{aside.name} and a new record is started: every item is made again, except "
                f"where a video is already in {path.parent} (the batch can no longer tell it "
                "made it, so it leaves the file alone and reports the item as failed).",
                stacklevel=4,
            )
            return cls(path, {})._replayed()
        return cls(path, entries)._replayed()

    def _replayed(self) -> _Manifest:
        """These entries with the journal's applied (a run that stopped before folding it in)."""
        try:
            lines = self.journal.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return self
        for line in lines:
            try:
                update = json.loads(line)
            except ValueError:
                continue  # the last line, cut short by a crash: that item was not finished
            if isinstance(update, dict):
                self.entries.update((k, v) for k, v in update.items() if isinstance(v, dict))
        return self

    def made(
        self,
        item: BatchItem,
        fingerprint: str,
        path: Path,
        made: MadeVideo,
        seconds: float,
        *,
        worker: str | None,
        times: dict[str, float],
    ) -> BatchResult:
        duration_s, session_id = made.duration_s, made.session_id
        self.entries[item.name] = {
            "status": "made",
            "fingerprint": fingerprint,
            "prompt": item.prompt,
            "video": {"file": path.name, **stamp(path), "duration_s": duration_s},
            "error": None,
            "session_id": session_id,
            "seconds": round(seconds, 3),
            "worker": worker,
            "updated": _now(),
        }
        self.keep(item.name)
        return BatchResult(
            item.name, "made", path, duration_s, None, seconds, session_id, worker, times
        )

    def failed(
        self,
        item: BatchItem,
        fingerprint: str | None,
        error: str,
        seconds: float,
        session_id: str | None = None,
        worker: str | None = None,
    ) -> BatchResult:
        previous = self.entries.get(item.name, {})
        self.entries[item.name] = {
            "status": "failed",
            "fingerprint": fingerprint,
            "prompt": item.prompt,
            # A video made by an earlier run stays this batch's own, to be replaced later.
            "video": previous.get("video"),
            "error": error,
            "session_id": session_id,
            "seconds": round(seconds, 3),
            "worker": worker,
            "updated": _now(),
        }
        self.keep(item.name)
        return BatchResult(item.name, "failed", None, None, error, seconds, session_id, worker)

    def keep(self, name: str) -> None:
        """Put the entry of ``name`` on disk: a rewrite of the record, or a journal line."""
        since = time.monotonic() - self._rewritten_at
        if self._rewrite_s < _QUICK_REWRITE_S or since >= _REWRITE_EVERY * self._rewrite_s:
            self.save()
            return
        line = json.dumps({name: self.entries[name]}, ensure_ascii=False)
        with self.journal.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())

    def save(self) -> None:
        """Rewrite the record with every entry; the journal is then folded in."""
        started = time.monotonic()
        write_json(self.path, {"format": _FORMAT, "version": _VERSION, "items": self.entries})
        with contextlib.suppress(FileNotFoundError):
            self.journal.unlink()
        self._rewritten_at = time.monotonic()
        self._rewrite_s = self._rewritten_at - started

    def finish(self) -> None:
        """At the end of a run: fold the journal into the record, if there is one."""
        if self.journal.exists():
            self.save()


# -- helpers -------------------------------------------------------------------------------


def _checked_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"An item's name must be a non-empty string, not {name!r}.")
    bad = _BAD_NAME_CHARACTERS.search(name)
    if bad or name != name.strip() or name.startswith(".") or name.endswith(".") or len(name) > 200:
        what = f"the character {bad.group()!r}" if bad else "its start or end"
        raise ValueError(
            f"The item name {name!r} cannot be a file name ({what}): use letters, digits, "
            "spaces, - or _ (the video is saved as <folder>/<name>.mp4)."
        )
    if name.lower().endswith(".mp4"):
        raise ValueError(f"Give the item name without .mp4: {name[:-4]!r} is saved as {name!r}.")
    return name


def _media_in(folder: Path) -> list[Path]:
    """The photos and clips directly in ``folder`` (by extension), natural name order."""
    return sorted(
        (
            path
            for path in folder.iterdir()
            if not path.name.startswith(".")
            and path.suffix[1:].lower() in _VISUAL_EXTENSIONS
            and path.is_file()
        ),
        key=lambda path: _natural(path.name),
    )


def _natural(name: str) -> list[Any]:
    """Sort key that puts photo-2 before photo-10."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def _fingerprint(item: BatchItem, photos: list[Path]) -> str:
    """A hash of what the video is made from: prompt, aspect, music and every photo (absolute
    path, size, modification time). Raises ``OSError`` for a file that cannot be found."""

    def stamp(path: Path) -> list[Any]:
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise FileNotFoundError(
                f"{path}: no such file. Check the path and try again."
            ) from None
        return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]

    inputs = {
        "prompt": item.prompt,
        "aspect": item.aspect,
        "music": stamp(item.music) if item.music is not None else None,
        "photos": [stamp(path) for path in photos],
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _free_path(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
