"""``NemoClient``: the same methods as :class:`AsyncNemoClient`, blocking.

Usable in a plain script and in a notebook whose event loop is already running: every call runs
on the private loop thread of :mod:`nemo_widgets.runtime`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..config import Settings
from ..runtime import Runtime, get_runtime
from .client import PREVIEW_TIMEOUT, AsyncNemoClient, ProgressCallback
from .events import ChatEvent
from .models import Credits, RenderJob, RenderSettings, Session, State, Upload
from .uploads import FileInput


class NemoClient:
    """Blocking NemoVideo client. ``with NemoClient() as nemo: ...`` or call :meth:`close`.

    Takes the same arguments as :class:`AsyncNemoClient`.
    """

    def __init__(self, *args: Any, runtime: Runtime | None = None, **kwargs: Any):
        self._runtime = runtime or get_runtime()
        self.aio = AsyncNemoClient(*args, **kwargs)

    def __enter__(self) -> NemoClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._runtime.run(self.aio.aclose())

    def __repr__(self) -> str:
        return repr(self.aio).replace("AsyncNemoClient", "NemoClient", 1)

    @property
    def settings(self) -> Settings:
        return self.aio.settings

    @property
    def base_url(self) -> str:
        return self.aio.base_url

    @property
    def backend(self) -> str:
        return self.aio.backend

    @property
    def on_notice(self) -> Callable[[str], Any] | None:
        """Where one-time notices go (see :attr:`AsyncNemoClient.on_notice`)."""
        return self.aio.on_notice

    @on_notice.setter
    def on_notice(self, handler: Callable[[str], Any] | None) -> None:
        self.aio.on_notice = handler

    def is_local_engine(self) -> bool:
        return self._runtime.run(self.aio.is_local_engine())

    def export_notice(self) -> str | None:
        return self._runtime.run(self.aio.export_notice())

    def create_session(self, language: str = "en", *, task_name: str = "project") -> Session:
        return self._runtime.run(self.aio.create_session(language, task_name=task_name))

    def claim_link(self, session: Session) -> str:
        return self._runtime.run(self.aio.claim_link(session))

    def credits(self) -> Credits:
        return self._runtime.run(self.aio.credits())

    def state(self, session_id: str) -> State:
        return self._runtime.run(self.aio.state(session_id))

    def upload(self, session_id: str, *files: FileInput) -> Upload:
        return self._runtime.run(self.aio.upload(session_id, *files))

    def upload_urls(self, session_id: str, urls: list[str]) -> Upload:
        return self._runtime.run(self.aio.upload_urls(session_id, urls))

    def chat(
        self, session_id: str, text: str, *, before: State | None = None, streaming: bool = False
    ) -> Iterator[ChatEvent]:
        """Events of one agent turn; ``close()`` the iterator (or break) to stop the turn."""
        return self._runtime.iterate(
            self.aio.chat(session_id, text, before=before, streaming=streaming)
        )

    def start_render(
        self, session_id: str, draft: dict[str, Any], quality: str = "high"
    ) -> RenderJob:
        return self._runtime.run(self.aio.start_render(session_id, draft, quality))

    def render_status(self, render_id: str) -> RenderJob:
        return self._runtime.run(self.aio.render_status(render_id))

    def preview(self, session_id: str) -> RenderJob | None:
        return self._runtime.run(self.aio.preview(session_id))

    def wait_preview(
        self,
        session_id: str,
        *,
        known: str | None = None,
        on_progress: ProgressCallback | None = None,
        timeout: float = PREVIEW_TIMEOUT,
    ) -> RenderJob | None:
        """Poll the preview until rendered. ``on_progress`` runs on the runtime thread."""
        return self._runtime.run(
            self.aio.wait_preview(session_id, known=known, on_progress=on_progress, timeout=timeout)
        )

    def render_settings(
        self,
        session_id: str,
        *,
        previews: bool | None = None,
        speculative_export: bool | None = None,
    ) -> RenderSettings | None:
        return self._runtime.run(
            self.aio.render_settings(
                session_id, previews=previews, speculative_export=speculative_export
            )
        )

    def cancel_render(self, render_id: str) -> None:
        self._runtime.run(self.aio.cancel_render(render_id))

    def wait_render(
        self, render_id: str | RenderJob, on_progress: ProgressCallback | None = None
    ) -> RenderJob:
        """Poll until done. ``on_progress`` runs on the runtime thread: keep it quick."""
        return self._runtime.run(self.aio.wait_render(render_id, on_progress))

    def download(self, job: RenderJob | str, dest: str | os.PathLike[str] = ".") -> Path:
        return self._runtime.run(self.aio.download(job, dest))
