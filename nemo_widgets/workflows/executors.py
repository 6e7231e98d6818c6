"""Batch and PromptLab items as tasks on a Dask cluster or any ``concurrent.futures`` executor.

One item (photos + prompt -> MP4) is one task, :func:`make_item`, run wherever the executor
puts it. The notebook's side (:class:`Fanout`) keeps the record, the skipping and the files:
a task only ever returns the finished MP4 as bytes, which the batch writes next to its record
(through its staging folder, moved into place at once), so a worker that dies mid-task, a task
that Dask runs again, or a run that is interrupted leaves no partial file and no duplicate.

Where a task makes its video:

* **local engine** (no token, no server URL): each worker process starts an engine of its own
  on its first task and reuses it for the later ones, its data in the worker's temporary space
  (a Dask worker's ``local_directory``, else a temporary folder removed when the process
  exits). Tasks run in the notebook's own process (a ``ThreadPoolExecutor``, a Dask cluster
  with ``processes=False``) use the notebook's engine instead.
* **cloud or another server**: every worker talks to the same server with the person's token.
  The token travels inside the task as a :class:`~nemo_widgets.api.auth.Secret`: never in a
  task key (those are ``nemo-video-<random hex>``), a repr, a log line or the dashboard.

The photos: with ``ship_photos="auto"`` (the default) an item goes out with the paths of its
photos; a worker that cannot see one of them (missing, or a different size or modification
time) sends the item back, and from then on every item goes out with its photos' bytes.
``ship_photos=True`` always sends the bytes (workers on other machines without a shared
disk); ``ship_photos=False`` never does (a shared disk: a worker that cannot see a photo fails
that item and says so).

``dask[distributed]`` is optional (``pip install "nemo-widgets[dask]"``): it is never imported
here; a Dask ``Client`` is recognised only when the person has imported distributed already.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import dataclasses
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .._secret import Secret
from ..api.client import AsyncNemoClient
from ..api.errors import AuthError, ExportBlocked, OutOfCredits
from ..api.sync_client import NemoClient
from ..config import Settings, Timings
from .make import MadeVideo, MakeFailed, check_inputs, failure_message, make_video

__all__ = [
    "Backend",
    "Fanout",
    "ItemJob",
    "ItemOutcome",
    "RemoteFailed",
    "RemoteVideo",
    "ShipPhotos",
    "check_executor",
    "make_item",
]

ShipPhotos = bool | Literal["auto"]

# After these, every other item would fail the same way (the batch stops starting new ones).
_STOP_THE_REST = (AuthError, OutOfCredits, ExportBlocked)
# Two tasks per worker thread are handed to the executor at a time: one running, one waiting,
# so a worker never idles between tasks while the rest of the batch is not yet submitted.
_TASKS_PER_THREAD = 2
# File systems round modification times differently (NFS, SMB): this close counts as the same.
_MTIME_SLACK_NS = 2_000_000_000


# -- what travels to the worker and back --------------------------------------------------


@dataclass(frozen=True)
class Backend:
    """Where tasks make their videos: ``"local"`` (each worker's own engine) or ``"server"``
    (``url``, the cloud or another server, with the person's ``token``)."""

    kind: Literal["local", "server"]
    url: str
    token: Secret | None = field(repr=False)
    timings: Timings = field(repr=False)
    max_upload_bytes: int
    #: (host name, process id) of the notebook: a task running there uses its engine.
    origin: tuple[str, int]

    @classmethod
    def of(cls, client: NemoClient | AsyncNemoClient | None) -> Backend:
        """The backend ``client`` talks to, or the one the environment names (no engine is
        started here: the workers start their own)."""
        settings = client.settings if client is not None else Settings.resolve()
        kind: Literal["local", "server"] = "local" if settings.backend_kind == "local" else "server"
        return cls(
            kind=kind,
            url=settings.base_url,
            token=settings.token,
            timings=settings.timings,
            max_upload_bytes=settings.max_upload_bytes,
            origin=_this_process(),
        )


@dataclass(frozen=True)
class SentFile:
    """A photo (or the music) as the notebook sees it; ``data`` when it is shipped."""

    path: str
    size: int
    mtime_ns: int
    data: bytes | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class ItemJob:
    """One task: make the video of ``prompt`` from ``photos`` (and ``music``). ``label`` (the
    item's name) is only there to be seen in the task's repr, e.g. on the Dask dashboard."""

    label: str
    prompt: str
    aspect: str | None
    photos: tuple[SentFile, ...]
    music: SentFile | None
    backend: Backend

    @property
    def shipped(self) -> bool:
        return all(file.data is not None for file in self.files())

    def files(self) -> tuple[SentFile, ...]:
        return (*self.photos, self.music) if self.music is not None else self.photos


@dataclass(frozen=True)
class ItemOutcome:
    """What a task sends back: the video's bytes and how it was made, or why it was not.

    ``unseen`` is a photo the worker could not see (the item is to be sent with its photos).
    ``times`` are seconds: ``engine`` (starting the worker's engine, its first task only),
    ``upload``, ``turn``, ``render`` (render and download from the engine) and ``task``.
    """

    worker: str
    made: MadeVideo | None = None
    video: bytes | None = field(default=None, repr=False)
    error: str | None = None
    session_id: str | None = None
    stops_the_rest: bool = False
    unseen: str | None = None
    times: dict[str, float] = field(default_factory=dict)

    def __sizeof__(self) -> int:
        # Dask sizes results with sys.getsizeof: count the video, or its memory is not seen.
        return object.__sizeof__(self) + (len(self.video) if self.video is not None else 0)


@dataclass(frozen=True)
class RemoteVideo:
    """A video made by a task and written on the notebook's machine."""

    made: MadeVideo
    worker: str
    #: The task's ``times``, plus ``transfer``: fetching the result and writing the file.
    times: dict[str, float]


class RemoteFailed(MakeFailed):
    """An item's task made no video: ``message`` says why (as on one machine)."""

    def __init__(
        self,
        message: str,
        *,
        session_id: str | None = None,
        stops_the_rest: bool = False,
        worker: str | None = None,
    ):
        super().__init__(message, stage="task", session_id=session_id)
        self.stops_the_rest = stops_the_rest
        self.worker = worker


# -- the notebook's side --------------------------------------------------------------------


def check_executor(executor: object, ship_photos: object = "auto") -> None:
    """``TypeError``/``ValueError`` unless ``executor`` is one :class:`Fanout` can use."""
    if not (isinstance(executor, Executor) or _is_dask_client(executor)):
        raise TypeError(
            "executor must be a dask.distributed.Client or a concurrent.futures.Executor "
            "(ThreadPoolExecutor, ProcessPoolExecutor, ...), not "
            f"{type(executor).__name__}: for example run(executor=Client(cluster))."
        )
    if _is_dask_client(executor) and getattr(executor, "_asynchronous", False):
        raise ValueError(
            "This Dask Client is asynchronous (Client(..., asynchronous=True)): give a regular "
            "Client, which works with run() and with 'await run_async()' alike."
        )
    if ship_photos not in (True, False, "auto"):
        raise ValueError(
            f"ship_photos must be True, False or 'auto', not {ship_photos!r}: 'auto' sends the "
            "photos only to workers that cannot see them."
        )


class Fanout:
    """An executor as Batch and PromptLab use it: :meth:`make` one video as one task."""

    def __init__(self, executor: Any, backend: Backend, ship_photos: ShipPhotos, window: int):
        check_executor(executor, ship_photos)
        self.executor = executor
        self.backend = backend
        self.ship_photos = ship_photos
        #: How many tasks are handed to the executor at a time.
        self.window = window
        self._dask = _is_dask_client(executor)
        # Set once a worker could not see the photos: every later item ships them.
        self._workers_blind = ship_photos is True

    @classmethod
    async def start(
        cls,
        executor: Any,
        client: NemoClient | AsyncNemoClient | None,
        ship_photos: ShipPhotos = "auto",
    ) -> Fanout:
        check_executor(executor, ship_photos)
        threads = await asyncio.to_thread(_threads, executor)
        return cls(executor, Backend.of(client), ship_photos, max(2, _TASKS_PER_THREAD * threads))

    @property
    def local_engines(self) -> bool:
        return self.backend.kind == "local"

    async def make(
        self,
        label: str,
        photos: list[Path],
        prompt: str,
        output: Path,
        *,
        aspect: str | None = None,
        music: Path | None = None,
    ) -> RemoteVideo:
        """Make one video as a task and write it to ``output``; :class:`RemoteFailed` (or what
        :func:`~nemo_widgets.workflows.make.check_inputs` raises, before any task) when there is
        none."""
        max_bytes = self.backend.max_upload_bytes
        check_inputs(photos, music=music, aspect=aspect, max_bytes=max_bytes)
        outcome = await self._run(label, photos, prompt, aspect, music, self._workers_blind)
        if outcome.unseen is not None and self.ship_photos == "auto":
            self._workers_blind = True
            outcome = await self._run(label, photos, prompt, aspect, music, True)
        if outcome.unseen is not None:
            raise RemoteFailed(
                f"The worker {outcome.worker} cannot see {outcome.unseen}: give the workers "
                "the same files at the same paths, or run with ship_photos=True (or 'auto') "
                "to send the photos with each task.",
                worker=outcome.worker,
            )
        if outcome.made is None or outcome.video is None:
            raise RemoteFailed(
                outcome.error or "The task made no video.",
                session_id=outcome.session_id,
                stops_the_rest=outcome.stops_the_rest,
                worker=outcome.worker,
            )
        started = time.perf_counter()
        await asyncio.to_thread(output.write_bytes, outcome.video)
        times = dict(outcome.times)
        times["transfer"] = times.get("transfer", 0.0) + time.perf_counter() - started
        made = dataclasses.replace(outcome.made, path=output)
        return RemoteVideo(made, outcome.worker, times)

    async def _run(
        self,
        label: str,
        photos: list[Path],
        prompt: str,
        aspect: str | None,
        music: Path | None,
        ship: bool,
    ) -> ItemOutcome:
        job = await asyncio.to_thread(
            _job, label, photos, prompt, aspect, music, self.backend, ship
        )
        loop = asyncio.get_running_loop()
        finished = asyncio.Event()

        def tell(_: object) -> None:  # on the executor's callback thread
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
                loop.call_soon_threadsafe(finished.set)

        # Submitted from here, not a thread: an interrupt cannot fall between the submit and
        # the cancel below (submit only queues the task; Dask sends it from its own loop).
        future = self._submit(job)
        try:
            future.add_done_callback(tell)
            await finished.wait()
        except BaseException:
            # Interrupted (or the run stopped): a task that has not started never will; one
            # that is running finishes on its worker and its result is dropped.
            with contextlib.suppress(Exception):  # e.g. the Dask client was closed meanwhile
                future.cancel()
            raise
        started = time.perf_counter()
        try:
            outcome: ItemOutcome = await asyncio.to_thread(future.result)
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError) and not future.cancelled():
                raise  # this run was cancelled, not the task
            raise RemoteFailed(_task_error(exc)) from exc
        outcome.times["transfer"] = time.perf_counter() - started
        return outcome

    def _submit(self, job: ItemJob) -> Any:
        if self._dask:
            # A random key: readable in the dashboard ("nemo-video"), derived from nothing in
            # the job (Dask would otherwise hash the arguments, token included, into it).
            return self.executor.submit(make_item, job, key=f"nemo-video-{uuid.uuid4().hex}")
        return self.executor.submit(make_item, job)


def _job(
    label: str,
    photos: list[Path],
    prompt: str,
    aspect: str | None,
    music: Path | None,
    backend: Backend,
    ship: bool,
) -> ItemJob:
    def sent(path: Path) -> SentFile:
        stat = path.stat()
        data = path.read_bytes() if ship else None
        return SentFile(str(path.resolve()), stat.st_size, stat.st_mtime_ns, data)

    return ItemJob(
        label=label,
        prompt=prompt,
        aspect=aspect,
        photos=tuple(sent(path) for path in photos),
        music=sent(music) if music is not None else None,
        backend=backend,
    )


def _threads(executor: Any) -> int:
    """How many tasks the executor runs at once (for the window of tasks handed to it)."""
    if _is_dask_client(executor):
        return sum(executor.nthreads().values()) or 1
    workers = getattr(executor, "_max_workers", None)  # Thread- and ProcessPoolExecutor
    return workers if isinstance(workers, int) and workers > 0 else os.cpu_count() or 1


def _task_error(exc: BaseException) -> str:
    """Why a task itself failed (not the item: that is an outcome), in a line."""
    if isinstance(exc, asyncio.CancelledError) or type(exc).__name__ == "FutureCancelledError":
        return "The task was cancelled on the executor before it finished."
    if type(exc).__name__ == "KilledWorker":
        return f"Every worker that ran this task died while running it: {exc}"
    return f"The task failed on the executor: {type(exc).__name__}: {exc}"


def _is_dask_client(obj: object) -> bool:
    distributed = sys.modules.get("distributed")
    return distributed is not None and isinstance(obj, distributed.Client)


# -- the worker's side ---------------------------------------------------------------------


class _Unseen(Exception):
    """The worker cannot see this photo as the notebook does."""


def make_item(job: ItemJob) -> ItemOutcome:
    """The task: make one video where this runs and return its bytes (never raises for an
    item's own failure: that is an outcome, so the executor does not retry it)."""
    started = time.perf_counter()
    worker = _worker_name()
    times: dict[str, float] = {}
    own_engine = job.backend.kind == "local" and _this_process() != job.backend.origin
    try:
        with tempfile.TemporaryDirectory(prefix="nemo-item-", dir=_workspace()) as tmp:
            folder = Path(tmp)
            photos = [_here(file, folder / f"{n}") for n, file in enumerate(job.photos)]
            music = _here(job.music, folder / "music") if job.music is not None else None
            output = folder / "video.mp4"
            made = asyncio.run(_make(job, photos, music, output, own_engine, times))
            video = output.read_bytes()
    except _Unseen as exc:
        return ItemOutcome(worker, unseen=str(exc), times=times)
    except Exception as exc:
        times["task"] = time.perf_counter() - started
        # A project on a worker's own engine cannot be continued from the notebook.
        reachable = isinstance(exc, MakeFailed) and not own_engine
        return ItemOutcome(
            worker,
            error=exc.message if isinstance(exc, MakeFailed) else failure_message(exc),
            session_id=exc.session_id if reachable else None,
            stops_the_rest=isinstance(exc, _STOP_THE_REST),
            times=times,
        )
    times.update(upload=made.upload_s, turn=made.turn_s, render=made.render_s)
    times["task"] = time.perf_counter() - started
    return ItemOutcome(worker, made=made, video=video, session_id=made.session_id, times=times)


async def _make(
    job: ItemJob,
    photos: list[Path],
    music: Path | None,
    output: Path,
    own_engine: bool,
    times: dict[str, float],
) -> MadeVideo:
    backend = job.backend
    config_dir: Path | None = None
    if own_engine:
        started = time.perf_counter()
        url, config_dir, new = await asyncio.to_thread(_own_engine)
        if new:
            times["engine"] = time.perf_counter() - started
    else:
        # The server, or in the notebook's own process its engine ("local": the default one).
        url = backend.url
    token = backend.token.reveal() if backend.token is not None else None
    client = await asyncio.to_thread(
        AsyncNemoClient,
        url,
        token,
        config_dir=config_dir,
        timings=backend.timings,
        max_upload_bytes=backend.max_upload_bytes,
    )
    async with client:
        return await make_video(client, photos, job.prompt, output, aspect=job.aspect, music=music)


def _here(file: SentFile, folder: Path) -> Path:
    """The file on this worker: written from the shipped bytes, or the notebook's path when
    this worker sees the same file there (``_Unseen`` if not)."""
    if file.data is not None:
        folder.mkdir()
        path = folder / file.name  # the file's own name: the agent and the video may use it
        path.write_bytes(file.data)
        return path
    path = Path(file.path)
    try:
        stat = path.stat()
    except OSError:
        raise _Unseen(file.path) from None
    if stat.st_size != file.size or abs(stat.st_mtime_ns - file.mtime_ns) > _MTIME_SLACK_NS:
        raise _Unseen(file.path)
    return path


# This process's own engine (a worker's), started on its first task: (pid, engine, config).
_engine: tuple[int, Any, Path] | None = None
_engine_lock = threading.Lock()


def _own_engine() -> tuple[str, Path, bool]:
    """The URL of this worker process's engine, the config folder its clients use, and whether
    it was started just now."""
    global _engine
    with _engine_lock:
        pid = os.getpid()
        if _engine is not None and _engine[0] == pid and _engine[1].thread.is_alive():
            return _engine[1].url, _engine[2], False
        from ..engine.server import run_in_thread  # the engine is imported only where it runs

        space = _workspace() / f"nemo-engine-{pid}"
        running = run_in_thread(space / "data")
        atexit.register(running.stop)
        _engine = (pid, running, space / "config")
        return running.url, space / "config", True


_space: tuple[int, Path] | None = None
_space_lock = threading.Lock()


def _workspace() -> Path:
    """This worker's temporary space: a Dask worker's local directory, else a temporary folder
    of this process, removed when it exits."""
    global _space
    worker = _dask_worker()
    if worker is not None:
        return Path(worker.local_directory)
    with _space_lock:
        if _space is None or _space[0] != os.getpid():
            folder = Path(tempfile.mkdtemp(prefix="nemo-worker-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            _space = (os.getpid(), folder)
        return _space[1]


def _dask_worker() -> Any:
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return None
    try:
        return distributed.get_worker()
    except ValueError:  # not in a Dask worker
        return None


def _worker_name() -> str:
    """The Dask worker's address, else ``host pid N``."""
    worker = _dask_worker()
    if worker is not None:
        return str(worker.address)
    host, pid = _this_process()
    return f"{host} pid {pid}"


def _this_process() -> tuple[str, int]:
    return socket.gethostname(), os.getpid()
