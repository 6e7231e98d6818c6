"""NemoStudio's live preview: the local engine's small render of the draft, after every change.

The engine renders a preview of a session's draft after each turn that changes it, for the
sessions that ask (docs/protocol.md, "Previews"). :class:`PreviewFollower` asks once per session,
then follows each change of the timeline: it waits for the session's new preview
(``client.wait_preview``), saves it (a few hundred KB over loopback) and hands it to the
studio, which shows it as the ``preview`` trait. A newer change replaces the follow of an older
one at once.

On any server that is not the local engine nothing is asked: a render there may cost the person.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..api import NemoError

logger = logging.getLogger("nemo_widgets.widget")


@dataclass(frozen=True)
class PreviewState:
    """What the studio shows: ``rendering`` (a poster), ``ready`` (``path`` plays) or
    ``failed`` (``error`` says why)."""

    state: str
    render_id: str = ""
    path: Path | None = None
    url: str | None = None
    size: int = 0
    error: str | None = None


Show = Callable[[PreviewState], None]


class PreviewFollower:
    """Follows one studio's session: asks for previews, fetches each new one, calls ``show``.

    ``previews=False`` asks for none; ``speculative_export=False`` asks the engine not to start
    exports by itself for this session (both are NemoStudio arguments). Methods are called on
    the runtime loop's thread; ``show`` is called there too.
    """

    def __init__(
        self,
        client: Any,
        loop: asyncio.AbstractEventLoop,
        show: Show,
        *,
        previews: bool = True,
        speculative_export: bool = True,
    ):
        self._client = client
        self._loop = loop
        self._show = show
        self.previews = previews
        self.speculative_export = speculative_export
        self._asked: dict[str, bool] = {}  # session -> whether the engine makes it previews
        self._task: asyncio.Task[None] | None = None  # the follow of the latest change
        self._asking: asyncio.Task[None] | None = None
        self._shown: PreviewState | None = None
        self._folder: Path | None = None
        self._file: Path | None = None  # the last preview saved (shown, or replaced soon)
        self._closed = False

    @property
    def path(self) -> Path | None:
        """The MP4 of the preview shown, or None."""
        shown = self._shown
        return shown.path if shown is not None and shown.state == "ready" else None

    def session_started(self, session_id: str) -> None:
        """A session exists: tell the engine what this studio wants before its first turn."""
        if session_id and not self._closed:
            self._asking = self._loop.create_task(self._quietly(self._ask(session_id)))

    def draft_changed(self, session_id: str) -> None:
        """The timeline was read again: follow the session's preview (replacing a follow)."""
        if not self.previews or not session_id or self._closed:
            return
        if self._task is not None:
            self._task.cancel()
        self._task = self._loop.create_task(self._quietly(self._follow(session_id)))

    def close(self) -> None:
        """Stop following and delete the saved previews (any thread)."""
        self._closed = True

        def stop() -> None:
            for task in (self._task, self._asking):
                if task is not None:
                    task.cancel()

        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(stop)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    # -- on the runtime loop -----------------------------------------------------------------

    async def _quietly(self, coro: Any) -> None:
        """A preview is a nicety: a failure is logged and shown on the preview, never raised."""
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except NemoError as exc:
            logger.info("no preview: %s", exc.message)
            self._failed(exc.message)
        except Exception as exc:
            logger.debug("following the preview failed", exc_info=True)
            self._failed(f"{type(exc).__name__}: {exc}")

    def _failed(self, error: str) -> None:
        if self.previews:  # a studio without previews has no preview panel to say it in
            self._set(PreviewState("failed", error=error))

    async def _ask(self, session_id: str) -> bool:
        """Whether the engine makes previews for ``session_id`` (asked once per session).

        Both wishes are sent, also the defaults: a session keeps its settings on the engine, so
        a studio reopened with other arguments must not inherit the last one's.
        """
        if session_id not in self._asked:
            settings = await self._client.render_settings(
                session_id, previews=self.previews, speculative_export=self.speculative_export
            )
            self._asked[session_id] = bool(settings is not None and settings.previews)
        return self._asked[session_id]

    async def _follow(self, session_id: str) -> None:
        if not await self._ask(session_id):
            return  # not the local engine, or its previews are off
        shown = self._shown
        known = shown.render_id if shown is not None and shown.state != "rendering" else None
        job = await self._client.wait_preview(session_id, known=known, on_progress=self._rendering)
        if job is None:
            return  # nothing new: the draft did not change, or previews stopped
        if job.done:
            await self._fetch(job)
        else:
            self._set(PreviewState("failed", job.id, error=job.error))

    def _rendering(self, job: Any) -> None:
        """A preview not rendered yet: the poster, once per preview."""
        shown = self._shown
        if shown is None or shown.render_id != job.id:
            self._set(PreviewState("rendering", job.id))

    async def _fetch(self, job: Any) -> None:
        folder = self._preview_folder()
        path = await self._client.download(job, folder / f"preview-{_safe(job.id)}.mp4")
        earlier, self._file = self._file, path
        self._set(PreviewState("ready", job.id, path, job.output_url, path.stat().st_size))
        if earlier is not None and earlier != path:
            with contextlib.suppress(OSError):  # a stream of it may still be open (Windows)
                earlier.unlink()

    def _preview_folder(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="nemo-studio-previews-"))
        return self._folder

    def _set(self, state: PreviewState) -> None:
        if self._closed:
            return
        self._shown = state
        self._show(state)


def _safe(render_id: str) -> str:
    return "".join(char for char in render_id if char.isalnum() or char in "_-")[:64] or "preview"
