"""Compare prompts: the same photos made into a video once per prompt, shown side by side.

Each prompt is one :func:`~nemo_widgets.workflows.make.make_video` call in its own session, several
at a time. The videos go to ``<folder>/NN-<slug of the prompt>.mp4`` (``01-make-a-slideshow.mp4``).
A prompt that fails (the agent made nothing of it, a render failed) is reported on its card and
in the table; the others go on.

The lab replaces only videos it made itself: it keeps a small record of them in
``<folder>/nemo-prompt-lab.json``, and any other file at an output path is left alone (that
prompt is reported as failed, with what to do).

``lab.run(executor=...)`` makes each prompt's video as one task on a Dask cluster or any
``concurrent.futures`` executor (see :mod:`nemo_widgets.workflows.executors`).

On the local engine each card can also have the engine's small preview of its video
(``previews=True``): the card's player shows it at once where the browser cannot fetch the
engine's URL and the full video has to cross the notebook's connection in pieces (Colab, a remote
Jupyter). The previews go to ``<folder>/.prompt-lab-previews/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import json
import logging
import os
import queue
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from ..api.client import AsyncNemoClient
from ..api.sync_client import NemoClient
from ..assistant import ExportChanged, VideoReady
from ..runtime import Runtime, get_runtime
from .executors import Fanout, RemoteFailed, ShipPhotos, check_executor
from .make import (
    MadeVideo,
    MakeFailed,
    Stage,
    UploadProgress,
    check_inputs,
    client_for,
    failure_message,
    make_video,
)
from .outputs import Outputs, prepare_folder, stamp, write_json
from .report import html_note, html_table, one_line, text_table

__all__ = ["RECORD_NAME", "LabResult", "LabTable", "PromptLab", "prompt_slug"]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

#: The lab's record of the videos it made, in its folder.
RECORD_NAME = "nemo-prompt-lab.json"
_RECORD_FORMAT = "nemo-widgets prompt lab"
_OUTPUTS = Outputs(
    made_by="this prompt lab",
    what_to_do="move or rename it (or choose another folder), then run again.",
    staging=".prompt-lab-partial",
)
#: The hidden folder, in the lab's folder, of the previews (the lab's own: replaced every run).
PREVIEWS_FOLDER = ".prompt-lab-previews"
PREVIEW_TIMEOUT_S = 300.0  # a preview not rendered by then is given up: the card plays the video
# A render that waited less than this before it started is shown without the wait.
_WAIT_WORTH_SAYING = 1.0


@dataclass(frozen=True, repr=False)
class LabResult:
    """One prompt's outcome: ``video`` when it was made, else ``error`` (why, in words).

    ``path`` is where the video is (or would have been). ``waited_s`` is, when the lab's other
    renders were still running as this one was asked for, about how much of the render time
    went to waiting for them: the seconds until the server reported progress (the local engine
    renders one video at a time); None otherwise. ``url`` is where the server serves the video.
    ``session_id`` is the project on the server, to continue with ``NemoStudio(session_id=...)``.
    ``worker`` is where the video was made when the lab ran on an executor. ``preview_path`` is
    the local engine's small preview of the video (480 px, 15 fps), which the card plays first
    where the full video must come through the notebook in pieces; None when there is none
    (``previews=False``, another server, an executor run, or the preview could not be made).
    """

    prompt: str
    video: MadeVideo | None
    error: str | None
    path: Path
    waited_s: float | None = None
    url: str | None = None
    session_id: str | None = None
    worker: str | None = None
    preview_path: Path | None = None

    @property
    def ok(self) -> bool:
        return self.video is not None

    @property
    def duration_s(self) -> float | None:
        """The video's length in seconds (read from the file), or None when it failed."""
        return self.video.duration_s if self.video is not None else None

    def __repr__(self) -> str:
        if self.video is None:
            return f"<LabResult {self.prompt!r}: failed: {one_line(self.error or '', 100)}>"
        return f"<LabResult {self.prompt!r}: {self.video.duration_s:.1f} s video at {self.path}>"


class LabTable:
    """The results as a table: printed as text, shown as HTML in a notebook.

    :meth:`rows` gives the same as plain values (e.g. for ``pandas.DataFrame(table.rows())``).
    """

    columns = ("#", "prompt", "length", "tracks", "render", "file or error")

    def __init__(self, results: Sequence[LabResult]):
        self.results = list(results)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per prompt: number, prompt, length_s, tracks, render_s, waited_s, file,
        error."""
        rows = []
        for number, result in enumerate(self.results, start=1):
            video = result.video
            rows.append(
                {
                    "number": number,
                    "prompt": result.prompt,
                    "length_s": round(video.duration_s, 2) if video else None,
                    "tracks": _tracks(video),
                    "render_s": round(video.render_s, 2) if video else None,
                    "waited_s": round(result.waited_s, 2) if result.waited_s is not None else None,
                    "file": result.path.name if video else None,
                    "error": result.error,
                }
            )
        return rows

    def _cells(self) -> list[tuple[str, ...]]:
        return [
            (
                str(row["number"]),
                row["prompt"],
                f"{row['length_s']:.1f} s" if row["length_s"] is not None else "–",
                row["tracks"] or "–",
                f"{row['render_s']:.1f} s" if row["render_s"] is not None else "–",
                row["file"] or f"failed: {row['error']}",
            )
            for row in self.rows()
        ]

    def __str__(self) -> str:
        if not self.results:
            return "No results yet: run the lab with lab.run()."
        rows = [
            self.columns,
            *((*c[:1], one_line(c[1], 48), *c[2:5], c[5]) for c in self._cells()),
        ]
        return "\n".join(text_table([(*row[:5], one_line(row[5], 160)) for row in rows]))

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if not self.results:
            return html_note(str(self))
        rows = []
        for result, cells in zip(self.results, self._cells(), strict=True):
            escaped = [html.escape(cell) for cell in cells]
            if not result.ok:
                escaped[5] = f"<span style='color:#cf222e'>{escaped[5]}</span>"
            rows.append(escaped)
        styles = ["text-align:left;vertical-align:top"] * len(self.columns)
        return html_table(self.columns, rows, styles)


@dataclass(frozen=True)
class _Update:
    """A prompt's progress, for its status line: ``percent`` 0-100 and a few words."""

    index: int
    percent: float
    text: str


# Makes one prompt's video at the staging path: (the video, the worker that made it or None).
_Make = Callable[[str, Path, "_Watch"], Awaitable[tuple[MadeVideo, "str | None"]]]
# Saves the preview of a made video (its session id) next to the video's path, or gives None.
_Preview = Callable[[str, Path], Awaitable["Path | None"]]


class PromptLab:
    """The same photos under several prompts, made at the same time and shown side by side.

    ::

        lab = PromptLab(photos, [
            "turn these images into a 15-second video with smooth transitions",
            "a 10 second video with Ken Burns motion and wipe transitions",
        ])
        lab.run()       # blocking, also in a notebook; or: await lab.run_async()
        lab             # in a notebook: one card per prompt, with the video
        lab.table()     # prompt, length, tracks, render time, file or error

    ``aspect`` (16:9, 9:16, 1:1 or 4:5) and ``music`` (an audio file) apply to every prompt.
    Files are checked here, before anything is sent. ``concurrency`` prompts are worked on at a
    time, each in its own session (the local engine still renders one video at a time, so
    their renders queue there). ``client`` is a :class:`~nemo_widgets.NemoClient` or an
    :class:`~nemo_widgets.AsyncNemoClient` (not closed by the lab); by default one is made for
    each run from the environment (the NemoVideo cloud with ``NEMO_TOKEN``, else the local
    engine). An ``AsyncNemoClient`` belongs to the event loop it is used on: give it to
    :meth:`run_async`; :meth:`run` works on the private loop of :mod:`nemo_widgets.runtime`.
    ``progress=False`` hides the status lines.

    ``previews=True`` (the default) asks the local engine, once each prompt's video is made, for
    its preview (480 px, 15 fps: 30-60x smaller than the export), kept in
    :attr:`LabResult.preview_path`. Each card's player shows it at once where the browser cannot
    fetch the engine's URL (Colab, a remote Jupyter, VS Code remote) and the full video has to
    come through the notebook in 1 MiB pieces, then switches to the full video. What it costs:
    one small render per prompt after the exports (the engine renders exports first), which the
    run waits for: on a 2-core machine a run of 3 prompts (10-15 s videos) took 5% longer
    (11.35 s against 10.84 s, median of 5) and 4% more CPU, while its cards showed 8x sooner
    where the videos came through the notebook at 2 MB/s (README, "Previews in VideoPlayer and
    PromptLab"). Where the browser can fetch the URL the preview is not used: ``previews=False``
    asks for none. Other servers are never asked (a render there may cost the person), and a
    run on an executor has no previews: only the videos come back from its workers.
    """

    def __init__(
        self,
        photos: PathLike | Sequence[PathLike],
        prompts: str | Sequence[str],
        *,
        folder: PathLike = "prompt-lab",
        aspect: str | None = None,
        music: PathLike | None = None,
        client: NemoClient | AsyncNemoClient | None = None,
        concurrency: int = 3,
        progress: bool = True,
        previews: bool = True,
    ):
        if client is not None and not isinstance(client, (NemoClient, AsyncNemoClient)):
            raise TypeError(
                f"client must be a NemoClient or an AsyncNemoClient, not {type(client).__name__}"
            )
        if not isinstance(previews, bool):
            raise TypeError(f"previews must be True or False, not {previews!r}")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(
                f"concurrency must be a whole number of 1 or more, not {concurrency!r}"
            )
        self.prompts = _checked_prompts(prompts)
        if isinstance(photos, (str, os.PathLike)):
            photos = [photos]
        checked = check_inputs(photos, music=music, aspect=aspect)
        self.photos = [file.path for file in checked if file.kind != "audio"]
        self.music = Path(music).expanduser() if music is not None else None
        self.aspect = aspect
        self.folder = Path(folder).expanduser()
        self.client = client
        self.concurrency = concurrency
        self.progress = progress
        self.previews = previews
        #: The results of the latest run, in prompt order (empty before the first run).
        self.results: list[LabResult] = []
        self._local_engine: bool | None = None  # known once a run has a client
        self._view: Any = None
        self._view_of: list[LabResult] | None = None

    def output_path(self, index: int) -> Path:
        """Where the video of prompt ``index`` (0-based) goes: ``<folder>/NN-<slug>.mp4``."""
        digits = max(2, len(str(len(self.prompts))))
        return self.folder / f"{index + 1:0{digits}d}-{prompt_slug(self.prompts[index])}.mp4"

    def __repr__(self) -> str:
        made = sum(result.ok for result in self.results)
        failed = len(self.results) - made
        done = f", {made} made, {failed} failed" if self.results else ", not run yet"
        count = len(self.prompts)
        return f"<PromptLab {count} prompt{'s' if count != 1 else ''}{done} -> {self.folder}>"

    # -- running ---------------------------------------------------------------------------

    def run(self, executor: Any = None, *, ship_photos: ShipPhotos = "auto") -> list[LabResult]:
        """Make every prompt's video and return the results (also in :attr:`results`).

        Blocks until all are done; works in a notebook too (the work runs on the private loop
        thread, the status lines are updated from here). Interrupting stops the prompts still
        running and keeps the results of those that finished.

        ``executor``, a ``dask.distributed.Client`` or a ``concurrent.futures.Executor``, makes
        each prompt's video as one task there (see :meth:`Batch.run
        <nemo_widgets.workflows.batch.Batch.run>` for ``ship_photos`` and the engines the workers
        use).
        """
        if executor is not None:
            check_executor(executor, ship_photos)
        runtime = self._runtime()
        if runtime.in_runtime_thread():
            raise RuntimeError(
                "PromptLab.run() was called on nemo-widgets' own event-loop thread: "
                "use 'await lab.run_async()' in async code."
            )
        prepare_folder(self.folder)  # in the caller's thread, before the run
        updates: queue.SimpleQueue[_Update] = queue.SimpleQueue()
        lines = _StatusLines(self.prompts, enabled=self.progress)
        future = runtime.submit(self._run(updates.put, executor, ship_photos))
        try:
            while True:
                try:
                    lines.show(updates.get(timeout=0.1))
                except queue.Empty:
                    if future.done():
                        break
            while not updates.empty():
                lines.show(updates.get_nowait())
            return future.result()
        except BaseException:
            future.cancel()  # the prompts still running stop; the finished ones are kept
            raise
        finally:
            lines.close()

    async def run_async(
        self, executor: Any = None, *, ship_photos: ShipPhotos = "auto"
    ) -> list[LabResult]:
        """:meth:`run` for async code: ``results = await lab.run_async()``.

        Runs on the caller's event loop, except with a :class:`NemoClient`, whose client lives
        on its own loop thread: the work then runs there.
        """
        if executor is not None:
            check_executor(executor, ship_photos)
        prepare_folder(self.folder)  # in the caller's thread, before the run
        lines = _StatusLines(self.prompts, enabled=self.progress)
        try:
            if isinstance(self.client, NemoClient) and not self._runtime().in_runtime_thread():
                loop = asyncio.get_running_loop()

                def post(update: _Update) -> None:
                    loop.call_soon_threadsafe(lines.show, update)

                future = self._runtime().submit(self._run(post, executor, ship_photos))
                try:
                    return await asyncio.wrap_future(future)
                finally:
                    future.cancel()
            return await self._run(lines.show, executor, ship_photos)
        finally:
            lines.close()

    def _runtime(self) -> Runtime:
        return self.client._runtime if isinstance(self.client, NemoClient) else get_runtime()

    async def _run(
        self,
        post: Callable[[_Update], None],
        executor: Any = None,
        ship_photos: ShipPhotos = "auto",
    ) -> list[LabResult]:
        finished: dict[int, LabResult] = {}
        renders: set[int] = set()  # prompts whose render was asked for and is not finished
        record = _Record.load(self.folder / RECORD_NAME)
        try:
            async with self._maker(executor, ship_photos) as (make, width, preview):
                gate = asyncio.Semaphore(width or self.concurrency)
                watches = [_Watch(index, post, renders) for index in range(len(self.prompts))]
                await asyncio.gather(
                    *(
                        self._one(index, make, preview, gate, record, watch, finished)
                        for index, watch in enumerate(watches)
                    )
                )
        finally:
            self.results = [finished[i] for i in sorted(finished)]
            _OUTPUTS.remove_staging(self.folder)
        return self.results

    @contextlib.asynccontextmanager
    async def _maker(
        self, executor: Any, ship_photos: ShipPhotos
    ) -> AsyncIterator[tuple[_Make, int | None, _Preview | None]]:
        """How this run makes a prompt's video, how many at a time (None: ``concurrency``) and
        how it gets a video's preview (None: it has none): with the run's client, or as tasks
        on ``executor`` (whose workers ship back the video only)."""
        if executor is not None:
            fanout = await Fanout.start(executor, self.client, ship_photos)
            self._local_engine = fanout.local_engines

            async def on_executor(prompt: str, partial: Path, watch: _Watch) -> Any:
                watch.post(_Update(watch.index, 5, "sent to the executor"))
                remote = await fanout.make(
                    prompt, self.photos, prompt, partial, aspect=self.aspect, music=self.music
                )
                return remote.made, remote.worker

            yield on_executor, fanout.window, None
            return
        async with client_for(self.client) as client:
            self._local_engine = client.settings.backend_kind == "local"

            async def here(prompt: str, partial: Path, watch: _Watch) -> Any:
                made = await make_video(
                    client,
                    self.photos,
                    prompt,
                    partial,
                    aspect=self.aspect,
                    music=self.music,
                    on_event=watch,
                )
                return made, None

            async def preview(session_id: str, target: Path) -> Path | None:
                return await _save_preview(client, session_id, self._preview_path(target))

            yield here, None, (preview if self.previews and self._local_engine else None)

    def _preview_path(self, target: Path) -> Path:
        return target.parent / PREVIEWS_FOLDER / target.name

    async def _one(
        self,
        index: int,
        make: _Make,
        preview: _Preview | None,
        gate: asyncio.Semaphore,
        record: _Record,
        watch: _Watch,
        finished: dict[int, LabResult],
    ) -> None:
        prompt = self.prompts[index]
        target = self.output_path(index)
        post = watch.post
        post(_Update(index, 0, "waiting"))
        async with gate:
            recorded = record.videos.get(target.name)
            try:
                _OUTPUTS.refuse_foreign(target, recorded)
                with _OUTPUTS.staged(target) as partial:
                    made, worker = await make(prompt, partial, watch)
                    _OUTPUTS.move_into_place(made.path, target, recorded)
                record.add(target, prompt)
            except Exception as exc:
                logger.debug("prompt %d failed", index + 1, exc_info=True)
                message = failure_message(exc)
                session_id = exc.session_id if isinstance(exc, MakeFailed) else None
                worker = exc.worker if isinstance(exc, RemoteFailed) else None
                finished[index] = LabResult(
                    prompt, None, message, target, session_id=session_id, worker=worker
                )
                post(_Update(index, watch.percent, f"failed: {one_line(message, 60)}"))
                return
            finally:
                watch.finished()
        video = dataclasses.replace(made, path=target)
        result = LabResult(
            prompt, video, None, target, watch.waited_s, watch.url, made.session_id, worker
        )
        finished[index] = result
        done = f"done: {video.duration_s:.1f} s"
        if preview is not None:
            # Outside the gate: the engine renders previews after every export, so waiting for
            # one must not keep the next prompt from starting.
            post(_Update(index, 99, f"{done}, making its preview"))
            preview_path = await preview(made.session_id, target)
            finished[index] = dataclasses.replace(result, preview_path=preview_path)
        post(_Update(index, 100, done))

    # -- showing ---------------------------------------------------------------------------

    def table(self) -> LabTable:
        """The latest results: prompt, length, tracks, render time, and the file or the error."""
        return LabTable(self.results)

    def view(self) -> Any:
        """The cards as an ipywidgets ``GridBox``: one per prompt, with its video.

        Shown when the lab is the last thing in a cell; call this to place it yourself.
        """
        if self._view is not None and self._view_of is self.results:
            return self._view
        import ipywidgets

        cards = [self._card(index) for index in range(len(self.prompts))]
        self._view = ipywidgets.GridBox(
            cards,
            layout=ipywidgets.Layout(
                grid_template_columns="repeat(auto-fill, minmax(300px, 1fr))",
                grid_gap="12px",
                width="100%",
            ),
        )
        self._view_of = self.results
        return self._view

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The cards as a widget, and the table as text where widgets cannot show."""
        bundle = dict(self.view()._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = str(self.table()) if self.results else repr(self)
        return bundle

    def _card(self, index: int) -> Any:
        import ipywidgets

        from ..widget.player import VideoPlayer

        prompt = self.prompts[index]
        target = self.output_path(index)
        result = next((r for r in self.results if r.path == target), None)
        header = ipywidgets.HTML(
            f"<div style='font-weight:600;line-height:1.35'>{index + 1}. "
            f"“{html.escape(prompt)}”</div>"
        )
        parts: list[Any] = [header]
        if result is None:
            parts.append(ipywidgets.HTML(_note("Not made yet: run lab.run().")))
        elif result.video is None:
            parts.append(ipywidgets.HTML(_failure(result)))
        else:
            # No preview_url: where the browser cannot fetch the video's URL, it cannot fetch the
            # preview's (the same server) either, so the preview comes from the kernel at once.
            preview = result.preview_path
            if preview is not None and not preview.is_file():
                preview = None  # deleted since: the player streams the video as without one
            parts.append(VideoPlayer(result.path, url=result.url, width="100%", preview=preview))
            parts.append(ipywidgets.HTML(self._details(result)))
        return ipywidgets.VBox(
            parts,
            layout=ipywidgets.Layout(
                border="1px solid rgba(128, 128, 128, 0.35)", padding="8px", min_width="0"
            ),
        )

    def _details(self, result: LabResult) -> str:
        video = result.video
        assert video is not None
        render = f"rendered in {video.render_s:.1f} s"
        if result.waited_s is not None and result.waited_s >= _WAIT_WORTH_SAYING:
            waited = f"about {result.waited_s:.1f} s of it"
            if self._local_engine:
                render += (
                    f" ({waited} waiting for the other prompts' renders: the local engine "
                    "renders one video at a time)"
                )
            else:
                render += f" ({waited} before the server started it)"
        lines = [
            f"<div><b>Agent:</b> {html.escape(video.reply.strip() or '(no reply)')}</div>",
            f"<div style='opacity:0.8;font-family:var(--jp-code-font-family, monospace);"
            f"font-size:0.85em'>{html.escape(video.timeline.summary())}</div>",
            f"<div><b>{video.duration_s:.1f} s</b> long · {html.escape(render)}</div>",
            f"<div style='opacity:0.7;font-size:0.85em'>{html.escape(str(result.path))}</div>",
        ]
        return f"<div style='line-height:1.4;overflow-wrap:anywhere'>{''.join(lines)}</div>"


async def _save_preview(client: AsyncNemoClient, session_id: str, dest: Path) -> Path | None:
    """Ask the local engine for the preview of the session's draft (the video just made), wait
    for it and save it to ``dest``; None when there is none. A preview is a nicety: any trouble
    is logged and gives None, never a failed prompt."""
    try:
        settings = await client.render_settings(session_id, previews=True)
        if settings is None or not settings.previews:
            return None  # not the local engine, or one started without previews
        job = await client.wait_preview(session_id, timeout=PREVIEW_TIMEOUT_S)
        if job is not None and job.done:
            dest.parent.mkdir(exist_ok=True)
            return await client.download(job, dest)
        if job is not None:
            logger.info("no preview for session %s: %s", session_id, job.error)
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.debug("saving the preview of session %s failed", session_id, exc_info=True)
    return None


def prompt_slug(prompt: str, limit: int = 40) -> str:
    """A file-name-safe slug of ``prompt``: lower-case words joined by "-", whole words up to
    ``limit`` characters (``"9:16 for TikTok"`` -> ``"9-16-for-tiktok"``); "prompt" if none."""
    words = re.findall(r"[^\W_]+", prompt.casefold())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:limit]
    return slug or "prompt"


# -- progress --------------------------------------------------------------------------------


class _Watch:
    """Turns one prompt's ``make_video`` events into status updates; times the render's wait.

    ``renders`` is shared by the lab's prompts: those whose render is asked for and not
    finished. A render asked for while others are in it may wait for them: only then is the
    time until it reports progress taken as waiting.
    """

    def __init__(self, index: int, post: Callable[[_Update], None], renders: set[int]):
        self.index = index
        self.post = post
        self.percent = 0.0
        self.url: str | None = None
        self.waited_s: float | None = None
        self._renders = renders
        self._render_asked: float | None = None
        self._behind_others = False

    def finished(self) -> None:
        self._renders.discard(self.index)

    def __call__(self, event: object) -> None:
        if isinstance(event, Stage):
            if event.name == "upload":
                self._show(0, "uploading")
            elif event.name == "turn":
                self._show(10, "the agent is editing")
            elif event.name == "render":
                self._render_asked = time.perf_counter()
                self._behind_others = bool(self._renders)
                self._renders.add(self.index)
                self._show(20, "waiting to render")
        elif isinstance(event, UploadProgress) and event.total:
            self._show(10 * event.sent / event.total, "uploading")
        elif isinstance(event, ExportChanged):
            started = event.state in ("downloading", "done") or (
                event.state == "rendering" and event.progress > 0
            )
            if started and self._render_asked is not None:
                if self._behind_others and self.waited_s is None:
                    self.waited_s = time.perf_counter() - self._render_asked
                if event.state != "rendering":
                    self.finished()
            if event.state == "rendering" and event.progress > 0:
                self._show(20 + 0.75 * event.progress, "rendering")
            elif event.state == "downloading":
                self._show(95, "downloading")
        elif isinstance(event, VideoReady):
            self.url = event.url

    def _show(self, percent: float, text: str) -> None:
        self.percent = percent
        self.post(_Update(self.index, percent, text))


class _StatusLines:
    """One tqdm line per prompt (a widget in a notebook, a line of text in a terminal)."""

    def __init__(self, prompts: list[str], *, enabled: bool):
        self._bars = [
            tqdm(
                total=100,
                desc=f"{index + 1}. {one_line(prompt, 36)}",
                position=index,
                leave=True,
                disable=not enabled,
                bar_format="{desc} {bar} {percentage:3.0f}%{postfix}",
            )
            for index, prompt in enumerate(prompts)
        ]

    def show(self, update: _Update) -> None:
        bar = self._bars[update.index]
        bar.n = round(update.percent, 1)
        bar.set_postfix_str(update.text, refresh=False)
        bar.refresh()

    def close(self) -> None:
        for bar in self._bars:
            bar.close()


# -- the record of the videos the lab made ---------------------------------------------------


class _Record:
    """``nemo-prompt-lab.json``: the videos the lab made (size and modification time), which is
    how it knows that a file at an output path is its own to replace."""

    def __init__(self, path: Path, videos: dict[str, dict[str, Any]]):
        self.path = path
        self.videos = videos

    @classmethod
    def load(cls, path: Path) -> _Record:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path, {})  # none yet, or unreadable: no file counts as the lab's own
        videos = data.get("videos") if isinstance(data, dict) else None
        return cls(path, videos if isinstance(videos, dict) else {})

    def add(self, target: Path, prompt: str) -> None:
        self.videos[target.name] = {"prompt": prompt, **stamp(target)}
        write_json(self.path, {"format": _RECORD_FORMAT, "version": 1, "videos": self.videos})


# -- small helpers -------------------------------------------------------------------------


def _checked_prompts(prompts: str | Sequence[str]) -> list[str]:
    if isinstance(prompts, str):
        prompts = [prompts]
    checked = []
    for number, prompt in enumerate(prompts, start=1):
        if not isinstance(prompt, str):
            raise TypeError(f"Prompt {number} is a {type(prompt).__name__}, not text.")
        if not prompt.strip():
            raise ValueError(
                f"Prompt {number} is empty: say what to make, for example "
                "'turn these images into a 15-second video with smooth transitions'."
            )
        checked.append(prompt.strip())
    if not checked:
        raise ValueError(
            "No prompts to compare: give a list of them, for example "
            "['make a slideshow', 'a 10 second video with Ken Burns motion']."
        )
    return checked


def _tracks(video: MadeVideo | None) -> str:
    """The kinds of the tracks, e.g. "Video, Title"."""
    if video is None:
        return ""
    timeline = video.timeline
    return ", ".join(timeline.kind_word(track) for track in timeline.tracks)


def _note(text: str) -> str:
    return f"<div style='opacity:0.7;padding:24px 0'>{html.escape(text)}</div>"


def _failure(result: LabResult) -> str:
    return (
        "<div role='alert' style='line-height:1.4;color:var(--jp-error-color1, #d93a3a);"
        "background:rgba(217, 58, 58, 0.1);padding:8px 10px;border-radius:8px;"
        "white-space:pre-wrap;overflow-wrap:anywhere'>"
        f"<b>Failed:</b> {html.escape(result.error or 'no video')}</div>"
    )
