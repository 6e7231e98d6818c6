"""``NemoStudio``: the chat-and-timeline widget (an anywidget).

The kernel is the source of truth: everything durable is a trait, custom messages carry only
what streams (docs/widget-protocol.md). All network work runs on the runtime's loop thread
(:mod:`nemo_widgets.runtime`); the comm handler only checks, writes upload pieces to disk and
hands work over, so it never blocks the kernel.

Three traits of the contract share their names with the Python API (``messages`` is a copy,
``timeline`` a :class:`Timeline`, ``export()`` a method), so they live in private traits that
:meth:`NemoStudio.get_state` renames on the way out (see ``_SYNCED_AS``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import itertools
import logging
import os
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets
from httpx import URL

from ..api import AsyncNemoClient, NemoClient, NemoError
from ..assistant import Assistant
from ..config import MAX_UPLOAD_BYTES, Settings, default_data_dir
from ..runtime import Runtime, get_runtime
from ..timeline import Timeline
from . import protocol
from .outbox import Outbox, RateMeter
from .session_record import SessionRecords, notebook_path
from .studio_events import EventMapping, credits_label  # noqa: F401  (was defined here)
from .studio_preview import PreviewFollower, PreviewState
from .studio_sessions import SessionKeeping
from .studio_uploads import UploadGlue
from .thumbs import timeline_json
from .uploads import CHUNK_SIZE, WINDOW, UploadReceiver
from .video import VideoStreamer

logger = logging.getLogger("nemo_widgets.widget")

STATIC = Path(__file__).parent / "static"
# Private trait -> the name the front end knows it by.
_SYNCED_AS = {"_messages": "messages", "_timeline": "timeline", "_export": "export"}
_PRIVATE_NAMES = {public: private for private, public in _SYNCED_AS.items()}
# What a poll sends again: everything durable (protocol.json's list, as the traits are named here).
_DURABLE = tuple(_PRIVATE_NAMES.get(name, name) for name in protocol.STUDIO.durable)
_IDLE_EXPORT = {"state": "idle", "progress": 0, "error": None}


class NemoStudio(SessionKeeping, UploadGlue, EventMapping, anywidget.AnyWidget):
    """Turn photos into a video by chatting, in a notebook cell.

    ``client`` is an :class:`AsyncNemoClient` or a :class:`NemoClient`; without one the default
    backend rule applies (the local engine unless a token or server URL is configured).
    ``session_id`` continues an existing session. ``session`` chooses what to show: by default
    the last session of this notebook (when Jupyter tells the kernel the notebook's path) with
    its conversation, attachments and video, so that running the cell again resumes it;
    ``"new"`` starts afresh, ``"last"`` takes the last session of this notebook or else of this
    data folder, any other value is a session id. ``debug=True`` also shows tool calls.

    On the local engine the studio plays a small preview of the video after every change
    (``previews=False`` turns that off), and the engine starts the full export by itself once
    the draft has been left alone for half a second, so that Export finds it done
    (``speculative_export=False`` turns that off: no CPU is spent on exports not asked for).

    The Python API works whether or not the widget is displayed::

        studio = NemoStudio()
        studio.upload("a.jpg", "b.jpg")
        studio.send_sync("turn these images into a 10-second video")
        studio.export("video.mp4")
    """

    _esm = STATIC / "studio.js"
    _css = STATIC / "studio.css"

    backend = traitlets.Unicode("").tag(sync=True)
    session_id = traitlets.Unicode("").tag(sync=True)
    _messages = traitlets.List().tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)
    queued = traitlets.Int(0).tag(sync=True)
    attachments = traitlets.List().tag(sync=True)
    _timeline = traitlets.Dict().tag(sync=True)
    credits = traitlets.Unicode("").tag(sync=True)
    _export = traitlets.Dict(dict(_IDLE_EXPORT)).tag(sync=True)
    video = traitlets.Dict().tag(sync=True)
    preview = traitlets.Dict().tag(sync=True)
    upload_chunk_size = traitlets.Int(CHUNK_SIZE).tag(sync=True)
    upload_window = traitlets.Int(WINDOW).tag(sync=True)
    max_upload_bytes = traitlets.Int(MAX_UPLOAD_BYTES).tag(sync=True)
    debug = traitlets.Bool(False).tag(sync=True)
    resumable = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        client: AsyncNemoClient | NemoClient | None = None,
        *,
        session_id: str | None = None,
        session: str | None = None,
        debug: bool = False,
        previews: bool = True,
        speculative_export: bool = True,
        runtime: Runtime | None = None,
        **kwargs: Any,
    ):
        if runtime is None and isinstance(client, NemoClient):
            runtime = client._runtime  # its async client lives on that loop
        self._runtime = runtime or get_runtime()
        self._loop = self._runtime.loop
        self._owns_client = client is None
        if client is None:
            client = AsyncNemoClient()  # may start the local engine: before any comm opens
        self._client = client.aio if isinstance(client, NemoClient) else client
        settings = self._client.settings
        # Set before the widget opens its comm: every message sent is counted from the start.
        self._lock = threading.RLock()
        self._meter = RateMeter()
        self._closed = False
        super().__init__(**kwargs)

        self._items: dict[str, dict[str, Any]] = {}  # the transcript, in order
        self._unsynced_items = False  # status lines of a running turn, committed at its end
        self._timeline_value = Timeline()
        self._thumbs: dict[str, str] = {}
        self._video_path: Path | None = None
        self._exported_draft: dict[str, Any] | None = None  # the draft the shown video shows
        self._last_token = 0  # of the video or the preview: never given twice
        self._futures: set[concurrent.futures.Future[Any]] = set()
        self._error_ids = itertools.count(1)
        self._attachment_ids = itertools.count(1)
        self._progress_shown: dict[str, float] = {}
        self._session_uploads = asyncio.Lock()  # used on the runtime loop only
        self._batches = {}
        self._turn_steps = []
        self._unchanged_export = None
        self._groups = {}
        self._upload_group = None
        self._digests = {}

        self._outbox = Outbox(self._send_custom, self._meter, self._call_later)
        self._uploads = UploadReceiver(
            max_bytes=settings.max_upload_bytes, chunk_size=CHUNK_SIZE, window=WINDOW
        )
        self._video = VideoStreamer(self._send_custom)
        self._preview_stream = VideoStreamer(self._send_custom)
        self._previews = PreviewFollower(
            self._client,
            self._loop,
            self._show_preview,
            previews=previews,
            speculative_export=speculative_export,
        )
        self._records = SessionRecords(default_data_dir())
        self._notebook = notebook_path()
        backend = backend_label(settings)
        record = None
        if session_id is not None:
            record = self._records.load(str(session_id))
        else:
            record = self._choose_record(session, backend)
            if record is not None:
                session_id = str(record["session_id"])
            elif session not in (None, "new", "last"):
                session_id = session
        self._assistant = Assistant(self._client, session_id=session_id, on_event=self._on_event)
        if self._client.on_notice is None:  # unless the notebook routes them itself
            self._client.on_notice = self._add_notice

        with self._syncing():
            self.backend = backend
            self.session_id = session_id or ""
            if record is not None:
                self._restore(record)
            elif not session_id and session != "new":
                self._offer_last(backend)
            self.max_upload_bytes = settings.max_upload_bytes
            self.debug = debug
            self._timeline = timeline_json(self._timeline_value, self._thumbs)
        self.on_msg(self._on_custom_message)
        self._reading_credits = False
        self._read_credits_soon()
        if session_id:
            self._loop.call_soon_threadsafe(self._previews.session_started, session_id)
            self._spawn(self._assistant.refresh(), "reading the project")

    # -- the Python API --------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The transcript as the widget shows it (a copy): one dict per item."""
        with self._lock:
            return copy.deepcopy(list(self._items.values()))

    @property
    def timeline(self) -> Timeline:
        """The project's timeline, as read after the last turn or upload."""
        return self._timeline_value

    @property
    def video_path(self) -> Path | None:
        """The last exported MP4 on this machine, or None before the first export."""
        return self._video_path

    @property
    def preview_path(self) -> Path | None:
        """The preview of the current draft on this machine (a small MP4 the local engine
        renders after every change), or None while it renders, before the first change and
        on other servers. It is deleted when the studio closes: copy it to keep it."""
        return self._previews.path

    def upload(self, *paths: str | os.PathLike[str]) -> list[str]:
        """Upload files to the session (blocking); returns their names as stored."""
        if not paths:
            raise ValueError("upload() needs at least one file path")
        return self._runtime.run(self._upload_paths([Path(p) for p in paths]))

    async def send(self, text: str) -> str:  # type: ignore[override]
        """Send a message from a notebook cell (``await studio.send(...)``); returns the reply.

        Raises :class:`NemoError` when the turn ended in an error (also shown in the widget).
        """
        future = self._runtime.submit(self._assistant.say(text))
        return _reply_text(await asyncio.wrap_future(future))

    def send_sync(self, text: str) -> str:
        """Send a message and wait for the reply (blocking)."""
        return _reply_text(self._runtime.run(self._assistant.say(text)))

    def stop(self) -> None:
        """Stop the running turn or export and drop the messages waiting behind it."""
        self._loop.call_soon_threadsafe(self._stop_turn)

    def export(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Render the video and save it (blocking); returns where the MP4 is."""
        dest = Path(path) if path is not None else None
        return self._runtime.run(self._assistant.export(dest))

    def close(self) -> None:
        """Stop the running turn, delete the uploaded temp files and close the widget."""
        if not getattr(self, "_closed", True):
            self._closed = True
            try:
                self._shut_down()
            except Exception:  # closing must not fail, also not during garbage collection
                logger.debug("error while closing the studio", exc_info=True)
        super().close()

    # -- ipywidgets hooks ------------------------------------------------------------------

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        if isinstance(key, str):
            key = _PRIVATE_NAMES.get(key, key)
        elif key is not None:
            key = [_PRIVATE_NAMES.get(name, name) for name in key]
        state = super().get_state(key, drop_defaults)
        return {_SYNCED_AS.get(name, name): value for name, value in state.items()}

    def send_state(self, key: Any = None) -> None:
        if key is None or key:  # hold_sync ends with an empty set when nothing changed
            self._meter.note()
        super().send_state(key)

    def _send_custom(self, content: dict[str, Any], buffers: list[Any] | None = None) -> None:
        """A custom message to the front end (``Widget.send``; ``send`` here is the chat)."""
        if self._closed:
            return
        self._meter.note()
        ipywidgets.Widget.send(self, content, buffers or None)

    def focus(self) -> None:  # DOMWidget's versions call ``self.send``, which is the chat here
        self._send_custom({"do": "focus"})

    def blur(self) -> None:
        self._send_custom({"do": "blur"})

    # -- messages from the browser (the kernel's comm handler: never block here) -----------

    def _on_custom_message(self, _widget: object, content: Any, buffers: list[Any]) -> None:
        if self._closed or not isinstance(content, dict):
            return
        kind = content.get("type")
        handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            logger.debug("unknown message from the browser: %r", kind)
            return
        try:
            handler(self, content, buffers)
        except Exception as exc:  # a bug here must not show a traceback under the cell
            logger.debug("handling %r failed", kind, exc_info=True)
            self._add_error(f"Something went wrong ({type(exc).__name__}: {exc}). Try again.")

    def _on_send(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        text = str(content.get("text") or "").strip()
        if text:
            self._spawn(self._assistant.say(text), "sending your message")

    def _on_stop(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self._loop.call_soon_threadsafe(self._stop_turn)

    def _on_answer(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        choices = content.get("choices") or []
        item_id = str(content.get("item_id") or "")
        self._spawn(self._assistant.answer(item_id, choices), "sending your answer")

    def _on_export(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self._spawn(self._export_from_browser(), "exporting")

    def _on_resume(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        offered = self.resumable.get("session_id")
        record = self._records.load(str(offered)) if offered else None
        if record is not None and content.get("session_id") == offered:
            self._resume(record)
            self._spawn(self._assistant.refresh(), "reading the project")

    def _on_video_ack(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        # Tokens are unique across the two videos: each stream ignores the other's acks.
        self._video.ack(content.get("token"), content.get("seq"))
        self._preview_stream.ack(content.get("token"), content.get("seq"))

    def _on_poll(self, content: dict[str, Any], _buffers: list[Any] | None = None) -> None:
        after = content.get("after")
        after = after if isinstance(after, int) and not isinstance(after, bool) else 0
        for message in self._outbox.replay(after):
            self._send_custom(message)
        with self._lock:
            self.send_state(list(_DURABLE))

    def _on_video_request(self, content: dict[str, Any], _buffers: list[Any] | None = None) -> None:
        token = content.get("token")
        if token is not None and token == self.video.get("token"):
            self._video.start(token, self._video_path)
        elif token is not None and token == self.preview.get("token"):
            self._preview_stream.start(token, self._previews.path)
        else:
            self._send_custom(
                {
                    "type": "video_error",
                    "token": token,
                    "message": "This video was replaced by a newer one.",
                }
            )

    # -- work on the runtime loop ----------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, Any], doing: str) -> None:
        """Run ``coro`` on the runtime loop without waiting; a failure becomes an error item."""
        future = self._runtime.submit(self._guarded(coro, doing))
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    async def _guarded(self, coro: Coroutine[Any, Any, Any], doing: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except NemoError as exc:
            self._add_error(exc.message)
        except Exception as exc:
            logger.debug("%s failed", doing, exc_info=True)
            self._add_error(
                f"Something went wrong while {doing} ({type(exc).__name__}: {exc}). Try again."
            )

    def _read_credits_soon(self) -> None:
        """Show the balance in the header; quietly, since it is only a nicety."""
        if self._reading_credits or self._closed:
            return
        self._reading_credits = True
        future = self._runtime.submit(self._read_credits())
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    async def _read_credits(self) -> None:
        try:
            await self._assistant.credits()  # shown through CreditsChanged
        except Exception as exc:
            logger.debug("could not read the credits: %s", exc)
        finally:
            self._reading_credits = False

    async def _export_from_browser(self) -> None:
        try:
            await self._assistant.export()
        except NemoError:
            pass  # the assistant reported it (ExportChanged with the error)
        except Exception as exc:
            logger.debug("export failed", exc_info=True)
            with self._lock:
                self._export = {
                    "state": "error",
                    "progress": 0,
                    "error": f"The export failed ({type(exc).__name__}). Try again.",
                }

    def _stop_turn(self) -> None:
        if not self._closed:
            self._assistant.stop()

    def _call_later(self, delay: float, callback: Any) -> None:
        self._loop.call_soon_threadsafe(self._loop.call_later, delay, callback)

    def _shut_down(self) -> None:
        if self._client.on_notice == self._add_notice:
            self._client.on_notice = None  # a client the notebook keeps logs its notices again

        def stop_on_loop() -> None:
            self._assistant.stop()
            for future in list(self._futures):
                future.cancel()
            if self._owns_client:
                self._loop.create_task(self._client.aclose())

        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(stop_on_loop)
        self._uploads.close()
        self._video.close()
        self._preview_stream.close()
        self._previews.close()

    # -- trait helpers ---------------------------------------------------------------------

    def _next_video_token(self) -> int:
        """A token for a new video or preview: one sequence for both, so that the browser's
        requests and acks name one file."""
        with self._lock:
            shown = max(int(self.video.get("token") or 0), int(self.preview.get("token") or 0))
            self._last_token = max(self._last_token, shown) + 1
            return self._last_token

    def _show_preview(self, shown: PreviewState) -> None:
        """The ``preview`` trait (runtime loop thread): the poster while a preview renders,
        then the new preview, which the browser plays at once."""
        preview: dict[str, Any] = {"state": shown.state, "token": None, "error": shown.error}
        if shown.state == "ready" and shown.path is not None:
            preview.update(
                token=self._next_video_token(),
                url=shown.url,
                name=shown.path.name,
                size=shown.size,
                duration_s=self._timeline_value.duration_s,
            )
        with self._lock:
            self.preview = preview

    def _syncing(self) -> Any:
        """Several trait changes as one comm message, safe from any thread."""
        return _Syncing(self)


class _Syncing:
    """``with widget._syncing():`` = the widget's lock + ``hold_sync``."""

    def __init__(self, widget: NemoStudio):
        self._widget = widget
        self._hold: Any = None

    def __enter__(self) -> None:
        self._widget._lock.acquire()
        self._hold = self._widget.hold_sync()
        self._hold.__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self._hold.__exit__(*exc_info)
        finally:
            self._widget._lock.release()


# The browser's custom messages (protocol.json's ``to_kernel``) and who handles each.
_HANDLERS: dict[str, Any] = {
    "send": NemoStudio._on_send,
    "stop": NemoStudio._on_stop,
    "answer": NemoStudio._on_answer,
    "export": NemoStudio._on_export,
    "upload_begin": NemoStudio._on_upload_begin,
    "upload_chunk": NemoStudio._on_upload_chunk,
    "upload_end": NemoStudio._on_upload_end,
    "upload_cancel": NemoStudio._on_upload_cancel,
    "video_request": NemoStudio._on_video_request,
    "video_ack": NemoStudio._on_video_ack,
    "poll": NemoStudio._on_poll,
    "resume": NemoStudio._on_resume,
}


def backend_label(settings: Settings) -> str:
    """The ``backend`` trait: which server the widget talks to, in a few words."""
    if settings.backend_kind == "cloud":
        return "NemoVideo cloud"
    if settings.backend_kind == "local":
        return "Local engine"
    url = settings.base_url
    try:
        host = URL(url).netloc.decode("ascii") or url
    except Exception:
        host = url
    return f"Server at {host}"


def _reply_text(reply: Any) -> str:
    error = getattr(reply, "error", None)
    if error:
        raise NemoError(str(error))
    return str(getattr(reply, "text", "") or "")
